/*
 * XSA-148: the L2 superpage fast path. Xen let a PV guest set PSE on an
 * existing L2 entry through a path that skipped the checks, turning a
 * pointer to one of its L1 tables into a writable 2 MiB mapping of the
 * memory around it, page tables included.
 *
 * The attacker here (no superpage permission) first tries the direct
 * route, then the "flags only" flip of an existing entry; a second
 * attacker that does hold superpage permission tries to cover an in-use
 * table with a writable superpage. All refused, nothing changes.
 */
#include "mm_fixture.h"

static void xsa148_no_superpages(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->b);
    uint64_t before;

    assert_int_equal(hv_mm_pin(&f->mm, &f->b, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    before = fx_frame(t.l2)[0];
    /* Same frame, flags flipped to PSE|RW: the old fast path. */
    assert_int_equal(
        fx_update(f, &f->b, t.l2, 0, pte(t.l1, P | RW | HV_PAGE_PSE)),
        HV_EINVAL);
    assert_int_equal(fx_frame(t.l2)[0], before);
    /* A fresh slot, aligned base: still no superpages for this guest. */
    assert_int_equal(fx_update(f, &f->b, t.l2, 1, pte(0x600, P | HV_PAGE_PSE)),
                     HV_EINVAL);
    assert_int_equal(fx_info(f, t.l1).type, HV_MM_TYPE_L1);
    assert_int_equal(fx_info(f, t.l1).type_count, 1);
    fx_check(f);
}

static void xsa148_superpage_over_table(void **state)
{
    struct fx *f = *state;
    struct hv_mm_domain c;
    hv_mfn_t big;
    uint64_t l2, b, base;

    assert_int_equal(
        hv_mm_domain_init(&f->mm, &c, 3, 700, NULL, 0, HV_MM_DOM_SUPERPAGES),
        HV_OK);
    assert_int_equal(hv_mm_alloc_domain_pages(&f->mm, &c, 9, &big), HV_OK);
    b = hv_mfn_val(big);
    l2 = fx_alloc(f, &c);
    /* The attacker's own L1, inside the 2 MiB it is about to map. */
    assert_int_equal(hv_mm_pin(&f->mm, &c, hv_mfn(b + 17), 1, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_pin(&f->mm, &c, hv_mfn(l2), 2, &f->flush), HV_OK);
    assert_int_equal(fx_update(f, &c, l2, 0, pte(b, P | RW | HV_PAGE_PSE)),
                     HV_EBUSY);
    for (base = b; base < b + 512; base++)
        assert_int_equal(fx_info(f, base).count, base == b + 17 ? 2 : 1);
    /* Read-only over its own tables is harmless and allowed. */
    assert_int_equal(fx_update(f, &c, l2, 0, pte(b, P | HV_PAGE_PSE)), HV_OK);
    assert_int_equal(fx_info(f, b + 17).count, 3);
    assert_int_equal(fx_update(f, &c, l2, 0, 0), HV_OK);
    /* 2 MiB over memory that is not the guest's (free, a hole). */
    assert_int_equal(fx_update(f, &c, l2, 0, pte(512, P | HV_PAGE_PSE)),
                     HV_EINVAL);
    /* A 2 MiB mapping running past the end of memory. */
    assert_int_equal(
        fx_update(f, &c, l2, 0, pte(FX_FRAMES, P | RW | HV_PAGE_PSE)),
        HV_EINVAL);
    fx_check(f);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &c, &f->flush), HV_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa148_no_superpages, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(xsa148_superpage_over_table, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
