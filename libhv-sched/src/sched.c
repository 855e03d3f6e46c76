/*
 * The scheduler framework: everything every policy shares.
 *
 * The framework owns the entity state machine and the clock; the policy
 * (an ops table, <hv/sched_impl.h>) owns the ordering. Every public
 * operation has the same shape:
 *
 *   1. validate everything -- pointers, ownership, state, `now`, and,
 *      through the policy's check_params(), parameters and admission --
 *      before touching anything, so a refusal leaves no trace;
 *   2. advance the clock to `now`: the time since the previous operation
 *      goes to the RUNNING entity (and to the policy through charge()) or
 *      to the instance's idle time;
 *   3. let the policy commit the change, then update the entity's state
 *      and its accounting.
 *
 * Accounting is by state intervals: each entity remembers when it entered
 * its state (`since`), and on leaving it the interval is added to
 * cpu_time, wait_time or blocked_time. Step 2 keeps cpu_time current for
 * the running entity (its `since` moves along with the clock), which is
 * what makes "sum of cpu_time + idle_time = elapsed time" exact at every
 * operation, not only at the end.
 *
 * Wake-to-run latency is sampled on the first dispatch after a wake: the
 * time from hv_sched_wake() to the hv_sched_pick() that chose the entity.
 */
#include <hv/sched_impl.h>

const char *hv_sched_policy_name(const struct hv_sched *s)
{
    return s && s->policy ? s->policy->name : "(none)";
}

static int check_params_size(size_t expected, const void *params, size_t size)
{
    if (!params)
        return size == 0 ? HV_OK : HV_EINVAL;
    if (expected == 0 || size != expected)
        return HV_EINVAL;
    return HV_OK;
}

/* Charge the interval since the last operation; move the clock. */
static void advance(struct hv_sched *s, hv_time_t now)
{
    hv_time_t delta = now - s->now;
    struct hv_sched_entity *cur = s->current;

    if (delta > 0) {
        if (cur) {
            cur->stats.cpu_time += delta;
            cur->since = now;
            s->busy_time += delta;
            s->policy->charge(s, cur, delta, now);
        } else {
            s->idle_time += delta;
        }
    }
    s->now = now;
}

/* Close the entity's current state interval at `now`. */
static void leave_state(struct hv_sched_entity *e, hv_time_t now)
{
    hv_time_t d = now - e->since;

    switch (e->state) {
    case HV_SCHED_RUNNABLE:
        e->stats.wait_time += d;
        break;
    case HV_SCHED_BLOCKED:
        e->stats.blocked_time += d;
        break;
    case HV_SCHED_RUNNING:
        /* advance() already charged it: since == now. */
        HV_CHECK(d == 0);
        break;
    default:
        HV_CHECK(0);
    }
    e->since = now;
}

static void enter_state(struct hv_sched *s, struct hv_sched_entity *e,
                        enum hv_sched_state st, hv_time_t now)
{
    bool was_runnable =
        e->state == HV_SCHED_RUNNABLE || e->state == HV_SCHED_RUNNING;
    bool is_runnable = st == HV_SCHED_RUNNABLE || st == HV_SCHED_RUNNING;

    leave_state(e, now);
    if (was_runnable && !is_runnable)
        s->runnable_count--;
    else if (!was_runnable && is_runnable)
        s->runnable_count++;
    e->state = st;
}

/* Common validation of (s, now). */
static int check_instance(const struct hv_sched *s, hv_time_t now)
{
    if (!s || !s->policy)
        return HV_EINVAL;
    if (now < s->now || now > HV_SCHED_NOW_MAX)
        return HV_ERANGE;
    return HV_OK;
}

static int check_entity(const struct hv_sched *s,
                        const struct hv_sched_entity *e, hv_time_t now)
{
    int rc = check_instance(s, now);

    if (rc)
        return rc;
    if (!e)
        return HV_EINVAL;
    if (e->owner != s || e->state == HV_SCHED_DETACHED)
        return HV_ENOENT;
    return HV_OK;
}

int hv_sched_create(struct hv_sched *s, const struct hv_sched_policy *policy,
                    const void *params, size_t params_size, hv_time_t now)
{
    int rc;

    if (!s || !policy || now < 0 || now > HV_SCHED_NOW_MAX)
        return HV_EINVAL;
    if (policy->instance_priv_size > sizeof(s->priv) ||
        policy->entity_priv_size > sizeof(((struct hv_sched_entity *)0)->priv))
        return HV_EINVAL;
    if (!policy->init || !policy->check_params || !policy->add ||
        !policy->remove || !policy->wake || !policy->block || !policy->yield ||
        !policy->charge || !policy->pick)
        return HV_EINVAL;
    rc = check_params_size(policy->instance_params_size, params, params_size);
    if (rc)
        return rc;

    hv_memset(s, 0, sizeof(*s));
    s->policy = policy;
    hv_list_init(&s->entities);
    s->created = now;
    s->now = now;
    rc = policy->init(s, params);
    if (rc) {
        s->policy = NULL;
        return rc;
    }
    return HV_OK;
}

int hv_sched_destroy(struct hv_sched *s)
{
    if (!s || !s->policy)
        return HV_EINVAL;
    if (s->entity_count)
        return HV_EBUSY;
    s->policy = NULL;
    return HV_OK;
}

int hv_sched_add(struct hv_sched *s, struct hv_sched_entity *e, uint32_t id,
                 const void *params, size_t params_size, hv_time_t now)
{
    int rc = check_instance(s, now);

    if (rc)
        return rc;
    if (!e)
        return HV_EINVAL;
    if (e->state != HV_SCHED_DETACHED || e->owner)
        return HV_EEXIST;
    rc = check_params_size(s->policy->entity_params_size, params, params_size);
    if (rc)
        return rc;
    rc = s->policy->check_params(s, e, params, false);
    if (rc)
        return rc;

    advance(s, now);
    hv_memset(e, 0, sizeof(*e));
    e->owner = s;
    e->id = id;
    e->state = HV_SCHED_BLOCKED;
    e->since = now;
    hv_list_push_back(&s->entities, &e->link);
    s->entity_count++;
    s->policy->add(s, e, params, now);
    return HV_OK;
}

