/*
 * The netfront of domains 5 ("net-a") and 6 ("net-b"): guest-side code of
 * the net group (see demo_net.c for the whole design). It owns a TX and an
 * RX ring (Xen netif layout) and frame pages the builder gave it (frames of
 * its own reservation); it sizes its grant table with
 * GNTTABOP_setup_table and writes a version-1 entry per shared page into
 * the table frame, granting it to the driver domain (the rings and RX
 * pages writable, TX pages read-only), as a PV netfront does; it posts
 * every RX page, publishes its ring references and "connected", asks the
 * switch's DHCP server for its address, and then either sends numbered UDP
 * datagrams to its peer's echo port and checks the echoes (net-a, after
 * resolving the peer by ARP) or echoes every datagram it receives (net-b); or,
 * as domain 8 ("net-evil"), attacks the backend. Everything from the backend is
 * checked: responses naming buffers not in flight, bad lengths or offsets are
 * counted and ignored. Frames are built and parsed here by hand, as a guest
 * would (no switch code is used on this side).
 */
#include "demo_net.h"
#include <hv/core_evtchn.h>
#include <hv/hypercall.h>

/* ---- guest-side helpers ---- */

void demo_net_notify(hv_evtchn_port_t port)
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

/* ---- grants ---- */

/*
 * One frame of grant table (GNTTABOP_setup_table), then an entry per
 * shared page for the backend: domid and frame first, the flags last
 * with a release store, so the hypervisor never sees a valid type with
 * stale fields. Return HV_OK, or the failure (printed).
 */
static int front_grant(struct netfront *f)
{
    uint64_t list[1] = {0};
    struct hv_gnttab_setup_table st = {
        .dom = HV_DOMID_SELF, .nr_frames = 1, .frame_list = (uintptr_t)list};
    struct hv_grant_entry_v1 *t;
    long rc;

    rc = hv_hypercall3(HV_HYPERCALL_grant_table_op, HV_GNTTABOP_setup_table,
                       (uintptr_t)&st, 1);
    if (rc != HV_OK || st.status != HV_GNTST_okay) {
        demo_say("%s: setup_table failed (%ld, status %d)\n", f->name, rc,
                 st.status);
        return rc != HV_OK ? (int)rc : HV_EIO;
    }
    /* An orphan vCPU reaches its table frame through the direct map. */
    t = hv_core_gnttab_va(list[0] << HV_PAGE_SHIFT);
    for (uint32_t ref = 0; ref < NET_GRANTS; ref++) {
        uint16_t flags = HV_GTF_permit_access;

        if (ref >= REF_TX(0) && ref < REF_TX(NET_BUFS))
            flags |= HV_GTF_readonly; /* the backend only reads TX pages */
        t[ref].domid = NET_BACKEND;
        t[ref].frame = (uint32_t)f->pages.mfn[ref];
        __atomic_store_n(&t[ref].flags, flags, __ATOMIC_RELEASE);
    }
    return HV_OK;
}

/* ---- the netfront (domains 5 and 6) ---- */

static void front_post_rx(struct netfront *f, uint16_t id)
{
    struct hv_netif_rx_request rq = {.id = id, .gref = REF_RX(id)};
    bool kick = false;

    if (hv_vsw_ring_put_request(&f->rx, &rq) == HV_OK)
        hv_vsw_ring_push_requests(&f->rx, &kick);
    if (kick)
        demo_net_notify(f->port);
}

