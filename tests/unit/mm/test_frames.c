/* Frame table, memory map, buddy allocator, reservations, domains. */
#include "mm_fixture.h"

static struct hv_mm_config good_cfg(struct fx *f, const struct hv_mm_region *r,
                                    size_t n)
{
    struct hv_mm_config c;

    memset(&c, 0, sizeof(c));
    c.pages = f->pages;
    c.m2p = f->m2p;
    c.nr_frames = FX_FRAMES;
    c.regions = r;
    c.region_count = n;
    c.max_order = FX_MAX_ORDER;
    c.ops = &fx_ops;
    c.ops_ctx = f;
    return c;
}

static void test_init_refusals(void **state)
{
    struct fx *f = *state;
    struct hv_mm mm;
    struct hv_mm_config c;
    struct hv_mm_ops noop = {NULL, NULL, NULL, NULL};
    const struct hv_mm_region overlap[] = {
        {16, 100, HV_MM_REGION_RAM},
        {100, 10, HV_MM_REGION_RAM},
    };
    const struct hv_mm_region beyond[] = {{2000, 100, HV_MM_REGION_RAM}};
    const struct hv_mm_region badkind[] = {{16, 100, 7}};
    const struct hv_mm_region rsv_hole[] = {
        {16, 100, HV_MM_REGION_RAM},
        {110, 10, HV_MM_REGION_RESERVED},
    };
    const struct hv_mm_region empty[] = {{16, 0, HV_MM_REGION_RAM}};

    assert_int_equal(hv_mm_init(&mm, NULL), HV_EINVAL);
    c = good_cfg(f, overlap, 2);
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, beyond, 1);
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, badkind, 1);
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, rsv_hole, 2);
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, empty, 1);
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, fx_regions, 3);
    c.max_order = HV_MM_MAX_ORDER + 1;
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, fx_regions, 3);
    c.nr_frames = 0;
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, fx_regions, 3);
    c.nr_frames = 1ULL << 32;
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, fx_regions, 3);
    c.ops = &noop;
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, fx_regions, 3);
    c.m2p = NULL;
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    c = good_cfg(f, fx_regions, 3);
    c.flags = 0x80;
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL);
    /* None of that touched the fixture's live instance. */
    fx_check(f);
}

static void test_memory_map(void **state)
{
    struct fx *f = *state;
    struct hv_mm_page_info i;

    assert_int_equal(hv_mm_free_frame_count(&f->mm), FX_FREE_FRAMES);
    i = fx_info(f, 0);
    assert_false(i.is_ram);
    i = fx_info(f, FX_HOLE_FIRST + 3);
    assert_false(i.is_ram);
    assert_int_equal(i.owner, HV_DOMID_INVALID);
    i = fx_info(f, FX_RSV_FIRST + 1);
    assert_true(i.is_ram && i.is_reserved && !i.is_free);
    assert_int_equal(i.owner, HV_DOMID_XEN);
    i = fx_info(f, 500);
    assert_true(i.is_ram && i.is_free && !i.is_reserved);
    assert_int_equal(hv_mm_page_info(&f->mm, hv_mfn(FX_FRAMES), &i), HV_EINVAL);
    /* Holes and reserved frames cannot be referenced. */
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(FX_HOLE_FIRST), 1),
                     HV_EINVAL);
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(FX_RSV_FIRST), 1),
                     HV_EINVAL);
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(FX_RSV_FIRST), HV_DOMID_XEN),
                     HV_EINVAL);
}

/* Drain all memory order by order: never a hole or reserved frame. */
static void test_alloc_never_hands_out_holes(void **state)
{
    struct fx *f = *state;
    hv_mfn_t m;
    uint64_t got = 0, k;
    static uint64_t blocks[FX_FRAMES];
    size_t nb = 0;

    while (hv_mm_alloc_xen(&f->mm, 0, &m) == HV_OK) {
        uint64_t v = hv_mfn_val(m);

        assert_true(v >= FX_LOW_FIRST);
        assert_false(v >= FX_HOLE_FIRST && v < FX_HOLE_END);
        assert_false(v >= FX_RSV_FIRST && v < FX_RSV_FIRST + FX_RSV_COUNT);
        assert_int_equal(fx_info(f, v).owner, HV_DOMID_XEN);
        blocks[nb++] = v;
        got++;
    }
    assert_int_equal(got, FX_FREE_FRAMES);
    assert_int_equal(hv_mm_free_frame_count(&f->mm), 0);
    assert_int_equal(hv_mm_alloc_xen(&f->mm, 0, &m), HV_ENOMEM);
    fx_check(f);
    for (k = 0; k < nb; k++)
        assert_int_equal(hv_mm_free_xen(&f->mm, hv_mfn(blocks[k]), 0), HV_OK);
    /*
     * Everything merged back. No order-10 block exists (the hole and the
     * reserved range split both halves); the one order-9 block without
     * either, [1536, 2048), is whole again.
     */
    assert_int_equal(hv_mm_alloc_xen(&f->mm, 10, &m), HV_ENOMEM);
    assert_int_equal(hv_mm_alloc_xen(&f->mm, 9, &m), HV_OK);
    assert_int_equal(hv_mfn_val(m), 1536);
    assert_int_equal(hv_mm_alloc_xen(&f->mm, 9, &m), HV_ENOMEM);
    assert_int_equal(hv_mm_free_xen(&f->mm, hv_mfn(1536), 9), HV_OK);
}

