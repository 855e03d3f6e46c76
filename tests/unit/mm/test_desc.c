/* Descriptor pages: set_gdt, update_descriptor, SET_LDT, LDT faults. */
#include "mm_fixture.h"

/* Descriptor builders (high dword b, low dword a). */
static uint64_t seg(unsigned int dpl, bool code)
{
    uint32_t b = 0x8000u | 0x1000u | (dpl << 13) | (code ? 0xA00u : 0x200u) |
                 0x00A00000u; /* L + G */
    return ((uint64_t)b << 32) | 0x0000FFFFu;
}

static uint64_t sys(unsigned int type, uint16_t sel)
{
    uint32_t b = 0x8000u | (3u << 13) | (type << 8);

    return ((uint64_t)b << 32) | ((uint32_t)sel << 16);
}

static void test_gdt_install_and_fixup(void **state)
{
    struct fx *f = *state;
    uint64_t g0 = fx_alloc(f, &f->a), g1 = fx_alloc(f, &f->a), frames[2];

    fx_frame(g0)[1] = seg(0, true); /* DPL 0 code: raised to 3 */
    fx_frame(g0)[2] = seg(3, false);
    fx_frame(g0)[3] = 0x0000FFFFDEADBEEFULL & ~(0x8000ULL << 32); /* not P */
    fx_frame(g1)[4] = sys(0xC, (5 << 3)); /* call gate to GDT 5 */
    fx_frame(g1)[5] = 0;                  /* its upper half */
    frames[0] = g0;
    frames[1] = g1;
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 0, frames, 600, &f->flush),
                     HV_OK);
    assert_int_equal(fx_frame(g0)[1], seg(3, true));
    assert_int_equal(fx_frame(g1)[4], sys(0xC, (5 << 3) | 3));
    assert_int_equal(fx_info(f, g0).type, HV_MM_TYPE_SEG_DESC);
    assert_int_equal(fx_info(f, g1).count, 2);
    assert_true(f->flush.flags & HV_MM_FLUSH_LOCAL);
    fx_check(f);
    /* A GDT frame cannot be mapped writable, nor become a table. */
    {
        uint64_t l1 = fx_alloc(f, &f->a);

        assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush),
                         HV_OK);
        assert_int_equal(fx_update(f, &f->a, l1, 0, pte(g0, P | RW)), HV_EBUSY);
        assert_int_equal(fx_update(f, &f->a, l1, 0, pte(g0, P)), HV_OK);
        assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(g1), 1, &f->flush),
                         HV_EBUSY);
        /* Nor written through mmu_update as plain data. */
        assert_int_equal(fx_update(f, &f->a, g0, 9, 0x1234), HV_EBUSY);
    }
    /* Replacing the GDT releases the old frames. */
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 0, &g1, 512, &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, g0).type_count, 0);
    assert_int_equal(fx_info(f, g1).type_count, 1);
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 0, NULL, 0, &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, g1).type_count, 0);
    fx_check(f);
}

