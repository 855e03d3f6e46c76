/* Frame parser: every accepted shape and every refusal, by reason. */
#include "netutil.h"

static const uint8_t A[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t B[6] = {2, 0, 0, 0, 0, 2};

static int parse(const uint8_t *f, size_t len, struct hv_vsw_hdr *h,
                 enum hv_vsw_drop *why)
{
    return hv_vsw_parse(f, len, h, why);
}

static void expect_bad(const uint8_t *f, size_t len, int rc,
                       enum hv_vsw_drop reason)
{
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why = HV_VSW_DROP_COUNT;
    assert_int_equal(parse(f, len, &h, &why), rc);
    assert_int_equal(why, reason);
}

static void test_udp_untagged(void **state)
{
    (void)state;
    uint8_t f[128];
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why;
    size_t n =
        make_udp(f, B, A, IP4(10, 0, 0, 11), IP4(10, 0, 0, 12), 1234, 53);
    assert_int_equal(n, 14 + 20 + 8 + 18);
    assert_int_equal(parse(f, n, &h, &why), HV_OK);
    assert_int_equal(h.l3, 14);
    assert_int_equal(h.l4, 34);
    assert_int_equal(h.tagged, 0);
    assert_int_equal(h.l3_kind, HV_VSW_L3_IPV4);
    assert_int_equal(h.ip_proto, 17);
    assert_int_equal(h.src_ip, IP4(10, 0, 0, 11));
    assert_int_equal(h.dst_ip, IP4(10, 0, 0, 12));
    assert_int_equal(h.sport, 1234);
    assert_int_equal(h.dport, 53);
    assert_int_equal(h.has_ports, 1);
    assert_int_equal(h.ip_len, 46);
    /* Ethernet padding after the IP datagram is fine */
    assert_int_equal(parse(f, n + 10, &h, &why), HV_OK);
}

static void test_tcp_tagged(void **state)
{
    (void)state;
    uint8_t f[128];
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why;
    size_t n =
        make_l4(f, B, A, 42, 6, IP4(1, 2, 3, 4), IP4(5, 6, 7, 8), 80, 4000, 0);
    assert_int_equal(parse(f, n, &h, &why), HV_OK);
    assert_int_equal(h.tagged, 1);
    assert_int_equal(h.vid, 42);
    assert_int_equal(h.l3, 18);
    assert_int_equal(h.l4, 38);
    assert_int_equal(h.ethertype, 0x0800);
    assert_int_equal(h.sport, 80);
    assert_int_equal(h.dport, 4000);
}

static void test_arp_and_other(void **state)
{
    (void)state;
    uint8_t f[128];
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why;
    size_t n =
        make_arp(f, BCAST, A, -1, 1, A, IP4(10, 0, 0, 11), B, IP4(10, 0, 0, 1));
    assert_int_equal(parse(f, n, &h, &why), HV_OK);
    assert_int_equal(h.l3_kind, HV_VSW_L3_ARP);
    assert_int_equal(h.arp_op, 1);
    assert_int_equal(h.src_ip, IP4(10, 0, 0, 11));
    assert_int_equal(h.dst_ip, IP4(10, 0, 0, 1));
    n = make_raw(f, B, A, -1, 0x86dd, 60);
    assert_int_equal(parse(f, n, &h, &why), HV_OK);
    assert_int_equal(h.l3_kind, HV_VSW_L3_OTHER);
    assert_int_equal(h.ethertype, 0x86dd);
}

static void test_lengths(void **state)
{
    (void)state;
    static uint8_t f[2000];
    make_raw(f, B, A, -1, 0x88b5, 1514);
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why;
    assert_int_equal(parse(f, 1514, &h, &why), HV_OK);
    expect_bad(f, 1515, HV_E2BIG, HV_VSW_DROP_OVERSIZE);
    make_raw(f, B, A, 5, 0x88b5, 1518);
    assert_int_equal(parse(f, 1518, &h, &why), HV_OK);
    expect_bad(f, 1519, HV_E2BIG, HV_VSW_DROP_OVERSIZE);
    expect_bad(f, 13, HV_EBADMSG, HV_VSW_DROP_TRUNCATED);
    expect_bad(f, 0, HV_EBADMSG, HV_VSW_DROP_TRUNCATED);
    expect_bad(f, 17, HV_EBADMSG, HV_VSW_DROP_TRUNCATED);
}

static void test_bad_vlan(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = make_raw(f, B, A, 4095, 0x88b5, 64);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_VLAN);
    n = make_raw(f, B, A, 7, 0x8100, 64); /* double tag */
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_VLAN);
    n = make_raw(f, B, A, 7, 0x88a8, 64);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_VLAN);
    n = make_raw(f, B, A, -1, 0x88a8, 64); /* 802.1ad outer */
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_VLAN);
}

