/* The netback: netfront-style rings into the switch and back. */
#include "netutil.h"

#include <hv/vsw_netif.h>

#define GPAGES 8

struct guest {
    uint8_t *pages;    /* GPAGES granted pages; gref = page index */
    uint8_t *ring_mem; /* two ring pages: tx, rx */
    struct hv_vsw_ring_plain plain;
    struct hv_vsw_ring_front tx_f, rx_f;
    struct hv_vsw_ring_back tx_b, rx_b;
    struct hv_vsw_netback nb;
    int fail_gref; /* copies on this gref fail */
};

static int g_copy_from(void *ctx, uint32_t gref, uint16_t off, void *dst,
                       uint16_t len)
{
    struct guest *g = ctx;
    if (gref >= GPAGES || (int)gref == g->fail_gref)
        return HV_EACCES;
    assert_true((size_t)off + len <= HV_PAGE_SIZE);
    memcpy(dst, g->pages + gref * HV_PAGE_SIZE + off, len);
    return 0;
}

static int g_copy_to(void *ctx, uint32_t gref, uint16_t off, const void *src,
                     uint16_t len)
{
    struct guest *g = ctx;
    if (gref >= GPAGES || (int)gref == g->fail_gref)
        return HV_EACCES;
    assert_true((size_t)off + len <= HV_PAGE_SIZE);
    memcpy(g->pages + gref * HV_PAGE_SIZE + off, src, len);
    return 0;
}

static const struct hv_vsw_grant_ops gops = {g_copy_from, g_copy_to};

static struct guest *guest_new(void)
{
    struct guest *g = calloc(1, sizeof(*g));
    g->pages = aligned_alloc(HV_PAGE_SIZE, GPAGES * HV_PAGE_SIZE);
    g->ring_mem = aligned_alloc(HV_PAGE_SIZE, 2 * HV_PAGE_SIZE);
    memset(g->pages, 0, GPAGES * HV_PAGE_SIZE);
    g->fail_gref = -1;
    g->plain.base = g->ring_mem;
    g->plain.page_count = 2;
    assert_int_equal(hv_vsw_ring_front_init(&g->tx_f, g->ring_mem, HV_PAGE_SIZE,
                                            HV_VSW_NETIF_TX_SLOT),
                     HV_OK);
    assert_int_equal(hv_vsw_ring_front_init(&g->rx_f,
                                            g->ring_mem + HV_PAGE_SIZE,
                                            HV_PAGE_SIZE, HV_VSW_NETIF_RX_SLOT),
                     HV_OK);
    uint32_t r0 = 0, r1 = 1;
    assert_int_equal(hv_vsw_ring_back_attach(&g->tx_b, &hv_vsw_ring_plain_ops,
                                             &g->plain, &r0, 1,
                                             HV_VSW_NETIF_TX_SLOT),
                     HV_OK);
    assert_int_equal(hv_vsw_ring_back_attach(&g->rx_b, &hv_vsw_ring_plain_ops,
                                             &g->plain, &r1, 1,
                                             HV_VSW_NETIF_RX_SLOT),
                     HV_OK);
    assert_int_equal(hv_vsw_netback_init(&g->nb, &g->tx_b, &g->rx_b, &gops, g),
                     HV_OK);
    return g;
}

static void guest_free(struct guest *g)
{
    free(g->pages);
    free(g->ring_mem);
    free(g);
}

static void post_tx(struct guest *g, uint32_t gref, uint16_t off,
                    uint16_t flags, uint16_t id, uint16_t size)
{
    union {
        struct hv_netif_tx_request r;
        uint8_t slot[HV_VSW_NETIF_TX_SLOT];
    } u = {{gref, off, flags, id, size}};
    assert_int_equal(hv_vsw_ring_put_request(&g->tx_f, &u), HV_OK);
}

static void push_tx(struct guest *g)
{
    bool notify;
    assert_int_equal(hv_vsw_ring_push_requests(&g->tx_f, &notify), HV_OK);
}

static struct hv_netif_tx_response get_tx_rsp(struct guest *g)
{
    union {
        struct hv_netif_tx_response r;
        uint8_t slot[HV_VSW_NETIF_TX_SLOT];
    } u;
    assert_int_equal(hv_vsw_ring_get_response(&g->tx_f, &u), 1);
    return u.r;
}

