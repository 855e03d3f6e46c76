/*
 * XSA-286: after a guest changed or removed a linear page-table entry,
 * stale translations through it could still be used, so the guest kept a
 * view (and a way to write) into a frame that had meanwhile become
 * something else.
 *
 * The attacker reaches an L3 linearly, tears the structure down so the
 * frame loses its table type, and immediately maps it writable. The
 * retype must come with a flush of every TLB (reported, or done through
 * ops->flush_tlbs), so no stale paging-structure entry survives into the
 * frame's life as writable data.
 */
#include "mm_fixture.h"

static void run(struct fx *f)
{
    struct fx_tree t = fx_tree(f, &f->a);
    uint64_t side = fx_alloc(f, &f->a), data_l1 = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(data_l1), 1, &f->flush),
                     HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l4, 2, pte(side, P)), HV_OK);
    assert_int_equal(fx_update(f, &f->a, side, 0, pte(t.l3, P)), HV_OK);
    /* Tear down: drop the linear entry and the path to t.l3. */
    assert_int_equal(fx_update(f, &f->a, side, 0, 0), HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l4, 0, 0), HV_OK);
    assert_int_equal(fx_info(f, t.l3).type_count, 0);
    f->flush.flags = 0;
    /* Now map the old L3 writable. */
    assert_int_equal(fx_update(f, &f->a, data_l1, 0, pte(t.l3, P | RW)), HV_OK);
    assert_int_equal(fx_info(f, t.l3).type, HV_MM_TYPE_WRITABLE);
    fx_check(f);
}

static void xsa286_stale_linear_reported(void **state)
{
    struct fx *f = *state;

    run(f);
    assert_true(f->flush.flags & HV_MM_FLUSH_ALL);
}

static void xsa286_stale_linear_flushed_now(void **state)
{
    struct fx *f = *state;

    run(f);
    assert_int_equal(f->flush.flags & HV_MM_FLUSH_ALL, 0);
    assert_true(f->flush_calls >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa286_stale_linear_reported, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(xsa286_stale_linear_flushed_now,
                                        fx_setup_sync, fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
