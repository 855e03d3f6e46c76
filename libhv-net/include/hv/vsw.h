/*
 * <hv/vsw.h>: the virtual network switch (early Xen's "virtual
 * firewall-router").
 *
 * A switch connects up to HV_VSW_MAX_PORTS ports: one per guest virtual
 * interface (a GUEST port, configured with the only MAC and IPv4
 * addresses its domain may send from) and any number of UPLINK ports (the
 * outside world; no anti-spoofing, frames from anywhere). Each port has an
 * 802.1Q mode (access with one VLAN, or trunk with a set of allowed VLANs
 * and an optional native VLAN), an ordered rule table, a broadcast rate
 * limit and counters.
 *
 * The data path is batched: hv_vsw_input() takes a burst of frames that
 * entered through one port and returns, in a caller-owned struct
 * hv_vsw_burst, descriptors grouped per destination port (in arrival
 * order within a port). Frames stay in the caller's buffers; the switch
 * never allocates. Replies the switch makes itself (ARP, DHCP) are written
 * over the request in its own buffer and delivered back to the port.
 *
 * Memory: struct hv_vsw is caller-owned (about 510 KiB; allocate it
 * statically or on the heap, not on a small stack, and 64-byte aligned
 * if you can: each verdict cache entry is then one cache line). No
 * global state.
 * Thread-safety: none inside; callers serialise all calls on one switch
 * (one switch per CPU, or a lock around it).
 * Time: callers pass `now` (hv_time_t, ns, monotonic, never decreasing).
 *
 * See docs/net.md for the forwarding rules in full.
 */
#ifndef HV_VSW_H
#define HV_VSW_H

#include <hv/base.h>
#include <hv/vsw_frame.h>
#include <hv/vsw_pcap.h>

HV_EXTERN_C_BEGIN

/* Fixed limits of one switch. */
#define HV_VSW_MAX_PORTS     64u   /* port numbers 0..63 */
#define HV_VSW_PORT_IPV4_MAX 4u    /* IPv4 addresses per port */
#define HV_VSW_RULES_MAX     16u   /* rules per port */
#define HV_VSW_FDB_MAX       4096u /* learning-table entries, upper bound */
#define HV_VSW_BURST_MAX     256u  /* frames per hv_vsw_input() call */
#define HV_VSW_STATIC_SLOTS  128u  /* hash slots for configured guest MACs */
#define HV_VSW_IP_SLOTS      512u  /* hash slots for configured guest IPv4s */
#define HV_VSW_FLOW_SLOTS    1024u /* verdict cache entries, 2-way sets */
#define HV_VSW_FLOW_HITS     4u    /* rule counters one cached verdict bumps */

enum hv_vsw_port_kind {
    HV_VSW_PORT_GUEST = 0, /* a domain's interface: anti-spoofing on */
    HV_VSW_PORT_UPLINK,    /* the outside: any source accepted */
};

enum hv_vsw_vlan_mode {
    HV_VSW_VLAN_ACCESS = 0, /* untagged only, all in VLAN `pvid` */
    HV_VSW_VLAN_TRUNK,      /* tagged with allowed VIDs; untagged = pvid */
};

enum hv_vsw_action {
    HV_VSW_ACCEPT = 0, /* stop evaluating; forward normally */
    HV_VSW_DROP,       /* stop; drop, counted as HV_VSW_DROP_RULE */
    HV_VSW_REDIRECT,   /* stop; deliver only to rule.redirect_port */
    HV_VSW_COUNT,      /* count a hit, continue with the next rule */
};

enum hv_vsw_dir {
    HV_VSW_DIR_IN = 1,  /* frames the port sends into the switch */
    HV_VSW_DIR_OUT = 2, /* frames the switch delivers to the port */
};

/*
 * One filtering rule. A field restricts the match only when narrowed from
 * its "any" value, which hv_vsw_rule_init() sets: ethertype 0, ip_proto 0,
 * address ranges 0.0.0.0-255.255.255.255, port ranges 0-65535 (all
 * inclusive, host order). A restricted address range or protocol matches
 * only IPv4 frames; a restricted port range only TCP/UDP frames whose
 * ports were decoded (not later fragments).
 */
