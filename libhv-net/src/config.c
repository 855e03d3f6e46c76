/*
 * Configuration of a switch: ports, VLAN membership, rules, mirrors.
 *
 * Every setter validates all of its input before it writes anything, so a
 * refused call leaves the switch exactly as it was. Derived lookup
 * structures (the guest MAC and IPv4 tables, the up-port mask, the
 * "has rules" flags the data path tests to skip empty tables) are rebuilt
 * from the port array after each change; configuration is rare and the
 * rebuild is bounded by HV_VSW_MAX_PORTS. Every successful change also
 * starts a new verdict-cache generation (flow.h), so no verdict taken
 * under the old configuration is replayed.
 */
#include "flow.h"

static bool mac_is_zero(const struct hv_vsw_mac *m)
{
    return (m->b[0] | m->b[1] | m->b[2] | m->b[3] | m->b[4] | m->b[5]) == 0;
}

int hv_vsw_init(struct hv_vsw *sw, const struct hv_vsw_config *cfg)
{
    if (sw == NULL || cfg == NULL)
        return HV_EINVAL;
    if (cfg->fdb_capacity == 0 || cfg->fdb_capacity > HV_VSW_FDB_MAX ||
        cfg->fdb_ageing <= 0)
        return HV_EINVAL;
    if (mac_is_zero(&cfg->mac) || hv_vsw_mac_is_group(cfg->mac.b))
        return HV_EINVAL;
    if (cfg->dhcp && (cfg->lease_secs < 60 || cfg->ipv4 == 0))
        return HV_EINVAL;
    hv_memset(sw, 0, sizeof(*sw));
    sw->cfg = *cfg;
    vsw_fdb_reset(sw);
    sw->flow_gen = 2; /* even, see vsw_flow_flush() */
    sw->flow_on = true;
    return HV_OK;
}

static int port_get(const struct hv_vsw *sw, unsigned int port)
{
    if (sw == NULL || port >= HV_VSW_MAX_PORTS)
        return HV_EINVAL;
    if (!sw->ports[port].up)
        return HV_ENOENT;
    return HV_OK;
}

static void refresh(struct hv_vsw *sw)
{
    vsw_flow_fold_all(sw);
    vsw_flow_flush(sw);
    sw->up_mask = 0;
    sw->mirror_mask = 0;
    for (unsigned int p = 0; p < HV_VSW_MAX_PORTS; p++) {
        struct hv_vsw_port *port = &sw->ports[p];
        if (!port->up)
            continue;
        sw->up_mask |= 1ull << p;
        if (port->mirror != NULL)
            sw->mirror_mask |= 1ull << p;
        vsw_rules_compile(port);
        /* a default of DROP must be applied even with no rules */
        if (port->cfg.default_action != HV_VSW_ACCEPT)
            port->has_in_rules = port->has_out_rules = true;
    }
    sw->up_count = (uint32_t)hv_word_weight(sw->up_mask);
    sw->up_top = sw->up_mask ? (uint32_t)hv_word_fls(sw->up_mask) + 1 : 0;
    vsw_static_rebuild(sw);
    vsw_static_ip_rebuild(sw);
}

static int check_port_config(const struct hv_vsw *sw, unsigned int port,
                             const struct hv_vsw_port_config *c)
{
    if (c->kind > HV_VSW_PORT_UPLINK || c->vlan_mode > HV_VSW_VLAN_TRUNK)
        return HV_EINVAL;
    if (c->pvid > HV_VSW_VID_MAX)
        return HV_EINVAL;
    if (c->vlan_mode == HV_VSW_VLAN_ACCESS && c->pvid == 0)
        return HV_EINVAL;
    if (c->ipv4_count > HV_VSW_PORT_IPV4_MAX)
        return HV_EINVAL;
    if (c->default_action != HV_VSW_ACCEPT && c->default_action != HV_VSW_DROP)
        return HV_EINVAL;
    if (c->bcast_rate != 0 && c->bcast_burst == 0)
        return HV_EINVAL;
    if (c->kind != HV_VSW_PORT_GUEST)
        return HV_OK;
    if (mac_is_zero(&c->mac) || hv_vsw_mac_is_group(c->mac.b))
        return HV_EINVAL;
    for (unsigned int i = 0; i < c->ipv4_count; i++) {
        if (c->ipv4[i] == 0 || c->ipv4[i] == 0xffffffffu)
            return HV_EINVAL;
        for (unsigned int j = 0; j < i; j++)
            if (c->ipv4[j] == c->ipv4[i])
                return HV_EEXIST;
    }
    if (vsw_static_find(sw, c->mac.b) >= 0 ||
        net_mac_eq(c->mac.b, sw->cfg.mac.b))
        return HV_EEXIST;
    for (unsigned int i = 0; i < c->ipv4_count; i++)
        if (vsw_static_ip_find(sw, c->ipv4[i]) >= 0 ||
            c->ipv4[i] == sw->cfg.ipv4)
            return HV_EEXIST;
    (void)port;
    return HV_OK;
}

