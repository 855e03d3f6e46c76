/*
 * The data path: one burst of frames from one port in, deliveries grouped
 * per destination port out.
 *
 * hv_vsw_input() walks the frames in order and decides each one. A frame
 * of the common shape (IPv4 TCP/UDP) is parsed and keyed in one go and
 * looked up in the verdict cache (flow.h); on a hit its recorded effects
 * are replayed. Otherwise the long path (decide.h, with the destination
 * rules) runs: the general parser
 * (parse.h; for a frame the one-pass parser took, its header is read
 * without a second validation), ingress VLAN, anti-spoofing, storm
 * limit, ingress rules, learning, the switch's own responders (ARP,
 * DHCP), then the destination set as a 64-bit port mask, then egress VLAN
 * membership and egress rules per destination; what it did is recorded
 * in a cache entry when the frame is cacheable.
 *
 * Each delivery is staged as soon as its frame is decided, as a finished
 * descriptor appended to its port's row of sw->stage (a port receives at
 * most one delivery per frame, so a row of HV_VSW_BURST_MAX never fills).
 * Appending in frame order keeps arrival order within each port (TCP
 * never sees the switch reorder its segments). After the last frame the
 * rows are copied one after the other into the caller's array, which
 * gives the grouping by port, and the egress counters are added per port;
 * mirrors, when there are any, are fed last, in frame order, from
 * sw->scratch (each frame's destination mask, VLAN and tag).
 *
 * Two first passes: pass_fast() when the cache is on and no mirror is set
 * (the usual case), which replays a plain hit (one destination, a
 * learning refresh, rule counters) inline and sends every other frame to
 * frame_slow(); pass_general() otherwise, every frame through the same
 * code as frame_slow(), inlined. Both give the same results (net-flow and
 * fuzz-net-frame run both against a switch without the cache).
 *
 * Per-frame work is kept to what the frame itself needs: the parsers,
 * the cache lookup, anti-spoofing and the rule walk are inlined, MAC
 * addresses compare as integers, counters of the ingress port are summed
 * per burst, a plain hit's rule counters are one pending count in its
 * entry (flow.h), and learning is skipped when the previous frame of the
 * burst learned the same (source MAC, VLAN): from the same port at the
 * same time, that entry is already exact and the newest (a hit skips its
 * refresh for the same reason).
 *
 * The out array is only filled if it can take the worst case (one
 * descriptor per port up) of each frame, checked before the frame has any
 * effect, so a short array gives documented partial progress: the first
 * `consumed` frames are done, the rest untouched.
 */
#include "decide.h"
#include "parse.h"

VSW_INLINE bool fdb_live(const struct hv_vsw *sw, uint32_t i, hv_time_t now)
{
    return i == HV_VSW_NIL || now - sw->fdb[i].seen <= sw->cfg.fdb_ageing;
}

/* The rarer effects of a cached verdict. */
static void flow_replay_rare(struct hv_vsw *sw, struct hv_vsw_port *ip,
                             const struct hv_vsw_flow_cold *c, uint8_t *f)
{
    if (c->in_drop != VSW_FLOW_NONE)
        ip->stats.drops[c->in_drop]++;
    for (uint64_t m = c->edrop; m; m &= m - 1)
        drop(&sw->ports[hv_word_ffs(m)], HV_VSW_DROP_RULE);
    if (c->rewrite != VSW_FLOW_NONE)
        net_mac_copy(f, sw->ports[c->rewrite].cfg.mac.b);
}

