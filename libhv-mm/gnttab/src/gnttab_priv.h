/*
 * Private to libhv-gnttab: entry access, pins and locks shared by the
 * files of the library.
 */
#ifndef HV_GNTTAB_PRIV_H
#define HV_GNTTAB_PRIV_H

#include <hv/gnttab.h>
#include <hv/mm_share.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the (flags, domid) word layout assumes a little-endian machine"
#endif

/* The (flags, domid) word of an entry: flags in bits 0-15, domid 16-31. */
#define GT_HDR_FLAGS(w) ((uint16_t)((w)&0xFFFFu))
#define GT_HDR_DOMID(w) ((uint16_t)((w) >> 16))

static inline uint32_t gt_entry_count(const struct hv_gnttab *gt)
{
    return gt->nr_frames * (uint32_t)HV_GNTTAB_ENTRIES_PER_FRAME;
}

static inline struct hv_grant_entry_v1 *gt_entry(struct hv_gnttab *gt,
                                                 hv_grant_ref_t ref)
{
    struct hv_grant_entry_v1 *f =
        gt->frame_va[ref / HV_GNTTAB_ENTRIES_PER_FRAME];

    return &f[ref % HV_GNTTAB_ENTRIES_PER_FRAME];
}

/* The guest-writable (flags, domid) word, only ever accessed atomically. */
static inline uint32_t *gt_hdr(struct hv_gnttab *gt, hv_grant_ref_t ref)
{
    return (uint32_t *)(void *)gt_entry(gt, ref);
}

static inline bool gt_is_dying(struct hv_gnttab *gt)
{
    return __atomic_load_n(&gt->dying, __ATOMIC_ACQUIRE);
}

/* Lock one or two tables (either may be NULL, or both the same), in
 * ascending address order; inline: every operation's hot path. */
static inline void gt_lock_two(struct hv_gnttab *a, struct hv_gnttab *b)
{
    hv_spin_lock_two(a ? &a->lock : NULL, b ? &b->lock : NULL);
}

static inline void gt_unlock_two(struct hv_gnttab *a, struct hv_gnttab *b)
{
    hv_spin_unlock_two(a ? &a->lock : NULL, b ? &b->lock : NULL);
}

/* Whether @dom names @gt: its id, or DOMID_SELF from @gt itself. */
static inline bool gt_names(struct hv_gnttab *gt, struct hv_gnttab *self,
                            uint16_t dom)
{
    return dom == gt->cfg.domid || (dom == HV_DOMID_SELF && gt == self);
}

/*
 * Take one use of entry @ref of @g for domain @user (src/pin.c): the
 * status protocol on the shared flags, the frame locked in, the libhv-mm
 * references (general; WRITABLE type when @rw). Caller holds g->lock.
 * Return: GNTST_okay with *mfn; a GNTST error with nothing changed.
 */
int gt_pin(struct hv_gnttab *g, hv_grant_ref_t ref, hv_domid_t user, bool rw,
           uint64_t *mfn, struct hv_mm_flush *flush);
/* Drop one use taken by gt_pin (same @rw). Caller holds g->lock. */
void gt_unpin(struct hv_gnttab *g, hv_grant_ref_t ref, bool rw,
              struct hv_mm_flush *flush);

/* Guest frame number of @g's domain (mfn, or gfn when translated) to a
 * machine frame; HV_MM_INVALID_FRAME when none. */
static inline uint64_t gt_frame_to_mfn(struct hv_gnttab *g, uint64_t frame)
{
    if (g->cfg.flags & HV_GNTTAB_TRANSLATED)
        return hv_mm_p2m(g->cfg.mm, g->cfg.mm_dom, hv_gfn(frame));
    return frame;
}

/*
 * Lock @mapper and the granter of its handle @h (src/table.c). Returns
 * the granter with both locked, or NULL with only @mapper locked when @h
 * is free. Unlock with gt_unlock_two(mapper, result).
 */
struct hv_gnttab *gt_lock_handle(struct hv_gnttab *mapper, uint32_t h);

/* Unmap handle @h of @mapper; both locks held, handle in use. */
void gt_unmap_locked(struct hv_gnttab *mapper, uint32_t h,
                     struct hv_mm_flush *flush);

#endif /* HV_GNTTAB_PRIV_H */
