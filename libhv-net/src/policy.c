/*
 * Policy: what a port may send and which rules a frame meets.
 *
 * Anti-spoofing is the transmit filter of early Xen's virtual
 * firewall-router: a guest port may only send from its configured MAC,
 * and IPv4 only from its configured addresses. ARP is checked field by
 * field, because ARP is how a guest would otherwise poison its neighbours'
 * caches: the sender hardware address must be the port's MAC and the
 * sender protocol address one of its addresses (or 0.0.0.0, an RFC 5227
 * probe). The single exception to the IPv4 rule is a DHCP client that has
 * no address yet: UDP 0.0.0.0:68 -> 255.255.255.255:67.
 *
 * Rules are a small ordered table per port, evaluated in sequence for the
 * direction at hand: COUNT bumps its counter and goes on, the first
 * ACCEPT, DROP or REDIRECT decides, and the port's default action applies
 * when nothing decided. The table is short (HV_VSW_RULES_MAX) and each
 * test is a couple of integer compares, so a linear scan is the fastest
 * structure there is at this size.
 */
#include "vsw_impl.h"

static bool port_has_ip(const struct hv_vsw_port *p, uint32_t ip)
{
    for (unsigned int i = 0; i < p->cfg.ipv4_count; i++)
        if (p->cfg.ipv4[i] == ip)
            return true;
    return false;
}

bool vsw_spoof_check(const struct hv_vsw_port *p, const uint8_t *f,
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

unsigned int vsw_rule_needs(const struct hv_vsw_rule *r)
{
    unsigned int need = 0;
    if (r->ip_proto != 0 || r->src_lo != 0 || r->src_hi != 0xffffffffu ||
        r->dst_lo != 0 || r->dst_hi != 0xffffffffu)
        need |= VSW_NEED_IP;
    if (r->sport_lo != 0 || r->sport_hi != 0xffff || r->dport_lo != 0 ||
        r->dport_hi != 0xffff)
        need |= VSW_NEED_IP | VSW_NEED_PORTS;
    return need;
}

static bool rule_matches(const struct hv_vsw_rule *r, unsigned int need,
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

/*
 * What a rule can do with a frame of class `cls`, decided once when the
 * table changes: VSW_CLS_NEVER (some field it restricts cannot match any
 * frame of the class: another protocol, another Ethernet type, ports or
 * IPv4 fields on a frame without them), VSW_CLS_ALWAYS (every field it
 * restricts is fixed by the class and matches), or VSW_CLS_CHECK (the
 * full match has to be run on each frame).
 */
enum { VSW_CLS_NEVER, VSW_CLS_ALWAYS, VSW_CLS_CHECK };

static int rule_vs_class(const struct hv_vsw_rule *r, unsigned int need,
                         unsigned int cls)
{
    if (cls == VSW_CLASS_OTHER) {
        if (need != 0)
            return VSW_CLS_NEVER;
        return r->ethertype == 0 ? VSW_CLS_ALWAYS : VSW_CLS_CHECK;
    }
    if (r->ethertype != 0 && r->ethertype != HV_VSW_ETHERTYPE_IP)
        return VSW_CLS_NEVER;
    bool check = r->src_lo != 0 || r->src_hi != 0xffffffffu || r->dst_lo != 0 ||
                 r->dst_hi != 0xffffffffu;
    if (cls == VSW_CLASS_IPV4) {
        if (need & VSW_NEED_PORTS)
            return VSW_CLS_NEVER;
        check = check || r->ip_proto != 0;
    } else {
        unsigned int proto =
            cls == VSW_CLASS_TCP ? HV_VSW_IPPROTO_TCP : HV_VSW_IPPROTO_UDP;
        if (r->ip_proto != 0 && r->ip_proto != proto)
            return VSW_CLS_NEVER;
        check = check || (need & VSW_NEED_PORTS) != 0;
    }
    return check ? VSW_CLS_CHECK : VSW_CLS_ALWAYS;
}

void vsw_rules_compile(struct hv_vsw_port *p)
{
    for (unsigned int d = 0; d < 2; d++) {
        for (unsigned int c = 0; c < HV_VSW_RULE_CLASSES; c++) {
            unsigned int n = 0;
            for (uint32_t i = 0; i < p->rule_count; i++) {
                if (!(p->rules[i].dir & (1u << d)))
                    continue;
                int v = rule_vs_class(&p->rules[i], p->rule_need[i], c);
                if (v == VSW_CLS_NEVER)
                    continue;
                p->cls_rules[d][c][n++] =
                    (uint8_t)(i | (v == VSW_CLS_ALWAYS ? VSW_RULE_ALWAYS : 0));
            }
            p->cls_count[d][c] = (uint8_t)n;
        }
    }
    bool any_in = false, any_out = false;
    for (uint32_t i = 0; i < p->rule_count; i++) {
        any_in = any_in || (p->rules[i].dir & HV_VSW_DIR_IN) != 0;
        any_out = any_out || (p->rules[i].dir & HV_VSW_DIR_OUT) != 0;
    }
    p->has_in_rules = any_in;
    p->has_out_rules = any_out;
}

enum hv_vsw_action vsw_rules_eval(struct hv_vsw_port *p, unsigned int dir,
                                  const struct hv_vsw_hdr *h, unsigned int cls,
                                  uint16_t *redirect)
{
    unsigned int d = dir == HV_VSW_DIR_IN ? 0 : 1;
    const uint8_t *list = p->cls_rules[d][cls];
    unsigned int n = p->cls_count[d][cls];
    for (unsigned int k = 0; k < n; k++) {
        unsigned int i = list[k] & (VSW_RULE_ALWAYS - 1);
        struct hv_vsw_rule *r = &p->rules[i];
        if (!(list[k] & VSW_RULE_ALWAYS) &&
            !rule_matches(r, p->rule_need[i], h))
            continue;
        r->hits++;
        if (r->action == HV_VSW_COUNT)
            continue;
        if (r->action == HV_VSW_REDIRECT)
            *redirect = r->redirect_port;
        return (enum hv_vsw_action)r->action;
    }
    return (enum hv_vsw_action)p->cfg.default_action;
}
