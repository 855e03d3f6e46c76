/*
 * XSA-182: a fast path in Xen's PV page-table update allowed flipping
 * only the RW bit of an existing entry without full checks; on a
 * recursive (linear) entry that made the page table itself writable from
 * the guest, and with it all of memory.
 *
 * The attacker installs a legitimate read-only self-map in its L4, then
 * writes back the same frame with RW set, through mmu_update and through
 * the PRESERVE_AD variant; then the same trick on a sideways L3 linear
 * entry. Every flip is refused; the entry stays read-only.
 */
#include "mm_fixture.h"

static void xsa182_rw_flip_of_recursive_entry(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);
    struct hv_mmu_update u;
    size_t done;

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l4, 42, pte(t.l4, P | US)), HV_OK);
    /* The flip. */
    assert_int_equal(fx_update(f, &f->a, t.l4, 42, pte(t.l4, P | US | RW)),
                     HV_EINVAL);
    u.ptr = ((t.l4 << 12) + 42 * 8) | HV_MMU_PT_UPDATE_PRESERVE_AD;
    u.val = pte(t.l4, P | US | RW | HV_PAGE_ACCESSED);
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EINVAL);
    assert_int_equal(done, 0);
    assert_int_equal(fx_frame(t.l4)[42], pte(t.l4, P | US));
    fx_check(f);
}

static void xsa182_rw_flip_of_sideways_entry(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);
    uint64_t l3b = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l4, 1, pte(l3b, P | RW)), HV_OK);
    assert_int_equal(fx_update(f, &f->a, l3b, 3, pte(t.l3, P)), HV_OK);
    assert_int_equal(fx_update(f, &f->a, l3b, 3, pte(t.l3, P | RW)), HV_EINVAL);
    assert_int_equal(fx_frame(l3b)[3], pte(t.l3, P));
    /* Also the guest without the linear option cannot even start. */
    {
        struct fx_tree tb = fx_tree(f, &f->b);

        assert_int_equal(hv_mm_pin(&f->mm, &f->b, hv_mfn(tb.l4), 4, &f->flush),
                         HV_OK);
        assert_int_equal(fx_update(f, &f->b, tb.l4, 42, pte(tb.l4, P)),
                         HV_EINVAL);
    }
    fx_check(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa182_rw_flip_of_recursive_entry,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(xsa182_rw_flip_of_sideways_entry,
                                        fx_setup, fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