int hv_vsw_port_add(struct hv_vsw *sw, unsigned int port,
                    const struct hv_vsw_port_config *cfg)
{
    if (sw == NULL || cfg == NULL || port >= HV_VSW_MAX_PORTS)
        return HV_EINVAL;
    if (sw->ports[port].up)
        return HV_EBUSY;
    int rc = check_port_config(sw, port, cfg);
    if (rc < 0)
        return rc;

    struct hv_vsw_port *p = &sw->ports[port];
    hv_memset(p, 0, sizeof(*p));
    p->up = true;
    p->cfg = *cfg;
    if (cfg->kind != HV_VSW_PORT_GUEST)
        p->cfg.ipv4_count = 0;
    if (cfg->bcast_rate != 0) {
        p->storm_interval = HV_SEC(1) / cfg->bcast_rate;
        if (p->storm_interval == 0)
            p->storm_interval = 1;
    }
    refresh(sw);
    return HV_OK;
}

int hv_vsw_port_remove(struct hv_vsw *sw, unsigned int port)
{
    int rc = port_get(sw, port);
    if (rc < 0)
        return rc;
    vsw_fdb_forget_port(sw, (uint16_t)port);
    sw->ports[port].up = false;
    sw->ports[port].mirror = NULL;
    refresh(sw);
    return HV_OK;
}

int hv_vsw_port_allow_vlan(struct hv_vsw *sw, unsigned int port,
                           unsigned int vid, bool allow)
{
    if (vid == 0 || vid > HV_VSW_VID_MAX)
        return HV_EINVAL;
    int rc = port_get(sw, port);
    if (rc < 0)
        return rc;
    struct hv_vsw_port *p = &sw->ports[port];
    if (p->cfg.vlan_mode != HV_VSW_VLAN_TRUNK)
        return HV_EOPNOTSUPP;
    if (allow)
        p->vlans[vid >> 6] |= 1ull << (vid & 63);
    else
        p->vlans[vid >> 6] &= ~(1ull << (vid & 63));
    vsw_flow_flush(sw);
    return HV_OK;
}

void hv_vsw_rule_init(struct hv_vsw_rule *r, unsigned int dir)
{
    hv_memset(r, 0, sizeof(*r));
    r->dir = (uint8_t)dir;
    r->src_hi = r->dst_hi = 0xffffffffu;
    r->sport_hi = r->dport_hi = 0xffff;
    r->action = HV_VSW_ACCEPT;
}

int hv_vsw_rule_add(struct hv_vsw *sw, unsigned int port,
                    const struct hv_vsw_rule *r)
{
    if (r == NULL)
        return HV_EINVAL;
    int rc = port_get(sw, port);
    if (rc < 0)
        return rc;
    if (r->dir == 0 || (r->dir & ~(HV_VSW_DIR_IN | HV_VSW_DIR_OUT)) != 0)
        return HV_EINVAL;
    if (r->action > HV_VSW_COUNT)
        return HV_EINVAL;
    if (r->src_lo > r->src_hi || r->dst_lo > r->dst_hi ||
        r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi)
        return HV_EINVAL;
    if (r->action == HV_VSW_REDIRECT &&
        (r->dir != HV_VSW_DIR_IN || r->redirect_port >= HV_VSW_MAX_PORTS))
        return HV_EINVAL;
    struct hv_vsw_port *p = &sw->ports[port];
    if (p->rule_count >= HV_VSW_RULES_MAX)
        return HV_ENOSPC;
    p->rules[p->rule_count] = *r;
    p->rules[p->rule_count].hits = 0;
    p->rule_hits[p->rule_count] = 0;
    p->rule_need[p->rule_count] = (uint8_t)vsw_rule_needs(r);
    p->rule_count++;
    refresh(sw);
    return (int)(p->rule_count - 1);
}

int hv_vsw_rule_clear(struct hv_vsw *sw, unsigned int port)
{
    int rc = port_get(sw, port);
    if (rc < 0)
        return rc;
    sw->ports[port].rule_count = 0;
    refresh(sw);
    return HV_OK;
}

int hv_vsw_rule_hits(const struct hv_vsw *sw, unsigned int port,
                     unsigned int index, uint64_t *hits)
{
    int rc = port_get(sw, port);
    if (rc < 0)
        return rc;
    if (index >= sw->ports[port].rule_count)
        return HV_ENOENT;
    *hits = vsw_flow_rule_hits(sw, port, index);
    return HV_OK;
}

int hv_vsw_mirror(struct hv_vsw *sw, unsigned int port, struct hv_vsw_pcap *w)
{
    int rc = port_get(sw, port);
    if (rc < 0)
        return rc;
    sw->ports[port].mirror = w;
    if (w != NULL)
        sw->mirror_mask |= 1ull << port;
    else
        sw->mirror_mask &= ~(1ull << port);
    vsw_flow_flush(sw);
    return HV_OK;
}

int hv_vsw_flow_cache(struct hv_vsw *sw, bool on)
{
    if (sw == NULL)
        return HV_EINVAL;
    sw->flow_on = on;
    vsw_flow_flush(sw);
    return HV_OK;
}

int hv_vsw_port_stats(const struct hv_vsw *sw, unsigned int port,
                      struct hv_vsw_port_stats *st)
{
    if (sw == NULL || st == NULL || port >= HV_VSW_MAX_PORTS)
        return HV_EINVAL;
    *st = sw->ports[port].stats;
    return HV_OK;
}

const struct hv_vsw_stats *hv_vsw_stats(const struct hv_vsw *sw)
{
    return &sw->stats;
}
