/*
 * <hv/mm.h>: machine frames, page-type accounting and validated page-table
 * updates (the PV MMU of early Xen, as a library).
 *
 * One `struct hv_mm` describes all machine memory: a frame table with one
 * record per 4 KiB frame, a buddy allocator over the frames that are RAM
 * and not reserved, and the domains registered with it. Guests never store
 * to a page table directly: every change goes through hv_mm_mmu_update()
 * and friends, which check the new entry and keep the counts exact, so
 * that a guest can only map frames it owns (or that the caller's
 * may_map_foreign hook allows), and never holds a writable mapping of a
 * frame in use as a page table or descriptor page. docs/mm.md describes
 * the model and lists every invariant hv_mm_check() proves.
 *
 * Memory: the library never dereferences a machine address. Every access
 * to a frame's contents goes through ops->map_frame(), so the same code
 * runs over a hypervisor's direct map and over a host test's array.
 * Everything is caller-owned: the frame records, the M2P table, the
 * domains and their P2M tables. There is no global state.
 *
 * Thread-safety: every function taking a `struct hv_mm *` takes its lock
 * (one ticket lock per hv_mm) for its whole duration; calls may come from
 * any CPU. The ops are called with that lock held and must not call back
 * into libhv-mm. Functions are not preemptible: a batch runs to its end.
 *
 * Flushes: functions that may leave stale TLB entries take a
 * `struct hv_mm_flush *` (never NULL) and add what the caller must flush
 * before any vCPU re-enters guest mode; this holds on failure too.
 *
 * Errors: every function returning int returns HV_OK or a negative hv_err
 * (<hv/err.h>). A refusal leaves all state as it was, except batches,
 * which stop at the first failing element, report in *done how many
 * elements were applied, and leave those applied and the accounting exact.
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <hv/abi/arch-x86_64.h>
#include <hv/abi/memory.h>
#include <hv/abi/xen.h>
#include <hv/base.h>
#include <hv/mm_types.h>

HV_EXTERN_C_BEGIN

/* Largest buddy order the allocator supports (2^20 frames = 4 GiB). */
#define HV_MM_MAX_ORDER 20

/* Largest extent order a guest may ask of the reservation calls. */
#define HV_MM_GUEST_MAX_ORDER 9

/* Longest extent list one reservation call accepts. */
#define HV_MM_MAX_EXTENTS 4096

/* General and type counts refuse to grow past this (no wrap-around). */
#define HV_MM_REF_MAX 0x3FFFFFFFu

/* Page types. A frame has exactly one type at a time (see get_page_type). */
enum hv_mm_type {
    HV_MM_TYPE_NONE = 0,     /* no typed use */
    HV_MM_TYPE_L1 = 1,       /* x86-64 level-1 page table */
    HV_MM_TYPE_L2 = 2,       /* level-2 (page directory) */
    HV_MM_TYPE_L3 = 3,       /* level-3 */
    HV_MM_TYPE_L4 = 4,       /* level-4 (root) */
    HV_MM_TYPE_SEG_DESC = 5, /* GDT / LDT page */
    HV_MM_TYPE_WRITABLE = 6, /* mapped writable by some PTE */
};

/* ---- frame records (layout private; read with hv_mm_page_info) ---- */

struct hv_mm_page {
    uint32_t count;      /* general references */
    uint32_t type_count; /* references of type `type` */
    uint16_t owner;      /* domid, HV_DOMID_XEN, or HV_DOMID_INVALID */
    uint8_t type;        /* enum hv_mm_type */
    uint8_t order;       /* order of the free block this frame heads */
    uint16_t flags;      /* HV_MM_PF_* (private) */
    int16_t linear;      /* >0 linear entries to it, <0 linear entries in it */
    uint32_t next;       /* free-list links (frame numbers) */
    uint32_t prev;
};

/* One range of the machine memory map, in frames. */
struct hv_mm_region {
    uint64_t first_mfn;
    uint64_t count;
    uint32_t kind; /* HV_MM_REGION_* */
};

#define HV_MM_REGION_RAM      1 /* usable memory */
#define HV_MM_REGION_RESERVED 2 /* inside RAM but never handed out */

