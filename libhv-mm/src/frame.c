/*
 * The frame table and the buddy allocator.
 *
 * Every 4 KiB machine frame below nr_frames has one `struct hv_mm_page`.
 * Frames outside the RAM regions of the memory map are holes: their record
 * is all zero but for owner = HV_DOMID_INVALID, and no operation accepts
 * them. Reserved frames are RAM owned by HV_DOMID_XEN with no references;
 * they never reach the free lists, so they are never handed out.
 *
 * Free memory is kept as naturally aligned blocks of 2^order frames on one
 * list per order (a binary buddy allocator). Only the first frame of a free
 * block carries PF_FREE and the order; the lists are doubly linked through
 * frame numbers rather than pointers, which keeps a record at 24 bytes.
 * Freeing looks at the block's buddy (its frame number with bit `order`
 * flipped): if that is a free block of the same order the two merge, and
 * so on up. A hole or a reserved frame is never free, so a block never
 * merges across one; the alignment of blocks follows from frame 0 being
 * the origin.
 *
 * A frame leaves the allocator owned, with one general reference: the
 * allocation's own (PF_ALLOCATED). Releasing clears PF_ALLOCATED and drops
 * that reference; the frame comes back here only when its last reference
 * goes (mm_free_frame), so a frame another domain still maps is never
 * reused. Every frame is zeroed before it rejoins a free list, so no
 * domain reads another's data.
 */
#include "mm_internal.h"

void mm_flush_add(struct hv_mm_flush *f, unsigned int flag, uint64_t va)
{
    if (flag == HV_MM_FLUSH_LOCAL_VA || flag == HV_MM_FLUSH_DOMAIN_VA) {
        if ((f->flags & flag) && f->va != va) {
            /* A second address: widen to the full flush of that scope. */
            f->flags &= ~flag;
            flag = flag == HV_MM_FLUSH_LOCAL_VA ? HV_MM_FLUSH_LOCAL
                                                : HV_MM_FLUSH_DOMAIN;
        } else {
            f->va = va;
        }
    }
    f->flags |= flag;
}

struct hv_mm_domain *mm_domain(struct hv_mm *mm, hv_domid_t id)
{
    if (id >= HV_MAX_DOMAINS)
        return NULL;
    return mm->domains[id];
}

static void list_push(struct hv_mm *mm, uint64_t mfn, unsigned int order)
{
    struct hv_mm_page *pg = mm_page(mm, mfn);
    uint32_t head = mm->free_head[order];

    pg->flags |= PF_FREE;
    pg->order = (uint8_t)order;
    pg->prev = MM_NIL;
    pg->next = head;
    if (head != MM_NIL)
        mm_page(mm, head)->prev = (uint32_t)mfn;
    mm->free_head[order] = (uint32_t)mfn;
}

static void list_remove(struct hv_mm *mm, uint64_t mfn)
{
    struct hv_mm_page *pg = mm_page(mm, mfn);

    if (pg->prev != MM_NIL)
        mm_page(mm, pg->prev)->next = pg->next;
    else
        mm->free_head[pg->order] = pg->next;
    if (pg->next != MM_NIL)
        mm_page(mm, pg->next)->prev = pg->prev;
    pg->flags &= ~PF_FREE;
    pg->next = pg->prev = MM_NIL;
    pg->order = 0;
}

static void scrub(struct hv_mm *mm, uint64_t mfn)
{
    void *va = mm_map(mm, mfn);

    hv_memset(va, 0, HV_PAGE_SIZE);
    mm_unmap(mm, va);
}

int mm_buddy_alloc(struct hv_mm *mm, unsigned int order, uint64_t *mfn)
{
    unsigned int o = order;
    uint64_t head;

    while (o <= mm->max_order && mm->free_head[o] == MM_NIL)
        o++;
    if (o > mm->max_order)
        return HV_ENOMEM;
    head = mm->free_head[o];
    list_remove(mm, head);
    while (o > order) {
        o--;
        list_push(mm, head + (1ULL << o), o);
    }
    mm->free_frames -= 1ULL << order;
    *mfn = head;
    return HV_OK;
}

