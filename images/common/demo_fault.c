/*
 * Domain 8 ("faulty"): a hypervisor thread with a bug. It greets, sleeps
 * 300 ms, then reads an unmapped address; the core halts its vCPU with a
 * line on the console while the greeters run on. The fault recipes of
 * every architecture use it.
 */
#include "demo.h"

static void faulty_main(struct hv_vcpu *self, void *arg)
{
    volatile const uint64_t *bad = arg;

    (void)self;
    demo_say("faulty: about to read %p\n", (const void *)bad);
    demo_sleep_until(hv_now() + HV_MSEC(300));
    demo_say("faulty: read %llx\n", (unsigned long long)*bad);
    demo_say("faulty: still alive, which is wrong\n");
}

int demo_fault_setup(const char *policy, const char *domains)
{
    struct hv_domain *d;
    int rc;

    if (!hv_image_domain_selected(domains, 8))
        return HV_OK;
    rc = demo_make_domain(8, "faulty", policy, faulty_main,
                          (void *)(uintptr_t)0xdead0000, &d);
    return rc == HV_OK ? hv_vcpu_kick(d->vcpus[0]) : rc;
}
