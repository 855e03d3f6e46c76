/*
 * Snapshots for proving that a refusal changed nothing: every grant-table
 * array and counter, libhv-mm's frame records, and all of memory (the
 * shared entries included). Locks are left out: taking and dropping them
 * moves their tickets.
 */
#ifndef GX_SNAP_H
#define GX_SNAP_H

#include "gnttab_fixture.h"

struct gx_snap {
    struct hv_mm_page pages[GX_FRAMES];
    struct hv_gnttab_active active[GX_DOMS + 1][GX_ENTRIES];
    struct hv_gnttab_maptrack maptrack[GX_DOMS + 1][GX_MAPTRACK];
    uint32_t counters[GX_DOMS + 1][4];
    uint8_t mem[GX_FRAMES][HV_PAGE_SIZE];
};

static inline struct gx_snap *gx_snap(struct gx *g)
{
    struct gx_snap *s = calloc(1, sizeof(*s));
    unsigned int i;

    GX_ASSERT(s != NULL);
    memcpy(s->pages, g->pages, sizeof(s->pages));
    for (i = 1; i <= g->ndoms; i++) {
        struct hv_gnttab *gt = &g->d[i].gt;

        memcpy(s->active[i], g->d[i].active, sizeof(s->active[i]));
        memcpy(s->maptrack[i], g->d[i].maptrack, sizeof(s->maptrack[i]));
        s->counters[i][0] = gt->nr_frames;
        s->counters[i][1] = gt->maptrack_free;
        s->counters[i][2] = gt->maptrack_used;
        s->counters[i][3] = gt->pins;
    }
    memcpy(s->mem, gx_mem, sizeof(s->mem));
    return s;
}

/* Assert the state equals @s, then free @s. */
static inline void gx_same_(struct gx *g, struct gx_snap *s, const char *file,
                            int line)
{
    struct gx_snap *now = gx_snap(g);

    if (memcmp(now->pages, s->pages, sizeof(s->pages)))
        GX_FAIL("%s:%d: frame records changed", file, line);
    if (memcmp(now->active, s->active, sizeof(s->active)))
        GX_FAIL("%s:%d: active entries changed", file, line);
    if (memcmp(now->maptrack, s->maptrack, sizeof(s->maptrack)))
        GX_FAIL("%s:%d: maptrack changed", file, line);
    if (memcmp(now->counters, s->counters, sizeof(s->counters)))
        GX_FAIL("%s:%d: counters changed", file, line);
    if (memcmp(now->mem, s->mem, sizeof(s->mem)))
        GX_FAIL("%s:%d: memory changed", file, line);
    free(now);
    free(s);
    gx_check_(g, file, line);
}
#define gx_same(g, s) gx_same_((g), (s), __FILE__, __LINE__)

#endif /* GX_SNAP_H */
