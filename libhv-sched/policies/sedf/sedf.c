/*
 * Simple EDF (see <hv/sched_sedf.h> for the model and parameters).
 *
 * Queues. Every runnable entity except the running one is on exactly one
 * of two pairing heaps:
 *   runq   slice left in the current period, keyed by deadline;
 *   waitq  slice used up, keyed by the end of the current period (which is
 *          the start of the next one);
 * and, if it has the extra flag and is on waitq, also on
 *   extraq keyed by extra virtual time: extra ns received times
 *          WEIGHT_SCALE / weight, so slack goes to the entity that has had
 *          the least per unit of weight -- a share proportional to weight.
 *
 * Pick, in O(log n): put the previous entity back; move every waitq entity
 * whose new period has begun to runq (its "release"); move every runq
 * entity whose deadline has passed to its current period, counting the
 * misses; then run the earliest deadline, else extra time, else idle. The
 * chosen entity's run_for ends no later than its slice, its deadline and
 * the next release, so that a release with an earlier deadline preempts at
 * the right moment: with a set admitted at <= 100% and picks made when
 * asked, every period delivers its slice.
 *
 * Deadline accounting. A period is "met" when its slice has been received
 * by its deadline (counted when that happens, or at yield); it is "missed"
 * when its deadline passes while the entity is runnable and the slice has
 * not been received -- and every later period skipped over likewise. A
 * period that ends while the entity is blocked is neither: it did not ask.
 *
 * Extra virtual time of an entity joining extraq is raised to the least
 * value handed out so far (xvt_floor), so an entity cannot hoard a claim
 * on slack across a long absence.
 */
#include <hv/sched_impl.h>
#include <hv/sched_sedf.h>

#define WEIGHT_SCALE 1000

enum { Q_NONE, Q_RUN, Q_WAIT };

struct sedf_sched {
    struct hv_sched_heap runq;
    struct hv_sched_heap waitq;
    struct hv_sched_heap extraq;
    uint64_t util;     /* reserved utilisation, ppb */
    hv_time_t quantum; /* extra time per turn */
    int64_t xvt_floor; /* least extra vt handed out so far */
    bool cur_extra;    /* the current entity runs in extra time */
};

struct sedf_entity {
    struct hv_sched_heap_node node;  /* on runq or waitq */
    struct hv_sched_heap_node xnode; /* on extraq */
    struct hv_sched_sedf_entity_params p;
    uint64_t util;       /* slice/period, ppb */
    hv_time_t deadline;  /* end of the current period */
    hv_time_t cur_slice; /* slice of the current period */
    hv_time_t consumed;  /* reserved time received in the current period */
    int64_t xvt;         /* extra virtual time */
    int q;               /* Q_NONE / Q_RUN / Q_WAIT */
    bool met;            /* the current period is already counted as met */
    bool started;        /* has had a period */
};

static struct sedf_sched *ss(struct hv_sched *s)
{
    return hv_sched_priv(s);
}

static struct sedf_entity *se(struct hv_sched_entity *e)
{
    return hv_sched_entity_priv(e);
}

static struct sedf_entity *of_node(struct hv_sched_heap_node *n)
{
    return HV_CONTAINER_OF(n, struct sedf_entity, node);
}

static struct hv_sched_entity *ent(struct sedf_entity *x)
{
    return hv_sched_entity_of_priv(x);
}

static uint64_t util_of(const struct hv_sched_sedf_entity_params *p)
{
    /* slice <= 10^10 and 10^10 * 10^9 < 2^64: no overflow. */
    return (uint64_t)p->slice * HV_SCHED_SEDF_UTIL_ONE / (uint64_t)p->period;
}

static void dequeue(struct sedf_sched *q, struct sedf_entity *x)
{
    if (x->q == Q_RUN)
        hv_sched_heap_remove(&q->runq, &x->node);
    else if (x->q == Q_WAIT)
        hv_sched_heap_remove(&q->waitq, &x->node);
    if (x->xnode.queued)
        hv_sched_heap_remove(&q->extraq, &x->xnode);
    x->q = Q_NONE;
}

