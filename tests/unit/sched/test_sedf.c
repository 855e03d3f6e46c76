/*
 * sEDF: every admitted reservation met up to 100% utilisation, EDF order,
 * extra time shared by weight, the latency hint, deadline accounting, and
 * every refusal (parameter limits, admission control).
 */
#include "sched_test.h"

#include <hv/sched_sedf.h>

static struct hv_sched s;
static struct sim_task t[16];

static void create(hv_time_t quantum)
{
    struct hv_sched_sedf_params p = {quantum};

    memset(t, 0, sizeof(t));
    assert_int_equal(
        hv_sched_create(&s, &hv_sched_policy_sedf, &p, sizeof(p), 0), HV_OK);
}

static int add(int i, hv_time_t period, hv_time_t slice, hv_time_t latency,
               bool extra, uint32_t weight, hv_time_t now)
{
    struct hv_sched_sedf_entity_params p = {period, slice, latency, extra,
                                            weight};

    return hv_sched_add(&s, &t[i].e, (uint32_t)i, &p, sizeof(p), now);
}

static void expect_pick(hv_time_t now, int who, hv_time_t run_for)
{
    struct hv_sched_decision d;

    assert_int_equal(hv_sched_pick(&s, now, &d), HV_OK);
    if (who < 0)
        assert_null(d.entity);
    else
        assert_ptr_equal(d.entity, &t[who].e);
    assert_int_equal(d.run_for, run_for);
}

static void test_full_utilisation_no_misses(void **state)
{
    static const hv_time_t per[3] = {HV_MSEC(10), HV_MSEC(20), HV_MSEC(40)};
    static const hv_time_t sl[3] = {HV_MSEC(5), HV_MSEC(5), HV_MSEC(10)};
    hv_time_t now = 0;
    int i;

    (void)state;
    create(HV_USEC(500));
    for (i = 0; i < 3; i++) {
        assert_int_equal(add(i, per[i], sl[i], 0, false, 0, 0), HV_OK);
        t[i].sleep = -1;
    }
    assert_int_equal(hv_sched_sedf_utilisation(&s), HV_SCHED_SEDF_UTIL_ONE);
    sim_run(&s, t, 3, &now, HV_SEC(4));
    {
        struct hv_sched_decision d;

        hv_sched_pick(&s, now, &d); /* close the last interval */
    }
    for (i = 0; i < 3; i++) {
        struct hv_sched_stats st = stats_of(&t[i].e);

        assert_int_equal(st.deadlines_missed, 0);
        assert_int_equal(st.deadlines_met, (uint64_t)(HV_SEC(4) / per[i]));
        assert_int_equal(st.cpu_time, HV_SEC(4) / per[i] * sl[i]);
        assert_int_equal(st.extra_time, 0);
    }
    assert_int_equal(hv_sched_idle_time(&s), 0);
}

static void test_edf_order(void **state)
{
    (void)state;
    create(HV_USEC(500));
    assert_int_equal(add(0, HV_MSEC(30), HV_MSEC(3), 0, false, 0, 0), HV_OK);
    assert_int_equal(add(1, HV_MSEC(10), HV_MSEC(2), 0, false, 0, 0), HV_OK);
    assert_int_equal(add(2, HV_MSEC(20), HV_MSEC(4), 0, false, 0, 0), HV_OK);
    hv_sched_wake(&s, &t[0].e, 0);
    hv_sched_wake(&s, &t[1].e, 0);
    hv_sched_wake(&s, &t[2].e, 0);
    expect_pick(0, 1, HV_MSEC(2));
    expect_pick(HV_MSEC(2), 2, HV_MSEC(4));
    expect_pick(HV_MSEC(6), 0, HV_MSEC(3));
    /* Reservations done: idle until t1's next period at 10 ms. */
    expect_pick(HV_MSEC(9), -1, HV_MSEC(1));
    expect_pick(HV_MSEC(10), 1, HV_MSEC(2));
    assert_int_equal(hv_sched_sedf_deadline(&t[1].e), HV_MSEC(20));
    assert_int_equal(stats_of(&t[1].e).deadlines_met, 1);
}

