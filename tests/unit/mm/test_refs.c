/* The reference protocol: get/put page, get/put type, validation. */
#include "mm_fixture.h"

#include <pthread.h>

static void test_get_page_owner(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a);
    hv_mfn_t free_frame;

    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 2), HV_EPERM);
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(FX_FRAMES), 1), HV_EINVAL);
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(~0ULL), 1), HV_EINVAL);
    assert_int_equal(fx_info(f, m).count, 1);
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 1), HV_OK);
    assert_int_equal(fx_info(f, m).count, 2);
    f->ext_count[m] = 1;
    fx_check(f);
    assert_int_equal(hv_mm_put_page(&f->mm, hv_mfn(m), &f->flush), HV_OK);
    f->ext_count[m] = 0;
    /* The allocation's own reference cannot be dropped by put_page. */
    assert_int_equal(hv_mm_put_page(&f->mm, hv_mfn(m), &f->flush), HV_EINVAL);
    assert_int_equal(hv_mm_put_page(&f->mm, hv_mfn(m), NULL), HV_EINVAL);
    assert_int_equal(fx_info(f, m).count, 1);
    /* A free frame has no owner to match. */
    assert_int_equal(hv_mm_alloc_xen(&f->mm, 0, &free_frame), HV_OK);
    assert_int_equal(hv_mm_free_xen(&f->mm, free_frame, 0), HV_OK);
    assert_int_equal(hv_mm_get_page(&f->mm, free_frame, HV_DOMID_INVALID),
                     HV_EINVAL);
    assert_int_equal(hv_mm_put_page(&f->mm, free_frame, &f->flush), HV_EINVAL);
}

static void test_ref_overflow(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a);

    f->pages[m].count = HV_MM_REF_MAX;
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 1), HV_EMLINK);
    assert_int_equal(f->pages[m].count, HV_MM_REF_MAX);
    f->pages[m].count = 1;
}

static void test_type_exclusive(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 1), HV_OK);
    assert_int_equal(hv_mm_get_page_type(&f->mm, hv_mfn(m), 0, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_get_page_type(&f->mm, hv_mfn(m), 7, &f->flush),
                     HV_EINVAL);
    assert_int_equal(
        hv_mm_get_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_WRITABLE, NULL),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_get_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_WRITABLE, &f->flush),
        HV_OK);
    f->ext_count[m] = 1;
    f->ext_type[m] = 1;
    fx_check(f);
    /* Only the holder's general reference backs a type reference. */
    assert_int_equal(
        hv_mm_get_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_WRITABLE, &f->flush),
        HV_EINVAL);
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 1), HV_OK);
    assert_int_equal(
        hv_mm_get_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_L1, &f->flush),
        HV_EBUSY);
    assert_int_equal(
        hv_mm_get_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_SEG_DESC, &f->flush),
        HV_EBUSY);
    assert_int_equal(hv_mm_put_page(&f->mm, hv_mfn(m), &f->flush), HV_OK);
    assert_int_equal(
        hv_mm_put_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_L1, &f->flush),
        HV_EINVAL);
    assert_int_equal(f->flush.flags, 0);
    assert_int_equal(
        hv_mm_put_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_WRITABLE, &f->flush),
        HV_OK);
    assert_int_equal(
        hv_mm_put_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_WRITABLE, &f->flush),
        HV_EINVAL);
    f->ext_type[m] = 0;
    /* Now it may become a table; it was writable, so TLBs must go. */
    assert_int_equal(
        hv_mm_get_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_L1, &f->flush),
        HV_OK);
    assert_int_equal(f->flush.flags, HV_MM_FLUSH_ALL);
    f->ext_type[m] = 1;
    fx_check(f);
    assert_int_equal(
        hv_mm_put_page_and_type(&f->mm, hv_mfn(m), HV_MM_TYPE_L1, &f->flush),
        HV_OK);
    f->ext_count[m] = f->ext_type[m] = 0;
    assert_int_equal(fx_info(f, m).count, 1);
    assert_false(fx_info(f, m).is_validated);
}