/* Queue a runnable entity according to its slice left. */
static void enqueue(struct sedf_sched *q, struct sedf_entity *x)
{
    HV_CHECK(x->q == Q_NONE);
    if (x->consumed < x->cur_slice) {
        hv_sched_heap_insert(&q->runq, &x->node, x->deadline);
        x->q = Q_RUN;
        return;
    }
    hv_sched_heap_insert(&q->waitq, &x->node, x->deadline);
    x->q = Q_WAIT;
    if (x->p.extra) {
        if (x->xvt < q->xvt_floor)
            x->xvt = q->xvt_floor;
        hv_sched_heap_insert(&q->extraq, &x->xnode, x->xvt);
    }
}

/* Begin a fresh period at `start` of length len with slice sl. */
static void new_period(struct sedf_entity *x, hv_time_t start, hv_time_t len,
                       hv_time_t sl)
{
    x->deadline = start + len;
    x->cur_slice = sl;
    x->consumed = 0;
    x->met = false;
    x->started = true;
}

/*
 * The deadline of a runnable entity has passed by `now`: close that
 * period and every whole period after it, then begin the one holding now.
 */
static void roll_periods(struct hv_sched_entity *e, hv_time_t now)
{
    struct sedf_entity *x = se(e);
    hv_time_t skipped = (now - x->deadline) / x->p.period;

    if (!x->met)
        e->stats.deadlines_missed++;
    e->stats.deadlines_missed += (uint64_t)skipped;
    new_period(x, x->deadline + skipped * x->p.period, x->p.period, x->p.slice);
}

static int sedf_init(struct hv_sched *s, const void *params)
{
    const struct hv_sched_sedf_params *p = params;
    hv_time_t quantum = p ? p->extra_quantum : HV_SCHED_SEDF_QUANTUM_DEFAULT;
    struct sedf_sched *q = ss(s);

    if (quantum < HV_SCHED_SEDF_QUANTUM_MIN ||
        quantum > HV_SCHED_SEDF_QUANTUM_MAX)
        return HV_EINVAL;
    hv_sched_heap_init(&q->runq);
    hv_sched_heap_init(&q->waitq);
    hv_sched_heap_init(&q->extraq);
    q->util = 0;
    q->quantum = quantum;
    q->xvt_floor = 0;
    q->cur_extra = false;
    return HV_OK;
}

static int sedf_check_params(const struct hv_sched *s,
                             const struct hv_sched_entity *e,
                             const void *params, bool old)
{
    const struct hv_sched_sedf_entity_params *p = params;
    const struct sedf_sched *q = hv_sched_priv_const(s);
    uint64_t base = q->util;

    if (!p)
        return HV_EINVAL;
    if (p->period < HV_SCHED_SEDF_PERIOD_MIN ||
        p->period > HV_SCHED_SEDF_PERIOD_MAX)
        return HV_EINVAL;
    if (p->slice < HV_SCHED_SEDF_SLICE_MIN || p->slice > p->period)
        return HV_EINVAL;
    if (p->latency != 0 &&
        (p->latency < HV_SCHED_SEDF_PERIOD_MIN || p->latency > p->period))
        return HV_EINVAL;
    if (p->extra ? (p->weight < 1 || p->weight > HV_SCHED_SEDF_WEIGHT_MAX)
                 : p->weight != 0)
        return HV_EINVAL;
    if (old)
        base -=
            ((const struct sedf_entity *)hv_sched_entity_priv_const(e))->util;
    if (base + util_of(p) > HV_SCHED_SEDF_UTIL_ONE)
        return HV_ENOSPC;
    return HV_OK;
}

static void sedf_add(struct hv_sched *s, struct hv_sched_entity *e,
                     const void *params, hv_time_t now)
{
    struct sedf_entity *x = se(e);

    (void)now;
    hv_memset(x, 0, sizeof(*x));
    x->p = *(const struct hv_sched_sedf_entity_params *)params;
    x->util = util_of(&x->p);
    ss(s)->util += x->util;
}

