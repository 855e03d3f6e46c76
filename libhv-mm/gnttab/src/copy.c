/*
 * Copy and transfer: moving bytes and frames through grants.
 *
 * Copy. Each side is either a grant reference in another table (the
 * granter must allow the caller, writably for the destination) or one of
 * the caller's own frames. A grant side is claimed as a mapping claims
 * it (the flags protocol, the frame read once; gt_claim_once, not counted
 * in the active entry since the table lock is held until the release)
 * and released before the call returns, so the granter
 * sees GTF_reading/GTF_writing for the duration and cannot revoke the
 * entry under the copy. The frames themselves are then handed to
 * libhv-mm in one call (hv_mm_copy), which checks them as the references
 * a mapping would hold (a general one on the source, owned by the granter
 * or the caller; a general and a WRITABLE one on the destination: a copy
 * never writes into a page table or descriptor page) and moves the bytes
 * under its lock, so the frames cannot change owner or type during the
 * copy; one lock acquisition instead of four reference calls, which was
 * most of the fixed cost of a copy. Offsets and lengths are checked
 * before anything is taken: neither range may leave its frame, so one copy
 * touches at most two frames and needs no loop over guest-chosen extents.
 * Source and destination may be the same frame; the copy is a memmove.
 * The source is resolved in full before the destination, so when both
 * are bad the status is the source's.
 *
 * Transfer. A domain gives one of its frames to another domain that
 * offered an accept_transfer entry naming it, and the very frame changes
 * owner (libhv-mm's hv_mm_transfer_page: Xen's steal_page +
 * assign_pages); the recipient finds its number in the entry's frame
 * field once GTF_transfer_completed is set. The frame must be used by
 * nothing else, neither mapped through a grant nor in a page table nor
 * typed nor pinned: otherwise someone would keep access to memory the
 * giver believes gone (Xen refuses the same with GNTST_bad_page). The
 * checks run before the entry is claimed (hv_mm_can_transfer_page) so
 * that a refusal leaves the entry untouched; the transfer itself repeats
 * them under libhv-mm's lock, and should the giver or the recipient have
 * changed the frame or its reservation from another CPU in between, the
 * claim is undone (GTF_transfer_committed cleared) and the status is the
 * refusal's. A PV recipient receives the frame without an M2P entry and
 * sets it itself (MMU_MACHPHYS_UPDATE); translated recipients, which
 * would need a P2M entry, are refused.
 *
 * LOCK ORDER: the (up to two) tables involved, ascending addresses, then
 * libhv-mm (inside its calls).
 */
#include "pin.h"

/* One side of a copy, resolved. */
struct side {
    struct hv_gnttab *g; /* granter when by reference, else NULL */
    uint64_t val;        /* grant reference, or the caller's own frame */
    uint64_t mfn;        /* machine frame, once claimed */
    uint32_t set;        /* flag bits the claim set (by reference) */
    uint16_t domid;
    uint16_t offset;
    bool rw;
};

/* Claim one side: the grant's flags and frame (gt_claim_once; @again when
 * the source claimed the same entry, whose frame is in s->mfn), or the
 * own frame's number; libhv-mm checks the frames afterwards, both at once. */
static inline __attribute__((always_inline)) int
claim_side(struct hv_gnttab *caller, struct side *s, bool again)
{
    if (s->g)
        return gt_claim_once(s->g, (hv_grant_ref_t)s->val, caller->cfg.domid,
                             s->rw, again, &s->mfn, &s->set);
    s->mfn = gt_frame_to_mfn(caller, s->val);
    if (s->mfn == HV_MM_INVALID_FRAME)
        return HV_GNTST_bad_page;
    return HV_GNTST_okay;
}

static inline void release_side(struct side *s)
{
    if (s->g)
        gt_release_once(s->g, (hv_grant_ref_t)s->val, s->set);
}

/* The frame and owner libhv-mm checks for a side: the granter's, or the
 * caller's own. */
static inline void side_mm(const struct hv_gnttab *caller, const struct side *s,
                           struct hv_mm_copy_side *m)
{
    m->mfn = hv_mfn(s->mfn);
    m->owner = s->g ? s->g->cfg.domid : caller->cfg.domid;
    m->offset = s->offset;
}

/* The status of a side whose frame libhv-mm refused. */
static inline int side_refused(const struct side *s)
{
    return s->g ? HV_GNTST_general_error : HV_GNTST_bad_page;
}

