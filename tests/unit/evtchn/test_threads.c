/*
 * libhv-evtchn under contention: sender threads in two domains hammer
 * interdomain sends at one receiving domain while a consumer thread, acting
 * as the receiver's guest upcall handler on two vCPUs, drains the pending
 * bits. Some ports are also masked by the consumer and unmasked through
 * hv_evtchn_unmask() while senders keep sending, to race unmask against
 * delivery.
 *
 * To tell "lost" and "duplicated" apart from legitimate coalescing, each
 * port carries a token: a sender may send on its port only while it holds
 * the token, and the consumer hands it back only after consuming the event.
 * So every send must produce exactly one consumed event: the consumer
 * checks received == sent at each event (a duplicate breaks it at once) and
 * a lost event leaves a sender without its token until the deadline.
 * At the end, kicks must equal the upcalls the guest observed per vCPU:
 * the hook fired once per 0->1 edge of upcall_pending, never more.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>

#include "evtchn_harness.h"

#define SENDERS          4
#define PORTS_PER_SENDER 48
#define SENDS_PER_SENDER 100000
#define DEADLINE_S       60

static struct tdom *A, *B, *C;

struct chan {
    struct hv_evtchn_domain *from;
    hv_evtchn_port_t lport; /* in `from` */
    hv_evtchn_port_t rport; /* in B */
};

static struct chan chans[SENDERS][PORTS_PER_SENDER];
static unsigned int port_vcpu[HV_EVTCHN_2L_MAX_PORTS]; /* B port -> vCPU */
static bool port_masked_mode[HV_EVTCHN_2L_MAX_PORTS];
static int token[HV_EVTCHN_2L_MAX_PORTS];
static unsigned long sent[HV_EVTCHN_2L_MAX_PORTS];
static unsigned long received[HV_EVTCHN_2L_MAX_PORTS];
static int senders_done;
static int failed; /* 1 duplicate, 2 timeout, 3 send error */
static hv_evtchn_port_t to_unmask[HV_EVTCHN_2L_MAX_PORTS];
static unsigned int to_unmask_count;
static time_t start;

static bool timed_out(void)
{
    return time(NULL) - start > DEADLINE_S;
}

