/*
 * The switch's own services: an ARP responder and a minimal DHCP server.
 *
 * Both answer in place: the request's buffer is overwritten by the reply
 * and the reply goes back out of the port the request came in on. No
 * buffer is allocated, and a guest cannot make the switch send anything
 * anywhere else. The Ethernet header keeps its layout (an 802.1Q tag stays
 * where it was), so the usual egress tagging applies to the reply.
 *
 * ARP: a request for the switch's own address is answered with the
 * switch's MAC; with proxy_arp, a request for a configured guest address
 * in the same VLAN is answered with that guest's MAC, so guests never need
 * to see each other's broadcasts to find each other. Gratuitous ARP and
 * probes (sender = target, or sender 0.0.0.0) are never answered.
 *
 * DHCP (RFC 2131, the DISCOVER/OFFER/REQUEST/ACK subset): a port's
 * address is configured, not leased from a pool, so the server is a pure
 * function of the request and the port: DISCOVER gets an OFFER of the
 * port's first address; REQUEST for that address gets an ACK, for any
 * other a NAK; a REQUEST naming another server (option 54) is a client
 * choosing someone else and is ignored, as are DECLINE, RELEASE and
 * INFORM. The request is checked before it is trusted: BOOTREQUEST,
 * Ethernet hardware type, the magic cookie, every option's length inside
 * the message, chaddr equal to the port's MAC. Replies are the classic
 * 300-byte BOOTP message (options padded with zeros), broadcast when the
 * client set the broadcast flag (and for NAKs), unicast to chaddr/yiaddr
 * otherwise, with UDP and IPv4 checksums computed.
 */
#include "vsw_impl.h"

enum vsw_reply vsw_arp(struct hv_vsw *sw, unsigned int in_port,
                       struct hv_vsw_pkt *pkt, struct hv_vsw_hdr *h,
                       uint16_t vid)
{
    if (h->arp_op != HV_VSW_ARP_REQUEST || h->src_ip == 0 ||
        h->src_ip == h->dst_ip)
        return VSW_PASS;

    const uint8_t *answer = NULL;
    if (sw->cfg.ipv4 != 0 && h->dst_ip == sw->cfg.ipv4) {
        answer = sw->cfg.mac.b;
    } else if (sw->cfg.proxy_arp) {
        int owner = vsw_static_ip_find(sw, h->dst_ip);
        if (owner >= 0 && (unsigned int)owner != in_port &&
            vsw_port_in_vlan(&sw->ports[owner], vid))
            answer = sw->ports[owner].cfg.mac.b;
    }
    if (answer == NULL)
        return VSW_PASS;

    uint8_t *f = pkt->data;
    uint8_t *a = f + h->l3;
    uint8_t requester[6];
    net_mac_copy(requester, a + 8);
    net_mac_copy(f, f + 6);
    net_mac_copy(f + 6, answer);
    net_put16(a + 6, HV_VSW_ARP_REPLY);
    net_mac_copy(a + 18, requester);
    net_put32(a + 24, h->src_ip);
    net_mac_copy(a + 8, answer);
    net_put32(a + 14, h->dst_ip);
    sw->ports[in_port].stats.arp_replies++;
    return VSW_REPLY;
}

/* ---- DHCP ------------------------------------------------------------ */

#define BOOTP_FIXED     236u /* op .. file */
#define BOOTP_MIN       240u /* with the magic cookie */
#define BOOTP_REPLY_LEN 300u
#define DHCP_MAGIC      0x63825363u

enum {
    OPT_PAD = 0,
    OPT_NETMASK = 1,
    OPT_ROUTER = 3,
    OPT_DNS = 6,
    OPT_REQUESTED_IP = 50,
    OPT_LEASE = 51,
    OPT_MSG_TYPE = 53,
    OPT_SERVER_ID = 54,
    OPT_END = 255,
};

enum {
    DHCPDISCOVER = 1,
    DHCPOFFER = 2,
    DHCPREQUEST = 3,
    DHCPACK = 5,
    DHCPNAK = 6,
};

