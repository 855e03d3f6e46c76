/*
 * XSA-226: multiple problems with transitive grants. A transitive grant
 * (version 2) lets the granter forward a grant it received; the reference
 * chains it allowed were mishandled. libhv-gnttab provides version 1 only
 * and refuses transitive entries outright.
 *
 * Attack: write an entry of type GTF_transitive (as a v2 guest would,
 * with another domain's reference in the frame field) and use it through
 * every operation.
 */
#include "gx_snap.h"

static void test_xsa226_transitive_refused(void **state)
{
    struct gx *g = gx_new(3, 0);
    uint64_t page = gx_alloc(g, 1), own = gx_alloc(g, 2);
    struct gx_snap *s;
    struct hv_gnttab_copy op;

    (void)state;
    /* d1 grants its page to d3; d3 tries to forward it to d2. */
    gx_grant(g, 1, 1, 3, page, HV_GTF_permit_access);
    gx_grant(g, 3, 1, 2, 1 /* d1's ref */, HV_GTF_transitive | HV_GTF_readonly);
    s = gx_snap(g);
    GX_EQ(
        gx_map_op(g, 2, 3, 1, HV_GNTMAP_host_map | HV_GNTMAP_readonly, 0, NULL),
        HV_GNTST_general_error);
    GX_EQ(gx_map_op(g, 2, 3, 1, HV_GNTMAP_host_map, 0, NULL),
          HV_GNTST_general_error);
    memset(&op, 0, sizeof(op));
    op.source.u.ref = 1;
    op.source.domid = 3;
    op.dest.u.gmfn = own;
    op.dest.domid = HV_DOMID_SELF;
    op.len = 8;
    op.flags = HV_GNTCOPY_source_gref;
    GX_EQ(hv_gnttab_copy(gx_gt(g, 2), gx_gt(g, 3), NULL, &op, &g->flush),
          HV_GNTST_general_error);
    GX_EQ(op.status, HV_GNTST_general_error);
    gx_same(g, s);
    /* Nothing of d1's was touched, its own grant to d3 still works. */
    GX_EQ(gx_map_op(g, 3, 1, 1, HV_GNTMAP_host_map, 0, NULL), HV_GNTST_okay);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa226_transitive_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
