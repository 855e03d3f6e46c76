/* mmu_update, mmuext_op, update_va_mapping, pins, base pointers. */
#include "mm_fixture.h"

static void test_pin_tree_and_unpin(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);

    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_PIN_L4_TABLE, t.l4), HV_OK);
    assert_true(hv_mm_is_pinned(&f->mm, hv_mfn(t.l4)));
    assert_false(hv_mm_is_pinned(&f->mm, hv_mfn(t.l3)));
    assert_false(hv_mm_is_pinned(&f->mm, hv_mfn(FX_FRAMES + 1)));
    assert_true(fx_info(f, t.l1).is_validated);
    assert_int_equal(fx_info(f, t.l4).count, 2);
    assert_int_equal(fx_info(f, t.l3).count, 2);
    fx_check(f);
    /* Pinning again, or at another level, is refused. */
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_PIN_L4_TABLE, t.l4),
                     HV_EINVAL);
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_PIN_L2_TABLE, t.l3), HV_EBUSY);
    /* The lower tables may be pinned too: one more reference each. */
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_PIN_L1_TABLE, t.l1), HV_OK);
    assert_int_equal(fx_info(f, t.l1).type_count, 2);
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_UNPIN_TABLE, t.l4), HV_OK);
    assert_false(fx_info(f, t.l2).is_validated);
    assert_true(fx_info(f, t.l1).is_validated);
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_UNPIN_TABLE, t.l4), HV_EINVAL);
    assert_int_equal(fx_ext1(f, &f->b, HV_MMUEXT_UNPIN_TABLE, t.l1), HV_EPERM);
    assert_int_equal(fx_ext1(f, &f->b, HV_MMUEXT_PIN_L1_TABLE, t.l2), HV_EPERM);
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_UNPIN_TABLE, FX_HOLE_FIRST),
                     HV_EINVAL);
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l2), 0, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l2), 5, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l2), 2, NULL),
                     HV_EINVAL);
    fx_check(f);
}

static void test_mmu_update_l1(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);
    uint64_t x = fx_alloc(f, &f->a), y = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l1, 10, pte(x, P | RW)), HV_OK);
    assert_int_equal(fx_frame(t.l1)[10], pte(x, P | RW));
    assert_int_equal(fx_info(f, x).type, HV_MM_TYPE_WRITABLE);
    fx_check(f);
    /* RW -> RO of the same frame: the writable reference goes. */
    assert_int_equal(fx_update(f, &f->a, t.l1, 10, pte(x, P)), HV_OK);
    assert_int_equal(fx_info(f, x).type_count, 0);
    assert_int_equal(fx_info(f, x).count, 2);
    /* Point elsewhere. */
    assert_int_equal(fx_update(f, &f->a, t.l1, 10, pte(y, P | RW)), HV_OK);
    assert_int_equal(fx_info(f, x).count, 1);
    assert_int_equal(fx_info(f, y).count, 2);
    fx_check(f);
    /* A refused update leaves the old entry and its references. */
    assert_int_equal(fx_update(f, &f->a, t.l1, 10, pte(t.l2, P | RW)),
                     HV_EBUSY);
    assert_int_equal(fx_frame(t.l1)[10], pte(y, P | RW));
    assert_int_equal(fx_info(f, y).count, 2);
    /* Clear. */
    assert_int_equal(fx_update(f, &f->a, t.l1, 10, 0), HV_OK);
    assert_int_equal(fx_info(f, y).count, 1);
    fx_check(f);
}

