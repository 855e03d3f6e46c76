/*
 * Domains 5, 6 and 7: two domains exchange UDP frames through the virtual
 * switch over Xen-style split-driver rings, as in early Xen's virtual
 * firewall-router.
 *
 * Who runs what. Domain 7 ("vsw") is the driver domain: one orphan vCPU
 * that owns the switch (libhv-net's struct hv_vsw) and one netback per
 * frontend. Domains 5 ("net-a") and 6 ("net-b") each run a netfront: a TX
 * ring and an RX ring in pages they share with the backend, plus pages for
 * frame buffers. The backend is a domain rather than code run inside the
 * hypervisor on each notification because that is what the existing APIs
 * make clean: the netback and the rings want one thread per side, the
 * switch wants its calls serialised, and an orphan vCPU woken by event
 * channels (EVTCHNOP_send from the frontends, hv_core_evtchn_poll after
 * SCHEDOP_block) is exactly a thread that serialises them -- no hook in
 * the hypercall path, no work done with interrupts off, and the switch's
 * CPU time shows up in the summary as domain 7's. It is also early Xen's
 * shape: the backend lives in a privileged driver domain, not in Xen.
 *
 * The connection. The builder (demo_net_setup) plays the toolstack: it
 * creates the three domains, binds one interdomain event channel per
 * frontend (the frontend offers an unbound port to domain 7, the backend
 * binds it), configures a switch port per frontend (its MAC and its one
 * IPv4 address) and registers the frontend's shared pages. A frontend
 * initialises its rings, posts every RX page, then publishes "connected"
 * with the grant references of its two ring pages in a small per-device
 * record -- the stand-in for the xenstore keys tx-ring-ref, rx-ring-ref
 * and state -- and sends an event. The backend attaches to a connected
 * frontend's rings through the grant ops below; every reference and index
 * it reads there is treated as hostile by libhv-net.
 *
 * Grant references. libhv-gnttab does not exist yet. The grant ops given
 * to the rings (map) and to the netback (copy_from, copy_to) use a small
 * per-frontend table, filled by the builder, that maps a grant reference
 * to one page the frontend registered, with its access (read-only or
 * writable). It refuses unknown references, and writes to read-only
 * grants, with a negative HV_E* code, so a bad reference from a frontend
 * is answered with an error exactly as a failed grant copy would be. It
 * is NOT a grant table: no guest-written entries, no revocation, no
 * mapping tracking; orphan vCPUs share the hypervisor's address space, so
 * "mapping" a ring hands out the page's address. Once libhv-gnttab lands,
 * these ops become GNTTABOP_map_grant_ref and GNTTABOP_copy on it.
 *
 * The traffic. Both frontends get their address from the switch's DHCP
 * server (DISCOVER/OFFER/REQUEST/ACK). net-a then asks ARP for net-b's
 * address (configured: the peer a program would be told to talk to),
 * which the switch answers by proxy ARP, and sends numbered UDP datagrams
 * to net-b's echo port, keeping NET_WINDOW in flight; net-b sends each
 * back. net-a checks the sequence numbers (the switch never reorders a
 * flow), counts losses (an echo that skips numbers, or silence for
 * NET_TIMEOUT with datagrams in flight) and prints its count every
 * NET_PRINT_EVERY echoes.
 *
 * Counting. The backend adds to struct hv_domain.frames_switched of the
 * sending domain every delivery the switch made of that domain's frames
 * (a DHCP or ARP reply counts for its requester), and the same to domain
 * 7's, which thus shows everything it switched.
 */
#include "demo_net.h"
#include <hv/core_evtchn.h>
#include <hv/hypercall.h>
#include <hv/vsw.h>
#include <hv/vsw_netif.h>

#define NET_BACKEND     7
#define NET_FRONTS      2
#define NET_BUFS        16 /* TX pages and RX pages of each frontend */
#define NET_GRANTS      (2 + 2 * NET_BUFS)
#define NET_WINDOW      8    /* datagrams net-a keeps in flight */
#define NET_PRINT_EVERY 5000 /* datagrams between progress lines */
#define NET_TIMEOUT     HV_MSEC(100)
#define NET_BURST       32 /* frames the backend takes per ring per pass */
#define NET_ECHO_PORT   7
#define NET_PAYLOAD     32 /* UDP payload bytes: sequence number + filler */

