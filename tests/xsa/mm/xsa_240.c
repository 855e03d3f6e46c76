/*
 * XSA-240: linear page-table entries could be chained (a table reached
 * linearly that itself holds linear entries), so tearing them down
 * recursed without bound and could exhaust the hypervisor stack, or be
 * used to make a loop of references that never dropped.
 *
 * The attacker builds the first link of a chain (legal), then tries each
 * way to extend it: the target gaining a linear entry of its own, a third
 * table pointing at the source, a loop back, and a pre-built table that
 * holds a chain link when it is first validated. All refused; unpinning
 * then unwinds everything with exact counts.
 */
#include "mm_fixture.h"

static uint64_t new_l4(struct fx *f)
{
    uint64_t l4 = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l4), 4, &f->flush), HV_OK);
    return l4;
}

static void xsa240_linear_chains(void **state)
{
    struct fx *f = *state;
    uint64_t a = new_l4(f), b = new_l4(f), c = new_l4(f), idle;

    /* b -> a: a is now a target, b a holder. */
    assert_int_equal(fx_update(f, &f->a, b, 0, pte(a, P)), HV_OK);
    fx_check(f);
    /* Extend at the far end: a -> c. */
    assert_int_equal(fx_update(f, &f->a, a, 0, pte(c, P)), HV_EINVAL);
    /* Extend at the near end: c -> b. */
    assert_int_equal(fx_update(f, &f->a, c, 0, pte(b, P)), HV_EINVAL);
    /* Close a loop: a -> b. */
    assert_int_equal(fx_update(f, &f->a, a, 1, pte(b, P)), HV_EINVAL);
    /* More holders of the same target are fine: c -> a. */
    assert_int_equal(fx_update(f, &f->a, c, 0, pte(a, P)), HV_OK);
    /* An entry to a table not in use is no linear entry at all: it is an
     * ordinary L4 -> L3 link, and the frame becomes an L3. */
    idle = fx_alloc(f, &f->a);
    assert_int_equal(fx_update(f, &f->a, b, 1, pte(idle, P)), HV_OK);
    assert_int_equal(fx_info(f, idle).type, HV_MM_TYPE_L3);
    assert_int_equal(f->pages[idle].linear, 0);
    assert_int_equal(fx_update(f, &f->a, b, 1, 0), HV_OK);
    fx_check(f);
    /* A pre-built table holding a chain is refused at validation. */
    {
        uint64_t d = fx_alloc(f, &f->a);

        fx_frame(d)[0] = pte(b, P); /* b already holds: as target, no */
        assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(d), 4, &f->flush),
                         HV_EINVAL);
        assert_int_equal(fx_info(f, b).count, 2);
    }
    /* Unpin everything: the linear references keep a alive until b and
     * c are gone, then it all unwinds. */
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(a), &f->flush), HV_OK);
    assert_true(fx_info(f, a).is_validated);
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(b), &f->flush), HV_OK);
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(c), &f->flush), HV_OK);
    assert_false(fx_info(f, a).is_validated);
    assert_int_equal(fx_info(f, a).count, 1);
    fx_check(f);
}

/* The linear-use count is bounded: it refuses rather than wraps. */
static void xsa240_linear_count_bound(void **state)
{
    struct fx *f = *state;
    uint64_t a = new_l4(f), b = new_l4(f);
    unsigned int i;

    for (i = 0; i < 200; i++)
        assert_int_equal(fx_update(f, &f->a, b, i, pte(a, P)), HV_OK);
    assert_int_equal(f->pages[a].linear, 200);
    f->pages[a].linear = 0x7FFE; /* pretend many more */
    assert_int_equal(fx_update(f, &f->a, b, 300, pte(a, P)), HV_EMLINK);
    f->pages[a].linear = 200;
    fx_check(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa240_linear_chains, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(xsa240_linear_count_bound, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
