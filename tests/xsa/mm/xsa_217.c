/*
 * XSA-217: a page given away (GNTTABOP_transfer in Xen) while the guest
 * still had it mapped; the guest kept access to a frame that then
 * belonged to someone else.
 *
 * libhv-mm has no transfer yet; the same class is giving a frame back
 * with decrease_reservation while keeping a writable mapping. The
 * attacker does that and then lets another domain soak up all free
 * memory: the victim must never receive the still-mapped frame, and the
 * frame keeps counting against the attacker until the mapping goes.
 * Trading the mapped frame away through XENMEM_exchange is refused
 * outright.
 */
#include "mm_fixture.h"

static void xsa217_release_while_mapped(void **state)
{
    struct fx *f = *state;
    uint64_t g = 10, l1 = fx_alloc(f, &f->a), m;
    hv_mfn_t v;
    size_t done;
    unsigned int got = 0;

    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, &g, 1, &done),
                     HV_OK);
    m = hv_mm_p2m(&f->mm, &f->a, hv_gfn(g));
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(fx_update(f, &f->a, l1, 0, pte(m, P | RW)), HV_OK);
    assert_int_equal(
        hv_mm_decrease_reservation(&f->mm, &f->a, 0, &g, 1, &done, &f->flush),
        HV_OK);
    /* The victim takes everything there is. */
    assert_int_equal(hv_mm_domain_set_max(&f->mm, &f->b, FX_FRAMES), HV_OK);
    while (hv_mm_alloc_domain_pages(&f->mm, &f->b, 0, &v) == HV_OK) {
        assert_int_not_equal(hv_mfn_val(v), m);
        got++;
    }
    assert_true(got > 0);
    assert_int_equal(fx_info(f, m).owner, 1);
    assert_int_equal(hv_mm_domain_tot_pages(&f->mm, &f->a), 2);
    /* The attacker cannot re-attach it to its physmap either. */
    {
        struct hv_mmu_update u = {(m << 12) | HV_MMU_MACHPHYS_UPDATE, 11};

        assert_int_equal(
            hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush), HV_EPERM);
    }
    fx_check(f);
    /* Dropping the mapping frees it, with a TLB flush requested. */
    f->flush.flags = 0;
    assert_int_equal(fx_update(f, &f->a, l1, 0, 0), HV_OK);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_ALL);
    assert_true(fx_info(f, m).is_free);
    fx_check(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xsa217_release_while_mapped, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
