/* Compiler helpers, time units and limits: the macros everyone relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <hv/base.h>

struct outer {
    int a;
    long b;
    char c;
};

HV_STATIC_ASSERT(HV_PAGE_SIZE == 4096, "4 KiB pages");
HV_STATIC_ASSERT(HV_VERSION == ((HV_VERSION_MAJOR << 16) |
                                (HV_VERSION_MINOR << 8) | HV_VERSION_PATCH),
                 "version packing");

static void test_container_of(void **state)
{
    struct outer o;

    (void)state;
    assert_ptr_equal(HV_CONTAINER_OF(&o.b, struct outer, b), &o);
    assert_ptr_equal(HV_CONTAINER_OF(&o.c, struct outer, c), &o);
    assert_ptr_equal(HV_CONTAINER_OF(&o.a, struct outer, a), &o);
}

static void test_alignment(void **state)
{
    (void)state;
    assert_int_equal(HV_ALIGN_UP(0UL, 4096), 0);
    assert_int_equal(HV_ALIGN_UP(1UL, 4096), 4096);
    assert_int_equal(HV_ALIGN_UP(4096UL, 4096), 4096);
    assert_int_equal(HV_ALIGN_UP(4097UL, 4096), 8192);
    assert_int_equal(HV_ALIGN_DOWN(8191UL, 4096), 4096);
    assert_true(HV_ALIGN_DOWN(0xffff800000000fffULL, 4096) ==
                0xffff800000000000ULL);
    assert_true(HV_IS_ALIGNED(0x2000UL, 4096));
    assert_false(HV_IS_ALIGNED(0x2001UL, 4096));
    assert_true(HV_IS_POWER_OF_2(1));
    assert_true(HV_IS_POWER_OF_2(1UL << 63));
    assert_false(HV_IS_POWER_OF_2(0));
    assert_false(HV_IS_POWER_OF_2(6));
}

static void test_misc_macros(void **state)
{
    int arr[7];

    (void)state;
    (void)arr;
    assert_int_equal(HV_ARRAY_SIZE(arr), 7);
    assert_int_equal(HV_MIN(3, -2), -2);
    assert_int_equal(HV_MAX(3, -2), 3);
    assert_string_equal(HV_STRINGIFY(HV_PAGE_SHIFT), "12");
}

static void test_time_units(void **state)
{
    (void)state;
    assert_true(HV_NSEC(5) == 5);
    assert_true(HV_USEC(5) == 5000);
    assert_true(HV_MSEC(10) == 10000000);
    assert_true(HV_SEC(10) == 10000000000LL);
    assert_true(HV_SEC(1) - HV_MSEC(1500) == -HV_MSEC(500));
    assert_true(HV_TIME_MAX == INT64_MAX);
    assert_int_equal(sizeof(hv_time_t), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_container_of),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_misc_macros),
        cmocka_unit_test(test_time_units),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
