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
 * IPv4 address) and gives each frontend its shared pages. A frontend
 * initialises its rings, posts every RX page, then publishes "connected"
 * with the grant references of its two ring pages in a small per-device
 * record -- the stand-in for the xenstore keys tx-ring-ref, rx-ring-ref
 * and state -- and sends an event. The backend attaches to a connected
 * frontend's rings through the grant ops below; every reference and index
 * it reads there is treated as hostile by libhv-net.
 *
 * Grant references: real grant tables (libhv-gnttab through the core).
 * The builder gives each frontend its shared pages as frames of its own
 * libhv-mm reservation (hv_core_gnttab_alloc_page: the toolstack
 * populating its memory). The frontend sizes its grant table with
 * GNTTABOP_setup_table and writes one version-1 entry per page into its
 * table frame, granting it to domain 7: ring and RX pages writable, TX
 * pages read-only (demo_net_front.c). The backend names them only by
 * (frontend, reference).
 *
 * Why the backend goes through the hypercall. Its grant ops are called
 * on domain 7's own vCPU (the netback runs there), so they make
 * grant_table_op hypercalls exactly as a PV netback does, rather than
 * calling hv_gnttab_op() on domain 7's table directly: the core then
 * copies the arguments, resolves the frontend's domain id, and every
 * check of libhv-gnttab and the core applies (the frontend's entry must
 * grant to domain 7, with the right access; the copy must stay within
 * the frame). The rings are mapped with GNTTABOP_map_grant_ref (an orphan
 * vCPU reaches the mapped frame through the direct map: no page-table
 * entry is installed for hypervisor threads; the handle, the entry's
 * GTF_reading/GTF_writing and the frame references are real) and
 * unmapped with GNTTABOP_unmap_grant_ref on detach. Frame data moves with
 * GNTTABOP_copy between the frontend's page (by reference) and a bounce
 * page of domain 7's own: a grant copy's own side must be a frame of the
 * caller, and the switch's buffers live in the hypervisor image, so each
 * frame crosses the bounce page with one memcpy more.
 *
 * A refused grant (bad reference, read-only page as an RX destination,
 * copy crossing the frame) gives the netback a negative HV_E* code and
 * the frontend a NETIF_RSP_ERROR answer.
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
 * Files: this one holds the grant ops, the backend and the builder;
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

/* ---- grant ops of the backend (domain 7's vCPU) ---- */

static uint8_t *net_bounce; /* a frame of domain 7 */
static uint64_t net_bounce_mfn;

static long grant_op(unsigned int cmd, void *arg)
{
    return hv_hypercall3(HV_HYPERCALL_grant_table_op, cmd, (uintptr_t)arg, 1);
}

/* A refused grant as the netback's negative code (counted for `f`). */
static int grant_err(struct netfront *f, long rc, int16_t status)
{
    if (rc < 0 || status != HV_GNTST_okay) {
        f->grant_refusals++;
        f->grant_last = rc < 0 ? 0 : status;
    }
    if (rc < 0)
        return (int)rc;
    switch (status) {
    case HV_GNTST_okay:
        return HV_OK;
    case HV_GNTST_bad_gntref:
    case HV_GNTST_bad_copy_arg:
        return HV_EINVAL;
    case HV_GNTST_bad_domain:
        return HV_ESRCH;
    default:
        return HV_EPERM; /* not granted to us, or not for this use */
    }
}

/* One copy between the frontend's page `gref` and the bounce page. */
static int grant_copy(struct netfront *f, uint32_t gref, uint16_t offset,
                      uint16_t len, bool to_front)
{
    struct hv_gnttab_copy c;
    struct hv_gnttab_copy_ptr *front = to_front ? &c.dest : &c.source;
    struct hv_gnttab_copy_ptr *own = to_front ? &c.source : &c.dest;
    long rc;

    hv_memset(&c, 0, sizeof(c));
    front->u.ref = gref;
    front->domid = f->dom->id;
    front->offset = offset;
    own->u.gmfn = net_bounce_mfn;
    own->domid = HV_DOMID_SELF;
    c.len = len;
    c.flags = to_front ? HV_GNTCOPY_dest_gref : HV_GNTCOPY_source_gref;
    rc = grant_op(HV_GNTTABOP_copy, &c);
    return grant_err(f, rc, c.status);
}

static int grant_copy_from(void *ctx, uint32_t gref, uint16_t offset, void *dst,
                           uint16_t len)
{
    int rc;

    if (len > HV_PAGE_SIZE)
        return HV_EINVAL;
    rc = grant_copy(ctx, gref, offset, len, false);
    if (rc == HV_OK)
        hv_memcpy(dst, net_bounce, len);
    return rc;
}

