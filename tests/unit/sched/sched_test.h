/* Shared helpers for the libhv-sched unit tests (host only, may use libc). */
#ifndef SCHED_TEST_H
#define SCHED_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <hv/sched.h>

/*
 * Run the instance as a CPU would from *t to `end`: pick, run the chosen
 * entity (or idle) for run_for, repeat. Returns the number of picks.
 */
static inline unsigned run_until(struct hv_sched *s, hv_time_t *t,
                                 hv_time_t end)
{
    unsigned picks = 0;

    while (*t < end) {
        struct hv_sched_decision d;
        hv_time_t step;

        assert_int_equal(hv_sched_pick(s, *t, &d), HV_OK);
        assert_true(d.run_for > 0);
        picks++;
        step = d.run_for;
        if (step > end - *t)
            step = end - *t;
        *t += step;
    }
    /* Charge the last interval. */
    {
        struct hv_sched_decision d;

        assert_int_equal(hv_sched_pick(s, *t, &d), HV_OK);
    }
    return picks;
}

/* e's statistics as of its instance's latest time. */
static inline struct hv_sched_stats stats_of(const struct hv_sched_entity *e)
{
    struct hv_sched_stats out;

    assert_int_equal(hv_sched_get_stats(e->owner, e, &out), HV_OK);
    return out;
}

/* A deterministic PRNG for the randomised tests (xorshift64*). */
static inline uint64_t test_rand(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/*
 * A tiny event-driven workload: each task runs `burst` ns of CPU, then
 * sleeps `sleep` ns, forever (sleep < 0: CPU-bound, never blocks). The
 * driver follows the framework's advice: it picks when run_for ends, when
 * the running task blocks, and at once when a wake returns 1.
 */
struct sim_task {
    struct hv_sched_entity e;
    hv_time_t burst;
    hv_time_t sleep;
    hv_time_t left;    /* CPU still needed in this burst */
    hv_time_t wake_at; /* while blocked */
};

static inline struct sim_task *sim_of(struct hv_sched_entity *e)
{
    return (struct sim_task *)(void *)e; /* e is the first member */
}

static inline void sim_run(struct hv_sched *s, struct sim_task *t, int n,
                           hv_time_t *now, hv_time_t end)
{
    struct hv_sched_decision d;
    hv_time_t until;

    assert_int_equal(hv_sched_pick(s, *now, &d), HV_OK);
    until = d.run_for == HV_TIME_MAX ? HV_TIME_MAX : *now + d.run_for;
    while (*now < end) {
        hv_time_t next = until < end ? until : end;
        struct sim_task *cur = d.entity ? sim_of(d.entity) : NULL;
        bool need = false;
        int i;

        if (cur && cur->sleep >= 0 && *now + cur->left < next)
            next = *now + cur->left;
        for (i = 0; i < n; i++)
            if (hv_sched_entity_state(&t[i].e) == HV_SCHED_BLOCKED &&
                t[i].wake_at < next)
                next = t[i].wake_at > *now ? t[i].wake_at : *now;
        if (cur && cur->sleep >= 0)
            cur->left -= next - *now;
        *now = next;
        if (cur && cur->sleep >= 0 && cur->left == 0) {
            assert_int_equal(hv_sched_block(s, &cur->e, *now), HV_OK);
            cur->wake_at = *now + cur->sleep;
            cur->left = cur->burst;
            need = true;
        }
        for (i = 0; i < n; i++)
            if (hv_sched_entity_state(&t[i].e) == HV_SCHED_BLOCKED &&
                t[i].wake_at <= *now) {
                int rc = hv_sched_wake(s, &t[i].e, *now);

                assert_true(rc == 0 || rc == 1);
                need |= rc == 1;
            }
        if (need || *now >= until) {
            assert_int_equal(hv_sched_pick(s, *now, &d), HV_OK);
            until = d.run_for == HV_TIME_MAX ? HV_TIME_MAX : *now + d.run_for;
        }
    }
}

#endif
