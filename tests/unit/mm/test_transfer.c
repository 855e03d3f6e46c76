/* hv_mm_transfer_page: a frame changes owner (steal_page + assign_pages). */
#include "mm_fixture.h"

#include <hv/mm_share.h>

/* Everything a refused transfer must leave as it was. */
struct snap {
    struct hv_mm_page pages[FX_FRAMES];
    uint64_t m2p[FX_FRAMES];
    uint64_t p2m_a[FX_P2M], p2m_b[FX_P2M];
    uint64_t tot_a, tot_b, max_a, max_b;
    struct hv_mm_flush flush;
};

static struct snap snap_;

static void take_snap(struct fx *f)
{
    memcpy(snap_.pages, f->pages, sizeof(snap_.pages));
    memcpy(snap_.m2p, f->m2p, sizeof(snap_.m2p));
    memcpy(snap_.p2m_a, f->p2m_a, sizeof(snap_.p2m_a));
    memcpy(snap_.p2m_b, f->p2m_b, sizeof(snap_.p2m_b));
    snap_.tot_a = f->a.tot_pages;
    snap_.tot_b = f->b.tot_pages;
    snap_.max_a = f->a.max_pages;
    snap_.max_b = f->b.max_pages;
    snap_.flush = f->flush;
}

static void assert_unchanged(struct fx *f)
{
    assert_memory_equal(snap_.pages, f->pages, sizeof(snap_.pages));
    assert_memory_equal(snap_.m2p, f->m2p, sizeof(snap_.m2p));
    assert_memory_equal(snap_.p2m_a, f->p2m_a, sizeof(snap_.p2m_a));
    assert_memory_equal(snap_.p2m_b, f->p2m_b, sizeof(snap_.p2m_b));
    assert_int_equal(snap_.tot_a, f->a.tot_pages);
    assert_int_equal(snap_.tot_b, f->b.tot_pages);
    assert_int_equal(snap_.max_a, f->a.max_pages);
    assert_int_equal(snap_.max_b, f->b.max_pages);
    assert_int_equal(snap_.flush.flags, f->flush.flags);
}

/* Transfer expecting refusal @rc (the check alone agrees) and no trace. */
static void refused(struct fx *f, struct hv_mm_domain *from,
                    struct hv_mm_domain *to, uint64_t mfn, int rc)
{
    take_snap(f);
    assert_int_equal(hv_mm_can_transfer_page(&f->mm, from, to, hv_mfn(mfn)),
                     rc);
    assert_int_equal(
        hv_mm_transfer_page(&f->mm, from, to, hv_mfn(mfn), &f->flush), rc);
    assert_unchanged(f);
}

/* A frame of a, mapped at gfn @g in a's P2M. */
static uint64_t populated(struct fx *f, uint64_t g)
{
    size_t done = 0;

    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, &g, 1, &done),
                     HV_OK);
    assert_int_equal(done, 1);
    return f->p2m_a[g];
}

