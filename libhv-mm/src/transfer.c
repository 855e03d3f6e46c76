/*
 * Change of ownership: one frame given by one domain to another.
 *
 * A grant transfer (a PV network backend handing a received page to the
 * frontend, in Xen's old flipping mode) moves the frame itself, not a copy
 * of it: Xen's steal_page takes it away from the giver, assign_pages gives
 * it to the recipient. The safety argument is the one of every reuse of a
 * frame: whoever could reach it before must not reach it after. So the
 * frame must be held by nothing but the giver's allocation: a general
 * count of exactly one (no mapping in any page table, no grant mapping, no
 * base pointer, no stage-2 entry: each of those holds a general
 * reference), no type count (not a page table, descriptor page or mapped
 * writable), not pinned. What may remain is a TLB entry from a use that
 * has ended (PF_TLB_STALE); the transfer flushes before the frame changes
 * hands, exactly as a retype or a free does.
 *
 * The reservation moves with the frame: the giver's tot_pages falls by
 * one, the recipient's rises by one and must stay within its max_pages,
 * as if the recipient had allocated the frame. Pseudo-physical state
 * follows libhv-mm's rule that P2M and M2P are a bijection over the frames
 * a domain owns: the giver's P2M entry and the M2P entry are cleared (as
 * a release clears them), and the recipient receives the frame unmapped,
 * as hv_mm_increase_reservation hands out frames: a PV recipient names it
 * in its M2P with MMU_MACHPHYS_UPDATE when it wants to. The contents are
 * kept (they are the point) and the type is reset to NONE.
 *
 * A domain whose teardown has begun (`dying`) neither gives nor receives:
 * teardown releases every allocated frame of the domain in one pass, and a
 * frame arriving after that pass would outlive the domain.
 *
 * Every check is made before anything changes, under the frame-table
 * lock, so a refusal leaves no trace; hv_mm_can_transfer_page runs the
 * same checks alone for a caller that must commit its own state first.
 */
#include <hv/mm_share.h>

#include "mm_internal.h"

static bool domain_live(struct hv_mm *mm, const struct hv_mm_domain *d)
{
    return d->registered && !d->dying && mm_domain(mm, d->id) == d;
}

static int transfer_check(struct hv_mm *mm, const struct hv_mm_domain *from,
                          const struct hv_mm_domain *to, uint64_t m)
{
    const struct hv_mm_page *pg;

    if (!domain_live(mm, from) || !domain_live(mm, to))
        return HV_ESRCH;
    if (!mm_mfn_is_ram(mm, m))
        return HV_EINVAL;
    pg = mm_page(mm, m);
    if (pg->owner != from->id)
        return HV_EPERM;
    if (!(pg->flags & PF_ALLOCATED))
        return HV_EINVAL; /* released, kept alive only by references */
    if ((pg->flags & PF_PINNED) || mm_is_root(from, m))
        return HV_EBUSY;
    if (pg->count != 1 || pg->type_count != 0)
        return HV_EBUSY; /* someone else can still reach it */
    if (to->tot_pages >= to->max_pages)
        return HV_ENOMEM;
    return HV_OK;
}

static bool args_ok(const struct hv_mm_domain *from,
                    const struct hv_mm_domain *to)
{
    return from && to && from != to;
}

int hv_mm_can_transfer_page(struct hv_mm *mm, struct hv_mm_domain *from,
                            struct hv_mm_domain *to, hv_mfn_t mfn)
{
    int rc;

    if (!args_ok(from, to))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = transfer_check(mm, from, to, hv_mfn_val(mfn));
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_transfer_page(struct hv_mm *mm, struct hv_mm_domain *from,
                        struct hv_mm_domain *to, hv_mfn_t mfn,
                        struct hv_mm_flush *flush)
{
    uint64_t m = hv_mfn_val(mfn);
    struct hv_mm_page *pg;
    int rc;

    if (!args_ok(from, to) || !flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = transfer_check(mm, from, to, m);
    if (rc == HV_OK) {
        pg = mm_page(mm, m);
        /* A use that ended may linger in a TLB: not into the new owner. */
        mm_stale_flush(mm, pg, flush);
        mm_unmap_gfn(mm, m); /* the giver's P2M entry and the M2P */
        HV_CHECK(from->tot_pages > 0);
        from->tot_pages--;
        to->tot_pages++;
        pg->owner = to->id;
        pg->type = HV_MM_TYPE_NONE;
        pg->linear = 0;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}
