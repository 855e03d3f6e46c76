/*
 * libhv-gnttab: copy and transfer, every outcome and every refusal, with
 * contents verified byte for byte and refusals proven to change nothing.
 */
#include "gx_snap.h"

#define PA HV_GTF_permit_access
#define SG HV_GNTCOPY_source_gref
#define DG HV_GNTCOPY_dest_gref

static void fill(uint64_t mfn, uint8_t seed)
{
    unsigned int i;

    for (i = 0; i < HV_PAGE_SIZE; i++)
        gx_mem[mfn][i] = (uint8_t)(seed + i * 7u);
}

static int do_copy(struct gx *g, unsigned int caller, struct hv_gnttab *src,
                   struct hv_gnttab *dst, uint16_t flags, uint64_t s_u,
                   uint16_t s_dom, uint16_t s_off, uint64_t d_u, uint16_t d_dom,
                   uint16_t d_off, uint16_t len)
{
    struct hv_gnttab_copy op;
    int rc;

    memset(&op, 0, sizeof(op));
    if (flags & SG)
        op.source.u.ref = (uint32_t)s_u;
    else
        op.source.u.gmfn = s_u;
    op.source.domid = s_dom;
    op.source.offset = s_off;
    if (flags & DG)
        op.dest.u.ref = (uint32_t)d_u;
    else
        op.dest.u.gmfn = d_u;
    op.dest.domid = d_dom;
    op.dest.offset = d_off;
    op.len = len;
    op.flags = flags;
    op.status = 99;
    rc = hv_gnttab_copy(gx_gt(g, caller), src, dst, &op, &g->flush);
    GX_EQ(op.status, rc);
    return rc;
}

static void test_copy_gref_to_own(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t a = gx_alloc(g, 1), b = gx_alloc(g, 2);

    (void)state;
    fill(a, 1);
    memset(gx_mem[b], 0, HV_PAGE_SIZE);
    gx_grant(g, 1, 4, 2, a, PA | HV_GTF_readonly);
    GX_EQ(do_copy(g, 2, gx_gt(g, 1), NULL, SG, 4, 1, 100, b, HV_DOMID_SELF, 200,
                  300),
          HV_GNTST_okay);
    GX_EQ(memcmp(gx_mem[b] + 200, gx_mem[a] + 100, 300), 0);
    GX_EQ(gx_mem[b][199], 0);
    GX_EQ(gx_mem[b][500], 0);
    /* The use ended with the call: flags and counts as before. */
    GX_EQ(gx_flags(g, 1, 4), PA | HV_GTF_readonly);
    GX_EQ(gx_info(g, a).count, 1);
    GX_EQ(gx_info(g, b).count, 1);
    GX_EQ(gx_info(g, b).type_count, 0);
    gx_check(g);
    /* A whole frame, own side named by the caller's id. */
    GX_EQ(do_copy(g, 2, gx_gt(g, 1), gx_gt(g, 2), SG, 4, 1, 0, b, 2, 0,
                  HV_PAGE_SIZE),
          HV_GNTST_okay);
    GX_EQ(memcmp(gx_mem[b], gx_mem[a], HV_PAGE_SIZE), 0);
    gx_free(g);
}

static void test_copy_own_to_gref(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t a = gx_alloc(g, 1), b = gx_alloc(g, 2);
    uint32_t h;

    (void)state;
    fill(b, 9);
    memset(gx_mem[a], 0, HV_PAGE_SIZE);
    gx_grant(g, 1, 4, 2, a, PA);
    /* Also while d2 maps the same grant read-only: pins add up. */
    GX_EQ(gx_map_op(g, 2, 1, 4, HV_GNTMAP_host_map | HV_GNTMAP_readonly, 0, &h),
          HV_GNTST_okay);
    GX_EQ(do_copy(g, 2, NULL, gx_gt(g, 1), DG, b, HV_DOMID_SELF, 4000, 4, 1, 0,
                  96),
          HV_GNTST_okay);
    GX_EQ(memcmp(gx_mem[a], gx_mem[b] + 4000, 96), 0);
    GX_EQ(gx_flags(g, 1, 4), PA | HV_GTF_reading);
    GX_EQ(gx_info(g, a).type_count, 0);
    gx_check(g);
    GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_okay);
    gx_free(g);
}