static void test_transfer_moves_the_frame(void **state)
{
    struct fx *f = *state;
    uint64_t m = populated(f, 5);
    uint64_t tot_a = f->a.tot_pages, tot_b = f->b.tot_pages;
    struct hv_mm_page_info i;

    memset(fx_mem[m], 0x5A, 4096);
    assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(m)), 5);
    assert_int_equal(hv_mm_can_transfer_page(&f->mm, &f->a, &f->b, hv_mfn(m)),
                     HV_OK);
    assert_int_equal(
        hv_mm_transfer_page(&f->mm, &f->a, &f->b, hv_mfn(m), &f->flush), HV_OK);
    i = fx_info(f, m);
    assert_int_equal(i.owner, 2);
    assert_int_equal(i.count, 1);
    assert_true(i.is_allocated);
    assert_int_equal(i.type, HV_MM_TYPE_NONE);
    assert_int_equal(i.type_count, 0);
    assert_int_equal(f->a.tot_pages, tot_a - 1);
    assert_int_equal(f->b.tot_pages, tot_b + 1);
    /* Gone from the giver's P2M and the M2P; the contents travel. */
    assert_int_equal(hv_mm_p2m(&f->mm, &f->a, hv_gfn(5)), HV_MM_INVALID_FRAME);
    assert_int_equal(hv_mm_m2p(&f->mm, hv_mfn(m)), HV_MM_INVALID_FRAME);
    assert_int_equal(fx_mem[m][0], 0x5A);
    assert_int_equal(fx_mem[m][4095], 0x5A);
    fx_check(f);

    /* The giver has lost every right to it ... */
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 1), HV_EPERM);
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(m), &f->flush),
                     HV_EINVAL);
    /* ... the recipient has them all, and can give it back. */
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 2), HV_OK);
    assert_int_equal(hv_mm_put_page(&f->mm, hv_mfn(m), &f->flush), HV_OK);
    assert_int_equal(
        hv_mm_transfer_page(&f->mm, &f->b, &f->a, hv_mfn(m), &f->flush), HV_OK);
    assert_int_equal(fx_info(f, m).owner, 1);
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(m), &f->flush),
                     HV_OK);
    assert_true(fx_info(f, m).is_free);
    fx_check(f);
}

/* A writable mapping that ended may still be in a TLB: flush first. */
static void test_transfer_flushes_stale(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a), clean = fx_alloc(f, &f->a);

    assert_int_equal(hv_mm_get_page_and_type(&f->mm, hv_mfn(m), 1,
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_OK);
    assert_int_equal(hv_mm_put_page_and_type(&f->mm, hv_mfn(m),
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_OK);
    f->flush.flags = 0;
    assert_int_equal(
        hv_mm_transfer_page(&f->mm, &f->a, &f->b, hv_mfn(clean), &f->flush),
        HV_OK);
    assert_int_equal(f->flush.flags, 0); /* never used: nothing to flush */
    assert_int_equal(
        hv_mm_transfer_page(&f->mm, &f->a, &f->b, hv_mfn(m), &f->flush), HV_OK);
    assert_true(f->flush.flags & HV_MM_FLUSH_ALL);
    assert_int_equal(fx_info(f, m).type, HV_MM_TYPE_NONE);
    fx_check(f);
}

static void test_transfer_argument_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a);
    hv_mfn_t free_frame;

    take_snap(f);
    assert_int_equal(
        hv_mm_transfer_page(&f->mm, NULL, &f->b, hv_mfn(m), &f->flush),
        HV_EINVAL);
    assert_int_equal(
        hv_mm_transfer_page(&f->mm, &f->a, NULL, hv_mfn(m), &f->flush),
        HV_EINVAL);
    assert_int_equal(hv_mm_transfer_page(&f->mm, &f->a, &f->b, hv_mfn(m), NULL),
                     HV_EINVAL);
    assert_int_equal(hv_mm_can_transfer_page(&f->mm, NULL, &f->b, hv_mfn(m)),
                     HV_EINVAL);
    assert_unchanged(f);
    refused(f, &f->a, &f->a, m, HV_EINVAL); /* to itself */
    /* Not a frame: a hole, beyond the table. */
    refused(f, &f->a, &f->b, FX_HOLE_FIRST, HV_EINVAL);
    refused(f, &f->a, &f->b, FX_FRAMES, HV_EINVAL);
    refused(f, &f->a, &f->b, ~0ULL, HV_EINVAL);
    /* Not the giver's: the other domain's, the hypervisor's, a free one. */
    refused(f, &f->b, &f->a, m, HV_EPERM);
    refused(f, &f->a, &f->b, FX_RSV_FIRST, HV_EPERM);
    assert_int_equal(hv_mm_alloc_xen(&f->mm, 0, &free_frame), HV_OK);
    refused(f, &f->a, &f->b, hv_mfn_val(free_frame), HV_EPERM);
    assert_int_equal(hv_mm_free_xen(&f->mm, free_frame, 0), HV_OK);
    refused(f, &f->a, &f->b, hv_mfn_val(free_frame), HV_EPERM);
    fx_check(f);
}

