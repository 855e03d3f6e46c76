/*
 * Accounting for the invariant checkers.
 *
 * libhv-mm proves that every count on a frame equals the references that
 * exist; the references a grant table holds are invisible to it, so
 * hv_gnttab_mm_refs() reports them: one general and one WRITABLE type
 * reference per installed table frame, one general reference per mapping
 * and one WRITABLE type reference per writable mapping. Copies hold
 * references only inside a call, never between calls.
 *
 * hv_gnttab_check() proves the grant tables' own bookkeeping: handles,
 * pins and the flags the hypervisor owns in the shared entries. It is
 * quadratic only in the number of pinned entries, never in table size.
 */
#include "gnttab_priv.h"

void hv_gnttab_mm_refs(void *ctx, hv_mfn_t mfn, uint32_t *count,
                       uint32_t *type_count)
{
    const struct hv_gnttab_set *set = ctx;
    uint64_t m = hv_mfn_val(mfn);
    size_t t;
    uint32_t i;

    for (t = 0; t < set->count; t++) {
        struct hv_gnttab *gt = set->tables[t];

        for (i = 0; i < gt->nr_frames; i++) {
            if (gt->frames[i] == m) {
                (*count)++;
                (*type_count)++;
            }
        }
        if (gt->maptrack_used == 0)
            continue;
        for (i = 0; i < gt->cfg.maptrack_count; i++) {
            const struct hv_gnttab_maptrack *mt = &gt->cfg.maptrack[i];

            if (mt->granter && mt->mfn == m) {
                (*count)++;
                if (!(mt->flags & HV_GNTMAP_readonly))
                    (*type_count)++;
            }
        }
    }
}

static bool in_set(const struct hv_gnttab_set *set, const struct hv_gnttab *g)
{
    size_t t;

    for (t = 0; t < set->count; t++)
        if (set->tables[t] == g)
            return true;
    return false;
}

#define FAIL(...)                                    \
    do {                                             \
        if (msg && msg_size)                         \
            hv_snprintf(msg, msg_size, __VA_ARGS__); \
        return HV_EBADMSG;                           \
    } while (0)

/* The handles of one mapping table: list, counts, targets. */
static int check_maptrack(const struct hv_gnttab_set *set, struct hv_gnttab *gt,
                          char *msg, size_t msg_size)
{
    uint32_t n = gt->cfg.maptrack_count, used = 0, free_len = 0, i, h;

    for (i = 0; i < n; i++) {
        const struct hv_gnttab_maptrack *mt = &gt->cfg.maptrack[i];
        const struct hv_gnttab_active *act;

        if (!mt->granter)
            continue;
        used++;
        if (!in_set(set, mt->granter))
            FAIL("d%u handle %u: granter not in the set", gt->cfg.domid, i);
        if (mt->ref >= gt_entry_count(mt->granter))
            FAIL("d%u handle %u: ref %u beyond the table", gt->cfg.domid, i,
                 mt->ref);
        act = &mt->granter->cfg.active[mt->ref];
        if (act->pin_ro + act->pin_rw == 0 || act->domid != gt->cfg.domid ||
            act->mfn != mt->mfn)
            FAIL("d%u handle %u: entry d%u ref %u not pinned for it",
                 gt->cfg.domid, i, mt->granter->cfg.domid, mt->ref);
    }
    if (used != gt->maptrack_used)
        FAIL("d%u: %u handles in use, %u counted", gt->cfg.domid, used,
             gt->maptrack_used);
    for (h = gt->maptrack_free; h < n; h = gt->cfg.maptrack[h].next_free) {
        if (gt->cfg.maptrack[h].granter)
            FAIL("d%u: handle %u in use and on the free list", gt->cfg.domid,
                 h);
        if (++free_len > n)
            FAIL("d%u: free list loops", gt->cfg.domid);
    }
    if (free_len + used != n)
        FAIL("d%u: %u free + %u used != %u handles", gt->cfg.domid, free_len,
             used, n);
    return HV_OK;
}

/* Mappings of entry @ref of @g across the set, by kind. */
static void count_maps(const struct hv_gnttab_set *set, struct hv_gnttab *g,
                       uint32_t ref, uint32_t *ro, uint32_t *rw)
{
    size_t t;
    uint32_t i;

    *ro = *rw = 0;
    for (t = 0; t < set->count; t++) {
        struct hv_gnttab *m = set->tables[t];

        if (m->maptrack_used == 0)
            continue;
        for (i = 0; i < m->cfg.maptrack_count; i++) {
            const struct hv_gnttab_maptrack *mt = &m->cfg.maptrack[i];

            if (mt->granter == g && mt->ref == ref) {
                if (mt->flags & HV_GNTMAP_readonly)
                    (*ro)++;
                else
                    (*rw)++;
            }
        }
    }
}

static int check_entries(const struct hv_gnttab_set *set, struct hv_gnttab *g,
                         bool shared, char *msg, size_t msg_size)
{
    uint32_t n = gt_entry_count(g), ref, pins = 0, ro, rw;

    for (ref = 0; ref < n; ref++) {
        const struct hv_gnttab_active *act = &g->cfg.active[ref];
        uint16_t flags;

        if (act->pin_ro + act->pin_rw == 0) {
            if (act->mfn != HV_MM_INVALID_FRAME)
                FAIL("d%u ref %u: unpinned but holds a frame", g->cfg.domid,
                     ref);
            continue;
        }
        pins += act->pin_ro + act->pin_rw;
        count_maps(set, g, ref, &ro, &rw);
        if (ro != act->pin_ro || rw != act->pin_rw)
            FAIL("d%u ref %u: pins ro %u rw %u, mappings ro %u rw %u",
                 g->cfg.domid, ref, act->pin_ro, act->pin_rw, ro, rw);
        if (!shared)
            continue;
        flags = GT_HDR_FLAGS(__atomic_load_n(gt_hdr(g, ref), __ATOMIC_ACQUIRE));
        if (!(flags & HV_GTF_reading))
            FAIL("d%u ref %u: in use without GTF_reading", g->cfg.domid, ref);
        if (!!(flags & HV_GTF_writing) != (act->pin_rw != 0))
            FAIL("d%u ref %u: GTF_writing %u with %u writable pins",
                 g->cfg.domid, ref, !!(flags & HV_GTF_writing), act->pin_rw);
    }
    for (; ref < (uint32_t)g->cfg.max_frames * HV_GNTTAB_ENTRIES_PER_FRAME;
         ref++)
        if (g->cfg.active[ref].pin_ro + g->cfg.active[ref].pin_rw)
            FAIL("d%u ref %u: pinned beyond the table", g->cfg.domid, ref);
    if (pins != g->pins)
        FAIL("d%u: %u pins counted, %u recorded", g->cfg.domid, pins, g->pins);
    return HV_OK;
}

int hv_gnttab_check(const struct hv_gnttab_set *set, unsigned int flags,
                    char *msg, size_t msg_size)
{
    size_t t;
    int rc;

    if (msg && msg_size)
        msg[0] = '\0';
    for (t = 0; t < set->count; t++) {
        struct hv_gnttab *gt = set->tables[t];

        rc = check_maptrack(set, gt, msg, msg_size);
        if (rc == HV_OK)
            rc = check_entries(set, gt, flags & HV_GNTTAB_CHECK_SHARED, msg,
                               msg_size);
        if (rc != HV_OK)
            return rc;
        if (gt->dead && (gt->nr_frames || gt->pins || gt->maptrack_used))
            FAIL("d%u: torn down but holds frames, pins or handles",
                 gt->cfg.domid);
    }
    return HV_OK;
}
