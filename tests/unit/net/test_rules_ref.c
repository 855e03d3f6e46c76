/*
 * The rule tables against a reference evaluator: random rule tables on
 * an uplink's ingress and two uplinks' egress, random frames of every
 * class the switch sorts rules by (TCP and UDP with ports, IPv4 without
 * ports: ICMP and later fragments, ARP, other Ethernet types), and the
 * delivered ports and every rule's hit counter compared with the plain
 * first-match reading of the documented semantics, written here
 * independently of the library's per-class pre-sorting.
 */
#include "netutil.h"

#define IN_PORT 1
#define OUT_A   2
#define OUT_B   3
#define NFRAMES 8

static uint32_t rng_state = 12345;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

static const uint32_t ips[] = {0,
                               IP4(172, 16, 0, 1),
                               IP4(172, 16, 0, 5),
                               IP4(172, 16, 1, 0),
                               IP4(192, 168, 0, 1),
                               0xffffffffu};
static const uint16_t l4ports[] = {0, 1, 22, 23, 80, 443, 9999, 65535};
static const uint16_t ethertypes[] = {0, 0x0800, 0x0806, 0x88b5};
static const uint8_t protos[] = {0, 1, 6, 17};

/* What the reference needs to know of a frame. */
struct ref_frame {
    uint16_t ethertype;
    bool ipv4, ports;
    uint8_t proto;
    uint32_t src, dst;
    uint16_t sport, dport;
};

struct ref_table {
    struct hv_vsw_rule r[HV_VSW_RULES_MAX];
    unsigned int n;
    uint64_t hits[HV_VSW_RULES_MAX];
    uint8_t dflt;
};

static bool restricted_ip(const struct hv_vsw_rule *r)
{
    return r->ip_proto != 0 || r->src_lo != 0 || r->src_hi != 0xffffffffu ||
           r->dst_lo != 0 || r->dst_hi != 0xffffffffu;
}

static bool restricted_ports(const struct hv_vsw_rule *r)
{
    return r->sport_lo != 0 || r->sport_hi != 0xffff || r->dport_lo != 0 ||
           r->dport_hi != 0xffff;
}

static bool ref_match(const struct hv_vsw_rule *r, const struct ref_frame *f)
{
    if (r->ethertype != 0 && r->ethertype != f->ethertype)
        return false;
    if ((restricted_ip(r) || restricted_ports(r)) && !f->ipv4)
        return false;
    if (restricted_ports(r) && !f->ports)
        return false;
    if (r->ip_proto != 0 && r->ip_proto != f->proto)
        return false;
    if (restricted_ip(r) && (f->src < r->src_lo || f->src > r->src_hi ||
                             f->dst < r->dst_lo || f->dst > r->dst_hi))
        return false;
    if (restricted_ports(r) &&
        (f->sport < r->sport_lo || f->sport > r->sport_hi ||
         f->dport < r->dport_lo || f->dport > r->dport_hi))
        return false;
    return true;
}

/* First ACCEPT/DROP/REDIRECT decides; *redir set for REDIRECT. */
static uint8_t ref_eval(struct ref_table *t, unsigned int dir,
                        const struct ref_frame *f, uint16_t *redir)
{
    for (unsigned int i = 0; i < t->n; i++) {
        const struct hv_vsw_rule *r = &t->r[i];
        if (!(r->dir & dir) || !ref_match(r, f))
            continue;
        t->hits[i]++;
        if (r->action == HV_VSW_COUNT)
            continue;
        *redir = r->redirect_port;
        return r->action;
    }
    return t->dflt;
}

static void pick_range32(uint32_t *lo, uint32_t *hi)
{
    if (rnd(2)) {
        *lo = 0;
        *hi = 0xffffffffu;
        return;
    }
    uint32_t a = ips[rnd(6)], b = ips[rnd(6)];
    *lo = a < b ? a : b;
    *hi = a < b ? b : a;
}

static void pick_range16(uint16_t *lo, uint16_t *hi)
{
    if (rnd(2)) {
        *lo = 0;
        *hi = 0xffff;
        return;
    }
    uint16_t a = l4ports[rnd(8)], b = l4ports[rnd(8)];
    *lo = a < b ? a : b;
    *hi = a < b ? b : a;
}

static void random_table(struct fx *x, unsigned int port, unsigned int dir,
                         struct ref_table *t)
{
    struct hv_vsw_port_config pc = uplink_config();
    pc.default_action = (uint8_t)(rnd(4) == 0 ? HV_VSW_DROP : HV_VSW_ACCEPT);
    assert_int_equal(hv_vsw_port_remove(x->sw, port), HV_OK);
    assert_int_equal(hv_vsw_port_add(x->sw, port, &pc), HV_OK);
    memset(t, 0, sizeof(*t));
    t->dflt = pc.default_action;
    t->n = 1 + rnd(HV_VSW_RULES_MAX);
    for (unsigned int i = 0; i < t->n; i++) {
        struct hv_vsw_rule *r = &t->r[i];
        hv_vsw_rule_init(r, dir);
        if (rnd(4) == 0)
            r->ethertype = ethertypes[rnd(4)];
        if (rnd(2))
            r->ip_proto = protos[rnd(4)];
        pick_range32(&r->src_lo, &r->src_hi);
        pick_range32(&r->dst_lo, &r->dst_hi);
        pick_range16(&r->sport_lo, &r->sport_hi);
        pick_range16(&r->dport_lo, &r->dport_hi);
        if (dir == HV_VSW_DIR_IN && rnd(6) == 0) {
            r->action = HV_VSW_REDIRECT;
            r->redirect_port = OUT_B;
        } else {
            static const uint8_t acts[] = {HV_VSW_ACCEPT, HV_VSW_DROP,
                                           HV_VSW_COUNT, HV_VSW_COUNT};
            r->action = acts[rnd(4)];
        }
        assert_int_equal(hv_vsw_rule_add(x->sw, port, r), (int)i);
    }
}

