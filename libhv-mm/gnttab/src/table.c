/*
 * The grant table of one domain: its frames, its limits, its lifetime.
 *
 * The table frames are supplied by the core (hypervisor frames, or frames
 * of the domain itself) and shared with the guest, which writes its
 * entries there. While installed, each frame holds a general and a
 * WRITABLE type reference in libhv-mm: the library writes flags into it,
 * so it must never become a page table or descriptor page, and it must
 * not be freed under us. The frames are mapped once (ops->map_frame) and
 * stay mapped until teardown, so an entry is one pointer computation
 * away.
 *
 * Lifetime. A table stays alive while other domains use its entries:
 * their mappings point at it. Teardown therefore runs in a fixed order:
 * first the domain stops accepting uses (dying), then it drops its own
 * mappings of other tables, then it waits (HV_EBUSY, the caller retries)
 * until no pin remains on its own entries, and only then gives back its
 * frames. No step depends on another domain having done anything except
 * unmapping, and unmapping always succeeds, so a pair of domains tearing
 * down at once always finishes.
 *
 * LOCK ORDER: a table's lock, or two tables' locks in ascending address
 * order (gt_lock_two), then libhv-mm's lock inside its own calls.
 */
#include "gnttab_priv.h"

int hv_gnttab_init(struct hv_gnttab *gt, const struct hv_gnttab_config *cfg)
{
    uint32_t i;
    size_t n;

    if (!gt || !cfg || !cfg->mm || !cfg->mm_dom || !cfg->active ||
        !cfg->maptrack || !cfg->ops || !cfg->ops->map_frame)
        return HV_EINVAL;
    if (cfg->domid >= HV_MAX_DOMAINS || !cfg->mm_dom->registered ||
        cfg->mm_dom->id != cfg->domid)
        return HV_EINVAL;
    if (cfg->max_frames < 1 || cfg->max_frames > HV_GNTTAB_MAX_FRAMES)
        return HV_EINVAL;
    if (cfg->maptrack_count < 1 || cfg->maptrack_count > HV_GNTTAB_MAX_MAPTRACK)
        return HV_EINVAL;
    if (cfg->flags & ~HV_GNTTAB_TRANSLATED)
        return HV_EINVAL;

    hv_memset(gt, 0, sizeof(*gt));
    hv_spin_init(&gt->lock);
    gt->cfg = *cfg;
    n = (size_t)cfg->max_frames * HV_GNTTAB_ENTRIES_PER_FRAME;
    for (i = 0; i < n; i++) {
        hv_memset(&cfg->active[i], 0, sizeof(cfg->active[i]));
        cfg->active[i].mfn = HV_MM_INVALID_FRAME;
        cfg->active[i].domid = HV_DOMID_INVALID;
    }
    for (i = 0; i < cfg->maptrack_count; i++) {
        hv_memset(&cfg->maptrack[i], 0, sizeof(cfg->maptrack[i]));
        cfg->maptrack[i].next_free = i + 1;
    }
    for (i = 0; i < HV_GNTTAB_MAX_FRAMES; i++)
        gt->frames[i] = HV_MM_INVALID_FRAME;
    gt->maptrack_free = 0;
    return HV_OK;
}

/* Take a new table frame: references, then the mapping. */
static int take_frame(struct hv_gnttab *gt, hv_mfn_t m, void **va,
                      struct hv_mm_flush *flush)
{
    struct hv_mm_page_info info;
    hv_domid_t owner;

    if (hv_mm_page_info(gt->cfg.mm, m, &info) != HV_OK || !info.is_ram)
        return HV_GNTST_general_error;
    owner = info.owner;
    if (owner != gt->cfg.domid && owner != HV_DOMID_XEN)
        return HV_GNTST_general_error;
    /* get_page re-checks the owner under the hv_mm lock. */
    if (hv_mm_get_page_and_type(gt->cfg.mm, m, owner, HV_MM_TYPE_WRITABLE,
                                flush) != HV_OK)
        return HV_GNTST_general_error;
    *va = gt->cfg.ops->map_frame(gt->cfg.ops_ctx, m);
    if (!*va) {
        HV_CHECK(hv_mm_put_page_and_type(gt->cfg.mm, m, HV_MM_TYPE_WRITABLE,
                                         flush) == HV_OK);
        return HV_GNTST_general_error;
    }
    return HV_GNTST_okay;
}

static void drop_frame(struct hv_gnttab *gt, unsigned int i,
                       struct hv_mm_flush *flush)
{
    if (gt->cfg.ops->unmap_frame)
        gt->cfg.ops->unmap_frame(gt->cfg.ops_ctx, gt->frame_va[i]);
    HV_CHECK(hv_mm_put_page_and_type(gt->cfg.mm, hv_mfn(gt->frames[i]),
                                     HV_MM_TYPE_WRITABLE, flush) == HV_OK);
    gt->frames[i] = HV_MM_INVALID_FRAME;
    gt->frame_va[i] = NULL;
}

