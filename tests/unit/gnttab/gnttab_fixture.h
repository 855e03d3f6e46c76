/*
 * Shared fixture for the libhv-gnttab tests (unit, xsa, bench, fuzz): a
 * machine of GX_FRAMES frames backed by a host array, one hv_mm, and up
 * to GX_DOMS domains (ids 1..GX_DOMS), each registered with libhv-mm and
 * owning a grant table of one frame (more on request). gx_check() proves
 * libhv-mm's invariants with the grant tables' references accounted and
 * the grant tables' own invariants; gx_free() tears every domain down,
 * proves that all counts went back to zero and that every frame came
 * back to the allocator.
 *
 * Test programs may use libc; the fixture aborts (through cmocka's
 * assertions, or abort() when GX_NO_CMOCKA is defined) on any failure.
 */
#ifndef GNTTAB_FIXTURE_H
#define GNTTAB_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GX_NO_CMOCKA
#include <setjmp.h>

#include <cmocka.h>
#define GX_ASSERT(c) assert_true(c)
#define GX_EQ(a, b)  assert_int_equal((a), (b))
#define GX_FAIL(...) fail_msg(__VA_ARGS__)
#else
#define GX_ASSERT(c)                                                \
    do {                                                            \
        if (!(c)) {                                                 \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
            abort();                                                \
        }                                                           \
    } while (0)
#define GX_EQ(a, b) GX_ASSERT((long long)(a) == (long long)(b))
#define GX_FAIL(...)                  \
    do {                              \
        fprintf(stderr, __VA_ARGS__); \
        fputc('\n', stderr);          \
        abort();                      \
    } while (0)
#endif

#include <hv/gnttab.h>

#define GX_FRAMES     512u
#define GX_FIRST_RAM  16u /* [0, 16) is a hole */
#define GX_FREE       (GX_FRAMES - GX_FIRST_RAM)
#define GX_DOMS       4u
#define GX_MAX_FRAMES 2u /* table frames per domain at most */
#define GX_ENTRIES    (GX_MAX_FRAMES * HV_GNTTAB_ENTRIES_PER_FRAME)
#define GX_MAPTRACK   16u
#define GX_P2M        256u
#define GX_DOM_MAX    96u /* reservation per domain */

struct gx_dom {
    struct hv_mm_domain md;
    uint64_t p2m[GX_P2M];
    struct hv_gnttab gt;
    struct hv_gnttab_active active[GX_ENTRIES];
    struct hv_gnttab_maptrack maptrack[GX_MAPTRACK];
    uint64_t table[GX_MAX_FRAMES]; /* table frames installed */
    bool live;
};

struct gx {
    struct hv_mm mm;
    struct hv_mm_page pages[GX_FRAMES];
    uint64_t m2p[GX_FRAMES];
    uint32_t scratch[HV_MM_CHECK_SCRATCH_WORDS(GX_FRAMES)];
    struct gx_dom d[GX_DOMS + 1]; /* index = domid; d[0] unused */
    struct hv_gnttab *tabs[GX_DOMS];
    struct hv_gnttab_set set;
    unsigned int ndoms;
    struct hv_mm_flush flush;
    long maps;               /* live ops->map_frame mappings */
    unsigned int xen_frames; /* frames a test left to the hypervisor */
    bool scribbled;          /* guests wrote flags of entries in use */
    bool uncounted;          /* tables use ops that do not count mappings */
};

static uint8_t gx_mem[GX_FRAMES][HV_PAGE_SIZE] __attribute__((aligned(4096)));

static void *gx_map(void *ctx, hv_mfn_t mfn)
{
    struct gx *g = ctx;

    GX_ASSERT(hv_mfn_val(mfn) < GX_FRAMES);
    __atomic_fetch_add(&g->maps, 1, __ATOMIC_RELAXED); /* any thread */
    return gx_mem[hv_mfn_val(mfn)];
}

static void gx_unmap(void *ctx, void *va)
{
    struct gx *g = ctx;

    GX_ASSERT((uintptr_t)va >= (uintptr_t)gx_mem &&
              (uintptr_t)va < (uintptr_t)gx_mem + sizeof(gx_mem));
    __atomic_fetch_sub(&g->maps, 1, __ATOMIC_RELAXED);
}

static const struct hv_mm_ops gx_mm_ops = {gx_map, gx_unmap, NULL, NULL};
static const struct hv_gnttab_ops gx_gt_ops = {gx_map, gx_unmap};

static const struct hv_mm_region gx_regions[] = {
    {GX_FIRST_RAM, GX_FRAMES - GX_FIRST_RAM, HV_MM_REGION_RAM},
};

static inline struct hv_gnttab *gx_gt(struct gx *g, unsigned int domid)
{
    GX_ASSERT(domid >= 1 && domid <= g->ndoms);
    return &g->d[domid].gt;
}

static inline uint64_t gx_alloc(struct gx *g, unsigned int domid)
{
    hv_mfn_t m;

    GX_EQ(hv_mm_alloc_domain_pages(&g->mm, &g->d[domid].md, 0, &m), HV_OK);
    return hv_mfn_val(m);
}