/* Replay a cached verdict: the same effects decide_long() had. */
VSW_INLINE uint64_t flow_replay(struct hv_vsw *sw, struct hv_vsw_port *ip,
                                const struct hv_vsw_flow *e,
                                struct hv_vsw_pkt *pkt, hv_time_t now,
                                struct hv_vsw_scratch *sc,
                                struct burst_cache *bc)
{
    const struct hv_vsw_flow_cold *c = vsw_flow_cold(sw, e);
    if (e->src_fdb != VSW_FLOW_NO_FDB) {
        vsw_fdb_refresh(sw, e->src_fdb, now);
        bc->learned = e->learned;
        bc->in_frames++;
        bc->in_bytes += pkt->len;
    }
    for (unsigned int i = 0; i < HV_VSW_FLOW_HITS; i++)
        if (c->hit[i] != HV_VSW_NO_HIT)
            (*vsw_flow_counter(sw, c->hit[i]))++;
    if (hv_unlikely(e->rare))
        flow_replay_rare(sw, ip, c, pkt->data);
    sc->d = e->out;
    return c->mask;
}

/* Both learning entries of e are live (or absent). */
VSW_INLINE bool flow_live(struct hv_vsw *sw, const struct hv_vsw_flow *e,
                          hv_time_t now)
{
    return fdb_live(sw, vsw_flow_src_fdb(e), now) &&
           fdb_live(sw, vsw_flow_cold(sw, e)->dst_fdb, now);
}

/* Look a key up; a live entry or NULL, and in *slot where to store it. */
VSW_INLINE struct hv_vsw_flow *
flow_find(struct hv_vsw *sw, const struct vsw_flow_key *k, hv_time_t now,
          const struct burst_cache *bc, struct hv_vsw_flow **slot)
{
    struct hv_vsw_flow *e = vsw_flow_set(sw, k);
    for (unsigned int w = 0; w < 2; w++) {
        if ((e[w].gen & ~1u) == sw->flow_gen && vsw_flow_match(&e[w], k)) {
            *slot = &e[w];
            if (bc->all_live || flow_live(sw, &e[w], now))
                return &e[w];
            return NULL;
        }
    }
    /* a free way, else the second (the first is kept: a flow hit twice
     * in a row stays where it is) */
    *slot = (e[0].gen & ~1u) != sw->flow_gen ? &e[0] : &e[1];
    return NULL;
}

/*
 * Decide a frame the cache did not answer: parse it fully, look it up if
 * it is cacheable but not of the common shape (keyed == false), else
 * decide it the long way and store the verdict in `slot`.
 */
VSW_INLINE uint64_t decide_miss(struct hv_vsw *sw, unsigned int in_port,
                                struct hv_vsw_pkt *pkt, hv_time_t now,
                                struct hv_vsw_scratch *sc,
                                struct burst_cache *bc, struct vsw_flow_key *k,
                                struct hv_vsw_flow *slot, bool keyed)
{
    struct hv_vsw_port *ip = &sw->ports[in_port];
    struct hv_vsw_hdr h;
    enum hv_vsw_drop why;
    uint8_t *f = pkt->data;

    if (keyed) /* vsw_flow_fast() validated it */
        vsw_flow_hdr(f, pkt->len, &h);
    else if (vsw_parse(f, pkt->len, &h, &why) < 0) {
        drop(ip, why);
        return 0;
    }
    uint64_t src_mac = net_mac_key(f + 6);
    if (hv_vsw_mac_is_group(f + 6) || src_mac == 0) {
        drop(ip, HV_VSW_DROP_BAD_SRC);
        return 0;
    }
    struct vsw_flow_rec rec, *rp = NULL;
    if (bc->flow_on && vsw_flow_cacheable(f, &h)) {
        if (!keyed) {
            vsw_flow_key(k, in_port, f, &h);
            struct hv_vsw_flow *e = flow_find(sw, k, now, bc, &slot);
            if (e != NULL) {
                bc->hits++;
                return flow_replay(sw, ip, e, pkt, now, sc, bc);
            }
        }
        bc->misses++;
        rec = (struct vsw_flow_rec){.ok = true,
                                    .in_drop = VSW_FLOW_NONE,
                                    .rewrite = VSW_FLOW_NONE,
                                    .src_fdb = HV_VSW_NIL,
                                    .dst_fdb = HV_VSW_NIL,
                                    .hit = {HV_VSW_NO_HIT, HV_VSW_NO_HIT,
                                            HV_VSW_NO_HIT, HV_VSW_NO_HIT}};
        rp = &rec;
    }
    /* one call site: decide_long() is inlined once */
    uint64_t mask = decide_long(sw, in_port, pkt, &h, now, sc, bc, rp);
    if (rp != NULL && rec.ok)
        vsw_flow_store(sw, slot, k, &rec, mask);
    return mask;
}