static void test_gdt_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t good = fx_alloc(f, &f->a), bad = fx_alloc(f, &f->a),
             theirs = fx_alloc(f, &f->b), frames[2];
    const uint64_t refused[] = {
        sys(0x9, 0),                                      /* TSS */
        sys(0x2, 0),                                      /* LDT descriptor */
        sys(0xE, 8),                                      /* interrupt gate */
        sys(0xF, 8),                                      /* trap gate */
        sys(0xC, (uint16_t)(HV_MM_GDT_MAX_ENTRIES << 3)), /* Xen segment */
    };
    size_t i;

    fx_frame(good)[0] = seg(3, true);
    frames[0] = good;
    frames[1] = bad;
    for (i = 0; i < HV_ARRAY_SIZE(refused); i++) {
        fx_frame(bad)[7] = seg(0, true); /* would be fixed up ... */
        fx_frame(bad)[8] = refused[i];   /* ... but the frame is refused */
        assert_int_equal(
            hv_mm_set_gdt(&f->mm, &f->a, 1, frames, 1024, &f->flush),
            HV_EINVAL);
        assert_int_equal(fx_frame(bad)[7], seg(0, true)); /* untouched */
        assert_int_equal(fx_info(f, good).count, 1);
        assert_int_equal(fx_info(f, good).type_count, 0);
    }
    /* An LDT-relative call gate (TI=1) is the guest's own. */
    fx_frame(bad)[8] = sys(0xC, 0x1000 | 4);
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 1, frames, 1024, &f->flush),
                     HV_OK);
    fx_check(f);
    frames[0] = theirs;
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 2, frames, 1, &f->flush),
                     HV_EPERM);
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 2, frames,
                                   HV_MM_GDT_MAX_ENTRIES + 1, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, HV_MAX_VCPUS_PER_DOMAIN,
                                   frames, 1, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 2, NULL, 1, &f->flush),
                     HV_EINVAL);
    /* A frame mapped writable cannot become a GDT frame. */
    {
        uint64_t l1 = fx_alloc(f, &f->a), w = fx_alloc(f, &f->a);

        assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush),
                         HV_OK);
        assert_int_equal(fx_update(f, &f->a, l1, 0, pte(w, P | RW)), HV_OK);
        assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 2, &w, 1, &f->flush),
                         HV_EBUSY);
    }
    fx_check(f);
}

static void test_update_descriptor(void **state)
{
    struct fx *f = *state;
    uint64_t g = fx_alloc(f, &f->a), data = fx_alloc(f, &f->a),
             theirs = fx_alloc(f, &f->b);

    assert_int_equal(hv_mm_set_gdt(&f->mm, &f->a, 0, &g, 16, &f->flush), HV_OK);
    assert_int_equal(hv_mm_update_descriptor(&f->mm, &f->a, (g << 12) + 24,
                                             seg(1, false), &f->flush),
                     HV_OK);
    assert_int_equal(fx_frame(g)[3], seg(3, false));
    assert_int_equal(hv_mm_update_descriptor(&f->mm, &f->a, (g << 12) + 24,
                                             sys(0x9, 0), &f->flush),
                     HV_EINVAL);
    assert_int_equal(fx_frame(g)[3], seg(3, false));
    assert_int_equal(hv_mm_update_descriptor(&f->mm, &f->a, (g << 12) + 28,
                                             seg(3, false), &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_update_descriptor(&f->mm, &f->a, theirs << 12,
                                             seg(3, false), &f->flush),
                     HV_EPERM);
    assert_int_equal(hv_mm_update_descriptor(&f->mm, &f->a,
                                             (uint64_t)FX_HOLE_FIRST << 12,
                                             seg(3, false), &f->flush),
                     HV_EINVAL);
    assert_int_equal(
        hv_mm_update_descriptor(&f->mm, &f->a, g << 12, seg(3, false), NULL),
        HV_EINVAL);
    /* A plain frame: written, left untyped. */
    assert_int_equal(hv_mm_update_descriptor(&f->mm, &f->a, data << 12,
                                             seg(3, true), &f->flush),
                     HV_OK);
    assert_int_equal(fx_frame(data)[0], seg(3, true));
    assert_int_equal(fx_info(f, data).type_count, 0);
    assert_int_equal(fx_info(f, data).count, 1);
    /* A page table refuses it. */
    data = fx_alloc(f, &f->a);
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(data), 1, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_update_descriptor(&f->mm, &f->a, data << 12,
                                             seg(3, true), &f->flush),
                     HV_EBUSY);
    assert_int_equal(fx_frame(data)[0], 0);
    fx_check(f);
}

