/*
 * Domains: registration, reservation limits and teardown.
 *
 * A domain's memory state is the caller's `struct hv_mm_domain`,
 * registered under its id so that a frame's owner field finds it. The
 * reservation is simply the number of frames the domain owns (tot_pages),
 * counted when a frame is allocated to it and uncounted only when the
 * frame is finally freed. A released frame that someone else still maps
 * keeps counting against its old owner, so a domain cannot escape its
 * limit by handing out references.
 *
 * Teardown relinquishes in the order that makes every count fall to zero:
 * descriptor tables, base pointers and pins first (every typed use of a table
 * is rooted in one of those, or in another table, and tables only point
 * downwards or, linearly, sideways without chains), which devalidates all
 * tables and drops the references their entries held; then the allocation
 * reference of every frame. Frames that others still reference stay owned until
 * they drop them; teardown reports that with HV_EBUSY and may be called
 * again.
 */
#include "mm_internal.h"

int hv_mm_domain_init(struct hv_mm *mm, struct hv_mm_domain *d,
                      hv_domid_t domid, uint64_t max_pages, uint64_t *p2m,
                      uint64_t p2m_size, uint32_t flags)
{
    uint64_t i;
    int rc = HV_OK;

    if (!d || domid >= HV_MAX_DOMAINS || (!p2m) != (p2m_size == 0) ||
        (flags & ~(HV_MM_DOM_SUPERPAGES | HV_MM_DOM_LINEAR_PT)))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (mm->domains[domid]) {
        rc = HV_EEXIST;
    } else {
        hv_memset(d, 0, sizeof(*d));
        d->id = domid;
        d->flags = flags;
        d->max_pages = max_pages;
        d->p2m = p2m;
        d->p2m_size = p2m_size;
        for (i = 0; i < p2m_size; i++)
            p2m[i] = HV_MM_INVALID_FRAME;
        for (i = 0; i < HV_MAX_VCPUS_PER_DOMAIN; i++) {
            unsigned int k;

            d->baseptr[i] = HV_MM_INVALID_FRAME;
            d->user_baseptr[i] = HV_MM_INVALID_FRAME;
            for (k = 0; k < HV_MM_GDT_MAX_FRAMES; k++)
                d->desc[i].gdt[k] = HV_MM_INVALID_FRAME;
            for (k = 0; k < HV_MM_LDT_MAX_FRAMES; k++)
                d->desc[i].ldt[k] = HV_MM_INVALID_FRAME;
        }
        d->s2_root = HV_MM_INVALID_FRAME;
        d->registered = true;
        mm->domains[domid] = d;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_domain_set_max(struct hv_mm *mm, struct hv_mm_domain *d,
                         uint64_t max_pages)
{
    int rc = HV_OK;

    if (!d)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    else if (d->tot_pages > max_pages)
        rc = HV_EBUSY;
    else
        d->max_pages = max_pages;
    hv_spin_unlock(&mm->lock);
    return rc;
}

uint64_t hv_mm_domain_tot_pages(struct hv_mm *mm, const struct hv_mm_domain *d)
{
    uint64_t n;

    if (!d)
        return 0;
    hv_spin_lock(&mm->lock);
    n = d->tot_pages;
    hv_spin_unlock(&mm->lock);
    return n;
}

int hv_mm_domain_teardown(struct hv_mm *mm, struct hv_mm_domain *d,
                          struct hv_mm_flush *flush)
{
    unsigned int v;
    uint64_t m;
    int rc = HV_OK;

    if (!d || !flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (!d->registered || mm->domains[d->id] != d) {
        hv_spin_unlock(&mm->lock);
        return HV_EINVAL;
    }
    d->dying = true; /* no frame arrives by transfer from now on */
    if (d->s2_root != HV_MM_INVALID_FRAME)
        mm_s2_destroy(mm, d, flush);
    for (v = 0; v < HV_MAX_VCPUS_PER_DOMAIN; v++)
        mm_release_desc(mm, d, v, flush);
    for (v = 0; v < HV_MAX_VCPUS_PER_DOMAIN; v++)
        HV_CHECK(
            mm_set_baseptr(mm, d, v, HV_MM_INVALID_FRAME, flush) == HV_OK &&
            mm_set_user_baseptr(mm, d, v, HV_MM_INVALID_FRAME, flush) == HV_OK);
    for (m = 0; m < mm->nr_frames; m++) {
        struct hv_mm_page *pg = mm_page(mm, m);

        if (pg->owner == d->id && (pg->flags & PF_PINNED))
            HV_CHECK(mm_unpin(mm, d, m, flush) == HV_OK);
    }
    for (m = 0; m < mm->nr_frames; m++) {
        struct hv_mm_page *pg = mm_page(mm, m);

        if (pg->owner == d->id && (pg->flags & PF_ALLOCATED))
            HV_CHECK(mm_release(mm, d, m, flush) == HV_OK);
    }
    if (d->tot_pages == 0) {
        mm->domains[d->id] = NULL;
        d->registered = false;
    } else {
        rc = HV_EBUSY;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}
