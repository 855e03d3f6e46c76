/*
 * The MAC learning table: which port a (MAC, VLAN) pair was last seen on.
 *
 * Entries live in the fixed array sw->fdb (cfg.fdb_capacity of them in
 * use at most), hashed into FDB_BUCKETS chains by index, and threaded on
 * one LRU list ordered by last sighting, oldest at the head. Learning a
 * known pair refreshes its time and moves it to the tail; learning a new
 * pair when the table is full evicts the head, i.e. the entry idle the
 * longest, so a guest flooding random source MACs can only recycle the
 * table, never grow it or stop it from working. Because times only grow,
 * the LRU order is also expiry order: ageing pops from the head until it
 * meets an entry young enough. Lookups treat an expired entry as absent,
 * so correctness does not depend on how often hv_vsw_fdb_age() runs.
 *
 * Every change here that can alter a lookup's answer (a new entry, an
 * eviction or deletion, a move to another port, the refresh of an expired
 * entry) starts a new verdict-cache generation (flow.h); refreshing a
 * live entry on its own port changes no answer and does not.
 *
 * Configured guest MACs are kept apart in a small open-addressed table
 * (static_mac): they are known before the guest sends anything and cannot
 * be learned by another port (the switch refuses such frames as spoofed).
 */
#include "flow.h"

#define FDB_VID_FREE 0xffffu /* marks an unused entry: no real VID is */

static uint32_t fdb_hash(const uint8_t *mac, uint16_t vid)
{
    uint64_t k = net_mac_key(mac) ^ (uint64_t)vid << 48;
    k *= 0x9e3779b97f4a7c15ull;
    return (uint32_t)(k >> 32) & (FDB_BUCKETS - 1);
}

void vsw_fdb_reset(struct hv_vsw *sw)
{
    for (uint32_t i = 0; i < FDB_BUCKETS; i++)
        sw->fdb_bucket[i] = HV_VSW_NIL;
    for (uint32_t i = 0; i < HV_VSW_FDB_MAX; i++) {
        sw->fdb[i].hash_next = i + 1 < HV_VSW_FDB_MAX ? i + 1 : HV_VSW_NIL;
        sw->fdb[i].vid = FDB_VID_FREE;
    }
    sw->fdb_last = HV_VSW_NIL;
    sw->fdb_free = 0;
    sw->fdb_count = 0;
    sw->lru_head = sw->lru_tail = HV_VSW_NIL;
}

static void lru_unlink(struct hv_vsw *sw, uint32_t i)
{
    struct hv_vsw_fdb_entry *e = &sw->fdb[i];
    if (e->lru_prev != HV_VSW_NIL)
        sw->fdb[e->lru_prev].lru_next = e->lru_next;
    else
        sw->lru_head = e->lru_next;
    if (e->lru_next != HV_VSW_NIL)
        sw->fdb[e->lru_next].lru_prev = e->lru_prev;
    else
        sw->lru_tail = e->lru_prev;
}

static void lru_append(struct hv_vsw *sw, uint32_t i)
{
    struct hv_vsw_fdb_entry *e = &sw->fdb[i];
    e->lru_next = HV_VSW_NIL;
    e->lru_prev = sw->lru_tail;
    if (sw->lru_tail != HV_VSW_NIL)
        sw->fdb[sw->lru_tail].lru_next = i;
    else
        sw->lru_head = i;
    sw->lru_tail = i;
}

void vsw_fdb_to_tail(struct hv_vsw *sw, uint32_t i)
{
    lru_unlink(sw, i);
    lru_append(sw, i);
}

static uint32_t fdb_find_index(const struct hv_vsw *sw, const uint8_t *mac,
                               uint16_t vid)
{
    uint32_t i = sw->fdb_bucket[fdb_hash(mac, vid)];
    while (i != HV_VSW_NIL) {
        const struct hv_vsw_fdb_entry *e = &sw->fdb[i];
        if (e->vid == vid && net_mac_eq(e->mac.b, mac))
            return i;
        i = e->hash_next;
    }
    return HV_VSW_NIL;
}

static void fdb_delete(struct hv_vsw *sw, uint32_t i)
{
    struct hv_vsw_fdb_entry *e = &sw->fdb[i];
    uint32_t *link = &sw->fdb_bucket[fdb_hash(e->mac.b, e->vid)];
    while (*link != i) {
        HV_CHECK(*link != HV_VSW_NIL);
        link = &sw->fdb[*link].hash_next;
    }
    *link = e->hash_next;
    vsw_flow_flush(sw);
    lru_unlink(sw, i);
    e->vid = FDB_VID_FREE;
    e->hash_next = sw->fdb_free;
    sw->fdb_free = i;
    sw->fdb_count--;
}

static bool expired(const struct hv_vsw *sw, hv_time_t seen, hv_time_t now)
{
    return now - seen > sw->cfg.fdb_ageing;
}

