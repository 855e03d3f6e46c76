/*
 * The checker itself: each kind of corruption is planted by hand in the
 * private records and must be found; undone, the state is clean again.
 * This is what makes "fx_check() passes" mean something in every test.
 */
#include "mm_fixture.h"

static void expect_broken(struct fx *f, const char *what)
{
    char msg[256];
    int rc = hv_mm_check(&f->mm, HV_MM_CHECK_SCRUB, fx_ext, f, f->scratch,
                         HV_ARRAY_SIZE(f->scratch), msg, sizeof(msg));

    if (rc != HV_EBADMSG)
        fail_msg("corruption not found: %s", what);
    assert_true(msg[0] != '\0');
}

struct setup {
    struct fx_tree t;
    uint64_t x, g;
};

static struct setup build(struct fx *f)
{
    struct setup s;
    size_t done;

    s.t = fx_tree(f, &f->a);
    s.x = fx_alloc(f, &f->a);
    fx_frame(s.t.l1)[1] = pte(s.x, P | RW);
    assert_int_equal(hv_mm_pin(&f->mm, &f->a, hv_mfn(s.t.l4), 4, &f->flush),
                     HV_OK);
    s.g = 3;
    assert_int_equal(hv_mm_populate_physmap(&f->mm, &f->a, 0, &s.g, 1, &done),
                     HV_OK);
    fx_check(f);
    return s;
}

#define PLANT(field, bad, what)         \
    do {                                \
        __typeof__(field) old_ = field; \
        field = bad;                    \
        expect_broken(f, what);         \
        field = old_;                   \
        fx_check(f);                    \
    } while (0)

static void test_detects_corruption(void **state)
{
    struct fx *f = *state;
    struct setup s = build(f);
    uint64_t gm = hv_mm_p2m(&f->mm, &f->a, hv_gfn(s.g));
    uint32_t head;

    PLANT(f->pages[s.x].count, 3, "general count too high");
    PLANT(f->pages[s.x].count, 1, "general count too low");
    PLANT(f->pages[s.x].type_count, 2, "type count");
    PLANT(f->pages[s.t.l2].type_count, 0, "table type count");
    PLANT(f->pages[s.t.l1].type, HV_MM_TYPE_L2, "table type");
    PLANT(f->pages[s.t.l1].flags, f->pages[s.t.l1].flags & ~0x20u,
          "validated flag");
    PLANT(f->pages[s.t.l3].linear, 1, "linear count");
    PLANT(f->pages[s.x].owner, 2, "owner");
    PLANT(f->pages[s.x].owner, 9, "unregistered owner");
    PLANT(f->pages[FX_RSV_FIRST].count, 1, "reserved frame in use");
    PLANT(f->pages[FX_HOLE_FIRST].flags, 0x8, "hole with flags");
    PLANT(f->a.tot_pages, 3, "tot_pages");
    PLANT(f->a.max_pages, 2, "over reservation");
    PLANT(f->m2p[gm], 4, "m2p disagrees");
    PLANT(f->p2m_a[4], gm, "p2m disagrees");
    PLANT(f->m2p[s.x], 700, "m2p of frame without p2m");
    PLANT(f->mm.free_frames, f->mm.free_frames + 1, "free counter");
    PLANT(fx_frame(s.t.l1)[2], pte(s.x, P), "entry without reference");
    PLANT(fx_frame(s.t.l4)[256], pte(s.t.l3, P), "hypervisor slot");
    PLANT(f->a.baseptr[0], s.t.l4, "base pointer without reference");
    PLANT(f->a.baseptr[1], s.x, "base pointer to a non-L4");
    head = 0;
    while (f->mm.free_head[head] == 0xFFFFFFFFu)
        head++;
    PLANT(f->pages[f->mm.free_head[head]].order, head + 1, "free block order");
    PLANT(f->pages[f->mm.free_head[head]].owner, 1, "free frame owned");
    PLANT(fx_mem[f->mm.free_head[head]][100], 1, "free frame not scrubbed");
    PLANT(f->mm.free_head[head], (uint32_t)s.x, "allocated frame on list");
}

static void test_check_args(void **state)
{
    struct fx *f = *state;
    char msg[8];

    assert_int_equal(
        hv_mm_check(&f->mm, 0, NULL, NULL, f->scratch, 10, msg, sizeof(msg)),
        HV_EINVAL);
    assert_int_equal(hv_mm_check(&f->mm, 0, NULL, NULL, NULL, 0, NULL, 0),
                     HV_EINVAL);
    assert_int_equal(hv_mm_check(&f->mm, 0x8, NULL, NULL, f->scratch,
                                 HV_ARRAY_SIZE(f->scratch), NULL, 0),
                     HV_EINVAL);
    /* Truncated message, still terminated. */
    f->a.tot_pages = 5;
    assert_int_equal(hv_mm_check(&f->mm, 0, NULL, NULL, f->scratch,
                                 HV_ARRAY_SIZE(f->scratch), msg, sizeof(msg)),
                     HV_EBADMSG);
    assert_int_equal(strlen(msg), sizeof(msg) - 1);
    f->a.tot_pages = 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_detects_corruption),
        T(test_check_args),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