static void test_bad_arp(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = make_arp(f, BCAST, A, -1, 1, A, 1, B, 2);
    expect_bad(f, n - 1, HV_EBADMSG, HV_VSW_DROP_TRUNCATED);
    f[14 + 4] = 8; /* hlen */
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
    n = make_arp(f, BCAST, A, -1, 1, A, 1, B, 2);
    put16(f + 16, 0x86dd); /* ptype */
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
}

static void refresh_csum(uint8_t *ip)
{
    put16(ip + 10, 0);
    put16(ip + 10, test_csum(ip, (size_t)(ip[0] & 15) * 4, 0));
}

static void test_bad_ipv4(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = make_udp(f, B, A, 1, 2, 3, 4);
    uint8_t *ip = f + 14;
    expect_bad(f, 14 + 19, HV_EBADMSG, HV_VSW_DROP_TRUNCATED);

    ip[0] = 0x65; /* version 6 */
    refresh_csum(ip);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
    ip[0] = 0x44; /* IHL 4 */
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
    ip[0] = 0x4f; /* IHL 15 = 60 bytes > 46 available... */
    expect_bad(f, 14 + 40, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);

    n = make_udp(f, B, A, 1, 2, 3, 4);
    put16(ip + 2, (uint16_t)(n - 14 + 1)); /* total beyond frame */
    refresh_csum(ip);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
    put16(ip + 2, 19); /* total < IHL */
    refresh_csum(ip);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);

    n = make_udp(f, B, A, 1, 2, 3, 4);
    ip[10] ^= 1;
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_CSUM);
}

static void test_bad_l4(void **state)
{
    (void)state;
    uint8_t f[128];
    uint8_t *ip = f + 14;
    /* UDP length larger than the IP payload */
    size_t n = make_udp(f, B, A, 1, 2, 3, 4);
    put16(ip + 20 + 4, 27);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
    put16(ip + 20 + 4, 7);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
    /* IP datagram too short for a UDP header */
    n = make_udp(f, B, A, 1, 2, 3, 4);
    put16(ip + 2, 27);
    refresh_csum(ip);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_TRUNCATED);
    /* TCP: data offset below 5 and beyond the datagram */
    n = make_l4(f, B, A, -1, 6, 1, 2, 3, 4, 0);
    ip[20 + 12] = 4 << 4;
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
    ip[20 + 12] = 6 << 4;
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_BAD_LEN);
    /* a first fragment too short for its TCP header */
    n = make_l4(f, B, A, -1, 6, 1, 2, 3, 4, 0);
    put16(ip + 2, 20 + 8);
    put16(ip + 6, 0x2000); /* MF, offset 0 */
    refresh_csum(ip);
    expect_bad(f, n, HV_EBADMSG, HV_VSW_DROP_TRUNCATED);
}

static void test_later_fragment(void **state)
{
    (void)state;
    uint8_t f[128];
    uint8_t *ip = f + 14;
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why;
    size_t n = make_l4(f, B, A, -1, 6, 1, 2, 3, 4, 0);
    put16(ip + 6, 0x0003); /* offset 24 bytes */
    refresh_csum(ip);
    assert_int_equal(parse(f, n, &h, &why), HV_OK);
    assert_int_equal(h.fragment, 1);
    assert_int_equal(h.has_ports, 0);
}

static void test_csum_and_names(void **state)
{
    (void)state;
    /* RFC 1071 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
    const uint8_t d[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal(hv_vsw_csum_partial(d, 8, 0), 0xddf2);
    assert_int_equal(hv_vsw_csum_partial(d, 3, 0), 0xf201);
    assert_string_equal(hv_vsw_drop_name(HV_VSW_DROP_STORM), "storm");
    assert_string_equal(hv_vsw_drop_name(HV_VSW_DROP_COUNT), "?");
    for (int i = 0; i < HV_VSW_DROP_COUNT; i++)
        assert_string_not_equal(hv_vsw_drop_name((enum hv_vsw_drop)i), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_untagged),
        cmocka_unit_test(test_tcp_tagged),
        cmocka_unit_test(test_arp_and_other),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_bad_vlan),
        cmocka_unit_test(test_bad_arp),
        cmocka_unit_test(test_bad_ipv4),
        cmocka_unit_test(test_bad_l4),
        cmocka_unit_test(test_later_fragment),
        cmocka_unit_test(test_csum_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