/* The callouts; the only way the library reaches frame contents. */
struct hv_mm_ops {
    /*
     * Required unless the config gives a directmap (then never called).
     * A pointer to the HV_PAGE_SIZE bytes of frame `mfn`, valid
     * until the matching unmap_frame (or forever if unmap_frame is NULL).
     * Called only for frames that the memory map says are RAM.
     */
    void *(*map_frame)(void *ctx, hv_mfn_t mfn);
    /* Optional. Ends the mapping map_frame returned. */
    void (*unmap_frame)(void *ctx, void *va);
    /*
     * Optional. Whether domain `domid` may map frame `mfn` owned by
     * another domain `owner` (a privileged builder, or a grant checked by
     * the caller). NULL means never.
     */
    bool (*may_map_foreign)(void *ctx, hv_domid_t domid, hv_domid_t owner,
                            hv_mfn_t mfn);
    /*
     * Optional but needed on SMP. Flush the TLBs HV_MM_FLUSH_* `flags`
     * name, now, before returning. Called when a frame that may linger in
     * some CPU's TLB under its old use is about to take a new type (a
     * stale writable mapping must not race the validation of a page
     * table). When NULL the need is added to the call's hv_mm_flush
     * instead, which is only safe while no other CPU runs guest code.
     * It runs with the hv_mm lock held, so it must complete while other
     * CPUs spin on that lock: either they spin with interrupts enabled
     * (and take the flush IPI), or the flush needs no other CPU's help
     * (broadcast invalidation: TLBI ...IS on AArch64, INVLPGB on x86).
     */
    void (*flush_tlbs)(void *ctx, unsigned int flags);
};

struct hv_mm_config {
    struct hv_mm_page *pages; /* nr_frames records, caller-owned */
    uint64_t *m2p;            /* nr_frames entries, caller-owned */
    uint64_t nr_frames;       /* frames 0 .. nr_frames-1, < 2^32 */
    const struct hv_mm_region *regions;
    size_t region_count;
    unsigned int max_order; /* <= HV_MM_MAX_ORDER */
    const struct hv_mm_ops *ops;
    void *ops_ctx;
    unsigned int flags; /* HV_MM_INIT_* */
    /* Optional direct map (Xen's mfn_to_virt): frame f at directmap +
     * f * HV_PAGE_SIZE, and ops->map_frame/unmap_frame are never called. */
    void *directmap;
};

#define HV_MM_INIT_SCRUB 1u /* zero every RAM frame at init */

struct hv_mm_domain;

/* The memory instance. Caller-allocated; fields private. */
struct hv_mm {
    struct hv_spinlock lock;  /* guards everything below and all pages */
    struct hv_mm_page *pages; /* frame table */
    uint64_t *m2p;            /* machine-to-physical */
    uint64_t nr_frames;
    unsigned int max_order;
    const struct hv_mm_ops *ops;
    void *ops_ctx;
    uint8_t *directmap; /* NULL: frames through ops->map_frame */
    uint32_t free_head[HV_MM_MAX_ORDER + 1]; /* buddy free lists */
    uint64_t free_frames;
    uint64_t ram_frames;
    uint64_t reserved_frames;
    struct hv_mm_domain *domains[HV_MAX_DOMAINS];
};

/* ---- domains ---- */

#define HV_MM_DOM_SUPERPAGES 1u /* allow 2 MiB L2 superpage entries */
#define HV_MM_DOM_LINEAR_PT  2u /* allow read-only linear page tables */

/* Descriptor tables of a 64-bit PV guest (Xen's limits). */
#define HV_MM_GDT_MAX_ENTRIES 7168 /* Xen's FIRST_RESERVED_GDT_ENTRY */
#define HV_MM_GDT_MAX_FRAMES  14
#define HV_MM_LDT_MAX_ENTRIES 8192
#define HV_MM_LDT_MAX_FRAMES  16

/* A vCPU's GDT and LDT frames (private; see hv_mm_set_gdt). */
struct hv_mm_vcpu_desc {
    uint64_t gdt[HV_MM_GDT_MAX_FRAMES]; /* SEG_DESC frames or INVALID */
    uint32_t gdt_entries;
    uint32_t ldt_entries;
    uint64_t ldt_base;                  /* guest virtual address */
    uint64_t ldt[HV_MM_LDT_MAX_FRAMES]; /* faulted-in frames or INVALID */
};

/* Per-domain memory state. Caller-allocated; fields private. */
struct hv_mm_domain {
    hv_domid_t id;
    uint32_t flags;     /* HV_MM_DOM_* */
    uint64_t tot_pages; /* frames owned (allocated or still referenced) */
    uint64_t max_pages; /* reservation limit on tot_pages */
    uint64_t *p2m;      /* p2m_size entries, caller-owned, may be NULL */
    uint64_t p2m_size;
    uint64_t baseptr[HV_MAX_VCPUS_PER_DOMAIN];      /* root L4 mfn or INVALID */
    uint64_t user_baseptr[HV_MAX_VCPUS_PER_DOMAIN]; /* user-mode root */
    struct hv_mm_vcpu_desc desc[HV_MAX_VCPUS_PER_DOMAIN];
    uint64_t s2_root; /* AArch64 stage-2 root (2 frames) or INVALID */
    bool registered;
    bool dying; /* teardown has begun: it receives no frame by transfer */
};

