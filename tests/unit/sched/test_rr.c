/* Round-robin: turn order, slice lengths, yield, block, exact accounting. */
#include "sched_test.h"

#include <hv/sched_rr.h>

static struct hv_sched s;
static struct hv_sched_entity e[4];

static void setup_three(hv_time_t slice)
{
    struct hv_sched_rr_params p = {slice};
    int i;

    memset(e, 0, sizeof(e));
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_rr, &p, sizeof(p), 0),
                     HV_OK);
    for (i = 0; i < 3; i++) {
        assert_int_equal(hv_sched_add(&s, &e[i], (uint32_t)i, NULL, 0, 0),
                         HV_OK);
        assert_int_equal(hv_sched_wake(&s, &e[i], 0), 1); /* idle: pick */
    }
}

static void expect_pick(hv_time_t now, struct hv_sched_entity *who,
                        hv_time_t run_for)
{
    struct hv_sched_decision d;

    assert_int_equal(hv_sched_pick(&s, now, &d), HV_OK);
    assert_ptr_equal(d.entity, who);
    assert_int_equal(d.run_for, run_for);
}

static void test_fifo_rotation_default_slice(void **state)
{
    int round;

    (void)state;
    memset(e, 0, sizeof(e));
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_rr, NULL, 0, 0),
                     HV_OK);
    for (round = 0; round < 3; round++) {
        assert_int_equal(
            hv_sched_add(&s, &e[round], (uint32_t)round, NULL, 0, 0), HV_OK);
        hv_sched_wake(&s, &e[round], 0);
    }
    for (round = 0; round < 4; round++) {
        hv_time_t base = HV_MSEC(30) * round;

        expect_pick(base, &e[0], HV_MSEC(10));
        expect_pick(base + HV_MSEC(10), &e[1], HV_MSEC(10));
        expect_pick(base + HV_MSEC(20), &e[2], HV_MSEC(10));
    }
    expect_pick(HV_MSEC(120), &e[0], HV_MSEC(10));
    for (round = 0; round < 3; round++) {
        const struct hv_sched_stats st = stats_of(&e[round]);

        /* e0 has been running 0 ns of its 5th slice at t=120ms. */
        assert_int_equal(st.cpu_time, HV_MSEC(40));
        assert_int_equal(st.wait_time, HV_MSEC(80));
        assert_int_equal(st.dispatch_count, round == 0 ? 5 : 4);
    }
}

static void test_early_pick_keeps_rest_of_slice(void **state)
{
    (void)state;
    setup_three(HV_MSEC(4));
    expect_pick(0, &e[0], HV_MSEC(4));
    /* An early pick (some other event) leaves e0 its remaining 3 ms. */
    expect_pick(HV_MSEC(1), &e[0], HV_MSEC(3));
    expect_pick(HV_MSEC(4), &e[1], HV_MSEC(4));
}

static void test_wake_goes_to_tail_and_does_not_preempt(void **state)
{
    (void)state;
    setup_three(HV_MSEC(10));
    expect_pick(0, &e[0], HV_MSEC(10));
    assert_int_equal(hv_sched_block(&s, &e[1], HV_MSEC(2)), HV_OK);
    assert_int_equal(hv_sched_wake(&s, &e[1], HV_MSEC(3)), 0);
    /* Order is now e0 (running), e2, e1. */
    expect_pick(HV_MSEC(10), &e[2], HV_MSEC(10));
    expect_pick(HV_MSEC(20), &e[1], HV_MSEC(10));
    expect_pick(HV_MSEC(30), &e[0], HV_MSEC(10));
}

static void test_yield_and_block_running(void **state)
{
    (void)state;
    setup_three(HV_MSEC(10));
    expect_pick(0, &e[0], HV_MSEC(10));
    assert_int_equal(hv_sched_yield(&s, &e[0], HV_MSEC(1)), HV_OK);
    assert_null(hv_sched_current(&s));
    expect_pick(HV_MSEC(1), &e[1], HV_MSEC(10));
    assert_int_equal(hv_sched_block(&s, &e[1], HV_MSEC(3)), HV_OK);
    assert_null(hv_sched_current(&s));
    expect_pick(HV_MSEC(3), &e[2], HV_MSEC(10));
    expect_pick(HV_MSEC(13), &e[0], HV_MSEC(10));
    assert_int_equal(stats_of(&e[1]).cpu_time, HV_MSEC(2));
    assert_int_equal(stats_of(&e[0]).cpu_time, HV_MSEC(1));
    assert_int_equal(stats_of(&e[2]).cpu_time, HV_MSEC(10));
}

static void test_single_and_idle(void **state)
{
    struct hv_sched_decision d;

    (void)state;
    memset(e, 0, sizeof(e));
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_rr, NULL, 0, 100),
                     HV_OK);
    assert_int_equal(hv_sched_pick(&s, 100, &d), HV_OK);
    assert_null(d.entity);
    assert_int_equal(d.run_for, HV_TIME_MAX);
    assert_int_equal(hv_sched_add(&s, &e[0], 7, NULL, 0, 200), HV_OK);
    assert_int_equal(hv_sched_wake(&s, &e[0], 300), 1);
    expect_pick(500, &e[0], HV_MSEC(10));
    expect_pick(500 + HV_MSEC(10), &e[0], HV_MSEC(10));
    assert_int_equal(hv_sched_idle_time(&s), 400);
    assert_int_equal(stats_of(&e[0]).latency_last, 200);
}

static void test_slice_limits(void **state)
{
    struct hv_sched_rr_params p;

    (void)state;
    p.slice = HV_SCHED_RR_SLICE_MIN - 1;
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_rr, &p, sizeof(p), 0),
                     HV_EINVAL);
    p.slice = HV_SCHED_RR_SLICE_MAX + 1;
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_rr, &p, sizeof(p), 0),
                     HV_EINVAL);
    p.slice = 0;
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_rr, &p, sizeof(p), 0),
                     HV_EINVAL);
    p.slice = HV_SCHED_RR_SLICE_MIN;
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_rr, &p, sizeof(p), 0),
                     HV_OK);
    /* rr takes no entity parameters. */
    memset(e, 0, sizeof(e));
    assert_int_equal(hv_sched_add(&s, &e[0], 0, &p, sizeof(p), 0), HV_EINVAL);
    assert_int_equal(hv_sched_entity_state(&e[0]), HV_SCHED_DETACHED);
    assert_int_equal(hv_sched_add(&s, &e[0], 0, NULL, 0, 0), HV_OK);
    assert_int_equal(hv_sched_adjust(&s, &e[0], NULL, 0, 0), HV_EOPNOTSUPP);
}

static void test_accounting_sums(void **state)
{
    hv_time_t t = 0;
    hv_time_t sum = 0;
    int i;

    (void)state;
    setup_three(HV_MSEC(3));
    run_until(&s, &t, HV_MSEC(100));
    assert_int_equal(hv_sched_block(&s, &e[0], t), HV_OK);
    run_until(&s, &t, HV_MSEC(131));
    for (i = 0; i < 3; i++)
        sum += stats_of(&e[i]).cpu_time;
    assert_int_equal(sum + hv_sched_idle_time(&s), HV_MSEC(131));
    assert_int_equal(hv_sched_idle_time(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_rotation_default_slice),
        cmocka_unit_test(test_early_pick_keeps_rest_of_slice),
        cmocka_unit_test(test_wake_goes_to_tail_and_does_not_preempt),
        cmocka_unit_test(test_yield_and_block_running),
        cmocka_unit_test(test_single_and_idle),
        cmocka_unit_test(test_slice_limits),
        cmocka_unit_test(test_accounting_sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
