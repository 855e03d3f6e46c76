/*
 * The verdict cache (flow.h): a switch with the cache and one without
 * must be indistinguishable.
 *
 * The differential test drives two switches, A (cache on) and B (cache
 * off), with the same random configurations (guest and uplink ports,
 * access and trunk VLANs, random rule tables in both directions with
 * every action, default actions, storm limits, a small learning table
 * with a short ageing time so entries are evicted, moved and expire),
 * the same random bursts of frames (valid and hostile: truncated, bytes
 * flipped, bad tags; each frame with its own IP id and payload so that
 * nothing but the flow fields repeat) and the same random configuration
 * changes between bursts. After each burst it requires identical return
 * codes, descriptors, frame bytes (in-place rewrites), per-port counters
 * and drops by reason, rule hit counters, learning statistics, the
 * learning table itself in LRU order, and identical mirror captures. It
 * also requires that A's cache actually served most frames.
 *
 * The targeted tests check each invalidation trigger: after a change,
 * the very next frame of a cached flow gets the new verdict.
 */
#include "netutil.h"

#include "../../../libhv-net/src/flow.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11) % n;
}

#define NP 6 /* ports 0..3 guests, 4..5 uplinks */

struct cap {
    uint64_t records, hash;
};

static int cap_write(void *ctx, const void *data, size_t len)
{
    struct cap *c = ctx;
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        c->hash = (c->hash ^ p[i]) * 0x100000001b3ull;
    c->records++;
    return 0;
}

struct world {
    struct fx *x[2]; /* [0] cache on, [1] cache off */
    struct hv_vsw_pcap pcap[2][NP];
    struct cap cap[2][NP];
    hv_time_t now;
};

static const uint32_t ippool[] = {
    IP4(10, 0, 0, 10), IP4(10, 0, 0, 11),   IP4(10, 0, 0, 12),
    IP4(10, 0, 0, 13), IP4(10, 0, 0, 20),   IP4(10, 0, 0, 1),
    IP4(8, 8, 8, 8),   IP4(192, 168, 1, 1), 0,
    0xffffffffu};
static const uint16_t l4pool[] = {23, 67, 68, 80, 1000, 65535};

static struct hv_vsw_mac pool_mac(unsigned int i)
{
    /* 0..5 guests, 6 the switch, 7..9 outside hosts, 10 broadcast,
     * 11 multicast */
    if (i < NP)
        return mac_of((uint8_t)i);
    if (i == 6)
        return mac_of(SW_MACB);
    if (i < 10)
        return mac_of((uint8_t)(0xa0 + i));
    struct hv_vsw_mac m = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    if (i == 11) {
        struct hv_vsw_mac mc = {{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}};
        m = mc;
    }
    return m;
}

#define BOTH(call_a, call_b) assert_int_equal(call_a, call_b)