struct dhcp_req {
    uint8_t xid[4];
    uint8_t flags[2];
    uint8_t ciaddr[4];
    uint8_t giaddr[4];
    uint8_t chaddr[16];
    uint8_t msg_type;
    bool has_requested, has_server_id;
    uint32_t requested, server_id;
};

static bool dhcp_parse(const uint8_t *m, size_t len, struct dhcp_req *rq)
{
    if (len < BOOTP_MIN || m[0] != 1 || m[1] != 1 || m[2] != 6)
        return false;
    if (net_get32(m + BOOTP_FIXED) != DHCP_MAGIC)
        return false;
    hv_memcpy(rq->xid, m + 4, 4);
    hv_memcpy(rq->flags, m + 10, 2);
    hv_memcpy(rq->ciaddr, m + 12, 4);
    hv_memcpy(rq->giaddr, m + 24, 4);
    hv_memcpy(rq->chaddr, m + 28, 16);
    rq->msg_type = 0;
    rq->has_requested = rq->has_server_id = false;

    size_t i = BOOTP_MIN;
    while (i < len) {
        uint8_t code = m[i++];
        if (code == OPT_PAD)
            continue;
        if (code == OPT_END)
            break;
        if (i >= len)
            return false;
        size_t olen = m[i++];
        if (olen > len - i)
            return false;
        const uint8_t *v = m + i;
        if (code == OPT_MSG_TYPE) {
            if (olen != 1)
                return false;
            rq->msg_type = v[0];
        } else if (code == OPT_REQUESTED_IP) {
            if (olen != 4)
                return false;
            rq->has_requested = true;
            rq->requested = net_get32(v);
        } else if (code == OPT_SERVER_ID) {
            if (olen != 4)
                return false;
            rq->has_server_id = true;
            rq->server_id = net_get32(v);
        }
        i += olen;
    }
    return rq->msg_type != 0;
}

static uint8_t *put_opt32(uint8_t *o, uint8_t code, uint32_t v)
{
    o[0] = code;
    o[1] = 4;
    net_put32(o + 2, v);
    return o + 6;
}

static void dhcp_build(struct hv_vsw *sw, const struct hv_vsw_port *port,
                       uint8_t *f, size_t l3, const struct dhcp_req *rq,
                       uint8_t type)
{
    const size_t udp_len = 8 + BOOTP_REPLY_LEN;
    const size_t ip_len = 20 + udp_len;
    uint32_t yiaddr = type == DHCPNAK ? 0 : port->cfg.ipv4[0];
    bool bcast = type == DHCPNAK || (rq->flags[0] & 0x80u) != 0;
    uint32_t dst_ip = bcast ? 0xffffffffu : yiaddr;

    /* Ethernet: the tag (if any) and the type stay where they are. */
    if (bcast)
        hv_memset(f, 0xff, 6);
    else
        net_mac_copy(f, rq->chaddr);
    net_mac_copy(f + 6, sw->cfg.mac.b);

    uint8_t *ip = f + l3;
    hv_memset(ip, 0, ip_len);
    ip[0] = 0x45;
    net_put16(ip + 2, (uint16_t)ip_len);
    ip[8] = 64;
    ip[9] = HV_VSW_IPPROTO_UDP;
    net_put32(ip + 12, sw->cfg.ipv4);
    net_put32(ip + 16, dst_ip);
    net_put16(ip + 10, (uint16_t)~hv_vsw_csum_partial(ip, 20, 0));

    uint8_t *udp = ip + 20;
    net_put16(udp, HV_VSW_BOOTPS_PORT);
    net_put16(udp + 2, HV_VSW_BOOTPC_PORT);
    net_put16(udp + 4, (uint16_t)udp_len);

    uint8_t *m = udp + 8;
    m[0] = 2; /* BOOTREPLY */
    m[1] = 1;
    m[2] = 6;
    hv_memcpy(m + 4, rq->xid, 4);
    hv_memcpy(m + 10, rq->flags, 2);
    if (type == DHCPACK)
        hv_memcpy(m + 12, rq->ciaddr, 4);
    net_put32(m + 16, yiaddr);
    hv_memcpy(m + 24, rq->giaddr, 4);
    hv_memcpy(m + 28, rq->chaddr, 16);
    net_put32(m + BOOTP_FIXED, DHCP_MAGIC);

    uint8_t *o = m + BOOTP_MIN;
    o[0] = OPT_MSG_TYPE;
    o[1] = 1;
    o[2] = type;
    o = put_opt32(o + 3, OPT_SERVER_ID, sw->cfg.ipv4);
    if (type != DHCPNAK) {
        o = put_opt32(o, OPT_LEASE, sw->cfg.lease_secs);
        o = put_opt32(o, OPT_NETMASK, sw->cfg.netmask);
        if (sw->cfg.router)
            o = put_opt32(o, OPT_ROUTER, sw->cfg.router);
        if (sw->cfg.dns)
            o = put_opt32(o, OPT_DNS, sw->cfg.dns);
    }
    *o = OPT_END;

    /* UDP checksum over the pseudo-header and the datagram */
    uint32_t sum = (sw->cfg.ipv4 >> 16) + (sw->cfg.ipv4 & 0xffffu) +
                   (dst_ip >> 16) + (dst_ip & 0xffffu) + HV_VSW_IPPROTO_UDP +
                   (uint32_t)udp_len;
    uint16_t c = (uint16_t)~hv_vsw_csum_partial(udp, udp_len, sum);
    net_put16(udp + 6, c == 0 ? 0xffff : c);
}

