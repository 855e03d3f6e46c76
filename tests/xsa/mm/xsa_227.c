/*
 * XSA-227: Xen accepted a page-table entry address that was not 8-byte
 * aligned, so the write straddled two entries (or two pages) and the
 * validated value was not the one the hardware would read.
 *
 * The attacker sends every misalignment of an entry address inside a
 * validated L1, including one that runs off the end of the page, in a
 * batch behind a good request. Each is refused before anything is
 * written.
 */
#include "mm_fixture.h"

static void xsa227_misaligned_entry(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), x = fx_alloc(f, &f->a);
    const unsigned int offs[] = {4, 12, 0x7FC, 0xFFC};
    struct hv_mmu_update u[2];
    size_t done, i;

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    for (i = 0; i < HV_ARRAY_SIZE(offs); i++) {
        u[0].ptr = (l1 << 12) + 8;
        u[0].val = pte(x, P);
        u[1].ptr = (l1 << 12) + offs[i];
        u[1].val = pte(x, P | RW);
        assert_int_equal(
            hv_mm_mmu_update(&f->mm, &f->a, u, 2, &done, &f->flush), HV_EINVAL);
        assert_int_equal(done, 1);
    }
    for (i = 0; i < 512; i++)
        assert_int_equal(fx_frame(l1)[i], i == 1 ? pte(x, P) : 0);
    assert_int_equal(fx_info(f, x).type_count, 0);
    fx_check(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa227_misaligned_entry, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
