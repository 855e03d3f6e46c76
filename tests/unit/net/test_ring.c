/* The split-driver ring: geometry, exchange, wrap-around, notification
 * suppression, hostile indices, and a two-thread run. */
#include <hv/vsw_ring.h>

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define ESZ 16 /* entry size used by most tests: 252 fit in a page -> 128 */

struct entry {
    uint32_t seq;
    uint32_t op;
    uint64_t data;
};

struct pair {
    void *mem;
    struct hv_vsw_ring_plain plain;
    struct hv_vsw_ring_front f;
    struct hv_vsw_ring_back b;
};

static struct pair *pair_new(unsigned int pages, size_t esz)
{
    struct pair *p = calloc(1, sizeof(*p));
    assert_non_null(p);
    p->mem = aligned_alloc(HV_PAGE_SIZE, 8 * HV_PAGE_SIZE);
    assert_non_null(p->mem);
    memset(p->mem, 0xee, 8 * HV_PAGE_SIZE);
    p->plain.base = p->mem;
    p->plain.page_count = 8;
    assert_int_equal(
        hv_vsw_ring_front_init(&p->f, p->mem, pages * HV_PAGE_SIZE, esz),
        HV_OK);
    uint32_t refs[8];
    for (unsigned int i = 0; i < pages; i++)
        refs[i] = i;
    assert_int_equal(hv_vsw_ring_back_attach(&p->b, &hv_vsw_ring_plain_ops,
                                             &p->plain, refs, pages, esz),
                     HV_OK);
    return p;
}

static void pair_free(struct pair *p)
{
    hv_vsw_ring_back_detach(&p->b);
    free(p->mem);
    free(p);
}

static void test_geometry(void **state)
{
    (void)state;
    assert_int_equal(hv_vsw_ring_slots(4096, 16), 128);
    assert_int_equal(hv_vsw_ring_slots(4096, 8), 256);
    assert_int_equal(hv_vsw_ring_slots(4096, 12), 256); /* 336 fit */
    assert_int_equal(hv_vsw_ring_slots(4096, 4032), 1);
    assert_int_equal(hv_vsw_ring_slots(4096, 4033), 0);
    assert_int_equal(hv_vsw_ring_slots(4096, 0), 0);
    assert_int_equal(hv_vsw_ring_slots(64, 4), 0);
    assert_int_equal(hv_vsw_ring_slots(8 * 4096, 16), 1024); /* 2044 fit */

    struct hv_vsw_ring_front f;
    void *mem = aligned_alloc(HV_PAGE_SIZE, 16 * HV_PAGE_SIZE);
    assert_int_equal(hv_vsw_ring_front_init(&f, NULL, 4096, 16), HV_EINVAL);
    assert_int_equal(hv_vsw_ring_front_init(&f, (char *)mem + 8, 4096, 16),
                     HV_EINVAL);
    assert_int_equal(hv_vsw_ring_front_init(&f, mem, 4000, 16), HV_EINVAL);
    assert_int_equal(hv_vsw_ring_front_init(&f, mem, 9 * 4096, 16), HV_EINVAL);
    assert_int_equal(hv_vsw_ring_front_init(&f, mem, 4096, 0), HV_EINVAL);
    assert_int_equal(hv_vsw_ring_front_init(&f, mem, 4096, 6), HV_EINVAL);
    assert_int_equal(hv_vsw_ring_front_init(&f, mem, 4096, 4096), HV_EINVAL);
    assert_int_equal(hv_vsw_ring_front_init(&f, mem, 4096, 16), HV_OK);
    const struct hv_sring *s = mem;
    assert_int_equal(s->req_prod, 0);
    assert_int_equal(s->rsp_prod, 0);
    assert_int_equal(s->req_event, 1);
    assert_int_equal(s->rsp_event, 1);
    assert_int_equal(hv_vsw_ring_free_requests(&f), 128);
    free(mem);
}

static int failing_map(void *ctx, const uint32_t *refs, unsigned int count,
                       void **va)
{
    (void)ctx;
    (void)refs;
    (void)count;
    (void)va;
    return HV_EACCES;
}

