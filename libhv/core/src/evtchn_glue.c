/*
 * libhv-evtchn wired into the core.
 *
 * Each domain gets a struct hv_evtchn_domain whose bitmaps are its
 * shared_info's and whose per-vCPU delivery words are its vcpu_infos', so
 * the guest-visible layout is exactly Xen's. The kick callout unblocks the
 * vCPU; the hypercall copies the sub-command's argument structure in from
 * the guest, lets hv_evtchn_op() do the work and copies it back only on
 * success. Domain ids are resolved by the core's domain table.
 */
#include "core_priv.h"
#include <hv/core_evtchn.h>

struct evtchn_block {
    struct hv_evtchn_domain ed;
    struct hv_evtchn_port ports[HV_CORE_EVTCHN_PORTS];
    struct hv_evtchn_vcpu vcpus[HV_MAX_VCPUS_PER_DOMAIN];
};

static void kick(void *ctx, struct hv_evtchn_domain *ed, unsigned int vcpu)
{
    struct hv_domain *d = ctx;

    (void)ed;
    if (vcpu < d->vcpu_count)
        hv_vcpu_unblock(d->vcpus[vcpu]);
}

static const struct hv_evtchn_ops evtchn_ops = {.kick = kick};

static int resolve(void *ctx, struct hv_evtchn_domain *caller, unsigned int cmd,
                   hv_domid_t domid, struct hv_evtchn_domain **out)
{
    struct hv_domain *d;

    (void)ctx;
    (void)cmd;
    if (domid == HV_DOMID_SELF) {
        *out = caller;
        return HV_OK;
    }
    d = hv_domain_lookup(domid);
    if (d == NULL || d->evtchn == NULL)
        return HV_ESRCH;
    *out = d->evtchn;
    return HV_OK;
}

static const struct hv_evtchn_resolver resolver = {.get = resolve};

/* Size of each sub-command's argument structure (0: unknown). */
static size_t arg_size(unsigned int cmd)
{
    switch (cmd) {
    case HV_EVTCHNOP_BIND_INTERDOMAIN:
        return sizeof(struct hv_evtchn_op_bind_interdomain);
    case HV_EVTCHNOP_BIND_VIRQ:
        return sizeof(struct hv_evtchn_op_bind_virq);
    case HV_EVTCHNOP_BIND_PIRQ:
        return sizeof(struct hv_evtchn_op_bind_pirq);
    case HV_EVTCHNOP_CLOSE:
    case HV_EVTCHNOP_SEND:
    case HV_EVTCHNOP_UNMASK:
        return sizeof(struct hv_evtchn_op_port);
    case HV_EVTCHNOP_STATUS:
        return sizeof(struct hv_evtchn_op_status);
    case HV_EVTCHNOP_ALLOC_UNBOUND:
        return sizeof(struct hv_evtchn_op_alloc_unbound);
    case HV_EVTCHNOP_BIND_IPI:
        return sizeof(struct hv_evtchn_op_bind_ipi);
    case HV_EVTCHNOP_BIND_VCPU:
        return sizeof(struct hv_evtchn_op_bind_vcpu);
    case HV_EVTCHNOP_RESET:
        return sizeof(struct hv_evtchn_op_reset);
    default:
        return 0;
    }
}

static long do_event_channel_op(struct hv_vcpu *v, const uint64_t args[6])
{
    unsigned int cmd = (unsigned int)args[0];
    uint64_t buf[4]; /* the largest argument structure is 24 bytes */
    size_t size;
    int rc;

    if (args[0] > 0xffffffffULL || v->domain->evtchn == NULL)
        return HV_ENOSYS;
    size = arg_size(cmd);
    if (size == 0)
        return HV_ENOSYS;
    if (hv_copy_from_guest(v, buf, args[1], size) != HV_OK)
        return HV_EFAULT;
    rc = hv_evtchn_op(v->domain->evtchn, cmd, buf, &resolver);
    if (rc < 0)
        return rc;
    if (cmd == HV_EVTCHNOP_SEND)
        v->domain->events_sent++;
    if (hv_copy_to_guest(v, args[1], buf, size) != HV_OK)
        return HV_EFAULT;
    return rc;
}

static void timer_fired(struct hv_vcpu *v)
{
    if (v->domain != NULL && v->domain->evtchn != NULL)
        hv_evtchn_send_virq(v->domain->evtchn, v->id, HV_VIRQ_TIMER);
}

static const char *const stat_names[] = {"closed", "unbound", "interdomain",
                                         "pirq",   "virq",    "ipi"};

