/*
 * A tour of libhv-net: a switch with two guests and an uplink.
 *
 * Guest A's "netfront" puts frames in a shared buffer page and posts
 * requests on a shared ring; the "netback" takes them, copies each frame
 * out of shared memory, and runs the burst through the switch. We watch
 * A get its address by DHCP, find B by (proxy) ARP, talk to B, and try to
 * lie about its address; the uplink tries to impersonate B. A mirror on
 * the uplink records what it sees as a pcap file in memory.
 */
#include <hv/vsw.h>
#include <hv/vsw_ring.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A      0
#define B      1
#define UPLINK 2

struct txreq { /* our own request layout: a frame in the buffer page */
    uint16_t id, offset, len, pad;
};

static size_t pcap_bytes;
static int count_bytes(void *ctx, const void *p, size_t n)
{
    (void)ctx;
    (void)p;
    pcap_bytes += n;
    return 0;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* An IPv4/UDP frame (checksum filled) at f; returns its length. */
static size_t udp_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src,
                        uint32_t sip, uint32_t dip, uint16_t sp, uint16_t dp,
                        const void *payload, size_t n)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    memset(ip, 0, 28);
    ip[0] = 0x45;
    put16(ip + 2, (unsigned)(28 + n));
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, sip);
    put32(ip + 16, dip);
    put16(ip + 10, (uint16_t)~hv_vsw_csum_partial(ip, 20, 0));
    put16(ip + 20, sp);
    put16(ip + 22, dp);
    put16(ip + 24, (unsigned)(8 + n));
    memcpy(ip + 28, payload, n);
    return 42 + n;
}

static size_t dhcp_frame(uint8_t *f, const uint8_t *mac, uint8_t type)
{
    uint8_t m[244 + 12] = {1, 1, 6, 0, 0xde, 0xad, 0xbe, 0xef};
    memcpy(m + 28, mac, 6);
    put32(m + 236, 0x63825363);
    uint8_t opts[] = {53, 1, type, 50, 4, 10, 0, 0, 10, 255};
    memcpy(m + 240, opts, sizeof(opts));
    static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    return udp_frame(f, bc, mac, 0, 0xffffffffu, 68, 67, m, sizeof(m));
}

static size_t arp_frame(uint8_t *f, const uint8_t *mac, uint32_t spa,
                        uint32_t tpa)
{
    memset(f, 0xff, 6);
    memcpy(f + 6, mac, 6);
    put16(f + 12, 0x0806);
    uint8_t a[28] = {0, 1, 8, 0, 6, 4, 0, 1};
    memcpy(a + 8, mac, 6);
    put32(a + 14, spa);
    put32(a + 24, tpa);
    memcpy(f + 14, a, 28);
    return 42;
}

static struct hv_vsw sw; /* ~290 KiB: static, not on the stack */

/* netback: drain A's ring, copy frames out, switch them, print. */
static void netback(struct hv_vsw_ring_back *rb, const uint8_t *shared,
                    hv_time_t now)
{
    static uint8_t bufs[32][2048];
    struct hv_vsw_pkt pkts[32];
    struct txreq rq;
    unsigned int n = 0;
    while (n < 32 && hv_vsw_ring_get_request(rb, &rq) == 1) {
        if (rq.len > 2048 || rq.offset > HV_PAGE_SIZE - rq.len)
            continue; /* a hostile request: refused, never followed */
        memcpy(bufs[n], shared + rq.offset, rq.len); /* copy out first */
        pkts[n] = (struct hv_vsw_pkt){bufs[n], rq.len, 2048};
        hv_vsw_ring_put_response(rb, &rq);
        n++;
    }
    bool notify;
    hv_vsw_ring_push_responses(rb, &notify);
    static struct hv_vsw_out out[32 * HV_VSW_MAX_PORTS];
    struct hv_vsw_burst b = {.out = out, .out_cap = 32 * HV_VSW_MAX_PORTS};
    hv_vsw_input(&sw, A, pkts, n, now, &b);
    for (unsigned int p = 0; p < 3; p++)
        for (uint32_t i = b.port_first[p]; i < b.port_first[p + 1]; i++) {
            const uint8_t *f = pkts[out[i].pkt].data;
            unsigned type = (unsigned)f[12] << 8 | f[13];
            printf("  frame %u -> port %u: %zu bytes, type %04x%s\n",
                   out[i].pkt, p, hv_vsw_out_len(pkts, &out[i]), type,
                   type == 0x0800 && f[23] == 17 && f[36] == 0 && f[37] == 68
                       ? " (DHCP reply)"
                   : type == 0x0806 && f[21] == 2 ? " (ARP reply)"
                                                  : "");
        }
}