static void nop_unmap(void *ctx, void *va, unsigned int count)
{
    (void)ctx;
    (void)va;
    (void)count;
}

static void test_attach_refusals(void **state)
{
    (void)state;
    void *mem = aligned_alloc(HV_PAGE_SIZE, 4 * HV_PAGE_SIZE);
    struct hv_vsw_ring_plain pl = {mem, 4};
    struct hv_vsw_ring_back b;
    uint32_t refs[4] = {0, 1, 2, 3};
    const struct hv_vsw_ring_ops *ops = &hv_vsw_ring_plain_ops;
    assert_int_equal(hv_vsw_ring_back_attach(&b, ops, &pl, refs, 0, 16),
                     HV_EINVAL);
    assert_int_equal(hv_vsw_ring_back_attach(&b, ops, &pl, refs, 9, 16),
                     HV_EINVAL);
    assert_int_equal(hv_vsw_ring_back_attach(&b, ops, &pl, NULL, 1, 16),
                     HV_EINVAL);
    assert_int_equal(hv_vsw_ring_back_attach(&b, ops, &pl, refs, 1, 6),
                     HV_EINVAL);
    assert_int_equal(hv_vsw_ring_back_attach(&b, NULL, &pl, refs, 1, 16),
                     HV_EINVAL);
    /* hostile references: out of the region, not consecutive */
    uint32_t far[1] = {4};
    assert_int_equal(hv_vsw_ring_back_attach(&b, ops, &pl, far, 1, 16),
                     HV_EINVAL);
    uint32_t gap[2] = {0, 2};
    assert_int_equal(hv_vsw_ring_back_attach(&b, ops, &pl, gap, 2, 16),
                     HV_EINVAL);
    uint32_t wrap[2] = {0xffffffffu, 0};
    assert_int_equal(hv_vsw_ring_back_attach(&b, ops, &pl, wrap, 2, 16),
                     HV_EINVAL);
    /* the map callback's own error comes back */
    const struct hv_vsw_ring_ops bad = {failing_map, nop_unmap};
    assert_int_equal(hv_vsw_ring_back_attach(&b, &bad, &pl, refs, 1, 16),
                     HV_EACCES);
    /* a good one, at page 2 of the region */
    uint32_t two[2] = {2, 3};
    assert_int_equal(hv_vsw_ring_back_attach(&b, ops, &pl, two, 2, 16), HV_OK);
    assert_ptr_equal(b.s, (char *)mem + 2 * HV_PAGE_SIZE);
    hv_vsw_ring_back_detach(&b);
    free(mem);
}

static void test_exchange(void **state)
{
    (void)state;
    struct pair *p = pair_new(1, ESZ);
    struct entry e = {0}, got;
    bool notify, more;

    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), 0);
    for (uint32_t i = 0; i < 3; i++) {
        e.seq = i;
        e.data = 100 + i;
        assert_int_equal(hv_vsw_ring_put_request(&p->f, &e), HV_OK);
    }
    /* not visible before the push */
    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), 0);
    assert_int_equal(hv_vsw_ring_push_requests(&p->f, &notify), HV_OK);
    assert_true(notify); /* req_event starts at 1 */
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), 1);
        assert_int_equal(got.seq, i);
        assert_int_equal(got.data, 100 + i);
    }
    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), 0);
    /* responses: only for consumed requests */
    for (uint32_t i = 0; i < 3; i++) {
        got.op = 7;
        assert_int_equal(hv_vsw_ring_put_response(&p->b, &got), HV_OK);
    }
    assert_int_equal(hv_vsw_ring_put_response(&p->b, &got), HV_ENOSPC);
    assert_int_equal(hv_vsw_ring_get_response(&p->f, &got), 0);
    assert_int_equal(hv_vsw_ring_push_responses(&p->b, &notify), HV_OK);
    assert_true(notify);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(hv_vsw_ring_get_response(&p->f, &got), 1);
    assert_int_equal(hv_vsw_ring_get_response(&p->f, &got), 0);
    assert_int_equal(hv_vsw_ring_final_check_responses(&p->f, &more), HV_OK);
    assert_false(more);
    assert_int_equal(p->f.s->rsp_event, 4);

    /* full ring */
    for (uint32_t i = 0; i < 128; i++)
        assert_int_equal(hv_vsw_ring_put_request(&p->f, &e), HV_OK);
    assert_int_equal(hv_vsw_ring_free_requests(&p->f), 0);
    assert_int_equal(hv_vsw_ring_put_request(&p->f, &e), HV_ENOSPC);
    pair_free(p);
}

