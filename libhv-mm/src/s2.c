/*
 * AArch64 stage-2 translation tables (IPA -> PA) under the same rules.
 *
 * On AArch64 the guest does not write the tables that confine it, the
 * hypervisor does, so there is no validation of guest-written entries
 * here; what carries over from the PV MMU is the accounting. Every page
 * the tree maps holds a general reference on its frame, and a writable
 * one a WRITABLE type reference, exactly as a PV L1 entry would; so a
 * domain's frame cannot be freed while its stage-2 maps it, and a frame
 * in typed use is never mapped writable into a guest.
 *
 * Layout: 4 KiB granule, 40-bit IPA, start at level 1. Level 1 resolves
 * IPA bits 39..30, which is 1024 entries: two concatenated 4 KiB tables,
 * allocated as one naturally aligned order-1 block (the architecture
 * wants the root aligned to its size). Levels 2 and 3 resolve bits 29..21
 * and 20..12 with one frame each. Only level-3 page descriptors are
 * written; no blocks. Table frames belong to HV_DOMID_XEN with their
 * allocation reference only, and are freed at destroy time.
 *
 * A map that needs new tables allocates all of them before touching the
 * tree, so a refusal (HV_ENOMEM, or the frame checks) frees them again
 * and leaves the tree as it was.
 */
#include "mm_internal.h"

#define S2_AF         (1ULL << 10)
#define S2_SH_INNER   (3ULL << 8)
#define S2_MEMATTR_WB (0xFULL << 2)
#define S2_XN         (1ULL << 54)
#define S2_L1_ENTRIES 1024u
#define S2_PERMS      (HV_MM_S2_READ | HV_MM_S2_WRITE | HV_MM_S2_EXEC)

static bool ipa_ok(uint64_t ipa)
{
    return !(ipa & (HV_PAGE_SIZE - 1)) && (ipa >> HV_MM_S2_IPA_BITS) == 0;
}

static uint64_t leaf_bits(uint64_t mfn, unsigned int perms)
{
    uint64_t e = (mfn << HV_PAGE_SHIFT) | S2_VALID_TABLE | S2_AF | S2_SH_INNER |
                 S2_MEMATTR_WB;

    if (perms & HV_MM_S2_READ)
        e |= S2_AP_R;
    if (perms & HV_MM_S2_WRITE)
        e |= S2_AP_W;
    if (!(perms & HV_MM_S2_EXEC))
        e |= S2_XN;
    return e;
}

static unsigned int leaf_perms(uint64_t e)
{
    return ((e & S2_AP_R) ? HV_MM_S2_READ : 0) |
           ((e & S2_AP_W) ? HV_MM_S2_WRITE : 0) |
           ((e & S2_XN) ? 0 : HV_MM_S2_EXEC);
}

/* The level-1 slot for `ipa`: which root frame, which entry. */
static void l1_slot(const struct hv_mm_domain *d, uint64_t ipa, uint64_t *mfn,
                    unsigned int *idx)
{
    unsigned int i = (unsigned int)(ipa >> 30) & (S2_L1_ENTRIES - 1);

    *mfn = d->s2_root + i / HV_PT_ENTRIES;
    *idx = i % HV_PT_ENTRIES;
}

static uint64_t read_entry(struct hv_mm *mm, uint64_t mfn, unsigned int idx)
{
    uint64_t *t = mm_map(mm, mfn), e = HV_READ_ONCE(t[idx]);

    mm_unmap(mm, t);
    return e;
}

static void write_entry(struct hv_mm *mm, uint64_t mfn, unsigned int idx,
                        uint64_t e)
{
    uint64_t *t = mm_map(mm, mfn);

    HV_WRITE_ONCE(t[idx], e);
    mm_unmap(mm, t);
}

static uint64_t new_table(struct hv_mm *mm)
{
    uint64_t m;

    if (mm_buddy_alloc(mm, 0, &m))
        return HV_MM_INVALID_FRAME;
    /* Free frames are scrubbed: the table starts all invalid. */
    mm_page(mm, m)->owner = HV_DOMID_XEN;
    mm_page(mm, m)->count = 1;
    mm_page(mm, m)->flags = PF_RAM | PF_ALLOCATED;
    return m;
}

static void free_table(struct hv_mm *mm, uint64_t m)
{
    mm_buddy_free(mm, m, 0, true);
}

/*
 * Find the level-3 table and index for `ipa`. With `alloc`, missing
 * tables are created (both first, then linked). Return: 0, HV_ENOENT
 * (not there and !alloc) or HV_ENOMEM.
 */
