/*
 * Domains 1 and 2: each greets on the console at its own pace, sleeping
 * between greetings as a PV guest does (set_timer_op, SCHEDOP_block).
 */
#include "demo.h"

/* ---- domains 1 and 2 ---- */

static void hello_main(struct hv_vcpu *self, void *arg)
{
    hv_time_t period = (hv_time_t)(uintptr_t)arg;
    hv_time_t next = hv_now();

    for (unsigned int n = 1;; n++) {
        demo_say("Hello from domain %u (#%u)\n", (unsigned int)self->domain->id,
                 n);
        next += period;
        demo_sleep_until(next);
    }
}

int demo_hello_setup(const char *policy, const char *domains)
{
    static const hv_time_t period[] = {HV_MSEC(250), HV_MSEC(400)};
    struct hv_domain *d;
    int rc;

    for (unsigned int i = 0; i < 2; i++) {
        if (!hv_image_domain_selected(domains, i + 1))
            continue;
        rc = demo_make_domain((hv_domid_t)(i + 1), i ? "hello-2" : "hello-1",
                              policy, hello_main, (void *)(uintptr_t)period[i],
                              &d);
        if (rc != HV_OK)
            return rc;
        hv_vcpu_kick(d->vcpus[0]);
    }
    return HV_OK;
}
