/* 802.1Q: access and trunk ports, tag insertion and removal, isolation. */
#include "netutil.h"

/*
 * port 0: guest, access VLAN 10      port 1: guest, access VLAN 20
 * port 2: uplink, trunk 10+20, no native
 * port 3: uplink, trunk 10, native 20
 * port 4: uplink, access VLAN 10
 */
static struct fx *setup(void)
{
    struct hv_vsw_config c = default_config();
    struct fx *x = fx_new(&c);
    struct hv_vsw_port_config pc = guest_config(0);
    pc.pvid = 10;
    assert_int_equal(hv_vsw_port_add(x->sw, 0, &pc), HV_OK);
    pc = guest_config(1);
    pc.pvid = 20;
    assert_int_equal(hv_vsw_port_add(x->sw, 1, &pc), HV_OK);
    pc = uplink_config();
    pc.vlan_mode = HV_VSW_VLAN_TRUNK;
    pc.pvid = 0;
    assert_int_equal(hv_vsw_port_add(x->sw, 2, &pc), HV_OK);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 2, 10, true), HV_OK);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 2, 20, true), HV_OK);
    pc.pvid = 20;
    assert_int_equal(hv_vsw_port_add(x->sw, 3, &pc), HV_OK);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 3, 10, true), HV_OK);
    pc = uplink_config();
    pc.pvid = 10;
    assert_int_equal(hv_vsw_port_add(x->sw, 4, &pc), HV_OK);
    return x;
}

static const struct hv_vsw_out *out_to(const struct fx *x, unsigned int port)
{
    assert_int_equal(fx_count(x, port), 1);
    return &x->out[x->b.port_first[port]];
}

static void test_allow_vlan_refusals(void **state)
{
    (void)state;
    struct fx *x = setup();
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 0, 5, true), HV_EOPNOTSUPP);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 2, 0, true), HV_EINVAL);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 2, 4095, true), HV_EINVAL);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 9, 5, true), HV_ENOENT);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 64, 5, true), HV_EINVAL);
    fx_free(x);
}

static void test_flood_within_vlan_and_tagging(void **state)
{
    (void)state;
    struct fx *x = setup();
    struct hv_vsw_mac m0 = mac_of(0);
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, m0.b, -1, 0x88b5, 60);
    fx_send(x, 0, 1, 0);
    /* VLAN 10: trunks 2 and 3 and access 4; not guest 1 (VLAN 20) */
    assert_int_equal(fx_dest(x, 0), 1ull << 2 | 1ull << 3 | 1ull << 4);
    const struct hv_vsw_out *o = out_to(x, 2);
    assert_int_equal(o->vid, 10);
    assert_int_equal(o->tag_in, 0);
    assert_int_equal(o->tag_out, 1);
    assert_int_equal(hv_vsw_out_len(x->pkt, o), 64);
    uint8_t buf[BUF_CAP];
    assert_int_equal(hv_vsw_out_copy(x->pkt, o, buf, 63), HV_ENOBUFS);
    assert_int_equal(hv_vsw_out_copy(x->pkt, o, buf, sizeof(buf)), 64);
    assert_memory_equal(buf, x->buf[0], 12);
    assert_int_equal(get16(buf + 12), 0x8100);
    assert_int_equal(get16(buf + 14), 10);
    assert_memory_equal(buf + 16, x->buf[0] + 12, 48);
    o = out_to(x, 3); /* VLAN 10 is not native on port 3: tagged */
    assert_int_equal(o->tag_out, 1);
    o = out_to(x, 4);
    assert_int_equal(o->tag_out, 0);
    assert_int_equal(hv_vsw_out_copy(x->pkt, o, buf, sizeof(buf)), 60);
    assert_memory_equal(buf, x->buf[0], 60);
    fx_free(x);
}

static void test_trunk_in(void **state)
{
    (void)state;
    struct fx *x = setup();
    const uint8_t ext[6] = {0, 0xaa, 0, 0, 0, 1};
    /* tagged VLAN 20 from trunk 2: to guest 1 untagged, to 3 untagged
     * (native) */
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, ext, 20, 0x88b5, 64);
    fx_send(x, 2, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1 | 1ull << 3);
    const struct hv_vsw_out *o = out_to(x, 1);
    assert_int_equal(o->tag_in, 1);
    assert_int_equal(o->tag_out, 0);
    uint8_t buf[BUF_CAP];
    assert_int_equal(hv_vsw_out_copy(x->pkt, o, buf, sizeof(buf)), 60);
    assert_memory_equal(buf, x->buf[0], 12);
    assert_int_equal(get16(buf + 12), 0x88b5);
    assert_memory_equal(buf + 12, x->buf[0] + 16, 48);
    assert_int_equal(out_to(x, 3)->tag_out, 0);

    /* tagged 10 from trunk 2 to trunk 3: stays tagged, zero-copy */
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, ext, 10, 0x88b5, 64);
    fx_send(x, 2, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 0 | 1ull << 3 | 1ull << 4);
    o = out_to(x, 3);
    assert_int_equal(o->tag_in, 1);
    assert_int_equal(o->tag_out, 1);
    assert_int_equal(hv_vsw_out_len(x->pkt, o), 64);

    /* untagged on trunk 3 = native 20; on trunk 2 (no native) refused */
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, ext, -1, 0x88b5, 60);
    fx_send(x, 3, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1 | 1ull << 2);
    assert_int_equal(out_to(x, 2)->tag_out, 1);
    assert_int_equal(out_to(x, 2)->vid, 20);
    fx_send(x, 2, 1, 0);
    assert_int_equal(x->b.out_count, 0);
    assert_int_equal(fx_drops(x, 2, HV_VSW_DROP_VLAN_DENIED), 1);

    /* a VLAN not allowed on the trunk */
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, ext, 30, 0x88b5, 64);
    fx_send(x, 2, 1, 0);
    assert_int_equal(fx_drops(x, 2, HV_VSW_DROP_VLAN_DENIED), 2);
    /* disallowing a VLAN takes effect */
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 2, 20, false), HV_OK);
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, ext, 20, 0x88b5, 64);
    fx_send(x, 2, 1, 0);
    assert_int_equal(fx_drops(x, 2, HV_VSW_DROP_VLAN_DENIED), 3);

    /* a priority tag (VID 0) on trunk 3 means the native VLAN */
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, ext, 0, 0x88b5, 64);
    x->buf[0][14] |= 0xa0; /* PCP 5 */
    fx_send(x, 3, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 1);
    assert_int_equal(get16(x->buf[0] + 14), 0xa000 | 20);
    fx_free(x);
}

