/*
 * Dumping an instance into a caller's buffer.
 *
 * The text is built with hv_snprintf appended at a running length that
 * keeps counting past the end of the buffer, so the return value is the
 * full length (snprintf's contract) and a caller can size a second try.
 * One line for the instance, one per entity in the order they were added;
 * the policy adds its own fields through its dump callbacks.
 */
#include <hv/sched_impl.h>

static const char *const state_names[] = {
    [HV_SCHED_DETACHED] = "detached",
    [HV_SCHED_BLOCKED] = "blocked",
    [HV_SCHED_RUNNABLE] = "runnable",
    [HV_SCHED_RUNNING] = "running",
};

void hv_sched_bufcat(char *buf, size_t size, int *len, const char *fmt, ...)
{
    va_list ap;
    size_t off = *len < 0 ? 0 : (size_t)*len;
    int n;

    va_start(ap, fmt);
    if (off < size)
        n = hv_vsnprintf(buf + off, size - off, fmt, ap);
    else
        n = hv_vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += n;
}

/* The free part of buf at offset len (NULL/0 once it is full). */
static char *tail(char *buf, size_t size, int len, size_t *left)
{
    size_t off = (size_t)len;

    *left = off < size ? size - off : 0;
    return off < size ? buf + off : NULL;
}

int hv_sched_dump(const struct hv_sched *s, char *buf, size_t size)
{
    const struct hv_sched_entity *e;
    int len = 0;

    if (!s || !s->policy || (!buf && size))
        return HV_EINVAL;
    if (size)
        buf[0] = '\0';
    hv_sched_bufcat(buf, size, &len,
                    "sched policy=%s now=%lld entities=%zu runnable=%zu "
                    "current=",
                    s->policy->name, (long long)s->now, s->entity_count,
                    s->runnable_count);
    if (s->current)
        hv_sched_bufcat(buf, size, &len, "%u", (unsigned)s->current->id);
    else
        hv_sched_bufcat(buf, size, &len, "idle");
    hv_sched_bufcat(buf, size, &len,
                    " idle=%lld busy=%lld picks=%llu"
                    " switches=%llu",
                    (long long)s->idle_time, (long long)s->busy_time,
                    (unsigned long long)s->pick_count,
                    (unsigned long long)s->switch_count);
    if (s->policy->dump) {
        size_t left;
        char *at = tail(buf, size, len, &left);
        int n = s->policy->dump(s, at, left);

        if (n > 0)
            len += n;
    }
    hv_sched_bufcat(buf, size, &len, "\n");

    hv_list_for_each_entry (e, &s->entities, link) {
        const struct hv_sched_stats *st = &e->stats;

        hv_sched_bufcat(
            buf, size, &len,
            "  entity %u %s cpu=%lld wait=%lld blocked=%lld "
            "dispatches=%llu wakes=%llu lat_max=%lld",
            (unsigned)e->id, state_names[e->state], (long long)st->cpu_time,
            (long long)st->wait_time, (long long)st->blocked_time,
            (unsigned long long)st->dispatch_count,
            (unsigned long long)st->wake_count, (long long)st->latency_max);
        if (s->policy->dump_entity) {
            size_t left;
            char *at = tail(buf, size, len, &left);
            int n = s->policy->dump_entity(s, e, at, left);

            if (n > 0)
                len += n;
        }
        hv_sched_bufcat(buf, size, &len, "\n");
    }
    return len;
}
