/*
 * 2-level event delivery: from "port P became pending" to "vCPU V kicked".
 *
 * The guest and the hypervisor share four things per domain: a pending
 * bitmap and a mask bitmap with one bit per port, and per vCPU a selector
 * word (bit w: "look at pending word w") and an upcall_pending flag. The
 * guest's upcall handler works top down: clear upcall_pending, swap the
 * selector with 0, and for each selected word take the bits that are
 * pending and not masked, clearing each pending bit before handling it.
 *
 * The hypervisor works bottom up, and each step is an atomic
 * test-and-set that stops the walk when the bit was already set:
 *
 *   1. set pending[P]        already set: the event coalesces with one the
 *                            guest has not consumed yet; nothing to tell.
 *   2. mask[P] set?          the guest does not want it now; unmask will
 *                            pick it up later (hv_evtchn_unmask()).
 *   3. set selector[P / 64]  already set: the guest has not yet swapped the
 *                            selector, so it will see word P / 64 anyway.
 *   4. set upcall_pending    already set: an upcall is already owed.
 *   5. kick(V)               the one transition that needs the vCPU woken.
 *
 * Because every step is a single atomic RMW and the guest clears in the
 * opposite order (flag, then selector, then bit), any interleaving of
 * senders on any number of CPUs with a running guest handler either leaves
 * a set bit that the handler will still reach, or performs the step that
 * re-arms the level above: no event is lost, and kick() runs once per 0->1
 * edge of upcall_pending, so it never fires twice for one pending upcall.
 * tests/unit/evtchn/test_threads.c checks exactly this under contention.
 *
 * The shared words are the guest's: it may scribble on them at any time.
 * That can only make the guest miss or see spurious events of its own; the
 * hypervisor never reads a pointer or an index out of them, and the bit
 * numbers used here come from checked port numbers (< port_count) and
 * vCPU numbers (< vcpu_count).
 *
 * Locking: delivery itself takes no lock. Its callers hold the lock that
 * keeps the binding stable (see src/port.c for the order): send holds the
 * sender's domain lock, which any change to an interdomain channel also
 * takes, so the peer cannot be torn down under a send.
 */
#include "evtchn_priv.h"

/* Step 3..5: tell `vcpu` that pending word `word` has news. */
static void mark_vcpu(struct hv_evtchn_domain *d, unsigned int vcpu,
                      unsigned long word)
{
    const struct hv_evtchn_vcpu_shared *sh = &d->vcpus[vcpu].shared;

    if (hv_bit_test_and_set_atomic(sh->pending_sel, word))
        return;
    if (__atomic_exchange_n(sh->upcall_pending, (uint8_t)1, __ATOMIC_SEQ_CST))
        return;
    if (d->ops != NULL && d->ops->kick != NULL)
        d->ops->kick(d->ops_ctx, d, vcpu);
}

void evtchn_set_pending(struct hv_evtchn_domain *d, hv_evtchn_port_t port,
                        unsigned int vcpu)
{
    HV_CHECK(port < d->port_count && vcpu < d->vcpu_count);
    if (hv_bit_test_and_set_atomic(d->pending, port))
        return;
    if (hv_bit_test_atomic(d->mask, port))
        return;
    mark_vcpu(d, vcpu, port / HV_WORD_BITS);
}

void evtchn_clear_pending(struct hv_evtchn_domain *d, hv_evtchn_port_t port)
{
    HV_CHECK(port < d->port_count);
    hv_bit_clear_atomic(d->pending, port);
}

