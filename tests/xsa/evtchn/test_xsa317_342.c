/*
 * Port limits.
 *
 * XSA-317 (Xen, 2020): "Incorrect error handling in event channel port
 * allocation". A failed allocation left state behind that a later
 * operation tripped over. Attacker's steps: fill the table, then keep
 * asking for ports every way there is (alloc_unbound, bind_ipi, bind_virq,
 * bind_interdomain); every request must fail with HV_ENOSPC and leave no
 * trace, in particular no half-made VIRQ binding, and the table must keep
 * working once a port is freed.
 *
 * XSA-342 (Xen, 2020): "out of bounds event channels available to 32-bit
 * x86 domains". Xen let a guest allocate ports past the limit of the
 * 2-level ABI it actually used, so delivery wrote past the guest's bitmaps.
 * Attacker's steps: a domain configured with the 32-bit guest's limit (1024
 * ports) allocates everything it can, names ports at and past the limit in
 * every operation, and scribbles all-ones over its shared words; the
 * library must never hand out, or write the bits of, a port >= 1024, and
 * the guard words after the bitmaps must survive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evtchn_harness.h"

static void test_xsa317_full_table_leaves_no_trace(void **state)
{
    struct tdom *t = t_new(1, 16, 2);
    struct tdom *peer = t_new(2, 16, 1);
    struct tdom *copy = malloc(sizeof(*copy));
    hv_evtchn_port_t p, rp, out = 0x1234;

    (void)state;
    assert_int_equal(hv_evtchn_alloc_unbound(&peer->d, 1, &rp), 0);
    for (unsigned int i = 1; i < 16; i++)
        assert_int_equal(hv_evtchn_alloc_unbound(&t->d, 2, &p), 0);
    memcpy(copy, t, sizeof(*copy));
    for (int round = 0; round < 100; round++) {
        assert_int_equal(hv_evtchn_alloc_unbound(&t->d, 2, &out), HV_ENOSPC);
        assert_int_equal(hv_evtchn_bind_ipi(&t->d, 1, &out), HV_ENOSPC);
        assert_int_equal(hv_evtchn_bind_virq(&t->d, HV_VIRQ_TIMER, 1, &out),
                         HV_ENOSPC);
        assert_int_equal(hv_evtchn_bind_virq(&t->d, HV_VIRQ_DOM_EXC, 0, &out),
                         HV_ENOSPC);
        assert_int_equal(hv_evtchn_bind_interdomain(&t->d, &peer->d, rp, &out),
                         HV_ENOSPC);
    }
    assert_int_equal(out, 0x1234);
    assert_memory_equal(t->ports, copy->ports, sizeof(t->ports));
    assert_memory_equal(t->vcpus, copy->vcpus, sizeof(t->vcpus));
    assert_memory_equal(t->pending, copy->pending, sizeof(t->pending));
    assert_int_equal(hv_evtchn_ports_in_use(&t->d), 15);
    /* No half-made VIRQ binding: raising finds nothing bound. */
    assert_int_equal(hv_evtchn_send_virq(&t->d, 1, HV_VIRQ_TIMER), HV_ENOENT);
    /* The peer's port is still waiting, untouched. */
    struct hv_evtchn_status st;
    assert_int_equal(hv_evtchn_status(&peer->d, rp, &st), 0);
    assert_int_equal(st.status, HV_EVTCHNSTAT_UNBOUND);
    assert_int_equal(st.u.unbound.dom, 1);

    /* Free one: the failed requests can now succeed, exactly once. */
    assert_int_equal(hv_evtchn_close(&t->d, 7), 0);
    assert_int_equal(hv_evtchn_bind_virq(&t->d, HV_VIRQ_TIMER, 1, &p), 0);
    assert_int_equal(p, 7);
    assert_int_equal(hv_evtchn_bind_virq(&t->d, HV_VIRQ_TIMER, 1, &p),
                     HV_EEXIST);
    assert_int_equal(hv_evtchn_send_virq(&t->d, 1, HV_VIRQ_TIMER), 0);
    assert_true(t_pending(t, 7));
    assert_int_equal(hv_evtchn_domain_teardown(&t->d), 0);
    assert_int_equal(hv_evtchn_ports_in_use(&t->d), 0);
    free(copy);
    free(t);
    free(peer);
}

#define LIMIT32 1024u