static void test_late_pick_is_a_miss(void **state)
{
    (void)state;
    create(HV_USEC(500));
    assert_int_equal(add(0, HV_MSEC(10), HV_MSEC(5), 0, false, 0, 0), HV_OK);
    assert_int_equal(add(1, HV_MSEC(10), HV_MSEC(5), 0, false, 0, 0), HV_OK);
    hv_sched_wake(&s, &t[0].e, 0);
    hv_sched_wake(&s, &t[1].e, 0);
    expect_pick(0, 0, HV_MSEC(5));
    /* The caller overruns t0 by 3 ms: t1 can only get 2 ms by 10 ms. */
    expect_pick(HV_MSEC(8), 1, HV_MSEC(2));
    expect_pick(HV_MSEC(10), 0, HV_MSEC(5));
    assert_int_equal(stats_of(&t[0].e).deadlines_met, 1);
    assert_int_equal(stats_of(&t[0].e).deadlines_missed, 0);
    assert_int_equal(stats_of(&t[1].e).deadlines_met, 0);
    assert_int_equal(stats_of(&t[1].e).deadlines_missed, 1);
}

static void test_block_resumes_period_and_yield(void **state)
{
    (void)state;
    create(HV_USEC(500));
    assert_int_equal(add(0, HV_MSEC(10), HV_MSEC(5), 0, false, 0, 0), HV_OK);
    hv_sched_wake(&s, &t[0].e, 0);
    expect_pick(0, 0, HV_MSEC(5));
    assert_int_equal(hv_sched_block(&s, &t[0].e, HV_MSEC(2)), HV_OK);
    expect_pick(HV_MSEC(2), -1, HV_TIME_MAX);
    /* Waking in the same period resumes it: 3 ms left, deadline 10 ms. */
    assert_int_equal(hv_sched_wake(&s, &t[0].e, HV_MSEC(4)), 1);
    expect_pick(HV_MSEC(4), 0, HV_MSEC(3));
    assert_int_equal(hv_sched_sedf_deadline(&t[0].e), HV_MSEC(10));
    /* Yield gives up the last 2 ms: the period counts as met. */
    assert_int_equal(hv_sched_yield(&s, &t[0].e, HV_MSEC(5)), HV_OK);
    expect_pick(HV_MSEC(5), -1, HV_MSEC(5));
    assert_int_equal(stats_of(&t[0].e).deadlines_met, 1);
    /* A block across the deadline is neither met nor missed; the new
     * period starts at the wake. */
    expect_pick(HV_MSEC(10), 0, HV_MSEC(5));
    assert_int_equal(hv_sched_block(&s, &t[0].e, HV_MSEC(11)), HV_OK);
    assert_int_equal(hv_sched_wake(&s, &t[0].e, HV_MSEC(33)), 1);
    assert_int_equal(hv_sched_sedf_deadline(&t[0].e), HV_MSEC(43));
    expect_pick(HV_MSEC(33), 0, HV_MSEC(5));
    assert_int_equal(stats_of(&t[0].e).deadlines_met, 1);
    assert_int_equal(stats_of(&t[0].e).deadlines_missed, 0);
}

static void test_extra_time_by_weight(void **state)
{
    hv_time_t now = 0;
    struct hv_sched_stats a, b, c;

    (void)state;
    create(HV_USEC(500));
    assert_int_equal(add(0, HV_MSEC(10), HV_MSEC(2), 0, true, 1, 0), HV_OK);
    assert_int_equal(add(1, HV_MSEC(10), HV_MSEC(2), 0, true, 3, 0), HV_OK);
    assert_int_equal(add(2, HV_MSEC(10), HV_MSEC(2), 0, false, 0, 0), HV_OK);
    t[0].sleep = t[1].sleep = t[2].sleep = -1;
    sim_run(&s, t, 3, &now, HV_SEC(1));
    {
        struct hv_sched_decision d;

        hv_sched_pick(&s, now, &d);
    }
    a = stats_of(&t[0].e);
    b = stats_of(&t[1].e);
    c = stats_of(&t[2].e);
    /* 4 ms of slack per 10 ms period, split 1:3. */
    assert_int_equal(a.extra_time + b.extra_time, HV_MSEC(400));
    assert_int_equal(a.extra_time, HV_MSEC(100));
    assert_int_equal(b.extra_time, HV_MSEC(300));
    assert_int_equal(c.extra_time, 0);
    assert_int_equal(c.cpu_time, HV_MSEC(200));
    assert_int_equal(
        a.deadlines_missed + b.deadlines_missed + c.deadlines_missed, 0);
    assert_int_equal(hv_sched_idle_time(&s), 0);
}

