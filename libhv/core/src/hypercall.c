/*
 * Hypercall dispatch and the core's own hypercalls.
 *
 * The table maps Xen's hypercall numbers to handlers. A handler runs with
 * interrupts off on the calling vCPU's stack and may block or yield (which
 * switches to another vCPU and returns later). When it has woken a vCPU
 * that should preempt the caller, the dispatcher takes a scheduling
 * decision before returning.
 *
 * multicall reads each entry from guest memory, dispatches it and writes
 * its result back, in order; entries keep going after a failed one, as in
 * Xen. A multicall inside a multicall is refused, and so is a list longer
 * than HV_MULTICALL_MAX.
 */
#include "core_priv.h"

static hv_hypercall_fn table[HV_HYPERCALL_COUNT];

int hv_hypercall_register(unsigned int nr, hv_hypercall_fn fn)
{
    if (nr >= HV_HYPERCALL_COUNT || fn == NULL)
        return HV_EINVAL;
    if (table[nr] != NULL)
        return HV_EEXIST;
    table[nr] = fn;
    return HV_OK;
}

int hv_hypercall_unregister(unsigned int nr)
{
    if (nr >= HV_HYPERCALL_COUNT || table[nr] == NULL)
        return HV_ENOENT;
    table[nr] = NULL;
    return HV_OK;
}

long hv_hypercall(struct hv_vcpu *v, uint64_t nr, const uint64_t args[6])
{
    unsigned long flags;
    long ret;

    if (nr >= HV_HYPERCALL_COUNT || table[nr] == NULL)
        return HV_ENOSYS;
    flags = arch_irq_save();
    v->hypercall_count++;
    ret = table[nr](v, args);
    if (v->pcpu->need_resched)
        hv_schedule();
    arch_irq_restore(flags);
    return ret;
}

long hv_hypercall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5)
{
    const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};

    return hv_hypercall(hv_current(), nr, args);
}

/* ---- guest memory ---- */

int hv_copy_from_guest(struct hv_vcpu *v, void *dst, uint64_t gaddr, size_t n)
{
    /* Orphan vCPUs are hypervisor code: their addresses are ours. */
    if (v == NULL || v->kind != HV_VCPU_ORPHAN)
        return HV_EFAULT;
    if (gaddr == 0 || gaddr + n < gaddr)
        return HV_EFAULT;
    hv_memcpy(dst, (const void *)(uintptr_t)gaddr, n);
    return HV_OK;
}

int hv_copy_to_guest(struct hv_vcpu *v, uint64_t gaddr, const void *src,
                     size_t n)
{
    if (v == NULL || v->kind != HV_VCPU_ORPHAN)
        return HV_EFAULT;
    if (gaddr == 0 || gaddr + n < gaddr)
        return HV_EFAULT;
    hv_memcpy((void *)(uintptr_t)gaddr, src, n);
    return HV_OK;
}

/* ---- multicall ---- */

static long do_multicall(struct hv_vcpu *v, const uint64_t args[6])
{
    uint64_t list = args[0];
    uint64_t count = args[1];

    if (count > HV_MULTICALL_MAX)
        return HV_E2BIG;
    for (uint64_t i = 0; i < count; i++) {
        struct hv_multicall_entry e;
        uint64_t at = list + i * sizeof(e);

        if (hv_copy_from_guest(v, &e, at, sizeof(e)) != HV_OK)
            return HV_EFAULT;
        if (e.op == HV_HYPERCALL_multicall)
            e.result = HV_EINVAL; /* no nesting */
        else if (e.op >= HV_HYPERCALL_COUNT || table[e.op] == NULL)
            e.result = HV_ENOSYS;
        else
            e.result = table[e.op](v, e.args);
        if (hv_copy_to_guest(v,
                             at + offsetof(struct hv_multicall_entry, result),
                             &e.result, sizeof(e.result)) != HV_OK)
            return HV_EFAULT;
    }
    return HV_OK;
}

/* ---- sched_op, set_timer_op ---- */

static long do_sched_op(struct hv_vcpu *v, const uint64_t args[6])
{
    struct hv_sched_shutdown sd;

    switch (args[0]) {
    case HV_SCHEDOP_yield:
        hv_yield();
        return HV_OK;
    case HV_SCHEDOP_block:
        hv_vcpu_block(v);
        return HV_OK;
    case HV_SCHEDOP_shutdown:
        if (hv_copy_from_guest(v, &sd, args[1], sizeof(sd)) != HV_OK)
            return HV_EFAULT;
        if (sd.reason > HV_SHUTDOWN_watchdog)
            return HV_EINVAL;
        v->domain->shutdown_reason = sd.reason;
        v->domain->shut_down = true;
        hv_info("domain %u (%s) shut down, reason %u",
                (unsigned int)v->domain->id, v->domain->name, sd.reason);
        hv_domain_halt(v->domain);
        return HV_OK;
    default:
        return HV_ENOSYS;
    }
}

static long do_set_timer_op(struct hv_vcpu *v, const uint64_t args[6])
{
    int64_t deadline = (int64_t)args[0];

    /* 0 cancels; a past deadline fires at once (as in Xen). */
    hv_vcpu_set_timer(v, deadline == 0 ? HV_TIME_MAX : deadline);
    return HV_OK;
}

/* ---- console_io ---- */

#define CONSOLE_CHUNK 128
#define CONSOLE_MAX   (16 * 1024)

static long do_console_io(struct hv_vcpu *v, const uint64_t args[6])
{
    uint64_t count = args[1];
    char chunk[CONSOLE_CHUNK];

    switch (args[0]) {
    case HV_CONSOLEIO_write:
        if (count > CONSOLE_MAX)
            return HV_EINVAL;
        for (uint64_t done = 0; done < count;) {
            size_t n = (size_t)HV_MIN(count - done, (uint64_t)sizeof(chunk));

            if (hv_copy_from_guest(v, chunk, args[2] + done, n) != HV_OK)
                return HV_EFAULT;
            hv_console_domain_write(v->domain, chunk, n);
            done += n;
        }
        return HV_OK;
    case HV_CONSOLEIO_read:
        return HV_EPERM; /* only a control domain may read; none exists */
    default:
        return HV_EINVAL;
    }
}

/* ---- xen_version ---- */

static long do_xen_version(struct hv_vcpu *v, const uint64_t args[6])
{
    (void)v;
    switch (args[0]) {
    case HV_XENVER_version:
        return (long)((HV_VERSION_MAJOR << 16) | HV_VERSION_MINOR);
    case HV_XENVER_pagesize:
        return (long)HV_PAGE_SIZE;
    default:
        return HV_ENOSYS;
    }
}

void hv_hypercall_init(void)
{
    hv_hypercall_register(HV_HYPERCALL_multicall, do_multicall);
    hv_hypercall_register(HV_HYPERCALL_sched_op, do_sched_op);
    hv_hypercall_register(HV_HYPERCALL_set_timer_op, do_set_timer_op);
    hv_hypercall_register(HV_HYPERCALL_console_io, do_console_io);
    hv_hypercall_register(HV_HYPERCALL_xen_version, do_xen_version);
}