void mm_buddy_free(struct hv_mm *mm, uint64_t mfn, unsigned int order,
                   bool do_scrub)
{
    uint64_t i;

    for (i = 0; i < (1ULL << order); i++) {
        struct hv_mm_page *pg = mm_page(mm, mfn + i);

        HV_CHECK((pg->flags & (PF_RAM | PF_RESERVED)) == PF_RAM);
        if (do_scrub)
            scrub(mm, mfn + i);
        pg->owner = HV_DOMID_INVALID;
        pg->count = pg->type_count = 0;
        pg->type = HV_MM_TYPE_NONE;
        pg->linear = 0;
        pg->flags = PF_RAM;
        mm->m2p[mfn + i] = HV_MM_INVALID_FRAME;
    }
    mm->free_frames += 1ULL << order;
    while (order < mm->max_order) {
        uint64_t buddy = mfn ^ (1ULL << order);
        struct hv_mm_page *bp;

        if (buddy >= mm->nr_frames)
            break;
        bp = mm_page(mm, buddy);
        if (!(bp->flags & PF_FREE) || bp->order != order)
            break;
        list_remove(mm, buddy);
        mfn &= ~(1ULL << order);
        order++;
    }
    list_push(mm, mfn, order);
}

/* Is every frame of [first, first + count) inside some RAM region? */
static bool covered_by_ram(const struct hv_mm_config *cfg, uint64_t first,
                           uint64_t count)
{
    uint64_t m = first, end = first + count;
    size_t j;
    bool progress = true;

    while (m < end && progress) {
        progress = false;
        for (j = 0; j < cfg->region_count; j++) {
            const struct hv_mm_region *o = &cfg->regions[j];

            if (o->kind == HV_MM_REGION_RAM && o->first_mfn <= m &&
                m < o->first_mfn + o->count) {
                m = o->first_mfn + o->count;
                progress = true;
            }
        }
    }
    return m >= end;
}

static int check_regions(const struct hv_mm_config *cfg)
{
    size_t i, j;

    for (i = 0; i < cfg->region_count; i++) {
        const struct hv_mm_region *r = &cfg->regions[i];

        if (r->kind != HV_MM_REGION_RAM && r->kind != HV_MM_REGION_RESERVED)
            return HV_EINVAL;
        if (r->count == 0 || r->first_mfn >= cfg->nr_frames ||
            r->count > cfg->nr_frames - r->first_mfn)
            return HV_EINVAL;
        if (r->kind == HV_MM_REGION_RESERVED &&
            !covered_by_ram(cfg, r->first_mfn, r->count))
            return HV_EINVAL;
        for (j = 0; j < i; j++) {
            const struct hv_mm_region *o = &cfg->regions[j];

            if (o->kind != HV_MM_REGION_RAM || r->kind != HV_MM_REGION_RAM)
                continue;
            if (r->first_mfn < o->first_mfn + o->count &&
                o->first_mfn < r->first_mfn + r->count)
                return HV_EINVAL;
        }
    }
    return HV_OK;
}

