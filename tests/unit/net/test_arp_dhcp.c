/* The switch's ARP responder, proxy ARP and DHCP server, byte for byte. */
#include "netutil.h"

#define UPLINK 9
#define G(n)   IP4(10, 0, 0, 10 + (n))

static struct fx *setup(bool proxy)
{
    struct hv_vsw_config c = default_config();
    c.proxy_arp = proxy;
    struct fx *x = fx_new(&c);
    for (unsigned int i = 0; i < 4; i++) {
        struct hv_vsw_port_config pc = guest_config(i);
        assert_int_equal(hv_vsw_port_add(x->sw, i, &pc), HV_OK);
    }
    struct hv_vsw_port_config up = uplink_config();
    assert_int_equal(hv_vsw_port_add(x->sw, UPLINK, &up), HV_OK);
    return x;
}

static void test_arp_for_switch(void **state)
{
    (void)state;
    struct fx *x = setup(true);
    struct hv_vsw_mac m0 = mac_of(0);
    const uint8_t z[6] = {0};
    x->pkt[0].len =
        (uint16_t)make_arp(x->buf[0], BCAST, m0.b, -1, 1, m0.b, G(0), z, SW_IP);
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 0);
    assert_int_equal(x->pkt[0].len, 42);
    const uint8_t want[42] = {
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, /* to the requester */
        0x02, 0x00, 0x00, 0x00, 0x00, 0xfe, /* from the switch */
        0x08, 0x06,                         /* ARP */
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, /* Ethernet/IPv4 */
        0x00, 0x02,                         /* reply */
        0x02, 0x00, 0x00, 0x00, 0x00, 0xfe, /* sha: switch */
        10,   0,    0,    1,                /* spa: 10.0.0.1 */
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, /* tha: requester */
        10,   0,    0,    10,               /* tpa: 10.0.0.10 */
    };
    assert_memory_equal(x->buf[0], want, sizeof(want));
    struct hv_vsw_port_stats st;
    hv_vsw_port_stats(x->sw, 0, &st);
    assert_int_equal(st.arp_replies, 1);
    assert_int_equal(st.out_frames, 1);
    fx_free(x);
}

static void test_proxy_arp(void **state)
{
    (void)state;
    struct fx *x = setup(true);
    struct hv_vsw_mac m0 = mac_of(0), m2 = mac_of(2);
    const uint8_t z[6] = {0};
    const uint8_t ext[6] = {0, 0x11, 0x22, 0x33, 0x44, 0x55};
    /* from the uplink, for guest 2: answered with guest 2's MAC */
    x->pkt[0].len = (uint16_t)make_arp(x->buf[0], BCAST, ext, -1, 1, ext,
                                       IP4(10, 0, 0, 200), z, G(2));
    /* for an unknown address: flooded */
    x->pkt[1].len =
        (uint16_t)make_arp(x->buf[1], BCAST, ext, -1, 1, ext,
                           IP4(10, 0, 0, 200), z, IP4(10, 0, 0, 99));
    fx_send(x, UPLINK, 2, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << UPLINK);
    assert_memory_equal(x->buf[0], ext, 6);
    assert_memory_equal(x->buf[0] + 6, m2.b, 6);
    assert_int_equal(get16(x->buf[0] + 20), 2);
    assert_memory_equal(x->buf[0] + 22, m2.b, 6);
    assert_int_equal(get32(x->buf[0] + 28), G(2));
    assert_memory_equal(x->buf[0] + 32, ext, 6);
    assert_int_equal(get32(x->buf[0] + 38), IP4(10, 0, 0, 200));
    assert_int_equal(fx_dest(x, 1), 0x0full);

    /* a probe for its own address (spa 0) is not answered by the switch */
    x->pkt[0].len =
        (uint16_t)make_arp(x->buf[0], BCAST, m0.b, -1, 1, m0.b, 0, z, G(0));
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 0x0eull | 1ull << UPLINK);
    /* ARP replies are forwarded like any unicast */
    x->pkt[0].len = (uint16_t)make_arp(x->buf[0], m2.b, m0.b, -1, 2, m0.b, G(0),
                                       m2.b, G(2));
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 2);
    fx_free(x);

    /* proxy ARP off: guest addresses are flooded, the switch's answered */
    x = setup(false);
    x->pkt[0].len =
        (uint16_t)make_arp(x->buf[0], BCAST, m0.b, -1, 1, m0.b, G(0), z, G(2));
    x->pkt[1].len =
        (uint16_t)make_arp(x->buf[1], BCAST, m0.b, -1, 1, m0.b, G(0), z, SW_IP);
    fx_send(x, 0, 2, 0);
    assert_int_equal(fx_dest(x, 0), 0x0eull | 1ull << UPLINK);
    assert_int_equal(fx_dest(x, 1), 1ull << 0);
    fx_free(x);
}

