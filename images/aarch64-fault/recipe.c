/*
 * aarch64-fault: fault containment. Two greeters run on while domain 8, a
 * hypervisor thread with a bug, reads an unmapped address after 300 ms:
 * the core halts that vCPU with a line on the console and goes on.
 */
#include "../common/demo.h"
#include <hv/debugger.h>
#include <hv/sched_rr.h>

static void faulty_main(struct hv_vcpu *self, void *arg)
{
    volatile const uint64_t *bad = arg;

    (void)self;
    demo_say("faulty: about to read %p\n", (const void *)bad);
    demo_sleep_until(hv_now() + HV_MSEC(300));
    demo_say("faulty: read %llx\n", (unsigned long long)*bad);
    demo_say("faulty: still alive, which is wrong\n");
}

static const struct hv_image_policy policies[] = {
    {"rr", &hv_sched_policy_rr},
};

static int setup(const char *policy, const char *domains)
{
    struct hv_domain *d;
    int rc = demo_hello_setup(policy, domains);

    if (rc == HV_OK)
        rc = demo_make_domain(8, "faulty", policy, faulty_main,
                              (void *)(uintptr_t)0xdead0000, &d);
    if (rc == HV_OK)
        rc = hv_vcpu_kick(d->vcpus[0]);
    hv_debugger_enable();
    return rc;
}

const struct hv_image hv_image = {
    .name = "aarch64-fault",
    .policies = policies,
    .policy_count = HV_ARRAY_SIZE(policies),
    .default_policy = "rr",
    .run_time = HV_MSEC(1500),
    .setup = setup,
};
