/*
 * The verdict cache: the switch's decision for a flow, computed once by
 * the long path (switch.c) and replayed for the flow's later frames.
 *
 * What is cached is a decision, never a frame. Every frame still goes
 * through the strict parser (lengths, VLAN tag, IPv4 header and checksum,
 * L4 header), and the cache is keyed on a compact summary of exactly the
 * fields the decision reads: the ingress port, destination and source
 * MAC, the 802.1Q tag (present or not, VID), the inner Ethernet type
 * (which gives the layer-3 kind), IPv4 source and destination, protocol,
 * whether ports were decoded, and the two ports. Fields that vary per
 * packet within a flow (IP id, TOS, checksum, TTL, lengths, payload, the
 * tag's priority) are not in the key, so real flows hit, and no field the
 * decision reads is left out, so a hit is the decision the long path
 * would take. The common frame shape is parsed and keyed in one pass
 * (vsw_flow_fast() below), the rest by the general parser.
 *
 * An entry holds what the long path did to the switch's state for that
 * frame, as a list of effects to replay: the destination mask (after
 * VLAN membership and egress rules), the drop reason counted on the
 * ingress port (spoofing, VLAN, rule, demux...) if any, the ports whose
 * egress rules dropped it, the rule hit counters to bump (COUNT rules
 * and the deciding rule of each table walked, up to HV_VSW_FLOW_HITS),
 * the learning entry refreshed by the source (index into the table: one
 * timestamp store and the LRU move), the learning entry the destination
 * was found in (checked for expiry on each hit), and the port whose MAC
 * replaces the destination MAC (the gateway rewrite), and the finished
 * delivery descriptor when there is one destination. An entry with just
 * one delivery, a learning refresh and rule counters is "plain"; any
 * other effect makes it "rare" (bit 0 of its generation, so one
 * comparison finds a plain hit), replayed out of line.
 *
 * A plain hit does not bump its rule counters: it adds one to the
 * entry's `pending` count, and the pending hits are added to the rule
 * counters (vsw_flow_fold) when the entry is reused for another flow,
 * before any rule or port change (config.c, which folds every entry), and
 * before the generation wraps; hv_vsw_rule_hits() adds the pending hits
 * of every entry that names the counter. Generation changes that leave
 * the rules alone (learning, VLANs, mirrors) leave pending hits where they
 * are: the counters they name stay the same.
 *
 * Exact invalidation is by generation: the switch has one 32-bit
 * generation (even), an entry is valid only while its `gen` is it (plus
 * the rare bit), and
 * everything that can change any verdict bumps it: every configuration
 * call (ports up or down, addresses, VLANs, rules, mirrors, the cache
 * switch itself) and every learning-table change other than a refresh of
 * a live entry on its own port (a new entry, an eviction, a move to
 * another port, a refresh that revives an expired entry, ageing,
 * forgetting a port). Time-only changes are checked on each hit instead:
 * an entry whose source or destination learning entry has expired misses,
 * and the long path takes over (and bumps the generation when it revives
 * the source); switch.c skips that check for a burst in which no entry of
 * the table has expired. On wrap-around every entry is cleared.
 *
 * Not cached, always on the long path: frames to a group address (the
 * storm limiter must meter each one, and flooding is rare), ARP and
 * frames to the DHCP server port (the responders rewrite them), frames
 * priority-tagged on a trunk (their tag is rewritten), frames the parser
 * refuses or with a group/zero source, and decisions with more rule
 * counters than an entry holds (HV_VSW_FLOW_HITS). Such frames never
 * get an entry, so they can never hit one.
 *
 * The cache has HV_VSW_FLOW_SLOTS entries in sets of two; a flow not
 * found takes a free way of its set, else the second (the first stays).
 * Private to libhv-net.
 */
#ifndef HV_NET_FLOW_H
#define HV_NET_FLOW_H

#include "vsw_impl.h"

#define VSW_FLOW_NONE 0xffu /* in_drop / rewrite: nothing */

/* The decision's inputs, see above. */
struct vsw_flow_key {
    uint64_t k[4];
};

