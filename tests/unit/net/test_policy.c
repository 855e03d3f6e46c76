/* Anti-spoofing, receive demultiplexing by IPv4, the rule table. */
#include "netutil.h"

#define UPLINK 9

static struct fx *setup4(void)
{
    struct hv_vsw_config c = default_config();
    struct fx *x = fx_new(&c);
    for (unsigned int i = 0; i < 4; i++) {
        struct hv_vsw_port_config pc = guest_config(i);
        assert_int_equal(hv_vsw_port_add(x->sw, i, &pc), HV_OK);
    }
    struct hv_vsw_port_config up = uplink_config();
    assert_int_equal(hv_vsw_port_add(x->sw, UPLINK, &up), HV_OK);
    return x;
}

#define G(n) IP4(10, 0, 0, 10 + (n))

static void test_spoof_mac_and_ip(void **state)
{
    (void)state;
    struct fx *x = setup4();
    struct hv_vsw_mac m0 = mac_of(0), m1 = mac_of(1), m2 = mac_of(2);
    /* guest 0 honest */
    x->pkt[0].len = (uint16_t)make_udp(x->buf[0], m1.b, m0.b, G(0), G(1), 1, 2);
    /* guest 0 pretending to be guest 2 (MAC) */
    x->pkt[1].len = (uint16_t)make_udp(x->buf[1], m1.b, m2.b, G(0), G(1), 1, 2);
    /* guest 0 with its MAC but guest 2's IPv4 */
    x->pkt[2].len = (uint16_t)make_udp(x->buf[2], m1.b, m0.b, G(2), G(1), 1, 2);
    /* guest 0 with a made-up MAC */
    x->pkt[3].len = (uint16_t)make_raw(
        x->buf[3], m1.b, (const uint8_t[6]){2, 9, 9, 9, 9, 9}, -1, 0x88b5, 60);
    /* source 0.0.0.0 that is not DHCP */
    x->pkt[4].len =
        (uint16_t)make_udp(x->buf[4], BCAST, m0.b, 0, 0xffffffffu, 68, 69);
    fx_send(x, 0, 5, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1);
    assert_int_equal(x->b.out_count, 1);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_SPOOF_MAC), 2);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_SPOOF_IP), 2);
    /* spoofed frames taught the table nothing */
    assert_int_equal(hv_vsw_fdb_lookup(x->sw, &m2, 1, 0), HV_ENOENT);
    /* a second configured address is fine */
    struct hv_vsw_port_config pc = guest_config(5);
    pc.ipv4_count = 2;
    pc.ipv4[1] = IP4(192, 168, 7, 7);
    assert_int_equal(hv_vsw_port_add(x->sw, 5, &pc), HV_OK);
    struct hv_vsw_mac m5 = mac_of(5);
    x->pkt[0].len = (uint16_t)make_udp(x->buf[0], m1.b, m5.b,
                                       IP4(192, 168, 7, 7), G(1), 1, 2);
    fx_send(x, 5, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1);
    fx_free(x);
}

static void test_spoof_arp(void **state)
{
    (void)state;
    struct fx *x = setup4();
    struct hv_vsw_mac m0 = mac_of(0), m2 = mac_of(2);
    const uint8_t z[6] = {0};
    /* sender hardware address not the port's */
    x->pkt[0].len =
        (uint16_t)make_arp(x->buf[0], BCAST, m0.b, -1, 2, m2.b, G(0), z, G(1));
    /* sender protocol address of another guest (cache poisoning) */
    x->pkt[1].len =
        (uint16_t)make_arp(x->buf[1], BCAST, m0.b, -1, 2, m0.b, G(2), z, G(1));
    /* honest gratuitous ARP and an RFC 5227 probe */
    x->pkt[2].len =
        (uint16_t)make_arp(x->buf[2], BCAST, m0.b, -1, 1, m0.b, G(0), z, G(0));
    x->pkt[3].len =
        (uint16_t)make_arp(x->buf[3], BCAST, m0.b, -1, 1, m0.b, 0, z, G(0));
    fx_send(x, 0, 4, 0);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_SPOOF_ARP), 2);
    assert_int_equal(fx_dest(x, 2), 0x0eull | 1ull << UPLINK);
    assert_int_equal(fx_dest(x, 3), 0x0eull | 1ull << UPLINK);
    fx_free(x);
}

