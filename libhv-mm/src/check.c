/*
 * The invariant checker: recount every reference from scratch and compare.
 *
 * Nothing here trusts the counts it checks. The expected general count,
 * type count and linear count of every frame are rebuilt from the things
 * that hold references (allocation, pins, base pointers, the entries of
 * every validated table, the caller's external holders) into scratch
 * arrays, the free lists are walked block by block, and the M2P and every
 * P2M are compared with each other. The list of invariants is in
 * docs/mm.md; each `fail()` below names the one that broke.
 */
#include "mm_internal.h"

#define FREE_MARK 0xFFFFFFFFu

struct ck {
    struct hv_mm *mm;
    uint32_t *cnt, *tcnt;
    int32_t *lin;
    char *msg;
    size_t msg_size;
};

HV_PRINTF(2, 3) static int fail(struct ck *c, const char *fmt, ...)
{
    va_list ap;

    if (c->msg && c->msg_size) {
        va_start(ap, fmt);
        hv_vsnprintf(c->msg, c->msg_size, fmt, ap);
        va_end(ap);
    }
    return HV_EBADMSG;
}

static int check_free_lists(struct ck *c)
{
    struct hv_mm *mm = c->mm;
    uint64_t total = 0, steps = 0;
    unsigned int o;

    for (o = 0; o <= HV_MM_MAX_ORDER; o++) {
        uint32_t m = mm->free_head[o], prev = MM_NIL;

        if (o > mm->max_order && m != MM_NIL)
            return fail(c, "free list %u above max order", o);
        for (; m != MM_NIL; prev = m, m = mm_page(mm, m)->next) {
            struct hv_mm_page *pg;
            uint64_t i, n = 1ULL << o;

            if (m >= mm->nr_frames || ++steps > mm->nr_frames)
                return fail(c, "free list %u corrupt", o);
            pg = mm_page(mm, m);
            if (!(pg->flags & PF_FREE) || pg->order != o || pg->prev != prev)
                return fail(c, "free block %u (order %u) bad head", m, o);
            if (!HV_IS_ALIGNED((uint64_t)m, n) || n > mm->nr_frames - m)
                return fail(c, "free block %u misaligned", m);
            for (i = 0; i < n; i++) {
                struct hv_mm_page *p = mm_page(mm, m + i);

                if (c->cnt[m + i] == FREE_MARK)
                    return fail(c, "frame %llu on two free blocks",
                                (unsigned long long)(m + i));
                c->cnt[m + i] = FREE_MARK;
                if ((p->flags & ~PF_FREE) != PF_RAM ||
                    (i && (p->flags & PF_FREE)) ||
                    p->owner != HV_DOMID_INVALID || p->count || p->type_count ||
                    p->linear || mm->m2p[m + i] != HV_MM_INVALID_FRAME)
                    return fail(c, "free frame %llu not clean",
                                (unsigned long long)(m + i));
            }
            total += n;
        }
    }
    if (total != mm->free_frames)
        return fail(c, "free lists hold %llu frames, counter says %llu",
                    (unsigned long long)total,
                    (unsigned long long)mm->free_frames);
    return HV_OK;
}

