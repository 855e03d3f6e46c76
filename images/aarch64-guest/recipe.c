/*
 * aarch64-guest: two EL1 guests in their own stage-2 address spaces beside
 * a greeter thread (domain 1). Domain 10 runs examples/guests/hello.c:
 * console_io, its time from the virtual counter, sleeps, a yield, and
 * refusals, then events from domain 12 (a hypervisor thread) over an
 * event channel, delivered as a virtual interrupt. Domain 11 runs
 * examples/guests/faulty.c, which reads outside its stage-2 map after
 * 300 ms and is HALTED while the rest runs on; its memory is then
 * returned to libhv-mm.
 *
 * Each guest's memory is built with libhv-mm before its vCPU starts
 * (guest_mem.c): frames owned by the guest's domain, mapped by the
 * stage-2 builder; domain 10's shared_info page too.
 */
#include "../common/demo.h"
#include "guest_mem.h"
#include <hv/a64_guest.h>
#include <hv/console.h>
#include <hv/core_evtchn.h>
#include <hv/debugger.h>
#include <hv/hypercall.h>
#include <hv/sched_rr.h>

extern const unsigned char guest_hello_bin[], guest_faulty_bin[];
extern const unsigned long guest_hello_bin_size, guest_faulty_bin_size;

#define GUEST_RAM  (64u * 1024)
#define SHARED_IPA 0x10000u /* examples/guests/hello.c expects it there */

static struct a64_guest guests[2];
static struct guest_mem guest_mems[2];

static hv_evtchn_port_t notifier_port; /* domain 12's end */

struct guest_cfg {
    unsigned int index;
    const unsigned char *image;
    const unsigned long *size;
};

static const struct guest_cfg cfgs[2] = {
    {0, guest_hello_bin, &guest_hello_bin_size},
    {1, guest_faulty_bin, &guest_faulty_bin_size},
};

static void guest_vcpu(struct hv_vcpu *self, void *arg)
{
    const struct guest_cfg *c = arg;

    (void)self;
    demo_say("entering EL1 guest (%lu bytes, %u KiB of memory at IPA 0)\n",
             *c->size, GUEST_RAM / 1024);
    a64_guest_run(&guests[c->index]);
}

/* Domain `d`'s guest: memory through libhv-mm, then the port's state. */
static int build_guest(const struct guest_cfg *c, struct hv_domain *d)
{
    struct guest_mem *m = &guest_mems[c->index];
    int rc;

    HV_STATIC_ASSERT(HV_MM_S2_IPA_BITS == A64_GUEST_IPA_BITS,
                     "the port programs VTCR_EL2 for libhv-mm's layout");
    rc =
        guest_mem_build(m, d->id, GUEST_RAM, c->image, *c->size, c->index == 0);
    if (rc == HV_OK && c->index == 0)
        rc = guest_mem_share_info(m, d, SHARED_IPA);
    if (rc == HV_OK)
        rc = a64_guest_init(&guests[c->index], c->index + 1, guest_mem_root(m),
                            GUEST_RAM, &guest_mem_ops, m);
    if (rc == HV_OK && c->index == 0)
        rc = a64_guest_set_upcall(&guests[0], d->vcpus[0]->vcpu_info);
    if (rc != HV_OK)
        hv_info("guest setup failed: %s", hv_strerror(rc));
    return rc;
}

/* Sleep, taking (and ignoring) events to this domain meanwhile: a pending
 * event would end each block at once. */
static void notifier_sleep(struct hv_vcpu *self, hv_time_t until)
{
    hv_evtchn_port_t drain[8];

    while (hv_now() < until) {
        hv_core_evtchn_poll(self, drain, HV_ARRAY_SIZE(drain));
        demo_sleep_until(until);
    }
}

/* Domain 12: three events to the guest, 150 ms apart, after 900 ms. */
static void notifier_main(struct hv_vcpu *self, void *arg)
{
    (void)arg;
    notifier_sleep(self, hv_now() + HV_MSEC(900));
    for (int i = 1; i <= 3; i++) {
        struct hv_evtchn_op_port op = {.port = notifier_port};

        demo_say("notifier: event %d to the guest\n", i);
        hv_hypercall2(HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_SEND,
                      (uint64_t)(uintptr_t)&op);
        notifier_sleep(self, hv_now() + HV_MSEC(150));
    }
    for (;;)
        notifier_sleep(self, hv_now() + HV_SEC(10));
}

