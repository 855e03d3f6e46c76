/*
 * Cost of hv_evtchn_send() up to "deliverable", beside its floor.
 *
 * floor        one atomic test-and-set of a bit per iteration (the least a
 *              send must do: it sets the pending bit atomically)
 * coalesced    send on a port already pending (lock, state, one RMW)
 * deliverable  send on a quiet port: pending bit, selector bit, upcall flag
 *              and the kick callout (an empty function here); the guest's
 *              side, resetting those three words, is timed alone in the same
 *              run and subtracted ("guest reset")
 * ipi          the same for an IPI port (one domain instead of two)
 *
 * Each figure is the best of several repetitions of many iterations, in
 * nanoseconds per operation, from CLOCK_MONOTONIC.
 */
#include <stdio.h>
#include <time.h>

#include "evtchn_harness.h"

#define ITERS 2000000UL
#define REPS  7

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct tdom *A, *B;
static hv_evtchn_port_t lp, rp, ipi;
static hv_word_t floor_map[HV_BITMAP_WORDS(4096)];
static volatile unsigned long sink;

static void run_floor(void)
{
    unsigned long hits = 0;

    for (unsigned long i = 0; i < ITERS; i++)
        hits += hv_bit_test_and_set_atomic(floor_map, i & 4095);
    sink = hits;
}

static void run_coalesced(void)
{
    for (unsigned long i = 0; i < ITERS; i++)
        (void)hv_evtchn_send(&A->d, lp);
}

static void guest_reset(struct tdom *t, hv_evtchn_port_t port)
{
    hv_bit_clear(t->pending, port);
    t->sel[0] = 0;
    t->upcall_pending[0] = 0;
    hv_barrier();
}

static void run_deliverable(void)
{
    for (unsigned long i = 0; i < ITERS; i++) {
        (void)hv_evtchn_send(&A->d, lp);
        guest_reset(B, rp);
    }
}

static void run_ipi(void)
{
    for (unsigned long i = 0; i < ITERS; i++) {
        (void)hv_evtchn_send(&A->d, ipi);
        guest_reset(A, ipi);
    }
}

static void run_reset_only(void)
{
    for (unsigned long i = 0; i < ITERS; i++)
        guest_reset(B, rp);
}

static double best(void (*fn)(void))
{
    double b = 1e30;

    for (int r = 0; r < REPS; r++) {
        double t0 = now_ns();

        fn();
        t0 = (now_ns() - t0) / (double)ITERS;
        if (t0 < b)
            b = t0;
    }
    return b;
}

int main(void)
{
    double floor_ns, coal, deliv, ipi_ns, reset;
    unsigned long kicks_before;

    A = t_new(1, HV_EVTCHN_2L_MAX_PORTS, 1);
    B = t_new(2, HV_EVTCHN_2L_MAX_PORTS, 1);
    if (hv_evtchn_alloc_unbound(&B->d, 1, &rp) != 0 ||
        hv_evtchn_bind_interdomain(&A->d, &B->d, rp, &lp) != 0 ||
        hv_evtchn_bind_ipi(&A->d, 0, &ipi) != 0)
        return 1;
    t_guest_clear_all(A);

    floor_ns = best(run_floor);
    reset = best(run_reset_only);
    kicks_before = B->kicks[0];
    deliv = best(run_deliverable);
    /* Sanity: each deliverable send kicked exactly once. */
    if (B->kicks[0] - kicks_before != ITERS * REPS) {
        fprintf(stderr, "kick count %lu, expected %lu\n",
                B->kicks[0] - kicks_before, ITERS * REPS);
        return 1;
    }
    ipi_ns = best(run_ipi);
    (void)hv_evtchn_send(&A->d, lp); /* leave it pending */
    coal = best(run_coalesced);

    printf("libhv-evtchn send cost (ns/op, best of %d x %lu)\n", REPS, ITERS);
    printf("  %-40s %8.2f\n", "floor: atomic bit test-and-set", floor_ns);
    printf("  %-40s %8.2f\n", "send, port already pending (coalesced)", coal);
    printf("  %-40s %8.2f\n", "send to deliverable, interdomain",
           deliv - reset);
    printf("  %-40s %8.2f\n", "send to deliverable, ipi", ipi_ns - reset);
    printf("  %-40s %8.2f\n", "(guest reset, subtracted above)", reset);
    printf("  %-40s %8.2f\n", "ratio deliverable / floor",
           (deliv - reset) / floor_ns);
    printf("  target: send to deliverable <= 30 ns\n");
    free(A);
    free(B);
    return 0;
}
