/*
 * XSA-228: race conditions with maptrack free-list handling. Two vCPUs
 * mapping and unmapping at once corrupted the free list of handles, so a
 * handle could be handed out twice and one unmap release another's
 * mapping. Here the free list is changed only under the mapper's lock.
 *
 * Attack: two threads of the mapping domain map and unmap grants of two
 * granters as fast as they can, exhausting the handles on purpose; every
 * handle a thread gets must be its own (checked through the address it
 * recorded), and the list must be exact afterwards.
 */
#include <pthread.h>

#include "gx_snap.h"

#define ITER 20000

/*
 * Each thread holds at most CAP handles: together they still exhaust the
 * table (2 * CAP > GX_MAPTRACK), but neither can hold all of it, so each
 * thread's first map succeeds whatever the host scheduler does, and the
 * test does not depend on the threads' timing to mean something.
 */
#define CAP ((int)GX_MAPTRACK / 2 + 2)

struct worker {
    struct gx *g;
    unsigned int granter;
    uint64_t base;
    int ok, full, wrong;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    uint32_t held[GX_MAPTRACK];
    int n = 0, i;

    for (i = 0; i < ITER; i++) {
        struct hv_mm_flush fl = {0, 0};

        if (n < CAP && (i % 3 != 2 || n == 0)) {
            struct hv_gnttab_map_grant_ref op;

            memset(&op, 0, sizeof(op));
            op.flags = HV_GNTMAP_host_map | HV_GNTMAP_readonly;
            op.ref = 1;
            op.dom = (uint16_t)w->granter;
            op.host_addr = w->base + (uint64_t)n * HV_PAGE_SIZE;
            int rc = hv_gnttab_map_grant_ref(gx_gt(w->g, 2),
                                             gx_gt(w->g, w->granter), &op, &fl);
            if (rc == HV_GNTST_okay) {
                held[n++] = op.handle;
                w->ok++;
            } else if (rc == HV_GNTST_no_device_space) {
                w->full++;
            } else {
                w->wrong++;
            }
        } else {
            struct hv_gnttab_unmap_grant_ref un;

            n--;
            memset(&un, 0, sizeof(un));
            un.handle = held[n];
            un.host_addr = w->base + (uint64_t)n * HV_PAGE_SIZE;
            /* A handle given to the other thread would not match. */
            if (hv_gnttab_unmap_grant_ref(gx_gt(w->g, 2), &un, &fl) !=
                HV_GNTST_okay)
                w->wrong++;
        }
    }
    while (n > 0) {
        struct hv_gnttab_unmap_grant_ref un;
        struct hv_mm_flush fl = {0, 0};

        n--;
        memset(&un, 0, sizeof(un));
        un.handle = held[n];
        un.host_addr = w->base + (uint64_t)n * HV_PAGE_SIZE;
        if (hv_gnttab_unmap_grant_ref(gx_gt(w->g, 2), &un, &fl) !=
            HV_GNTST_okay)
            w->wrong++;
    }
    return NULL;
}

static void test_xsa228_maptrack_race(void **state)
{
    struct gx *g = gx_new(3, 0);
    uint64_t p1 = gx_alloc(g, 1), p3 = gx_alloc(g, 3);
    struct worker w[2] = {{g, 1, 0x100000000ull, 0, 0, 0},
                          {g, 3, 0x200000000ull, 0, 0, 0}};
    pthread_t t[2];
    int i;

    (void)state;
    gx_grant(g, 1, 1, 2, p1, HV_GTF_permit_access);
    gx_grant(g, 3, 1, 2, p3, HV_GTF_permit_access);
    for (i = 0; i < 2; i++)
        GX_EQ(pthread_create(&t[i], NULL, work, &w[i]), 0);
    for (i = 0; i < 2; i++)
        GX_EQ(pthread_join(t[i], NULL), 0);
    GX_EQ(w[0].wrong + w[1].wrong, 0);
    GX_ASSERT(w[0].ok > 0 && w[1].ok > 0);
    GX_EQ(hv_gnttab_mapping_count(gx_gt(g, 2)), 0);
    GX_EQ(gx_info(g, p1).count, 1);
    GX_EQ(gx_info(g, p3).count, 1);
    gx_check(g); /* the free list holds every handle exactly once */
    gx_free(g);
}

/* Handles beyond the array, and exhaustion, are clean refusals. */
static void test_xsa228_exhaustion(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h, i;
    struct gx_snap *s;

    (void)state;
    gx_grant(g, 1, 1, 2, page, HV_GTF_permit_access);
    for (i = 0; i < GX_MAPTRACK; i++)
        GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0, &h), HV_GNTST_okay);
    s = gx_snap(g);
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0, NULL),
          HV_GNTST_no_device_space);
    GX_EQ(gx_unmap_op(g, 2, GX_MAPTRACK, 0), HV_GNTST_bad_handle);
    GX_EQ(gx_unmap_op(g, 2, 0x80000000u, 0), HV_GNTST_bad_handle);
    gx_same(g, s);
    gx_free(g); /* teardown releases all 16 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa228_exhaustion),
        cmocka_unit_test(test_xsa228_maptrack_race),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
