/*
 * BVT: exact schedules for ctx_allow and warp, shares by weight, the SVT
 * rules (woken AVT >= SVT; an empty run queue does not reset SVT), the
 * minimum charging unit, and every parameter refusal.
 */
#include "sched_test.h"

#include <hv/sched_bvt.h>

static struct hv_sched s;
static struct sim_task t[4];

static void create(hv_time_t ctx, hv_time_t mcu)
{
    struct hv_sched_bvt_params p = {ctx, mcu};

    memset(t, 0, sizeof(t));
    assert_int_equal(
        hv_sched_create(&s, &hv_sched_policy_bvt, &p, sizeof(p), 0), HV_OK);
}

static void add(int i, uint32_t adv, bool warp, int64_t wv, hv_time_t warpl,
                hv_time_t warpu, hv_time_t now)
{
    struct hv_sched_bvt_entity_params p = {adv, warp, wv, warpl, warpu};

    assert_int_equal(hv_sched_add(&s, &t[i].e, (uint32_t)i, &p, sizeof(p), now),
                     HV_OK);
}

static void expect_pick(hv_time_t now, int who, hv_time_t run_for)
{
    struct hv_sched_decision d;

    assert_int_equal(hv_sched_pick(&s, now, &d), HV_OK);
    if (d.entity != (who < 0 ? NULL : &t[who].e) || d.run_for != run_for) {
        char buf[2048];

        hv_sched_dump(&s, buf, sizeof(buf));
        fprintf(stderr, "at %lld: got %d for %lld\n%s", (long long)now,
                d.entity ? (int)d.entity->id : -1, (long long)d.run_for, buf);
    }
    if (who < 0)
        assert_null(d.entity);
    else
        assert_ptr_equal(d.entity, &t[who].e);
    assert_int_equal(d.run_for, run_for);
}

static void test_ctx_allow_default_alternation(void **state)
{
    (void)state;
    memset(t, 0, sizeof(t));
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_bvt, NULL, 0, 0),
                     HV_OK);
    assert_int_equal(hv_sched_add(&s, &t[0].e, 0, NULL, 0, 0), HV_OK);
    assert_int_equal(hv_sched_add(&s, &t[1].e, 1, NULL, 0, 0), HV_OK);
    hv_sched_wake(&s, &t[0].e, 0);
    hv_sched_wake(&s, &t[1].e, 0);
    /* Equal AVT: first woken runs ctx_allow = 5 ms. */
    expect_pick(0, 0, HV_MSEC(5));
    /* avt0 = 50 mcu * 10 = 500; t1 runs until 500 + ctx_allow. */
    expect_pick(HV_MSEC(5), 1, HV_MSEC(10));
    assert_int_equal(hv_sched_bvt_avt(&t[0].e), 500);
    expect_pick(HV_MSEC(15), 0, HV_MSEC(10));
    assert_int_equal(hv_sched_bvt_avt(&t[1].e), 1000);
    expect_pick(HV_MSEC(25), 1, HV_MSEC(10));
    assert_int_equal(hv_sched_bvt_svt(&s), 1000);
}

static void test_shares_follow_weights(void **state)
{
    static const uint32_t adv[3] = {10, 20, 40}; /* shares 4:2:1 */
    hv_time_t now = 0;
    int i;

    (void)state;
    create(HV_MSEC(5), HV_USEC(100));
    for (i = 0; i < 3; i++) {
        add(i, adv[i], false, 0, 0, 0, 0);
        t[i].sleep = -1;
    }
    sim_run(&s, t, 3, &now, HV_SEC(20));
    for (i = 0; i < 3; i++) {
        double share = (double)stats_of(&t[i].e).cpu_time / (double)now;
        double want = (4 >> i) / 7.0;

        assert_true(share > want * 0.99 && share < want * 1.01);
    }
}

static void test_mcu_charges_started_unit(void **state)
{
    (void)state;
    create(HV_MSEC(5), HV_USEC(100));
    add(0, 7, false, 0, 0, 0, 0);
    hv_sched_wake(&s, &t[0].e, 0);
    expect_pick(0, 0, HV_MSEC(5));
    /* 10 us of CPU, then block: a whole mcu is charged. */
    assert_int_equal(hv_sched_block(&s, &t[0].e, HV_USEC(10)), HV_OK);
    assert_int_equal(hv_sched_bvt_avt(&t[0].e), 7);
    hv_sched_wake(&s, &t[0].e, HV_USEC(20));
    expect_pick(HV_USEC(20), 0, HV_MSEC(5));
    /* 250 us: two whole mcus as they accrue, the third when it leaves. */
    assert_int_equal(hv_sched_yield(&s, &t[0].e, HV_USEC(270)), HV_OK);
    assert_int_equal(hv_sched_bvt_avt(&t[0].e), 7 + 21);
}