struct hv_vsw_rule {
    uint8_t dir;        /* HV_VSW_DIR_IN or HV_VSW_DIR_OUT, or both OR'd */
    uint8_t ip_proto;   /* 0 = any */
    uint16_t ethertype; /* 0 = any, else the inner Ethernet type */
    uint32_t src_lo, src_hi;
    uint32_t dst_lo, dst_hi;
    uint16_t sport_lo, sport_hi;
    uint16_t dport_lo, dport_hi;
    uint8_t action; /* enum hv_vsw_action */
    uint8_t pad_;
    uint16_t redirect_port; /* HV_VSW_REDIRECT: the destination port */
    uint64_t hits;          /* not used: see hv_vsw_rule_hits() */
};

struct hv_vsw_port_config {
    uint8_t kind;           /* enum hv_vsw_port_kind */
    uint8_t vlan_mode;      /* enum hv_vsw_vlan_mode */
    uint16_t pvid;          /* access VLAN / trunk native VLAN (0=none) */
    struct hv_vsw_mac mac;  /* GUEST: the only source MAC allowed */
    uint8_t ipv4_count;     /* GUEST: 0..HV_VSW_PORT_IPV4_MAX */
    uint8_t default_action; /* HV_VSW_ACCEPT or HV_VSW_DROP */
    uint32_t ipv4[HV_VSW_PORT_IPV4_MAX]; /* host order; [0] is DHCP's */
    uint32_t bcast_rate;  /* group frames/s admitted in; 0 = no limit */
    uint32_t bcast_burst; /* back-to-back group frames allowed, >= 1 */
};

/* Per-port counters. "in" = from the port into the switch. */
struct hv_vsw_port_stats {
    uint64_t in_frames, in_bytes;   /* accepted from the port */
    uint64_t out_frames, out_bytes; /* delivered to the port */
    uint64_t drops[HV_VSW_DROP_COUNT];
    uint64_t arp_replies;  /* ARP answered by the switch on this port */
    uint64_t dhcp_replies; /* DHCP OFFER/ACK/NAK sent to this port */
};

/* Switch-wide counters. */
struct hv_vsw_stats {
    uint64_t fdb_learned; /* new entries */
    uint64_t fdb_moved;   /* entries that changed port */
    uint64_t fdb_evicted; /* oldest entries dropped to make room */
    uint64_t fdb_aged;    /* entries expired by age */
    uint64_t flow_hits;   /* frames decided by the verdict cache */
    uint64_t flow_misses; /* cacheable frames decided the long way */
};

struct hv_vsw_config {
    struct hv_vsw_mac mac; /* the switch's own MAC (gateway, DHCP server) */
    uint32_t ipv4;         /* its IPv4 address; 0 = no ARP/DHCP service */
    uint32_t netmask;      /* DHCP option 1 */
    uint32_t router;       /* DHCP option 3; 0 = not sent */
    uint32_t dns;          /* DHCP option 6; 0 = not sent */
    uint32_t lease_secs;   /* DHCP option 51, >= 60 */
    uint32_t fdb_capacity; /* learning-table size, 1..HV_VSW_FDB_MAX */
    hv_time_t fdb_ageing;  /* idle time after which an entry expires, > 0 */
    bool dhcp;             /* answer DHCP on guest ports */
    bool proxy_arp;        /* answer ARP for guest ports' addresses */
};

/* A frame in a caller-owned buffer. */
struct hv_vsw_pkt {
    uint8_t *data; /* readable and writable for `cap` bytes */
    uint16_t len;  /* frame length, without FCS */
    uint16_t cap;  /* buffer size (>= len); replies may grow up to it */
};

/*
 * A delivery: frame pkts[pkt] to port `port`. The bytes to put on that
 * port are the frame with its 802.1Q tag as `tag_out` says: when tag_in ==
 * tag_out the buffer is sent as is (zero-copy); otherwise use
 * hv_vsw_out_copy(), which removes the tag or inserts one carrying `vid`.
 */
struct hv_vsw_out {
    uint16_t pkt;
    uint16_t port;
    uint16_t vid;   /* the frame's VLAN */
    uint8_t tag_in; /* the buffer holds an 802.1Q tag at offset 12 */
    uint8_t tag_out;
};

/* Caller-owned output of one hv_vsw_input() call. */
struct hv_vsw_burst {
    struct hv_vsw_out *out; /* in: array of out_cap descriptors */
    uint32_t out_cap;
    uint32_t out_count; /* out: descriptors written */
    uint16_t consumed;  /* out: frames taken from the input burst */
    /* out: deliveries to port p are out[port_first[p] .. port_first[p+1]) */
    uint32_t port_first[HV_VSW_MAX_PORTS + 1];
};

