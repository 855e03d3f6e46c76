/*
 * The long path: how the switch decides a parsed frame from scratch, for
 * the data path (switch.c, which includes this private header so that
 * the whole decision is inlined into its per-frame slow path).
 *
 * decide_long() takes the frame through ingress VLAN, anti-spoofing (a
 * guest sends only from its own addresses; an uplink may not speak for a
 * guest or the switch), the broadcast storm limit, the ingress rules,
 * learning, the switch's responders (ARP, DHCP), the destination set as
 * a 64-bit port mask, VLAN membership of the destinations and their
 * egress rules. Every counter it bumps is bumped here; with a record
 * (`rec`), what it did is also noted for the verdict cache (flow.h).
 *
 * Destination rules, in order:
 *   1. a REDIRECT rule sends the frame to its port only;
 *   2. a group destination MAC floods the frame's VLAN;
 *   3. unicast IPv4 to a configured guest address is demultiplexed to that
 *      guest: accepted when the destination MAC is the guest's, rewritten
 *      to the guest's MAC when it was the switch's (the guest used the
 *      switch as its gateway), dropped (DEMUX) otherwise;
 *   4. other frames to the switch's MAC are dropped (LOCAL): the switch
 *      has no IP stack beyond ARP and DHCP;
 *   5. otherwise the learning table, then the configured guest MACs, and
 *      failing both the frame floods its VLAN (unknown unicast).
 * A frame never goes back out of the port it came in on, except the
 * switch's own replies.
 */
#ifndef HV_NET_DECIDE_H
#define HV_NET_DECIDE_H

#include "flow.h"
#include "policy.h"

static inline void drop(struct hv_vsw_port *p, enum hv_vsw_drop why)
{
    p->stats.drops[why]++;
}

VSW_INLINE uint64_t vlan_members(const struct hv_vsw *sw, uint16_t vid)
{
    uint64_t mask = 0;
    uint64_t up = sw->up_mask;
    while (up) {
        unsigned int p = (unsigned int)hv_word_ffs(up);
        up &= up - 1;
        if (vsw_port_in_vlan(&sw->ports[p], vid))
            mask |= 1ull << p;
    }
    return mask;
}

/* Ingress VLAN: the frame's VLAN on this port, or false to drop. */
VSW_INLINE bool ingress_vlan(struct hv_vsw_port *p, uint8_t *f,
                             const struct hv_vsw_hdr *h, uint16_t *vid,
                             enum hv_vsw_drop *why)
{
    if (p->cfg.vlan_mode == HV_VSW_VLAN_ACCESS) {
        if (h->tagged) {
            *why = HV_VSW_DROP_BAD_VLAN;
            return false;
        }
        *vid = p->cfg.pvid;
        return true;
    }
    if (!h->tagged || h->vid == 0) {
        if (p->cfg.pvid == 0) {
            *why = HV_VSW_DROP_VLAN_DENIED;
            return false;
        }
        *vid = p->cfg.pvid;
        if (h->tagged) /* priority tag: give it the native VID in place */
            net_put16(f + 14,
                      (uint16_t)((net_get16(f + 14) & 0xf000u) | p->cfg.pvid));
        return true;
    }
    if (!vsw_port_in_vlan(p, h->vid)) {
        *why = HV_VSW_DROP_VLAN_DENIED;
        return false;
    }
    *vid = h->vid;
    return true;
}

/* Broadcast storm limit (GCRA): true if the group frame is admitted. */
static inline bool storm_admit(struct hv_vsw_port *p, hv_time_t now)
{
    if (p->storm_interval == 0)
        return true;
    hv_time_t tat = HV_MAX(p->storm_tat, now);
    hv_time_t slack = (hv_time_t)(p->cfg.bcast_burst - 1) * p->storm_interval;
    if (tat - now > slack)
        return false;
    p->storm_tat = tat + p->storm_interval;
    return true;
}

/* Destination mask of a unicast frame; 0 with *why set to drop. */
VSW_INLINE uint64_t unicast_dest(struct hv_vsw *sw, uint8_t *f,
                                 const struct hv_vsw_hdr *h, uint16_t vid,
                                 hv_time_t now, enum hv_vsw_drop *why,
                                 struct vsw_flow_rec *rec)
{
    const uint8_t *dst = f;
    bool to_switch = net_mac_eq(dst, sw->cfg.mac.b);

