/*
 * The simulation loop of hv-schedsim.
 *
 * Each CPU is one libhv-sched instance of the chosen policy, holding the
 * entities pinned to it (there is no migration), simulated on its own from
 * 0 to the workload's duration. The loop is event-driven: the next event
 * is the earliest of the end of the current run_for, the completion of the
 * running entity's burst or job, a blocked entity's wake-up, a periodic
 * release, and the end of the simulation. The driver behaves as a
 * hypervisor would: it picks when run_for ends, when the running entity
 * blocks, and at once when hv_sched_wake() advises preemption.
 *
 * Workload patterns (struct sim_spec):
 *   CPU-bound   no burst: runnable from `arrival` on, forever;
 *   interactive burst + sleep: runs `burst`, blocks `sleep`, again;
 *   periodic    burst + period: a job of `burst` is released every
 *               `period` from `arrival`; a job finishing after the next
 *               release is a job miss; jobs queue up if it falls behind.
 *
 * Every wake-to-run latency sample is kept for the p99, and every run is
 * appended to the Gantt segment list (merged when contiguous).
 */
#include <stdlib.h>
#include <string.h>

#include "schedsim.h"

struct task {
    struct hv_sched_entity e;
    const struct sim_spec *spec;
    int index;
    hv_time_t left;         /* CPU still needed by the current burst/job */
    hv_time_t wake_at;      /* next wake while blocked (HV_TIME_MAX: none) */
    hv_time_t release;      /* next job release (periodic) */
    hv_time_t job_deadline; /* deadline of the job being worked on */
    uint64_t queued;        /* released jobs not yet finished */
    uint64_t last_lat_count;
};

static int push_latency(struct sim_result *r, hv_time_t v)
{
    if (r->lat_count == r->lat_cap) {
        size_t cap = r->lat_cap ? r->lat_cap * 2 : 64;
        hv_time_t *n = realloc(r->lat, cap * sizeof(*n));

        if (!n)
            return -1;
        r->lat = n;
        r->lat_cap = cap;
    }
    r->lat[r->lat_count++] = v;
    return 0;
}

static int push_segment(struct sim_run *run, int entity, hv_time_t a,
                        hv_time_t b)
{
    struct sim_segment *last;

    if (b <= a)
        return 0;
    last = run->seg_count ? &run->seg[run->seg_count - 1] : NULL;
    if (last && last->entity == entity && last->end == a) {
        last->end = b;
        return 0;
    }
    if (run->seg_count == run->seg_cap) {
        size_t cap = run->seg_cap ? run->seg_cap * 2 : 256;
        struct sim_segment *n = realloc(run->seg, cap * sizeof(*n));

        if (!n)
            return -1;
        run->seg = n;
        run->seg_cap = cap;
    }
    run->seg[run->seg_count++] = (struct sim_segment){a, b, entity};
    return 0;
}

static int refused(const struct sim_workload *w, const struct sim_spec *sp,
                   enum sim_policy p, const char *what, int rc)
{
    fprintf(stderr, "%s:%d: entity %s: %s refuses %s: %s\n", w->file, sp->line,
            sp->name, sim_policy_name(p), what, hv_strerror(rc));
    return -1;
}

static int add_task(const struct sim_workload *w, enum sim_policy p,
                    struct hv_sched *s, struct task *t)
{
    const struct sim_spec *sp = t->spec;
    int rc;

    switch (p) {
    case SIM_RR:
        rc = hv_sched_add(s, &t->e, (uint32_t)t->index, NULL, 0, 0);
        break;
    case SIM_BVT:
        rc = hv_sched_add(s, &t->e, (uint32_t)t->index, &sp->bvt,
                          sizeof(sp->bvt), 0);
        break;
    default:
        if (!sp->has_sedf) {
            fprintf(stderr,
                    "%s:%d: entity %s: policy sedf needs sedf.period and "
                    "sedf.slice\n",
                    w->file, sp->line, sp->name);
            return -1;
        }
        rc = hv_sched_add(s, &t->e, (uint32_t)t->index, &sp->sedf,
                          sizeof(sp->sedf), 0);
        break;
    }
    if (rc == HV_ENOSPC)
        return refused(w, sp, p,
                       "it: the reserved utilisation would exceed 100%", rc);
    if (rc)
        return refused(w, sp, p, "its parameters", rc);
    return 0;
}

