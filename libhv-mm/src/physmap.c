/*
 * Pseudo-physical memory: the M2P table, each domain's P2M, and the
 * reservation calls that change them (XENMEM_increase_reservation,
 * populate_physmap, decrease_reservation).
 *
 * The M2P (one entry per machine frame, caller-owned so the core can map
 * it read-only into guests) and the P2M of a domain are kept a bijection
 * over the frames that domain owns: p2m[g] == m exactly when m2p[m] == g
 * and m belongs to the domain. Every change touches both sides together
 * (here, in machphys_update and when a frame is released).
 *
 * Extent lists come from guests: every call checks the order and the
 * list length before doing anything, and each extent is checked whole
 * before any of it changes, so a refused extent leaves no trace and *done
 * counts only complete extents.
 */
#include "mm_internal.h"

uint64_t hv_mm_m2p(struct hv_mm *mm, hv_mfn_t mfn)
{
    uint64_t g = HV_MM_INVALID_FRAME;

    hv_spin_lock(&mm->lock);
    if (hv_mfn_val(mfn) < mm->nr_frames)
        g = mm->m2p[hv_mfn_val(mfn)];
    hv_spin_unlock(&mm->lock);
    return g;
}

uint64_t hv_mm_p2m(struct hv_mm *mm, const struct hv_mm_domain *d, hv_gfn_t gfn)
{
    uint64_t m = HV_MM_INVALID_FRAME;

    if (!d)
        return m;
    hv_spin_lock(&mm->lock);
    if (d->p2m && hv_gfn_val(gfn) < d->p2m_size)
        m = d->p2m[hv_gfn_val(gfn)];
    hv_spin_unlock(&mm->lock);
    return m;
}

static int check_args(struct hv_mm *mm, const struct hv_mm_domain *d,
                      unsigned int order, const void *list, size_t nr,
                      size_t *done)
{
    if (done)
        *done = 0;
    if (!d || !done || (!list && nr))
        return HV_EINVAL;
    if (order > HV_MM_GUEST_MAX_ORDER || order > mm->max_order)
        return HV_EINVAL;
    if (nr > HV_MM_MAX_EXTENTS)
        return HV_E2BIG;
    return HV_OK;
}

/* The extent gfn .. gfn + 2^order - 1 lies inside the P2M, aligned. */
static bool gfn_extent_ok(const struct hv_mm_domain *d, uint64_t gfn,
                          unsigned int order)
{
    uint64_t n = 1ULL << order;

    return d->p2m && HV_IS_ALIGNED(gfn, n) && gfn < d->p2m_size &&
           n <= d->p2m_size - gfn;
}