int hv_gnttab_setup_table(struct hv_gnttab *gt, const hv_mfn_t *frames,
                          unsigned int nr_frames)
{
    struct hv_mm_flush fl = {0, 0};
    unsigned int i, j, old;
    int rc = HV_GNTST_okay;

    hv_spin_lock(&gt->lock);
    old = gt->nr_frames;
    if (gt->dying) {
        rc = HV_GNTST_bad_domain;
        goto out;
    }
    if (nr_frames > gt->cfg.max_frames || (!frames && nr_frames > 0)) {
        rc = HV_GNTST_general_error;
        goto out;
    }
    if (nr_frames <= old)
        goto out; /* never shrinks; the installed frames stay */
    for (i = 0; i < old; i++) {
        if (hv_mfn_val(frames[i]) != gt->frames[i]) {
            rc = HV_GNTST_general_error;
            goto out;
        }
    }
    for (i = old; i < nr_frames; i++) {
        for (j = 0; j < i; j++) {
            if (hv_mfn_eq(frames[i], frames[j])) {
                rc = HV_GNTST_general_error;
                goto undo;
            }
        }
        rc = take_frame(gt, frames[i], &gt->frame_va[i], &fl);
        if (rc != HV_GNTST_okay)
            goto undo;
        gt->frames[i] = hv_mfn_val(frames[i]);
        /* A new frame starts with no grants: a table never holds stale
         * entries of an earlier use of the frame. */
        hv_memset(gt->frame_va[i], 0, HV_PAGE_SIZE);
        gt->nr_frames = i + 1;
    }
    goto out;

undo:
    while (gt->nr_frames > old)
        drop_frame(gt, --gt->nr_frames, &fl);
out:
    hv_spin_unlock(&gt->lock);
    return rc;
}

int hv_gnttab_query_size(struct hv_gnttab *gt, struct hv_gnttab_query_size *op)
{
    if (!gt_names(gt, gt, op->dom)) {
        op->status = HV_GNTST_bad_domain;
        return op->status;
    }
    hv_spin_lock(&gt->lock);
    op->nr_frames = gt->nr_frames;
    op->max_nr_frames = gt->cfg.max_frames;
    hv_spin_unlock(&gt->lock);
    op->status = HV_GNTST_okay;
    return HV_GNTST_okay;
}

unsigned int hv_gnttab_nr_frames(struct hv_gnttab *gt)
{
    unsigned int n;

    hv_spin_lock(&gt->lock);
    n = gt->nr_frames;
    hv_spin_unlock(&gt->lock);
    return n;
}

uint64_t hv_gnttab_frame(struct hv_gnttab *gt, unsigned int index)
{
    uint64_t f = HV_MM_INVALID_FRAME;

    hv_spin_lock(&gt->lock);
    if (index < gt->nr_frames)
        f = gt->frames[index];
    hv_spin_unlock(&gt->lock);
    return f;
}

int hv_gnttab_set_version(struct hv_gnttab *gt, uint32_t version)
{
    (void)gt;
    if (version == 1)
        return HV_OK;
    if (version == 2)
        return HV_EOPNOTSUPP;
    return HV_EINVAL;
}

uint32_t hv_gnttab_get_version(struct hv_gnttab *gt)
{
    (void)gt;
    return 1;
}

uint32_t hv_gnttab_mapping_count(struct hv_gnttab *gt)
{
    uint32_t n;

    hv_spin_lock(&gt->lock);
    n = gt->maptrack_used;
    hv_spin_unlock(&gt->lock);
    return n;
}

uint32_t hv_gnttab_pin_count(struct hv_gnttab *gt)
{
    uint32_t n;

    hv_spin_lock(&gt->lock);
    n = gt->pins;
    hv_spin_unlock(&gt->lock);
    return n;
}

/*
 * Lock @mapper and the granter of its handle @h in address order. The
 * handle pins the granter (its teardown waits for our pin), so reading the
 * pointer under mapper's lock and then taking both is safe; if the
 * granter sorts first we must drop ours and re-check, as the handle may
 * have been unmapped meanwhile. Returns the granter with both locked, or
 * NULL (mapper alone locked) when @h is not in use.
 */
struct hv_gnttab *gt_lock_handle(struct hv_gnttab *mapper, uint32_t h)
{
    for (;;) {
        struct hv_gnttab *g;

        hv_spin_lock(&mapper->lock);
        g = mapper->cfg.maptrack[h].granter;
        if (!g || g == mapper || (uintptr_t)mapper < (uintptr_t)g) {
            if (g && g != mapper)
                hv_spin_lock(&g->lock);
            return g;
        }
        if (hv_spin_trylock(&g->lock))
            return g;
        hv_spin_unlock(&mapper->lock);
        hv_cpu_relax();
    }
}

int hv_gnttab_teardown(struct hv_gnttab *gt, struct hv_mm_flush *flush)
{
    uint32_t h;
    unsigned int i;

    hv_spin_lock(&gt->lock);
    if (gt->dead) {
        hv_spin_unlock(&gt->lock);
        return HV_ESRCH;
    }
    __atomic_store_n(&gt->dying, true, __ATOMIC_RELEASE);
    hv_spin_unlock(&gt->lock);

    /* Our mappings of others (and of ourselves). */
    for (h = 0; h < gt->cfg.maptrack_count; h++) {
        struct hv_gnttab *g = gt_lock_handle(gt, h);

        if (g)
            gt_unmap_locked(gt, h, flush);
        gt_unlock_two(gt, g);
    }

    hv_spin_lock(&gt->lock);
    if (gt->pins != 0) {
        hv_spin_unlock(&gt->lock);
        return HV_EBUSY; /* others still use our grants */
    }
    for (i = gt->nr_frames; i > 0; i--)
        drop_frame(gt, i - 1, flush);
    gt->nr_frames = 0;
    gt->dead = true;
    hv_spin_unlock(&gt->lock);
    return HV_OK;
}
