/*
 * Copying bytes between frames under the frame-table lock.
 *
 * A grant copy reads one frame and writes another for a moment. What it
 * needs from libhv-mm is that for that moment the source stays owned by
 * the domain the caller named (it cannot be freed and reused by someone
 * else under the copy) and the destination stays owned and is not a page
 * table or descriptor page (a copy must never write validated contents).
 * The general way to say so is references: a general one on the source, a
 * general and a WRITABLE one on the destination, taken before the copy
 * and dropped after. That is four calls and four acquisitions of the
 * frame-table lock around a copy that itself takes about as long as all of
 * them, which is why grant copies used to cost twice a memcpy.
 *
 * Here the same checks are made once, with the lock held, and the bytes
 * move before it is released. While the lock is held nothing about any
 * frame can change (every change of owner, count or type takes it), so
 * the frames are exactly as checked for the whole copy, which is all the
 * references would have guaranteed. The state afterwards is what taking
 * and dropping those references would have left: the checks are the
 * reference checks (including the count limits, so a frame at
 * HV_MM_REF_MAX refuses a copy as it would refuse the reference), and a
 * destination with no typed use goes through the type change a first
 * WRITABLE reference makes (a TLB flush if its previous use may linger in
 * a TLB, the type WRITABLE) and the mark its last release leaves
 * (PF_TLB_STALE). The lock is held for at most HV_PAGE_SIZE bytes of copy,
 * because no range may leave its frame: a few tens of nanoseconds, less
 * than one page-table validation, which the same lock covers.
 *
 * The source is checked first, then the destination (as a grant copy takes
 * its source before its destination); when both are one frame, the
 * destination's count check counts the source's would-be reference too.
 */
#include <hv/mm_share.h>

#include "mm_internal.h"

/*
 * Copy @n bytes; the ranges may overlap. On x86-64 a copy that cannot
 * clobber its own source runs as `rep movsb`, which current CPUs execute
 * as fast string moves without touching vector registers (the hypervisor
 * is built with -mgeneral-regs-only, so the guest's vector state needs no
 * saving). Everything else goes through the base's hv_memmove.
 */
static inline void copy_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
#if defined(__x86_64__)
    if ((uintptr_t)d - (uintptr_t)s >= n) {
        __asm__ __volatile__("rep movsb"
                             : "+D"(d), "+S"(s), "+c"(n)
                             :
                             : "memory");
        return;
    }
#endif
    hv_memmove(d, s, n);
}

/* The checks of get_page on @s; @extra general references already counted
 * against it by this copy. */
static inline int check_general(struct hv_mm *mm,
                                const struct hv_mm_copy_side *s, uint32_t extra)
{
    uint64_t m = hv_mfn_val(s->mfn);
    const struct hv_mm_page *pg;

    if (!mm_mfn_is_ram(mm, m))
        return HV_EINVAL;
    pg = mm_page(mm, m);
    if (pg->count == 0)
        return HV_EINVAL; /* free or reserved */
    if (pg->owner != s->owner)
        return HV_EPERM;
    if (pg->count >= HV_MM_REF_MAX - extra)
        return HV_EMLINK;
    return HV_OK;
}

/* The checks of get_page_type(WRITABLE) on a frame that passed
 * check_general. */
static inline int check_writable(const struct hv_mm_page *pg)
{
    if (pg->type_count == 0)
        return HV_OK;
    if (pg->type != HV_MM_TYPE_WRITABLE)
        return HV_EBUSY;
    if (pg->type_count >= HV_MM_REF_MAX)
        return HV_EMLINK;
    return HV_OK;
}

int hv_mm_copy(struct hv_mm *mm, struct hv_mm_copy_side dst,
               struct hv_mm_copy_side src, uint32_t len, unsigned int *refused,
               struct hv_mm_flush *flush)
{
    struct hv_mm_page *dpg;
    uint8_t *sva, *dva;
    int rc;

    if (!flush || len > HV_PAGE_SIZE || src.offset > HV_PAGE_SIZE - len ||
        dst.offset > HV_PAGE_SIZE - len)
        return HV_EINVAL;

    hv_spin_lock(&mm->lock);
    rc = check_general(mm, &src, 0);
    if (rc != HV_OK) {
        if (refused)
            *refused = 0;
        goto out;
    }
    rc = check_general(mm, &dst, hv_mfn_eq(src.mfn, dst.mfn) ? 1u : 0u);
    if (rc == HV_OK)
        rc = check_writable(mm_page(mm, hv_mfn_val(dst.mfn)));
    if (rc != HV_OK) {
        if (refused)
            *refused = 1;
        goto out;
    }

    /* What the first WRITABLE reference would do to an untyped frame. */
    dpg = mm_page(mm, hv_mfn_val(dst.mfn));
    if (dpg->type_count == 0 && dpg->type != HV_MM_TYPE_WRITABLE) {
        mm_stale_flush(mm, dpg, flush);
        dpg->type = HV_MM_TYPE_WRITABLE;
    }
    if (len > 0) {
        sva = mm_map(mm, hv_mfn_val(src.mfn));
        dva = mm_map(mm, hv_mfn_val(dst.mfn));
        HV_CHECK(sva != NULL && dva != NULL);
        copy_bytes(dva + dst.offset, sva + src.offset, len);
        mm_unmap(mm, dva);
        mm_unmap(mm, sva);
    }
    /* And what its release would leave: a WRITABLE use just ended (no
     * store when the mark is there already, as it is for a frame copied
     * into again and again). */
    if (dpg->type_count == 0 && !(dpg->flags & PF_TLB_STALE))
        dpg->flags |= PF_TLB_STALE;
out:
    hv_spin_unlock(&mm->lock);
    return rc;
}