    if (h->l3_kind == HV_VSW_L3_IPV4) {
        int owner = vsw_static_ip_find(sw, h->dst_ip);
        if (owner >= 0 && vsw_port_in_vlan(&sw->ports[owner], vid)) {
            const uint8_t *omac = sw->ports[owner].cfg.mac.b;
            if (to_switch) {
                net_mac_copy(f, omac);
                if (rec)
                    rec->rewrite = (uint8_t)owner;
            } else if (!net_mac_eq(dst, omac)) {
                *why = HV_VSW_DROP_DEMUX;
                return 0;
            }
            return 1ull << owner;
        }
    }
    if (to_switch) {
        *why = HV_VSW_DROP_LOCAL;
        return 0;
    }
    uint32_t idx = HV_VSW_NIL;
    int port = vsw_fdb_find(sw, dst, vid, now, &idx);
    if (rec)
        rec->dst_fdb = idx;
    if (port < 0) {
        port = vsw_static_find(sw, dst);
        if (port >= 0 && !vsw_port_in_vlan(&sw->ports[port], vid))
            port = -1;
    }
    if (port >= 0)
        return 1ull << port;
    return vlan_members(sw, vid);
}

/* Destinations not in the frame's VLAN (a redirect, a stale entry). */
VSW_INLINE uint64_t vlan_filter(const struct hv_vsw *sw, uint64_t mask,
                                uint16_t vid)
{
    uint64_t m = mask;
    while (m) {
        unsigned int p = (unsigned int)hv_word_ffs(m);
        m &= m - 1;
        if (!vsw_port_in_vlan(&sw->ports[p], vid))
            mask &= ~(1ull << p);
    }
    return mask;
}

/* Egress rules of each destination; drops count on the egress port. */
VSW_INLINE uint64_t egress_rules(struct hv_vsw *sw, uint64_t mask,
                                 const struct hv_vsw_hdr *h, unsigned int cls,
                                 struct vsw_flow_rec *rec)
{
    uint64_t m = mask;
    while (m) {
        unsigned int p = (unsigned int)hv_word_ffs(m);
        m &= m - 1;
        struct hv_vsw_port *port = &sw->ports[p];
        if (!port->has_out_rules)
            continue;
        uint16_t unused;
        enum hv_vsw_action a =
            vsw_rules_eval(sw, port, p, HV_VSW_DIR_OUT, h, cls, &unused, rec);
        if (a == HV_VSW_DROP) {
            drop(port, HV_VSW_DROP_RULE);
            mask &= ~(1ull << p);
            if (rec)
                rec->edrop |= 1ull << p;
        }
    }
    return mask;
}

/* An uplink may not speak for a guest: its MAC, its IPv4 addresses (also
 * as ARP sender), or the switch's own MAC. */
static inline bool uplink_source_ok(const struct hv_vsw *sw,
                                    unsigned int in_port, const uint8_t *f,
                                    const struct hv_vsw_hdr *h,
                                    enum hv_vsw_drop *why)
{
    int owner = vsw_static_find(sw, f + 6);
    if ((owner >= 0 && (unsigned int)owner != in_port) ||
        net_mac_eq(f + 6, sw->cfg.mac.b)) {
        *why = HV_VSW_DROP_SPOOF_MAC;
        return false;
    }
    if (h->l3_kind == HV_VSW_L3_OTHER || h->src_ip == 0)
        return true;
    if (vsw_static_ip_find(sw, h->src_ip) >= 0 ||
        (sw->cfg.ipv4 != 0 && h->src_ip == sw->cfg.ipv4)) {
        *why = h->l3_kind == HV_VSW_L3_ARP ? HV_VSW_DROP_SPOOF_ARP
                                           : HV_VSW_DROP_SPOOF_IP;
        return false;
    }
    return true;
}

/* What one burst remembers from frame to frame. */
struct burst_cache {
    uint64_t *wp[HV_VSW_MAX_PORTS]; /* next delivery to p: sw->stage[p] */
    uint64_t learned;               /* MAC | VID << 48 learned last, or ~0 */
    uint64_t in_frames, in_bytes;   /* added to the ingress port's counters */
    uint32_t hits, misses;
    bool flow_on;
    bool all_live; /* no learned entry has expired (now is fixed) */
    struct hv_vsw_pcap *in_mirror;
    uint64_t k3_port; /* vsw_flow_k3_port(in_port) */
    uint32_t used;    /* descriptors staged (kept only when not roomy) */
    uint32_t slow;    /* frames through frame_slow() */
    uint64_t bytes[HV_VSW_MAX_PORTS]; /* bytes delivered to p */
};