/* Grant references, by the builder's convention. */
#define REF_TX_RING   0u
#define REF_RX_RING   1u
#define REF_TX(i)     (2u + (i))
#define REF_RX(i)     (2u + NET_BUFS + (i))
#define STATE_INIT    0u
#define STATE_CONNECT 1u

/* ---- the per-frontend grant table stand-in ---- */

struct net_grant {
    uint8_t *page;
    bool writable;
};

struct net_grants {
    struct net_grant e[NET_GRANTS]; /* page NULL: no such reference */
};

static int grant_page(const struct net_grants *g, uint32_t ref, bool write,
                      uint8_t **page)
{
    if (ref >= NET_GRANTS || g->e[ref].page == NULL)
        return HV_EINVAL; /* Xen: GNTST_bad_gntref */
    if (write && !g->e[ref].writable)
        return HV_EPERM; /* Xen: GNTST_permission_denied */
    *page = g->e[ref].page;
    return HV_OK;
}

static int grant_copy_from(void *ctx, uint32_t gref, uint16_t offset, void *dst,
                           uint16_t len)
{
    uint8_t *page;
    int rc = grant_page(ctx, gref, false, &page);

    if (rc != HV_OK)
        return rc;
    if ((size_t)offset + len > HV_PAGE_SIZE)
        return HV_EINVAL;
    hv_memcpy(dst, page + offset, len);
    return HV_OK;
}

static int grant_copy_to(void *ctx, uint32_t gref, uint16_t offset,
                         const void *src, uint16_t len)
{
    uint8_t *page;
    int rc = grant_page(ctx, gref, true, &page);

    if (rc != HV_OK)
        return rc;
    if ((size_t)offset + len > HV_PAGE_SIZE)
        return HV_EINVAL;
    hv_memcpy(page + offset, src, len);
    return HV_OK;
}

static const struct hv_vsw_grant_ops grant_copy_ops = {
    .copy_from = grant_copy_from,
    .copy_to = grant_copy_to,
};

/* Rings: writable grants of pages contiguous in the hypervisor's space. */
static int grant_map(void *ctx, const uint32_t *refs, unsigned int count,
                     void **va)
{
    uint8_t *first = NULL, *page;

    for (unsigned int i = 0; i < count; i++) {
        int rc = grant_page(ctx, refs[i], true, &page);

        if (rc != HV_OK)
            return rc;
        if (i == 0)
            first = page;
        else if (page != first + (size_t)i * HV_PAGE_SIZE)
            return HV_EINVAL;
    }
    if (first == NULL)
        return HV_EINVAL;
    *va = first;
    return HV_OK;
}

static void grant_unmap(void *ctx, void *va, unsigned int count)
{
    (void)ctx; /* nothing was mapped: same address space */
    (void)va;
    (void)count;
}

static const struct hv_vsw_ring_ops grant_ring_ops = {
    .map = grant_map,
    .unmap = grant_unmap,
};

/* ---- state ---- */

/* The pages a frontend shares; registered with the builder. */
struct net_pages {
    uint8_t tx_ring[HV_PAGE_SIZE];
    uint8_t rx_ring[HV_PAGE_SIZE];
    uint8_t tx[NET_BUFS][HV_PAGE_SIZE];
    uint8_t rx[NET_BUFS][HV_PAGE_SIZE];
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
    hv_evtchn_port_t port, back_port;
    struct net_pages *pages;
    struct net_grants grants;
    struct net_xs xs;
    /* frontend-private */
    struct hv_vsw_ring_front tx, rx;
    uint32_t ip, server_ip;
    uint16_t tx_free[NET_BUFS];
    unsigned int tx_free_count;
    bool tx_busy[NET_BUFS];
    uint64_t bad_rsp, tx_errors;
    /* backend-private */
    struct hv_vsw_ring_back btx, brx;
    struct hv_vsw_netback nb;
    bool attached, broken;
    unsigned int sw_port;
};