/* ---- TLB flushes the caller must perform ---- */

#define HV_MM_FLUSH_LOCAL_VA  0x01u /* invlpg `va` on the calling CPU */
#define HV_MM_FLUSH_LOCAL     0x02u /* full flush of the calling CPU */
#define HV_MM_FLUSH_DOMAIN_VA 0x04u /* invlpg `va` where the domain runs */
#define HV_MM_FLUSH_DOMAIN    0x08u /* full flush where the domain runs */
#define HV_MM_FLUSH_ALL       0x10u /* full flush of every CPU */
#define HV_MM_FLUSH_CACHE     0x20u /* write back and invalidate caches */

/*
 * What a call needs flushed before any vCPU re-enters guest mode. Calls
 * only add to it (start it zeroed). When a second, different address is
 * asked for, the *_VA request becomes the full flush of the same scope.
 */
struct hv_mm_flush {
    unsigned int flags;
    uint64_t va; /* meaningful when a *_VA flag is set */
};

/* ---- setup ---- */

/*
 * hv_mm_init() - build the frame table and allocator over a memory map.
 * @mm:  the instance to fill in (any previous content is ignored)
 * @cfg: arrays, map and ops; copied, the arrays stay the caller's
 *
 * Frames not covered by a RAM region are holes: no operation accepts them.
 * RESERVED regions mark RAM that is never allocated (owner HV_DOMID_XEN).
 * With HV_MM_INIT_SCRUB every allocatable frame is zeroed first.
 * Not locked: no other call may use @mm until this one returns.
 * Return: HV_OK; HV_EINVAL for NULL arrays or ops, neither map_frame nor
 * directmap, nr_frames of 0 or >= 2^32, max_order > HV_MM_MAX_ORDER, a region
 * beyond nr_frames, overlapping RAM regions, an unknown kind, or a
 * reserved region outside RAM.
 */
int hv_mm_init(struct hv_mm *mm, const struct hv_mm_config *cfg);

/* Number of frames now on the free lists. */
uint64_t hv_mm_free_frame_count(struct hv_mm *mm);

/*
 * hv_mm_alloc_xen() / hv_mm_free_xen() - frames for the hypervisor itself.
 * The block of 2^order frames is owned by HV_DOMID_XEN, type NONE, with
 * one general reference, outside any reservation.
 * Return: HV_OK; HV_EINVAL for a bad order; HV_ENOMEM when no block.
 * hv_mm_free_xen: frees any naturally aligned block of 2^order Xen frames
 * (a whole allocation or part of one); HV_EINVAL unless every frame of it
 * is a Xen frame holding only its allocation reference.
 */
int hv_mm_alloc_xen(struct hv_mm *mm, unsigned int order, hv_mfn_t *mfn);
int hv_mm_free_xen(struct hv_mm *mm, hv_mfn_t mfn, unsigned int order);

/*
 * hv_mm_domain_init() - register a domain.
 * @d:         caller-owned, lives until hv_mm_domain_teardown() succeeds
 * @domid:     < HV_MAX_DOMAINS, not already registered
 * @max_pages: reservation (frames the domain may own at once)
 * @p2m:       p2m_size entries (set to invalid here), or NULL with size 0
 * @flags:     HV_MM_DOM_*
 * Return: HV_OK; HV_EINVAL for a bad id, flags, or p2m/size mismatch;
 * HV_EEXIST when the id is taken.
 */
int hv_mm_domain_init(struct hv_mm *mm, struct hv_mm_domain *d,
                      hv_domid_t domid, uint64_t max_pages, uint64_t *p2m,
                      uint64_t p2m_size, uint32_t flags);

/*
 * hv_mm_domain_set_max() - change the reservation limit.
 * Return: HV_OK; HV_EBUSY when the domain owns more than @max_pages.
 */
int hv_mm_domain_set_max(struct hv_mm *mm, struct hv_mm_domain *d,
                         uint64_t max_pages);

/* Frames the domain owns (current reservation); 0 for NULL. */
uint64_t hv_mm_domain_tot_pages(struct hv_mm *mm, const struct hv_mm_domain *d);

/*
 * hv_mm_domain_teardown() - relinquish all of a domain's memory.
 * Drops every base pointer and pin, devalidates its tables, releases every
 * frame it owns and unregisters it once it owns none. From the first call
 * on the domain is dying: hv_mm_transfer_page neither takes frames from it
 * nor gives it any.
 * Return: HV_OK when the domain is gone; HV_EBUSY when frames remain
 * because others still hold references (call again after they drop them;
 * the work already done stays done); HV_EINVAL when not registered.
 */
