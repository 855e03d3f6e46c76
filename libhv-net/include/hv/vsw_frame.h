/*
 * <hv/vsw_frame.h>: strict parsing of Ethernet frames for the switch.
 *
 * Every byte handed to the parser comes from a guest or the wire and is
 * hostile. hv_vsw_parse() reads nothing beyond `len`, accepts exactly one
 * 802.1Q tag, and checks each header it decodes (ARP shape, IPv4 version,
 * header length, total length, header checksum, fragment offset, TCP data
 * offset, UDP length) before any field is used by the switch. The result is
 * a flat summary (struct hv_vsw_hdr) with offsets into the frame.
 *
 * Protocol numbers below are the IEEE/IANA values (Ethernet types, IP
 * protocol numbers, ARP operations, BOOTP/DHCP ports).
 *
 * Thread-safety: the parser is pure; it may run concurrently on distinct
 * frames.
 */
#ifndef HV_VSW_FRAME_H
#define HV_VSW_FRAME_H

#include <hv/base.h>

HV_EXTERN_C_BEGIN

/* Sizes, in bytes, of an Ethernet frame without its FCS. */
#define HV_VSW_ETH_HLEN       14u   /* dst MAC, src MAC, type */
#define HV_VSW_VLAN_HLEN      4u    /* one 802.1Q tag */
#define HV_VSW_ETH_MTU        1500u /* payload of an untagged frame */
#define HV_VSW_FRAME_MIN      HV_VSW_ETH_HLEN
#define HV_VSW_FRAME_MAX      (HV_VSW_ETH_HLEN + HV_VSW_VLAN_HLEN + 1500u)
#define HV_VSW_ETHERTYPE_IP   0x0800u
#define HV_VSW_ETHERTYPE_ARP  0x0806u
#define HV_VSW_ETHERTYPE_VLAN 0x8100u /* 802.1Q C-tag */
#define HV_VSW_ETHERTYPE_QINQ 0x88a8u /* 802.1ad S-tag: refused */
#define HV_VSW_VID_MAX        4094u   /* 0 = priority tag, 4095 reserved */

#define HV_VSW_IPPROTO_ICMP 1u
#define HV_VSW_IPPROTO_TCP  6u
#define HV_VSW_IPPROTO_UDP  17u

#define HV_VSW_ARP_REQUEST 1u
#define HV_VSW_ARP_REPLY   2u

#define HV_VSW_BOOTPS_PORT 67u /* DHCP server */
#define HV_VSW_BOOTPC_PORT 68u /* DHCP client */

/* A MAC address, in wire order. */
struct hv_vsw_mac {
    uint8_t b[6];
};

/* Why a frame was dropped; indexes the per-port drop counters. */
enum hv_vsw_drop {
    HV_VSW_DROP_TRUNCATED = 0, /* a header runs past the frame's end */
    HV_VSW_DROP_BAD_LEN,       /* a length field disagrees with the frame */
    HV_VSW_DROP_BAD_CSUM,      /* IPv4 header checksum wrong */
    HV_VSW_DROP_OVERSIZE,      /* longer than HV_VSW_FRAME_MAX */
    HV_VSW_DROP_BAD_VLAN,      /* stacked tags, VID 4095, tag on access */
    HV_VSW_DROP_VLAN_DENIED,   /* VLAN not allowed on the port */
    HV_VSW_DROP_BAD_SRC,       /* multicast or zero source MAC */
    HV_VSW_DROP_SPOOF_MAC,     /* source MAC not the port's */
    HV_VSW_DROP_SPOOF_IP,      /* source IPv4 not the port's */
    HV_VSW_DROP_SPOOF_ARP,     /* ARP sender fields not the port's */
    HV_VSW_DROP_RULE,          /* a rule (or the default action) said drop */
    HV_VSW_DROP_STORM,         /* broadcast/multicast over the port's rate */
    HV_VSW_DROP_DEMUX,         /* unicast IPv4 to a MAC not owning it */
    HV_VSW_DROP_LOCAL,         /* for the switch itself, not ARP or DHCP */
    HV_VSW_DROP_NO_ROOM,       /* reply did not fit in the frame's buffer */
    HV_VSW_DROP_NO_DEST,       /* nowhere to go (own port, empty VLAN) */
    HV_VSW_DROP_COUNT
};

/* What hv_vsw_parse() found at layer 3. */
enum hv_vsw_l3 {
    HV_VSW_L3_OTHER = 0, /* an Ethernet type the switch does not decode */
    HV_VSW_L3_IPV4,
    HV_VSW_L3_ARP,
};

/*
 * Summary of a parsed frame. Offsets are from the frame's first byte.
 * IPv4 addresses and ports are in host order.
 */
struct hv_vsw_hdr {
    uint16_t len;       /* frame length as given */
    uint16_t l3;        /* offset of the layer-3 header (14 or 18) */
    uint16_t l4;        /* offset of the TCP/UDP header, if has_ports */
    uint16_t ethertype; /* inner type (after the tag, if any) */
    uint16_t vid;       /* 802.1Q VID, 0 when untagged or priority-tagged */
    uint8_t tagged;     /* 1 when an 802.1Q tag is present */
    uint8_t l3_kind;    /* enum hv_vsw_l3 */
    uint8_t ip_proto;   /* IPv4 protocol number */
    uint8_t has_ports;  /* TCP/UDP header present and whole */
    uint8_t fragment;   /* IPv4 fragment other than the first */
    uint8_t pad_;
    uint16_t ip_len; /* IPv4 total length */
    uint16_t arp_op; /* ARP operation */
    uint32_t src_ip; /* IPv4 source, or ARP sender protocol address */
    uint32_t dst_ip; /* IPv4 destination, or ARP target protocol address */
    uint16_t sport;  /* TCP/UDP source port */
    uint16_t dport;  /* TCP/UDP destination port */
};

/*
 * Parse the `len` bytes at `frame` (which must be readable for len bytes).
 * @return HV_OK with *h filled; HV_EBADMSG for a malformed frame, with
 *         *why the reason (TRUNCATED, BAD_LEN, BAD_CSUM, BAD_VLAN,
 *         BAD_SRC is not decided here); HV_E2BIG with *why = OVERSIZE for
 *         a frame longer than HV_VSW_FRAME_MAX. *h is unspecified on error.
 */
int hv_vsw_parse(const void *frame, size_t len, struct hv_vsw_hdr *h,
                 enum hv_vsw_drop *why);

/* True for a group (broadcast or multicast) MAC address. */
static inline bool hv_vsw_mac_is_group(const uint8_t *mac)
{
    return (mac[0] & 1u) != 0;
}

/* The Internet checksum (RFC 1071) of `len` bytes, folded, not inverted. */
uint16_t hv_vsw_csum_partial(const void *data, size_t len, uint32_t sum);

/* Name of a drop reason ("truncated", ...); "?" when out of range. */
const char *hv_vsw_drop_name(enum hv_vsw_drop why);

HV_EXTERN_C_END

#endif /* HV_VSW_FRAME_H */
