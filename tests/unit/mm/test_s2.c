/* AArch64 stage-2 builder: map, unmap, protect, lookup, destroy. */
#include "mm_fixture.h"

#define RWX (HV_MM_S2_READ | HV_MM_S2_WRITE | HV_MM_S2_EXEC)

static uint64_t s2_entry(struct fx *f, uint64_t ipa)
{
    uint64_t root = hv_mm_s2_root(&f->mm, &f->a) >> 12;
    unsigned int i1 = (unsigned int)(ipa >> 30) & 1023;
    uint64_t e1 = fx_frame(root + i1 / 512)[i1 % 512];
    uint64_t e2 = fx_frame((e1 & 0xFFFFFFFFF000ULL) >> 12)[(ipa >> 21) & 511];

    return fx_frame((e2 & 0xFFFFFFFFF000ULL) >> 12)[(ipa >> 12) & 511];
}

static void test_s2_map_unmap(void **state)
{
    struct fx *f = *state;
    uint64_t x = fx_alloc(f, &f->a), y = fx_alloc(f, &f->a), free_before;
    const uint64_t ipa = (1ULL << 39) + (5ULL << 30) + (7ULL << 21) + 0x3000;
    hv_mfn_t m;
    unsigned int perms;

    assert_int_equal(hv_mm_s2_root(&f->mm, &f->a), HV_MM_INVALID_FRAME);
    assert_int_equal(hv_mm_s2_map(&f->mm, &f->a, 0, hv_mfn(x), RWX, &f->flush),
                     HV_EINVAL); /* no stage-2 yet */
    assert_int_equal(hv_mm_s2_init(&f->mm, &f->a), HV_OK);
    assert_int_equal(hv_mm_s2_init(&f->mm, &f->a), HV_EEXIST);
    assert_true((hv_mm_s2_root(&f->mm, &f->a) & 0x1FFF) == 0);
    free_before = hv_mm_free_frame_count(&f->mm);
    assert_int_equal(
        hv_mm_s2_map(&f->mm, &f->a, ipa, hv_mfn(x), RWX, &f->flush), HV_OK);
    assert_int_equal(hv_mm_free_frame_count(&f->mm), free_before - 2);
    /* Page descriptor: valid|page, AF, SH inner, WB, S2AP RW, XN clear. */
    assert_int_equal(s2_entry(f, ipa), (x << 12) | 3 | (1 << 10) | (3 << 8) |
                                           (0xF << 2) | (3 << 6));
    assert_int_equal(fx_info(f, x).type, HV_MM_TYPE_WRITABLE);
    assert_int_equal(fx_info(f, x).count, 2);
    fx_check(f);
    /* A neighbour shares the tables. */
    assert_int_equal(hv_mm_s2_map(&f->mm, &f->a, ipa + 0x1000, hv_mfn(y),
                                  HV_MM_S2_READ, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_free_frame_count(&f->mm), free_before - 2);
    assert_int_equal(s2_entry(f, ipa + 0x1000) >> 54, 1); /* XN */
    assert_int_equal(fx_info(f, y).type_count, 0);
    assert_int_equal(hv_mm_s2_lookup(&f->mm, &f->a, ipa + 0x1000, &m, &perms),
                     HV_OK);
    assert_int_equal(hv_mfn_val(m), y);
    assert_int_equal(perms, HV_MM_S2_READ);
    assert_int_equal(
        hv_mm_s2_map(&f->mm, &f->a, ipa, hv_mfn(y), RWX, &f->flush), HV_EEXIST);
    assert_int_equal(fx_info(f, y).count, 2);
    fx_check(f);
    f->flush.flags = 0;
    assert_int_equal(hv_mm_s2_unmap(&f->mm, &f->a, ipa, &f->flush), HV_OK);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_DOMAIN_VA);
    assert_int_equal(f->flush.va, ipa);
    assert_int_equal(fx_info(f, x).count, 1);
    assert_int_equal(hv_mm_s2_unmap(&f->mm, &f->a, ipa, &f->flush), HV_ENOENT);
    assert_int_equal(hv_mm_s2_unmap(&f->mm, &f->a, 0x40000000, &f->flush),
                     HV_ENOENT);
    assert_int_equal(hv_mm_s2_lookup(&f->mm, &f->a, ipa, &m, &perms),
                     HV_ENOENT);
    fx_check(f);
}