/* ---- DHCP ------------------------------------------------------------ */

static const uint8_t XID[4] = {0x39, 0x03, 0xf3, 0x26};

/* A client message from guest 0; returns the frame length. */
static size_t make_dhcp(uint8_t *f, uint8_t type, bool bcast_flag,
                        const uint8_t *opts, size_t opts_len)
{
    struct hv_vsw_mac m0 = mac_of(0);
    size_t l3 = put_eth(f, BCAST, m0.b, -1, 0x0800);
    size_t bootp = 240 + 3 + opts_len + 1;
    uint8_t *udp = f + l3 + 20;
    uint8_t *m = udp + 8;
    memset(m, 0, bootp);
    m[0] = 1;
    m[1] = 1;
    m[2] = 6;
    memcpy(m + 4, XID, 4);
    if (bcast_flag)
        m[10] = 0x80;
    memcpy(m + 28, m0.b, 6);
    put32(m + 236, 0x63825363);
    m[240] = 53;
    m[241] = 1;
    m[242] = type;
    if (opts_len)
        memcpy(m + 243, opts, opts_len);
    m[243 + opts_len] = 255;
    put_ip(f + l3, 17, 0, 0xffffffffu, 8 + bootp);
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, (uint16_t)(8 + bootp));
    put16(udp + 6, 0);
    return l3 + 20 + 8 + bootp;
}

struct seg {
    uint16_t off;
    uint8_t len;
    uint8_t b[12];
};

/* Expected reply: zeros, the given segments, then both checksums. */
static void build_expected(uint8_t *e, const struct seg *s, size_t n)
{
    memset(e, 0, 342);
    for (size_t i = 0; i < n; i++)
        memcpy(e + s[i].off, s[i].b, s[i].len);
    put16(e + 24, test_csum(e + 14, 20, 0));
    uint32_t sum = get16(e + 26) + get16(e + 28) + get16(e + 30) +
                   get16(e + 32) + 17 + 308;
    put16(e + 40, test_csum(e + 34, 308, sum));
}

/* The fields every reply shares (Ethernet source, IP, UDP, BOOTP). */
#define COMMON_SEGS                                                            \
    {6, 6, {0x02, 0, 0, 0, 0, 0xfe}}, {12, 2, {0x08, 0x00}},                   \
        {14, 10, {0x45, 0, 0x01, 0x48, 0, 0, 0, 0, 64, 17}},                   \
        {26, 4, {10, 0, 0, 1}}, {34, 6, {0x00, 0x43, 0x00, 0x44, 0x01, 0x34}}, \
        {42, 8, {2, 1, 6, 0, 0x39, 0x03, 0xf3, 0x26}},                         \
        {70, 6, {0x02, 0, 0, 0, 0, 0x00}},                                     \
    {                                                                          \
        278, 4,                                                                \
        {                                                                      \
            0x63, 0x82, 0x53, 0x63                                             \
        }                                                                      \
    }

#define LEASE_SEGS                                                           \
    {291, 6, {51, 4, 0, 0, 0x0e, 0x10}}, {297, 6, {1, 4, 255, 255, 255, 0}}, \
        {303, 6, {3, 4, 10, 0, 0, 1}}, {309, 6, {6, 4, 10, 0, 0, 53}},       \
    {                                                                        \
        315, 1,                                                              \
        {                                                                    \
            255                                                              \
        }                                                                    \
    }

