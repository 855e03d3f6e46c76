/*
 * XSA-236: grant table operations mishandle reference counts on error
 * paths. When a map failed after the entry's flags had been set (the
 * frame could not be referenced), the error path left GTF_reading or
 * GTF_writing behind, or a pin, so counts drifted with every failure
 * until they wrapped.
 *
 * Attack: grant a frame that is a pinned page table and ask for it
 * writable, thousands of times; grant a frame the granter does not own;
 * mix a held read-only mapping in. Flags, pins and counts must be
 * exactly as before after every failure.
 */
#include "gx_snap.h"

#define PA HV_GTF_permit_access

static void test_xsa236_failed_maps_leave_nothing(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t pt = gx_alloc(g, 1), foreign = gx_alloc(g, 2);
    uint32_t h;
    struct gx_snap *s;
    int i;

    (void)state;
    GX_EQ(hv_mm_pin(&g->mm, &g->d[1].md, hv_mfn(pt), 1, &g->flush), HV_OK);
    gx_grant(g, 1, 1, 2, pt, PA);
    gx_grant(g, 1, 2, 2, foreign, PA);
    s = gx_snap(g);
    for (i = 0; i < 5000; i++) {
        GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0, NULL),
              HV_GNTST_general_error);
        GX_EQ(gx_map_op(g, 2, 1, 2, HV_GNTMAP_host_map | HV_GNTMAP_readonly, 0,
                        NULL),
              HV_GNTST_general_error);
    }
    gx_same(g, s);

    /* With a read-only mapping held, a failed writable map must clear
     * GTF_writing it set, and only that. */
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map | HV_GNTMAP_readonly, 0, &h),
          HV_GNTST_okay);
    s = gx_snap(g);
    for (i = 0; i < 5000; i++)
        GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0, NULL),
              HV_GNTST_general_error);
    gx_same(g, s);
    GX_EQ(gx_flags(g, 1, 1), PA | HV_GTF_reading);
    GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 1), PA);
    GX_EQ(hv_mm_unpin(&g->mm, &g->d[1].md, hv_mfn(pt), &g->flush), HV_OK);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa236_failed_maps_leave_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