/* Expected references of one present entry of validated table `pt`. */
static int count_entry(struct ck *c, const struct hv_mm_domain *d,
                       unsigned int level, uint64_t pt, unsigned int idx,
                       uint64_t e)
{
    struct hv_mm *mm = c->mm;
    uint64_t mfn = PTE_MFN(e), i, n = 1;
    unsigned int want = HV_MM_TYPE_WRITABLE;
    bool typed = e & HV_PAGE_RW;

    if (level == 4 && idx >= HV_HYPERVISOR_L4_FIRST &&
        idx <= HV_HYPERVISOR_L4_LAST)
        return fail(c, "L4 %llu maps hypervisor slot %u",
                    (unsigned long long)pt, idx);
    if (e & HV_PTE_HIGH_MASK)
        return fail(c, "table %llu entry %u has reserved bits",
                    (unsigned long long)pt, idx);
    if (level == 2 && (e & HV_PAGE_PSE)) {
        if (!(d->flags & HV_MM_DOM_SUPERPAGES) || (e & 0x1FF000ULL))
            return fail(c, "L2 %llu entry %u: superpage not allowed",
                        (unsigned long long)pt, idx);
        n = L2_SUPER_FRAMES;
    } else if (level > 1) {
        if (e & (HV_PAGE_PSE | HV_PAGE_GLOBAL))
            return fail(c, "table %llu entry %u: PSE/G in non-leaf",
                        (unsigned long long)pt, idx);
        if (!mm_mfn_is_ram(mm, mfn))
            return fail(c, "table %llu entry %u: no such frame",
                        (unsigned long long)pt, idx);
        typed = true;
        want = level - 1;
        if (mfn == pt || mm_page(mm, mfn)->type == level) {
            if (!(d->flags & HV_MM_DOM_LINEAR_PT) || (e & HV_PAGE_RW))
                return fail(c, "table %llu entry %u: bad linear entry",
                            (unsigned long long)pt, idx);
            if (mfn == pt)
                return HV_OK;
            want = level;
            c->lin[mfn]++;
            c->lin[pt]--;
        }
    }
    if (mfn >= mm->nr_frames || n > mm->nr_frames - mfn)
        return fail(c, "table %llu entry %u: beyond memory",
                    (unsigned long long)pt, idx);
    for (i = 0; i < n; i++) {
        struct hv_mm_page *tp = mm_page(mm, mfn + i);

        if (!(tp->flags & PF_RAM) || c->cnt[mfn + i] == FREE_MARK ||
            tp->owner == HV_DOMID_INVALID)
            return fail(c, "table %llu entry %u maps a free frame %llu",
                        (unsigned long long)pt, idx,
                        (unsigned long long)(mfn + i));
        c->cnt[mfn + i]++;
        if (typed) {
            if (tp->type != want)
                return fail(c,
                            "table %llu entry %u: frame %llu has type %u, "
                            "needs %u",
                            (unsigned long long)pt, idx,
                            (unsigned long long)(mfn + i), tp->type, want);
            c->tcnt[mfn + i]++;
        }
    }
    return HV_OK;
}

static int count_tables(struct ck *c)
{
    struct hv_mm *mm = c->mm;
    uint64_t m;
    unsigned int i;
    int rc;

    for (m = 0; m < mm->nr_frames; m++) {
        struct hv_mm_page *pg = mm_page(mm, m);
        const struct hv_mm_domain *d;
        uint64_t *tab;

        if (c->cnt[m] == FREE_MARK || !(pg->flags & PF_RAM))
            continue;
        if (mm_type_is_pt(pg->type) && pg->type_count > 0 &&
            !(pg->flags & PF_VALIDATED))
            return fail(c, "table %llu in use but not validated",
                        (unsigned long long)m);
        if (!(pg->flags & PF_VALIDATED))
            continue;
        if (!mm_type_is_pt(pg->type) || pg->type_count == 0)
            return fail(c, "frame %llu validated without a table type",
                        (unsigned long long)m);
        d = mm_domain(mm, pg->owner);
        if (!d)
            return fail(c, "table %llu has no registered owner",
                        (unsigned long long)m);
        tab = mm_map(mm, m);
        rc = HV_OK;
        for (i = 0; rc == HV_OK && i < HV_PT_ENTRIES; i++)
            if (tab[i] & HV_PAGE_PRESENT)
                rc = count_entry(c, d, pg->type, m, i, tab[i]);
        mm_unmap(mm, tab);
        if (rc)
            return rc;
    }
    return HV_OK;
}

