/*
 * Time in libhv: a signed 64-bit count of nanoseconds.
 *
 * Signed so that differences are natural and "before the epoch" or "already
 * late" are representable (Xen's s_time_t makes the same choice). 2^63 ns
 * is about 292 years, so overflow is not a practical concern for uptimes;
 * HV_TIME_MAX stands for "never".
 *
 * libhv libraries never read a clock themselves: the caller passes "now".
 */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

typedef int64_t hv_time_t;

#define HV_TIME_MAX ((hv_time_t)INT64_MAX)

#define HV_NSEC(n) ((hv_time_t)(n))
#define HV_USEC(n) ((hv_time_t)(n)*1000LL)
#define HV_MSEC(n) ((hv_time_t)(n)*1000000LL)
#define HV_SEC(n)  ((hv_time_t)(n)*1000000000LL)

HV_EXTERN_C_END

#endif /* HV_TIME_H */