static inline size_t out_len(const struct hv_vsw_pkt *pkts,
                             const struct hv_vsw_out *o)
{
    size_t len = pkts[o->pkt].len;
    if (o->tag_in && !o->tag_out)
        len -= HV_VSW_VLAN_HLEN;
    else if (!o->tag_in && o->tag_out)
        len += HV_VSW_VLAN_HLEN;
    return len;
}

/*
 * The delivery of frame i to port p. A frame leaves tagged unless its
 * VLAN is the port's pvid: on a trunk that is the native VLAN, and an
 * access port only ever receives frames of its pvid (every destination
 * set went through the VLAN membership filter, and a reply goes back in
 * the VLAN its request was admitted in).
 */
static inline struct hv_vsw_out delivery(const struct hv_vsw *sw,
                                         unsigned int i,
                                         const struct hv_vsw_scratch *sc,
                                         unsigned int p)
{
    return (struct hv_vsw_out){.pkt = (uint16_t)i,
                               .port = (uint16_t)p,
                               .vid = sc->d.vid,
                               .tag_in = sc->d.tag_in,
                               .tag_out = sc->d.vid != sw->ports[p].cfg.pvid};
}

/* How the per-frame slow path is entered (see frame_slow()). */
enum slow_mode {
    SLOW_FULL,   /* from the start */
    SLOW_LOOKUP, /* parsed and keyed by vsw_flow_fast(): look it up */
    SLOW_KEYED,  /* parsed and keyed by vsw_flow_fast(), not in the cache:
                  * the long path, storing into `e` */
    SLOW_HIT,    /* a hit on an entry with rarer effects (e->rare) */
};

/*
 * Every frame that is not a plain cache hit: decide it, keep the
 * decision in sw->scratch[i] (for the mirrors), and stage its deliveries
 * on their ports in frame order.
 */
VSW_INLINE void frame_body(struct hv_vsw *sw, unsigned int in_port,
                           struct hv_vsw_pkt *pkts, unsigned int i,
                           hv_time_t now, struct burst_cache *bc,
                           enum slow_mode mode, struct vsw_flow_key *k,
                           struct hv_vsw_flow *e)
{
    struct hv_vsw_scratch *sc = &sw->scratch[i];
    struct hv_vsw_pkt *pkt = &pkts[i];
    struct vsw_flow_key kf = {{0}}; /* set before use; quiets gcc */
    uint64_t m;

    bc->slow++;
    if (mode == SLOW_FULL) {
        if (pkt->data == NULL || pkt->len > pkt->cap) {
            drop(&sw->ports[in_port], HV_VSW_DROP_BAD_LEN);
            sc->mask = 0;
            return;
        }
        if (bc->in_mirror)
            (void)hv_vsw_pcap_record(bc->in_mirror, now, pkt->data, pkt->len);
        k = &kf;
        e = NULL;
        if (bc->flow_on && vsw_flow_fast(pkt->data, pkt->len, bc->k3_port, k))
            mode = SLOW_LOOKUP;
    }
    if (mode == SLOW_LOOKUP) {
        struct hv_vsw_flow *slot;
        e = flow_find(sw, k, now, bc, &slot);
        mode = e != NULL ? SLOW_HIT : SLOW_KEYED;
        if (e == NULL)
            e = slot;
    }
    /* one call site each: decide_miss() is inlined once */
    if (mode == SLOW_HIT) {
        bc->hits++;
        m = flow_replay(sw, &sw->ports[in_port], e, pkt, now, sc, bc);
    } else {
        m = decide_miss(sw, in_port, pkt, now, sc, bc, k, e,
                        mode == SLOW_KEYED);
    }
    sc->mask = m;
    for (; m; m &= m - 1) {
        unsigned int p = (unsigned int)hv_word_ffs(m);
        struct hv_vsw_out o = delivery(sw, i, sc, p);
        *(struct hv_vsw_out *)bc->wp[p]++ = o;
        bc->bytes[p] += out_len(pkts, &o);
        bc->used++;
    }
}

