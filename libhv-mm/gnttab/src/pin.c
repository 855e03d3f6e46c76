/*
 * Pins: one use of a grant entry with its libhv-mm references (the
 * protocol, and the claim half of a use: pin.h). A map holds a pin for
 * the mapping's life; a copy claims (pin.h) and has libhv-mm check its
 * frames and move the bytes in one call (hv_mm_copy), so it needs no
 * references of its own.
 */
#include "pin.h"

int gt_pin(struct hv_gnttab *g, hv_grant_ref_t ref, hv_domid_t user, bool rw,
           uint64_t *mfn, struct hv_mm_flush *flush)
{
    uint64_t frame;
    int rc;

    rc = gt_claim(g, ref, user, rw, &frame);
    if (rc != HV_GNTST_okay)
        return rc;
    /* One libhv-mm call either way; it takes nothing when it fails. */
    if ((rw ? hv_mm_get_page_and_type(g->cfg.mm, hv_mfn(frame), g->cfg.domid,
                                      HV_MM_TYPE_WRITABLE, flush)
            : hv_mm_get_page(g->cfg.mm, hv_mfn(frame), g->cfg.domid)) !=
        HV_OK) {
        gt_release(g, ref, rw); /* the flags back as they were (XSA-236) */
        return HV_GNTST_general_error;
    }
    *mfn = frame;
    return HV_GNTST_okay;
}

void gt_unpin(struct hv_gnttab *g, hv_grant_ref_t ref, bool rw,
              struct hv_mm_flush *flush)
{
    hv_mfn_t m;

    HV_CHECK(ref < gt_entry_count(g));
    m = hv_mfn(g->cfg.active[ref].mfn);
    if (rw)
        HV_CHECK(hv_mm_put_page_and_type(g->cfg.mm, m, HV_MM_TYPE_WRITABLE,
                                         flush) == HV_OK);
    else
        HV_CHECK(hv_mm_put_page(g->cfg.mm, m, flush) == HV_OK);
    gt_release(g, ref, rw);
}
