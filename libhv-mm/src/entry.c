/*
 * Checking page-table entries, and the references each one holds.
 *
 * A present entry of a validated table always holds exactly the
 * references this file's get side took for it, and the put side drops
 * exactly those again. The put side can tell what was taken from the
 * entry and the current state alone, because the state it looks at is
 * pinned by the references themselves:
 *
 *   level 1, read-only      a general reference on the frame
 *   level 1, writable       a general and a WRITABLE type reference
 *   level 2 with PSE        the same for each of 512 frames (superpage;
 *                           only for domains with HV_MM_DOM_SUPERPAGES)
 *   level n > 1, normal     a general and an L(n-1) type reference on the
 *                           table it points to (validating it if first)
 *   level n > 1, linear     to a table of the same level n: a general and
 *                           an Ln type reference, and the linear counts;
 *                           to the table itself: nothing at all
 *
 * Linear ("recursive") entries let a guest see its own page tables
 * through its address space. They are allowed only with
 * HV_MM_DOM_LINEAR_PT, only read-only (a writable one would be a writable
 * mapping of a page table: XSA-182), only to an already validated table
 * (so validation never loops), and never in chains: a table that is the
 * target of linear entries may not hold any and vice versa (XSA-240). The
 * signed per-frame `linear` count holds that: > 0 is a target, < 0 holds.
 * A normal entry can never point to a table of its own level (the target
 * would need type L(n-1)), so "target has type Ln" is what marks linear.
 *
 * Refusals: bits 52..62 set, PSE or GLOBAL in a non-leaf entry, 1 GiB
 * superpages, the hypervisor's L4 slots, frames outside RAM, frames not
 * owned (unless ops->may_map_foreign allows a leaf), and any reference the
 * protocol refuses (a writable mapping of a typed frame, a table that is
 * busy with another type).
 *
 * Validation walks the 512 entries of a table in order; when entry i is
 * refused the references of entries 0..i-1 are dropped again before the
 * error is returned, so a failed validation leaves nothing behind
 * (XSA-299/310 were leaks of exactly that).
 */
#include "mm_internal.h"

#define NONLEAF_BAD   (HV_PTE_HIGH_MASK | HV_PAGE_PSE | HV_PAGE_GLOBAL)
#define SUPERPAGE_BAD (HV_PTE_HIGH_MASK | 0x1FF000ULL)
#define LINEAR_MAX    0x7FFE

static bool hv_slot(unsigned int level, unsigned int idx)
{
    return level == 4 && idx >= HV_HYPERVISOR_L4_FIRST &&
           idx <= HV_HYPERVISOR_L4_LAST;
}

/* May domain `d` map frame `mfn` as a leaf? Return: 0 or an hv_err. */
static int leaf_owner_ok(struct hv_mm *mm, const struct hv_mm_domain *d,
                         uint64_t mfn)
{
    struct hv_mm_page *pg;

    if (!mm_mfn_is_ram(mm, mfn))
        return HV_EINVAL;
    pg = mm_page(mm, mfn);
    if (pg->count == 0)
        return HV_EINVAL;
    if (pg->owner == d->id)
        return HV_OK;
    if (pg->owner < HV_MAX_DOMAINS && mm->ops->may_map_foreign &&
        mm->ops->may_map_foreign(mm->ops_ctx, d->id, pg->owner, hv_mfn(mfn)))
        return HV_OK;
    return HV_EPERM;
}

int mm_get_leaf(struct hv_mm *mm, const struct hv_mm_domain *d, uint64_t mfn,
                bool rw, struct hv_mm_flush *flush)
{
    int rc = leaf_owner_ok(mm, d, mfn);

    if (rc)
        return rc;
    if (rw)
        return mm_get_page_and_type(mm, mfn, mm_page(mm, mfn)->owner,
                                    HV_MM_TYPE_WRITABLE, flush);
    return mm_get_page(mm, mfn, mm_page(mm, mfn)->owner);
}

void mm_put_leaf(struct hv_mm *mm, uint64_t mfn, bool rw,
                 struct hv_mm_flush *flush)
{
    if (rw)
        mm_put_page_and_type(mm, mfn, flush);
    else
        mm_put_page(mm, mfn, flush);
}

static int get_superpage(struct hv_mm *mm, const struct hv_mm_domain *d,
                         uint64_t e, struct hv_mm_flush *flush)
{
    uint64_t base = PTE_MFN(e);
    bool rw = e & HV_PAGE_RW;
    unsigned int i;
    int rc = HV_OK;

    if (!(d->flags & HV_MM_DOM_SUPERPAGES) || (e & SUPERPAGE_BAD))
        return HV_EINVAL;
    if (base >= mm->nr_frames || mm->nr_frames - base < L2_SUPER_FRAMES)
        return HV_EINVAL;
    for (i = 0; i < L2_SUPER_FRAMES; i++) {
        rc = mm_get_leaf(mm, d, base + i, rw, flush);
        if (rc)
            break;
    }
    if (rc)
        while (i-- > 0)
            mm_put_leaf(mm, base + i, rw, flush);
    return rc;
}