int hv_mm_init(struct hv_mm *mm, const struct hv_mm_config *cfg)
{
    uint64_t i;
    size_t r;
    int rc;

    if (!mm || !cfg || !cfg->pages || !cfg->m2p || !cfg->ops ||
        (!cfg->ops->map_frame && !cfg->directmap) ||
        (!cfg->regions && cfg->region_count))
        return HV_EINVAL;
    if (cfg->nr_frames == 0 || cfg->nr_frames >= MM_NIL ||
        cfg->max_order > HV_MM_MAX_ORDER || (cfg->flags & ~HV_MM_INIT_SCRUB))
        return HV_EINVAL;
    rc = check_regions(cfg);
    if (rc)
        return rc;

    hv_memset(mm, 0, sizeof(*mm));
    hv_spin_init(&mm->lock);
    mm->pages = cfg->pages;
    mm->m2p = cfg->m2p;
    mm->nr_frames = cfg->nr_frames;
    mm->max_order = cfg->max_order;
    mm->ops = cfg->ops;
    mm->ops_ctx = cfg->ops_ctx;
    mm->directmap = (uint8_t *)cfg->directmap;
    for (i = 0; i <= HV_MM_MAX_ORDER; i++)
        mm->free_head[i] = MM_NIL;

    for (i = 0; i < mm->nr_frames; i++) {
        struct hv_mm_page *pg = mm_page(mm, i);

        hv_memset(pg, 0, sizeof(*pg));
        pg->owner = HV_DOMID_INVALID;
        pg->next = pg->prev = MM_NIL;
        mm->m2p[i] = HV_MM_INVALID_FRAME;
    }
    for (r = 0; r < cfg->region_count; r++) {
        const struct hv_mm_region *reg = &cfg->regions[r];

        if (reg->kind != HV_MM_REGION_RAM)
            continue;
        for (i = reg->first_mfn; i < reg->first_mfn + reg->count; i++)
            mm_page(mm, i)->flags = PF_RAM;
    }
    for (r = 0; r < cfg->region_count; r++) {
        const struct hv_mm_region *reg = &cfg->regions[r];

        if (reg->kind != HV_MM_REGION_RESERVED)
            continue;
        for (i = reg->first_mfn; i < reg->first_mfn + reg->count; i++) {
            if (!(mm_page(mm, i)->flags & PF_RESERVED))
                mm->reserved_frames++;
            mm_page(mm, i)->flags |= PF_RESERVED;
            mm_page(mm, i)->owner = HV_DOMID_XEN;
        }
    }
    for (i = 0; i < mm->nr_frames; i++) {
        struct hv_mm_page *pg = mm_page(mm, i);

        if (!(pg->flags & PF_RAM))
            continue;
        mm->ram_frames++;
        if (!(pg->flags & PF_RESERVED))
            mm_buddy_free(mm, i, 0, cfg->flags & HV_MM_INIT_SCRUB);
    }
    return HV_OK;
}

uint64_t hv_mm_free_frame_count(struct hv_mm *mm)
{
    uint64_t n;

    hv_spin_lock(&mm->lock);
    n = mm->free_frames;
    hv_spin_unlock(&mm->lock);
    return n;
}

/* Hand out a block: each frame owned, one (allocation) reference. */
static void claim(struct hv_mm *mm, uint64_t mfn, unsigned int order,
                  hv_domid_t owner)
{
    uint64_t i;

    for (i = 0; i < (1ULL << order); i++) {
        struct hv_mm_page *pg = mm_page(mm, mfn + i);

        pg->owner = owner;
        pg->count = 1;
        pg->type_count = 0;
        pg->type = HV_MM_TYPE_NONE;
        pg->flags = PF_RAM | PF_ALLOCATED;
        pg->linear = 0;
    }
}