int hv_mm_domain_teardown(struct hv_mm *mm, struct hv_mm_domain *d,
                          struct hv_mm_flush *flush);

/* ---- allocation for a domain ---- */

/*
 * hv_mm_alloc_domain_pages() - allocate 2^order frames owned by @d.
 * Each frame: type NONE, one general reference (the allocation's), M2P
 * invalid. Counted in the domain's reservation.
 * Return: HV_OK; HV_EINVAL bad order; HV_ENOMEM when beyond max_pages or when
 * no block of that order is free.
 */
int hv_mm_alloc_domain_pages(struct hv_mm *mm, struct hv_mm_domain *d,
                             unsigned int order, hv_mfn_t *mfn);

/*
 * hv_mm_release_page() - drop a domain's allocation reference to a frame.
 * The frame is freed (scrubbed, M2P/P2M cleared, reservation decreased)
 * when its last reference goes; until then it stays owned by @d.
 * Return: HV_OK; HV_EINVAL for a frame not allocated to @d; HV_EBUSY when
 * the frame is pinned (unpin first).
 */
int hv_mm_release_page(struct hv_mm *mm, struct hv_mm_domain *d, hv_mfn_t mfn,
                       struct hv_mm_flush *flush);

/* ---- the reference protocol (also used by libhv-gnttab) ---- */

/*
 * hv_mm_get_page() - take a general reference on a frame owned by @owner.
 * A general reference keeps the frame from being freed or changing owner.
 * Return: HV_OK; HV_EINVAL when @mfn is not an allocated frame; HV_EPERM
 * when its owner is not @owner; HV_EMLINK at HV_MM_REF_MAX.
 */
int hv_mm_get_page(struct hv_mm *mm, hv_mfn_t mfn, hv_domid_t owner);

/*
 * hv_mm_put_page() - drop a general reference. Dropping the last one of a
 * released frame frees it. Return: HV_OK; HV_EINVAL when the frame holds
 * no reference that may be dropped (would underflow or drop the
 * allocation's own, or one held by a typed use).
 */
int hv_mm_put_page(struct hv_mm *mm, hv_mfn_t mfn, struct hv_mm_flush *flush);

/*
 * hv_mm_get_page_type() - take a type reference. The caller must already
 * hold a general reference of its own (one beyond those of the frame's
 * typed holders and its allocation). When the type count is 0 the frame
 * takes @type; a page-table type is then validated (every present entry
 * checked, references taken on what it maps; any bad entry undoes all of
 * it) and a SEG_DESC type checks all 512 descriptors (see set_gdt).
 * @type: HV_MM_TYPE_L1..L4, SEG_DESC or WRITABLE.
 * Changing the type of a frame whose previous typed use may linger in a
 * TLB flushes every TLB first (ops->flush_tlbs) or adds HV_MM_FLUSH_ALL
 * to @flush.
 * Return: HV_OK; HV_EINVAL for a bad type, NULL @flush, a frame that is
 * not RAM or holds no spare general reference, or a refused entry or
 * descriptor; HV_EBUSY when the type count is non-zero with another type
 * (or an entry maps such a frame); HV_EPERM when an entry maps a frame
 * of another domain; HV_EMLINK at HV_MM_REF_MAX.
 */
int hv_mm_get_page_type(struct hv_mm *mm, hv_mfn_t mfn, unsigned int type,
                        struct hv_mm_flush *flush);

/*
 * hv_mm_put_page_type() - drop a type reference. The last reference of a
 * page-table type devalidates the table, dropping what its entries held.
 * Return: HV_OK; HV_EINVAL when the type count is 0 or the type differs.
 */
int hv_mm_put_page_type(struct hv_mm *mm, hv_mfn_t mfn, unsigned int type,
                        struct hv_mm_flush *flush);

/* get_page + get_page_type as one step; nothing taken on failure. */
int hv_mm_get_page_and_type(struct hv_mm *mm, hv_mfn_t mfn, hv_domid_t owner,
                            unsigned int type, struct hv_mm_flush *flush);
/* put_page_type + put_page. */
int hv_mm_put_page_and_type(struct hv_mm *mm, hv_mfn_t mfn, unsigned int type,
                            struct hv_mm_flush *flush);

/* A snapshot of one frame's record. */
struct hv_mm_page_info {
    hv_domid_t owner; /* HV_DOMID_INVALID when free or a hole */
    uint32_t count;
    uint32_t type; /* enum hv_mm_type */
    uint32_t type_count;
    bool is_ram;
    bool is_reserved;
    bool is_free;
    bool is_allocated; /* holds its allocation reference */
    bool is_pinned;
    bool is_validated;
};

