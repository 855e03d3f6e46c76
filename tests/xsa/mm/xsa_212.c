/*
 * XSA-212: XENMEM_exchange did not check the guest's output array bounds
 * properly, so a crafted exchange wrote new frame numbers wherever the
 * guest pointed, including hypervisor memory.
 *
 * Here the caller passes both arrays with their lengths. The attacker
 * tries: an output list shorter than the input needs (and the reverse),
 * lengths near the size limit, orders that would overflow the frame
 * count, and extents that run off the end of its P2M. Every attempt is
 * refused before anything is written: canaries after the output array
 * and the whole P2M stay as they were.
 */
#include "mm_fixture.h"

#define CANARY 0xC0FFEEC0FFEEULL

static void xsa212_exchange_bounds(void **state)
{
    struct fx *f = *state;
    static uint64_t in[HV_MM_MAX_EXTENTS + 1];
    uint64_t out[8 + 4], p2m_before[FX_P2M], g;
    size_t done, i;

    for (g = 0; g < 8; g++)
        assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, &g, 1, &done),
                         HV_OK);
    for (i = 0; i < 8; i++)
        in[i] = i;
    for (i = 0; i < HV_ARRAY_SIZE(out); i++)
        out[i] = CANARY;
    memcpy(p2m_before, f->p2m_a, sizeof(p2m_before));

    /* 8 frames in, room declared for only 4 out. */
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 8, 0, out, 4, &done, &f->flush),
        HV_EINVAL);
    /* 8 frames in, order-3 out but two extents claimed. */
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 8, 3, out, 2, &done, &f->flush),
        HV_EINVAL);
    /* Lengths past the limit on either side. */
    assert_int_equal(hv_mm_exchange(&f->mm, &f->a, 0, in, HV_MM_MAX_EXTENTS + 1,
                                    0, out, HV_MM_MAX_EXTENTS + 1, &done,
                                    &f->flush),
                     HV_E2BIG);
    assert_int_equal(hv_mm_exchange(&f->mm, &f->a, 0, in, SIZE_MAX, 0, out,
                                    SIZE_MAX, &done, &f->flush),
                     HV_E2BIG);
    /* Orders whose shift would overflow a 64-bit frame count. */
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 63, in, 1, 0, out, 1, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 1, 200, out, 1, &done, &f->flush),
        HV_EINVAL);
    /* An extent running off the end of the P2M. */
    in[0] = FX_P2M - 4;
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 3, in, 1, 3, out, 1, &done, &f->flush),
        HV_EINVAL);
    in[0] = ~0ULL & ~511ULL;
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 9, in, 1, 9, out, 1, &done, &f->flush),
        HV_EINVAL);
    assert_int_equal(done, 0);
    for (i = 0; i < HV_ARRAY_SIZE(out); i++)
        assert_int_equal(out[i], CANARY);
    assert_memory_equal(p2m_before, f->p2m_a, sizeof(p2m_before));
    fx_check(f);
    /* The honest request writes exactly its one output slot. */
    in[0] = 0;
    for (i = 1; i < 8; i++)
        in[i] = i;
    assert_int_equal(
        hv_mm_exchange(&f->mm, &f->a, 0, in, 8, 3, out, 1, &done, &f->flush),
        HV_OK);
    assert_int_not_equal(out[0], CANARY);
    for (i = 1; i < HV_ARRAY_SIZE(out); i++)
        assert_int_equal(out[i], CANARY);
    fx_check(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa212_exchange_bounds, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
