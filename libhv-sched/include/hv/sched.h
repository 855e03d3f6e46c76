/*
 * <hv/sched.h>: the scheduler framework of libhv.
 *
 * One `struct hv_sched` is one run queue (in a hypervisor image: one per
 * physical CPU; in a simulator: as many as you like). The caller owns
 * everything: the instance, the entities (a `struct hv_sched_entity`
 * embedded in the caller's vCPU or task), and time. Nothing here reads a
 * clock, allocates, prints or keeps global state; every operation takes
 * `now` (nanoseconds, never decreasing for one instance) and the outcome
 * depends only on the sequence of calls, so a run is exactly reproducible.
 *
 * A policy is chosen by passing its ops table to hv_sched_create():
 *     hv_sched_create(&s, &hv_sched_policy_bvt, &params, sizeof params, 0);
 * Each built-in policy is its own static library (hv-sched-rr,
 * hv-sched-bvt, hv-sched-sedf), so only the one referenced is linked.
 * <hv/sched_impl.h> is the interface a policy implements.
 *
 * Life of an entity:
 *
 *   DETACHED --add--> BLOCKED --wake--> RUNNABLE --pick--> RUNNING
 *                       ^  ^---block------/   ^---pick/yield--/ |
 *                       \-----------------block-----------------/
 *   remove: any attached state -> DETACHED.
 *
 * Driving loop: call hv_sched_pick(); run the entity it names for at most
 * `run_for` ns (or stay idle that long when it names none); call pick
 * again when that time is up, when the running entity blocks or yields,
 * or when hv_sched_wake() returns 1 (the woken entity should preempt).
 * Calling pick earlier is always allowed.
 *
 * Accounting: the interval between two consecutive operations on an
 * instance is charged to the entity RUNNING during it, or to the
 * instance's idle time. Hence, for any instance, the cpu_time of every
 * entity ever attached plus idle_time equals now minus the creation time.
 *
 * Thread-safety: none inside. Operations on one instance must be
 * serialised by the caller (a per-CPU lock in an image); different
 * instances are independent.
 *
 * Errors (<hv/err.h>): HV_EINVAL for a bad argument (NULL, wrong parameter
 * size, parameter out of range), HV_ERANGE for `now` before the instance's
 * last `now` or beyond HV_SCHED_NOW_MAX, HV_EBUSY / HV_ENOENT / HV_EEXIST for
 * an entity in the wrong state, HV_ENOSPC when a policy's admission control
 * refuses. A refusal changes nothing: not the instance, not the entity, not the
 * clock.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/base.h>

HV_EXTERN_C_BEGIN

struct hv_sched;
struct hv_sched_policy;

/*
 * Largest `now` accepted (about 146 years): far enough from INT64_MAX that
 * `now` plus any period, slice or warp time allowed by a policy cannot
 * overflow. HV_ERANGE beyond it.
 */
#define HV_SCHED_NOW_MAX ((hv_time_t)1 << 62)

/* Storage reserved for a policy inside each entity / instance, in words. */
#define HV_SCHED_ENTITY_PRIV_WORDS   40
#define HV_SCHED_INSTANCE_PRIV_WORDS 48

enum hv_sched_state {
    HV_SCHED_DETACHED = 0, /* not on any instance (zeroed memory is this) */
    HV_SCHED_BLOCKED,      /* attached, not runnable */
    HV_SCHED_RUNNABLE,     /* wants the CPU, not on it */
    HV_SCHED_RUNNING,      /* the instance's current entity */
};

/*
 * Per-entity accounting, maintained by the framework (the sEDF fields by
 * that policy; other policies leave them 0). All times in ns.
 */
struct hv_sched_stats {
    hv_time_t cpu_time;        /* time spent RUNNING */
    hv_time_t wait_time;       /* time RUNNABLE but not running */
    hv_time_t blocked_time;    /* time BLOCKED while attached */
    uint64_t dispatch_count;   /* transitions into RUNNING */
    uint64_t wake_count;       /* successful hv_sched_wake() calls */
    uint64_t latency_count;    /* wake-to-run samples taken */
    hv_time_t latency_sum;     /* sum of wake-to-run latencies */
    hv_time_t latency_max;     /* largest wake-to-run latency */
    hv_time_t latency_last;    /* the most recent sample */
    uint64_t deadlines_met;    /* sEDF: periods whose slice was received */
    uint64_t deadlines_missed; /* sEDF: periods ended short of the slice */
    hv_time_t extra_time;      /* sEDF: cpu_time received as extra time */
};

