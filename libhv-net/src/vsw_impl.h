/*
 * Internal interfaces between the switch's files. Private to libhv-net.
 */
#ifndef HV_NET_VSW_IMPL_H
#define HV_NET_VSW_IMPL_H

#include <hv/vsw.h>

#include "bytes.h"

#define FDB_BUCKETS (2 * HV_VSW_FDB_MAX)

/* Per-frame helpers of the data path, inlined even where the compiler
 * would not. */
#define VSW_INLINE static inline __attribute__((always_inline))

/* fdb.c */
void vsw_fdb_reset(struct hv_vsw *sw);
void vsw_fdb_learn(struct hv_vsw *sw, const uint8_t *mac, uint16_t vid,
                   uint16_t port, hv_time_t now);
int vsw_fdb_find(const struct hv_vsw *sw, const uint8_t *mac, uint16_t vid,
                 hv_time_t now, uint32_t *index);
void vsw_fdb_to_tail(struct hv_vsw *sw, uint32_t i);
void vsw_fdb_forget_port(struct hv_vsw *sw, uint16_t port);
void vsw_static_rebuild(struct hv_vsw *sw);
int vsw_static_find(const struct hv_vsw *sw, const uint8_t *mac);
void vsw_static_ip_rebuild(struct hv_vsw *sw);

/* Refresh live entry i for a frame from its own port (a hit of the
 * verdict cache): what vsw_fdb_learn() does to a known entry. */
static inline void vsw_fdb_refresh(struct hv_vsw *sw, uint32_t i, hv_time_t now)
{
    sw->fdb[i].seen = now;
    if (sw->lru_tail != i)
        vsw_fdb_to_tail(sw, i);
    sw->fdb_last = i;
}

/* Slot of a configured guest IPv4 address, and its lookup. */
static inline uint32_t vsw_ip_slot(uint32_t ip)
{
    return (uint32_t)(((uint64_t)ip * 0x9e3779b97f4a7c15ull) >> 40) &
           (HV_VSW_IP_SLOTS - 1);
}

static inline int vsw_static_ip_find(const struct hv_vsw *sw, uint32_t ip)
{
    uint32_t s = vsw_ip_slot(ip);
    while (sw->static_ip_port[s] != 0) {
        if (sw->static_ip[s] == ip)
            return sw->static_ip_port[s] - 1;
        s = (s + 1) & (HV_VSW_IP_SLOTS - 1);
    }
    return -1;
}

/* policy.c */
unsigned int vsw_rule_needs(const struct hv_vsw_rule *r);
#define VSW_NEED_IP    1u /* the rule only matches IPv4 */
#define VSW_NEED_PORTS 2u /* ... with decoded TCP/UDP ports */

static inline bool vsw_port_in_vlan(const struct hv_vsw_port *p, uint16_t vid)
{
    if (p->cfg.vlan_mode == HV_VSW_VLAN_ACCESS)
        return p->cfg.pvid == vid;
    if (p->cfg.pvid == vid)
        return true;
    return (p->vlans[vid >> 6] >> (vid & 63)) & 1u;
}

/* Frame classes for rule evaluation (HV_VSW_RULE_CLASSES of them). */
enum {
    VSW_CLASS_OTHER = 0, /* not IPv4 (ARP included) */
    VSW_CLASS_IPV4,      /* IPv4 without decoded ports */
    VSW_CLASS_TCP,       /* IPv4 TCP with ports */
    VSW_CLASS_UDP,       /* IPv4 UDP with ports */
};
#define VSW_RULE_ALWAYS 0x80u /* cls_rules entry: no per-frame check */

static inline unsigned int vsw_rule_class(const struct hv_vsw_hdr *h)
{
    if (h->l3_kind != HV_VSW_L3_IPV4)
        return VSW_CLASS_OTHER;
    if (!h->has_ports)
        return VSW_CLASS_IPV4;
    return h->ip_proto == HV_VSW_IPPROTO_TCP ? VSW_CLASS_TCP : VSW_CLASS_UDP;
}

/* Rebuild a port's per-class rule lists and has_in/out_rules. */
void vsw_rules_compile(struct hv_vsw_port *p);

/* reply.c: ARP responder (answering in the frame's VLAN `vid`) and DHCP
 * server. */
enum vsw_reply {
    VSW_PASS = 0, /* not for the responder: forward normally */
    VSW_REPLY,    /* the buffer now holds a reply to the ingress port */
    VSW_CONSUMED, /* taken by the switch, nothing to send */
    VSW_DROPPED,  /* refused, *why set */
};
enum vsw_reply vsw_arp(struct hv_vsw *sw, unsigned int in_port,
                       struct hv_vsw_pkt *pkt, struct hv_vsw_hdr *h,
                       uint16_t vid);
enum vsw_reply vsw_dhcp(struct hv_vsw *sw, unsigned int in_port,
                        struct hv_vsw_pkt *pkt, struct hv_vsw_hdr *h,
                        enum hv_vsw_drop *why);

#endif /* HV_NET_VSW_IMPL_H */