static void test_latency_hint(void **state)
{
    struct hv_sched_decision d;
    int hinted;

    (void)state;
    for (hinted = 0; hinted < 2; hinted++) {
        create(HV_USEC(500));
        /* A hog with a 10 ms period, and a sleeper with a 100 ms one. */
        assert_int_equal(add(0, HV_MSEC(10), HV_MSEC(5), 0, true, 1, 0), HV_OK);
        assert_int_equal(add(1, HV_MSEC(100), HV_MSEC(10),
                             hinted ? HV_MSEC(5) : 0, false, 0, 0),
                         HV_OK);
        hv_sched_wake(&s, &t[0].e, 0);
        hv_sched_pick(&s, 0, &d);
        hv_sched_pick(&s, HV_MSEC(5), &d);  /* hog in extra time */
        hv_sched_pick(&s, HV_MSEC(10), &d); /* hog's period 10..20 */
        assert_ptr_equal(d.entity, &t[0].e);
        assert_int_equal(hv_sched_wake(&s, &t[1].e, HV_MSEC(12)), hinted);
        if (hinted) {
            /* First period 5 ms long, slice scaled to 0.5 ms. */
            assert_int_equal(hv_sched_sedf_deadline(&t[1].e), HV_MSEC(17));
            expect_pick(HV_MSEC(12), 1, HV_USEC(500));
            assert_int_equal(stats_of(&t[1].e).latency_last, 0);
            /* Then normal periods: the next starts at 17 ms. */
            expect_pick(HV_MSEC(12) + HV_USEC(500), 0, HV_MSEC(3));
            hv_sched_pick(&s, HV_MSEC(17), &d);
            assert_int_equal(hv_sched_sedf_deadline(&t[1].e), HV_MSEC(117));
        } else {
            assert_int_equal(hv_sched_sedf_deadline(&t[1].e), HV_MSEC(112));
            /* Waits behind the hog's reservation (deadline 20 ms). */
            expect_pick(HV_MSEC(15), 1, HV_MSEC(5));
            assert_int_equal(stats_of(&t[1].e).latency_last, HV_MSEC(3));
        }
    }
}

