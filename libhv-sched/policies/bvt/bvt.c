/*
 * Borrowed Virtual Time (see <hv/sched_bvt.h> for the model).
 *
 * Data structures. The running entity is kept off every queue; the other
 * runnable entities sit in pairing heaps:
 *   plainq  entities not warping, by AVT (which is their EVT);
 *   warpq   warping entities, by EVT;
 *   wavtq   warping entities again, by AVT;
 *   penq    entities whose warp is suspended, by unwarp_until -- when the
 *           suspension ends their EVT drops, so they are re-keyed then
 *           (pick also ends its run_for no later than the earliest such
 *           time so that the drop is noticed promptly).
 * The least EVT is min(plainq, warpq); the system virtual time is
 * min(current AVT, plainq, wavtq). Both are found in O(1), and pick is a
 * constant number of heap operations, O(log n) -- in the common case of
 * no warping entity, one pop and one insert on plainq. One sequence
 * counter orders plainq and warpq together, so equal EVTs are served
 * first come, first served across both.
 *
 * Charging. CPU time converts to virtual time in minimum charging units:
 * whole mcus as they accrue, and a started mcu is charged in full when the
 * entity leaves the CPU. An entity that runs 10 us and blocks pays for a
 * whole mcu, so blocking just before a tick buys nothing.
 *
 * System virtual time is only ever raised (to the least runnable AVT).
 * Xen 2.0 had a bug where an empty run queue reset it to zero; the next
 * entity to wake then kept its huge AVT while newcomers started at zero
 * and monopolised the CPU. Here an empty run queue leaves SVT as it was.
 *
 * Warp. `warped_run` counts CPU time run warped since the entity last came
 * onto the CPU; when it reaches warpl the warp is suspended until
 * unwarp_until = now + warpu, after which warped_run restarts from zero.
 * Leaving the CPU (block, yield, preemption) also restarts it: warpl bounds
 * one continuous warped run, as Xen's warp timer did, so an interactive
 * entity with short bursts warps on every wake, while a CPU-bound one
 * cannot hold the CPU warped for longer than warpl at a time. A suspended
 * entity is scheduled by AVT alone.
 */
#include <hv/sched_bvt.h>
#include <hv/sched_impl.h>

struct bvt_sched {
    struct hv_sched_heap plainq;
    struct hv_sched_heap warpq;
    struct hv_sched_heap wavtq;
    struct hv_sched_heap penq;
    uint64_t seq; /* tie-break order shared by plainq and warpq */
    int64_t svt;
    hv_time_t ctx_allow;
    hv_time_t mcu;
};

struct bvt_entity {
    struct hv_sched_heap_node evt_node; /* on plainq or warpq */
    struct hv_sched_heap_node avt_node; /* on wavtq */
    struct hv_sched_heap_node pen_node;
    struct hv_sched_bvt_entity_params p;
    int64_t avt;
    hv_time_t rem;          /* CPU ns not yet converted (< mcu) */
    hv_time_t warped_run;   /* CPU ns run warped since the last reset */
    hv_time_t unwarp_until; /* warp suspended before this time */
    bool suspended;         /* warp suspended (warpl used up) */
    bool warping;           /* EVT = AVT - warp_value now */
};

static struct bvt_sched *bs(struct hv_sched *s)
{
    return hv_sched_priv(s);
}

static struct bvt_entity *be(struct hv_sched_entity *e)
{
    return hv_sched_entity_priv(e);
}

static struct bvt_entity *of_evt(struct hv_sched_heap_node *n)
{
    return HV_CONTAINER_OF(n, struct bvt_entity, evt_node);
}

static struct hv_sched_entity *ent(struct bvt_entity *b)
{
    return hv_sched_entity_of_priv(b);
}

static int64_t evt(const struct bvt_entity *b)
{
    return b->warping ? b->avt - b->p.warp_value : b->avt;
}

static void update_warp(struct bvt_entity *b, hv_time_t now)
{
    if (b->suspended && now >= b->unwarp_until) {
        b->suspended = false;
        b->warped_run = 0;
    }
    b->warping = b->p.warp && b->p.warp_value > 0 && !b->suspended &&
                 (b->p.warpl == 0 || b->warped_run < b->p.warpl);
}