static void test_mmu_update_batch_partial(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), x = fx_alloc(f, &f->a),
             theirs = fx_alloc(f, &f->b);
    struct hv_mmu_update u[4] = {
        {(l1 << 12) + 0, pte(x, P | RW)},
        {(l1 << 12) + 8, pte(x, P)},
        {(l1 << 12) + 16, pte(theirs, P)},
        {(l1 << 12) + 24, pte(x, P)},
    };
    size_t done = 99;

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, u, 4, &done, &f->flush),
                     HV_EPERM);
    assert_int_equal(done, 2);
    assert_int_equal(fx_frame(l1)[1], pte(x, P));
    assert_int_equal(fx_frame(l1)[2], 0);
    assert_int_equal(fx_frame(l1)[3], 0);
    assert_int_equal(fx_info(f, x).count, 3);
    fx_check(f);
    /* Resume after the failing one, as a guest would. */
    assert_int_equal(
        hv_mm_mmu_update(&f->mm, &f->a, &u[3], 1, &done, &f->flush), HV_OK);
    assert_int_equal(done, 1);
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, NULL, 0, &done, &f->flush),
                     HV_OK);
    assert_int_equal(done, 0);
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, NULL, 1, &done, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, u, 1, NULL, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, u, 1, &done, NULL),
                     HV_EINVAL);
    assert_int_equal(done, 0);
    fx_check(f);
}

static void test_mmu_update_bad_requests(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), x = fx_alloc(f, &f->a),
             theirs = fx_alloc(f, &f->b);
    struct hv_mmu_update u;
    size_t done;

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    u.ptr = (l1 << 12) + 4; /* misaligned */
    u.val = pte(x, P);
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EINVAL);
    u.ptr = (l1 << 12) | HV_MMU_PT_UPDATE_NO_TRANSLATE;
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_ENOSYS);
    u.ptr = (uint64_t)FX_HOLE_FIRST << 12;
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EINVAL);
    u.ptr = (uint64_t)FX_FRAMES << 12;
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EINVAL);
    u.ptr = theirs << 12; /* someone else's frame */
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EPERM);
    assert_int_equal(fx_frame(theirs)[0], 0);
    u.ptr = (uint64_t)FX_RSV_FIRST << 12; /* reserved */
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EINVAL);
    fx_check(f);
}

/* A store into a frame that is not a table is a plain checked write. */
static void test_plain_write(void **state)
{
    struct fx *f = *state;
    uint64_t data = fx_alloc(f, &f->a), l1 = fx_alloc(f, &f->a);

    assert_int_equal(fx_update(f, &f->a, data, 7, 0xDEADBEEF), HV_OK);
    assert_int_equal(fx_frame(data)[7], 0xDEADBEEF);
    assert_int_equal(fx_info(f, data).type_count, 0);
    assert_int_equal(fx_info(f, data).count, 1);
    /* A table that is not in use any more is plain memory again. */
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(l1), &f->flush), HV_OK);
    assert_int_equal(fx_update(f, &f->a, l1, 0, 0x42), HV_OK);
    assert_int_equal(fx_info(f, l1).type, HV_MM_TYPE_WRITABLE);
    /* A descriptor page in use refuses the write. */
    assert_int_equal(hv_mm_get_page_and_type(&f->mm, hv_mfn(data), 1,
                                             HV_MM_TYPE_SEG_DESC, &f->flush),
                     HV_OK);
    f->ext_count[data] = f->ext_type[data] = 1;
    assert_int_equal(fx_update(f, &f->a, data, 7, 0), HV_EBUSY);
    assert_int_equal(fx_frame(data)[7], 0xDEADBEEF);
    fx_check(f);
    assert_int_equal(hv_mm_put_page_and_type(&f->mm, hv_mfn(data),
                                             HV_MM_TYPE_SEG_DESC, &f->flush),
                     HV_OK);
    f->ext_count[data] = f->ext_type[data] = 0;
}

static void test_preserve_ad(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), x = fx_alloc(f, &f->a);
    struct hv_mmu_update u;
    size_t done;

    fx_frame(l1)[2] = pte(x, P | HV_PAGE_ACCESSED | HV_PAGE_DIRTY);
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    u.ptr = ((l1 << 12) + 16) | HV_MMU_PT_UPDATE_PRESERVE_AD;
    u.val = pte(x, P | RW);
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_OK);
    assert_int_equal(fx_frame(l1)[2],
                     pte(x, P | RW | HV_PAGE_ACCESSED | HV_PAGE_DIRTY));
    fx_check(f);
}

