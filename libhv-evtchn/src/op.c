/*
 * The event_channel_op hypercall: decode a sub-command, resolve the domain
 * ids it names, call the operation.
 *
 * This is the only place that knows Xen's argument layouts; the operations
 * themselves take typed arguments. Domain ids are resolved through the
 * caller's resolver, which also holds whatever reference keeps the named
 * domain alive for the length of the call and decides who may name whom
 * (Xen lets only a privileged domain allocate ports for, query or reset
 * another). DOMID_SELF never reaches the resolver: it is the caller.
 * Out fields are written only on success, so a refused call hands the guest
 * back exactly what it passed in.
 */
#include "evtchn_priv.h"

/* Resolve `id` for `caller`; on success *out is referenced when != caller. */
static int get_dom(struct hv_evtchn_domain *caller, unsigned int cmd,
                   hv_domid_t id, const struct hv_evtchn_resolver *r,
                   struct hv_evtchn_domain **out)
{
    if (id == HV_DOMID_SELF || id == caller->domid) {
        *out = caller;
        return 0;
    }
    if (r == NULL || r->get == NULL)
        return HV_ESRCH;
    return r->get(r->ctx, caller, cmd, id, out);
}

static void put_dom(struct hv_evtchn_domain *caller, struct hv_evtchn_domain *d,
                    const struct hv_evtchn_resolver *r)
{
    if (d != caller && r != NULL && r->put != NULL)
        r->put(r->ctx, d);
}

static int op_alloc_unbound(struct hv_evtchn_domain *caller,
                            struct hv_evtchn_op_alloc_unbound *a,
                            const struct hv_evtchn_resolver *r)
{
    struct hv_evtchn_domain *d;
    hv_domid_t remote = a->remote_dom;
    hv_evtchn_port_t port;
    int rc = get_dom(caller, HV_EVTCHNOP_ALLOC_UNBOUND, a->dom, r, &d);

    if (rc != 0)
        return rc;
    if (remote == HV_DOMID_SELF)
        remote = caller->domid;
    rc = hv_evtchn_alloc_unbound(d, remote, &port);
    if (rc == 0)
        a->port = port;
    put_dom(caller, d, r);
    return rc;
}

static int op_bind_interdomain(struct hv_evtchn_domain *caller,
                               struct hv_evtchn_op_bind_interdomain *a,
                               const struct hv_evtchn_resolver *r)
{
    struct hv_evtchn_domain *rd;
    hv_evtchn_port_t port;
    int rc =
        get_dom(caller, HV_EVTCHNOP_BIND_INTERDOMAIN, a->remote_dom, r, &rd);

    if (rc != 0)
        return rc;
    rc = hv_evtchn_bind_interdomain(caller, rd, a->remote_port, &port);
    if (rc == 0)
        a->local_port = port;
    put_dom(caller, rd, r);
    return rc;
}

static int op_status(struct hv_evtchn_domain *caller,
                     struct hv_evtchn_op_status *a,
                     const struct hv_evtchn_resolver *r)
{
    struct hv_evtchn_domain *d;
    struct hv_evtchn_status st;
    int rc = get_dom(caller, HV_EVTCHNOP_STATUS, a->dom, r, &d);

    if (rc != 0)
        return rc;
    rc = hv_evtchn_status(d, a->port, &st);
    if (rc == 0)
        a->st = st;
    put_dom(caller, d, r);
    return rc;
}

static int op_reset(struct hv_evtchn_domain *caller,
                    struct hv_evtchn_op_reset *a,
                    const struct hv_evtchn_resolver *r)
{
    struct hv_evtchn_domain *d;
    int rc = get_dom(caller, HV_EVTCHNOP_RESET, a->dom, r, &d);

    if (rc != 0)
        return rc;
    rc = hv_evtchn_reset(d);
    put_dom(caller, d, r);
    return rc;
}

int hv_evtchn_op(struct hv_evtchn_domain *caller, unsigned int cmd, void *arg,
                 const struct hv_evtchn_resolver *r)
{
    hv_evtchn_port_t port;
    int rc;

    if (caller == NULL)
        return HV_EINVAL;
    if (arg == NULL)
        return HV_EFAULT;
    switch (cmd) {
    case HV_EVTCHNOP_ALLOC_UNBOUND:
        return op_alloc_unbound(caller, arg, r);
    case HV_EVTCHNOP_BIND_INTERDOMAIN:
        return op_bind_interdomain(caller, arg, r);
    case HV_EVTCHNOP_BIND_VIRQ: {
        struct hv_evtchn_op_bind_virq *a = arg;

        rc = hv_evtchn_bind_virq(caller, a->virq, a->vcpu, &port);
        if (rc == 0)
            a->port = port;
        return rc;
    }
    case HV_EVTCHNOP_BIND_IPI: {
        struct hv_evtchn_op_bind_ipi *a = arg;

        rc = hv_evtchn_bind_ipi(caller, a->vcpu, &port);
        if (rc == 0)
            a->port = port;
        return rc;
    }
    case HV_EVTCHNOP_BIND_PIRQ:
        /* Physical IRQs are reserved: no domain may bind one. */
        return HV_EPERM;
    case HV_EVTCHNOP_CLOSE:
        return hv_evtchn_close(caller, ((struct hv_evtchn_op_port *)arg)->port);
    case HV_EVTCHNOP_SEND:
        return hv_evtchn_send(caller, ((struct hv_evtchn_op_port *)arg)->port);
    case HV_EVTCHNOP_UNMASK:
        return hv_evtchn_unmask(caller,
                                ((struct hv_evtchn_op_port *)arg)->port);
    case HV_EVTCHNOP_STATUS:
        return op_status(caller, arg, r);
    case HV_EVTCHNOP_BIND_VCPU: {
        struct hv_evtchn_op_bind_vcpu *a = arg;

        return hv_evtchn_bind_vcpu(caller, a->port, a->vcpu);
    }
    case HV_EVTCHNOP_RESET:
        return op_reset(caller, arg, r);
    default:
        /* FIFO ABI (init_control, expand_array, set_priority), unknown. */
        return HV_ENOSYS;
    }
}