static void test_warp_preempts_with_zero_latency(void **state)
{
    hv_time_t now = 0;
    struct hv_sched_stats st;

    (void)state;
    /* A CPU hog and an interactive task: 1 ms bursts every 20 ms. */
    create(HV_MSEC(5), HV_USEC(100));
    add(0, 10, false, 0, 0, 0, 0);
    t[0].sleep = -1;
    /* warpl (2 ms) bounds one continuous warped run, and each burst is
     * 1 ms: every wake is warped, although warpu is long. */
    add(1, 10, true, 100000, HV_MSEC(2), HV_MSEC(50), 0);
    t[1].burst = t[1].left = HV_MSEC(1);
    t[1].sleep = HV_MSEC(19);
    t[1].wake_at = HV_MSEC(1);
    hv_sched_wake(&s, &t[0].e, 0);
    sim_run(&s, t, 2, &now, HV_SEC(2));
    st = stats_of(&t[1].e);
    assert_int_equal(st.wake_count, 100);
    assert_int_equal(st.latency_count, 100);
    assert_int_equal(st.latency_max, 0);
    assert_int_equal(st.cpu_time, HV_MSEC(100));

    /* Control: the same task without warp waits for the hog. */
    create(HV_MSEC(5), HV_USEC(100));
    now = 0;
    add(0, 10, false, 0, 0, 0, 0);
    t[0].sleep = -1;
    add(1, 10, false, 0, 0, 0, 0);
    t[1].burst = t[1].left = HV_MSEC(1);
    t[1].sleep = HV_MSEC(19);
    t[1].wake_at = HV_MSEC(1);
    hv_sched_wake(&s, &t[0].e, 0);
    sim_run(&s, t, 2, &now, HV_SEC(2));
    st = stats_of(&t[1].e);
    assert_true(st.latency_max > HV_MSEC(1));
    /* ...but is still bounded by the context-switch allowance. */
    assert_true(st.latency_max <= HV_MSEC(5) + HV_MSEC(1));
}

static void test_warp_limit_and_unwarp_time(void **state)
{
    (void)state;
    create(HV_MSEC(5), HV_USEC(100));
    add(0, 10, false, 0, 0, 0, 0);
    add(1, 10, true, 1000000, HV_MSEC(2), HV_MSEC(8), 0);
    hv_sched_wake(&s, &t[0].e, 0);
    hv_sched_wake(&s, &t[1].e, 0);
    assert_true(hv_sched_bvt_is_warping(&t[1].e));
    /* Warped: runs first, but only for warpl = 2 ms. */
    expect_pick(0, 1, HV_MSEC(2));
    expect_pick(HV_MSEC(2), 0, HV_MSEC(7));
    assert_false(hv_sched_bvt_is_warping(&t[1].e));
    assert_int_equal(hv_sched_bvt_avt(&t[1].e), 200);
    /* At 9 ms it runs on AVT alone, still unwarped (until 2 + 8 ms). */
    expect_pick(HV_MSEC(9), 1, HV_MSEC(10));
    assert_false(hv_sched_bvt_is_warping(&t[1].e));
    /* From 10 ms it may warp again, for another 2 ms at most. */
    expect_pick(HV_MSEC(10), 1, HV_MSEC(2));
    assert_true(hv_sched_bvt_is_warping(&t[1].e));
    /* Unwarped again until 20 ms; AVT 500 < 700 still lets it run. */
    expect_pick(HV_MSEC(12), 1, HV_MSEC(7));
    assert_false(hv_sched_bvt_is_warping(&t[1].e));
    /* At 19 ms (AVT 1200 > 700) the hog runs, but only until the warp
     * suspension of the waiting entity ends at 20 ms... */
    expect_pick(HV_MSEC(19), 0, HV_MSEC(1));
    assert_false(hv_sched_bvt_is_warping(&t[1].e));
    /* ...when it is warping again and preempts the hog. */
    expect_pick(HV_MSEC(20), 1, HV_MSEC(2));
    assert_true(hv_sched_bvt_is_warping(&t[1].e));
}