static void enqueue(struct bvt_sched *q, struct bvt_entity *b)
{
    if (b->warping) {
        hv_sched_heap_insert_seq(&q->warpq, &b->evt_node, evt(b), q->seq++);
        hv_sched_heap_insert(&q->wavtq, &b->avt_node, b->avt);
    } else {
        hv_sched_heap_insert_seq(&q->plainq, &b->evt_node, b->avt, q->seq++);
    }
    if (b->suspended)
        hv_sched_heap_insert(&q->penq, &b->pen_node, b->unwarp_until);
}

static void dequeue(struct bvt_sched *q, struct bvt_entity *b)
{
    if (!b->evt_node.queued)
        return;
    if (b->avt_node.queued) {
        hv_sched_heap_remove(&q->warpq, &b->evt_node);
        hv_sched_heap_remove(&q->wavtq, &b->avt_node);
    } else {
        hv_sched_heap_remove(&q->plainq, &b->evt_node);
    }
    if (b->pen_node.queued)
        hv_sched_heap_remove(&q->penq, &b->pen_node);
}

/*
 * The entity leaves the CPU: charge the started mcu in full, and end its
 * warped run (the limit warpl is on continuous warped CPU time).
 */
static void settle(struct bvt_entity *b)
{
    if (b->rem > 0) {
        b->avt += b->p.mcu_advance;
        b->rem = 0;
    }
    if (!b->suspended)
        b->warped_run = 0;
}

/* The lesser of two heap minima (either may be NULL), in (key, seq). */
static struct hv_sched_heap_node *least(struct hv_sched_heap_node *a,
                                        struct hv_sched_heap_node *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    return b->key < a->key || (b->key == a->key && b->seq < a->seq) ? b : a;
}

/* The queued entity with the least EVT, or NULL. */
static struct hv_sched_heap_node *min_evt(struct bvt_sched *q)
{
    return least(hv_sched_heap_min(&q->plainq), hv_sched_heap_min(&q->warpq));
}

/* Raise SVT to the least AVT of `running` (may be NULL) and the queues. */
static void update_svt(struct bvt_sched *q, const struct bvt_entity *running)
{
    struct hv_sched_heap_node *m =
        least(hv_sched_heap_min(&q->plainq), hv_sched_heap_min(&q->wavtq));
    bool any = false;
    int64_t low = 0;

    if (running) {
        low = running->avt;
        any = true;
    }
    if (m && (!any || m->key < low)) {
        low = m->key;
        any = true;
    }
    if (any && low > q->svt)
        q->svt = low;
}

/* Re-key queued entities whose warp suspension has ended by `now`. */
static void end_suspensions(struct bvt_sched *q, hv_time_t now)
{
    struct hv_sched_heap_node *n;

    while ((n = hv_sched_heap_min(&q->penq)) && n->key <= now) {
        struct bvt_entity *b = HV_CONTAINER_OF(n, struct bvt_entity, pen_node);

        dequeue(q, b);
        update_warp(b, now);
        enqueue(q, b);
    }
}

static int check_entity_params(const struct hv_sched_bvt_entity_params *p)
{
    if (p->mcu_advance < 1 || p->mcu_advance > HV_SCHED_BVT_ADVANCE_MAX)
        return HV_EINVAL;
    if (p->warp_value < 0 || p->warp_value > HV_SCHED_BVT_WARP_VALUE_MAX)
        return HV_EINVAL;
    if (p->warpl < 0 || p->warpl > HV_SCHED_BVT_WARP_TIME_MAX)
        return HV_EINVAL;
    if (p->warpu < 0 || p->warpu > HV_SCHED_BVT_WARP_TIME_MAX)
        return HV_EINVAL;
    return HV_OK;
}

static const struct hv_sched_bvt_entity_params default_params = {
    .mcu_advance = HV_SCHED_BVT_ADVANCE_DEFAULT,
};

