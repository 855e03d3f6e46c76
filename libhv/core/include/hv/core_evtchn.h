/*
 * <hv/core_evtchn.h>: event channels in the core (libhv-evtchn wired to
 * domains, vCPUs and the event_channel_op hypercall).
 *
 * An image that wants event channels calls hv_core_evtchn_enable() once
 * and hv_core_evtchn_attach() for each domain after creating its vCPUs;
 * an image that does not call them links none of libhv-evtchn.
 *
 * Delivery follows Xen's 2-level scheme in the domain's shared_info: the
 * pending and mask bitmaps, and per vCPU the pending selector and the
 * upcall flags in vcpu_info. When an event becomes deliverable to a vCPU,
 * the vCPU is unblocked; a vCPU timer that fires raises VIRQ_TIMER when
 * the domain has bound it.
 */
#ifndef HV_CORE_EVTCHN_H
#define HV_CORE_EVTCHN_H

#include <hv/core.h>
#include <hv/evtchn.h>

HV_EXTERN_C_BEGIN

/* Ports per domain the core gives (of the ABI's 4096). */
#define HV_CORE_EVTCHN_PORTS 256

/* Register event_channel_op and the VIRQ_TIMER hook. */
int hv_core_evtchn_enable(void);

/*
 * hv_core_evtchn_attach() - give domain `d` (with all its vCPUs created)
 * an event-channel table. Return: HV_OK; HV_EINVAL; HV_EEXIST if it has
 * one; HV_ENOMEM.
 */
int hv_core_evtchn_attach(struct hv_domain *d);

/*
 * hv_core_evtchn_poll() - the guest side of delivery, for orphan vCPUs:
 * clear the vCPU's upcall flag, then take and clear up to `max` pending,
 * unmasked ports into `ports` (lowest first), as a PV guest's upcall
 * handler does. Return: the number of ports taken.
 */
unsigned int hv_core_evtchn_poll(struct hv_vcpu *v, hv_evtchn_port_t *ports,
                                 unsigned int max);

HV_EXTERN_C_END

#endif /* HV_CORE_EVTCHN_H */