static void test_empty_runqueue_keeps_svt(void **state)
{
    hv_time_t now = 0;
    int64_t svt;
    int i;

    (void)state;
    create(HV_MSEC(5), HV_USEC(100));
    add(0, 10, false, 0, 0, 0, 0);
    add(1, 10, false, 0, 0, 0, 0);
    t[0].sleep = t[1].sleep = -1;
    hv_sched_wake(&s, &t[0].e, 0);
    hv_sched_wake(&s, &t[1].e, 0);
    sim_run(&s, t, 2, &now, HV_SEC(1));
    assert_int_equal(hv_sched_block(&s, &t[0].e, now), HV_OK);
    assert_int_equal(hv_sched_block(&s, &t[1].e, now), HV_OK);
    svt = hv_sched_bvt_svt(&s);
    assert_true(svt >= 49000); /* about 500 ms of CPU each at 10 per mcu */
    /* The run queue is empty for half a second... */
    expect_pick(now, -1, HV_TIME_MAX);
    now += HV_MSEC(500);
    expect_pick(now, -1, HV_TIME_MAX);
    assert_int_equal(hv_sched_bvt_svt(&s), svt);
    /* ...then a newcomer starts at SVT, not at zero, and everyone wakes. */
    add(2, 10, false, 0, 0, 0, now);
    t[2].sleep = -1;
    assert_int_equal(hv_sched_bvt_avt(&t[2].e), svt);
    for (i = 0; i < 3; i++)
        hv_sched_wake(&s, &t[i].e, now);
    for (i = 0; i < 3; i++)
        assert_true(hv_sched_bvt_avt(&t[i].e) >= svt);
    {
        hv_time_t before[3];
        hv_time_t start = now;

        for (i = 0; i < 3; i++)
            before[i] = stats_of(&t[i].e).cpu_time;
        sim_run(&s, t, 3, &now, start + HV_MSEC(300));
        /* Nobody is starved: each gets a third, within a few ctx_allow. */
        for (i = 0; i < 3; i++) {
            hv_time_t got = stats_of(&t[i].e).cpu_time - before[i];

            assert_true(got >= HV_MSEC(90) && got <= HV_MSEC(110));
        }
    }
}

static void test_sleeper_earns_no_credit(void **state)
{
    hv_time_t now = 0;
    hv_time_t before;

    (void)state;
    create(HV_MSEC(5), HV_USEC(100));
    add(0, 10, false, 0, 0, 0, 0);
    add(1, 10, false, 0, 0, 0, 0);
    t[0].sleep = t[1].sleep = -1;
    t[1].wake_at = HV_TIME_MAX; /* t1 sleeps until woken below */
    hv_sched_wake(&s, &t[0].e, 0);
    sim_run(&s, t, 2, &now, HV_SEC(1));
    assert_int_equal(hv_sched_wake(&s, &t[1].e, now), 0);
    assert_int_equal(hv_sched_bvt_avt(&t[1].e), hv_sched_bvt_svt(&s));
    before = stats_of(&t[0].e).cpu_time;
    sim_run(&s, t, 2, &now, HV_SEC(1) + HV_MSEC(200));
    /* t0 keeps about half, it is not shut out for a second. */
    assert_true(stats_of(&t[0].e).cpu_time - before >= HV_MSEC(90));
}

