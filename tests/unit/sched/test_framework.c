/*
 * The framework's contract, policy-independent: argument and state
 * refusals (each leaving instance and entity byte-for-byte unchanged),
 * the clock, remove/re-add, latency samples, dump, destroy.
 */
#include "sched_test.h"

#include <hv/sched_bvt.h>
#include <hv/sched_impl.h>
#include <hv/sched_rr.h>
#include <hv/sched_sedf.h>

static struct hv_sched s, s2;
static struct hv_sched_entity a, b, c;
static struct hv_sched snap_s;
static struct hv_sched_entity snap_a, snap_b;

static void snapshot(void)
{
    snap_s = s;
    snap_a = a;
    snap_b = b;
}

static void assert_unchanged(void)
{
    assert_memory_equal(&s, &snap_s, sizeof(s));
    assert_memory_equal(&a, &snap_a, sizeof(a));
    assert_memory_equal(&b, &snap_b, sizeof(b));
}

static int setup(void **state)
{
    (void)state;
    memset(&s, 0, sizeof(s));
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&c, 0, sizeof(c));
    assert_int_equal(hv_sched_create(&s, &hv_sched_policy_rr, NULL, 0, 1000),
                     HV_OK);
    assert_int_equal(hv_sched_add(&s, &a, 1, NULL, 0, 1000), HV_OK);
    assert_int_equal(hv_sched_add(&s, &b, 2, NULL, 0, 1000), HV_OK);
    return 0;
}

static void test_create_refusals(void **state)
{
    struct hv_sched_rr_params p = {HV_MSEC(1)};
    struct hv_sched_policy big = hv_sched_policy_rr;
    struct hv_sched_policy incomplete = hv_sched_policy_rr;
    struct hv_sched t;

    (void)state;
    assert_int_equal(hv_sched_create(NULL, &hv_sched_policy_rr, NULL, 0, 0),
                     HV_EINVAL);
    assert_int_equal(hv_sched_create(&t, NULL, NULL, 0, 0), HV_EINVAL);
    assert_int_equal(hv_sched_create(&t, &hv_sched_policy_rr, NULL, 0, -1),
                     HV_EINVAL);
    assert_int_equal(
        hv_sched_create(&t, &hv_sched_policy_rr, NULL, 0, HV_SCHED_NOW_MAX + 1),
        HV_EINVAL);
    assert_int_equal(hv_sched_create(&t, &hv_sched_policy_rr, &p, 4, 0),
                     HV_EINVAL);
    assert_int_equal(hv_sched_create(&t, &hv_sched_policy_rr, NULL, 8, 0),
                     HV_EINVAL);
    big.entity_priv_size = sizeof(a.priv) + 1;
    assert_int_equal(hv_sched_create(&t, &big, NULL, 0, 0), HV_EINVAL);
    big = hv_sched_policy_rr;
    big.instance_priv_size = sizeof(s.priv) + 1;
    assert_int_equal(hv_sched_create(&t, &big, NULL, 0, 0), HV_EINVAL);
    incomplete.pick = NULL;
    assert_int_equal(hv_sched_create(&t, &incomplete, NULL, 0, 0), HV_EINVAL);
    /* A refused create leaves an unusable instance, not a half one. */
    p.slice = 1;
    assert_int_equal(hv_sched_create(&t, &hv_sched_policy_rr, &p, sizeof(p), 0),
                     HV_EINVAL);
    assert_int_equal(hv_sched_add(&t, &c, 3, NULL, 0, 0), HV_EINVAL);
    assert_string_equal(hv_sched_policy_name(&t), "(none)");
    assert_int_equal(hv_sched_create(&t, &hv_sched_policy_rr, NULL, 0, 0),
                     HV_OK);
    assert_string_equal(hv_sched_policy_name(&t), "rr");
}

