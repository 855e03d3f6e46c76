/*
 * libFuzzer target: a hostile netfront. The input is written as is over
 * the tx and rx ring pages (indices and slots: any request content, any
 * index), then the netback drains tx into the switch and delivers the
 * switch's output for the port back through rx. Guest pages are 4 pages
 * whose content is also taken from the input. ASan checks every copy stays
 * inside its page and buffer.
 */
#include <hv/vsw_netif.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GPAGES 4

static uint8_t *gpages;

static int copy_from(void *ctx, uint32_t gref, uint16_t off, void *dst,
                     uint16_t len)
{
    (void)ctx;
    if (gref >= GPAGES || (size_t)off + len > HV_PAGE_SIZE)
        abort(); /* the netback promised in-page copies */
    memcpy(dst, gpages + gref * HV_PAGE_SIZE + off, len);
    return 0;
}

static int copy_to(void *ctx, uint32_t gref, uint16_t off, const void *src,
                   uint16_t len)
{
    (void)ctx;
    if ((size_t)off + len > HV_PAGE_SIZE)
        abort();
    if (gref >= GPAGES)
        return HV_EACCES;
    memcpy(gpages + gref * HV_PAGE_SIZE + off, src, len);
    return 0;
}

static int copy_from_checked(void *ctx, uint32_t gref, uint16_t off, void *dst,
                             uint16_t len)
{
    if (gref >= GPAGES)
        return HV_EACCES;
    return copy_from(ctx, gref, off, dst, len);
}

static const struct hv_vsw_grant_ops ops = {copy_from_checked, copy_to};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hv_vsw *sw;
    static uint8_t *rings;
    if (sw == NULL) {
        sw = calloc(1, sizeof(*sw));
        struct hv_vsw_config c = {.mac = {{2, 0, 0, 0, 0, 0xfe}},
                                  .ipv4 = 0x0a000001,
                                  .netmask = 0xffffff00,
                                  .lease_secs = 600,
                                  .fdb_capacity = 64,
                                  .fdb_ageing = HV_SEC(60),
                                  .dhcp = true,
                                  .proxy_arp = true};
        hv_vsw_init(sw, &c);
        struct hv_vsw_port_config pc = {.kind = HV_VSW_PORT_GUEST,
                                        .pvid = 1,
                                        .mac = {{2, 0, 0, 0, 0, 1}},
                                        .ipv4_count = 1,
                                        .ipv4 = {0x0a00000a}};
        hv_vsw_port_add(sw, 0, &pc);
        gpages = aligned_alloc(HV_PAGE_SIZE, GPAGES * HV_PAGE_SIZE);
        rings = aligned_alloc(HV_PAGE_SIZE, 2 * HV_PAGE_SIZE);
    }
    /* the guest's view: input over ring pages, then over data pages */
    memset(rings, 0, 2 * HV_PAGE_SIZE);
    memset(gpages, 0, GPAGES * HV_PAGE_SIZE);
    size_t n = HV_MIN(size, (size_t)2 * HV_PAGE_SIZE);
    memcpy(rings, data, n);
    if (size > n)
        memcpy(gpages, data + n,
               HV_MIN(size - n, (size_t)GPAGES * HV_PAGE_SIZE));

    struct hv_vsw_ring_plain pl = {rings, 2};
    struct hv_vsw_ring_back tx, rx;
    uint32_t r0 = 0, r1 = 1;
    if (hv_vsw_ring_back_attach(&tx, &hv_vsw_ring_plain_ops, &pl, &r0, 1,
                                HV_VSW_NETIF_TX_SLOT) != HV_OK ||
        hv_vsw_ring_back_attach(&rx, &hv_vsw_ring_plain_ops, &pl, &r1, 1,
                                HV_VSW_NETIF_RX_SLOT) != HV_OK)
        abort();
    struct hv_vsw_netback nb;
    if (hv_vsw_netback_init(&nb, &tx, &rx, &ops, NULL) != HV_OK)
        abort();

    static uint8_t bufs[32][2048];
    struct hv_vsw_pkt pkts[32];
    for (int i = 0; i < 32; i++)
        pkts[i] = (struct hv_vsw_pkt){bufs[i], 0, 2048};
    bool notify;
    int got = hv_vsw_netback_tx(&nb, pkts, 32, &notify);
    if (got < 0 && got != HV_EIO)
        abort();
    if (got > 0) {
        static struct hv_vsw_out out[32 * HV_VSW_MAX_PORTS];
        struct hv_vsw_burst b = {.out = out, .out_cap = 32 * HV_VSW_MAX_PORTS};
        if (hv_vsw_input(sw, 0, pkts, (unsigned)got, HV_SEC(1), &b) != HV_OK)
            abort();
        uint32_t first = b.port_first[0], cnt = b.port_first[1] - first;
        int d = hv_vsw_netback_rx(&nb, pkts, out + first, cnt, &notify);
        if (d < 0 && d != HV_EIO)
            abort();
        if (d > (int)cnt)
            abort();
    }
    hv_vsw_ring_back_detach(&tx);
    hv_vsw_ring_back_detach(&rx);
    return 0;
}