static const struct hv_gnttab_ops *gx_ops_for_tables = &gx_gt_ops;
/* The frame-table ops (the benchmark sets a direct map, like the core's). */
static const struct hv_mm_ops *gx_ops_for_mm = &gx_mm_ops;
/* The frame table's direct map (NULL: frames through gx_ops_for_mm). */
static void *gx_directmap_for_mm = NULL;

static inline void gx_config(struct gx *g, unsigned int domid,
                             struct hv_gnttab_config *c, unsigned int flags)
{
    struct gx_dom *d = &g->d[domid];

    memset(c, 0, sizeof(*c));
    c->domid = (hv_domid_t)domid;
    c->mm = &g->mm;
    c->mm_dom = &d->md;
    c->max_frames = GX_MAX_FRAMES;
    c->active = d->active;
    c->maptrack = d->maptrack;
    c->maptrack_count = GX_MAPTRACK;
    c->flags = flags;
    c->ops = gx_ops_for_tables;
    c->ops_ctx = g;
}

/* Add one table frame (a frame of the domain itself) to domid's table. */
static inline void gx_grow(struct gx *g, unsigned int domid)
{
    struct gx_dom *d = &g->d[domid];
    unsigned int n = hv_gnttab_nr_frames(&d->gt);
    hv_mfn_t f[GX_MAX_FRAMES];
    unsigned int i;

    GX_ASSERT(n < GX_MAX_FRAMES);
    d->table[n] = gx_alloc(g, domid);
    for (i = 0; i <= n; i++)
        f[i] = hv_mfn(d->table[i]);
    GX_EQ(hv_gnttab_setup_table(&d->gt, f, n + 1), HV_GNTST_okay);
}

/* @translated: bit n set makes domain n translated (P2M gfn 0..31 mapped). */
static inline struct gx *gx_new(unsigned int ndoms, unsigned int translated)
{
    struct gx *g = calloc(1, sizeof(*g));
    struct hv_mm_config cfg;
    unsigned int i;

    GX_ASSERT(g != NULL);
    GX_ASSERT(ndoms >= 1 && ndoms <= GX_DOMS);
    memset(&cfg, 0, sizeof(cfg));
    cfg.pages = g->pages;
    cfg.m2p = g->m2p;
    cfg.nr_frames = GX_FRAMES;
    cfg.regions = gx_regions;
    cfg.region_count = 1;
    cfg.max_order = 6;
    cfg.ops = gx_ops_for_mm;
    cfg.ops_ctx = g;
    cfg.directmap = gx_directmap_for_mm;
    GX_EQ(hv_mm_init(&g->mm, &cfg), HV_OK);
    g->ndoms = ndoms;
    for (i = 1; i <= ndoms; i++) {
        struct gx_dom *d = &g->d[i];
        struct hv_gnttab_config c;
        unsigned int flags = (translated >> i) & 1 ? HV_GNTTAB_TRANSLATED : 0;

        GX_EQ(hv_mm_domain_init(&g->mm, &d->md, (hv_domid_t)i, GX_DOM_MAX,
                                d->p2m, GX_P2M, 0),
              HV_OK);
        if (flags) {
            uint64_t gfns[32];
            size_t done, k;

            for (k = 0; k < 32; k++)
                gfns[k] = k;
            GX_EQ(hv_mm_populate_physmap(&g->mm, &d->md, 0, gfns, 32, &done),
                  HV_OK);
        }
        gx_config(g, i, &c, flags);
        GX_EQ(hv_gnttab_init(&d->gt, &c), HV_OK);
        d->live = true;
        gx_grow(g, i);
        g->tabs[i - 1] = &d->gt;
    }
    g->set.tables = g->tabs;
    g->set.count = ndoms;
    g->uncounted = gx_ops_for_tables != &gx_gt_ops ||
                   gx_ops_for_mm != &gx_mm_ops || gx_directmap_for_mm != NULL;
    return g;
}

/* The guest's view of entry @ref of domain @domid's table. */
static inline struct hv_grant_entry_v1 *
gx_entry(struct gx *g, unsigned int domid, uint32_t ref)
{
    uint64_t f =
        hv_gnttab_frame(gx_gt(g, domid), ref / HV_GNTTAB_ENTRIES_PER_FRAME);

    GX_ASSERT(f < GX_FRAMES);
    return (struct hv_grant_entry_v1 *)gx_mem[f] +
           ref % HV_GNTTAB_ENTRIES_PER_FRAME;
}

