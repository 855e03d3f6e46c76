/*
 * Using an out-of-tree policy through the ordinary libhv-sched API: three
 * CPU-bound tasks with 100, 200 and 700 lottery tickets share a CPU for
 * 20 s of simulated time in 1 ms quanta; a task blocks and wakes half way.
 * Prints each task's share and checks it is within 2 points of its
 * tickets' share; runs twice with one seed to show the schedule repeats.
 * Exit status 0 on success.
 */
#include <stdio.h>
#include <string.h>

#include "lottery.h"

#define TASKS 3

static const uint32_t tickets[TASKS] = {100, 200, 700};

/* Run the workload; return a hash of the sequence of picks. */
static uint64_t run(uint64_t seed, hv_time_t share[TASKS])
{
    struct lottery_params ip = {seed, HV_MSEC(1)};
    struct hv_sched s;
    struct hv_sched_entity e[TASKS];
    struct hv_sched_decision d;
    uint64_t hash = 1469598103934665603ULL;
    hv_time_t now = 0;
    int i;

    memset(e, 0, sizeof(e));
    if (hv_sched_create(&s, &lottery_policy, &ip, sizeof(ip), 0) != HV_OK)
        return 0;
    for (i = 0; i < TASKS; i++) {
        struct lottery_entity_params p = {tickets[i]};

        if (hv_sched_add(&s, &e[i], (uint32_t)i, &p, sizeof(p), 0) != HV_OK ||
            hv_sched_wake(&s, &e[i], 0) < 0)
            return 0;
    }
    while (now < HV_SEC(20)) {
        if (now == HV_SEC(10)) {
            /* Task 2 sleeps for a second. */
            hv_sched_block(&s, &e[2], now);
        }
        if (now == HV_SEC(11))
            hv_sched_wake(&s, &e[2], now);
        hv_sched_pick(&s, now, &d);
        hash = (hash ^ (uint64_t)(d.entity ? d.entity->id + 1 : 0)) *
               1099511628211ULL;
        now += d.run_for < HV_MSEC(1) ? d.run_for : HV_MSEC(1);
    }
    hv_sched_pick(&s, now, &d);
    for (i = 0; i < TASKS; i++) {
        struct hv_sched_stats st;

        hv_sched_get_stats(&s, &e[i], &st);
        share[i] = st.cpu_time;
        hv_sched_remove(&s, &e[i], now);
    }
    hv_sched_destroy(&s);
    return hash;
}

int main(void)
{
    hv_time_t a[TASKS], b[TASKS];
    uint64_t h1 = run(42, a);
    uint64_t h2 = run(42, b);
    uint64_t h3 = run(43, b);
    int ok = h1 != 0 && h1 == h2 && h1 != h3;
    int i;

    printf("lottery policy (out of tree), 20 s in 1 ms quanta, seed 42\n");
    for (i = 0; i < TASKS; i++) {
        /* Task 2 was away 1 s: the others split that second 1:2. */
        double expect =
            i == 2 ? 700.0 / 1000 * 19 / 20
                   : (tickets[i] / 1000.0 * 19 + tickets[i] / 300.0) / 20;
        double got = (double)a[i] / (double)HV_SEC(20);

        printf("  task %d: %4u tickets, share %.3f (expected %.3f)\n", i,
               (unsigned)tickets[i], got, expect);
        if (got < expect - 0.02 || got > expect + 0.02)
            ok = 0;
    }
    printf("same seed repeats the schedule: %s; another seed differs: %s\n",
           h1 == h2 ? "yes" : "no", h1 != h3 ? "yes" : "no");
    printf("%s\n", ok ? "OK" : "FAILED");
    return ok ? 0 : 1;
}