static void test_refusals(void **state)
{
    struct hv_sched_bvt_params ip;
    struct hv_sched_bvt_entity_params p, got;
    static const struct hv_sched_bvt_entity_params bad[] = {
        {0, false, 0, 0, 0},
        {HV_SCHED_BVT_ADVANCE_MAX + 1, false, 0, 0, 0},
        {10, true, -1, 0, 0},
        {10, true, HV_SCHED_BVT_WARP_VALUE_MAX + 1, 0, 0},
        {10, true, 100, -1, 0},
        {10, true, 100, HV_SCHED_BVT_WARP_TIME_MAX + 1, 0},
        {10, true, 100, 0, -1},
        {10, true, 100, 0, HV_SCHED_BVT_WARP_TIME_MAX + 1},
    };
    size_t i;

    (void)state;
    ip.mcu = HV_USEC(100);
    ip.ctx_allow = HV_SCHED_BVT_CTX_ALLOW_MIN - 1;
    assert_int_equal(
        hv_sched_create(&s, &hv_sched_policy_bvt, &ip, sizeof(ip), 0),
        HV_EINVAL);
    ip.ctx_allow = HV_SCHED_BVT_CTX_ALLOW_MAX + 1;
    assert_int_equal(
        hv_sched_create(&s, &hv_sched_policy_bvt, &ip, sizeof(ip), 0),
        HV_EINVAL);
    ip.ctx_allow = HV_MSEC(5);
    ip.mcu = 0;
    assert_int_equal(
        hv_sched_create(&s, &hv_sched_policy_bvt, &ip, sizeof(ip), 0),
        HV_EINVAL);
    ip.mcu = HV_SCHED_BVT_MCU_MAX + 1;
    assert_int_equal(
        hv_sched_create(&s, &hv_sched_policy_bvt, &ip, sizeof(ip), 0),
        HV_EINVAL);

    create(HV_MSEC(5), HV_USEC(100));
    for (i = 0; i < HV_ARRAY_SIZE(bad); i++) {
        assert_int_equal(
            hv_sched_add(&s, &t[0].e, 0, &bad[i], sizeof(bad[i]), 0),
            HV_EINVAL);
        assert_int_equal(hv_sched_entity_state(&t[0].e), HV_SCHED_DETACHED);
    }
    assert_int_equal(hv_sched_add(&s, &t[0].e, 0, &p, sizeof(p) - 1, 0),
                     HV_EINVAL);
    add(0, 10, true, 500, HV_MSEC(1), HV_MSEC(2), 0);
    for (i = 0; i < HV_ARRAY_SIZE(bad); i++)
        assert_int_equal(
            hv_sched_adjust(&s, &t[0].e, &bad[i], sizeof(bad[i]), 0),
            HV_EINVAL);
    assert_int_equal(hv_sched_get_params(&s, &t[0].e, &got, sizeof(got)),
                     HV_OK);
    assert_int_equal(got.mcu_advance, 10);
    assert_int_equal(got.warp_value, 500);
    assert_int_equal(got.warpl, HV_MSEC(1));
    assert_int_equal(got.warpu, HV_MSEC(2));
    p = got;
    p.mcu_advance = 33;
    assert_int_equal(hv_sched_adjust(&s, &t[0].e, &p, sizeof(p), 0), HV_OK);
    assert_int_equal(hv_sched_get_params(&s, &t[0].e, &got, sizeof(got)),
                     HV_OK);
    assert_int_equal(got.mcu_advance, 33);
}

static void test_adjust_changes_share(void **state)
{
    struct hv_sched_bvt_entity_params p = {30, false, 0, 0, 0};
    hv_time_t now = 0;
    hv_time_t a0, b0;

    (void)state;
    create(HV_MSEC(5), HV_USEC(100));
    add(0, 10, false, 0, 0, 0, 0);
    add(1, 10, false, 0, 0, 0, 0);
    t[0].sleep = t[1].sleep = -1;
    hv_sched_wake(&s, &t[0].e, 0);
    hv_sched_wake(&s, &t[1].e, 0);
    sim_run(&s, t, 2, &now, HV_SEC(1));
    assert_int_equal(hv_sched_adjust(&s, &t[1].e, &p, sizeof(p), now), HV_OK);
    a0 = stats_of(&t[0].e).cpu_time;
    b0 = stats_of(&t[1].e).cpu_time;
    sim_run(&s, t, 2, &now, HV_SEC(11));
    /* 1/10 : 1/30 = 3 : 1. */
    {
        double a = (double)(stats_of(&t[0].e).cpu_time - a0);
        double b = (double)(stats_of(&t[1].e).cpu_time - b0);

        assert_true(a / b > 2.97 && a / b < 3.03);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctx_allow_default_alternation),
        cmocka_unit_test(test_shares_follow_weights),
        cmocka_unit_test(test_mcu_charges_started_unit),
        cmocka_unit_test(test_warp_preempts_with_zero_latency),
        cmocka_unit_test(test_warp_limit_and_unwarp_time),
        cmocka_unit_test(test_empty_runqueue_keeps_svt),
        cmocka_unit_test(test_sleeper_earns_no_credit),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_adjust_changes_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