static void test_dhcp_exchange(void **state)
{
    (void)state;
    struct fx *x = setup(true);
    uint8_t e[342];

    /* DISCOVER (unicast replies allowed) -> OFFER to chaddr/yiaddr */
    const uint8_t prl[] = {55, 4, 1, 3, 6, 51};
    x->pkt[0].len = (uint16_t)make_dhcp(x->buf[0], 1, false, prl, sizeof(prl));
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 0);
    assert_int_equal(x->pkt[0].len, 342);
    const struct seg offer[] = {
        COMMON_SEGS,
        {0, 6, {0x02, 0, 0, 0, 0, 0x00}}, /* to the client's MAC */
        {30, 4, {10, 0, 0, 10}},          /* to yiaddr */
        {58, 4, {10, 0, 0, 10}},          /* yiaddr */
        {282, 3, {53, 1, 2}},             /* DHCPOFFER */
        {285, 6, {54, 4, 10, 0, 0, 1}},   /* server id */
        LEASE_SEGS,
    };
    build_expected(e, offer, sizeof(offer) / sizeof(offer[0]));
    assert_memory_equal(x->buf[0], e, 342);
    /* and the frame parses as a valid IPv4/UDP frame */
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why;
    assert_int_equal(hv_vsw_parse(x->buf[0], 342, &h, &why), HV_OK);
    assert_int_equal(test_csum(x->buf[0] + 14, 20, 0), 0);

    /* REQUEST (broadcast flag) for the offered address -> ACK, broadcast */
    const uint8_t req[] = {50, 4, 10, 0, 0, 10, 54, 4, 10, 0, 0, 1};
    x->pkt[0].len = (uint16_t)make_dhcp(x->buf[0], 3, true, req, sizeof(req));
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 0);
    const struct seg ack[] = {
        COMMON_SEGS,
        {0, 6, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
        {30, 4, {255, 255, 255, 255}},
        {52, 2, {0x80, 0x00}}, /* flags echoed */
        {58, 4, {10, 0, 0, 10}},
        {282, 3, {53, 1, 5}}, /* DHCPACK */
        {285, 6, {54, 4, 10, 0, 0, 1}},
        LEASE_SEGS,
    };
    build_expected(e, ack, sizeof(ack) / sizeof(ack[0]));
    assert_memory_equal(x->buf[0], e, 342);

    struct hv_vsw_port_stats st;
    hv_vsw_port_stats(x->sw, 0, &st);
    assert_int_equal(st.dhcp_replies, 2);
    fx_free(x);
}

static void test_dhcp_nak_and_ignore(void **state)
{
    (void)state;
    struct fx *x = setup(true);
    uint8_t e[342];
    /* REQUEST for an address that is not the port's -> NAK */
    const uint8_t req[] = {50, 4, 10, 0, 0, 77};
    x->pkt[0].len = (uint16_t)make_dhcp(x->buf[0], 3, false, req, sizeof(req));
    fx_send(x, 0, 1, 0);
    const struct seg nak[] = {
        COMMON_SEGS,
        {0, 6, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
        {30, 4, {255, 255, 255, 255}},
        {282, 3, {53, 1, 6}},
        {285, 7, {54, 4, 10, 0, 0, 1, 255}},
    };
    build_expected(e, nak, sizeof(nak) / sizeof(nak[0]));
    assert_memory_equal(x->buf[0], e, 342);

    /* REQUEST naming another server: ignored, not an error */
    const uint8_t other[] = {50, 4, 10, 0, 0, 10, 54, 4, 10, 0, 0, 2};
    x->pkt[0].len =
        (uint16_t)make_dhcp(x->buf[0], 3, false, other, sizeof(other));
    /* RELEASE: ignored */
    x->pkt[1].len = (uint16_t)make_dhcp(x->buf[1], 7, false, NULL, 0);
    fx_send(x, 0, 2, 0);
    assert_int_equal(x->b.out_count, 0);
    struct hv_vsw_port_stats st;
    hv_vsw_port_stats(x->sw, 0, &st);
    for (int i = 0; i < HV_VSW_DROP_COUNT; i++)
        assert_int_equal(st.drops[i], 0);
    assert_int_equal(st.dhcp_replies, 1);
    fx_free(x);
}

static void test_dhcp_refusals(void **state)
{
    (void)state;
    struct fx *x = setup(true);
    /* an option whose length runs past the message */
    x->pkt[0].len = (uint16_t)make_dhcp(x->buf[0], 1, false,
                                        (const uint8_t[]){12, 40, 'h'}, 3);
    /* no message type at all (plain BOOTP): make one then erase it */
    x->pkt[1].len = (uint16_t)make_dhcp(x->buf[1], 1, false, NULL, 0);
    x->buf[1][42 + 240] = 0; /* 53 -> pad */
    x->buf[1][42 + 241] = 0;
    x->buf[1][42 + 242] = 0;
    /* bad magic cookie */
    x->pkt[2].len = (uint16_t)make_dhcp(x->buf[2], 1, false, NULL, 0);
    x->buf[2][42 + 236] = 0;
    /* chaddr of someone else */
    x->pkt[3].len = (uint16_t)make_dhcp(x->buf[3], 1, false, NULL, 0);
    x->buf[3][42 + 28 + 5] = 9;
    /* a message type option with the wrong length */
    x->pkt[4].len = (uint16_t)make_dhcp(x->buf[4], 1, false, NULL, 0);
    x->buf[4][42 + 241] = 2;
    /* truncated BOOTP (UDP length says 8 + 100) */
    x->pkt[5].len = (uint16_t)make_dhcp(x->buf[5], 1, false, NULL, 0);
    put16(x->buf[5] + 38, 108);
    /* a buffer too small for the reply */
    x->pkt[6].len = (uint16_t)make_dhcp(x->buf[6], 1, false, NULL, 0);
    x->pkt[6].cap = 300;
    fx_send(x, 0, 7, 0);
    assert_int_equal(x->b.out_count, 0);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_BAD_LEN), 5);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_SPOOF_MAC), 1);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_NO_ROOM), 1);
    fx_free(x);
}

