/* Hypercall dispatch, multicall and the core's own hypercalls, called as
 * an orphan vCPU calls them. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static struct hv_domain *dom;
static struct hv_vcpu *vcpu;

static int setup(void **state)
{
    (void)state;
    harness_boot();
    if (hv_domain_create(11, "eleven", &dom) != HV_OK)
        return -1;
    if (hv_vcpu_create(dom, harness_entry, NULL, 8192, NULL, 0, &vcpu) != HV_OK)
        return -1;
    if (hv_vcpu_kick(vcpu) != HV_OK)
        return -1;
    hv_schedule(); /* vcpu becomes current, as when it makes hypercalls */
    return hv_current() == vcpu ? 0 : -1;
}

static long call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    const uint64_t args[6] = {a0, a1, a2, 0, 0, 0};

    return hv_hypercall(vcpu, nr, args);
}

static long answer_7(struct hv_vcpu *v, const uint64_t args[6])
{
    (void)v;
    return (long)args[0] + 7;
}

static void test_table(void **state)
{
    (void)state;
    assert_int_equal(call(40, 0, 0, 0), HV_ENOSYS);
    assert_int_equal(call(HV_HYPERCALL_COUNT, 0, 0, 0), HV_ENOSYS);
    assert_int_equal(call(UINT64_MAX, 0, 0, 0), HV_ENOSYS);
    assert_int_equal(hv_hypercall_register(HV_HYPERCALL_COUNT, answer_7),
                     HV_EINVAL);
    assert_int_equal(hv_hypercall_register(40, NULL), HV_EINVAL);
    assert_int_equal(hv_hypercall_register(40, answer_7), HV_OK);
    assert_int_equal(hv_hypercall_register(40, answer_7), HV_EEXIST);
    assert_int_equal(call(40, 5, 0, 0), 12);
    assert_int_equal(hv_hypercall_unregister(40), HV_OK);
    assert_int_equal(hv_hypercall_unregister(40), HV_ENOENT);
    assert_int_equal(call(40, 5, 0, 0), HV_ENOSYS);
    /* the core's own are installed, and cannot be installed twice */
    assert_int_equal(hv_hypercall_register(HV_HYPERCALL_console_io, answer_7),
                     HV_EEXIST);
}

static void test_console_io(void **state)
{
    const char msg[] = "hi from eleven\n";
    uint64_t before = hv_console_line_count();
    struct hv_console_line l;

    (void)state;
    assert_int_equal(call(HV_HYPERCALL_console_io, HV_CONSOLEIO_write,
                          strlen(msg), (uintptr_t)msg),
                     HV_OK);
    assert_int_equal(hv_console_get_line(before, &l), HV_OK);
    assert_string_equal(l.text, "hi from eleven");
    assert_int_equal(l.domid, 11);
    assert_int_equal(call(HV_HYPERCALL_console_io, HV_CONSOLEIO_write, 1u << 20,
                          (uintptr_t)msg),
                     HV_EINVAL);
    assert_int_equal(call(HV_HYPERCALL_console_io, HV_CONSOLEIO_write, 4, 0),
                     HV_EFAULT);
    assert_int_equal(
        call(HV_HYPERCALL_console_io, HV_CONSOLEIO_read, 4, (uintptr_t)msg),
        HV_EPERM);
    assert_int_equal(call(HV_HYPERCALL_console_io, 77, 4, (uintptr_t)msg),
                     HV_EINVAL);
    assert_int_equal(hv_console_line_count(), before + 1);
}

static void test_version_and_timer(void **state)
{
    (void)state;
    assert_int_equal(call(HV_HYPERCALL_xen_version, HV_XENVER_version, 0, 0),
                     (HV_VERSION_MAJOR << 16) | HV_VERSION_MINOR);
    assert_int_equal(call(HV_HYPERCALL_xen_version, HV_XENVER_pagesize, 0, 0),
                     4096);
    assert_int_equal(call(HV_HYPERCALL_xen_version, 99, 0, 0), HV_ENOSYS);

    assert_int_equal(call(HV_HYPERCALL_set_timer_op,
                          (uint64_t)(arch_fake.now + HV_MSEC(3)), 0, 0),
                     HV_OK);
    assert_true(vcpu->timer == arch_fake.now + HV_MSEC(3));
    assert_int_equal(call(HV_HYPERCALL_set_timer_op, 0, 0, 0), HV_OK);
    assert_true(vcpu->timer == HV_TIME_MAX);
    assert_int_equal(call(HV_HYPERCALL_sched_op, 99, 0, 0), HV_ENOSYS);
}

static void test_multicall(void **state)
{
    const char msg[] = "via multicall\n";
    struct hv_multicall_entry e[4];
    uint64_t before = hv_console_line_count();

    (void)state;
    memset(e, 0, sizeof(e));
    e[0].op = HV_HYPERCALL_console_io;
    e[0].args[0] = HV_CONSOLEIO_write;
    e[0].args[1] = strlen(msg);
    e[0].args[2] = (uintptr_t)msg;
    e[1].op = HV_HYPERCALL_xen_version;
    e[1].args[0] = HV_XENVER_pagesize;
    e[2].op = 63;                     /* nobody home */
    e[3].op = HV_HYPERCALL_multicall; /* nesting is refused */
    e[3].args[0] = (uintptr_t)e;
    e[3].args[1] = 1;
    for (int i = 0; i < 4; i++)
        e[i].result = 12345;

    assert_int_equal(call(HV_HYPERCALL_multicall, (uintptr_t)e, 4, 0), HV_OK);
    assert_int_equal(e[0].result, HV_OK);
    assert_int_equal(e[1].result, 4096);
    assert_int_equal(e[2].result, HV_ENOSYS);
    assert_int_equal(e[3].result, HV_EINVAL);
    assert_int_equal(hv_console_line_count(), before + 1);

    /* too long a list, or a bad list address */
    assert_int_equal(
        call(HV_HYPERCALL_multicall, (uintptr_t)e, HV_MULTICALL_MAX + 1, 0),
        HV_E2BIG);
    assert_int_equal(call(HV_HYPERCALL_multicall, 0, 1, 0), HV_EFAULT);
    assert_int_equal(call(HV_HYPERCALL_multicall, (uintptr_t)e, 0, 0), HV_OK);
}

static void test_shutdown(void **state)
{
    struct hv_sched_shutdown sd = {.reason = 99};

    (void)state;
    assert_int_equal(
        call(HV_HYPERCALL_sched_op, HV_SCHEDOP_shutdown, (uintptr_t)&sd, 0),
        HV_EINVAL);
    assert_false(dom->shut_down);
    assert_int_equal(call(HV_HYPERCALL_sched_op, HV_SCHEDOP_shutdown, 0, 0),
                     HV_EFAULT);
    sd.reason = HV_SHUTDOWN_poweroff;
    assert_int_equal(
        call(HV_HYPERCALL_sched_op, HV_SCHEDOP_shutdown, (uintptr_t)&sd, 0),
        HV_OK);
    assert_true(dom->shut_down);
    assert_int_equal(dom->shutdown_reason, HV_SHUTDOWN_poweroff);
    assert_int_equal(vcpu->state, HV_VCPU_HALTED);
    assert_ptr_equal(hv_current(), &hv_this_pcpu()->idle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_console_io),
        cmocka_unit_test(test_version_and_timer),
        cmocka_unit_test(test_multicall),
        cmocka_unit_test(test_shutdown),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