void vsw_fdb_learn(struct hv_vsw *sw, const uint8_t *mac, uint16_t vid,
                   uint16_t port, hv_time_t now)
{
    /* A burst from one port nearly always has one source: try the entry
     * learned last before hashing. Freed entries carry an impossible VID,
     * so a stale index never matches. */
    uint32_t i = sw->fdb_last;
    if (i >= HV_VSW_FDB_MAX || sw->fdb[i].vid != vid ||
        !net_mac_eq(sw->fdb[i].mac.b, mac))
        i = fdb_find_index(sw, mac, vid);
    if (i != HV_VSW_NIL) {
        struct hv_vsw_fdb_entry *e = &sw->fdb[i];
        if (e->port != port) {
            e->port = port;
            sw->stats.fdb_moved++;
            vsw_flow_flush(sw);
        } else if (expired(sw, e->seen, now)) {
            vsw_flow_flush(sw); /* revived: lookups find it again */
        }
        e->seen = now;
        if (sw->lru_tail != i) {
            lru_unlink(sw, i);
            lru_append(sw, i);
        }
        sw->fdb_last = i;
        return;
    }
    if (sw->fdb_count >= sw->cfg.fdb_capacity) {
        uint32_t old = sw->lru_head;
        if (expired(sw, sw->fdb[old].seen, now))
            sw->stats.fdb_aged++;
        else
            sw->stats.fdb_evicted++;
        fdb_delete(sw, old);
    }
    i = sw->fdb_free;
    HV_CHECK(i != HV_VSW_NIL);
    struct hv_vsw_fdb_entry *e = &sw->fdb[i];
    sw->fdb_free = e->hash_next;
    net_mac_copy(e->mac.b, mac);
    e->vid = vid;
    e->port = port;
    e->seen = now;
    uint32_t b = fdb_hash(mac, vid);
    e->hash_next = sw->fdb_bucket[b];
    sw->fdb_bucket[b] = i;
    lru_append(sw, i);
    vsw_flow_flush(sw);
    sw->fdb_count++;
    sw->stats.fdb_learned++;
    sw->fdb_last = i;
}

int vsw_fdb_find(const struct hv_vsw *sw, const uint8_t *mac, uint16_t vid,
                 hv_time_t now, uint32_t *index)
{
    uint32_t i = fdb_find_index(sw, mac, vid);
    if (i == HV_VSW_NIL || expired(sw, sw->fdb[i].seen, now))
        return -1;
    if (index != NULL)
        *index = i;
    return sw->fdb[i].port;
}

void vsw_fdb_forget_port(struct hv_vsw *sw, uint16_t port)
{
    uint32_t i = sw->lru_head;
    while (i != HV_VSW_NIL) {
        uint32_t next = sw->fdb[i].lru_next;
        if (sw->fdb[i].port == port)
            fdb_delete(sw, i);
        i = next;
    }
}

unsigned int hv_vsw_fdb_age(struct hv_vsw *sw, hv_time_t now)
{
    unsigned int n = 0;
    while (sw->lru_head != HV_VSW_NIL &&
           expired(sw, sw->fdb[sw->lru_head].seen, now)) {
        fdb_delete(sw, sw->lru_head);
        sw->stats.fdb_aged++;
        n++;
    }
    return n;
}

int hv_vsw_fdb_lookup(const struct hv_vsw *sw, const struct hv_vsw_mac *mac,
                      unsigned int vid, hv_time_t now)
{
    if (vid > HV_VSW_VID_MAX)
        return HV_ENOENT;
    int port = vsw_fdb_find(sw, mac->b, (uint16_t)vid, now, NULL);
    return port < 0 ? HV_ENOENT : port;
}

unsigned int hv_vsw_fdb_count(const struct hv_vsw *sw)
{
    return sw->fdb_count;
}

/* ---- configured guest MACs ------------------------------------------- */

static uint32_t static_slot(const uint8_t *mac)
{
    return fdb_hash(mac, 0) & (HV_VSW_STATIC_SLOTS - 1);
}

void vsw_static_rebuild(struct hv_vsw *sw)
{
    hv_memset(sw->static_port, 0, sizeof(sw->static_port));
    for (unsigned int p = 0; p < HV_VSW_MAX_PORTS; p++) {
        const struct hv_vsw_port *port = &sw->ports[p];
        if (!port->up || port->cfg.kind != HV_VSW_PORT_GUEST)
            continue;
        uint32_t s = static_slot(port->cfg.mac.b);
        while (sw->static_port[s] != 0)
            s = (s + 1) & (HV_VSW_STATIC_SLOTS - 1);
        sw->static_mac[s] = port->cfg.mac;
        sw->static_port[s] = (uint8_t)(p + 1);
    }
}

int vsw_static_find(const struct hv_vsw *sw, const uint8_t *mac)
{
    uint32_t s = static_slot(mac);
    while (sw->static_port[s] != 0) {
        if (net_mac_eq(sw->static_mac[s].b, mac))
            return sw->static_port[s] - 1;
        s = (s + 1) & (HV_VSW_STATIC_SLOTS - 1);
    }
    return -1;
}

/* ---- configured guest IPv4 addresses --------------------------------- */

void vsw_static_ip_rebuild(struct hv_vsw *sw)
{
    hv_memset(sw->static_ip_port, 0, sizeof(sw->static_ip_port));
    for (unsigned int p = 0; p < HV_VSW_MAX_PORTS; p++) {
        const struct hv_vsw_port *port = &sw->ports[p];
        if (!port->up || port->cfg.kind != HV_VSW_PORT_GUEST)
            continue;
        for (unsigned int a = 0; a < port->cfg.ipv4_count; a++) {
            uint32_t s = vsw_ip_slot(port->cfg.ipv4[a]);
            while (sw->static_ip_port[s] != 0)
                s = (s + 1) & (HV_VSW_IP_SLOTS - 1);
            sw->static_ip[s] = port->cfg.ipv4[a];
            sw->static_ip_port[s] = (uint8_t)(p + 1);
        }
    }
}
