/*
 * Spinlocks between POSIX threads: mutual exclusion (no lost increments of
 * a non-atomic counter) and the trylock contract.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <hv/spinlock.h>

#define THREADS    4
#define ITERATIONS 50000

static struct hv_spinlock lock = HV_SPINLOCK_INIT;
static volatile unsigned long counter;
static pthread_barrier_t start_line;

static void *worker(void *arg)
{
    (void)arg;
    /* Start together, so the threads really contend for the lock. */
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < ITERATIONS; i++) {
        hv_spin_lock(&lock);
        /* Read-modify-write in two steps: only the lock keeps it whole. */
        unsigned long v = counter;
        counter = v + 1;
        hv_spin_unlock(&lock);
    }
    return NULL;
}

static void test_mutual_exclusion(void **state)
{
    pthread_t t[THREADS];

    (void)state;
    counter = 0;
    assert_int_equal(pthread_barrier_init(&start_line, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&start_line);
    assert_int_equal(counter, THREADS * ITERATIONS);
    assert_false(hv_spin_is_locked(&lock));
}

/* Two threads take the same pair of locks in opposite argument orders:
 * with the address order they never deadlock, and both counters stay
 * whole. */
static struct hv_spinlock pair[2] = {HV_SPINLOCK_INIT, HV_SPINLOCK_INIT};
static volatile unsigned long in_pair[2];

static void *pair_worker(void *arg)
{
    int flip = *(const int *)arg;
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < ITERATIONS; i++) {
        hv_spin_lock_two(&pair[flip], &pair[!flip]);
        unsigned long a = in_pair[0], b = in_pair[1];
        in_pair[0] = a + 1;
        in_pair[1] = b + 1;
        hv_spin_unlock_two(&pair[flip], &pair[!flip]);
    }
    return NULL;
}

static void test_lock_two(void **state)
{
    pthread_t t[2];
    int flips[2] = {0, 1};

    (void)state;
    assert_int_equal(pthread_barrier_init(&start_line, NULL, 2), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, pair_worker, &flips[i]),
                         0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&start_line);
    assert_int_equal(in_pair[0], 2 * ITERATIONS);
    assert_int_equal(in_pair[1], 2 * ITERATIONS);
    assert_false(hv_spin_is_locked(&pair[0]));
    assert_false(hv_spin_is_locked(&pair[1]));

    /* the same lock twice, and NULL on either side: taken once */
    struct hv_spinlock l;
    hv_spin_init(&l);
    hv_spin_lock_two(&l, &l);
    assert_true(hv_spin_is_locked(&l));
    hv_spin_unlock_two(&l, &l);
    assert_false(hv_spin_is_locked(&l));
    hv_spin_lock_two(NULL, &l);
    assert_true(hv_spin_is_locked(&l));
    hv_spin_unlock_two(NULL, &l);
    hv_spin_lock_two(&l, NULL);
    assert_true(hv_spin_is_locked(&l));
    hv_spin_unlock_two(&l, NULL);
    assert_false(hv_spin_is_locked(&l));
    assert_true(hv_spin_trylock(&l)); /* nothing left taken twice */
    hv_spin_unlock(&l);
}

static void test_trylock(void **state)
{
    struct hv_spinlock l;

    (void)state;
    hv_spin_init(&l);
    assert_false(hv_spin_is_locked(&l));
    assert_true(hv_spin_trylock(&l));
    assert_true(hv_spin_is_locked(&l));
    assert_false(hv_spin_trylock(&l));
    hv_spin_unlock(&l);
    assert_false(hv_spin_is_locked(&l));

    hv_spin_lock(&l);
    assert_false(hv_spin_trylock(&l));
    hv_spin_unlock(&l);
    assert_true(hv_spin_trylock(&l));
    hv_spin_unlock(&l);
}

static void test_ticket_wraparound(void **state)
{
    struct hv_spinlock l;

    (void)state;
    hv_spin_init(&l);
    /* 16-bit tickets wrap; the lock must keep working across the wrap. */
    for (int i = 0; i < 70000; i++) {
        if (i % 2 == 0) {
            hv_spin_lock(&l);
        } else {
            assert_true(hv_spin_trylock(&l));
        }
        assert_true(hv_spin_is_locked(&l));
        hv_spin_unlock(&l);
        assert_false(hv_spin_is_locked(&l));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutual_exclusion),
        cmocka_unit_test(test_lock_two),
        cmocka_unit_test(test_trylock),
        cmocka_unit_test(test_ticket_wraparound),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