static void random_port(struct world *w, unsigned int p)
{
    struct hv_vsw_port_config pc;
    if (p < 4) {
        pc = guest_config(p);
        pc.ipv4_count = (uint8_t)(1 + rnd(2));
        pc.ipv4[1] = IP4(10, 0, 0, 20 + p);
    } else {
        pc = uplink_config();
    }
    if (rnd(3) == 0) {
        pc.vlan_mode = HV_VSW_VLAN_TRUNK;
        pc.pvid = (uint16_t)rnd(3);
    } else {
        pc.pvid = (uint16_t)(1 + rnd(2));
    }
    pc.default_action = rnd(6) == 0 ? HV_VSW_DROP : HV_VSW_ACCEPT;
    if (rnd(2)) {
        pc.bcast_rate = 1000000;
        pc.bcast_burst = 1 + rnd(4);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(hv_vsw_port_add(w->x[i]->sw, p, &pc), HV_OK);
    if (pc.vlan_mode == HV_VSW_VLAN_TRUNK)
        for (unsigned int v = 1; v <= 3; v++)
            if (rnd(2))
                for (int i = 0; i < 2; i++)
                    assert_int_equal(
                        hv_vsw_port_allow_vlan(w->x[i]->sw, p, v, true), HV_OK);
}

static void random_rule(struct world *w, unsigned int p)
{
    struct hv_vsw_rule r;
    hv_vsw_rule_init(&r, 1 + rnd(3));
    switch (rnd(5)) {
    case 0:
        r.ip_proto = rnd(2) ? 17 : 6;
        break;
    case 1:
        r.dport_lo = r.dport_hi = l4pool[rnd(6)];
        break;
    case 2:
        r.src_lo = r.src_hi = ippool[rnd(8)];
        break;
    case 3:
        r.ethertype = rnd(2) ? 0x0800 : 0x88b5;
        break;
    default:
        break;
    }
    r.action = (uint8_t)rnd(4);
    if (r.action == HV_VSW_REDIRECT) {
        r.dir = HV_VSW_DIR_IN;
        r.redirect_port = (uint16_t)rnd(NP + 1);
    }
    int ra = hv_vsw_rule_add(w->x[0]->sw, p, &r);
    int rb = hv_vsw_rule_add(w->x[1]->sw, p, &r);
    assert_int_equal(ra, rb);
}

/* The flow fields of a frame; per-packet fields are drawn per frame. */
struct tmpl {
    unsigned int dst, src, kind, sip, dip, sport, dport, other;
    int vid;
    uint8_t proto;
};

#define NTMPL 24
static struct tmpl tmpl[NP][NTMPL];

static struct tmpl random_tmpl(unsigned int in)
{
    struct tmpl t;
    t.dst = rnd(12);
    t.src = in < 4 && rnd(8) ? in : rnd(12);
    t.vid = rnd(4) ? -1 : (int)(rnd(5) == 0 ? 4095 : rnd(4));
    t.kind = rnd(10);
    t.proto = (uint8_t[]){17, 6, 1}[rnd(3)];
    t.sip = in < 4 && rnd(4) ? 10 + in : rnd(10);
    t.dip = rnd(10);
    t.sport = rnd(6);
    t.dport = rnd(6);
    t.other = rnd(2);
    return t;
}

/* Frame i of the burst into both switches' buffers: mostly one of the
 * port's flows (so the cache is exercised), sometimes a random one. */
static void random_frame(struct world *w, unsigned int in, unsigned int i)
{
    uint8_t f[BUF_CAP];
    struct tmpl t = rnd(5) ? tmpl[in][rnd(NTMPL)] : random_tmpl(in);
    struct hv_vsw_mac dst = pool_mac(t.dst);
    struct hv_vsw_mac src = pool_mac(t.src);
    size_t len;
    if (t.kind < 7) {
        uint32_t sip = t.sip >= 10 ? IP4(10, 0, 0, t.sip) : ippool[t.sip];
        len = make_l4(f, dst.b, src.b, t.vid, t.proto, sip, ippool[t.dip],
                      l4pool[t.sport], l4pool[t.dport], rnd(40));
        size_t l3 = t.vid >= 0 ? 18 : 14;
        /* per-packet fields: IP id, TTL, payload, header checksum */
        put16(f + l3 + 4, (uint16_t)rnd(65536));
        f[l3 + 8] = (uint8_t)(1 + rnd(255));
        for (size_t k = l3 + 28; k < len; k++)
            f[k] = (uint8_t)rnd(256);
        if (rnd(10) == 0)
            put16(f + l3 + 6, (uint16_t)(rnd(2) ? 0x2000 : 0x0010));
        put16(f + l3 + 10, 0);
        put16(f + l3 + 10, test_csum(f + l3, 20, 0));
    } else if (t.kind < 9) {
        len = make_arp(f, dst.b, src.b, t.vid, (uint16_t)(1 + rnd(2)), src.b,
                       ippool[t.sip % 10], dst.b, ippool[t.dip]);
    } else {
        len = make_raw(f, dst.b, src.b, t.vid, t.other ? 0x88b5 : 0x86dd,
                       60 + rnd(100));
    }
    if (rnd(16) == 0) /* hostile */
        len = rnd((uint32_t)len + 1);
    if (rnd(16) == 0 && len > 0)
        f[rnd((uint32_t)len)] ^= (uint8_t)(1 + rnd(255));
    for (int s = 0; s < 2; s++) {
        memcpy(w->x[s]->buf[i], f, len);
        w->x[s]->pkt[i].len = (uint16_t)len;
    }
}

static void compare(struct world *w)
{
    struct hv_vsw *a = w->x[0]->sw, *b = w->x[1]->sw;
    for (unsigned int p = 0; p < HV_VSW_MAX_PORTS; p++) {
        struct hv_vsw_port_stats sa, sb;
        hv_vsw_port_stats(a, p, &sa);
        hv_vsw_port_stats(b, p, &sb);
        assert_memory_equal(&sa, &sb, sizeof(sa));
        for (unsigned int r = 0; r < HV_VSW_RULES_MAX; r++) {
            uint64_t ha = 0, hb = 0;
            int ra = hv_vsw_rule_hits(a, p, r, &ha);
            int rb = hv_vsw_rule_hits(b, p, r, &hb);
            assert_int_equal(ra, rb);
            assert_int_equal(ha, hb);
        }
    }
    const struct hv_vsw_stats *ta = hv_vsw_stats(a), *tb = hv_vsw_stats(b);
    assert_int_equal(ta->fdb_learned, tb->fdb_learned);
    assert_int_equal(ta->fdb_moved, tb->fdb_moved);
    assert_int_equal(ta->fdb_evicted, tb->fdb_evicted);
    assert_int_equal(ta->fdb_aged, tb->fdb_aged);
    /* the learning table, entry by entry in LRU order */
    assert_int_equal(hv_vsw_fdb_count(a), hv_vsw_fdb_count(b));
    uint32_t ia = a->lru_head, ib = b->lru_head;
    while (ia != HV_VSW_NIL || ib != HV_VSW_NIL) {
        assert_true(ia != HV_VSW_NIL && ib != HV_VSW_NIL);
        assert_memory_equal(a->fdb[ia].mac.b, b->fdb[ib].mac.b, 6);
        assert_int_equal(a->fdb[ia].vid, b->fdb[ib].vid);
        assert_int_equal(a->fdb[ia].port, b->fdb[ib].port);
        assert_int_equal(a->fdb[ia].seen, b->fdb[ib].seen);
        ia = a->fdb[ia].lru_next;
        ib = b->fdb[ib].lru_next;
    }
    for (unsigned int p = 0; p < NP; p++) {
        assert_int_equal(w->cap[0][p].records, w->cap[1][p].records);
        assert_int_equal(w->cap[0][p].hash, w->cap[1][p].hash);
    }
}

/* Hits served while no mirror was set: the switch then replays plain
 * hits inline (pass_fast() in switch.c), with mirrors every frame takes
 * the general per-frame path; both must be exercised. */
static uint64_t hits_unmirrored;

static void burst(struct world *w, unsigned int in, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        random_frame(w, in, i);
    int rc[2];
    const struct hv_vsw *sw0 = w->x[0]->sw;
    bool unmirrored = sw0->mirror_mask == 0 && sw0->ports[in].mirror == NULL;
    uint64_t hits0 = hv_vsw_stats(sw0)->flow_hits;
    uint32_t cap = rnd(8) == 0 ? rnd(40) : HV_VSW_BURST_MAX * NP;
    for (int s = 0; s < 2; s++) {
        struct fx *x = w->x[s];
        x->b.out_cap = cap;
        rc[s] = hv_vsw_input(x->sw, in, x->pkt, n, w->now, &x->b);
    }
    if (unmirrored)
        hits_unmirrored += hv_vsw_stats(sw0)->flow_hits - hits0;
    struct fx *a = w->x[0], *b = w->x[1];
    assert_int_equal(rc[0], rc[1]);
    if (rc[0] != HV_OK)
        return;
    assert_int_equal(a->b.consumed, b->b.consumed);
    assert_int_equal(a->b.out_count, b->b.out_count);
    assert_memory_equal(a->b.port_first, b->b.port_first,
                        sizeof(a->b.port_first));
    for (uint32_t k = 0; k < a->b.out_count; k++) {
        assert_int_equal(a->out[k].pkt, b->out[k].pkt);
        assert_int_equal(a->out[k].port, b->out[k].port);
        assert_int_equal(a->out[k].vid, b->out[k].vid);
        assert_int_equal(a->out[k].tag_in, b->out[k].tag_in);
        assert_int_equal(a->out[k].tag_out, b->out[k].tag_out);
    }
    for (unsigned int i = 0; i < n; i++) {
        assert_int_equal(a->pkt[i].len, b->pkt[i].len);
        assert_memory_equal(a->buf[i], b->buf[i], a->pkt[i].len);
    }
}

static void change(struct world *w)
{
    unsigned int p = rnd(NP);
    switch (rnd(9)) {
    case 0:
    case 1:
        random_rule(w, p);
        break;
    case 2:
        for (int s = 0; s < 2; s++)
            hv_vsw_rule_clear(w->x[s]->sw, p);
        break;
    case 3:
        for (int s = 0; s < 2; s++)
            hv_vsw_port_remove(w->x[s]->sw, p);
        if (rnd(2))
            random_port(w, p);
        break;
    case 4: {
        unsigned int v = 1 + rnd(3);
        bool on = rnd(2);
        int ra = hv_vsw_port_allow_vlan(w->x[0]->sw, p, v, on);
        assert_int_equal(ra, hv_vsw_port_allow_vlan(w->x[1]->sw, p, v, on));
        break;
    }
    case 5:
        assert_int_equal(hv_vsw_fdb_age(w->x[0]->sw, w->now),
                         hv_vsw_fdb_age(w->x[1]->sw, w->now));
        break;
    case 6: {
        bool on = rnd(3) == 0; /* mostly off: both first passes run */
        for (int s = 0; s < 2; s++)
            hv_vsw_mirror(w->x[s]->sw, p, on ? &w->pcap[s][p] : NULL);
        break;
    }
    case 7: /* the cache switched off and on again changes nothing */
        hv_vsw_flow_cache(w->x[0]->sw, false);
        hv_vsw_flow_cache(w->x[0]->sw, true);
        break;
    default:
        w->now += rnd(3000); /* entries expire (ageing 2000) */
        break;
    }
}

static void test_differential(void **state)
{
    (void)state;
    uint64_t hits = 0, misses = 0;
    for (unsigned int seed = 1; seed <= 12; seed++) {
        rng = 0x9e3779b97f4a7c15ull * seed;
        struct world *w = calloc(1, sizeof(*w));
        assert_non_null(w);
        struct hv_vsw_config c = default_config();
        c.fdb_capacity = rnd(2) ? 3 + rnd(8) : 64;
        c.fdb_ageing = 2000;
        for (int s = 0; s < 2; s++) {
            w->x[s] = fx_new(&c);
            for (unsigned int p = 0; p < NP; p++)
                assert_int_equal(hv_vsw_pcap_init(&w->pcap[s][p], 256,
                                                  cap_write, &w->cap[s][p]),
                                 HV_OK);
        }
        assert_int_equal(hv_vsw_flow_cache(w->x[1]->sw, false), HV_OK);
        w->now = 1000;
        for (unsigned int p = 0; p < NP; p++)
            for (unsigned int k = 0; k < NTMPL; k++)
                tmpl[p][k] = random_tmpl(p);
        for (unsigned int p = 0; p < NP; p++) {
            random_port(w, p);
            for (unsigned int r = rnd(4); r > 0; r--)
                random_rule(w, p);
        }
        for (unsigned int it = 0; it < 1500; it++) {
            /* long stable stretches (the cache is hit), then changes */
            if (rnd(10) == 0)
                change(w);
            if (rnd(50) == 0) {
                unsigned int p = rnd(NP);
                tmpl[p][rnd(NTMPL)] = random_tmpl(p);
            }
            w->now += rnd(40);
            burst(w, rnd(NP + 1) % NP, 1 + rnd(32));
            compare(w);
        }
        hits += hv_vsw_stats(w->x[0]->sw)->flow_hits;
        misses += hv_vsw_stats(w->x[0]->sw)->flow_misses;
        assert_int_equal(hv_vsw_stats(w->x[1]->sw)->flow_hits, 0);
        fx_free(w->x[0]);
        fx_free(w->x[1]);
        free(w);
    }
    print_message("verdict cache: %llu hits (%llu without mirrors), %llu "
                  "misses\n",
                  (unsigned long long)hits, (unsigned long long)hits_unmirrored,
                  (unsigned long long)misses);
    /* the test is only worth something if the cache served frames, on
     * both of the switch's first passes */
    assert_true(hits > 10000);
    assert_true(hits_unmirrored > 10000);
    assert_true(hits - hits_unmirrored > 10000);
}

/* ---- the one-pass parser against the general one -------------------- */

static void test_fast_key(void **state)
{
    (void)state;
    unsigned int fast = 0, slow = 0;
    for (unsigned int it = 0; it < 200000; it++) {
        uint8_t f[BUF_CAP];
        struct hv_vsw_mac a = pool_mac(rnd(12)), b = pool_mac(rnd(12));
        int vid = rnd(3) ? -1 : (int)rnd(4096);
        uint8_t proto = (uint8_t[]){17, 6, 1, 17, 6}[rnd(5)];
        size_t len =
            make_l4(f, a.b, b.b, vid, proto, ippool[rnd(10)], ippool[rnd(10)],
                    l4pool[rnd(6)], l4pool[rnd(6)], rnd(60));
        size_t l3 = vid >= 0 ? 18 : 14;
        put16(f + l3 + 4, (uint16_t)rnd(65536));
        f[l3 + 1] = (uint8_t)rnd(256); /* TOS: not a decision input */
        put16(f + l3 + 10, 0);
        put16(f + l3 + 10, test_csum(f + l3, 20, 0));
        if (vid >= 0)
            f[14] |= (uint8_t)(rnd(8) << 5); /* priority bits */
        switch (rnd(6)) {                    /* damage some */
        case 0:
            f[rnd((uint32_t)len)] ^= (uint8_t)(1u << rnd(8));
            break;
        case 1:
            len = rnd((uint32_t)len + 1);
            break;
        case 2:
            len += rnd(20); /* Ethernet padding */
            break;
        case 3: /* a short IPv4 payload, the frame ending with it */
            put16(f + l3 + 2, (uint16_t)(20 + rnd(24)));
            put16(f + l3 + 10, 0);
            put16(f + l3 + 10, test_csum(f + l3, 20, 0));
            len = l3 + get16(f + l3 + 2);
            break;
        default:
            break;
        }
        /* in a buffer of exactly len bytes: AddressSanitizer (in the
         * sanitizer build) sees any read past the frame */
        uint8_t *heap = malloc(len ? len : 1);
        assert_non_null(heap);
        memcpy(heap, f, len);
        unsigned int port = rnd(HV_VSW_MAX_PORTS);
        struct vsw_flow_key fk, gk;
        struct hv_vsw_hdr h;
        enum hv_vsw_drop why;
        bool ok = vsw_flow_fast(heap, len, vsw_flow_k3_port(port), &fk);
        int rc = hv_vsw_parse(heap, len, &h, &why);
        if (ok) {
            fast++;
            assert_int_equal(rc, HV_OK);
            assert_true(h.has_ports);
            vsw_flow_key(&gk, port, heap, &h);
            assert_memory_equal(&fk, &gk, sizeof(fk));
            /* and the header the miss path reads without parsing */
            struct hv_vsw_hdr fh;
            vsw_flow_hdr(heap, len, &fh);
            assert_memory_equal(&fh, &h, sizeof(h));
        } else {
            slow++;
            /* and it takes every frame of its shape the parser accepts:
             * IPv4 without options, TCP/UDP ports decoded, untagged or
             * with a VID, at most HV_VSW_FRAME_MAX - 4 bytes */
            assert_false(rc == HV_OK && h.has_ports && h.l4 == h.l3 + 20 &&
                         (!h.tagged || h.vid != 0) &&
                         len <= HV_VSW_FRAME_MAX - HV_VSW_VLAN_HLEN);
        }
        free(heap);
    }
    assert_true(fast > 50000 && slow > 20000);
}

/* ---- each invalidation trigger -------------------------------------- */

#define G1 1
#define G2 2
#define U4 4
#define U5 5

static struct fx *trig_setup(uint32_t fdb_capacity)
{
    struct hv_vsw_config c = default_config();
    c.fdb_capacity = fdb_capacity;
    c.fdb_ageing = 1000;
    struct fx *x = fx_new(&c);
    struct hv_vsw_port_config g1 = guest_config(G1), g2 = guest_config(G2);
    g2.vlan_mode = HV_VSW_VLAN_TRUNK;
    g2.pvid = 1;
    assert_int_equal(hv_vsw_port_add(x->sw, G1, &g1), HV_OK);
    assert_int_equal(hv_vsw_port_add(x->sw, G2, &g2), HV_OK);
    struct hv_vsw_port_config u = uplink_config();
    assert_int_equal(hv_vsw_port_add(x->sw, U4, &u), HV_OK);
    assert_int_equal(hv_vsw_port_add(x->sw, U5, &u), HV_OK);
    return x;
}

/* Frame 0: guest 1 -> `dst` (MAC), UDP port 80 to 10.0.0.12 (guest 2)
 * when sent to guest 2's or the switch's MAC, else to 8.8.8.8. */
static void g1_frame(struct fx *x, const uint8_t *dst)
{
    struct hv_vsw_mac s = mac_of(G1);
    uint32_t dip =
        dst[5] == G2 || dst[5] == SW_MACB ? IP4(10, 0, 0, 12) : IP4(8, 8, 8, 8);
    x->pkt[0].len = (uint16_t)make_udp(x->buf[0], dst, s.b, IP4(10, 0, 0, 11),
                                       dip, 1000, 80);
}

/* Send it; return where it went and check whether the cache answered. */
static uint64_t send_g1(struct fx *x, const uint8_t *dst, hv_time_t now,
                        bool expect_hit)
{
    uint64_t before = hv_vsw_stats(x->sw)->flow_hits;
    g1_frame(x, dst);
    fx_send(x, G1, 1, now);
    assert_int_equal(hv_vsw_stats(x->sw)->flow_hits - before, expect_hit);
    return fx_dest(x, 0);
}

/* Frame from an uplink with source MAC `mac` (teaches the switch). */
static void uplink_from(struct fx *x, unsigned int port, const uint8_t *mac,
                        hv_time_t now)
{
    struct hv_vsw_mac d = mac_of(0xa9);
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], d.b, mac, -1, 0x88b5, 60);
    fx_send(x, port, 1, now);
}