static void test_machphys_update(void **state)
{
    struct fx *f = *state;
    uint64_t m1 = fx_alloc(f, &f->a), m2 = fx_alloc(f, &f->a),
             theirs = fx_alloc(f, &f->b);
    struct hv_mmu_update u = {(m1 << 12) | HV_MMU_MACHPHYS_UPDATE, 5};
    size_t done;

    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(m1)), 5);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(5)), m1);
    fx_check(f);
    /* gfn 5 to another frame: m1 loses its pairing. */
    u.ptr = (m2 << 12) | HV_MMU_MACHPHYS_UPDATE;
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(m1)), HV_MM_INVALID_FRAME);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(5)), m2);
    /* m2 moves to gfn 6: gfn 5 becomes empty. */
    u.val = 6;
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(5)), HV_MM_INVALID_FRAME);
    fx_check(f);
    u.val = FX_P2M; /* beyond the P2M */
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EINVAL);
    u.ptr = (theirs << 12) | HV_MMU_MACHPHYS_UPDATE;
    u.val = 7;
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EPERM);
    u.ptr = ((uint64_t)FX_HOLE_FIRST << 12) | HV_MMU_MACHPHYS_UPDATE;
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(FX_P2M)),
                     HV_MM_INVALID_FRAME);
    assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(FX_FRAMES)), HV_MM_INVALID_FRAME);
    /* Clearing with an invalid gfn. */
    u.ptr = (m2 << 12) | HV_MMU_MACHPHYS_UPDATE;
    u.val = HV_MM_INVALID_FRAME;
    assert_int_equal(hv_mm_mmu_update(&f->mm, &f->a, &u, 1, &done, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(6)), HV_MM_INVALID_FRAME);
    fx_check(f);
}

static void test_new_baseptr(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);
    uint64_t l4b = fx_alloc(f, &f->a), data = fx_alloc(f, &f->a);

    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_NEW_BASEPTR, t.l4), HV_OK);
    assert_int_equal(hv_mfn_val(hv_mm_baseptr(&f->mm, &f->a, 0)), t.l4);
    assert_true(f->flush.flags & HV_MM_FLUSH_LOCAL);
    assert_int_equal(fx_info(f, t.l4).type_count, 1);
    fx_check(f);
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_NEW_BASEPTR, l4b), HV_OK);
    assert_false(fx_info(f, t.l4).is_validated);
    assert_int_equal(fx_info(f, l4b).type, HV_MM_TYPE_L4);
    /* Refusals leave the old root. */
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_NEW_BASEPTR, t.l3), HV_OK);
    assert_int_equal(fx_ext1(f, &f->a, HV_MMUEXT_NEW_BASEPTR, t.l2),
                     HV_EBUSY); /* an L3 now, can't be an L4 */
    assert_int_equal(
        fx_ext1(f, &f->a, HV_MMUEXT_NEW_BASEPTR, HV_MM_INVALID_FRAME),
        HV_EINVAL);
    assert_int_equal(fx_update(f, &f->a, data, 0, pte(data, P | RW)), HV_OK);
    assert_int_equal(hv_mfn_val(hv_mm_baseptr(&f->mm, &f->a, 0)), t.l3);
    assert_int_equal(hv_mm_new_baseptr(&f->mm, &f->a, HV_MAX_VCPUS_PER_DOMAIN,
                                       hv_mfn(t.l4), &f->flush),
                     HV_EINVAL);
    assert_int_equal(
        hv_mfn_val(hv_mm_baseptr(&f->mm, &f->a, HV_MAX_VCPUS_PER_DOMAIN)),
        HV_MM_INVALID_FRAME);
    /* The builder may clear a root. */
    assert_int_equal(hv_mm_new_baseptr(&f->mm, &f->a, 0,
                                       hv_mfn(HV_MM_INVALID_FRAME), &f->flush),
                     HV_OK);
    fx_check(f);
}

