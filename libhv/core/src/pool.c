/*
 * Fixed pools of domain and vCPU records.
 *
 * Records are small and their number bounded by <hv/param.h>, so they live
 * in static arrays: allocation cannot fail for lack of memory, only for
 * lack of a free slot, and a domain id is simply an index. Stacks and
 * shared pages, which are large, come from the page allocator instead.
 */
#include "core_priv.h"

#define VCPU_POOL (HV_MAX_DOMAINS * 2)

static struct hv_domain domains[HV_MAX_DOMAINS];
static struct hv_vcpu vcpus[VCPU_POOL];

struct hv_vcpu *core_vcpu_alloc(void)
{
    for (size_t i = 0; i < VCPU_POOL; i++) {
        if (!vcpus[i].in_use) {
            hv_memset(&vcpus[i], 0, sizeof(vcpus[i]));
            vcpus[i].in_use = true;
            return &vcpus[i];
        }
    }
    return NULL;
}

void core_vcpu_free(struct hv_vcpu *v)
{
    HV_CHECK(v >= vcpus && v < vcpus + VCPU_POOL && v->in_use);
    hv_memset(v, 0, sizeof(*v));
}

struct hv_domain *core_domain_slot(hv_domid_t id)
{
    if (id >= HV_MAX_DOMAINS)
        return NULL;
    return &domains[id];
}
