/*
 * vCPUs: the Xvisor state machine on top of a libhv-sched entity.
 *
 * Each transition is one function that first checks the current state
 * against the set it may leave from (refusing with HV_EPERM and changing
 * nothing otherwise), then tells the scheduler, then records the new
 * state. The scheduler only ever sees an entity as runnable when the vCPU
 * is READY/RUNNING and not blocked; PAUSED, HALTED and RESET vCPUs are
 * BLOCKED entities, so the scheduler itself never picks them.
 *
 * When the vCPU being paused, halted or blocked is the one running on this
 * CPU, the transition ends with hv_schedule(), which switches away; the
 * call returns when (and if) the vCPU is picked again.
 */
#include "core_priv.h"

static const char *const state_names[] = {
    [HV_VCPU_UNKNOWN] = "UNKNOWN", [HV_VCPU_RESET] = "RESET",
    [HV_VCPU_READY] = "READY",     [HV_VCPU_RUNNING] = "RUNNING",
    [HV_VCPU_PAUSED] = "PAUSED",   [HV_VCPU_HALTED] = "HALTED",
};

const char *hv_vcpu_state_name(enum hv_vcpu_state s)
{
    if ((unsigned int)s >= HV_ARRAY_SIZE(state_names))
        return "?";
    return state_names[s];
}

#define S(x) (1u << (x))

static bool state_in(const struct hv_vcpu *v, unsigned int set)
{
    return v != NULL && v->in_use && (S(v->state) & set) != 0;
}

/* The trampoline every orphan vCPU starts in (irqs on, own stack). */
static void vcpu_thread_main(void *p)
{
    struct hv_vcpu *v = p;

    v->entry(v, v->arg);
    /* An orphan vCPU that returns is finished: halt it for good. */
    arch_irq_disable();
    hv_vcpu_halt(v);
    hv_panic("halted vCPU d%u.%u was scheduled again",
             (unsigned int)v->domain->id, v->id);
}

static void prepare_context(struct hv_vcpu *v)
{
    hv_memset(&v->arch, 0, sizeof(v->arch));
    arch_vcpu_init_thread(&v->arch, v->stack, v->stack_size, vcpu_thread_main,
                          v);
}

/* Runnable in the scheduler's sense: READY and not waiting. */
static void sched_make_runnable(struct hv_vcpu *v)
{
    if (hv_sched_entity_state(&v->se) == HV_SCHED_BLOCKED) {
        int rc = hv_sched_wake(&v->pcpu->sched, &v->se, hv_now());

        HV_CHECK(rc >= 0);
        if (rc == 1 && v != v->pcpu->current)
            v->pcpu->need_resched = true;
    }
}

static void sched_make_blocked(struct hv_vcpu *v)
{
    if (hv_sched_entity_state(&v->se) != HV_SCHED_BLOCKED) {
        int rc = hv_sched_block(&v->pcpu->sched, &v->se, hv_now());

        HV_CHECK(rc == HV_OK);
    }
}

/* If v was running here, it must stop now: take a new decision. */
static void leave_cpu_if_current(struct hv_vcpu *v)
{
    if (v->pcpu->current != v)
        return;
    if (core_debugger_active)
        v->pcpu->need_resched = true; /* decided when the debugger closes */
    else
        hv_schedule();
}

int hv_vcpu_create(struct hv_domain *d, hv_vcpu_entry_fn entry, void *arg,
                   size_t stack_size, const void *sched_params,
                   size_t sched_params_size, struct hv_vcpu **out)
{
    struct hv_pcpu *pcpu = hv_this_pcpu();
    struct hv_vcpu *v;
    unsigned int order;
    int rc;

    if (d == NULL || !d->in_use || d->dying || entry == NULL || out == NULL)
        return HV_EINVAL;
    if (stack_size < HV_PAGE_SIZE || stack_size > (HV_PAGE_SIZE << 4))
        return HV_EINVAL;
    if (d->vcpu_count >= HV_MAX_VCPUS_PER_DOMAIN)
        return HV_ENOSPC;
    if (!pcpu->ready)
        return HV_EAGAIN;

    v = core_vcpu_alloc();
    if (v == NULL)
        return HV_ENOMEM;
    order = core_order_for(stack_size);
    v->stack = core_pages_alloc(order);
    if (v->stack == NULL) {
        core_vcpu_free(v);
        return HV_ENOMEM;
    }
    v->stack_size = HV_PAGE_SIZE << order;
    v->domain = d;
    v->id = d->vcpu_count;
    v->kind = HV_VCPU_ORPHAN;
    v->entry = entry;
    v->arg = arg;
    v->pcpu = pcpu;
    v->timer = HV_TIME_MAX;
    hv_list_init(&v->timer_link);
    v->blocked = false;
    v->vcpu_info =
        v->id < HV_LEGACY_MAX_VCPUS ? &d->shared_info->vcpu_info[v->id] : NULL;

    rc = hv_sched_add(&pcpu->sched, &v->se,
                      ((uint32_t)d->id << 8) | (uint32_t)v->id, sched_params,
                      sched_params_size, hv_now());
    if (rc != HV_OK) {
        core_pages_free(v->stack, order);
        core_vcpu_free(v);
        return rc;
    }
    prepare_context(v);
    v->state = HV_VCPU_RESET;
    d->vcpus[d->vcpu_count++] = v;
    *out = v;
    return HV_OK;
}

