/*
 * Private helpers shared by the port table (port.c) and delivery
 * (deliver.c). Not installed.
 */
#ifndef HV_EVTCHN_PRIV_H
#define HV_EVTCHN_PRIV_H

#include <hv/evtchn.h>

/* Is `port` a number inside the table (it may still be closed)? */
static inline bool evtchn_port_in_range(const struct hv_evtchn_domain *d,
                                        hv_evtchn_port_t port)
{
    return port < d->port_count;
}

static inline unsigned int evtchn_notify_vcpu(const struct hv_evtchn_port *p)
{
    return __atomic_load_n(&p->notify_vcpu, __ATOMIC_RELAXED);
}

static inline void evtchn_set_notify_vcpu(struct hv_evtchn_port *p,
                                          unsigned int vcpu)
{
    __atomic_store_n(&p->notify_vcpu, (uint16_t)vcpu, __ATOMIC_RELAXED);
}

static inline bool evtchn_is_dying(const struct hv_evtchn_domain *d)
{
    return __atomic_load_n(&d->dying, __ATOMIC_ACQUIRE);
}

/*
 * Make `port` of `d` pending and signal `vcpu` if this made it
 * deliverable (deliver.c). Caller holds a lock that keeps `d` alive and
 * `port`'s binding stable: d's own lock, or the lock of the domain whose
 * interdomain port points at (d, port).
 */
void evtchn_set_pending(struct hv_evtchn_domain *d, hv_evtchn_port_t port,
                        unsigned int vcpu);

/* Clear the pending bit of a port being closed or allocated (deliver.c). */
void evtchn_clear_pending(struct hv_evtchn_domain *d, hv_evtchn_port_t port);

#endif /* HV_EVTCHN_PRIV_H */