/* frame_body() out of line, for pass_fast(). */
static __attribute__((noinline)) void
frame_slow(struct hv_vsw *sw, unsigned int in_port, struct hv_vsw_pkt *pkts,
           unsigned int i, hv_time_t now, struct burst_cache *bc,
           enum slow_mode mode, struct vsw_flow_key *k, struct hv_vsw_flow *e)
{
    frame_body(sw, in_port, pkts, i, now, bc, mode, k, e);
}

/*
 * The first pass with every frame through frame_body(): with the cache
 * off, or mirrors to feed (which need sw->scratch of every frame). Takes
 * frames while the output has room (always, when `roomy`). Returns the
 * frames taken. Out of line, with the long path inlined in its loop.
 */
static __attribute__((noinline)) unsigned int
pass_general(struct hv_vsw *sw, unsigned int in_port, struct hv_vsw_pkt *pkts,
             unsigned int count, hv_time_t now, const struct hv_vsw_burst *b,
             struct burst_cache *bc, bool roomy, uint32_t worst)
{
    unsigned int n;
    for (n = 0; n < count; n++) {
        if (!roomy && b->out_cap - bc->used < worst)
            break;
        frame_body(sw, in_port, pkts, n, now, bc, SLOW_FULL, NULL, NULL);
    }
    return n;
}

/*
 * The first pass with the cache on and no mirror: a frame of the common
 * shape that hits a plain entry (one destination, a learning refresh,
 * rule counters) is replayed and staged here, inline; any other goes to
 * frame_slow(). Same results as pass_general().
 */
VSW_INLINE unsigned int pass_fast(struct hv_vsw *sw, unsigned int in_port,
                                  struct hv_vsw_pkt *pkts, unsigned int count,
                                  hv_time_t now, const struct hv_vsw_burst *b,
                                  struct burst_cache *bc, bool roomy, bool live,
                                  uint32_t worst)
{
    uint64_t k3_port = bc->k3_port;
    uint64_t learned = bc->learned; /* bc->learned, kept in a register */
    uint64_t in_bytes = 0;
    uint32_t gen = sw->flow_gen; /* changed only by frame_slow() */
    unsigned int n;
    for (n = 0; n < count; n++) {
        if (!roomy && b->out_cap - bc->used < worst)
            break;
        struct hv_vsw_pkt *pkt = &pkts[n];
        struct vsw_flow_key k, kc; /* kc: k's copy for frame_slow(), so
                                    * that k can stay in registers */
        enum slow_mode mode = SLOW_FULL;
        struct hv_vsw_flow *se = NULL;
        uint64_t len = pkt->len;
        if (hv_unlikely(pkt->data == NULL || len > pkt->cap ||
                        !vsw_flow_fast(pkt->data, len, k3_port, &k)))
            goto slow;
        /* a valid plain entry has gen == flow_gen exactly (rare ones
         * have bit 0 set): anything else is looked up by frame_slow() */
        struct hv_vsw_flow *e = vsw_flow_set(sw, &k);
        if (!vsw_flow_match_gen(e, &k, gen)) {
            if (!vsw_flow_match_gen(&e[1], &k, gen)) {
                /* flow_find() for the rest: a rare entry (only those
                 * ways' keys are compared again), else where to store */
                kc = k;
                se = e->gen == (gen | 1u) && vsw_flow_match(e, &k) ? e
                     : e[1].gen == (gen | 1u) && vsw_flow_match(&e[1], &k)
                         ? &e[1]
                         : NULL;
                if (se == NULL) {
                    mode = SLOW_KEYED;
                    se = (e->gen & ~1u) != gen ? e : &e[1];
                } else if (!live && !flow_live(sw, se, now)) {
                    mode = SLOW_KEYED;
                } else {
                    mode = SLOW_HIT;
                }
                goto slow;
            }
            e++;
        }
        if (!live && hv_unlikely(!flow_live(sw, e, now))) {
            kc = k;
            mode = SLOW_KEYED;
            se = e;
            goto slow;
        }
        /* the plain hit: flow_replay() and staging, specialised */
        if (e->learned != learned) {
            vsw_fdb_refresh(sw, e->src_fdb, now);
            learned = e->learned;
        }
        in_bytes += len;
        e->pending++; /* its rule counters, added up later (flow.h) */
        unsigned int p = e->out.port;
        /* e->out is the descriptor but for its frame number (0) */
        *bc->wp[p]++ = *(const net_u64_any *)&e->out | (uint64_t)n
                                                           << VSW_FIRST16_SHIFT;
        bc->bytes[p] += len + (uint64_t)e->out_delta;
        if (!roomy)
            bc->used++;
        continue;
    slow: /* the one call site of frame_slow() */
        bc->learned = learned;
        frame_slow(sw, in_port, pkts, n, now, bc, mode, &kc, se);
        learned = bc->learned;
        gen = sw->flow_gen;
    }
    bc->learned = learned;
    bc->in_bytes += in_bytes;
    /* frames not through frame_slow() were plain hits */
    bc->hits += n - bc->slow;
    bc->in_frames += n - bc->slow;
    return n;
}