static struct net_pages net_pages[NET_FRONTS] HV_ALIGNED(HV_PAGE_SIZE);
static struct netfront fronts[NET_FRONTS];
static struct hv_vsw net_sw; /* ~200 KiB: static */
static struct hv_domain *net_back_dom;

/* ---- guest-side helpers ---- */

static void notify(hv_evtchn_port_t port)
{
    struct hv_evtchn_op_port op = {.port = port};

    hv_hypercall2(HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_SEND,
                  (uintptr_t)&op);
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) << 16 | get16(p + 2);
}

/* The IPv4 header checksum (the guest's own, not the switch's). */
static uint16_t ip_csum(const uint8_t *h)
{
    uint32_t sum = 0;

    for (unsigned int i = 0; i < 20; i += 2)
        sum += get16(h + i);
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Ethernet + IPv4 + UDP (no UDP checksum) around `n` payload bytes. */
static unsigned int udp_frame(uint8_t *f, const uint8_t *dst,
                              const uint8_t *src, uint32_t sip, uint32_t dip,
                              uint32_t sport, uint32_t dport,
                              const uint8_t *payload, unsigned int n)
{
    uint8_t *ip = f + 14;

    hv_memcpy(f, dst, 6);
    hv_memcpy(f + 6, src, 6);
    put16(f + 12, 0x0800);
    hv_memset(ip, 0, 28);
    ip[0] = 0x45;
    put16(ip + 2, 28 + n);
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, sip);
    put32(ip + 16, dip);
    put16(ip + 10, ip_csum(ip));
    put16(ip + 20, sport);
    put16(ip + 22, dport);
    put16(ip + 24, 8 + n);
    hv_memcpy(ip + 28, payload, n);
    return 42 + n;
}

/* A UDP datagram to us (IPv4, 20-byte header): its payload, or NULL. */
static const uint8_t *udp_payload(const uint8_t *f, unsigned int len,
                                  uint32_t dport, unsigned int *n)
{
    if (len < 42 || get16(f + 12) != 0x0800 || f[14] != 0x45 || f[23] != 17 ||
        get16(f + 36) != dport)
        return NULL;
    unsigned int ulen = get16(f + 38);
    if (ulen < 8 || ulen > len - 34)
        return NULL;
    *n = ulen - 8;
    return f + 42;
}

/* ---- the netfront (domains 5 and 6) ---- */

static void front_post_rx(struct netfront *f, uint16_t id)
{
    struct hv_vsw_netif_rx_request rq = {.id = id, .gref = REF_RX(id)};
    bool kick = false;

    if (hv_vsw_ring_put_request(&f->rx, &rq) == HV_OK)
        hv_vsw_ring_push_requests(&f->rx, &kick);
    if (kick)
        notify(f->port);
}

static void front_reap_tx(struct netfront *f)
{
    struct hv_vsw_netif_tx_response r;

    while (hv_vsw_ring_get_response(&f->tx, &r) == 1) {
        if (r.id >= NET_BUFS || !f->tx_busy[r.id]) {
            f->bad_rsp++; /* an answer to nothing: ignore it */
            continue;
        }
        if (r.status != HV_VSW_NETIF_RSP_OKAY)
            f->tx_errors++;
        f->tx_busy[r.id] = false;
        f->tx_free[f->tx_free_count++] = r.id;
    }
}

/* Queue one frame for transmission. Return HV_OK or HV_ENOSPC. */
static int front_send(struct netfront *f, const uint8_t *frame,
                      unsigned int len)
{
    bool kick = false;
    uint16_t id;

    front_reap_tx(f);
    if (f->tx_free_count == 0 || hv_vsw_ring_free_requests(&f->tx) == 0)
        return HV_ENOSPC;
    id = f->tx_free[--f->tx_free_count];
    f->tx_busy[id] = true;
    hv_memcpy(f->pages->tx[id], frame, len);
    struct hv_vsw_netif_tx_request rq = {
        .gref = REF_TX(id), .offset = 0, .id = id, .size = (uint16_t)len};
    hv_vsw_ring_put_request(&f->tx, &rq);
    hv_vsw_ring_push_requests(&f->tx, &kick);
    if (kick)
        notify(f->port);
    return HV_OK;
}