static int walk(struct hv_mm *mm, const struct hv_mm_domain *d, uint64_t ipa,
                bool alloc, uint64_t *l3, unsigned int *idx)
{
    uint64_t t1, e1, e2, t2 = HV_MM_INVALID_FRAME, n2 = HV_MM_INVALID_FRAME,
                         n3 = HV_MM_INVALID_FRAME;
    unsigned int i1, i2 = (unsigned int)(ipa >> 21) & (HV_PT_ENTRIES - 1);

    l1_slot(d, ipa, &t1, &i1);
    e1 = read_entry(mm, t1, i1);
    if (e1 & 1) {
        t2 = (e1 & S2_ADDR_MASK) >> HV_PAGE_SHIFT;
        e2 = read_entry(mm, t2, i2);
        if (e2 & 1) {
            *l3 = (e2 & S2_ADDR_MASK) >> HV_PAGE_SHIFT;
            *idx = (unsigned int)(ipa >> 12) & (HV_PT_ENTRIES - 1);
            return HV_OK;
        }
    }
    if (!alloc)
        return HV_ENOENT;
    if (t2 == HV_MM_INVALID_FRAME) {
        n2 = new_table(mm);
        if (n2 == HV_MM_INVALID_FRAME)
            return HV_ENOMEM;
    }
    n3 = new_table(mm);
    if (n3 == HV_MM_INVALID_FRAME) {
        if (n2 != HV_MM_INVALID_FRAME)
            free_table(mm, n2);
        return HV_ENOMEM;
    }
    if (n2 != HV_MM_INVALID_FRAME) {
        write_entry(mm, t1, i1, (n2 << HV_PAGE_SHIFT) | S2_VALID_TABLE);
        t2 = n2;
    }
    write_entry(mm, t2, i2, (n3 << HV_PAGE_SHIFT) | S2_VALID_TABLE);
    *l3 = n3;
    *idx = (unsigned int)(ipa >> 12) & (HV_PT_ENTRIES - 1);
    return HV_OK;
}