static const uint8_t OUTSIDE[6] = {0x02, 0, 0, 0, 0, 0xa7};

/* Tagged frames longer than the untagged maximum are left to the general
 * parser, and are still switched and cached the same. */
static void test_fast_long_tagged(void **state)
{
    (void)state;
    struct fx *x = trig_setup(16);
    struct hv_vsw_mac g1 = mac_of(G1), g2 = mac_of(G2);
    for (size_t len = HV_VSW_FRAME_MAX - 6; len <= HV_VSW_FRAME_MAX; len++) {
        uint8_t *f = x->buf[0];
        size_t n = make_l4(f, g1.b, g2.b, 1, 17, IP4(10, 0, 0, 12),
                           IP4(10, 0, 0, 11), (uint16_t)len, 80, len - 46);
        assert_int_equal(n, len);
        struct vsw_flow_key fk, gk;
        struct hv_vsw_hdr h;
        enum hv_vsw_drop why;
        assert_int_equal(hv_vsw_parse(f, len, &h, &why), HV_OK);
        bool fast = vsw_flow_fast(f, len, vsw_flow_k3_port(G2), &fk);
        assert_int_equal(fast, len <= HV_VSW_FRAME_MAX - HV_VSW_VLAN_HLEN);
        if (fast) {
            vsw_flow_key(&gk, G2, f, &h);
            assert_memory_equal(&fk, &gk, sizeof(fk));
        }
        /* a new flow (its source port is the length): a miss, then a hit,
         * both delivered to guest 1 untagged */
        for (int round = 0; round < 2; round++) {
            uint64_t hits = hv_vsw_stats(x->sw)->flow_hits;
            x->pkt[0].len = (uint16_t)make_l4(
                f, g1.b, g2.b, 1, 17, IP4(10, 0, 0, 12), IP4(10, 0, 0, 11),
                (uint16_t)len, 80, len - 46);
            fx_send(x, G2, 1, 1000 + len);
            assert_int_equal(x->b.out_count, 1);
            assert_int_equal(fx_dest(x, 0), 1ull << G1);
            assert_int_equal(hv_vsw_out_len(x->pkt, &x->out[0]),
                             len - HV_VSW_VLAN_HLEN);
            assert_int_equal(hv_vsw_stats(x->sw)->flow_hits - hits, round);
        }
    }
    fx_free(x);
}

