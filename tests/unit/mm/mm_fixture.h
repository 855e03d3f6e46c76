/*
 * Shared fixture for the libhv-mm tests: a machine of FX_FRAMES frames
 * backed by a host array, with a memory map that has a hole and a
 * reserved range, and two registered domains. Every test ends with
 * fx_teardown(), which proves the invariants, tears the domains down and
 * proves that every frame came back (scrubbed).
 */
#ifndef MM_FIXTURE_H
#define MM_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hv/mm.h>

#define FX_FRAMES      2048u
#define FX_HOLE_FIRST  1000u /* [1000, 1024) is a hole */
#define FX_HOLE_END    1024u
#define FX_RSV_FIRST   1100u /* [1100, 1110) is reserved */
#define FX_RSV_COUNT   10u
#define FX_LOW_FIRST   16u /* [0, 16) is a hole too */
#define FX_RAM_FRAMES  (FX_FRAMES - FX_LOW_FIRST - (FX_HOLE_END - FX_HOLE_FIRST))
#define FX_FREE_FRAMES (FX_RAM_FRAMES - FX_RSV_COUNT)
#define FX_P2M         1024u
#define FX_MAX_ORDER   10u

struct fx {
    struct hv_mm mm;
    struct hv_mm_domain a, b;
    uint64_t p2m_a[FX_P2M];
    uint64_t p2m_b[FX_P2M];
    struct hv_mm_page pages[FX_FRAMES];
    uint64_t m2p[FX_FRAMES];
    uint32_t scratch[HV_MM_CHECK_SCRATCH_WORDS(FX_FRAMES)];
    struct hv_mm_flush flush;
    int maps;        /* live map_frame mappings */
    int flush_calls; /* ops->flush_tlbs calls */
    bool foreign_ok; /* answer of may_map_foreign */
    uint32_t ext_count[FX_FRAMES], ext_type[FX_FRAMES];
};

static uint8_t fx_mem[FX_FRAMES][4096] __attribute__((aligned(4096)));
static struct fx *fx_;

static void *fx_map(void *ctx, hv_mfn_t mfn)
{
    struct fx *f = ctx;

    assert_true(hv_mfn_val(mfn) < FX_FRAMES);
    f->maps++;
    return fx_mem[hv_mfn_val(mfn)];
}

static void fx_unmap(void *ctx, void *va)
{
    struct fx *f = ctx;

    (void)va;
    f->maps--;
}

static bool fx_foreign(void *ctx, hv_domid_t domid, hv_domid_t owner,
                       hv_mfn_t mfn)
{
    struct fx *f = ctx;

    (void)domid;
    (void)owner;
    (void)mfn;
    return f->foreign_ok;
}

static void fx_flush_now(void *ctx, unsigned int flags)
{
    struct fx *f = ctx;

    assert_int_equal(flags, HV_MM_FLUSH_ALL);
    f->flush_calls++;
}

static const struct hv_mm_ops fx_ops = {fx_map, fx_unmap, fx_foreign, NULL};
static const struct hv_mm_ops fx_ops_sync = {fx_map, fx_unmap, fx_foreign,
                                             fx_flush_now};

static const struct hv_mm_region fx_regions[] = {
    {FX_LOW_FIRST, FX_HOLE_FIRST - FX_LOW_FIRST, HV_MM_REGION_RAM},
    {FX_HOLE_END, FX_FRAMES - FX_HOLE_END, HV_MM_REGION_RAM},
    {FX_RSV_FIRST, FX_RSV_COUNT, HV_MM_REGION_RESERVED},
};

static void fx_ext(void *ctx, hv_mfn_t mfn, uint32_t *count,
                   uint32_t *type_count)
{
    struct fx *f = ctx;

    *count += f->ext_count[hv_mfn_val(mfn)];
    *type_count += f->ext_type[hv_mfn_val(mfn)];
}

#define FX_A_MAX 1500u
#define FX_B_MAX 600u

HV_UNUSED static int fx_setup_ops(void **state, const struct hv_mm_ops *ops)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct hv_mm_config cfg;

    assert_non_null(f);
    memset(fx_mem, 0xA5, sizeof(fx_mem)); /* garbage: init must scrub */
    memset(&cfg, 0, sizeof(cfg));
    cfg.pages = f->pages;
    cfg.m2p = f->m2p;
    cfg.nr_frames = FX_FRAMES;
    cfg.regions = fx_regions;
    cfg.region_count = 3;
    cfg.max_order = FX_MAX_ORDER;
    cfg.ops = ops;
    cfg.ops_ctx = f;
    cfg.flags = HV_MM_INIT_SCRUB;
    assert_int_equal(hv_mm_init(&f->mm, &cfg), HV_OK);
    assert_int_equal(hv_mm_domain_init(&f->mm, &f->a, 1, FX_A_MAX, f->p2m_a,
                                       FX_P2M, HV_MM_DOM_LINEAR_PT),
                     HV_OK);
    assert_int_equal(
        hv_mm_domain_init(&f->mm, &f->b, 2, FX_B_MAX, f->p2m_b, FX_P2M, 0),
        HV_OK);
    fx_ = f;
    *state = f;
    return 0;
}

