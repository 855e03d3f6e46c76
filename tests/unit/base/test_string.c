/*
 * Memory and string functions, compared with the C library over every
 * alignment and short length, plus the strict number parser's refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hv/err.h>
#include <hv/string.h>

#define AREA 128

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7u);
}

static void test_memcpy_all_alignments(void **state)
{
    unsigned char src[AREA], got[AREA], want[AREA];

    (void)state;
    fill(src, AREA, 1);
    for (size_t so = 0; so < 9; so++) {
        for (size_t dof = 0; dof < 9; dof++) {
            for (size_t n = 0; n <= 48; n++) {
                memset(got, 0xee, AREA);
                memset(want, 0xee, AREA);
                memcpy(want + dof, src + so, n);
                assert_ptr_equal(hv_memcpy(got + dof, src + so, n), got + dof);
                assert_memory_equal(got, want, AREA);
            }
        }
    }
}

/* Lengths around the x86-64 string-move threshold (256) and frame and
 * page sizes, every source and destination alignment in a word. */
static void test_memcpy_long(void **state)
{
    static unsigned char src[4200], got[4200], want[4200];
    static const size_t lens[] = {200, 255, 256, 257, 300, 1500, 4096};

    (void)state;
    fill(src, sizeof(src), 5);
    for (size_t so = 0; so < 9; so++) {
        for (size_t dof = 0; dof < 9; dof++) {
            for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
                size_t n = lens[i];
                memset(got, 0xee, sizeof(got));
                memset(want, 0xee, sizeof(want));
                memcpy(want + dof, src + so, n);
                assert_ptr_equal(hv_memcpy(got + dof, src + so, n), got + dof);
                assert_memory_equal(got, want, sizeof(got));
                /* and through hv_memmove, forward and overlapping */
                memcpy(got, src, sizeof(got));
                memcpy(want, src, sizeof(want));
                memmove(want + dof, want + 50 + so, n);
                assert_ptr_equal(hv_memmove(got + dof, got + 50 + so, n),
                                 got + dof);
                assert_memory_equal(got, want, sizeof(got));
            }
        }
    }
}

/* hv_memmove of 256 bytes or more with the destination on either side
 * of the source, at distances from 1 byte to beyond the length: the
 * forward copy (the string move on x86-64) below the source or past its
 * end, the backward copy where the destination starts inside it. */
static void test_memmove_long_overlap(void **state)
{
    static unsigned char got[3 * 1600], want[3 * 1600];
    static const size_t lens[] = {256, 257, 300, 1500};
    static const size_t dists[] = {1, 2, 7, 8, 9, 63, 64, 255, 256, 257};

    (void)state;
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        size_t n = lens[i];
        for (size_t j = 0; j < sizeof(dists) / sizeof(dists[0]) + 3; j++) {
            /* the listed distances, then n - 1, n and n + 1 */
            size_t dist = j < sizeof(dists) / sizeof(dists[0])
                              ? dists[j]
                              : n - 1 + (j - sizeof(dists) / sizeof(dists[0]));
            for (int up = 0; up < 2; up++) {
                size_t from = up ? 1600 : 1600 + dist;
                size_t to = up ? 1600 + dist : 1600;
                fill(got, sizeof(got), 9);
                fill(want, sizeof(want), 9);
                memmove(want + to, want + from, n);
                assert_ptr_equal(hv_memmove(got + to, got + from, n), got + to);
                assert_memory_equal(got, want, sizeof(got));
            }
        }
    }
}

static void test_memmove_overlap(void **state)
{
    unsigned char got[AREA], want[AREA];

    (void)state;
    for (size_t from = 0; from < 20; from++) {
        for (size_t to = 0; to < 20; to++) {
            for (size_t n = 0; n <= 40; n++) {
                fill(got, AREA, 3);
                fill(want, AREA, 3);
                memmove(want + to, want + from, n);
                assert_ptr_equal(hv_memmove(got + to, got + from, n), got + to);
                assert_memory_equal(got, want, AREA);
            }
        }
    }
}

static void test_memset(void **state)
{
    unsigned char got[AREA], want[AREA];

    (void)state;
    for (size_t off = 0; off < 9; off++) {
        for (size_t n = 0; n <= 40; n++) {
            memset(got, 0x11, AREA);
            memset(want, 0x11, AREA);
            memset(want + off, 0x1ab, n); /* only the low byte counts */
            assert_ptr_equal(hv_memset(got + off, 0x1ab, n), got + off);
            assert_memory_equal(got, want, AREA);
        }
    }
}