int hv_sched_remove(struct hv_sched *s, struct hv_sched_entity *e,
                    hv_time_t now)
{
    int rc = check_entity(s, e, now);

    if (rc)
        return rc;
    advance(s, now);
    s->policy->remove(s, e, now);
    enter_state(s, e, HV_SCHED_BLOCKED, now);
    if (s->current == e)
        s->current = NULL;
    hv_list_remove(&e->link);
    s->entity_count--;
    e->state = HV_SCHED_DETACHED;
    e->owner = NULL;
    e->latency_pending = false;
    return HV_OK;
}

int hv_sched_wake(struct hv_sched *s, struct hv_sched_entity *e, hv_time_t now)
{
    int rc = check_entity(s, e, now);
    bool preempt;

    if (rc)
        return rc;
    if (e->state != HV_SCHED_BLOCKED)
        return HV_EBUSY;
    advance(s, now);
    preempt = s->policy->wake(s, e, now);
    enter_state(s, e, HV_SCHED_RUNNABLE, now);
    e->stats.wake_count++;
    e->woke_at = now;
    e->latency_pending = true;
    return preempt || !s->current ? 1 : 0;
}

int hv_sched_block(struct hv_sched *s, struct hv_sched_entity *e, hv_time_t now)
{
    int rc = check_entity(s, e, now);

    if (rc)
        return rc;
    if (e->state == HV_SCHED_BLOCKED)
        return HV_EBUSY;
    advance(s, now);
    s->policy->block(s, e, now);
    enter_state(s, e, HV_SCHED_BLOCKED, now);
    if (s->current == e)
        s->current = NULL;
    e->latency_pending = false;
    return HV_OK;
}

int hv_sched_yield(struct hv_sched *s, struct hv_sched_entity *e, hv_time_t now)
{
    int rc = check_entity(s, e, now);

    if (rc)
        return rc;
    if (e->state != HV_SCHED_RUNNING)
        return HV_EBUSY;
    advance(s, now);
    s->policy->yield(s, e, now);
    enter_state(s, e, HV_SCHED_RUNNABLE, now);
    s->current = NULL;
    return HV_OK;
}

int hv_sched_pick(struct hv_sched *s, hv_time_t now,
                  struct hv_sched_decision *out)
{
    int rc = check_instance(s, now);
    struct hv_sched_decision d = {NULL, HV_TIME_MAX};
    struct hv_sched_entity *prev;
    struct hv_sched_entity *next;

    if (rc)
        return rc;
    if (!out)
        return HV_EINVAL;
    advance(s, now);
    prev = s->current;
    s->policy->pick(s, now, &d);
    next = d.entity;
    /* The policy's contract; a violation is a bug in the policy. */
    HV_CHECK(d.run_for > 0);
    HV_CHECK(!next || (next->owner == s && (next->state == HV_SCHED_RUNNABLE ||
                                            next->state == HV_SCHED_RUNNING)));
    s->pick_count++;
    if (next != prev) {
        s->switch_count++;
        if (prev)
            enter_state(s, prev, HV_SCHED_RUNNABLE, now);
        if (next) {
            enter_state(s, next, HV_SCHED_RUNNING, now);
            next->stats.dispatch_count++;
            if (next->latency_pending) {
                hv_time_t lat = now - next->woke_at;

                next->latency_pending = false;
                next->stats.latency_count++;
                next->stats.latency_sum += lat;
                next->stats.latency_last = lat;
                if (lat > next->stats.latency_max)
                    next->stats.latency_max = lat;
            }
        }
        s->current = next;
    }
    *out = d;
    return HV_OK;
}

int hv_sched_adjust(struct hv_sched *s, struct hv_sched_entity *e,
                    const void *params, size_t params_size, hv_time_t now)
{
    int rc = check_entity(s, e, now);

    if (rc)
        return rc;
    if (!s->policy->adjust)
        return HV_EOPNOTSUPP;
    rc = check_params_size(s->policy->entity_params_size, params, params_size);
    if (rc)
        return rc;
    rc = s->policy->check_params(s, e, params, true);
    if (rc)
        return rc;
    advance(s, now);
    s->policy->adjust(s, e, params, now);
    return HV_OK;
}

int hv_sched_get_params(const struct hv_sched *s,
                        const struct hv_sched_entity *e, void *params,
                        size_t params_size)
{
    if (!s || !s->policy || !e || !params)
        return HV_EINVAL;
    if (e->owner != s || e->state == HV_SCHED_DETACHED)
        return HV_ENOENT;
    if (!s->policy->get_params ||
        params_size != s->policy->entity_params_size || params_size == 0)
        return HV_EINVAL;
    s->policy->get_params(s, e, params);
    return HV_OK;
}

int hv_sched_get_stats(const struct hv_sched *s,
                       const struct hv_sched_entity *e,
                       struct hv_sched_stats *out)
{
    hv_time_t open;

    if (!e || !out)
        return HV_EINVAL;
    *out = e->stats;
    if (e->state == HV_SCHED_DETACHED)
        return HV_OK;
    if (!s || e->owner != s)
        return HV_ENOENT;
    open = s->now - e->since;
    if (e->state == HV_SCHED_RUNNABLE)
        out->wait_time += open;
    else if (e->state == HV_SCHED_BLOCKED)
        out->blocked_time += open;
    return HV_OK;
}
