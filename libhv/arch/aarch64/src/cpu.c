/*
 * The small CPU hooks of <hv/arch.h>: the IRQ mask, waiting, thread
 * creation, state dump, and power-off / reset / halt through PSCI.
 *
 * Interrupts. Only PSTATE.I is toggled (SError stays unmasked once the
 * vectors are in; FIQ and debug stay masked). arch_wait_for_interrupt()
 * runs WFI with IRQs still masked -- WFI wakes on a pending interrupt
 * whatever PSTATE.I says -- and only then unmasks, so the interrupt is
 * taken right there and no wake-up can be lost between the check and the
 * wait.
 *
 * PSCI. The device tree's /psci node must say method "smc" (QEMU virt does
 * when it starts the CPU at EL2: there is no EL3 firmware, QEMU answers
 * the SMC itself). SYSTEM_OFF (0x84000008) makes QEMU exit with status 0
 * whatever the image's status, so arch_poweroff() first prints a last
 * console line carrying the status ("aarch64: PSCI SYSTEM_OFF, status N")
 * for a harness to check. SYSTEM_RESET (0x84000009) resets the machine
 * (with -no-reboot QEMU exits instead). Power-off tries SYSTEM_OFF even
 * when the device tree named no PSCI (with no device tree at all that is
 * still QEMU virt's way out); if the call returns, the CPU halts.
 */
#include "a64.h"

#define PSCI_SYSTEM_OFF   0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

void a64_thread_trampoline(void);

static bool have_psci;

unsigned long arch_irq_save(void)
{
    unsigned long flags = (unsigned long)read_sysreg(daif);
    __asm__ __volatile__("msr daifset, #2" ::: "memory");
    return flags & A64_DAIF_I;
}

void arch_irq_restore(unsigned long flags)
{
    if (!(flags & A64_DAIF_I))
        __asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

void arch_irq_enable(void)
{
    __asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

void arch_irq_disable(void)
{
    __asm__ __volatile__("msr daifset, #2" ::: "memory");
}

void arch_wait_for_interrupt(void)
{
    __asm__ __volatile__("dsb sy\n\twfi\n\tmsr daifclr, #2\n\tisb\n\t"
                         "msr daifset, #2" ::
                             : "memory");
}

void arch_vcpu_init_thread(struct arch_vcpu *a, void *stack, size_t size,
                           void (*entry)(void *), void *arg)
{
    hv_memset(a, 0, sizeof(*a));
    a->sp = HV_ALIGN_DOWN((uint64_t)(uintptr_t)stack + size, 16ull);
    a->lr = (uint64_t)(uintptr_t)a64_thread_trampoline;
    a->x19_x28[0] = (uint64_t)(uintptr_t)entry;
    a->x19_x28[1] = (uint64_t)(uintptr_t)arg;
    a->fp = 0;
    a->daif = read_sysreg(daif) | A64_DAIF_I;
}

void arch_dump_state(void)
{
    uint64_t sp, fp = (uint64_t)(uintptr_t)__builtin_frame_address(0);

    __asm__ __volatile__("mov %0, sp" : "=r"(sp));
    a64_printf("aarch64 CPU 0 state (EL2):\n");
    a64_printf("SP=%016lx FP=%016lx DAIF=%03lx\n", (unsigned long)sp,
               (unsigned long)fp, (unsigned long)read_sysreg(daif));
    a64_printf("SCTLR_EL2=%08lx TCR_EL2=%08lx TTBR0_EL2=%016lx\n",
               (unsigned long)read_sysreg(sctlr_el2),
               (unsigned long)read_sysreg(tcr_el2),
               (unsigned long)read_sysreg(ttbr0_el2));
    a64_printf("VBAR_EL2=%016lx HCR_EL2=%016lx ESR_EL2=%08lx FAR_EL2=%016lx\n",
               (unsigned long)read_sysreg(vbar_el2),
               (unsigned long)read_sysreg(hcr_el2),
               (unsigned long)read_sysreg(esr_el2),
               (unsigned long)read_sysreg(far_el2));
    a64_backtrace(fp);
    /* Not a tail call: the walk starts in this function's live frame. */
    __asm__ __volatile__("" ::: "memory");
}

void arch_backtrace(void)
{
    a64_backtrace((uint64_t)(uintptr_t)__builtin_frame_address(0));
    /* Not a tail call: the walk starts in this function's live frame. */
    __asm__ __volatile__("" ::: "memory");
}

void a64_psci_init(bool present)
{
    have_psci = present;
}

static void psci_call(uint32_t fn)
{
    register uint64_t x0 __asm__("x0") = fn;
    __asm__ __volatile__("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
}

void arch_poweroff(int status)
{
    arch_irq_disable();
    a64_printf("aarch64: PSCI SYSTEM_OFF, status %d\n", status);
    /* Without a /psci node (no device tree at all), try anyway: QEMU virt
     * answers the SMC; elsewhere an undefined SMC ends in a panic. */
    psci_call(PSCI_SYSTEM_OFF);
    a64_printf("aarch64: power-off failed (%s); halting\n",
               have_psci ? "PSCI returned" : "no PSCI over smc");
    arch_halt();
}

void arch_reboot(void)
{
    arch_irq_disable();
    if (have_psci)
        psci_call(PSCI_SYSTEM_RESET);
    a64_printf("aarch64: reset failed (no PSCI over smc); halting\n");
    arch_halt();
}

void arch_halt(void)
{
    for (;;)
        __asm__ __volatile__("msr daifset, #0xf\n\twfi" ::: "memory");
}
