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

#endif
