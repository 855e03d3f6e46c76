/*
 * Frame parsing (private header: inlined into the data path, wrapped by
 * hv_vsw_parse() in frame.c): the only code in the switch that looks at raw
 * bytes before they are known to be well formed.
 *
 * The parser walks the headers outward-in and, at each step, first proves
 * that the bytes it is about to read lie inside the frame, then checks the
 * header's own consistency. Lengths are always compared as "remaining bytes
 * >= needed" on size_t values that cannot wrap, never as "offset + field <
 * len" sums a hostile field could overflow.
 *
 * What is accepted:
 *   - 14..HV_VSW_FRAME_MAX bytes (no FCS); at most one 802.1Q tag; the
 *     inner type may not be another tag (0x8100 or 0x88a8); VID 4095 is
 *     reserved and refused;
 *   - ARP only in its Ethernet/IPv4 form (htype 1, ptype 0x0800, 6/4);
 *   - IPv4 with version 4, IHL >= 5, IHL and total length within the
 *     frame (trailing Ethernet padding is allowed), a correct header
 *     checksum; TCP/UDP ports are decoded only from a first fragment that
 *     holds the whole TCP (data offset >= 5) or UDP (length within the IP
 *     payload) header. A first fragment too short for its L4 header is
 *     refused as truncated, so a rule on ports cannot be dodged by tiny
 *     fragments; later fragments carry `fragment = 1` and no ports.
 * Other Ethernet types are passed through as HV_VSW_L3_OTHER.
 */
#ifndef HV_NET_PARSE_H
#define HV_NET_PARSE_H

#include <hv/vsw_frame.h>

#include "bytes.h"

/*
 * Folded sum of an IPv4 header: the fixed 20 bytes as five big-endian
 * 32-bit words added into 64 bits (a ones-complement sum may be taken in
 * any word size and folded afterwards, RFC 1071 section 2), options, if
 * any, by the generic routine.
 */
static inline uint16_t ipv4_hdr_sum(const uint8_t *p, size_t ihl)
{
    uint64_t s = (uint64_t)net_get32(p) + net_get32(p + 4) + net_get32(p + 8) +
                 net_get32(p + 12) + net_get32(p + 16);
    s = (s & 0xffffffffu) + (s >> 32);
    s = (s & 0xffffu) + (s >> 16);
    s = (s & 0xffffu) + (s >> 16);
    s = (s & 0xffffu) + (s >> 16);
    if (ihl > 20)
        return hv_vsw_csum_partial(p + 20, ihl - 20, (uint32_t)s);
    return (uint16_t)s;
}

/*
 * Whether an IPv4 header's checksum is right (its folded sum is 0xffff).
 * For the usual 20-byte header, the same test without folding: the
 * ones-complement sum folds to 0xffff exactly when the plain sum T of
 * the header's 16-bit words is a nonzero multiple of 0xffff (folding
 * keeps the value modulo 0xffff, as 2^16 = 1 modulo 0xffff; T is nonzero
 * as the first byte is not). The words are added as native 64-bit words
 * with end-around carry, which keeps the value modulo 2^64 - 1, itself a
 * multiple of 0xffff; native byte order may swap the bytes of each word,
 * which multiplies the sum by 256 modulo 0xffff, and 256 is invertible
 * modulo 0xffff. So the header is valid iff that sum is 0 modulo 0xffff.
 */
typedef uint64_t vsw_parse_u64 __attribute__((aligned(1), may_alias));
typedef uint32_t vsw_parse_u32 __attribute__((aligned(1), may_alias));

static inline __attribute__((always_inline)) bool ipv4_hdr_ok(const uint8_t *p,
                                                              size_t ihl)
{
    if (ihl != 20)
        return ipv4_hdr_sum(p, ihl) == 0xffffu;
    uint64_t a = *(const vsw_parse_u64 *)p, b = *(const vsw_parse_u64 *)(p + 8);
    uint64_t s = a + b;
    s += s < a;
    uint64_t c = s + *(const vsw_parse_u32 *)(p + 16);
    c += c < s;
    return c % 0xffffu == 0;
}

static inline int vsw_bad(enum hv_vsw_drop *why, enum hv_vsw_drop reason)
{
    *why = reason;
    return HV_EBADMSG;
}

static inline int vsw_parse_arp(const uint8_t *p, size_t rem,
                                struct hv_vsw_hdr *h, enum hv_vsw_drop *why)
{
    if (rem < 28)
        return vsw_bad(why, HV_VSW_DROP_TRUNCATED);
    if (net_get16(p) != 1 || net_get16(p + 2) != HV_VSW_ETHERTYPE_IP ||
        p[4] != 6 || p[5] != 4)
        return vsw_bad(why, HV_VSW_DROP_BAD_LEN);
    h->arp_op = net_get16(p + 6);
    h->src_ip = net_get32(p + 14);
    h->dst_ip = net_get32(p + 24);
    h->l3_kind = HV_VSW_L3_ARP;
    return HV_OK;
}