static void test_access_refuses_tags(void **state)
{
    (void)state;
    struct fx *x = setup();
    struct hv_vsw_mac m0 = mac_of(0);
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, m0.b, 10, 0x88b5, 64);
    x->pkt[1].len = (uint16_t)make_raw(x->buf[1], BCAST, m0.b, 20, 0x88b5, 64);
    fx_send(x, 0, 2, 0);
    assert_int_equal(x->b.out_count, 0);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_BAD_VLAN), 2);
    fx_free(x);
}

static void test_learning_per_vlan(void **state)
{
    (void)state;
    struct fx *x = setup();
    struct hv_vsw_mac h = {{0, 0xbb, 0, 0, 0, 1}};
    /* the same MAC lives on trunk 2 in VLAN 10 and on port 3 in 20 */
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, h.b, 10, 0x88b5, 64);
    fx_send(x, 2, 1, 0);
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, h.b, -1, 0x88b5, 60);
    fx_send(x, 3, 1, 0);
    assert_int_equal(hv_vsw_fdb_lookup(x->sw, &h, 10, 0), 2);
    assert_int_equal(hv_vsw_fdb_lookup(x->sw, &h, 20, 0), 3);
    /* guest 0 (VLAN 10) reaches it on port 2, guest 1 (20) on port 3 */
    x->pkt[0].len =
        (uint16_t)make_raw(x->buf[0], h.b, mac_of(0).b, -1, 0x88b5, 60);
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 2);
    x->pkt[0].len =
        (uint16_t)make_raw(x->buf[0], h.b, mac_of(1).b, -1, 0x88b5, 60);
    fx_send(x, 1, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 3);
    /* guest 0 cannot reach guest 1 across VLANs, even by MAC or IP */
    x->pkt[0].len =
        (uint16_t)make_udp(x->buf[0], mac_of(1).b, mac_of(0).b,
                           IP4(10, 0, 0, 10), IP4(10, 0, 0, 11), 1, 2);
    fx_send(x, 0, 1, 0);
    assert_int_equal(fx_dest(x, 0) & (1ull << 1), 0);
    fx_free(x);
}

static void test_arp_and_redirect_across_vlans(void **state)
{
    (void)state;
    struct fx *x = setup();
    const uint8_t ext[6] = {0, 0xaa, 0, 0, 0, 1};
    const uint8_t z[6] = {0};
    /* proxy ARP answers in the frame's VLAN: guest 1 (10.0.0.11) is in
     * VLAN 20, native on trunk 3: a priority-tagged request is answered */
    x->pkt[0].len = (uint16_t)make_arp(x->buf[0], BCAST, ext, 0, 1, ext,
                                       IP4(10, 0, 0, 99), z, IP4(10, 0, 0, 11));
    fx_send(x, 3, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 3);
    assert_int_equal(out_to(x, 3)->tag_out, 0); /* native: untagged */
    assert_memory_equal(x->buf[0] + 6, mac_of(1).b, 6);
    /* the same request tagged VLAN 10: guest 1 is not there, flooded */
    x->pkt[0].len = (uint16_t)make_arp(x->buf[0], BCAST, ext, 10, 1, ext,
                                       IP4(10, 0, 0, 99), z, IP4(10, 0, 0, 11));
    fx_send(x, 3, 1, 0);
    assert_int_equal(fx_dest(x, 0), 1ull << 0 | 1ull << 2 | 1ull << 4);
    /* a redirect to a port outside the frame's VLAN delivers nothing */
    struct hv_vsw_rule r;
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.action = HV_VSW_REDIRECT;
    r.redirect_port = 1; /* VLAN 20 */
    assert_int_equal(hv_vsw_rule_add(x->sw, 0, &r), 0);
    x->pkt[0].len =
        (uint16_t)make_raw(x->buf[0], BCAST, mac_of(0).b, -1, 0x88b5, 60);
    fx_send(x, 0, 1, 0);
    assert_int_equal(x->b.out_count, 0);
    assert_int_equal(fx_drops(x, 0, HV_VSW_DROP_NO_DEST), 1);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allow_vlan_refusals),
        cmocka_unit_test(test_flood_within_vlan_and_tagging),
        cmocka_unit_test(test_trunk_in),
        cmocka_unit_test(test_access_refuses_tags),
        cmocka_unit_test(test_learning_per_vlan),
        cmocka_unit_test(test_arp_and_redirect_across_vlans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
