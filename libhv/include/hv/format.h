/*
 * A bounded formatter: the subset of printf that a hypervisor needs.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with the length modifiers
 * hh, h, l, ll, z and t (so %ld, %lx, %llx, %zu ... all work); flags '-'
 * (left-justify), '0' (zero-pad), '+', ' ' and '#'; a field width and a
 * precision, either as digits or as '*'. No floating point: hypervisor
 * code is built without FP registers.
 *
 * Contract, as C99 snprintf: at most `size` bytes are written, the output
 * is always NUL-terminated when size > 0, and the return value is the
 * length the complete output would have had (not counting the NUL), so
 * `ret >= size` means it was truncated. buf may be NULL when size is 0.
 * %s with a NULL pointer prints "(null)". An unknown conversion is printed
 * literally (as "%y") instead of consuming an argument.
 *
 * Pure functions: no global state, no allocation, safe from any context.
 */
#ifndef HV_FORMAT_H
#define HV_FORMAT_H

#include <hv/types.h>
#include <stdarg.h>

HV_EXTERN_C_BEGIN

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    HV_PRINTF(3, 0);

int hv_snprintf(char *buf, size_t size, const char *fmt, ...) HV_PRINTF(3, 4);

HV_EXTERN_C_END

#endif /* HV_FORMAT_H */
