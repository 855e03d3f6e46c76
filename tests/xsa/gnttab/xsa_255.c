/*
 * XSA-255: grant table v2 -> v1 transition may crash Xen. Switching
 * versions freed the v2 status frames while a guest could still have them
 * mapped. libhv-gnttab has version 1 only: set_version(2) is refused, so
 * there are never status frames and never a transition.
 *
 * Attack: ask for version 2, map, ask again, ask for version 1 (a
 * "transition") while mapped; write v2-only flags into a v1 entry.
 */
#include "gx_snap.h"

static void test_xsa255_v2_refused(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h;
    struct gx_snap *s;

    (void)state;
    s = gx_snap(g);
    GX_EQ(hv_gnttab_set_version(gx_gt(g, 1), 2), HV_EOPNOTSUPP);
    GX_EQ(hv_gnttab_get_version(gx_gt(g, 1)), 1);
    gx_same(g, s);

    gx_grant(g, 1, 1, 2, page, HV_GTF_permit_access);
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0, &h), HV_GNTST_okay);
    s = gx_snap(g);
    GX_EQ(hv_gnttab_set_version(gx_gt(g, 1), 2), HV_EOPNOTSUPP);
    GX_EQ(hv_gnttab_set_version(gx_gt(g, 1), 1), HV_OK); /* no-op */
    GX_EQ(hv_gnttab_set_version(gx_gt(g, 1), 0xFFFFFFFFu), HV_EINVAL);
    gx_same(g, s);
    GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_okay);

    /* A v2 sub-page entry read as v1: the sub-page bit is not honoured
     * as a permission; the type is what counts and the frame is checked. */
    gx_grant(g, 1, 2, 2, page, HV_GTF_transitive | HV_GTF_sub_page);
    s = gx_snap(g);
    GX_EQ(gx_map_op(g, 2, 1, 2, HV_GNTMAP_host_map, 0, NULL),
          HV_GNTST_general_error);
    gx_same(g, s);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa255_v2_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