/* Decide a parsed frame the long way; returns its destination mask (0 =
 * dropped). With `rec`, what it does is also recorded for the cache. */
VSW_INLINE uint64_t decide_long(struct hv_vsw *sw, unsigned int in_port,
                                struct hv_vsw_pkt *pkt, struct hv_vsw_hdr *hp,
                                hv_time_t now, struct hv_vsw_scratch *sc,
                                struct burst_cache *bc,
                                struct vsw_flow_rec *rec)
{
    struct hv_vsw_port *ip = &sw->ports[in_port];
    const struct hv_vsw_hdr *h = hp;
    enum hv_vsw_drop why = HV_VSW_DROP_NO_DEST;
    uint16_t vid = 0;
    uint64_t mask;
    uint8_t *f = pkt->data;

    if (!ingress_vlan(ip, f, h, &vid, &why))
        goto out_drop;
    if (ip->cfg.kind == HV_VSW_PORT_GUEST) {
        if (!vsw_spoof_check(ip, f, h, &why))
            goto out_drop;
    } else if (!uplink_source_ok(sw, in_port, f, h, &why)) {
        goto out_drop;
    }
    if (rec) {
        rec->vid = vid;
        rec->tag_in = h->tagged;
    }
    bool group = hv_vsw_mac_is_group(f);
    if (group && !storm_admit(ip, now)) {
        why = HV_VSW_DROP_STORM;
        goto out_drop;
    }
    uint16_t redirect = HV_VSW_MAX_PORTS;
    unsigned int cls = vsw_rule_class(h);
    if (ip->has_in_rules) {
        enum hv_vsw_action a = vsw_rules_eval(sw, ip, in_port, HV_VSW_DIR_IN, h,
                                              cls, &redirect, rec);
        if (a == HV_VSW_DROP) {
            why = HV_VSW_DROP_RULE;
            goto out_drop;
        }
        if (a != HV_VSW_REDIRECT)
            redirect = HV_VSW_MAX_PORTS;
    }
    /* Learning the (source, VLAN) the previous frame of this burst
     * learned (or refreshed from the cache) would change nothing: same
     * port, same time, already the newest entry. */
    uint64_t src_key = net_mac_key(f + 6) | (uint64_t)vid << 48;
    if (src_key != bc->learned) {
        vsw_fdb_learn(sw, f + 6, vid, (uint16_t)in_port, now);
        bc->learned = src_key;
    }
    ip->stats.in_frames++;
    ip->stats.in_bytes += pkt->len;
    sc->d.vid = vid;
    sc->d.tag_in = h->tagged;
    if (rec) {
        rec->src_fdb = sw->fdb_last; /* the entry of bc->learned */
        rec->learned = src_key;
    }

    enum vsw_reply r = VSW_PASS;
    if (redirect == HV_VSW_MAX_PORTS) {
        if (h->l3_kind == HV_VSW_L3_ARP)
            r = vsw_arp(sw, in_port, pkt, hp, vid);
        else if (h->l3_kind == HV_VSW_L3_IPV4 && h->has_ports &&
                 h->ip_proto == HV_VSW_IPPROTO_UDP &&
                 h->dport == HV_VSW_BOOTPS_PORT)
            r = vsw_dhcp(sw, in_port, pkt, hp, &why);
    }
    if (r != VSW_PASS && rec) /* not cacheable frames: never here */
        rec->ok = false;
    if (r == VSW_REPLY)
        return 1ull << in_port;
    if (r == VSW_CONSUMED)
        return 0;
    if (r == VSW_DROPPED)
        goto out_drop;

    if (redirect != HV_VSW_MAX_PORTS)
        mask = (sw->up_mask >> redirect) & 1u ? 1ull << redirect : 0;
    else if (group)
        mask = vlan_members(sw, vid);
    else
        mask = unicast_dest(sw, f, h, vid, now, &why, rec);
    if (why != HV_VSW_DROP_NO_DEST && mask == 0)
        goto out_drop;
    mask = vlan_filter(sw, mask & ~(1ull << in_port), vid);
    if (mask == 0) {
        why = HV_VSW_DROP_NO_DEST;
        goto out_drop;
    }
    return egress_rules(sw, mask, h, cls, rec);

out_drop:
    drop(ip, why);
    if (rec)
        rec->in_drop = (uint8_t)why;
    return 0;
}

#endif /* HV_NET_DECIDE_H */
