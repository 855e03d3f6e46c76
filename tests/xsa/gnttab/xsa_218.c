/*
 * XSA-218: races in the grant table unmap code. Two vCPUs of a guest
 * unmapped the same handle at once and both released the mapping's
 * references (a double release, then a use-after-free of the granted
 * page). Here a handle is free or in use under the mapper's lock, and
 * release happens only in the thread that found it in use.
 *
 * Attack: map a writable grant; unmap the handle from two threads at the
 * same moment, many times over. Exactly one unmap of each round may
 * succeed; the other must get GNTST_bad_handle; counts stay exact.
 */
#include <pthread.h>

#include "gx_snap.h"

#define ROUNDS 2000

struct racer {
    struct gx *g;
    pthread_barrier_t *start, *done;
    uint32_t *handle;
    int ok, bad;
};

static void *unmapper(void *arg)
{
    struct racer *r = arg;
    int i;

    for (i = 0; i < ROUNDS; i++) {
        struct hv_gnttab_unmap_grant_ref op;
        struct hv_mm_flush fl = {0, 0};
        int rc;

        pthread_barrier_wait(r->start);
        memset(&op, 0, sizeof(op));
        op.handle = *r->handle;
        op.host_addr = 0x4000;
        rc = hv_gnttab_unmap_grant_ref(gx_gt(r->g, 2), &op, &fl);
        if (rc == HV_GNTST_okay)
            r->ok++;
        else if (rc == HV_GNTST_bad_handle)
            r->bad++;
        pthread_barrier_wait(r->done);
    }
    return NULL;
}

static void test_xsa218_double_unmap_race(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    pthread_barrier_t start, done;
    struct racer r[2];
    pthread_t t[2];
    uint32_t handle = 0;
    int i;

    (void)state;
    gx_grant(g, 1, 1, 2, page, HV_GTF_permit_access);
    pthread_barrier_init(&start, NULL, 3);
    pthread_barrier_init(&done, NULL, 3);
    for (i = 0; i < 2; i++) {
        r[i] = (struct racer){g, &start, &done, &handle, 0, 0};
        GX_EQ(pthread_create(&t[i], NULL, unmapper, &r[i]), 0);
    }
    for (i = 0; i < ROUNDS; i++) {
        GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0x4000, &handle),
              HV_GNTST_okay);
        pthread_barrier_wait(&start);
        pthread_barrier_wait(&done);
        GX_EQ(gx_info(g, page).count, 1);
        GX_EQ(gx_info(g, page).type_count, 0);
        GX_EQ(gx_flags(g, 1, 1), HV_GTF_permit_access);
    }
    for (i = 0; i < 2; i++)
        GX_EQ(pthread_join(t[i], NULL), 0);
    GX_EQ(r[0].ok + r[1].ok, ROUNDS);
    GX_EQ(r[0].bad + r[1].bad, ROUNDS);
    pthread_barrier_destroy(&start);
    pthread_barrier_destroy(&done);
    gx_free(g);
}

/* The sequential form: the second unmap is a refusal that changes nothing. */
static void test_xsa218_unmap_twice(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t page = gx_alloc(g, 1);
    uint32_t h, h2;
    struct gx_snap *s;

    (void)state;
    gx_grant(g, 1, 1, 2, page, HV_GTF_permit_access);
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0x4000, &h), HV_GNTST_okay);
    GX_EQ(gx_map_op(g, 2, 1, 1, HV_GNTMAP_host_map, 0x5000, &h2),
          HV_GNTST_okay);
    GX_EQ(gx_unmap_op(g, 2, h, 0x4000), HV_GNTST_okay);
    s = gx_snap(g);
    GX_EQ(gx_unmap_op(g, 2, h, 0x4000), HV_GNTST_bad_handle);
    gx_same(g, s); /* the other mapping keeps its pin and references */
    GX_EQ(gx_info(g, page).count, 2);
    GX_EQ(gx_unmap_op(g, 2, h2, 0x5000), HV_GNTST_okay);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa218_unmap_twice),
        cmocka_unit_test(test_xsa218_double_unmap_race),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
