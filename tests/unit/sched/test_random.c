/*
 * Seeded randomised workloads, for every policy: random wakes, blocks,
 * yields, adjusts, removes and re-adds, picks early or on time. After
 * every step the invariants hold:
 *  - a call's result matches the state a shadow model predicts;
 *  - every pick names a runnable entity of the instance, and afterwards
 *    exactly that entity is RUNNING;
 *  - nothing runs while blocked: a blocked entity's cpu_time never grows;
 *  - cpu_time of every entity ever attached + idle time = elapsed time;
 *  - runnable_count matches the model.
 * Plus, for sEDF: random CPU-bound sets admitted at <= 100% miss nothing.
 */
#include "sched_test.h"

#include <hv/sched_bvt.h>
#include <hv/sched_rr.h>
#include <hv/sched_sedf.h>

#define N 24

struct model {
    bool attached;
    enum hv_sched_state st;
    hv_time_t cpu_at_block;
};

static struct hv_sched s;
static struct hv_sched_entity e[N];
static struct model m[N];
static hv_time_t removed_cpu; /* cpu_time of entities removed so far */

union params {
    struct hv_sched_bvt_entity_params bvt;
    struct hv_sched_sedf_entity_params sedf;
};

/* Random valid-or-not parameters for the policy; returns the size. */
static size_t random_params(const struct hv_sched_policy *pol, uint64_t *rng,
                            union params *p)
{
    memset(p, 0, sizeof(*p));
    if (pol == &hv_sched_policy_bvt) {
        p->bvt.mcu_advance = 1 + (uint32_t)(test_rand(rng) % 50);
        p->bvt.warp = test_rand(rng) % 3 == 0;
        p->bvt.warp_value = (int64_t)(test_rand(rng) % 5000);
        p->bvt.warpl = (hv_time_t)(test_rand(rng) % HV_MSEC(5));
        p->bvt.warpu = (hv_time_t)(test_rand(rng) % HV_MSEC(20));
        return sizeof(p->bvt);
    }
    if (pol == &hv_sched_policy_sedf) {
        p->sedf.period =
            HV_USEC(100) + (hv_time_t)(test_rand(rng) % HV_MSEC(50));
        /* Small slices so admission mostly succeeds; sometimes not. */
        p->sedf.slice =
            HV_USEC(5) +
            (hv_time_t)(test_rand(rng) % (uint64_t)(p->sedf.period / 8));
        p->sedf.latency = test_rand(rng) % 2 ? 0 : p->sedf.period / 2;
        if (p->sedf.latency && p->sedf.latency < HV_SCHED_SEDF_PERIOD_MIN)
            p->sedf.latency = 0;
        p->sedf.extra = test_rand(rng) % 2;
        p->sedf.weight = p->sedf.extra ? 1 + (uint32_t)(test_rand(rng) % 9) : 0;
        return sizeof(p->sedf);
    }
    return 0;
}

static void check_invariants(void)
{
    hv_time_t elapsed = hv_sched_now(&s);
    hv_time_t sum = removed_cpu;
    size_t runnable = 0;
    int running = 0;
    int i;

    for (i = 0; i < N; i++) {
        struct hv_sched_stats st;

        if (!m[i].attached) {
            assert_int_equal(hv_sched_entity_state(&e[i]), HV_SCHED_DETACHED);
            continue;
        }
        assert_int_equal(hv_sched_entity_state(&e[i]), m[i].st);
        st = stats_of(&e[i]);
        sum += st.cpu_time;
        if (m[i].st == HV_SCHED_BLOCKED)
            assert_int_equal(st.cpu_time, m[i].cpu_at_block);
        if (m[i].st == HV_SCHED_RUNNING) {
            running++;
            assert_ptr_equal(hv_sched_current(&s), &e[i]);
        }
        if (m[i].st == HV_SCHED_RUNNING || m[i].st == HV_SCHED_RUNNABLE)
            runnable++;
    }
    assert_true(running <= 1);
    if (!running)
        assert_null(hv_sched_current(&s));
    assert_int_equal(hv_sched_runnable_count(&s), runnable);
    assert_int_equal(sum + hv_sched_idle_time(&s), elapsed);
}

