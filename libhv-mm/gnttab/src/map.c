/*
 * Mapping a grant and unmapping it: the maptrack.
 *
 * Each mapping a domain holds is one maptrack entry in that domain's
 * array, and its index is the handle the guest gets back. The entry
 * records everything unmap needs without trusting the guest again: the
 * granting table, the reference, the frame the pin locked in, whether it
 * is writable, and the host address, which unmap must repeat (a guest
 * that names another mapping's address is refused: XSA-234). Free
 * entries form a singly linked list through next_free, so allocation and
 * release are O(1); a handle is in use exactly when its granter pointer
 * is set, which makes a second unmap of the same handle a clean refusal
 * (XSA-218) rather than a second release.
 *
 * The maptrack entry belongs to the mapper, the pin to the granter, so a
 * map or unmap holds both tables' locks (gt_lock_two / gt_lock_handle).
 * The libhv-mm references are taken by gt_pin before the handle is
 * consumed, and a failure at any step undoes the steps before it, so a
 * refused map leaves no pin, no flag and no reference behind.
 */
#include "gnttab_priv.h"

#define GT_MAP_KNOWN                                                  \
    (HV_GNTMAP_device_map | HV_GNTMAP_host_map | HV_GNTMAP_readonly | \
     HV_GNTMAP_application_map | HV_GNTMAP_contains_pte)

static int map_locked(struct hv_gnttab *mapper, struct hv_gnttab *g,
                      struct hv_gnttab_map_grant_ref *op, hv_grant_ref_t ref,
                      uint32_t flags, uint64_t host_addr,
                      struct hv_mm_flush *flush)
{
    struct hv_gnttab_maptrack *mt;
    bool rw = !(flags & HV_GNTMAP_readonly);
    uint64_t mfn;
    uint32_t h;
    int rc;

    if (gt_is_dying(mapper) || gt_is_dying(g))
        return HV_GNTST_bad_domain;
    if (mapper->maptrack_free >= mapper->cfg.maptrack_count)
        return HV_GNTST_no_device_space;
    rc = gt_pin(g, ref, mapper->cfg.domid, rw, &mfn, flush);
    if (rc != HV_GNTST_okay)
        return rc;

    h = mapper->maptrack_free;
    mt = &mapper->cfg.maptrack[h];
    mapper->maptrack_free = mt->next_free;
    mapper->maptrack_used++;
    mt->granter = g;
    mt->ref = ref;
    mt->flags = flags & (HV_GNTMAP_device_map | HV_GNTMAP_host_map |
                         HV_GNTMAP_readonly);
    mt->host_addr = host_addr;
    mt->mfn = mfn;
    mt->next_free = 0;
    op->handle = h;
    op->dev_bus_addr = mfn << HV_PAGE_SHIFT;
    return HV_GNTST_okay;
}

int hv_gnttab_map_grant_ref(struct hv_gnttab *mapper, struct hv_gnttab *g,
                            struct hv_gnttab_map_grant_ref *op,
                            struct hv_mm_flush *flush)
{
    /* Each guest field read once. */
    uint32_t flags = HV_READ_ONCE(op->flags);
    hv_grant_ref_t ref = HV_READ_ONCE(op->ref);
    uint16_t dom = HV_READ_ONCE(op->dom);
    uint64_t host_addr = HV_READ_ONCE(op->host_addr);
    int rc;

    if (!mapper || !g || !gt_names(g, mapper, dom) ||
        g->cfg.mm != mapper->cfg.mm) {
        rc = HV_GNTST_bad_domain;
    } else if (!(flags & HV_GNTMAP_host_map)) {
        rc = HV_GNTST_bad_gntref; /* as Xen: no mapping asked */
    } else if (flags & ~(uint32_t)GT_MAP_KNOWN ||
               flags & (HV_GNTMAP_application_map | HV_GNTMAP_contains_pte)) {
        rc = HV_GNTST_general_error;
    } else if (!HV_IS_ALIGNED(host_addr, (uint64_t)HV_PAGE_SIZE)) {
        rc = HV_GNTST_bad_virt_addr;
    } else {
        gt_lock_two(mapper, g);
        rc = map_locked(mapper, g, op, ref, flags, host_addr, flush);
        gt_unlock_two(mapper, g);
    }
    op->status = (int16_t)rc;
    return rc;
}

void gt_unmap_locked(struct hv_gnttab *mapper, uint32_t h,
                     struct hv_mm_flush *flush)
{
    struct hv_gnttab_maptrack *mt = &mapper->cfg.maptrack[h];
    struct hv_gnttab *g = mt->granter;

    HV_CHECK(g != NULL);
    HV_CHECK(g->cfg.active[mt->ref].mfn == mt->mfn);
    gt_unpin(g, mt->ref, !(mt->flags & HV_GNTMAP_readonly), flush);
    mt->granter = NULL;
    mt->host_addr = 0;
    mt->mfn = 0;
    mt->ref = 0;
    mt->flags = 0;
    mt->next_free = mapper->maptrack_free;
    mapper->maptrack_free = h;
    HV_CHECK(mapper->maptrack_used > 0);
    mapper->maptrack_used--;
}

int hv_gnttab_unmap_grant_ref(struct hv_gnttab *mapper,
                              struct hv_gnttab_unmap_grant_ref *op,
                              struct hv_mm_flush *flush)
{
    hv_grant_handle_t h = HV_READ_ONCE(op->handle);
    uint64_t host_addr = HV_READ_ONCE(op->host_addr);
    uint64_t dev_bus_addr = HV_READ_ONCE(op->dev_bus_addr);
    struct hv_gnttab_maptrack *mt;
    struct hv_gnttab *g;
    int rc = HV_GNTST_okay;

    if (!mapper || h >= mapper->cfg.maptrack_count) {
        op->status = HV_GNTST_bad_handle;
        return HV_GNTST_bad_handle;
    }
    g = gt_lock_handle(mapper, h);
    mt = &mapper->cfg.maptrack[h];
    if (!g)
        rc = HV_GNTST_bad_handle; /* free: never mapped or unmapped twice */
    else if (host_addr != mt->host_addr)
        rc = HV_GNTST_bad_virt_addr;
    else if (dev_bus_addr != 0 && dev_bus_addr != mt->mfn << HV_PAGE_SHIFT)
        rc = HV_GNTST_bad_dev_addr;
    else
        gt_unmap_locked(mapper, h, flush);
    gt_unlock_two(mapper, g);
    op->status = (int16_t)rc;
    return rc;
}
