/*
 * libhv-gnttab: map_grant_ref and unmap_grant_ref, every outcome and
 * every refusal. A refusal is proven to change nothing (gx_same: frame
 * records, pins, handles and all memory, the shared entries included);
 * every test ends in gx_free().
 */
#include "gx_snap.h"

#define HOST HV_GNTMAP_host_map
#define RO   HV_GNTMAP_readonly
#define PA   HV_GTF_permit_access

static void test_map_rw_and_unmap(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    struct hv_gnttab_map_grant_ref op;
    struct hv_gnttab_unmap_grant_ref un;

    (void)state;
    gx_grant(g, 1, 3, 2, page, PA);
    memset(&op, 0, sizeof(op));
    op.host_addr = 0x7000;
    op.flags = HOST;
    op.ref = 3;
    op.dom = 1;
    op.status = 99;
    GX_EQ(hv_gnttab_map_grant_ref(gx_gt(g, 2), gx_gt(g, 1), &op, &g->flush),
          HV_GNTST_okay);
    GX_EQ(op.status, HV_GNTST_okay);
    GX_EQ(op.handle, 0);
    GX_EQ(op.dev_bus_addr, page << 12);
    GX_EQ(gx_flags(g, 1, 3), PA | HV_GTF_reading | HV_GTF_writing);
    GX_EQ(gx_info(g, page).count, 2);
    GX_EQ(gx_info(g, page).type, HV_MM_TYPE_WRITABLE);
    GX_EQ(gx_info(g, page).type_count, 1);
    GX_EQ(hv_gnttab_mapping_count(gx_gt(g, 2)), 1);
    GX_EQ(hv_gnttab_pin_count(gx_gt(g, 1)), 1);
    gx_check(g);

    /* A writably granted frame cannot become a page table now. */
    GX_EQ(hv_mm_pin(&g->mm, &g->d[1].md, hv_mfn(page), 1, &g->flush), HV_EBUSY);

    memset(&un, 0, sizeof(un));
    un.host_addr = 0x7000;
    un.dev_bus_addr = page << 12; /* the returned value is accepted */
    un.handle = op.handle;
    GX_EQ(hv_gnttab_unmap_grant_ref(gx_gt(g, 2), &un, &g->flush),
          HV_GNTST_okay);
    GX_EQ(un.status, HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 3), PA);
    GX_EQ(gx_info(g, page).count, 1);
    GX_EQ(gx_info(g, page).type_count, 0);
    GX_EQ(hv_gnttab_pin_count(gx_gt(g, 1)), 0);
    gx_check(g);
    /* ... and now it can. */
    GX_EQ(hv_mm_pin(&g->mm, &g->d[1].md, hv_mfn(page), 1, &g->flush), HV_OK);
    GX_EQ(hv_mm_unpin(&g->mm, &g->d[1].md, hv_mfn(page), &g->flush), HV_OK);
    gx_free(g);
}

static void test_map_ro_and_mixed(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h_ro, h_ro2, h_rw;

    (void)state;
    gx_grant(g, 1, 0, 2, page, PA);
    GX_EQ(gx_map_op(g, 2, 1, 0, HOST | RO, 0x1000, &h_ro), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 0), PA | HV_GTF_reading);
    GX_EQ(gx_info(g, page).type_count, 0);
    GX_EQ(
        gx_map_op(g, 2, 1, 0, HOST | RO | HV_GNTMAP_device_map, 0x2000, &h_ro2),
        HV_GNTST_okay);
    GX_EQ(gx_map_op(g, 2, 1, 0, HOST, 0x3000, &h_rw), HV_GNTST_okay);
    GX_ASSERT(h_ro != h_ro2 && h_ro2 != h_rw && h_ro != h_rw);
    GX_EQ(gx_flags(g, 1, 0), PA | HV_GTF_reading | HV_GTF_writing);
    GX_EQ(gx_info(g, page).count, 4);
    GX_EQ(gx_info(g, page).type_count, 1);
    gx_check(g);

    /* The last writable use clears GTF_writing, the last use reading. */
    GX_EQ(gx_unmap_op(g, 2, h_rw, 0x3000), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 0), PA | HV_GTF_reading);
    GX_EQ(gx_unmap_op(g, 2, h_ro, 0x1000), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 0), PA | HV_GTF_reading);
    GX_EQ(gx_unmap_op(g, 2, h_ro2, 0x2000), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 0), PA);
    gx_check(g);
    gx_free(g);
}