int hv_mm_s2_init(struct hv_mm *mm, struct hv_mm_domain *d)
{
    uint64_t m;
    int rc;

    if (!d)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    else if (d->s2_root != HV_MM_INVALID_FRAME)
        rc = HV_EEXIST;
    else
        rc = mm->max_order >= 1 ? mm_buddy_alloc(mm, 1, &m) : HV_ENOMEM;
    if (rc == HV_OK) {
        unsigned int i;

        for (i = 0; i < 2; i++) {
            mm_page(mm, m + i)->owner = HV_DOMID_XEN;
            mm_page(mm, m + i)->count = 1;
            mm_page(mm, m + i)->flags = PF_RAM | PF_ALLOCATED;
        }
        d->s2_root = m;
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

uint64_t hv_mm_s2_root(struct hv_mm *mm, const struct hv_mm_domain *d)
{
    uint64_t r;

    if (!d)
        return HV_MM_INVALID_FRAME;
    hv_spin_lock(&mm->lock);
    r = d->s2_root == HV_MM_INVALID_FRAME ? HV_MM_INVALID_FRAME
                                          : d->s2_root << HV_PAGE_SHIFT;
    hv_spin_unlock(&mm->lock);
    return r;
}

static int s2_args(const struct hv_mm_domain *d, uint64_t ipa,
                   struct hv_mm_flush *flush)
{
    if (!d || !flush || !ipa_ok(ipa) || !d->registered ||
        d->s2_root == HV_MM_INVALID_FRAME)
        return HV_EINVAL;
    return HV_OK;
}

int hv_mm_s2_map(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t ipa,
                 hv_mfn_t mfn, unsigned int perms, struct hv_mm_flush *flush)
{
    uint64_t m = hv_mfn_val(mfn), l3;
    unsigned int idx;
    int had_l3;
    bool rw = perms & HV_MM_S2_WRITE;
    int rc;

    if (!perms || (perms & ~S2_PERMS))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = s2_args(d, ipa, flush);
    if (rc == HV_OK) {
        /* Take the frame first: a refusal then has nothing to undo. */
        rc = mm_get_leaf(mm, d, m, rw, flush);
    }
    if (rc == HV_OK) {
        had_l3 = walk(mm, d, ipa, false, &l3, &idx);
        if (had_l3 != HV_OK)
            rc = walk(mm, d, ipa, true, &l3, &idx);
        if (rc == HV_OK && (read_entry(mm, l3, idx) & 1))
            rc = HV_EEXIST; /* only possible when the table existed */
        if (rc == HV_OK)
            write_entry(mm, l3, idx, leaf_bits(m, perms));
        else
            mm_put_leaf(mm, m, rw, flush);
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_s2_unmap(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t ipa,
                   struct hv_mm_flush *flush)
{
    uint64_t l3, e;
    unsigned int idx;
    int rc;

    hv_spin_lock(&mm->lock);
    rc = s2_args(d, ipa, flush);
    if (rc == HV_OK)
        rc = walk(mm, d, ipa, false, &l3, &idx);
    if (rc == HV_OK) {
        e = read_entry(mm, l3, idx);
        if (!(e & 1)) {
            rc = HV_ENOENT;
        } else {
            write_entry(mm, l3, idx, 0);
            mm_put_leaf(mm, (e & S2_ADDR_MASK) >> HV_PAGE_SHIFT, e & S2_AP_W,
                        flush);
            mm_flush_add(flush, HV_MM_FLUSH_DOMAIN_VA, ipa);
        }
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_s2_protect(struct hv_mm *mm, struct hv_mm_domain *d, uint64_t ipa,
                     unsigned int perms, struct hv_mm_flush *flush)
{
    uint64_t l3, e, m;
    unsigned int idx;
    int rc;

    if (!perms || (perms & ~S2_PERMS))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = s2_args(d, ipa, flush);
    if (rc == HV_OK)
        rc = walk(mm, d, ipa, false, &l3, &idx);
    if (rc == HV_OK) {
        e = read_entry(mm, l3, idx);
        m = (e & S2_ADDR_MASK) >> HV_PAGE_SHIFT;
        if (!(e & 1))
            rc = HV_ENOENT;
        else if ((perms & HV_MM_S2_WRITE) && !(e & S2_AP_W))
            rc = mm_get_type(mm, m, HV_MM_TYPE_WRITABLE, flush);
        if (rc == HV_OK) {
            write_entry(mm, l3, idx, leaf_bits(m, perms));
            if (!(perms & HV_MM_S2_WRITE) && (e & S2_AP_W))
                mm_put_type(mm, m, flush);
            mm_flush_add(flush, HV_MM_FLUSH_DOMAIN_VA, ipa);
        }
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_s2_lookup(struct hv_mm *mm, const struct hv_mm_domain *d,
                    uint64_t ipa, hv_mfn_t *mfn, unsigned int *perms)
{
    struct hv_mm_flush unused = {0, 0};
    uint64_t l3, e;
    unsigned int idx;
    int rc;

    if (!mfn || !perms)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = s2_args(d, ipa, &unused);
    if (rc == HV_OK)
        rc = walk(mm, d, ipa, false, &l3, &idx);
    if (rc == HV_OK) {
        e = read_entry(mm, l3, idx);
        if (!(e & 1)) {
            rc = HV_ENOENT;
        } else {
            *mfn = hv_mfn((e & S2_ADDR_MASK) >> HV_PAGE_SHIFT);
            *perms = leaf_perms(e);
        }
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

void mm_s2_destroy(struct hv_mm *mm, struct hv_mm_domain *d,
                   struct hv_mm_flush *flush)
{
    unsigned int i1, i2, i3;

    for (i1 = 0; i1 < S2_L1_ENTRIES; i1++) {
        uint64_t t1 = d->s2_root + i1 / HV_PT_ENTRIES;
        uint64_t e1 = read_entry(mm, t1, i1 % HV_PT_ENTRIES), t2;

        if (!(e1 & 1))
            continue;
        t2 = (e1 & S2_ADDR_MASK) >> HV_PAGE_SHIFT;
        for (i2 = 0; i2 < HV_PT_ENTRIES; i2++) {
            uint64_t e2 = read_entry(mm, t2, i2), t3;

            if (!(e2 & 1))
                continue;
            t3 = (e2 & S2_ADDR_MASK) >> HV_PAGE_SHIFT;
            for (i3 = 0; i3 < HV_PT_ENTRIES; i3++) {
                uint64_t e3 = read_entry(mm, t3, i3);

                if (e3 & 1)
                    mm_put_leaf(mm, (e3 & S2_ADDR_MASK) >> HV_PAGE_SHIFT,
                                e3 & S2_AP_W, flush);
            }
            free_table(mm, t3);
        }
        free_table(mm, t2);
    }
    mm_buddy_free(mm, d->s2_root, 1, true);
    d->s2_root = HV_MM_INVALID_FRAME;
    mm_flush_add(flush, HV_MM_FLUSH_DOMAIN, 0);
}

int hv_mm_s2_destroy(struct hv_mm *mm, struct hv_mm_domain *d,
                     struct hv_mm_flush *flush)
{
    int rc = HV_OK;

    if (!d || !flush)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (!d->registered || d->s2_root == HV_MM_INVALID_FRAME)
        rc = HV_EINVAL;
    else
        mm_s2_destroy(mm, d, flush);
    hv_spin_unlock(&mm->lock);
    return rc;
}
