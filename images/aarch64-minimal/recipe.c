/* aarch64-minimal: round-robin only, one greeting domain. */
#include "../common/demo.h"
#include <hv/sched_rr.h>

static const struct hv_image_policy policies[] = {
    {"rr", &hv_sched_policy_rr},
};

static int setup(const char *policy, const char *domains)
{
    return demo_hello_setup(policy, domains ? domains : "1");
}

const struct hv_image hv_image = {
    .name = "aarch64-minimal",
    .policies = policies,
    .policy_count = HV_ARRAY_SIZE(policies),
    .default_policy = "rr",
    .run_time = HV_SEC(2),
    .setup = setup,
};
