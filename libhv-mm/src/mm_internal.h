/*
 * Private to libhv-mm: frame flags and the unlocked helpers the files
 * share. Every function here expects mm->lock held by its caller (the
 * public entry points take it once, then call these).
 */
#ifndef HV_MM_INTERNAL_H
#define HV_MM_INTERNAL_H

#include <hv/mm.h>

/* hv_mm_page.flags */
#define PF_RAM       0x0001u /* frame exists (in a RAM region) */
#define PF_RESERVED  0x0002u /* RAM never handed out */
#define PF_FREE      0x0004u /* heads a free block of `order` */
#define PF_ALLOCATED 0x0008u /* holds the allocation's general ref */
#define PF_PINNED    0x0010u /* holds a pin's general + type ref */
#define PF_VALIDATED 0x0020u /* page-table contents validated */
#define PF_TLB_STALE 0x0040u /* a typed use ended: may linger in TLBs */
#define PF_MARK      0x0080u /* transient, within one locked call */

#define MM_NIL 0xFFFFFFFFu

static inline struct hv_mm_page *mm_page(struct hv_mm *mm, uint64_t mfn)
{
    return &mm->pages[mfn];
}

/* A frame number that exists and is RAM. */
static inline bool mm_mfn_is_ram(const struct hv_mm *mm, uint64_t mfn)
{
    return mfn < mm->nr_frames && (mm->pages[mfn].flags & PF_RAM);
}

static inline bool mm_type_is_pt(unsigned int type)
{
    return type >= HV_MM_TYPE_L1 && type <= HV_MM_TYPE_L4;
}

/* A frame's bytes: by the direct map's arithmetic when there is one. */
static inline void *mm_map(struct hv_mm *mm, uint64_t mfn)
{
    if (mm->directmap)
        return mm->directmap + (mfn << HV_PAGE_SHIFT);
    return mm->ops->map_frame(mm->ops_ctx, hv_mfn(mfn));
}

static inline void mm_unmap(struct hv_mm *mm, void *va)
{
    if (!mm->directmap && mm->ops->unmap_frame)
        mm->ops->unmap_frame(mm->ops_ctx, va);
}

void mm_flush_add(struct hv_mm_flush *f, unsigned int flag, uint64_t va);

/* The registered domain `id`, or NULL. */
struct hv_mm_domain *mm_domain(struct hv_mm *mm, hv_domid_t id);

/* frame.c: buddy allocator */
int mm_buddy_alloc(struct hv_mm *mm, unsigned int order, uint64_t *mfn);
void mm_buddy_free(struct hv_mm *mm, uint64_t mfn, unsigned int order,
                   bool scrub);
/* Allocate 2^order frames to `d` (reservation checked). */
int mm_alloc_domain(struct hv_mm *mm, struct hv_mm_domain *d,
                    unsigned int order, uint64_t *mfn);
/* Frame whose last general reference went: give it back. */
void mm_free_frame(struct hv_mm *mm, uint64_t mfn, struct hv_mm_flush *flush);
/* Clear the P2M and M2P entries of a frame. */
void mm_unmap_gfn(struct hv_mm *mm, uint64_t mfn);
/* Drop the allocation reference of a frame owned by d. */
int mm_release(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t mfn,
               struct hv_mm_flush *flush);

/*
 * refs.c: the reference protocol, unlocked. The common cases (a count
 * going up or down with no change of type or owner) are inline here, as
 * they sit on the path of every page-table update; the first and last
 * type reference and the final free are out of line in refs.c/frame.c.
 */
int mm_get_type_first(struct hv_mm *mm, uint64_t mfn, unsigned int type,
                      struct hv_mm_flush *flush);
void mm_put_type_last(struct hv_mm *mm, uint64_t mfn,
                      struct hv_mm_flush *flush);

static inline int mm_get_page(struct hv_mm *mm, uint64_t mfn, hv_domid_t owner)
{
    struct hv_mm_page *pg;

    if (!mm_mfn_is_ram(mm, mfn))
        return HV_EINVAL;
    pg = mm_page(mm, mfn);
    if (pg->count == 0)
        return HV_EINVAL; /* free or reserved */
    if (pg->owner != owner)
        return HV_EPERM;
    if (pg->count >= HV_MM_REF_MAX)
        return HV_EMLINK;
    pg->count++;
    return HV_OK;
}

static inline void mm_put_page(struct hv_mm *mm, uint64_t mfn,
                               struct hv_mm_flush *flush)
{
    struct hv_mm_page *pg = mm_page(mm, mfn);

    HV_CHECK(pg->count > pg->type_count);
    if (--pg->count == 0)
        mm_free_frame(mm, mfn, flush);
}