static void test_notification_suppression(void **state)
{
    (void)state;
    struct pair *p = pair_new(1, ESZ);
    struct entry e = {0}, got;
    bool notify, more;

    /* first push notifies (event 1 in (0, 1]) */
    hv_vsw_ring_put_request(&p->f, &e);
    hv_vsw_ring_push_requests(&p->f, &notify);
    assert_true(notify);
    /* backend busy, has not re-armed: further pushes stay silent */
    hv_vsw_ring_put_request(&p->f, &e);
    hv_vsw_ring_put_request(&p->f, &e);
    hv_vsw_ring_push_requests(&p->f, &notify);
    assert_false(notify);
    /* backend drains; its final check sees nothing new and re-arms */
    while (hv_vsw_ring_get_request(&p->b, &got) == 1)
        ;
    assert_int_equal(hv_vsw_ring_final_check_requests(&p->b, &more), HV_OK);
    assert_false(more);
    assert_int_equal(p->b.s->req_event, 4);
    /* a push without new requests does not notify */
    hv_vsw_ring_push_requests(&p->f, &notify);
    assert_false(notify);
    /* the next batch notifies exactly once */
    hv_vsw_ring_put_request(&p->f, &e);
    hv_vsw_ring_put_request(&p->f, &e);
    hv_vsw_ring_push_requests(&p->f, &notify);
    assert_true(notify);
    hv_vsw_ring_put_request(&p->f, &e);
    hv_vsw_ring_push_requests(&p->f, &notify);
    assert_false(notify);
    /* a backend final check racing with a publication sees it */
    assert_int_equal(hv_vsw_ring_final_check_requests(&p->b, &more), HV_OK);
    assert_true(more);

    /* same on the response side */
    for (int i = 0; i < 3; i++)
        assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), 1);
    hv_vsw_ring_put_response(&p->b, &got);
    hv_vsw_ring_push_responses(&p->b, &notify);
    assert_true(notify); /* rsp_event 1 */
    hv_vsw_ring_put_response(&p->b, &got);
    hv_vsw_ring_push_responses(&p->b, &notify);
    assert_false(notify);
    while (hv_vsw_ring_get_response(&p->f, &got) == 1)
        ;
    hv_vsw_ring_final_check_responses(&p->f, &more);
    assert_false(more);
    hv_vsw_ring_put_response(&p->b, &got);
    hv_vsw_ring_push_responses(&p->b, &notify);
    assert_true(notify);
    pair_free(p);
}

/* Start both sides at index `at` (as if the ring had run that long). */
static void rewind_to(struct pair *p, uint32_t at)
{
    p->f.req_prod_pvt = p->f.req_pushed = p->f.rsp_cons = at;
    p->f.s->req_prod = p->f.s->rsp_prod = at;
    p->f.s->req_event = p->f.s->rsp_event = at + 1;
    uint32_t refs[1] = {0};
    hv_vsw_ring_back_detach(&p->b);
    assert_int_equal(hv_vsw_ring_back_attach(&p->b, &hv_vsw_ring_plain_ops,
                                             &p->plain, refs, 1, ESZ),
                     HV_OK);
    assert_int_equal(p->b.req_cons, at);
}