static void test_s2_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t x = fx_alloc(f, &f->a), theirs = fx_alloc(f, &f->b),
             l1 = fx_alloc(f, &f->a), free_before;

    assert_int_equal(hv_mm_s2_init(&f->mm, &f->a), HV_OK);
    free_before = hv_mm_free_frame_count(&f->mm);
    assert_int_equal(
        hv_mm_s2_map(&f->mm, &f->a, 0x1001, hv_mfn(x), RWX, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_s2_map(&f->mm, &f->a, 1ULL << 40, hv_mfn(x), RWX, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(x), 0, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(x), 8, &f->flush),
        HV_EINVAL);
    assert_int_equal(hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(x), RWX, NULL),
                     HV_EINVAL);
    assert_int_equal(
        hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(theirs), RWX, &f->flush),
        HV_EPERM);
    assert_int_equal(hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(FX_HOLE_FIRST),
                                  RWX, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(FX_RSV_FIRST),
                                  HV_MM_S2_READ, &f->flush),
                     HV_EINVAL);
    /* A frame in typed use is never mapped writable. */
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(
        hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(l1), RWX, &f->flush),
        HV_EBUSY);
    /* No refusal left a table behind. */
    assert_int_equal(hv_mm_free_frame_count(&f->mm), free_before);
    fx_check(f);
    /* Out of memory for the tables: refused, nothing left behind. */
    {
        hv_mfn_t hog[FX_FRAMES];
        size_t n = 0, i;

        while (hv_mm_alloc_xen(&f->mm, 0, &hog[n]) == HV_OK)
            n++;
        assert_int_equal(
            hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(x), RWX, &f->flush),
            HV_ENOMEM);
        assert_int_equal(hv_mm_free_xen(&f->mm, hog[0], 0), HV_OK);
        /* One frame: enough for L2 but not L3. */
        assert_int_equal(
            hv_mm_s2_map(&f->mm, &f->a, 0x1000, hv_mfn(x), RWX, &f->flush),
            HV_ENOMEM);
        assert_int_equal(fx_info(f, x).count, 1);
        assert_int_equal(hv_mm_free_frame_count(&f->mm), 1);
        fx_check(f);
        for (i = 1; i < n; i++)
            assert_int_equal(hv_mm_free_xen(&f->mm, hog[i], 0), HV_OK);
    }
    fx_check(f);
}

static void test_s2_protect_and_destroy(void **state)
{
    struct fx *f = *state;
    uint64_t x = fx_alloc(f, &f->a), g = fx_alloc(f, &f->a),
             free_before = hv_mm_free_frame_count(&f->mm);
    hv_mfn_t m;
    unsigned int perms;

    assert_int_equal(hv_mm_s2_init(&f->mm, &f->a), HV_OK);
    assert_int_equal(hv_mm_s2_map(&f->mm, &f->a, 0x200000, hv_mfn(x),
                                  HV_MM_S2_READ, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_s2_protect(&f->mm, &f->a, 0x200000, RWX, &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, x).type_count, 1);
    assert_int_equal(hv_mm_s2_lookup(&f->mm, &f->a, 0x200000, &m, &perms),
                     HV_OK);
    assert_int_equal(perms, RWX);
    fx_check(f);
    assert_int_equal(hv_mm_s2_protect(&f->mm, &f->a, 0x200000,
                                      HV_MM_S2_READ | HV_MM_S2_EXEC, &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, x).type_count, 0);
    /* Write to a descriptor page: refused, old permissions kept. */
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 0, &g, 1, &f->flush), HV_OK);
    assert_int_equal(hv_mm_s2_map(&f->mm, &f->a, 0x201000, hv_mfn(g),
                                  HV_MM_S2_READ, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_s2_protect(&f->mm, &f->a, 0x201000, RWX, &f->flush),
                     HV_EBUSY);
    assert_int_equal(hv_mm_s2_lookup(&f->mm, &f->a, 0x201000, &m, &perms),
                     HV_OK);
    assert_int_equal(perms, HV_MM_S2_READ);
    assert_int_equal(hv_mm_s2_protect(&f->mm, &f->a, 0x203000, RWX, &f->flush),
                     HV_ENOENT);
    assert_int_equal(hv_mm_s2_protect(&f->mm, &f->a, 0x201000, 0, &f->flush),
                     HV_EINVAL);
    fx_check(f);
    /* Released while mapped: stays until the stage-2 lets go. */
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(x), &f->flush),
                     HV_OK);
    assert_false(fx_info(f, x).is_free);
    fx_check(f);
    assert_int_equal(hv_mm_s2_destroy(&f->mm, &f->a, &f->flush), HV_OK);
    assert_true(fx_info(f, x).is_free);
    assert_int_equal(hv_mm_s2_destroy(&f->mm, &f->a, &f->flush), HV_EINVAL);
    assert_int_equal(hv_mm_free_frame_count(&f->mm), free_before + 1);
    /* Teardown also destroys a stage-2 (checked by the fixture). */
    assert_int_equal(hv_mm_s2_init(&f->mm, &f->a), HV_OK);
    assert_int_equal(hv_mm_s2_map(&f->mm, &f->a, 0xFFFFFFF000ULL, hv_mfn(g),
                                  HV_MM_S2_READ, &f->flush),
                     HV_OK);
    fx_check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_s2_map_unmap),
        T(test_s2_refusals),
        T(test_s2_protect_and_destroy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