/*
 * The key: raw bytes of the frame where they are the decision's inputs
 * (native-order loads: compared and hashed, never interpreted), and
 * parsed values where the raw bytes also hold per-packet fields:
 *   k[0] bytes 0..7   destination MAC and the first 2 bytes of the
 *        source; in a tagged frame the VID (not the tag's priority bits)
 *        instead of those 2 bytes, which k[1] holds anyway
 *   k[1] bytes 6..13  source MAC and the Ethernet type (0x8100 if tagged)
 *   k[2] IPv4 source and destination as on the wire (0 if not IPv4)
 *   k[3] TCP/UDP ports as on the wire (0 without) | protocol << 32 |
 *        in_port << 40 | has_ports << 46 | inner Ethernet type << 48
 * k[1] says whether the frame is tagged, and so what the top of k[0]
 * holds. For the layer-3 kind, the inner type says it (ARP is never
 * cached).
 */
static inline void vsw_flow_key(struct vsw_flow_key *k, unsigned int in_port,
                                const uint8_t *f, const struct hv_vsw_hdr *h)
{
    k->k[0] = h->tagged ? net_ld48(f) | (uint64_t)h->vid << VSW_LD48_FREE
                        : net_ld64(f);
    k->k[1] = net_ld64(f + 6);
    k->k[2] = h->l3_kind == HV_VSW_L3_IPV4 ? net_ld64(f + h->l3 + 12) : 0;
    k->k[3] = (h->has_ports ? net_ld32(f + h->l4) : 0) |
              (uint64_t)h->ip_proto << 32 | (uint64_t)in_port << 40 |
              (uint64_t)h->has_ports << 46 | (uint64_t)h->ethertype << 48;
}

/* Only these frames are stored (and so can ever hit). */
static inline bool vsw_flow_cacheable(const uint8_t *f,
                                      const struct hv_vsw_hdr *h)
{
    if (hv_vsw_mac_is_group(f) || h->l3_kind == HV_VSW_L3_ARP)
        return false;
    if (h->tagged && h->vid == 0)
        return false;
    return !(h->has_ports && h->ip_proto == HV_VSW_IPPROTO_UDP &&
             h->dport == HV_VSW_BOOTPS_PORT);
}

/* First entry of the key's set of two (2-way set associative): the set
 * is the top bits of a multiplicative hash, which depend on every bit of
 * x. The source MAC and type (k[1]) are left out of x: flows that differ
 * only there are rare, and would only share a set (the whole key is
 * compared). */
VSW_INLINE struct hv_vsw_flow *vsw_flow_set(struct hv_vsw *sw,
                                            const struct vsw_flow_key *k)
{
    HV_STATIC_ASSERT(HV_VSW_FLOW_SLOTS == 1024, "512 sets: the shift below");
    HV_STATIC_ASSERT(sizeof(struct hv_vsw_flow) == 64, "128 B a set");
    uint64_t x = k->k[0] ^ k->k[2] ^ k->k[3];
    x *= 0x9e3779b97f4a7c15ull;
    /* the set's byte offset, (x >> 55) * 128, as one shift and one mask */
    uint64_t off = (x >> (55 - 7)) & (511ull << 7);
    return (struct hv_vsw_flow *)((char *)sw->flow + off);
}

/* The rest of entry e. */
static inline struct hv_vsw_flow_cold *
vsw_flow_cold(struct hv_vsw *sw, const struct hv_vsw_flow *e)
{
    return &sw->flow_cold[e - sw->flow];
}

/* The learning entry e refreshes, HV_VSW_NIL for none. */
#define VSW_FLOW_NO_FDB 0xffffu
HV_STATIC_ASSERT(HV_VSW_FDB_MAX < VSW_FLOW_NO_FDB, "src_fdb is 16 bits");
static inline uint32_t vsw_flow_src_fdb(const struct hv_vsw_flow *e)
{
    return e->src_fdb == VSW_FLOW_NO_FDB ? HV_VSW_NIL : e->src_fdb;
}