static int get_linear(struct hv_mm *mm, const struct hv_mm_domain *d,
                      unsigned int level, uint64_t pt, uint64_t e,
                      struct hv_mm_flush *flush)
{
    uint64_t mfn = PTE_MFN(e);
    struct hv_mm_page *ptpg = mm_page(mm, pt), *tpg;
    int rc;

    if (!(d->flags & HV_MM_DOM_LINEAR_PT) || (e & HV_PAGE_RW))
        return HV_EINVAL;
    if (mfn == pt)
        return HV_OK;
    tpg = mm_page(mm, mfn);
    if (tpg->owner != d->id)
        return HV_EPERM;
    if (!(tpg->flags & PF_VALIDATED))
        return HV_EINVAL;
    /* No chains: neither side may already play the other role. */
    if (ptpg->linear > 0 || tpg->linear < 0)
        return HV_EINVAL;
    if (ptpg->linear <= -LINEAR_MAX || tpg->linear >= LINEAR_MAX)
        return HV_EMLINK;
    rc = mm_get_page_and_type(mm, mfn, d->id, level, flush);
    if (rc)
        return rc;
    ptpg->linear--;
    tpg->linear++;
    return HV_OK;
}

int mm_get_entry_refs(struct hv_mm *mm, const struct hv_mm_domain *d,
                      unsigned int level, uint64_t pt_mfn, unsigned int idx,
                      uint64_t e, struct hv_mm_flush *flush)
{
    uint64_t mfn = PTE_MFN(e);
    struct hv_mm_page *tpg;

    if (!(e & HV_PAGE_PRESENT))
        return HV_OK;
    if (hv_slot(level, idx))
        return HV_EPERM;
    if (e & HV_PTE_HIGH_MASK)
        return HV_EINVAL;
    if (level == 1)
        return mm_get_leaf(mm, d, mfn, e & HV_PAGE_RW, flush);
    if (level == 2 && (e & HV_PAGE_PSE))
        return get_superpage(mm, d, e, flush);
    if (e & NONLEAF_BAD)
        return HV_EINVAL;
    if (!mm_mfn_is_ram(mm, mfn))
        return HV_EINVAL;
    tpg = mm_page(mm, mfn);
    if (mfn == pt_mfn || (tpg->type == level && tpg->type_count > 0))
        return get_linear(mm, d, level, pt_mfn, e, flush);
    if (tpg->count == 0)
        return HV_EINVAL;
    if (tpg->owner != d->id)
        return HV_EPERM;
    return mm_get_page_and_type(mm, mfn, d->id, level - 1, flush);
}

void mm_put_entry_refs(struct hv_mm *mm, unsigned int level, uint64_t pt_mfn,
                       uint64_t e, struct hv_mm_flush *flush)
{
    uint64_t mfn = PTE_MFN(e);
    struct hv_mm_page *tpg;
    unsigned int i;

    if (!(e & HV_PAGE_PRESENT))
        return;
    if (level == 1) {
        mm_put_leaf(mm, mfn, e & HV_PAGE_RW, flush);
        return;
    }
    if (level == 2 && (e & HV_PAGE_PSE)) {
        for (i = 0; i < L2_SUPER_FRAMES; i++)
            mm_put_leaf(mm, mfn + i, e & HV_PAGE_RW, flush);
        return;
    }
    if (mfn == pt_mfn)
        return;
    tpg = mm_page(mm, mfn);
    if (tpg->type == level) {
        HV_CHECK(tpg->linear > 0 && mm_page(mm, pt_mfn)->linear < 0);
        tpg->linear--;
        mm_page(mm, pt_mfn)->linear++;
    }
    mm_put_page_and_type(mm, mfn, flush);
}

int mm_validate(struct hv_mm *mm, uint64_t mfn, unsigned int level,
                struct hv_mm_flush *flush)
{
    const struct hv_mm_domain *d = mm_domain(mm, mm_page(mm, mfn)->owner);
    uint64_t *pt;
    unsigned int i;
    int rc = HV_OK;

    if (!d)
        return HV_EPERM; /* only a registered domain's frames are tables */
    pt = mm_map(mm, mfn);
    for (i = 0; i < HV_PT_ENTRIES; i++) {
        rc =
            mm_get_entry_refs(mm, d, level, mfn, i, HV_READ_ONCE(pt[i]), flush);
        if (rc)
            break;
    }
    if (rc)
        while (i-- > 0)
            mm_put_entry_refs(mm, level, mfn, pt[i], flush);
    mm_unmap(mm, pt);
    return rc;
}

void mm_devalidate(struct hv_mm *mm, uint64_t mfn, unsigned int level,
                   struct hv_mm_flush *flush)
{
    uint64_t *pt = mm_map(mm, mfn);
    unsigned int i;

    for (i = 0; i < HV_PT_ENTRIES; i++)
        mm_put_entry_refs(mm, level, mfn, pt[i], flush);
    mm_unmap(mm, pt);
}