static void test_parameter_refusals(void **state)
{
    static const struct hv_sched_sedf_entity_params bad[] = {
        {HV_SCHED_SEDF_PERIOD_MIN - 1, HV_USEC(5), 0, false, 0},
        {HV_SCHED_SEDF_PERIOD_MAX + 1, HV_MSEC(1), 0, false, 0},
        {HV_MSEC(10), HV_SCHED_SEDF_SLICE_MIN - 1, 0, false, 0},
        {HV_MSEC(10), HV_MSEC(10) + 1, 0, false, 0},
        {HV_MSEC(10), HV_MSEC(1), HV_SCHED_SEDF_PERIOD_MIN - 1, false, 0},
        {HV_MSEC(10), HV_MSEC(1), HV_MSEC(10) + 1, false, 0},
        {HV_MSEC(10), HV_MSEC(1), -5, false, 0},
        {HV_MSEC(10), HV_MSEC(1), 0, true, 0},
        {HV_MSEC(10), HV_MSEC(1), 0, true, HV_SCHED_SEDF_WEIGHT_MAX + 1},
        {HV_MSEC(10), HV_MSEC(1), 0, false, 2},
        {-HV_MSEC(10), HV_MSEC(1), 0, false, 0},
    };
    struct hv_sched_sedf_params ip;
    size_t i;

    (void)state;
    ip.extra_quantum = HV_SCHED_SEDF_QUANTUM_MIN - 1;
    assert_int_equal(
        hv_sched_create(&s, &hv_sched_policy_sedf, &ip, sizeof(ip), 0),
        HV_EINVAL);
    ip.extra_quantum = HV_SCHED_SEDF_QUANTUM_MAX + 1;
    assert_int_equal(
        hv_sched_create(&s, &hv_sched_policy_sedf, &ip, sizeof(ip), 0),
        HV_EINVAL);
    create(HV_USEC(500));
    for (i = 0; i < HV_ARRAY_SIZE(bad); i++) {
        assert_int_equal(
            hv_sched_add(&s, &t[0].e, 0, &bad[i], sizeof(bad[i]), 0),
            HV_EINVAL);
        assert_int_equal(hv_sched_entity_state(&t[0].e), HV_SCHED_DETACHED);
    }
    assert_int_equal(hv_sched_add(&s, &t[0].e, 0, NULL, 0, 0), HV_EINVAL);
    /* The limits themselves are accepted. */
    assert_int_equal(add(0, HV_SCHED_SEDF_PERIOD_MIN, HV_SCHED_SEDF_SLICE_MIN,
                         HV_SCHED_SEDF_PERIOD_MIN, true,
                         HV_SCHED_SEDF_WEIGHT_MAX, 0),
                     HV_OK);
    assert_int_equal(hv_sched_sedf_utilisation(&s), 500000000);
    assert_int_equal(add(1, HV_SCHED_SEDF_PERIOD_MAX, HV_SCHED_SEDF_SLICE_MIN,
                         0, false, 0, 0),
                     HV_OK);
    for (i = 0; i < HV_ARRAY_SIZE(bad); i++)
        assert_int_equal(
            hv_sched_adjust(&s, &t[1].e, &bad[i], sizeof(bad[i]), 0),
            HV_EINVAL);
}

static void test_admission_control(void **state)
{
    struct hv_sched_sedf_entity_params p, got;
    uint64_t before;

    (void)state;
    create(HV_USEC(500));
    assert_int_equal(add(0, HV_MSEC(10), HV_MSEC(6), 0, false, 0, 0), HV_OK);
    before = hv_sched_sedf_utilisation(&s);
    assert_int_equal(add(1, HV_MSEC(10), HV_MSEC(5), 0, false, 0, 0),
                     HV_ENOSPC);
    assert_int_equal(hv_sched_entity_state(&t[1].e), HV_SCHED_DETACHED);
    assert_int_equal(hv_sched_sedf_utilisation(&s), before);
    /* Exactly 100% (1/3 + 1/3 + ... rounded down) is admitted. */
    assert_int_equal(add(1, HV_MSEC(30), HV_MSEC(4), 0, false, 0, 0), HV_OK);
    assert_int_equal(add(2, HV_MSEC(3), HV_USEC(800), 0, false, 0, 0), HV_OK);
    assert_int_equal(add(3, HV_SEC(1), HV_USEC(5), 0, false, 0, 0), HV_ENOSPC);
    /* Adjust counts the new value in place of the old one. */
    p = (struct hv_sched_sedf_entity_params){HV_MSEC(10), HV_MSEC(7), 0, false,
                                             0};
    assert_int_equal(hv_sched_adjust(&s, &t[0].e, &p, sizeof(p), 0), HV_ENOSPC);
    assert_int_equal(hv_sched_get_params(&s, &t[0].e, &got, sizeof(got)),
                     HV_OK);
    assert_int_equal(got.slice, HV_MSEC(6));
    p.slice = HV_MSEC(5);
    assert_int_equal(hv_sched_adjust(&s, &t[0].e, &p, sizeof(p), 0), HV_OK);
    /* Removing frees the reservation. */
    assert_int_equal(hv_sched_remove(&s, &t[1].e, 0), HV_OK);
    assert_int_equal(add(3, HV_MSEC(10), HV_MSEC(2), 0, false, 0, 0), HV_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_utilisation_no_misses),
        cmocka_unit_test(test_edf_order),
        cmocka_unit_test(test_late_pick_is_a_miss),
        cmocka_unit_test(test_block_resumes_period_and_yield),
        cmocka_unit_test(test_extra_time_by_weight),
        cmocka_unit_test(test_latency_hint),
        cmocka_unit_test(test_parameter_refusals),
        cmocka_unit_test(test_admission_control),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
