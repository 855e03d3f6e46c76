/*
 * XSA-401: races and missing flushes let a PV guest retype a page it
 * still had mapped writable into a page table (and so write page tables
 * directly), or keep a stale writable TLB entry across the retype.
 *
 * The attacker maps a frame writable and then tries every way to make it
 * a table while the mapping exists: pin at each level, point an L2 at it,
 * install it as the root, use it as a descriptor page. All refused. Once
 * the mapping is dropped, the retype is allowed but only with a flush of
 * every TLB. The other direction too: a table never becomes writable.
 */
#include "mm_fixture.h"

static void xsa401_retype_while_writable(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);
    uint64_t victim = fx_alloc(f, &f->a);
    unsigned int lvl;

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l1, 0, pte(victim, P | RW)), HV_OK);
    for (lvl = 1; lvl <= 4; lvl++)
        assert_int_equal(
            hv_mm_pin(&f->mm, &f->a, hv_mfn(victim), lvl, &f->flush), HV_EBUSY);
    assert_int_equal(fx_update(f, &f->a, t.l2, 5, pte(victim, P)), HV_EBUSY);
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_NEW_BASEPTR, victim),
                     HV_EBUSY);
    assert_int_equal(hv_mm_get_page_and_type(&f->mm, hv_mfn(victim), 1,
                                             HV_MM_TYPE_SEG_DESC, &f->flush),
                     HV_EBUSY);
    assert_int_equal(fx_info(f, victim).type, HV_MM_TYPE_WRITABLE);
    fx_check(f);
    /* Second writable mapping, then drop both: the retype is allowed. */
    assert_int_equal(fx_update(f, &f->a, t.l1, 1, pte(victim, P | RW)), HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l1, 0, 0), HV_OK);
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(victim), 1, &f->flush),
                     HV_EBUSY);
    assert_int_equal(fx_update(f, &f->a, t.l1, 1, pte(victim, P)), HV_OK);
    f->flush.flags = 0;
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(victim), 1, &f->flush),
                     HV_OK);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_ALL);
    /* And now it is a table, it cannot be mapped writable. */
    assert_int_equal(fx_update(f, &f->a, t.l1, 1, pte(victim, P | RW)),
                     HV_EBUSY);
    assert_int_equal(fx_frame(t.l1)[1], pte(victim, P));
    fx_check(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa401_retype_while_writable, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