/* Return: HV_OK; HV_EINVAL when @mfn >= nr_frames. */
int hv_mm_page_info(struct hv_mm *mm, hv_mfn_t mfn,
                    struct hv_mm_page_info *info);

/* ---- page tables (x86-64, 4 levels) ---- */

/*
 * hv_mm_pin() / hv_mm_unpin() - pin a frame as a table of level 1..4, so
 * it stays validated with no other reference; unpin drops that.
 * Return: HV_OK; HV_EINVAL bad level, already pinned (pin) or not pinned
 * (unpin); the errors of get_page / get_page_type.
 */
int hv_mm_pin(struct hv_mm *mm, struct hv_mm_domain *d, hv_mfn_t mfn,
              unsigned int level, struct hv_mm_flush *flush);
int hv_mm_unpin(struct hv_mm *mm, struct hv_mm_domain *d, hv_mfn_t mfn,
                struct hv_mm_flush *flush);

/* Whether the frame is pinned (false for any bad mfn). */
bool hv_mm_is_pinned(struct hv_mm *mm, hv_mfn_t mfn);

/*
 * hv_mm_new_baseptr() - make @mfn (an L4 of @d) the root of vCPU @vcpu,
 * taking an L4 type reference and dropping the old root's. Adds
 * HV_MM_FLUSH_LOCAL (the CR3 load). @mfn HV_MM_INVALID_FRAME clears.
 * Return: HV_OK; HV_EINVAL bad vcpu; get_page_and_type errors.
 */
int hv_mm_new_baseptr(struct hv_mm *mm, struct hv_mm_domain *d,
                      unsigned int vcpu, hv_mfn_t mfn,
                      struct hv_mm_flush *flush);

/* The root of vCPU @vcpu, HV_MM_INVALID_FRAME when none or bad vcpu. */
hv_mfn_t hv_mm_baseptr(struct hv_mm *mm, const struct hv_mm_domain *d,
                       unsigned int vcpu);

/*
 * hv_mm_new_user_baseptr() - MMUEXT_NEW_USER_BASEPTR: the L4 a 64-bit PV
 * vCPU runs its user mode on (Xen's split kernel/user roots). Same
 * references as hv_mm_new_baseptr(); @mfn 0 or HV_MM_INVALID_FRAME
 * clears it (as Xen takes 0). No flush: it is loaded on the next switch
 * to user mode. Return: as hv_mm_new_baseptr().
 */
int hv_mm_new_user_baseptr(struct hv_mm *mm, struct hv_mm_domain *d,
                           unsigned int vcpu, hv_mfn_t mfn,
                           struct hv_mm_flush *flush);

/* The user-mode root of vCPU @vcpu, HV_MM_INVALID_FRAME when none. */
hv_mfn_t hv_mm_user_baseptr(struct hv_mm *mm, const struct hv_mm_domain *d,
                            unsigned int vcpu);

/*
 * hv_mm_mmu_update() - the mmu_update hypercall for domain @d.
 * Each request: HV_MMU_NORMAL_PT_UPDATE or HV_MMU_PT_UPDATE_PRESERVE_AD
 * (ptr: 8-byte-aligned machine address of an entry in a frame of @d;
 * the new entry is validated against the frame's table level, or, for a
 * frame not in use as a table, written as plain data if the frame can be
 * typed writable), or HV_MMU_MACHPHYS_UPDATE (ptr: frame of @d, val: its
 * guest frame number; updates M2P and P2M together).
 * @done: set to the number of requests applied, always.
 * Return: HV_OK when all applied; else the first failure's error:
 * HV_ENOSYS unknown command; HV_EINVAL misaligned or bad address, or an
 * entry refused; HV_EPERM frame not owned or hypervisor slot; HV_EBUSY
 * frame of a type that forbids it.
 */
int hv_mm_mmu_update(struct hv_mm *mm, struct hv_mm_domain *d,
                     const struct hv_mmu_update *reqs, size_t count,
                     size_t *done, struct hv_mm_flush *flush);

/*
 * hv_mm_mmuext_op() - the mmuext_op hypercall for vCPU @vcpu of @d.
 * Supports PIN_L1..L4, UNPIN, NEW_BASEPTR, TLB_FLUSH_LOCAL/MULTI/ALL,
 * INVLPG_LOCAL/MULTI/ALL, FLUSH_CACHE (reported for the caller), SET_LDT
 * (as hv_mm_set_ldt), NEW_USER_BASEPTR. The MULTI forms are reported at domain
 * scope (a superset of the vCPU mask).
 * @done: number applied. Return: HV_OK; HV_ENOSYS for any other command
 * (CLEAR_PAGE, COPY_PAGE, MARK_SUPER, FLUSH_CACHE_GLOBAL, ...); the errors
 * of the individual operations.
 */