/* With ops->flush_tlbs the flush happens at once instead of reported. */
static void test_type_change_sync_flush(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_get_page_and_type(&f->mm, hv_mfn(m), 1,
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_put_page_and_type(&f->mm, hv_mfn(m),
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_OK);
    assert_int_equal(f->flush_calls, 0);
    assert_int_equal(
        hv_mm_get_page_and_type(&f->mm, hv_mfn(m), 1, HV_MM_TYPE_L2, &f->flush),
        HV_OK);
    assert_int_equal(f->flush_calls, 1);
    assert_int_equal(f->flush.flags, 0);
    assert_int_equal(
        hv_mm_put_page_and_type(&f->mm, hv_mfn(m), HV_MM_TYPE_L2, &f->flush),
        HV_OK);
    /* Same type again: no flush needed. */
    assert_int_equal(
        hv_mm_get_page_and_type(&f->mm, hv_mfn(m), 1, HV_MM_TYPE_L2, &f->flush),
        HV_OK);
    assert_int_equal(f->flush_calls, 1);
    assert_int_equal(
        hv_mm_put_page_and_type(&f->mm, hv_mfn(m), HV_MM_TYPE_L2, &f->flush),
        HV_OK);
}

static void test_validate_l1_takes_refs(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), x = fx_alloc(f, &f->a),
             y = fx_alloc(f, &f->a);

    fx_frame(l1)[0] = pte(x, P | RW);
    fx_frame(l1)[5] = pte(y, P);
    fx_frame(l1)[6] = pte(y, 0);             /* not present: ignored */
    fx_frame(l1)[7] = 0x7FF0000000000000ULL; /* not present: ignored */
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_true(fx_info(f, l1).is_validated);
    assert_int_equal(fx_info(f, x).type, HV_MM_TYPE_WRITABLE);
    assert_int_equal(fx_info(f, x).type_count, 1);
    assert_int_equal(fx_info(f, x).count, 2);
    assert_int_equal(fx_info(f, y).count, 2);
    assert_int_equal(fx_info(f, y).type_count, 0);
    fx_check(f);
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(l1), &f->flush), HV_OK);
    assert_false(fx_info(f, l1).is_validated);
    assert_int_equal(fx_info(f, x).count, 1);
    assert_int_equal(fx_info(f, x).type_count, 0);
    assert_int_equal(fx_info(f, y).count, 1);
}

/* A refused entry in the middle undoes everything taken before it. */
static void test_validate_rollback(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), x = fx_alloc(f, &f->a),
             t = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(t), 1, &f->flush), HV_OK);
    fx_frame(l1)[0] = pte(x, P | RW);
    fx_frame(l1)[1] = pte(x, P);
    fx_frame(l1)[2] = pte(t, P | RW); /* writable map of a table */
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush),
                     HV_EBUSY);
    assert_int_equal(fx_info(f, x).count, 1);
    assert_int_equal(fx_info(f, x).type_count, 0);
    assert_int_equal(fx_info(f, l1).type_count, 0);
    assert_int_equal(fx_info(f, l1).count, 1);
    assert_false(fx_info(f, l1).is_pinned);
    fx_check(f);
    fx_frame(l1)[2] = pte(t, P); /* read-only: fine */
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(fx_info(f, t).count, 3);
    fx_check(f);
}

static void test_l1_entry_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), mine = fx_alloc(f, &f->a),
             theirs = fx_alloc(f, &f->b);
    const uint64_t bad[] = {
        pte(mine, P) | (1ULL << 52), /* reserved high bit */
        pte(mine, P) | (1ULL << 62), /* reserved high bit */
        pte(FX_HOLE_FIRST, P),       /* hole */
        pte(FX_RSV_FIRST, P),        /* reserved frame */
        pte(FX_FRAMES + 5, P),       /* beyond memory */
        pte(0xFFFFFFFFFULL, P),      /* far beyond memory */
    };
    size_t i;

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    for (i = 0; i < HV_ARRAY_SIZE(bad); i++) {
        assert_int_equal(fx_update(f, &f->a, l1, 3, bad[i]), HV_EINVAL);
        assert_int_equal(fx_frame(l1)[3], 0);
    }
    assert_int_equal(fx_update(f, &f->a, l1, 3, pte(theirs, P)), HV_EPERM);
    /* A free frame. */
    assert_int_equal(fx_update(f, &f->a, l1, 3, pte(1900, P)),
                     fx_info(f, 1900).is_free ? HV_EINVAL : HV_EPERM);
    /* NX, PAT, PCD, G and the available bits are fine in a leaf. */
    assert_int_equal(
        fx_update(f, &f->a, l1, 3,
                  pte(mine, P | RW | HV_PAGE_NX | HV_PAGE_PAT | HV_PAGE_PCD |
                                HV_PAGE_GLOBAL | HV_PAGE_AVAIL)),
        HV_OK);
    /* Foreign frames only when the caller's hook allows. */
    f->foreign_ok = true;
    assert_int_equal(fx_update(f, &f->a, l1, 4, pte(theirs, P | RW)), HV_OK);
    assert_int_equal(fx_info(f, theirs).count, 2);
    assert_int_equal(fx_info(f, theirs).type, HV_MM_TYPE_WRITABLE);
    f->foreign_ok = false;
    fx_check(f);
    /* B may not be torn down while A maps its frame: check EBUSY path. */
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &f->b, &f->flush), HV_EBUSY);
    assert_int_equal(fx_info(f, theirs).owner, 2);
    fx_check(f);
    assert_int_equal(fx_update(f, &f->a, l1, 4, 0), HV_OK);
    assert_true(fx_info(f, theirs).is_free);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &f->b, &f->flush), HV_OK);
}