/* A stage-2 table frame: hypervisor-owned, allocated, nothing more. */
static bool s2_table_ok(struct hv_mm *mm, uint64_t m)
{
    return mm_mfn_is_ram(mm, m) && mm_page(mm, m)->owner == HV_DOMID_XEN &&
           (mm_page(mm, m)->flags & PF_ALLOCATED) &&
           mm_page(mm, m)->type_count == 0;
}

/* Count the references of every page a domain's stage-2 maps. */
static int count_s2(struct ck *c, const struct hv_mm_domain *d)
{
    struct hv_mm *mm = c->mm;
    unsigned int i1, i2, i3;
    uint64_t *t;

    if (!HV_IS_ALIGNED(d->s2_root, 2) || !s2_table_ok(mm, d->s2_root) ||
        !s2_table_ok(mm, d->s2_root + 1))
        return fail(c, "d%u stage-2 root %llu bad", d->id,
                    (unsigned long long)d->s2_root);
    for (i1 = 0; i1 < 2 * HV_PT_ENTRIES; i1++) {
        uint64_t e1, t2;

        t = mm_map(mm, d->s2_root + i1 / HV_PT_ENTRIES);
        e1 = t[i1 % HV_PT_ENTRIES];
        mm_unmap(mm, t);
        if (!(e1 & 1))
            continue;
        t2 = (e1 & S2_ADDR_MASK) >> HV_PAGE_SHIFT;
        if ((e1 & 3) != S2_VALID_TABLE || !s2_table_ok(mm, t2))
            return fail(c, "d%u stage-2 L1 entry %u bad", d->id, i1);
        for (i2 = 0; i2 < HV_PT_ENTRIES; i2++) {
            uint64_t e2, t3;

            t = mm_map(mm, t2);
            e2 = t[i2];
            mm_unmap(mm, t);
            if (!(e2 & 1))
                continue;
            t3 = (e2 & S2_ADDR_MASK) >> HV_PAGE_SHIFT;
            if ((e2 & 3) != S2_VALID_TABLE || !s2_table_ok(mm, t3))
                return fail(c, "d%u stage-2 L2 entry bad", d->id);
            t = mm_map(mm, t3);
            for (i3 = 0; i3 < HV_PT_ENTRIES; i3++) {
                uint64_t e3 = t[i3], m = (e3 & S2_ADDR_MASK) >> HV_PAGE_SHIFT;

                if (!(e3 & 1))
                    continue;
                if ((e3 & 3) != S2_VALID_TABLE || !mm_mfn_is_ram(mm, m) ||
                    c->cnt[m] == FREE_MARK ||
                    mm_page(mm, m)->owner >= HV_MAX_DOMAINS ||
                    ((e3 & S2_AP_W) &&
                     mm_page(mm, m)->type != HV_MM_TYPE_WRITABLE)) {
                    mm_unmap(mm, t);
                    return fail(c, "d%u stage-2 page %llu bad", d->id,
                                (unsigned long long)m);
                }
                c->cnt[m]++;
                if (e3 & S2_AP_W)
                    c->tcnt[m]++;
            }
            mm_unmap(mm, t);
        }
    }
    return HV_OK;
}

