/*
 * libhv-gnttab from several CPUs at once.
 *
 * Two domains map and copy each other's grants at the same time (each
 * operation takes both tables' locks, in opposite roles: a wrong lock
 * order deadlocks here), while the granting guest of one entry revokes
 * and re-grants it in a loop with the guest's side of the flags protocol
 * (compare-exchange expecting no GTF_reading/GTF_writing). A mapping that
 * succeeded must always see GTF_reading in the entry until it is
 * unmapped: the guest's revoke can never slip in between. A second CPU
 * of one domain copies into and out of the very entry its first CPU maps
 * (a copy's claim must neither take a mapping's flags away nor leave its
 * own behind). At the end all counts are exact and teardown returns
 * every frame. A second test transfers one frame back and forth while
 * another CPU keeps referencing it.
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

/* A second vCPU of domain 2 copies through d1's ref 1 (both ways) while
 * the first maps that same entry: a copy's claim must never take away
 * the flags a mapping holds, nor leave any of its own behind. */
static void *copier(void *arg)
{
    struct worker *w = arg;
    struct hv_mm_flush fl = {0, 0};
    int i;

    for (i = 0; i < ITERS; i++) {
        struct hv_gnttab_copy cp;
        bool into = i & 1;

        memset(&cp, 0, sizeof(cp));
        if (into) {
            cp.dest.u.ref = 1;
            cp.dest.domid = (uint16_t)w->peer;
            cp.source.u.gmfn = w->own;
            cp.source.domid = HV_DOMID_SELF;
            cp.flags = HV_GNTCOPY_dest_gref;
        } else {
            cp.source.u.ref = 1;
            cp.source.domid = (uint16_t)w->peer;
            cp.dest.u.gmfn = w->own;
            cp.dest.domid = HV_DOMID_SELF;
            cp.flags = HV_GNTCOPY_source_gref;
        }
        cp.len = 32;
        if (hv_gnttab_copy(gx_gt(w->g, w->self), into ? NULL : gx_gt(w->g, 1),
                           into ? gx_gt(w->g, 1) : NULL, &cp,
                           &fl) != HV_GNTST_okay)
            w->errors++;
        w->maps++;
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
    struct worker w[3] = {{g, 1, 2, gx_alloc(g, 1), 0, 0, 0},
                          {g, 2, 1, gx_alloc(g, 2), 0, 0, 0},
                          {g, 2, 1, gx_alloc(g, 2), 0, 0, 0}};
    pthread_t t[3], gt;
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
    GX_EQ(pthread_create(&t[2], NULL, copier, &w[2]), 0);
    for (i = 0; i < 3; i++)
        GX_EQ(pthread_join(t[i], NULL), 0);
    __atomic_store_n(&stop_guest, 1, __ATOMIC_RELEASE);
    GX_EQ(pthread_join(gt, &revokes), 0);

    GX_EQ(w[0].errors, 0);
    GX_EQ(w[1].errors, 0);
    GX_EQ(w[2].errors, 0);
    GX_ASSERT(w[0].maps > 0 && w[1].maps > 0 && w[2].maps == ITERS);
    GX_EQ(gx_flags(g, 1, 1), HV_GTF_permit_access); /* nothing left set */
    print_message("maps %d + %d, map refused while revoked %d, revokes %ld\n",
                  w[0].maps, w[1].maps, w[1].revoked_seen, (long)revokes);
    GX_EQ(gx_info(g, p1).count, 1);
    GX_EQ(gx_info(g, p2).count, 1);
    GX_EQ(gx_info(g, p1).type_count, 0);
    gx_check(g);
    gx_free(g);
}

/*
 * Transfers of one frame back and forth between d1 and d2 while another
 * CPU keeps taking and dropping a reference on it (as a mapping would):
 * each transfer either moves the frame (the entry completed, naming the
 * very frame) or is refused with the entry exactly as it was, whether
 * the reference was seen by the check or only by the move itself.
 */
static volatile int stop_poker;
static uint64_t poked; /* the frame being transferred */
static long poker_rounds;

static void *poker(void *arg)
{
    struct gx *g = arg;
    uint64_t m = poked;
    long hits = 0;

    while (!__atomic_load_n(&stop_poker, __ATOMIC_ACQUIRE)) {
        hv_domid_t owner = (hits & 1) ? 1 : 2;
        struct hv_mm_flush fl = {0, 0};

        if (hv_mm_get_page(&g->mm, hv_mfn(m), owner) == HV_OK) {
            if (hv_mm_put_page(&g->mm, hv_mfn(m), &fl) != HV_OK)
                abort();
        }
        hits++;
        __atomic_store_n(&poker_rounds, hits, __ATOMIC_RELEASE);
        for (int k = 0; k < 300; k++) /* leave the frame alone a while */
            __asm__ __volatile__("" ::: "memory");
    }
    return NULL;
}

static int one_transfer(struct gx *g, uint64_t m, unsigned int from,
                        unsigned int to)
{
    struct hv_gnttab_transfer op;
    struct hv_mm_flush fl = {0, 0};

    gx_grant(g, to, 5, from, 0, HV_GTF_accept_transfer);
    memset(&op, 0, sizeof(op));
    op.mfn = m;
    op.domid = (uint16_t)to;
    op.ref = 5;
    return hv_gnttab_transfer(gx_gt(g, from), gx_gt(g, to), &op, &fl);
}

static void test_transfer_race(void **state)
{
    struct gx *g = gx_new(2, 0);
    uint64_t m = gx_alloc(g, 1);
    unsigned int from = 1, to = 2;
    int i, moved = 0, refused = 0;
    pthread_t t;

    (void)state;
    poked = m;
    stop_poker = 0;
    poker_rounds = 0;
    GX_EQ(pthread_create(&t, NULL, poker, g), 0);
    while (__atomic_load_n(&poker_rounds, __ATOMIC_ACQUIRE) == 0)
        ; /* both CPUs busy from the first transfer on */
    for (i = 0; i < 20 * ITERS &&
                (i < ITERS ||
                 __atomic_load_n(&poker_rounds, __ATOMIC_ACQUIRE) < ITERS);
         i++) {
        int rc = one_transfer(g, m, from, to);

        if (rc == HV_GNTST_okay) {
            GX_EQ(gx_flags(g, to, 5), HV_GTF_accept_transfer |
                                          HV_GTF_transfer_committed |
                                          HV_GTF_transfer_completed);
            GX_EQ(gx_entry(g, to, 5)->frame, m);
            GX_EQ(gx_info(g, m).owner, to);
            from = 3 - from;
            to = 3 - to;
            moved++;
        } else {
            GX_EQ(rc, HV_GNTST_bad_page);
            GX_EQ(gx_flags(g, to, 5), HV_GTF_accept_transfer);
            GX_EQ(gx_info(g, m).owner, from);
            refused++;
        }
    }
    __atomic_store_n(&stop_poker, 1, __ATOMIC_RELEASE);
    GX_EQ(pthread_join(t, NULL), 0);
    print_message("transfers %d, refused while referenced %d, references "
                  "taken and dropped %ld\n",
                  moved, refused, poker_rounds);
    /* Left alone, the frame goes. */
    GX_EQ(one_transfer(g, m, from, to), HV_GNTST_okay);
    GX_EQ(gx_info(g, m).owner, to);
    GX_EQ(gx_info(g, m).count, 1);
    gx_check(g);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cross_domain_race),
        cmocka_unit_test(test_transfer_race),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
