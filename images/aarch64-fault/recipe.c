/*
 * aarch64-fault: fault containment. Two greeters run on while domain 8, a
 * hypervisor thread with a bug, reads an unmapped address after 300 ms:
 * the core halts that vCPU with a line on the console and goes on.
 */
#include "../common/demo.h"
#include <hv/debugger.h>
#include <hv/sched_rr.h>

static const struct hv_image_policy policies[] = {
    {"rr", &hv_sched_policy_rr},
};

static int setup(const char *policy, const char *domains)
{
    int rc = demo_hello_setup(policy, domains);

    hv_debugger_enable();
    return rc == HV_OK ? demo_fault_setup(policy, domains) : rc;
}

const struct hv_image hv_image = {
    .name = "aarch64-fault",
    .policies = policies,
    .policy_count = HV_ARRAY_SIZE(policies),
    .default_policy = "rr",
    .run_time = HV_MSEC(1500),
    .setup = setup,
};