/*
 * The destination's claim failed with @rc while the source's succeeded.
 * The source is taken in full before the destination is looked at, so a
 * source frame libhv-mm would refuse is what the caller hears about:
 * check it (take and drop a general reference, which leaves its counts
 * as they were). Off the fast path.
 */
static __attribute__((noinline)) int
dest_claim_failed(struct hv_gnttab *caller, const struct side *s, int rc,
                  struct hv_mm_flush *flush)
{
    struct hv_mm_copy_side m;

    side_mm(caller, s, &m);
    if (hv_mm_get_page(caller->cfg.mm, m.mfn, m.owner) != HV_OK)
        return side_refused(s);
    HV_CHECK(hv_mm_put_page(caller->cfg.mm, m.mfn, flush) == HV_OK);
    return rc;
}

/*
 * Resolve one side's table: the granter by reference, else the caller.
 * Reads the side's guest fields, each once.
 */
static inline int side_table(struct hv_gnttab *caller, struct hv_gnttab *given,
                             bool by_ref, const struct hv_gnttab_copy_ptr *p,
                             struct side *s)
{
    uint16_t domid = s->domid;

    if (by_ref) {
        if (!given || !gt_names(given, caller, domid) ||
            given->cfg.mm != caller->cfg.mm)
            return HV_GNTST_bad_domain;
        if (gt_is_dying(given))
            return HV_GNTST_bad_domain;
        s->g = given;
        s->val = HV_READ_ONCE(p->u.ref);
        return HV_GNTST_okay;
    }
    if (domid != HV_DOMID_SELF && domid != caller->cfg.domid)
        return HV_GNTST_permission_denied;
    if (given && given != caller)
        return HV_GNTST_permission_denied;
    s->g = NULL;
    s->val = HV_READ_ONCE(p->u.gmfn);
    return HV_GNTST_okay;
}

static int copy_checked(struct hv_gnttab *caller, struct hv_gnttab *src,
                        struct hv_gnttab *dst, struct hv_gnttab_copy *op,
                        struct hv_mm_flush *flush)
{
    struct side s, d;
    struct hv_mm_copy_side sm, dm;
    unsigned int refused = 0;
    uint16_t len, flags;
    int rc;

    /* One read of every guest field (the frame or reference: below). */
    len = HV_READ_ONCE(op->len);
    flags = HV_READ_ONCE(op->flags);
    s.offset = HV_READ_ONCE(op->source.offset);
    s.domid = HV_READ_ONCE(op->source.domid);
    d.offset = HV_READ_ONCE(op->dest.offset);
    d.domid = HV_READ_ONCE(op->dest.domid);
    s.rw = false;
    d.rw = true;

    if (flags & ~(HV_GNTCOPY_source_gref | HV_GNTCOPY_dest_gref))
        return HV_GNTST_bad_copy_arg;
    if ((uint32_t)s.offset + len > HV_PAGE_SIZE ||
        (uint32_t)d.offset + len > HV_PAGE_SIZE)
        return HV_GNTST_bad_copy_arg; /* no copy leaves its frame */
    if (gt_is_dying(caller))
        return HV_GNTST_bad_domain;
    rc = side_table(caller, src, flags & HV_GNTCOPY_source_gref, &op->source,
                    &s);
    if (rc != HV_GNTST_okay)
        return rc;
    rc = side_table(caller, dst, flags & HV_GNTCOPY_dest_gref, &op->dest, &d);
    if (rc != HV_GNTST_okay)
        return rc;

    if (s.g || d.g)
        gt_lock_two(s.g, d.g);
    rc = claim_side(caller, &s, false);
    if (rc != HV_GNTST_okay)
        goto unlock;
    if (d.g && d.g == s.g && d.val == s.val)
        d.mfn = s.mfn; /* one entry both ways: its frame read once */
    rc = claim_side(caller, &d, d.g && d.g == s.g && d.val == s.val);
    if (rc != HV_GNTST_okay) {
        rc = dest_claim_failed(caller, &s, rc, flush);
        goto release_src;
    }
    /* The frames checked and the bytes moved in one libhv-mm call. */
    side_mm(caller, &s, &sm);
    side_mm(caller, &d, &dm);
    if (hv_mm_copy(caller->cfg.mm, dm, sm, len, &refused, flush) != HV_OK)
        rc = side_refused(refused == 0 ? &s : &d);
    release_side(&d);
release_src:
    release_side(&s);
unlock:
    if (s.g || d.g)
        gt_unlock_two(s.g, d.g);
    return rc;
}

