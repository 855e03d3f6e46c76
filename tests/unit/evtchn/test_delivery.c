/*
 * libhv-evtchn: send and 2-level delivery (pending, mask, selector, upcall
 * flag, kick edges), IPIs, per-vCPU and global VIRQs, bind_vcpu, the
 * upcall mask. Every success path and every refusal with its exact code
 * and the proof that nothing changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evtchn_fixture.h"

/* ---- send and delivery ---- */

static void test_send_delivery_edges(void **state)
{
    hv_evtchn_port_t lp, rp;

    (void)state;
    connect(A, B, &lp, &rp);
    /* First send: bit, selector, flag, one kick. */
    assert_int_equal(hv_evtchn_send(&A->d, lp), 0);
    assert_true(t_pending(B, rp));
    assert_true(hv_bit_test(&B->sel[0], rp / HV_WORD_BITS));
    assert_int_equal(B->upcall_pending[0], 1);
    assert_int_equal(B->kicks[0], 1);
    assert_ptr_equal(B->kicked_dom, &B->d);
    /* Still pending: coalesces, no second kick. */
    assert_int_equal(hv_evtchn_send(&A->d, lp), 0);
    assert_int_equal(B->kicks[0], 1);
    /* Guest took the flag but not the event: still no kick. */
    B->upcall_pending[0] = 0;
    assert_int_equal(hv_evtchn_send(&A->d, lp), 0);
    assert_int_equal(B->kicks[0], 1);
    assert_int_equal(B->upcall_pending[0], 0);
    /* Guest handled everything: the next send kicks again. */
    assert_int_equal(t_guest_upcall(B, 0, NULL, NULL, NULL), 1);
    assert_int_equal(hv_evtchn_send(&A->d, lp), 0);
    assert_int_equal(B->kicks[0], 2);
    /* Mid-handler: selector and bit taken, flag still set: no kick. */
    B->sel[0] = 0;
    hv_bit_clear(B->pending, rp);
    assert_int_equal(hv_evtchn_send(&A->d, lp), 0);
    assert_true(hv_bit_test(&B->sel[0], rp / HV_WORD_BITS));
    assert_int_equal(B->kicks[0], 2);
    /* Other direction. */
    t_guest_clear_all(A);
    assert_int_equal(hv_evtchn_send(&B->d, rp), 0);
    assert_true(t_pending(A, lp));
    assert_int_equal(A->upcall_pending[0], 1);
    assert_int_equal(B->kicks[1] + A->kicks[1], 0);
}

static void test_send_masked_then_unmask(void **state)
{
    hv_evtchn_port_t lp, rp;

    (void)state;
    connect(A, B, &lp, &rp);
    hv_bit_set(B->mask, rp);
    assert_int_equal(hv_evtchn_send(&A->d, lp), 0);
    assert_true(t_pending(B, rp));
    assert_int_equal(B->sel[0], 0);
    assert_int_equal(B->upcall_pending[0], 0);
    assert_int_equal(B->kicks[0], 0);
    /* Unmask finds it pending and signals it now. */
    assert_int_equal(hv_evtchn_unmask(&B->d, rp), 0);
    assert_false(hv_bit_test(B->mask, rp));
    assert_true(hv_bit_test(&B->sel[0], rp / HV_WORD_BITS));
    assert_int_equal(B->upcall_pending[0], 1);
    assert_int_equal(B->kicks[0], 1);
    /* Unmasking an unmasked, pending port signals nothing new. */
    assert_int_equal(hv_evtchn_unmask(&B->d, rp), 0);
    assert_int_equal(B->kicks[0], 1);
    /* Masked and not pending: unmask only clears the mask. */
    t_guest_clear_all(B);
    hv_bit_set(B->mask, rp);
    assert_int_equal(hv_evtchn_unmask(&B->d, rp), 0);
    assert_false(hv_bit_test(B->mask, rp));
    assert_int_equal(B->sel[0], 0);
    assert_int_equal(B->kicks[0], 1);
}

static void test_send_refusals(void **state)
{
    hv_evtchn_port_t u, v;
    struct snap s;

    (void)state;
    assert_int_equal(hv_evtchn_alloc_unbound(&A->d, 2, &u), 0);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 0, &v), 0);
    take_snap(A, &s);
    /* Unbound: accepted and dropped. */
    assert_int_equal(hv_evtchn_send(&A->d, u), 0);
    assert_int_equal(hv_evtchn_send(&A->d, 0), HV_EINVAL);
    assert_int_equal(hv_evtchn_send(&A->d, 30), HV_EINVAL);
    assert_int_equal(hv_evtchn_send(&A->d, 64), HV_EINVAL);
    assert_int_equal(hv_evtchn_send(&A->d, 0x80000000u), HV_EINVAL);
    assert_int_equal(hv_evtchn_send(&A->d, v), HV_EINVAL);
    assert_int_equal(hv_evtchn_send(NULL, u), HV_EINVAL);
    assert_unchanged(A, &s);
}

