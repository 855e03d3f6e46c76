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
 *    table while someone writes it through the grant. (A copy has
 *    libhv-mm make the same checks and move the bytes under its lock,
 *    hv_mm_copy, instead of holding references.)
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
 * gt_unpin do both for one use. Undoing a claim with gt_release leaves
 * the active entry and the flags exactly as they were before it: a claim
 * that set GTF_reading found no pin, so its release drops the last one;
 * one that set GTF_writing found no writable pin, so its release drops
 * the last writable one.
 *
 * A copy uses the claim half alone, and a lighter one: it holds the table
 * lock from its claims to their release, so its claims are not recorded
 * in the active entry (gt_claim_once / gt_release_once): no other user
 * can see the entry in between, and the flag bits a claim set are exactly
 * what its release clears. Only a mapping, whose use outlives the call,
 * is counted there (gt_claim).
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
 * A claim for the span of one call that holds g->lock from the claim to
 * its release (a copy): the status protocol and the frame exactly as a
 * pin's claim, but nothing recorded in the active entry, since nobody can
 * look at the entry before the release (every user of it takes the same
 * lock). @again says the call already claimed this entry (read-only) for
 * frame *@mfn: the frame is kept and only the writable part is added.
 * *@set receives the flag bits this claim set, for gt_release_once.
 * Return: GNTST_okay with *@mfn; a GNTST error with nothing changed.
 */
static inline int gt_claim_once(struct hv_gnttab *g, hv_grant_ref_t ref,
                                hv_domid_t user, bool rw, bool again,
                                uint64_t *mfn, uint32_t *set)
{
    const struct hv_gnttab_active *act;
    uint32_t *hdr;
    bool pinned, held;
    uint64_t frame;
    int rc;

    *set = 0;
    if (ref >= gt_entry_count(g))
        return HV_GNTST_bad_gntref;
    act = &g->cfg.active[ref];
    hdr = gt_hdr(g, ref);
    pinned = act->pin_ro + act->pin_rw != 0; /* by a mapping */
    if (pinned && act->domid != user)
        return HV_GNTST_general_error;
    held = pinned || again; /* GTF_reading already set, frame locked */

    if (!held || (rw && act->pin_rw == 0)) {
        uint32_t want = (held ? 0 : HV_GTF_reading) | (rw ? HV_GTF_writing : 0);

        /* Only bits not already ours to clear later count as set here. */
        rc = set_status(hdr, user, rw, want);
        if (rc != HV_GNTST_okay)
            return rc;
        *set = want;
    }

    if (again) {
        frame = *mfn;
    } else if (pinned) {
        frame = act->mfn;
    } else {
        struct hv_grant_entry_v1 *e = gt_entry(g, ref);

        frame = gt_frame_to_mfn(g, HV_READ_ONCE(e->frame));
        if (frame == HV_MM_INVALID_FRAME) {
            clear_flags(hdr, *set);
            *set = 0;
            return HV_GNTST_general_error;
        }
    }
    *mfn = frame;
    return HV_GNTST_okay;
}

/* Undo a gt_claim_once: clear the bits it set. Caller holds g->lock. */
static inline void gt_release_once(struct hv_gnttab *g, hv_grant_ref_t ref,
                                   uint32_t set)
{
    clear_flags(gt_hdr(g, ref), set);
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
    uint32_t set;
    int rc;

    rc = gt_claim_once(g, ref, user, rw, false, mfn, &set);
    if (rc != HV_GNTST_okay)
        return rc;
    /* Recorded, the use outlives this call (a mapping). */
    act = &g->cfg.active[ref];
    if (act->pin_ro + act->pin_rw == 0) {
        act->mfn = *mfn;
        act->domid = user;
    }
    if (rw)
        act->pin_rw++;
    else
        act->pin_ro++;
    g->pins++;
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