static void test_dhcp_renew_and_other_servers(void **state)
{
    (void)state;
    struct fx *x = setup(true);
    /* a renewing client unicasts a REQUEST (ciaddr set, no option 50)
     * from its address to the switch's: ACK, unicast */
    const uint8_t none[1] = {0};
    x->pkt[0].len = (uint16_t)make_dhcp(x->buf[0], 3, false, none, 0);
    uint8_t *f = x->buf[0];
    struct hv_vsw_mac swm = mac_of(SW_MACB);
    memcpy(f, swm.b, 6);
    put_ip(f + 14, 17, G(0), SW_IP, x->pkt[0].len - 34u);
    put32(f + 42 + 12, G(0)); /* ciaddr */
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 0);
    assert_int_equal(f[42 + 240 + 2], 5);       /* DHCPACK */
    assert_int_equal(get32(f + 42 + 12), G(0)); /* ciaddr echoed */
    assert_int_equal(get32(f + 30), G(0));      /* unicast */
    assert_memory_equal(f, mac_of(0).b, 6);
    /* UDP to port 67 of some other host is not for us: forwarded */
    x->pkt[0].len = (uint16_t)make_dhcp(x->buf[0], 1, false, none, 0);
    memcpy(f, mac_of(1).b, 6);
    put_ip(f + 14, 17, G(0), IP4(10, 0, 0, 11), x->pkt[0].len - 34u);
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1);
    fx_free(x);
}

static void test_dhcp_not_served(void **state)
{
    (void)state;
    /* DHCP off: the DISCOVER floods to whoever serves it */
    struct hv_vsw_config c = default_config();
    c.dhcp = false;
    struct fx *x = fx_new(&c);
    struct hv_vsw_port_config pc = guest_config(0);
    assert_int_equal(hv_vsw_port_add(x->sw, 0, &pc), HV_OK);
    struct hv_vsw_port_config up = uplink_config();
    assert_int_equal(hv_vsw_port_add(x->sw, UPLINK, &up), HV_OK);
    x->pkt[0].len = (uint16_t)make_dhcp(x->buf[0], 1, false, NULL, 0);
    uint8_t copy[BUF_CAP];
    memcpy(copy, x->buf[0], x->pkt[0].len);
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << UPLINK);
    assert_memory_equal(x->buf[0], copy, x->pkt[0].len);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arp_for_switch),
        cmocka_unit_test(test_proxy_arp),
        cmocka_unit_test(test_dhcp_exchange),
        cmocka_unit_test(test_dhcp_nak_and_ignore),
        cmocka_unit_test(test_dhcp_refusals),
        cmocka_unit_test(test_dhcp_renew_and_other_servers),
        cmocka_unit_test(test_dhcp_not_served),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
