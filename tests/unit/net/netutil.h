/*
 * Helpers shared by the libhv-net unit tests: frame builders written
 * independently of the library (own checksum, own byte order code) and a
 * small switch fixture.
 */
#ifndef TEST_NETUTIL_H
#define TEST_NETUTIL_H

#include <hv/vsw.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define IP4(a, b, c, d)                                               \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | \
     (uint32_t)(d))

#define BUF_CAP 2048

static inline void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* RFC 1071 checksum, inverted, computed the slow obvious way. */
static inline uint16_t test_csum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static inline struct hv_vsw_mac mac_of(uint8_t last)
{
    struct hv_vsw_mac m = {{0x02, 0x00, 0x00, 0x00, 0x00, last}};
    return m;
}

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Ethernet header; vid < 0 means untagged. Returns the L3 offset. */
static inline size_t put_eth(uint8_t *f, const uint8_t *dst, const uint8_t *src,
                             int vid, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    if (vid >= 0) {
        put16(f + 12, 0x8100);
        put16(f + 14, (uint16_t)vid);
        put16(f + 16, type);
        return 18;
    }
    put16(f + 12, type);
    return 14;
}

/* IPv4 header (20 bytes) with a correct checksum. */
static inline void put_ip(uint8_t *ip, uint8_t proto, uint32_t src,
                          uint32_t dst, size_t payload)
{
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + payload));
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, test_csum(ip, 20, 0));
}

/* An IPv4/UDP (or TCP) frame with `payload` zero bytes; returns length. */
static inline size_t make_l4(uint8_t *f, const uint8_t *dst, const uint8_t *src,
                             int vid, uint8_t proto, uint32_t sip, uint32_t dip,
                             uint16_t sport, uint16_t dport, size_t payload)
{
    size_t l3 = put_eth(f, dst, src, vid, 0x0800);
    size_t l4len = (proto == 6 ? 20 : 8) + payload;
    put_ip(f + l3, proto, sip, dip, l4len);
    uint8_t *l4 = f + l3 + 20;
    memset(l4, 0, l4len);
    put16(l4, sport);
    put16(l4 + 2, dport);
    if (proto == 17)
        put16(l4 + 4, (uint16_t)l4len);
    else
        l4[12] = 5 << 4;
    return l3 + 20 + l4len;
}

static inline size_t make_udp(uint8_t *f, const uint8_t *dst,
                              const uint8_t *src, uint32_t sip, uint32_t dip,
                              uint16_t sport, uint16_t dport)
{
    return make_l4(f, dst, src, -1, 17, sip, dip, sport, dport, 18);
}

/* An ARP frame (28-byte body). */
static inline size_t make_arp(uint8_t *f, const uint8_t *dst,
                              const uint8_t *src, int vid, uint16_t op,
                              const uint8_t *sha, uint32_t spa,
                              const uint8_t *tha, uint32_t tpa)
{
    size_t l3 = put_eth(f, dst, src, vid, 0x0806);
    uint8_t *a = f + l3;
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, sha, 6);
    put32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    put32(a + 24, tpa);
    return l3 + 28;
}

/* A raw frame with an arbitrary Ethernet type and `len` total bytes. */
static inline size_t make_raw(uint8_t *f, const uint8_t *dst,
                              const uint8_t *src, int vid, uint16_t type,
                              size_t len)
{
    size_t l3 = put_eth(f, dst, src, vid, type);
    memset(f + l3, 0xab, len - l3);
    return len;
}

/* ---- fixture --------------------------------------------------------- */

#define SW_IP   IP4(10, 0, 0, 1)
#define SW_MACB 0xfe

struct fx {
    struct hv_vsw *sw;
    uint8_t buf[HV_VSW_BURST_MAX][BUF_CAP];
    struct hv_vsw_pkt pkt[HV_VSW_BURST_MAX];
    struct hv_vsw_out out[HV_VSW_BURST_MAX * HV_VSW_MAX_PORTS];
    struct hv_vsw_burst b;
};

static inline struct hv_vsw_config default_config(void)
{
    struct hv_vsw_config c;
    memset(&c, 0, sizeof(c));
    c.mac = mac_of(SW_MACB);
    c.ipv4 = SW_IP;
    c.netmask = IP4(255, 255, 255, 0);
    c.router = SW_IP;
    c.dns = IP4(10, 0, 0, 53);
    c.lease_secs = 3600;
    c.fdb_capacity = 1024;
    c.fdb_ageing = HV_SEC(300);
    c.dhcp = true;
    c.proxy_arp = true;
    return c;
}

/* Guest port n: MAC 02:00:00:00:00:n, IPv4 10.0.0.(10+n), access VLAN 1. */
static inline struct hv_vsw_port_config guest_config(unsigned int n)
{
    struct hv_vsw_port_config pc;
    memset(&pc, 0, sizeof(pc));
    pc.kind = HV_VSW_PORT_GUEST;
    pc.vlan_mode = HV_VSW_VLAN_ACCESS;
    pc.pvid = 1;
    pc.mac = mac_of((uint8_t)n);
    pc.ipv4_count = 1;
    pc.ipv4[0] = IP4(10, 0, 0, 10 + n);
    return pc;
}

static inline struct hv_vsw_port_config uplink_config(void)
{
    struct hv_vsw_port_config pc;
    memset(&pc, 0, sizeof(pc));
    pc.kind = HV_VSW_PORT_UPLINK;
    pc.vlan_mode = HV_VSW_VLAN_ACCESS;
    pc.pvid = 1;
    return pc;
}

static inline struct fx *fx_new(const struct hv_vsw_config *c)
{
    struct fx *x = calloc(1, sizeof(*x));
    assert_non_null(x);
    x->sw = calloc(1, sizeof(*x->sw));
    assert_non_null(x->sw);
    assert_int_equal(hv_vsw_init(x->sw, c), HV_OK);
    for (unsigned int i = 0; i < HV_VSW_BURST_MAX; i++) {
        x->pkt[i].data = x->buf[i];
        x->pkt[i].cap = BUF_CAP;
    }
    x->b.out = x->out;
    x->b.out_cap = HV_VSW_BURST_MAX * HV_VSW_MAX_PORTS;
    return x;
}

static inline void fx_free(struct fx *x)
{
    free(x->sw);
    free(x);
}

/* Send frames 0..n-1 (already built in x->buf, lengths in x->pkt) in. */
static inline void fx_send(struct fx *x, unsigned int port, unsigned int n,
                           hv_time_t now)
{
    assert_int_equal(hv_vsw_input(x->sw, port, x->pkt, n, now, &x->b), HV_OK);
    assert_int_equal(x->b.consumed, n);
}

/* Number of deliveries to `port` in the last burst. */
static inline unsigned int fx_count(const struct fx *x, unsigned int port)
{
    return x->b.port_first[port + 1] - x->b.port_first[port];
}

/* Bitmask of ports that received frame `pkt` in the last burst. */
static inline uint64_t fx_dest(const struct fx *x, unsigned int pkt)
{
    uint64_t m = 0;
    for (uint32_t i = 0; i < x->b.out_count; i++)
        if (x->out[i].pkt == pkt)
            m |= 1ull << x->out[i].port;
    return m;
}

static inline uint64_t fx_drops(const struct fx *x, unsigned int port,
                                enum hv_vsw_drop why)
{
    struct hv_vsw_port_stats st;
    assert_int_equal(hv_vsw_port_stats(x->sw, port, &st), HV_OK);
    return st.drops[why];
}

#endif /* TEST_NETUTIL_H */
