/*
 * Pins: taking and dropping one use of a grant entry (the claim half).
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
 *
 * A use is two halves: the claim (flags, frame, active entry: gt_claim /
 * gt_release, no libhv-mm call) and the libhv-mm references. gt_pin and
 * gt_unpin do both for one use; a copy claims its grant sides and has
 * libhv-mm check both frames and move the bytes under its lock in one
 * hv_mm_copy call, which needs no references, so it uses the claim half
 * alone. Undoing a claim with gt_release leaves the
 * active entry and the flags exactly as they were before it: a claim that
 * set GTF_reading found no pin, so its release drops the last one; one
 * that set GTF_writing found no writable pin, so its release drops the
 * last writable one.
 *
 * The claim half is inline here because it is on the path of every map
 * and every copy; src/pin.c adds the libhv-mm references (gt_pin/gt_unpin).
 * Every function here expects the table's lock held.
 */
#ifndef HV_GNTTAB_PIN_H
#define HV_GNTTAB_PIN_H

#include "gnttab_priv.h"

/*
 * Set @set in the entry's flags after checking, on one read of the word,
 * that the entry grants @user the access asked. Return GNTST_okay or
 * GNTST_general_error (nothing written).
 */
static inline int set_status(uint32_t *hdr, hv_domid_t user, bool rw,
                             uint32_t set)
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

static inline void clear_flags(uint32_t *hdr, uint32_t bits)
{
    if (bits)
        __atomic_fetch_and(hdr, ~bits, __ATOMIC_RELEASE);
}

/*
 * The first half of gt_pin: the status protocol, the frame locked in and
 * the use counted in the active entry, but no libhv-mm reference; the
 * caller takes those (and releases the claim with gt_release if it
 * cannot). Return: GNTST_okay with *mfn; a GNTST error, nothing changed.
 */
static inline int gt_claim(struct hv_gnttab *g, hv_grant_ref_t ref,
                           hv_domid_t user, bool rw, uint64_t *mfn)
{
    struct hv_gnttab_active *act;
    uint32_t *hdr;
    bool pinned;
    uint32_t set = 0;
    uint64_t frame;
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
            clear_flags(hdr, set);
            return HV_GNTST_general_error;
        }
        act->mfn = frame;
        act->domid = user;
    } else {
        frame = act->mfn;
    }
    if (rw)
        act->pin_rw++;
    else
        act->pin_ro++;
    g->pins++;
    *mfn = frame;
    return HV_GNTST_okay;
}

/* Undo one gt_claim (same @rw): the use uncounted, the flags it implies
 * cleared. The caller has dropped its libhv-mm references. */
static inline void gt_release(struct hv_gnttab *g, hv_grant_ref_t ref, bool rw)
{
    struct hv_gnttab_active *act;
    uint32_t clear = 0;

    HV_CHECK(ref < gt_entry_count(g));
    act = &g->cfg.active[ref];
    if (rw) {
        HV_CHECK(act->pin_rw > 0);
        if (--act->pin_rw == 0)
            clear |= HV_GTF_writing;
    } else {
        HV_CHECK(act->pin_ro > 0);
        act->pin_ro--;
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

#endif /* HV_GNTTAB_PIN_H */
