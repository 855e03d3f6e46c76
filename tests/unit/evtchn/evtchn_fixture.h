/*
 * Fixture shared by the libhv-evtchn unit test programs: three domains
 * (ids 1, 2, 3; 64 ports; 2 vCPUs) made fresh for each test, a snapshot of
 * everything a refusal must leave alone, and small helpers. Include after
 * <cmocka.h>; each program gets its own copies of the statics.
 */
#ifndef EVTCHN_FIXTURE_H
#define EVTCHN_FIXTURE_H

#include "evtchn_harness.h"

/* Snapshot of everything a refusal must leave alone. */
struct snap {
    struct hv_evtchn_port ports[64];
    struct hv_evtchn_vcpu vcpus[T_VCPUS];
    hv_word_t pending[T_WORDS], mask[T_WORDS], sel[T_VCPUS];
    uint8_t upcall_pending[T_VCPUS];
    unsigned long kicks[T_VCPUS];
    unsigned int in_use;
};

static inline void take_snap(struct tdom *t, struct snap *s)
{
    memcpy(s->ports, t->ports, sizeof(s->ports));
    memcpy(s->vcpus, t->vcpus, sizeof(s->vcpus));
    memcpy(s->pending, t->pending, sizeof(s->pending));
    memcpy(s->mask, t->mask, sizeof(s->mask));
    memcpy(s->sel, t->sel, sizeof(s->sel));
    memcpy(s->upcall_pending, t->upcall_pending, sizeof(s->upcall_pending));
    memcpy(s->kicks, t->kicks, sizeof(s->kicks));
    s->in_use = hv_evtchn_ports_in_use(&t->d);
}

static inline void assert_unchanged(struct tdom *t, const struct snap *s)
{
    struct snap now;

    take_snap(t, &now);
    assert_memory_equal(now.ports, s->ports, sizeof(s->ports));
    assert_memory_equal(now.vcpus, s->vcpus, sizeof(s->vcpus));
    assert_memory_equal(now.pending, s->pending, sizeof(s->pending));
    assert_memory_equal(now.mask, s->mask, sizeof(s->mask));
    assert_memory_equal(now.sel, s->sel, sizeof(s->sel));
    assert_memory_equal(now.upcall_pending, s->upcall_pending,
                        sizeof(s->upcall_pending));
    assert_memory_equal(now.kicks, s->kicks, sizeof(s->kicks));
    assert_int_equal(now.in_use, s->in_use);
    assert_true(t_guards_intact(t));
}

static struct tdom *A, *B, *C;

static inline int setup(void **state)
{
    (void)state;
    A = t_new(1, 64, 2);
    B = t_new(2, 64, 2);
    C = t_new(3, 64, 2);
    return 0;
}

static inline int teardown(void **state)
{
    (void)state;
    free(A);
    free(B);
    free(C);
    return 0;
}

static inline void check_status(struct tdom *t, hv_evtchn_port_t port,
                                uint32_t status, uint32_t vcpu)
{
    struct hv_evtchn_status st;

    assert_int_equal(hv_evtchn_status(&t->d, port, &st), 0);
    assert_int_equal(st.status, status);
    assert_int_equal(st.vcpu, vcpu);
}

/* Connect a port of `l` to a fresh unbound port of `r`. */
static inline void connect(struct tdom *l, struct tdom *r, hv_evtchn_port_t *lp,
                           hv_evtchn_port_t *rp)
{
    assert_int_equal(hv_evtchn_alloc_unbound(&r->d, l->d.domid, rp), 0);
    assert_int_equal(hv_evtchn_bind_interdomain(&l->d, &r->d, *rp, lp), 0);
}

#endif /* EVTCHN_FIXTURE_H */