int hv_mm_alloc_xen(struct hv_mm *mm, unsigned int order, hv_mfn_t *mfn)
{
    uint64_t m;
    int rc;

    if (!mfn)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = order > mm->max_order ? HV_EINVAL : mm_buddy_alloc(mm, order, &m);
    if (rc == HV_OK) {
        claim(mm, m, order, HV_DOMID_XEN);
        *mfn = hv_mfn(m);
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_free_xen(struct hv_mm *mm, hv_mfn_t mfn, unsigned int order)
{
    uint64_t m = hv_mfn_val(mfn), i;
    int rc = HV_OK;

    hv_spin_lock(&mm->lock);
    if (order > mm->max_order || !HV_IS_ALIGNED(m, 1ULL << order) ||
        m >= mm->nr_frames || (1ULL << order) > mm->nr_frames - m)
        rc = HV_EINVAL;
    for (i = 0; rc == HV_OK && i < (1ULL << order); i++) {
        struct hv_mm_page *pg = mm_page(mm, m + i);

        if (pg->owner != HV_DOMID_XEN || pg->count != 1 ||
            pg->flags != (PF_RAM | PF_ALLOCATED) || pg->type_count)
            rc = HV_EINVAL;
    }
    if (rc == HV_OK)
        mm_buddy_free(mm, m, order, true);
    hv_spin_unlock(&mm->lock);
    return rc;
}

int mm_alloc_domain(struct hv_mm *mm, struct hv_mm_domain *d,
                    unsigned int order, uint64_t *mfn)
{
    uint64_t n = 1ULL << order;
    int rc;

    if (order > mm->max_order)
        return HV_EINVAL;
    if (d->tot_pages > d->max_pages || n > d->max_pages - d->tot_pages)
        return HV_ENOMEM;
    rc = mm_buddy_alloc(mm, order, mfn);
    if (rc)
        return rc;
    claim(mm, *mfn, order, d->id);
    d->tot_pages += n;
    return HV_OK;
}

int hv_mm_alloc_domain_pages(struct hv_mm *mm, struct hv_mm_domain *d,
                             unsigned int order, hv_mfn_t *mfn)
{
    uint64_t m;
    int rc;

    if (!d || !mfn)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = d->registered ? mm_alloc_domain(mm, d, order, &m) : HV_EINVAL;
    if (rc == HV_OK)
        *mfn = hv_mfn(m);
    hv_spin_unlock(&mm->lock);
    return rc;
}

void mm_unmap_gfn(struct hv_mm *mm, uint64_t mfn)
{
    struct hv_mm_domain *d = mm_domain(mm, mm_page(mm, mfn)->owner);
    uint64_t g = mm->m2p[mfn];

    if (g != HV_MM_INVALID_FRAME && d && d->p2m && g < d->p2m_size &&
        d->p2m[g] == mfn)
        d->p2m[g] = HV_MM_INVALID_FRAME;
    mm->m2p[mfn] = HV_MM_INVALID_FRAME;
}

void mm_free_frame(struct hv_mm *mm, uint64_t mfn, struct hv_mm_flush *flush)
{
    struct hv_mm_page *pg = mm_page(mm, mfn);
    struct hv_mm_domain *d = mm_domain(mm, pg->owner);

    HV_CHECK(pg->count == 0 && pg->type_count == 0 &&
             !(pg->flags & (PF_ALLOCATED | PF_PINNED | PF_VALIDATED)));
    mm_stale_flush(mm, pg, flush);
    mm_unmap_gfn(mm, mfn);
    if (d) {
        HV_CHECK(d->tot_pages > 0);
        d->tot_pages--;
    }
    mm_buddy_free(mm, mfn, 0, true);
}

int mm_release(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t mfn,
               struct hv_mm_flush *flush)
{
    struct hv_mm_page *pg;
    if (!mm_mfn_is_ram(mm, mfn))
        return HV_EINVAL;
    pg = mm_page(mm, mfn);
    if (pg->owner != d->id || !(pg->flags & PF_ALLOCATED))
        return HV_EINVAL;
    if ((pg->flags & PF_PINNED) || mm_is_root(d, mfn))
        return HV_EBUSY;
    mm_unmap_gfn(mm, mfn);
    pg->flags &= ~PF_ALLOCATED;
    mm_put_page(mm, mfn, flush);
    return HV_OK;
}

int hv_mm_release_page(struct hv_mm *mm, struct hv_mm_domain *d, hv_mfn_t mfn,
                       struct hv_mm_flush *flush)
{
    int rc;

    if (!d || !flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = d->registered ? mm_release(mm, d, hv_mfn_val(mfn), flush) : HV_EINVAL;
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_page_info(struct hv_mm *mm, hv_mfn_t mfn,
                    struct hv_mm_page_info *info)
{
    uint64_t m = hv_mfn_val(mfn);
    struct hv_mm_page *pg;

    if (!info || m >= mm->nr_frames)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    pg = mm_page(mm, m);
    info->owner = pg->owner;
    info->count = pg->count;
    info->type = pg->type;
    info->type_count = pg->type_count;
    info->is_ram = pg->flags & PF_RAM;
    info->is_reserved = pg->flags & PF_RESERVED;
    info->is_free = pg->owner == HV_DOMID_INVALID && (pg->flags & PF_RAM);
    info->is_allocated = pg->flags & PF_ALLOCATED;
    info->is_pinned = pg->flags & PF_PINNED;
    info->is_validated = pg->flags & PF_VALIDATED;
    hv_spin_unlock(&mm->lock);
    return HV_OK;
}