static void test_add_refusals(void **state)
{
    struct hv_sched_bvt_entity_params bp = {0};

    (void)state;
    snapshot();
    assert_int_equal(hv_sched_add(&s, NULL, 3, NULL, 0, 1000), HV_EINVAL);
    assert_int_equal(hv_sched_add(NULL, &c, 3, NULL, 0, 1000), HV_EINVAL);
    assert_int_equal(hv_sched_add(&s, &a, 3, NULL, 0, 1000), HV_EEXIST);
    assert_int_equal(hv_sched_add(&s, &c, 3, &bp, sizeof(bp), 1000), HV_EINVAL);
    assert_int_equal(hv_sched_add(&s, &c, 3, NULL, 0, 999), HV_ERANGE);
    assert_unchanged();
    assert_int_equal(hv_sched_entity_state(&c), HV_SCHED_DETACHED);

    /* An entity attached to another instance is refused there. */
    assert_int_equal(hv_sched_create(&s2, &hv_sched_policy_rr, NULL, 0, 0),
                     HV_OK);
    assert_int_equal(hv_sched_add(&s2, &a, 9, NULL, 0, 5000), HV_EEXIST);
    assert_int_equal(hv_sched_wake(&s2, &a, 5000), HV_ENOENT);
    assert_int_equal(hv_sched_block(&s2, &a, 5000), HV_ENOENT);
    assert_int_equal(hv_sched_remove(&s2, &a, 5000), HV_ENOENT);
    assert_int_equal(hv_sched_yield(&s2, &a, 5000), HV_ENOENT);
    assert_int_equal(hv_sched_adjust(&s2, &a, NULL, 0, 5000), HV_ENOENT);
    assert_unchanged();
}

static void test_params_refusals(void **state)
{
    struct hv_sched_bvt_entity_params p = {0}, got;
    struct hv_sched t;
    struct hv_sched_entity x, y;

    (void)state;
    memset(&x, 0, sizeof(x));
    memset(&y, 0, sizeof(y));
    assert_int_equal(hv_sched_create(&t, &hv_sched_policy_bvt, NULL, 0, 0),
                     HV_OK);
    assert_int_equal(hv_sched_add(&t, &x, 1, NULL, 0, 0), HV_OK);
    assert_int_equal(hv_sched_get_params(&t, &x, &got, sizeof(got) - 1),
                     HV_EINVAL);
    assert_int_equal(hv_sched_get_params(&t, &x, NULL, sizeof(got)), HV_EINVAL);
    assert_int_equal(hv_sched_get_params(&t, &y, &got, sizeof(got)), HV_ENOENT);
    assert_int_equal(hv_sched_get_params(&s, &x, &got, sizeof(got)), HV_ENOENT);
    assert_int_equal(hv_sched_get_params(&t, &x, &got, sizeof(got)), HV_OK);
    assert_int_equal(got.mcu_advance, HV_SCHED_BVT_ADVANCE_DEFAULT);
    /* adjust: wrong size, NULL with a size, bad values: nothing changes. */
    p.mcu_advance = 20;
    assert_int_equal(hv_sched_adjust(&t, &x, &p, sizeof(p) + 1, 0), HV_EINVAL);
    assert_int_equal(hv_sched_adjust(&t, &x, NULL, sizeof(p), 0), HV_EINVAL);
    p.mcu_advance = 0;
    assert_int_equal(hv_sched_adjust(&t, &x, &p, sizeof(p), 0), HV_EINVAL);
    assert_int_equal(hv_sched_get_params(&t, &x, &got, sizeof(got)), HV_OK);
    assert_int_equal(got.mcu_advance, HV_SCHED_BVT_ADVANCE_DEFAULT);
    assert_int_equal(hv_sched_adjust(&t, &x, &p, sizeof(p), 0), HV_EINVAL);
    assert_int_equal(hv_sched_adjust(&t, &x, NULL, 0, 0), HV_OK);
}