static void test_trigger_rules(void **state)
{
    (void)state;
    struct fx *x = trig_setup(64);
    struct hv_vsw_mac g2 = mac_of(G2);
    send_g1(x, g2.b, 10, false);
    assert_int_equal(send_g1(x, g2.b, 11, true), 1ull << G2);
    /* a COUNT rule and a DROP rule: the very next frame is dropped */
    struct hv_vsw_rule r;
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.action = HV_VSW_COUNT;
    assert_int_equal(hv_vsw_rule_add(x->sw, G1, &r), 0);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.dport_lo = r.dport_hi = 80;
    r.action = HV_VSW_DROP;
    assert_int_equal(hv_vsw_rule_add(x->sw, G1, &r), 1);
    assert_int_equal(send_g1(x, g2.b, 12, false), 0);
    assert_int_equal(send_g1(x, g2.b, 13, true), 0);
    assert_int_equal(fx_drops(x, G1, HV_VSW_DROP_RULE), 2);
    uint64_t hits;
    assert_int_equal(hv_vsw_rule_hits(x->sw, G1, 0, &hits), HV_OK);
    assert_int_equal(hits, 2); /* counted on the hit too */
    assert_int_equal(hv_vsw_rule_hits(x->sw, G1, 1, &hits), HV_OK);
    assert_int_equal(hits, 2);
    /* cleared: the next frame passes again */
    assert_int_equal(hv_vsw_rule_clear(x->sw, G1), HV_OK);
    assert_int_equal(send_g1(x, g2.b, 14, false), 1ull << G2);
    /* an egress rule on the destination */
    hv_vsw_rule_init(&r, HV_VSW_DIR_OUT);
    r.ip_proto = 17;
    r.action = HV_VSW_DROP;
    assert_int_equal(hv_vsw_rule_add(x->sw, G2, &r), 0);
    assert_int_equal(send_g1(x, g2.b, 15, false), 0);
    assert_int_equal(send_g1(x, g2.b, 16, true), 0);
    assert_int_equal(fx_drops(x, G2, HV_VSW_DROP_RULE), 2);
    fx_free(x);
}