int hv_evtchn_send(struct hv_evtchn_domain *d, hv_evtchn_port_t port)
{
    struct hv_evtchn_port *p;
    struct hv_evtchn_domain *rd;
    int rc = 0;

    if (d == NULL)
        return HV_EINVAL;
    if (!evtchn_port_in_range(d, port))
        return HV_EINVAL;
    hv_spin_lock(&d->lock);
    if (d->dying) {
        rc = HV_ESRCH;
        goto out;
    }
    p = &d->ports[port];
    switch (p->state) {
    case HV_EVTCHNSTAT_INTERDOMAIN:
        /*
         * Our lock pins the channel: closing either end, and the peer's
         * teardown, take it too. The peer's notify vCPU may move under the
         * peer's lock; any value read is a valid vCPU of the peer.
         */
        rd = p->peer;
        if (!evtchn_is_dying(rd))
            evtchn_set_pending(rd, p->peer_port,
                               evtchn_notify_vcpu(&rd->ports[p->peer_port]));
        break;
    case HV_EVTCHNSTAT_IPI:
        evtchn_set_pending(d, port, evtchn_notify_vcpu(p));
        break;
    case HV_EVTCHNSTAT_UNBOUND:
        /* Nobody is connected yet: the notification is dropped. */
        break;
    default:
        /* Closed, or a virq port: only the hypervisor raises those. */
        rc = HV_EINVAL;
        break;
    }
out:
    hv_spin_unlock(&d->lock);
    return rc;
}

int hv_evtchn_unmask(struct hv_evtchn_domain *d, hv_evtchn_port_t port)
{
    struct hv_evtchn_port *p;
    int rc = 0;

    if (d == NULL || !evtchn_port_in_range(d, port))
        return HV_EINVAL;
    hv_spin_lock(&d->lock);
    p = &d->ports[port];
    if (d->dying) {
        rc = HV_ESRCH;
    } else if (p->state == HV_EVTCHNSTAT_CLOSED) {
        rc = HV_EINVAL;
    } else if (hv_bit_test_and_clear_atomic(d->mask, port) &&
               hv_bit_test_atomic(d->pending, port)) {
        /* It became pending while masked: signal it now. */
        mark_vcpu(d, evtchn_notify_vcpu(p), port / HV_WORD_BITS);
    }
    hv_spin_unlock(&d->lock);
    return rc;
}

bool hv_evtchn_virq_is_per_vcpu(uint32_t virq)
{
    return virq == HV_VIRQ_TIMER || virq == HV_VIRQ_DEBUG ||
           virq == HV_VIRQ_XENOPROF || virq == HV_VIRQ_XENPMU;
}

/* Raise `virq` as bound in vCPU `table_vcpu`'s table. */
static int raise_virq(struct hv_evtchn_domain *d, unsigned int table_vcpu,
                      uint32_t virq)
{
    hv_evtchn_port_t port;
    int rc = 0;

    hv_spin_lock(&d->lock);
    port = d->vcpus[table_vcpu].virq_port[virq];
    if (d->dying)
        rc = HV_ESRCH;
    else if (port == 0)
        rc = HV_ENOENT;
    else
        evtchn_set_pending(d, port, evtchn_notify_vcpu(&d->ports[port]));
    hv_spin_unlock(&d->lock);
    return rc;
}

int hv_evtchn_send_virq(struct hv_evtchn_domain *d, uint32_t vcpu,
                        uint32_t virq)
{
    if (d == NULL || virq >= HV_NR_VIRQS || !hv_evtchn_virq_is_per_vcpu(virq))
        return HV_EINVAL;
    if (vcpu >= d->vcpu_count)
        return HV_ENOENT;
    return raise_virq(d, vcpu, virq);
}

int hv_evtchn_send_global_virq(struct hv_evtchn_domain *d, uint32_t virq)
{
    if (d == NULL || virq >= HV_NR_VIRQS || hv_evtchn_virq_is_per_vcpu(virq))
        return HV_EINVAL;
    /* Global VIRQs are bound in vCPU 0's table (see bind_virq). */
    return raise_virq(d, 0, virq);
}

bool hv_evtchn_upcall_wanted(const struct hv_evtchn_domain *d,
                             unsigned int vcpu)
{
    const struct hv_evtchn_vcpu_shared *sh;

    if (d == NULL || vcpu >= d->vcpu_count)
        return false;
    sh = &d->vcpus[vcpu].shared;
    return __atomic_load_n(sh->upcall_pending, __ATOMIC_ACQUIRE) != 0 &&
           __atomic_load_n(sh->upcall_mask, __ATOMIC_ACQUIRE) == 0;
}