static void test_update_va_mapping(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);
    uint64_t x = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0, 0x1000,
                                             pte(x, P), 0, &f->flush),
                     HV_EINVAL); /* no base pointer yet */
    assert_int_equal(
        hv_mm_new_baseptr(&f->mm, &f->a, 0, hv_mfn(t.l4), &f->flush), HV_OK);
    f->flush.flags = 0;
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0, 0x5000,
                                             pte(x, P | RW), HV_UVMF_INVLPG,
                                             &f->flush),
                     HV_OK);
    assert_int_equal(fx_frame(t.l1)[5], pte(x, P | RW));
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_LOCAL_VA);
    assert_int_equal(f->flush.va, 0x5000);
    f->flush.flags = 0;
    assert_int_equal(
        hv_mm_update_va_mapping(&f->mm, &f->a, 0, 0x5123, pte(x, P),
                                HV_UVMF_TLB_FLUSH | HV_UVMF_ALL, &f->flush),
        HV_OK);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_DOMAIN);
    f->flush.flags = 0;
    assert_int_equal(
        hv_mm_update_va_mapping(&f->mm, &f->a, 0, 0x5000, pte(x, P),
                                HV_UVMF_INVLPG | HV_UVMF_ALL, &f->flush),
        HV_OK);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_DOMAIN_VA);
    fx_check(f);
    /* Refusals. */
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0,
                                             0xFFFF800000001000ULL, pte(x, P),
                                             0, &f->flush),
                     HV_EPERM);
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0,
                                             0xFFFF87FFFFFFF000ULL, pte(x, P),
                                             0, &f->flush),
                     HV_EPERM);
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0,
                                             0x0000800000000000ULL, pte(x, P),
                                             0, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0, 0x8000000000ULL,
                                             pte(x, P), 0, &f->flush),
                     HV_EINVAL); /* L4 slot 1: not present */
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0, 0x5000,
                                             pte(x, P), 3, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 1, 0x5000,
                                             pte(x, P), 0, &f->flush),
                     HV_EINVAL); /* vCPU 1 has no root */
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0, 0x6000,
                                             pte(t.l3, P | RW), 0, &f->flush),
                     HV_EBUSY);
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->b, 0, 0x5000,
                                             pte(x, P), 0, &f->flush),
                     HV_EINVAL);
    assert_int_equal(fx_frame(t.l1)[5], pte(x, P));
    /* The upper half below the hypervisor hole is the guest's. */
    assert_int_equal(fx_update(f, &f->a, t.l4, 300, pte(t.l3, P)), HV_OK);
    assert_int_equal(hv_mm_update_va_mapping(&f->mm, &f->a, 0,
                                             0xFFFF960000007000ULL, pte(x, P),
                                             0, &f->flush),
                     HV_OK);
    assert_int_equal(fx_frame(t.l1)[7], pte(x, P));
    fx_check(f);
}

static void test_mmuext_flushes(void **state)
{
    struct fx *f = *state;
    struct hv_mmuext_op ops[4];
    size_t done;

    memset(ops, 0, sizeof(ops));
    ops[0].cmd = HV_MMUEXT_TLB_FLUSH_LOCAL;
    ops[1].cmd = HV_MMUEXT_INVLPG_ALL;
    ops[1].arg1.linear_addr = 0x7000;
    ops[2].cmd = HV_MMUEXT_FLUSH_CACHE;
    ops[3].cmd = HV_MMUEXT_NEW_USER_BASEPTR;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, ops, 4, &done, &f->flush), HV_ENOSYS);
    assert_int_equal(done, 3);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_LOCAL | HV_MM_FLUSH_DOMAIN_VA |
                                         HV_MM_FLUSH_CACHE);
    assert_int_equal(f->flush.va, 0x7000);
    ops[0].cmd = HV_MMUEXT_TLB_FLUSH_MULTI;
    ops[1].cmd = HV_MMUEXT_INVLPG_LOCAL;
    ops[1].arg1.linear_addr = 0x0000900000000000ULL; /* non-canonical */
    f->flush.flags = 0;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, ops, 2, &done, &f->flush), HV_EINVAL);
    assert_int_equal(done, 1);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_DOMAIN);
    ops[0].cmd = 99;
    assert_int_equal(
        hv_mm_mmuext_op(&f->mm, &f->a, 0, ops, 1, &done, &f->flush), HV_ENOSYS);
    assert_int_equal(hv_mm_mmuext_op(&f->mm, &f->a, HV_MAX_VCPUS_PER_DOMAIN,
                                     ops, 1, &done, &f->flush),
                     HV_EINVAL);
    assert_int_equal(done, 0);
}

