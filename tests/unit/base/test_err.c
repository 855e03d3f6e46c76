/* The error enum: Xen's numbers, and a name for every value. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hv/err.h>

struct known {
    int value;
    int xen; /* the positive value in Xen's public errno.h */
    const char *name;
};

static const struct known known[] = {
    {HV_EPERM, 1, "EPERM"},
    {HV_ENOENT, 2, "ENOENT"},
    {HV_ESRCH, 3, "ESRCH"},
    {HV_EINTR, 4, "EINTR"},
    {HV_EIO, 5, "EIO"},
    {HV_ENXIO, 6, "ENXIO"},
    {HV_E2BIG, 7, "E2BIG"},
    {HV_ENOEXEC, 8, "ENOEXEC"},
    {HV_EBADF, 9, "EBADF"},
    {HV_EAGAIN, 11, "EAGAIN"},
    {HV_ENOMEM, 12, "ENOMEM"},
    {HV_EACCES, 13, "EACCES"},
    {HV_EFAULT, 14, "EFAULT"},
    {HV_EBUSY, 16, "EBUSY"},
    {HV_EEXIST, 17, "EEXIST"},
    {HV_EXDEV, 18, "EXDEV"},
    {HV_ENODEV, 19, "ENODEV"},
    {HV_EINVAL, 22, "EINVAL"},
    {HV_ENOSPC, 28, "ENOSPC"},
    {HV_EROFS, 30, "EROFS"},
    {HV_EMLINK, 31, "EMLINK"},
    {HV_EDOM, 33, "EDOM"},
    {HV_ERANGE, 34, "ERANGE"},
    {HV_EDEADLK, 35, "EDEADLK"},
    {HV_ENAMETOOLONG, 36, "ENAMETOOLONG"},
    {HV_ENOSYS, 38, "ENOSYS"},
    {HV_ENOTEMPTY, 39, "ENOTEMPTY"},
    {HV_ENODATA, 61, "ENODATA"},
    {HV_ETIME, 62, "ETIME"},
    {HV_EBADMSG, 74, "EBADMSG"},
    {HV_EOVERFLOW, 75, "EOVERFLOW"},
    {HV_EILSEQ, 84, "EILSEQ"},
    {HV_ERESTART, 85, "ERESTART"},
    {HV_EOPNOTSUPP, 95, "EOPNOTSUPP"},
    {HV_EADDRINUSE, 98, "EADDRINUSE"},
    {HV_ENOBUFS, 105, "ENOBUFS"},
    {HV_EISCONN, 106, "EISCONN"},
    {HV_ENOTCONN, 107, "ENOTCONN"},
    {HV_ETIMEDOUT, 110, "ETIMEDOUT"},
};

static void test_xen_values(void **state)
{
    (void)state;
    assert_int_equal(HV_OK, 0);
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        assert_int_equal(known[i].value, -known[i].xen);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(hv_strerror(HV_OK), "OK");
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        const char *s = hv_strerror(known[i].value);
        size_t n = strlen(known[i].name);

        assert_non_null(s);
        assert_int_equal(strncmp(s, known[i].name, n), 0);
        assert_int_equal(s[n], ':');
    }
    assert_string_equal(hv_strerror(HV_EINVAL), "EINVAL: invalid argument");
}

static void test_unknown(void **state)
{
    (void)state;
    assert_string_equal(hv_strerror(1), "unknown error");
    assert_string_equal(hv_strerror(-10), "unknown error"); /* a gap */
    assert_string_equal(hv_strerror(-111), "unknown error");
    assert_string_equal(hv_strerror(-100000), "unknown error");
    assert_string_equal(hv_strerror(INT_MIN), "unknown error");
    assert_string_equal(hv_strerror(INT_MAX), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xen_values),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unknown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
