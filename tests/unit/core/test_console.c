/* The console ring: hypervisor and domain lines, joining, sanitising,
 * levels, overwrite of old lines, and the printed format. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static struct hv_console_line last_line(void)
{
    struct hv_console_line l;

    assert_int_equal(hv_console_get_line(hv_console_line_count() - 1, &l),
                     HV_OK);
    return l;
}

static void test_printk_format(void **state)
{
    struct hv_console_line l;
    uint64_t before;

    (void)state;
    harness_boot();
    arch_fake.console_len = 0;
    arch_fake.now = HV_SEC(3) + HV_USEC(250);
    before = hv_console_line_count();
    hv_info("hello %d", 42);
    assert_int_equal(hv_console_line_count(), before + 1);
    l = last_line();
    assert_string_equal(l.text, "hello 42");
    assert_int_equal(l.domid, HV_DOMID_XEN);
    assert_true(l.time == HV_SEC(3) + HV_USEC(250));
    assert_string_equal(arch_fake.console, "[    3.000250] (hv) hello 42\r\n");

    /* several lines in one call */
    hv_info("one\ntwo\n");
    assert_int_equal(hv_console_line_count(), before + 3);
    assert_int_equal(hv_console_get_line(before + 1, &l), HV_OK);
    assert_string_equal(l.text, "one");
    assert_string_equal(last_line().text, "two");
}

static void test_levels(void **state)
{
    uint64_t before;

    (void)state;
    harness_boot();
    arch_fake.console_len = 0;
    arch_fake.console[0] = '\0';
    before = hv_console_line_count();
    hv_debug("quiet detail");
    /* stored, not printed at the default level (info) */
    assert_int_equal(hv_console_line_count(), before + 1);
    assert_string_equal(last_line().text, "quiet detail");
    assert_int_equal(arch_fake.console_len, 0);
    hv_console_set_level(HV_LOG_DEBUG);
    hv_debug("loud detail");
    assert_non_null(strstr(arch_fake.console, "loud detail"));
    hv_console_set_level(HV_LOG_INFO);
}

static void test_domain_lines(void **state)
{
    struct hv_domain *d;
    char big[400];
    uint64_t before;

    (void)state;
    harness_boot();
    assert_int_equal(hv_domain_create(9, "nine", &d), HV_OK);
    before = hv_console_line_count();

    /* pieces are joined until the newline */
    assert_int_equal(hv_console_domain_write(d, "Hel", 3), 3);
    assert_int_equal(hv_console_line_count(), before);
    hv_console_domain_write(d, "lo\r\n", 4);
    assert_int_equal(hv_console_line_count(), before + 1);
    assert_string_equal(last_line().text, "Hello");
    assert_int_equal(last_line().domid, 9);

    /* escape sequences and other control bytes are defused */
    hv_console_domain_write(d, "\x1b[2Jx\ty\x7f\xff\n", 10);
    assert_string_equal(last_line().text, "?[2Jx\ty??");

    /* an over-long line is cut into pieces of the line size */
    memset(big, 'a', sizeof(big));
    hv_console_domain_write(d, big, sizeof(big));
    hv_console_domain_write(d, "\n", 1);
    assert_int_equal(hv_console_line_count(), before + 4);
    struct hv_console_line l;
    assert_int_equal(hv_console_get_line(before + 2, &l), HV_OK);
    assert_int_equal(strlen(l.text), HV_CONSOLE_LINE_MAX - 1);
    assert_int_equal(strlen(last_line().text),
                     sizeof(big) - (HV_CONSOLE_LINE_MAX - 1));
    assert_int_equal(hv_domain_destroy(d), HV_OK);
}

static void test_ring_overwrite(void **state)
{
    struct hv_console_line l;
    uint64_t first;

    (void)state;
    harness_boot();
    first = hv_console_line_count();
    for (int i = 0; i < HV_CONSOLE_RING_LINES + 10; i++)
        hv_debug("line %d", i);
    /* the first ten of these are gone, the rest are there in order */
    assert_int_equal(hv_console_get_line(first + 9, &l), HV_ENOENT);
    assert_int_equal(hv_console_get_line(first + 10, &l), HV_OK);
    assert_string_equal(l.text, "line 10");
    assert_int_equal(hv_console_get_line(hv_console_line_count(), &l),
                     HV_ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printk_format),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_domain_lines),
        cmocka_unit_test(test_ring_overwrite),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
