/*
 * The grant_table_op decoder: one sub-command, a batch of elements.
 *
 * The core copies the guest's array of argument structures into
 * hypervisor memory and hands it here with the command; this file turns
 * each element's domain ids into tables through the caller's resolver,
 * calls the operation, and leaves the status (and out fields) in the
 * element for the core to copy back. As in Xen, the batch operations
 * (map, unmap, copy, transfer) report per element and go on after a
 * refused element; the hypercall itself succeeds.
 *
 * Every table obtained from the resolver is given back with put() before
 * the next element, whatever the outcome, so a batch never holds more
 * than two references at a time. DOMID_SELF and the caller's own id never
 * reach the resolver. The argument array is hypervisor memory, but each
 * field is still read once (the operations do that) so the core may pass
 * a buffer the guest can see.
 */
#include "gnttab_priv.h"

/* Resolve @domid for @caller: the caller itself, or a held table. */
static int resolve(struct hv_gnttab *caller, const struct hv_gnttab_resolver *r,
                   unsigned int cmd, uint16_t domid, struct hv_gnttab **out)
{
    if (domid == HV_DOMID_SELF || domid == caller->cfg.domid) {
        *out = caller;
        return HV_OK;
    }
    if (!r || !r->get)
        return HV_ESRCH;
    return r->get(r->ctx, caller, cmd, domid, out);
}

static void release(struct hv_gnttab *caller,
                    const struct hv_gnttab_resolver *r, struct hv_gnttab *gt)
{
    if (gt && gt != caller && r && r->put)
        r->put(r->ctx, gt);
}

static void map_one(struct hv_gnttab *caller,
                    const struct hv_gnttab_resolver *r,
                    struct hv_gnttab_map_grant_ref *op, struct hv_mm_flush *fl)
{
    struct hv_gnttab *g = NULL;

    if (resolve(caller, r, HV_GNTTABOP_map_grant_ref, HV_READ_ONCE(op->dom),
                &g) != HV_OK) {
        op->status = HV_GNTST_bad_domain;
        return;
    }
    (void)hv_gnttab_map_grant_ref(caller, g, op, fl);
    release(caller, r, g);
}

static void copy_one(struct hv_gnttab *caller,
                     const struct hv_gnttab_resolver *r,
                     struct hv_gnttab_copy *op, struct hv_mm_flush *fl)
{
    uint16_t flags = HV_READ_ONCE(op->flags);
    struct hv_gnttab *s = caller, *d = NULL;

    if ((flags & HV_GNTCOPY_source_gref) &&
        resolve(caller, r, HV_GNTTABOP_copy, HV_READ_ONCE(op->source.domid),
                &s) != HV_OK) {
        op->status = HV_GNTST_bad_domain;
        return;
    }
    if ((flags & HV_GNTCOPY_dest_gref) &&
        resolve(caller, r, HV_GNTTABOP_copy, HV_READ_ONCE(op->dest.domid),
                &d) != HV_OK) {
        release(caller, r, s);
        op->status = HV_GNTST_bad_domain;
        return;
    }
    (void)hv_gnttab_copy(caller, s, d ? d : caller, op, fl);
    release(caller, r, d);
    release(caller, r, s);
}

static void transfer_one(struct hv_gnttab *caller,
                         const struct hv_gnttab_resolver *r,
                         struct hv_gnttab_transfer *op, struct hv_mm_flush *fl)
{
    uint16_t domid = HV_READ_ONCE(op->domid);
    struct hv_gnttab *to = NULL;

    /* A transfer to oneself is refused; SELF is not resolved. */
    if (domid == HV_DOMID_SELF || domid == caller->cfg.domid ||
        resolve(caller, r, HV_GNTTABOP_transfer, domid, &to) != HV_OK) {
        op->status = HV_GNTST_bad_domain;
        return;
    }
    (void)hv_gnttab_transfer(caller, to, op, fl);
    release(caller, r, to);
}

static bool batched(unsigned int cmd)
{
    return cmd == HV_GNTTABOP_map_grant_ref ||
           cmd == HV_GNTTABOP_unmap_grant_ref || cmd == HV_GNTTABOP_copy ||
           cmd == HV_GNTTABOP_transfer;
}

int hv_gnttab_op(struct hv_gnttab *caller, unsigned int cmd, void *args,
                 unsigned int count, const struct hv_gnttab_resolver *r,
                 unsigned int *done, struct hv_mm_flush *flush)
{
    unsigned int i;
    int rc = HV_OK;

    if (done)
        *done = 0;
    if (!caller)
        return HV_EINVAL;
    if (!batched(cmd) && cmd != HV_GNTTABOP_query_size &&
        cmd != HV_GNTTABOP_set_version && cmd != HV_GNTTABOP_get_version)
        return HV_ENOSYS;
    if (!args)
        return HV_EFAULT;
    if (count == 0 || count > HV_GNTTAB_OP_MAX_BATCH ||
        (!batched(cmd) && count != 1))
        return HV_EINVAL;

    for (i = 0; i < count; i++) {
        switch (cmd) {
        case HV_GNTTABOP_map_grant_ref:
            map_one(caller, r, (struct hv_gnttab_map_grant_ref *)args + i,
                    flush);
            break;
        case HV_GNTTABOP_unmap_grant_ref:
            (void)hv_gnttab_unmap_grant_ref(
                caller, (struct hv_gnttab_unmap_grant_ref *)args + i, flush);
            break;
        case HV_GNTTABOP_copy:
            copy_one(caller, r, (struct hv_gnttab_copy *)args + i, flush);
            break;
        case HV_GNTTABOP_transfer:
            transfer_one(caller, r, (struct hv_gnttab_transfer *)args + i,
                         flush);
            break;
        case HV_GNTTABOP_query_size: {
            struct hv_gnttab_query_size *q = args;
            struct hv_gnttab *g = NULL;
            uint16_t dom = HV_READ_ONCE(q->dom);

            if (resolve(caller, r, cmd, dom, &g) != HV_OK) {
                q->status = HV_GNTST_bad_domain;
                break;
            }
            (void)hv_gnttab_query_size(g, q);
            release(caller, r, g);
            break;
        }
        case HV_GNTTABOP_set_version: {
            struct hv_gnttab_set_version *v = args;

            rc = hv_gnttab_set_version(caller, HV_READ_ONCE(v->version));
            v->version = hv_gnttab_get_version(caller);
            break;
        }
        default: { /* get_version */
            struct hv_gnttab_get_version *v = args;
            struct hv_gnttab *g = NULL;

            rc = resolve(caller, r, cmd, HV_READ_ONCE(v->dom), &g);
            if (rc == HV_OK) {
                v->version = hv_gnttab_get_version(g);
                release(caller, r, g);
            }
            break;
        }
        }
        if (done)
            *done = i + 1;
    }
    return rc;
}