static void test_copy_gref_to_gref_and_overlap(void **state)
{
    struct gx *g = gx_new(3, 0);
    uint64_t a = gx_alloc(g, 1), c = gx_alloc(g, 3), own = gx_alloc(g, 2);
    uint8_t expect[HV_PAGE_SIZE];

    (void)state;
    fill(a, 3);
    fill(c, 200);
    gx_grant(g, 1, 1, 2, a, PA);
    gx_grant(g, 3, 2, 2, c, PA);
    /* d2 copies from d1's grant into d3's grant. */
    GX_EQ(do_copy(g, 2, gx_gt(g, 1), gx_gt(g, 3), SG | DG, 1, 1, 8, 2, 3, 16,
                  1000),
          HV_GNTST_okay);
    GX_EQ(memcmp(gx_mem[c] + 16, gx_mem[a] + 8, 1000), 0);
    GX_EQ(gx_flags(g, 1, 1), PA);
    GX_EQ(gx_flags(g, 3, 2), PA);
    gx_check(g);

    /* Same grant as source and destination, overlapping: a memmove. */
    memcpy(expect, gx_mem[a], HV_PAGE_SIZE);
    memmove(expect + 10, expect, 500);
    GX_EQ(do_copy(g, 2, gx_gt(g, 1), gx_gt(g, 1), SG | DG, 1, 1, 0, 1, 1, 10,
                  500),
          HV_GNTST_okay);
    GX_EQ(memcmp(gx_mem[a], expect, HV_PAGE_SIZE), 0);
    GX_EQ(gx_flags(g, 1, 1), PA);
    gx_check(g);

    /* Same entry both ways, read-only: the destination half is refused
     * and the source's GTF_reading undone. */
    gx_grant(g, 1, 3, 2, a, PA | HV_GTF_readonly);
    GX_EQ(
        do_copy(g, 2, gx_gt(g, 1), gx_gt(g, 1), SG | DG, 3, 1, 0, 3, 1, 10, 8),
        HV_GNTST_general_error);
    GX_EQ(gx_flags(g, 1, 3), PA | HV_GTF_readonly);
    /* A grant d2 maps read-only, copied through both ways: the copy adds
     * and removes only GTF_writing; the mapping's GTF_reading stays. */
    {
        uint32_t h;

        GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map | HV_GNTMAP_readonly, 0,
                        &h),
              HV_GNTST_okay);
        GX_EQ(do_copy(g, 2, gx_gt(g, 1), gx_gt(g, 1), SG | DG, 1, 1, 0, 1, 1,
                      10, 8),
              HV_GNTST_okay);
        GX_EQ(gx_flags(g, 1, 1), PA | HV_GTF_reading);
        gx_check(g);
        GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_okay);
        GX_EQ(gx_flags(g, 1, 1), PA);
    }
    gx_check(g);

    /* Own frame to own frame, and a zero-length copy. */
    fill(own, 77);
    memcpy(expect, gx_mem[own], HV_PAGE_SIZE);
    memmove(expect, expect + 1, 4095);
    GX_EQ(do_copy(g, 2, NULL, NULL, 0, own, HV_DOMID_SELF, 1, own,
                  HV_DOMID_SELF, 0, 4095),
          HV_GNTST_okay);
    GX_EQ(memcmp(gx_mem[own], expect, HV_PAGE_SIZE), 0);
    GX_EQ(do_copy(g, 2, gx_gt(g, 1), NULL, SG, 1, 1, 4096, own, HV_DOMID_SELF,
                  4096, 0),
          HV_GNTST_okay);
    gx_check(g);
    gx_free(g);
}

static void test_copy_translated(void **state)
{
    struct gx *g = gx_new(2, (1u << 1) | (1u << 2));
    uint64_t a = hv_mm_p2m(&g->mm, &g->d[1].md, hv_gfn(3));
    uint64_t b = hv_mm_p2m(&g->mm, &g->d[2].md, hv_gfn(5));

    (void)state;
    fill(a, 5);
    gx_grant(g, 1, 1, 2, 3, PA); /* gfn 3 of d1 */
    GX_EQ(
        do_copy(g, 2, gx_gt(g, 1), NULL, SG, 1, 1, 0, 5, HV_DOMID_SELF, 0, 64),
        HV_GNTST_okay);
    GX_EQ(memcmp(gx_mem[b], gx_mem[a], 64), 0);
    GX_EQ(do_copy(g, 2, gx_gt(g, 1), NULL, SG, 1, 1, 0, 100, HV_DOMID_SELF, 0,
                  64),
          HV_GNTST_bad_page); /* gfn 100 of d2 is not populated */
    gx_free(g);
}

