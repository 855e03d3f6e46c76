/*
 * XSA-316: bad error path in GNTTABOP_map_grant_ref. A misplaced bracket
 * made one failure return 1 instead of a negative status; callers that
 * treat "non-zero and not negative" as success then used a mapping that
 * did not exist.
 *
 * Attack: throw many random operations (random refs, flags, domids,
 * handles, addresses, offsets, lengths, entries) at every guest
 * operation. Every result must be GNTST_okay or one of the documented
 * negative statuses, equal to the status written back, and the
 * invariants must hold throughout.
 */
#include "gx_snap.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static void valid(int rc)
{
    GX_ASSERT(rc <= 0 && rc >= HV_GNTST_no_space);
}

static void test_xsa316_statuses(void **state)
{
    struct gx *g = gx_new(3, 0);
    uint64_t pages[6];
    int i, okays = 0, fails = 0;

    (void)state;
    g->scribbled = true; /* the attacker rewrites entries in use */
    for (i = 0; i < 6; i++)
        pages[i] = gx_alloc(g, 1 + (unsigned)i % 3);
    for (i = 0; i < 20000; i++) {
        unsigned int a = 1 + rnd() % 3, b = 1 + rnd() % 3;
        int rc;

        switch (rnd() % 5) {
        case 0: /* the granter writes an arbitrary entry */
            gx_grant(g, a, rnd() % 8, b,
                     rnd() % 2 ? pages[rnd() % 6] : rnd() % 600,
                     (uint16_t)(rnd() % 4 == 0 ? rnd()
                                : rnd() % 2    ? 1
                                               : rnd() % 8));
            continue;
        case 1: {
            struct hv_gnttab_map_grant_ref op;

            memset(&op, 0, sizeof(op));
            op.flags = rnd() % 4 ? HV_GNTMAP_host_map | (rnd() & 5) : rnd();
            op.ref = rnd() % 4 ? rnd() % 10 : rnd();
            op.dom = (uint16_t)(rnd() % 4 ? b : rnd());
            op.host_addr = (uint64_t)(rnd() % 3) << 12;
            rc = hv_gnttab_map_grant_ref(gx_gt(g, a), gx_gt(g, b), &op,
                                         &g->flush);
            GX_EQ(op.status, rc);
            break;
        }
        case 2: {
            struct hv_gnttab_unmap_grant_ref op;

            memset(&op, 0, sizeof(op));
            op.handle = rnd() % 4 ? rnd() % 20 : rnd();
            op.host_addr = (uint64_t)(rnd() % 3) << 12;
            rc = hv_gnttab_unmap_grant_ref(gx_gt(g, a), &op, &g->flush);
            GX_EQ(op.status, rc);
            break;
        }
        case 3: {
            struct hv_gnttab_copy op;

            memset(&op, 0, sizeof(op));
            op.flags = (uint16_t)(rnd() % 8);
            op.source.u.gmfn = rnd() % 2 ? pages[rnd() % 6] : rnd() % 10;
            op.dest.u.gmfn = rnd() % 2 ? pages[rnd() % 6] : rnd() % 10;
            op.source.domid = (uint16_t)(rnd() % 2 ? b : HV_DOMID_SELF);
            op.dest.domid = (uint16_t)(rnd() % 2 ? b : HV_DOMID_SELF);
            op.source.offset = (uint16_t)(rnd() % 5000);
            op.dest.offset = (uint16_t)(rnd() % 5000);
            op.len = (uint16_t)(rnd() % 5000);
            rc = hv_gnttab_copy(gx_gt(g, a), gx_gt(g, b),
                                rnd() % 2 ? gx_gt(g, b) : gx_gt(g, a), &op,
                                &g->flush);
            GX_EQ(op.status, rc);
            break;
        }
        default: {
            struct hv_gnttab_transfer op;

            memset(&op, 0, sizeof(op));
            op.mfn = rnd() % 2 ? pages[rnd() % 6] : rnd() % 600;
            op.domid = (uint16_t)(rnd() % 4 ? b : rnd());
            op.ref = rnd() % 10;
            rc = hv_gnttab_transfer(gx_gt(g, a), gx_gt(g, b), &op, &g->flush);
            GX_EQ(op.status, rc);
            if (rc == HV_GNTST_okay) /* the page moved: keep using ours */
                pages[rnd() % 6] = gx_alloc(g, a);
            break;
        }
        }
        valid(rc);
        if (rc == HV_GNTST_okay)
            okays++;
        else
            fails++;
        if (i % 256 == 0)
            gx_check(g);
    }
    print_message("%d accepted, %d refused\n", okays, fails);
    GX_ASSERT(okays > 100 && fails > 100);
    gx_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsa316_statuses),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
