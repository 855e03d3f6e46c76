/*
 * What the example EL1 guests share: Xen-style hypercalls over HVC #0xEA1
 * (number in x16, arguments in x0-x5, result in x0; the numbers are Xen's,
 * from xen/include/public/xen.h and sched.h), the time from the virtual
 * counter, and printing. The guests run at EL1 with the MMU off, in the
 * stage-2 address space the hypervisor gives them (their memory at IPA 0);
 * see libhv/arch/aarch64/include/hv/a64_guest.h.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stddef.h>
#include <stdint.h>

#define HC_set_timer_op 15
#define HC_console_io   18
#define HC_sched_op     29
#define CONSOLEIO_write 0
#define SCHEDOP_yield   0
#define SCHEDOP_block   1

static inline long hvc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    register uint64_t x0 __asm__("x0") = a0;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x16 __asm__("x16") = nr;
    __asm__ __volatile__("hvc #0xea1"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x16)
                         :
                         : "x3", "x4", "x5", "memory");
    return (long)x0;
}

/* Nanoseconds since the hypervisor booted (CNTVOFF_EL2 makes it so). */
static inline uint64_t guest_now(void)
{
    uint64_t c, f;
    __asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(c));
    __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
    return (c / f) * 1000000000ull + (c % f) * 1000000000ull / f;
}

static inline size_t guest_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static inline long guest_write(const char *s, size_t n)
{
    return hvc(HC_console_io, CONSOLEIO_write, n, (uint64_t)(uintptr_t)s);
}

/* Print a line made of a text, a signed number and a text. */
static inline void guest_say(const char *a, long v, const char *b)
{
    char line[128];
    char digits[24];
    size_t n = 0, d = 0;
    uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;

    for (size_t i = 0; a[i] && n < 60; i++)
        line[n++] = a[i];
    if (v < 0)
        line[n++] = '-';
    do {
        digits[d++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && d < sizeof(digits));
    while (d)
        line[n++] = digits[--d];
    for (size_t i = 0; b[i] && n < sizeof(line) - 1; i++)
        line[n++] = b[i];
    line[n++] = '\n';
    guest_write(line, n);
}

static inline void guest_sleep_until(uint64_t when)
{
    hvc(HC_set_timer_op, when, 0, 0);
    hvc(HC_sched_op, SCHEDOP_block, 0, 0);
}

#endif