static int connect_notifier(const char *policy, struct hv_domain *guest)
{
    struct hv_domain *d;
    hv_evtchn_port_t guest_port;
    int rc = hv_core_evtchn_enable();

    if (rc != HV_OK && rc != HV_EEXIST)
        return rc;
    rc = demo_make_domain(12, "notifier", policy, notifier_main, NULL, &d);
    if (rc == HV_OK)
        rc = hv_core_evtchn_attach(guest);
    if (rc == HV_OK)
        rc = hv_core_evtchn_attach(d);
    if (rc == HV_OK)
        rc = hv_evtchn_alloc_unbound(guest->evtchn, 12, &guest_port);
    if (rc == HV_OK)
        rc = hv_evtchn_bind_interdomain(d->evtchn, guest->evtchn, guest_port,
                                        &notifier_port);
    if (rc == HV_OK)
        rc = hv_vcpu_kick(d->vcpus[0]);
    return rc;
}

/*
 * Every refusal of the guest set-up calls, checked at boot once both
 * guests are built: each must return its error and change nothing (the
 * scratch structures keep their bytes, the guests their pages, libhv-mm
 * its free frames). Prints one line; a failure names the check.
 */
static struct a64_guest scratch_guest;
static struct guest_mem scratch_mem;

static unsigned int refusals, refusal_failures;

static void expect_rc(const char *what, int rc, int want)
{
    refusals++;
    if (rc != want) {
        refusal_failures++;
        hv_info("REFUSAL CHECK FAILED: %s returned %s, not %s", what,
                hv_strerror(rc), hv_strerror(want));
    }
}

