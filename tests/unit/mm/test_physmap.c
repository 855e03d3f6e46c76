/* M2P / P2M and the reservation calls. */
#include "mm_fixture.h"

static void test_populate(void **state)
{
    struct fx *f = *state;
    const uint64_t gfns[] = {0, 8, 16};
    size_t done = 99;
    uint64_t m, j;

    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 3, gfns, 3, &done),
                     HV_OK);
    assert_int_equal(done, 3);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 24);
    for (j = 0; j < 24; j++) {
        m = hv_mm_p2m(&f->mm, &f->a, hv_gfn(j));
        assert_int_not_equal(m, HV_MM_INVALID_FRAME);
        assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(m)), j);
        assert_int_equal(fx_info(f, m).owner, 1);
    }
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(24)), HV_MM_INVALID_FRAME);
    fx_check(f);
}

static void test_populate_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t gfns[] = {32, 3, 40};
    static uint64_t many[HV_MM_MAX_EXTENTS + 1];
    size_t done;

    /* Misaligned second extent: first applied, nothing of the second. */
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 2, gfns, 3, &done),
                     HV_EINVAL);
    assert_int_equal(done, 1);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 4);
    fx_check(f);
    /* Already populated. */
    gfns[0] = 34;
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, gfns, 1, &done),
                     HV_EEXIST);
    assert_int_equal(done, 0);
    /* Out of range, and an extent that runs off the end. */
    gfns[0] = FX_P2M;
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, gfns, 1, &done),
                     HV_EINVAL);
    gfns[0] = ~0ULL & ~7ULL;
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 3, gfns, 1, &done),
                     HV_EINVAL);
    /* Orders and lengths. */
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a,
                                            HV_MM_GUEST_MAX_ORDER + 1, gfns, 1,
                                            &done),
                     HV_EINVAL);
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, many,
                                            HV_MM_MAX_EXTENTS + 1, &done),
                     HV_E2BIG);
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, NULL, 1, &done),
                     HV_EINVAL);
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, gfns, 1, NULL),
                     HV_EINVAL);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 4);
    fx_check(f);
}

static void test_populate_reservation(void **state)
{
    struct fx *f = *state;
    uint64_t gfns[4] = {0, 512, 1000, 2};
    size_t done;

    assert_int_equal(hv_mm_domain_set_max(&f->mm, &f->b, 520), HV_OK);
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->b, 9, gfns, 2, &done),
                     HV_ENOMEM);
    assert_int_equal(done, 1);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->b), 512);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->b, hv_gfn(512)),
                     HV_MM_INVALID_FRAME);
    fx_check(f);
}

static void test_decrease(void **state)
{
    struct fx *f = *state;
    const uint64_t gfns[] = {0, 4, 8};
    uint64_t dec[] = {4, 0, 12};
    uint64_t m4 = 0;
    size_t done;

    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 2, gfns, 3, &done),
                     HV_OK);
    m4 = hv_mm_p2m(&f->mm, &f->a, hv_gfn(4));
    /* Third extent was never populated: two applied. */
    assert_int_equal(
        hv_mm_decrease_reservation(&f->mm, &f->a, 2, dec, 3, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(done, 2);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 4);
    assert_true(fx_info(f, m4).is_free);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(5)), HV_MM_INVALID_FRAME);
    fx_check(f);
    /* Partially populated extent: refused whole. */
    dec[0] = 8;
    assert_int_equal(
        hv_mm_decrease_reservation(&f->mm, &f->a, 3, dec, 1, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 4);
    dec[0] = 9; /* misaligned */
    assert_int_equal(
        hv_mm_decrease_reservation(&f->mm, &f->a, 2, dec, 1, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_decrease_reservation(&f->mm, &f->a, 2, dec, 1, &done, NULL),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_decrease_reservation(&f->mm, &f->a, 10, dec, 1, &done, &f->flush),
        HV_EINVAL);
    fx_check(f);
}

static void test_decrease_pinned_and_root(void **state)
{
    struct fx *f = *state;
    uint64_t g[] = {0, 1};
    uint64_t m0, m1;
    size_t done;

    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, g, 2, &done),
                     HV_OK);
    m0 = hv_mm_p2m(&f->mm, &f->a, hv_gfn(0));
    m1 = hv_mm_p2m(&f->mm, &f->a, hv_gfn(1));
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(m0), 1, &f->flush), HV_OK);
    assert_int_equal(hv_mm_new_baseptr(&f->mm, &f->a, 2, hv_mfn(m1), &f->flush),
                     HV_OK);
    assert_int_equal(
        hv_mm_decrease_reservation(&f->mm, &f->a, 0, g, 1, &done, &f->flush),
        HV_EBUSY);
    assert_int_equal(hv_mm_decrease_reservation(&f->mm, &f->a, 0, &g[1], 1,
                                                &done, &f->flush),
                     HV_EBUSY);
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(m0), &f->flush),
                     HV_EBUSY);
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(m1), &f->flush),
                     HV_EBUSY);
    assert_int_equal(done, 0);
    fx_check(f);
}

