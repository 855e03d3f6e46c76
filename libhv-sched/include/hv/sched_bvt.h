/*
 * <hv/sched_bvt.h>: Borrowed Virtual Time (library hv-sched-bvt).
 *
 * Duda & Cheriton, "Borrowed-Virtual-Time (BVT) scheduling", SOSP 1999, as
 * in Xen 1.x/2.0. Each entity has an actual virtual time (AVT) that grows
 * while it runs: by mcu_advance for every started minimum charging unit
 * (mcu) of CPU time. So an entity's CPU share is proportional to
 * 1 / mcu_advance: two always-runnable entities with mcu_advance 10 and 20
 * get 2/3 and 1/3 of the CPU.
 *
 * The runnable entity with the least effective virtual time (EVT = AVT,
 * minus warp_value while warping) runs; the chosen one may run until its
 * EVT passes the next-lowest EVT, plus the context-switch allowance
 * ctx_allow. Warping lets a latency-sensitive entity borrow against its
 * future: while warping, its EVT is lowered by warp_value, so when it wakes
 * its EVT is usually below the running entity's -- the one condition on
 * which hv_sched_wake() returns 1 (preempt; equal EVTs do not preempt,
 * the running entity keeps the CPU). A warped run lasts at most warpl ns of
 * continuous CPU time (0: unlimited; leaving the CPU ends the run); then
 * the entity is unwarped for warpu ns of wall time before it may warp
 * again.
 *
 * System virtual time (SVT) is the least AVT among runnable entities, and
 * never decreases: an empty run queue keeps the last value. A waking or
 * added entity's AVT is raised to at least SVT, so sleeping earns no credit.
 *
 * Virtual time units ("vt"): one mcu of CPU time at mcu_advance 1.
 */
#ifndef HV_SCHED_BVT_H
#define HV_SCHED_BVT_H

#include <hv/sched.h>

HV_EXTERN_C_BEGIN

#define HV_SCHED_BVT_CTX_ALLOW_DEFAULT HV_MSEC(5)
#define HV_SCHED_BVT_CTX_ALLOW_MIN     HV_USEC(10)
#define HV_SCHED_BVT_CTX_ALLOW_MAX     HV_SEC(1)
#define HV_SCHED_BVT_MCU_DEFAULT       HV_USEC(100)
#define HV_SCHED_BVT_MCU_MIN           HV_USEC(1)
#define HV_SCHED_BVT_MCU_MAX           HV_MSEC(10)
#define HV_SCHED_BVT_ADVANCE_DEFAULT   10
#define HV_SCHED_BVT_ADVANCE_MAX       100000
#define HV_SCHED_BVT_WARP_VALUE_MAX    ((int64_t)1 << 40)
#define HV_SCHED_BVT_WARP_TIME_MAX     HV_SEC(10)

/* Instance parameters; NULL means the defaults above. */
struct hv_sched_bvt_params {
    hv_time_t ctx_allow; /* ns, CTX_ALLOW_MIN..MAX, default 5 ms */
    hv_time_t mcu;       /* ns, MCU_MIN..MAX, default 100 us */
};

/* Entity parameters; NULL means mcu_advance 10, no warp. */
struct hv_sched_bvt_entity_params {
    uint32_t mcu_advance; /* vt per mcu of CPU, 1..ADVANCE_MAX */
    bool warp;            /* warping allowed */
    int64_t warp_value;   /* vt subtracted while warping, 0..WARP_VALUE_MAX */
    hv_time_t warpl;      /* ns of CPU per warp, 0 (unlimited)..WARP_TIME_MAX */
    hv_time_t warpu; /* ns unwarped after warpl is used, 0..WARP_TIME_MAX */
};

extern const struct hv_sched_policy hv_sched_policy_bvt;

/* Introspection for tests and tools (vt units). s must be a BVT instance
 * and e one of its entities. */
int64_t hv_sched_bvt_svt(const struct hv_sched *s);
int64_t hv_sched_bvt_avt(const struct hv_sched_entity *e);
bool hv_sched_bvt_is_warping(const struct hv_sched_entity *e);

HV_EXTERN_C_END

#endif /* HV_SCHED_BVT_H */