/* ---- private state (fields are not part of the API) ------------------ */

struct hv_vsw_fdb_entry {
    struct hv_vsw_mac mac;
    uint16_t vid;
    uint16_t port;
    uint32_t hash_next; /* chain in the bucket, HV_VSW_NIL ends */
    uint32_t lru_prev, lru_next;
    hv_time_t seen;
};

#define HV_VSW_NIL          0xffffffffu
#define HV_VSW_NO_HIT       0xffffu
#define HV_VSW_RULE_CLASSES 4u /* non-IPv4, IPv4 other, TCP, UDP */

struct hv_vsw_port {
    bool up;
    struct hv_vsw_port_config cfg;
    uint64_t vlans[64]; /* trunk: allowed VIDs, one bit each */
    struct hv_vsw_rule rules[HV_VSW_RULES_MAX];
    uint32_t rule_count;
    uint8_t rule_need[HV_VSW_RULES_MAX];  /* what each rule inspects */
    uint64_t rule_hits[HV_VSW_RULES_MAX]; /* hit counter of each rule */
    /* [IN/OUT][frame class]: the rules that can match a frame of that
     * class, in order: index | 0x80 if it matches every frame of the
     * class | action << 8 */
    uint16_t cls_rules[2][HV_VSW_RULE_CLASSES][HV_VSW_RULES_MAX];
    uint8_t cls_count[2][HV_VSW_RULE_CLASSES];
    bool has_in_rules, has_out_rules;
    hv_time_t storm_tat;        /* rate limiter: theoretical arrival */
    hv_time_t storm_interval;   /* ns per admitted group frame */
    struct hv_vsw_pcap *mirror; /* capture of this port, or NULL */
    struct hv_vsw_port_stats stats;
};

/*
 * One verdict cache entry (flow.h): the decision the long path took for
 * a flow key, replayed for later frames of the same flow while `gen` is
 * the switch's current generation. What a plain hit reads and writes is
 * here, in one 64-byte line; the rest is in hv_vsw_flow_cold, at the
 * same index.
 */
struct hv_vsw_flow {
    uint64_t key[4];       /* the flow key (libhv-net/src/flow.h) */
    uint64_t learned;      /* source MAC | VID << 48, when src_fdb is set */
    uint64_t pending;      /* plain hits not yet added to the hit[] counters */
    struct hv_vsw_out out; /* the delivery: port = the only one, or MAX */
    uint32_t gen;          /* generation | rare; 0 = empty */
    uint16_t src_fdb;      /* learning entry to refresh, 0xffff = none */
    int8_t out_delta;      /* bytes the delivery adds to the frame: tag +-4 */
    uint8_t rare;          /* not one delivery plus a learning refresh and rule
                            * counters: in_drop, rewrite or edrop set, no
                            * learning entry, or not exactly one destination */
};

struct hv_vsw_flow_cold {
    uint64_t mask;    /* destination ports after VLAN and egress rules */
    uint64_t edrop;   /* ports whose egress rules dropped it */
    uint32_t dst_fdb; /* learning entry the destination came from */
    /* rule counters: port << 4 | rule, HV_VSW_NO_HIT for none */
    uint16_t hit[HV_VSW_FLOW_HITS];
    uint8_t in_drop; /* drop reason counted on the ingress port, or 0xff */
    uint8_t rewrite; /* port whose MAC replaces the destination, or 0xff */
};

struct hv_vsw_scratch {
    uint64_t mask;       /* destination ports */
    struct hv_vsw_out d; /* vid, tag_in; port and tag_out when it is the
                          * only destination, else port HV_VSW_MAX_PORTS */
};

