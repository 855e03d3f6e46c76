/*
 * XSA-224: grant table operations mishandle reference counts. Among the
 * bugs: an unmap whose address did not match still dropped counts, and
 * mixed read-only/writable mappings of one entry lost track of which
 * flag to clear, leaving GTF_writing set (the granter could never
 * revoke) or clearing it while a writable mapping remained (the granter
 * could reuse a page still being written).
 *
 * Attack: map one entry writable twice and read-only once; try to unmap
 * each with a wrong address, a wrong device address and a handle of the
 * wrong kind; then unmap in an order that used to confuse the flags.
 */
#include "gx_snap.h"

#define HOST HV_GNTMAP_host_map
#define PA   HV_GTF_permit_access

static void test_xsa224_mixed_mappings(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t w1, w2, r1;
    struct gx_snap *s;
    struct hv_gnttab_unmap_grant_ref un;

    (void)state;
    gx_grant(g, 1, 9, 2, page, PA);
    GX_EQ(gx_map_op(g, 2, 1, 9, HOST, 0x10000, &w1), HV_GNTST_okay);
    GX_EQ(gx_map_op(g, 2, 1, 9, HOST | HV_GNTMAP_readonly, 0x20000, &r1),
          HV_GNTST_okay);
    GX_EQ(gx_map_op(g, 2, 1, 9, HOST, 0x30000, &w2), HV_GNTST_okay);
    GX_EQ(gx_info(g, page).count, 4);
    GX_EQ(gx_info(g, page).type_count, 2);

    s = gx_snap(g);
    GX_EQ(gx_unmap_op(g, 2, w1, 0x20000), HV_GNTST_bad_virt_addr);
    GX_EQ(gx_unmap_op(g, 2, r1, 0x10000), HV_GNTST_bad_virt_addr);
    memset(&un, 0, sizeof(un));
    un.handle = w2;
    un.host_addr = 0x30000;
    un.dev_bus_addr = 0x1000;
    GX_EQ(hv_gnttab_unmap_grant_ref(gx_gt(g, 2), &un, &g->flush),
          HV_GNTST_bad_dev_addr);
    gx_same(g, s);

    /* One writable mapping goes: writing must stay for the other. */
    GX_EQ(gx_unmap_op(g, 2, w1, 0x10000), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 9), PA | HV_GTF_reading | HV_GTF_writing);
    GX_EQ(gx_info(g, page).type_count, 1);
    /* The read-only one goes: reading must stay for the writable one. */
    GX_EQ(gx_unmap_op(g, 2, r1, 0x20000), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 9), PA | HV_GTF_reading | HV_GTF_writing);
    /* A well-behaved revoke still fails: the page is in use. */
    {
        uint16_t expect = PA;

        GX_ASSERT(!__atomic_compare_exchange_n(
            &gx_entry(g, 1, 9)->flags, &expect, 0, false, __ATOMIC_SEQ_CST,
            __ATOMIC_SEQ_CST));
    }
    GX_EQ(gx_unmap_op(g, 2, w2, 0x30000), HV_GNTST_okay);
    GX_EQ(gx_flags(g, 1, 9), PA);
    GX_EQ(gx_info(g, page).count, 1);
    GX_EQ(gx_info(g, page).type_count, 0);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa224_mixed_mappings),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