static void test_state_refusals(void **state)
{
    struct hv_sched_decision d;

    (void)state;
    snapshot();
    assert_int_equal(hv_sched_block(&s, &a, 1000), HV_EBUSY);
    assert_int_equal(hv_sched_yield(&s, &a, 1000), HV_EBUSY);
    assert_int_equal(hv_sched_wake(&s, &c, 1000), HV_ENOENT);
    assert_int_equal(hv_sched_wake(&s, NULL, 1000), HV_EINVAL);
    assert_int_equal(hv_sched_pick(&s, 1000, NULL), HV_EINVAL);
    assert_int_equal(hv_sched_pick(NULL, 1000, &d), HV_EINVAL);
    assert_unchanged();

    assert_int_equal(hv_sched_wake(&s, &a, 2000), 1);
    snapshot();
    assert_int_equal(hv_sched_wake(&s, &a, 2000), HV_EBUSY);
    assert_int_equal(hv_sched_yield(&s, &a, 2000), HV_EBUSY); /* not running */
    assert_int_equal(hv_sched_wake(&s, &b, 1999), HV_ERANGE);
    assert_int_equal(hv_sched_pick(&s, 1999, &d), HV_ERANGE);
    assert_int_equal(hv_sched_block(&s, &a, 1999), HV_ERANGE);
    assert_int_equal(hv_sched_remove(&s, &a, 1999), HV_ERANGE);
    assert_int_equal(hv_sched_pick(&s, HV_SCHED_NOW_MAX + 1, &d), HV_ERANGE);
    assert_int_equal(hv_sched_wake(&s, &b, HV_TIME_MAX), HV_ERANGE);
    assert_unchanged();
    /* The limit itself is a valid time. */
    assert_int_equal(hv_sched_pick(&s, HV_SCHED_NOW_MAX, &d), HV_OK);
    assert_ptr_equal(d.entity, &a);
    assert_int_equal(hv_sched_get_params(&s, &a, &d, sizeof(d)), HV_EINVAL);
}

static void test_latency_and_states(void **state)
{
    struct hv_sched_decision d;
    struct hv_sched_stats st;

    (void)state;
    assert_int_equal(hv_sched_wake(&s, &a, 2000), 1);
    assert_int_equal(hv_sched_entity_state(&a), HV_SCHED_RUNNABLE);
    assert_int_equal(hv_sched_runnable_count(&s), 1);
    assert_int_equal(hv_sched_pick(&s, 2500, &d), HV_OK);
    assert_ptr_equal(d.entity, &a);
    assert_int_equal(hv_sched_entity_state(&a), HV_SCHED_RUNNING);
    assert_int_equal(hv_sched_wake(&s, &b, 3000), 0);
    assert_int_equal(hv_sched_yield(&s, &a, 4000), HV_OK);
    assert_int_equal(hv_sched_pick(&s, 4700, &d), HV_OK);
    assert_ptr_equal(d.entity, &b);
    st = stats_of(&a);
    assert_int_equal(st.latency_count, 1);
    assert_int_equal(st.latency_last, 500);
    assert_int_equal(st.cpu_time, 1500);
    assert_int_equal(st.wait_time, 500 + 700);
    assert_int_equal(st.blocked_time, 1000);
    st = stats_of(&b);
    assert_int_equal(st.latency_last, 1700);
    assert_int_equal(st.latency_max, 1700);
    assert_int_equal(st.wake_count, 1);
    /* The 700 ns between yield and pick were idle. */
    assert_int_equal(hv_sched_idle_time(&s), 1500 + 700);
}

static void test_remove_running_and_readd(void **state)
{
    struct hv_sched_decision d;
    struct hv_sched_stats st;

    (void)state;
    hv_sched_wake(&s, &a, 1000);
    hv_sched_pick(&s, 1000, &d);
    assert_ptr_equal(d.entity, &a);
    assert_int_equal(hv_sched_remove(&s, &a, 3000), HV_OK);
    assert_null(hv_sched_current(&s));
    assert_int_equal(hv_sched_entity_state(&a), HV_SCHED_DETACHED);
    assert_int_equal(hv_sched_get_stats(NULL, &a, &st), HV_OK);
    assert_int_equal(st.cpu_time, 2000);
    assert_int_equal(hv_sched_remove(&s, &a, 3000), HV_ENOENT);
    assert_int_equal(hv_sched_wake(&s, &a, 3000), HV_ENOENT);
    assert_int_equal(hv_sched_get_stats(&s, &b, NULL), HV_EINVAL);
    /* Re-adding starts fresh, on another instance too. */
    assert_int_equal(hv_sched_create(&s2, &hv_sched_policy_rr, NULL, 0, 0),
                     HV_OK);
    assert_int_equal(hv_sched_add(&s2, &a, 1, NULL, 0, 0), HV_OK);
    assert_int_equal(stats_of(&a).cpu_time, 0);
    assert_int_equal(hv_sched_get_stats(&s, &a, &st), HV_ENOENT);
}

