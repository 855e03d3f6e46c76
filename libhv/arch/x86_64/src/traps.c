/*
 * What happens on an interrupt or exception: x86_trap() is called by
 * entry.S with the saved frame of every vector.
 *
 * The hypervisor never expects an exception of its own: each of the 32
 * architectural ones is fatal. The handler prints everything needed to
 * find the cause (vector and name, error code, rip, rsp, rflags, CR2 for a
 * page fault, every general register, the control registers and a
 * frame-pointer backtrace) and calls hv_panic(). If an exception happens
 * while that report is printed (a broken stack, a bad backtrace), the
 * second one prints one line and stops the CPU, so a fault can never
 * recurse. When guests exist, an exception from guest mode will instead be
 * reflected to the guest or halt its vCPU; that test goes here.
 *
 * External interrupts: the local APIC timer (X86_VEC_TIMER) goes to
 * time.c; the APIC's spurious vector and the 8259's spurious IRQ 7/15
 * (the PIC is masked, but may still deliver those) are ignored, as they
 * must be (no EOI); any other vector is reported and acknowledged.
 *
 * The backtrace follows saved frame pointers (the image is built with
 * -fno-omit-frame-pointer): [rbp] holds the caller's rbp and [rbp + 8] the
 * return address. Every rbp is checked to lie inside memory the hypervisor
 * maps (the image or the direct map) and to be aligned, and the walk stops
 * after 16 frames, so a corrupted chain ends the trace instead of faulting.
 * (The chain may go from one stack to another, for example from a #DF's
 * IST stack to the stack it interrupted, so no direction is required.)
 * Addresses resolve with `addr2line -e <image>.elf64`.
 */
#include "x86.h"

static const char *const exception_names[32] = {
    [0] = "#DE divide error",
    [1] = "#DB debug",
    [2] = "NMI",
    [3] = "#BP breakpoint",
    [4] = "#OF overflow",
    [5] = "#BR bound range",
    [6] = "#UD invalid opcode",
    [7] = "#NM device not available",
    [8] = "#DF double fault",
    [10] = "#TS invalid TSS",
    [11] = "#NP segment not present",
    [12] = "#SS stack fault",
    [13] = "#GP general protection",
    [14] = "#PF page fault",
    [16] = "#MF x87 floating point",
    [17] = "#AC alignment check",
    [18] = "#MC machine check",
    [19] = "#XM SIMD floating point",
    [20] = "#VE virtualization",
    [21] = "#CP control protection",
    [28] = "#HV hypervisor injection",
    [29] = "#VC VMM communication",
    [30] = "#SX security",
};

const char *x86_exception_name(unsigned int vector)
{
    return vector < 32 ? exception_names[vector] : NULL;
}

static unsigned int trap_depth;
static uint64_t spurious_count;

static bool frame_is_mapped(uint64_t addr)
{
    uint64_t img_lo = (uint64_t)(uintptr_t)__image_start;
    uint64_t img_hi = (uint64_t)(uintptr_t)__image_end;
    if (addr >= img_lo && addr + 16 <= img_hi)
        return true;
    return addr >= X86_DIRECTMAP_VIRT &&
           addr + 16 <= X86_DIRECTMAP_VIRT + x86_directmap_end;
}

void x86_backtrace(uint64_t rbp)
{
    x86_printf("Backtrace (addr2line -e <image>.elf64):\n");
    for (unsigned int depth = 0; depth < 16 && rbp; depth++) {
        if ((rbp & 7) || !frame_is_mapped(rbp)) {
            x86_printf("  (frame pointer %016lx not in hypervisor memory)\n",
                       (unsigned long)rbp);
            return;
        }
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        uint64_t ret = frame[1];
        if (ret == 0)
            return;
        x86_printf("  [%2u] %016lx\n", depth, (unsigned long)ret);
        uint64_t next = frame[0];
        if (next == rbp) {
            x86_printf("  (frame points to itself, stopped)\n");
            return;
        }
        rbp = next;
    }
}

