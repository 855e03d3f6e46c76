/*
 * XSA-234: insufficient grant unmapping checks for x86 PV guests. Unmap
 * trusted the guest's description of the mapping: a guest could name the
 * address of one mapping with the handle of another, or a read-only
 * mapping where a writable one existed, and end up dropping the wrong
 * counts, keeping a writable mapping of a page whose writable count was
 * gone.
 *
 * Attack: map grant A writable at X and grant B read-only at Y; unmap
 * handle A at Y, handle B at X; unmap A with B's device address; then
 * check A is still fully accounted as writable.
 */
#include "gx_snap.h"

static void test_xsa234_crossed_unmap(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t pa = gx_alloc(g, 1), pb = gx_alloc(g, 1);
    uint32_t ha, hb;
    struct gx_snap *s;
    struct hv_gnttab_unmap_grant_ref un;

    (void)state;
    gx_grant(g, 1, 1, 2, pa, HV_GTF_permit_access);
    gx_grant(g, 1, 2, 2, pb, HV_GTF_permit_access | HV_GTF_readonly);
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0xA000, &ha),
          HV_GNTST_okay);
    GX_EQ(gx_map_op(g, 2, 1, 2, HV_GNTMAP_host_map | HV_GNTMAP_readonly, 0xB000,
                    &hb),
          HV_GNTST_okay);
    s = gx_snap(g);
    GX_EQ(gx_unmap_op(g, 2, ha, 0xB000), HV_GNTST_bad_virt_addr);
    GX_EQ(gx_unmap_op(g, 2, hb, 0xA000), HV_GNTST_bad_virt_addr);
    memset(&un, 0, sizeof(un));
    un.handle = ha;
    un.host_addr = 0xA000;
    un.dev_bus_addr = pb << 12;
    GX_EQ(hv_gnttab_unmap_grant_ref(gx_gt(g, 2), &un, &g->flush),
          HV_GNTST_bad_dev_addr);
    gx_same(g, s);
    /* A is still a writable use: its frame cannot become a page table. */
    GX_EQ(gx_info(g, pa).type, HV_MM_TYPE_WRITABLE);
    GX_EQ(gx_info(g, pa).type_count, 1);
    GX_EQ(hv_mm_pin(&g->mm, &g->d[1].md, hv_mfn(pa), 1, &g->flush), HV_EBUSY);
    GX_EQ(gx_unmap_op(g, 2, hb, 0xB000), HV_GNTST_okay);
    GX_EQ(gx_unmap_op(g, 2, ha, 0xA000), HV_GNTST_okay);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa234_crossed_unmap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
