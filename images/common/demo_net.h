/*
 * Domains 5, 6 and 7 of the demo: two netfronts ("net-a", "net-b") and
 * the driver domain ("vsw") that runs the netback and the virtual switch.
 * See demo_net.c for the design; the netfront is in demo_net_front.c.
 */
#ifndef HV_IMAGES_DEMO_NET_H
#define HV_IMAGES_DEMO_NET_H

#include "demo.h"
#include <hv/core_gnttab.h>
#include <hv/evtchn.h>
#include <hv/vsw.h>
#include <hv/vsw_netif.h>

/*
 * Build the switch, create domains 5, 6 and 7 with grant tables, connect
 * each frontend to the backend by an interdomain event channel, give each
 * frontend the pages it will share (frames of its own reservation), and
 * kick the three vCPUs.
 * The group runs only when all three are selected by `domains` (NULL for
 * all); otherwise nothing is created and HV_OK is returned. The hostile
 * frontend, domain 8, is added only when `domains` names it.
 * Return: HV_OK or the first refusal (domain, vCPU, event channel, grant
 * table or switch setup, page allocation; sEDF admission control).
 */
int demo_net_setup(const char *policy, const char *domains);

/*
 * ---- shared by demo_net.c (builder, backend, grant ops) and
 * demo_net_front.c (the netfront); not for recipes ----
 */

#define NET_BACKEND      7
#define NET_FRONTS_MAX   3  /* net-a, net-b and (when asked for) net-evil */
#define NET_EVIL         8  /* domain id of the hostile frontend */
#define NET_BUFS         16 /* TX pages and RX pages of each frontend */
#define NET_GRANTS       (2 + 2 * NET_BUFS)
#define NET_WINDOW       8            /* datagrams net-a keeps in flight */
#define NET_PRINT_PERIOD HV_MSEC(500) /* between progress lines */
#define NET_TIMEOUT      HV_MSEC(100) /* DHCP and ARP retry after */
#define NET_STALL        HV_SEC(1)    /* net-a gives up on a window after */
#define NET_BURST        32 /* frames the backend takes per ring per pass */
#define NET_ECHO_PORT    7
#define NET_PAYLOAD      32 /* UDP payload bytes: sequence number + filler */

/* Grant references, by convention between frontend and backend (the
 * frontend writes them into its own grant table). */
#define REF_TX_RING   0u
#define REF_RX_RING   1u
#define REF_TX(i)     (2u + (i))
#define REF_RX(i)     (2u + NET_BUFS + (i))
#define STATE_INIT    0u
#define STATE_CONNECT 1u

/* The pages a frontend shares: frames of its own, from the builder. */
struct net_pages {
    uint8_t *tx_ring, *rx_ring;
    uint8_t *tx[NET_BUFS], *rx[NET_BUFS];
    uint64_t mfn[NET_GRANTS]; /* by grant reference */
};

struct netfront;

/* The backend's mapping of one ring page (a ring op's context). */
struct net_ring_map {
    struct netfront *f;
    hv_grant_handle_t handle;
    bool mapped;
};

/* The xenstore stand-in: written by the frontend, read by the backend. */
struct net_xs {
    uint32_t state; /* STATE_*, atomic */
    uint32_t tx_ring_ref, rx_ring_ref;
};

struct netfront {
    /* configuration from the builder */
    const char *name;
    struct hv_domain *dom;
    struct hv_vsw_mac mac;
    uint32_t peer_ip; /* net-a: whom to send to; net-b: 0 (echo) */
    bool evil;        /* domain 8: attacks the backend instead */
    hv_evtchn_port_t port, back_port;
    struct net_pages pages;
    struct net_xs xs;
    /* frontend-private */
    struct hv_vsw_ring_front tx, rx;
    uint32_t ip, server_ip;
    uint8_t peer_mac[6]; /* net-a: learnt by ARP */
    uint16_t tx_free[NET_BUFS];
    unsigned int tx_free_count;
    bool tx_busy[NET_BUFS];
    uint64_t bad_rsp, tx_errors;
    /* backend-private */
    struct hv_vsw_ring_back btx, brx;
    struct net_ring_map tx_map, rx_map;
    uint64_t grant_refusals; /* grant ops refused for this frontend */
    int16_t grant_last;      /* GNTST_* of the last refusal */
    struct hv_vsw_netback nb;
    bool attached, broken;
    unsigned int sw_port;
};

/* The netfronts of domains 5 and 6 (arg: their struct netfront). */
void demo_net_front_main(struct hv_vcpu *self, void *arg);

/* EVTCHNOP_send on `port` of the calling domain. */
void demo_net_notify(hv_evtchn_port_t port);

#endif
