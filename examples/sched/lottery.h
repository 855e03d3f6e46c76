/*
 * A fourth scheduling policy, written outside libhv-sched: lottery
 * scheduling (Waldspurger & Weihl, OSDI 1994). It only uses the public
 * policy interface <hv/sched_impl.h>, as any embedder's policy would.
 *
 * Each runnable entity holds `tickets`; every quantum a ticket is drawn
 * at random and its holder runs, so shares are proportional to tickets in
 * expectation. The random numbers come from a PRNG seeded by the caller
 * (instance parameter `seed`), so a run is exactly reproducible.
 */
#ifndef EXAMPLE_LOTTERY_H
#define EXAMPLE_LOTTERY_H

#include <hv/sched.h>

struct lottery_params {
    uint64_t seed;     /* PRNG seed, any value */
    hv_time_t quantum; /* ns per draw, 10 us .. 1 s */
};

struct lottery_entity_params {
    uint32_t tickets; /* 1 .. 1000000 */
};

extern const struct hv_sched_policy lottery_policy;

#endif
