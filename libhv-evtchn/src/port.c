/*
 * The per-domain port table: allocating, binding, moving, closing ports.
 *
 * LOCK ORDER
 *   The only locks of this library are the domains' own (d->lock). An
 *   operation that changes an interdomain channel holds the locks of both
 *   its domains, taken in ascending order of the domain objects' addresses
 *   (one lock when both ends are in the same domain). No other lock is
 *   ever held while a domain lock is taken, and the kick callout, which
 *   runs under these locks, may take none of them.
 *
 * Why both locks: an interdomain channel is two port entries, one in each
 * domain, pointing at each other. Any change to the pair (connect, close
 * either end, teardown of either domain) is made with both locks held, so
 * holding either one alone is enough to see a consistent pair. That is
 * what lets send run under the sender's lock only (src/deliver.c): while
 * it holds it, the peer's entry cannot change and the peer cannot finish
 * its teardown, because that teardown must first close its end, which
 * needs the sender's lock.
 *
 * Closing starts from one domain and only learns the peer after reading
 * the port under that domain's lock. If the peer sorts first, taking its
 * lock now would break the order; dropping ours first would leave the
 * peer unpinned (it might be freed before we lock it). So we try-lock the
 * peer while still holding ours; on failure we drop ours, spin and start
 * over, re-reading the port. The thread that took the locks in order never
 * backs off, so the pair always makes progress.
 *
 * Port 0 is never allocated: guests use it to mean "no port". A bitmap in
 * the domain (`used`) records which ports are not closed, so allocation is
 * a word-at-a-time search for a clear bit, lowest port first as in Xen.
 *
 * Refusals are checked before anything is written: every failing path
 * returns with the table exactly as it was.
 */
#include "evtchn_priv.h"

/* ---- locks ---- */

static void lock_two(struct hv_evtchn_domain *a, struct hv_evtchn_domain *b)
{
    hv_spin_lock_two(&a->lock, &b->lock);
}

static void unlock_two(struct hv_evtchn_domain *a, struct hv_evtchn_domain *b)
{
    hv_spin_unlock_two(&a->lock, &b->lock);
}

/*
 * Lock `d` and, if `port` is interdomain, its peer domain as well.
 * Return: the peer (locked, possibly d itself), or NULL (only d locked).
 */
static struct hv_evtchn_domain *lock_port(struct hv_evtchn_domain *d,
                                          hv_evtchn_port_t port)
{
    for (;;) {
        struct hv_evtchn_port *p;
        struct hv_evtchn_domain *rd;

        hv_spin_lock(&d->lock);
        p = &d->ports[port];
        if (p->state != HV_EVTCHNSTAT_INTERDOMAIN)
            return NULL;
        rd = p->peer;
        if (rd == d)
            return rd;
        if ((uintptr_t)d < (uintptr_t)rd) {
            hv_spin_lock(&rd->lock);
            return rd;
        }
        if (hv_spin_trylock(&rd->lock))
            return rd;
        hv_spin_unlock(&d->lock);
        hv_cpu_relax();
    }
}

static void unlock_port(struct hv_evtchn_domain *d, struct hv_evtchn_domain *rd)
{
    if (rd != NULL && rd != d)
        hv_spin_unlock(&rd->lock);
    hv_spin_unlock(&d->lock);
}

/* ---- allocation (d->lock held) ---- */

/* Return: a closed port, or 0 when the table is full. */
static hv_evtchn_port_t find_free_port(const struct hv_evtchn_domain *d)
{
    unsigned long port = hv_bitmap_find_next_zero(d->used, d->port_count, 1);

    return port < d->port_count ? (hv_evtchn_port_t)port : 0;
}

/* Make closed `port` a fresh port in `state` notifying vCPU 0. */
static struct hv_evtchn_port *take_port(struct hv_evtchn_domain *d,
                                        hv_evtchn_port_t port, uint8_t state)
{
    struct hv_evtchn_port *p = &d->ports[port];

    HV_CHECK(port != 0 && !hv_bit_test(d->used, port));
    HV_CHECK(p->state == HV_EVTCHNSTAT_CLOSED);
    /* A guest may have left the bit set; a new port starts quiet. */
    evtchn_clear_pending(d, port);
    hv_memset(p, 0, sizeof(*p));
    p->state = state;
    evtchn_set_notify_vcpu(p, 0);
    hv_bit_set(d->used, port);
    d->ports_in_use++;
    return p;
}

