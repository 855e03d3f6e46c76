/*
 * EL1 guests in their own stage-2 address space (<hv/a64_guest.h> has the
 * contract): the stage-2 tables, entering the guest, and what happens when
 * it traps back to EL2.
 *
 * Stage 2. The tables are the caller's (libhv-mm's builder in the images):
 * the port only programs the layout they are built for -- VTCR_EL2 with a
 * 4 KiB granule, 40-bit IPA space starting at level 1 over two
 * concatenated tables (T0SZ = 24, SL0 = 1), write-back table walks, inner
 * shareable, 40-bit output -- and VTTBR_EL2 = root | VMID << 48, so the
 * TLBs keep the guests apart. HCR_EL2.VM turns stage 2 on for EL1&0
 * (EL2's own regime is not affected); TSC traps SMC, so a guest cannot
 * reach the PSCI firmware. Guest memory is read only through the caller's
 * copy_from op, which walks the same tree, so the hypervisor sees exactly
 * what the guest may see.
 *
 * Entering. a64_guest_run() builds an exception frame on the vCPU
 * thread's stack -- x0-x30 zero, ELR = IPA 0, SPSR = EL1h with DAIF
 * masked -- followed by the guest's pointer, loads the guest's EL1 and
 * stage-2 state, and erets through entry.S's return path. SP_EL2 is then
 * just above the frame: the next exception from the guest builds its frame
 * in the same place, and the word above it (r->sp) is the guest pointer.
 *
 * Traps from the guest (vector slots "lower EL, AArch64"): the guest's EL1
 * registers (and PAR_EL1, which arch_virt_to_phys uses) are saved into
 * its struct first (another guest may run before
 * this one resumes), the trap is handled, and they are loaded back with
 * VTTBR_EL2 and CNTVOFF_EL2 just before the eret. An IRQ goes to the
 * usual handler (the timer may switch threads from there). HVC #0xEA1 is a
 * hypercall (allow-listed: see the header); the guest's buffer for
 * console_io is copied out through its stage-2 view (bounds-checked
 * page by page by the caller's op) into a buffer on this stack, and the
 * core's dispatch sees only that copy. Any other exception is a guest
 * fault: its state is printed, the caller releases the guest's memory
 * (ops->halted), the VMID's TLB entries are invalidated and
 * hv_fault_contain() halts the vCPU.
 */
#include "a64.h"
#include <hv/a64_guest.h>
#include <hv/hypercall.h>

/* VTCR_EL2: T0SZ = 64 - 40, SL0 = 1 (level 1), IRGN0 = ORGN0 = write-back
 * write-allocate, SH0 = inner shareable, TG0 = 4 KiB, PS = 40 bits, RES1. */
#define VTCR_GUEST                                                       \
    ((64ull - A64_GUEST_IPA_BITS) | 1ull << 6 | 1ull << 8 | 1ull << 10 | \
     3ull << 12 | 0ull << 14 | 2ull << 16 | 1ull << 31)
#define S2_ROOT_ALIGN (2u * HV_PAGE_SIZE)

#define HCR_VM  (1ull << 0)
#define HCR_VI  (1ull << 7)
#define HCR_DC  (1ull << 12)
#define HCR_TSC (1ull << 19)

#define SPSR_EL1H_MASKED 0x3c5ull
#define SCTLR_EL1_RES1   0x30d00800ull /* MMU, caches off */

#define EC_HVC64 0x16

/* Xen's numbers (xen/include/public/xen.h, sched.h). */
#define HC_set_timer_op 15
#define HC_console_io   18
#define HC_sched_op     29
#define CONSOLEIO_write 0
#define SCHEDOP_yield   0
#define SCHEDOP_block   1

struct guest_frame {
    struct a64_regs r;
    struct a64_guest *g;
    uint64_t pad;
};
HV_STATIC_ASSERT(offsetof(struct guest_frame, g) == A64_REGS_SIZE,
                 "the guest pointer sits just above the frame");

void a64_guest_eret(struct a64_regs *frame); /* entry.S */

int a64_guest_init(struct a64_guest *g, unsigned int vmid, uint64_t s2_root,
                   uint64_t sp, const struct a64_guest_mem_ops *ops, void *ctx)
{
    if (g == NULL || ops == NULL || ops->copy_from == NULL || vmid == 0 ||
        vmid > 255 || s2_root == 0 || (s2_root & (S2_ROOT_ALIGN - 1)) ||
        (s2_root >> A64_GUEST_IPA_BITS) != 0 || (sp & 15) ||
        (sp >> A64_GUEST_IPA_BITS) != 0)
        return HV_EINVAL;
    hv_memset(g, 0, sizeof(*g));
    g->vttbr = s2_root | (uint64_t)vmid << 48;
    g->ops = ops;
    g->ops_ctx = ctx;
    g->sp_el1 = sp;
    g->elr_el1 = 0;
    g->spsr_el1 = SPSR_EL1H_MASKED;
    g->sctlr_el1 = SCTLR_EL1_RES1;
    dsb_sy();
    return HV_OK;
}