static void sedf_adjust(struct hv_sched *s, struct hv_sched_entity *e,
                        const void *params, hv_time_t now)
{
    struct sedf_sched *q = ss(s);
    struct sedf_entity *x = se(e);
    bool queued = x->q != Q_NONE;

    (void)now;
    if (queued)
        dequeue(q, x);
    q->util -= x->util;
    x->p = *(const struct hv_sched_sedf_entity_params *)params;
    x->util = util_of(&x->p);
    q->util += x->util;
    if (queued)
        enqueue(q, x);
}

static void sedf_get_params(const struct hv_sched *s,
                            const struct hv_sched_entity *e, void *params)
{
    (void)s;
    *(struct hv_sched_sedf_entity_params *)params =
        ((const struct sedf_entity *)hv_sched_entity_priv_const(e))->p;
}

static void sedf_remove(struct hv_sched *s, struct hv_sched_entity *e,
                        hv_time_t now)
{
    struct sedf_sched *q = ss(s);

    (void)now;
    dequeue(q, se(e));
    q->util -= se(e)->util;
    if (s->current == e)
        q->cur_extra = false;
}

static bool sedf_wake(struct hv_sched *s, struct hv_sched_entity *e,
                      hv_time_t now)
{
    struct sedf_sched *q = ss(s);
    struct sedf_entity *x = se(e);
    struct hv_sched_entity *cur = s->current;

    if (!x->started || now >= x->deadline) {
        if (x->p.latency && x->p.latency < x->p.period) {
            /* slice * latency / period, as util (<= 1e9) * latency
             * (<= 1e10) / 1e9: fits 64 bits where the direct product
             * (up to 1e20) would not. */
            hv_time_t sl = (hv_time_t)(x->util * (uint64_t)x->p.latency /
                                       HV_SCHED_SEDF_UTIL_ONE);

            new_period(x, now, x->p.latency, sl > 0 ? sl : 1);
        } else {
            new_period(x, now, x->p.period, x->p.slice);
        }
    }
    enqueue(q, x);
    if (x->q != Q_RUN)
        return false;
    return !cur || q->cur_extra || x->deadline < se(cur)->deadline;
}

static void sedf_block(struct hv_sched *s, struct hv_sched_entity *e,
                       hv_time_t now)
{
    (void)now;
    dequeue(ss(s), se(e));
    if (s->current == e)
        ss(s)->cur_extra = false;
}

static void sedf_yield(struct hv_sched *s, struct hv_sched_entity *e,
                       hv_time_t now)
{
    struct sedf_entity *x = se(e);

    if (!ss(s)->cur_extra && x->consumed < x->cur_slice) {
        /* Declining the rest of the reservation: the period is met. */
        x->consumed = x->cur_slice;
        if (!x->met && now <= x->deadline) {
            x->met = true;
            e->stats.deadlines_met++;
        }
    }
    ss(s)->cur_extra = false;
    enqueue(ss(s), x);
}

static void sedf_charge(struct hv_sched *s, struct hv_sched_entity *e,
                        hv_time_t ran, hv_time_t now)
{
    struct sedf_sched *q = ss(s);
    struct sedf_entity *x = se(e);

    if (q->cur_extra) {
        e->stats.extra_time += ran;
        /* weight is 0 only if adjust() just cleared extra: charge as 1.
         * ran * SCALE / w, arranged not to overflow for a very long ran. */
        int64_t w = x->p.weight ? x->p.weight : 1;

        x->xvt += ran / w * WEIGHT_SCALE + ran % w * WEIGHT_SCALE / w;
        return;
    }
    x->consumed += ran;
    if (!x->met && x->consumed >= x->cur_slice && now <= x->deadline) {
        x->met = true;
        e->stats.deadlines_met++;
    }
}

static hv_time_t min_time(hv_time_t a, hv_time_t b)
{
    return a < b ? a : b;
}

static void sedf_pick(struct hv_sched *s, hv_time_t now,
                      struct hv_sched_decision *d)
{
    struct sedf_sched *q = ss(s);
    struct hv_sched_entity *cur = s->current;
    struct hv_sched_heap_node *n;
    struct sedf_entity *x;
    hv_time_t next_release;