static void test_xsa342_limit_of_a_32bit_guest(void **state)
{
    struct tdom *t = malloc(sizeof(*t));
    struct tdom *peer = t_new(2, 64, 1);
    struct hv_evtchn_domain_config cfg;
    hv_word_t before_pending[T_WORDS + 1], before_mask[T_WORDS + 1];
    hv_evtchn_port_t p, lp, rp;
    unsigned int got = 0;

    (void)state;
    memset(t, 0, sizeof(*t));
    /* Words past the 1024-port table are someone else's memory. */
    memset(t->pending, 0x3c, sizeof(t->pending));
    memset(t->mask, 0, sizeof(t->mask));
    t->mask[T_WORDS] = T_GUARD;
    t_config(t, 1, LIMIT32, 2, &cfg);
    assert_int_equal(hv_evtchn_domain_init(&t->d, &cfg), 0);
    for (unsigned int w = LIMIT32 / HV_WORD_BITS; w <= T_WORDS; w++)
        assert_int_equal(t->pending[w], (hv_word_t)0x3c3c3c3c3c3c3c3cULL);

    /* Take every port there is, ending with one bound to the peer. */
    while (hv_evtchn_bind_ipi(&t->d, got % 2, &p) == 0) {
        assert_true(p > 0 && p < LIMIT32);
        got++;
        if (got == LIMIT32 - 2)
            break;
    }
    assert_int_equal(got, LIMIT32 - 2);
    assert_int_equal(hv_evtchn_alloc_unbound(&peer->d, 1, &rp), 0);
    assert_int_equal(hv_evtchn_bind_interdomain(&t->d, &peer->d, rp, &lp), 0);
    assert_int_equal(lp, LIMIT32 - 1);
    assert_int_equal(hv_evtchn_alloc_unbound(&t->d, 2, &p), HV_ENOSPC);

    /* The guest scribbles over its shared words. */
    memset(t->pending, 0xff, (LIMIT32 / HV_WORD_BITS) * sizeof(hv_word_t));
    memset(t->mask, 0xff, (LIMIT32 / HV_WORD_BITS) * sizeof(hv_word_t));
    memset(t->sel, 0xff, sizeof(t->sel));
    memcpy(before_pending, t->pending, sizeof(before_pending));
    memcpy(before_mask, t->mask, sizeof(before_mask));

    /* ... and names ports at and past its limit everywhere. */
    for (hv_evtchn_port_t q = LIMIT32; q < HV_EVTCHN_2L_MAX_PORTS + 64; q++) {
        struct hv_evtchn_status st;

        assert_int_equal(hv_evtchn_send(&t->d, q), HV_EINVAL);
        assert_int_equal(hv_evtchn_unmask(&t->d, q), HV_EINVAL);
        assert_int_equal(hv_evtchn_close(&t->d, q), HV_EINVAL);
        assert_int_equal(hv_evtchn_bind_vcpu(&t->d, q, 0), HV_EINVAL);
        assert_int_equal(hv_evtchn_status(&t->d, q, &st), HV_EINVAL);
        assert_int_equal(hv_evtchn_bind_interdomain(&peer->d, &t->d, q, &p),
                         HV_EINVAL);
    }
    assert_memory_equal(t->pending, before_pending, sizeof(before_pending));
    assert_memory_equal(t->mask, before_mask, sizeof(before_mask));

    /* Sends into it from the peer touch only the port they name. */
    t->pending[(LIMIT32 - 1) / HV_WORD_BITS] = 0;
    assert_int_equal(hv_evtchn_send(&peer->d, rp), 0);
    assert_true(t_pending(t, LIMIT32 - 1));
    for (unsigned int w = LIMIT32 / HV_WORD_BITS; w < T_WORDS; w++)
        assert_int_equal(t->pending[w], (hv_word_t)0x3c3c3c3c3c3c3c3cULL);
    assert_int_equal(t->pending[T_WORDS], before_pending[T_WORDS]);
    assert_int_equal(t->mask[T_WORDS], T_GUARD);

    /* Teardown clears only bits below the limit. */
    assert_int_equal(hv_evtchn_domain_teardown(&t->d), 0);
    for (unsigned int w = LIMIT32 / HV_WORD_BITS; w < T_WORDS; w++)
        assert_int_equal(t->pending[w], (hv_word_t)0x3c3c3c3c3c3c3c3cULL);
    free(t);
    free(peer);
}

static void test_full_2l_table(void **state)
{
    struct tdom *t = t_new(1, HV_EVTCHN_2L_MAX_PORTS, 1);
    hv_evtchn_port_t p = 0;

    (void)state;
    for (unsigned int i = 1; i < HV_EVTCHN_2L_MAX_PORTS; i++) {
        assert_int_equal(hv_evtchn_bind_ipi(&t->d, 0, &p), 0);
        assert_int_equal(p, i);
    }
    assert_int_equal(hv_evtchn_bind_ipi(&t->d, 0, &p), HV_ENOSPC);
    assert_int_equal(p, HV_EVTCHN_2L_MAX_PORTS - 1);
    /* The last port delivers into the last selector bit. */
    assert_int_equal(hv_evtchn_send(&t->d, p), 0);
    assert_true(t_pending(t, HV_EVTCHN_2L_MAX_PORTS - 1));
    assert_int_equal(t->sel[0], (hv_word_t)1 << (HV_WORD_BITS - 1));
    assert_true(t_guards_intact(t));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa317_full_table_leaves_no_trace),
        cmocka_unit_test(test_xsa342_limit_of_a_32bit_guest),
        cmocka_unit_test(test_full_2l_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