int a64_guest_set_upcall(struct a64_guest *g, struct hv_vcpu_info *vi)
{
    /* ns per tick as mul * 2^shift / 2^32 (Xen's vcpu_time_info scale):
     * 2^32 * 10^9 / f fits in 64 bits, then brought below 2^32. */
    uint64_t scale = (1000000000ull << 32) / a64_counter_freq();
    int shift = 0;

    if (g == NULL || vi == NULL)
        return HV_EINVAL;
    while (scale > 0xffffffffull) {
        scale >>= 1;
        shift++;
    }
    while (scale < 0x80000000ull && shift > -31) {
        scale <<= 1;
        shift--;
    }
    g->vcpu_info = vi;
    g->time_mul = (uint32_t)scale;
    g->time_shift = (int8_t)shift;
    g->time_refresh = a64_counter_freq() / 1000; /* 1 ms of ticks */
    g->time_stamped = false;
    return HV_OK;
}

/*
 * Xen's vcpu_time_info, for a guest that asks its shared_info for the
 * time: the counter the guest reads (CNTVCT_EL0, the hypervisor's counter
 * since boot) and the hypervisor's ns at the same instant, under a
 * version that is odd while the record changes. The guest extrapolates
 * from the record with the counter, so it is refreshed only on an entry
 * at least 1 ms after the last refresh (the guest may scribble on its
 * record; only it reads it, and the hypervisor keeps its own stamp).
 */
static void update_time(struct a64_guest *g)
{
    struct hv_vcpu_time_info *t = &g->vcpu_info->time;
    uint64_t ticks;
    uint32_t v;

    isb();
    ticks = read_sysreg(cntpct_el0) - a64_counter_at_boot();
    if (g->time_stamped && ticks - g->time_stamp < g->time_refresh)
        return;
    g->time_stamp = ticks;
    g->time_stamped = true;
    v = t->version;
    __atomic_store_n(&t->version, v | 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->tsc_timestamp = ticks;
    t->system_time = a64_ticks_to_ns(ticks);
    t->tsc_to_system_mul = g->time_mul;
    t->tsc_shift = g->time_shift;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&t->version, (v | 1) + 1, __ATOMIC_RELAXED);
}

static bool upcall_due(const struct a64_guest *g)
{
    return g->vcpu_info != NULL &&
           __atomic_load_n(&g->vcpu_info->evtchn_upcall_pending,
                           __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&g->vcpu_info->evtchn_upcall_mask,
                            __ATOMIC_ACQUIRE);
}

static void load_guest(struct a64_guest *g)
{
    uint64_t hcr = read_sysreg(hcr_el2) | HCR_VM | HCR_DC | HCR_TSC;

    if (upcall_due(g)) {
        hcr |= HCR_VI;
        g->virqs++;
    } else {
        hcr &= ~HCR_VI;
    }
    if (g->vcpu_info != NULL)
        update_time(g);
    write_sysreg(vtcr_el2, VTCR_GUEST);
    write_sysreg(vttbr_el2, g->vttbr);
    write_sysreg(hcr_el2, hcr);
    write_sysreg(cntvoff_el2, a64_counter_at_boot());
    write_sysreg(sp_el1, g->sp_el1);
    write_sysreg(elr_el1, g->elr_el1);
    write_sysreg(spsr_el1, g->spsr_el1);
    write_sysreg(sctlr_el1, g->sctlr_el1);
    write_sysreg(vbar_el1, g->vbar_el1);
    write_sysreg(esr_el1, g->esr_el1);
    write_sysreg(far_el1, g->far_el1);
    write_sysreg(par_el1, g->par_el1); /* arch_virt_to_phys uses it */
    isb();
}

static void save_guest(struct a64_guest *g)
{
    g->sp_el1 = read_sysreg(sp_el1);
    g->elr_el1 = read_sysreg(elr_el1);
    g->spsr_el1 = read_sysreg(spsr_el1);
    g->sctlr_el1 = read_sysreg(sctlr_el1);
    g->vbar_el1 = read_sysreg(vbar_el1);
    g->esr_el1 = read_sysreg(esr_el1);
    g->far_el1 = read_sysreg(far_el1);
    g->par_el1 = read_sysreg(par_el1);
}

