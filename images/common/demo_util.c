/*
 * What every demo domain shares: printing through console_io, sleeping
 * with set_timer_op + SCHEDOP_block, the per-policy scheduler parameters
 * and the builder step that creates a one-vCPU domain.
 */
#include "demo.h"
#include <hv/hypercall.h>
#include <hv/sched_bvt.h>
#include <hv/sched_sedf.h>

#define STACK_SIZE (16 * 1024)

void demo_say(const char *fmt, ...)
{
    char line[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(line))
        n = sizeof(line) - 1;
    hv_hypercall3(HV_HYPERCALL_console_io, HV_CONSOLEIO_write, (uint64_t)n,
                  (uintptr_t)line);
}

void demo_sleep_until(hv_time_t when)
{
    hv_hypercall2(HV_HYPERCALL_set_timer_op, (uint64_t)when, 0);
    hv_hypercall2(HV_HYPERCALL_sched_op, HV_SCHEDOP_block, 0);
}

const void *demo_sched_params(const char *policy, unsigned int domid,
                              size_t *size)
{
    static struct hv_sched_bvt_entity_params bvt;
    static struct hv_sched_sedf_entity_params sedf;

    if (hv_strcmp(policy, "bvt") == 0) {
        hv_memset(&bvt, 0, sizeof(bvt));
        bvt.mcu_advance = 10;
        /* The greeters are interactive: let them warp ahead. */
        if (domid == 1 || domid == 2) {
            bvt.warp = true;
            bvt.warp_value = 2000;
            bvt.warpl = HV_MSEC(5);
            bvt.warpu = HV_MSEC(50);
        }
        *size = sizeof(bvt);
        return &bvt;
    }
    if (hv_strcmp(policy, "sedf") == 0) {
        hv_memset(&sedf, 0, sizeof(sedf));
        sedf.period = HV_MSEC(20);
        sedf.slice = HV_MSEC(2);
        sedf.extra = true;
        sedf.weight = 1;
        *size = sizeof(sedf);
        return &sedf;
    }
    *size = 0;
    return NULL;
}

int demo_make_domain(hv_domid_t id, const char *name, const char *policy,
                     hv_vcpu_entry_fn entry, void *arg, struct hv_domain **out)
{
    struct hv_domain *d;
    struct hv_vcpu *v;
    const void *params;
    size_t size;
    int rc;

    rc = hv_domain_create(id, name, &d);
    if (rc != HV_OK)
        return rc;
    params = demo_sched_params(policy, id, &size);
    rc = hv_vcpu_create(d, entry, arg, STACK_SIZE, params, size, &v);
    if (rc != HV_OK)
        return rc;
    *out = d;
    return HV_OK;
}
