/*
 * Cost of pick, and of a wake+block pair, against the number of runnable
 * entities (10, 100, 1000, 10000), for rr, bvt and sedf, printed beside a
 * plain O(n) list-scan scheduler measured in the same run.
 *
 * Pick: every entity stays runnable; each pick "runs" the chosen entity
 * for its whole run_for (so a pick is a real switch, not a continuation)
 * and the simulated clock advances by it. Wake+block: an entity other than
 * the running one is blocked and woken again at the same instant.
 * Figures are wall-clock ns per operation (CLOCK_MONOTONIC), best of 3 (list
 * scan) or 5 (policies), to shed the noise of a shared machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hv/sched_bvt.h>
#include <hv/sched_rr.h>
#include <hv/sched_sedf.h>

static double wall_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ---- the baseline: a list scanned for the least key at every pick ---- */
struct scan_node {
    struct scan_node *next;
    struct scan_node *prev;
    int64_t key;
    uint64_t seq;
    int runnable;
};

struct scan_sched {
    struct scan_node head;
    struct scan_node *current;
    uint64_t seq;
};

static void scan_insert(struct scan_sched *q, struct scan_node *n)
{
    n->next = q->head.next;
    n->prev = &q->head;
    q->head.next->prev = n;
    q->head.next = n;
    n->runnable = 1;
}

static void scan_remove(struct scan_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->runnable = 0;
}

static struct scan_node *scan_pick(struct scan_sched *q)
{
    struct scan_node *best = NULL;
    struct scan_node *n;

    if (q->current)
        q->current->key += 1000; /* charge the run that just ended */
    for (n = q->head.next; n != &q->head; n = n->next)
        if (!best || n->key < best->key ||
            (n->key == best->key && n->seq < best->seq))
            best = n;
    q->current = best;
    return best;
}

static double bench_scan(size_t n, long iters, double *wb_ns)
{
    struct scan_sched q;
    struct scan_node *nodes = calloc(n, sizeof(*nodes));
    volatile uintptr_t sink = 0;
    double t0, t1;
    long i;
    size_t k;

    q.head.next = q.head.prev = &q.head;
    q.current = NULL;
    for (k = 0; k < n; k++) {
        nodes[k].seq = k;
        scan_insert(&q, &nodes[k]);
    }
    t0 = wall_ns();
    for (i = 0; i < iters; i++)
        sink += (uintptr_t)scan_pick(&q);
    t1 = wall_ns();
    {
        double pick = (t1 - t0) / (double)iters;

        t0 = wall_ns();
        for (i = 0; i < 200000; i++) {
            struct scan_node *x = &nodes[((size_t)i * 7919u) % n];

            if (x == q.current)
                x = &nodes[((size_t)i * 7919u + 1) % n];
            scan_remove(x);
            scan_insert(&q, x);
        }
        t1 = wall_ns();
        *wb_ns = (t1 - t0) / 200000.0;
        (void)sink;
        free(nodes);
        return pick;
    }
}

/* ---- libhv-sched ---- */
struct setup {
    const char *name;
    const struct hv_sched_policy *pol;
};

static int add_entity(struct hv_sched *s, const struct hv_sched_policy *pol,
                      struct hv_sched_entity *e, uint32_t id, size_t n)
{
    if (pol == &hv_sched_policy_sedf) {
        /* n reservations filling 90% of a 10 s period. */
        struct hv_sched_sedf_entity_params p = {HV_SEC(10), 0, 0, false, 0};

        p.slice = HV_SEC(9) / (hv_time_t)n;
        return hv_sched_add(s, e, id, &p, sizeof(p), 0);
    }
    if (pol == &hv_sched_policy_bvt) {
        struct hv_sched_bvt_entity_params p = {1 + id % 20, false, 0, 0, 0};

        return hv_sched_add(s, e, id, &p, sizeof(p), 0);
    }
    return hv_sched_add(s, e, id, NULL, 0, 0);
}

static int bench_policy(const struct hv_sched_policy *pol, size_t n, long iters,
                        double *pick_ns, double *wb_ns)
{
    struct hv_sched s;
    struct hv_sched_entity *e = calloc(n, sizeof(*e));
    struct hv_sched_decision d;
    hv_time_t now = 0;
    double t0, t1;
    long i;
    size_t k;

    if (!e || hv_sched_create(&s, pol, NULL, 0, 0) != HV_OK)
        return -1;
    for (k = 0; k < n; k++)
        if (add_entity(&s, pol, &e[k], (uint32_t)k, n) != HV_OK ||
            hv_sched_wake(&s, &e[k], 0) < 0)
            return -1;
    /* Warm up: every entity picked at least once. */
    for (k = 0; k < 2 * n; k++) {
        hv_sched_pick(&s, now, &d);
        now += d.run_for < HV_SEC(1) ? d.run_for : HV_SEC(1);
    }

    t0 = wall_ns();
    for (i = 0; i < iters; i++) {
        hv_sched_pick(&s, now, &d);
        now += d.run_for < HV_SEC(1) ? d.run_for : HV_SEC(1);
    }
    t1 = wall_ns();
    *pick_ns = (t1 - t0) / (double)iters;

    hv_sched_pick(&s, now, &d);
    t0 = wall_ns();
    for (i = 0; i < iters; i++) {
        struct hv_sched_entity *x = &e[((size_t)i * 7919u) % n];

        if (x == d.entity)
            x = &e[((size_t)i * 7919u + 1) % n];
        hv_sched_block(&s, x, now);
        hv_sched_wake(&s, x, now);
    }
    t1 = wall_ns();
    *wb_ns = (t1 - t0) / (double)iters;

    for (k = 0; k < n; k++)
        hv_sched_remove(&s, &e[k], now);
    hv_sched_destroy(&s);
    free(e);
    return 0;
}

int main(void)
{
    static const struct setup pols[] = {
        {"rr", &hv_sched_policy_rr},
        {"bvt", &hv_sched_policy_bvt},
        {"sedf", &hv_sched_policy_sedf},
    };
    static const size_t sizes[] = {10, 100, 1000, 10000};
    size_t si, pi;

    printf("%-6s %8s %9s %12s | %-24s %s\n", "policy", "entities", "pick ns",
           "wake+blk ns", "list-scan: pick  wake+blk", "pick speedup");
    for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        size_t n = sizes[si];
        double scan = 1e30, scan_wb = 1e30;
        int r;

        for (r = 0; r < 3; r++) {
            double w;
            double v =
                bench_scan(n, n >= 1000 ? 20000000 / (long)n : 200000, &w);

            if (v < scan)
                scan = v;
            if (w < scan_wb)
                scan_wb = w;
        }
        for (pi = 0; pi < sizeof(pols) / sizeof(pols[0]); pi++) {
            double pick = 1e30, wb = 1e30;

            for (r = 0; r < 5; r++) {
                double p, w;

                if (bench_policy(pols[pi].pol, n, 200000, &p, &w)) {
                    printf("%s: setup failed\n", pols[pi].name);
                    return 1;
                }
                if (p < pick)
                    pick = p;
                if (w < wb)
                    wb = w;
            }
            printf("%-6s %8zu %9.1f %12.1f | %15.1f %8.1f   %8.1fx\n",
                   pols[pi].name, n, pick, wb, scan, scan_wb, scan / pick);
        }
    }
    return 0;
}