struct hv_vsw {
    /* verdict cache: entries of generation flow_gen are valid (it is
     * even; an entry's gen has bit 0 set when it is rare). First, so that
     * a 64-byte aligned switch has each entry in one cache line. */
    struct hv_vsw_flow flow[HV_VSW_FLOW_SLOTS];
    struct hv_vsw_flow_cold flow_cold[HV_VSW_FLOW_SLOTS];
    struct hv_vsw_config cfg;
    struct hv_vsw_port ports[HV_VSW_MAX_PORTS];
    uint64_t up_mask;     /* ports that are up */
    uint32_t up_count;    /* how many */
    uint32_t up_top;      /* highest port up + 1, 0 if none */
    uint64_t mirror_mask; /* ports with a mirror */
    /* learning table: entries, hash buckets, LRU list (oldest first) */
    struct hv_vsw_fdb_entry fdb[HV_VSW_FDB_MAX];
    uint32_t fdb_bucket[2 * HV_VSW_FDB_MAX];
    uint32_t fdb_free; /* free list through hash_next */
    uint32_t fdb_count;
    uint32_t fdb_last; /* entry learned or refreshed last */
    uint32_t lru_head, lru_tail;
    /* configured guest MACs: open addressing, value port+1 (0 = empty) */
    struct hv_vsw_mac static_mac[HV_VSW_STATIC_SLOTS];
    uint8_t static_port[HV_VSW_STATIC_SLOTS];
    /* configured guest IPv4 addresses: same scheme */
    uint32_t static_ip[HV_VSW_IP_SLOTS];
    uint8_t static_ip_port[HV_VSW_IP_SLOTS];
    struct hv_vsw_scratch scratch[HV_VSW_BURST_MAX];
    /* each port's deliveries of the burst, in frame order */
    struct hv_vsw_out stage[HV_VSW_MAX_PORTS][HV_VSW_BURST_MAX];
    uint32_t flow_gen;
    bool flow_on;
    uint8_t copy_buf[HV_VSW_FRAME_MAX + HV_VSW_VLAN_HLEN];
    struct hv_vsw_stats stats;
};

/* ---- configuration --------------------------------------------------- */

/*
 * Initialise `sw` with no ports up.
 * @return HV_OK; HV_EINVAL for fdb_capacity out of 1..HV_VSW_FDB_MAX,
 *         fdb_ageing <= 0, a group or zero switch MAC, or (with dhcp)
 *         lease_secs < 60 or ipv4 == 0. *sw is untouched on error.
 */
int hv_vsw_init(struct hv_vsw *sw, const struct hv_vsw_config *cfg);

/*
 * Bring port `port` up with `cfg` (rules, mirror and counters cleared;
 * trunk ports start with no VLAN allowed: see hv_vsw_port_allow_vlan).
 * @return HV_OK; HV_EINVAL for port >= HV_VSW_MAX_PORTS, an unknown kind
 *         or mode, pvid > 4094, an access port with pvid 0, ipv4_count
 *         over the limit, a GUEST address 0.0.0.0 or 255.255.255.255,
 *         default_action not
 *         ACCEPT/DROP, a rate with bcast_burst 0, or a GUEST port whose
 *         MAC is a group or zero address; HV_EBUSY if the port is up;
 *         HV_EEXIST if another GUEST port has the same MAC or one of the
 *         same IPv4 addresses, or the port lists an address twice.
 *         Nothing changes on error.
 */
int hv_vsw_port_add(struct hv_vsw *sw, unsigned int port,
                    const struct hv_vsw_port_config *cfg);

/*
 * Take a port down: its learned entries are forgotten, its counters stay
 * readable until the port is added again.
 * @return HV_OK; HV_EINVAL for a bad port number; HV_ENOENT if not up.
 */
int hv_vsw_port_remove(struct hv_vsw *sw, unsigned int port);

/*
 * Allow (or disallow) VLAN `vid` (1..4094) on a trunk port.
 * @return HV_OK; HV_EINVAL for a bad vid or port; HV_ENOENT if the port
 *         is not up; HV_EOPNOTSUPP on an access port.
 */
int hv_vsw_port_allow_vlan(struct hv_vsw *sw, unsigned int port,
                           unsigned int vid, bool allow);

/* Fill `r` with the match-anything rule for direction `dir`, ACCEPT. */
void hv_vsw_rule_init(struct hv_vsw_rule *r, unsigned int dir);

/*
 * Append a rule to a port's table (evaluated in order, first ACCEPT,
 * DROP or REDIRECT wins; COUNT continues). The hit counter starts at 0.
 * @return the rule's index (>= 0); HV_EINVAL for a bad port, a dir not in
 *         IN|OUT, an unknown action, an empty range (lo > hi), or
 *         REDIRECT that is not IN-only or names a bad port; HV_ENOENT if
 *         the port is not up; HV_ENOSPC if the table is full.
 */
int hv_vsw_rule_add(struct hv_vsw *sw, unsigned int port,
                    const struct hv_vsw_rule *r);

/* Remove all rules of a port. @return HV_OK; HV_EINVAL; HV_ENOENT. */
int hv_vsw_rule_clear(struct hv_vsw *sw, unsigned int port);

