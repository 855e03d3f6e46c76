/*
 * Validated page-table updates: mmu_update, mmuext_op, update_va_mapping,
 * pins and base pointers.
 *
 * A guest changes one of its page tables by naming the entry's machine
 * address and the new value. The update takes the references the new
 * entry needs first (entry.c), and only when that succeeds stores it and
 * drops what the old entry held; a refused entry changes nothing. There
 * is no fast path for "same frame, different flags": every update goes
 * through the full check, which is what XSA-148 and XSA-182 showed such
 * fast paths get wrong, and it costs one extra reference pair.
 *
 * A store into a frame that is not currently a validated table is a plain
 * data write, allowed when the frame can take a WRITABLE type reference
 * for the duration (so never into a descriptor page or a table).
 *
 * A batch stops at its first refused request: *done says how many were
 * applied, and each of those is complete, so the accounting is exact at
 * every point.
 */
#include "mm_internal.h"

/* Store `e` at entry `idx` of table `pt` (level `level`), checked. */
static int mod_entry(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t pt,
                     unsigned int level, unsigned int idx, uint64_t e,
                     bool preserve_ad, struct hv_mm_flush *flush)
{
    uint64_t *tab = mm_map(mm, pt);
    uint64_t old = HV_READ_ONCE(tab[idx]);
    int rc;

    if (preserve_ad)
        e = (e & ~(HV_PAGE_ACCESSED | HV_PAGE_DIRTY)) |
            (old & (HV_PAGE_ACCESSED | HV_PAGE_DIRTY));
    rc = mm_get_entry_refs(mm, d, level, pt, idx, e, flush);
    if (rc == HV_OK) {
        HV_WRITE_ONCE(tab[idx], e);
        mm_put_entry_refs(mm, level, pt, old, flush);
    }
    mm_unmap(mm, tab);
    return rc;
}

static int plain_write(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t mfn,
                       unsigned int idx, uint64_t val,
                       struct hv_mm_flush *flush)
{
    uint64_t *p;
    int rc = mm_get_page_and_type(mm, mfn, d->id, HV_MM_TYPE_WRITABLE, flush);

    if (rc)
        return rc;
    p = mm_map(mm, mfn);
    HV_WRITE_ONCE(p[idx], val);
    mm_unmap(mm, p);
    mm_put_page_and_type(mm, mfn, flush);
    return HV_OK;
}

static int pt_update(struct hv_mm *mm, struct hv_mm_domain *d,
                     const struct hv_mmu_update *req, bool preserve_ad,
                     struct hv_mm_flush *flush)
{
    uint64_t addr = req->ptr & ~HV_MMU_CMD_MASK;
    uint64_t mfn = addr >> HV_PAGE_SHIFT;
    unsigned int idx = (unsigned int)((addr & (HV_PAGE_SIZE - 1)) >> 3);
    struct hv_mm_page *pg;

    if (addr & 7)
        return HV_EINVAL; /* an entry straddling two (XSA-227) */
    if (!mm_mfn_is_ram(mm, mfn))
        return HV_EINVAL;
    pg = mm_page(mm, mfn);
    if (pg->count == 0)
        return HV_EINVAL;
    if (pg->owner != d->id)
        return HV_EPERM;
    if (mm_type_is_pt(pg->type) && pg->type_count > 0)
        return mod_entry(mm, d, mfn, pg->type, idx, req->val, preserve_ad,
                         flush);
    return plain_write(mm, d, mfn, idx, req->val, flush);
}

