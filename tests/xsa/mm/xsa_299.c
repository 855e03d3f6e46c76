/*
 * XSA-299 / XSA-310: when validating a page-table tree failed part way
 * (or was preempted), references taken for the entries already done were
 * not always dropped, leaking type and general references; a guest could
 * repeat that until counts overflowed or frames became un-freeable.
 *
 * The attacker builds an L4 -> L3 -> L2 tree whose L2 holds many good
 * entries (each an L1 with writable mappings) and one bad entry at the
 * end, and pins the L4 over and over. Each attempt is refused, and
 * afterwards every count is exactly what it was before the first.
 */
#include "mm_fixture.h"

static void xsa299_partial_validation(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);
    uint64_t data = fx_alloc(f, &f->a), other = fx_alloc(f, &f->b), l1s[20];
    struct hv_mm_page snap[FX_FRAMES];
    unsigned int i, k;

    for (i = 0; i < 20; i++) {
        l1s[i] = fx_alloc(f, &f->a);
        fx_frame(l1s[i])[i] = pte(data, P | RW);
        fx_frame(l1s[i])[100] = pte(data, P);
        fx_frame(t.l2)[1 + i] = pte(l1s[i], P | RW);
    }
    fx_frame(t.l2)[21] = pte(other, P); /* not ours: refused */
    memcpy(snap, f->pages, sizeof(snap));
    for (k = 0; k < 100; k++) {
        assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l4), 4, &f->flush),
                         HV_EPERM);
        assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_NEW_BASEPTR, t.l4),
                         HV_EPERM);
    }
    /* Bit-for-bit: counts, types, flags but the stale-TLB hint. */
    for (i = 0; i < FX_FRAMES; i++) {
        assert_int_equal(f->pages[i].count, snap[i].count);
        assert_int_equal(f->pages[i].type_count, snap[i].type_count);
        assert_int_equal(f->pages[i].linear, snap[i].linear);
        assert_int_equal(f->pages[i].flags & ~0x40u, snap[i].flags & ~0x40u);
    }
    assert_int_equal(fx_info(f, data).count, 1);
    fx_check(f);
    /* Fix the entry: now it validates, and the counts are the real ones. */
    fx_frame(t.l2)[21] = 0;
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, data).count, 41);
    assert_int_equal(fx_info(f, data).type_count, 20);
    fx_check(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa299_partial_validation, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