/*
 * A schedulable entity, embedded in the caller's object. Zero it (or leave
 * it DETACHED) before hv_sched_add(). Every field is the library's while
 * attached: read it only through the accessors below.
 */
struct hv_sched_entity {
    struct hv_sched *owner; /* instance it is attached to, or NULL */
    struct hv_list link;    /* on owner's list of all entities */
    uint32_t id;            /* caller's label, shown by dump */
    uint32_t state;         /* enum hv_sched_state */
    hv_time_t since;        /* time of the last state change */
    hv_time_t woke_at;      /* wake time awaiting a latency sample */
    bool latency_pending;   /* woken, not dispatched since */
    struct hv_sched_stats stats;
    union {
        uint64_t u64[HV_SCHED_ENTITY_PRIV_WORDS];
        void *ptr[HV_SCHED_ENTITY_PRIV_WORDS];
    } priv; /* the policy's per-entity state */
};

/*
 * A scheduler instance, owned by the caller (any storage: static, stack,
 * embedded). Fields are the library's; read them through accessors.
 */
struct hv_sched {
    const struct hv_sched_policy *policy;
    struct hv_sched_entity *current; /* RUNNING entity or NULL */
    struct hv_list entities;         /* every attached entity */
    size_t entity_count;
    size_t runnable_count; /* RUNNABLE + RUNNING */
    hv_time_t created;     /* `now` given to create */
    hv_time_t now;         /* latest `now` seen */
    hv_time_t idle_time;   /* time with no RUNNING entity */
    hv_time_t busy_time;   /* time with a RUNNING entity */
    uint64_t pick_count;
    uint64_t switch_count;
    union {
        uint64_t u64[HV_SCHED_INSTANCE_PRIV_WORDS];
        void *ptr[HV_SCHED_INSTANCE_PRIV_WORDS];
    } priv; /* the policy's per-instance state */
};

/*
 * The answer of hv_sched_pick(): run `entity` for at most `run_for` ns,
 * or, when entity is NULL, stay idle for at most `run_for` ns (the time
 * until the policy's next own event, e.g. a period start; HV_TIME_MAX when
 * nothing will happen until the caller wakes an entity). run_for > 0.
 */
struct hv_sched_decision {
    struct hv_sched_entity *entity;
    hv_time_t run_for;
};

/*
 * hv_sched_create() - initialise an instance with a policy.
 * @s: caller memory, need not be initialised
 * @policy: ops of the policy (&hv_sched_policy_rr, ..._bvt, ..._sedf, or
 *          a caller's own, see <hv/sched_impl.h>)
 * @params: the policy's instance parameters (struct hv_sched_rr_params,
 *          ...), or NULL for the policy's defaults
 * @params_size: sizeof(*params), or 0 with params NULL
 * @now: the instance's time origin (ns, 0..HV_SCHED_NOW_MAX)
 *
 * Return: HV_OK; HV_EINVAL for NULL s/policy, a policy whose private
 * state would not fit, a params_size that is not the policy's, now < 0,
 * or a parameter out of its documented range. On failure *s is unusable.
 */
int hv_sched_create(struct hv_sched *s, const struct hv_sched_policy *policy,
                    const void *params, size_t params_size, hv_time_t now);

/*
 * hv_sched_destroy() - end an instance.
 * Return: HV_OK; HV_EINVAL for NULL; HV_EBUSY while entities are attached
 * (remove them first: the caller owns them).
 */
int hv_sched_destroy(struct hv_sched *s);

/*
 * hv_sched_add() - attach an entity, BLOCKED, with per-policy parameters.
 * @e: DETACHED entity (zeroed memory qualifies)
 * @id: any label, shown by hv_sched_dump()
 * @params: the policy's entity parameters or NULL for defaults
 * @params_size: sizeof(*params), or 0 with params NULL
 *
 * Return: HV_OK; HV_EINVAL (bad pointer, size, parameter); HV_EEXIST if e
 * is attached (to any instance); HV_ENOSPC if the policy's admission
 * control refuses (sEDF: utilisation above 100%); HV_ERANGE (now).
 * The entity's statistics start from zero.
 */
int hv_sched_add(struct hv_sched *s, struct hv_sched_entity *e, uint32_t id,
                 const void *params, size_t params_size, hv_time_t now);

/*
 * hv_sched_remove() - detach an entity in any attached state. If it was
 * RUNNING the instance is left with no current entity: call pick. Its
 * statistics stay readable in *e.
 * Return: HV_OK; HV_EINVAL; HV_ENOENT if e is not attached to s; HV_ERANGE.
 */
int hv_sched_remove(struct hv_sched *s, struct hv_sched_entity *e,
                    hv_time_t now);