static void test_trigger_ports_vlans(void **state)
{
    (void)state;
    struct fx *x = trig_setup(64);
    struct hv_vsw_mac g2 = mac_of(G2);
    send_g1(x, g2.b, 10, false);
    assert_int_equal(send_g1(x, g2.b, 11, true), 1ull << G2);
    /* the destination goes down: the next frame floods what is left */
    assert_int_equal(hv_vsw_port_remove(x->sw, G2), HV_OK);
    assert_int_equal(send_g1(x, g2.b, 12, false), 1ull << U4 | 1ull << U5);
    assert_int_equal(send_g1(x, g2.b, 13, true), 1ull << U4 | 1ull << U5);
    /* back up, on a trunk with native VLAN 1; then VLAN 1 taken away */
    struct hv_vsw_port_config c = guest_config(G2);
    c.vlan_mode = HV_VSW_VLAN_TRUNK;
    c.pvid = 1;
    assert_int_equal(hv_vsw_port_add(x->sw, G2, &c), HV_OK);
    assert_int_equal(send_g1(x, g2.b, 14, false), 1ull << G2);
    assert_int_equal(send_g1(x, g2.b, 15, true), 1ull << G2);
    assert_int_equal(hv_vsw_port_remove(x->sw, G2), HV_OK);
    c.pvid = 0;
    assert_int_equal(hv_vsw_port_add(x->sw, G2, &c), HV_OK);
    assert_int_equal(send_g1(x, g2.b, 16, false), 1ull << U4 | 1ull << U5);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, G2, 1, true), HV_OK);
    assert_int_equal(send_g1(x, g2.b, 17, false), 1ull << G2);
    assert_int_equal(x->out[0].tag_out, 1); /* tagged on the trunk */
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, G2, 1, false), HV_OK);
    assert_int_equal(send_g1(x, g2.b, 18, false), 1ull << U4 | 1ull << U5);
    fx_free(x);
}