static int check_domains(struct ck *c)
{
    struct hv_mm *mm = c->mm;
    unsigned int id, v;
    uint64_t g, m, owned;

    for (id = 0; id < HV_MAX_DOMAINS; id++) {
        const struct hv_mm_domain *d = mm->domains[id];

        if (!d)
            continue;
        if (d->id != id || !d->registered)
            return fail(c, "domain slot %u holds domain %u", id, d->id);
        for (v = 0; v < HV_MAX_VCPUS_PER_DOMAIN; v++) {
            m = d->baseptr[v];
            if (m == HV_MM_INVALID_FRAME)
                continue;
            if (!mm_mfn_is_ram(mm, m) || mm_page(mm, m)->type != 4 ||
                mm_page(mm, m)->owner != id)
                return fail(c, "d%u vcpu %u base pointer %llu is no L4", id, v,
                            (unsigned long long)m);
            c->cnt[m]++;
            c->tcnt[m]++;
        }
        for (v = 0; v < HV_MAX_VCPUS_PER_DOMAIN; v++) {
            const struct hv_mm_vcpu_desc *dv = &d->desc[v];
            unsigned int k;

            for (k = 0; k < HV_MM_GDT_MAX_FRAMES + HV_MM_LDT_MAX_FRAMES; k++) {
                m = k < HV_MM_GDT_MAX_FRAMES
                        ? dv->gdt[k]
                        : dv->ldt[k - HV_MM_GDT_MAX_FRAMES];
                if (m == HV_MM_INVALID_FRAME)
                    continue;
                if (!mm_mfn_is_ram(mm, m) ||
                    mm_page(mm, m)->type != HV_MM_TYPE_SEG_DESC ||
                    mm_page(mm, m)->owner != id)
                    return fail(c, "d%u vcpu %u descriptor frame %llu bad", id,
                                v, (unsigned long long)m);
                c->cnt[m]++;
                c->tcnt[m]++;
            }
        }
        if (d->s2_root != HV_MM_INVALID_FRAME) {
            int rc = count_s2(c, d);

            if (rc)
                return rc;
        }
        owned = 0;
        for (m = 0; m < mm->nr_frames; m++)
            if (mm_page(mm, m)->owner == id && c->cnt[m] != FREE_MARK)
                owned++;
        if (owned != d->tot_pages || d->tot_pages > d->max_pages)
            return fail(c, "d%u owns %llu frames, tot_pages %llu max %llu", id,
                        (unsigned long long)owned,
                        (unsigned long long)d->tot_pages,
                        (unsigned long long)d->max_pages);
        for (g = 0; g < d->p2m_size; g++) {
            m = d->p2m[g];
            if (m == HV_MM_INVALID_FRAME)
                continue;
            if (!mm_mfn_is_ram(mm, m) || mm_page(mm, m)->owner != id ||
                !(mm_page(mm, m)->flags & PF_ALLOCATED) || mm->m2p[m] != g)
                return fail(c, "d%u p2m[%llu] = %llu disagrees with m2p", id,
                            (unsigned long long)g, (unsigned long long)m);
        }
    }
    for (m = 0; m < mm->nr_frames; m++) {
        const struct hv_mm_domain *d;

        g = mm->m2p[m];
        if (g == HV_MM_INVALID_FRAME)
            continue;
        d = mm_domain(mm, mm_page(mm, m)->owner);
        if (!d || !(mm_page(mm, m)->flags & PF_ALLOCATED))
            return fail(c, "m2p[%llu] set for a frame no domain holds",
                        (unsigned long long)m);
        if (d->p2m && (g >= d->p2m_size || d->p2m[g] != m))
            return fail(c, "m2p[%llu] = %llu disagrees with p2m",
                        (unsigned long long)m, (unsigned long long)g);
    }
    return HV_OK;
}