static inline __attribute__((always_inline)) int
vsw_parse_ipv4(const uint8_t *p, size_t rem, struct hv_vsw_hdr *h,
               enum hv_vsw_drop *why)
{
    if (rem < 20)
        return vsw_bad(why, HV_VSW_DROP_TRUNCATED);
    if ((p[0] >> 4) != 4)
        return vsw_bad(why, HV_VSW_DROP_BAD_LEN);
    size_t ihl = (size_t)(p[0] & 0xfu) * 4;
    size_t total = net_get16(p + 2);
    if (ihl < 20 || ihl > rem)
        return vsw_bad(why, HV_VSW_DROP_BAD_LEN);
    if (total < ihl || total > rem)
        return vsw_bad(why, HV_VSW_DROP_BAD_LEN);
    if (!ipv4_hdr_ok(p, ihl))
        return vsw_bad(why, HV_VSW_DROP_BAD_CSUM);

    uint16_t frag = net_get16(p + 6);
    h->l3_kind = HV_VSW_L3_IPV4;
    h->ip_len = (uint16_t)total;
    h->ip_proto = p[9];
    h->src_ip = net_get32(p + 12);
    h->dst_ip = net_get32(p + 16);
    if ((frag & 0x1fffu) != 0) {
        h->fragment = 1;
        return HV_OK;
    }

    const uint8_t *l4 = p + ihl;
    size_t l4_rem = total - ihl;
    if (h->ip_proto == HV_VSW_IPPROTO_TCP) {
        if (l4_rem < 20)
            return vsw_bad(why, HV_VSW_DROP_TRUNCATED);
        size_t doff = (size_t)(l4[12] >> 4) * 4;
        if (doff < 20 || doff > l4_rem)
            return vsw_bad(why, HV_VSW_DROP_BAD_LEN);
    } else if (h->ip_proto == HV_VSW_IPPROTO_UDP) {
        if (l4_rem < 8)
            return vsw_bad(why, HV_VSW_DROP_TRUNCATED);
        size_t ulen = net_get16(l4 + 4);
        if (ulen < 8 || ulen > l4_rem)
            return vsw_bad(why, HV_VSW_DROP_BAD_LEN);
    } else {
        return HV_OK;
    }
    h->l4 = (uint16_t)(h->l3 + ihl);
    h->sport = net_get16(l4);
    h->dport = net_get16(l4 + 2);
    h->has_ports = 1;
    return HV_OK;
}

static inline __attribute__((always_inline)) int
vsw_parse(const void *frame, size_t len, struct hv_vsw_hdr *h,
          enum hv_vsw_drop *why)
{
    const uint8_t *f = frame;

    if (len > HV_VSW_FRAME_MAX) {
        *why = HV_VSW_DROP_OVERSIZE;
        return HV_E2BIG;
    }
    if (len < HV_VSW_ETH_HLEN)
        return vsw_bad(why, HV_VSW_DROP_TRUNCATED);

    *h = (struct hv_vsw_hdr){0};
    h->len = (uint16_t)len;
    h->l3 = HV_VSW_ETH_HLEN;
    uint16_t type = net_get16(f + 12);
    if (type == HV_VSW_ETHERTYPE_QINQ)
        return vsw_bad(why, HV_VSW_DROP_BAD_VLAN);
    if (type == HV_VSW_ETHERTYPE_VLAN) {
        if (len < HV_VSW_ETH_HLEN + HV_VSW_VLAN_HLEN)
            return vsw_bad(why, HV_VSW_DROP_TRUNCATED);
        uint16_t tci = net_get16(f + 14);
        type = net_get16(f + 16);
        h->tagged = 1;
        h->vid = tci & 0x0fffu;
        h->l3 = HV_VSW_ETH_HLEN + HV_VSW_VLAN_HLEN;
        if (h->vid > HV_VSW_VID_MAX || type == HV_VSW_ETHERTYPE_VLAN ||
            type == HV_VSW_ETHERTYPE_QINQ)
            return vsw_bad(why, HV_VSW_DROP_BAD_VLAN);
    } else if (len > HV_VSW_FRAME_MAX - HV_VSW_VLAN_HLEN) {
        *why = HV_VSW_DROP_OVERSIZE;
        return HV_E2BIG;
    }
    h->ethertype = type;

    const uint8_t *p = f + h->l3;
    size_t rem = len - h->l3;
    if (type == HV_VSW_ETHERTYPE_ARP)
        return vsw_parse_arp(p, rem, h, why);
    if (type == HV_VSW_ETHERTYPE_IP)
        return vsw_parse_ipv4(p, rem, h, why);
    h->l3_kind = HV_VSW_L3_OTHER;
    return HV_OK;
}

#endif /* HV_NET_PARSE_H */