/* The mirror copy of each delivery to a mirrored port, in frame order. */
static void mirror_out(struct hv_vsw *sw, const struct hv_vsw_pkt *pkts,
                       unsigned int n, hv_time_t now)
{
    for (unsigned int i = 0; i < n; i++) {
        const struct hv_vsw_scratch *sc = &sw->scratch[i];
        for (uint64_t m = sc->mask & sw->mirror_mask; m; m &= m - 1) {
            unsigned int p = (unsigned int)hv_word_ffs(m);
            struct hv_vsw_out o = delivery(sw, i, sc, p);
            hv_ssize_t len =
                hv_vsw_out_copy(pkts, &o, sw->copy_buf, sizeof(sw->copy_buf));
            if (len > 0)
                (void)hv_vsw_pcap_record(sw->ports[p].mirror, now, sw->copy_buf,
                                         (size_t)len);
        }
    }
}

int hv_vsw_input(struct hv_vsw *sw, unsigned int in_port,
                 struct hv_vsw_pkt *pkts, unsigned int count, hv_time_t now,
                 struct hv_vsw_burst *b)
{
    if (sw == NULL || b == NULL || in_port >= HV_VSW_MAX_PORTS ||
        count > HV_VSW_BURST_MAX || (count > 0 && pkts == NULL) ||
        (b->out == NULL && b->out_cap > 0))
        return HV_EINVAL;
    if (!sw->ports[in_port].up)
        return HV_ENOENT;

    /* First pass: decide each frame and stage its deliveries per port.
     * The room check is only needed when the array cannot take the
     * worst case of the whole burst. */
    uint32_t worst = sw->up_count;
    bool roomy = b->out_cap >= count * worst;
    unsigned int top = sw->up_top;
    /* Learning-table entries expire in LRU order (times never decrease),
     * and `now` is fixed for the burst: if the oldest is live, all are,
     * and the cache needs no per-hit expiry check. */
    uint32_t oldest = sw->lru_head;
    struct burst_cache bc;
    bc.learned = ~0ull;
    bc.in_frames = bc.in_bytes = 0;
    bc.hits = bc.misses = 0;
    bc.flow_on = sw->flow_on;
    bc.all_live = oldest == HV_VSW_NIL ||
                  now - sw->fdb[oldest].seen <= sw->cfg.fdb_ageing;
    bc.in_mirror = sw->ports[in_port].mirror;
    bc.k3_port = vsw_flow_k3_port(in_port);
    bc.used = 0;
    bc.slow = 0;
    for (unsigned int p = 0; p < top; p++) { /* deliveries go to ports up */
        bc.wp[p] = (uint64_t *)&sw->stage[p][0];
        bc.bytes[p] = 0;
    }
    unsigned int n;
    if (bc.flow_on && bc.in_mirror == NULL && sw->mirror_mask == 0)
        n = roomy && bc.all_live ? pass_fast(sw, in_port, pkts, count, now, b,
                                             &bc, true, true, worst)
            : roomy ? pass_fast(sw, in_port, pkts, count, now, b, &bc, true,
                                false, worst)
                    : pass_fast(sw, in_port, pkts, count, now, b, &bc, false,
                                bc.all_live, worst);
    else
        n = pass_general(sw, in_port, pkts, count, now, b, &bc, roomy, worst);
    b->consumed = (uint16_t)n;
    struct hv_vsw_port *ip = &sw->ports[in_port];
    ip->stats.in_frames += bc.in_frames;
    ip->stats.in_bytes += bc.in_bytes;
    sw->stats.flow_hits += bc.hits;
    sw->stats.flow_misses += bc.misses;