enum vsw_reply vsw_dhcp(struct hv_vsw *sw, unsigned int in_port,
                        struct hv_vsw_pkt *pkt, struct hv_vsw_hdr *h,
                        enum hv_vsw_drop *why)
{
    struct hv_vsw_port *port = &sw->ports[in_port];
    if (!sw->cfg.dhcp || port->cfg.kind != HV_VSW_PORT_GUEST ||
        port->cfg.ipv4_count == 0)
        return VSW_PASS;
    /* only what is addressed to a DHCP server we are: broadcast, or us
     * (a renewing client unicasts to the server) */
    if (h->dst_ip != 0xffffffffu && h->dst_ip != sw->cfg.ipv4)
        return VSW_PASS;

    uint8_t *f = pkt->data;
    const uint8_t *udp = f + h->l4;
    size_t mlen = net_get16(udp + 4) - 8u;
    struct dhcp_req rq;
    if (!dhcp_parse(udp + 8, mlen, &rq)) {
        *why = HV_VSW_DROP_BAD_LEN;
        return VSW_DROPPED;
    }
    if (!net_mac_eq(rq.chaddr, port->cfg.mac.b)) {
        *why = HV_VSW_DROP_SPOOF_MAC;
        return VSW_DROPPED;
    }

    uint8_t type;
    if (rq.msg_type == DHCPDISCOVER) {
        type = DHCPOFFER;
    } else if (rq.msg_type == DHCPREQUEST) {
        if (rq.has_server_id && rq.server_id != sw->cfg.ipv4)
            return VSW_CONSUMED;
        uint32_t want = rq.has_requested ? rq.requested : net_get32(rq.ciaddr);
        type = want == port->cfg.ipv4[0] ? DHCPACK : DHCPNAK;
    } else {
        return VSW_CONSUMED;
    }

    size_t need = (size_t)h->l3 + 20 + 8 + BOOTP_REPLY_LEN;
    if (need > pkt->cap) {
        *why = HV_VSW_DROP_NO_ROOM;
        return VSW_DROPPED;
    }
    dhcp_build(sw, port, f, h->l3, &rq, type);
    pkt->len = (uint16_t)need;
    port->stats.dhcp_replies++;
    return VSW_REPLY;
}