void a64_guest_run(struct a64_guest *g)
{
    struct guest_frame f HV_ALIGNED(16);

    hv_memset(&f, 0, sizeof(f));
    f.r.elr = 0;
    f.r.spsr = SPSR_EL1H_MASKED;
    f.r.slot = A64_VEC_SRC_LOWER64 << 2;
    f.g = g;
    arch_irq_disable();
    {
        /* The first entry: VMID's TLB entries from nobody before. */
        load_guest(g);
        __asm__ __volatile__("tlbi vmalls12e1\n\tdsb sy\n\tisb" ::: "memory");
    }
    a64_guest_eret(&f.r);
    for (;;) /* not reached: the frame's eret enters the guest */
        arch_halt();
}

static long hypercall(struct a64_guest *g, struct a64_regs *r)
{
    uint64_t nr = r->x[16];
    char buf[256];

    g->hypercalls++;
    if ((r->esr & 0xffff) != A64_GUEST_HVC_IMM)
        return HV_ENOSYS;
    switch (nr) {
    case HC_console_io:
        if (r->x[0] != CONSOLEIO_write)
            return HV_ENOSYS;
        if (r->x[1] > sizeof(buf))
            return HV_EFAULT;
        if (r->x[1] > 0 &&
            !g->ops->copy_from(g->ops_ctx, buf, r->x[2], (size_t)r->x[1]))
            return HV_EFAULT;
        return hv_hypercall6(HC_console_io, CONSOLEIO_write, r->x[1],
                             (uint64_t)(uintptr_t)buf, 0, 0, 0);
    case HC_sched_op:
        if (r->x[0] != SCHEDOP_yield && r->x[0] != SCHEDOP_block)
            return HV_ENOSYS;
        return hv_hypercall6(HC_sched_op, r->x[0], 0, 0, 0, 0, 0);
    case HC_set_timer_op:
        return hv_hypercall6(HC_set_timer_op, r->x[0], 0, 0, 0, 0, 0);
    default:
        return HV_ENOSYS;
    }
}

static void guest_fault(struct a64_guest *g, struct a64_regs *r)
{
    unsigned int ec = (unsigned int)(r->esr >> 26) & 0x3f;
    uint64_t hpfar = read_sysreg(hpfar_el2);
    char what[128];

    a64_printf("\n*** aarch64: guest fault (VMID %lu, after %lu "
               "hypercalls)\n",
               (unsigned long)(g->vttbr >> 48), (unsigned long)g->hypercalls);
    a64_dump_regs(r);
    a64_printf("guest: SP_EL1=%016lx IPA=%016lx (HPFAR_EL2 %016lx)\n",
               (unsigned long)g->sp_el1,
               (unsigned long)((hpfar >> 4) << 12 | (r->far & 0xfff)),
               (unsigned long)hpfar);
    hv_snprintf(what, sizeof(what),
                "guest exception (EC %#x%s) at IPA %016lx, address %016lx", ec,
                ec == 0x24   ? ": stage-2 data abort"
                : ec == 0x20 ? ": stage-2 instruction abort"
                             : "",
                (unsigned long)r->elr, (unsigned long)r->far);
    if (g->ops->halted != NULL)
        g->ops->halted(g->ops_ctx);
    /* VTTBR_EL2 still holds this guest's VMID: drop all it left in the
     * TLBs before its frames and tables are reused. */
    __asm__ __volatile__("dsb ishst\n\ttlbi vmalls12e1is\n\tdsb ish\n\tisb" ::
                             : "memory");
    g->vttbr = 0;
    hv_fault_contain(what);
    hv_panic("%s", what);
}

/* traps.c: an exception from a lower EL (slots 8-15). */
void a64_guest_trap(struct a64_regs *r)
{
    struct a64_guest *g = *(struct a64_guest **)(uintptr_t)r->sp;
    unsigned int kind = (unsigned int)r->slot & 3;

    save_guest(g);
    if ((r->slot >> 2) != A64_VEC_SRC_LOWER64) {
        guest_fault(g, r);
    } else if (kind == A64_VEC_KIND_IRQ) {
        a64_irq();
    } else if (kind == A64_VEC_KIND_SYNC &&
               ((r->esr >> 26) & 0x3f) == EC_HVC64) {
        r->x[0] = (uint64_t)hypercall(g, r);
    } else {
        guest_fault(g, r);
    }
    arch_irq_disable();
    load_guest(g);
}
