/*
 * libFuzzer target: arbitrary bytes as frames into a fully configured
 * switch (guest, trunk and uplink ports, rules, ARP, DHCP, storm limit,
 * a mirror), then the switch's own invariants checked.
 *
 * Input: byte 0 picks the ingress port (low 6 bits), a short output
 * array (bit 6: partial progress) and whether port 4 is mirrored (bit
 * 7: without mirrors the switch replays plain cache hits inline, with
 * them every frame takes its general path), byte 1 the clock step; then
 * records of [len_hi len_lo bytes...] until the input runs out (the last
 * frame takes what is left). Each frame lives in its own heap buffer of
 * exactly `len` bytes (cap = len, or 400 for DHCP replies by bit 7 of
 * byte 1) so AddressSanitizer sees any read or write past it.
 *
 * The same frames also go through a second switch with the verdict cache
 * off: deliveries, frame bytes and counters must be identical. And the
 * cache's one-pass parser must agree with the general parser (same
 * acceptance, same key) on the whole input.
 */
#include <hv/vsw.h>

#include "../../../libhv-net/src/flow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PORTS 6

static int sink(void *ctx, const void *p, size_t n)
{
    (void)p;
    *(size_t *)ctx += n;
    return 0;
}

static struct hv_vsw *make_switch(void)
{
    struct hv_vsw *sw = calloc(1, sizeof(*sw));
    struct hv_vsw_config c;
    memset(&c, 0, sizeof(c));
    const uint8_t swmac[6] = {2, 0, 0, 0, 0, 0xfe};
    memcpy(c.mac.b, swmac, 6);
    c.ipv4 = 0x0a000001u;
    c.netmask = 0xffffff00u;
    c.router = c.ipv4;
    c.lease_secs = 600;
    c.fdb_capacity = 16;
    c.fdb_ageing = HV_SEC(5);
    c.dhcp = c.proxy_arp = true;
    if (hv_vsw_init(sw, &c) != HV_OK)
        abort();
    for (unsigned int p = 0; p < 4; p++) {
        struct hv_vsw_port_config pc;
        memset(&pc, 0, sizeof(pc));
        pc.kind = HV_VSW_PORT_GUEST;
        pc.vlan_mode = p == 3 ? HV_VSW_VLAN_TRUNK : HV_VSW_VLAN_ACCESS;
        pc.pvid = p == 2 ? 2 : 1;
        const uint8_t m[6] = {2, 0, 0, 0, 0, (uint8_t)p};
        memcpy(pc.mac.b, m, 6);
        pc.ipv4_count = 1;
        pc.ipv4[0] = 0x0a00000au + p;
        pc.bcast_rate = 100;
        pc.bcast_burst = 3;
        if (hv_vsw_port_add(sw, p, &pc) != HV_OK)
            abort();
    }
    hv_vsw_port_allow_vlan(sw, 3, 2, true);
    struct hv_vsw_port_config up;
    memset(&up, 0, sizeof(up));
    up.kind = HV_VSW_PORT_UPLINK;
    up.vlan_mode = HV_VSW_VLAN_TRUNK;
    up.pvid = 1;
    hv_vsw_port_add(sw, 4, &up);
    hv_vsw_port_allow_vlan(sw, 4, 2, true);
    hv_vsw_port_allow_vlan(sw, 4, 7, true);
    up.vlan_mode = HV_VSW_VLAN_ACCESS;
    up.pvid = 7;
    hv_vsw_port_add(sw, 5, &up);
    struct hv_vsw_rule r;
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.ip_proto = 6;
    r.dport_lo = 20;
    r.dport_hi = 30;
    r.action = HV_VSW_DROP;
    hv_vsw_rule_add(sw, 0, &r);
    hv_vsw_rule_init(&r, HV_VSW_DIR_IN);
    r.ip_proto = 17;
    r.dport_lo = r.dport_hi = 9;
    r.action = HV_VSW_REDIRECT;
    r.redirect_port = 4;
    hv_vsw_rule_add(sw, 1, &r);
    hv_vsw_rule_init(&r, HV_VSW_DIR_OUT | HV_VSW_DIR_IN);
    r.action = HV_VSW_COUNT;
    hv_vsw_rule_add(sw, 4, &r);
    return sw;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hv_vsw *sw, *ref;
    static size_t mirrored, ref_mirrored;
    static struct hv_vsw_pcap w, ref_w;
    if (sw == NULL) {
        sw = make_switch();
        hv_vsw_pcap_init(&w, 256, sink, &mirrored);
        hv_vsw_mirror(sw, 4, &w);
        ref = make_switch();
        hv_vsw_pcap_init(&ref_w, 256, sink, &ref_mirrored);
        hv_vsw_mirror(ref, 4, &ref_w);
        hv_vsw_flow_cache(ref, false);
    }
    if (size < 2)
        return 0;

    /* the one-pass parser of the cache against the general one */
    struct vsw_flow_key fk, gk;
    if (vsw_flow_fast(data, size, vsw_flow_k3_port(3), &fk)) {
        struct hv_vsw_hdr g;
        enum hv_vsw_drop gwhy;
        if (hv_vsw_parse(data, size, &g, &gwhy) != HV_OK)
            abort();
        vsw_flow_key(&gk, 3, data, &g);
        if (memcmp(&fk, &gk, sizeof(fk)) != 0)
            abort();
        struct hv_vsw_hdr fh;
        vsw_flow_hdr(data, size, &fh);
        if (memcmp(&fh, &g, sizeof(g)) != 0)
            abort();
    }

