/*
 * The reference protocol: general references and type references.
 *
 * A general reference (count) says "this frame must not be freed or change
 * owner": the allocation holds one, and so does every pin, base pointer,
 * page-table entry and grant mapping that names the frame. A type
 * reference (type_count) says "this frame must stay of this type": every
 * writable mapping holds a WRITABLE reference, every entry of an L(n+1)
 * table holds an Ln reference on the table it points to. A frame changes
 * type only while its type count is zero, which is the whole safety
 * argument: a frame cannot be an L1 table (type L1) and mapped writable
 * (type WRITABLE) at the same time, because each needs the type count of
 * the other to be zero. Every type reference is held together with a
 * general reference by the same holder, so count >= type_count always.
 *
 * The first reference of a page-table type validates the table: every
 * present entry is checked and takes the references it implies
 * (entry.c). While that runs the frame already has its new type and a
 * type count of one but not PF_VALIDATED, so an entry that points back at
 * the table being validated (as a lower level, or writable) finds it busy
 * and is refused; that, and the rule that a linear entry may only point at
 * an already validated table, keeps validation from recursing forever.
 * The last type reference devalidates: the entries' references are dropped
 * again. The frame keeps its type with a count of zero, so taking it again
 * with the same type revalidates.
 *
 * When any type count drops to zero the frame may still sit in some CPU's
 * TLB or paging-structure cache under that use (PF_TLB_STALE). Before it
 * is given another type, or freed, every TLB must be flushed; that is
 * reported in the caller's hv_mm_flush (HV_MM_FLUSH_ALL) rather than done
 * here. This is a coarse form of Xen's TLB-flush timestamps: it may flush
 * more often, never less.
 */
#include "mm_internal.h"

void mm_stale_flush(struct hv_mm *mm, struct hv_mm_page *pg,
                    struct hv_mm_flush *flush)
{
    if (!(pg->flags & PF_TLB_STALE))
        return;
    if (mm->ops->flush_tlbs)
        mm->ops->flush_tlbs(mm->ops_ctx, HV_MM_FLUSH_ALL);
    else
        mm_flush_add(flush, HV_MM_FLUSH_ALL, 0);
    pg->flags &= ~PF_TLB_STALE;
}

/* The first type reference: retype if needed, validate. */
int mm_get_type_first(struct hv_mm *mm, uint64_t mfn, unsigned int type,
                      struct hv_mm_flush *flush)
{
    struct hv_mm_page *pg = mm_page(mm, mfn);
    unsigned int old_type = pg->type;
    int rc;

    /* The general reference the caller holds must already be counted. */
    HV_CHECK(pg->count > 0);
    if (old_type != type)
        mm_stale_flush(mm, pg, flush);
    pg->type = (uint8_t)type;
    pg->type_count = 1;
    if (mm_type_is_pt(type)) {
        rc = mm_validate(mm, mfn, type, flush);
        if (rc) {
            pg->type_count = 0;
            pg->type = (uint8_t)old_type;
            return rc;
        }
        pg->flags |= PF_VALIDATED;
    } else if (type == HV_MM_TYPE_SEG_DESC) {
        rc = mm_validate_desc_page(mm, mfn);
        if (rc) {
            pg->type_count = 0;
            pg->type = (uint8_t)old_type;
            return rc;
        }
    }
    return HV_OK;
}

/* The last type reference: devalidate a table, mark the frame stale. */
void mm_put_type_last(struct hv_mm *mm, uint64_t mfn, struct hv_mm_flush *flush)
{
    struct hv_mm_page *pg = mm_page(mm, mfn);

    if (mm_type_is_pt(pg->type)) {
        HV_CHECK(pg->flags & PF_VALIDATED);
        pg->flags &= ~PF_VALIDATED;
        mm_devalidate(mm, mfn, pg->type, flush);
    }
    HV_CHECK(pg->type_count == 1);
    pg->type_count = 0;
    pg->flags |= PF_TLB_STALE;
}

/* ---- locked public entry points ---- */

static bool type_ok(unsigned int type)
{
    return type >= HV_MM_TYPE_L1 && type <= HV_MM_TYPE_WRITABLE;
}

int hv_mm_get_page(struct hv_mm *mm, hv_mfn_t mfn, hv_domid_t owner)
{
    int rc;

    hv_spin_lock(&mm->lock);
    rc = mm_get_page(mm, hv_mfn_val(mfn), owner);
    hv_spin_unlock(&mm->lock);
    return rc;
}

/* References a holder outside the frame table may drop. */
static bool droppable(const struct hv_mm_page *pg)
{
    /* Each type reference comes with its holder's general one. */
    uint32_t held = pg->type_count + ((pg->flags & PF_ALLOCATED) ? 1 : 0);

    return pg->count > held;
}

int hv_mm_put_page(struct hv_mm *mm, hv_mfn_t mfn, struct hv_mm_flush *flush)
{
    uint64_t m = hv_mfn_val(mfn);
    int rc = HV_EINVAL;

    if (!flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (mm_mfn_is_ram(mm, m) && droppable(mm_page(mm, m))) {
        mm_put_page(mm, m, flush);
        rc = HV_OK;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_get_page_type(struct hv_mm *mm, hv_mfn_t mfn, unsigned int type,
                        struct hv_mm_flush *flush)
{
    uint64_t m = hv_mfn_val(mfn);
    int rc;

    if (!flush || !type_ok(type))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    /* The caller's general reference must exist beyond typed holders. */
    if (!mm_mfn_is_ram(mm, m) || !droppable(mm_page(mm, m)))
        rc = HV_EINVAL;
    else
        rc = mm_get_type(mm, m, type, flush);
    hv_spin_unlock(&mm->lock);
    return rc;
}

/*
 * A caller may drop a typed reference of `type` only if the frame has that
 * type and holds one beyond the pin's, which only unpin drops.
 */
static bool typed_ref_droppable(const struct hv_mm_page *pg, unsigned int type)
{
    return pg->type == type &&
           pg->type_count > ((pg->flags & PF_PINNED) ? 1u : 0u);
}

/* Drop one typed reference of `type`, and with `also_general` the general
 * reference that goes with it; HV_EINVAL when the caller holds none. */
static int put_typed(struct hv_mm *mm, hv_mfn_t mfn, unsigned int type,
                     struct hv_mm_flush *flush, bool also_general)
{
    uint64_t m = hv_mfn_val(mfn);
    int rc = HV_EINVAL;

    if (!flush || !type_ok(type))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (mm_mfn_is_ram(mm, m) && typed_ref_droppable(mm_page(mm, m), type)) {
        if (also_general)
            mm_put_page_and_type(mm, m, flush);
        else
            mm_put_type(mm, m, flush);
        rc = HV_OK;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_put_page_type(struct hv_mm *mm, hv_mfn_t mfn, unsigned int type,
                        struct hv_mm_flush *flush)
{
    return put_typed(mm, mfn, type, flush, false);
}

int hv_mm_get_page_and_type(struct hv_mm *mm, hv_mfn_t mfn, hv_domid_t owner,
                            unsigned int type, struct hv_mm_flush *flush)
{
    int rc;

    if (!flush || !type_ok(type))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = mm_get_page_and_type(mm, hv_mfn_val(mfn), owner, type, flush);
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_put_page_and_type(struct hv_mm *mm, hv_mfn_t mfn, unsigned int type,
                            struct hv_mm_flush *flush)
{
    return put_typed(mm, mfn, type, flush, true);
}
