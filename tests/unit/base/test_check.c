/*
 * HV_CHECK: a true invariant costs nothing visible; a false one calls the
 * hv_check_failed() hook with the file, line and expression text. This
 * program defines the hook itself, as an image or a test harness would,
 * overriding the base library's weak default.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hv/check.h>

static jmp_buf escape;
static const char *failed_file;
static int failed_line;
static const char *failed_expr;
static int failures;

void hv_check_failed(const char *file, int line, const char *expr)
{
    failed_file = file;
    failed_line = line;
    failed_expr = expr;
    failures++;
    longjmp(escape, 1);
}

static int checked(int x)
{
    HV_CHECK(x > 0 && x < 10);
    return x * 2;
}

static void test_true_check_passes(void **state)
{
    (void)state;
    failures = 0;
    if (setjmp(escape) == 0)
        assert_int_equal(checked(3), 6);
    assert_int_equal(failures, 0);
}

static void test_false_check_calls_hook(void **state)
{
    volatile int line;

    (void)state;
    failures = 0;
    if (setjmp(escape) == 0) {
        line = __LINE__ + 1;
        HV_CHECK(1 + 1 == 3);
        fail_msg("HV_CHECK(false) returned");
    }
    assert_int_equal(failures, 1);
    assert_int_equal(failed_line, line);
    assert_string_equal(failed_expr, "1 + 1 == 3");
    assert_non_null(strstr(failed_file, "test_check.c"));

    if (setjmp(escape) == 0) {
        checked(12);
        fail_msg("checked(12) returned");
    }
    assert_int_equal(failures, 2);
    assert_string_equal(failed_expr, "x > 0 && x < 10");
}

static void test_condition_evaluated_once(void **state)
{
    int n = 0;

    (void)state;
    failures = 0;
    HV_CHECK(++n == 1);
    assert_int_equal(n, 1);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_true_check_passes),
        cmocka_unit_test(test_false_check_calls_hook),
        cmocka_unit_test(test_condition_evaluated_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