/* The granting guest writes an entry (frame before flags, as guests do). */
static inline void gx_grant(struct gx *g, unsigned int granter, uint32_t ref,
                            unsigned int grantee, uint64_t frame,
                            uint16_t flags)
{
    struct hv_grant_entry_v1 *e = gx_entry(g, granter, ref);

    e->frame = (uint32_t)frame;
    e->domid = (uint16_t)grantee;
    __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

static inline uint16_t gx_flags(struct gx *g, unsigned int domid, uint32_t ref)
{
    return __atomic_load_n(&gx_entry(g, domid, ref)->flags, __ATOMIC_ACQUIRE);
}

static inline struct hv_mm_page_info gx_info(struct gx *g, uint64_t mfn)
{
    struct hv_mm_page_info i;

    GX_EQ(hv_mm_page_info(&g->mm, hv_mfn(mfn), &i), HV_OK);
    return i;
}

/* Map; returns the status; *handle on success. */
static inline int gx_map_op(struct gx *g, unsigned int mapper,
                            unsigned int granter, uint32_t ref, uint32_t flags,
                            uint64_t host, uint32_t *handle)
{
    struct hv_gnttab_map_grant_ref op;
    int rc;

    if (handle)
        *handle = 0xFFFFFFFFu;
    memset(&op, 0, sizeof(op));
    op.host_addr = host;
    op.flags = flags;
    op.ref = ref;
    op.dom = (uint16_t)granter;
    op.handle = 0xDEADBEEF;
    rc = hv_gnttab_map_grant_ref(gx_gt(g, mapper), gx_gt(g, granter), &op,
                                 &g->flush);
    GX_EQ(op.status, rc);
    if (rc == HV_GNTST_okay && handle)
        *handle = op.handle;
    if (rc != HV_GNTST_okay)
        GX_EQ(op.handle, 0xDEADBEEF); /* nothing written on refusal */
    return rc;
}

static inline int gx_unmap_op(struct gx *g, unsigned int mapper,
                              uint32_t handle, uint64_t host)
{
    struct hv_gnttab_unmap_grant_ref op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.host_addr = host;
    op.handle = handle;
    rc = hv_gnttab_unmap_grant_ref(gx_gt(g, mapper), &op, &g->flush);
    GX_EQ(op.status, rc);
    return rc;
}

/* Table-frame mappings the library holds for good. */
static inline long gx_table_maps(struct gx *g)
{
    long n = 0;
    unsigned int i;

    for (i = 1; i <= g->ndoms; i++)
        n += g->d[i].live ? (long)hv_gnttab_nr_frames(&g->d[i].gt) : 0;
    return n;
}

static inline void gx_check_(struct gx *g, const char *file, int line)
{
    char msg[256];
    int rc = hv_mm_check(&g->mm, 0, hv_gnttab_mm_refs, &g->set, g->scratch,
                         HV_ARRAY_SIZE(g->scratch), msg, sizeof(msg));

    if (rc != HV_OK)
        GX_FAIL("%s:%d: libhv-mm invariant broken: %s", file, line, msg);
    rc = hv_gnttab_check(&g->set, g->scribbled ? 0 : HV_GNTTAB_CHECK_SHARED,
                         msg, sizeof(msg));
    if (rc != HV_OK)
        GX_FAIL("%s:%d: grant-table invariant broken: %s", file, line, msg);
    if (!g->uncounted && g->maps != gx_table_maps(g))
        GX_FAIL("%s:%d: %ld frame mappings live, %ld expected", file, line,
                g->maps, gx_table_maps(g));
}
#define gx_check(g) gx_check_((g), __FILE__, __LINE__)

/* Tear domain @domid down completely (its grant table must be idle). */
static inline void gx_kill(struct gx *g, unsigned int domid)
{
    struct gx_dom *d = &g->d[domid];
    struct hv_mm_flush fl = {0, 0};

    GX_EQ(hv_gnttab_teardown(&d->gt, &fl), HV_OK);
    d->live = false;
    GX_EQ(hv_mm_domain_teardown(&g->mm, &d->md, &fl), HV_OK);
}

/*
 * Tear everything down in the given order; every count must come back to
 * zero and every frame to the allocator.
 */
static inline void gx_free(struct gx *g)
{
    struct hv_mm_flush fl = {0, 0};
    unsigned int i, busy = 0;

    gx_check(g);
    /* Each table's teardown drops its own mappings; a granter still
     * mapped by a later domain answers EBUSY until that one is done. */
    for (i = 1; i <= g->ndoms; i++) {
        int rc = g->d[i].live ? hv_gnttab_teardown(&g->d[i].gt, &fl) : HV_OK;

        GX_ASSERT(rc == HV_OK || rc == HV_EBUSY || rc == HV_ESRCH);
        if (rc == HV_EBUSY)
            busy++;
    }
    for (i = 1; i <= g->ndoms; i++) {
        if (g->d[i].live) {
            int rc = hv_gnttab_teardown(&g->d[i].gt, &fl);

            GX_ASSERT(rc == HV_OK || rc == HV_ESRCH);
            g->d[i].live = false;
        }
    }
    (void)busy;
    gx_check(g);
    for (i = 1; i <= g->ndoms; i++) {
        GX_EQ(hv_gnttab_pin_count(&g->d[i].gt), 0);
        GX_EQ(hv_gnttab_mapping_count(&g->d[i].gt), 0);
        if (g->d[i].md.registered)
            GX_EQ(hv_mm_domain_teardown(&g->mm, &g->d[i].md, &fl), HV_OK);
    }
    GX_EQ(g->uncounted ? 0 : g->maps, 0);
    GX_EQ(hv_mm_free_frame_count(&g->mm), GX_FREE - g->xen_frames);
    free(g);
}

#endif /* GNTTAB_FIXTURE_H */
