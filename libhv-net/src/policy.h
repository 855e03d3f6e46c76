/*
 * The per-frame halves of policy.c (anti-spoofing, rule matching), inlined
 * into the data path. policy.c explains both and builds the per-class rule
 * lists vsw_rules_eval() walks. Private to libhv-net.
 */
#ifndef HV_NET_POLICY_H
#define HV_NET_POLICY_H

#include "flow.h"

static inline bool port_has_ip(const struct hv_vsw_port *p, uint32_t ip)
{
    for (unsigned int i = 0; i < p->cfg.ipv4_count; i++)
        if (p->cfg.ipv4[i] == ip)
            return true;
    return false;
}

static inline __attribute__((always_inline)) bool
vsw_spoof_check(const struct hv_vsw_port *p, const uint8_t *f,
                const struct hv_vsw_hdr *h, enum hv_vsw_drop *why)
{
    if (!net_mac_eq(f + 6, p->cfg.mac.b)) {
        *why = HV_VSW_DROP_SPOOF_MAC;
        return false;
    }
    if (h->l3_kind == HV_VSW_L3_IPV4) {
        if (port_has_ip(p, h->src_ip))
            return true;
        if (h->src_ip == 0 && h->has_ports &&
            h->ip_proto == HV_VSW_IPPROTO_UDP &&
            h->sport == HV_VSW_BOOTPC_PORT && h->dport == HV_VSW_BOOTPS_PORT &&
            h->dst_ip == 0xffffffffu)
            return true;
        *why = HV_VSW_DROP_SPOOF_IP;
        return false;
    }
    if (h->l3_kind == HV_VSW_L3_ARP) {
        const uint8_t *sha = f + h->l3 + 8;
        if (!net_mac_eq(sha, p->cfg.mac.b) ||
            (h->src_ip != 0 && !port_has_ip(p, h->src_ip))) {
            *why = HV_VSW_DROP_SPOOF_ARP;
            return false;
        }
    }
    return true;
}

static inline bool rule_matches(const struct hv_vsw_rule *r, unsigned int need,
                                const struct hv_vsw_hdr *h)
{
    if (r->ethertype != 0 && r->ethertype != h->ethertype)
        return false;
    if (need == 0)
        return true;
    if (h->l3_kind != HV_VSW_L3_IPV4)
        return false;
    if (r->ip_proto != 0 && r->ip_proto != h->ip_proto)
        return false;
    if (h->src_ip < r->src_lo || h->src_ip > r->src_hi)
        return false;
    if (h->dst_ip < r->dst_lo || h->dst_ip > r->dst_hi)
        return false;
    if (need & VSW_NEED_PORTS) {
        if (!h->has_ports)
            return false;
        if (h->sport < r->sport_lo || h->sport > r->sport_hi)
            return false;
        if (h->dport < r->dport_lo || h->dport > r->dport_hi)
            return false;
    }
    return true;
}

/* Walk port `pidx`'s (p = &sw->ports[pidx]) rules for a frame; each counter
 * bumped is also recorded in `rec` (may be NULL) for the verdict cache. */
static inline enum hv_vsw_action
vsw_rules_eval(const struct hv_vsw *sw, struct hv_vsw_port *p,
               unsigned int pidx, unsigned int dir, const struct hv_vsw_hdr *h,
               unsigned int cls, uint16_t *redirect, struct vsw_flow_rec *rec)
{
    unsigned int d = dir == HV_VSW_DIR_IN ? 0 : 1;
    const uint16_t *list = p->cls_rules[d][cls];
    unsigned int n = p->cls_count[d][cls];
    for (unsigned int k = 0; k < n; k++) {
        unsigned int e = list[k];
        unsigned int i = e & (VSW_RULE_ALWAYS - 1);
        if (!(e & VSW_RULE_ALWAYS) &&
            !rule_matches(&p->rules[i], p->rule_need[i], h))
            continue;
        p->rule_hits[i]++;
        vsw_flow_rec_hit(rec, sw, pidx, i);
        unsigned int action = e >> 8;
        if (action == HV_VSW_COUNT)
            continue;
        if (action == HV_VSW_REDIRECT)
            *redirect = p->rules[i].redirect_port;
        return (enum hv_vsw_action)action;
    }
    return (enum hv_vsw_action)p->cfg.default_action;
}

#endif /* HV_NET_POLICY_H */