/* ---- ipi ---- */

static void test_ipi(void **state)
{
    hv_evtchn_port_t p, keep = 3;
    struct snap s;

    (void)state;
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 1, &p), 0);
    check_status(A, p, HV_EVTCHNSTAT_IPI, 1);
    assert_int_equal(hv_evtchn_send(&A->d, p), 0);
    assert_true(t_pending(A, p));
    assert_int_equal(A->sel[0], 0);
    assert_true(hv_bit_test(&A->sel[1], p / HV_WORD_BITS));
    assert_int_equal(A->kicks[0], 0);
    assert_int_equal(A->kicks[1], 1);
    take_snap(A, &s);
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 2, &keep), HV_ENOENT);
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 0xffffffffu, &keep), HV_ENOENT);
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 0, NULL), HV_EINVAL);
    /* An IPI port is tied to its vCPU. */
    assert_int_equal(hv_evtchn_bind_vcpu(&A->d, p, 0), HV_EINVAL);
    assert_int_equal(keep, 3);
    assert_unchanged(A, &s);
}

/* ---- virq ---- */

static void test_virq_per_vcpu(void **state)
{
    hv_evtchn_port_t t0, t1, keep = 11;
    struct hv_evtchn_status st;
    struct snap s;

    (void)state;
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 0, &t0), 0);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 1, &t1), 0);
    assert_int_not_equal(t0, t1);
    assert_int_equal(hv_evtchn_status(&A->d, t1, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_VIRQ);
    assert_int_equal(st.u.virq, HV_VIRQ_TIMER);
    assert_int_equal(st.vcpu, 1);

    assert_int_equal(hv_evtchn_send_virq(&A->d, 1, HV_VIRQ_TIMER), 0);
    assert_true(t_pending(A, t1));
    assert_false(t_pending(A, t0));
    assert_int_equal(A->kicks[1], 1);
    assert_int_equal(A->kicks[0], 0);
    assert_int_equal(hv_evtchn_send_virq(&A->d, 0, HV_VIRQ_TIMER), 0);
    assert_true(t_pending(A, t0));
    assert_int_equal(A->kicks[0], 1);

    take_snap(A, &s);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 1, &keep),
                     HV_EEXIST);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_NR_VIRQS, 0, &keep),
                     HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, 0xffffffffu, 0, &keep),
                     HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_DEBUG, 2, &keep),
                     HV_ENOENT);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_DEBUG, 0, NULL),
                     HV_EINVAL);
    /* Per-vCPU VIRQs cannot move. */
    assert_int_equal(hv_evtchn_bind_vcpu(&A->d, t1, 0), HV_EINVAL);
    /* Raising: unbound, wrong kind, bad vCPU, bad number. */
    assert_int_equal(hv_evtchn_send_virq(&A->d, 0, HV_VIRQ_DEBUG), HV_ENOENT);
    assert_int_equal(hv_evtchn_send_virq(&A->d, 2, HV_VIRQ_TIMER), HV_ENOENT);
    assert_int_equal(hv_evtchn_send_virq(&A->d, 0, HV_VIRQ_CONSOLE), HV_EINVAL);
    assert_int_equal(hv_evtchn_send_virq(&A->d, 0, 99), HV_EINVAL);
    assert_int_equal(hv_evtchn_send_global_virq(&A->d, HV_VIRQ_TIMER),
                     HV_EINVAL);
    assert_int_equal(keep, 11);
    assert_unchanged(A, &s);

    /* Close frees the binding; the virq can be bound again. */
    assert_int_equal(hv_evtchn_close(&A->d, t1), 0);
    assert_int_equal(hv_evtchn_send_virq(&A->d, 1, HV_VIRQ_TIMER), HV_ENOENT);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_TIMER, 1, &t1), 0);
}