/* Copy the next received frame to buf (re-posting its page); 0 if none. */
static unsigned int front_recv(struct netfront *f, uint8_t *buf,
                               unsigned int cap)
{
    struct hv_vsw_netif_rx_response r;

    while (hv_vsw_ring_get_response(&f->rx, &r) == 1) {
        unsigned int n = 0;

        if (r.id >= NET_BUFS) {
            f->bad_rsp++;
            continue;
        }
        if (r.status > 0 && (unsigned int)r.status <= cap &&
            (unsigned int)r.offset + (unsigned int)r.status <= HV_PAGE_SIZE) {
            n = (unsigned int)r.status;
            hv_memcpy(buf, f->pages->rx[r.id] + r.offset, n);
        }
        front_post_rx(f, r.id);
        if (n > 0)
            return n;
    }
    return 0;
}

/* Sleep until the backend answers or `deadline`, re-arming both rings. */
static void front_wait(struct hv_vcpu *self, struct netfront *f,
                       hv_time_t deadline)
{
    hv_evtchn_port_t got[4];
    bool more_rx = false, more_tx = false;

    front_reap_tx(f); /* else final_check would see them and never sleep */
    hv_vsw_ring_final_check_responses(&f->rx, &more_rx);
    hv_vsw_ring_final_check_responses(&f->tx, &more_tx);
    if (more_rx || more_tx ||
        hv_core_evtchn_poll(self, got, HV_ARRAY_SIZE(got)) > 0)
        return;
    hv_hypercall2(HV_HYPERCALL_set_timer_op, (uint64_t)deadline, 0);
    hv_hypercall2(HV_HYPERCALL_sched_op, HV_SCHEDOP_block, 0);
    hv_core_evtchn_poll(self, got, HV_ARRAY_SIZE(got));
}

/* Wait for a frame that match() accepts; its length, 0 at the deadline. */
static unsigned int front_await(struct hv_vcpu *self, struct netfront *f,
                                uint8_t *buf, unsigned int cap,
                                bool (*match)(struct netfront *,
                                              const uint8_t *, unsigned int),
                                hv_time_t deadline)
{
    for (;;) {
        unsigned int n = front_recv(f, buf, cap);

        if (n > 0 && match(f, buf, n))
            return n;
        if (n == 0) {
            if (hv_now() >= deadline)
                return 0;
            front_wait(self, f, deadline);
        }
    }
}

#define DHCP_XID 0x6c696268u /* "libh" */

/* DHCP message type of a reply to our xid, with yiaddr and server id. */
static unsigned int dhcp_reply(const uint8_t *f, unsigned int len,
                               uint32_t *yiaddr, uint32_t *server)
{
    unsigned int n, type = 0;
    const uint8_t *m = udp_payload(f, len, 68, &n);

    if (m == NULL || n < 240 || m[0] != 2 || get32(m + 4) != DHCP_XID ||
        get32(m + 236) != 0x63825363u)
        return 0;
    *yiaddr = get32(m + 16);
    for (unsigned int i = 240; i + 1 < n && m[i] != 255;) {
        unsigned int code = m[i], olen;

        if (code == 0) {
            i++;
            continue;
        }
        olen = m[i + 1];
        if (i + 2 + olen > n)
            return 0;
        if (code == 53 && olen == 1)
            type = m[i + 2];
        if (code == 54 && olen == 4)
            *server = get32(m + i + 2);
        i += 2 + olen;
    }
    return type;
}

static bool is_offer(struct netfront *f, const uint8_t *p, unsigned int n)
{
    uint32_t yi = 0, srv = 0;

    if (dhcp_reply(p, n, &yi, &srv) != 2 || yi == 0 || srv == 0)
        return false;
    f->ip = yi;
    f->server_ip = srv;
    return true;
}

static bool is_ack(struct netfront *f, const uint8_t *p, unsigned int n)
{
    uint32_t yi = 0, srv = 0;

    return dhcp_reply(p, n, &yi, &srv) == 5 && yi == f->ip;
}