static void test_superpages(void **state)
{
    struct fx *f = *state;
    struct hv_mm_domain c;
    hv_mfn_t big;
    uint64_t l2, l1, b;

    assert_int_equal(
        hv_mm_domain_init(&f->mm, &c, 3, 700, NULL, 0, HV_MM_DOM_SUPERPAGES),
        HV_OK);
    assert_int_equal(hv_mm_alloc_domain_pages(&f->mm, &c, 9, &big), HV_OK);
    b = hv_mfn_val(big);
    l2 = fx_alloc(f, &c);
    l1 = fx_alloc(f, &c);
    assert_int_equal(hv_mm_pin(&f->mm, &c, hv_mfn(l2), 2, &f->flush), HV_OK);
    assert_int_equal(fx_update(f, &c, l2, 1, pte(b, P | RW | HV_PAGE_PSE)),
                     HV_OK);
    assert_int_equal(fx_info(f, b + 511).type, HV_MM_TYPE_WRITABLE);
    assert_int_equal(fx_info(f, b + 200).count, 2);
    fx_check(f);
    /* Misaligned superpage, and bit 12 (PAT) refused. */
    assert_int_equal(fx_update(f, &c, l2, 2, pte(b + 1, P | HV_PAGE_PSE)),
                     HV_EINVAL);
    /* A superpage over a pinned table: writable refused, rollback exact. */
    assert_int_equal(fx_update(f, &c, l2, 1, 0), HV_OK);
    assert_int_equal(hv_mm_pin(&f->mm, &c, hv_mfn(b + 300), 1, &f->flush),
                     HV_OK);
    assert_int_equal(fx_update(f, &c, l2, 1, pte(b, P | RW | HV_PAGE_PSE)),
                     HV_EBUSY);
    assert_int_equal(fx_info(f, b + 299).count, 1);
    assert_int_equal(fx_info(f, b + 299).type_count, 0);
    assert_int_equal(fx_update(f, &c, l2, 1, pte(b, P | HV_PAGE_PSE)), HV_OK);
    fx_check(f);
    /* The superpage mapping keeps the frames: release, still owned. */
    assert_int_equal(hv_mm_unpin(&f->mm, &c, hv_mfn(b + 300), &f->flush),
                     HV_OK);
    (void)l1;
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &c, &f->flush), HV_OK);
    fx_check(f);
}

/* Linear page tables: read-only only, and only with the option. */
static void test_linear_self(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->a);

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    assert_int_equal(fx_update(f, &f->a, t.l4, 5, pte(t.l4, P | RW)),
                     HV_EINVAL);
    assert_int_equal(fx_update(f, &f->a, t.l4, 5, pte(t.l4, P)), HV_OK);
    assert_int_equal(fx_info(f, t.l4).count, 2); /* self: no reference */
    fx_check(f);
    /* A linear L3 entry to a validated L3 (another table of A). */
    {
        uint64_t l3b = fx_alloc(f, &f->a);

        assert_int_equal(fx_update(f, &f->a, t.l4, 6, pte(l3b, P)), HV_OK);
        assert_int_equal(fx_update(f, &f->a, l3b, 0, pte(t.l3, P)), HV_OK);
        assert_int_equal(fx_info(f, t.l3).type_count, 2);
        fx_check(f);
        assert_int_equal(fx_update(f, &f->a, l3b, 0, pte(t.l3, P | RW)),
                         HV_EINVAL);
        assert_int_equal(fx_update(f, &f->a, t.l4, 6, 0), HV_OK);
        assert_true(fx_info(f, t.l3).type_count == 1);
    }
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(t.l4), &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, t.l4).count, 1);
    fx_check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_pin_tree_and_unpin),
        T(test_mmu_update_l1),
        T(test_mmu_update_batch_partial),
        T(test_mmu_update_bad_requests),
        T(test_plain_write),
        T(test_preserve_ad),
        T(test_machphys_update),
        T(test_new_baseptr),
        T(test_update_va_mapping),
        T(test_mmuext_flushes),
        T(test_superpages),
        T(test_linear_self),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
