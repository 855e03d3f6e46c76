/*
 * libhv-gnttab wired into the core.
 *
 * Each attached domain gets one block of hypervisor pages holding its
 * struct hv_gnttab, the active and maptrack arrays, and the libhv-mm
 * domain registration the grant references need (the core registers no
 * domain with libhv-mm elsewhere, so the block owns it). The blocks are
 * found by domain id in a table of this file: struct hv_domain has no
 * field for them yet.
 *
 * The hypercall. grant_table_op(cmd, uop, count) copies the guest's array
 * of argument structures in, HV_CORE_GNTTAB_CHUNK elements at a time,
 * through hv_copy_from_guest, lets hv_gnttab_op() do the work and copies
 * each chunk back (status and out fields) through hv_copy_to_guest. count
 * is bounded by HV_GNTTAB_OP_MAX_BATCH; a fault in a later chunk leaves
 * the earlier chunks done (as Xen: the guest sees their statuses).
 * setup_table is the core's: it allocates the frames from the domain's
 * own reservation (libhv-mm marks a frame that was typed WRITABLE as
 * possibly stale in TLBs, and hv_mm_free_xen() refuses such frames, so
 * hypervisor-owned table frames could never be given back; domain frames
 * are released by hv_mm_domain_teardown()), hands them to
 * hv_gnttab_setup_table() and writes the frame list to the guest.
 *
 * Domain ids named in an operation are resolved by this file's table;
 * with one CPU no reference is needed while an operation runs (put is a
 * no-op), and detach cannot run in the middle of one.
 *
 * Orphan vCPUs: a map installs no page-table entry (hypervisor threads
 * use the direct map: hv_core_gnttab_va(dev_bus_addr)); an unmap removes
 * nothing, so the TLB flushes libhv-gnttab asks for concern no mapping
 * and are dropped. Guest vCPUs will install and remove the PTE around the
 * library's map and unmap here.
 */
#include "core_priv.h"
#include <hv/core_gnttab.h>

#define ACTIVE_COUNT (HV_CORE_GNTTAB_FRAMES * HV_GNTTAB_ENTRIES_PER_FRAME)

struct gnttab_block {
    struct hv_gnttab gt;
    struct hv_mm_domain mm_dom;
    hv_domid_t domid;
    unsigned int order;                     /* of this block's pages */
    uint64_t tables[HV_CORE_GNTTAB_FRAMES]; /* table frames we allocated */
    unsigned int table_count;               /* ... how many */
    bool dying;                             /* detach begun */
    bool gt_dead;                           /* hv_gnttab_teardown done */
    struct hv_gnttab_active active[ACTIVE_COUNT];
    struct hv_gnttab_maptrack maptrack[HV_CORE_GNTTAB_MAPTRACK];
};

static struct gnttab_block *blocks[HV_MAX_DOMAINS];

/* ---- frames ---- */

static void *frame_va(hv_mfn_t mfn)
{
    struct hv_mm *mm = hv_core_mm();

    /* The core's own libhv-mm instance and its own map_frame callout. */
    if (mm == NULL || mfn.v >= mm->nr_frames)
        return NULL;
    return mm->ops->map_frame(mm->ops_ctx, mfn);
}

static void *map_frame(void *ctx, hv_mfn_t mfn)
{
    (void)ctx;
    return frame_va(mfn);
}

static const struct hv_gnttab_ops gnttab_ops = {.map_frame = map_frame};

void *hv_core_gnttab_va(uint64_t maddr)
{
    uint8_t *p = frame_va(hv_mfn(maddr >> HV_PAGE_SHIFT));

    return p == NULL ? NULL : p + (maddr & (HV_PAGE_SIZE - 1));
}

static struct gnttab_block *block_of(const struct hv_domain *d)
{
    if (d == NULL || d->id >= HV_MAX_DOMAINS)
        return NULL;
    return blocks[d->id];
}

struct hv_gnttab *hv_core_gnttab(struct hv_domain *d)
{
    struct gnttab_block *b = block_of(d);

