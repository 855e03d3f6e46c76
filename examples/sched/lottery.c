/*
 * Lottery scheduling as an out-of-tree policy (see lottery.h).
 *
 * The runnable entities that are not running sit on a list, with the sum
 * of their tickets kept up to date. A draw walks the list to the winning
 * ticket: O(n), which is fine for an example -- a production version would
 * keep partial sums in a balanced tree to make the draw O(log n). The
 * running entity joins the draw again at every pick, so it may win twice.
 *
 * The PRNG is splitmix64: tiny, good enough for a scheduler, and fully
 * determined by the caller's seed.
 */
#include "lottery.h"

#include <hv/sched_impl.h>

struct lot_sched {
    struct hv_list pool; /* runnable, not running */
    uint64_t total;      /* tickets on pool */
    uint64_t rng;
    hv_time_t quantum;
};

struct lot_entity {
    struct hv_list node;
    uint32_t tickets;
};

static struct lot_sched *ls(struct hv_sched *s)
{
    return hv_sched_priv(s);
}

static struct lot_entity *le(struct hv_sched_entity *e)
{
    return hv_sched_entity_priv(e);
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void pool_add(struct lot_sched *q, struct lot_entity *x)
{
    hv_list_push_back(&q->pool, &x->node);
    q->total += x->tickets;
}

static void pool_del(struct lot_sched *q, struct lot_entity *x)
{
    if (hv_list_is_linked(&x->node)) {
        hv_list_remove(&x->node);
        q->total -= x->tickets;
    }
}

static int lot_init(struct hv_sched *s, const void *params)
{
    const struct lottery_params *p = params;
    struct lot_sched *q = ls(s);

    if (p && (p->quantum < HV_USEC(10) || p->quantum > HV_SEC(1)))
        return HV_EINVAL;
    hv_list_init(&q->pool);
    q->total = 0;
    q->rng = p ? p->seed : 1;
    q->quantum = p ? p->quantum : HV_MSEC(1);
    return HV_OK;
}

static int lot_check(const struct hv_sched *s, const struct hv_sched_entity *e,
                     const void *params, bool old)
{
    const struct lottery_entity_params *p = params;

    (void)s;
    (void)e;
    (void)old;
    if (p && (p->tickets < 1 || p->tickets > 1000000))
        return HV_EINVAL;
    return HV_OK;
}

static void lot_add(struct hv_sched *s, struct hv_sched_entity *e,
                    const void *params, hv_time_t now)
{
    const struct lottery_entity_params *p = params;

    (void)s;
    (void)now;
    hv_list_init(&le(e)->node);
    le(e)->tickets = p ? p->tickets : 100;
}

static void lot_adjust(struct hv_sched *s, struct hv_sched_entity *e,
                       const void *params, hv_time_t now)
{
    bool pooled = hv_list_is_linked(&le(e)->node);
    const struct lottery_entity_params *p = params;

    (void)now;
    pool_del(ls(s), le(e));
    le(e)->tickets = p ? p->tickets : 100;
    if (pooled)
        pool_add(ls(s), le(e));
}

static void lot_get(const struct hv_sched *s, const struct hv_sched_entity *e,
                    void *params)
{
    const struct lot_entity *x = hv_sched_entity_priv_const(e);

    (void)s;
    ((struct lottery_entity_params *)params)->tickets = x->tickets;
}

static void lot_remove(struct hv_sched *s, struct hv_sched_entity *e,
                       hv_time_t now)
{
    (void)now;
    pool_del(ls(s), le(e));
}

static bool lot_wake(struct hv_sched *s, struct hv_sched_entity *e,
                     hv_time_t now)
{
    (void)now;
    pool_add(ls(s), le(e));
    return false;
}

static void lot_yield(struct hv_sched *s, struct hv_sched_entity *e,
                      hv_time_t now)
{
    (void)now;
    pool_add(ls(s), le(e));
}

static void lot_charge(struct hv_sched *s, struct hv_sched_entity *e,
                       hv_time_t ran, hv_time_t now)
{
    (void)s;
    (void)e;
    (void)ran;
    (void)now;
}

static void lot_pick(struct hv_sched *s, hv_time_t now,
                     struct hv_sched_decision *d)
{
    struct lot_sched *q = ls(s);
    struct lot_entity *x;
    uint64_t ticket;

    (void)now;
    if (s->current)
        pool_add(q, le(s->current));
    d->run_for = q->quantum;
    if (q->total == 0) {
        d->entity = NULL;
        d->run_for = HV_TIME_MAX;
        return;
    }
    ticket = splitmix64(&q->rng) % q->total;
    hv_list_for_each_entry (x, &q->pool, node) {
        if (ticket < x->tickets)
            break;
        ticket -= x->tickets;
    }
    pool_del(q, x);
    d->entity = hv_sched_entity_of_priv(x);
}

const struct hv_sched_policy lottery_policy = {
    .name = "lottery",
    .instance_params_size = sizeof(struct lottery_params),
    .entity_params_size = sizeof(struct lottery_entity_params),
    .instance_priv_size = sizeof(struct lot_sched),
    .entity_priv_size = sizeof(struct lot_entity),
    .init = lot_init,
    .check_params = lot_check,
    .add = lot_add,
    .adjust = lot_adjust,
    .get_params = lot_get,
    .remove = lot_remove,
    .wake = lot_wake,
    .block = lot_remove,
    .yield = lot_yield,
    .charge = lot_charge,
    .pick = lot_pick,
};