static void test_trigger_learning(void **state)
{
    (void)state;
    struct fx *x = trig_setup(3);
    /* an outside host learned on uplink 4 */
    uplink_from(x, U4, OUTSIDE, 100);
    send_g1(x, OUTSIDE, 100, false);
    assert_int_equal(send_g1(x, OUTSIDE, 101, true), 1ull << U4);
    /* it moves to uplink 5: the next frame follows it */
    uplink_from(x, U5, OUTSIDE, 102);
    assert_int_equal(send_g1(x, OUTSIDE, 103, false), 1ull << U5);
    assert_int_equal(send_g1(x, OUTSIDE, 104, true), 1ull << U5);
    /* it falls silent and expires (ageing 1000, no fdb_age call): the
     * frame floods (guest 1 keeps its own entry alive by sending) */
    assert_int_equal(send_g1(x, OUTSIDE, 1102, true), 1ull << U5);
    assert_int_equal(send_g1(x, OUTSIDE, 1103, false),
                     1ull << G2 | 1ull << U4 | 1ull << U5);
    assert_int_equal(send_g1(x, OUTSIDE, 1104, true),
                     1ull << G2 | 1ull << U4 | 1ull << U5);
    /* it speaks again (the expired entry revives): unicast again */
    uplink_from(x, U4, OUTSIDE, 1105);
    assert_int_equal(send_g1(x, OUTSIDE, 1106, false), 1ull << U4);
    /* two new hosts fill the 3-entry table and evict it (oldest) */
    struct hv_vsw_mac h1 = mac_of(0xb1), h2 = mac_of(0xb2);
    assert_int_equal(send_g1(x, OUTSIDE, 1107, true), 1ull << U4);
    uplink_from(x, U5, h1.b, 1108);
    uplink_from(x, U5, h2.b, 1109);
    assert_int_equal(
        hv_vsw_fdb_lookup(x->sw, (const struct hv_vsw_mac *)OUTSIDE, 1, 1109),
        HV_ENOENT);
    assert_int_equal(send_g1(x, OUTSIDE, 1110, false),
                     1ull << G2 | 1ull << U4 | 1ull << U5);
    /* the source's own entry is refreshed by cache hits */
    struct hv_vsw_mac g1 = mac_of(G1);
    for (hv_time_t t = 1111; t < 5000; t += 500)
        send_g1(x, OUTSIDE, t, true);
    assert_int_equal(hv_vsw_fdb_lookup(x->sw, &g1, 1, 5000), G1);
    fx_free(x);
}

