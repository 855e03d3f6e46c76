/*
 * Panic: the end of the road for the hypervisor, said as clearly as
 * possible. Interrupts go off first so nothing else runs; the message, the
 * CPU state (registers and backtrace, from the arch port) and the last
 * console lines are printed; then the CPU halts. A panic inside a panic
 * only halts, so a fault in the printing code cannot loop.
 */
#include "core_priv.h"

static bool panicking;

HV_NORETURN void hv_panic(const char *fmt, ...)
{
    char buf[HV_CONSOLE_LINE_MAX];
    va_list ap;
    int n;

    arch_irq_disable();
    if (panicking)
        arch_halt();
    panicking = true;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    arch_console_write("\r\n*** PANIC: ", 13);
    arch_console_write(buf,
                       (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    arch_console_write("\r\n", 2);
    arch_dump_state();
    arch_console_write("*** last console lines:\r\n", 25);
    hv_console_replay(8);
    arch_console_write("*** halted\r\n", 12);
    arch_halt();
}

/* The base library's HV_CHECK hook: a broken invariant is a panic. */
void hv_check_failed(const char *file, int line, const char *expr)
{
    hv_panic("HV_CHECK(%s) failed at %s:%d", expr, file, line);
}