    /* Second step: each port's staged deliveries, one after the other
     * (grouped by port, frame order within a port). */
    uint32_t at = 0;
    for (unsigned int p = 0; p < top; p++) {
        const uint64_t *from = (const uint64_t *)sw->stage[p];
        uint32_t c = (uint32_t)(bc.wp[p] - from);
        uint64_t *to = (uint64_t *)&b->out[at];
        HV_STATIC_ASSERT(sizeof(struct hv_vsw_out) == 8, "copied as words");
        uint32_t j = 0;
        for (; j + 2 <= c; j += 2) {
            uint64_t x = from[j], y = from[j + 1];
            to[j] = x;
            to[j + 1] = y;
        }
        if (j < c)
            to[j] = from[j];
        b->port_first[p] = at;
        at += c;
        sw->ports[p].stats.out_frames += c;
        sw->ports[p].stats.out_bytes += bc.bytes[p];
    }
    /* the rest of port_first: blocks of 16 (four 128-bit stores where
     * the target has them), then 8, then one at a time */
    unsigned int q = top;
    for (; q + 16 <= HV_VSW_MAX_PORTS + 1; q += 16) {
        uint32_t *pf = &b->port_first[q];
        for (unsigned int j = 0; j < 16; j++)
            pf[j] = at;
    }
    for (; q + 8 <= HV_VSW_MAX_PORTS + 1; q += 8) {
        b->port_first[q] = at;
        b->port_first[q + 1] = at;
        b->port_first[q + 2] = at;
        b->port_first[q + 3] = at;
        b->port_first[q + 4] = at;
        b->port_first[q + 5] = at;
        b->port_first[q + 6] = at;
        b->port_first[q + 7] = at;
    }
    for (; q <= HV_VSW_MAX_PORTS; q++)
        b->port_first[q] = at;
    b->out_count = at;
    if (sw->mirror_mask)
        mirror_out(sw, pkts, n, now);
    return HV_OK;
}

size_t hv_vsw_out_len(const struct hv_vsw_pkt *pkts, const struct hv_vsw_out *o)
{
    return out_len(pkts, o);
}

hv_ssize_t hv_vsw_out_copy(const struct hv_vsw_pkt *pkts,
                           const struct hv_vsw_out *o, void *dst, size_t cap)
{
    const uint8_t *src = pkts[o->pkt].data;
    size_t len = pkts[o->pkt].len;
    size_t out = hv_vsw_out_len(pkts, o);
    uint8_t *d = dst;

    if (out > cap)
        return HV_ENOBUFS;
    if (o->tag_in == o->tag_out) {
        hv_memcpy(d, src, len);
    } else if (o->tag_in) {
        hv_memcpy(d, src, 12);
        hv_memcpy(d + 12, src + 16, len - 16);
    } else {
        hv_memcpy(d, src, 12);
        net_put16(d + 12, HV_VSW_ETHERTYPE_VLAN);
        net_put16(d + 14, o->vid);
        hv_memcpy(d + 16, src + 12, len - 12);
    }
    return (hv_ssize_t)out;
}