int main(void)
{
    const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 0xa},
                  mac_b[6] = {2, 0, 0, 0, 0, 0xb};
    struct hv_vsw_config cfg = {
        .mac = {{2, 0, 0, 0, 0, 1}},
        .ipv4 = 0x0a000001,
        .netmask = 0xffffff00,
        .router = 0x0a000001,
        .lease_secs = 3600,
        .fdb_capacity = 256,
        .fdb_ageing = HV_SEC(300),
        .dhcp = true,
        .proxy_arp = true,
    };
    if (hv_vsw_init(&sw, &cfg) != HV_OK)
        return 1;
    struct hv_vsw_port_config pa = {.kind = HV_VSW_PORT_GUEST,
                                    .pvid = 1,
                                    .ipv4_count = 1,
                                    .ipv4 = {0x0a00000a}};
    memcpy(pa.mac.b, mac_a, 6);
    struct hv_vsw_port_config pb = pa;
    memcpy(pb.mac.b, mac_b, 6);
    pb.ipv4[0] = 0x0a00000b;
    struct hv_vsw_port_config up = {.kind = HV_VSW_PORT_UPLINK, .pvid = 1};
    if (hv_vsw_port_add(&sw, A, &pa) || hv_vsw_port_add(&sw, B, &pb) ||
        hv_vsw_port_add(&sw, UPLINK, &up))
        return 1;
    struct hv_vsw_pcap cap;
    hv_vsw_pcap_init(&cap, 65535, count_bytes, NULL);
    hv_vsw_mirror(&sw, UPLINK, &cap);

    /* the shared ring page and A's frame buffer page */
    uint8_t *ring = aligned_alloc(HV_PAGE_SIZE, HV_PAGE_SIZE);
    uint8_t *shared = aligned_alloc(HV_PAGE_SIZE, HV_PAGE_SIZE);
    struct hv_vsw_ring_front rf;
    struct hv_vsw_ring_back rb;
    struct hv_vsw_ring_plain plain = {ring, 1};
    uint32_t ref = 0;
    hv_vsw_ring_front_init(&rf, ring, HV_PAGE_SIZE, sizeof(struct txreq));
    hv_vsw_ring_back_attach(&rb, &hv_vsw_ring_plain_ops, &plain, &ref, 1,
                            sizeof(struct txreq));
    printf("ring: %u slots of %zu bytes\n",
           hv_vsw_ring_slots(HV_PAGE_SIZE, sizeof(struct txreq)),
           sizeof(struct txreq));

    const char *steps[] = {"DHCPDISCOVER", "DHCPREQUEST", "ARP who-has B",
                           "UDP A->B", "UDP from a spoofed address"};
    for (unsigned int s = 0; s < 5; s++) {
        size_t len;
        uint8_t *f = shared;
        if (s == 0 || s == 1)
            len = dhcp_frame(f, mac_a, s == 0 ? 1 : 3);
        else if (s == 2)
            len = arp_frame(f, mac_a, 0x0a00000a, 0x0a00000b);
        else
            len = udp_frame(f, mac_b, mac_a, s == 3 ? 0x0a00000a : 0x0a00000b,
                            0x0a00000b, 1000, 7, "hello", 5);
        struct txreq rq = {(uint16_t)s, 0, (uint16_t)len, 0};
        bool notify;
        hv_vsw_ring_put_request(&rf, &rq);
        hv_vsw_ring_push_requests(&rf, &notify);
        printf("%s (%zu bytes)%s\n", steps[s], len,
               notify ? ", backend notified" : "");
        netback(&rb, shared, HV_SEC(1 + s));
        struct txreq rsp;
        while (hv_vsw_ring_get_response(&rf, &rsp) == 1)
            ;
        bool more;
        hv_vsw_ring_final_check_responses(&rf, &more);
        /* the backend re-arms its event for the next request */
        hv_vsw_ring_final_check_requests(&rb, &more);
    }

    /* the outside pretends to be B: refused, and seen by the mirror */
    static uint8_t evil[64];
    struct hv_vsw_pkt ep = {evil, 0, sizeof(evil)};
    ep.len = (uint16_t)udp_frame(evil, mac_a, mac_b, 0x0a00000b, 0x0a00000a, 7,
                                 1000, "hi", 2);
    struct hv_vsw_out eo[4];
    struct hv_vsw_burst eb = {.out = eo, .out_cap = 4};
    hv_vsw_input(&sw, UPLINK, &ep, 1, HV_SEC(10), &eb);
    struct hv_vsw_port_stats su;
    hv_vsw_port_stats(&sw, UPLINK, &su);
    printf("uplink posing as B: %u delivered, spoof-mac drops %llu\n",
           eb.out_count, (unsigned long long)su.drops[HV_VSW_DROP_SPOOF_MAC]);

    struct hv_vsw_port_stats st;
    hv_vsw_port_stats(&sw, A, &st);
    printf("port A: in %llu, dhcp replies %llu, arp replies %llu, "
           "spoof-ip drops %llu\n",
           (unsigned long long)st.in_frames,
           (unsigned long long)st.dhcp_replies,
           (unsigned long long)st.arp_replies,
           (unsigned long long)st.drops[HV_VSW_DROP_SPOOF_IP]);
    printf("uplink mirror: %llu records, %zu pcap bytes\n",
           (unsigned long long)cap.records, pcap_bytes);
    hv_vsw_ring_back_detach(&rb);
    free(ring);
    free(shared);
    return st.dhcp_replies == 2 && st.arp_replies == 1 &&
                   st.drops[HV_VSW_DROP_SPOOF_IP] == 1 &&
                   su.drops[HV_VSW_DROP_SPOOF_MAC] == 1 && cap.records == 1
               ? 0
               : 1;
}