static int bvt_init(struct hv_sched *s, const void *params)
{
    const struct hv_sched_bvt_params *p = params;
    hv_time_t ctx = p ? p->ctx_allow : HV_SCHED_BVT_CTX_ALLOW_DEFAULT;
    hv_time_t mcu = p ? p->mcu : HV_SCHED_BVT_MCU_DEFAULT;
    struct bvt_sched *q = bs(s);

    if (ctx < HV_SCHED_BVT_CTX_ALLOW_MIN || ctx > HV_SCHED_BVT_CTX_ALLOW_MAX)
        return HV_EINVAL;
    if (mcu < HV_SCHED_BVT_MCU_MIN || mcu > HV_SCHED_BVT_MCU_MAX)
        return HV_EINVAL;
    hv_sched_heap_init(&q->plainq);
    hv_sched_heap_init(&q->warpq);
    hv_sched_heap_init(&q->wavtq);
    hv_sched_heap_init(&q->penq);
    q->seq = 0;
    q->svt = 0;
    q->ctx_allow = ctx;
    q->mcu = mcu;
    return HV_OK;
}

static int bvt_check_params(const struct hv_sched *s,
                            const struct hv_sched_entity *e, const void *params,
                            bool old)
{
    (void)s;
    (void)e;
    (void)old;
    return params ? check_entity_params(params) : HV_OK;
}

static void bvt_add(struct hv_sched *s, struct hv_sched_entity *e,
                    const void *params, hv_time_t now)
{
    struct bvt_entity *b = be(e);

    hv_memset(b, 0, sizeof(*b));
    b->p = params ? *(const struct hv_sched_bvt_entity_params *)params
                  : default_params;
    update_svt(bs(s), s->current ? be(s->current) : NULL);
    b->avt = bs(s)->svt;
    update_warp(b, now);
}

static void bvt_adjust(struct hv_sched *s, struct hv_sched_entity *e,
                       const void *params, hv_time_t now)
{
    struct bvt_entity *b = be(e);
    bool queued = b->evt_node.queued;

    if (queued)
        dequeue(bs(s), b);
    b->p = params ? *(const struct hv_sched_bvt_entity_params *)params
                  : default_params;
    update_warp(b, now);
    if (queued)
        enqueue(bs(s), b);
}

static void bvt_get_params(const struct hv_sched *s,
                           const struct hv_sched_entity *e, void *params)
{
    (void)s;
    *(struct hv_sched_bvt_entity_params *)params =
        ((const struct bvt_entity *)hv_sched_entity_priv_const(e))->p;
}

static void bvt_remove(struct hv_sched *s, struct hv_sched_entity *e,
                       hv_time_t now)
{
    (void)now;
    dequeue(bs(s), be(e));
}

static bool bvt_wake(struct hv_sched *s, struct hv_sched_entity *e,
                     hv_time_t now)
{
    struct bvt_sched *q = bs(s);
    struct bvt_entity *b = be(e);
    struct hv_sched_entity *cur = s->current;

    update_svt(q, cur ? be(cur) : NULL);
    if (b->avt < q->svt)
        b->avt = q->svt;
    update_warp(b, now);
    enqueue(q, b);
    if (!cur)
        return true;
    update_warp(be(cur), now);
    return evt(b) < evt(be(cur));
}

static void bvt_block(struct hv_sched *s, struct hv_sched_entity *e,
                      hv_time_t now)
{
    struct bvt_entity *b = be(e);

    (void)now;
    if (s->current == e)
        settle(b);
    else
        dequeue(bs(s), b);
}

static void bvt_yield(struct hv_sched *s, struct hv_sched_entity *e,
                      hv_time_t now)
{
    struct bvt_entity *b = be(e);

    settle(b);
    update_warp(b, now);
    enqueue(bs(s), b);
}

static void bvt_charge(struct hv_sched *s, struct hv_sched_entity *e,
                       hv_time_t ran, hv_time_t now)
{
    struct bvt_sched *q = bs(s);
    struct bvt_entity *b = be(e);
    hv_time_t units;

    b->rem += ran;
    units = b->rem / q->mcu;
    b->rem -= units * q->mcu;
    b->avt += units * (int64_t)b->p.mcu_advance;
    if (b->warping) {
        b->warped_run += ran;
        if (b->p.warpl && b->warped_run >= b->p.warpl) {
            b->suspended = true;
            b->unwarp_until = now + b->p.warpu;
        }
    }
    update_warp(b, now);
}