int hv_mm_mmuext_op(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                    const struct hv_mmuext_op *ops, size_t count, size_t *done,
                    struct hv_mm_flush *flush);

/*
 * hv_mm_update_va_mapping() - set the L1 entry that maps @va in vCPU
 * @vcpu's current tree to @val, validated as by mmu_update, then add the
 * flush @flags (HV_UVMF_*) ask for.
 * Return: HV_OK; HV_EINVAL for a non-canonical @va, one with no L1 on the
 * walk (or a superpage), bad flags or no base pointer; HV_EPERM for @va
 * in the hypervisor range; the entry-check errors.
 */
int hv_mm_update_va_mapping(struct hv_mm *mm, struct hv_mm_domain *d,
                            unsigned int vcpu, uint64_t va, uint64_t val,
                            unsigned int flags, struct hv_mm_flush *flush);

/* ---- descriptor tables (x86-64 PV) ---- */

/*
 * A descriptor is accepted when it cannot give the guest more privilege
 * than its own kernel has (ring 3 for a 64-bit PV guest):
 *  - not present: anything (it always faults);
 *  - code/data segment: any, with DPL 0..2 raised to 3 (as Xen does; the
 *    stored value is the raised one);
 *  - system type 0: accepted (the upper half of a 64-bit gate);
 *  - 64-bit call gate: only to a selector of the guest's own GDT (index
 *    < HV_MM_GDT_MAX_ENTRIES) or LDT, its RPL forced to 3;
 *  - everything else (TSS, LDT, interrupt and trap gates): refused.
 */

/*
 * hv_mm_set_gdt() - install @entries descriptors held in the frames
 * @frames (ceil(@entries / 512) of them) as vCPU @vcpu's GDT. Each frame
 * must be @d's and take a SEG_DESC type (checking all 512 descriptors in
 * it the first time, so it must not be mapped writable). The old GDT's
 * frames are released. Adds HV_MM_FLUSH_LOCAL (reload).
 * Return: HV_OK; HV_EINVAL for @entries > HV_MM_GDT_MAX_ENTRIES, a bad
 * vcpu or NULL frames; the errors of get_page_and_type (HV_EBUSY for a
 * frame mapped writable or a table; HV_EINVAL for a bad descriptor).
 */
int hv_mm_set_gdt(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                  const uint64_t *frames, unsigned int entries,
                  struct hv_mm_flush *flush);

/*
 * hv_mm_update_descriptor() - write the 8-byte descriptor @desc at
 * machine address @maddr (8-byte aligned, in a frame of @d). Checked as
 * above; in a frame that is not a descriptor page in use it is a plain
 * write that needs the frame typable writable.
 * Return: HV_OK; HV_EINVAL for a misaligned or bad address or a refused
 * descriptor; HV_EPERM frame not @d's; HV_EBUSY frame of another type.
 */
int hv_mm_update_descriptor(struct hv_mm *mm, struct hv_mm_domain *d,
                            uint64_t maddr, uint64_t desc,
                            struct hv_mm_flush *flush);

/*
 * hv_mm_set_ldt() - MMUEXT_SET_LDT: the LDT of vCPU @vcpu is @ents
 * descriptors at guest virtual address @va. Frames are taken lazily by
 * hv_mm_ldt_fault(); those of the old LDT are released here. Adds
 * HV_MM_FLUSH_LOCAL. Return: HV_OK; HV_EINVAL for @va not page-aligned
 * or not canonical, @ents > HV_MM_LDT_MAX_ENTRIES, or a bad vcpu;
 * HV_EPERM when the LDT would reach the hypervisor range.
 */
int hv_mm_set_ldt(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                  uint64_t va, unsigned int ents, struct hv_mm_flush *flush);

/*
 * hv_mm_ldt_fault() - bring in page @index of vCPU @vcpu's LDT (on the
 * guest's first use of it): walk the vCPU's tables to the frame, which
 * must be @d's and take a SEG_DESC type. The caller maps the returned
 * frame into the vCPU's LDT shadow area.
 * Return: HV_OK with *mfn; HV_EINVAL for @index beyond the LDT, no root,
 * no mapping, or a refused descriptor; HV_EPERM; HV_EBUSY for a frame
 * mapped writable.
 */
int hv_mm_ldt_fault(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                    unsigned int index, hv_mfn_t *mfn,
                    struct hv_mm_flush *flush);