static void debug_ports(struct hv_domain *d, core_out_fn out)
{
    unsigned int shown = 0;

    if (d->evtchn == NULL) {
        out("domain %u has no event channels\n", d->id);
        return;
    }
    for (hv_evtchn_port_t port = 1; port < HV_CORE_EVTCHN_PORTS; port++) {
        struct hv_evtchn_status st;
        bool pending, masked;

        if (hv_evtchn_status(d->evtchn, port, &st) != HV_OK ||
            st.status == HV_EVTCHNSTAT_CLOSED)
            continue;
        pending = hv_bit_test_atomic(
            (const hv_word_t *)d->shared_info->evtchn_pending, port);
        masked = hv_bit_test_atomic(
            (const hv_word_t *)d->shared_info->evtchn_mask, port);
        out("port %3u: %-11s vcpu %u", port,
            st.status < HV_ARRAY_SIZE(stat_names) ? stat_names[st.status] : "?",
            st.vcpu);
        if (st.status == HV_EVTCHNSTAT_INTERDOMAIN)
            out(" -> d%u port %u", st.u.interdomain.dom, st.u.interdomain.port);
        else if (st.status == HV_EVTCHNSTAT_UNBOUND)
            out(" for d%u", st.u.unbound.dom);
        else if (st.status == HV_EVTCHNSTAT_VIRQ)
            out(" virq %u", st.u.virq);
        out("%s%s\n", pending ? " pending" : "", masked ? " masked" : "");
        shown++;
    }
    out("domain %u: %u port(s) in use\n", d->id, shown);
}

int hv_core_evtchn_enable(void)
{
    int rc = hv_hypercall_register(HV_HYPERCALL_event_channel_op,
                                   do_event_channel_op);

    if (rc != HV_OK)
        return rc;
    hv_core_timer_hook = timer_fired;
    core_debug_evtchn = debug_ports;
    return HV_OK;
}

int hv_core_evtchn_attach(struct hv_domain *d)
{
    struct hv_evtchn_vcpu_shared shared[HV_MAX_VCPUS_PER_DOMAIN];
    struct hv_evtchn_domain_config cfg;
    struct evtchn_block *b;
    unsigned int order = core_order_for(sizeof(*b));
    int rc;

    if (d == NULL || !d->in_use || d->vcpu_count == 0 ||
        d->vcpu_count > HV_LEGACY_MAX_VCPUS)
        return HV_EINVAL;
    if (d->evtchn != NULL)
        return HV_EEXIST;
    b = core_pages_alloc(order);
    if (b == NULL)
        return HV_ENOMEM;
    for (unsigned int i = 0; i < d->vcpu_count; i++) {
        struct hv_vcpu_info *vi = &d->shared_info->vcpu_info[i];

        shared[i].pending_sel = (hv_word_t *)&vi->evtchn_pending_sel;
        shared[i].upcall_pending = &vi->evtchn_upcall_pending;
        shared[i].upcall_mask = &vi->evtchn_upcall_mask;
    }
    hv_memset(&cfg, 0, sizeof(cfg));
    cfg.domid = d->id;
    cfg.port_count = HV_CORE_EVTCHN_PORTS;
    cfg.ports = b->ports;
    cfg.pending = (hv_word_t *)d->shared_info->evtchn_pending;
    cfg.mask = (hv_word_t *)d->shared_info->evtchn_mask;
    cfg.vcpu_count = d->vcpu_count;
    cfg.vcpus = b->vcpus;
    cfg.vcpu_shared = shared;
    cfg.ops = &evtchn_ops;
    cfg.ops_ctx = d;
    rc = hv_evtchn_domain_init(&b->ed, &cfg);
    if (rc != HV_OK) {
        core_pages_free(b, order);
        return rc;
    }
    d->evtchn = &b->ed;
    return HV_OK;
}

unsigned int hv_core_evtchn_poll(struct hv_vcpu *v, hv_evtchn_port_t *ports,
                                 unsigned int max)
{
    struct hv_shared_info *si = v->domain->shared_info;
    struct hv_vcpu_info *vi = v->vcpu_info;
    unsigned int n = 0;
    hv_word_t sel;

    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel != 0 && n < max) {
        unsigned int w = hv_word_ffs(sel);
        hv_word_t bits =
            __atomic_load_n(&si->evtchn_pending[w], __ATOMIC_SEQ_CST) &
            ~__atomic_load_n(&si->evtchn_mask[w], __ATOMIC_SEQ_CST);

        sel &= sel - 1;
        while (bits != 0 && n < max) {
            unsigned int b = hv_word_ffs(bits);
            unsigned long port = (unsigned long)w * HV_WORD_BITS + b;

            bits &= bits - 1;
            if (hv_bit_test_and_clear_atomic((hv_word_t *)si->evtchn_pending,
                                             port))
                ports[n++] = (hv_evtchn_port_t)port;
        }
        if (bits != 0) {
            /* Out of room: leave the rest for the next poll. */
            __atomic_fetch_or(&vi->evtchn_pending_sel, (hv_word_t)1 << w,
                              __ATOMIC_SEQ_CST);
            __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
        }
    }
    if (sel != 0) {
        __atomic_fetch_or(&vi->evtchn_pending_sel, sel, __ATOMIC_SEQ_CST);
        __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    }
    v->domain->events_received += n;
    return n;
}
