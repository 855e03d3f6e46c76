/*
 * libhv-evtchn: the port table (init, alloc_unbound, bind_interdomain,
 * close, status, unmask refusals, reset, teardown). Every success path and
 * every refusal with its exact code and the proof that nothing changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evtchn_fixture.h"

/* ---- init ---- */

static void test_init_refusals(void **state)
{
    struct tdom *t = malloc(sizeof(*t));
    struct hv_evtchn_domain_config cfg;
    struct hv_evtchn_domain before;

    (void)state;
    assert_int_equal(t_init(t, 7, 64, 2), 0);
    memset(&before, 0x5a, sizeof(before));
    t->d = before;
    t_config(t, 7, 64, 2, &cfg);

    assert_int_equal(hv_evtchn_domain_init(NULL, &cfg), HV_EINVAL);
    assert_int_equal(hv_evtchn_domain_init(&t->d, NULL), HV_EINVAL);
    cfg.port_count = 1;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    cfg.port_count = HV_EVTCHN_2L_MAX_PORTS + 1;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    cfg.port_count = 64;
    cfg.vcpu_count = 0;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    cfg.vcpu_count = HV_MAX_VCPUS_PER_DOMAIN + 1;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    cfg.vcpu_count = 2;
    cfg.pending = NULL;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    cfg.pending = t->pending;
    cfg.mask = NULL;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    cfg.mask = t->mask;
    cfg.ports = NULL;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    cfg.ports = t->ports;
    cfg.vcpus = NULL;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    cfg.vcpus = t->vcpus;
    t->sh[1].upcall_mask = NULL;
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), HV_EINVAL);
    assert_memory_equal(&t->d, &before, sizeof(before));
    free(t);
}

static void test_init_clears_only_its_ports(void **state)
{
    struct tdom *t = malloc(sizeof(*t));
    struct hv_evtchn_domain_config cfg;

    (void)state;
    memset(t, 0, sizeof(*t));
    memset(t->pending, 0xff, sizeof(t->pending));
    memset(t->mask, 0xff, sizeof(t->mask));
    t_config(t, 9, 100, 1, &cfg);
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), 0);
    for (unsigned int p = 0; p < 100; p++) {
        assert_false(hv_bit_test(t->pending, p));
        assert_true(hv_bit_test(t->mask, p)); /* the guest's business */
    }
    for (unsigned int p = 100; p < 128; p++)
        assert_true(hv_bit_test(t->pending, p)); /* beyond the table */
    assert_int_equal(hv_evtchn_ports_in_use(&t->d), 0);
    check_status(t, 0, HV_EVTCHNSTAT_CLOSED, 0);
    free(t);
}

/* ---- alloc_unbound ---- */