static void check_refusals(struct hv_domain *d10, struct hv_domain *d11)
{
    static const struct a64_guest_mem_ops no_copy = {NULL, NULL};
    struct guest_mem *m10 = &guest_mems[0], *m11 = &guest_mems[1];
    struct hv_mm *mm = hv_core_mm();
    uint64_t free0 = hv_mm_free_frame_count(mm);
    uint64_t pages10 = hv_mm_domain_tot_pages(mm, &m10->dom);
    uint64_t pages11 = hv_mm_domain_tot_pages(mm, &m11->dom);
    uint64_t root = guest_mem_root(m11);
    struct a64_guest *g = &scratch_guest;
    uint8_t buf[16];
    hv_mfn_t mfn;
    bool same = true;

    hv_memset(g, 0xa5, sizeof(*g));
    expect_rc("init vmid 0",
              a64_guest_init(g, 0, root, 4096, &guest_mem_ops, m11), HV_EINVAL);
    expect_rc("init vmid 256",
              a64_guest_init(g, 256, root, 4096, &guest_mem_ops, m11),
              HV_EINVAL);
    expect_rc("init root 4K-aligned",
              a64_guest_init(g, 3, root + 4096, 4096, &guest_mem_ops, m11),
              HV_EINVAL);
    expect_rc("init root 0", a64_guest_init(g, 3, 0, 4096, &guest_mem_ops, m11),
              HV_EINVAL);
    expect_rc("init root >= 2^40",
              a64_guest_init(g, 3, 1ull << 40, 4096, &guest_mem_ops, m11),
              HV_EINVAL);
    expect_rc("init sp misaligned",
              a64_guest_init(g, 3, root, 4088, &guest_mem_ops, m11), HV_EINVAL);
    expect_rc("init no ops", a64_guest_init(g, 3, root, 4096, NULL, m11),
              HV_EINVAL);
    expect_rc("init no copy_from",
              a64_guest_init(g, 3, root, 4096, &no_copy, m11), HV_EINVAL);
    expect_rc("set_upcall NULL", a64_guest_set_upcall(g, NULL), HV_EINVAL);
    for (size_t i = 0; i < sizeof(*g); i++)
        same &= ((const uint8_t *)g)[i] == 0xa5;
    expect_rc("refused init left the guest as it was", same ? HV_OK : HV_EIO,
              HV_OK);

    expect_rc("build size 0",
              guest_mem_build(&scratch_mem, 13, 0, NULL, 0, false), HV_EINVAL);
    expect_rc("build size 4097",
              guest_mem_build(&scratch_mem, 13, 4097, NULL, 0, false),
              HV_EINVAL);
    expect_rc("build 4 MiB",
              guest_mem_build(&scratch_mem, 13, 4u << 20, NULL, 0, false),
              HV_EINVAL);
    expect_rc("build image > size",
              guest_mem_build(&scratch_mem, 13, 4096, buf, 8192, false),
              HV_EINVAL);
    expect_rc("build domain 10 again",
              guest_mem_build(&scratch_mem, 10, 4096, NULL, 0, false),
              HV_EEXIST);
    expect_rc("share twice", guest_mem_share_info(m10, d10, 0x20000),
              HV_EINVAL);
    expect_rc("share inside RAM", guest_mem_share_info(m11, d11, 0x8000),
              HV_EINVAL);
    expect_rc("share for another domain",
              guest_mem_share_info(m11, d10, 0x20000), HV_EINVAL);
    expect_rc("a page beyond the reservation",
              hv_mm_alloc_domain_pages(mm, &m11->dom, 0, &mfn), HV_ENOMEM);
    expect_rc("copy across the end of the map",
              guest_mem_ops.copy_from(m10, buf, 0x10ff8, 16) ? HV_OK
                                                             : HV_EFAULT,
              HV_EFAULT);
    expect_rc("copy at an IPA that wraps",
              guest_mem_ops.copy_from(m10, buf, ~0ull - 7, 16) ? HV_OK
                                                               : HV_EFAULT,
              HV_EFAULT);
    expect_rc("copy from RAM into the shared page (both mapped)",
              guest_mem_ops.copy_from(m10, buf, 0xfff8, 16) ? HV_OK : HV_EFAULT,
              HV_OK);
    expect_rc("state unchanged",
              hv_mm_free_frame_count(mm) == free0 &&
                      hv_mm_domain_tot_pages(mm, &m10->dom) == pages10 &&
                      hv_mm_domain_tot_pages(mm, &m11->dom) == pages11 &&
                      guest_mem_root(m11) == root
                  ? HV_OK
                  : HV_EIO,
              HV_OK);
    hv_info("aarch64-guest: %u set-up refusals checked, %u failed; guests "
            "and free frames unchanged",
            refusals, refusal_failures);
}

static const struct hv_image_policy policies[] = {
    {"rr", &hv_sched_policy_rr},
};

static int setup(const char *policy, const char *domains)
{
    static const char *const names[2] = {"guest", "guest-bad"};
    int rc = demo_hello_setup(policy, domains ? domains : "1");

    struct hv_domain *gd[2] = {NULL, NULL};

    for (unsigned int i = 0; i < 2 && rc == HV_OK; i++) {
        struct hv_domain *d;

        if (!hv_image_domain_selected(domains, 10 + i))
            continue;
        rc = demo_make_domain((hv_domid_t)(10 + i), names[i], policy,
                              guest_vcpu, (void *)&cfgs[i], &d);
        if (rc == HV_OK)
            rc = build_guest(&cfgs[i], d);
        if (rc == HV_OK && i == 0)
            rc = connect_notifier(policy, d);
        if (rc == HV_OK)
            rc = hv_vcpu_kick(d->vcpus[0]);
        if (rc == HV_OK)
            gd[i] = d;
    }
    if (rc == HV_OK && gd[0] != NULL && gd[1] != NULL)
        check_refusals(gd[0], gd[1]);
    hv_debugger_enable();
    return rc;
}

const struct hv_image hv_image = {
    .name = "aarch64-guest",
    .policies = policies,
    .policy_count = HV_ARRAY_SIZE(policies),
    .default_policy = "rr",
    .run_time = HV_MSEC(1500),
    .setup = setup,
};
