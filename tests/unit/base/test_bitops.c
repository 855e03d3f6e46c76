/*
 * Bit operations: single bits across word boundaries, searches at the
 * edges of words and bitmaps, ranges, and atomic updates under threads.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hv/bitops.h>

static void test_word_layout(void **state)
{
    hv_word_t map[3] = {0, 0, 0};

    (void)state;
    assert_int_equal(HV_WORD_BITS, 64);
    assert_int_equal(HV_BITMAP_WORDS(0), 0);
    assert_int_equal(HV_BITMAP_WORDS(1), 1);
    assert_int_equal(HV_BITMAP_WORDS(64), 1);
    assert_int_equal(HV_BITMAP_WORDS(65), 2);

    hv_bit_set(map, 0);
    hv_bit_set(map, 63);
    hv_bit_set(map, 64);
    hv_bit_set(map, 130);
    assert_int_equal(map[0], 0x8000000000000001UL);
    assert_int_equal(map[1], 0x1UL);
    assert_int_equal(map[2], 0x4UL);
    assert_true(hv_bit_test(map, 63));
    assert_true(hv_bit_test(map, 64));
    assert_false(hv_bit_test(map, 62));
    assert_false(hv_bit_test(map, 65));

    hv_bit_clear(map, 63);
    assert_int_equal(map[0], 0x1UL);
    assert_int_equal(map[1], 0x1UL);
}

static void test_test_and_modify(void **state)
{
    hv_word_t map[2] = {0, 0};

    (void)state;
    assert_false(hv_bit_test_and_set(map, 64));
    assert_true(hv_bit_test_and_set(map, 64));
    assert_true(hv_bit_test_and_clear(map, 64));
    assert_false(hv_bit_test_and_clear(map, 64));
    assert_int_equal(map[1], 0);

    assert_false(hv_bit_test_and_set_atomic(map, 127));
    assert_true(hv_bit_test_and_set_atomic(map, 127));
    assert_true(hv_bit_test_atomic(map, 127));
    assert_int_equal(map[1], 0x8000000000000000UL);
    assert_true(hv_bit_test_and_clear_atomic(map, 127));
    assert_false(hv_bit_test_and_clear_atomic(map, 127));
    hv_bit_set_atomic(map, 5);
    assert_int_equal(map[0], 0x20UL);
    hv_bit_clear_atomic(map, 5);
    assert_int_equal(map[0], 0);
}

static void test_word_helpers(void **state)
{
    (void)state;
    assert_int_equal(hv_word_ffs(1), 0);
    assert_int_equal(hv_word_ffs(0x8000000000000000UL), 63);
    assert_int_equal(hv_word_ffs(0xf0), 4);
    assert_int_equal(hv_word_fls(1), 0);
    assert_int_equal(hv_word_fls(0xf0), 7);
    assert_int_equal(hv_word_fls(~0UL), 63);
    assert_int_equal(hv_word_weight(0), 0);
    assert_int_equal(hv_word_weight(~0UL), 64);
    assert_int_equal(hv_word_weight(0x8000000000000001UL), 2);
    assert_int_equal(hv_word_weight(0x0123456789abcdefUL), 32);
}

static void test_find(void **state)
{
    hv_word_t map[3] = {0, 0, 0};
    const unsigned long bits = 150; /* not a multiple of the word size */

    (void)state;
    assert_int_equal(hv_bitmap_find_first_set(map, bits), bits);
    assert_int_equal(hv_bitmap_find_first_zero(map, bits), 0);

    hv_bit_set(map, 63);
    hv_bit_set(map, 64);
    hv_bit_set(map, 149);
    assert_int_equal(hv_bitmap_find_first_set(map, bits), 63);
    assert_int_equal(hv_bitmap_find_next_set(map, bits, 63), 63);
    assert_int_equal(hv_bitmap_find_next_set(map, bits, 64), 64);
    assert_int_equal(hv_bitmap_find_next_set(map, bits, 65), 149);
    assert_int_equal(hv_bitmap_find_next_set(map, bits, 150), bits);
    assert_int_equal(hv_bitmap_find_next_set(map, bits, 1000), bits);

    /* A set bit beyond `bits` (in the last word) is not found. */
    hv_bit_clear(map, 149);
    hv_bit_set(map, 150);
    assert_int_equal(hv_bitmap_find_next_set(map, bits, 65), bits);
    assert_int_equal(hv_bitmap_find_next_set(map, 151, 65), 150);

    memset(map, 0xff, sizeof(map));
    assert_int_equal(hv_bitmap_find_first_zero(map, bits), bits);
    hv_bit_clear(map, 128);
    assert_int_equal(hv_bitmap_find_first_zero(map, bits), 128);
    assert_int_equal(hv_bitmap_find_next_zero(map, bits, 129), bits);
    assert_int_equal(hv_bitmap_find_first_zero(map, 128), 128);
}