static void test_alloc_unbound(void **state)
{
    hv_evtchn_port_t p1 = 0, p2 = 0;
    struct hv_evtchn_status st;

    (void)state;
    assert_int_equal(hv_evtchn_alloc_unbound(&A->d, 2, &p1), 0);
    assert_int_equal(hv_evtchn_alloc_unbound(&A->d, 1, &p2), 0);
    assert_int_equal(p1, 1); /* port 0 is never handed out */
    assert_int_equal(p2, 2);
    assert_int_equal(hv_evtchn_status(&A->d, p1, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_UNBOUND);
    assert_int_equal(st.u.unbound.dom, 2);
    assert_int_equal(hv_evtchn_ports_in_use(&A->d), 2);
    assert_int_equal(hv_evtchn_alloc_unbound(&A->d, 2, NULL), HV_EINVAL);
    assert_int_equal(hv_evtchn_alloc_unbound(NULL, 2, &p1), HV_EINVAL);
}

static void test_alloc_until_full(void **state)
{
    struct tdom *t = t_new(5, 8, 1);
    hv_evtchn_port_t p, keep = 77;
    struct snap s;

    (void)state;
    for (hv_evtchn_port_t want = 1; want < 8; want++) {
        assert_int_equal(hv_evtchn_alloc_unbound(&t->d, 0, &p), 0);
        assert_int_equal(p, want);
    }
    take_snap(t, &s);
    p = keep;
    assert_int_equal(hv_evtchn_alloc_unbound(&t->d, 0, &p), HV_ENOSPC);
    assert_int_equal(hv_evtchn_bind_ipi(&t->d, 0, &p), HV_ENOSPC);
    assert_int_equal(hv_evtchn_bind_virq(&t->d, HV_VIRQ_TIMER, 0, &p),
                     HV_ENOSPC);
    assert_int_equal(p, keep);
    assert_unchanged(t, &s);
    /* A freed port is the next one handed out. */
    assert_int_equal(hv_evtchn_close(&t->d, 4), 0);
    assert_int_equal(hv_evtchn_bind_ipi(&t->d, 0, &p), 0);
    assert_int_equal(p, 4);
    free(t);
}

/* ---- bind_interdomain ---- */

static void test_bind_interdomain(void **state)
{
    hv_evtchn_port_t lp = 0, rp = 0;
    struct hv_evtchn_status st;

    (void)state;
    connect(A, B, &lp, &rp);
    assert_int_equal(hv_evtchn_status(&A->d, lp, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_INTERDOMAIN);
    assert_int_equal(st.u.interdomain.dom, 2);
    assert_int_equal(st.u.interdomain.port, rp);
    assert_int_equal(hv_evtchn_status(&B->d, rp, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_INTERDOMAIN);
    assert_int_equal(st.u.interdomain.dom, 1);
    assert_int_equal(st.u.interdomain.port, lp);
    /* Xen's conservative notification of the new local port. */
    assert_true(t_pending(A, lp));
    assert_int_equal(A->kicks[0], 1);
    assert_ptr_equal(A->kicked_dom, &A->d);
    assert_false(t_pending(B, rp));
    assert_int_equal(B->kicks[0], 0);
}

static void test_bind_interdomain_refusals(void **state)
{
    hv_evtchn_port_t lp = 99, rp, other, bound_l, bound_r;
    struct snap sa, sb;

    (void)state;
    assert_int_equal(hv_evtchn_alloc_unbound(&B->d, 3, &other), 0);
    connect(A, B, &bound_l, &bound_r);
    take_snap(A, &sa);
    take_snap(B, &sb);

    /* Out of range, closed, port 0. */
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, 64, &lp),
                     HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, 0xffffffffu, &lp),
                     HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, 40, &lp),
                     HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, 0, &lp),
                     HV_EINVAL);
    /* Unbound, but for domain 3, not us. */
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, other, &lp),
                     HV_EINVAL);
    /* Double bind: the port is already connected. */
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, bound_r, &lp),
                     HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_interdomain(&C->d, &B->d, bound_r, &lp),
                     HV_EINVAL);
    /* Not an unbound port at all (our own bound end). */
    assert_int_equal(hv_evtchn_bind_interdomain(&B->d, &A->d, bound_l, &lp),
                     HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, bound_r, NULL),
                     HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_interdomain(NULL, &B->d, bound_r, &lp),
                     HV_EINVAL);
    assert_int_equal(lp, 99);
    assert_unchanged(A, &sa);
    assert_unchanged(B, &sb);

    /* The right domain can still bind `other`. */
    assert_int_equal(hv_evtchn_bind_interdomain(&C->d, &B->d, other, &rp), 0);
}

static void test_bind_interdomain_local_full(void **state)
{
    struct tdom *l = t_new(8, 2, 1); /* one usable port */
    hv_evtchn_port_t p, rp, lp = 5;
    struct snap sl, sb;

    (void)state;
    assert_int_equal(hv_evtchn_alloc_unbound(&l->d, 0, &p), 0);
    assert_int_equal(hv_evtchn_alloc_unbound(&B->d, 8, &rp), 0);
    take_snap(l, &sl);
    take_snap(B, &sb);
    assert_int_equal(hv_evtchn_bind_interdomain(&l->d, &B->d, rp, &lp),
                     HV_ENOSPC);
    assert_int_equal(lp, 5);
    assert_unchanged(l, &sl);
    assert_unchanged(B, &sb);
    free(l);
}

static void test_loopback(void **state)
{
    hv_evtchn_port_t a, b;
    struct hv_evtchn_status st;

    (void)state;
    assert_int_equal(hv_evtchn_alloc_unbound(&A->d, 1, &a), 0);
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &A->d, a, &b), 0);
    assert_int_not_equal(a, b);
    t_guest_clear_all(A);
    assert_int_equal(hv_evtchn_send(&A->d, b), 0);
    assert_true(t_pending(A, a));
    assert_false(t_pending(A, b));
    assert_int_equal(hv_evtchn_close(&A->d, a), 0);
    assert_int_equal(hv_evtchn_status(&A->d, b, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_UNBOUND);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_int_equal(hv_evtchn_close(&A->d, b), 0);
    assert_int_equal(hv_evtchn_ports_in_use(&A->d), 0);
}