static void test_dhcp_source_exception(void **state)
{
    (void)state;
    struct hv_vsw_config c = default_config();
    c.dhcp = false; /* let the DHCP broadcast flood instead */
    struct fx *x = fx_new(&c);
    struct hv_vsw_port_config pc = guest_config(0);
    assert_int_equal(hv_vsw_port_add(x->sw, 0, &pc), HV_OK);
    struct hv_vsw_port_config up = uplink_config();
    assert_int_equal(hv_vsw_port_add(x->sw, 1, &up), HV_OK);
    struct hv_vsw_mac m0 = mac_of(0);
    x->pkt[0].len =
        (uint16_t)make_udp(x->buf[0], BCAST, m0.b, 0, 0xffffffffu, 68, 67);
    /* same, but to a unicast IP: refused */
    x->pkt[1].len =
        (uint16_t)make_udp(x->buf[1], BCAST, m0.b, 0, IP4(10, 0, 0, 1), 68, 67);
    fx_send(x, 0, 2, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_SPOOF_IP), 1);
    fx_free(x);
}

static void test_uplink_cannot_take_guest_mac(void **state)
{
    (void)state;
    struct fx *x = setup4();
    struct hv_vsw_mac m2 = mac_of(2);
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, m2.b, -1, 0x88b5, 60);
    fx_send(x, UPLINK, 1, 0);
    assert_int_equal(fx_drops(x, UPLINK, HV_VSW_DROP_SPOOF_MAC), 1);
    assert_int_equal(hv_vsw_fdb_lookup(x->sw, &m2, 1, 0), HV_ENOENT);
    /* nor the switch's MAC, nor a guest's or the switch's IPv4 address,
     * nor claim a guest's address in ARP */
    const uint8_t ext[6] = {0, 7, 7, 7, 7, 7};
    const uint8_t z[6] = {0};
    struct hv_vsw_mac swm = mac_of(SW_MACB);
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, swm.b, -1, 0x88b5, 60);
    x->pkt[1].len = (uint16_t)make_udp(x->buf[1], m2.b, ext, G(1), G(2), 1, 2);
    x->pkt[2].len = (uint16_t)make_udp(x->buf[2], m2.b, ext, SW_IP, G(2), 1, 2);
    x->pkt[3].len =
        (uint16_t)make_arp(x->buf[3], BCAST, ext, -1, 2, ext, G(1), z, G(2));
    /* while an outside address is fine */
    x->pkt[4].len =
        (uint16_t)make_udp(x->buf[4], m2.b, ext, IP4(192, 0, 2, 1), G(2), 1, 2);
    fx_send(x, UPLINK, 5, 0);
    assert_int_equal(fx_drops(x, UPLINK, HV_VSW_DROP_SPOOF_MAC), 2);
    assert_int_equal(fx_drops(x, UPLINK, HV_VSW_DROP_SPOOF_IP), 2);
    assert_int_equal(fx_drops(x, UPLINK, HV_VSW_DROP_SPOOF_ARP), 1);
    assert_int_equal(x->b.out_count, 1);
    assert_int_equal(fx_dest(x, 4), 1ull << 2);
    /* uplink may send from any other source */
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], m2.b, ext, -1, 0x88b5, 60);
    fx_send(x, UPLINK, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 2);
    fx_free(x);
}

static void test_demux_by_ipv4(void **state)
{
    (void)state;
    struct fx *x = setup4();
    const uint8_t ext[6] = {0, 0x11, 0x22, 0x33, 0x44, 0x55};
    struct hv_vsw_mac sw = mac_of(SW_MACB), m2 = mac_of(2), m3 = mac_of(3);
    /* to the gateway MAC, for guest 2's address: rewritten, delivered */
    x->pkt[0].len = (uint16_t)make_udp(x->buf[0], sw.b, ext, IP4(8, 8, 8, 8),
                                       G(2), 53, 1000);
    /* to guest 3's MAC but guest 2's address: refused */
    x->pkt[1].len = (uint16_t)make_udp(x->buf[1], m3.b, ext, IP4(8, 8, 8, 8),
                                       G(2), 53, 1000);
    /* to guest 2 properly */
    x->pkt[2].len = (uint16_t)make_udp(x->buf[2], m2.b, ext, IP4(8, 8, 8, 8),
                                       G(2), 53, 1000);
    /* to the switch, not for a guest, not ARP/DHCP: local drop */
    x->pkt[3].len = (uint16_t)make_udp(x->buf[3], sw.b, ext, IP4(8, 8, 8, 8),
                                       SW_IP, 53, 1000);
    fx_send(x, UPLINK, 4, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 2);
    assert_memory_equal(x->buf[0], m2.b, 6);
    assert_int_equal(fx_dest(x, 1), 0);
    assert_int_equal(fx_dest(x, 2), 1ull << 2);
    assert_int_equal(fx_dest(x, 3), 0);
    assert_int_equal(fx_drops(x, UPLINK, HV_VSW_DROP_DEMUX), 1);
    assert_int_equal(fx_drops(x, UPLINK, HV_VSW_DROP_LOCAL), 1);
    fx_free(x);
}