static void dhcp_send(struct netfront *f, unsigned int type)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t m[260], frame[320];
    uint8_t *o = m + 240;

    hv_memset(m, 0, sizeof(m));
    m[0] = 1; /* BOOTREQUEST, Ethernet */
    m[1] = 1;
    m[2] = 6;
    put32(m + 4, DHCP_XID);
    m[10] = 0x80; /* broadcast the reply: we have no address yet */
    hv_memcpy(m + 28, f->mac.b, 6);
    put32(m + 236, 0x63825363u);
    *o++ = 53;
    *o++ = 1;
    *o++ = (uint8_t)type;
    if (type == 3) { /* REQUEST the offered address from its server */
        *o++ = 50;
        *o++ = 4;
        put32(o, f->ip);
        o += 4;
        *o++ = 54;
        *o++ = 4;
        put32(o, f->server_ip);
        o += 4;
    }
    *o++ = 255;
    front_send(f, frame,
               udp_frame(frame, bcast, f->mac.b, 0, 0xffffffffu, 68, 67, m,
                         (unsigned int)(o - m)));
}

static bool dhcp_client(struct hv_vcpu *self, struct netfront *f)
{
    uint8_t buf[HV_VSW_FRAME_MAX];

    for (unsigned int tries = 0; tries < 5; tries++) {
        dhcp_send(f, 1);
        if (!front_await(self, f, buf, sizeof(buf), is_offer,
                         hv_now() + NET_TIMEOUT))
            continue;
        dhcp_send(f, 3);
        if (front_await(self, f, buf, sizeof(buf), is_ack,
                        hv_now() + NET_TIMEOUT))
            return true;
    }
    return false;
}

static uint8_t peer_mac[6];

static bool is_arp_reply(struct netfront *f, const uint8_t *p, unsigned int n)
{
    if (n < 42 || get16(p + 12) != 0x0806 || get16(p + 20) != 2 ||
        get32(p + 28) != f->peer_ip || get32(p + 38) != f->ip)
        return false;
    hv_memcpy(peer_mac, p + 22, 6);
    return true;
}

static bool arp_resolve(struct hv_vcpu *self, struct netfront *f)
{
    uint8_t a[42], buf[HV_VSW_FRAME_MAX];

    for (unsigned int tries = 0; tries < 5; tries++) {
        hv_memset(a, 0xff, 6);
        hv_memcpy(a + 6, f->mac.b, 6);
        put16(a + 12, 0x0806);
        put16(a + 14, 1); /* Ethernet, IPv4, 6, 4, request */
        put16(a + 16, 0x0800);
        a[18] = 6;
        a[19] = 4;
        put16(a + 20, 1);
        hv_memcpy(a + 22, f->mac.b, 6);
        put32(a + 28, f->ip);
        hv_memset(a + 32, 0, 6);
        put32(a + 38, f->peer_ip);
        front_send(f, a, sizeof(a));
        if (front_await(self, f, buf, sizeof(buf), is_arp_reply,
                        hv_now() + NET_TIMEOUT))
            return true;
    }
    return false;
}

static void say_ip(const char *who, const char *what, uint32_t ip)
{
    demo_say("%s: %s %u.%u.%u.%u\n", who, what, ip >> 24, (ip >> 16) & 255,
             (ip >> 8) & 255, ip & 255);
}

/* net-b: send every datagram to our echo port back where it came from. */
static HV_NORETURN void echo_loop(struct hv_vcpu *self, struct netfront *f)
{
    uint8_t buf[HV_VSW_FRAME_MAX], out[HV_VSW_FRAME_MAX];
    uint64_t answered = 0;

    for (;;) {
        unsigned int len = front_recv(f, buf, sizeof(buf)), n;
        const uint8_t *p =
            len ? udp_payload(buf, len, NET_ECHO_PORT, &n) : NULL;

        if (len == 0) {
            front_wait(self, f, HV_TIME_MAX);
            continue;
        }
        if (p == NULL || get32(buf + 30) != f->ip)
            continue;
        len = udp_frame(out, buf + 6, f->mac.b, f->ip, get32(buf + 26),
                        NET_ECHO_PORT, get16(buf + 34), p, n);
        while (front_send(f, out, len) != HV_OK)
            front_wait(self, f, hv_now() + NET_TIMEOUT);
        if (++answered % NET_PRINT_EVERY == 0)
            demo_say("%s: %llu datagrams answered\n", f->name,
                     (unsigned long long)answered);
    }
}

