/*
 * vCPU and domain life cycle on the fake port: every transition of the
 * Xvisor state machine, every refusal (with state unchanged), and the
 * scheduling decisions the core takes from libhv-sched (round-robin).
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static struct hv_vcpu *new_vcpu(struct hv_domain *d)
{
    struct hv_vcpu *v = NULL;

    assert_int_equal(hv_vcpu_create(d, harness_entry, NULL, 8192, NULL, 0, &v),
                     HV_OK);
    assert_non_null(v);
    return v;
}

static void test_domain_refusals(void **state)
{
    struct hv_domain *d, *d2;

    (void)state;
    harness_boot();
    assert_int_equal(hv_domain_create(HV_MAX_DOMAINS, "x", &d), HV_EINVAL);
    assert_int_equal(
        hv_domain_create(1, "a-name-that-is-far-too-long-for-it", &d),
        HV_EINVAL);
    assert_int_equal(hv_domain_create(1, "one", &d), HV_OK);
    assert_int_equal(hv_domain_create(1, "again", &d2), HV_EEXIST);
    assert_ptr_equal(hv_domain_lookup(1), d);
    assert_null(hv_domain_lookup(2));
    assert_string_equal(d->name, "one");
    assert_non_null(d->shared_info);
    assert_int_equal(hv_domain_destroy(d), HV_OK);
    assert_null(hv_domain_lookup(1));
}

static void test_vcpu_create_refusals(void **state)
{
    struct hv_domain *d;
    struct hv_vcpu *v;

    (void)state;
    harness_boot();
    assert_int_equal(hv_domain_create(3, "three", &d), HV_OK);
    assert_int_equal(
        hv_vcpu_create(NULL, harness_entry, NULL, 8192, NULL, 0, &v),
        HV_EINVAL);
    assert_int_equal(hv_vcpu_create(d, NULL, NULL, 8192, NULL, 0, &v),
                     HV_EINVAL);
    assert_int_equal(hv_vcpu_create(d, harness_entry, NULL, 100, NULL, 0, &v),
                     HV_EINVAL);
    assert_int_equal(
        hv_vcpu_create(d, harness_entry, NULL, 1 << 20, NULL, 0, &v),
        HV_EINVAL);
    /* round-robin has no per-entity parameters: a non-empty set is bad */
    uint64_t bogus = 5;
    assert_int_equal(
        hv_vcpu_create(d, harness_entry, NULL, 8192, &bogus, sizeof(bogus), &v),
        HV_EINVAL);
    assert_int_equal(d->vcpu_count, 0);
    assert_int_equal(hv_domain_destroy(d), HV_OK);
}

/* Drive one vCPU through every state and try every transition there. */
static void test_state_machine(void **state)
{
    struct hv_domain *d;
    struct hv_vcpu *v;

    (void)state;
    harness_boot();
    assert_int_equal(hv_domain_create(4, "four", &d), HV_OK);
    v = new_vcpu(d);
    assert_int_equal(v->state, HV_VCPU_RESET);

    /* RESET: only kick, reset, destroy */
    assert_int_equal(hv_vcpu_pause(v), HV_EPERM);
    assert_int_equal(hv_vcpu_resume(v), HV_EPERM);
    assert_int_equal(hv_vcpu_halt(v), HV_EPERM);
    assert_int_equal(v->state, HV_VCPU_RESET);
    assert_int_equal(hv_vcpu_reset(v), HV_OK);
    assert_int_equal(v->state, HV_VCPU_RESET);
    assert_int_equal(hv_vcpu_kick(v), HV_OK);
    assert_int_equal(v->state, HV_VCPU_READY);
    assert_int_equal(hv_sched_entity_state(&v->se), HV_SCHED_RUNNABLE);

    /* READY: no kick, no resume */
    assert_int_equal(hv_vcpu_kick(v), HV_EPERM);
    assert_int_equal(hv_vcpu_resume(v), HV_EPERM);
    assert_int_equal(v->state, HV_VCPU_READY);

    assert_int_equal(hv_vcpu_pause(v), HV_OK);
    assert_int_equal(v->state, HV_VCPU_PAUSED);
    assert_int_equal(hv_sched_entity_state(&v->se), HV_SCHED_BLOCKED);

    /* PAUSED: no kick, no pause */
    assert_int_equal(hv_vcpu_kick(v), HV_EPERM);
    assert_int_equal(hv_vcpu_pause(v), HV_EPERM);
    assert_int_equal(hv_vcpu_resume(v), HV_OK);
    assert_int_equal(v->state, HV_VCPU_READY);
    assert_int_equal(hv_sched_entity_state(&v->se), HV_SCHED_RUNNABLE);

    assert_int_equal(hv_vcpu_halt(v), HV_OK);
    assert_int_equal(v->state, HV_VCPU_HALTED);
    assert_int_equal(hv_sched_entity_state(&v->se), HV_SCHED_BLOCKED);

    /* HALTED: only reset and destroy */
    assert_int_equal(hv_vcpu_kick(v), HV_EPERM);
    assert_int_equal(hv_vcpu_pause(v), HV_EPERM);
    assert_int_equal(hv_vcpu_resume(v), HV_EPERM);
    assert_int_equal(hv_vcpu_halt(v), HV_EPERM);
    assert_int_equal(v->state, HV_VCPU_HALTED);
    assert_int_equal(hv_vcpu_reset(v), HV_OK);
    assert_int_equal(v->state, HV_VCPU_RESET);

    assert_int_equal(hv_vcpu_destroy(v), HV_OK);
    /* The record is gone: every transition is now refused. */
    assert_int_equal(hv_vcpu_kick(v), HV_EPERM);
    assert_int_equal(hv_vcpu_destroy(v), HV_EPERM);
    assert_int_equal(hv_domain_destroy(d), HV_OK);
    assert_string_equal(hv_vcpu_state_name(HV_VCPU_PAUSED), "PAUSED");
    assert_string_equal(hv_vcpu_state_name((enum hv_vcpu_state)42), "?");
}