static inline int mm_get_type(struct hv_mm *mm, uint64_t mfn, unsigned int type,
                              struct hv_mm_flush *flush)
{
    struct hv_mm_page *pg = mm_page(mm, mfn);

    if (pg->type_count == 0)
        return mm_get_type_first(mm, mfn, type, flush);
    if (pg->type != type)
        return HV_EBUSY;
    if (mm_type_is_pt(type) && !(pg->flags & PF_VALIDATED))
        return HV_EBUSY; /* being validated: a loop back to itself */
    if (pg->type_count >= HV_MM_REF_MAX)
        return HV_EMLINK;
    pg->type_count++;
    return HV_OK;
}

static inline void mm_put_type(struct hv_mm *mm, uint64_t mfn,
                               struct hv_mm_flush *flush)
{
    struct hv_mm_page *pg = mm_page(mm, mfn);

    HV_CHECK(pg->type_count > 0 && pg->count >= pg->type_count);
    if (pg->type_count == 1)
        mm_put_type_last(mm, mfn, flush);
    else
        pg->type_count--;
}

static inline int mm_get_page_and_type(struct hv_mm *mm, uint64_t mfn,
                                       hv_domid_t owner, unsigned int type,
                                       struct hv_mm_flush *flush)
{
    int rc = mm_get_page(mm, mfn, owner);

    if (rc)
        return rc;
    rc = mm_get_type(mm, mfn, type, flush);
    if (rc)
        mm_put_page(mm, mfn, flush);
    return rc;
}

static inline void mm_put_page_and_type(struct hv_mm *mm, uint64_t mfn,
                                        struct hv_mm_flush *flush)
{
    mm_put_type(mm, mfn, flush);
    mm_put_page(mm, mfn, flush);
}

/* entry.c: checking one entry, taking and dropping what it references */
int mm_get_entry_refs(struct hv_mm *mm, const struct hv_mm_domain *d,
                      unsigned int level, uint64_t pt_mfn, unsigned int idx,
                      uint64_t e, struct hv_mm_flush *flush);
void mm_put_entry_refs(struct hv_mm *mm, unsigned int level, uint64_t pt_mfn,
                       uint64_t e, struct hv_mm_flush *flush);
/* A frame whose type changes away from a stale use: flush TLBs first. */
void mm_stale_flush(struct hv_mm *mm, struct hv_mm_page *pg,
                    struct hv_mm_flush *flush);
int mm_validate(struct hv_mm *mm, uint64_t mfn, unsigned int level,
                struct hv_mm_flush *flush);
void mm_devalidate(struct hv_mm *mm, uint64_t mfn, unsigned int level,
                   struct hv_mm_flush *flush);

/* entry.c: one leaf mapping (PV L1 entry or stage-2 page) */
int mm_get_leaf(struct hv_mm *mm, const struct hv_mm_domain *d, uint64_t mfn,
                bool rw, struct hv_mm_flush *flush);
void mm_put_leaf(struct hv_mm *mm, uint64_t mfn, bool rw,
                 struct hv_mm_flush *flush);

/* s2.c */
void mm_s2_destroy(struct hv_mm *mm, struct hv_mm_domain *d,
                   struct hv_mm_flush *flush);
/* Stage-2 descriptor bits the checker needs. */
#define S2_VALID_TABLE 3ULL
#define S2_AP_R        (1ULL << 6)
#define S2_AP_W        (1ULL << 7)
#define S2_ADDR_MASK   0x0000FFFFFFFFF000ULL

/* desc.c */
int mm_validate_desc_page(struct hv_mm *mm, uint64_t mfn);
void mm_release_desc(struct hv_mm *mm, struct hv_mm_domain *d,
                     unsigned int vcpu, struct hv_mm_flush *flush);
int mm_set_ldt(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
               uint64_t va, unsigned int ents, struct hv_mm_flush *flush);

/* pt.c */
int mm_walk_to_l1(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t root,
                  uint64_t va, uint64_t *l1);
bool mm_va_canonical(uint64_t va);
int mm_pin(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t mfn,
           unsigned int level, struct hv_mm_flush *flush);
int mm_unpin(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t mfn,
             struct hv_mm_flush *flush);
int mm_set_baseptr(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                   uint64_t mfn, struct hv_mm_flush *flush);
int mm_set_user_baseptr(struct hv_mm *mm, struct hv_mm_domain *d,
                        unsigned int vcpu, uint64_t mfn,
                        struct hv_mm_flush *flush);
/* Is `mfn` a kernel or user root of some vCPU of `d`? */
bool mm_is_root(const struct hv_mm_domain *d, uint64_t mfn);

#define PTE_MFN(e)      (((e)&HV_PTE_ADDR_MASK) >> HV_PAGE_SHIFT)
#define L2_SUPER_FRAMES 512u

#endif /* HV_MM_INTERNAL_H */