/* net-a: numbered datagrams to net-b's echo port, NET_WINDOW in flight. */
static HV_NORETURN void ping_loop(struct hv_vcpu *self, struct netfront *f)
{
    uint8_t buf[HV_VSW_FRAME_MAX], out[128], payload[NET_PAYLOAD];
    uint32_t next = 1, expect = 1;
    uint64_t echoed = 0, lost = 0;
    hv_time_t last = hv_now();

    hv_memset(payload, 0x5a, sizeof(payload));
    for (;;) {
        while (next - expect < NET_WINDOW) {
            put32(payload, next);
            if (front_send(f, out,
                           udp_frame(out, peer_mac, f->mac.b, f->ip, f->peer_ip,
                                     1024, NET_ECHO_PORT, payload,
                                     sizeof(payload))) != HV_OK)
                break;
            next++;
        }
        unsigned int len = front_recv(f, buf, sizeof(buf)), n;
        const uint8_t *p = len ? udp_payload(buf, len, 1024, &n) : NULL;

        if (len == 0) {
            if (hv_now() - last >= NET_TIMEOUT && next != expect) {
                lost += next - expect; /* silence: the window is gone */
                expect = next;
                last = hv_now();
                demo_say("%s: %llu lost, resending\n", f->name,
                         (unsigned long long)lost);
            }
            front_wait(self, f, last + NET_TIMEOUT);
            continue;
        }
        if (p == NULL || n < 4 || get32(buf + 26) != f->peer_ip)
            continue;
        uint32_t seq = get32(p);
        if (seq - expect >= next - expect)
            continue;         /* not in flight (late or forged) */
        lost += seq - expect; /* the flow is never reordered */
        expect = seq + 1;
        last = hv_now();
        if (++echoed % NET_PRINT_EVERY == 0)
            demo_say("%s: %llu frames echoed\n", f->name,
                     (unsigned long long)echoed);
    }
}

static void front_main(struct hv_vcpu *self, void *arg)
{
    struct netfront *f = arg;

    if (hv_vsw_ring_front_init(&f->tx, f->pages->tx_ring, HV_PAGE_SIZE,
                               HV_VSW_NETIF_TX_SLOT) != HV_OK ||
        hv_vsw_ring_front_init(&f->rx, f->pages->rx_ring, HV_PAGE_SIZE,
                               HV_VSW_NETIF_RX_SLOT) != HV_OK) {
        demo_say("%s: cannot set up rings\n", f->name);
        return;
    }
    f->tx_free_count = 0;
    for (uint16_t i = 0; i < NET_BUFS; i++) {
        f->tx_free[f->tx_free_count++] = i;
        front_post_rx(f, i);
    }
    f->xs.tx_ring_ref = REF_TX_RING;
    f->xs.rx_ring_ref = REF_RX_RING;
    __atomic_store_n(&f->xs.state, STATE_CONNECT, __ATOMIC_RELEASE);
    notify(f->port);
    if (!dhcp_client(self, f)) {
        demo_say("%s: no DHCP answer\n", f->name);
        return;
    }
    say_ip(f->name, "DHCP gave", f->ip);
    if (f->peer_ip == 0)
        echo_loop(self, f);
    if (!arp_resolve(self, f)) {
        say_ip(f->name, "no ARP answer for", f->peer_ip);
        return;
    }
    say_ip(f->name, "sending to", f->peer_ip);
    ping_loop(self, f);
}

/* ---- the backend (domain 7) ---- */