static void test_rule_refusals(void **state)
{
    (void)state;
    struct fx *x = setup4();
    struct hv_vsw_rule r;
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    assert_int_equal(hv_vsw_rule_add(x->sw, 64, &r), HV_EINVAL);
    assert_int_equal(hv_vsw_rule_add(x->sw, 7, &r), HV_ENOENT);
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, NULL), HV_EINVAL);
    r.dir = 0;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), HV_EINVAL);
    r.dir = 4;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), HV_EINVAL);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.action = 9;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), HV_EINVAL);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.dport_lo = 100;
    r.dport_hi = 99;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), HV_EINVAL);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.src_lo = 5;
    r.src_hi = 4;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), HV_EINVAL);
    hv_vsw_rule_init(&r, HV_VSW_DIR_OUT);
    r.action = HV_VSW_REDIRECT;
    r.redirect_port = 1;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), HV_EINVAL);
    r.dir = HV_VSW_DIR_IN;
    r.redirect_port = 64;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), HV_EINVAL);
    uint64_t hits;
    assert_int_equal(hv_vsw_rule_hits(x->sw, 0, 0, &hits), HV_ENOENT);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.action = HV_VSW_COUNT;
    for (unsigned int i = 0; i < HV_VSW_RULES_MAX; i++)
        assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), (int)i);
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), HV_ENOSPC);
    assert_int_equal(hv_vsw_rule_clear(x->sw, 0), HV_OK);
    assert_int_equal(hv_vsw_rule_hits(x->sw, 0, 0, &hits), HV_ENOENT);
    assert_int_equal(hv_vsw_rule_clear(x->sw, 7), HV_ENOENT);
    fx_free(x);
}

static void test_rules_in(void **state)
{
    (void)state;
    struct fx *x = setup4();
    struct hv_vsw_mac m0 = mac_of(0), m1 = mac_of(1);
    struct hv_vsw_rule r;
    /* 0: count all UDP; 1: drop TCP to ports 20-25 on 10.0.0.11-12;
     * 2: redirect UDP port 9999 to port 3 */
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.ip_proto = 17;
    r.action = HV_VSW_COUNT;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), 0);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.ip_proto = 6;
    r.dst_lo = G(1);
    r.dst_hi = G(2);
    r.dport_lo = 20;
    r.dport_hi = 25;
    r.action = HV_VSW_DROP;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), 1);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.ip_proto = 17;
    r.dport_lo = r.dport_hi = 9999;
    r.action = HV_VSW_REDIRECT;
    r.redirect_port = 3;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), 2);

    size_t n = 0;
    n = make_l4(x->buf[0], m1.b, m0.b, -1, 6, G(0), G(1), 1000, 22, 0);
    x->pkt[0].len = (uint16_t)n; /* dropped */
    n = make_l4(x->buf[1], m1.b, m0.b, -1, 6, G(0), G(1), 1000, 26, 0);
    x->pkt[1].len = (uint16_t)n; /* port outside the range */
    n = make_l4(x->buf[2], m1.b, m0.b, -1, 6, G(0), G(3), 1000, 22, 0);
    x->pkt[2].len = (uint16_t)n; /* address outside the range: to 1 */
    n = make_l4(x->buf[3], m1.b, m0.b, -1, 17, G(0), G(1), 1000, 9999, 4);
    x->pkt[3].len = (uint16_t)n; /* counted, then redirected to 3 */
    n = make_l4(x->buf[4], m1.b, m0.b, -1, 17, G(0), G(1), 1000, 22, 4);
    x->pkt[4].len = (uint16_t)n; /* counted, accepted by default */
    fx_send(x, 0, 5, 0);
    assert_int_equal(fx_dest(x, 0), 0);
    assert_int_equal(fx_dest(x, 1), 1ull << 1);
    assert_int_equal(fx_dest(x, 2), 0);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_DEMUX), 1);
    assert_int_equal(fx_dest(x, 3), 1ull << 3);
    assert_int_equal(fx_dest(x, 4), 1ull << 1);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_RULE), 1);
    uint64_t hits;
    assert_int_equal(hv_vsw_rule_hits(x->sw, 0, 0, &hits), HV_OK);
    assert_int_equal(hits, 2);
    assert_int_equal(hv_vsw_rule_hits(x->sw, 0, 1, &hits), HV_OK);
    assert_int_equal(hits, 1);
    assert_int_equal(hv_vsw_rule_hits(x->sw, 0, 2, &hits), HV_OK);
    assert_int_equal(hits, 1);
    fx_free(x);
}