static void front_reap_tx(struct netfront *f)
{
    struct hv_netif_tx_response r;

    while (hv_vsw_ring_get_response(&f->tx, &r) == 1) {
        if (r.id >= NET_BUFS || !f->tx_busy[r.id]) {
            f->bad_rsp++; /* an answer to nothing: ignore it */
            continue;
        }
        if (r.status != HV_NETIF_RSP_OKAY)
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
    hv_memcpy(f->pages.tx[id], frame, len);
    struct hv_netif_tx_request rq = {
        .gref = REF_TX(id), .offset = 0, .id = id, .size = (uint16_t)len};
    hv_vsw_ring_put_request(&f->tx, &rq);
    hv_vsw_ring_push_requests(&f->tx, &kick);
    if (kick)
        demo_net_notify(f->port);
    return HV_OK;
}

/* Copy the next received frame to buf (re-posting its page); 0 if none. */
static unsigned int front_recv(struct netfront *f, uint8_t *buf,
                               unsigned int cap)
{
    struct hv_netif_rx_response r;

    while (hv_vsw_ring_get_response(&f->rx, &r) == 1) {
        unsigned int n = 0;

        if (r.id >= NET_BUFS) {
            f->bad_rsp++;
            continue;
        }
        if (r.status > 0 && (unsigned int)r.status <= cap &&
            (unsigned int)r.offset + (unsigned int)r.status <= HV_PAGE_SIZE) {
            n = (unsigned int)r.status;
            hv_memcpy(buf, f->pages.rx[r.id] + r.offset, n);
        }
        front_post_rx(f, r.id);
        if (n > 0)
            return n;
    }
    return 0;
}

/* Sleep until the backend answers or `deadline`, re-arming both rings. */
static void front_sleep(struct hv_vcpu *self, struct netfront *f,
                        hv_time_t deadline)
{
    hv_evtchn_port_t got[4];
    bool more_rx = false, more_tx = false;

    hv_vsw_ring_final_check_responses(&f->rx, &more_rx);
    hv_vsw_ring_final_check_responses(&f->tx, &more_tx);
    if (more_rx || more_tx ||
        hv_core_evtchn_poll(self, got, HV_ARRAY_SIZE(got)) > 0)
        return;
    hv_hypercall2(HV_HYPERCALL_set_timer_op, (uint64_t)deadline, 0);
    hv_hypercall2(HV_HYPERCALL_sched_op, HV_SCHEDOP_block, 0);
    hv_core_evtchn_poll(self, got, HV_ARRAY_SIZE(got));
}

/* The same, TX answers taken first (else final_check sees them at once). */
static void front_wait(struct hv_vcpu *self, struct netfront *f,
                       hv_time_t deadline)
{
    front_reap_tx(f);
    front_sleep(self, f, deadline);
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

static bool is_arp_reply(struct netfront *f, const uint8_t *p, unsigned int n)
{
    if (n < 42 || get16(p + 12) != 0x0806 || get16(p + 20) != 2 ||
        get32(p + 28) != f->peer_ip || get32(p + 38) != f->ip)
        return false;
    hv_memcpy(f->peer_mac, p + 22, 6);
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
    hv_time_t report = hv_now() + NET_PRINT_PERIOD;

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
        answered++;
        if (hv_now() >= report) {
            demo_say("%s: %llu datagrams answered\n", f->name,
                     (unsigned long long)answered);
            report = hv_now() + NET_PRINT_PERIOD;
        }
    }
}

static bool is_probe_echo(struct netfront *f, const uint8_t *p, unsigned int n)
{
    unsigned int len;
    const uint8_t *m = udp_payload(p, n, 1024, &len);

    return m != NULL && len >= 4 && get32(p + 26) == f->peer_ip &&
           get32(m) == 0;
}

/*
 * The peer echoes only once it has its address (until then it drops what
 * it receives, as a host would): send datagram #0 until it comes back.
 */
static bool probe_peer(struct hv_vcpu *self, struct netfront *f)
{
    uint8_t buf[HV_VSW_FRAME_MAX], out[128], payload[NET_PAYLOAD] = {0};

    for (unsigned int tries = 0; tries < 50; tries++) {
        if (front_send(f, out,
                       udp_frame(out, f->peer_mac, f->mac.b, f->ip, f->peer_ip,
                                 1024, NET_ECHO_PORT, payload,
                                 sizeof(payload))) == HV_OK &&
            front_await(self, f, buf, sizeof(buf), is_probe_echo,
                        hv_now() + NET_TIMEOUT))
            return true;
    }
    return false;
}

/*
 * net-a: numbered datagrams to net-b's echo port, NET_WINDOW in flight.
 * The rings and the switch never reorder a flow, so an echo that skips
 * numbers proves those datagrams lost (reported). Silence for NET_STALL
 * with datagrams in flight proves nothing by itself (QEMU's clock follows
 * the host's, so a descheduled emulator looks like silence): it is
 * reported as a stall and the window restarts; echoes of the abandoned
 * datagrams that arrive later are counted as late, not as lost.
 */
static HV_NORETURN void ping_loop(struct hv_vcpu *self, struct netfront *f)
{
    uint8_t buf[HV_VSW_FRAME_MAX], out[128], payload[NET_PAYLOAD];
    uint32_t next = 1, expect = 1, abandoned = 1; /* [abandoned, expect) */
    uint64_t echoed = 0, lost = 0, late = 0;
    hv_time_t last = hv_now(), report = last + NET_PRINT_PERIOD;

    hv_memset(payload, 0x5a, sizeof(payload));
    for (;;) {
        if (next == expect)
            last = hv_now(); /* an empty window: its clock starts now */
        while (next - expect < NET_WINDOW) {
            put32(payload, next);
            if (front_send(f, out,
                           udp_frame(out, f->peer_mac, f->mac.b, f->ip,
                                     f->peer_ip, 1024, NET_ECHO_PORT, payload,
                                     sizeof(payload))) != HV_OK)
                break;
            next++;
        }
        unsigned int len = front_recv(f, buf, sizeof(buf)), n;
        const uint8_t *p = len ? udp_payload(buf, len, 1024, &n) : NULL;

        if (len == 0) {
            if (hv_now() - last >= NET_STALL && next != expect) {
                const struct hv_sring *t = f->tx.s, *r = f->rx.s;

                /* with both rings' shared indices, for a post-mortem */
                demo_say("%s: stalled: no echo for %lld ms, %u in flight; "
                         "tx %u/%u/%u/%u rx %u/%u/%u/%u\n",
                         f->name, (long long)((hv_now() - last) / 1000000),
                         next - expect, t->req_prod, t->req_event, t->rsp_prod,
                         t->rsp_event, r->req_prod, r->req_event, r->rsp_prod,
                         r->rsp_event);
                abandoned = expect;
                expect = next;
                continue; /* a fresh window at once */
            }
            front_wait(self, f, last + NET_STALL);
            continue;
        }
        if (p == NULL || n < 4 || get32(buf + 26) != f->peer_ip)
            continue;
        uint32_t seq = get32(p);
        if (seq - abandoned < expect - abandoned) {
            late++; /* from a window given up on: arrived after all */
            continue;
        }
        if (seq - expect >= next - expect)
            continue; /* not in flight: forged or duplicated */
        if (seq != expect) {
            lost += seq - expect;
            demo_say("%s: %u lost before #%u (%llu in all)\n", f->name,
                     seq - expect, seq, (unsigned long long)lost);
        }
        expect = seq + 1;
        last = hv_now();
        echoed++;
        if (last >= report) {
            if (late == 0)
                demo_say("%s: %llu frames echoed\n", f->name,
                         (unsigned long long)echoed);
            else
                demo_say("%s: %llu frames echoed, %llu late\n", f->name,
                         (unsigned long long)echoed, (unsigned long long)late);
            report = last + NET_PRINT_PERIOD;
        }
    }
}

/* ---- net-evil (domain 8, only when domains= names it) ---- */

/* The status of the next answer on `ring` (TX or RX); 99 if none came. */
static int evil_answer(struct hv_vcpu *self, struct netfront *f, bool tx)
{
    hv_time_t deadline = hv_now() + NET_TIMEOUT;
    union {
        struct hv_netif_tx_response t;
        struct hv_netif_rx_response r;
    } u;

    for (;;) {
        if (hv_vsw_ring_get_response(tx ? &f->tx : &f->rx, &u) == 1)
            return tx ? u.t.status : u.r.status;
        if (hv_now() >= deadline)
            return 99;
        front_sleep(self, f, deadline);
    }
}

/* Post one TX request as given; the status it is answered with. */
static int evil_tx(struct hv_vcpu *self, struct netfront *f, uint32_t gref,
                   uint16_t size)
{
    struct hv_netif_tx_request rq = {.gref = gref, .size = size};
    bool kick = false;

    hv_vsw_ring_put_request(&f->tx, &rq);
    hv_vsw_ring_push_requests(&f->tx, &kick);
    if (kick)
        demo_net_notify(f->port);
    return evil_answer(self, f, true);
}

/*
 * A hostile netfront: every request names something it must not, and
 * the backend must answer each with an error and carry on serving the
 * others; a forged ring index finally gets it disconnected.
 */
static HV_NORETURN void evil_main(struct hv_vcpu *self, struct netfront *f)
{
    static const uint8_t net_a[6] = {0x02, 0, 0, 0, 0, 5};
    struct hv_netif_rx_request unknown = {.id = 0, .gref = 999};
    struct hv_netif_rx_request ro = {.id = 1, .gref = REF_TX(0)};
    struct hv_sring *s = (struct hv_sring *)f->pages.tx_ring;
    uint8_t payload[NET_PAYLOAD] = {0};
    bool kick = false;
    int st;

    /* RX pages the backend may not write: unknown, and read-only. */
    hv_vsw_ring_put_request(&f->rx, &unknown);
    hv_vsw_ring_put_request(&f->rx, &ro);
    hv_vsw_ring_push_requests(&f->rx, &kick);
    f->xs.tx_ring_ref = REF_TX_RING;
    f->xs.rx_ring_ref = REF_RX_RING;
    __atomic_store_n(&f->xs.state, STATE_CONNECT, __ATOMIC_RELEASE);
    demo_net_notify(f->port);

    st = evil_tx(self, f, 999, 60);
    demo_say("%s: TX from an unknown grant: status %d\n", f->name, st);
    st = evil_tx(self, f, REF_TX(1), 2000);
    demo_say("%s: TX of 2000 bytes: status %d\n", f->name, st);
    /* Two DHCP requests: their answers land in the two bad RX pages. */
    for (unsigned int i = 0; i < 2; i++) {
        dhcp_send(f, 1);
        st = evil_answer(self, f, false);
        demo_say("%s: RX into %s grant: status %d\n", f->name,
                 i == 0 ? "an unknown" : "a read-only", st);
        front_reap_tx(f);
    }
    /* Pretend to be net-b (10.0.0.6) towards net-a: dropped by the switch. */
    st = evil_tx(self, f, REF_TX(2),
                 (uint16_t)udp_frame(f->pages.tx[2], net_a, f->mac.b,
                                     0x0a000006u, 0x0a000005u, NET_ECHO_PORT,
                                     1024, payload, sizeof(payload)));
    demo_say("%s: TX posing as 10.0.0.6: status %d\n", f->name, st);
    /* Claim 100000 requests the ring cannot hold. */
    demo_say("%s: forging req_prod\n", f->name);
    __atomic_store_n(&s->req_prod, s->req_prod + 100000u, __ATOMIC_RELEASE);
    demo_net_notify(f->port);
    for (;;) { /* disconnected: nothing will come; take what is pending */
        hv_evtchn_port_t got[4];

        hv_core_evtchn_poll(self, got, HV_ARRAY_SIZE(got));
        hv_hypercall2(HV_HYPERCALL_sched_op, HV_SCHEDOP_block, 0);
    }
}

void demo_net_front_main(struct hv_vcpu *self, void *arg)
{
    struct netfront *f = arg;

    if (hv_vsw_ring_front_init(&f->tx, f->pages.tx_ring, HV_PAGE_SIZE,
                               HV_VSW_NETIF_TX_SLOT) != HV_OK ||
        hv_vsw_ring_front_init(&f->rx, f->pages.rx_ring, HV_PAGE_SIZE,
                               HV_VSW_NETIF_RX_SLOT) != HV_OK) {
        demo_say("%s: cannot set up rings\n", f->name);
        return;
    }
    if (front_grant(f) != HV_OK)
        return;
    /* TX pages 0-2 are net-evil's for hand-made requests. */
    f->tx_free_count = 0;
    for (uint16_t i = f->evil ? 3 : 0; i < NET_BUFS; i++)
        f->tx_free[f->tx_free_count++] = i;
    if (f->evil)
        evil_main(self, f);
    for (uint16_t i = 0; i < NET_BUFS; i++)
        front_post_rx(f, i);
    f->xs.tx_ring_ref = REF_TX_RING;
    f->xs.rx_ring_ref = REF_RX_RING;
    __atomic_store_n(&f->xs.state, STATE_CONNECT, __ATOMIC_RELEASE);
    demo_net_notify(f->port);
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
    if (!probe_peer(self, f)) {
        say_ip(f->name, "no echo from", f->peer_ip);
        return;
    }
    say_ip(f->name, "sending to", f->peer_ip);
    ping_loop(self, f);
}
