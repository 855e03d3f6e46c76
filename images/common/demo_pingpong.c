/*
 * Domains 3 and 4: ping-pong over an interdomain event channel. The
 * builder connects them (4 offers an unbound port to 3, 3 binds it); then
 * 3 sends, 4 answers each event with one of its own, and 3 counts round
 * trips. Events arrive as in a PV guest: pending bits in shared_info,
 * taken by the guest-side poll after SCHEDOP_block returns.
 */
#include "demo.h"
#include <hv/core_evtchn.h>
#include <hv/hypercall.h>

/* ---- domains 3 and 4 ---- */

struct pingpong {
    hv_evtchn_port_t port; /* this domain's end */
    bool serve;            /* pong: answer; ping: start and count */
};

static struct pingpong pp[2];

static void wait_event(struct hv_vcpu *self)
{
    hv_evtchn_port_t got[8];

    while (hv_core_evtchn_poll(self, got, HV_ARRAY_SIZE(got)) == 0)
        hv_hypercall2(HV_HYPERCALL_sched_op, HV_SCHEDOP_block, 0);
}

static void send(hv_evtchn_port_t port)
{
    struct hv_evtchn_op_port op = {.port = port};

    hv_hypercall2(HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_SEND,
                  (uintptr_t)&op);
}

static void pingpong_main(struct hv_vcpu *self, void *arg)
{
    struct pingpong *me = arg;

    /* Xen leaves a freshly bound interdomain port pending: take it. */
    if (me->serve) {
        demo_say("pong: serving on port %u\n", me->port);
        for (;;) {
            wait_event(self);
            send(me->port);
        }
    }
    demo_say("ping: port %u, starting\n", me->port);
    hv_evtchn_port_t drain[8];
    hv_core_evtchn_poll(self, drain, HV_ARRAY_SIZE(drain));
    for (unsigned long n = 1;; n++) {
        send(me->port);
        wait_event(self);
        if (n % 2000 == 0)
            demo_say("ping-pong: %lu round trips\n", n);
    }
}

int demo_pingpong_setup(const char *policy, const char *domains)
{
    struct hv_domain *d3, *d4;
    int rc;

    if (!hv_image_domain_selected(domains, 3) ||
        !hv_image_domain_selected(domains, 4))
        return HV_OK;
    rc = hv_core_evtchn_enable();
    if (rc != HV_OK && rc != HV_EEXIST)
        return rc;
    pp[0].serve = false;
    pp[1].serve = true;
    rc = demo_make_domain(3, "ping", policy, pingpong_main, &pp[0], &d3);
    if (rc == HV_OK)
        rc = demo_make_domain(4, "pong", policy, pingpong_main, &pp[1], &d4);
    if (rc == HV_OK)
        rc = hv_core_evtchn_attach(d3);
    if (rc == HV_OK)
        rc = hv_core_evtchn_attach(d4);
    if (rc == HV_OK)
        rc = hv_evtchn_alloc_unbound(d4->evtchn, 3, &pp[1].port);
    if (rc == HV_OK)
        rc = hv_evtchn_bind_interdomain(d3->evtchn, d4->evtchn, pp[1].port,
                                        &pp[0].port);
    if (rc != HV_OK)
        return rc;
    hv_vcpu_kick(d4->vcpus[0]);
    hv_vcpu_kick(d3->vcpus[0]);
    return HV_OK;
}