static void test_iterate(void **state)
{
    hv_word_t map[2] = {0, 0};
    const unsigned long want[] = {0, 1, 63, 64, 100, 127};
    unsigned long bit;
    size_t n = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        hv_bit_set(map, want[i]);
    hv_bitmap_for_each_set (bit, map, 128) {
        assert_true(n < sizeof(want) / sizeof(want[0]));
        assert_int_equal(bit, want[n]);
        n++;
    }
    assert_int_equal(n, sizeof(want) / sizeof(want[0]));
}

static void test_ranges_and_weight(void **state)
{
    hv_word_t map[3];

    (void)state;
    memset(map, 0, sizeof(map));
    hv_bitmap_set_range(map, 60, 10); /* 60..69 crosses a word */
    assert_int_equal(map[0], 0xf000000000000000UL);
    assert_int_equal(map[1], 0x3fUL);
    assert_int_equal(hv_bitmap_weight(map, 192), 10);
    assert_int_equal(hv_bitmap_weight(map, 64), 4);
    assert_int_equal(hv_bitmap_weight(map, 66), 6);

    hv_bitmap_set_range(map, 0, 192);
    assert_int_equal(hv_bitmap_weight(map, 192), 192);
    hv_bitmap_clear_range(map, 63, 66); /* 63..128 */
    assert_int_equal(map[0], 0x7fffffffffffffffUL);
    assert_int_equal(map[1], 0);
    assert_int_equal(map[2], ~1UL);
    assert_int_equal(hv_bitmap_weight(map, 192), 63 + 63);

    hv_bitmap_set_range(map, 5, 0); /* empty range: no change */
    hv_bitmap_clear_range(map, 5, 0);
    assert_int_equal(map[0], 0x7fffffffffffffffUL);
}

/*
 * Atomic updates: each thread owns every THREADS-th bit of a shared map
 * and sets then clears its bits many times. Plain read-modify-write would
 * lose updates of neighbours in the same word; atomic ones never do.
 */
#define THREADS  4
#define MAP_BITS 256
#define ROUNDS   2000

static hv_word_t shared_map[HV_BITMAP_WORDS(MAP_BITS)];

static void *hammer(void *arg)
{
    unsigned long me = (unsigned long)(uintptr_t)arg;

    for (int r = 0; r < ROUNDS; r++) {
        for (unsigned long b = me; b < MAP_BITS; b += THREADS) {
            if (hv_bit_test_and_set_atomic(shared_map, b))
                return (void *)1; /* someone else touched our bit */
        }
        for (unsigned long b = me; b < MAP_BITS; b += THREADS) {
            if (!hv_bit_test_and_clear_atomic(shared_map, b))
                return (void *)1;
        }
    }
    /* Leave our bits set so the final state is checkable. */
    for (unsigned long b = me; b < MAP_BITS; b += THREADS)
        hv_bit_set_atomic(shared_map, b);
    return NULL;
}

static void test_atomic_threads(void **state)
{
    pthread_t t[THREADS];

    (void)state;
    memset(shared_map, 0, sizeof(shared_map));
    for (uintptr_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, (void *)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *ret;

        assert_int_equal(pthread_join(t[i], &ret), 0);
        assert_null(ret);
    }
    assert_int_equal(hv_bitmap_weight(shared_map, MAP_BITS), MAP_BITS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_layout),
        cmocka_unit_test(test_test_and_modify),
        cmocka_unit_test(test_word_helpers),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_iterate),
        cmocka_unit_test(test_ranges_and_weight),
        cmocka_unit_test(test_atomic_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
