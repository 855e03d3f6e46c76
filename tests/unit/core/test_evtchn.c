/* Event channels through the core: the hypercall, delivery into
 * shared_info, unblocking, the guest-side poll and VIRQ_TIMER. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hv/core_evtchn.h>

static struct hv_domain *d1, *d2;
static struct hv_vcpu *v1, *v2;

static int setup(void **state)
{
    (void)state;
    harness_boot();
    if (hv_core_evtchn_enable() != HV_OK)
        return -1;
    if (hv_domain_create(21, "ping", &d1) || hv_domain_create(22, "pong", &d2))
        return -1;
    if (hv_vcpu_create(d1, harness_entry, NULL, 8192, NULL, 0, &v1) ||
        hv_vcpu_create(d2, harness_entry, NULL, 8192, NULL, 0, &v2))
        return -1;
    if (hv_core_evtchn_attach(d1) || hv_core_evtchn_attach(d2))
        return -1;
    if (hv_vcpu_kick(v1) || hv_vcpu_kick(v2))
        return -1;
    return 0;
}

static long evtchn_op(struct hv_vcpu *v, unsigned int cmd, void *arg)
{
    const uint64_t args[6] = {cmd, (uintptr_t)arg, 0, 0, 0, 0};

    return hv_hypercall(v, HV_HYPERCALL_event_channel_op, args);
}

static void test_attach_refusals(void **state)
{
    struct hv_domain *d;

    (void)state;
    assert_int_equal(hv_core_evtchn_attach(d1), HV_EEXIST);
    assert_int_equal(hv_core_evtchn_attach(NULL), HV_EINVAL);
    assert_int_equal(hv_domain_create(23, "novcpu", &d), HV_OK);
    assert_int_equal(hv_core_evtchn_attach(d), HV_EINVAL);
    assert_int_equal(hv_domain_destroy(d), HV_OK);
}

static void test_interdomain_delivery(void **state)
{
    struct hv_evtchn_op_alloc_unbound au = {.dom = HV_DOMID_SELF,
                                            .remote_dom = 21};
    struct hv_evtchn_op_bind_interdomain bi;
    struct hv_evtchn_op_port send;
    hv_evtchn_port_t got[4];

    (void)state;
    assert_int_equal(evtchn_op(v2, HV_EVTCHNOP_ALLOC_UNBOUND, &au), HV_OK);
    assert_true(au.port > 0);
    bi.remote_dom = 22;
    bi.remote_port = au.port;
    assert_int_equal(evtchn_op(v1, HV_EVTCHNOP_BIND_INTERDOMAIN, &bi), HV_OK);
    assert_true(bi.local_port > 0);

    /* v2 waits: it is the current vCPU when it blocks */
    hv_schedule();
    for (int i = 0; i < 4 && hv_current() != v2; i++) {
        arch_fake.now += HV_MSEC(10); /* round-robin slice */
        hv_timer_interrupt();
    }
    assert_ptr_equal(hv_current(), v2);
    hv_vcpu_block(v2);
    assert_true(v2->blocked);

    /* v1 sends: v2 becomes runnable and sees exactly that port */
    send.port = bi.local_port;
    assert_int_equal(evtchn_op(v1, HV_EVTCHNOP_SEND, &send), HV_OK);
    assert_false(v2->blocked);
    assert_int_equal(d2->shared_info->vcpu_info[0].evtchn_upcall_pending, 1);
    assert_int_equal(d1->events_sent, 1);
    assert_int_equal(hv_core_evtchn_poll(v2, got, 4), 1);
    assert_int_equal(got[0], au.port);
    assert_int_equal(d2->events_received, 1);
    assert_int_equal(hv_core_evtchn_poll(v2, got, 4), 0);
    assert_int_equal(d2->shared_info->vcpu_info[0].evtchn_upcall_pending, 0);

    /* refusals come back from the library unchanged */
    send.port = HV_CORE_EVTCHN_PORTS + 5;
    assert_int_equal(evtchn_op(v1, HV_EVTCHNOP_SEND, &send), HV_EINVAL);
    assert_int_equal(evtchn_op(v1, HV_EVTCHNOP_SEND, NULL), HV_EFAULT);
    assert_int_equal(evtchn_op(v1, 77, &send), HV_ENOSYS);
    assert_int_equal(d1->events_sent, 1);
}

static void test_virq_timer(void **state)
{
    struct hv_evtchn_op_bind_virq bv = {.virq = HV_VIRQ_TIMER, .vcpu = 0};
    hv_evtchn_port_t got[2];

    (void)state;
    /* As in Xen, binding an interdomain port left it pending in d1. */
    assert_int_equal(hv_core_evtchn_poll(v1, got, 2), 1);
    assert_int_equal(evtchn_op(v1, HV_EVTCHNOP_BIND_VIRQ, &bv), HV_OK);
    hv_vcpu_set_timer(v1, arch_fake.now + HV_MSEC(1));
    arch_fake.now += HV_MSEC(1);
    hv_timer_interrupt();
    assert_int_equal(hv_core_evtchn_poll(v1, got, 2), 1);
    assert_int_equal(got[0], bv.port);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attach_refusals),
        cmocka_unit_test(test_interdomain_delivery),
        cmocka_unit_test(test_virq_timer),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
