/*
 * The default hv_check_failed() hook.
 *
 * It is weak so that whoever links the library can define the real one:
 * the hypervisor core panics with a register dump, a test observes the
 * failure. Without one, a failed check stops the program on the spot with
 * the compiler's trap instruction (ud2 / brk), which a debugger, the host
 * kernel or the hypervisor's own exception handler reports. Nothing else
 * is possible here without a C library.
 */
#include <hv/check.h>

HV_WEAK void hv_check_failed(const char *file, int line, const char *expr)
{
    (void)file;
    (void)line;
    (void)expr;
    __builtin_trap();
}