/* ---- pseudo-physical memory ---- */

/* M2P lookup: HV_MM_INVALID_FRAME when none or out of range. */
uint64_t hv_mm_m2p(struct hv_mm *mm, hv_mfn_t mfn);
/* P2M lookup: HV_MM_INVALID_FRAME when none or out of range. */
uint64_t hv_mm_p2m(struct hv_mm *mm, const struct hv_mm_domain *d,
                   hv_gfn_t gfn);

/*
 * hv_mm_increase_reservation() - allocate @nr extents of 2^@order frames
 * to @d, writing each extent's first mfn to @mfns (no P2M entries: the
 * PV guest sets them with MMU_MACHPHYS_UPDATE).
 * @done: extents allocated (each whole). Return: HV_OK; HV_EINVAL order >
 * HV_MM_GUEST_MAX_ORDER or > max_order; HV_E2BIG nr > HV_MM_MAX_EXTENTS;
 * HV_ENOMEM reservation or memory exhausted.
 */
int hv_mm_increase_reservation(struct hv_mm *mm, struct hv_mm_domain *d,
                               unsigned int order, uint64_t *mfns, size_t nr,
                               size_t *done);

/*
 * hv_mm_populate_physmap() - for each gfn in @gfns (2^@order aligned),
 * allocate an extent and map gfn..gfn+2^order-1 in the P2M and M2P.
 * @done: extents applied. Return: as increase_reservation, plus HV_EINVAL
 * for a misaligned gfn or one beyond the P2M, HV_EEXIST when a gfn of the
 * extent is already populated.
 */
int hv_mm_populate_physmap(struct hv_mm *mm, struct hv_mm_domain *d,
                           unsigned int order, const uint64_t *gfns, size_t nr,
                           size_t *done);

/*
 * hv_mm_decrease_reservation() - for each gfn in @gfns, release the
 * 2^@order frames the P2M maps there (their P2M and M2P entries are
 * cleared at once; each frame is freed when its last reference goes).
 * @done: extents applied. Return: HV_OK; HV_EINVAL bad order, misaligned
 * or out-of-range gfn, or a gfn of the extent not populated; HV_E2BIG;
 * HV_EBUSY when a frame of the extent is pinned or a base pointer.
 */
int hv_mm_decrease_reservation(struct hv_mm *mm, struct hv_mm_domain *d,
                               unsigned int order, const uint64_t *gfns,
                               size_t nr, size_t *done,
                               struct hv_mm_flush *flush);

/*
 * hv_mm_exchange() - XENMEM_exchange: trade the frames behind @in_nr
 * extents of 2^@in_order guest frames (@in_gfns, each aligned) for new
 * frames in @out_nr extents of 2^@out_order, which take the same guest
 * frame numbers in order (P2M and M2P updated). The first frame of each
 * new extent is written to @out_mfns. Work proceeds in chunks of
 * 2^max(in_order, out_order) frames, each all or nothing.
 * Every input frame must be populated and hold no reference but its
 * allocation (not mapped, pinned, typed or granted anywhere), or it could
 * outlive the exchange in someone's hands.
 * @done: input extents exchanged.
 * Return: HV_OK; HV_EINVAL for a bad order, @in_nr << @in_order !=
 * @out_nr << @out_order, a misaligned, out-of-range or unpopulated gfn;
 * HV_E2BIG for more than HV_MM_MAX_EXTENTS extents on either side;
 * HV_EBUSY for an input frame still referenced; HV_ENOMEM when no block
 * of @out_order is free.
 */
int hv_mm_exchange(struct hv_mm *mm, struct hv_mm_domain *d,
                   unsigned int in_order, const uint64_t *in_gfns, size_t in_nr,
                   unsigned int out_order, uint64_t *out_mfns, size_t out_nr,
                   size_t *done, struct hv_mm_flush *flush);

/* ---- AArch64 stage-2 translation (IPA -> PA) ---- */

/*
 * A domain may have one stage-2 table tree: 4 KiB granule, 40-bit IPA,
 * starting at level 1 with two concatenated tables (VTCR_EL2.T0SZ = 24,
 * SL0 = 1, TG0 = 4 KiB), 4 KiB pages only. The tables are hypervisor
 * frames (HV_DOMID_XEN), never visible to the guest; each page mapping
 * follows the same rules as a PV L1 entry: the frame is the domain's (or
 * ops->may_map_foreign allows it) and holds a general reference, plus a
 * WRITABLE type reference when writable, so a frame in typed use (a
 * descriptor page, a granted table) is never mapped writable.
 */