/*
 * The common frame shape, parsed and keyed in one go: IPv4 without
 * options (untagged, or tagged with VID 1..4094), a first fragment, TCP
 * or UDP whose header is whole, in a frame of at most HV_VSW_FRAME_MAX -
 * 4 bytes (the untagged maximum; the few longer tagged frames are left
 * to the general parser). For such a frame the checks are exactly
 * those of vsw_parse() (which accepts it, with the same fields) and the
 * key is exactly vsw_flow_key()'s; anything else returns false and takes
 * the general parser. Addresses are not checked here: a frame the switch
 * would not cache (group addresses, a zero source, DHCP) has a key that
 * is never stored, so it misses and the long path sees it.
 *
 * The header checksum: the ones-complement sum of the header's 16-bit
 * words folds to 0xffff exactly when their plain sum T is a nonzero
 * multiple of 0xffff (folding keeps the value modulo 0xffff, since
 * 2^16 = 1 mod 0xffff; the first byte 0x45 makes T nonzero). The words
 * are added here as native 64-bit words with end-around carry, which
 * keeps the value modulo 2^64 - 1, a multiple of 0xffff; native byte
 * order may swap each word's bytes, which multiplies the sum by 256
 * modulo 0xffff, and 256 is invertible modulo 0xffff. So the header is
 * valid iff that sum is 0 modulo 0xffff: one remainder by a constant
 * instead of four folds.
 */
VSW_INLINE bool vsw_flow_fast(const uint8_t *f, size_t len, uint64_t k3_port,
                              struct vsw_flow_key *k)
{
    /* rem28: bytes after the first 28 of the IPv4 header (rem - 28) */
    const uint8_t *p;
    size_t rem28 = len - (HV_VSW_ETH_HLEN + 28);
    uint64_t k0;
    /* 42 <= len <= FRAME_MAX - 4 as one unsigned comparison (a tagged
     * frame longer than that is left to the general parser) */
    if (rem28 > HV_VSW_FRAME_MAX - HV_VSW_VLAN_HLEN - HV_VSW_ETH_HLEN - 28)
        return false;
    if (hv_likely((net_ld32(f + 12) & VSW_V4_MASK) == VSW_V4)) { /* 08 00 45 */
        p = f + HV_VSW_ETH_HLEN;
        k0 = net_ld64(f);
    } else {
        if (rem28 < HV_VSW_VLAN_HLEN ||
            net_get16(f + 12) != HV_VSW_ETHERTYPE_VLAN ||
            (net_ld32(f + 16) & VSW_V4_MASK) != VSW_V4)
            return false;
        uint64_t vid = net_get16(f + 14) & 0x0fffu;
        rem28 -= HV_VSW_VLAN_HLEN;
        /* 1 <= vid <= VID_MAX */
        if (vid - 1 >= HV_VSW_VID_MAX)
            return false;
        p = f + HV_VSW_ETH_HLEN + HV_VSW_VLAN_HLEN;
        k0 = (net_ld64(f) & VSW_LD48_MASK) | vid << VSW_LD48_FREE;
    }
    size_t total = net_get16(p + 2);
    /* 28 <= total <= rem as one unsigned comparison */
    if (total - 28 > rem28 ||
        (*(const net_u16_any *)(p + 6) & VSW_FRAG_MASK) != 0)
        return false;
    uint64_t a = net_ld64(p), b = net_ld64(p + 8);
    uint64_t s = a + b;
    s += s < a;
    uint64_t c = s + net_ld32(p + 16);
    c += c < s;
    if (c % 0xffffu != 0)
        return false;
    const uint8_t *l4 = p + 20;
    uint64_t k3;
    if (p[9] == HV_VSW_IPPROTO_UDP) {
        size_t ulen = net_get16(l4 + 4);
        /* 8 <= ulen <= total - 20 (total >= 28) */
        if (ulen - 8 > total - 28)
            return false;
        k3 = k3_port;
    } else if (p[9] == HV_VSW_IPPROTO_TCP) {
        if (total < 40) /* before reading the data offset at l4[12] */
            return false;
        size_t doff = (size_t)(l4[12] >> 4) * 4;
        if (doff < 20 || doff > total - 20)
            return false;
        k3 = k3_port ^ (uint64_t)(HV_VSW_IPPROTO_UDP ^ HV_VSW_IPPROTO_TCP)
                           << 32;
    } else {
        return false;
    }
    k->k[0] = k0;
    k->k[1] = net_ld64(f + 6);
    k->k[2] = net_ld64(p + 12);
    k->k[3] = net_ld32(l4) | k3;
    return true;
}

