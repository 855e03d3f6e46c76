/*
 * The small CPU hooks of <hv/arch.h>: interrupt flag, waiting, thread
 * creation, state dump, power-off and halt.
 *
 * Power-off tries, in order: QEMU's isa-debug-exit device at port 0xf4
 * (present when the command line asks for it; QEMU then exits with status
 * (v << 1) | 1), then ACPI soft-off. Soft-off writes SLP_TYP | SLP_EN to
 * the PM1a control register, at offset 4 of the ACPI PM I/O block. Where
 * the firmware put that block is read from the chipset's PCI configuration
 * (register 0x40, the PM base, of the PIIX4 power-management function
 * 8086:7113 at 00:01.3 on QEMU's `pc`, of the ICH9 LPC bridge 8086:2918 at
 * 00:1f.0 on `q35`; SeaBIOS programs 0x600 on both), and 0x604 is tried
 * when neither device is there. QEMU's DSDT declares _S5 with SLP_TYP 0,
 * hence the value 0x2000 (SLP_EN, bit 13). Reading the FADT and the DSDT's
 * _S5 instead is for real machines, later. If nothing worked the CPU
 * halts.
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

static uint32_t pci_read32(unsigned int dev, unsigned int fn, unsigned int reg)
{
    outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
    uint32_t v;
    __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)0xcfc));
    return v;
}

/* The ACPI PM1a control port, from the chipset's PM base register. */
static uint16_t acpi_pm1a_cnt(void)
{
    static const struct {
        unsigned int dev, fn;
        uint32_t id; /* device << 16 | vendor */
        uint32_t base_mask;
    } chipsets[] = {
        {1, 3, 0x71138086u, 0xffc0},  /* PIIX4 PM (pc) */
        {31, 0, 0x29188086u, 0xff80}, /* ICH9 LPC (q35) */
    };
    for (unsigned int i = 0; i < HV_ARRAY_SIZE(chipsets); i++) {
        if (pci_read32(chipsets[i].dev, chipsets[i].fn, 0) != chipsets[i].id)
            continue;
        uint32_t base = pci_read32(chipsets[i].dev, chipsets[i].fn, 0x40) &
                        chipsets[i].base_mask;
        if (base != 0)
            return (uint16_t)(base + 4);
    }
    return 0x604;
}

void arch_poweroff(int status)
{
    __asm__ __volatile__("cli" : : : "memory");
    outl(0xf4, (uint32_t)status); /* QEMU isa-debug-exit */
    uint16_t port = acpi_pm1a_cnt();
    outw(port, 0x2000); /* SLP_TYP 0 (QEMU's _S5) | SLP_EN */
    /* QEMU acts on the request asynchronously; give it time (~0.1 s at
     * any plausible TSC rate, or longer) before calling it a failure. */
    uint64_t t0 = rdtsc();
    while (rdtsc() - t0 < 500000000ull)
        __asm__ __volatile__("pause");
    x86_printf("x86_64: power-off through ACPI port %#x failed; halting\n",
               port);
    arch_halt();
}

void arch_halt(void)
{
    for (;;)
        __asm__ __volatile__("cli\n\thlt" : : : "memory");
}

void arch_backtrace(void)
{
    uint64_t rbp;

    __asm__ __volatile__("mov %%rbp, %0" : "=r"(rbp));
    x86_backtrace(rbp);
}

/*
 * arch_reboot: the PCI reset control register (0xcf9, both QEMU machines
 * and most PCs), then the keyboard controller's reset line, then a triple
 * fault with an empty IDT, which resets every x86 there is.
 */
void arch_reboot(void)
{
    static const struct {
        uint16_t limit;
        uint64_t base;
    } HV_PACKED empty_idt = {0, 0};

    arch_irq_disable();
    outb(0xcf9, 0x02);
    outb(0xcf9, 0x06);
    for (int i = 0; i < 100000; i++)
        __asm__ __volatile__("pause");
    outb(0x64, 0xfe);
    for (int i = 0; i < 100000; i++)
        __asm__ __volatile__("pause");
    __asm__ __volatile__("lidt %0\n\tint3" : : "m"(empty_idt));
    for (;;)
        __asm__ __volatile__("hlt");
}
