/* The command-line parser against hostile and ordinary input. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hv/cmdline.h>

static char name[8];
static uint64_t number;
static bool flag;
static unsigned int choice;
static const char *const colours[] = {"red", "green", "blue", NULL};

static const struct hv_opt opts[] = {
    {"name", HV_OPT_STRING, name, sizeof(name), NULL, 0, 0},
    {"n", HV_OPT_U64, &number, 0, NULL, 1, 1000},
    {"flag", HV_OPT_BOOL, &flag, 0, NULL, 0, 0},
    {"colour", HV_OPT_CHOICE, &choice, 0, colours, 0, 0},
};

static char reports[2048];

static void collect(void *ctx, const char *msg)
{
    (void)ctx;
    strncat(reports, msg, sizeof(reports) - strlen(reports) - 2);
    strcat(reports, "|");
}

static unsigned int parse(const char *line)
{
    reports[0] = '\0';
    return hv_cmdline_parse(line, opts, 4, collect, NULL);
}

static void reset_values(void)
{
    strcpy(name, "dflt");
    number = 5;
    flag = false;
    choice = 0;
}

static void test_ordinary(void **state)
{
    (void)state;
    reset_values();
    assert_int_equal(parse("  name=abc   n=0x10 flag colour=blue "), 0);
    assert_string_equal(name, "abc");
    assert_int_equal(number, 16);
    assert_true(flag);
    assert_int_equal(choice, 2);
    assert_int_equal(parse("flag=off n=1000"), 0);
    assert_false(flag);
    assert_int_equal(number, 1000);
    assert_int_equal(parse(""), 0);
    assert_int_equal(hv_cmdline_parse(NULL, opts, 4, collect, NULL), 0);
}

static void test_refusals_keep_values(void **state)
{
    (void)state;
    reset_values();
    assert_int_equal(parse("bogus=1 n=1001 n=0 n=abc n name=toolongvalue "
                           "flag=maybe colour=pink colour =x"),
                     10);
    assert_string_equal(name, "dflt");
    assert_int_equal(number, 5);
    assert_false(flag);
    assert_int_equal(choice, 0);
    assert_non_null(strstr(reports, "unknown option 'bogus'"));
    assert_non_null(strstr(reports, "n needs a number in 1..1000"));
    assert_non_null(strstr(reports, "colour=pink is not a known choice"));
    assert_non_null(strstr(reports, "bad word '=x'"));

    /* good words after bad ones still apply */
    assert_int_equal(parse("zzz n=7"), 1);
    assert_int_equal(number, 7);
}

static void test_overlong_line(void **state)
{
    char line[HV_CMDLINE_MAX + 100];

    (void)state;
    reset_values();
    memset(line, ' ', sizeof(line));
    memcpy(line, "n=9", 3);
    memcpy(line + HV_CMDLINE_MAX - 2, "n=8", 3); /* straddles the limit */
    line[sizeof(line) - 1] = '\0';
    assert_int_equal(parse(line), 2); /* too long, and "n=" cut short */
    assert_int_equal(number, 9);
    assert_non_null(strstr(reports, "longer than"));
}

static void test_domain_list(void **state)
{
    (void)state;
    assert_true(hv_image_domain_selected(NULL, 3));
    assert_true(hv_image_domain_selected("", 3));
    assert_true(hv_image_domain_selected("1,2,3", 3));
    assert_true(hv_image_domain_selected("3", 3));
    assert_false(hv_image_domain_selected("1,2", 3));
    assert_false(hv_image_domain_selected("13,30", 3));
    assert_false(hv_image_domain_selected(",,x,", 3));
    assert_true(hv_image_domain_selected("x,3", 3));
    assert_false(hv_image_domain_selected("99999999999999999999,4", 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordinary),
        cmocka_unit_test(test_refusals_keep_values),
        cmocka_unit_test(test_overlong_line),
        cmocka_unit_test(test_domain_list),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
