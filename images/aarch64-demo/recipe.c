/* aarch64-demo: domains 1-4, BVT unless sched= says. */
#include "../common/demo.h"
#include <hv/debugger.h>
#include <hv/sched_bvt.h>
#include <hv/sched_rr.h>
#include <hv/sched_sedf.h>

static const struct hv_image_policy policies[] = {
    {"bvt", &hv_sched_policy_bvt},
    {"rr", &hv_sched_policy_rr},
    {"sedf", &hv_sched_policy_sedf},
};

static int setup(const char *policy, const char *domains)
{
    int rc = demo_hello_setup(policy, domains);

    hv_debugger_enable();
    return rc == HV_OK ? demo_pingpong_setup(policy, domains) : rc;
}

const struct hv_image hv_image = {
    .name = "aarch64-demo",
    .policies = policies,
    .policy_count = HV_ARRAY_SIZE(policies),
    .default_policy = "bvt",
    .run_time = HV_SEC(3),
    .setup = setup,
};