static void test_init_refusals(void **state)
{
    (void)state;
    struct guest *g = guest_new();
    struct hv_vsw_netback nb;
    assert_int_equal(hv_vsw_netback_init(&nb, NULL, &g->rx_b, &gops, g),
                     HV_EINVAL);
    assert_int_equal(hv_vsw_netback_init(&nb, &g->rx_b, &g->tx_b, &gops, g),
                     HV_EINVAL); /* swapped: wrong slot sizes */
    const struct hv_vsw_grant_ops half = {g_copy_from, NULL};
    assert_int_equal(hv_vsw_netback_init(&nb, &g->tx_b, &g->rx_b, &half, g),
                     HV_EINVAL);
    guest_free(g);
}

static void test_tx_frames_and_refusals(void **state)
{
    (void)state;
    struct guest *g = guest_new();
    /* a good 60-byte frame at offset 100 of page 2 */
    make_raw(g->pages + 2 * HV_PAGE_SIZE + 100, BCAST, mac_of(0).b, -1, 0x88b5,
             60);
    post_tx(g, 2, 100, 0, 11, 60);
    post_tx(g, 2, 4090, 0, 12, 60); /* runs off the page */
    post_tx(g, 2, 0, 0, 13, 13);    /* too short */
    post_tx(g, 2, 0, 0, 14, 1519);  /* too long */
    post_tx(g, 99, 0, 0, 15, 60);   /* a grant the copier refuses */
    /* a two-slot frame: both slots refused */
    post_tx(g, 2, 0, HV_NETTXF_MORE_DATA, 16, 100);
    post_tx(g, 3, 0, 0, 17, 40);
    /* a frame with an extra-info slot (GSO) chained to a second one */
    post_tx(g, 2, 0, HV_NETTXF_EXTRA_INFO, 18, 60);
    post_tx(g, HV_NETIF_EXTRA_FLAG_MORE << 8 | 1, 0, 0, 0, 0);
    post_tx(g, 1, 0, 0, 0, 0); /* type 1, flags 0: the last extra */
    /* another good frame */
    post_tx(g, 2, 100, HV_NETTXF_DATA_VALIDATED, 19, 60);
    push_tx(g);

    struct fx *x;
    struct hv_vsw_config c = default_config();
    x = fx_new(&c);
    bool notify;
    int n = hv_vsw_netback_tx(&g->nb, x->pkt, 16, &notify);
    assert_int_equal(n, 2);
    assert_true(notify);
    assert_int_equal(x->pkt[0].len, 60);
    assert_memory_equal(x->pkt[0].data, g->pages + 2 * HV_PAGE_SIZE + 100, 60);
    /* the guest rewriting its page now changes nothing we hold */
    memset(g->pages + 2 * HV_PAGE_SIZE + 100, 0x55, 60);
    assert_memory_equal(x->pkt[0].data, BCAST, 6);

    const struct {
        uint16_t id;
        int16_t status;
    } want[] = {{11, 0},  {12, -1}, {13, -1}, {14, -1}, {15, -1}, {16, -1},
                {17, -1}, {18, -1}, {0, 1},   {0, 1},   {19, 0}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct hv_netif_tx_response r = get_tx_rsp(g);
        assert_int_equal(r.id, want[i].id);
        assert_int_equal(r.status, want[i].status);
    }
    assert_int_equal(g->nb.stats.tx_frames, 2);
    assert_int_equal(g->nb.stats.tx_errors, 6);
    /* nothing left: the backend re-armed its event */
    assert_int_equal(hv_vsw_netback_tx(&g->nb, x->pkt, 16, &notify), 0);
    assert_int_equal(g->tx_f.s->req_event, 12);
    fx_free(x);
    guest_free(g);
}

static void test_tx_buffer_too_small_and_max(void **state)
{
    (void)state;
    struct guest *g = guest_new();
    make_raw(g->pages, BCAST, mac_of(0).b, -1, 0x88b5, 300);
    post_tx(g, 0, 0, 0, 0, 300); /* larger than the caller's buffers */
    for (uint16_t i = 1; i < 5; i++)
        post_tx(g, 0, 0, 0, i, 200);
    push_tx(g);
    uint8_t big[3][256];
    struct hv_vsw_pkt p[3] = {
        {big[0], 0, 256}, {big[1], 0, 256}, {big[2], 0, 256}};
    bool notify;
    /* max 2: the refused one takes no pkts slot */
    assert_int_equal(hv_vsw_netback_tx(&g->nb, p, 2, &notify), 2);
    assert_int_equal(get_tx_rsp(g).status, HV_NETIF_RSP_ERROR);
    assert_int_equal(get_tx_rsp(g).status, HV_NETIF_RSP_OKAY);
    assert_int_equal(get_tx_rsp(g).status, HV_NETIF_RSP_OKAY);
    assert_int_equal(p[1].len, 200);
    /* the rest on the next call */
    assert_int_equal(hv_vsw_netback_tx(&g->nb, p, 3, &notify), 2);
    assert_int_equal(get_tx_rsp(g).id, 3);
    assert_int_equal(get_tx_rsp(g).id, 4);
    guest_free(g);
}

