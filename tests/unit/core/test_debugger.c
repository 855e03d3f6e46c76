/* The debugger shell on the fake port: every command's answer, and the
 * usage line for bad arguments instead of a crash. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <hv/core_evtchn.h>
#include <hv/debugger.h>

static struct hv_domain *dom;
static unsigned char memory[64] HV_ALIGNED(64);

static int setup(void **state)
{
    struct hv_vcpu *v;

    (void)state;
    harness_boot();
    if (hv_core_evtchn_enable() != HV_OK)
        return -1;
    if (hv_domain_create(31, "target", &dom) != HV_OK ||
        hv_vcpu_create(dom, harness_entry, NULL, 8192, NULL, 0, &v) != HV_OK ||
        hv_core_evtchn_attach(dom) != HV_OK || hv_vcpu_kick(v) != HV_OK)
        return -1;
    hv_debugger_enable();
    for (size_t i = 0; i < sizeof(memory); i++)
        memory[i] = (unsigned char)('A' + i % 26);
    arch_fake.mapped_lo = (uintptr_t)memory;
    arch_fake.mapped_hi = (uintptr_t)memory + sizeof(memory);
    return 0;
}

/* Run one command; return what it printed. */
static const char *run(const char *line)
{
    arch_fake.console_len = 0;
    arch_fake.console[0] = '\0';
    assert_true(hv_debugger_command(line));
    return arch_fake.console;
}

static void test_info_commands(void **state)
{
    (void)state;
    assert_non_null(strstr(run("help"), "hexdump SIZE@ADDR"));
    assert_non_null(strstr(run("ver"), "arch fake, image host-test"));
    assert_non_null(strstr(run("doms"), "  31 target"));
    assert_non_null(strstr(run("vcpus"), "d31.0 READY"));
    assert_non_null(strstr(run("sched"), "policy rr"));
    assert_non_null(strstr(run("mem"), "frames"));
    assert_non_null(strstr(run("regs"), "(fake registers)"));
    assert_non_null(strstr(run("bt"), "(fake backtrace)"));
    hv_info("a line for the log");
    assert_non_null(strstr(run("log 3"), "a line for the log"));
    assert_string_equal(run(""), "");
}

static void test_memory_commands(void **state)
{
    char cmd[64];

    (void)state;
    snprintf(cmd, sizeof(cmd), "hexdump 20@%p", (void *)memory);
    assert_non_null(strstr(run(cmd), "41 42 43 44"));
    assert_non_null(strstr(arch_fake.console, "ABCDEFGHIJKLMNOP"));
    assert_non_null(strstr(arch_fake.console, "QRST"));
    /* past the mapped window: stops with a message, reads nothing */
    snprintf(cmd, sizeof(cmd), "hexdump 128@%p", (void *)memory);
    assert_non_null(strstr(run(cmd), "not mapped"));
    assert_non_null(strstr(run("hexdump 16@0"), "not mapped"));
    snprintf(cmd, sizeof(cmd), "v2p %p", (void *)(memory + 5));
    assert_non_null(strstr(run(cmd), "->"));
    assert_non_null(strstr(run("v2p 0xdead0000"), "not mapped"));
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_non_null(strstr(run("hexdump"), "usage: hexdump SIZE@ADDR"));
    assert_non_null(strstr(run("hexdump 16"), "usage: hexdump"));
    assert_non_null(strstr(run("hexdump 0@1000"), "usage: hexdump"));
    assert_non_null(strstr(run("hexdump 5000@1000"), "usage: hexdump"));
    assert_non_null(strstr(run("hexdump x@y"), "usage: hexdump"));
    assert_non_null(
        strstr(run("hexdump 16@ffffffffffffffff"), "usage: hexdump"));
    assert_non_null(strstr(run("v2p"), "usage: v2p ADDR"));
    assert_non_null(strstr(run("v2p zz"), "usage: v2p ADDR"));
    assert_non_null(strstr(run("evtchn 999"), "usage: evtchn DOMID"));
    assert_non_null(strstr(run("pause 7"), "usage: pause DOMID"));
    assert_non_null(strstr(run("log 0"), "usage: log"));
    assert_non_null(strstr(run("ver extra"), "usage: ver"));
    assert_non_null(strstr(run("a b c d e f"), "unknown command"));
    assert_non_null(strstr(run("frobnicate"), "unknown command 'frobnicate'"));
    char longline[300];
    memset(longline, 'x', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    assert_non_null(strstr(run(longline), "line too long"));
}

static void test_domain_control(void **state)
{
    struct hv_vcpu *v = dom->vcpus[0];

    (void)state;
    assert_non_null(strstr(run("pause 31"), "1 vCPU(s) paused"));
    assert_int_equal(v->state, HV_VCPU_PAUSED);
    assert_non_null(strstr(run("doms"), "paused"));
    assert_non_null(strstr(run("resume 31"), "1 vCPU(s) resumed"));
    assert_int_equal(v->state, HV_VCPU_READY);
    assert_non_null(strstr(run("evtchn 31"), "0 port(s) in use"));
    assert_false(hv_debugger_command("continue"));
}

static void test_prompt_session(void **state)
{
    (void)state;
    /* typed input with a backspace, then continue */
    arch_fake.console_len = 0;
    arch_fake.input = "verx\x7f\rcontinue\r";
    hv_debugger_enter();
    assert_non_null(strstr(arch_fake.console, "libhv debugger"));
    assert_non_null(strstr(arch_fake.console, "arch fake"));
    assert_non_null(strstr(arch_fake.console, "leaving the debugger"));

    /* the key on the line opens it from the scheduler's poll */
    arch_fake.console_len = 0;
    arch_fake.input = "zz\x01help\rcontinue\r";
    hv_schedule();
    assert_non_null(strstr(arch_fake.console, "commands:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_commands),
        cmocka_unit_test(test_memory_commands),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_domain_control),
        cmocka_unit_test(test_prompt_session),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