    return b == NULL ? NULL : &b->gt;
}

/* ---- the resolver ---- */

static int resolve(void *ctx, struct hv_gnttab *caller, unsigned int cmd,
                   hv_domid_t domid, struct hv_gnttab **out)
{
    (void)ctx;
    (void)caller;
    (void)cmd;
    if (domid >= HV_MAX_DOMAINS || blocks[domid] == NULL)
        return HV_ESRCH;
    *out = &blocks[domid]->gt;
    return HV_OK;
}

static const struct hv_gnttab_resolver resolver = {.get = resolve};

/* ---- setup_table ---- */

static void free_tables_from(struct gnttab_block *b, unsigned int from)
{
    struct hv_mm_flush flush = {0};

    while (b->table_count > from) {
        int rc =
            hv_mm_release_page(hv_core_mm(), &b->mm_dom,
                               hv_mfn(b->tables[--b->table_count]), &flush);

        HV_CHECK(rc == HV_OK);
    }
}

static int16_t setup_table(struct hv_vcpu *v, struct gnttab_block *b,
                           struct hv_gnttab_setup_table *op)
{
    hv_mfn_t frames[HV_CORE_GNTTAB_FRAMES];
    unsigned int have = hv_gnttab_nr_frames(&b->gt);
    unsigned int want = HV_READ_ONCE(op->nr_frames);
    uint16_t dom = HV_READ_ONCE(op->dom);
    uint64_t list = HV_READ_ONCE(op->frame_list);
    int rc;

    if (dom != HV_DOMID_SELF && dom != b->domid)
        return HV_GNTST_permission_denied; /* no privileged builder yet */
    if (want > HV_CORE_GNTTAB_FRAMES)
        return HV_GNTST_general_error;
    HV_CHECK(have == b->table_count);
    for (unsigned int i = 0; i < have; i++)
        frames[i] = hv_mfn(b->tables[i]);
    for (unsigned int i = have; i < want; i++) {
        if (hv_mm_alloc_domain_pages(hv_core_mm(), &b->mm_dom, 0, &frames[i]) !=
            HV_OK) {
            free_tables_from(b, have);
            return HV_GNTST_general_error;
        }
        hv_memset(frame_va(frames[i]), 0, HV_PAGE_SIZE);
        b->tables[b->table_count++] = frames[i].v;
    }
    rc = hv_gnttab_setup_table(&b->gt, frames, want);
    if (rc != HV_GNTST_okay) {
        free_tables_from(b, have);
        return (int16_t)rc;
    }
    /* The frame list: xen_pfn_t (64-bit) per frame. */
    for (unsigned int i = 0; i < want; i++) {
        uint64_t mfn = hv_gnttab_frame(&b->gt, i);

        if (hv_copy_to_guest(v, list + (uint64_t)i * sizeof(mfn), &mfn,
                             sizeof(mfn)) != HV_OK)
            return HV_GNTST_bad_virt_addr; /* the table stays grown */
    }
    return HV_GNTST_okay;
}

/* ---- the hypercall ---- */

static size_t arg_size(unsigned int cmd)
{
    switch (cmd) {
    case HV_GNTTABOP_map_grant_ref:
        return sizeof(struct hv_gnttab_map_grant_ref);
    case HV_GNTTABOP_unmap_grant_ref:
        return sizeof(struct hv_gnttab_unmap_grant_ref);
    case HV_GNTTABOP_setup_table:
        return sizeof(struct hv_gnttab_setup_table);
    case HV_GNTTABOP_transfer:
        return sizeof(struct hv_gnttab_transfer);
    case HV_GNTTABOP_copy:
        return sizeof(struct hv_gnttab_copy);
    case HV_GNTTABOP_query_size:
        return sizeof(struct hv_gnttab_query_size);
    case HV_GNTTABOP_set_version:
        return sizeof(struct hv_gnttab_set_version);
    case HV_GNTTABOP_get_version:
        return sizeof(struct hv_gnttab_get_version);
    default:
        return 0;
    }
}