static int create(const struct sim_workload *w, enum sim_policy p,
                  struct hv_sched *s)
{
    int rc;

    switch (p) {
    case SIM_RR:
        rc = w->has_rr_params
                 ? hv_sched_create(s, &hv_sched_policy_rr, &w->rr,
                                   sizeof(w->rr), 0)
                 : hv_sched_create(s, &hv_sched_policy_rr, NULL, 0, 0);
        break;
    case SIM_BVT: {
        struct hv_sched_bvt_params bp = w->bvt;

        if (!bp.ctx_allow)
            bp.ctx_allow = HV_SCHED_BVT_CTX_ALLOW_DEFAULT;
        if (!bp.mcu)
            bp.mcu = HV_SCHED_BVT_MCU_DEFAULT;
        rc = hv_sched_create(s, &hv_sched_policy_bvt, &bp, sizeof(bp), 0);
        break;
    }
    default:
        rc = w->has_sedf_params
                 ? hv_sched_create(s, &hv_sched_policy_sedf, &w->sedf,
                                   sizeof(w->sedf), 0)
                 : hv_sched_create(s, &hv_sched_policy_sedf, NULL, 0, 0);
        break;
    }
    if (rc)
        fprintf(stderr, "%s: policy %s refuses its parameters: %s\n", w->file,
                sim_policy_name(p), hv_strerror(rc));
    return rc ? -1 : 0;
}

/* The task's pattern after its burst or job ends at `now`. */
static bool finish_work(struct task *t, struct sim_result *r, hv_time_t now)
{
    const struct sim_spec *sp = t->spec;

    if (sp->period) {
        r->jobs_done++;
        if (now > t->job_deadline)
            r->job_misses++;
        t->queued--;
        if (t->queued) {
            t->left = sp->burst;
            t->job_deadline += sp->period;
            return false; /* keeps running */
        }
        return true;
    }
    t->wake_at = now + sp->sleep;
    t->left = sp->burst;
    return true;
}