static void test_transfer_use_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a), l1 = fx_alloc(f, &f->a);
    uint64_t gone = fx_alloc(f, &f->a), l1m = fx_alloc(f, &f->a);

    /* Someone else holds a general reference (a mapping, a grant). */
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(m), 1), HV_OK);
    refused(f, &f->a, &f->b, m, HV_EBUSY);
    /* ... and a WRITABLE type too. */
    assert_int_equal(
        hv_mm_get_page_type(&f->mm, hv_mfn(m), HV_MM_TYPE_WRITABLE, &f->flush),
        HV_OK);
    f->ext_count[m] = 1;
    f->ext_type[m] = 1;
    fx_check(f);
    refused(f, &f->a, &f->b, m, HV_EBUSY);
    assert_int_equal(hv_mm_put_page_and_type(&f->mm, hv_mfn(m),
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_OK);
    f->ext_count[m] = f->ext_type[m] = 0;

    /* Pinned as a page table, or mapped by one. */
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    refused(f, &f->a, &f->b, l1, HV_EBUSY);
    /* A read-only mapping of l1m. */
    assert_int_equal(fx_update(f, &f->a, l1, 3, pte(l1m, P | US)), HV_OK);
    refused(f, &f->a, &f->b, l1m, HV_EBUSY);
    assert_int_equal(fx_update(f, &f->a, l1, 3, 0), HV_OK);
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(l1), &f->flush), HV_OK);

    /* Released but still referenced: no longer the giver's to give. */
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(gone), 1), HV_OK);
    f->ext_count[gone] = 1;
    assert_int_equal(hv_mm_release_page(&f->mm, &f->a, hv_mfn(gone), &f->flush),
                     HV_OK);
    refused(f, &f->a, &f->b, gone, HV_EINVAL);
    fx_check(f);
    assert_int_equal(hv_mm_put_page(&f->mm, hv_mfn(gone), &f->flush), HV_OK);
    f->ext_count[gone] = 0;
    assert_true(fx_info(f, gone).is_free);
    fx_check(f);
}

static void test_transfer_recipient_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t m = fx_alloc(f, &f->a), held = fx_alloc(f, &f->b);
    struct hv_mm_domain stranger;

    /* The recipient's reservation is full. */
    assert_int_equal(hv_mm_domain_set_max(
                         &f->mm, &f->b, hv_mm_domain_tot_pages(&f->mm, &f->b)),
                     HV_OK);
    refused(f, &f->a, &f->b, m, HV_ENOMEM);
    assert_int_equal(hv_mm_domain_set_max(&f->mm, &f->b, FX_B_MAX), HV_OK);

    /* A domain never registered. */
    memset(&stranger, 0, sizeof(stranger));
    stranger.id = 3;
    refused(f, &f->a, &stranger, m, HV_ESRCH);

    /* A dying recipient (teardown began; a frame of it is still held). */
    assert_int_equal(hv_mm_get_page(&f->mm, hv_mfn(held), 2), HV_OK);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &f->b, &f->flush), HV_EBUSY);
    refused(f, &f->a, &f->b, m, HV_ESRCH);
    /* Nor may a dying domain give: its frames are all released anyway. */
    assert_int_equal(fx_info(f, held).owner, 2);
    refused(f, &f->b, &f->a, held, HV_ESRCH);
    assert_int_equal(hv_mm_put_page(&f->mm, hv_mfn(held), &f->flush), HV_OK);
    assert_int_equal(hv_mm_domain_teardown(&f->mm, &f->b, &f->flush), HV_OK);
    fx_check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_transfer_moves_the_frame),    T(test_transfer_flushes_stale),
        T(test_transfer_argument_refusals),  T(test_transfer_use_refusals),
        T(test_transfer_recipient_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
