/*
 * libhv-gnttab: the grant_table_op decoder. Batches with per-element
 * statuses, domain resolution through the resolver (references balanced,
 * refusals mapped to GNTST_bad_domain), the single-element commands, and
 * the refused ones.
 */
#include "gx_snap.h"

struct res {
    struct gx *g;
    int gets, puts;
    hv_domid_t deny; /* answered HV_EPERM */
};

static int res_get(void *ctx, struct hv_gnttab *caller, unsigned int cmd,
                   hv_domid_t domid, struct hv_gnttab **out)
{
    struct res *r = ctx;

    (void)cmd;
    GX_ASSERT(domid != HV_DOMID_SELF && domid != caller->cfg.domid);
    if (domid == r->deny)
        return HV_EPERM;
    if (domid < 1 || domid > r->g->ndoms)
        return HV_ESRCH;
    r->gets++;
    *out = &r->g->d[domid].gt;
    return HV_OK;
}

static void res_put(void *ctx, struct hv_gnttab *gt)
{
    struct res *r = ctx;

    (void)gt;
    r->puts++;
}

static void test_op_map_unmap_batch(void **state)
{
    struct gx *g = gx_new(3, 0);
    struct res rs = {g, 0, 0, 3};
    struct hv_gnttab_resolver r = {res_get, res_put, &rs};
    uint64_t p1 = gx_alloc(g, 1), p2 = gx_alloc(g, 2);
    struct hv_gnttab_map_grant_ref m[5];
    struct hv_gnttab_unmap_grant_ref u[3];
    unsigned int done = 99;

    (void)state;
    gx_grant(g, 1, 1, 2, p1, HV_GTF_permit_access);
    gx_grant(g, 2, 1, 2, p2, HV_GTF_permit_access);
    memset(m, 0, sizeof(m));
    m[0].flags = HV_GNTMAP_host_map;
    m[0].ref = 1;
    m[0].dom = 1; /* resolved */
    m[1] = m[0];
    m[1].dom = HV_DOMID_SELF; /* d2's own grant */
    m[2] = m[0];
    m[2].dom = 3; /* denied by policy */
    m[3] = m[0];
    m[3].dom = 77; /* no such domain */
    m[4] = m[0];
    m[4].ref = 600; /* bad ref: the batch goes on past it */
    GX_EQ(hv_gnttab_op(gx_gt(g, 2), HV_GNTTABOP_map_grant_ref, m, 5, &r, &done,
                       &g->flush),
          HV_OK);
    GX_EQ(done, 5);
    GX_EQ(m[0].status, HV_GNTST_okay);
    GX_EQ(m[0].dev_bus_addr, p1 << 12);
    GX_EQ(m[1].status, HV_GNTST_okay);
    GX_EQ(m[1].dev_bus_addr, p2 << 12);
    GX_EQ(m[2].status, HV_GNTST_bad_domain);
    GX_EQ(m[3].status, HV_GNTST_bad_domain);
    GX_EQ(m[4].status, HV_GNTST_bad_gntref);
    GX_EQ(rs.gets, rs.puts);
    GX_EQ(rs.gets, 2);
    gx_check(g);

    memset(u, 0, sizeof(u));
    u[0].handle = m[0].handle;
    u[1].handle = m[1].handle;
    u[2].handle = m[1].handle; /* twice in one batch */
    GX_EQ(hv_gnttab_op(gx_gt(g, 2), HV_GNTTABOP_unmap_grant_ref, u, 3, &r,
                       &done, &g->flush),
          HV_OK);
    GX_EQ(done, 3);
    GX_EQ(u[0].status, HV_GNTST_okay);
    GX_EQ(u[1].status, HV_GNTST_okay);
    GX_EQ(u[2].status, HV_GNTST_bad_handle);
    GX_EQ(hv_gnttab_mapping_count(gx_gt(g, 2)), 0);

    /* Without a resolver only the caller itself can be named. */
    m[0].status = 5;
    GX_EQ(hv_gnttab_op(gx_gt(g, 2), HV_GNTTABOP_map_grant_ref, m, 1, NULL,
                       &done, &g->flush),
          HV_OK);
    GX_EQ(m[0].status, HV_GNTST_bad_domain);
    gx_free(g);
}

