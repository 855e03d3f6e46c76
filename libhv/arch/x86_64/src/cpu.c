/*
 * The small CPU hooks of <hv/arch.h>: interrupt flag, waiting, thread
 * creation, state dump, power-off and halt.
 *
 * Power-off tries, in order: QEMU's isa-debug-exit device at port 0xf4
 * (present when the command line asks for it; QEMU then exits with status
 * (v << 1) | 1), then ACPI soft-off. Soft-off writes SLP_TYP | SLP_EN to
 * the PM1a control register; QEMU's firmware (SeaBIOS) puts the PM block
 * at 0x600 on both its machines (the PIIX4 PM of `pc` and the ICH9 LPC
 * of `q35`), so PM1a_CNT is 0x604, and QEMU's DSDT declares _S5 with
 * SLP_TYP 0, hence the value 0x2000 (SLP_EN, bit 13). Bochs and old
 * QEMU used 0xb004. Reading the FADT instead is for real machines, later.
 * If nothing worked the CPU halts.
 */
#include "x86.h"

void x86_thread_trampoline(void);

unsigned long arch_irq_save(void)
{
    unsigned long flags = read_rflags();
    __asm__ __volatile__("cli" : : : "memory");
    return flags & X86_RFLAGS_IF;
}

void arch_irq_restore(unsigned long flags)
{
    if (flags & X86_RFLAGS_IF)
        __asm__ __volatile__("sti" : : : "memory");
}

void arch_irq_enable(void)
{
    __asm__ __volatile__("sti" : : : "memory");
}

void arch_irq_disable(void)
{
    __asm__ __volatile__("cli" : : : "memory");
}

void arch_wait_for_interrupt(void)
{
    /* sti delays interrupts by one instruction: none can slip in between
     * sti and hlt, so a wake-up cannot be lost. */
    __asm__ __volatile__("sti\n\thlt\n\tcli" : : : "memory");
}

void arch_vcpu_init_thread(struct arch_vcpu *a, void *stack, size_t size,
                           void (*entry)(void *), void *arg)
{
    hv_memset(a, 0, sizeof(*a));
    uint64_t top = HV_ALIGN_DOWN((uint64_t)(uintptr_t)stack + size, 16ull);
    uint64_t *sp = (uint64_t *)(uintptr_t)top;
    *--sp = (uint64_t)(uintptr_t)x86_thread_trampoline; /* return address */
    *--sp = 0;                                          /* rbp */
    *--sp = 0;                                          /* rbx */
    *--sp = (uint64_t)(uintptr_t)entry;                 /* r12 */
    *--sp = (uint64_t)(uintptr_t)arg;                   /* r13 */
    *--sp = 0;                                          /* r14 */
    *--sp = 0;                                          /* r15 */
    a->rsp = (uint64_t)(uintptr_t)sp;
}

void arch_dump_state(void)
{
    uint64_t rsp, rbp;
    __asm__ __volatile__("mov %%rsp, %0\n\tmov %%rbp, %1"
                         : "=r"(rsp), "=r"(rbp));
    x86_printf("x86_64 CPU 0 state:\n");
    x86_printf("RSP=%016lx RBP=%016lx RFLAGS=%016lx\n", (unsigned long)rsp,
               (unsigned long)rbp, (unsigned long)read_rflags());
    x86_printf("CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n",
               (unsigned long)read_cr0(), (unsigned long)read_cr2(),
               (unsigned long)read_cr3(), (unsigned long)read_cr4());
    x86_backtrace(rbp);
}

void arch_poweroff(int status)
{
    __asm__ __volatile__("cli" : : : "memory");
    outl(0xf4, (uint32_t)status); /* QEMU isa-debug-exit */
    outw(0x604, 0x2000);          /* ACPI S5, QEMU pc and q35 */
    outw(0xb004, 0x2000);         /* Bochs, old QEMU */
    x86_printf("x86_64: power-off failed; halting\n");
    arch_halt();
}

void arch_halt(void)
{
    for (;;)
        __asm__ __volatile__("cli\n\thlt" : : : "memory");
}