static void test_ldt(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);
    uint64_t ldt0 = fx_alloc(f, &f->a), ldt1 = fx_alloc(f, &f->a), w;
    struct hv_mmuext_op op;
    hv_mfn_t m;
    size_t done;

    fx_frame(ldt1)[0] = sys(0x9, 0); /* a TSS in an LDT: refused later */
    fx_frame(t.l1)[16] = pte(ldt0, P);
    fx_frame(t.l1)[17] = pte(ldt1, P);
    assert_int_equal(
        hv_mm_new_baseptr(&f->mm, &f->a, 0, hv_mfn(t.l4), &f->flush), HV_OK);
    memset(&op, 0, sizeof(op));
    op.cmd = HV_MMUEXT_SET_LDT;
    op.arg1.linear_addr = 0x10000;
    op.arg2.nr_ents = 1024; /* two pages */
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, &op, 1, &done, &f->flush), HV_OK);
    assert_int_equal(hv_mm_ldt_fault(&f->mm, &f->a, 0, 0, &m, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mfn_val(m), ldt0);
    assert_int_equal(fx_info(f, ldt0).type, HV_MM_TYPE_SEG_DESC);
    /* Faulting the same page again takes nothing more. */
    assert_int_equal(hv_mm_ldt_fault(&f->mm, &f->a, 0, 0, &m, &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, ldt0).type_count, 1);
    assert_int_equal(hv_mm_ldt_fault(&f->mm, &f->a, 0, 1, &m, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_ldt_fault(&f->mm, &f->a, 0, 2, &m, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_ldt_fault(&f->mm, &f->a, 1, 0, &m, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_ldt_fault(&f->mm, &f->a, 0, 0, &m, NULL), HV_EINVAL);
    fx_check(f);
    /* While it is an LDT frame it cannot be mapped writable. */
    assert_int_equal(fx_update(f, &f->a, t.l1, 20, pte(ldt0, P | RW)),
                     HV_EBUSY);
    /* A new LDT releases the old frames. */
    op.arg1.linear_addr = 0x11000;
    op.arg2.nr_ents = 10;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, &op, 1, &done, &f->flush), HV_OK);
    assert_int_equal(fx_info(f, ldt0).type_count, 0);
    /* Refusals. */
    op.arg1.linear_addr = 0x11008;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, &op, 1, &done, &f->flush), HV_EINVAL);
    op.arg1.linear_addr = 0x11000;
    op.arg2.nr_ents = HV_MM_LDT_MAX_ENTRIES + 1;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, &op, 1, &done, &f->flush), HV_EINVAL);
    op.arg1.linear_addr = 0x0000800000000000ULL;
    op.arg2.nr_ents = 1;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, &op, 1, &done, &f->flush), HV_EINVAL);
    op.arg1.linear_addr = HV_HYPERVISOR_VIRT_START - 4096;
    op.arg2.nr_ents = 1024;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, &op, 1, &done, &f->flush),
        HV_EINVAL); /* not canonical below the hole: 0xffff7fff... */
    op.arg1.linear_addr = HV_HYPERVISOR_VIRT_END - 4096;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, &op, 1, &done, &f->flush), HV_EPERM);
    assert_int_equal(hv_mm_set_ldt(&f->mm, &f->a, HV_MAX_VCPUS_PER_DOMAIN,
                                   0x10000, 1, &f->flush),
                     HV_EINVAL);
    /* An LDT frame mapped writable elsewhere is refused at fault time. */
    w = fx_alloc(f, &f->a);
    assert_int_equal(fx_update(f, &f->a, t.l1, 17, pte(w, P)), HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l1, 21, pte(w, P | RW)), HV_OK);
    assert_int_equal(hv_mm_set_ldt(&f->mm, &f->a, 0, 0x10000, 1024, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_ldt_fault(&f->mm, &f->a, 0, 1, &m, &f->flush),
                     HV_EBUSY);
    fx_check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_gdt_install_and_fixup),
        T(test_gdt_refusals),
        T(test_update_descriptor),
        T(test_ldt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
