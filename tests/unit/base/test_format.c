/*
 * hv_snprintf / hv_vsnprintf: exact output for every conversion, and the
 * snprintf contract (NUL termination, would-be length, no write past the
 * buffer) at every buffer size from 0 to the full length plus two.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hv/format.h>

#define CANARY 0xa5

/*
 * Format with every buffer size 0..len+2 and check each result against
 * the expected full output.
 */
static void check_all_sizes(const char *expected, const char *fmt, va_list ap)
{
    size_t len = strlen(expected);
    char buf[1200];

    assert_true(len + 3 < sizeof(buf));
    for (size_t size = 0; size <= len + 2; size++) {
        va_list aq;
        int ret;

        memset(buf, CANARY, sizeof(buf));
        va_copy(aq, ap);
        ret = hv_vsnprintf(size == 0 ? NULL : buf, size, fmt, aq);
        va_end(aq);

        assert_int_equal(ret, (int)len);
        if (size == 0) {
            assert_int_equal((unsigned char)buf[0], CANARY);
            continue;
        }
        size_t kept = len < size - 1 ? len : size - 1;
        assert_memory_equal(buf, expected, kept);
        assert_int_equal(buf[kept], '\0');
        for (size_t i = kept + 1; i < sizeof(buf); i++)
            assert_int_equal((unsigned char)buf[i], CANARY);
    }
}

static void check(const char *expected, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    check_all_sizes(expected, fmt, ap);
    va_end(ap);
}

static void test_signed(void **state)
{
    (void)state;
    check("0", "%d", 0);
    check("42", "%d", 42);
    check("-42", "%i", -42);
    check("2147483647", "%d", INT_MAX);
    check("-2147483648", "%d", INT_MIN);
    check("-9223372036854775808", "%lld", LLONG_MIN);
    check("9223372036854775807", "%lld", LLONG_MAX);
    check("-9223372036854775808", "%ld", LONG_MIN);
    check("-1", "%hd", (short)-1);
    check("-128", "%hhd", -128);
    check("-5", "%zd", (ptrdiff_t)-5);
    check("-7", "%td", (ptrdiff_t)-7);
}

static void test_unsigned(void **state)
{
    (void)state;
    check("4294967295", "%u", UINT_MAX);
    check("18446744073709551615", "%llu", ULLONG_MAX);
    check("18446744073709551615", "%zu", SIZE_MAX);
    check("deadbeef", "%x", 0xdeadbeefu);
    check("DEADBEEF", "%X", 0xdeadbeefu);
    check("ffffffffffffffff", "%lx", ULONG_MAX);
    check("ffff800000000000", "%llx", 0xffff800000000000ULL);
    check("17", "%o", 15u);
    check("1", "%hhu", 257);
    check("65535", "%hu", 65535);
    check("0", "%x", 0u);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    check("   42", "%5d", 42);
    check("42   |", "%-5d|", 42);
    check("00042", "%05d", 42);
    check("-0042", "%05d", -42);
    check("0000beef", "%08x", 0xbeefu);
    check("42      |", "%-08d|", 42);
    check("+5", "%+d", 5);
    check(" 5", "% d", 5);
    check("-5", "%+d", -5);
    check("0xff", "%#x", 255u);
    check("0XFF", "%#X", 255u);
    check("0", "%#x", 0u);
    check("010", "%#o", 8u);
    check("0x00ff", "%#06x", 255u);
    check("42", "%1d", 42);
    check("0000000000001000", "%016llx", 0x1000ULL);
}

static void test_precision(void **state)
{
    (void)state;
    check("007", "%.3d", 7);
    check("", "%.0d", 0);
    check(" -007", "%5.3d", -7);
    check("  007", "%05.3d", 7); /* precision disables zero padding */
    check("ab", "%.2s", "abcdef");
    check("abc", "%.10s", "abc");
    check("", "%.0s", "abc");
}

static void test_star(void **state)
{
    (void)state;
    check("   42", "%*d", 5, 42);
    check("42   |", "%-*d|", 5, 42);
    check("42   |", "%*d|", -5, 42);
    check("ab", "%.*s", 2, "abcdef");
    check("abcdef", "%.*s", -1, "abcdef");
    check("  ab|", "%*.*s|", 4, 2, "abcdef");
}

static void test_strings_and_chars(void **state)
{
    (void)state;
    check("abc", "%s", "abc");
    check("(null)", "%s", (char *)NULL);
    check("  abc", "%5s", "abc");
    check("abc  |", "%-5s|", "abc");
    check("", "%s", "");
    check("x", "%c", 'x');
    check("  x", "%3c", 'x');
    check("x  |", "%-3c|", 'x');
    check("%", "%%");
    check("100%", "%d%%", 100);
    check("a%b", "a%%b");
}

static void test_pointer(void **state)
{
    (void)state;
    check("0x1234", "%p", (void *)0x1234);
    check("0x0", "%p", (void *)NULL);
    check("0xffff800000001000", "%p", (void *)0xffff800000001000ULL);
    check("  0x10", "%6p", (void *)0x10);
}

static void test_unknown_and_trailing(void **state)
{
    (void)state;
    /* An unknown conversion is printed as written and takes no argument. */
    check("%y 7", "%y %d", 7);
    check("%5y", "%5y");
    check("abc%", "abc%");
    check("abc%-", "abc%-");
}

static void test_long_output(void **state)
{
    char buf[16];
    int ret;

    (void)state;
    ret = hv_snprintf(buf, sizeof(buf), "%1000s", "");
    assert_int_equal(ret, 1000);
    assert_int_equal(strlen(buf), 15);
    check("                                        x", "%41s", "x");

    ret = hv_snprintf(NULL, 0, "%s-%d", "abc", -12345);
    assert_int_equal(ret, 10);
}

static void test_mixed(void **state)
{
    (void)state;
    check("dom 3 vcpu 0: rip=ffff800000100000 err=-22 name=idle",
          "dom %u vcpu %d: rip=%lx err=%d name=%s", 3u, 0, 0xffff800000100000UL,
          -22, "idle");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_unsigned),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_star),
        cmocka_unit_test(test_strings_and_chars),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_unknown_and_trailing),
        cmocka_unit_test(test_long_output),
        cmocka_unit_test(test_mixed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
