/*
 * <hv/mm_share.h>: moving bytes and frames between domains.
 *
 * Two calls grant tables need from libhv-mm beyond the reference
 * protocol of <hv/mm.h>: a copy between two frames checked as the copy's
 * references would be (GNTTABOP_copy), and a change of a frame's owner
 * (GNTTABOP_transfer: Xen's steal_page + assign_pages). Both take the
 * frame-table lock once, check everything before changing anything, and
 * change nothing when they refuse. Same threading rules as <hv/mm.h>.
 */
#ifndef HV_MM_SHARE_H
#define HV_MM_SHARE_H

#include <hv/mm.h>

HV_EXTERN_C_BEGIN

/* One side of hv_mm_copy: a frame, the owner it must have, a byte offset. */
struct hv_mm_copy_side {
    hv_mfn_t mfn;
    hv_domid_t owner;
    uint16_t offset; /* first byte in the frame */
};

/*
 * hv_mm_copy() - copy @len bytes from one frame to another (or within
 * one), with the frames checked as if the caller took a general reference
 * on the source and a general and WRITABLE reference on the destination
 * for the duration, as a grant copy must.
 *
 * The checks are those of hv_mm_get_page on @src and then of
 * hv_mm_get_page_and_type(WRITABLE) on @dst (after the source's), with
 * the same errors; a frame that is neither typed nor WRITABLE becomes
 * WRITABLE as that reference would make it (a TLB flush first if its
 * previous typed use may linger; see hv_mm_get_page_type) and is left as
 * the reference's release would leave it. Instead of taking and dropping
 * those references the copy runs under the frame-table lock, which keeps
 * every frame's owner, counts and type fixed for its duration: one lock
 * acquisition instead of four reference calls. The lock is held for at
 * most one frame's worth of bytes (the ranges may not leave their frames);
 * frames are reached through ops->map_frame / unmap_frame.
 * The ranges may overlap (same frame): the copy is a memmove.
 * @refused: if not NULL, set to 0 when the source was refused and 1 when
 *           the destination was (untouched on success or argument errors)
 * The sides are passed by value (two registers each on x86-64 and
 * AArch64: this call is on the path of every grant copy).
 * Return: HV_OK; HV_EINVAL for a NULL @flush, a range leaving its frame
 * (offset + len > HV_PAGE_SIZE), or a frame that is not an
 * allocated frame; HV_EPERM when a frame's owner is not the side's
 * @owner; HV_EBUSY when the destination has a non-zero type count of
 * another type than WRITABLE (a page table, a descriptor page); HV_EMLINK
 * when a count is at HV_MM_REF_MAX. Nothing is copied or changed on error.
 */
int hv_mm_copy(struct hv_mm *mm, struct hv_mm_copy_side dst,
               struct hv_mm_copy_side src, uint32_t len, unsigned int *refused,
               struct hv_mm_flush *flush);

/*
 * hv_mm_transfer_page() - give frame @mfn of @from to @to (Xen's
 * steal_page + assign_pages): the very same frame changes owner, with its
 * contents. It must be owned by @from, allocated, and used by nothing at
 * all: no reference but its allocation's, no type reference, not pinned,
 * not a base pointer; otherwise someone would keep access to memory @from
 * believes gone. @to must have room in its reservation (tot_pages <
 * max_pages). On success @from's tot_pages falls by one and @to's rises by
 * one; @from's P2M entry for the frame and its M2P entry are cleared, and
 * the frame arrives like one from hv_mm_increase_reservation: allocated,
 * type NONE, no P2M or M2P entry (a PV recipient sets the M2P with
 * MMU_MACHPHYS_UPDATE; a translated one would need a P2M entry, which this
 * call does not make). If the frame's last typed use may linger in a TLB,
 * every TLB is flushed first (ops->flush_tlbs, or HV_MM_FLUSH_ALL added
 * to @flush): a stale writable mapping in the giver must not reach the
 * recipient's frame.
 * Return: HV_OK; HV_EINVAL for NULL @from, @to or @flush, @from == @to,
 * or an @mfn that is not RAM or not allocated; HV_ESRCH when either
 * domain is not registered or is being torn down (hv_mm_domain_teardown
 * was called); HV_EPERM when @from does not own the frame; HV_EBUSY when
 * it is pinned, a base pointer, typed, or holds any other reference;
 * HV_ENOMEM when @to's reservation is full. Nothing changes on error.
 */
int hv_mm_transfer_page(struct hv_mm *mm, struct hv_mm_domain *from,
                        struct hv_mm_domain *to, hv_mfn_t mfn,
                        struct hv_mm_flush *flush);

/*
 * hv_mm_can_transfer_page() - the checks of hv_mm_transfer_page alone,
 * with its return values (HV_OK: a transfer now would succeed). For a
 * caller that must commit something of its own (a grant entry) only when
 * the transfer is expected to succeed; the answer may be stale by the
 * time the transfer runs if the domains keep changing the frame.
 */
int hv_mm_can_transfer_page(struct hv_mm *mm, struct hv_mm_domain *from,
                            struct hv_mm_domain *to, hv_mfn_t mfn);

HV_EXTERN_C_END

#endif /* HV_MM_SHARE_H */
