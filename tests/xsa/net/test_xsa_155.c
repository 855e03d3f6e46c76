/*
 * XSA-155 class: "paravirtualized drivers incautious about shared memory
 * contents". A backend that reads a request field from shared memory,
 * checks it, and reads it again to use it can be raced by the guest
 * rewriting the field in between (a double fetch). Our ring copies each
 * entry out of the shared slot once; the attacker's rewrite after that
 * copy must change nothing the backend sees.
 */
#include <hv/vsw_ring.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct req {
    uint32_t id;
    uint32_t offset; /* a backend would bound-check these ... */
    uint32_t len;    /* ... and then use them */
    uint32_t pad;
};

/* A backend step: fetch, check, "use". Returns the length it used. */
static uint32_t serve(struct hv_vsw_ring_back *b, uint8_t *shared_slot,
                      uint32_t evil_len)
{
    struct req r;
    assert_int_equal(hv_vsw_ring_get_request(b, &r), 1);
    if (r.offset + r.len > HV_PAGE_SIZE)
        return 0; /* refused */
    /* the attacker races the check: rewrite the shared slot now */
    struct req evil = r;
    evil.len = evil_len;
    memcpy(shared_slot, &evil, sizeof(evil));
    return r.len; /* the backend uses its copy */
}

static void test_double_fetch_is_harmless(void **state)
{
    (void)state;
    uint8_t *page = aligned_alloc(HV_PAGE_SIZE, HV_PAGE_SIZE);
    struct hv_vsw_ring_plain pl = {page, 1};
    struct hv_vsw_ring_front f;
    struct hv_vsw_ring_back b;
    uint32_t ref = 0;
    bool notify;
    hv_vsw_ring_front_init(&f, page, HV_PAGE_SIZE, sizeof(struct req));
    hv_vsw_ring_back_attach(&b, &hv_vsw_ring_plain_ops, &pl, &ref, 1,
                            sizeof(struct req));
    struct req r = {7, 100, 200, 0};
    hv_vsw_ring_put_request(&f, &r);
    hv_vsw_ring_push_requests(&f, &notify);
    uint8_t *slot0 = page + HV_VSW_RING_HDR;
    assert_int_equal(serve(&b, slot0, 0xfffff000u), 200);
    /* the shared slot was rewritten, the consumed copy was not re-read */
    struct req now;
    memcpy(&now, slot0, sizeof(now));
    assert_int_equal(now.len, 0xfffff000u);
    hv_vsw_ring_back_detach(&b);
    free(page);
}

static void test_index_read_once(void **state)
{
    (void)state;
    /* The frontend publishes 1 request, the backend consumes it; the
     * guest then moves req_prod back and forth. Each call re-validates
     * the index it read: never more than one slot is taken per call and
     * nothing is taken past what was validated. */
    uint8_t *page = aligned_alloc(HV_PAGE_SIZE, HV_PAGE_SIZE);
    struct hv_vsw_ring_plain pl = {page, 1};
    struct hv_vsw_ring_front f;
    struct hv_vsw_ring_back b;
    uint32_t ref = 0;
    bool notify;
    struct req r = {1, 0, 0, 0};
    hv_vsw_ring_front_init(&f, page, HV_PAGE_SIZE, sizeof(r));
    hv_vsw_ring_back_attach(&b, &hv_vsw_ring_plain_ops, &pl, &ref, 1,
                            sizeof(r));
    hv_vsw_ring_put_request(&f, &r);
    hv_vsw_ring_push_requests(&f, &notify);
    struct hv_sring *s = (struct hv_sring *)page;
    assert_int_equal(hv_vsw_ring_get_request(&b, &r), 1);
    assert_int_equal(b.req_cons, 1);
    s->req_prod = 1; /* nothing new */
    assert_int_equal(hv_vsw_ring_get_request(&b, &r), 0);
    s->req_prod = 3; /* two "new" slots the guest never filled */
    assert_int_equal(hv_vsw_ring_get_request(&b, &r), 1);
    assert_int_equal(b.req_cons, 2);
    s->req_prod = 0; /* backwards: hostile */
    assert_int_equal(hv_vsw_ring_get_request(&b, &r), HV_EIO);
    assert_int_equal(b.req_cons, 2);
    hv_vsw_ring_back_detach(&b);
    free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double_fetch_is_harmless),
        cmocka_unit_test(test_index_read_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