static void test_wrap_around(void **state)
{
    (void)state;
    struct pair *p = pair_new(1, ESZ);
    rewind_to(p, 0xffffff00u);
    uint32_t sent = 0, recv = 0, served = 0, notes = 0;
    struct entry e = {0}, got;
    bool notify, more;
    /* batches of varying size straight through the 2^32 wrap */
    for (unsigned int round = 0; round < 400; round++) {
        unsigned int batch = 1 + round % 128;
        for (unsigned int i = 0; i < batch; i++) {
            e.seq = sent++;
            e.data = (uint64_t)e.seq * 3;
            assert_int_equal(hv_vsw_ring_put_request(&p->f, &e), HV_OK);
        }
        hv_vsw_ring_push_requests(&p->f, &notify);
        notes += notify;
        while (hv_vsw_ring_get_request(&p->b, &got) == 1) {
            assert_int_equal(got.seq, served);
            assert_int_equal(got.data, (uint64_t)served * 3);
            served++;
            got.op = 1;
            assert_int_equal(hv_vsw_ring_put_response(&p->b, &got), HV_OK);
        }
        assert_int_equal(hv_vsw_ring_final_check_requests(&p->b, &more), HV_OK);
        assert_false(more);
        hv_vsw_ring_push_responses(&p->b, &notify);
        while (hv_vsw_ring_get_response(&p->f, &got) == 1) {
            assert_int_equal(got.seq, recv);
            assert_int_equal(got.op, 1);
            recv++;
        }
        hv_vsw_ring_final_check_responses(&p->f, &more);
        assert_false(more);
    }
    assert_int_equal(recv, sent);
    assert_true(p->f.req_prod_pvt < 0x1000000u); /* wrapped */
    /* backend re-armed after each drain: every batch notified */
    assert_int_equal(notes, 400);
    pair_free(p);
}

static void test_hostile_indices(void **state)
{
    (void)state;
    struct pair *p = pair_new(1, ESZ);
    struct entry e = {0}, got;
    bool notify, more;

    /* req_prod claiming more than the ring holds */
    p->f.s->req_prod = p->b.req_cons + 129;
    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), HV_EIO);
    /* broken is sticky, every call refuses */
    p->f.s->req_prod = p->b.req_cons + 1;
    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), HV_EIO);
    assert_int_equal(hv_vsw_ring_put_response(&p->b, &got), HV_EIO);
    assert_int_equal(hv_vsw_ring_push_responses(&p->b, &notify), HV_EIO);
    assert_int_equal(hv_vsw_ring_final_check_requests(&p->b, &more), HV_EIO);
    pair_free(p);

    /* req_prod moving backwards looks like 2^32 - n pending: refused */
    p = pair_new(1, ESZ);
    hv_vsw_ring_put_request(&p->f, &e);
    hv_vsw_ring_push_requests(&p->f, &notify);
    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), 1);
    p->f.s->req_prod = 0;
    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), HV_EIO);
    pair_free(p);

    /* requests overrunning slots whose responses are not yet written */
    p = pair_new(1, ESZ);
    for (int i = 0; i < 2; i++) {
        hv_vsw_ring_put_request(&p->f, &e);
        hv_vsw_ring_push_requests(&p->f, &notify);
        assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), 1);
    }
    /* 2 consumed, 0 answered: at most 128 - 2 more can be queued */
    p->f.s->req_prod = 2 + 127;
    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), HV_EIO);
    pair_free(p);

    /* frontend: responses to requests never made */
    p = pair_new(1, ESZ);
    hv_vsw_ring_put_request(&p->f, &e);
    hv_vsw_ring_push_requests(&p->f, &notify);
    p->f.s->rsp_prod = 2;
    assert_int_equal(hv_vsw_ring_get_response(&p->f, &got), HV_EIO);
    assert_int_equal(hv_vsw_ring_put_request(&p->f, &e), HV_EIO);
    assert_int_equal(hv_vsw_ring_push_requests(&p->f, &notify), HV_EIO);
    assert_int_equal(hv_vsw_ring_final_check_responses(&p->f, &more), HV_EIO);
    pair_free(p);

    /* a backend attaching to garbage indices refuses them on first use */
    p = pair_new(1, ESZ);
    p->f.s->rsp_prod = 0x12345678;
    p->f.s->req_prod = 0x9abcdef0;
    uint32_t refs[1] = {0};
    hv_vsw_ring_back_detach(&p->b);
    assert_int_equal(hv_vsw_ring_back_attach(&p->b, &hv_vsw_ring_plain_ops,
                                             &p->plain, refs, 1, ESZ),
                     HV_OK);
    assert_int_equal(hv_vsw_ring_get_request(&p->b, &got), HV_EIO);
    pair_free(p);
}