/*
 * Read the hit counter of rule `index` on `port` (exact: it includes the
 * hits the verdict cache has not yet added to it, found by a walk over
 * the HV_VSW_FLOW_SLOTS cache entries).
 * @return HV_OK; HV_EINVAL for a bad port; HV_ENOENT if the port is not
 *         up or has no such rule.
 */
int hv_vsw_rule_hits(const struct hv_vsw *sw, unsigned int port,
                     unsigned int index, uint64_t *hits);

/*
 * Mirror every frame entering or leaving `port` (as it was on that port)
 * into the pcap writer `w`, which must stay valid until the mirror is
 * cleared (w == NULL). Mirror write errors are sticky in `w` and do not
 * affect forwarding.
 * @return HV_OK; HV_EINVAL for a bad port; HV_ENOENT if not up.
 */
int hv_vsw_mirror(struct hv_vsw *sw, unsigned int port, struct hv_vsw_pcap *w);

/*
 * Turn the verdict cache on (the default after hv_vsw_init) or off. With
 * it off every frame takes the long path; the results (deliveries, frame
 * contents, counters, learning table) are the same either way: only the
 * flow_hits/flow_misses statistics and the speed differ. See docs/net.md.
 * @return HV_OK; HV_EINVAL for a NULL sw.
 */
int hv_vsw_flow_cache(struct hv_vsw *sw, bool on);

/* ---- data path ------------------------------------------------------- */

/*
 * Switch a burst of `count` frames (<= HV_VSW_BURST_MAX) that entered
 * through `in_port`, at time `now`. Frames are taken in order while `b`
 * has room for the worst case of the next one (one descriptor per port
 * up); b->consumed says how many were taken, the caller resubmits the
 * rest. Dropped frames produce no descriptor and are counted on in_port
 * by reason. Frames may be modified in place: the destination MAC of an
 * IPv4 frame sent to the switch's MAC for a guest address is rewritten to
 * the guest's MAC; ARP and DHCP requests are overwritten by the reply.
 * Buffers must stay untouched until the caller has delivered every
 * descriptor, and must not be writable by the domain that sent the frame
 * while the switch runs: copy frames out of guest-shared memory first
 * (the checks are made on the bytes the switch then forwards; a guest
 * rewriting them in between would defeat them, the XSA-155 class).
 * @return HV_OK (b filled); HV_EINVAL for a NULL sw or b, in_port out of
 *         range, count over the limit, pkts NULL with count > 0, or
 *         b->out == NULL with b->out_cap > 0;
 *         HV_ENOENT if in_port is not up. No state changes on error.
 */
int hv_vsw_input(struct hv_vsw *sw, unsigned int in_port,
                 struct hv_vsw_pkt *pkts, unsigned int count, hv_time_t now,
                 struct hv_vsw_burst *b);

/* Length of the frame `o` describes, as it goes on its port. */
size_t hv_vsw_out_len(const struct hv_vsw_pkt *pkts,
                      const struct hv_vsw_out *o);

/*
 * Copy the frame `o` describes, tagged as its port needs, into `dst`.
 * @return its length; HV_ENOBUFS if cap is too small (nothing written).
 */
hv_ssize_t hv_vsw_out_copy(const struct hv_vsw_pkt *pkts,
                           const struct hv_vsw_out *o, void *dst, size_t cap);

/*
 * Expire learned entries idle for longer than the ageing time. Lookups
 * ignore expired entries anyway; this reclaims their slots.
 * @return the number of entries removed.
 */
unsigned int hv_vsw_fdb_age(struct hv_vsw *sw, hv_time_t now);

/*
 * Look up a learned (MAC, VLAN) pair.
 * @return the port (>= 0); HV_ENOENT if unknown or expired at `now`.
 */
int hv_vsw_fdb_lookup(const struct hv_vsw *sw, const struct hv_vsw_mac *mac,
                      unsigned int vid, hv_time_t now);

/* Number of entries in the learning table (expired ones included). */
unsigned int hv_vsw_fdb_count(const struct hv_vsw *sw);

/*
 * Copy a port's counters.
 * @return HV_OK; HV_EINVAL for a bad port.
 */
int hv_vsw_port_stats(const struct hv_vsw *sw, unsigned int port,
                      struct hv_vsw_port_stats *st);

/* Switch-wide counters. */
const struct hv_vsw_stats *hv_vsw_stats(const struct hv_vsw *sw);

HV_EXTERN_C_END

#endif /* HV_VSW_H */