    /* the parser alone, on the whole input; a frame of the one-pass
     * parser's shape (IPv4 without options, ports decoded, untagged or
     * with a VID, at most HV_VSW_FRAME_MAX - 4 bytes) must have been
     * taken by it */
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why;
    if (hv_vsw_parse(data, size, &h, &why) == HV_OK) {
        if (h.l3 > size || (h.has_ports && (size_t)h.l4 + 8 > size))
            abort();
        if (h.has_ports && h.l4 == h.l3 + 20 && (!h.tagged || h.vid != 0) &&
            size <= HV_VSW_FRAME_MAX - HV_VSW_VLAN_HLEN &&
            !vsw_flow_fast(data, size, vsw_flow_k3_port(3), &fk))
            abort();
    } else if ((unsigned)why >= HV_VSW_DROP_COUNT) {
        abort();
    }

    unsigned int port = (data[0] & 0x3fu) % PORTS;
    bool tight = data[0] & 0x40;
    bool mirror = data[0] & 0x80;
    hv_time_t step = (hv_time_t)(data[1] & 0x7f) * HV_MSEC(50);
    bool room = data[1] & 0x80;
    static hv_time_t now = HV_SEC(1);
    now += step;
    data += 2;
    size -= 2;
    if (mirror != (sw->mirror_mask != 0)) {
        hv_vsw_mirror(sw, 4, mirror ? &w : NULL);
        hv_vsw_mirror(ref, 4, mirror ? &ref_w : NULL);
    }

    struct hv_vsw_pkt pkts[16], rpkts[16];
    unsigned int n = 0;
    while (size > 0 && n < 16) {
        size_t len = size;
        if (size >= 2) {
            len = (size_t)data[0] << 8 | data[1];
            data += 2;
            size -= 2;
            if (len > size)
                len = size;
        }
        size_t cap = room && len < 400 ? 400 : len;
        uint8_t *buf = malloc(cap ? cap : 1);
        memcpy(buf, data, len);
        pkts[n].data = buf;
        pkts[n].len = (uint16_t)(len > 0xffff ? 0xffff : len);
        pkts[n].cap = (uint16_t)(cap > 0xffff ? 0xffff : cap);
        rpkts[n] = pkts[n];
        rpkts[n].data = malloc(cap ? cap : 1);
        memcpy(rpkts[n].data, data, len);
        n++;
        data += len;
        size -= len;
    }

    static struct hv_vsw_out out[16 * HV_VSW_MAX_PORTS];
    struct hv_vsw_burst b;
    memset(&b, 0, sizeof(b));
    b.out = out;
    b.out_cap = (uint32_t)(tight ? n * PORTS / 2 : n * PORTS);
    if (hv_vsw_input(sw, port, pkts, n, now, &b) != HV_OK)
        abort();
    static struct hv_vsw_out rout[16 * HV_VSW_MAX_PORTS];
    struct hv_vsw_burst rb;
    memset(&rb, 0, sizeof(rb));
    rb.out = rout;
    rb.out_cap = b.out_cap;
    if (hv_vsw_input(ref, port, rpkts, n, now, &rb) != HV_OK)
        abort();
    if (rb.consumed != b.consumed || rb.out_count != b.out_count ||
        memcmp(rb.port_first, b.port_first, sizeof(b.port_first)) != 0 ||
        memcmp(rout, out, b.out_count * sizeof(out[0])) != 0 ||
        ref_mirrored != mirrored)
        abort();
    for (unsigned int i = 0; i < n; i++)
        if (rpkts[i].len != pkts[i].len ||
            memcmp(rpkts[i].data, pkts[i].data, pkts[i].len) != 0)
            abort();
    for (unsigned int p = 0; p < PORTS; p++) {
        struct hv_vsw_port_stats s1, s2;
        hv_vsw_port_stats(sw, p, &s1);
        hv_vsw_port_stats(ref, p, &s2);
        if (memcmp(&s1, &s2, sizeof(s1)) != 0)
            abort();
        for (unsigned int r = 0; r < HV_VSW_RULES_MAX; r++) {
            uint64_t h1 = 0, h2 = 0;
            if (hv_vsw_rule_hits(sw, p, r, &h1) !=
                    hv_vsw_rule_hits(ref, p, r, &h2) ||
                h1 != h2)
                abort();
        }
    }
    if ((tight ? b.consumed > n : b.consumed != n) ||
        b.port_first[HV_VSW_MAX_PORTS] != b.out_count)
        abort();
    static uint8_t copy[HV_VSW_FRAME_MAX + 8];
    for (unsigned int p = 0; p < HV_VSW_MAX_PORTS; p++) {
        if (b.port_first[p] > b.port_first[p + 1])
            abort();
        for (uint32_t i = b.port_first[p]; i < b.port_first[p + 1]; i++) {
            if (out[i].port != p || out[i].pkt >= b.consumed)
                abort();
            if (p == port && pkts[out[i].pkt].len == 0)
                abort();
            hv_ssize_t len = hv_vsw_out_copy(pkts, &out[i], copy, sizeof(copy));
            if (len < 0 || (size_t)len != hv_vsw_out_len(pkts, &out[i]))
                abort();
        }
    }
    if (hv_vsw_fdb_count(sw) > 16)
        abort();
    if (hv_vsw_fdb_age(sw, now) != hv_vsw_fdb_age(ref, now))
        abort();
    for (unsigned int i = 0; i < n; i++) {
        free(pkts[i].data);
        free(rpkts[i].data);
    }
    return 0;
}