/* A frame still mapped when its gfn is given back stays out of reach. */
static void test_decrease_while_mapped(void **state)
{
    struct fx *f = *state;
    uint64_t g = 0, l1 = fx_alloc(f, &f->a), m;
    size_t done;

    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, &g, 1, &done),
                     HV_OK);
    m = hv_mm_p2m(&f->mm, &f->a, hv_gfn(0));
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(fx_update(f, &f->a, l1, 0, pte(m, P | RW)), HV_OK);
    assert_int_equal(
        hv_mm_decrease_reservation(&f->mm, &f->a, 0, &g, 1, &done, &f->flush),
        HV_OK);
    assert_false(fx_info(f, m).is_free);
    assert_int_equal(fx_info(f, m).owner, 1);
    assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(m)), HV_MM_INVALID_FRAME);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 2);
    fx_check(f);
    /* It still counts: the gfn can be repopulated with another frame. */
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, &g, 1, &done),
                     HV_OK);
    assert_int_not_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(0)), m);
    f->flush.flags = 0;
    assert_int_equal(fx_update(f, &f->a, l1, 0, 0), HV_OK);
    assert_true(fx_info(f, m).is_free);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_ALL);
    fx_check(f);
}

static void test_increase(void **state)
{
    struct fx *f = *state;
    uint64_t mfns[8];
    size_t done;

    assert_int_equal(hv_mm_domain_set_max(&f->mm, &f->b, 10), HV_OK);
    assert_int_equal(
        hv_mm_increase_reservation(&f->mm, &f->b, 1, mfns, 8, &done),
        HV_ENOMEM);
    assert_int_equal(done, 5);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->b), 10);
    assert_int_equal(fx_info(f, mfns[4] + 1).owner, 2);
    assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(mfns[4])), HV_MM_INVALID_FRAME);
    assert_int_equal(
        hv_mm_increase_reservation(&f->mm, &f->b, 10, mfns, 1, &done),
        HV_EINVAL);
    assert_int_equal(hv_mm_increase_reservation(&f->mm, &f->b, 0, mfns,
                                                HV_MM_MAX_EXTENTS + 1, &done),
                     HV_E2BIG);
    fx_check(f);
}

static void populate(struct fx *f, uint64_t first, unsigned int n)
{
    uint64_t g;
    size_t done;

    for (g = first; g < first + n; g++)
        assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, &g, 1, &done),
                         HV_OK);
}

/* Eight scattered frames for one contiguous order-3 extent, and back. */
static void test_exchange_gather_and_split(void **state)
{
    struct fx *f = *state;
    const uint64_t in[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    uint64_t out[8], base, old[8], g;
    size_t done;

    populate(f, 0, 8);
    for (g = 0; g < 8; g++)
        old[g] = hv_mm_p2m(&f->mm, &f->a, hv_gfn(g));
    memset(fx_mem[old[2]], 0x77, 4096);
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 8, 3, out, 1, &done, &f->flush),
        HV_OK);
    assert_int_equal(done, 8);
    base = out[0];
    assert_true(base % 8 == 0);
    for (g = 0; g < 8; g++) {
        assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(g)), base + g);
        assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(base + g)), g);
    }
    assert_true(fx_info(f, old[2]).is_free);
    assert_int_equal(fx_mem[old[2]][0], 0); /* scrubbed */
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 8);
    fx_check(f);
    /* And split it again into eight single frames. */
    g = 0;
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 3, &g, 1, 0, out, 8, &done, &f->flush),
        HV_OK);
    assert_int_equal(done, 1);
    for (g = 0; g < 8; g++)
        assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(g)), out[g]);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 8);
    fx_check(f);
}

static void test_exchange_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t in[4] = {0, 1, 2, 3}, out[4], l1 = fx_alloc(f, &f->a), m2;
    size_t done;

    populate(f, 0, 4);
    m2 = hv_mm_p2m(&f->mm, &f->a, hv_gfn(2));
    /* Totals that differ. */
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 4, 1, out, 1, &done, &f->flush),
        HV_EINVAL);
    /* A frame still mapped: refused, whole chunk untouched. */
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(fx_update(f, &f->a, l1, 0, pte(m2, P)), HV_OK);
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 4, 2, out, 1, &done, &f->flush),
        HV_EBUSY);
    assert_int_equal(done, 0);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(2)), m2);
    /* Chunks of one: the first two go through, then the mapped one. */
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 4, 0, out, 4, &done, &f->flush),
        HV_EBUSY);
    assert_int_equal(done, 2);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(0)), out[0]);
    fx_check(f);
    assert_int_equal(fx_update(f, &f->a, l1, 0, 0), HV_OK);
    /* The same gfn twice. */
    in[1] = 0;
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 2, 1, out, 1, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 5);
    fx_check(f);
    /* Unpopulated, out of range, misaligned, orders, lengths. */
    in[0] = 100;
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 1, 0, out, 1, &done, &f->flush),
        HV_EINVAL);
    in[0] = FX_P2M;
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 1, 0, out, 1, &done, &f->flush),
        HV_EINVAL);
    in[0] = 1;
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 1, in, 1, 0, out, 2, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 10, in, 1, 0, out, 4, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 1, 0, NULL, 1, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 1, 0, out, 1, &done, NULL),
        HV_EINVAL);
    fx_check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_populate),
        T(test_populate_refusals),
        T(test_populate_reservation),
        T(test_decrease),
        T(test_decrease_pinned_and_root),
        T(test_decrease_while_mapped),
        T(test_increase),
        T(test_exchange_gather_and_split),
        T(test_exchange_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