int hv_mm_increase_reservation(struct hv_mm *mm, struct hv_mm_domain *d,
                               unsigned int order, uint64_t *mfns, size_t nr,
                               size_t *done)
{
    size_t i;
    int rc = check_args(mm, d, order, mfns, nr, done);

    if (rc)
        return rc;
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    for (i = 0; rc == HV_OK && i < nr; i++) {
        uint64_t m;

        rc = mm_alloc_domain(mm, d, order, &m);
        if (rc == HV_OK) {
            mfns[i] = m;
            *done = i + 1;
        }
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_populate_physmap(struct hv_mm *mm, struct hv_mm_domain *d,
                           unsigned int order, const uint64_t *gfns, size_t nr,
                           size_t *done)
{
    uint64_t n = 1ULL << order, j, m;
    size_t i;
    int rc = check_args(mm, d, order, gfns, nr, done);

    if (rc)
        return rc;
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    for (i = 0; rc == HV_OK && i < nr; i++) {
        uint64_t g = gfns[i];

        if (!gfn_extent_ok(d, g, order)) {
            rc = HV_EINVAL;
            break;
        }
        for (j = 0; j < n; j++)
            if (d->p2m[g + j] != HV_MM_INVALID_FRAME)
                rc = HV_EEXIST;
        if (rc == HV_OK)
            rc = mm_alloc_domain(mm, d, order, &m);
        if (rc)
            break;
        for (j = 0; j < n; j++) {
            d->p2m[g + j] = m + j;
            mm->m2p[m + j] = g + j;
        }
        *done = i + 1;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

static bool is_baseptr(const struct hv_mm_domain *d, uint64_t mfn)
{
    unsigned int v;

    for (v = 0; v < HV_MAX_VCPUS_PER_DOMAIN; v++)
        if (d->baseptr[v] == mfn)
            return true;
    return false;
}

int hv_mm_decrease_reservation(struct hv_mm *mm, struct hv_mm_domain *d,
                               unsigned int order, const uint64_t *gfns,
                               size_t nr, size_t *done,
                               struct hv_mm_flush *flush)
{
    uint64_t n = 1ULL << order, j;
    size_t i;
    int rc = check_args(mm, d, order, gfns, nr, done);

    if (rc)
        return rc;
    if (!flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    for (i = 0; rc == HV_OK && i < nr; i++) {
        uint64_t g = gfns[i];

        if (!gfn_extent_ok(d, g, order)) {
            rc = HV_EINVAL;
            break;
        }
        for (j = 0; rc == HV_OK && j < n; j++) {
            uint64_t m = d->p2m[g + j];

            if (m == HV_MM_INVALID_FRAME)
                rc = HV_EINVAL;
            else if ((mm_page(mm, m)->flags & PF_PINNED) || is_baseptr(d, m))
                rc = HV_EBUSY;
        }
        if (rc)
            break;
        for (j = 0; j < n; j++)
            HV_CHECK(mm_release(mm, d, d->p2m[g + j], flush) == HV_OK);
        *done = i + 1;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

/* ---- exchange ---- */

/* May frame `m` of `d` be traded away? Only the allocation holds it. */
static int exchangeable(struct hv_mm *mm, const struct hv_mm_domain *d,
                        uint64_t m)
{
    struct hv_mm_page *pg = mm_page(mm, m);

    if (pg->flags & PF_PINNED || is_baseptr(d, m))
        return HV_EBUSY;
    if (pg->count != 1 || pg->type_count)
        return HV_EBUSY;
    return HV_OK;
}

/* Clear the transient marks set on the first `upto` input frames. */
static void unmark(struct hv_mm *mm, const struct hv_mm_domain *d,
                   const uint64_t *in_gfns, uint64_t n_in, uint64_t upto)
{
    uint64_t idx;

    for (idx = 0; idx < upto; idx++)
        mm_page(mm, d->p2m[in_gfns[idx / n_in] + idx % n_in])->flags &=
            ~PF_MARK;
}

/*
 * One chunk: `nin` input extents starting at in_gfns[0], `nout` output
 * extents of order `out_order` written to out_mfns[0..nout). The output
 * blocks are chained through their head frames' (otherwise unused)
 * free-list link until they are committed, so no array is needed.
 */
static int exchange_chunk(struct hv_mm *mm, struct hv_mm_domain *d,
                          unsigned int in_order, const uint64_t *in_gfns,
                          size_t nin, unsigned int out_order,
                          uint64_t *out_mfns, size_t nout,
                          struct hv_mm_flush *flush)
{
    uint64_t n_in = 1ULL << in_order, n_out = 1ULL << out_order;
    uint64_t total = nin * n_in, idx, j, b;
    uint32_t chain = MM_NIL;
    size_t i, k;
    int rc = HV_OK;

    for (i = 0; i < nin; i++)
        if (!gfn_extent_ok(d, in_gfns[i], in_order))
            return HV_EINVAL;
    /* Check every input frame, marking it so a repeated gfn is caught. */
    for (idx = 0; rc == HV_OK && idx < total; idx++) {
        uint64_t m = d->p2m[in_gfns[idx / n_in] + idx % n_in];

        if (m == HV_MM_INVALID_FRAME)
            rc = HV_EINVAL;
        else if (mm_page(mm, m)->flags & PF_MARK)
            rc = HV_EINVAL; /* the same frame twice */
        else
            rc = exchangeable(mm, d, m);
        if (rc == HV_OK)
            mm_page(mm, m)->flags |= PF_MARK;
    }
    if (rc) {
        unmark(mm, d, in_gfns, n_in, idx - 1);
        return rc;
    }
    unmark(mm, d, in_gfns, n_in, total);
    /* Allocate every output block before giving anything up. */
    for (k = 0; rc == HV_OK && k < nout; k++) {
        rc = mm_buddy_alloc(mm, out_order, &b);
        if (rc == HV_OK) {
            mm_page(mm, b)->next = chain;
            chain = (uint32_t)b;
        }
    }
    if (rc) {
        while (chain != MM_NIL) {
            b = chain;
            chain = mm_page(mm, b)->next;
            mm_page(mm, b)->next = MM_NIL;
            mm_buddy_free(mm, b, out_order, false);
        }
        return rc;
    }
    /* Commit: nothing below can fail. Release the inputs ... */
    for (idx = 0; idx < total; idx++)
        HV_CHECK(mm_release(mm, d, d->p2m[in_gfns[idx / n_in] + idx % n_in],
                            flush) == HV_OK);
    /* ... and hand the outputs the same guest frames, in order. */
    for (k = nout; k-- > 0;) {
        b = chain;
        chain = mm_page(mm, b)->next;
        mm_page(mm, b)->next = MM_NIL;
        for (j = 0; j < n_out; j++) {
            struct hv_mm_page *pg = mm_page(mm, b + j);
            uint64_t at = k * n_out + j;
            uint64_t g = in_gfns[at / n_in] + at % n_in;

            pg->owner = d->id;
            pg->count = 1;
            pg->type_count = 0;
            pg->type = HV_MM_TYPE_NONE;
            pg->flags = PF_RAM | PF_ALLOCATED;
            pg->linear = 0;
            d->p2m[g] = b + j;
            mm->m2p[b + j] = g;
        }
        d->tot_pages += n_out;
        out_mfns[k] = b;
    }
    return HV_OK;
}

int hv_mm_exchange(struct hv_mm *mm, struct hv_mm_domain *d,
                   unsigned int in_order, const uint64_t *in_gfns, size_t in_nr,
                   unsigned int out_order, uint64_t *out_mfns, size_t out_nr,
                   size_t *done, struct hv_mm_flush *flush)
{
    unsigned int big;
    size_t nin, nout, c;
    int rc;

    rc = check_args(mm, d, in_order, in_gfns, in_nr, done);
    if (rc == HV_OK)
        rc = check_args(mm, d, out_order, out_mfns, out_nr, done);
    if (rc)
        return rc;
    if (!flush || !d->p2m ||
        ((uint64_t)in_nr << in_order) != ((uint64_t)out_nr << out_order))
        return HV_EINVAL;
    big = HV_MAX(in_order, out_order);
    nin = (size_t)1 << (big - in_order);
    nout = (size_t)1 << (big - out_order);
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    for (c = 0; rc == HV_OK && c * nin < in_nr; c++) {
        rc = exchange_chunk(mm, d, in_order, &in_gfns[c * nin], nin, out_order,
                            &out_mfns[c * nout], nout, flush);
        if (rc == HV_OK)
            *done = (c + 1) * nin;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}