/* ---- two threads ----------------------------------------------------- */

#define THREAD_MSGS 200000u

struct duo {
    struct pair *p;
    sem_t to_back, to_front;
    int error;
    uint64_t sleeps;
};

static int wait_sem(sem_t *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    while (sem_timedwait(s, &ts) != 0) {
        if (errno != EINTR)
            return -1; /* a lost wakeup: the test fails, not hangs */
    }
    return 0;
}

static void *back_thread(void *arg)
{
    struct duo *d = arg;
    struct hv_vsw_ring_back *b = &d->p->b;
    uint32_t done = 0;
    uint8_t buf[64]; /* the ring's entry size */
    struct entry *e = (struct entry *)(void *)buf;
    bool notify, more;
    while (done < THREAD_MSGS) {
        int rc;
        while ((rc = hv_vsw_ring_get_request(b, buf)) == 1) {
            if (e->seq != done)
                d->error = 1;
            e->data = e->seq ^ 0xabcdu;
            if (hv_vsw_ring_put_response(b, buf) != HV_OK)
                d->error = 2;
            done++;
        }
        if (rc < 0) {
            d->error = 3;
            break;
        }
        hv_vsw_ring_push_responses(b, &notify);
        if (notify)
            sem_post(&d->to_front);
        hv_vsw_ring_final_check_requests(b, &more);
        if (!more && done < THREAD_MSGS) {
            d->sleeps++;
            if (wait_sem(&d->to_back) < 0) {
                d->error = 4;
                break;
            }
        }
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    (void)state;
    struct duo d = {0};
    d.p = pair_new(1, 64); /* 63 fit -> 32 slots: many wraps */
    sem_init(&d.to_back, 0, 0);
    sem_init(&d.to_front, 0, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, back_thread, &d), 0);
    struct hv_vsw_ring_front *f = &d.p->f;
    uint32_t sent = 0, recv = 0;
    uint8_t buf[64];
    memset(buf, 0, sizeof(buf));
    struct entry *e = (struct entry *)(void *)buf;
    bool notify, more;
    int lost = 0;
    while (recv < THREAD_MSGS && !d.error) {
        while (sent < THREAD_MSGS && hv_vsw_ring_free_requests(f) > 0) {
            e->seq = sent++;
            hv_vsw_ring_put_request(f, buf);
        }
        hv_vsw_ring_push_requests(f, &notify);
        if (notify)
            sem_post(&d.to_back);
        int got = 0;
        while (hv_vsw_ring_get_response(f, buf) == 1) {
            if (e->seq != recv || e->data != (e->seq ^ 0xabcdu))
                d.error = 10;
            recv++;
            got++;
        }
        if (got == 0 &&
            (sent == THREAD_MSGS || hv_vsw_ring_free_requests(f) == 0)) {
            hv_vsw_ring_final_check_responses(f, &more);
            if (!more && wait_sem(&d.to_front) < 0) {
                lost = 1;
                break;
            }
        }
    }
    if (lost)
        sem_post(&d.to_back);
    pthread_join(t, NULL);
    assert_int_equal(lost, 0);
    assert_int_equal(d.error, 0);
    assert_int_equal(recv, THREAD_MSGS);
    sem_destroy(&d.to_back);
    sem_destroy(&d.to_front);
    pair_free(d.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_attach_refusals),
        cmocka_unit_test(test_exchange),
        cmocka_unit_test(test_notification_suppression),
        cmocka_unit_test(test_wrap_around),
        cmocka_unit_test(test_hostile_indices),
        cmocka_unit_test(test_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