static void test_copy_refusals(void **state)
{
    struct gx *g = gx_new(3, 0);
    uint64_t a = gx_alloc(g, 1), b = gx_alloc(g, 2), pt = gx_alloc(g, 2);
    struct gx_snap *s;
    struct hv_gnttab *t1 = gx_gt(g, 1);

    (void)state;
    GX_EQ(hv_mm_pin(&g->mm, &g->d[2].md, hv_mfn(pt), 1, &g->flush), HV_OK);
    gx_grant(g, 1, 1, 2, a, PA);
    gx_grant(g, 1, 2, 2, a, PA | HV_GTF_readonly);
    gx_grant(g, 1, 3, 2, a, 0);
    gx_grant(g, 1, 4, 2, a, HV_GTF_transitive);
    gx_grant(g, 1, 5, 3, a, PA);
    gx_grant(g, 1, 6, 2, b, PA); /* a frame d1 does not own */

    s = gx_snap(g);
    /* Ranges that would leave the frame. */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 4000, b, HV_DOMID_SELF, 0, 97),
          HV_GNTST_bad_copy_arg);
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0, b, HV_DOMID_SELF, 4095, 2),
          HV_GNTST_bad_copy_arg);
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0xFFFF, b, HV_DOMID_SELF, 0, 1),
          HV_GNTST_bad_copy_arg);
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0, b, HV_DOMID_SELF, 0, 4097),
          HV_GNTST_bad_copy_arg);
    GX_EQ(do_copy(g, 2, t1, NULL, SG | 4, 1, 1, 0, b, HV_DOMID_SELF, 0, 1),
          HV_GNTST_bad_copy_arg);
    /* Bad references and entries. */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 512, 1, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_bad_gntref);
    GX_EQ(do_copy(g, 2, NULL, t1, DG, b, HV_DOMID_SELF, 0, 2, 1, 0, 8),
          HV_GNTST_general_error); /* read-only grant as destination */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 3, 1, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_general_error); /* revoked */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 4, 1, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_general_error); /* transitive */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 5, 1, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_general_error); /* granted to d3 */
    /* Domains. */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 3, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_bad_domain); /* names d3, table is d1's */
    GX_EQ(do_copy(g, 2, NULL, NULL, SG, 1, 1, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_bad_domain); /* no table for a gref side */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0, b, 3, 0, 8),
          HV_GNTST_permission_denied); /* own-frame side names d3 */
    GX_EQ(do_copy(g, 2, t1, gx_gt(g, 3), SG, 1, 1, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_permission_denied); /* own side with another table */
    /* Own frames that are not the caller's, or typed. */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0, a, HV_DOMID_SELF, 0, 8),
          HV_GNTST_bad_page);
    GX_EQ(do_copy(g, 2, NULL, t1, DG, a, HV_DOMID_SELF, 0, 1, 1, 0, 8),
          HV_GNTST_bad_page);
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0, pt, HV_DOMID_SELF, 0, 8),
          HV_GNTST_bad_page); /* never write into a page table */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0, 3, HV_DOMID_SELF, 0, 8),
          HV_GNTST_bad_page); /* a hole */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0, GX_FRAMES * 4, HV_DOMID_SELF, 0,
                  8),
          HV_GNTST_bad_page);
    /* A granted frame that is not the granter's. */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 6, 1, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_general_error);
    /* Both sides bad: the source, resolved first, is what is reported. */
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 6, 1, 0, a, HV_DOMID_SELF, 0, 8),
          HV_GNTST_general_error); /* source frame refused, dest not owned */
    GX_EQ(do_copy(g, 2, NULL, t1, DG, a, HV_DOMID_SELF, 0, 3, 1, 0, 8),
          HV_GNTST_bad_page); /* own source not ours, dest grant revoked */
    GX_EQ(do_copy(g, 2, NULL, t1, DG, b, HV_DOMID_SELF, 0, 3, 1, 0, 8),
          HV_GNTST_general_error); /* good source, dest grant revoked */
    {
        struct hv_gnttab_copy op;

        memset(&op, 0, sizeof(op));
        GX_EQ(hv_gnttab_copy(NULL, NULL, NULL, &op, &g->flush),
              HV_GNTST_bad_domain);
    }
    gx_same(g, s);

    /* Reading a page table is fine (read-only source). */
    GX_EQ(do_copy(g, 2, NULL, NULL, 0, pt, HV_DOMID_SELF, 0, b, HV_DOMID_SELF,
                  0, 8),
          HV_GNTST_okay);
    GX_EQ(hv_mm_unpin(&g->mm, &g->d[2].md, hv_mfn(pt), &g->flush), HV_OK);

    /* A dying granter takes no copies. */
    GX_EQ(hv_gnttab_teardown(t1, &g->flush), HV_OK);
    g->d[1].live = false;
    GX_EQ(do_copy(g, 2, t1, NULL, SG, 1, 1, 0, b, HV_DOMID_SELF, 0, 8),
          HV_GNTST_bad_domain);
    gx_free(g);
}

