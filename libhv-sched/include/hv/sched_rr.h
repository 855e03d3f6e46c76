/*
 * <hv/sched_rr.h>: the round-robin policy (library hv-sched-rr).
 *
 * One time slice for the whole instance; runnable entities take turns in
 * FIFO order. An entity gets a full slice each time it reaches the head
 * of the queue (or wakes); a pick before its slice is used up lets it go
 * on with the rest. A wake never preempts a running entity. Entities take
 * no parameters (pass NULL, 0).
 */
#ifndef HV_SCHED_RR_H
#define HV_SCHED_RR_H

#include <hv/sched.h>

HV_EXTERN_C_BEGIN

#define HV_SCHED_RR_SLICE_DEFAULT HV_MSEC(10)
#define HV_SCHED_RR_SLICE_MIN     HV_USEC(10)
#define HV_SCHED_RR_SLICE_MAX     HV_SEC(10)

/* Instance parameters; NULL means { HV_SCHED_RR_SLICE_DEFAULT }. */
struct hv_sched_rr_params {
    hv_time_t slice; /* ns, HV_SCHED_RR_SLICE_MIN..MAX */
};

extern const struct hv_sched_policy hv_sched_policy_rr;

HV_EXTERN_C_END

#endif /* HV_SCHED_RR_H */