static void test_nonleaf_refusals(void **state)
{
    struct fx *f = *state;
    struct fx_tree t = fx_tree(f, &f->b);
    uint64_t l1b = fx_alloc(f, &f->b), data = fx_alloc(f, &f->b),
             l1a = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_pin(&f->mm, &f->b, hv_mfn(t.l4), 4, &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, t.l1).type, HV_MM_TYPE_L1);
    assert_int_equal(fx_info(f, t.l2).type, HV_MM_TYPE_L2);
    assert_int_equal(fx_info(f, t.l3).type, HV_MM_TYPE_L3);
    assert_int_equal(fx_info(f, t.l3).type_count, 1);
    /* PSE (no superpages for B), G, high bits, 1G pages. */
    assert_int_equal(fx_update(f, &f->b, t.l2, 1, pte(l1b, P | HV_PAGE_PSE)),
                     HV_EINVAL);
    assert_int_equal(fx_update(f, &f->b, t.l2, 1, pte(l1b, P | HV_PAGE_GLOBAL)),
                     HV_EINVAL);
    assert_int_equal(fx_update(f, &f->b, t.l3, 1, pte(t.l2, P | HV_PAGE_PSE)),
                     HV_EINVAL);
    assert_int_equal(fx_update(f, &f->b, t.l4, 1, pte(t.l3, P) | (1ULL << 55)),
                     HV_EINVAL);
    /* Another domain's table. */
    assert_int_equal(fx_update(f, &f->b, t.l2, 1, pte(l1a, P)), HV_EPERM);
    /* A frame in use as writable data cannot become an L1. */
    assert_int_equal(fx_update(f, &f->b, t.l1, 0, pte(data, P | RW)), HV_OK);
    assert_int_equal(fx_update(f, &f->b, t.l2, 1, pte(data, P)), HV_EBUSY);
    /* A table pointing at itself one level down; B has no linear option. */
    assert_int_equal(fx_update(f, &f->b, t.l2, 1, pte(t.l2, P)), HV_EINVAL);
    /* Hypervisor slots of the L4. */
    assert_int_equal(fx_update(f, &f->b, t.l4, 256, pte(t.l3, P)), HV_EPERM);
    assert_int_equal(fx_update(f, &f->b, t.l4, 271, pte(t.l3, P)), HV_EPERM);
    assert_int_equal(fx_update(f, &f->b, t.l4, 271, 0x1234ULL << 12), HV_OK);
    assert_int_equal(fx_update(f, &f->b, t.l4, 272, pte(t.l3, P)), HV_OK);
    assert_int_equal(fx_info(f, t.l3).type_count, 2);
    /* Writable L2 -> L1 is fine (entry RW bits are about the leaf). */
    assert_int_equal(fx_update(f, &f->b, t.l2, 1, pte(l1b, P | RW)), HV_OK);
    assert_int_equal(fx_info(f, l1b).type, HV_MM_TYPE_L1);
    fx_check(f);
    /* Validating an L4 whose hypervisor slot is already present fails. */
    {
        uint64_t l4 = fx_alloc(f, &f->b);

        fx_frame(l4)[260] = pte(t.l3, P);
        assert_int_equal(hv_mm_pin(&f->mm, &f->b, hv_mfn(l4), 4, &f->flush),
                         HV_EPERM);
        assert_int_equal(fx_info(f, t.l3).type_count, 2);
    }
}

