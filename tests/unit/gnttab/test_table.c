/*
 * libhv-gnttab: table setup, size, version and teardown, with their
 * refusals. Every test ends in gx_free(), which proves all counts exact
 * and every frame back to the allocator.
 */
#include "gx_snap.h"

#define GNTREF_RW (HV_GTF_permit_access)

static void test_init_refusals(void **state)
{
    struct gx *g = gx_new(2, 0);
    struct hv_gnttab t;
    struct hv_gnttab_config c;
    static struct hv_gnttab_active act[GX_ENTRIES];
    static struct hv_gnttab_maptrack mt[GX_MAPTRACK];
    struct hv_gnttab_ops noop = {NULL, NULL};

    (void)state;
    gx_config(g, 1, &c, 0);
    c.active = act;
    c.maptrack = mt;
    GX_EQ(hv_gnttab_init(NULL, &c), HV_EINVAL);
    GX_EQ(hv_gnttab_init(&t, NULL), HV_EINVAL);
    c.max_frames = 0;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.max_frames = HV_GNTTAB_MAX_FRAMES + 1;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    gx_config(g, 1, &c, 0);
    c.active = act;
    c.maptrack = mt;
    c.maptrack_count = 0;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.maptrack_count = HV_GNTTAB_MAX_MAPTRACK + 1;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.maptrack_count = GX_MAPTRACK;
    c.flags = 2;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.flags = 0;
    c.domid = 2; /* mm_dom is domain 1's */
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.domid = HV_MAX_DOMAINS;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.domid = 1;
    c.ops = &noop;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.ops = NULL;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.ops = &gx_gt_ops;
    c.active = NULL;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    c.active = act;
    c.mm = NULL;
    GX_EQ(hv_gnttab_init(&t, &c), HV_EINVAL);
    gx_free(g);
}

static void test_setup_grow_and_query(void **state)
{
    struct gx *g = gx_new(1, 0);
    struct hv_gnttab *t = gx_gt(g, 1);
    struct hv_gnttab_query_size q;
    uint64_t f0 = g->d[1].table[0];
    hv_mfn_t list[2];

    (void)state;
    GX_EQ(hv_gnttab_nr_frames(t), 1);
    GX_EQ(hv_gnttab_frame(t, 0), f0);
    GX_EQ(hv_gnttab_frame(t, 1), HV_MM_INVALID_FRAME);
    /* An installed frame holds a general and a WRITABLE type reference. */
    GX_EQ(gx_info(g, f0).count, 2);
    GX_EQ(gx_info(g, f0).type, HV_MM_TYPE_WRITABLE);
    GX_EQ(gx_info(g, f0).type_count, 1);
    gx_check(g);

    memset(&q, 0xFF, sizeof(q));
    q.dom = HV_DOMID_SELF;
    GX_EQ(hv_gnttab_query_size(t, &q), HV_GNTST_okay);
    GX_EQ(q.status, HV_GNTST_okay);
    GX_EQ(q.nr_frames, 1);
    GX_EQ(q.max_nr_frames, GX_MAX_FRAMES);
    q.dom = 1;
    GX_EQ(hv_gnttab_query_size(t, &q), HV_GNTST_okay);
    q.dom = 2;
    GX_EQ(hv_gnttab_query_size(t, &q), HV_GNTST_bad_domain);
    GX_EQ(q.status, HV_GNTST_bad_domain);

    /* Asking for fewer frames than installed succeeds and changes nothing. */
    list[0] = hv_mfn(f0);
    GX_EQ(hv_gnttab_setup_table(t, list, 1), HV_GNTST_okay);
    GX_EQ(hv_gnttab_setup_table(t, list, 0), HV_GNTST_okay);
    GX_EQ(hv_gnttab_nr_frames(t), 1);

    /* Growth: the new frame is wiped (no stale grants) and referenced. */
    list[1] = hv_mfn(gx_alloc(g, 1));
    memset(gx_mem[hv_mfn_val(list[1])], 0x5A, HV_PAGE_SIZE);
    GX_EQ(hv_gnttab_setup_table(t, list, 2), HV_GNTST_okay);
    GX_EQ(hv_gnttab_nr_frames(t), 2);
    GX_EQ(hv_gnttab_frame(t, 1), hv_mfn_val(list[1]));
    GX_EQ(gx_entry(g, 1, 600)->flags, 0);
    GX_EQ(gx_info(g, hv_mfn_val(list[1])).type_count, 1);
    q.dom = HV_DOMID_SELF;
    GX_EQ(hv_gnttab_query_size(t, &q), HV_GNTST_okay);
    GX_EQ(q.nr_frames, 2);
    gx_check(g);
    gx_free(g);
}

