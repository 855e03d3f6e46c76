/*
 * XSA-39 class: "Linux netback DoS via malicious guest ring". A guest
 * frontend writes ring indices that make a backend loop over, or index
 * past, more requests than the ring can hold. Our backend must refuse the
 * index, touch no slot because of it, and stay refused.
 */
#include <hv/vsw_ring.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ESZ 32

static void test_req_prod_far_ahead(void **state)
{
    (void)state;
    uint8_t *page = aligned_alloc(HV_PAGE_SIZE, HV_PAGE_SIZE);
    struct hv_vsw_ring_plain pl = {page, 1};
    struct hv_vsw_ring_front f;
    struct hv_vsw_ring_back b;
    uint32_t ref = 0;
    uint8_t e[ESZ] = {1};
    bool notify;
    assert_int_equal(hv_vsw_ring_front_init(&f, page, HV_PAGE_SIZE, ESZ),
                     HV_OK);
    assert_int_equal(
        hv_vsw_ring_back_attach(&b, &hv_vsw_ring_plain_ops, &pl, &ref, 1, ESZ),
        HV_OK);
    /* step 1: an honest request, served */
    hv_vsw_ring_put_request(&f, e);
    hv_vsw_ring_push_requests(&f, &notify);
    assert_int_equal(hv_vsw_ring_get_request(&b, e), 1);
    assert_int_equal(hv_vsw_ring_put_response(&b, e), HV_OK);
    /* step 2: the guest claims 2^31 pending requests */
    struct hv_sring *s = (struct hv_sring *)page;
    s->req_prod = b.req_cons + 0x80000000u;
    uint32_t cons = b.req_cons;
    assert_int_equal(hv_vsw_ring_get_request(&b, e), HV_EIO);
    assert_int_equal(b.req_cons, cons); /* nothing consumed */
    /* step 3: it "repairs" the index; the backend stays refused and the
     * owner tears the device down */
    s->req_prod = cons + 1;
    assert_int_equal(hv_vsw_ring_get_request(&b, e), HV_EIO);
    bool more;
    assert_int_equal(hv_vsw_ring_final_check_requests(&b, &more), HV_EIO);
    assert_int_equal(hv_vsw_ring_push_responses(&b, &notify), HV_EIO);
    hv_vsw_ring_back_detach(&b);
    free(page);
}

static void test_overrun_unanswered_slots(void **state)
{
    (void)state;
    /* the guest queues requests over slots whose responses the backend
     * has not written yet: the backend would read its own pending
     * responses' slots as requests */
    uint8_t *page = aligned_alloc(HV_PAGE_SIZE, HV_PAGE_SIZE);
    struct hv_vsw_ring_plain pl = {page, 1};
    struct hv_vsw_ring_front f;
    struct hv_vsw_ring_back b;
    uint32_t ref = 0;
    uint8_t e[ESZ] = {0};
    bool notify;
    hv_vsw_ring_front_init(&f, page, HV_PAGE_SIZE, ESZ);
    hv_vsw_ring_back_attach(&b, &hv_vsw_ring_plain_ops, &pl, &ref, 1, ESZ);
    uint32_t size = hv_vsw_ring_slots(HV_PAGE_SIZE, ESZ);
    for (uint32_t i = 0; i < size; i++)
        hv_vsw_ring_put_request(&f, e);
    hv_vsw_ring_push_requests(&f, &notify);
    for (uint32_t i = 0; i < size; i++)
        assert_int_equal(hv_vsw_ring_get_request(&b, e), 1);
    /* all consumed, none answered: one more is an overrun */
    struct hv_sring *s = (struct hv_sring *)page;
    s->req_prod = size + 1;
    assert_int_equal(hv_vsw_ring_get_request(&b, e), HV_EIO);
    hv_vsw_ring_back_detach(&b);
    free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_req_prod_far_ahead),
        cmocka_unit_test(test_overrun_unanswered_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