/* ---- transfer ---- */

static int do_transfer(struct gx *g, unsigned int from, unsigned int to,
                       uint64_t frame, uint16_t domid, uint32_t ref)
{
    struct hv_gnttab_transfer op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.mfn = frame;
    op.domid = domid;
    op.ref = ref;
    op.status = 99;
    rc = hv_gnttab_transfer(gx_gt(g, from), gx_gt(g, to), &op, &g->flush);
    GX_EQ(op.status, rc);
    return rc;
}

static void test_transfer(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1), got;
    uint64_t tot1 = hv_mm_domain_tot_pages(&g->mm, &g->d[1].md);
    uint64_t tot2 = hv_mm_domain_tot_pages(&g->mm, &g->d[2].md);
    uint8_t expect[HV_PAGE_SIZE];
    struct hv_grant_entry_v1 *e;

    (void)state;
    fill(page, 42);
    memcpy(expect, gx_mem[page], HV_PAGE_SIZE);
    gx_grant(g, 2, 6, 1, 0, HV_GTF_accept_transfer);
    GX_EQ(do_transfer(g, 1, 2, page, 2, 6), HV_GNTST_okay);
    e = gx_entry(g, 2, 6);
    GX_EQ(e->flags, HV_GTF_accept_transfer | HV_GTF_transfer_committed |
                        HV_GTF_transfer_completed);
    got = e->frame;
    GX_EQ(got, page); /* the very frame changed owner, as in Xen */
    GX_EQ(gx_info(g, got).owner, 2);
    GX_EQ(gx_info(g, got).count, 1);
    GX_EQ(gx_info(g, got).is_allocated, true);
    GX_EQ(memcmp(gx_mem[got], expect, HV_PAGE_SIZE), 0);
    /* Gone from the giver: no longer its, no M2P entry left behind. */
    GX_EQ(hv_mm_get_page(&g->mm, hv_mfn(page), 1), HV_EPERM);
    GX_EQ(hv_mm_m2p(&g->mm, hv_mfn(page)), HV_MM_INVALID_FRAME);
    GX_EQ(hv_mm_domain_tot_pages(&g->mm, &g->d[1].md), tot1 - 1);
    GX_EQ(hv_mm_domain_tot_pages(&g->mm, &g->d[2].md), tot2 + 1);
    gx_check(g);
    /* The entry is used up. */
    page = gx_alloc(g, 1);
    GX_EQ(do_transfer(g, 1, 2, page, 2, 6), HV_GNTST_general_error);
    gx_free(g);
}