static void test_setup_refusals(void **state)
{
    struct gx *g = gx_new(2, 0);
    struct hv_gnttab *t = gx_gt(g, 1);
    uint64_t f0 = g->d[1].table[0];
    uint64_t mine = gx_alloc(g, 1), theirs = gx_alloc(g, 2);
    hv_mfn_t list[3];
    struct gx_snap *s;

    (void)state;
    list[0] = hv_mfn(f0);

    s = gx_snap(g);
    list[1] = hv_mfn(mine);
    GX_EQ(hv_gnttab_setup_table(t, list, GX_MAX_FRAMES + 1),
          HV_GNTST_general_error); /* beyond max_frames */
    GX_EQ(hv_gnttab_setup_table(t, NULL, 2), HV_GNTST_general_error);
    list[0] = hv_mfn(mine); /* does not start with the installed frame */
    GX_EQ(hv_gnttab_setup_table(t, list, 2), HV_GNTST_general_error);
    list[0] = hv_mfn(f0);
    list[1] = hv_mfn(f0); /* the same frame twice */
    GX_EQ(hv_gnttab_setup_table(t, list, 2), HV_GNTST_general_error);
    list[1] = hv_mfn(theirs); /* another domain's frame */
    GX_EQ(hv_gnttab_setup_table(t, list, 2), HV_GNTST_general_error);
    list[1] = hv_mfn(3); /* a hole */
    GX_EQ(hv_gnttab_setup_table(t, list, 2), HV_GNTST_general_error);
    list[1] = hv_mfn(GX_FRAMES + 7); /* beyond memory */
    GX_EQ(hv_gnttab_setup_table(t, list, 2), HV_GNTST_general_error);
    gx_same(g, s);

    /* A frame in use as a page table can never become a grant table. */
    GX_EQ(hv_mm_pin(&g->mm, &g->d[1].md, hv_mfn(mine), 1, &g->flush), HV_OK);
    s = gx_snap(g);
    list[1] = hv_mfn(mine);
    GX_EQ(hv_gnttab_setup_table(t, list, 2), HV_GNTST_general_error);
    gx_same(g, s);
    GX_EQ(hv_mm_unpin(&g->mm, &g->d[1].md, hv_mfn(mine), &g->flush), HV_OK);

    /* And a table frame can never become a page table. */
    GX_EQ(hv_mm_pin(&g->mm, &g->d[1].md, hv_mfn(f0), 1, &g->flush), HV_EBUSY);
    gx_free(g);
}

static void test_xen_owned_frames(void **state)
{
    struct gx *g = gx_new(1, 0);
    struct hv_gnttab t;
    struct hv_gnttab_config c;
    static struct hv_gnttab_active act[GX_ENTRIES];
    static struct hv_gnttab_maptrack mt[GX_MAPTRACK];
    hv_mfn_t x;
    struct hv_mm_flush fl = {0, 0};

    (void)state;
    /* A table in hypervisor frames, as Xen does it. */
    gx_config(g, 1, &c, 0);
    c.active = act;
    c.maptrack = mt;
    GX_EQ(hv_gnttab_init(&t, &c), HV_OK);
    GX_EQ(hv_mm_alloc_xen(&g->mm, 0, &x), HV_OK);
    GX_EQ(hv_gnttab_setup_table(&t, &x, 1), HV_GNTST_okay);
    GX_EQ(gx_info(g, hv_mfn_val(x)).count, 2);
    GX_EQ(hv_mm_free_xen(&g->mm, x, 0), HV_EINVAL); /* still in use */
    GX_EQ(hv_gnttab_teardown(&t, &fl), HV_OK);
    GX_EQ(g->maps, 1); /* only the fixture's own table is mapped now */
    GX_EQ(gx_info(g, hv_mfn_val(x)).count, 1);
    GX_EQ(gx_info(g, hv_mfn_val(x)).type_count, 0);
    /*
     * The frame is back to its allocation reference alone. libhv-mm's
     * free_xen still refuses it (a WRITABLE use ended, it may linger in
     * a TLB, and no public call clears that for a Xen frame): reported
     * to libhv-mm; the frame stays allocated here.
     */
    GX_EQ(hv_mm_free_xen(&g->mm, x, 0), HV_EINVAL);
    g->xen_frames = 1;
    gx_free(g);
}

