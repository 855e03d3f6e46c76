/*
 * XSA-221 (Xen, 2017): "NULL pointer deref in event channel poll". A guest
 * named ports that were inside the range Xen accepted but whose storage had
 * never been set up, and Xen followed a NULL bucket pointer.
 *
 * The attacker's steps here: with a few ports live, aim every operation at
 * port 0 (reserved), at ports in range that were never allocated, at ports
 * allocated and closed again (stale), at the first port past the table, at
 * the 2-level limit and at 0xffffffff. Each must be refused with the
 * documented code and leave the port table, the guest-shared words and the
 * guards after them exactly as they were.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evtchn_harness.h"

static const hv_evtchn_port_t bad_ports[] = {
    0,     /* reserved */
    9,     /* never allocated */
    62,    /* never allocated, last word */
    63,    /* last port of the table, never allocated */
    64,    /* first past the table */
    4095,  /* last 2-level port, past this table */
    4096,  /* past the 2-level limit */
    65536, /* past any 16-bit field */
    0x80000000u, 0xffffffffu,
};

struct world {
    struct tdom *a, *b;
    hv_evtchn_port_t live_a, live_b, stale;
};

static void build(struct world *w)
{
    hv_evtchn_port_t tmp;

    w->a = t_new(1, 64, 2);
    w->b = t_new(2, 64, 2);
    assert_int_equal(hv_evtchn_alloc_unbound(&w->b->d, 1, &w->live_b), 0);
    assert_int_equal(
        hv_evtchn_bind_interdomain(&w->a->d, &w->b->d, w->live_b, &w->live_a),
        0);
    assert_int_equal(hv_evtchn_bind_ipi(&w->a->d, 1, &w->stale), 0);
    assert_int_equal(hv_evtchn_bind_virq(&w->a->d, HV_VIRQ_TIMER, 0, &tmp), 0);
    assert_int_equal(hv_evtchn_close(&w->a->d, w->stale), 0);
}

static bool same(const struct tdom *t, const struct tdom *copy)
{
    return memcmp(t->ports, copy->ports, sizeof(t->ports)) == 0 &&
           memcmp(t->vcpus, copy->vcpus, sizeof(t->vcpus)) == 0 &&
           memcmp(t->pending, copy->pending, sizeof(t->pending)) == 0 &&
           memcmp(t->mask, copy->mask, sizeof(t->mask)) == 0 &&
           memcmp(t->sel, copy->sel, sizeof(t->sel)) == 0 &&
           memcmp(t->upcall_pending, copy->upcall_pending,
                  sizeof(t->upcall_pending)) == 0 &&
           memcmp(t->kicks, copy->kicks, sizeof(t->kicks)) == 0 &&
           t->d.ports_in_use == copy->d.ports_in_use && t_guards_intact(t);
}

static void test_every_operation_on_unset_ports(void **state)
{
    struct world w;
    struct tdom *ca = malloc(sizeof(*ca)), *cb = malloc(sizeof(*cb));
    hv_evtchn_port_t out;
    struct hv_evtchn_status st;

    (void)state;
    build(&w);
    /* The attacker also leaves its pending and mask words set. */
    hv_bit_set(w.a->pending, 9);
    hv_bit_set(w.a->mask, 9);
    memcpy(ca, w.a, sizeof(*ca));
    memcpy(cb, w.b, sizeof(*cb));

    for (size_t i = 0; i < HV_ARRAY_SIZE(bad_ports); i++) {
        hv_evtchn_port_t p = bad_ports[i];
        bool in_range = p < 64;

        out = 0xdead;
        assert_int_equal(hv_evtchn_send(&w.a->d, p), HV_EINVAL);
        assert_int_equal(hv_evtchn_close(&w.a->d, p), HV_EINVAL);
        assert_int_equal(hv_evtchn_unmask(&w.a->d, p), HV_EINVAL);
        assert_int_equal(hv_evtchn_bind_vcpu(&w.a->d, p, 1), HV_EINVAL);
        assert_int_equal(hv_evtchn_bind_interdomain(&w.b->d, &w.a->d, p, &out),
                         HV_EINVAL);
        assert_int_equal(out, 0xdead);
        if (in_range) {
            assert_int_equal(hv_evtchn_status(&w.a->d, p, &st), 0);
            assert_int_equal(st.status, HV_EVTCHNSTAT_CLOSED);
        } else {
            assert_int_equal(hv_evtchn_status(&w.a->d, p, &st), HV_EINVAL);
        }
    }
    /* The stale port: closed after use. */
    assert_int_equal(hv_evtchn_send(&w.a->d, w.stale), HV_EINVAL);
    assert_int_equal(hv_evtchn_close(&w.a->d, w.stale), HV_EINVAL);
    assert_int_equal(hv_evtchn_unmask(&w.a->d, w.stale), HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_vcpu(&w.a->d, w.stale, 0), HV_EINVAL);
    /* The hypervisor raising VIRQs nobody bound. */
    assert_int_equal(hv_evtchn_send_virq(&w.a->d, 1, HV_VIRQ_TIMER), HV_ENOENT);
    assert_int_equal(hv_evtchn_send_global_virq(&w.a->d, HV_VIRQ_DOM_EXC),
                     HV_ENOENT);

    assert_true(same(w.a, ca));
    assert_true(same(w.b, cb));
    /* The live channel still works. */
    assert_int_equal(hv_evtchn_send(&w.a->d, w.live_a), 0);
    assert_true(t_pending(w.b, w.live_b));
    free(ca);
    free(cb);
    free(w.a);
    free(w.b);
}

static void test_unset_ports_of_a_dead_peer(void **state)
{
    struct world w;
    hv_evtchn_port_t out = 0xbeef;

    (void)state;
    build(&w);
    /* B dies; A keeps its end (now unbound) and pokes at B's ports. */
    assert_int_equal(hv_evtchn_domain_teardown(&w.b->d), 0);
    assert_int_equal(hv_evtchn_send(&w.a->d, w.live_a), 0); /* dropped */
    assert_int_equal(
        hv_evtchn_bind_interdomain(&w.a->d, &w.b->d, w.live_b, &out), HV_ESRCH);
    assert_int_equal(hv_evtchn_bind_interdomain(&w.a->d, &w.b->d, 4096, &out),
                     HV_EINVAL);
    assert_int_equal(out, 0xbeef);
    assert_false(t_pending(w.b, w.live_b));
    assert_int_equal(w.b->kicks[0] + w.b->kicks[1], 0);
    free(w.a);
    free(w.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_operation_on_unset_ports),
        cmocka_unit_test(test_unset_ports_of_a_dead_peer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
