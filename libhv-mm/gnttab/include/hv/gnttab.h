/*
 * <hv/gnttab.h>: grant tables, the way one domain lets another map, copy
 * from or receive its pages.
 *
 * A granting domain writes entries into its grant table, which lives in
 * frames it shares with the hypervisor: "domain D may map my frame F
 * (read-only)", or "domain D may give me a frame here". Another domain
 * then names the entry by (granting domain, grant reference) to map the
 * frame into its own address space, to copy to or from it, or to transfer
 * a frame of its own into it. Only version-1 entries are provided
 * (flags, domid, frame: 8 bytes, 512 per frame); version 2, status frames
 * and transitive grants are refused explicitly.
 *
 * The table frames are guest-writable memory. The library reads each
 * entry field once into a local, validates it there, and changes the
 * flags only with compare-exchange on the 32-bit (flags, domid) word, the
 * protocol Xen uses, so a guest racing its own entry can never make the
 * library act on a value it did not check.
 *
 * References: every mapping holds a general reference on the granted
 * frame in libhv-mm, plus a WRITABLE type reference when it is writable,
 * so a frame mapped writable through a grant can never become a page
 * table, and a granted frame is never freed while mapped. The table
 * frames themselves hold a general and a WRITABLE type reference while
 * installed (the library writes into them). hv_gnttab_mm_refs() reports
 * all of these to hv_mm_check().
 *
 * Memory: every structure is caller-owned (struct hv_gnttab, its active
 * array and maptrack array). Nothing is allocated, nothing is global.
 * Frame contents are reached through the caller's ops->map_frame (table
 * frames), or through libhv-mm's (the bytes of a copy: hv_mm_copy).
 *
 * Threading: every function may be called from several CPUs at once,
 * except hv_gnttab_init(), which must return before any other call names
 * that table. Each table has one spinlock; operations on two tables take
 * both in ascending address order. libhv-mm is called with these locks
 * held (order: grant-table locks, then the hv_mm lock), so neither the
 * hv_mm ops nor the gnttab ops may call into this library.
 *
 * Domain ids: the library never looks a domain up. The hypercall layer
 * resolves the ids in an operation (DOMID_SELF included) to tables and
 * passes them; the library checks that each table's id is the one the
 * operation names and refuses with GNTST_bad_domain otherwise.
 *
 * Errors: the guest operations (map, unmap, copy, transfer, setup_table,
 * query_size) return a GNTST_* status (0 or negative), the value the
 * hypercall writes into the operation's status field, and also store it
 * there. Everything else returns HV_OK or a negative hv_err. A refusal
 * leaves every count, flag and handle exactly as it was.
 */
#ifndef HV_GNTTAB_H
#define HV_GNTTAB_H

#include <hv/abi/grant_table.h>
#include <hv/abi/xen.h>
#include <hv/base.h>
#include <hv/mm.h>

HV_EXTERN_C_BEGIN

/* ---- library limits ---- */

/* Largest table a domain may have, in frames (Xen's default is 64). */
#define HV_GNTTAB_MAX_FRAMES 64u
/* Largest maptrack array (handles per mapping domain). */
#define HV_GNTTAB_MAX_MAPTRACK 65536u
/* Tries of the flags compare-exchange before a racing guest is refused. */
#define HV_GNTTAB_CMPXCHG_TRIES 4u

/* hv_gnttab_config.flags */
#define HV_GNTTAB_TRANSLATED 1u /* entry frames are gfns (P2M lookup) */

/* ---- objects (caller-owned, fields private) ---- */

/* Per grant reference of a granting table: who uses it and how often. */
struct hv_gnttab_active {
    uint32_t pin_ro; /* read-only uses (mappings, copies under way) */
    uint32_t pin_rw; /* writable uses */
    uint64_t mfn;    /* frame locked in at the first use */
    uint16_t domid;  /* the one domain using it */
    uint16_t pad[3];
};

struct hv_gnttab;

/* One mapping held by a mapping domain; its index is the handle. */
struct hv_gnttab_maptrack {
    struct hv_gnttab *granter; /* NULL when free */
    uint64_t host_addr;
    uint64_t mfn;
    hv_grant_ref_t ref;
    uint32_t flags;     /* HV_GNTMAP_* as mapped */
    uint32_t next_free; /* free-list link when free */
    uint32_t pad;
};

/* Callouts: the only way the library reaches frame contents. */
struct hv_gnttab_ops {
    /* Required. The HV_PAGE_SIZE bytes of frame @mfn (see hv_mm_ops). */
    void *(*map_frame)(void *ctx, hv_mfn_t mfn);
    /* Optional. Ends a mapping of map_frame. */
    void (*unmap_frame)(void *ctx, void *va);
};

