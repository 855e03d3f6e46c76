/*
 * <hv/sched_sedf.h>: simple Earliest Deadline First (library hv-sched-sedf).
 *
 * As Xen 3.x's sEDF: each entity reserves `slice` ns of CPU in every
 * `period` ns. Entities with slice left in their current period wait in a
 * run queue ordered by deadline (end of the period) and the earliest runs;
 * entities that used their slice wait for their next period in a wait
 * queue ordered by period start. When no reservation is pending, the CPU
 * goes to entities with the `extra` flag, shared in proportion to their
 * `weight` (in quanta of extra_quantum ns).
 *
 * Admission control: the sum of slice/period over attached entities
 * (blocked ones too: a reservation is held while attached), counted in
 * parts per billion rounded down, may not exceed 10^9 (100%). Under it and
 * with picks at the times the policy asks for, every period delivers its
 * slice (EDF is optimal on one CPU).
 *
 * latency: when an entity wakes after its period has ended, its first
 * period is `latency` ns long with a slice scaled by latency/period (same
 * utilisation), so it is served soon; 0 disables this.
 *
 * Waking within the current period resumes it with the slice left. Yield
 * gives up the rest of the current slice (the period counts as met).
 * hv_sched_adjust() changes period/slice/latency from the next period;
 * extra/weight at once.
 */
#ifndef HV_SCHED_SEDF_H
#define HV_SCHED_SEDF_H

#include <hv/sched.h>

HV_EXTERN_C_BEGIN

#define HV_SCHED_SEDF_PERIOD_MIN      HV_USEC(10)
#define HV_SCHED_SEDF_PERIOD_MAX      HV_SEC(10)
#define HV_SCHED_SEDF_SLICE_MIN       HV_USEC(5)
#define HV_SCHED_SEDF_WEIGHT_MAX      1000
#define HV_SCHED_SEDF_QUANTUM_DEFAULT HV_USEC(500)
#define HV_SCHED_SEDF_QUANTUM_MIN     HV_USEC(10)
#define HV_SCHED_SEDF_QUANTUM_MAX     HV_SEC(1)
#define HV_SCHED_SEDF_UTIL_ONE        1000000000ULL /* 100% in ppb */

/* Instance parameters; NULL means the defaults. */
struct hv_sched_sedf_params {
    hv_time_t extra_quantum; /* ns of extra time per turn, QUANTUM_MIN..MAX */
};

/* Entity parameters: required (NULL is refused). */
struct hv_sched_sedf_entity_params {
    hv_time_t period;  /* ns, PERIOD_MIN..PERIOD_MAX */
    hv_time_t slice;   /* ns, SLICE_MIN..period */
    hv_time_t latency; /* ns, 0 or PERIOD_MIN..period */
    bool extra;        /* may run in slack time */
    uint32_t weight;   /* share of slack, 1..WEIGHT_MAX if extra, else 0 */
};

extern const struct hv_sched_policy hv_sched_policy_sedf;

/* Reserved utilisation of the instance in ppb (10^9 = 100%). */
uint64_t hv_sched_sedf_utilisation(const struct hv_sched *s);
/* Absolute deadline of e's current period (ns). */
hv_time_t hv_sched_sedf_deadline(const struct hv_sched_entity *e);

HV_EXTERN_C_END

#endif /* HV_SCHED_SEDF_H */