static void test_virq_global(void **state)
{
    hv_evtchn_port_t c, keep = 12;

    (void)state;
    assert_true(hv_evtchn_virq_is_per_vcpu(HV_VIRQ_TIMER));
    assert_true(hv_evtchn_virq_is_per_vcpu(HV_VIRQ_DEBUG));
    assert_true(hv_evtchn_virq_is_per_vcpu(HV_VIRQ_XENOPROF));
    assert_true(hv_evtchn_virq_is_per_vcpu(HV_VIRQ_XENPMU));
    assert_false(hv_evtchn_virq_is_per_vcpu(HV_VIRQ_CONSOLE));
    assert_false(hv_evtchn_virq_is_per_vcpu(HV_VIRQ_DOM_EXC));
    assert_false(hv_evtchn_virq_is_per_vcpu(HV_VIRQ_ARCH_7));

    /* Global VIRQs bind on vCPU 0 only. */
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_CONSOLE, 1, &keep),
                     HV_EINVAL);
    assert_int_equal(keep, 12);
    assert_int_equal(hv_evtchn_send_global_virq(&A->d, HV_VIRQ_CONSOLE),
                     HV_ENOENT);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_CONSOLE, 0, &c), 0);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_CONSOLE, 0, &keep),
                     HV_EEXIST);
    assert_int_equal(hv_evtchn_send_global_virq(&A->d, HV_VIRQ_CONSOLE), 0);
    assert_true(t_pending(A, c));
    assert_int_equal(A->kicks[0], 1);
    /* Moved to vCPU 1: delivered there. */
    t_guest_clear_all(A);
    assert_int_equal(hv_evtchn_bind_vcpu(&A->d, c, 1), 0);
    check_status(A, c, HV_EVTCHNSTAT_VIRQ, 1);
    assert_int_equal(hv_evtchn_send_global_virq(&A->d, HV_VIRQ_CONSOLE), 0);
    assert_int_equal(A->kicks[1], 1);
    assert_int_equal(A->kicks[0], 1);
    assert_int_equal(hv_evtchn_send_global_virq(&A->d, HV_NR_VIRQS), HV_EINVAL);
    /* Closing the moved port clears vCPU 0's table entry. */
    assert_int_equal(hv_evtchn_close(&A->d, c), 0);
    assert_int_equal(hv_evtchn_send_global_virq(&A->d, HV_VIRQ_CONSOLE),
                     HV_ENOENT);
    assert_int_equal(hv_evtchn_bind_virq(&A->d, HV_VIRQ_CONSOLE, 0, &c), 0);
}

/* ---- bind_vcpu ---- */

static void test_bind_vcpu(void **state)
{
    hv_evtchn_port_t lp, rp, u;
    struct snap s;

    (void)state;
    connect(A, B, &lp, &rp);
    assert_int_equal(hv_evtchn_bind_vcpu(&B->d, rp, 1), 0);
    check_status(B, rp, HV_EVTCHNSTAT_INTERDOMAIN, 1);
    assert_int_equal(hv_evtchn_send(&A->d, lp), 0);
    assert_int_equal(B->kicks[1], 1);
    assert_int_equal(B->kicks[0], 0);
    assert_true(hv_bit_test(&B->sel[1], rp / HV_WORD_BITS));
    assert_int_equal(hv_evtchn_alloc_unbound(&B->d, 1, &u), 0);
    assert_int_equal(hv_evtchn_bind_vcpu(&B->d, u, 1), 0);
    check_status(B, u, HV_EVTCHNSTAT_UNBOUND, 1);

    take_snap(B, &s);
    assert_int_equal(hv_evtchn_bind_vcpu(&B->d, rp, 2), HV_ENOENT);
    assert_int_equal(hv_evtchn_bind_vcpu(&B->d, 50, 0), HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_vcpu(&B->d, 0, 0), HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_vcpu(&B->d, 64, 0), HV_EINVAL);
    assert_int_equal(hv_evtchn_bind_vcpu(NULL, rp, 0), HV_EINVAL);
    assert_unchanged(B, &s);
}

/* ---- upcall mask ---- */

static void test_upcall_wanted(void **state)
{
    hv_evtchn_port_t p;

    (void)state;
    assert_false(hv_evtchn_upcall_wanted(&A->d, 0));
    assert_int_equal(hv_evtchn_bind_ipi(&A->d, 0, &p), 0);
    A->upcall_mask[0] = 1;
    assert_int_equal(hv_evtchn_send(&A->d, p), 0);
    /* Kicked (it may be blocked), but the upcall waits for the mask. */
    assert_int_equal(A->kicks[0], 1);
    assert_false(hv_evtchn_upcall_wanted(&A->d, 0));
    A->upcall_mask[0] = 0;
    assert_true(hv_evtchn_upcall_wanted(&A->d, 0));
    assert_false(hv_evtchn_upcall_wanted(&A->d, 2));
    assert_false(hv_evtchn_upcall_wanted(NULL, 0));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_send_delivery_edges), T(test_send_masked_then_unmask),
        T(test_send_refusals),       T(test_ipi),
        T(test_virq_per_vcpu),       T(test_virq_global),
        T(test_bind_vcpu),           T(test_upcall_wanted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