static int check_frames(struct ck *c, unsigned int flags,
                        hv_mm_extern_refs_fn ext, void *ext_ctx)
{
    struct hv_mm *mm = c->mm;
    uint64_t m, ram = 0;

    for (m = 0; m < mm->nr_frames; m++) {
        struct hv_mm_page *pg = mm_page(mm, m);

        if (!(pg->flags & PF_RAM)) {
            if (pg->flags || pg->count || pg->type_count ||
                pg->owner != HV_DOMID_INVALID)
                return fail(c, "hole %llu not empty", (unsigned long long)m);
            continue;
        }
        ram++;
        if (c->cnt[m] == FREE_MARK) {
            if ((flags & HV_MM_CHECK_SCRUB)) {
                const uint8_t *p = mm_map(mm, m);
                size_t i;
                bool dirty = false;

                for (i = 0; i < HV_PAGE_SIZE; i++)
                    dirty |= p[i] != 0;
                mm_unmap(mm, (void *)(uintptr_t)p);
                if (dirty)
                    return fail(c, "free frame %llu not scrubbed",
                                (unsigned long long)m);
            }
            continue;
        }
        if (pg->flags & PF_RESERVED) {
            if (pg->flags != (PF_RAM | PF_RESERVED) || pg->count ||
                pg->type_count || pg->owner != HV_DOMID_XEN)
                return fail(c, "reserved frame %llu in use",
                            (unsigned long long)m);
            continue;
        }
        if (pg->owner == HV_DOMID_INVALID || (pg->flags & PF_FREE))
            return fail(c, "frame %llu neither free nor owned",
                        (unsigned long long)m);
        if (pg->owner != HV_DOMID_XEN && !mm_domain(mm, pg->owner))
            return fail(c, "frame %llu owned by unknown domain %u",
                        (unsigned long long)m, pg->owner);
        if (pg->flags & PF_ALLOCATED)
            c->cnt[m]++;
        if (pg->flags & PF_PINNED) {
            if (!mm_type_is_pt(pg->type))
                return fail(c, "frame %llu pinned without a table type",
                            (unsigned long long)m);
            c->cnt[m]++;
            c->tcnt[m]++;
        }
        if (pg->type_count == 0 && (pg->flags & PF_VALIDATED))
            return fail(c, "frame %llu validated with no type reference",
                        (unsigned long long)m);
        if (ext)
            ext(ext_ctx, hv_mfn(m), &c->cnt[m], &c->tcnt[m]);
    }
    if (ram != mm->ram_frames)
        return fail(c, "%llu RAM frames, expected %llu",
                    (unsigned long long)ram,
                    (unsigned long long)mm->ram_frames);
    return HV_OK;
}

static int compare(struct ck *c)
{
    struct hv_mm *mm = c->mm;
    uint64_t m;

    for (m = 0; m < mm->nr_frames; m++) {
        struct hv_mm_page *pg = mm_page(mm, m);

        if (c->cnt[m] == FREE_MARK || !(pg->flags & PF_RAM))
            continue;
        if (pg->count != c->cnt[m] || pg->type_count != c->tcnt[m] ||
            pg->linear != c->lin[m])
            return fail(c,
                        "frame %llu: count %u type_count %u linear %d, "
                        "references found %u %u %d",
                        (unsigned long long)m, pg->count, pg->type_count,
                        pg->linear, c->cnt[m], c->tcnt[m], (int)c->lin[m]);
    }
    return HV_OK;
}

int hv_mm_check(struct hv_mm *mm, unsigned int flags, hv_mm_extern_refs_fn ext,
                void *ext_ctx, uint32_t *scratch, size_t scratch_words,
                char *msg, size_t msg_size)
{
    struct ck c;
    int rc;

    if (msg && msg_size)
        msg[0] = '\0';
    if (!scratch || scratch_words < HV_MM_CHECK_SCRATCH_WORDS(mm->nr_frames) ||
        (flags & ~HV_MM_CHECK_SCRUB))
        return HV_EINVAL;
    c.mm = mm;
    c.cnt = scratch;
    c.tcnt = scratch + mm->nr_frames;
    c.lin = (int32_t *)(scratch + 2 * mm->nr_frames);
    c.msg = msg;
    c.msg_size = msg_size;
    hv_memset(scratch, 0, HV_MM_CHECK_SCRATCH_WORDS(mm->nr_frames) * 4);

    hv_spin_lock(&mm->lock);
    rc = check_free_lists(&c);
    if (rc == HV_OK)
        rc = check_frames(&c, flags, ext, ext_ctx);
    if (rc == HV_OK)
        rc = check_domains(&c);
    if (rc == HV_OK)
        rc = count_tables(&c);
    if (rc == HV_OK)
        rc = compare(&c);
    hv_spin_unlock(&mm->lock);
    return rc;
}