static int count_write(void *ctx, const void *data, size_t len)
{
    (void)data;
    (void)len;
    (*(unsigned int *)ctx)++;
    return 0;
}

static void test_trigger_mirror_rewrite_off(void **state)
{
    (void)state;
    struct fx *x = trig_setup(64);
    struct hv_vsw_mac g2 = mac_of(G2), swm = mac_of(SW_MACB);
    send_g1(x, g2.b, 10, false);
    send_g1(x, g2.b, 11, true);
    /* a mirror on the ingress port sees the very next frame */
    unsigned int writes = 0;
    struct hv_vsw_pcap w;
    assert_int_equal(hv_vsw_pcap_init(&w, 256, count_write, &writes), HV_OK);
    unsigned int header = writes;
    assert_int_equal(hv_vsw_mirror(x->sw, G1, &w), HV_OK);
    send_g1(x, g2.b, 12, false);
    send_g1(x, g2.b, 13, true);
    assert_int_equal(w.records, 2);
    assert_true(writes > header);
    assert_int_equal(hv_vsw_mirror(x->sw, G1, NULL), HV_OK);
    /* the gateway rewrite (to the switch's MAC, for guest 2's address) is
     * applied to every frame, hits included */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(send_g1(x, swm.b, 20 + i, i > 0), 1ull << G2);
        assert_memory_equal(x->buf[0], g2.b, 6);
    }
    /* off: every frame the long way, same answer */
    assert_int_equal(hv_vsw_flow_cache(x->sw, false), HV_OK);
    assert_int_equal(send_g1(x, g2.b, 30, false), 1ull << G2);
    assert_int_equal(send_g1(x, g2.b, 31, false), 1ull << G2);
    assert_int_equal(hv_vsw_flow_cache(x->sw, true), HV_OK);
    send_g1(x, g2.b, 32, false);
    assert_int_equal(send_g1(x, g2.b, 33, true), 1ull << G2);
    assert_int_equal(hv_vsw_flow_cache(NULL, true), HV_EINVAL);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differential),
        cmocka_unit_test(test_fast_key),
        cmocka_unit_test(test_fast_long_tagged),
        cmocka_unit_test(test_trigger_rules),
        cmocka_unit_test(test_trigger_ports_vlans),
        cmocka_unit_test(test_trigger_learning),
        cmocka_unit_test(test_trigger_mirror_rewrite_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
