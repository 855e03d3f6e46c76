#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <hv/sched_rr.h>

static int test_setup(const char *policy, const char *domains)
{
    (void)policy;
    (void)domains;
    return HV_OK;
}

static const struct hv_image_policy test_policies[] = {
    {"rr", &hv_sched_policy_rr},
};

const struct hv_image hv_image = {
    .name = "host-test",
    .policies = test_policies,
    .policy_count = 1,
    .default_policy = "rr",
    .run_time = 0,
    .setup = test_setup,
};

void harness_entry(struct hv_vcpu *self, void *arg)
{
    (void)self;
    (void)arg;
    fail_msg("a vCPU body ran under the fake port");
}

void harness_boot(void)
{
    static bool booted;
    static struct hv_boot_info bi;
    void *ram;

    if (booted)
        return;
    arch_fake_reset();
    ram = aligned_alloc(4096, FAKE_RAM_SIZE);
    assert_non_null(ram);
    bi.loader = "host";
    bi.cmdline = "";
    bi.ranges[0].base = FAKE_RAM_BASE;
    bi.ranges[0].size = FAKE_RAM_SIZE;
    bi.ranges[0].type = HV_MEM_RAM;
    bi.range_count = 1;
    bi.image_start = FAKE_RAM_BASE;
    bi.image_end = FAKE_RAM_BASE + 0x10000;
    bi.directmap = (uintptr_t)ram - (uintptr_t)FAKE_RAM_BASE;
    assert_int_equal(hv_core_init(&bi, &hv_sched_policy_rr), HV_OK);
    booted = true;
}