static int simulate_cpu(const struct sim_workload *w, enum sim_policy p,
                        int cpu, struct sim_run *run, hv_time_t window)
{
    struct hv_sched s;
    struct task *t;
    int n = 0, i, rc = -1;
    hv_time_t now = 0, until;
    struct hv_sched_decision d;
    struct task *cur;
    uint64_t events = 0;

    t = calloc((size_t)w->count, sizeof(*t));
    if (!t || create(w, p, &s))
        goto out;
    for (i = 0; i < w->count; i++) {
        const struct sim_spec *sp = &w->spec[i];

        if (sp->cpu != cpu)
            continue;
        t[n].spec = sp;
        t[n].index = i;
        t[n].left = sp->burst;
        t[n].wake_at = sp->period ? HV_TIME_MAX : sp->arrival;
        t[n].release = sp->period ? sp->arrival : HV_TIME_MAX;
        if (add_task(w, p, &s, &t[n]))
            goto out;
        n++;
    }

    hv_sched_pick(&s, now, &d);
    until = d.run_for == HV_TIME_MAX ? HV_TIME_MAX : now + d.run_for;
    while (now < w->duration) {
        hv_time_t next = until < w->duration ? until : w->duration;
        bool need = false;

        if (++events > SIM_MAX_EVENTS) {
            fprintf(stderr,
                    "%s: more than %llu events on cpu %d under %s before "
                    "%lld ns: shorten the duration or lengthen the periods\n",
                    w->file, (unsigned long long)SIM_MAX_EVENTS, cpu,
                    sim_policy_name(p), (long long)now);
            goto out;
        }

        cur = d.entity ? (struct task *)(void *)d.entity : NULL;
        if (cur && cur->spec->burst && now + cur->left < next)
            next = now + cur->left;
        for (i = 0; i < n; i++) {
            if (t[i].wake_at < next)
                next = t[i].wake_at;
            if (t[i].release < next)
                next = t[i].release;
        }
        if (cur) {
            if (now < window && push_segment(run, cur->index, now, next))
                goto out;
            if (cur->spec->burst)
                cur->left -= next - now;
        }
        now = next;

        if (cur && cur->spec->burst && cur->left == 0 &&
            finish_work(cur, &run->res[cur->index], now)) {
            hv_sched_block(&s, &cur->e, now);
            need = true;
        }
        for (i = 0; i < n; i++) {
            struct task *x = &t[i];
            bool wake = false;

            if (x->release <= now) {
                /* A periodic release: queue a job; wake if idle. */
                x->queued++;
                if (x->queued == 1) {
                    x->left = x->spec->burst;
                    x->job_deadline = x->release + x->spec->period;
                    wake = true;
                }
                x->release += x->spec->period;
            }
            if (x->wake_at <= now) {
                x->wake_at = HV_TIME_MAX;
                wake = true;
            }
            if (wake && hv_sched_entity_state(&x->e) == HV_SCHED_BLOCKED)
                need |= hv_sched_wake(&s, &x->e, now) == 1;
        }
        if (need || now >= until) {
            hv_sched_pick(&s, now, &d);
            until = d.run_for == HV_TIME_MAX ? HV_TIME_MAX : now + d.run_for;
            if (d.entity) {
                struct task *x = (struct task *)(void *)d.entity;
                struct hv_sched_stats st;

                hv_sched_get_stats(&s, &x->e, &st);
                if (st.latency_count != x->last_lat_count) {
                    x->last_lat_count = st.latency_count;
                    if (push_latency(&run->res[x->index], st.latency_last))
                        goto out;
                }
            }
        }
    }
    hv_sched_pick(&s, now, &d);
    for (i = 0; i < n; i++) {
        struct sim_result *r = &run->res[t[i].index];

        hv_sched_get_stats(&s, &t[i].e, &r->stats);
        /* Jobs still queued whose deadline has passed are misses too. */
        if (t[i].spec->period && t[i].queued) {
            hv_time_t dl = t[i].job_deadline;
            uint64_t k;

            for (k = 0; k < t[i].queued && dl <= w->duration; k++) {
                r->job_misses++;
                dl += t[i].spec->period;
            }
        }
    }
    run->idle[cpu] = hv_sched_idle_time(&s);
    for (i = 0; i < n; i++)
        hv_sched_remove(&s, &t[i].e, now);
    hv_sched_destroy(&s);
    rc = 0;
out:
    free(t);
    return rc;
}

int sim_simulate(const struct sim_workload *w, enum sim_policy p,
                 struct sim_run *run, hv_time_t window)
{
    int cpu;

    memset(run, 0, sizeof(*run));
    run->policy = p;
    run->res = calloc((size_t)w->count, sizeof(*run->res));
    run->count = w->count;
    if (!run->res) {
        fprintf(stderr, "%s: out of memory\n", w->file);
        return -1;
    }
    for (cpu = 0; cpu < w->cpus; cpu++)
        if (simulate_cpu(w, p, cpu, run, window))
            return -1;
    return 0;
}

void sim_run_free(struct sim_run *run)
{
    int i;

    for (i = 0; run->res && i < run->count; i++)
        free(run->res[i].lat);
    free(run->res);
    free(run->seg);
    run->res = NULL;
    run->seg = NULL;
}

static int cmp_time(const void *a, const void *b)
{
    hv_time_t x = *(const hv_time_t *)a, y = *(const hv_time_t *)b;

    return x < y ? -1 : x > y;
}

hv_time_t sim_latency_mean(const struct sim_result *r)
{
    hv_time_t sum = 0;
    size_t i;

    if (!r->lat_count)
        return 0;
    for (i = 0; i < r->lat_count; i++)
        sum += r->lat[i];
    return sum / (hv_time_t)r->lat_count;
}

hv_time_t sim_latency_p99(struct sim_result *r)
{
    size_t idx;

    if (!r->lat_count)
        return 0;
    qsort(r->lat, r->lat_count, sizeof(*r->lat), cmp_time);
    /* Nearest-rank p99: the smallest sample >= 99% of all samples. */
    idx = (r->lat_count * 99 + 99) / 100;
    return r->lat[idx - 1];
}
