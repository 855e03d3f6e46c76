/*
 * Two domains ping-pong over one event channel, the way a split driver's
 * frontend and backend notify each other.
 *
 * The "core" here is this file: it owns the domains and their guest-shared
 * words, wires the kick hook to a run queue, and plays each guest's upcall
 * handler when its vCPU is kicked. The backend offers a port to the
 * frontend (alloc_unbound), the frontend connects (bind_interdomain), then
 * each side answers every event with a send until ROUNDS are done. The
 * backend also binds the per-vCPU timer VIRQ, which the "hypervisor" raises
 * once. At the end both domains are torn down.
 *
 * The first event the frontend sees is the one bind_interdomain raises on
 * the new port (as Xen does, in case the backend sent before the connection
 * existed); the frontend answers it, so the ping-pong starts by itself. The
 * frontend stops answering after ROUNDS events, so the backend sees
 * ROUNDS - 1.
 */
#include <hv/evtchn.h>
#include <stdio.h>
#include <string.h>

#define ROUNDS 5
#define PORTS  64

struct guest {
    const char *name;
    struct hv_evtchn_domain d;
    struct hv_evtchn_port ports[PORTS];
    struct hv_evtchn_vcpu vcpu;
    struct hv_evtchn_vcpu_shared shared;
    hv_word_t pending[HV_BITMAP_WORDS(PORTS)];
    hv_word_t mask[HV_BITMAP_WORDS(PORTS)];
    hv_word_t sel;
    uint8_t upcall_pending, upcall_mask;
    bool runnable;          /* set by the kick hook */
    hv_evtchn_port_t port;  /* its end of the channel */
    hv_evtchn_port_t timer; /* backend only */
    int received;
};

static void kick(void *ctx, struct hv_evtchn_domain *d, unsigned int vcpu)
{
    struct guest *g = ctx;

    (void)d;
    printf("  kick %s vCPU %u\n", g->name, vcpu);
    g->runnable = true;
}

static const struct hv_evtchn_ops ops = {.kick = kick};

static int setup(struct guest *g, const char *name, hv_domid_t id)
{
    struct hv_evtchn_domain_config cfg;

    memset(g, 0, sizeof(*g));
    g->name = name;
    g->shared.pending_sel = &g->sel;
    g->shared.upcall_pending = &g->upcall_pending;
    g->shared.upcall_mask = &g->upcall_mask;
    memset(&cfg, 0, sizeof(cfg));
    cfg.domid = id;
    cfg.port_count = PORTS;
    cfg.ports = g->ports;
    cfg.pending = g->pending;
    cfg.mask = g->mask;
    cfg.vcpu_count = 1;
    cfg.vcpus = &g->vcpu;
    cfg.vcpu_shared = &g->shared;
    cfg.ops = &ops;
    cfg.ops_ctx = g;
    return hv_evtchn_domain_init(&g->d, &cfg);
}

/* The guest's upcall handler: returns the ports it handled, as a count. */
static int upcall(struct guest *g, hv_evtchn_port_t *seen, int max)
{
    int n = 0;
    hv_word_t sel;

    g->upcall_pending = 0;
    sel = __atomic_exchange_n(&g->sel, 0, __ATOMIC_SEQ_CST);
    while (sel != 0) {
        unsigned int w = hv_word_ffs(sel);
        hv_word_t bits = g->pending[w] & ~g->mask[w];

        sel &= sel - 1;
        while (bits != 0 && n < max) {
            hv_evtchn_port_t p = w * HV_WORD_BITS + hv_word_ffs(bits);

            bits &= bits - 1;
            if (hv_bit_test_and_clear_atomic(g->pending, p))
                seen[n++] = p;
        }
    }
    return n;
}

static int run(struct guest *g)
{
    hv_evtchn_port_t seen[8];
    int n;

    g->runnable = false;
    n = upcall(g, seen, 8);
    for (int i = 0; i < n; i++) {
        if (seen[i] == g->port) {
            g->received++;
            printf("%s: event on port %u (%d)\n", g->name, seen[i],
                   g->received);
            if (g->received < ROUNDS || g->name[0] == 'b')
                if (hv_evtchn_send(&g->d, g->port) != 0)
                    return 1;
        } else if (seen[i] == g->timer) {
            printf("%s: timer VIRQ on port %u\n", g->name, seen[i]);
        }
    }
    return 0;
}

int main(void)
{
    static struct guest front, back;
    struct hv_evtchn_status st;
    int rc;

    if (setup(&front, "frontend", 1) != 0 || setup(&back, "backend", 0) != 0)
        return 1;
    /* Backend offers a port to domain 1; the frontend connects. */
    rc = hv_evtchn_alloc_unbound(&back.d, 1, &back.port);
    if (rc == 0)
        rc = hv_evtchn_bind_interdomain(&front.d, &back.d, back.port,
                                        &front.port);
    if (rc == 0)
        rc = hv_evtchn_bind_virq(&back.d, HV_VIRQ_TIMER, 0, &back.timer);
    if (rc != 0) {
        printf("setup failed: %s\n", hv_strerror(rc));
        return 1;
    }
    hv_evtchn_status(&front.d, front.port, &st);
    printf("frontend port %u <-> backend (dom %u) port %u\n", front.port,
           st.u.interdomain.dom, st.u.interdomain.port);

    /* The "hypervisor" raises the backend's timer once. */
    hv_evtchn_send_virq(&back.d, 0, HV_VIRQ_TIMER);
    /* Scheduler: run whichever guest was kicked until nobody is. */
    for (int steps = 0; steps < 100 && (front.runnable || back.runnable);
         steps++) {
        if (front.runnable && run(&front) != 0)
            return 1;
        if (back.runnable && run(&back) != 0)
            return 1;
    }
    printf("frontend received %d, backend received %d\n", front.received,
           back.received);
    hv_evtchn_domain_teardown(&front.d);
    hv_evtchn_status(&back.d, back.port, &st);
    printf("after frontend teardown, backend port %u is %s\n", back.port,
           st.status == HV_EVTCHNSTAT_UNBOUND ? "unbound" : "?");
    hv_evtchn_domain_teardown(&back.d);
    return front.received == ROUNDS && back.received == ROUNDS - 1 &&
                   st.status == HV_EVTCHNSTAT_UNBOUND
               ? 0
               : 1;
}
