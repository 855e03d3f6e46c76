/*
 * Pins: taking and dropping one use of a grant entry.
 *
 * A grant entry lives in memory the granting guest can write at any
 * moment, so nothing the library decides may rest on a value it read
 * twice. The protocol is Xen's:
 *
 *  - The first use of an entry (or the first writable use) reads the
 *    32-bit (flags, domid) word once, checks the copy (type
 *    permit_access, domid is the user, not read-only when writable) and
 *    installs GTF_reading (and GTF_writing) with a compare-exchange that
 *    only succeeds if the word is still exactly the value checked. A
 *    guest that keeps changing the word makes the exchange fail; after
 *    HV_GNTTAB_CMPXCHG_TRIES attempts the use is refused.
 *  - The guest's side of the protocol (revoking an entry) is a
 *    compare-exchange that expects GTF_reading and GTF_writing clear. Once
 *    our exchange has set them, a well-behaved guest can no longer revoke
 *    the entry or change its frame; a hostile one can still scribble, but
 *    that only hurts itself: the frame number is read once, after the
 *    flags are set, and locked into the active entry (`act->mfn`). Later
 *    uses of the pinned entry use that locked frame and never re-read it.
 *  - Only one domain may use a version-1 entry at a time: the active
 *    entry records it, and another domain is refused while pins remain.
 *  - The frame is taken from libhv-mm as owned by the granter (a general
 *    reference; the WRITABLE type for writable uses), which is what
 *    proves the granter really owns it and keeps it from becoming a page
 *    table while someone writes it through the grant.
 *  - Every failure after the exchange puts the flags back as they were
 *    (XSA-236): GTF_writing is cleared if this call set it, GTF_reading
 *    if the entry had no pin before.
 *
 * The last writable use clears GTF_writing, the last use GTF_reading,
 * with atomic and-not on the flags half only, so a concurrent guest store
 * to domid or frame is not lost.
 */
#include "gnttab_priv.h"

/*
 * Set @set in the entry's flags after checking, on one read of the word,
 * that the entry grants @user the access asked. Return GNTST_okay or
 * GNTST_general_error (nothing written).
 */
static int set_status(uint32_t *hdr, hv_domid_t user, bool rw, uint32_t set)
{
    unsigned int tries;

    for (tries = 0; tries < HV_GNTTAB_CMPXCHG_TRIES; tries++) {
        uint32_t old = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
        uint16_t flags = GT_HDR_FLAGS(old);

        if ((flags & HV_GTF_type_mask) != HV_GTF_permit_access)
            return HV_GNTST_general_error; /* invalid, transfer, transitive */
        if (GT_HDR_DOMID(old) != user)
            return HV_GNTST_general_error;
        if (rw && (flags & HV_GTF_readonly))
            return HV_GNTST_general_error;
        if (__atomic_compare_exchange_n(hdr, &old, old | set, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return HV_GNTST_okay;
    }
    return HV_GNTST_general_error; /* the guest keeps changing the entry */
}

static void clear_flags(uint32_t *hdr, uint32_t bits)
{
    if (bits)
        __atomic_fetch_and(hdr, ~bits, __ATOMIC_RELEASE);
}

int gt_pin(struct hv_gnttab *g, hv_grant_ref_t ref, hv_domid_t user, bool rw,
           uint64_t *mfn, struct hv_mm_flush *flush)
{
    struct hv_gnttab_active *act;
    uint32_t *hdr;
    bool pinned;
    uint32_t set = 0;
    uint64_t frame = 0;
    int rc;

    if (ref >= gt_entry_count(g))
        return HV_GNTST_bad_gntref;
    act = &g->cfg.active[ref];
    hdr = gt_hdr(g, ref);
    pinned = act->pin_ro + act->pin_rw != 0;
    if (pinned && act->domid != user)
        return HV_GNTST_general_error;

    if (!pinned || (rw && act->pin_rw == 0)) {
        if (!pinned)
            set |= HV_GTF_reading;
        if (rw)
            set |= HV_GTF_writing;
        /* Only bits not already ours to clear later count as set here. */
        rc = set_status(hdr, user, rw, set);
        if (rc != HV_GNTST_okay)
            return rc;
    }

    if (!pinned) {
        struct hv_grant_entry_v1 *e = gt_entry(g, ref);

        frame = gt_frame_to_mfn(g, HV_READ_ONCE(e->frame));
        if (frame == HV_MM_INVALID_FRAME) {
            rc = HV_GNTST_general_error;
            goto undo;
        }
    } else {
        frame = act->mfn;
    }

    /* One libhv-mm call either way; it takes nothing when it fails. */
    if ((rw ? hv_mm_get_page_and_type(g->cfg.mm, hv_mfn(frame), g->cfg.domid,
                                      HV_MM_TYPE_WRITABLE, flush)
            : hv_mm_get_page(g->cfg.mm, hv_mfn(frame), g->cfg.domid)) !=
        HV_OK) {
        rc = HV_GNTST_general_error;
        goto undo;
    }

    if (!pinned) {
        act->mfn = frame;
        act->domid = user;
    }
    if (rw)
        act->pin_rw++;
    else
        act->pin_ro++;
    g->pins++;
    *mfn = frame;
    return HV_GNTST_okay;

undo:
    clear_flags(hdr, set);
    return rc;
}

void gt_unpin(struct hv_gnttab *g, hv_grant_ref_t ref, bool rw,
              struct hv_mm_flush *flush)
{
    struct hv_gnttab_active *act;
    hv_mfn_t m;
    uint32_t clear = 0;

    HV_CHECK(ref < gt_entry_count(g));
    act = &g->cfg.active[ref];
    m = hv_mfn(act->mfn);
    if (rw) {
        HV_CHECK(act->pin_rw > 0);
        act->pin_rw--;
        HV_CHECK(hv_mm_put_page_and_type(g->cfg.mm, m, HV_MM_TYPE_WRITABLE,
                                         flush) == HV_OK);
        if (act->pin_rw == 0)
            clear |= HV_GTF_writing;
    } else {
        HV_CHECK(act->pin_ro > 0);
        act->pin_ro--;
        HV_CHECK(hv_mm_put_page(g->cfg.mm, m, flush) == HV_OK);
    }
    HV_CHECK(g->pins > 0);
    g->pins--;
    if (act->pin_ro + act->pin_rw == 0) {
        clear |= HV_GTF_reading;
        act->mfn = HV_MM_INVALID_FRAME;
        act->domid = HV_DOMID_INVALID;
    }
    clear_flags(gt_hdr(g, ref), clear);
}