HV_UNUSED static int fx_setup(void **state)
{
    return fx_setup_ops(state, &fx_ops);
}

HV_UNUSED static int fx_setup_sync(void **state)
{
    return fx_setup_ops(state, &fx_ops_sync);
}

/* Prove every invariant now; fail the test with the checker's message. */
HV_UNUSED static void fx_check_(struct fx *f, unsigned int flags,
                                const char *file, int line)
{
    char msg[256];
    int rc = hv_mm_check(&f->mm, flags, fx_ext, f, f->scratch,
                         HV_ARRAY_SIZE(f->scratch), msg, sizeof(msg));

    if (rc != HV_OK)
        fail_msg("%s:%d: invariant broken: %s", file, line, msg);
    assert_int_equal(f->maps, 0);
}
#define fx_check(f) fx_check_((f), 0, __FILE__, __LINE__)

HV_UNUSED static int fx_teardown(void **state)
{
    struct fx *f = *state;
    struct hv_mm_flush fl = {0, 0};

    fx_check_(f, HV_MM_CHECK_SCRUB, __FILE__, __LINE__);
    memset(f->ext_count, 0, sizeof(f->ext_count));
    memset(f->ext_type, 0, sizeof(f->ext_type));
    if (f->a.registered)
        assert_int_equal(hv_mm_domain_teardown(&f->mm, &f->a, &fl), HV_OK);
    if (f->b.registered)
        assert_int_equal(hv_mm_domain_teardown(&f->mm, &f->b, &fl), HV_OK);
    fx_check_(f, HV_MM_CHECK_SCRUB, __FILE__, __LINE__);
    assert_int_equal(hv_mm_free_frame_count(&f->mm), FX_FREE_FRAMES);
    free(f);
    fx_ = NULL;
    return 0;
}

/* ---- helpers ---- */

static inline uint64_t pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << 12) | flags;
}

#define P  HV_PAGE_PRESENT
#define RW HV_PAGE_RW
#define US HV_PAGE_USER

static inline uint64_t *fx_frame(uint64_t mfn)
{
    return (uint64_t *)fx_mem[mfn];
}

static inline uint64_t fx_alloc(struct fx *f, struct hv_mm_domain *d)
{
    hv_mfn_t m;

    assert_int_equal(hv_mm_alloc_domain_pages(&f->mm, d, 0, &m), HV_OK);
    return hv_mfn_val(m);
}

static inline struct hv_mm_page_info fx_info(struct fx *f, uint64_t mfn)
{
    struct hv_mm_page_info i;

    assert_int_equal(hv_mm_page_info(&f->mm, hv_mfn(mfn), &i), HV_OK);
    return i;
}

/* One mmu_update request; returns its error, checks done. */
static inline int fx_update(struct fx *f, struct hv_mm_domain *d,
                            uint64_t pt_mfn, unsigned int idx, uint64_t val)
{
    struct hv_mmu_update u = {(pt_mfn << 12) + idx * 8u, val};
    size_t done = 99;
    int rc = hv_mm_mmu_update(&f->mm, d, &u, 1, &done, &f->flush);

    assert_int_equal(done, rc == HV_OK ? 1 : 0);
    return rc;
}

static inline int fx_ext1(struct fx *f, struct hv_mm_domain *d,
                          unsigned int cmd, uint64_t arg)
{
    struct hv_mmuext_op op;
    size_t done = 99;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = arg;
    rc = hv_mm_mmuext_op(&f->mm, d, 0, &op, 1, &done, &f->flush);
    assert_int_equal(done, rc == HV_OK ? 1 : 0);
    return rc;
}

/* A four-level tree: l4[0] -> l3, l3[0] -> l2, l2[0] -> l1. */
struct fx_tree {
    uint64_t l4, l3, l2, l1;
};

static inline struct fx_tree fx_tree(struct fx *f, struct hv_mm_domain *d)
{
    struct fx_tree t;

    t.l4 = fx_alloc(f, d);
    t.l3 = fx_alloc(f, d);
    t.l2 = fx_alloc(f, d);
    t.l1 = fx_alloc(f, d);
    fx_frame(t.l4)[0] = pte(t.l3, P | RW | US);
    fx_frame(t.l3)[0] = pte(t.l2, P | RW | US);
    fx_frame(t.l2)[0] = pte(t.l1, P | RW | US);
    return t;
}

#endif /* MM_FIXTURE_H */