static void test_buddy_orders(void **state)
{
    struct fx *f = *state;
    hv_mfn_t m[10], x;
    unsigned int o;

    /* Largest first, so that small requests cannot split the big block. */
    for (o = 10; o-- > 0;) {
        assert_int_equal(hv_mm_alloc_xen(&f->mm, o, &m[o]), HV_OK);
        assert_true(hv_mfn_val(m[o]) % (1ULL << o) == 0);
        assert_int_equal(fx_info(f, hv_mfn_val(m[o]) + (1u << o) - 1).owner,
                         HV_DOMID_XEN);
        fx_check(f);
    }
    assert_int_equal(hv_mm_alloc_xen(&f->mm, FX_MAX_ORDER + 1, &x), HV_EINVAL);
    assert_int_equal(hv_mm_alloc_xen(&f->mm, 9, &x), HV_ENOMEM);
    assert_int_equal(hv_mm_free_frame_count(&f->mm),
                     FX_FREE_FRAMES - ((1u << 10) - 1));
    /* free_xen refuses wrong orders, misalignment, and non-Xen frames. */
    assert_int_equal(hv_mm_free_xen(&f->mm, hv_mfn(fx_alloc(f, &f->a)), 0),
                     HV_EINVAL);
    assert_int_equal(hv_mm_free_xen(&f->mm, hv_mfn(hv_mfn_val(m[3]) + 1), 2),
                     HV_EINVAL);
    assert_int_equal(hv_mm_free_xen(&f->mm, hv_mfn(FX_RSV_FIRST), 0),
                     HV_EINVAL);
    assert_int_equal(hv_mm_free_xen(&f->mm, hv_mfn(FX_HOLE_FIRST), 1),
                     HV_EINVAL);
    for (o = FX_LOW_FIRST; !fx_info(f, o).is_free; o++)
        ;
    assert_int_equal(hv_mm_free_xen(&f->mm, hv_mfn(o), 0), HV_EINVAL);
    assert_int_equal(hv_mm_free_xen(&f->mm, hv_mfn(FX_FRAMES), 0), HV_EINVAL);
    assert_int_equal(hv_mm_free_xen(&f->mm, m[3], FX_MAX_ORDER + 1), HV_EINVAL);
    fx_check(f);
    for (o = 0; o < 10; o++)
        assert_int_equal(hv_mm_free_xen(&f->mm, m[o], o), HV_OK);
    /* All back but the one frame domain A still owns. */
    assert_int_equal(hv_mm_free_frame_count(&f->mm), FX_FREE_FRAMES - 1);
}

static void test_reservation_limit(void **state)
{
    struct fx *f = *state;
    hv_mfn_t m;
    uint64_t i;

    assert_int_equal(hv_mm_domain_set_max(&f->mm, &f->b, 10), HV_OK);
    for (i = 0; i < 10; i++)
        assert_int_equal(hv_mm_alloc_domain_pages(&f->mm, &f->b, 0, &m), HV_OK);
    assert_int_equal(hv_mm_alloc_domain_pages(&f->mm, &f->b, 0, &m), HV_ENOMEM);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->b), 10);
    assert_int_equal(hv_mm_domain_set_max(&f->mm, &f->b, 9), HV_EBUSY);
    assert_int_equal(hv_mm_domain_set_max(&f->mm, &f->b, 12), HV_OK);
    /* An order-2 block (4 frames) does not fit the 2 left. */
    assert_int_equal(hv_mm_alloc_domain_pages(&f->mm, &f->b, 2, &m), HV_ENOMEM);
    assert_int_equal(hv_mm_alloc_domain_pages(&f->mm, &f->b, 1, &m), HV_OK);
    assert_int_equal(fx_info(f, hv_mfn_val(m) + 1).owner, 2);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->b), 12);
    assert_int_equal(
        hv_mm_alloc_domain_pages(&f->mm, &f->b, FX_MAX_ORDER + 1, &m),
        HV_EINVAL);
    fx_check(f);
}