struct hv_gnttab_config {
    hv_domid_t domid;                /* this domain's id, < HV_MAX_DOMAINS */
    struct hv_mm *mm;                /* the memory instance of all frames */
    struct hv_mm_domain *mm_dom;     /* this domain in @mm (registered) */
    unsigned int max_frames;         /* 1 .. HV_GNTTAB_MAX_FRAMES */
    struct hv_gnttab_active *active; /* max_frames * 512 entries */
    struct hv_gnttab_maptrack *maptrack; /* maptrack_count entries */
    uint32_t maptrack_count;             /* 1 .. HV_GNTTAB_MAX_MAPTRACK */
    unsigned int flags;                  /* HV_GNTTAB_* */
    const struct hv_gnttab_ops *ops;
    void *ops_ctx;
};

/* A domain's grant table. Caller-allocated; fields private. */
struct hv_gnttab {
    struct hv_spinlock lock; /* guards every field below and the arrays */
    struct hv_gnttab_config cfg;
    uint64_t frames[HV_GNTTAB_MAX_FRAMES]; /* table frames (mfns) */
    void *frame_va[HV_GNTTAB_MAX_FRAMES];  /* their mappings */
    unsigned int nr_frames;
    uint32_t maptrack_free; /* head of the free handles, or count = none */
    uint32_t maptrack_used; /* handles in use */
    uint32_t pins;          /* sum of all active pins on our entries */
    bool dying;             /* teardown begun: no new uses */
    bool dead;              /* teardown complete */
};

/* ---- setup and teardown ---- */

/*
 * hv_gnttab_init() - prepare an empty grant table (no frames yet).
 * Zeroes @cfg->active and links @cfg->maptrack as free handles.
 * Return: HV_OK; HV_EINVAL for NULL pointers, no map_frame, @domid out
 * of range, an unregistered or different mm_dom, max_frames or
 * maptrack_count out of range, unknown flags.
 */
int hv_gnttab_init(struct hv_gnttab *gt, const struct hv_gnttab_config *cfg);

/*
 * hv_gnttab_setup_table() - GNTTABOP_setup_table: make the table
 * @nr_frames frames long. The caller (the core) supplies the frames: the
 * first nr_frames() of @frames must be the frames already installed, in
 * order; the rest are added. Each new frame must be RAM owned by this
 * domain or by the hypervisor (HV_DOMID_XEN); the library takes a general
 * and a WRITABLE type reference on it and maps it for good. Shrinking is
 * not possible: a smaller @nr_frames installs nothing and succeeds.
 * Return: GNTST_okay; GNTST_general_error for @nr_frames > max_frames,
 * NULL @frames, a list that does not start with the installed frames, a
 * frame installed twice, or a frame refused by libhv-mm (not owned, in
 * typed use); GNTST_bad_domain when the domain is dying. All or nothing.
 */
int hv_gnttab_setup_table(struct hv_gnttab *gt, const hv_mfn_t *frames,
                          unsigned int nr_frames);

/*
 * hv_gnttab_query_size() - GNTTABOP_query_size: fills nr_frames and
 * max_nr_frames of @op. Return: GNTST_okay; GNTST_bad_domain when @op->dom
 * is neither DOMID_SELF nor the table's id (the core resolves other
 * domains first and passes their table).
 */
int hv_gnttab_query_size(struct hv_gnttab *gt, struct hv_gnttab_query_size *op);

/* Frames installed now, and the frame at @index (HV_MM_INVALID_FRAME
 * beyond), for the core's reply to setup_table. */
unsigned int hv_gnttab_nr_frames(struct hv_gnttab *gt);
uint64_t hv_gnttab_frame(struct hv_gnttab *gt, unsigned int index);

/*
 * hv_gnttab_set_version() / hv_gnttab_get_version() - only version 1.
 * Return: HV_OK for version 1; HV_EOPNOTSUPP for 2 (version 2, its status
 * frames and sub-page and transitive grants are not provided); HV_EINVAL
 * for any other value. get_version always gives 1.
 */
int hv_gnttab_set_version(struct hv_gnttab *gt, uint32_t version);
uint32_t hv_gnttab_get_version(struct hv_gnttab *gt);

/*
 * hv_gnttab_teardown() - release everything of a dying domain, in order:
 * 1. mark it dying (every new use of it or by it is refused);
 * 2. unmap every mapping it holds of other domains' grants (their
 *    entries' flags and pins are dropped, and the references);
 * 3. if other domains still map its grants, return HV_EBUSY: call again
 *    after they unmapped or were torn down (nothing is undone);
 * 4. release the table frames and their references.
 * Call before hv_mm_domain_teardown() of the same domain, until HV_OK.
 * @flush: TLB flushes the caller must perform (the unmapped frames).
 * Return: HV_OK; HV_EBUSY as above; HV_ESRCH when already torn down.
 */
