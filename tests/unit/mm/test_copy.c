/* hv_mm_copy: bytes between frames, checked as references would be. */
#include "mm_fixture.h"

#include <hv/mm_share.h>

/* Everything a refused copy must leave as it was. */
struct snap {
    struct hv_mm_page pages[FX_FRAMES];
    uint8_t dst[4096];
    struct hv_mm_flush flush;
};

static struct snap snap_;

static void take_snap(struct fx *f, uint64_t dst)
{
    memcpy(snap_.pages, f->pages, sizeof(snap_.pages));
    memcpy(snap_.dst, fx_mem[dst], sizeof(snap_.dst));
    snap_.flush = f->flush;
}

static void assert_unchanged(struct fx *f, uint64_t dst)
{
    assert_memory_equal(snap_.pages, f->pages, sizeof(snap_.pages));
    assert_memory_equal(snap_.dst, fx_mem[dst], sizeof(snap_.dst));
    assert_int_equal(snap_.flush.flags, f->flush.flags);
    assert_int_equal(f->maps, 0);
}

static struct hv_mm_copy_side side(uint64_t mfn, hv_domid_t owner,
                                   uint16_t offset)
{
    struct hv_mm_copy_side s;

    s.mfn = hv_mfn(mfn);
    s.owner = owner;
    s.offset = offset;
    return s;
}

/* Copy expecting @rc; with a refusal, expect *refused == @who (or the
 * sentinel 99 when the arguments were refused) and nothing changed. */
static void expect(struct fx *f, struct hv_mm_copy_side d,
                   struct hv_mm_copy_side s, uint32_t len, int rc,
                   unsigned int who)
{
    unsigned int refused = 99;

    take_snap(f, hv_mfn_val(d.mfn) < FX_FRAMES ? hv_mfn_val(d.mfn) : 0);
    assert_int_equal(hv_mm_copy(&f->mm, d, s, len, &refused, &f->flush), rc);
    assert_int_equal(refused, who);
    assert_unchanged(f, hv_mfn_val(d.mfn) < FX_FRAMES ? hv_mfn_val(d.mfn) : 0);
}

static void test_copy_bytes(void **state)
{
    struct fx *f = *state;
    uint64_t a = fx_alloc(f, &f->a), b = fx_alloc(f, &f->b);
    struct hv_mm_copy_side d = side(b, 2, 100), s = side(a, 1, 7);
    unsigned int refused = 99;
    int i;

    for (i = 0; i < 4096; i++)
        fx_mem[a][i] = (uint8_t)(i * 7 + 1);
    assert_int_equal(hv_mm_copy(&f->mm, d, s, 3000, &refused, &f->flush),
                     HV_OK);
    assert_int_equal(refused, 99);
    assert_memory_equal(fx_mem[b] + 100, fx_mem[a] + 7, 3000);
    assert_int_equal(fx_mem[b][99], 0);
    assert_int_equal(fx_mem[b][3100], 0);
    /* No reference is left behind; the destination is WRITABLE, unused. */
    assert_int_equal(fx_info(f, a).count, 1);
    assert_int_equal(fx_info(f, a).type_count, 0);
    assert_int_equal(fx_info(f, b).count, 1);
    assert_int_equal(fx_info(f, b).type, HV_MM_TYPE_WRITABLE);
    assert_int_equal(fx_info(f, b).type_count, 0);
    fx_check(f);

    /* A whole frame, and a copy of length 0 (checks only). */
    d.offset = s.offset = 0;
    assert_int_equal(hv_mm_copy(&f->mm, d, s, 4096, NULL, &f->flush), HV_OK);
    assert_memory_equal(fx_mem[b], fx_mem[a], 4096);
    d = side(b, 2, 4096);
    s = side(a, 1, 4096);
    assert_int_equal(hv_mm_copy(&f->mm, d, s, 0, NULL, &f->flush), HV_OK);
    fx_check(f);
}

static void test_copy_same_frame_overlap(void **state)
{
    struct fx *f = *state;
    uint64_t a = fx_alloc(f, &f->a);
    struct hv_mm_copy_side d = side(a, 1, 10), s = side(a, 1, 0);
    uint8_t want[4096];
    int i;

    for (i = 0; i < 4096; i++)
        fx_mem[a][i] = (uint8_t)i;
    memcpy(want, fx_mem[a], sizeof(want));
    memmove(want + 10, want, 100);
    assert_int_equal(hv_mm_copy(&f->mm, d, s, 100, NULL, &f->flush), HV_OK);
    assert_memory_equal(fx_mem[a], want, sizeof(want));
    /* Backwards too. */
    d.offset = 0;
    s.offset = 10;
    memmove(want, want + 10, 100);
    assert_int_equal(hv_mm_copy(&f->mm, d, s, 100, NULL, &f->flush), HV_OK);
    assert_memory_equal(fx_mem[a], want, sizeof(want));
    fx_check(f);
}

static void test_copy_argument_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t a = fx_alloc(f, &f->a), b = fx_alloc(f, &f->b);
    struct hv_mm_copy_side d = side(b, 2, 0), s = side(a, 1, 0);

    assert_int_equal(hv_mm_copy(&f->mm, d, s, 1, NULL, NULL), HV_EINVAL);
    /* No range may leave its frame (nor wrap). */
    expect(f, d, s, 4097, HV_EINVAL, 99);
    expect(f, side(b, 2, 1), s, 4096, HV_EINVAL, 99);
    expect(f, d, side(a, 1, 4000), 97, HV_EINVAL, 99);
    expect(f, d, side(a, 1, 0xFFFF), 2, HV_EINVAL, 99);
    expect(f, d, s, 0xFFFFFFFFu, HV_EINVAL, 99);
    fx_check(f);
}