    if (cur)
        enqueue(q, se(cur));
    q->cur_extra = false;

    /* Releases: a new period has begun for these. */
    while ((n = hv_sched_heap_min(&q->waitq)) && n->key <= now) {
        x = of_node(n);
        dequeue(q, x);
        roll_periods(ent(x), now);
        enqueue(q, x);
    }
    /* Overruns: the deadline passed with the slice not received. */
    while ((n = hv_sched_heap_min(&q->runq)) && n->key <= now) {
        x = of_node(n);
        dequeue(q, x);
        roll_periods(ent(x), now);
        enqueue(q, x);
    }

    n = hv_sched_heap_min(&q->waitq);
    next_release = n ? n->key - now : HV_TIME_MAX;

    if ((n = hv_sched_heap_min(&q->runq))) {
        x = of_node(n);
        dequeue(q, x);
        d->entity = ent(x);
        d->run_for =
            min_time(min_time(x->cur_slice - x->consumed, x->deadline - now),
                     next_release);
        return;
    }
    if ((n = hv_sched_heap_min(&q->extraq))) {
        x = HV_CONTAINER_OF(n, struct sedf_entity, xnode);
        if (x->xvt > q->xvt_floor)
            q->xvt_floor = x->xvt;
        dequeue(q, x);
        n = hv_sched_heap_min(&q->waitq);
        next_release = n ? n->key - now : HV_TIME_MAX;
        q->cur_extra = true;
        d->entity = ent(x);
        d->run_for =
            min_time(min_time(q->quantum, x->deadline - now), next_release);
        return;
    }
    d->entity = NULL;
    d->run_for = next_release;
}

static int sedf_dump(const struct hv_sched *s, char *buf, size_t size)
{
    const struct sedf_sched *q = hv_sched_priv_const(s);

    return hv_snprintf(buf, size, " util_ppb=%llu extra_quantum=%lld",
                       (unsigned long long)q->util, (long long)q->quantum);
}

static int sedf_dump_entity(const struct hv_sched *s,
                            const struct hv_sched_entity *e, char *buf,
                            size_t size)
{
    const struct sedf_entity *x = hv_sched_entity_priv_const(e);

    (void)s;
    return hv_snprintf(
        buf, size,
        " period=%lld slice=%lld latency=%lld extra=%d"
        " weight=%u deadline=%lld consumed=%lld met=%llu"
        " missed=%llu extra_time=%lld",
        (long long)x->p.period, (long long)x->p.slice, (long long)x->p.latency,
        (int)x->p.extra, (unsigned)x->p.weight, (long long)x->deadline,
        (long long)x->consumed, (unsigned long long)e->stats.deadlines_met,
        (unsigned long long)e->stats.deadlines_missed,
        (long long)e->stats.extra_time);
}

uint64_t hv_sched_sedf_utilisation(const struct hv_sched *s)
{
    return ((const struct sedf_sched *)hv_sched_priv_const(s))->util;
}

hv_time_t hv_sched_sedf_deadline(const struct hv_sched_entity *e)
{
    return ((const struct sedf_entity *)hv_sched_entity_priv_const(e))
        ->deadline;
}

const struct hv_sched_policy hv_sched_policy_sedf = {
    .name = "sedf",
    .instance_params_size = sizeof(struct hv_sched_sedf_params),
    .entity_params_size = sizeof(struct hv_sched_sedf_entity_params),
    .instance_priv_size = sizeof(struct sedf_sched),
    .entity_priv_size = sizeof(struct sedf_entity),
    .init = sedf_init,
    .check_params = sedf_check_params,
    .add = sedf_add,
    .adjust = sedf_adjust,
    .get_params = sedf_get_params,
    .remove = sedf_remove,
    .wake = sedf_wake,
    .block = sedf_block,
    .yield = sedf_yield,
    .charge = sedf_charge,
    .pick = sedf_pick,
    .dump = sedf_dump,
    .dump_entity = sedf_dump_entity,
};
