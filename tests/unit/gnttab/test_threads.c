/*
 * libhv-gnttab from several CPUs at once.
 *
 * Two domains map and copy each other's grants at the same time (each
 * operation takes both tables' locks, in opposite roles: a wrong lock
 * order deadlocks here), while the granting guest of one entry revokes
 * and re-grants it in a loop with the guest's side of the flags protocol
 * (compare-exchange expecting no GTF_reading/GTF_writing). A mapping that
 * succeeded must always see GTF_reading in the entry until it is
 * unmapped: the guest's revoke can never slip in between. At the end all
 * counts are exact and teardown returns every frame.
 */
#include <pthread.h>

#include "gnttab_fixture.h"

#define ITERS 30000

struct worker {
    struct gx *g;
    unsigned int self, peer;
    uint64_t own;
    int maps, revoked_seen, errors;
};

static volatile int stop_guest;

static void *work(void *arg)
{
    struct worker *w = arg;
    struct hv_mm_flush fl = {0, 0};
    int i;

    for (i = 0; i < ITERS; i++) {
        struct hv_gnttab_map_grant_ref op;
        struct hv_gnttab_unmap_grant_ref un;
        struct hv_gnttab_copy cp;
        uint32_t ref = (i % 3 == 2 && w->self == 2) ? 3 : 1;
        int rc;

        memset(&op, 0, sizeof(op));
        op.flags = HV_GNTMAP_host_map;
        op.ref = ref;
        op.dom = (uint16_t)w->peer;
        rc = hv_gnttab_map_grant_ref(gx_gt(w->g, w->self), gx_gt(w->g, w->peer),
                                     &op, &fl);
        if (rc == HV_GNTST_okay) {
            uint16_t f = __atomic_load_n(&gx_entry(w->g, w->peer, ref)->flags,
                                         __ATOMIC_ACQUIRE);

            if ((f & (HV_GTF_reading | HV_GTF_writing)) !=
                (HV_GTF_reading | HV_GTF_writing))
                w->errors++; /* the guest revoked under our mapping */
            w->maps++;
            memset(&un, 0, sizeof(un));
            un.handle = op.handle;
            if (hv_gnttab_unmap_grant_ref(gx_gt(w->g, w->self), &un, &fl) !=
                HV_GNTST_okay)
                w->errors++;
        } else if (ref == 3 && rc == HV_GNTST_general_error) {
            w->revoked_seen++;
        } else {
            w->errors++;
        }

        memset(&cp, 0, sizeof(cp));
        cp.source.u.ref = 2;
        cp.source.domid = (uint16_t)w->peer;
        cp.dest.u.gmfn = w->own;
        cp.dest.domid = HV_DOMID_SELF;
        cp.len = 64;
        cp.flags = HV_GNTCOPY_source_gref;
        if (hv_gnttab_copy(gx_gt(w->g, w->self), gx_gt(w->g, w->peer), NULL,
                           &cp, &fl) != HV_GNTST_okay)
            w->errors++;
    }
    return NULL;
}

/* The guest of domain 1 revokes and re-grants its ref 3 (for d2). */
static void *guest(void *arg)
{
    struct gx *g = arg;
    uint16_t *flags = &gx_entry(g, 1, 3)->flags;
    long revokes = 0;

    while (!__atomic_load_n(&stop_guest, __ATOMIC_ACQUIRE)) {
        uint16_t expect = HV_GTF_permit_access;

        if (__atomic_compare_exchange_n(flags, &expect, 0, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            revokes++;
            __atomic_store_n(flags, (uint16_t)HV_GTF_permit_access,
                             __ATOMIC_SEQ_CST);
        }
        for (int k = 0; k < 500; k++) /* leave the grant up a while */
            __asm__ __volatile__("" ::: "memory");
    }
    return (void *)revokes;
}

static void test_cross_domain_race(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t p1 = gx_alloc(g, 1), p2 = gx_alloc(g, 2);
    uint64_t s1 = gx_alloc(g, 1), s2 = gx_alloc(g, 2);
    struct worker w[2] = {{g, 1, 2, gx_alloc(g, 1), 0, 0, 0},
                          {g, 2, 1, gx_alloc(g, 2), 0, 0, 0}};
    pthread_t t[2], gt;
    void *revokes;
    int i;

    (void)state;
    gx_grant(g, 1, 1, 2, p1, HV_GTF_permit_access);
    gx_grant(g, 2, 1, 1, p2, HV_GTF_permit_access);
    gx_grant(g, 1, 2, 2, s1, HV_GTF_permit_access | HV_GTF_readonly);
    gx_grant(g, 2, 2, 1, s2, HV_GTF_permit_access | HV_GTF_readonly);
    gx_grant(g, 1, 3, 2, p1, HV_GTF_permit_access);
    stop_guest = 0;
    GX_EQ(pthread_create(&gt, NULL, guest, g), 0);
    for (i = 0; i < 2; i++)
        GX_EQ(pthread_create(&t[i], NULL, work, &w[i]), 0);
    for (i = 0; i < 2; i++)
        GX_EQ(pthread_join(t[i], NULL), 0);
    __atomic_store_n(&stop_guest, 1, __ATOMIC_RELEASE);
    GX_EQ(pthread_join(gt, &revokes), 0);

    GX_EQ(w[0].errors, 0);
    GX_EQ(w[1].errors, 0);
    GX_ASSERT(w[0].maps > 0 && w[1].maps > 0);
    print_message("maps %d + %d, map refused while revoked %d, revokes %ld\n",
                  w[0].maps, w[1].maps, w[1].revoked_seen, (long)revokes);
    GX_EQ(gx_info(g, p1).count, 1);
    GX_EQ(gx_info(g, p2).count, 1);
    GX_EQ(gx_info(g, p1).type_count, 0);
    gx_check(g);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cross_domain_race),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