/* Round-robin between two vCPUs, preemption by the one-shot timer. */
static void test_scheduling(void **state)
{
    struct hv_pcpu *p = hv_this_pcpu();
    struct hv_domain *d;
    struct hv_vcpu *a, *b;
    uint64_t decisions;

    (void)state;
    harness_boot();
    assert_int_equal(hv_domain_create(5, "five", &d), HV_OK);
    a = new_vcpu(d);
    b = new_vcpu(d);
    assert_int_equal(hv_vcpu_kick(a), HV_OK);
    assert_int_equal(hv_vcpu_kick(b), HV_OK);

    arch_fake.now = HV_MSEC(100);
    decisions = p->decisions;
    hv_schedule();
    assert_ptr_equal(hv_current(), a);
    assert_int_equal(a->state, HV_VCPU_RUNNING);
    assert_int_equal(b->state, HV_VCPU_READY);
    assert_ptr_equal(arch_fake.last_next, &a->arch);
    /* round-robin's default slice is 10 ms: the timer is set for it */
    assert_true(arch_fake.timer == HV_MSEC(110));
    assert_int_equal(p->decisions, decisions + 1);

    /* the slice ends: the timer interrupt switches to b */
    arch_fake.now = HV_MSEC(110);
    hv_timer_interrupt();
    assert_ptr_equal(hv_current(), b);
    assert_int_equal(a->state, HV_VCPU_READY);
    assert_int_equal(b->state, HV_VCPU_RUNNING);

    /* a running vCPU cannot be destroyed or reset */
    assert_int_equal(hv_vcpu_destroy(b), HV_EPERM);
    assert_int_equal(hv_vcpu_reset(b), HV_EBUSY);
    assert_int_equal(hv_domain_destroy(d), HV_EBUSY);

    /* pausing the running vCPU switches away at once */
    arch_fake.now = HV_MSEC(112);
    assert_int_equal(hv_vcpu_pause(b), HV_OK);
    assert_ptr_equal(hv_current(), a);
    assert_int_equal(b->state, HV_VCPU_PAUSED);

    /* a blocks with a timer 5 ms ahead: idle until then */
    hv_vcpu_set_timer(a, HV_MSEC(117));
    hv_vcpu_block(a);
    assert_ptr_equal(hv_current(), &p->idle);
    assert_true(a->blocked);
    assert_true(arch_fake.timer == HV_MSEC(117));

    /* the timer fires: a is runnable again and picked */
    arch_fake.now = HV_MSEC(117);
    hv_timer_interrupt();
    assert_false(a->blocked);
    assert_ptr_equal(hv_current(), a);

    /* a timer that fires before the vCPU blocks is not lost: the next
     * block returns at once (set_timer_op, preempted, then block) */
    hv_vcpu_set_timer(a, arch_fake.now + HV_MSEC(1));
    arch_fake.now += HV_MSEC(2);
    hv_schedule(); /* the timer fires here; a is running, not blocked */
    assert_true(a->timer == HV_TIME_MAX);
    assert_ptr_equal(hv_current(), a);
    hv_vcpu_block(a);
    assert_false(a->blocked);
    assert_ptr_equal(hv_current(), a);
    /* ... once: the next block waits */
    hv_vcpu_set_timer(a, arch_fake.now + HV_MSEC(5));
    hv_vcpu_block(a);
    assert_true(a->blocked);
    arch_fake.now += HV_MSEC(5);
    hv_timer_interrupt();
    assert_ptr_equal(hv_current(), a);

    /* an event pending makes block return at once */
    a->vcpu_info->evtchn_upcall_pending = 1;
    hv_vcpu_block(a);
    assert_false(a->blocked);
    assert_ptr_equal(hv_current(), a);
    a->vcpu_info->evtchn_upcall_pending = 0;

    assert_int_equal(hv_vcpu_halt(a), HV_OK);
    assert_ptr_equal(hv_current(), &p->idle);
    assert_true(arch_fake.timer == HV_TIME_MAX);
    assert_int_equal(hv_domain_destroy(d), HV_OK);
}

static jmp_buf stopped;

static void stop_hook(int status)
{
    longjmp(stopped, status + 100);
}

/* When the run time is up, the core prints the summary and powers off. */
static void test_summary_and_poweroff(void **state)
{
    struct hv_domain *d;
    struct hv_vcpu *v;
    hv_time_t now;

    (void)state;
    harness_boot();
    assert_int_equal(hv_domain_create(7, "seven", &d), HV_OK);
    v = new_vcpu(d);
    assert_int_equal(hv_vcpu_kick(v), HV_OK);
    now = arch_fake.now;
    hv_schedule();
    arch_fake.now = now + HV_MSEC(30);
    arch_fake_stop_hook = stop_hook;
    hv_core_set_run_deadline(now + HV_MSEC(20));
    if (setjmp(stopped) == 0) {
        hv_schedule();
        fail_msg("hv_schedule returned past the deadline");
    }
    arch_fake_stop_hook = NULL;
    assert_int_equal(arch_fake.poweroff_status, 0);
    assert_non_null(strstr(arch_fake.console, "summary after"));
    assert_non_null(strstr(arch_fake.console, "seven"));
    assert_non_null(strstr(arch_fake.console, "power off (status 0)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_refusals),
        cmocka_unit_test(test_vcpu_create_refusals),
        cmocka_unit_test(test_state_machine),
        cmocka_unit_test(test_scheduling),
        cmocka_unit_test(test_summary_and_poweroff),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