/* ---- close ---- */

static void test_close_interdomain(void **state)
{
    hv_evtchn_port_t lp, rp, again;
    struct hv_evtchn_status st;

    (void)state;
    connect(A, B, &lp, &rp);
    assert_int_equal(hv_evtchn_bind_vcpu(&B->d, rp, 1), 0);
    assert_int_equal(hv_evtchn_send(&A->d, lp), 0);
    assert_true(t_pending(B, rp));
    /* Close A's end: B's end waits for A again, same vCPU, still pending. */
    assert_int_equal(hv_evtchn_close(&A->d, lp), 0);
    check_status(A, lp, HV_EVTCHNSTAT_CLOSED, 0);
    assert_int_equal(hv_evtchn_status(&B->d, rp, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_UNBOUND);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_int_equal(st.vcpu, 1);
    assert_int_equal(hv_evtchn_ports_in_use(&A->d), 0);
    assert_int_equal(hv_evtchn_ports_in_use(&B->d), 1);
    /* Closing twice is refused. */
    assert_int_equal(hv_evtchn_close(&A->d, lp), HV_EINVAL);
    /* A can connect again; B's send reaches it. */
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, rp, &again), 0);
    t_guest_clear_all(A);
    assert_int_equal(hv_evtchn_send(&B->d, rp), 0);
    assert_true(t_pending(A, again));
    /* Closing a pending port clears its bit. */
    assert_int_equal(hv_evtchn_close(&A->d, again), 0);
    assert_false(t_pending(A, again));
    assert_int_equal(hv_evtchn_close(&B->d, rp), 0);
    assert_int_equal(hv_evtchn_close(&B->d, rp), HV_EINVAL);
    assert_int_equal(hv_evtchn_ports_in_use(&B->d), 0);
}

static void test_close_refusals(void **state)
{
    struct snap s;
    hv_evtchn_port_t p;

    (void)state;
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 0, &p), 0);
    take_snap(A, &s);
    assert_int_equal(hv_evtchn_close(&A->d, 0), HV_EINVAL);
    assert_int_equal(hv_evtchn_close(&A->d, p + 1), HV_EINVAL);
    assert_int_equal(hv_evtchn_close(&A->d, 64), HV_EINVAL);
    assert_int_equal(hv_evtchn_close(&A->d, 0xffffffffu), HV_EINVAL);
    assert_int_equal(hv_evtchn_close(NULL, p), HV_EINVAL);
    assert_unchanged(A, &s);
}

/* ---- status, unmask ---- */

static void test_status_and_unmask_refusals(void **state)
{
    struct hv_evtchn_status st;
    struct snap s;

    (void)state;
    memset(&st, 0x77, sizeof(st));
    assert_int_equal(hv_evtchn_status(&A->d, 5, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_CLOSED);
    assert_int_equal(st.vcpu, 0);
    assert_int_equal(st.u.interdomain.dom, 0);
    assert_int_equal(st.u.interdomain.port, 0);
    assert_int_equal(hv_evtchn_status(&A->d, 64, &st), HV_EINVAL);
    assert_int_equal(hv_evtchn_status(&A->d, 1, NULL), HV_EINVAL);
    assert_int_equal(hv_evtchn_status(NULL, 1, &st), HV_EINVAL);

    hv_bit_set(A->mask, 5);
    hv_bit_set(A->pending, 5);
    take_snap(A, &s);
    assert_int_equal(hv_evtchn_unmask(&A->d, 5), HV_EINVAL); /* closed */
    assert_int_equal(hv_evtchn_unmask(&A->d, 64), HV_EINVAL);
    assert_int_equal(hv_evtchn_unmask(NULL, 5), HV_EINVAL);
    assert_unchanged(A, &s);
}

/* ---- reset, teardown ---- */

static void test_reset(void **state)
{
    hv_evtchn_port_t lp, rp, p;
    struct hv_evtchn_status st;

    (void)state;
    connect(A, B, &lp, &rp);
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 1, &p), 0);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 1, &p), 0);
    assert_int_equal(hv_evtchn_alloc_unbound(&A->d, 3, &p), 0);
    assert_int_equal(hv_evtchn_reset(&A->d), 0);
    assert_int_equal(hv_evtchn_ports_in_use(&A->d), 0);
    assert_int_equal(hv_evtchn_status(&B->d, rp, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_UNBOUND);
    assert_int_equal(st.u.unbound.dom, 1);
    /* Still alive: ports can be made again, virq rebound. */
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 1, &p), 0);
    assert_int_equal(p, 1);
    assert_int_equal(hv_evtchn_reset(NULL), HV_EINVAL);
}