static void test_map_self_and_second_frame(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h, h2;
    uint32_t ref = HV_GNTTAB_ENTRIES_PER_FRAME + 10; /* in the 2nd frame */

    (void)state;
    /* A domain may map its own grant (DOMID_SELF or its id). */
    gx_grant(g, 1, 2, 1, page, PA);
    {
        struct hv_gnttab_map_grant_ref op;

        memset(&op, 0, sizeof(op));
        op.flags = HOST;
        op.ref = 2;
        op.dom = HV_DOMID_SELF;
        GX_EQ(hv_gnttab_map_grant_ref(gx_gt(g, 1), gx_gt(g, 1), &op, &g->flush),
              HV_GNTST_okay);
        h = op.handle;
    }
    gx_check(g);
    GX_EQ(gx_unmap_op(g, 1, h, 0), HV_GNTST_okay);

    /* Refs in a second table frame work once it is installed. */
    GX_EQ(gx_map_op(g, 2, 1, ref, HOST, 0, NULL), HV_GNTST_bad_gntref);
    gx_grow(g, 1);
    gx_grant(g, 1, ref, 2, page, PA);
    GX_EQ(gx_map_op(g, 2, 1, ref, HOST, 0, &h2), HV_GNTST_okay);
    gx_check(g);
    GX_EQ(gx_unmap_op(g, 2, h2, 0), HV_GNTST_okay);
    gx_free(g);
}

static void test_map_translated(void **state)
{
    struct gx *g = gx_new(2, 1u << 1); /* domain 1 translated */
    uint64_t mfn = hv_mm_p2m(&g->mm, &g->d[1].md, hv_gfn(4));
    uint32_t h;
    struct hv_gnttab_map_grant_ref op;

    (void)state;
    GX_ASSERT(mfn != HV_MM_INVALID_FRAME);
    gx_grant(g, 1, 1, 2, 4, PA); /* frame is a gfn */
    memset(&op, 0, sizeof(op));
    op.flags = HOST;
    op.ref = 1;
    op.dom = 1;
    GX_EQ(hv_gnttab_map_grant_ref(gx_gt(g, 2), gx_gt(g, 1), &op, &g->flush),
          HV_GNTST_okay);
    GX_EQ(op.dev_bus_addr, mfn << 12);
    h = op.handle;
    gx_check(g);
    GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_okay);

    /* An unpopulated gfn is refused, flags restored. */
    gx_grant(g, 1, 2, 2, 200, PA);
    {
        struct gx_snap *s = gx_snap(g);

        GX_EQ(gx_map_op(g, 2, 1, 2, HOST, 0, NULL), HV_GNTST_general_error);
        gx_same(g, s);
    }
    gx_free(g);
}