void x86_dump_regs(const struct x86_regs *r)
{
    const char *name = x86_exception_name((unsigned int)r->vector);
    x86_printf("vector %lu (%s) error code %#lx\n", (unsigned long)r->vector,
               name ? name : "interrupt", (unsigned long)r->error_code);
    x86_printf("RIP=%016lx CS=%04lx RFLAGS=%016lx\n", (unsigned long)r->rip,
               (unsigned long)r->cs, (unsigned long)r->rflags);
    x86_printf("RSP=%016lx SS=%04lx\n", (unsigned long)r->rsp,
               (unsigned long)r->ss);
    if (r->vector == 14)
        x86_printf("CR2=%016lx (%s, %s, %s)\n", (unsigned long)read_cr2(),
                   (r->error_code & 1) ? "protection" : "not present",
                   (r->error_code & 2) ? "write" : "read",
                   (r->error_code & 16) ? "fetch" : "data");
    x86_printf("RAX=%016lx RBX=%016lx RCX=%016lx\n", (unsigned long)r->rax,
               (unsigned long)r->rbx, (unsigned long)r->rcx);
    x86_printf("RDX=%016lx RSI=%016lx RDI=%016lx\n", (unsigned long)r->rdx,
               (unsigned long)r->rsi, (unsigned long)r->rdi);
    x86_printf("RBP=%016lx R8 =%016lx R9 =%016lx\n", (unsigned long)r->rbp,
               (unsigned long)r->r8, (unsigned long)r->r9);
    x86_printf("R10=%016lx R11=%016lx R12=%016lx\n", (unsigned long)r->r10,
               (unsigned long)r->r11, (unsigned long)r->r12);
    x86_printf("R13=%016lx R14=%016lx R15=%016lx\n", (unsigned long)r->r13,
               (unsigned long)r->r14, (unsigned long)r->r15);
    x86_printf("CR0=%016lx CR3=%016lx CR4=%016lx\n", (unsigned long)read_cr0(),
               (unsigned long)read_cr3(), (unsigned long)read_cr4());
    x86_printf("Backtrace from the faulting code:\n  [ *] %016lx\n",
               (unsigned long)r->rip);
    x86_backtrace(r->rbp);
}

static HV_NORETURN void exception(struct x86_regs *r)
{
    if (trap_depth++ > 0) {
        x86_printf("\n*** x86_64: exception %lu at %016lx while handling "
                   "an exception; CPU stopped\n",
                   (unsigned long)r->vector, (unsigned long)r->rip);
        arch_halt();
    }
    x86_printf("\n*** x86_64: unhandled exception in the hypervisor\n");
    x86_dump_regs(r);
    const char *name = x86_exception_name((unsigned int)r->vector);
    /*
     * A fault in a vCPU's own code may be contained: the core halts that
     * vCPU and switches away for good (this frame is abandoned on its
     * stack). The depth count goes back first, as we never return here.
     */
    {
        char what[96];

        hv_snprintf(what, sizeof(what), "exception %lu (%s) at %016lx",
                    (unsigned long)r->vector, name ? name : "reserved",
                    (unsigned long)r->rip);
        trap_depth--;
        hv_fault_contain(what);
        trap_depth++;
    }
    hv_panic("exception %lu (%s) at %016lx", (unsigned long)r->vector,
             name ? name : "reserved", (unsigned long)r->rip);
}

void x86_trap(struct x86_regs *r)
{
    uint64_t v = r->vector;

    if (v < 32)
        exception(r);
    if (v == X86_VEC_TIMER) {
        x86_timer_interrupt();
        return;
    }
    if (v == X86_VEC_SPURIOUS || v == X86_VEC_PIC_BASE + 7 ||
        v == X86_VEC_PIC_BASE + 15) {
        spurious_count++;
        return;
    }
    x86_printf("x86_64: unexpected interrupt vector %lu at %016lx\n",
               (unsigned long)v, (unsigned long)r->rip);
    if (v >= X86_VEC_PIC_BASE + 16) {
        x86_apic_eoi();
    } else if (v >= X86_VEC_PIC_BASE) {
        if (v >= X86_VEC_PIC_BASE + 8)
            outb(0xa0, 0x20); /* EOI to the secondary 8259 */
        outb(0x20, 0x20);
    }
}

void x86_thread_returned(uint64_t entry)
{
    hv_panic("x86_64: thread entry %016lx returned", (unsigned long)entry);
}