static void test_destroy(void **state)
{
    (void)state;
    assert_int_equal(hv_sched_destroy(&s), HV_EBUSY);
    assert_int_equal(hv_sched_remove(&s, &a, 1000), HV_OK);
    assert_int_equal(hv_sched_destroy(&s), HV_EBUSY);
    assert_int_equal(hv_sched_remove(&s, &b, 1000), HV_OK);
    assert_int_equal(hv_sched_destroy(&s), HV_OK);
    assert_int_equal(hv_sched_destroy(&s), HV_EINVAL);
    assert_int_equal(hv_sched_destroy(NULL), HV_EINVAL);
    assert_int_equal(hv_sched_add(&s, &a, 1, NULL, 0, 1000), HV_EINVAL);
}

static void test_dump(void **state)
{
    char buf[1024];
    char small[16];
    struct hv_sched_decision d;
    int len;

    (void)state;
    hv_sched_wake(&s, &a, 1000);
    hv_sched_pick(&s, 1500, &d);
    len = hv_sched_dump(&s, buf, sizeof(buf));
    assert_true(len > 0 && (size_t)len < sizeof(buf));
    assert_int_equal((size_t)len, strlen(buf));
    assert_non_null(strstr(buf, "sched policy=rr now=1500 entities=2 "
                                "runnable=1 current=1 idle=500"));
    assert_non_null(strstr(buf, "  entity 1 running cpu=0 wait=500"));
    assert_non_null(strstr(buf, "  entity 2 blocked cpu=0 wait=0"));
    assert_non_null(strstr(buf, " left=10000000\n"));
    /* snprintf contract: same length when truncated or counted only. */
    assert_int_equal(hv_sched_dump(&s, small, sizeof(small)), len);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_int_equal(memcmp(small, buf, sizeof(small) - 1), 0);
    assert_int_equal(hv_sched_dump(&s, NULL, 0), len);
    assert_int_equal(hv_sched_dump(&s, NULL, 5), HV_EINVAL);
    assert_int_equal(hv_sched_dump(NULL, buf, sizeof(buf)), HV_EINVAL);
}

static void test_dump_other_policies(void **state)
{
    struct hv_sched t;
    struct hv_sched_entity x;
    struct hv_sched_sedf_entity_params sp = {HV_MSEC(10), HV_MSEC(2), 0, true,
                                             3};
    char buf[1024];

    (void)state;
    memset(&x, 0, sizeof(x));
    assert_int_equal(hv_sched_create(&t, &hv_sched_policy_sedf, NULL, 0, 0),
                     HV_OK);
    assert_int_equal(hv_sched_add(&t, &x, 42, &sp, sizeof(sp), 0), HV_OK);
    hv_sched_dump(&t, buf, sizeof(buf));
    assert_non_null(strstr(buf, "util_ppb=200000000"));
    assert_non_null(strstr(buf, "entity 42 blocked"));
    assert_non_null(strstr(buf, "period=10000000 slice=2000000"));
    assert_int_equal(hv_sched_remove(&t, &x, 0), HV_OK);

    assert_int_equal(hv_sched_create(&t, &hv_sched_policy_bvt, NULL, 0, 0),
                     HV_OK);
    assert_int_equal(hv_sched_add(&t, &x, 43, NULL, 0, 0), HV_OK);
    hv_sched_dump(&t, buf, sizeof(buf));
    assert_non_null(strstr(buf, "svt=0 ctx_allow=5000000 mcu=100000"));
    assert_non_null(strstr(buf, "entity 43 blocked"));
    assert_non_null(strstr(buf, "adv=10"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_refusals),
        cmocka_unit_test_setup(test_add_refusals, setup),
        cmocka_unit_test_setup(test_state_refusals, setup),
        cmocka_unit_test_setup(test_latency_and_states, setup),
        cmocka_unit_test_setup(test_remove_running_and_readd, setup),
        cmocka_unit_test_setup(test_destroy, setup),
        cmocka_unit_test_setup(test_dump, setup),
        cmocka_unit_test(test_dump_other_policies),
        cmocka_unit_test_setup(test_params_refusals, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