static void free_port(struct hv_evtchn_domain *d, hv_evtchn_port_t port)
{
    struct hv_evtchn_port *p = &d->ports[port];

    HV_CHECK(hv_bit_test(d->used, port) && d->ports_in_use > 0);
    evtchn_clear_pending(d, port);
    hv_memset(p, 0, sizeof(*p));
    p->state = HV_EVTCHNSTAT_CLOSED;
    hv_bit_clear(d->used, port);
    d->ports_in_use--;
}

/*
 * Close `port` of `d`; the caller holds the locks lock_port() took (`rd`
 * is its result). Return: 0, or HV_EINVAL if the port is closed.
 */
static int close_locked(struct hv_evtchn_domain *d, hv_evtchn_port_t port,
                        struct hv_evtchn_domain *rd)
{
    struct hv_evtchn_port *p = &d->ports[port];
    struct hv_evtchn_port *rp;

    switch (p->state) {
    case HV_EVTCHNSTAT_UNBOUND:
    case HV_EVTCHNSTAT_IPI:
        break;
    case HV_EVTCHNSTAT_VIRQ:
        HV_CHECK(d->vcpus[p->virq_vcpu].virq_port[p->virq] == port);
        d->vcpus[p->virq_vcpu].virq_port[p->virq] = 0;
        break;
    case HV_EVTCHNSTAT_INTERDOMAIN:
        HV_CHECK(rd == p->peer);
        rp = &rd->ports[p->peer_port];
        HV_CHECK(rp->state == HV_EVTCHNSTAT_INTERDOMAIN && rp->peer == d &&
                 rp->peer_port == port);
        /* The other end waits for us again, on the vCPU it had. */
        rp->state = HV_EVTCHNSTAT_UNBOUND;
        rp->remote_domid = d->domid;
        rp->peer = NULL;
        rp->peer_port = 0;
        break;
    default:
        return HV_EINVAL;
    }
    free_port(d, port);
    return 0;
}

/* Close every port of `d` (d->lock not held). */
static void close_all(struct hv_evtchn_domain *d)
{
    for (hv_evtchn_port_t port = 1; port < d->port_count; port++) {
        struct hv_evtchn_domain *rd = lock_port(d, port);

        if (d->ports[port].state != HV_EVTCHNSTAT_CLOSED)
            (void)close_locked(d, port, rd);
        unlock_port(d, rd);
    }
}

/* ---- life cycle ---- */

int hv_evtchn_domain_init(struct hv_evtchn_domain *d,
                          const struct hv_evtchn_domain_config *cfg)
{
    if (d == NULL || cfg == NULL || cfg->ports == NULL ||
        cfg->pending == NULL || cfg->mask == NULL || cfg->vcpus == NULL ||
        cfg->vcpu_shared == NULL)
        return HV_EINVAL;
    if (cfg->port_count < 2 || cfg->port_count > HV_EVTCHN_2L_MAX_PORTS)
        return HV_EINVAL;
    if (cfg->vcpu_count < 1 || cfg->vcpu_count > HV_MAX_VCPUS_PER_DOMAIN)
        return HV_EINVAL;
    for (unsigned int v = 0; v < cfg->vcpu_count; v++) {
        const struct hv_evtchn_vcpu_shared *sh = &cfg->vcpu_shared[v];

        if (sh->pending_sel == NULL || sh->upcall_pending == NULL ||
            sh->upcall_mask == NULL)
            return HV_EINVAL;
    }

    hv_memset(d, 0, sizeof(*d));
    hv_spin_init(&d->lock);
    d->domid = cfg->domid;
    d->port_count = cfg->port_count;
    d->vcpu_count = cfg->vcpu_count;
    d->ports = cfg->ports;
    d->vcpus = cfg->vcpus;
    d->pending = cfg->pending;
    d->mask = cfg->mask;
    d->ops = cfg->ops;
    d->ops_ctx = cfg->ops_ctx;
    hv_memset(d->ports, 0, sizeof(d->ports[0]) * d->port_count);
    for (unsigned int v = 0; v < d->vcpu_count; v++) {
        hv_memset(&d->vcpus[v], 0, sizeof(d->vcpus[v]));
        d->vcpus[v].shared = cfg->vcpu_shared[v];
    }
    for (hv_evtchn_port_t port = 0; port < d->port_count; port++)
        evtchn_clear_pending(d, port);
    return 0;
}