static void test_transfer_refusals(void **state)
{
    struct gx *g = gx_new(3, 1u << 3);
    uint64_t page = gx_alloc(g, 1), theirs = gx_alloc(g, 2);
    uint64_t pt = gx_alloc(g, 1), mapped = gx_alloc(g, 1);
    struct gx_snap *s;
    uint32_t h;

    (void)state;
    GX_EQ(hv_mm_pin(&g->mm, &g->d[1].md, hv_mfn(pt), 1, &g->flush), HV_OK);
    gx_grant(g, 1, 1, 2, mapped, HV_GTF_permit_access);
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map | HV_GNTMAP_readonly, 0, &h),
          HV_GNTST_okay);
    gx_grant(g, 2, 1, 1, 0, HV_GTF_accept_transfer);  /* good */
    gx_grant(g, 2, 2, 3, 0, HV_GTF_accept_transfer);  /* for d3 */
    gx_grant(g, 2, 3, 1, page, HV_GTF_permit_access); /* not accept */
    gx_grant(g, 2, 4, 1, 0, HV_GTF_accept_transfer | HV_GTF_transfer_committed);
    gx_grant(g, 3, 1, 1, 0, HV_GTF_accept_transfer);

    s = gx_snap(g);
    GX_EQ(do_transfer(g, 1, 2, page, 3, 1), HV_GNTST_bad_domain);
    GX_EQ(do_transfer(g, 1, 1, page, 1, 1), HV_GNTST_bad_domain);
    GX_EQ(do_transfer(g, 1, 3, page, 3, 1), HV_GNTST_bad_domain); /* xlat */
    GX_EQ(do_transfer(g, 1, 2, page, 2, 512), HV_GNTST_bad_gntref);
    GX_EQ(do_transfer(g, 1, 2, page, 2, 2), HV_GNTST_general_error);
    GX_EQ(do_transfer(g, 1, 2, page, 2, 3), HV_GNTST_general_error);
    GX_EQ(do_transfer(g, 1, 2, page, 2, 4), HV_GNTST_general_error);
    GX_EQ(do_transfer(g, 1, 2, page, 2, 5), HV_GNTST_general_error);
    GX_EQ(do_transfer(g, 1, 2, theirs, 2, 1), HV_GNTST_bad_page);
    GX_EQ(do_transfer(g, 1, 2, pt, 2, 1), HV_GNTST_bad_page);
    GX_EQ(do_transfer(g, 1, 2, mapped, 2, 1), HV_GNTST_bad_page);
    GX_EQ(do_transfer(g, 1, 2, g->d[1].table[0], 2, 1), HV_GNTST_bad_page);
    GX_EQ(do_transfer(g, 1, 2, 3, 2, 1), HV_GNTST_bad_page);
    GX_EQ(do_transfer(g, 1, 2, GX_FRAMES + 1, 2, 1), HV_GNTST_bad_page);
    gx_same(g, s);

    /* No room in the recipient's reservation. */
    GX_EQ(hv_mm_domain_set_max(&g->mm, &g->d[2].md,
                               hv_mm_domain_tot_pages(&g->mm, &g->d[2].md)),
          HV_OK);
    s = gx_snap(g);
    GX_EQ(do_transfer(g, 1, 2, page, 2, 1), HV_GNTST_general_error);
    gx_same(g, s);
    GX_EQ(hv_mm_domain_set_max(&g->mm, &g->d[2].md, GX_DOM_MAX), HV_OK);

    /* Unmapped, the frame can go. */
    GX_EQ(gx_unmap_op(g, 2, h, 0), HV_GNTST_okay);
    GX_EQ(do_transfer(g, 1, 2, mapped, 2, 1), HV_GNTST_okay);
    GX_EQ(hv_mm_unpin(&g->mm, &g->d[1].md, hv_mfn(pt), &g->flush), HV_OK);

    /* Dying domains neither give nor receive. */
    gx_grant(g, 2, 7, 1, 0, HV_GTF_accept_transfer);
    GX_EQ(hv_gnttab_teardown(gx_gt(g, 1), &g->flush), HV_OK);
    g->d[1].live = false;
    GX_EQ(do_transfer(g, 1, 2, page, 2, 7), HV_GNTST_bad_domain);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_gref_to_own),
        cmocka_unit_test(test_copy_own_to_gref),
        cmocka_unit_test(test_copy_gref_to_gref_and_overlap),
        cmocka_unit_test(test_copy_translated),
        cmocka_unit_test(test_copy_refusals),
        cmocka_unit_test(test_transfer),
        cmocka_unit_test(test_transfer_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
