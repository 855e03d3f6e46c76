/*
 * libhv-evtchn: the event_channel_op decoder (hv_evtchn_op): Xen argument
 * layouts, DOMID_SELF, the resolver's privilege answers and reference
 * balance, refusal of pirq and of the FIFO ABI, out fields untouched on
 * refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evtchn_harness.h"

static struct tdom *dom[3]; /* domid 0 (privileged), 1, 2 */
static int refs;            /* gets minus puts */
static int gets;

static int r_get(void *ctx, struct hv_evtchn_domain *caller, unsigned int cmd,
                 hv_domid_t id, struct hv_evtchn_domain **out)
{
    (void)ctx;
    gets++;
    assert_int_not_equal(id, HV_DOMID_SELF);
    assert_int_not_equal(id, caller->domid);
    if (id >= 3)
        return HV_ESRCH;
    if (caller->domid != 0 && cmd != HV_EVTCHNOP_BIND_INTERDOMAIN)
        return HV_EPERM;
    refs++;
    *out = &dom[id]->d;
    return 0;
}

static void r_put(void *ctx, struct hv_evtchn_domain *d)
{
    (void)ctx;
    (void)d;
    refs--;
}

static const struct hv_evtchn_resolver R = {r_get, r_put, NULL};

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        dom[i] = t_new((hv_domid_t)i, 64, 2);
    refs = 0;
    gets = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(refs, 0);
    for (int i = 0; i < 3; i++)
        free(dom[i]);
    return 0;
}

static void test_connect_send_close(void **state)
{
    struct hv_evtchn_op_alloc_unbound au = {HV_DOMID_SELF, 2, 0xaaaa};
    struct hv_evtchn_op_bind_interdomain bi = {1, 0, 0xbbbb};
    struct hv_evtchn_op_port pp;
    struct hv_evtchn_op_status st = {HV_DOMID_SELF, 0, {0, 0, {{0}}}};

    (void)state;
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_ALLOC_UNBOUND, &au, &R), 0);
    assert_int_equal(au.port, 1);
    bi.remote_port = au.port;
    assert_int_equal(
        hv_evtchn_op(&dom[2]->d, HV_EVTCHNOP_BIND_INTERDOMAIN, &bi, &R), 0);
    assert_int_equal(bi.local_port, 1);
    assert_int_equal(gets, 1);
    pp.port = bi.local_port;
    t_guest_clear_all(dom[2]);
    assert_int_equal(hv_evtchn_op(&dom[2]->d, HV_EVTCHNOP_SEND, &pp, &R), 0);
    assert_true(t_pending(dom[1], au.port));
    st.port = au.port;
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_STATUS, &st, &R), 0);
    assert_int_equal(st.st.status, HV_EVTCHNSTAT_INTERDOMAIN);
    assert_int_equal(st.st.u.interdomain.dom, 2);
    assert_int_equal(st.st.u.interdomain.port, bi.local_port);
    /* dom0 may look at domain 1's port; domain 2 may not. */
    st.dom = 1;
    assert_int_equal(hv_evtchn_op(&dom[0]->d, HV_EVTCHNOP_STATUS, &st, &R), 0);
    memset(&st.st, 0x55, sizeof(st.st));
    assert_int_equal(hv_evtchn_op(&dom[2]->d, HV_EVTCHNOP_STATUS, &st, &R),
                     HV_EPERM);
    assert_int_equal(st.st.status, 0x55555555u);
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_UNMASK, &pp, &R), 0);
    assert_int_equal(hv_evtchn_op(&dom[2]->d, HV_EVTCHNOP_CLOSE, &pp, &R), 0);
    assert_int_equal(hv_evtchn_op(&dom[2]->d, HV_EVTCHNOP_CLOSE, &pp, &R),
                     HV_EINVAL);
}