/* ns of CPU for entity b to advance by `vt` virtual time units. */
static hv_time_t vt_to_ns(const struct bvt_sched *q, const struct bvt_entity *b,
                          int64_t vt)
{
    int64_t units = vt / b->p.mcu_advance;
    int64_t cap = HV_SEC(10) / q->mcu;

    return (units > cap ? cap : units) * q->mcu;
}

static void bvt_pick(struct hv_sched *s, hv_time_t now,
                     struct hv_sched_decision *d)
{
    struct bvt_sched *q = bs(s);
    struct hv_sched_entity *cur = s->current;
    struct hv_sched_heap_node *m;
    struct bvt_entity *chosen;
    hv_time_t run_for;

    end_suspensions(q, now);
    if (cur)
        update_warp(be(cur), now);
    m = min_evt(q);
    if (cur && (!m || evt(be(cur)) <= m->key)) {
        chosen = be(cur);
    } else if (m) {
        chosen = of_evt(m);
        dequeue(q, chosen);
        if (cur) {
            settle(be(cur));
            update_warp(be(cur), now);
            enqueue(q, be(cur));
        }
    } else {
        d->entity = NULL;
        d->run_for = HV_TIME_MAX;
        return;
    }
    update_svt(q, chosen);

    /* Run until the next EVT is passed by ctx_allow. */
    m = min_evt(q);
    run_for = q->ctx_allow;
    if (m && m->key > evt(chosen))
        run_for += vt_to_ns(q, chosen, m->key - evt(chosen));
    if (chosen->warping && chosen->p.warpl &&
        chosen->p.warpl - chosen->warped_run < run_for)
        run_for = chosen->p.warpl - chosen->warped_run;
    m = hv_sched_heap_min(&q->penq);
    if (m && m->key - now < run_for)
        run_for = m->key - now;
    d->entity = ent(chosen);
    d->run_for = run_for;
}

static int bvt_dump(const struct hv_sched *s, char *buf, size_t size)
{
    const struct bvt_sched *q = hv_sched_priv_const(s);

    return hv_snprintf(buf, size, " svt=%lld ctx_allow=%lld mcu=%lld",
                       (long long)q->svt, (long long)q->ctx_allow,
                       (long long)q->mcu);
}

static int bvt_dump_entity(const struct hv_sched *s,
                           const struct hv_sched_entity *e, char *buf,
                           size_t size)
{
    const struct bvt_entity *b = hv_sched_entity_priv_const(e);

    (void)s;
    return hv_snprintf(buf, size,
                       " avt=%lld evt=%lld adv=%u warp=%d warping=%d"
                       " warped_run=%lld",
                       (long long)b->avt, (long long)evt(b),
                       (unsigned)b->p.mcu_advance, (int)b->p.warp,
                       (int)b->warping, (long long)b->warped_run);
}

int64_t hv_sched_bvt_svt(const struct hv_sched *s)
{
    return ((const struct bvt_sched *)hv_sched_priv_const(s))->svt;
}

int64_t hv_sched_bvt_avt(const struct hv_sched_entity *e)
{
    return ((const struct bvt_entity *)hv_sched_entity_priv_const(e))->avt;
}

bool hv_sched_bvt_is_warping(const struct hv_sched_entity *e)
{
    return ((const struct bvt_entity *)hv_sched_entity_priv_const(e))->warping;
}

const struct hv_sched_policy hv_sched_policy_bvt = {
    .name = "bvt",
    .instance_params_size = sizeof(struct hv_sched_bvt_params),
    .entity_params_size = sizeof(struct hv_sched_bvt_entity_params),
    .instance_priv_size = sizeof(struct bvt_sched),
    .entity_priv_size = sizeof(struct bvt_entity),
    .init = bvt_init,
    .check_params = bvt_check_params,
    .add = bvt_add,
    .adjust = bvt_adjust,
    .get_params = bvt_get_params,
    .remove = bvt_remove,
    .wake = bvt_wake,
    .block = bvt_block,
    .yield = bvt_yield,
    .charge = bvt_charge,
    .pick = bvt_pick,
    .dump = bvt_dump,
    .dump_entity = bvt_dump_entity,
};