static void test_release_scrubs(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a);

    memset(fx_mem[m], 0x5A, 4096);
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(m), &f->flush),
                     HV_OK);
    assert_true(fx_info(f, m).is_free);
    assert_int_equal(fx_mem[m][0], 0);
    assert_int_equal(fx_mem[m][4095], 0);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 0);
    /* Released twice, or by the wrong domain: refused. */
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(m), &f->flush),
                     HV_EINVAL);
    m = fx_alloc(f, &f->a);
    assert_int_equal(hv_mm_release_page(&f->mm, &f->b, hv_mfn(m), &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(m), NULL),
                     HV_EINVAL);
    fx_check_(f, HV_MM_CHECK_SCRUB, __FILE__, __LINE__);
}

/* A released frame someone still references stays owned until dropped. */
static void test_release_with_reference(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 1), HV_OK);
    f->ext_count[m] = 1;
    fx_check(f);
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(m), &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, m).owner, 1);
    assert_false(fx_info(f, m).is_allocated);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 1);
    fx_check(f);
    assert_int_equal(hv_mm_put_page(&f->mm, hv_mfn(m), &f->flush), HV_OK);
    f->ext_count[m] = 0;
    assert_true(fx_info(f, m).is_free);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 0);
}

static void test_domain_init_refusals(void **state)
{
    struct fx *f = *state;
    struct hv_mm_domain d;
    uint64_t p2m[4];

    assert_int_equal(hv_mm_domain_init(&f->mm, &d, 1, 10, NULL, 0, 0),
                     HV_EEXIST);
    assert_int_equal(
        hv_mm_domain_init(&f->mm, &d, HV_MAX_DOMAINS, 10, NULL, 0, 0),
        HV_EINVAL);
    assert_int_equal(hv_mm_domain_init(&f->mm, &d, 5, 10, p2m, 0, 0),
                     HV_EINVAL);
    assert_int_equal(hv_mm_domain_init(&f->mm, &d, 5, 10, NULL, 4, 0),
                     HV_EINVAL);
    assert_int_equal(hv_mm_domain_init(&f->mm, &d, 5, 10, NULL, 0, 0x100),
                     HV_EINVAL);
    assert_int_equal(hv_mm_domain_init(&f->mm, NULL, 5, 10, NULL, 0, 0),
                     HV_EINVAL);
    assert_int_equal(hv_mm_domain_init(&f->mm, &d, 5, 10, p2m, 4, 0), HV_OK);
    assert_int_equal(p2m[3], HV_MM_INVALID_FRAME);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &d, &f->flush), HV_OK);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &d, &f->flush), HV_EINVAL);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, NULL, &f->flush), HV_EINVAL);
    /* The id is free again. */
    assert_int_equal(hv_mm_domain_init(&f->mm, &d, 5, 10, NULL, 0, 0), HV_OK);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &d, &f->flush), HV_OK);
}

/* Teardown with a foreign reference outstanding: EBUSY, then completes. */
static void test_teardown_busy(void **state)
{
    struct fx *f = *state;
    struct hv_mm_domain d;
    hv_mfn_t m;
    struct fx_tree t;

    assert_int_equal(hv_mm_domain_init(&f->mm, &d, 7, 100, NULL, 0, 0), HV_OK);
    t = fx_tree(f, &d);
    assert_int_equal(hv_mm_pin(&f->mm, &d, hv_mfn(t.l4), 4, &f->flush), HV_OK);
    assert_int_equal(hv_mm_new_baseptr(&f->mm, &d, 3, hv_mfn(t.l4), &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_alloc_domain_pages(&f->mm, &d, 0, &m), HV_OK);
    assert_int_equal(hv_mm_get_page(&f->mm, m, 7), HV_OK);
    f->ext_count[hv_mfn_val(m)] = 1;
    fx_check(f);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &d, &f->flush), HV_EBUSY);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &d), 1);
    assert_int_equal(fx_info(f, t.l1).is_free, true);
    fx_check(f);
    assert_int_equal(hv_mm_put_page(&f->mm, m, &f->flush), HV_OK);
    f->ext_count[hv_mfn_val(m)] = 0;
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &d, &f->flush), HV_OK);
    assert_false(d.registered);
}

static void test_flush_merge(void **state)
{
    struct fx *f = *state;
    struct hv_mmuext_op ops[3];
    size_t done;

    (void)f;
    memset(ops, 0, sizeof(ops));
    ops[0].cmd = HV_MMUEXT_INVLPG_LOCAL;
    ops[0].arg1.linear_addr = 0x1000;
    ops[1].cmd = HV_MMUEXT_INVLPG_LOCAL;
    ops[1].arg1.linear_addr = 0x1234;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, ops, 2, &done, &f->flush), HV_OK);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_LOCAL_VA);
    assert_int_equal(f->flush.va, 0x1000);
    ops[0].arg1.linear_addr = 0x2000;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, ops, 1, &done, &f->flush), HV_OK);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_LOCAL);
}