int hv_evtchn_domain_teardown(struct hv_evtchn_domain *d)
{
    if (d == NULL)
        return HV_EINVAL;
    hv_spin_lock(&d->lock);
    if (d->dying) {
        hv_spin_unlock(&d->lock);
        return HV_ESRCH;
    }
    /* From here on no port can be allocated or connected to. */
    __atomic_store_n(&d->dying, true, __ATOMIC_RELEASE);
    hv_spin_unlock(&d->lock);

    close_all(d);

    hv_spin_lock(&d->lock);
    HV_CHECK(d->ports_in_use == 0);
    hv_spin_unlock(&d->lock);
    return 0;
}

int hv_evtchn_reset(struct hv_evtchn_domain *d)
{
    if (d == NULL)
        return HV_EINVAL;
    if (evtchn_is_dying(d))
        return HV_ESRCH;
    close_all(d);
    return 0;
}

/* ---- operations ---- */

int hv_evtchn_alloc_unbound(struct hv_evtchn_domain *d, hv_domid_t remote_domid,
                            hv_evtchn_port_t *port)
{
    hv_evtchn_port_t fresh;
    struct hv_evtchn_port *p;
    int rc = 0;

    if (d == NULL || port == NULL)
        return HV_EINVAL;
    hv_spin_lock(&d->lock);
    fresh = find_free_port(d);
    if (d->dying) {
        rc = HV_ESRCH;
    } else if (fresh == 0) {
        rc = HV_ENOSPC;
    } else {
        p = take_port(d, fresh, HV_EVTCHNSTAT_UNBOUND);
        p->remote_domid = remote_domid;
        *port = fresh;
    }
    hv_spin_unlock(&d->lock);
    return rc;
}

int hv_evtchn_bind_interdomain(struct hv_evtchn_domain *ld,
                               struct hv_evtchn_domain *rd,
                               hv_evtchn_port_t rport, hv_evtchn_port_t *lport)
{
    struct hv_evtchn_port *lp;
    struct hv_evtchn_port *rp;
    hv_evtchn_port_t fresh;
    int rc = 0;

    if (ld == NULL || rd == NULL || lport == NULL)
        return HV_EINVAL;
    if (!evtchn_port_in_range(rd, rport))
        return HV_EINVAL;
    lock_two(ld, rd);
    rp = &rd->ports[rport];
    fresh = find_free_port(ld);
    if (ld->dying || rd->dying) {
        rc = HV_ESRCH;
    } else if (rp->state != HV_EVTCHNSTAT_UNBOUND ||
               rp->remote_domid != ld->domid) {
        rc = HV_EINVAL;
    } else if (fresh == 0) {
        rc = HV_ENOSPC;
    } else {
        lp = take_port(ld, fresh, HV_EVTCHNSTAT_INTERDOMAIN);
        lp->peer = rd;
        lp->peer_port = rport;
        rp->state = HV_EVTCHNSTAT_INTERDOMAIN;
        rp->peer = ld;
        rp->peer_port = fresh;
        rp->remote_domid = 0;
        /* The remote side may have sent while unbound: notify once. */
        evtchn_set_pending(ld, fresh, 0);
        *lport = fresh;
    }
    unlock_two(ld, rd);
    return rc;
}

int hv_evtchn_bind_virq(struct hv_evtchn_domain *d, uint32_t virq,
                        uint32_t vcpu, hv_evtchn_port_t *port)
{
    hv_evtchn_port_t fresh;
    struct hv_evtchn_port *p;
    int rc = 0;

    if (d == NULL || port == NULL || virq >= HV_NR_VIRQS)
        return HV_EINVAL;
    if (!hv_evtchn_virq_is_per_vcpu(virq) && vcpu != 0)
        return HV_EINVAL;
    if (vcpu >= d->vcpu_count)
        return HV_ENOENT;
    hv_spin_lock(&d->lock);
    fresh = find_free_port(d);
    if (d->dying) {
        rc = HV_ESRCH;
    } else if (d->vcpus[vcpu].virq_port[virq] != 0) {
        rc = HV_EEXIST;
    } else if (fresh == 0) {
        rc = HV_ENOSPC;
    } else {
        p = take_port(d, fresh, HV_EVTCHNSTAT_VIRQ);
        p->virq = (uint8_t)virq;
        p->virq_vcpu = (uint16_t)vcpu;
        evtchn_set_notify_vcpu(p, vcpu);
        d->vcpus[vcpu].virq_port[virq] = (uint16_t)fresh;
        *port = fresh;
    }
    hv_spin_unlock(&d->lock);
    return rc;
}