static int grant_copy_to(void *ctx, uint32_t gref, uint16_t offset,
                         const void *src, uint16_t len)
{
    if (len > HV_PAGE_SIZE)
        return HV_EINVAL;
    hv_memcpy(net_bounce, src, len);
    return grant_copy(ctx, gref, offset, len, true);
}

static const struct hv_vsw_grant_ops grant_copy_ops = {
    .copy_from = grant_copy_from,
    .copy_to = grant_copy_to,
};

/* Rings: one page each, mapped writable by grant reference. */
static int grant_map(void *ctx, const uint32_t *refs, unsigned int count,
                     void **va)
{
    struct net_ring_map *m = ctx;
    struct hv_gnttab_map_grant_ref op = {
        .host_addr = 0, /* orphan vCPU: recorded, nothing installed */
        .flags = HV_GNTMAP_host_map,
        .dom = m->f->dom->id,
    };
    long rc;

    if (count != 1 || m->mapped)
        return HV_EINVAL; /* the demo's rings are one page */
    op.ref = refs[0];
    rc = grant_op(HV_GNTTABOP_map_grant_ref, &op);
    if (rc < 0 || op.status != HV_GNTST_okay)
        return grant_err(m->f, rc, op.status);
    *va = hv_core_gnttab_va(op.dev_bus_addr);
    m->handle = op.handle;
    m->mapped = true;
    return HV_OK;
}

static void grant_unmap(void *ctx, void *va, unsigned int count)
{
    struct net_ring_map *m = ctx;
    struct hv_gnttab_unmap_grant_ref op = {.host_addr = 0, .handle = m->handle};
    long rc;

    (void)va;
    (void)count;
    if (!m->mapped)
        return;
    rc = grant_op(HV_GNTTABOP_unmap_grant_ref, &op);
    if (rc != HV_OK || op.status != HV_GNTST_okay)
        demo_say("vsw: %s: unmap of a ring refused (%ld, status %d)\n",
                 m->f->name, rc, op.status);
    m->mapped = false;
}

static const struct hv_vsw_ring_ops grant_ring_ops = {
    .map = grant_map,
    .unmap = grant_unmap,
};

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

    f->tx_map.f = f;
    f->rx_map.f = f;
    rc = hv_vsw_ring_back_attach(&f->btx, &grant_ring_ops, &f->tx_map, &tx_ref,
                                 1, HV_VSW_NETIF_TX_SLOT);
    if (rc == HV_OK) {
        rc = hv_vsw_ring_back_attach(&f->brx, &grant_ring_ops, &f->rx_map,
                                     &rx_ref, 1, HV_VSW_NETIF_RX_SLOT);
        if (rc != HV_OK)
            hv_vsw_ring_back_detach(&f->btx);
    }
    if (rc == HV_OK)
        rc = hv_vsw_netback_init(&f->nb, &f->btx, &f->brx, &grant_copy_ops, f);
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
    demo_say("vsw: %s: grant ops refused %llu (last GNTST %d)\n", f->name,
             (unsigned long long)f->grant_refusals, f->grant_last);
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

/* The frontend's shared pages: frames of its own (populating its memory). */
static int net_give_pages(struct netfront *f)
{
    uint8_t *va[NET_GRANTS];
    int rc = HV_OK;

    for (uint32_t ref = 0; ref < NET_GRANTS && rc == HV_OK; ref++)
        rc = hv_core_gnttab_alloc_page(f->dom, &f->pages.mfn[ref],
                                       (void **)&va[ref]);
    if (rc != HV_OK)
        return rc;
    f->pages.tx_ring = va[REF_TX_RING];
    f->pages.rx_ring = va[REF_RX_RING];
    for (unsigned int i = 0; i < NET_BUFS; i++) {
        f->pages.tx[i] = va[REF_TX(i)];
        f->pages.rx[i] = va[REF_RX(i)];
    }
    return HV_OK;
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
    rc = hv_core_gnttab_enable();
    if (rc != HV_OK && rc != HV_EEXIST)
        return rc;
    rc = demo_make_domain(NET_BACKEND, "vsw", policy, back_main, NULL, &back);
    if (rc == HV_OK)
        rc = hv_core_evtchn_attach(back);
    if (rc == HV_OK)
        rc = hv_core_gnttab_attach(back);
    if (rc == HV_OK)
        rc = hv_core_gnttab_alloc_page(back, &net_bounce_mfn,
                                       (void **)&net_bounce);
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
        f->sw_port = i;
        rc = demo_make_domain(id, names[i], policy, demo_net_front_main, f,
                              &f->dom);
        if (rc == HV_OK)
            rc = hv_core_evtchn_attach(f->dom);
        if (rc == HV_OK)
            rc = hv_core_gnttab_attach(f->dom);
        if (rc == HV_OK)
            rc = net_give_pages(f);
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