/* BVT oracle: the pick has the least EVT of all runnable entities. */
static int64_t bvt_evt(const struct hv_sched_entity *x)
{
    struct hv_sched_bvt_entity_params p;

    assert_int_equal(hv_sched_get_params(&s, x, &p, sizeof(p)), HV_OK);
    return hv_sched_bvt_avt(x) -
           (hv_sched_bvt_is_warping(x) ? p.warp_value : 0);
}

static void check_bvt_pick(const struct hv_sched_decision *d)
{
    int j;

    if (!d->entity)
        return;
    for (j = 0; j < N; j++)
        if (m[j].attached &&
            (m[j].st == HV_SCHED_RUNNABLE || m[j].st == HV_SCHED_RUNNING))
            assert_true(bvt_evt(d->entity) <= bvt_evt(&e[j]));
}

static void mark_blocked(int i)
{
    m[i].st = HV_SCHED_BLOCKED;
    m[i].cpu_at_block = stats_of(&e[i]).cpu_time;
}

static void random_workload(const struct hv_sched_policy *pol, uint64_t seed)
{
    uint64_t rng = seed;
    hv_time_t now = 0;
    hv_time_t due = HV_TIME_MAX; /* when the current run_for ends */
    struct hv_sched_decision d;
    int step;

    memset(e, 0, sizeof(e));
    memset(m, 0, sizeof(m));
    removed_cpu = 0;
    assert_int_equal(hv_sched_create(&s, pol, NULL, 0, 0), HV_OK);

    for (step = 0; step < 20000; step++) {
        int i = (int)(test_rand(&rng) % N);
        unsigned op = (unsigned)(test_rand(&rng) % 100);
        union params p;
        size_t psz;
        int rc;

        /* Time moves on: to the end of the run, or less. */
        if (test_rand(&rng) % 2 && due != HV_TIME_MAX && due > now)
            now = due;
        else
            now += (hv_time_t)(test_rand(&rng) % HV_USEC(3000));

        if (!m[i].attached) {
            psz = random_params(pol, &rng, &p);
            rc =
                hv_sched_add(&s, &e[i], (uint32_t)i, psz ? &p : NULL, psz, now);
            if (rc == HV_OK) {
                m[i].attached = true;
                mark_blocked(i);
            } else {
                /* Only sEDF admission may refuse a valid set. */
                assert_ptr_equal(pol, &hv_sched_policy_sedf);
                assert_int_equal(rc, HV_ENOSPC);
            }
        } else if (op < 35) {
            rc = hv_sched_wake(&s, &e[i], now);
            if (m[i].st == HV_SCHED_BLOCKED) {
                assert_true(rc == 0 || rc == 1);
                m[i].st = HV_SCHED_RUNNABLE;
                if (rc == 1)
                    goto pick;
            } else {
                assert_int_equal(rc, HV_EBUSY);
            }
        } else if (op < 50) {
            rc = hv_sched_block(&s, &e[i], now);
            if (m[i].st == HV_SCHED_BLOCKED) {
                assert_int_equal(rc, HV_EBUSY);
            } else {
                assert_int_equal(rc, HV_OK);
                mark_blocked(i);
            }
        } else if (op < 55) {
            rc = hv_sched_yield(&s, &e[i], now);
            if (m[i].st == HV_SCHED_RUNNING) {
                assert_int_equal(rc, HV_OK);
                m[i].st = HV_SCHED_RUNNABLE;
            } else {
                assert_int_equal(rc, HV_EBUSY);
            }
        } else if (op < 60) {
            psz = random_params(pol, &rng, &p);
            rc = hv_sched_adjust(&s, &e[i], psz ? &p : NULL, psz, now);
            if (pol == &hv_sched_policy_rr)
                assert_int_equal(rc, HV_EOPNOTSUPP);
            else
                assert_true(rc == HV_OK || rc == HV_ENOSPC);
        } else if (op < 62) {
            assert_int_equal(hv_sched_remove(&s, &e[i], now), HV_OK);
            m[i].attached = false;
            removed_cpu += stats_of(&e[i]).cpu_time;
        } else {
        pick:
            assert_int_equal(hv_sched_pick(&s, now, &d), HV_OK);
            assert_true(d.run_for > 0);
            due = d.run_for == HV_TIME_MAX ? HV_TIME_MAX : now + d.run_for;
            if (m[i].st == HV_SCHED_RUNNING && d.entity != &e[i])
                m[i].st = HV_SCHED_RUNNABLE;
            {
                int j;

                for (j = 0; j < N; j++)
                    if (m[j].attached && m[j].st == HV_SCHED_RUNNING &&
                        d.entity != &e[j])
                        m[j].st = HV_SCHED_RUNNABLE;
            }
            if (d.entity) {
                int j = (int)(d.entity - e);

                assert_true(j >= 0 && j < N);
                assert_true(m[j].attached);
                assert_true(m[j].st == HV_SCHED_RUNNABLE ||
                            m[j].st == HV_SCHED_RUNNING);
                m[j].st = HV_SCHED_RUNNING;
            }
            if (pol == &hv_sched_policy_bvt)
                check_bvt_pick(&d);
        }
        /* Anything that stopped the current entity ends its run. */
        if (!hv_sched_current(&s))
            due = HV_TIME_MAX;
        check_invariants();
    }
    {
        char buf[8192];

        assert_true(hv_sched_dump(&s, buf, sizeof(buf)) > 0);
    }
}

