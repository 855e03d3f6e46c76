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
 * which the switch answers by proxy ARP, probes net-b with datagram #0
 * until it answers (net-b drops what arrives before its DHCP is done, as
 * a host without an address would), then sends numbered UDP datagrams to
 * net-b's echo port, keeping NET_WINDOW in flight; net-b sends each back. net-a
 * checks the sequence numbers (the switch never reorders a flow), reports
 * losses (an echo that skips numbers) and stalls (no echo for NET_STALL with
 * datagrams in flight) and prints its count every NET_PRINT_PERIOD; net-b
 * prints how many it answered as often.
 *
 * The attacker. Domain 8 ("net-evil"), started only when domains= names
 * it, is a hostile netfront: TX requests from an unknown grant and of
 * 2000 bytes, RX pages granted unknown or read-only, a frame posing as
 * net-b, and finally a forged req_prod. The backend must answer each with
 * an error (or the switch drop it), disconnect it on the forged index,
 * and go on serving net-a and net-b; the x86_64-demo-net-hostile test
 * checks that.
 *
 * Files: this one holds the grant stand-in, the backend and the builder;
 * demo_net_front.c the netfront; demo_net.h what they share.
 *
 * Counting. The backend adds to struct hv_domain.frames_switched of the
 * sending domain every frame of that domain's the switch forwarded into a
 * frontend's RX page (a DHCP or ARP reply counts for its requester), and
 * the same to domain 7's, which thus shows everything it switched.
 */
#include "demo_net.h"
#include <hv/core_evtchn.h>
#include <hv/hypercall.h>

/* ---- the per-frontend grant table stand-in ---- */

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

static struct net_pages net_pages[NET_FRONTS_MAX] HV_ALIGNED(HV_PAGE_SIZE);
static struct netfront fronts[NET_FRONTS_MAX];
static unsigned int front_count;
static struct hv_vsw net_sw; /* ~200 KiB: static */
static struct hv_domain *net_back_dom;

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
    struct hv_vsw_port_stats st;

    hv_vsw_ring_back_detach(&f->btx);
    hv_vsw_ring_back_detach(&f->brx);
    f->attached = false;
    f->broken = true;
    if (hv_vsw_port_stats(&net_sw, f->sw_port, &st) != HV_OK)
        hv_memset(&st, 0, sizeof(st));
    demo_say("vsw: %s: ring broken (%d), disconnected; tx errors %llu, "
             "rx errors %llu, spoofed-IP drops %llu\n",
             f->name, rc, (unsigned long long)f->nb.stats.tx_errors,
             (unsigned long long)f->nb.stats.rx_errors,
             (unsigned long long)st.drops[HV_VSW_DROP_SPOOF_IP]);
}

/*
 * Switch n frames that came from `src` and deliver them; count the frames
 * that reached a frontend's RX page (not those the switch dropped, nor
 * those that found no posted page).
 */
static void back_switch(struct netfront *src, struct hv_vsw_pkt *pkts,
                        unsigned int n)
{
    static struct hv_vsw_out out[NET_BURST * NET_FRONTS_MAX];
    struct hv_vsw_burst b;
    unsigned int off = 0;
    uint64_t delivered = 0;

    while (off < n) {
        b.out = out;
        b.out_cap = HV_ARRAY_SIZE(out);
        if (hv_vsw_input(&net_sw, src->sw_port, pkts + off, n - off, hv_now(),
                         &b) != HV_OK ||
            b.consumed == 0)
            return;
        for (unsigned int i = 0; i < front_count; i++) {
            struct netfront *dst = &fronts[i];
            uint32_t first = b.port_first[dst->sw_port];
            uint32_t count = b.port_first[dst->sw_port + 1] - first;
            bool kick = false;
            int rc;

            if (count == 0 || !dst->attached)
                continue;
            rc = hv_vsw_netback_rx(&dst->nb, pkts + off, out + first, count,
                                   &kick);
            if (rc < 0) {
                back_disconnect(dst, rc);
                continue;
            }
            delivered += (unsigned int)rc;
            if (kick)
                demo_net_notify(dst->back_port);
        }
        off += b.consumed;
    }
    src->dom->frames_switched += delivered;
    net_back_dom->frames_switched += delivered;
}

static void back_main(struct hv_vcpu *self, void *arg)
{
    static uint8_t bufs[NET_BURST][HV_VSW_FRAME_MAX + HV_VSW_VLAN_HLEN];
    struct hv_vsw_pkt pkts[NET_BURST];
    hv_evtchn_port_t got[8];

    (void)arg;
    demo_say("vsw: driver domain up, switch with %u ports\n", front_count);
    for (;;) {
        bool work = false;

        for (unsigned int i = 0; i < front_count; i++) {
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
                demo_net_notify(f->back_port);
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

    for (unsigned int i = 0; rc == HV_OK && i < front_count; i++) {
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
    static const char *const names[NET_FRONTS_MAX] = {"net-a", "net-b",
                                                      "net-evil"};
    static const hv_domid_t ids[NET_FRONTS_MAX] = {5, 6, NET_EVIL};
    struct hv_domain *back;
    int rc;

    for (unsigned int id = 5; id <= NET_BACKEND; id++)
        if (!hv_image_domain_selected(domains, id))
            return HV_OK;
    /* The attacker only when asked for by name, never by default. */
    front_count =
        domains != NULL && hv_image_domain_selected(domains, NET_EVIL) ? 3 : 2;
    rc = hv_core_evtchn_enable();
    if (rc != HV_OK && rc != HV_EEXIST)
        return rc;
    rc = demo_make_domain(NET_BACKEND, "vsw", policy, back_main, NULL, &back);
    if (rc == HV_OK)
        rc = hv_core_evtchn_attach(back);
    if (rc != HV_OK)
        return rc;
    net_back_dom = back;
    for (unsigned int i = 0; i < front_count; i++) {
        struct netfront *f = &fronts[i];
        hv_domid_t id = ids[i];

        hv_memset(f, 0, sizeof(*f));
        f->name = names[i];
        f->mac = (struct hv_vsw_mac){{0x02, 0, 0, 0, 0, (uint8_t)id}};
        f->peer_ip = i == 0 ? 0x0a000006u : 0; /* net-a talks to net-b */
        f->evil = id == NET_EVIL;
        f->pages = &net_pages[i];
        f->sw_port = i;
        net_register_pages(f);
        rc = demo_make_domain(id, names[i], policy, demo_net_front_main, f,
                              &f->dom);
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
    for (unsigned int i = 0; i < front_count; i++)
        hv_vcpu_kick(fronts[i].dom->vcpus[0]);
    return HV_OK;
}