/*
 * A direct map instead of the callout: frames reached by arithmetic,
 * map_frame absent (a call through it would crash the test). Scrubbing
 * and validation read and write through the direct map.
 */
#define DM_FRAMES 64u
static uint8_t dm_mem[DM_FRAMES][4096] __attribute__((aligned(4096)));

static void test_directmap(void **state)
{
    static struct hv_mm_page pages[DM_FRAMES];
    static uint64_t m2p[DM_FRAMES], p2m[DM_FRAMES];
    static uint32_t scratch[HV_MM_CHECK_SCRATCH_WORDS(DM_FRAMES)];
    static const struct hv_mm_region ram[] = {
        {8, DM_FRAMES - 8, HV_MM_REGION_RAM}};
    const struct hv_mm_ops none = {NULL, NULL, NULL, NULL};
    struct hv_mm mm;
    struct hv_mm_domain d;
    struct hv_mm_config c;
    struct hv_mm_flush fl = {0, 0};
    struct hv_mm_page_info info;
    hv_mfn_t l1, bad_l1, data;
    char msg[128];
    uint64_t *e;

    (void)state;
    memset(dm_mem, 0xA5, sizeof(dm_mem));
    memset(&c, 0, sizeof(c));
    c.pages = pages;
    c.m2p = m2p;
    c.nr_frames = DM_FRAMES;
    c.regions = ram;
    c.region_count = 1;
    c.max_order = 4;
    c.ops = &none;
    c.flags = HV_MM_INIT_SCRUB;
    assert_int_equal(hv_mm_init(&mm, &c), HV_EINVAL); /* no way to frames */
    c.directmap = dm_mem;
    assert_int_equal(hv_mm_init(&mm, &c), HV_OK);
    for (unsigned int i = 8; i < DM_FRAMES; i++)
        assert_int_equal(dm_mem[i][i * 7], 0); /* scrubbed through it */
    assert_int_equal(dm_mem[3][0], 0xA5);      /* a hole left alone */

    assert_int_equal(hv_mm_domain_init(&mm, &d, 1, 16, p2m, DM_FRAMES, 0),
                     HV_OK);
    assert_int_equal(hv_mm_alloc_domain_pages(&mm, &d, 0, &l1), HV_OK);
    assert_int_equal(hv_mm_alloc_domain_pages(&mm, &d, 0, &bad_l1), HV_OK);
    assert_int_equal(hv_mm_alloc_domain_pages(&mm, &d, 0, &data), HV_OK);

    /* Validation reads the entries through the direct map. */
    e = (uint64_t *)(void *)dm_mem[hv_mfn_val(l1)];
    e[5] = pte(hv_mfn_val(data), P | RW);
    assert_int_equal(hv_mm_pin(&mm, &d, l1, 1, &fl), HV_OK);
    assert_int_equal(hv_mm_page_info(&mm, data, &info), HV_OK);
    assert_int_equal(info.type, HV_MM_TYPE_WRITABLE);
    assert_int_equal(info.type_count, 1);
    e = (uint64_t *)(void *)dm_mem[hv_mfn_val(bad_l1)];
    e[9] = pte(3, P); /* a hole */
    assert_int_not_equal(hv_mm_pin(&mm, &d, bad_l1, 1, &fl), HV_OK);
    assert_int_equal(hv_mm_page_info(&mm, bad_l1, &info), HV_OK);
    assert_int_equal(info.type_count, 0);

    assert_int_equal(hv_mm_unpin(&mm, &d, l1, &fl), HV_OK);
    assert_int_equal(hv_mm_page_info(&mm, data, &info), HV_OK);
    assert_int_equal(info.type_count, 0);
    assert_int_equal(hv_mm_domain_teardown(&mm, &d, &fl), HV_OK);
    assert_int_equal(hv_mm_check(&mm, HV_MM_CHECK_SCRUB, NULL, NULL, scratch,
                                 HV_ARRAY_SIZE(scratch), msg, sizeof(msg)),
                     HV_OK);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_init_refusals),
        T(test_memory_map),
        T(test_alloc_never_hands_out_holes),
        T(test_buddy_orders),
        T(test_reservation_limit),
        T(test_release_scrubs),
        T(test_release_with_reference),
        T(test_domain_init_refusals),
        T(test_teardown_busy),
        T(test_flush_merge),
        cmocka_unit_test(test_directmap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