static void test_random_rr(void **state)
{
    (void)state;
    random_workload(&hv_sched_policy_rr, 1);
    random_workload(&hv_sched_policy_rr, 0xdeadbeef);
}

static void test_random_bvt(void **state)
{
    (void)state;
    random_workload(&hv_sched_policy_bvt, 2);
    random_workload(&hv_sched_policy_bvt, 0xfeedface);
}

static void test_random_sedf(void **state)
{
    (void)state;
    random_workload(&hv_sched_policy_sedf, 3);
    random_workload(&hv_sched_policy_sedf, 0xc0ffee);
}

/* Random CPU-bound reservation sets filling 90..100%: no deadline missed. */
static void test_random_feasible_sedf_sets(void **state)
{
    static struct sim_task t[12];
    uint64_t rng = 77;
    int set;

    (void)state;
    for (set = 0; set < 40; set++) {
        int n = 2 + (int)(test_rand(&rng) % 10);
        uint64_t left = HV_SCHED_SEDF_UTIL_ONE;
        hv_time_t now = 0;
        int i;

        memset(t, 0, sizeof(t));
        assert_int_equal(hv_sched_create(&s, &hv_sched_policy_sedf, NULL, 0, 0),
                         HV_OK);
        for (i = 0; i < n; i++) {
            struct hv_sched_sedf_entity_params p = {0};
            uint64_t share = i == n - 1
                                 ? left - test_rand(&rng) % (left / 10 + 1)
                                 : left / (uint64_t)(n - i) *
                                       (50 + test_rand(&rng) % 100) / 100;

            p.period = HV_USEC(500) * (hv_time_t)(1 + test_rand(&rng) % 40);
            p.slice = (hv_time_t)((uint64_t)p.period * share /
                                  HV_SCHED_SEDF_UTIL_ONE);
            if (p.slice < HV_SCHED_SEDF_SLICE_MIN)
                p.slice = HV_SCHED_SEDF_SLICE_MIN;
            p.extra = test_rand(&rng) % 2;
            p.weight = p.extra ? 1 + (uint32_t)(test_rand(&rng) % 5) : 0;
            if (hv_sched_add(&s, &t[i].e, (uint32_t)i, &p, sizeof(p), 0) !=
                HV_OK)
                break;
            left -=
                (uint64_t)p.slice * HV_SCHED_SEDF_UTIL_ONE / (uint64_t)p.period;
            t[i].sleep = -1;
        }
        sim_run(&s, t, i, &now, HV_MSEC(500));
        {
            struct hv_sched_decision d;

            hv_sched_pick(&s, now, &d);
        }
        for (n = 0; n < i; n++) {
            struct hv_sched_stats st = stats_of(&t[n].e);

            assert_int_equal(st.deadlines_missed, 0);
            assert_true(st.deadlines_met > 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_rr),
        cmocka_unit_test(test_random_bvt),
        cmocka_unit_test(test_random_sedf),
        cmocka_unit_test(test_random_feasible_sedf_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