/* Frame i of the burst, described in *rf too. */
static size_t random_frame(uint8_t *f, struct ref_frame *rf)
{
    const uint8_t src[6] = {0x02, 0, 0, 0, 9, 1};
    const uint8_t dst[6] = {0x02, 0, 0, 0, 7, (uint8_t)rnd(200)};
    memset(rf, 0, sizeof(*rf));
    unsigned int kind = rnd(6);
    rf->src = ips[1 + rnd(4)];
    rf->dst = ips[1 + rnd(4)];
    if (kind == 0) { /* ARP reply */
        rf->ethertype = 0x0806;
        return make_arp(f, dst, src, -1, HV_VSW_ARP_REPLY, src, rf->src, dst,
                        rf->dst);
    }
    if (kind == 1) { /* another Ethernet type */
        rf->ethertype = 0x88b5;
        return make_raw(f, dst, src, -1, 0x88b5, 60);
    }
    rf->ethertype = 0x0800;
    rf->ipv4 = true;
    if (kind == 2) { /* ICMP */
        rf->proto = 1;
        size_t l3 = put_eth(f, dst, src, -1, 0x0800);
        put_ip(f + l3, 1, rf->src, rf->dst, 8);
        memset(f + l3 + 20, 0, 8);
        return l3 + 28;
    }
    rf->proto = kind == 3 || kind == 4 ? 6 : 17;
    rf->sport = l4ports[rnd(8)];
    rf->dport = l4ports[rnd(8)];
    if (rf->dport == HV_VSW_BOOTPS_PORT)
        rf->dport = 80;
    size_t len = make_l4(f, dst, src, -1, rf->proto, rf->src, rf->dst,
                         rf->sport, rf->dport, 4);
    if (kind == 4) { /* a later TCP fragment: no ports */
        uint8_t *ip = f + 14;
        put16(ip + 6, 0x0010);
        put16(ip + 10, 0);
        put16(ip + 10, test_csum(ip, 20, 0));
        rf->sport = rf->dport = 0;
        return len;
    }
    rf->ports = true;
    return len;
}

static void test_rules_against_reference(void **state)
{
    (void)state;
    struct hv_vsw_config c = default_config();
    struct fx *x = fx_new(&c);
    struct hv_vsw_port_config up = uplink_config();
    for (unsigned int p = IN_PORT; p <= OUT_B; p++)
        assert_int_equal(hv_vsw_port_add(x->sw, p, &up), HV_OK);
    static struct ref_table tin, ta, tb;
    hv_time_t now = HV_SEC(1);
    for (unsigned int round = 0; round < 400; round++) {
        random_table(x, IN_PORT, HV_VSW_DIR_IN | (rnd(2) ? HV_VSW_DIR_OUT : 0),
                     &tin);
        random_table(x, OUT_A, HV_VSW_DIR_OUT, &ta);
        random_table(x, OUT_B, HV_VSW_DIR_OUT | (rnd(2) ? HV_VSW_DIR_IN : 0),
                     &tb);
        uint64_t want[NFRAMES];
        for (unsigned int i = 0; i < NFRAMES; i++) {
            struct ref_frame rf;
            x->pkt[i].len = (uint16_t)random_frame(x->buf[i], &rf);
            uint16_t redir = 0, unused = 0;
            uint8_t a = ref_eval(&tin, HV_VSW_DIR_IN, &rf, &redir);
            uint64_t m = 0;
            if (a == HV_VSW_REDIRECT)
                m = 1ull << redir;
            else if (a == HV_VSW_ACCEPT)
                m = 1ull << OUT_A | 1ull << OUT_B;
            if ((m >> OUT_A) & 1 &&
                ref_eval(&ta, HV_VSW_DIR_OUT, &rf, &unused) == HV_VSW_DROP)
                m &= ~(1ull << OUT_A);
            if ((m >> OUT_B) & 1 &&
                ref_eval(&tb, HV_VSW_DIR_OUT, &rf, &unused) == HV_VSW_DROP)
                m &= ~(1ull << OUT_B);
            want[i] = m;
        }
        fx_send(x, IN_PORT, NFRAMES, now);
        now += HV_MSEC(1);
        for (unsigned int i = 0; i < NFRAMES; i++)
            assert_int_equal(fx_dest(x, i), want[i]);
        struct ref_table *ts[] = {&tin, &ta, &tb};
        for (unsigned int k = 0; k < 3; k++) {
            for (unsigned int i = 0; i < ts[k]->n; i++) {
                uint64_t hits;
                assert_int_equal(hv_vsw_rule_hits(x->sw, IN_PORT + k, i, &hits),
                                 HV_OK);
                assert_int_equal(hits, ts[k]->hits[i]);
            }
        }
    }
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