/* Each refusal of map, with the exact status and nothing changed. */
static void test_map_refusals(void **state)
{
    struct gx *g = gx_new(3, 0);
    uint64_t page = gx_alloc(g, 1), other = gx_alloc(g, 2);
    struct gx_snap *s;
    struct hv_gnttab_map_grant_ref op;

    (void)state;
    gx_grant(g, 1, 1, 2, page, PA);                     /* good */
    gx_grant(g, 1, 2, 3, page, PA);                     /* for d3 */
    gx_grant(g, 1, 3, 2, page, 0);                      /* revoked */
    gx_grant(g, 1, 4, 2, page, HV_GTF_accept_transfer); /* not access */
    gx_grant(g, 1, 5, 2, page, HV_GTF_transitive);      /* v2 */
    gx_grant(g, 1, 6, 2, page, PA | HV_GTF_readonly);   /* read-only */
    gx_grant(g, 1, 7, 2, other, PA);                    /* not d1's frame */
    gx_grant(g, 1, 8, 2, 3, PA);                        /* a hole */

    s = gx_snap(g);
    GX_EQ(gx_map_op(g, 2, 1, HV_GNTTAB_ENTRIES_PER_FRAME, HOST, 0, NULL),
          HV_GNTST_bad_gntref);
    GX_EQ(gx_map_op(g, 2, 1, 0xFFFFFFFFu, HOST, 0, NULL), HV_GNTST_bad_gntref);
    GX_EQ(gx_map_op(g, 2, 1, 1, 0, 0, NULL), HV_GNTST_bad_gntref);
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_device_map, 0, NULL),
          HV_GNTST_bad_gntref);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST | HV_GNTMAP_contains_pte, 0, NULL),
          HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST | HV_GNTMAP_application_map, 0, NULL),
          HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST | 0x100, 0, NULL), HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST, 0x1234, NULL), HV_GNTST_bad_virt_addr);
    GX_EQ(gx_map_op(g, 2, 1, 2, HOST, 0, NULL), HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 3, HOST, 0, NULL), HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 3, HOST | RO, 0, NULL), HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 4, HOST | RO, 0, NULL), HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 5, HOST | RO, 0, NULL), HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 6, HOST, 0, NULL), HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 7, HOST | RO, 0, NULL), HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 1, 8, HOST | RO, 0, NULL), HV_GNTST_general_error);
    /* The operation names d3 but the table passed is d1's. */
    memset(&op, 0, sizeof(op));
    op.flags = HOST;
    op.ref = 1;
    op.dom = 3;
    GX_EQ(hv_gnttab_map_grant_ref(gx_gt(g, 2), gx_gt(g, 1), &op, &g->flush),
          HV_GNTST_bad_domain);
    op.dom = HV_DOMID_SELF; /* SELF is the mapper, not d1 */
    GX_EQ(hv_gnttab_map_grant_ref(gx_gt(g, 2), gx_gt(g, 1), &op, &g->flush),
          HV_GNTST_bad_domain);
    GX_EQ(hv_gnttab_map_grant_ref(NULL, gx_gt(g, 1), &op, &g->flush),
          HV_GNTST_bad_domain);
    gx_same(g, s);

    /* The read-only grant maps read-only. */
    GX_EQ(gx_map_op(g, 2, 1, 6, HOST | RO, 0, NULL), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 6), PA | HV_GTF_readonly | HV_GTF_reading);
    /* ... and a writable map of it is still refused while mapped. */
    s = gx_snap(g);
    GX_EQ(gx_map_op(g, 2, 1, 6, HOST, 0, NULL), HV_GNTST_general_error);
    gx_same(g, s);
    gx_free(g);
}

/* A v1 entry has one user: while d2 maps it, d3 cannot, even if the
 * granter rewrites the domid. */
static void test_map_one_user(void **state)
{
    struct gx *g = gx_new(3, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h;
    struct gx_snap *s;

    (void)state;
    gx_grant(g, 1, 1, 2, page, PA);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST | RO, 0, &h), HV_GNTST_okay);
    gx_entry(g, 1, 1)->domid = 3; /* granter scribbles while mapped */
    s = gx_snap(g);
    GX_EQ(gx_map_op(g, 3, 1, 1, HOST | RO, 0, NULL), HV_GNTST_general_error);
    /* d2's first writable use re-checks the entry: no longer for d2. */
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST, 0, NULL), HV_GNTST_general_error);
    gx_same(g, s);
    /* d2's read-only uses go on with the frame locked in at first use. */
    gx_entry(g, 1, 1)->frame = 3;
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST | RO, 0x1000, NULL), HV_GNTST_okay);
    gx_check(g);
    gx_free(g);
}

/* A frame in typed use (a page table) cannot be mapped writable. */
static void test_map_typed_frame(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t pt = gx_alloc(g, 1);
    uint32_t h;
    struct gx_snap *s;

    (void)state;
    GX_EQ(hv_mm_pin(&g->mm, &g->d[1].md, hv_mfn(pt), 1, &g->flush), HV_OK);
    gx_grant(g, 1, 1, 2, pt, PA);
    s = gx_snap(g);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST, 0, NULL), HV_GNTST_general_error);
    gx_same(g, s); /* flags back to PA, no reference left */
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST | RO, 0, &h), HV_GNTST_okay);
    s = gx_snap(g);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST, 0, NULL), HV_GNTST_general_error);
    gx_same(g, s); /* reading stays, writing not left behind */
    GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_okay);
    GX_EQ(hv_mm_unpin(&g->mm, &g->d[1].md, hv_mfn(pt), &g->flush), HV_OK);
    gx_free(g);
}