static int machphys_update(struct hv_mm *mm, struct hv_mm_domain *d,
                           const struct hv_mmu_update *req)
{
    uint64_t mfn = req->ptr >> HV_PAGE_SHIFT, gfn = req->val, old;
    struct hv_mm_page *pg;

    if (!mm_mfn_is_ram(mm, mfn))
        return HV_EINVAL;
    pg = mm_page(mm, mfn);
    if (pg->owner != d->id || !(pg->flags & PF_ALLOCATED))
        return HV_EPERM;
    if (gfn != HV_MM_INVALID_FRAME && d->p2m && gfn >= d->p2m_size)
        return HV_EINVAL;
    /* Keep M2P and P2M a bijection: undo both old pairings first. */
    mm_unmap_gfn(mm, mfn);
    if (gfn != HV_MM_INVALID_FRAME && d->p2m) {
        old = d->p2m[gfn];
        if (old != HV_MM_INVALID_FRAME)
            mm->m2p[old] = HV_MM_INVALID_FRAME;
        d->p2m[gfn] = mfn;
    }
    mm->m2p[mfn] = gfn;
    return HV_OK;
}

int hv_mm_mmu_update(struct hv_mm *mm, struct hv_mm_domain *d,
                     const struct hv_mmu_update *reqs, size_t count,
                     size_t *done, struct hv_mm_flush *flush)
{
    size_t i;
    int rc = HV_OK;

    if (done)
        *done = 0;
    if (!d || !done || !flush || (!reqs && count))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    for (i = 0; rc == HV_OK && i < count; i++) {
        switch (reqs[i].ptr & HV_MMU_CMD_MASK) {
        case HV_MMU_NORMAL_PT_UPDATE:
            rc = pt_update(mm, d, &reqs[i], false, flush);
            break;
        case HV_MMU_PT_UPDATE_PRESERVE_AD:
            rc = pt_update(mm, d, &reqs[i], true, flush);
            break;
        case HV_MMU_MACHPHYS_UPDATE:
            rc = machphys_update(mm, d, &reqs[i]);
            break;
        default:
            rc = HV_ENOSYS;
            break;
        }
        if (rc == HV_OK)
            *done = i + 1;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

/* ---- pins and base pointers ---- */

int mm_pin(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t mfn,
           unsigned int level, struct hv_mm_flush *flush)
{
    int rc;

    if (level < 1 || level > 4)
        return HV_EINVAL;
    if (mm_mfn_is_ram(mm, mfn) && (mm_page(mm, mfn)->flags & PF_PINNED))
        return HV_EINVAL;
    rc = mm_get_page_and_type(mm, mfn, d->id, level, flush);
    if (rc == HV_OK)
        mm_page(mm, mfn)->flags |= PF_PINNED;
    return rc;
}

int mm_unpin(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t mfn,
             struct hv_mm_flush *flush)
{
    struct hv_mm_page *pg;

    if (!mm_mfn_is_ram(mm, mfn))
        return HV_EINVAL;
    pg = mm_page(mm, mfn);
    if (pg->owner != d->id)
        return HV_EPERM;
    if (!(pg->flags & PF_PINNED))
        return HV_EINVAL;
    pg->flags &= ~PF_PINNED;
    mm_put_page_and_type(mm, mfn, flush);
    return HV_OK;
}

int mm_set_baseptr(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                   uint64_t mfn, struct hv_mm_flush *flush)
{
    uint64_t old;
    int rc;

    if (vcpu >= HV_MAX_VCPUS_PER_DOMAIN)
        return HV_EINVAL;
    if (mfn != HV_MM_INVALID_FRAME) {
        rc = mm_get_page_and_type(mm, mfn, d->id, HV_MM_TYPE_L4, flush);
        if (rc)
            return rc;
    }
    old = d->baseptr[vcpu];
    d->baseptr[vcpu] = mfn;
    if (old != HV_MM_INVALID_FRAME)
        mm_put_page_and_type(mm, old, flush);
    mm_flush_add(flush, HV_MM_FLUSH_LOCAL, 0);
    return HV_OK;
}

int hv_mm_pin(struct hv_mm *mm, struct hv_mm_domain *d, hv_mfn_t mfn,
              unsigned int level, struct hv_mm_flush *flush)
{
    int rc;

    if (!d || !flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = d->registered ? mm_pin(mm, d, hv_mfn_val(mfn), level, flush)
                       : HV_EINVAL;
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_unpin(struct hv_mm *mm, struct hv_mm_domain *d, hv_mfn_t mfn,
                struct hv_mm_flush *flush)
{
    int rc;

    if (!d || !flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = d->registered ? mm_unpin(mm, d, hv_mfn_val(mfn), flush) : HV_EINVAL;
    hv_spin_unlock(&mm->lock);
    return rc;
}

bool hv_mm_is_pinned(struct hv_mm *mm, hv_mfn_t mfn)
{
    bool pinned;

    hv_spin_lock(&mm->lock);
    pinned = mm_mfn_is_ram(mm, hv_mfn_val(mfn)) &&
             (mm_page(mm, hv_mfn_val(mfn))->flags & PF_PINNED);
    hv_spin_unlock(&mm->lock);
    return pinned;
}

int hv_mm_new_baseptr(struct hv_mm *mm, struct hv_mm_domain *d,
                      unsigned int vcpu, hv_mfn_t mfn,
                      struct hv_mm_flush *flush)
{
    int rc;

    if (!d || !flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = d->registered ? mm_set_baseptr(mm, d, vcpu, hv_mfn_val(mfn), flush)
                       : HV_EINVAL;
    hv_spin_unlock(&mm->lock);
    return rc;
}

hv_mfn_t hv_mm_baseptr(struct hv_mm *mm, const struct hv_mm_domain *d,
                       unsigned int vcpu)
{
    hv_mfn_t m = hv_mfn(HV_MM_INVALID_FRAME);

    if (!d || vcpu >= HV_MAX_VCPUS_PER_DOMAIN)
        return m;
    hv_spin_lock(&mm->lock);
    m = hv_mfn(d->baseptr[vcpu]);
    hv_spin_unlock(&mm->lock);
    return m;
}

/* ---- mmuext_op ---- */

bool mm_va_canonical(uint64_t va)
{
    uint64_t top = va >> 47;

    return top == 0 || top == 0x1FFFF;
}

static int mmuext_one(struct hv_mm *mm, struct hv_mm_domain *d,
                      unsigned int vcpu, const struct hv_mmuext_op *op,
                      struct hv_mm_flush *flush)
{
    switch (op->cmd) {
    case HV_MMUEXT_PIN_L1_TABLE:
    case HV_MMUEXT_PIN_L2_TABLE:
    case HV_MMUEXT_PIN_L3_TABLE:
    case HV_MMUEXT_PIN_L4_TABLE:
        return mm_pin(mm, d, op->arg1.mfn, op->cmd - HV_MMUEXT_PIN_L1_TABLE + 1,
                      flush);
    case HV_MMUEXT_UNPIN_TABLE:
        return mm_unpin(mm, d, op->arg1.mfn, flush);
    case HV_MMUEXT_NEW_BASEPTR:
        if (op->arg1.mfn == HV_MM_INVALID_FRAME)
            return HV_EINVAL; /* a guest may not run without a root */
        return mm_set_baseptr(mm, d, vcpu, op->arg1.mfn, flush);
    case HV_MMUEXT_TLB_FLUSH_LOCAL:
        mm_flush_add(flush, HV_MM_FLUSH_LOCAL, 0);
        return HV_OK;
    case HV_MMUEXT_TLB_FLUSH_MULTI:
    case HV_MMUEXT_TLB_FLUSH_ALL:
        mm_flush_add(flush, HV_MM_FLUSH_DOMAIN, 0);
        return HV_OK;
    case HV_MMUEXT_INVLPG_LOCAL:
    case HV_MMUEXT_INVLPG_MULTI:
    case HV_MMUEXT_INVLPG_ALL:
        if (!mm_va_canonical(op->arg1.linear_addr))
            return HV_EINVAL;
        mm_flush_add(flush,
                     op->cmd == HV_MMUEXT_INVLPG_LOCAL ? HV_MM_FLUSH_LOCAL_VA
                                                       : HV_MM_FLUSH_DOMAIN_VA,
                     op->arg1.linear_addr & HV_PAGE_MASK);
        return HV_OK;
    case HV_MMUEXT_SET_LDT:
        return mm_set_ldt(mm, d, vcpu, op->arg1.linear_addr, op->arg2.nr_ents,
                          flush);
    case HV_MMUEXT_FLUSH_CACHE:
        mm_flush_add(flush, HV_MM_FLUSH_CACHE, 0);
        return HV_OK;
    default:
        return HV_ENOSYS;
    }
}

int hv_mm_mmuext_op(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                    const struct hv_mmuext_op *ops, size_t count, size_t *done,
                    struct hv_mm_flush *flush)
{
    size_t i;
    int rc = HV_OK;

    if (done)
        *done = 0;
    if (!d || !done || !flush || (!ops && count) ||
        vcpu >= HV_MAX_VCPUS_PER_DOMAIN)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    for (i = 0; rc == HV_OK && i < count; i++) {
        rc = mmuext_one(mm, d, vcpu, &ops[i], flush);
        if (rc == HV_OK)
            *done = i + 1;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

/* ---- update_va_mapping ---- */

/* Find the L1 table mapping `va` in the tree rooted at `root`. */
int mm_walk_to_l1(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t root,
                  uint64_t va, uint64_t *l1)
{
    uint64_t mfn = root;
    unsigned int level;

    for (level = 4; level > 1; level--) {
        unsigned int idx = (unsigned int)((va >> (12 + 9 * (level - 1))) &
                                          (HV_PT_ENTRIES - 1));
        uint64_t *tab = mm_map(mm, mfn);
        uint64_t e = HV_READ_ONCE(tab[idx]);

        mm_unmap(mm, tab);
        if (!(e & HV_PAGE_PRESENT) || (e & HV_PAGE_PSE))
            return HV_EINVAL;
        mfn = PTE_MFN(e);
        /* A validated tree: the next level is a table of level-1. */
        HV_CHECK(mm_mfn_is_ram(mm, mfn));
        if (mfn == root || mm_page(mm, mfn)->type != level - 1)
            return HV_EINVAL; /* reached through a linear entry */
    }
    if (mm_page(mm, mfn)->owner != d->id)
        return HV_EPERM;
    *l1 = mfn;
    return HV_OK;
}

int hv_mm_update_va_mapping(struct hv_mm *mm, struct hv_mm_domain *d,
                            unsigned int vcpu, uint64_t va, uint64_t val,
                            unsigned int flags, struct hv_mm_flush *flush)
{
    uint64_t l1;
    unsigned int kind = flags & HV_UVMF_FLUSHTYPE_MASK;
    int rc;

    if (!d || !flush || vcpu >= HV_MAX_VCPUS_PER_DOMAIN ||
        kind == HV_UVMF_FLUSHTYPE_MASK)
        return HV_EINVAL;
    if (!mm_va_canonical(va))
        return HV_EINVAL;
    if (va >= HV_HYPERVISOR_VIRT_START && va < HV_HYPERVISOR_VIRT_END)
        return HV_EPERM;
    hv_spin_lock(&mm->lock);
    if (!d->registered || d->baseptr[vcpu] == HV_MM_INVALID_FRAME)
        rc = HV_EINVAL;
    else
        rc = mm_walk_to_l1(mm, d, d->baseptr[vcpu], va, &l1);
    if (rc == HV_OK)
        rc = mod_entry(mm, d, l1, 1,
                       (unsigned int)((va >> 12) & (HV_PT_ENTRIES - 1)), val,
                       false, flush);
    if (rc == HV_OK && kind != HV_UVMF_NONE) {
        /* UVMF_LOCAL is 0; UVMF_ALL or a vCPU mask widen to the domain. */
        bool local = (flags & ~HV_UVMF_FLUSHTYPE_MASK) == HV_UVMF_LOCAL;

        if (kind == HV_UVMF_TLB_FLUSH)
            mm_flush_add(flush, local ? HV_MM_FLUSH_LOCAL : HV_MM_FLUSH_DOMAIN,
                         0);
        else
            mm_flush_add(flush,
                         local ? HV_MM_FLUSH_LOCAL_VA : HV_MM_FLUSH_DOMAIN_VA,
                         va & HV_PAGE_MASK);
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}