/*
 * The header vsw_parse() gives a frame vsw_flow_fast() took, read
 * without validating it again (the tests check both agree field by
 * field): the long path of a cache miss starts from it.
 */
static inline void vsw_flow_hdr(const uint8_t *f, size_t len,
                                struct hv_vsw_hdr *h)
{
    *h = (struct hv_vsw_hdr){0};
    unsigned int l3 = HV_VSW_ETH_HLEN;
    if (net_get16(f + 12) == HV_VSW_ETHERTYPE_VLAN) {
        h->tagged = 1;
        h->vid = net_get16(f + 14) & 0x0fffu;
        l3 += HV_VSW_VLAN_HLEN;
    }
    const uint8_t *p = f + l3;
    h->len = (uint16_t)len;
    h->l3 = (uint16_t)l3;
    h->l4 = (uint16_t)(l3 + 20);
    h->ethertype = HV_VSW_ETHERTYPE_IP;
    h->l3_kind = HV_VSW_L3_IPV4;
    h->ip_proto = p[9];
    h->has_ports = 1;
    h->ip_len = net_get16(p + 2);
    h->src_ip = net_get32(p + 12);
    h->dst_ip = net_get32(p + 16);
    h->sport = net_get16(p + 20);
    h->dport = net_get16(p + 22);
}

/* The part of k[3] vsw_flow_fast() takes from its caller: k[3] of a UDP
 * frame from in_port but for the ports (per-burst constant). */
static inline uint64_t vsw_flow_k3_port(unsigned int in_port)
{
    return (uint64_t)HV_VSW_IPPROTO_UDP << 32 | (uint64_t)in_port << 40 |
           1ull << 46 | (uint64_t)HV_VSW_ETHERTYPE_IP << 48;
}

VSW_INLINE bool vsw_flow_match(const struct hv_vsw_flow *e,
                               const struct vsw_flow_key *k)
{
    return ((e->key[0] ^ k->k[0]) | (e->key[1] ^ k->k[1]) |
            (e->key[2] ^ k->k[2]) | (e->key[3] ^ k->k[3])) == 0;
}

/* vsw_flow_match() of an entry whose gen is exactly `gen` (a plain
 * entry of the current generation), tested with one branch. */
VSW_INLINE bool vsw_flow_match_gen(const struct hv_vsw_flow *e,
                                   const struct vsw_flow_key *k, uint32_t gen)
{
    return ((e->gen ^ gen) | (e->key[0] ^ k->k[0]) | (e->key[1] ^ k->k[1]) |
            (e->key[2] ^ k->k[2]) | (e->key[3] ^ k->k[3])) == 0;
}

/*
 * What the long path did, recorded as it goes (switch.c). `ok` drops to
 * false when the decision cannot be replayed from an entry.
 */
struct vsw_flow_rec {
    bool ok;
    uint8_t in_drop;
    uint8_t rewrite;
    uint8_t nhits;
    uint16_t vid;
    uint8_t tag_in;
    uint64_t learned;
    uint32_t src_fdb;
    uint32_t dst_fdb;
    uint64_t edrop;
    uint16_t hit[HV_VSW_FLOW_HITS]; /* the first nhits; HV_VSW_NO_HIT after */
};

static inline void vsw_flow_rec_hit(struct vsw_flow_rec *rec,
                                    const struct hv_vsw *sw, unsigned int port,
                                    unsigned int rule)
{
    if (rec == NULL)
        return;
    if (rec->nhits >= HV_VSW_FLOW_HITS) {
        rec->ok = false;
        return;
    }
    (void)sw;
    rec->hit[rec->nhits++] = (uint16_t)(port << 4 | rule);
}

/* The rule counter a hit[] slot names. */
static inline uint64_t *vsw_flow_counter(struct hv_vsw *sw, uint16_t hit)
{
    return &sw->ports[hit >> 4].rule_hits[hit & 15u];
}