int hv_gnttab_teardown(struct hv_gnttab *gt, struct hv_mm_flush *flush);

/* ---- the guest operations ---- */

/*
 * hv_gnttab_map_grant_ref() - GNTTABOP_map_grant_ref by @mapper of
 * @op->ref in @granter's table (@granter may be @mapper).
 * @op->flags must include GNTMAP_host_map; GNTMAP_readonly asks a
 * read-only mapping; GNTMAP_device_map is accepted (dev_bus_addr is
 * always returned); application_map, contains_pte and unknown bits are
 * refused. @op->host_addr (page-aligned) is recorded and must be given
 * again to unmap. The core installs the host mapping of
 * @op->dev_bus_addr at host_addr after success and removes it before
 * unmapping.
 * On success: a handle, one pin on the entry, GTF_reading (and
 * GTF_writing) set in the granter's entry, and the libhv-mm references.
 * Return (also in @op->status): GNTST_okay; GNTST_bad_domain for an
 * @op->dom that is not @granter's id (or DOMID_SELF for itself), tables
 * of different hv_mm instances, or a dying domain; GNTST_bad_gntref for a ref
 * beyond the table or no host_map flag; GNTST_bad_virt_addr for an unaligned
 * host_addr; GNTST_general_error for an entry not granting to @mapper (wrong
 * type, revoked, other domid), a transitive entry, a read-only grant mapped
 * writable, an entry in use by another domain, a guest racing the flags
 * more than HV_GNTTAB_CMPXCHG_TRIES times, unsupported flags, or a frame
 * libhv-mm refuses (not the granter's, or in typed use when writable);
 * GNTST_no_device_space when @mapper has no free handle.
 */
int hv_gnttab_map_grant_ref(struct hv_gnttab *mapper, struct hv_gnttab *granter,
                            struct hv_gnttab_map_grant_ref *op,
                            struct hv_mm_flush *flush);

/*
 * hv_gnttab_unmap_grant_ref() - GNTTABOP_unmap_grant_ref of @op->handle of
 * @mapper. @op->host_addr must be the mapped address and @op->dev_bus_addr
 * 0 or the returned one. Drops the references, the pin, and GTF_writing /
 * GTF_reading of the entry when the last (writable) use ends.
 * Return: GNTST_okay; GNTST_bad_handle for a handle out of range or not
 * in use (unmapped twice); GNTST_bad_virt_addr for another host_addr;
 * GNTST_bad_dev_addr for another dev_bus_addr.
 */
int hv_gnttab_unmap_grant_ref(struct hv_gnttab *mapper,
                              struct hv_gnttab_unmap_grant_ref *op,
                              struct hv_mm_flush *flush);

/*
 * hv_gnttab_copy() - GNTTABOP_copy by @caller: @op->len bytes from the
 * source to the destination. A side with GNTCOPY_*_gref is (domid, ref)
 * in a table the core resolved and passes as @src / @dst; a side without
 * is @caller's own frame @gmfn (gfn when translated) and must name
 * DOMID_SELF or @caller's id, with @src / @dst equal to @caller (or
 * NULL). Neither range may cross its frame: offset + len <= 4096. A
 * destination by reference needs a writable grant; an own destination
 * frame must be typable WRITABLE. Source and destination may overlap.
 * The frames are checked and the bytes moved by libhv-mm (hv_mm_copy,
 * through the hv_mm's own map_frame) under its lock. When both sides
 * are bad, the status is the source's.
 * Return: GNTST_okay; GNTST_bad_copy_arg for a range crossing a frame or
 * unknown flags; GNTST_bad_domain for a table not matching its domid or
 * dying; GNTST_permission_denied for an own-frame side naming another
 * domain; GNTST_bad_gntref; GNTST_general_error for a grant refused as by
 * map (read-only grant as destination, transitive, revoked, ...);
 * GNTST_bad_page for an own frame that is not the caller's (or in typed
 * use as destination).
 */
int hv_gnttab_copy(struct hv_gnttab *caller, struct hv_gnttab *src,
                   struct hv_gnttab *dst, struct hv_gnttab_copy *op,
                   struct hv_mm_flush *flush);

/*
 * hv_gnttab_transfer() - GNTTABOP_transfer: @from gives its frame @op->mfn
 * to @to, into @to's accept_transfer entry @op->ref (which must name
 * @from). The frame must be @from's, allocated, and used by nothing else:
 * no mapping (grant or page table), no type, no pin. The very frame
 * changes owner (hv_mm_transfer_page, as Xen's steal_page +
 * assign_pages), with its contents, counted in @to's reservation and no
 * longer in @from's; @from's P2M/M2P entries for it are cleared and @to
 * receives it without an M2P entry. The entry's frame field receives the
 * same machine frame number, then GTF_transfer_completed is set
 * (GTF_transfer_committed first, by compare-exchange, after every check).
 * Return: GNTST_okay; GNTST_bad_domain for @to not matching @op->domid,
 * either domain dying (its table, or its libhv-mm domain), or @to
 * translated; GNTST_bad_gntref; GNTST_bad_page for a frame that is not
 * @from's or is still mapped or referenced; GNTST_general_error for an
 * entry that is not accept_transfer for @from, already used, a racing
 * guest, or no room in @to's reservation. Nothing changes on error.
 */
