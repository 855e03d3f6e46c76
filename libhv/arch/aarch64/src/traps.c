/*
 * What happens on an exception: a64_trap() is called by entry.S with the
 * saved frame of every vector slot.
 *
 * IRQs from the hypervisor itself (current EL, SP_EL2) are acknowledged
 * at the GIC: the EL2 timer's PPI goes to time.c, a spurious INTID is
 * ignored, anything else is reported and ended. Every other slot is an
 * exception the hypervisor never expects: synchronous ones (an abort, an
 * undefined instruction, a misaligned sp or pc, a BRK), FIQ and SError,
 * and anything taken while on SP_EL0. Exceptions from a lower exception
 * level belong to an EL1 guest and go to guest.c (hypercalls, IRQs while
 * the guest runs, guest faults). The handler prints what is
 * needed to find the cause (the slot, ESR_EL2 with its exception class
 * decoded, ELR, FAR, SPSR, sp, x0-x30, the main EL2 system registers and a
 * frame-pointer backtrace), offers the fault to hv_fault_contain() (a
 * vCPU's thread is halted and the rest runs on), and otherwise panics. An
 * exception while that report is printed prints one line and stops the
 * CPU, so a fault can never recurse.
 *
 * The backtrace follows AArch64 frame records (the image is built with
 * -fno-omit-frame-pointer): [fp] holds the caller's fp, [fp + 8] the
 * return address. Each fp must be 8-byte aligned and inside
 * mapped RAM, and the walk stops after 16 frames, so a corrupted chain
 * ends the trace instead of faulting. Addresses resolve with
 * `aarch64-linux-gnu-addr2line -e <image>.elf`.
 */
#include "a64.h"

unsigned int a64_timer_intid = 26;

static unsigned int trap_depth;
static uint64_t spurious_count;

static const char *const slot_names[16] = {
    "synchronous (EL2, SP_EL0)",
    "IRQ (EL2, SP_EL0)",
    "FIQ (EL2, SP_EL0)",
    "SError (EL2, SP_EL0)",
    "synchronous",
    "IRQ",
    "FIQ",
    "SError",
    "synchronous from EL1/EL0",
    "IRQ from EL1/EL0",
    "FIQ from EL1/EL0",
    "SError from EL1/EL0",
    "synchronous from AArch32",
    "IRQ from AArch32",
    "FIQ from AArch32",
    "SError from AArch32",
};

static const char *ec_name(unsigned int ec)
{
    switch (ec) {
    case 0x00:
        return "unknown reason";
    case 0x01:
        return "WFI/WFE";
    case 0x07:
        return "FP/SIMD access";
    case 0x0e:
        return "illegal execution state";
    case 0x15:
        return "SVC";
    case 0x16:
        return "HVC";
    case 0x17:
        return "SMC";
    case 0x18:
        return "system register access";
    case 0x20:
        return "instruction abort from a lower EL";
    case 0x21:
        return "instruction abort";
    case 0x22:
        return "PC alignment";
    case 0x24:
        return "data abort from a lower EL";
    case 0x25:
        return "data abort";
    case 0x26:
        return "SP alignment";
    case 0x2f:
        return "SError";
    case 0x3c:
        return "BRK";
    default:
        return "other";
    }
}

void a64_backtrace(uint64_t fp)
{
    a64_printf("Backtrace (aarch64-linux-gnu-addr2line -e <image>.elf):\n");
    for (unsigned int depth = 0; depth < 16 && fp; depth++) {
        if ((fp & 7) || !a64_is_mapped_ram(fp, 16)) {
            a64_printf("  (frame pointer %016lx not in hypervisor memory)\n",
                       (unsigned long)fp);
            return;
        }
        const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;
        uint64_t ret = frame[1];
        if (ret == 0)
            return;
        a64_printf("  [%2u] %016lx\n", depth, (unsigned long)ret);
        if (frame[0] == fp) {
            a64_printf("  (frame points to itself, stopped)\n");
            return;
        }
        fp = frame[0];
    }
}

void a64_dump_regs(const struct a64_regs *r)
{
    unsigned int ec = (unsigned int)(r->esr >> 26) & 0x3f;

    a64_printf("%s exception: ESR_EL2=%08lx (EC %#x: %s, ISS %#lx)\n",
               slot_names[r->slot & 15], (unsigned long)r->esr, ec, ec_name(ec),
               (unsigned long)(r->esr & 0x1ffffff));
    a64_printf("ELR=%016lx FAR=%016lx SPSR=%08lx SP=%016lx\n",
               (unsigned long)r->elr, (unsigned long)r->far,
               (unsigned long)r->spsr, (unsigned long)r->sp);
    for (unsigned int i = 0; i < 30; i += 3)
        a64_printf("X%-2u=%016lx X%-2u=%016lx X%-2u=%016lx\n", i,
                   (unsigned long)r->x[i], i + 1, (unsigned long)r->x[i + 1],
                   i + 2, (unsigned long)r->x[i + 2]);
    a64_printf("X30=%016lx SCTLR_EL2=%08lx HCR_EL2=%016lx\n",
               (unsigned long)r->x[30], (unsigned long)read_sysreg(sctlr_el2),
               (unsigned long)read_sysreg(hcr_el2));
    if ((r->slot >> 2) >= A64_VEC_SRC_LOWER64)
        return; /* a guest's registers: no hypervisor frames to walk */
    a64_printf("Backtrace from the faulting code:\n  [ *] %016lx\n",
               (unsigned long)r->elr);
    a64_backtrace(r->x[29]);
}

static HV_NORETURN void exception(struct a64_regs *r)
{
    unsigned int ec = (unsigned int)(r->esr >> 26) & 0x3f;
    char what[112];

    if (trap_depth++ > 0) {
        a64_printf("\n*** aarch64: exception (slot %lu, ESR %08lx) at %016lx "
                   "while handling an exception; CPU stopped\n",
                   (unsigned long)r->slot, (unsigned long)r->esr,
                   (unsigned long)r->elr);
        arch_halt();
    }
    a64_printf("\n*** aarch64: unhandled exception in the hypervisor\n");
    a64_dump_regs(r);
    hv_snprintf(what, sizeof(what), "%s exception (EC %#x: %s) at %016lx",
                slot_names[r->slot & 15], ec, ec_name(ec),
                (unsigned long)r->elr);
    /*
     * A fault in a vCPU's own code may be contained: the core halts that
     * vCPU and switches away for good (this frame is abandoned on its
     * stack). The depth count goes back first, as we never return here.
     */
    trap_depth--;
    hv_fault_contain(what);
    trap_depth++;
    hv_panic("%s", what);
}

void a64_irq(void)
{
    unsigned int intid = a64_gic_ack();

    if (intid >= 1020) {
        spurious_count++;
        return;
    }
    if (intid == a64_timer_intid) {
        a64_timer_interrupt(intid);
        return;
    }
    a64_printf("aarch64: unexpected interrupt %u\n", intid);
    a64_gic_eoi(intid);
}

void a64_trap(struct a64_regs *r)
{
    if (r->slot == (A64_VEC_SRC_EL2_SPX << 2 | A64_VEC_KIND_IRQ)) {
        a64_irq();
        return;
    }
    if ((r->slot >> 2) >= A64_VEC_SRC_LOWER64) {
        a64_guest_trap(r);
        return;
    }
    exception(r);
}

void a64_thread_returned(uint64_t entry)
{
    hv_panic("aarch64: thread entry %016lx returned", (unsigned long)entry);
}
