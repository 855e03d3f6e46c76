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
 * when nothing decided. The table is short (HV_VSW_RULES_MAX), so it is
 * scanned in order; what is precomputed (here, whenever a table changes)
 * is which rules a frame can meet at all. Frames fall into four classes
 * (not IPv4, IPv4 without decoded ports, TCP, UDP); for each direction
 * and class a port keeps the list of its rules that can match such a
 * frame, each marked as matching every frame of the class (its narrowed
 * fields are all fixed by the class) or as needing the field-by-field
 * test. The data path (policy.h) computes the frame's class once and
 * walks that list; leaving out rules that cannot match and skipping tests
 * whose answer is known changes neither the decision nor any hit counter.
 * (One bitmask per class instead of a list was tried: no faster for
 * tables this short.)
 */
#include "policy.h"

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
                    (uint16_t)(i | (v == VSW_CLS_ALWAYS ? VSW_RULE_ALWAYS : 0) |
                               (unsigned int)p->rules[i].action << 8);
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