static void test_rules_out_and_default(void **state)
{
    (void)state;
    struct fx *x = setup4();
    struct hv_vsw_mac m0 = mac_of(0), m1 = mac_of(1);
    struct hv_vsw_rule r;
    /* guest 1 accepts only TCP 22 from anyone; everything else dropped
     * (default DROP via a new port config) */
    assert_int_equal(hv_vsw_port_remove(x->sw, 1), HV_OK);
    struct hv_vsw_port_config pc = guest_config(1);
    pc.default_action = HV_VSW_DROP;
    assert_int_equal(hv_vsw_port_add(x->sw, 1, &pc), HV_OK);
    hv_vsw_rule_init(&r, HV_VSW_DIR_OUT);
    r.ip_proto = 6;
    r.dport_lo = r.dport_hi = 22;
    assert_int_equal(hv_vsw_rule_add(x->sw, 1, &r), 0);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN); /* it may send anything */
    assert_int_equal(hv_vsw_rule_add(x->sw, 1, &r), 1);

    x->pkt[0].len =
        (uint16_t)make_l4(x->buf[0], m1.b, m0.b, -1, 6, G(0), G(1), 999, 22, 0);
    x->pkt[1].len =
        (uint16_t)make_l4(x->buf[1], m1.b, m0.b, -1, 6, G(0), G(1), 999, 23, 0);
    x->pkt[2].len = (uint16_t)make_raw(x->buf[2], BCAST, m0.b, -1, 0x88b5, 60);
    fx_send(x, 0, 3, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1);
    assert_int_equal(fx_dest(x, 1), 0);
    /* the broadcast reaches everyone but guest 1 */
    assert_int_equal(fx_dest(x, 2), 0x0cull | 1ull << UPLINK);
    /* egress drops are counted on the egress port */
    assert_int_equal(fx_drops(x, 1, HV_VSW_DROP_RULE), 2);
    /* and guest 1 can send */
    x->pkt[0].len =
        (uint16_t)make_l4(x->buf[0], m0.b, m1.b, -1, 6, G(1), G(0), 22, 999, 0);
    fx_send(x, 1, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 0);
    fx_free(x);
}

static void test_rules_fragments_and_ethertype(void **state)
{
    (void)state;
    struct fx *x = setup4();
    struct hv_vsw_mac m0 = mac_of(0), m1 = mac_of(1);
    struct hv_vsw_rule r;
    /* accept TCP 80 only; drop other IPv4; drop ethertype 0x88b5 */
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.ip_proto = 6;
    r.dport_lo = r.dport_hi = 80;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), 0);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.ethertype = 0x0800;
    r.action = HV_VSW_DROP;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), 1);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.ethertype = 0x88b5;
    r.action = HV_VSW_DROP;
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), 2);

    x->pkt[0].len =
        (uint16_t)make_l4(x->buf[0], m1.b, m0.b, -1, 6, G(0), G(1), 1, 80, 0);
    /* a later fragment of the same flow: no ports, so the port rule does
     * not match and the IPv4 drop does */
    x->pkt[1].len =
        (uint16_t)make_l4(x->buf[1], m1.b, m0.b, -1, 6, G(0), G(1), 1, 80, 0);
    uint8_t *ip = x->buf[1] + 14;
    put16(ip + 6, 0x0010);
    put16(ip + 10, 0);
    put16(ip + 10, test_csum(ip, 20, 0));
    x->pkt[2].len = (uint16_t)make_raw(x->buf[2], m1.b, m0.b, -1, 0x88b5, 60);
    x->pkt[3].len = (uint16_t)make_raw(x->buf[3], m1.b, m0.b, -1, 0x88b6, 60);
    fx_send(x, 0, 4, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1);
    assert_int_equal(fx_dest(x, 1), 0);
    assert_int_equal(fx_dest(x, 2), 0);
    assert_int_equal(fx_dest(x, 3), 1ull << 1);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_RULE), 2);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spoof_mac_and_ip),
        cmocka_unit_test(test_spoof_arp),
        cmocka_unit_test(test_dhcp_source_exception),
        cmocka_unit_test(test_uplink_cannot_take_guest_mac),
        cmocka_unit_test(test_demux_by_ipv4),
        cmocka_unit_test(test_rule_refusals),
        cmocka_unit_test(test_rules_in),
        cmocka_unit_test(test_rules_out_and_default),
        cmocka_unit_test(test_rules_fragments_and_ethertype),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