/* The chunk buffer below holds HV_CORE_GNTTAB_CHUNK of the largest. */
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_copy) == 40 &&
                     sizeof(struct hv_gnttab_map_grant_ref) <= 40 &&
                     sizeof(struct hv_gnttab_setup_table) <= 40,
                 "grant_table_op argument sizes");

static long do_grant_table_op(struct hv_vcpu *v, const uint64_t args[6])
{
    /* Room for a chunk of the largest element (copy: 40 bytes). */
    uint64_t buf[HV_CORE_GNTTAB_CHUNK * 40 / sizeof(uint64_t)];
    struct gnttab_block *b = block_of(v->domain);
    unsigned int cmd = (unsigned int)args[0];
    uint64_t uop = args[1];
    size_t size;
    long rc = HV_OK;

    if (args[0] > 0xffffffffULL || b == NULL)
        return HV_ENOSYS;
    size = arg_size(cmd);
    if (size == 0)
        return HV_ENOSYS;
    if (args[2] == 0 || args[2] > HV_GNTTAB_OP_MAX_BATCH)
        return HV_EINVAL;
    if (uop + args[2] * size < uop)
        return HV_EFAULT; /* the array would wrap around the address space */
    /* Single-element commands: refuse before reading more than one. */
    if (args[2] != 1 &&
        (cmd == HV_GNTTABOP_setup_table || cmd == HV_GNTTABOP_query_size ||
         cmd == HV_GNTTABOP_set_version || cmd == HV_GNTTABOP_get_version))
        return HV_EINVAL;
    if (cmd == HV_GNTTABOP_setup_table) {
        struct hv_gnttab_setup_table *op = (void *)buf;

        if (hv_copy_from_guest(v, op, uop, size) != HV_OK)
            return HV_EFAULT;
        op->status = setup_table(v, b, op);
        return hv_copy_to_guest(v, uop, op, size) == HV_OK ? HV_OK : HV_EFAULT;
    }
    for (uint64_t at = 0; at < args[2] && rc == HV_OK;) {
        unsigned int n =
            (unsigned int)HV_MIN(args[2] - at, (uint64_t)HV_CORE_GNTTAB_CHUNK);
        struct hv_mm_flush flush = {0};
        unsigned int done = 0;
        uint64_t gaddr = uop + at * size;

        if (hv_copy_from_guest(v, buf, gaddr, n * size) != HV_OK)
            return HV_EFAULT;
        rc = hv_gnttab_op(&b->gt, cmd, buf, n, &resolver, &done, &flush);
        /* Orphan vCPUs: no PTE was installed or removed (see the top). */
        if (hv_copy_to_guest(v, gaddr, buf, done * size) != HV_OK)
            return HV_EFAULT;
        at += n;
    }
    return rc;
}

/* hv_domain_destroy() calls this first: no table, nothing to do. */
static int detach_on_destroy(struct hv_domain *d)
{
    int rc = hv_core_gnttab_detach(d);

    return rc == HV_ENOENT ? HV_OK : rc;
}

int hv_core_gnttab_enable(void)
{
    int rc;

    if (hv_core_mm() == NULL)
        return HV_ENOSYS;
    rc = hv_hypercall_register(HV_HYPERCALL_grant_table_op, do_grant_table_op);
    if (rc == HV_OK)
        core_domain_destroy_hook = detach_on_destroy;
    return rc;
}

/* ---- attach and detach ---- */