static void *sender(void *arg)
{
    struct chan *mine = (struct chan *)arg;
    unsigned long done = 0;
    unsigned int i = 0;

    while (done < SENDS_PER_SENDER) {
        struct chan *c = &mine[i];

        i = (i + 1) % PORTS_PER_SENDER;
        if (!__atomic_exchange_n(&token[c->rport], 0, __ATOMIC_ACQUIRE)) {
            if (__atomic_load_n(&failed, __ATOMIC_RELAXED) || timed_out()) {
                __atomic_store_n(&failed, 2, __ATOMIC_RELAXED);
                break;
            }
            /* On a loaded or single-CPU host, let the consumer run. */
            if (i == 0)
                sched_yield();
            continue;
        }
        __atomic_fetch_add(&sent[c->rport], 1, __ATOMIC_SEQ_CST);
        if (hv_evtchn_send(c->from, c->lport) != 0) {
            __atomic_store_n(&failed, 3, __ATOMIC_RELAXED);
            break;
        }
        done++;
    }
    __atomic_fetch_add(&senders_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

struct vctx {
    unsigned int vcpu;
};

static bool accept(void *arg, hv_evtchn_port_t port)
{
    return port_vcpu[port] == ((struct vctx *)arg)->vcpu;
}

static void on_event(void *arg, hv_evtchn_port_t port)
{
    (void)arg;
    received[port]++;
    if (received[port] != __atomic_load_n(&sent[port], __ATOMIC_SEQ_CST))
        __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    if (port_masked_mode[port]) {
        /* Mask it before the sender may send again; unmask later. */
        hv_bit_set_atomic(B->mask, port);
        to_unmask[to_unmask_count++] = port;
    }
    __atomic_store_n(&token[port], 1, __ATOMIC_RELEASE);
}

/* One pass of the guest over both vCPUs; returns the events consumed. */
static unsigned long consume_once(void)
{
    unsigned int n = to_unmask_count;
    unsigned long got = 0;

    to_unmask_count = 0;
    for (unsigned int i = 0; i < n; i++)
        assert_int_equal(hv_evtchn_unmask(&B->d, to_unmask[i]), 0);
    for (unsigned int v = 0; v < 2; v++) {
        struct vctx ctx = {v};

        if (__atomic_load_n(&B->upcall_pending[v], __ATOMIC_SEQ_CST))
            got += t_guest_upcall(B, v, accept, on_event, &ctx);
    }
    return got;
}

static bool all_received(void)
{
    for (unsigned int s = 0; s < SENDERS; s++)
        for (unsigned int i = 0; i < PORTS_PER_SENDER; i++) {
            hv_evtchn_port_t p = chans[s][i].rport;

            if (received[p] != __atomic_load_n(&sent[p], __ATOMIC_SEQ_CST))
                return false;
        }
    return true;
}

static void test_no_event_lost_or_duplicated(void **state)
{
    pthread_t th[SENDERS];
    unsigned long total = 0;

    (void)state;
    A = t_new(1, HV_EVTCHN_2L_MAX_PORTS, 1);
    B = t_new(2, HV_EVTCHN_2L_MAX_PORTS, 2);
    C = t_new(3, HV_EVTCHN_2L_MAX_PORTS, 1);
    for (unsigned int s = 0; s < SENDERS; s++) {
        struct tdom *from = s % 2 ? C : A;

        for (unsigned int i = 0; i < PORTS_PER_SENDER; i++) {
            struct chan *c = &chans[s][i];

            c->from = &from->d;
            assert_int_equal(
                hv_evtchn_alloc_unbound(&B->d, from->d.domid, &c->rport), 0);
            assert_int_equal(hv_evtchn_bind_interdomain(&from->d, &B->d,
                                                        c->rport, &c->lport),
                             0);
            port_vcpu[c->rport] = (s + i) % 2;
            port_masked_mode[c->rport] = i % 4 == 3;
            assert_int_equal(
                hv_evtchn_bind_vcpu(&B->d, c->rport, port_vcpu[c->rport]), 0);
            token[c->rport] = 1;
        }
    }
    /* Spread the receiving ports over several pending words. */
    assert_true(chans[SENDERS - 1][PORTS_PER_SENDER - 1].rport > 128);

    start = time(NULL);
    for (unsigned int s = 0; s < SENDERS; s++)
        assert_int_equal(pthread_create(&th[s], NULL, sender, chans[s]), 0);
    while (__atomic_load_n(&senders_done, __ATOMIC_SEQ_CST) < SENDERS ||
           !all_received()) {
        if (__atomic_load_n(&failed, __ATOMIC_RELAXED) || timed_out())
            break;
        if (consume_once() == 0)
            sched_yield();
    }
    for (unsigned int s = 0; s < SENDERS; s++)
        pthread_join(th[s], NULL);
    /* Final pass: take any upcall still owed (a spurious one is allowed). */
    (void)consume_once();
    (void)consume_once();

    if (failed)
        fprintf(stderr, "failed=%d after %ld s\n", failed,
                (long)(time(NULL) - start));
    assert_int_equal(failed, 0);
    for (unsigned int s = 0; s < SENDERS; s++)
        for (unsigned int i = 0; i < PORTS_PER_SENDER; i++) {
            hv_evtchn_port_t p = chans[s][i].rport;

            assert_int_equal(received[p], sent[p]);
            assert_false(t_pending(B, p));
            total += received[p];
        }
    assert_int_equal(total, (unsigned long)SENDERS * SENDS_PER_SENDER);
    for (unsigned int v = 0; v < 2; v++) {
        assert_int_equal(B->upcall_pending[v], 0);
        assert_int_equal(B->kicks[v], B->upcalls[v]);
        assert_true(B->kicks[v] > 0);
    }
    assert_true(B->kicks[0] + B->kicks[1] <= total);
    printf("events %lu, kicks %lu + %lu, upcalls %lu + %lu\n", total,
           B->kicks[0], B->kicks[1], B->upcalls[0], B->upcalls[1]);
    assert_true(t_guards_intact(B));
    free(A);
    free(B);
    free(C);
}

/*
 * Connect and close race: threads in A and C connect to and close ports of
 * B while B's own thread closes its ends, all at once. Lock order bugs
 * deadlock here (caught by the timeout); pairing bugs trip HV_CHECK or the
 * final accounting.
 */
struct churn {
    struct tdom *self;
    unsigned int rounds;
};

static void *churner(void *arg)
{
    struct churn *c = (struct churn *)arg;

    for (unsigned int r = 0; r < c->rounds; r++) {
        hv_evtchn_port_t rp, lp;

        if (hv_evtchn_alloc_unbound(&B->d, c->self->d.domid, &rp) != 0)
            continue;
        if (hv_evtchn_bind_interdomain(&c->self->d, &B->d, rp, &lp) == 0) {
            (void)hv_evtchn_send(&c->self->d, lp);
            /* Close from either side; the other close may fail. */
            if (r % 2)
                (void)hv_evtchn_close(&c->self->d, lp);
            else
                (void)hv_evtchn_close(&B->d, rp);
            (void)hv_evtchn_close(&c->self->d, lp);
        }
        (void)hv_evtchn_close(&B->d, rp);
    }
    return NULL;
}

static void *b_closer(void *arg)
{
    unsigned int rounds = *(unsigned int *)arg;

    for (unsigned int r = 0; r < rounds; r++)
        for (hv_evtchn_port_t p = 1; p < 32; p++)
            (void)hv_evtchn_close(&B->d, p);
    return NULL;
}

static void test_connect_close_race(void **state)
{
    struct churn ca, cc;
    pthread_t ta, tc, tb;
    unsigned int rounds = 20000, b_rounds = 2000;

    (void)state;
    A = t_new(1, 64, 1);
    B = t_new(2, 64, 1);
    C = t_new(3, 64, 1);
    ca.self = A;
    ca.rounds = rounds;
    cc.self = C;
    cc.rounds = rounds;
    assert_int_equal(pthread_create(&ta, NULL, churner, &ca), 0);
    assert_int_equal(pthread_create(&tc, NULL, churner, &cc), 0);
    assert_int_equal(pthread_create(&tb, NULL, b_closer, &b_rounds), 0);
    pthread_join(ta, NULL);
    pthread_join(tc, NULL);
    pthread_join(tb, NULL);
    /* Everything the churners opened they closed, from one side or other. */
    assert_int_equal(hv_evtchn_ports_in_use(&A->d), 0);
    assert_int_equal(hv_evtchn_ports_in_use(&C->d), 0);
    assert_int_equal(hv_evtchn_ports_in_use(&B->d), 0);
    assert_int_equal(hv_evtchn_domain_teardown(&A->d), 0);
    assert_int_equal(hv_evtchn_domain_teardown(&B->d), 0);
    assert_int_equal(hv_evtchn_domain_teardown(&C->d), 0);
    free(A);
    free(B);
    free(C);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_event_lost_or_duplicated),
        cmocka_unit_test(test_connect_close_race),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