int hv_evtchn_bind_ipi(struct hv_evtchn_domain *d, uint32_t vcpu,
                       hv_evtchn_port_t *port)
{
    hv_evtchn_port_t fresh;
    struct hv_evtchn_port *p;
    int rc = 0;

    if (d == NULL || port == NULL)
        return HV_EINVAL;
    if (vcpu >= d->vcpu_count)
        return HV_ENOENT;
    hv_spin_lock(&d->lock);
    fresh = find_free_port(d);
    if (d->dying) {
        rc = HV_ESRCH;
    } else if (fresh == 0) {
        rc = HV_ENOSPC;
    } else {
        p = take_port(d, fresh, HV_EVTCHNSTAT_IPI);
        evtchn_set_notify_vcpu(p, vcpu);
        *port = fresh;
    }
    hv_spin_unlock(&d->lock);
    return rc;
}

int hv_evtchn_bind_vcpu(struct hv_evtchn_domain *d, hv_evtchn_port_t port,
                        uint32_t vcpu)
{
    struct hv_evtchn_port *p;
    int rc = 0;

    if (d == NULL || !evtchn_port_in_range(d, port))
        return HV_EINVAL;
    if (vcpu >= d->vcpu_count)
        return HV_ENOENT;
    hv_spin_lock(&d->lock);
    p = &d->ports[port];
    if (d->dying) {
        rc = HV_ESRCH;
    } else if (p->state == HV_EVTCHNSTAT_UNBOUND ||
               p->state == HV_EVTCHNSTAT_INTERDOMAIN ||
               (p->state == HV_EVTCHNSTAT_VIRQ &&
                !hv_evtchn_virq_is_per_vcpu(p->virq))) {
        evtchn_set_notify_vcpu(p, vcpu);
    } else {
        rc = HV_EINVAL;
    }
    hv_spin_unlock(&d->lock);
    return rc;
}

int hv_evtchn_close(struct hv_evtchn_domain *d, hv_evtchn_port_t port)
{
    struct hv_evtchn_domain *rd;
    int rc;

    if (d == NULL || !evtchn_port_in_range(d, port))
        return HV_EINVAL;
    rd = lock_port(d, port);
    if (d->dying)
        rc = HV_ESRCH;
    else
        rc = close_locked(d, port, rd);
    unlock_port(d, rd);
    return rc;
}

int hv_evtchn_status(struct hv_evtchn_domain *d, hv_evtchn_port_t port,
                     struct hv_evtchn_status *st)
{
    const struct hv_evtchn_port *p;

    if (d == NULL || st == NULL || !evtchn_port_in_range(d, port))
        return HV_EINVAL;
    hv_memset(st, 0, sizeof(*st));
    hv_spin_lock(&d->lock);
    p = &d->ports[port];
    st->status = p->state;
    st->vcpu = evtchn_notify_vcpu(p);
    switch (p->state) {
    case HV_EVTCHNSTAT_UNBOUND:
        st->u.unbound.dom = p->remote_domid;
        break;
    case HV_EVTCHNSTAT_INTERDOMAIN:
        st->u.interdomain.dom = p->peer->domid;
        st->u.interdomain.port = p->peer_port;
        break;
    case HV_EVTCHNSTAT_VIRQ:
        st->u.virq = p->virq;
        break;
    default:
        break;
    }
    hv_spin_unlock(&d->lock);
    return 0;
}

unsigned int hv_evtchn_ports_in_use(struct hv_evtchn_domain *d)
{
    unsigned int n;

    if (d == NULL)
        return 0;
    hv_spin_lock(&d->lock);
    n = d->ports_in_use;
    hv_spin_unlock(&d->lock);
    return n;
}