static void test_self_and_foreign_ids(void **state)
{
    struct hv_evtchn_op_alloc_unbound au = {HV_DOMID_SELF, HV_DOMID_SELF, 7};
    struct hv_evtchn_op_bind_interdomain bi = {HV_DOMID_SELF, 0, 9};
    struct hv_evtchn_op_reset rs = {2};
    struct hv_evtchn_status st;

    (void)state;
    /* remote DOMID_SELF means "me": loopback. */
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_ALLOC_UNBOUND, &au, &R), 0);
    assert_int_equal(hv_evtchn_status(&dom[1]->d, au.port, &st), 0);
    assert_int_equal(st.u.unbound.dom, 1);
    bi.remote_port = au.port;
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_INTERDOMAIN, &bi, &R), 0);
    assert_int_equal(gets, 0); /* DOMID_SELF never reaches the resolver */
    /* Unprivileged: allocating in / resetting another domain. */
    au.dom = 2;
    au.port = 7;
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_ALLOC_UNBOUND, &au, &R), HV_EPERM);
    assert_int_equal(au.port, 7);
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_RESET, &rs, &R),
                     HV_EPERM);
    /* Unknown domain. */
    bi.remote_dom = 77;
    bi.local_port = 9;
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_INTERDOMAIN, &bi, &R),
        HV_ESRCH);
    assert_int_equal(bi.local_port, 9);
    /* No resolver: only self. */
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_INTERDOMAIN, &bi, NULL),
        HV_ESRCH);
    /* Privileged reset of domain 1 closes its ports. */
    rs.dom = 1;
    assert_int_equal(hv_evtchn_op(&dom[0]->d, HV_EVTCHNOP_RESET, &rs, &R), 0);
    assert_int_equal(hv_evtchn_ports_in_use(&dom[1]->d), 0);
    rs.dom = HV_DOMID_SELF;
    assert_int_equal(hv_evtchn_op(&dom[2]->d, HV_EVTCHNOP_RESET, &rs, &R), 0);
}

static void test_virq_ipi_vcpu(void **state)
{
    struct hv_evtchn_op_bind_virq bv = {HV_VIRQ_TIMER, 1, 0};
    struct hv_evtchn_op_bind_ipi bp = {1, 0};
    struct hv_evtchn_op_bind_vcpu bc = {0, 1};

    (void)state;
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_VIRQ, &bv, &R),
                     0);
    assert_int_equal(hv_evtchn_send_virq(&dom[1]->d, 1, HV_VIRQ_TIMER), 0);
    assert_true(t_pending(dom[1], bv.port));
    bv.port = 33;
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_VIRQ, &bv, &R),
                     HV_EEXIST);
    assert_int_equal(bv.port, 33);
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_IPI, &bp, &R),
                     0);
    bc.port = bp.port;
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_VCPU, &bc, &R),
                     HV_EINVAL); /* IPIs do not move */
    bp.vcpu = 9;
    bp.port = 44;
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_IPI, &bp, &R),
                     HV_ENOENT);
    assert_int_equal(bp.port, 44);
}

static void test_refused_commands(void **state)
{
    struct hv_evtchn_op_bind_pirq pq = {3, 0, 55};
    uint64_t junk[4] = {0};
    unsigned int in_use = hv_evtchn_ports_in_use(&dom[1]->d);

    (void)state;
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_BIND_PIRQ, &pq, &R),
                     HV_EPERM);
    assert_int_equal(pq.port, 55);
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_INIT_CONTROL, junk, &R),
        HV_ENOSYS);
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_EXPAND_ARRAY, junk, &R),
        HV_ENOSYS);
    assert_int_equal(
        hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_SET_PRIORITY, junk, &R),
        HV_ENOSYS);
    assert_int_equal(hv_evtchn_op(&dom[1]->d, 14, junk, &R), HV_ENOSYS);
    assert_int_equal(hv_evtchn_op(&dom[1]->d, 0xffffffffu, junk, &R),
                     HV_ENOSYS);
    assert_int_equal(hv_evtchn_op(&dom[1]->d, HV_EVTCHNOP_SEND, NULL, &R),
                     HV_EFAULT);
    assert_int_equal(hv_evtchn_op(NULL, HV_EVTCHNOP_SEND, junk, &R), HV_EINVAL);
    assert_int_equal(hv_evtchn_ports_in_use(&dom[1]->d), in_use);
    for (size_t i = 0; i < HV_ARRAY_SIZE(junk); i++)
        assert_int_equal(junk[i], 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_connect_send_close),
        T(test_self_and_foreign_ids),
        T(test_virq_ipi_vcpu),
        T(test_refused_commands),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