/* Add an entry's pending plain hits to its rule counters. */
static inline void vsw_flow_fold(struct hv_vsw *sw, struct hv_vsw_flow *e)
{
    const struct hv_vsw_flow_cold *c = vsw_flow_cold(sw, e);
    for (unsigned int i = 0; i < HV_VSW_FLOW_HITS; i++)
        if (c->hit[i] != HV_VSW_NO_HIT)
            *vsw_flow_counter(sw, c->hit[i]) += e->pending;
    e->pending = 0;
}

/* ... of every entry (before the rules or ports they name change). */
static inline void vsw_flow_fold_all(struct hv_vsw *sw)
{
    for (uint32_t i = 0; i < HV_VSW_FLOW_SLOTS; i++)
        if (sw->flow[i].pending != 0)
            vsw_flow_fold(sw, &sw->flow[i]);
}

/* Every verdict may have changed: start a new generation. */
static inline void vsw_flow_flush(struct hv_vsw *sw)
{
    sw->flow_gen += 2; /* even: bit 0 of an entry's gen is its `rare` */
    if (sw->flow_gen == 0) {
        vsw_flow_fold_all(sw);
        for (uint32_t i = 0; i < HV_VSW_FLOW_SLOTS; i++)
            sw->flow[i].gen = 0;
        sw->flow_gen = 2;
    }
}

/* A rule counter as the API shows it: with the hits still pending. */
static inline uint64_t vsw_flow_rule_hits(const struct hv_vsw *sw,
                                          unsigned int port, unsigned int rule)
{
    uint64_t n = sw->ports[port].rule_hits[rule];
    uint16_t h = (uint16_t)(port << 4 | rule);
    for (uint32_t i = 0; i < HV_VSW_FLOW_SLOTS; i++) {
        const struct hv_vsw_flow *e = &sw->flow[i];
        if (e->pending == 0)
            continue;
        for (unsigned int j = 0; j < HV_VSW_FLOW_HITS; j++)
            if (sw->flow_cold[i].hit[j] == h)
                n += e->pending;
    }
    return n;
}

VSW_INLINE void vsw_flow_store(struct hv_vsw *sw, struct hv_vsw_flow *e,
                               const struct vsw_flow_key *k,
                               const struct vsw_flow_rec *rec, uint64_t mask)
{
    if (e->pending != 0) /* hits of the flow this entry held */
        vsw_flow_fold(sw, e);
    struct hv_vsw_flow_cold *c = vsw_flow_cold(sw, e);
    for (unsigned int i = 0; i < 4; i++)
        e->key[i] = k->k[i];
    c->mask = mask;
    e->learned = rec->learned;
    c->edrop = rec->edrop;
    HV_CHECK(rec->src_fdb == HV_VSW_NIL || rec->src_fdb < HV_VSW_FDB_MAX);
    e->src_fdb =
        rec->src_fdb == HV_VSW_NIL ? VSW_FLOW_NO_FDB : (uint16_t)rec->src_fdb;
    c->dst_fdb = rec->dst_fdb;
    HV_STATIC_ASSERT(HV_VSW_FLOW_HITS == 4, "the rec's initialiser");
    *(net_u64_any *)c->hit = *(const net_u64_any *)rec->hit;
    c->in_drop = rec->in_drop;
    c->rewrite = rec->rewrite;
    unsigned int one = mask != 0 && (mask & (mask - 1)) == 0
                           ? (unsigned int)hv_word_ffs(mask)
                           : HV_VSW_MAX_PORTS;
    uint8_t tag_out = one < HV_VSW_MAX_PORTS &&
                      rec->vid != sw->ports[one].cfg.pvid; /* see delivery() */
    e->out = (struct hv_vsw_out){
        .port = (uint16_t)one,
        .vid = rec->vid,
        .tag_in = rec->tag_in,
        .tag_out = tag_out,
    };
    e->out_delta = (int8_t)(((int)tag_out - (int)rec->tag_in) * 4);
    e->rare = rec->in_drop != VSW_FLOW_NONE || rec->rewrite != VSW_FLOW_NONE ||
              rec->edrop != 0 || rec->src_fdb == HV_VSW_NIL ||
              one == HV_VSW_MAX_PORTS;
    e->gen = sw->flow_gen | e->rare;
}

#endif /* HV_NET_FLOW_H */
