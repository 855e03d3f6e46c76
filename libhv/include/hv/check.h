/*
 * HV_CHECK(): invariants that can never legitimately fail.
 *
 * HV_CHECK is for the library's own bugs, never for bad input: anything a
 * guest, a file or the network can make false must be a refusal with an
 * hv_err instead. A failed check calls the hook hv_check_failed(), which
 * does not return. The base library defines it weakly as a trap; the
 * hypervisor core replaces it with a panic that dumps the registers, and a
 * test program can replace it to observe the failure.
 *
 * Checks are always compiled in: a hypervisor that silently runs on with a
 * broken invariant is worse than one that stops.
 */
#ifndef HV_CHECK_H
#define HV_CHECK_H

#include <hv/compiler.h>

HV_EXTERN_C_BEGIN

/*
 * hv_check_failed() - the link-time hook called when an HV_CHECK fails.
 * @file: source file of the check
 * @line: line of the check
 * @expr: the expression that was false, as text
 *
 * Must not return. Listed in docs/ARCHITECTURE.md among the hooks an image
 * may provide.
 */
HV_NORETURN void hv_check_failed(const char *file, int line, const char *expr);

#define HV_CHECK(cond)                                  \
    do {                                                \
        if (hv_unlikely(!(cond)))                       \
            hv_check_failed(__FILE__, __LINE__, #cond); \
    } while (0)

HV_EXTERN_C_END

#endif /* HV_CHECK_H */
