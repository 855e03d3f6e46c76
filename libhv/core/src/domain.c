/*
 * Domains: a name, an id, vCPUs and one shared_info page.
 *
 * A domain is only a container here: all scheduling state is in its
 * vCPUs, and the domain operations (pause, resume, halt) apply the vCPU
 * transition to each vCPU that allows it. Destroying a domain destroys its
 * vCPUs first and refuses while one of them is running.
 */
#include "core_priv.h"

int (*core_domain_destroy_hook)(struct hv_domain *d);

int hv_domain_create(hv_domid_t id, const char *name, struct hv_domain **out)
{
    struct hv_domain *d = core_domain_slot(id);
    void *shared;

    if (d == NULL || name == NULL || out == NULL)
        return HV_EINVAL;
    if (hv_strnlen(name, sizeof(d->name)) >= sizeof(d->name))
        return HV_EINVAL;
    if (d->in_use)
        return HV_EEXIST;
    shared = core_pages_alloc(0);
    if (shared == NULL)
        return HV_ENOMEM;
    hv_memset(d, 0, sizeof(*d));
    d->id = id;
    hv_strlcpy(d->name, name, sizeof(d->name));
    d->shared_info = shared;
    d->in_use = true;
    *out = d;
    return HV_OK;
}

struct hv_domain *hv_domain_lookup(hv_domid_t id)
{
    struct hv_domain *d = core_domain_slot(id);

    return d != NULL && d->in_use ? d : NULL;
}

struct hv_domain *hv_domain_next(int after)
{
    for (int id = after + 1; id < HV_MAX_DOMAINS; id++) {
        struct hv_domain *d = core_domain_slot((hv_domid_t)id);

        if (d->in_use)
            return d;
    }
    return NULL;
}

int hv_domain_destroy(struct hv_domain *d)
{
    if (d == NULL || !d->in_use)
        return HV_EINVAL;
    for (unsigned int i = 0; i < d->vcpu_count; i++) {
        if (d->vcpus[i] != NULL && d->vcpus[i]->state == HV_VCPU_RUNNING)
            return HV_EBUSY;
    }
    if (core_domain_destroy_hook != NULL) {
        int rc = core_domain_destroy_hook(d);

        if (rc != HV_OK)
            return rc;
    }
    d->dying = true;
    for (unsigned int i = 0; i < d->vcpu_count; i++) {
        if (d->vcpus[i] != NULL) {
            int rc = hv_vcpu_destroy(d->vcpus[i]);

            HV_CHECK(rc == HV_OK);
        }
    }
    core_pages_free(d->shared_info, 0);
    hv_memset(d, 0, sizeof(*d));
    return HV_OK;
}

static unsigned int for_each_vcpu(struct hv_domain *d,
                                  int (*op)(struct hv_vcpu *))
{
    struct hv_vcpu *self = hv_current();
    bool self_too = false;
    unsigned int moved = 0;

    if (d == NULL || !d->in_use)
        return 0;
    /* The calling vCPU goes last: stopping it switches away at once. */
    for (unsigned int i = 0; i < d->vcpu_count; i++) {
        if (d->vcpus[i] == NULL)
            continue;
        if (d->vcpus[i] == self) {
            self_too = true;
            continue;
        }
        if (op(d->vcpus[i]) == HV_OK)
            moved++;
    }
    if (self_too && op(self) == HV_OK)
        moved++;
    return moved;
}

unsigned int hv_domain_pause(struct hv_domain *d)
{
    return for_each_vcpu(d, hv_vcpu_pause);
}

unsigned int hv_domain_resume(struct hv_domain *d)
{
    return for_each_vcpu(d, hv_vcpu_resume);
}

unsigned int hv_domain_halt(struct hv_domain *d)
{
    return for_each_vcpu(d, hv_vcpu_halt);
}