static void back_attach(struct netfront *f)
{
    uint32_t tx_ref = HV_READ_ONCE(f->xs.tx_ring_ref);
    uint32_t rx_ref = HV_READ_ONCE(f->xs.rx_ring_ref);
    int rc;

    rc = hv_vsw_ring_back_attach(&f->btx, &grant_ring_ops, &f->grants, &tx_ref,
                                 1, HV_VSW_NETIF_TX_SLOT);
    if (rc == HV_OK) {
        rc = hv_vsw_ring_back_attach(&f->brx, &grant_ring_ops, &f->grants,
                                     &rx_ref, 1, HV_VSW_NETIF_RX_SLOT);
        if (rc != HV_OK)
            hv_vsw_ring_back_detach(&f->btx);
    }
    if (rc == HV_OK)
        rc = hv_vsw_netback_init(&f->nb, &f->btx, &f->brx, &grant_copy_ops,
                                 &f->grants);
    if (rc != HV_OK) {
        demo_say("vsw: %s: cannot attach its rings (%d)\n", f->name, rc);
        f->broken = true;
        return;
    }
    f->attached = true;
    demo_say("vsw: %s connected on port %u\n", f->name, f->sw_port);
}

static void back_disconnect(struct netfront *f, int rc)
{
    demo_say("vsw: %s: ring broken (%d), disconnected\n", f->name, rc);
    hv_vsw_ring_back_detach(&f->btx);
    hv_vsw_ring_back_detach(&f->brx);
    f->attached = false;
    f->broken = true;
}

/* Switch n frames that came from `src`; deliver them; count them. */
static void back_switch(struct netfront *src, struct hv_vsw_pkt *pkts,
                        unsigned int n)
{
    static struct hv_vsw_out out[NET_BURST * NET_FRONTS];
    struct hv_vsw_burst b;
    unsigned int off = 0;

    while (off < n) {
        b.out = out;
        b.out_cap = HV_ARRAY_SIZE(out);
        if (hv_vsw_input(&net_sw, src->sw_port, pkts + off, n - off, hv_now(),
                         &b) != HV_OK ||
            b.consumed == 0)
            return;
        for (unsigned int i = 0; i < NET_FRONTS; i++) {
            struct netfront *dst = &fronts[i];
            uint32_t first = b.port_first[dst->sw_port];
            uint32_t count = b.port_first[dst->sw_port + 1] - first;
            bool kick = false;
            int rc;

            if (count == 0 || !dst->attached)
                continue;
            rc = hv_vsw_netback_rx(&dst->nb, pkts + off, out + first, count,
                                   &kick);
            if (rc < 0)
                back_disconnect(dst, rc);
            else if (kick)
                notify(dst->back_port);
        }
        src->dom->frames_switched += b.out_count;
        net_back_dom->frames_switched += b.out_count;
        off += b.consumed;
    }
}

static void back_main(struct hv_vcpu *self, void *arg)
{
    static uint8_t bufs[NET_BURST][HV_VSW_FRAME_MAX + HV_VSW_VLAN_HLEN];
    struct hv_vsw_pkt pkts[NET_BURST];
    hv_evtchn_port_t got[8];

    (void)arg;
    demo_say("vsw: driver domain up, switch with %u ports\n", NET_FRONTS);
    for (;;) {
        bool work = false;

        for (unsigned int i = 0; i < NET_FRONTS; i++) {
            struct netfront *f = &fronts[i];
            bool kick = false;
            int n;

            if (!f->attached && !f->broken &&
                __atomic_load_n(&f->xs.state, __ATOMIC_ACQUIRE) ==
                    STATE_CONNECT)
                back_attach(f);
            if (!f->attached)
                continue;
            for (unsigned int k = 0; k < NET_BURST; k++)
                pkts[k] = (struct hv_vsw_pkt){
                    .data = bufs[k], .len = 0, .cap = sizeof(bufs[k])};
            n = hv_vsw_netback_tx(&f->nb, pkts, NET_BURST, &kick);
            if (kick)
                notify(f->back_port);
            if (n < 0) {
                back_disconnect(f, n);
                continue;
            }
            if (n > 0) {
                work = true;
                back_switch(f, pkts, (unsigned int)n);
            }
        }
        if (!work && hv_core_evtchn_poll(self, got, HV_ARRAY_SIZE(got)) == 0) {
            hv_hypercall2(HV_HYPERCALL_sched_op, HV_SCHEDOP_block, 0);
            hv_core_evtchn_poll(self, got, HV_ARRAY_SIZE(got));
        }
    }
}

