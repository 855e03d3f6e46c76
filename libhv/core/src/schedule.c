/*
 * The scheduling loop of one physical CPU: a libhv-sched instance, the
 * vCPU timers, the idle vCPU and the one-shot hardware timer.
 *
 * Tickless: nothing happens periodically. Every decision (hv_schedule)
 * asks the scheduler what to run and for how long, then programs the
 * one-shot timer for the earlier of that end and the soonest vCPU timer.
 * The timer interrupt fires vCPU timers that are due (unblocking their
 * vCPUs and raising VIRQ_TIMER through the hook) and takes a new decision.
 *
 * The idle vCPU is the boot context itself: hv_run() turns it into a loop
 * that waits for interrupts whenever the scheduler has nothing to run. It
 * is never on the scheduler's queues.
 *
 * vCPU timers are kept on a list sorted by deadline; setting one is
 * O(timers), which is fine for the handful of vCPUs per CPU this core
 * runs, and reading the soonest is O(1).
 */
#include "core_priv.h"

static struct hv_pcpu pcpu0;

hv_time_t core_power_deadline = HV_TIME_MAX;
void (*core_poll_hook)(void);
hv_time_t core_poll_period = HV_TIME_MAX;
bool core_debugger_active;

void hv_core_set_run_deadline(hv_time_t deadline)
{
    core_power_deadline = deadline;
}

/* Raised when a vCPU timer fires (the event-channel glue sets it). */
void (*hv_core_timer_hook)(struct hv_vcpu *v);

struct hv_pcpu *hv_this_pcpu(void)
{
    return &pcpu0;
}

struct hv_vcpu *hv_current(void)
{
    return pcpu0.current;
}

hv_time_t hv_now(void)
{
    return arch_time_now();
}

int hv_pcpu_init(const struct hv_sched_policy *policy, const void *params,
                 size_t params_size)
{
    struct hv_pcpu *p = &pcpu0;
    int rc;

    if (p->ready)
        return HV_EEXIST;
    rc = hv_sched_create(&p->sched, policy, params, params_size, hv_now());
    if (rc != HV_OK)
        return rc;
    p->id = 0;
    hv_memset(&p->idle, 0, sizeof(p->idle));
    p->idle.in_use = true;
    p->idle.state = HV_VCPU_RUNNING;
    p->idle.pcpu = p;
    p->idle.timer = HV_TIME_MAX;
    hv_list_init(&p->idle.timer_link);
    p->current = &p->idle;
    p->next_event = HV_TIME_MAX;
    hv_list_init(&p->timers);
    p->ready = true;
    return HV_OK;
}

/* ---- vCPU timers ---- */

void core_timer_cancel(struct hv_vcpu *v)
{
    if (hv_list_is_linked(&v->timer_link))
        hv_list_remove(&v->timer_link);
    v->timer = HV_TIME_MAX;
}

void hv_vcpu_set_timer(struct hv_vcpu *v, hv_time_t deadline)
{
    struct hv_vcpu *it;

    core_timer_cancel(v);
    v->timer_fired = false; /* a new deadline replaces an unconsumed one */
    if (deadline == HV_TIME_MAX)
        return;
    v->timer = deadline;
    hv_list_for_each_entry (it, &v->pcpu->timers, timer_link) {
        if (it->timer > deadline)
            break;
    }
    hv_list_insert_before(&it->timer_link, &v->timer_link);
}

static hv_time_t soonest_timer(struct hv_pcpu *p)
{
    struct hv_list *first = hv_list_first(&p->timers);

    if (first == NULL)
        return HV_TIME_MAX;
    return hv_list_entry(first, struct hv_vcpu, timer_link)->timer;
}

/* Fire every vCPU timer due at `now`. */
static void run_timers(struct hv_pcpu *p, hv_time_t now)
{
    struct hv_list *first;

    while ((first = hv_list_first(&p->timers)) != NULL) {
        struct hv_vcpu *v = hv_list_entry(first, struct hv_vcpu, timer_link);

        if (v->timer > now)
            break;
        core_timer_cancel(v);
        if (hv_core_timer_hook != NULL)
            hv_core_timer_hook(v);
        if (v->blocked)
            hv_vcpu_unblock(v);
        else
            v->timer_fired = true; /* between set_timer_op and block */
    }
}

/* ---- decisions ---- */

void hv_schedule(void)
{
    struct hv_pcpu *p = &pcpu0;
    struct hv_sched_decision dec;
    struct hv_vcpu *prev = p->current;
    struct hv_vcpu *next;
    hv_time_t now = hv_now();
    hv_time_t until;
    int rc;

    if (now >= core_power_deadline)
        core_finish(0);
    if (core_poll_hook != NULL && !core_debugger_active)
        core_poll_hook();
    p->in_schedule = true;
    run_timers(p, now);
    /* Waking timers' vCPUs told the scheduler a later time: catch up. */
    now = hv_now();
    p->need_resched = false;
    rc = hv_sched_pick(&p->sched, now, &dec);
    if (rc != HV_OK)
        hv_panic("scheduler refused pick at %lld: %s", (long long)now,
                 hv_strerror(rc));
    p->decisions++;

    next = dec.entity != NULL ? HV_CONTAINER_OF(dec.entity, struct hv_vcpu, se)
                              : &p->idle;
    until = dec.run_for >= HV_TIME_MAX - now ? HV_TIME_MAX : now + dec.run_for;
    if (soonest_timer(p) < until)
        until = soonest_timer(p);
    if (core_power_deadline < until)
        until = core_power_deadline;
    if (core_poll_hook != NULL && now + core_poll_period < until)
        until = now + core_poll_period;
    p->next_event = until;
    arch_timer_set(until);

    p->in_schedule = false;
    if (next == prev)
        return;
    if (prev->state == HV_VCPU_RUNNING)
        prev->state = HV_VCPU_READY;
    if (next->state == HV_VCPU_READY)
        next->state = HV_VCPU_RUNNING;
    p->current = next;
    p->switches++;
    arch_context_switch(&prev->arch, &next->arch);
}

void hv_yield(void)
{
    struct hv_pcpu *p = &pcpu0;
    struct hv_vcpu *v = p->current;
    unsigned long flags = arch_irq_save();

    if (v != &p->idle) {
        int rc = hv_sched_yield(&p->sched, &v->se, hv_now());

        HV_CHECK(rc == HV_OK);
    }
    hv_schedule();
    arch_irq_restore(flags);
}

void hv_timer_interrupt(void)
{
    pcpu0.timer_interrupts++;
    hv_schedule();
}

HV_NORETURN void hv_run(void)
{
    struct hv_pcpu *p = &pcpu0;

    arch_irq_disable();
    for (;;) {
        hv_schedule();
        /* Back in the idle vCPU: nothing to run until an interrupt. */
        if (p->current == &p->idle && !p->need_resched)
            arch_wait_for_interrupt();
    }
}