static void test_tx_hostile_ring(void **state)
{
    (void)state;
    struct guest *g = guest_new();
    g->tx_f.s->req_prod = 5000;
    uint8_t b[64];
    struct hv_vsw_pkt p = {b, 0, sizeof(b)};
    bool notify;
    assert_int_equal(hv_vsw_netback_tx(&g->nb, &p, 1, &notify), HV_EIO);
    assert_int_equal(hv_vsw_netback_tx(&g->nb, &p, 1, &notify), HV_EIO);
    guest_free(g);
}

static void post_rx(struct guest *g, uint16_t id, uint32_t gref)
{
    union {
        struct hv_netif_rx_request r;
        uint8_t slot[HV_VSW_NETIF_RX_SLOT];
    } u = {{id, 0, gref}};
    assert_int_equal(hv_vsw_ring_put_request(&g->rx_f, &u), HV_OK);
}

static void test_rx_through_switch(void **state)
{
    (void)state;
    struct guest *g = guest_new();
    struct hv_vsw_config c = default_config();
    struct fx *x = fx_new(&c);
    struct hv_vsw_port_config pc = guest_config(0);
    assert_int_equal(hv_vsw_port_add(x->sw, 0, &pc), HV_OK);
    pc = uplink_config();
    pc.vlan_mode = HV_VSW_VLAN_TRUNK;
    pc.pvid = 0;
    assert_int_equal(hv_vsw_port_add(x->sw, 1, &pc), HV_OK);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 1, 1, true), HV_OK);
    /* three tagged frames from the trunk for guest 0 */
    const uint8_t ext[6] = {0, 0x11, 0x22, 0x33, 0x44, 0x55};
    for (int i = 0; i < 3; i++)
        x->pkt[i].len = (uint16_t)make_l4(x->buf[i], mac_of(0).b, ext, 1, 17,
                                          IP4(8, 8, 8, 8), IP4(10, 0, 0, 10), 7,
                                          (uint16_t)(100 + i), 10);
    fx_send(x, 1, 3, 0);
    assert_int_equal(fx_count(x, 0), 3);
    /* the guest posted two buffers, one of them with a bad grant */
    post_rx(g, 40, 5);
    post_rx(g, 41, 6);
    bool notify;
    assert_int_equal(hv_vsw_ring_push_requests(&g->rx_f, &notify), HV_OK);
    g->fail_gref = 6;
    const struct hv_vsw_out *o = &x->out[x->b.port_first[0]];
    assert_int_equal(hv_vsw_netback_rx(&g->nb, x->pkt, o, 3, &notify), 1);
    assert_true(notify);
    assert_int_equal(g->nb.stats.rx_frames, 1);
    assert_int_equal(g->nb.stats.rx_errors, 1);
    assert_int_equal(g->nb.stats.rx_no_buffer, 1);
    union {
        struct hv_netif_rx_response r;
        uint8_t slot[HV_VSW_NETIF_RX_SLOT];
    } u;
    assert_int_equal(hv_vsw_ring_get_response(&g->rx_f, &u), 1);
    assert_int_equal(u.r.id, 40);
    assert_int_equal(u.r.status, x->pkt[0].len - 4); /* untagged on port 0 */
    assert_int_equal(u.r.offset, 0);
    const uint8_t *page = g->pages + 5 * HV_PAGE_SIZE;
    assert_memory_equal(page, x->buf[0], 12);
    assert_memory_equal(page + 12, x->buf[0] + 16, x->pkt[0].len - 16u);
    assert_int_equal(hv_vsw_ring_get_response(&g->rx_f, &u), 1);
    assert_int_equal(u.r.id, 41);
    assert_int_equal(u.r.status, HV_NETIF_RSP_ERROR);
    assert_int_equal(hv_vsw_ring_get_response(&g->rx_f, &u), 0);
    fx_free(x);
    guest_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_refusals),
        cmocka_unit_test(test_tx_frames_and_refusals),
        cmocka_unit_test(test_tx_buffer_too_small_and_max),
        cmocka_unit_test(test_tx_hostile_ring),
        cmocka_unit_test(test_rx_through_switch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