/* ---- the builder ---- */

static int net_switch_init(void)
{
    struct hv_vsw_config cfg = {
        .mac = {{0x02, 0, 0, 0, 0, 0xfe}},
        .ipv4 = 0x0a000001, /* 10.0.0.1 */
        .netmask = 0xffffff00,
        .router = 0x0a000001,
        .lease_secs = 3600,
        .fdb_capacity = 64,
        .fdb_ageing = HV_SEC(300),
        .dhcp = true,
        .proxy_arp = true,
    };
    int rc = hv_vsw_init(&net_sw, &cfg);

    for (unsigned int i = 0; rc == HV_OK && i < NET_FRONTS; i++) {
        struct hv_vsw_port_config pc = {
            .kind = HV_VSW_PORT_GUEST,
            .vlan_mode = HV_VSW_VLAN_ACCESS,
            .pvid = 1,
            .mac = fronts[i].mac,
            .ipv4_count = 1,
            .ipv4 = {0x0a000000u + fronts[i].dom->id}, /* 10.0.0.<domid> */
            .default_action = HV_VSW_ACCEPT,
        };
        rc = hv_vsw_port_add(&net_sw, fronts[i].sw_port, &pc);
    }
    return rc;
}

static void net_register_pages(struct netfront *f)
{
    struct net_pages *p = f->pages;

    hv_memset(&f->grants, 0, sizeof(f->grants));
    f->grants.e[REF_TX_RING] = (struct net_grant){p->tx_ring, true};
    f->grants.e[REF_RX_RING] = (struct net_grant){p->rx_ring, true};
    for (unsigned int i = 0; i < NET_BUFS; i++) {
        f->grants.e[REF_TX(i)] = (struct net_grant){p->tx[i], false};
        f->grants.e[REF_RX(i)] = (struct net_grant){p->rx[i], true};
    }
}

int demo_net_setup(const char *policy, const char *domains)
{
    static const char *const names[NET_FRONTS] = {"net-a", "net-b"};
    struct hv_domain *back;
    int rc;

    for (unsigned int id = 5; id <= NET_BACKEND; id++)
        if (!hv_image_domain_selected(domains, id))
            return HV_OK;
    rc = hv_core_evtchn_enable();
    if (rc != HV_OK && rc != HV_EEXIST)
        return rc;
    rc = demo_make_domain(NET_BACKEND, "vsw", policy, back_main, NULL, &back);
    if (rc == HV_OK)
        rc = hv_core_evtchn_attach(back);
    if (rc != HV_OK)
        return rc;
    net_back_dom = back;
    for (unsigned int i = 0; i < NET_FRONTS; i++) {
        struct netfront *f = &fronts[i];
        hv_domid_t id = (hv_domid_t)(5 + i);

        hv_memset(f, 0, sizeof(*f));
        f->name = names[i];
        f->mac = (struct hv_vsw_mac){{0x02, 0, 0, 0, 0, (uint8_t)id}};
        f->peer_ip = i == 0 ? 0x0a000006u : 0; /* net-a talks to net-b */
        f->pages = &net_pages[i];
        f->sw_port = i;
        net_register_pages(f);
        rc = demo_make_domain(id, names[i], policy, front_main, f, &f->dom);
        if (rc == HV_OK)
            rc = hv_core_evtchn_attach(f->dom);
        /* The frontend offers a port to the backend, which binds it. */
        if (rc == HV_OK)
            rc = hv_evtchn_alloc_unbound(f->dom->evtchn, NET_BACKEND, &f->port);
        if (rc == HV_OK)
            rc = hv_evtchn_bind_interdomain(back->evtchn, f->dom->evtchn,
                                            f->port, &f->back_port);
        if (rc != HV_OK)
            return rc;
    }
    rc = net_switch_init();
    if (rc != HV_OK)
        return rc;
    hv_vcpu_kick(back->vcpus[0]);
    for (unsigned int i = 0; i < NET_FRONTS; i++)
        hv_vcpu_kick(fronts[i].dom->vcpus[0]);
    return HV_OK;
}