static void test_teardown(void **state)
{
    hv_evtchn_port_t ab_a, ab_b, ca_c, ca_a, u, ipi, virq, keep = 21;
    struct hv_evtchn_status st;
    struct snap s;

    (void)state;
    connect(A, B, &ab_a, &ab_b);
    connect(C, A, &ca_c, &ca_a);
    assert_int_equal(hv_evtchn_alloc_unbound(&A->d, 2, &u), 0);
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 0, &ipi), 0);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 0, &virq), 0);
    assert_int_equal(hv_evtchn_domain_teardown(&A->d), 0);

    /* Everything closed; the peers are unbound, waiting for domain 1. */
    assert_int_equal(hv_evtchn_ports_in_use(&A->d), 0);
    for (hv_evtchn_port_t p = 0; p < 64; p++)
        check_status(A, p, HV_EVTCHNSTAT_CLOSED, 0);
    assert_int_equal(hv_evtchn_status(&B->d, ab_b, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_UNBOUND);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_int_equal(hv_evtchn_status(&C->d, ca_c, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_UNBOUND);
    /* Peers' sends go nowhere now and succeed. */
    assert_int_equal(hv_evtchn_send(&B->d, ab_b), 0);

    /* Every operation on the dying domain is refused. */
    take_snap(A, &s);
    assert_int_equal(hv_evtchn_domain_teardown(&A->d), HV_ESRCH);
    assert_int_equal(hv_evtchn_alloc_unbound(&A->d, 2, &keep), HV_ESRCH);
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 0, &keep), HV_ESRCH);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 0, &keep),
                     HV_ESRCH);
    assert_int_equal(hv_evtchn_bind_interdomain(&A->d, &B->d, ab_b, &keep),
                     HV_ESRCH);
    assert_int_equal(hv_evtchn_send(&A->d, ipi), HV_ESRCH);
    assert_int_equal(hv_evtchn_close(&A->d, ipi), HV_ESRCH);
    assert_int_equal(hv_evtchn_unmask(&A->d, ipi), HV_ESRCH);
    assert_int_equal(hv_evtchn_bind_vcpu(&A->d, ipi, 0), HV_ESRCH);
    assert_int_equal(hv_evtchn_reset(&A->d), HV_ESRCH);
    assert_int_equal(hv_evtchn_send_virq(&A->d, 0, HV_VIRQ_TIMER), HV_ESRCH);
    assert_int_equal(hv_evtchn_send_global_virq(&A->d, HV_VIRQ_CONSOLE),
                     HV_ESRCH);
    assert_int_equal(keep, 21);
    assert_unchanged(A, &s);
    /* Nor can anyone connect to it. */
    struct snap sb;
    assert_int_equal(hv_evtchn_alloc_unbound(&B->d, 1, &u), 0);
    take_snap(B, &sb);
    assert_int_equal(hv_evtchn_bind_interdomain(&B->d, &A->d, u, &keep),
                     HV_ESRCH);
    assert_unchanged(B, &sb);
    assert_int_equal(hv_evtchn_domain_teardown(NULL), HV_EINVAL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_refusals),
        cmocka_unit_test(test_init_clears_only_its_ports),
        T(test_alloc_unbound),
        cmocka_unit_test(test_alloc_until_full),
        T(test_bind_interdomain),
        T(test_bind_interdomain_refusals),
        T(test_bind_interdomain_local_full),
        T(test_loopback),
        T(test_close_interdomain),
        T(test_close_refusals),
        T(test_status_and_unmask_refusals),
        T(test_reset),
        T(test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