int hv_gnttab_transfer(struct hv_gnttab *from, struct hv_gnttab *to,
                       struct hv_gnttab_transfer *op,
                       struct hv_mm_flush *flush);

/* ---- the hypercall decoder ---- */

/*
 * How hv_gnttab_op() turns a domain id named in an operation into a table.
 * get() returns HV_OK with a table held until put(), or a negative hv_err
 * (HV_ESRCH no such domain, HV_EPERM not allowed: privilege is the
 * resolver's policy). The caller's own id and DOMID_SELF never reach it.
 */
struct hv_gnttab_resolver {
    int (*get)(void *ctx, struct hv_gnttab *caller, unsigned int cmd,
               hv_domid_t domid, struct hv_gnttab **out);
    void (*put)(void *ctx, struct hv_gnttab *gt);
    void *ctx;
};

/*
 * hv_gnttab_op() - @count elements of one grant_table_op sub-command from
 * domain @caller. @args is the array of argument structures (Xen layout,
 * above), already copied into hypervisor memory; the core copies the
 * status and out fields back to the guest afterwards.
 * Handled: map_grant_ref, unmap_grant_ref, copy, transfer (each element
 * gets its own status: a refused element does not stop the batch;
 * GNTST_bad_domain when the resolver refuses its domain), query_size,
 * set_version, get_version (count must be 1). setup_table is the core's:
 * it allocates the frames, calls hv_gnttab_setup_table() and writes the
 * frame list (hv_gnttab_frame()) to the guest.
 * @r:    may be NULL: then only the caller itself can be named.
 * @done: elements processed.
 * Return: HV_OK (per-element results in their status fields);
 * HV_EINVAL for a NULL caller, count 0 for the single-element commands or
 * more than 1, or HV_GNTTAB_OP_MAX_BATCH elements; HV_EFAULT for NULL
 * args; for set_version the result of hv_gnttab_set_version(), with the
 * version in use written back; HV_ENOSYS for setup_table, dump_table,
 * unmap_and_replace, get_status_frames, swap_grant_ref, cache_flush and
 * unknown commands.
 */
#define HV_GNTTAB_OP_MAX_BATCH 512u
int hv_gnttab_op(struct hv_gnttab *caller, unsigned int cmd, void *args,
                 unsigned int count, const struct hv_gnttab_resolver *r,
                 unsigned int *done, struct hv_mm_flush *flush);

/* ---- accounting and invariants ---- */

/* The tables known to the checker. */
struct hv_gnttab_set {
    struct hv_gnttab *const *tables;
    size_t count;
};

/*
 * hv_gnttab_mm_refs() - an hv_mm_extern_refs_fn (ctx: struct
 * hv_gnttab_set *) adding the references the tables hold on @mfn. Takes
 * no lock (hv_mm_check calls it under the hv_mm lock): call hv_mm_check
 * with it only while no grant operation runs.
 */
void hv_gnttab_mm_refs(void *ctx, hv_mfn_t mfn, uint32_t *count,
                       uint32_t *type_count);

/*
 * hv_gnttab_check() - prove the grant-table invariants over a set of
 * tables: every handle in use points to a table of the set and to an
 * entry pinned by its domain with its frame; every entry's pins equal the
 * mappings of it (no copy is under way outside a call); free-handle
 * lists are exact; a torn-down table holds nothing. With
 * HV_GNTTAB_CHECK_SHARED also: an entry in use has GTF_reading, and
 * GTF_writing exactly when writable pins exist (only meaningful while the
 * guests have not scribbled over those bits, which they may). Takes no
 * lock: quiescent use only.
 * Return: HV_OK; HV_EBADMSG with the first violation in @msg.
 */
#define HV_GNTTAB_CHECK_SHARED 1u
int hv_gnttab_check(const struct hv_gnttab_set *set, unsigned int flags,
                    char *msg, size_t msg_size);

/* Handles in use by @gt, and pins on @gt's entries (for tests, stats). */
uint32_t hv_gnttab_mapping_count(struct hv_gnttab *gt);
uint32_t hv_gnttab_pin_count(struct hv_gnttab *gt);

HV_EXTERN_C_END

#endif /* HV_GNTTAB_H */
