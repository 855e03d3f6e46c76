/*
 * Round-robin: the simplest policy, and the reference for the others.
 *
 * A FIFO list of runnable entities that are not running. The running
 * entity is off the list; at pick it keeps the CPU while its slice lasts,
 * otherwise it goes to the tail with a fresh slice and the head runs.
 * Every operation is O(1). Waking puts an entity at the tail with a full
 * slice and never preempts: fairness by turns, not by urgency.
 */
#include <hv/sched_impl.h>
#include <hv/sched_rr.h>

struct rr_sched {
    struct hv_list runq; /* RUNNABLE, not running, in turn order */
    hv_time_t slice;
};

struct rr_entity {
    struct hv_list node; /* on runq while RUNNABLE and not current */
    hv_time_t left;      /* rest of the current slice */
};

static struct rr_sched *rs(struct hv_sched *s)
{
    return hv_sched_priv(s);
}

static struct rr_entity *re(struct hv_sched_entity *e)
{
    return hv_sched_entity_priv(e);
}

static int rr_init(struct hv_sched *s, const void *params)
{
    const struct hv_sched_rr_params *p = params;
    hv_time_t slice = p ? p->slice : HV_SCHED_RR_SLICE_DEFAULT;

    if (slice < HV_SCHED_RR_SLICE_MIN || slice > HV_SCHED_RR_SLICE_MAX)
        return HV_EINVAL;
    hv_list_init(&rs(s)->runq);
    rs(s)->slice = slice;
    return HV_OK;
}

static int rr_check_params(const struct hv_sched *s,
                           const struct hv_sched_entity *e, const void *params,
                           bool old)
{
    (void)s;
    (void)e;
    (void)params;
    (void)old;
    return HV_OK; /* the framework already refused any non-NULL params */
}

static void rr_add(struct hv_sched *s, struct hv_sched_entity *e,
                   const void *params, hv_time_t now)
{
    (void)s;
    (void)params;
    (void)now;
    hv_list_init(&re(e)->node);
    re(e)->left = 0;
}

static void rr_remove(struct hv_sched *s, struct hv_sched_entity *e,
                      hv_time_t now)
{
    (void)s;
    (void)now;
    if (hv_list_is_linked(&re(e)->node))
        hv_list_remove(&re(e)->node);
}

static bool rr_wake(struct hv_sched *s, struct hv_sched_entity *e,
                    hv_time_t now)
{
    (void)now;
    re(e)->left = rs(s)->slice;
    hv_list_push_back(&rs(s)->runq, &re(e)->node);
    return false;
}

static void rr_block(struct hv_sched *s, struct hv_sched_entity *e,
                     hv_time_t now)
{
    rr_remove(s, e, now);
}

static void rr_yield(struct hv_sched *s, struct hv_sched_entity *e,
                     hv_time_t now)
{
    (void)now;
    re(e)->left = rs(s)->slice;
    hv_list_push_back(&rs(s)->runq, &re(e)->node);
}

static void rr_charge(struct hv_sched *s, struct hv_sched_entity *e,
                      hv_time_t ran, hv_time_t now)
{
    (void)s;
    (void)now;
    re(e)->left = ran >= re(e)->left ? 0 : re(e)->left - ran;
}

static void rr_pick(struct hv_sched *s, hv_time_t now,
                    struct hv_sched_decision *d)
{
    struct hv_sched_entity *cur = s->current;
    struct hv_list *head;
    struct hv_sched_entity *next;

    (void)now;
    if (cur) {
        if (re(cur)->left > 0) {
            d->entity = cur;
            d->run_for = re(cur)->left;
            return;
        }
        re(cur)->left = rs(s)->slice;
        hv_list_push_back(&rs(s)->runq, &re(cur)->node);
    }
    head = hv_list_pop_front(&rs(s)->runq);
    if (!head) {
        d->entity = NULL;
        d->run_for = HV_TIME_MAX;
        return;
    }
    next =
        hv_sched_entity_of_priv(HV_CONTAINER_OF(head, struct rr_entity, node));
    d->entity = next;
    d->run_for = re(next)->left;
}

static int rr_dump(const struct hv_sched *s, char *buf, size_t size)
{
    const struct rr_sched *r = hv_sched_priv_const(s);

    return hv_snprintf(buf, size, " slice=%lld", (long long)r->slice);
}

static int rr_dump_entity(const struct hv_sched *s,
                          const struct hv_sched_entity *e, char *buf,
                          size_t size)
{
    const struct rr_entity *r = hv_sched_entity_priv_const(e);

    (void)s;
    return hv_snprintf(buf, size, " left=%lld", (long long)r->left);
}

const struct hv_sched_policy hv_sched_policy_rr = {
    .name = "rr",
    .instance_params_size = sizeof(struct hv_sched_rr_params),
    .entity_params_size = 0,
    .instance_priv_size = sizeof(struct rr_sched),
    .entity_priv_size = sizeof(struct rr_entity),
    .init = rr_init,
    .check_params = rr_check_params,
    .add = rr_add,
    .adjust = NULL,
    .get_params = NULL,
    .remove = rr_remove,
    .wake = rr_wake,
    .block = rr_block,
    .yield = rr_yield,
    .charge = rr_charge,
    .pick = rr_pick,
    .dump = rr_dump,
    .dump_entity = rr_dump_entity,
};