#define HV_MM_S2_IPA_BITS 40
#define HV_MM_S2_READ     1u
#define HV_MM_S2_WRITE    2u
#define HV_MM_S2_EXEC     4u

/*
 * hv_mm_s2_init() - allocate the (zeroed) 8 KiB root of @d's stage-2.
 * Return: HV_OK; HV_EEXIST when it has one; HV_ENOMEM.
 */
int hv_mm_s2_init(struct hv_mm *mm, struct hv_mm_domain *d);

/* The root's machine address for VTTBR_EL2 (with the caller's VMID), or
 * HV_MM_INVALID_FRAME when none. */
uint64_t hv_mm_s2_root(struct hv_mm *mm, const struct hv_mm_domain *d);

/*
 * hv_mm_s2_map() - map the 4 KiB page at @ipa to frame @mfn with @perms
 * (a non-empty set of HV_MM_S2_*). Tables are allocated as needed; a
 * refusal frees any allocated by this call.
 * Return: HV_OK; HV_EINVAL for a misaligned @ipa or one >= 2^40, bad
 * @perms, no stage-2, or a frame that is no domain's; HV_EPERM not the
 * domain's; HV_EBUSY writable but typed; HV_EEXIST @ipa already mapped;
 * HV_ENOMEM no frame for a table.
 */
int hv_mm_s2_map(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t ipa,
                 hv_mfn_t mfn, unsigned int perms, struct hv_mm_flush *flush);

/*
 * hv_mm_s2_unmap() - remove the page at @ipa and drop its references.
 * Adds HV_MM_FLUSH_DOMAIN_VA for @ipa (TLBI IPAS2E1IS, then VMALLE1IS).
 * Return: HV_OK; HV_EINVAL bad @ipa or no stage-2; HV_ENOENT not mapped.
 */
int hv_mm_s2_unmap(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t ipa,
                   struct hv_mm_flush *flush);

/*
 * hv_mm_s2_protect() - change the permissions of the page at @ipa.
 * Gaining write takes a WRITABLE type reference, losing it drops one.
 * Adds HV_MM_FLUSH_DOMAIN_VA for @ipa.
 * Return: HV_OK; HV_EINVAL; HV_ENOENT not mapped; HV_EBUSY when write is
 * asked for a frame in typed use.
 */
int hv_mm_s2_protect(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t ipa,
                     unsigned int perms, struct hv_mm_flush *flush);

/*
 * hv_mm_s2_lookup() - the frame and permissions mapped at @ipa.
 * Return: HV_OK; HV_EINVAL; HV_ENOENT.
 */
int hv_mm_s2_lookup(struct hv_mm *mm, const struct hv_mm_domain *d,
                    uint64_t ipa, hv_mfn_t *mfn, unsigned int *perms);

/*
 * hv_mm_s2_destroy() - unmap everything, free every table and the root.
 * Adds HV_MM_FLUSH_DOMAIN. Also done by hv_mm_domain_teardown().
 * Return: HV_OK; HV_EINVAL when @d has no stage-2.
 */
int hv_mm_s2_destroy(struct hv_mm *mm, struct hv_mm_domain *d,
                     struct hv_mm_flush *flush);

/* ---- invariants ---- */

/*
 * References the caller holds outside libhv-mm (grant mappings, ...), for
 * the checker: add the general and type references held on @mfn.
 */
typedef void (*hv_mm_extern_refs_fn)(void *ctx, hv_mfn_t mfn, uint32_t *count,
                                     uint32_t *type_count);

#define HV_MM_CHECK_SCRUB 1u /* also prove every free frame is zero */

/* 32-bit words of scratch hv_mm_check() needs for @nr_frames frames. */
#define HV_MM_CHECK_SCRATCH_WORDS(nr_frames) ((size_t)(nr_frames)*3)

/*
 * hv_mm_check() - walk every frame, free list, domain and validated table
 * and prove each count equals the references that exist (docs/mm.md,
 * "Invariants"). Read-only; takes the lock for the whole walk.
 * @ext:     references held outside libhv-mm, or NULL for none
 * @scratch: HV_MM_CHECK_SCRATCH_WORDS(nr_frames) words, caller-owned
 * @msg:     receives the first violation (NUL-terminated, truncated to
 *           @msg_size), may be NULL
 * Return: HV_OK; HV_EINVAL for too small a scratch; HV_EBADMSG when an
 * invariant does not hold.
 */
int hv_mm_check(struct hv_mm *mm, unsigned int flags, hv_mm_extern_refs_fn ext,
                void *ext_ctx, uint32_t *scratch, size_t scratch_words,
                char *msg, size_t msg_size);

HV_EXTERN_C_END

#endif /* HV_MM_H */