static void test_copy_frame_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t a = fx_alloc(f, &f->a), b = fx_alloc(f, &f->b);
    struct hv_mm_copy_side d = side(b, 2, 0), s = side(a, 1, 0);
    hv_mfn_t free_frame;

    assert_int_equal(hv_mm_alloc_xen(&f->mm, 0, &free_frame), HV_OK);
    assert_int_equal(hv_mm_free_xen(&f->mm, free_frame, 0), HV_OK);

    /* The source: a hole, beyond the table, free, reserved, not owned. */
    expect(f, d, side(FX_HOLE_FIRST, 1, 0), 8, HV_EINVAL, 0);
    expect(f, d, side(FX_FRAMES, 1, 0), 8, HV_EINVAL, 0);
    expect(f, d, side(~0ULL, 1, 0), 8, HV_EINVAL, 0);
    expect(f, d, side(hv_mfn_val(free_frame), HV_DOMID_INVALID, 0), 8,
           HV_EINVAL, 0);
    expect(f, d, side(FX_RSV_FIRST, HV_DOMID_XEN, 0), 8, HV_EINVAL, 0);
    expect(f, d, side(a, 2, 0), 8, HV_EPERM, 0);
    /* The source is checked first: both bad reports the source. */
    expect(f, side(a, 2, 0), side(b, 1, 0), 8, HV_EPERM, 0);

    /* The destination, the same ways. */
    expect(f, side(FX_HOLE_FIRST, 2, 0), s, 8, HV_EINVAL, 1);
    expect(f, side(hv_mfn_val(free_frame), HV_DOMID_INVALID, 0), s, 8,
           HV_EINVAL, 1);
    expect(f, side(FX_RSV_FIRST, HV_DOMID_XEN, 0), s, 8, HV_EINVAL, 1);
    expect(f, side(b, 1, 0), s, 8, HV_EPERM, 1);
    fx_check(f);
}

static void test_copy_type_refusals(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), a = fx_alloc(f, &f->a);
    struct hv_mm_copy_side s = side(a, 1, 0);

    /* Never into a page table (typed, here pinned) ... */
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    f->flush.flags = 0;
    expect(f, side(l1, 1, 0), s, 8, HV_EBUSY, 1);
    /* ... but reading one is fine. */
    assert_int_equal(hv_mm_copy(&f->mm, s, side(l1, 1, 0), 8, NULL, &f->flush),
                     HV_OK);
    assert_int_equal(fx_info(f, l1).type_count, 1);
    assert_int_equal(fx_info(f, l1).count, 2);
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(l1), &f->flush), HV_OK);
    fx_check(f);
}

/* A frame whose last typed use was a page table may linger in a TLB: the
 * first copy into it flushes before it becomes WRITABLE, as a reference
 * would. */
static void test_copy_retype_flushes(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = fx_alloc(f, &f->a), a = fx_alloc(f, &f->a);
    struct hv_mm_copy_side d = side(l1, 1, 0), s = side(a, 1, 0);

    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(l1), &f->flush), HV_OK);
    assert_int_equal(fx_info(f, l1).type, HV_MM_TYPE_L1);
    f->flush.flags = 0;
    assert_int_equal(hv_mm_copy(&f->mm, d, s, 8, NULL, &f->flush), HV_OK);
    assert_true(f->flush.flags & HV_MM_FLUSH_ALL);
    assert_int_equal(fx_info(f, l1).type, HV_MM_TYPE_WRITABLE);
    assert_int_equal(fx_info(f, l1).type_count, 0);
    /* Becoming a page table again validates the copied contents. */
    f->flush.flags = 0;
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(l1), 1, &f->flush), HV_OK);
    assert_true(f->flush.flags & HV_MM_FLUSH_ALL);
    assert_int_equal(hv_mm_unpin(&f->mm, &f->a, hv_mfn(l1), &f->flush), HV_OK);
    fx_check(f);
}

static void test_copy_count_limits(void **state)
{
    struct fx *f = *state;
    uint64_t a = fx_alloc(f, &f->a), b = fx_alloc(f, &f->a);
    struct hv_mm_copy_side d = side(b, 1, 0), s = side(a, 1, 0);

    /* A count at the limit refuses the copy as it refuses a reference. */
    f->pages[a].count = HV_MM_REF_MAX;
    expect(f, d, s, 8, HV_EMLINK, 0);
    f->pages[a].count = 1;
    f->pages[b].count = HV_MM_REF_MAX;
    expect(f, d, s, 8, HV_EMLINK, 1);
    /* One frame both ways counts both would-be references. */
    f->pages[b].count = HV_MM_REF_MAX - 1;
    expect(f, d, side(b, 1, 0), 8, HV_EMLINK, 1);
    assert_int_equal(hv_mm_copy(&f->mm, d, s, 8, NULL, &f->flush), HV_OK);
    assert_int_equal(f->pages[b].count, HV_MM_REF_MAX - 1);
    f->pages[b].count = 1;
    /* A WRITABLE type count at the limit. */
    assert_int_equal(hv_mm_get_page_and_type(&f->mm, hv_mfn(b), 1,
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_OK);
    f->pages[b].type_count = HV_MM_REF_MAX;
    expect(f, d, s, 8, HV_EMLINK, 1);
    f->pages[b].type_count = 1;
    assert_int_equal(hv_mm_put_page_and_type(&f->mm, hv_mfn(b),
                                             HV_MM_TYPE_WRITABLE, &f->flush),
                     HV_OK);
    fx_check(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_copy_bytes),
        T(test_copy_same_frame_overlap),
        T(test_copy_argument_refusals),
        T(test_copy_frame_refusals),
        T(test_copy_type_refusals),
        T(test_copy_retype_flushes),
        T(test_copy_count_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