static void test_version(void **state)
{
    struct gx *g = gx_new(1, 0);

    (void)state;
    GX_EQ(hv_gnttab_set_version(gx_gt(g, 1), 1), HV_OK);
    GX_EQ(hv_gnttab_set_version(gx_gt(g, 1), 2), HV_EOPNOTSUPP);
    GX_EQ(hv_gnttab_set_version(gx_gt(g, 1), 0), HV_EINVAL);
    GX_EQ(hv_gnttab_set_version(gx_gt(g, 1), 3), HV_EINVAL);
    GX_EQ(hv_gnttab_get_version(gx_gt(g, 1)), 1);
    gx_free(g);
}

static void test_teardown_orders(void **state)
{
    struct gx *g = gx_new(3, 0);
    struct hv_mm_flush fl = {0, 0};
    uint64_t page = gx_alloc(g, 1);
    uint32_t h2, h3;

    (void)state;
    gx_grant(g, 1, 5, 2, page, GNTREF_RW);
    GX_EQ(gx_map_op(g, 2, 1, 5, HV_GNTMAP_host_map, 0x1000, &h2),
          HV_GNTST_okay);
    /* d3 maps a grant of d2 while d2 maps one of d1: a chain. */
    {
        uint64_t p2 = gx_alloc(g, 2);

        gx_grant(g, 2, 9, 3, p2, GNTREF_RW | HV_GTF_readonly);
        GX_EQ(gx_map_op(g, 3, 2, 9, HV_GNTMAP_host_map | HV_GNTMAP_readonly,
                        0x2000, &h3),
              HV_GNTST_okay);
    }
    gx_check(g);

    /* The granter goes first: busy while mapped, nothing new accepted. */
    GX_EQ(hv_gnttab_teardown(gx_gt(g, 1), &fl), HV_EBUSY);
    GX_EQ(hv_gnttab_pin_count(gx_gt(g, 1)), 1);
    GX_EQ(gx_map_op(g, 2, 1, 5, HV_GNTMAP_host_map, 0x3000, NULL),
          HV_GNTST_bad_domain);
    GX_EQ(hv_mm_domain_teardown(&g->mm, &g->d[1].md, &fl), HV_EBUSY);
    gx_check(g);

    /* d2 (granter to d3 and mapper of d1) dies: drops its mapping of d1,
     * stays busy for d3. */
    GX_EQ(hv_gnttab_teardown(gx_gt(g, 2), &fl), HV_EBUSY);
    GX_EQ(hv_gnttab_mapping_count(gx_gt(g, 2)), 0);
    GX_EQ(gx_flags(g, 1, 5), GNTREF_RW); /* reading/writing cleared */
    GX_EQ(hv_gnttab_teardown(gx_gt(g, 1), &fl), HV_OK);
    GX_EQ(hv_gnttab_teardown(gx_gt(g, 1), &fl), HV_ESRCH);
    g->d[1].live = false;
    GX_EQ(hv_mm_domain_teardown(&g->mm, &g->d[1].md, &fl), HV_OK);
    gx_check(g);

    /* d3 unmaps; then d2 completes. */
    GX_EQ(gx_unmap_op(g, 3, h3, 0x2000), HV_GNTST_okay);
    GX_EQ(hv_gnttab_teardown(gx_gt(g, 2), &fl), HV_OK);
    g->d[2].live = false;
    gx_check(g);
    gx_free(g);
}

static void test_teardown_mapper_first(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h;
    int i;

    (void)state;
    gx_grant(g, 1, 1, 2, page, GNTREF_RW);
    for (i = 0; i < 3; i++)
        GX_EQ(gx_map_op(g, 2, 1, 1,
                        HV_GNTMAP_host_map | (i ? HV_GNTMAP_readonly : 0),
                        0x10000u * (unsigned)(i + 1), &h),
              HV_GNTST_okay);
    GX_EQ(gx_info(g, page).count, 4);
    GX_EQ(gx_info(g, page).type_count, 1);
    gx_kill(g, 2);
    GX_EQ(gx_info(g, page).count, 1);
    GX_EQ(gx_info(g, page).type_count, 0);
    GX_EQ(gx_flags(g, 1, 1), GNTREF_RW);
    GX_EQ(hv_gnttab_pin_count(gx_gt(g, 1)), 0);
    gx_check(g);
    /* Operations on a dead table are refused. */
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0, NULL),
          HV_GNTST_bad_domain);
    GX_EQ(hv_gnttab_setup_table(gx_gt(g, 2), NULL, 0), HV_GNTST_bad_domain);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_refusals),
        cmocka_unit_test(test_setup_grow_and_query),
        cmocka_unit_test(test_setup_refusals),
        cmocka_unit_test(test_xen_owned_frames),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_teardown_orders),
        cmocka_unit_test(test_teardown_mapper_first),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