/*
 * hv_sched_wake() - make a BLOCKED entity RUNNABLE.
 * Return: 1 when the policy advises preempting the running entity (or the
 * instance is idle): the caller should call hv_sched_pick() now; 0 when
 * it may wait for the current run_for to end; HV_EINVAL; HV_ENOENT (not
 * attached to s); HV_EBUSY if already runnable or running; HV_ERANGE.
 */
int hv_sched_wake(struct hv_sched *s, struct hv_sched_entity *e, hv_time_t now);

/*
 * hv_sched_block() - make a RUNNABLE or RUNNING entity BLOCKED. If it was
 * running, the instance has no current entity afterwards: call pick.
 * Return: HV_OK; HV_EINVAL; HV_ENOENT; HV_EBUSY if already blocked;
 * HV_ERANGE.
 */
int hv_sched_block(struct hv_sched *s, struct hv_sched_entity *e,
                   hv_time_t now);

/*
 * hv_sched_yield() - the RUNNING entity gives up the rest of its turn. It
 * stays runnable; the policy places it behind its peers. Call pick next.
 * Return: HV_OK; HV_EINVAL; HV_ENOENT; HV_EBUSY if e is not RUNNING;
 * HV_ERANGE.
 */
int hv_sched_yield(struct hv_sched *s, struct hv_sched_entity *e,
                   hv_time_t now);

/*
 * hv_sched_pick() - choose what runs next and for how long (see struct
 * hv_sched_decision). The previous current entity, if still running, is
 * charged up to `now` and may be chosen again. Cost: O(log n) in the
 * runnable entities for the built-in policies.
 * Return: HV_OK; HV_EINVAL (NULL); HV_ERANGE (now).
 */
int hv_sched_pick(struct hv_sched *s, hv_time_t now,
                  struct hv_sched_decision *out);

/*
 * hv_sched_adjust() - change an attached entity's parameters, validated
 * exactly as by hv_sched_add() (admission control counts the new values
 * in place of the old). The running entity is charged up to `now` first;
 * the new values apply from `now`; call pick to let them take effect.
 * Return: HV_OK; HV_EINVAL; HV_ENOENT; HV_ENOSPC; HV_ERANGE;
 * HV_EOPNOTSUPP if the policy has no entity parameters (rr).
 */
int hv_sched_adjust(struct hv_sched *s, struct hv_sched_entity *e,
                    const void *params, size_t params_size, hv_time_t now);

/*
 * hv_sched_get_params() - copy an entity's current parameters into
 * *params (the policy's entity parameter structure).
 * Return: HV_OK; HV_EINVAL (NULL, wrong size, or a policy without entity
 * parameters); HV_ENOENT.
 */
int hv_sched_get_params(const struct hv_sched *s,
                        const struct hv_sched_entity *e, void *params,
                        size_t params_size);

/*
 * hv_sched_dump() - describe the instance and every entity, one line each,
 * into buf (as snprintf: NUL-terminated when size > 0; buf may be NULL
 * when size is 0).
 * Return: the length the full text has (>= size means truncated), or
 * HV_EINVAL for a NULL instance or a NULL buf with size > 0.
 */
int hv_sched_dump(const struct hv_sched *s, char *buf, size_t size);

/* Accessors: cheap, no validation beyond what their types imply. */
static inline enum hv_sched_state
hv_sched_entity_state(const struct hv_sched_entity *e)
{
    return (enum hv_sched_state)e->state;
}

static inline struct hv_sched_entity *hv_sched_current(const struct hv_sched *s)
{
    return s->current;
}

static inline size_t hv_sched_runnable_count(const struct hv_sched *s)
{
    return s->runnable_count;
}

/* The latest `now` the instance accepted (refused calls do not move it). */
static inline hv_time_t hv_sched_now(const struct hv_sched *s)
{
    return s->now;
}

static inline hv_time_t hv_sched_idle_time(const struct hv_sched *s)
{
    return s->idle_time;
}

/*
 * hv_sched_get_stats() - e's accounting as of the instance's latest `now`
 * (the open interval of its current state included). e may also be a
 * DETACHED entity that was removed: its final figures are copied (s is
 * then not used and may be NULL).
 * Return: HV_OK; HV_EINVAL (NULL e/out); HV_ENOENT (attached elsewhere).
 */
int hv_sched_get_stats(const struct hv_sched *s,
                       const struct hv_sched_entity *e,
                       struct hv_sched_stats *out);

/* The name of the instance's policy ("rr", "bvt", "sedf", ...). */
const char *hv_sched_policy_name(const struct hv_sched *s);

HV_EXTERN_C_END

#endif /* HV_SCHED_H */