int hv_vcpu_kick(struct hv_vcpu *v)
{
    if (!state_in(v, S(HV_VCPU_RESET)))
        return HV_EPERM;
    v->state = HV_VCPU_READY;
    if (!v->blocked)
        sched_make_runnable(v);
    return HV_OK;
}

int hv_vcpu_pause(struct hv_vcpu *v)
{
    if (!state_in(v, S(HV_VCPU_READY) | S(HV_VCPU_RUNNING)))
        return HV_EPERM;
    sched_make_blocked(v);
    v->state = HV_VCPU_PAUSED;
    leave_cpu_if_current(v);
    return HV_OK;
}

int hv_vcpu_resume(struct hv_vcpu *v)
{
    if (!state_in(v, S(HV_VCPU_PAUSED)))
        return HV_EPERM;
    v->state = HV_VCPU_READY;
    if (!v->blocked)
        sched_make_runnable(v);
    return HV_OK;
}

int hv_vcpu_halt(struct hv_vcpu *v)
{
    if (!state_in(v, S(HV_VCPU_READY) | S(HV_VCPU_RUNNING) | S(HV_VCPU_PAUSED)))
        return HV_EPERM;
    sched_make_blocked(v);
    v->state = HV_VCPU_HALTED;
    core_timer_cancel(v);
    leave_cpu_if_current(v);
    return HV_OK;
}

int hv_vcpu_reset(struct hv_vcpu *v)
{
    if (!state_in(v, S(HV_VCPU_RESET) | S(HV_VCPU_READY) | S(HV_VCPU_RUNNING) |
                         S(HV_VCPU_PAUSED) | S(HV_VCPU_HALTED)))
        return HV_EPERM;
    /* Resetting oneself would discard the stack we are running on. */
    if (v->pcpu->current == v)
        return HV_EBUSY;
    sched_make_blocked(v);
    core_timer_cancel(v);
    v->blocked = false;
    prepare_context(v);
    v->state = HV_VCPU_RESET;
    return HV_OK;
}

int hv_vcpu_destroy(struct hv_vcpu *v)
{
    struct hv_domain *d;
    int rc;

    if (!state_in(v, S(HV_VCPU_RESET) | S(HV_VCPU_READY) | S(HV_VCPU_PAUSED) |
                         S(HV_VCPU_HALTED)))
        return HV_EPERM;
    if (v->pcpu->current == v)
        return HV_EBUSY;
    core_timer_cancel(v);
    rc = hv_sched_remove(&v->pcpu->sched, &v->se, hv_now());
    HV_CHECK(rc == HV_OK);
    d = v->domain;
    for (unsigned int i = 0; i < d->vcpu_count; i++) {
        if (d->vcpus[i] == v) {
            d->vcpus[i] = NULL;
            break;
        }
    }
    core_pages_free(v->stack, core_order_for(v->stack_size));
    v->state = HV_VCPU_UNKNOWN;
    core_vcpu_free(v);
    return HV_OK;
}

static bool event_pending(const struct hv_vcpu *v)
{
    return v->vcpu_info != NULL &&
           HV_READ_ONCE(v->vcpu_info->evtchn_upcall_pending) != 0;
}

void hv_vcpu_block(struct hv_vcpu *v)
{
    HV_CHECK(v == v->pcpu->current);
    if (v->timer_fired) {
        v->timer_fired = false;
        return;
    }
    if (event_pending(v))
        return;
    v->blocked = true;
    sched_make_blocked(v);
    hv_schedule();
}

void hv_vcpu_unblock(struct hv_vcpu *v)
{
    if (v == NULL || !v->in_use || !v->blocked)
        return;
    v->blocked = false;
    if (v->state == HV_VCPU_READY || v->state == HV_VCPU_RUNNING)
        sched_make_runnable(v);
}

/*
 * Fault containment: a vCPU whose own code faulted is halted, the console
 * says so, and the CPU moves on to another vCPU; the faulting frame is
 * abandoned on the halted vCPU's stack (a reset gives it a fresh one). Not
 * possible for the idle vCPU, during boot, inside a scheduling decision,
 * or while the console lock is held (the message could not be printed).
 */
void hv_fault_contain(const char *what)
{
    struct hv_pcpu *p = hv_this_pcpu();
    struct hv_vcpu *v = p->current;

    if (!p->ready || v == NULL || v == &p->idle || v->domain == NULL ||
        p->in_schedule || core_console_busy())
        return;
    v->domain->faulted = true;
    hv_err("domain %u (%s) vCPU %u: %s: HALTED", (unsigned int)v->domain->id,
           v->domain->name, v->id, what);
    hv_vcpu_halt(v);
    hv_panic("halted faulting vCPU d%u.%u came back",
             (unsigned int)v->domain->id, v->id);
}