static void test_op_copy_transfer(void **state)
{
    struct gx *g = gx_new(3, 0);
    struct res rs = {g, 0, 0, 0};
    struct hv_gnttab_resolver r = {res_get, res_put, &rs};
    uint64_t a = gx_alloc(g, 1), own = gx_alloc(g, 2), give = gx_alloc(g, 2);
    struct hv_gnttab_copy c[2];
    struct hv_gnttab_transfer t[3];
    unsigned int done;

    (void)state;
    memset(gx_mem[a], 0x11, HV_PAGE_SIZE);
    memset(gx_mem[own], 0, HV_PAGE_SIZE);
    gx_grant(g, 1, 1, 2, a, HV_GTF_permit_access);
    memset(c, 0, sizeof(c));
    c[0].flags = HV_GNTCOPY_source_gref;
    c[0].source.u.ref = 1;
    c[0].source.domid = 1;
    c[0].dest.u.gmfn = own;
    c[0].dest.domid = HV_DOMID_SELF;
    c[0].len = 100;
    c[1] = c[0];
    c[1].source.domid = 9; /* unknown */
    GX_EQ(
        hv_gnttab_op(gx_gt(g, 2), HV_GNTTABOP_copy, c, 2, &r, &done, &g->flush),
        HV_OK);
    GX_EQ(c[0].status, HV_GNTST_okay);
    GX_EQ(gx_mem[own][99], 0x11);
    GX_EQ(gx_mem[own][100], 0);
    GX_EQ(c[1].status, HV_GNTST_bad_domain);

    gx_grant(g, 3, 4, 2, 0, HV_GTF_accept_transfer);
    memset(t, 0, sizeof(t));
    t[0].mfn = give;
    t[0].domid = 3;
    t[0].ref = 4;
    t[1] = t[0];
    t[1].domid = HV_DOMID_SELF; /* to oneself */
    t[2] = t[0];
    t[2].domid = 2;
    GX_EQ(hv_gnttab_op(gx_gt(g, 2), HV_GNTTABOP_transfer, t, 3, &r, &done,
                       &g->flush),
          HV_OK);
    GX_EQ(t[0].status, HV_GNTST_okay);
    GX_EQ(t[1].status, HV_GNTST_bad_domain);
    GX_EQ(t[2].status, HV_GNTST_bad_domain);
    GX_EQ(gx_info(g, gx_entry(g, 3, 4)->frame).owner, 3);
    GX_EQ(rs.gets, rs.puts);
    gx_free(g);
}

static void test_op_single_commands(void **state)
{
    struct gx *g = gx_new(2, 0);
    struct res rs = {g, 0, 0, 0};
    struct hv_gnttab_resolver r = {res_get, res_put, &rs};
    struct hv_gnttab_query_size q[2];
    struct hv_gnttab_set_version sv;
    struct hv_gnttab_get_version gv;
    unsigned int done;
    uint8_t junk[64];

    (void)state;
    memset(q, 0, sizeof(q));
    q[0].dom = HV_DOMID_SELF;
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_query_size, q, 1, &r, &done,
                       &g->flush),
          HV_OK);
    GX_EQ(q[0].status, HV_GNTST_okay);
    GX_EQ(q[0].nr_frames, 1);
    GX_EQ(q[0].max_nr_frames, GX_MAX_FRAMES);
    q[0].dom = 2;
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_query_size, q, 1, &r, &done,
                       &g->flush),
          HV_OK);
    GX_EQ(q[0].status, HV_GNTST_okay);
    GX_EQ(q[0].dom, 2);
    q[0].dom = 50;
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_query_size, q, 1, &r, &done,
                       &g->flush),
          HV_OK);
    GX_EQ(q[0].status, HV_GNTST_bad_domain);
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_query_size, q, 2, &r, &done,
                       &g->flush),
          HV_EINVAL);

    sv.version = 2;
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_set_version, &sv, 1, &r, &done,
                       &g->flush),
          HV_EOPNOTSUPP);
    GX_EQ(sv.version, 1);
    sv.version = 1;
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_set_version, &sv, 1, &r, &done,
                       &g->flush),
          HV_OK);
    gv.dom = 2;
    gv.version = 0;
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_get_version, &gv, 1, &r, &done,
                       &g->flush),
          HV_OK);
    GX_EQ(gv.version, 1);
    gv.dom = 60;
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_get_version, &gv, 1, &r, &done,
                       &g->flush),
          HV_ESRCH);
    GX_EQ(rs.gets, rs.puts);

    /* Refused commands and arguments. */
    memset(junk, 0, sizeof(junk));
    for (unsigned int cmd = HV_GNTTABOP_setup_table; cmd <= 20; cmd++) {
        if (cmd == HV_GNTTABOP_transfer || cmd == HV_GNTTABOP_copy ||
            cmd == HV_GNTTABOP_query_size || cmd == HV_GNTTABOP_set_version ||
            cmd == HV_GNTTABOP_get_version)
            continue;
        done = 7;
        GX_EQ(hv_gnttab_op(gx_gt(g, 1), cmd, junk, 1, &r, &done, &g->flush),
              HV_ENOSYS);
        GX_EQ(done, 0);
    }
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_map_grant_ref, NULL, 1, &r,
                       &done, &g->flush),
          HV_EFAULT);
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_map_grant_ref, junk, 0, &r,
                       &done, &g->flush),
          HV_EINVAL);
    GX_EQ(hv_gnttab_op(gx_gt(g, 1), HV_GNTTABOP_map_grant_ref, junk,
                       HV_GNTTAB_OP_MAX_BATCH + 1, &r, &done, &g->flush),
          HV_EINVAL);
    GX_EQ(hv_gnttab_op(NULL, HV_GNTTABOP_map_grant_ref, junk, 1, &r, &done,
                       &g->flush),
          HV_EINVAL);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_op_map_unmap_batch),
        cmocka_unit_test(test_op_copy_transfer),
        cmocka_unit_test(test_op_single_commands),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