static void test_maptrack_full(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h[GX_MAPTRACK], i;
    struct gx_snap *s;

    (void)state;
    gx_grant(g, 1, 1, 2, page, PA);
    for (i = 0; i < GX_MAPTRACK; i++)
        GX_EQ(gx_map_op(g, 2, 1, 1, HOST | RO, 0, &h[i]), HV_GNTST_okay);
    s = gx_snap(g);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST | RO, 0, NULL), HV_GNTST_no_device_space);
    gx_same(g, s);
    /* Handles come back and are reused. */
    GX_EQ(gx_unmap_op(g, 2, h[5], 0), HV_GNTST_okay);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST | RO, 0, &i), HV_GNTST_okay);
    GX_EQ(i, h[5]);
    gx_check(g);
    gx_free(g);
}

static void test_unmap_refusals(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h;
    struct gx_snap *s;
    struct hv_gnttab_unmap_grant_ref un;

    (void)state;
    gx_grant(g, 1, 1, 2, page, PA);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST, 0x5000, &h), HV_GNTST_okay);
    s = gx_snap(g);
    GX_EQ(gx_unmap_op(g, 2, GX_MAPTRACK, 0x5000), HV_GNTST_bad_handle);
    GX_EQ(gx_unmap_op(g, 2, 0xFFFFFFFFu, 0x5000), HV_GNTST_bad_handle);
    GX_EQ(gx_unmap_op(g, 2, h + 1, 0x5000), HV_GNTST_bad_handle); /* free */
    GX_EQ(gx_unmap_op(g, 2, h, 0x6000), HV_GNTST_bad_virt_addr);
    GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_bad_virt_addr);
    memset(&un, 0, sizeof(un));
    un.handle = h;
    un.host_addr = 0x5000;
    un.dev_bus_addr = (page + 1) << 12;
    GX_EQ(hv_gnttab_unmap_grant_ref(gx_gt(g, 2), &un, &g->flush),
          HV_GNTST_bad_dev_addr);
    GX_EQ(un.status, HV_GNTST_bad_dev_addr);
    /* Another domain's handle space is its own: d1 has no handle h. */
    GX_EQ(gx_unmap_op(g, 1, h, 0x5000), HV_GNTST_bad_handle);
    gx_same(g, s);

    GX_EQ(gx_unmap_op(g, 2, h, 0x5000), HV_GNTST_okay);
    s = gx_snap(g);
    GX_EQ(gx_unmap_op(g, 2, h, 0x5000), HV_GNTST_bad_handle); /* twice */
    gx_same(g, s);
    gx_free(g);
}

/* The granter revokes (clears flags) while mapped: the mapping stays
 * valid and accounted; unmap clears only our bits. */
static void test_revoke_while_mapped(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h;

    (void)state;
    gx_grant(g, 1, 1, 2, page, PA);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST, 0, &h), HV_GNTST_okay);
    /* A well-behaved guest's revoke fails: reading/writing are set. */
    {
        uint16_t expect = PA;

        GX_ASSERT(!__atomic_compare_exchange_n(
            &gx_entry(g, 1, 1)->flags, &expect, 0, false, __ATOMIC_SEQ_CST,
            __ATOMIC_SEQ_CST));
    }
    GX_EQ(gx_info(g, page).count, 2);
    GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 1), PA);
    /* Now the revoke succeeds and the entry refuses new maps. */
    gx_grant(g, 1, 1, 2, page, 0);
    GX_EQ(gx_map_op(g, 2, 1, 1, HOST, 0, NULL), HV_GNTST_general_error);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_rw_and_unmap),
        cmocka_unit_test(test_map_ro_and_mixed),
        cmocka_unit_test(test_map_self_and_second_frame),
        cmocka_unit_test(test_map_translated),
        cmocka_unit_test(test_map_refusals),
        cmocka_unit_test(test_map_one_user),
        cmocka_unit_test(test_map_typed_frame),
        cmocka_unit_test(test_maptrack_full),
        cmocka_unit_test(test_unmap_refusals),
        cmocka_unit_test(test_revoke_while_mapped),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