int hv_gnttab_copy(struct hv_gnttab *caller, struct hv_gnttab *src,
                   struct hv_gnttab *dst, struct hv_gnttab_copy *op,
                   struct hv_mm_flush *flush)
{
    int rc = caller ? copy_checked(caller, src, dst, op, flush)
                    : HV_GNTST_bad_domain;

    op->status = (int16_t)rc;
    return rc;
}

/* ---- transfer ---- */

/* The status of a transfer libhv-mm refused. */
static int transfer_status(int rc)
{
    if (rc == HV_ENOMEM)
        return HV_GNTST_general_error; /* no room in its reservation */
    if (rc == HV_ESRCH)
        return HV_GNTST_bad_domain; /* either domain's memory is dying */
    return HV_GNTST_bad_page;       /* not the giver's, or still in use */
}

static int transfer_locked(struct hv_gnttab *from, struct hv_gnttab *to,
                           uint64_t frame, hv_grant_ref_t ref,
                           struct hv_mm_flush *flush)
{
    struct hv_mm *mm = from->cfg.mm;
    struct hv_grant_entry_v1 *e;
    uint32_t *hdr, old;
    uint64_t mfn;
    int rc;

    if (gt_is_dying(from) || gt_is_dying(to))
        return HV_GNTST_bad_domain;
    if (ref >= gt_entry_count(to))
        return HV_GNTST_bad_gntref;

    hdr = gt_hdr(to, ref);
    old = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
    if ((GT_HDR_FLAGS(old) & HV_GTF_type_mask) != HV_GTF_accept_transfer ||
        GT_HDR_DOMID(old) != from->cfg.domid ||
        (GT_HDR_FLAGS(old) &
         (HV_GTF_transfer_committed | HV_GTF_transfer_completed)))
        return HV_GNTST_general_error;

    /* The frame: the giver's, allocated, used by nothing at all. */
    mfn = gt_frame_to_mfn(from, frame);
    if (mfn == HV_MM_INVALID_FRAME)
        return HV_GNTST_bad_page;
    rc = hv_mm_can_transfer_page(mm, from->cfg.mm_dom, to->cfg.mm_dom,
                                 hv_mfn(mfn));
    if (rc != HV_OK)
        return transfer_status(rc);

    /* Claim the entry; a guest racing it loses the transfer, not us. */
    if (!__atomic_compare_exchange_n(hdr, &old, old | HV_GTF_transfer_committed,
                                     false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return HV_GNTST_general_error;

    rc = hv_mm_transfer_page(mm, from->cfg.mm_dom, to->cfg.mm_dom, hv_mfn(mfn),
                             flush);
    if (rc != HV_OK) {
        /* Only if a domain changed the frame or its reservation since the
         * check, from another CPU: give the entry back as it was. */
        __atomic_fetch_and(hdr, ~(uint32_t)HV_GTF_transfer_committed,
                           __ATOMIC_RELEASE);
        return transfer_status(rc);
    }

    e = gt_entry(to, ref);
    HV_WRITE_ONCE(e->frame, (uint32_t)mfn);
    __atomic_fetch_or(hdr, (uint32_t)HV_GTF_transfer_completed,
                      __ATOMIC_RELEASE);
    return HV_GNTST_okay;
}

int hv_gnttab_transfer(struct hv_gnttab *from, struct hv_gnttab *to,
                       struct hv_gnttab_transfer *op, struct hv_mm_flush *flush)
{
    uint64_t frame = HV_READ_ONCE(op->mfn);
    uint16_t domid = HV_READ_ONCE(op->domid);
    hv_grant_ref_t ref = HV_READ_ONCE(op->ref);
    int rc;

    if (!from || !to || to == from || domid != to->cfg.domid ||
        (to->cfg.flags & HV_GNTTAB_TRANSLATED) || to->cfg.mm != from->cfg.mm) {
        rc = HV_GNTST_bad_domain;
    } else {
        gt_lock_two(from, to);
        rc = transfer_locked(from, to, frame, ref, flush);
        gt_unlock_two(from, to);
    }
    op->status = (int16_t)rc;
    return rc;
}
