/*
 * <hv/sched_impl.h>: what a scheduling policy implements, and the
 * priority queue it may build on.
 *
 * A policy is a constant `struct hv_sched_policy` of callbacks. The
 * framework (sched.c) does everything that is the same for every policy:
 * argument and state checks, the clock, the entity states, accounting,
 * the list of entities, dumping. The policy only orders runnable entities
 * and decides how long the chosen one may run. Its state lives in
 * `s->priv` and `e->priv` (see hv_sched_priv() / hv_sched_entity_priv());
 * a policy whose state does not fit is refused by hv_sched_create().
 *
 * Calling conventions, for every callback:
 *  - the framework has already validated the arguments and the entity's
 *    state, moved s->now to `now`, and charged the time since the previous
 *    operation to s->current through charge();
 *  - s->current and e->state still hold their values from before the
 *    operation (the framework updates them after the callback returns);
 *  - callbacks other than the check_* ones cannot fail: a refusal must come
 *    from a check_* callback, which must not change any state (two-phase
 *    change: check, then commit).
 *
 * Determinism: a policy must not depend on addresses or on anything but
 * the calls it receives; the heap below breaks key ties by insertion
 * order for that reason.
 */
#ifndef HV_SCHED_IMPL_H
#define HV_SCHED_IMPL_H

#include <hv/sched.h>

HV_EXTERN_C_BEGIN

struct hv_sched_policy {
    const char *name;
    /* sizeof the policy's instance / entity parameter structures (0: the
     * policy takes none, and only NULL/0 is accepted). */
    size_t instance_params_size;
    size_t entity_params_size;
    /* Bytes of s->priv and e->priv the policy uses (checked at create). */
    size_t instance_priv_size;
    size_t entity_priv_size;

    /* Validate instance parameters (NULL: defaults) and set up s->priv.
     * May fail with HV_EINVAL; leaves nothing to undo on failure. */
    int (*init)(struct hv_sched *s, const void *params);

    /* Validate entity parameters (NULL: defaults) for adding e (old is
     * false) or adjusting it (old is true). No state change. */
    int (*check_params)(const struct hv_sched *s,
                        const struct hv_sched_entity *e, const void *params,
                        bool old);
    /* Commit: attach e, BLOCKED, with validated params. */
    void (*add)(struct hv_sched *s, struct hv_sched_entity *e,
                const void *params, hv_time_t now);
    /* Commit: new validated params for an attached e. */
    void (*adjust)(struct hv_sched *s, struct hv_sched_entity *e,
                   const void *params, hv_time_t now);
    /* Copy e's parameters out. */
    void (*get_params)(const struct hv_sched *s,
                       const struct hv_sched_entity *e, void *params);
    /* Detach e from whatever queue it is on (any attached state). */
    void (*remove)(struct hv_sched *s, struct hv_sched_entity *e,
                   hv_time_t now);

    /* e goes BLOCKED -> RUNNABLE; return true to advise preemption. */
    bool (*wake)(struct hv_sched *s, struct hv_sched_entity *e, hv_time_t now);
    /* e goes RUNNABLE or RUNNING -> BLOCKED. */
    void (*block)(struct hv_sched *s, struct hv_sched_entity *e, hv_time_t now);
    /* The RUNNING e gives up its turn (stays runnable, not current). */
    void (*yield)(struct hv_sched *s, struct hv_sched_entity *e, hv_time_t now);
    /* s->current ran for `ran` ns (> 0) ending at `now`. */
    void (*charge)(struct hv_sched *s, struct hv_sched_entity *e, hv_time_t ran,
                   hv_time_t now);
    /* Choose: fill d with a RUNNABLE/RUNNING entity of s (or NULL) and
     * run_for > 0. s->current, if not NULL, is still runnable. */
    void (*pick)(struct hv_sched *s, hv_time_t now,
                 struct hv_sched_decision *d);

    /* Optional: append policy state to a dump (snprintf contract). */
    int (*dump)(const struct hv_sched *s, char *buf, size_t size);
    int (*dump_entity)(const struct hv_sched *s,
                       const struct hv_sched_entity *e, char *buf, size_t size);
};

static inline void *hv_sched_priv(struct hv_sched *s)
{
    return s->priv.u64;
}

static inline const void *hv_sched_priv_const(const struct hv_sched *s)
{
    return s->priv.u64;
}

static inline void *hv_sched_entity_priv(struct hv_sched_entity *e)
{
    return e->priv.u64;
}

static inline const void *
hv_sched_entity_priv_const(const struct hv_sched_entity *e)
{
    return e->priv.u64;
}

/* The entity whose priv area starts at `priv` (a policy's state). */
static inline struct hv_sched_entity *hv_sched_entity_of_priv(void *priv)
{
    return HV_CONTAINER_OF(priv, struct hv_sched_entity, priv);
}

/*
 * An intrusive pairing heap: a min-priority queue of nodes embedded in the
 * caller's structures, ordered by (key, insertion sequence). Insert and
 * min are O(1); pop and remove cost O(log n) amortised. No allocation.
 */
struct hv_sched_heap_node {
    struct hv_sched_heap_node *child; /* first child */
    struct hv_sched_heap_node *next;  /* next sibling */
    struct hv_sched_heap_node *prev;  /* previous sibling, or parent */
    int64_t key;
    uint64_t seq;
    bool queued; /* on a heap */
};

struct hv_sched_heap {
    struct hv_sched_heap_node *root;
    size_t count;
    uint64_t next_seq;
};

void hv_sched_heap_init(struct hv_sched_heap *h);
/* Insert an unqueued node with `key`; ties go after earlier inserts. */
void hv_sched_heap_insert(struct hv_sched_heap *h, struct hv_sched_heap_node *n,
                          int64_t key);
/* Insert with an explicit tie-break sequence instead of h's own counter:
 * for a policy that keeps several heaps in one order (it then owns the
 * counter). */
void hv_sched_heap_insert_seq(struct hv_sched_heap *h,
                              struct hv_sched_heap_node *n, int64_t key,
                              uint64_t seq);
/* Remove a node queued on h. */
void hv_sched_heap_remove(struct hv_sched_heap *h,
                          struct hv_sched_heap_node *n);
/* Remove and return the least node, or NULL when empty. */
struct hv_sched_heap_node *hv_sched_heap_pop(struct hv_sched_heap *h);

static inline struct hv_sched_heap_node *
hv_sched_heap_min(const struct hv_sched_heap *h)
{
    return h->root;
}

static inline bool hv_sched_heap_is_empty(const struct hv_sched_heap *h)
{
    return h->root == NULL;
}

/* Helpers for policies: append formatted text at *len into buf/size. */
void hv_sched_bufcat(char *buf, size_t size, int *len, const char *fmt, ...)
    HV_PRINTF(4, 5);

HV_EXTERN_C_END

#endif /* HV_SCHED_IMPL_H */
