/*
 * Test harness for libhv-evtchn: a domain with its guest-shared memory laid
 * out as the tests like (guard words around the bitmaps to catch writes out
 * of bounds), a kick counter per vCPU, and a guest upcall handler that
 * drains events the way a Xen PV guest does.
 */
#ifndef EVTCHN_HARNESS_H
#define EVTCHN_HARNESS_H

#include <hv/evtchn.h>
#include <stdlib.h>
#include <string.h>

#define T_VCPUS 4
#define T_WORDS HV_BITMAP_WORDS(HV_EVTCHN_2L_MAX_PORTS)
#define T_GUARD ((hv_word_t)0xA5A5A5A5A5A5A5A5ULL)

struct tdom {
    struct hv_evtchn_domain d;
    struct hv_evtchn_port ports[HV_EVTCHN_2L_MAX_PORTS];
    struct hv_evtchn_vcpu vcpus[T_VCPUS];
    struct hv_evtchn_vcpu_shared sh[T_VCPUS];
    /* guest-shared memory, with guards after each bitmap */
    hv_word_t pending[T_WORDS + 1];
    hv_word_t mask[T_WORDS + 1];
    hv_word_t sel[T_VCPUS];
    uint8_t upcall_pending[T_VCPUS];
    uint8_t upcall_mask[T_VCPUS];
    /* callout record */
    unsigned long kicks[T_VCPUS];
    unsigned long upcalls[T_VCPUS]; /* 1->0 edges seen by the guest */
    struct hv_evtchn_domain *kicked_dom;
};

static void t_kick(void *ctx, struct hv_evtchn_domain *d, unsigned int vcpu)
{
    struct tdom *t = (struct tdom *)ctx;

    __atomic_store_n(&t->kicked_dom, d, __ATOMIC_RELAXED);
    __atomic_fetch_add(&t->kicks[vcpu], 1, __ATOMIC_SEQ_CST);
}

static const struct hv_evtchn_ops t_ops = {.kick = t_kick};

static inline void t_config(struct tdom *t, hv_domid_t domid,
                            unsigned int port_count, unsigned int vcpu_count,
                            struct hv_evtchn_domain_config *cfg)
{
    for (unsigned int v = 0; v < T_VCPUS; v++) {
        t->sh[v].pending_sel = &t->sel[v];
        t->sh[v].upcall_pending = &t->upcall_pending[v];
        t->sh[v].upcall_mask = &t->upcall_mask[v];
    }
    memset(cfg, 0, sizeof(*cfg));
    cfg->domid = domid;
    cfg->port_count = port_count;
    cfg->ports = t->ports;
    cfg->pending = t->pending;
    cfg->mask = t->mask;
    cfg->vcpu_count = vcpu_count;
    cfg->vcpus = t->vcpus;
    cfg->vcpu_shared = t->sh;
    cfg->ops = &t_ops;
    cfg->ops_ctx = t;
}

/* A fresh domain; returns hv_evtchn_domain_init()'s result. */
static inline int t_init(struct tdom *t, hv_domid_t domid,
                         unsigned int port_count, unsigned int vcpu_count)
{
    struct hv_evtchn_domain_config cfg;

    memset(t, 0, sizeof(*t));
    t->pending[T_WORDS] = T_GUARD;
    t->mask[T_WORDS] = T_GUARD;
    t_config(t, domid, port_count, vcpu_count, &cfg);
    return hv_evtchn_domain_init(&t->d, &cfg);
}

static inline struct tdom *t_new(hv_domid_t domid, unsigned int port_count,
                                 unsigned int vcpu_count)
{
    struct tdom *t = (struct tdom *)malloc(sizeof(*t));

    if (t == NULL || t_init(t, domid, port_count, vcpu_count) != 0)
        abort();
    return t;
}

static inline bool t_pending(const struct tdom *t, hv_evtchn_port_t port)
{
    return hv_bit_test_atomic(t->pending, port);
}

static inline bool t_guards_intact(const struct tdom *t)
{
    return t->pending[T_WORDS] == T_GUARD && t->mask[T_WORDS] == T_GUARD;
}

/*
 * The guest's upcall handler for vCPU `vcpu`: clear upcall_pending, swap
 * the selector, and consume pending & ~mask bits of the selected words,
 * clearing each bit before reporting it. `accept` (may be NULL) says which
 * ports belong to this vCPU; others are left pending. Calls fn(arg, port)
 * per event. Returns the number of events consumed.
 */
static inline unsigned long
t_guest_upcall(struct tdom *t, unsigned int vcpu,
               bool (*accept)(void *arg, hv_evtchn_port_t port),
               void (*fn)(void *arg, hv_evtchn_port_t port), void *arg)
{
    unsigned long n = 0;
    hv_word_t sel;

    if (__atomic_exchange_n(&t->upcall_pending[vcpu], 0, __ATOMIC_SEQ_CST))
        t->upcalls[vcpu]++;
    sel = __atomic_exchange_n(&t->sel[vcpu], 0, __ATOMIC_SEQ_CST);
    while (sel != 0) {
        unsigned int w = hv_word_ffs(sel);
        hv_word_t bits;

        sel &= sel - 1;
        bits = __atomic_load_n(&t->pending[w], __ATOMIC_SEQ_CST) &
               ~__atomic_load_n(&t->mask[w], __ATOMIC_SEQ_CST);
        while (bits != 0) {
            unsigned int b = hv_word_ffs(bits);
            hv_evtchn_port_t port = w * HV_WORD_BITS + b;

            bits &= bits - 1;
            if (accept != NULL && !accept(arg, port))
                continue;
            if (hv_bit_test_and_clear_atomic(t->pending, port)) {
                n++;
                if (fn != NULL)
                    fn(arg, port);
            }
        }
    }
    return n;
}

/* Guest-side reset of all delivery state (as if every event was handled). */
static inline void t_guest_clear_all(struct tdom *t)
{
    memset(t->pending, 0, sizeof(hv_word_t) * T_WORDS);
    memset(t->sel, 0, sizeof(t->sel));
    memset(t->upcall_pending, 0, sizeof(t->upcall_pending));
}

#endif /* EVTCHN_HARNESS_H */