static void test_put_type_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), m = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    /* Only unpin drops the pin's reference. */
    assert_int_equal(
        hv_mm_put_page_type(&f->mm, hv_mfn(l1), HV_MM_TYPE_L1, &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_put_page_and_type(&f->mm, hv_mfn(l1), HV_MM_TYPE_L1, &f->flush),
        HV_EINVAL);
    assert_int_equal(hv_mm_put_page_and_type(&f->mm, hv_mfn(m),
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_EINVAL);
    assert_int_equal(hv_mm_put_page_type(&f->mm, hv_mfn(FX_HOLE_FIRST),
                                         HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_EINVAL);
    /* get_page_and_type failing leaves the general count alone. */
    assert_int_equal(hv_mm_get_page_and_type(&f->mm, hv_mfn(l1), 1,
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_EBUSY);
    assert_int_equal(hv_mm_get_page_and_type(&f->mm, hv_mfn(l1), 2,
                                             HV_MM_TYPE_L1, &f->flush),
                     HV_EPERM);
    assert_int_equal(fx_info(f, l1).count, 2);
    assert_int_equal(
        hv_mm_get_page_and_type(&f->mm, hv_mfn(l1), 1, 9, &f->flush),
        HV_EINVAL);
}

/* A page-table type reference that gnttab-style callers hold. */
static void test_external_type_ref_keeps_validated(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), x = fx_alloc(f, &f->a);

    fx_frame(l1)[9] = pte(x, P | RW);
    assert_int_equal(hv_mm_get_page_and_type(&f->mm, hv_mfn(l1), 1,
                                             HV_MM_TYPE_L1, &f->flush),
                     HV_OK);
    f->ext_count[l1] = f->ext_type[l1] = 1;
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(fx_info(f, x).type_count, 1); /* validated once */
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(l1), &f->flush), HV_OK);
    assert_true(fx_info(f, l1).is_validated);
    fx_check(f);
    assert_int_equal(
        hv_mm_put_page_and_type(&f->mm, hv_mfn(l1), HV_MM_TYPE_L1, &f->flush),
        HV_OK);
    f->ext_count[l1] = f->ext_type[l1] = 0;
    assert_false(fx_info(f, l1).is_validated);
    assert_int_equal(fx_info(f, x).type_count, 0);
}

struct hammer {
    struct fx *f;
    uint64_t frame, l1;
    struct hv_mm_domain *d;
    int failures;
};

/* Many CPUs at once: references and table updates under the one lock. */
static void *hammer_thread(void *arg)
{
    struct hammer *h = arg;
    struct hv_mm_flush fl = {0, 0};
    struct hv_mmu_update u;
    size_t done;
    int i;

    for (i = 0; i < 20000; i++) {
        if (hv_mm_get_page(&h->f->mm, hv_mfn(h->frame), h->d->id) != HV_OK)
            h->failures++;
        u.ptr = (h->l1 << 12) + (unsigned int)(i % 512) * 8u;
        u.val = (i & 1) ? 0 : pte(h->frame, P | RW);
        if (hv_mm_mmu_update(&h->f->mm, h->d, &u, 1, &done, &fl) != HV_OK)
            h->failures++;
        if (hv_mm_put_page(&h->f->mm, hv_mfn(h->frame), &fl) != HV_OK)
            h->failures++;
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    struct fx *f = *state;
    struct hammer h[4];
    pthread_t t[4];
    uint64_t shared = fx_alloc(f, &f->a);
    int i;

    for (i = 0; i < 4; i++) {
        h[i].f = f;
        h[i].frame = shared;
        h[i].d = &f->a;
        h[i].l1 = fx_alloc(f, &f->a);
        h[i].failures = 0;
        assert_int_equal(
            hv_mm_pin(&f->mm, &f->a, hv_mfn(h[i].l1), 1, &f->flush), HV_OK);
    }
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer_thread, &h[i]), 0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(h[i].failures, 0);
    }
    fx_check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_get_page_owner),
        T(test_ref_overflow),
        T(test_type_exclusive),
        cmocka_unit_test_setup_teardown(test_type_change_sync_flush,
                                        fx_setup_sync, fx_teardown),
        T(test_validate_l1_takes_refs),
        T(test_validate_rollback),
        T(test_l1_entry_refusals),
        T(test_nonleaf_refusals),
        T(test_put_type_refusals),
        T(test_external_type_ref_keeps_validated),
        T(test_concurrent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