static void test_compare_and_search(void **state)
{
    const char a[] = {1, 2, 3, (char)0xff};
    const char b[] = {1, 2, 3, 0x01};

    (void)state;
    assert_int_equal(hv_memcmp(a, b, 3), 0);
    assert_int_equal(hv_memcmp(a, b, 4), 1); /* bytes compare unsigned */
    assert_int_equal(hv_memcmp(b, a, 4), -1);
    assert_int_equal(hv_memcmp(a, b, 0), 0);
    assert_ptr_equal(hv_memchr(a, 3, 4), &a[2]);
    assert_ptr_equal(hv_memchr(a, 0xff, 4), &a[3]);
    assert_null(hv_memchr(a, 3, 2));

    assert_int_equal(hv_strlen(""), 0);
    assert_int_equal(hv_strlen("hello"), 5);
    assert_int_equal(hv_strnlen("hello", 3), 3);
    assert_int_equal(hv_strnlen("hello", 10), 5);
    assert_int_equal(hv_strcmp("abc", "abc"), 0);
    assert_int_equal(hv_strcmp("abc", "abd"), -1);
    assert_int_equal(hv_strcmp("abd", "abc"), 1);
    assert_int_equal(hv_strcmp("ab", "abc"), -1);
    assert_int_equal(hv_strcmp("\xff", "a"), 1);
    assert_int_equal(hv_strncmp("abcx", "abcy", 3), 0);
    assert_int_equal(hv_strncmp("abcx", "abcy", 4), -1);
    assert_int_equal(hv_strncmp("ab", "ab", 10), 0);

    const char *s = "dom=3,sched=bvt";
    assert_ptr_equal(hv_strchr(s, ','), s + 5);
    assert_ptr_equal(hv_strchr(s, '\0'), s + 15);
    assert_null(hv_strchr(s, 'z'));
}

static void test_strlcpy(void **state)
{
    char buf[8];

    (void)state;
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(hv_strlcpy(buf, "abc", sizeof(buf)), 3);
    assert_string_equal(buf, "abc");

    memset(buf, 'x', sizeof(buf));
    assert_int_equal(hv_strlcpy(buf, "abcdefghijk", sizeof(buf)), 11);
    assert_string_equal(buf, "abcdefg");

    memset(buf, 'x', sizeof(buf));
    assert_int_equal(hv_strlcpy(buf, "abc", 0), 3);
    assert_int_equal(buf[0], 'x');

    assert_int_equal(hv_strlcpy(buf, "abc", 1), 3);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'x');
}

static void test_strtou64(void **state)
{
    uint64_t v = 0;

    (void)state;
    assert_int_equal(hv_strtou64("0", 10, &v), HV_OK);
    assert_int_equal(v, 0);
    assert_int_equal(hv_strtou64("18446744073709551615", 10, &v), HV_OK);
    assert_true(v == UINT64_MAX);
    assert_int_equal(hv_strtou64("ffff800000000000", 16, &v), HV_OK);
    assert_true(v == 0xffff800000000000ULL);
    assert_int_equal(hv_strtou64("0x1F", 0, &v), HV_OK);
    assert_int_equal(v, 31);
    assert_int_equal(hv_strtou64("017", 0, &v), HV_OK);
    assert_int_equal(v, 15);
    assert_int_equal(hv_strtou64("0", 0, &v), HV_OK);
    assert_int_equal(v, 0);
    assert_int_equal(hv_strtou64("10", 0, &v), HV_OK);
    assert_int_equal(v, 10);

    /* Refusals leave the output untouched. */
    v = 1234;
    assert_int_equal(hv_strtou64("", 10, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64("12a", 10, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64("-1", 10, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64(" 1", 10, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64("1 ", 10, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64("0x", 0, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64("08", 0, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64("12", 7, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64("12", 1, &v), HV_EINVAL);
    assert_int_equal(hv_strtou64("18446744073709551616", 10, &v), HV_ERANGE);
    assert_int_equal(hv_strtou64("10000000000000000", 16, &v), HV_ERANGE);
    assert_int_equal(v, 1234);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_all_alignments),
        cmocka_unit_test(test_memcpy_long),
        cmocka_unit_test(test_memmove_overlap),
        cmocka_unit_test(test_memmove_long_overlap),
        cmocka_unit_test(test_memset),
        cmocka_unit_test(test_compare_and_search),
        cmocka_unit_test(test_strlcpy),
        cmocka_unit_test(test_strtou64),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