int hv_core_gnttab_attach(struct hv_domain *d)
{
    struct hv_mm *mm = hv_core_mm();
    struct hv_gnttab_config cfg;
    struct gnttab_block *b;
    unsigned int order = core_order_for(sizeof(*b));
    int rc;

    if (d == NULL || !d->in_use || d->id >= HV_MAX_DOMAINS)
        return HV_EINVAL;
    if (mm == NULL)
        return HV_ENOMEM;
    if (blocks[d->id] != NULL)
        return HV_EEXIST;
    b = core_pages_alloc(order);
    if (b == NULL)
        return HV_ENOMEM;
    b->order = order;
    b->domid = d->id;
    rc = hv_mm_domain_init(mm, &b->mm_dom, d->id, HV_CORE_GNTTAB_MAX_PAGES,
                           NULL, 0, 0);
    if (rc != HV_OK) {
        core_pages_free(b, order);
        return rc;
    }
    hv_memset(&cfg, 0, sizeof(cfg));
    cfg.domid = d->id;
    cfg.mm = mm;
    cfg.mm_dom = &b->mm_dom;
    cfg.max_frames = HV_CORE_GNTTAB_FRAMES;
    cfg.active = b->active;
    cfg.maptrack = b->maptrack;
    cfg.maptrack_count = HV_CORE_GNTTAB_MAPTRACK;
    cfg.ops = &gnttab_ops;
    rc = hv_gnttab_init(&b->gt, &cfg);
    if (rc != HV_OK) {
        struct hv_mm_flush flush = {0};

        HV_CHECK(hv_mm_domain_teardown(mm, &b->mm_dom, &flush) == HV_OK);
        core_pages_free(b, order);
        return rc;
    }
    blocks[d->id] = b;
    return HV_OK;
}

int hv_core_gnttab_detach(struct hv_domain *d)
{
    struct gnttab_block *b;
    struct hv_mm_flush flush = {0};
    int rc;

    if (d == NULL)
        return HV_EINVAL;
    b = block_of(d);
    if (b == NULL)
        return HV_ENOENT;
    b->dying = true;
    if (!b->gt_dead) {
        rc = hv_gnttab_teardown(&b->gt, &flush);
        if (rc == HV_EBUSY)
            return HV_EBUSY;
        HV_CHECK(rc == HV_OK);
        b->gt_dead = true;
        b->table_count = 0; /* released by the libhv-mm teardown below */
    }
    rc = hv_mm_domain_teardown(hv_core_mm(), &b->mm_dom, &flush);
    if (rc != HV_OK)
        return HV_EBUSY;
    blocks[b->domid] = NULL;
    core_pages_free(b, b->order);
    return HV_OK;
}

int hv_core_gnttab_alloc_page(struct hv_domain *d, uint64_t *mfn, void **va)
{
    struct gnttab_block *b = block_of(d);
    hv_mfn_t m;
    int rc;

    if (b == NULL || mfn == NULL || va == NULL || b->dying)
        return HV_EINVAL;
    rc = hv_mm_alloc_domain_pages(hv_core_mm(), &b->mm_dom, 0, &m);
    if (rc != HV_OK)
        return rc;
    *va = frame_va(m);
    hv_memset(*va, 0, HV_PAGE_SIZE);
    *mfn = m.v;
    return HV_OK;
}

/* ---- invariants ---- */

int hv_core_gnttab_check(char *msg, size_t msg_size)
{
    struct hv_mm *mm = hv_core_mm();
    struct hv_gnttab *tables[HV_MAX_DOMAINS];
    struct hv_gnttab_set set = {.tables = tables, .count = 0};
    size_t words;
    unsigned int order;
    uint32_t *scratch;
    int rc;

    if (mm == NULL)
        return HV_ENOSYS;
    for (unsigned int i = 0; i < HV_MAX_DOMAINS; i++)
        if (blocks[i] != NULL)
            tables[set.count++] = &blocks[i]->gt;
    rc = hv_gnttab_check(&set, HV_GNTTAB_CHECK_SHARED, msg, msg_size);
    if (rc != HV_OK)
        return rc;
    words = HV_MM_CHECK_SCRATCH_WORDS(mm->nr_frames);
    order = core_order_for(words * sizeof(uint32_t));
    scratch = core_pages_alloc(order);
    if (scratch == NULL)
        return HV_ENOMEM;
    rc = hv_mm_check(mm, 0, hv_gnttab_mm_refs, &set, scratch, words, msg,
                     msg_size);
    core_pages_free(scratch, order);
    return rc;
}
