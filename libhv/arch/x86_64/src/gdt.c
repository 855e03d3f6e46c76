/*
 * Segments and gates: the GDT with its TSS, and the IDT.
 *
 * Long mode ignores segment bases and limits for code and data, so the GDT
 * holds one 64-bit code and one data descriptor for the hypervisor, plus
 * the 64-bit TSS. Slots 3-5 are kept empty for the ring-3 code32, data and
 * code64 descriptors that PV64 guests will need (in the order SYSRET
 * expects: STAR's user base + 8 = data, + 16 = code64).
 *
 * The TSS is used for two things only: rsp0, the stack the CPU switches to
 * when an interrupt arrives from a less privileged ring (unused until
 * guests exist), and the interrupt stack table. #DF, NMI and #MC use IST
 * stacks of their own, so that they get a good stack even when they hit
 * while the current one is exhausted or in a bad state.
 *
 * The IDT has an interrupt gate (interrupts off on entry) for each of the
 * 256 stubs in entry.S, all DPL 0: nothing in ring 3 may raise them with
 * `int`. Hypercall gates for guests will be added here with DPL 3.
 */
#include "x86.h"

struct x86_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} HV_PACKED;

struct x86_idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

struct x86_table_desc {
    uint16_t pad[3];
    uint16_t limit;
    uint64_t base;
} HV_ALIGNED(8);

#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

static uint64_t gdt[8] HV_ALIGNED(16);
static struct x86_tss tss HV_ALIGNED(16);
static struct x86_idt_entry idt[256] HV_ALIGNED(16);
static uint8_t ist_stacks[3][X86_IST_STACK_SIZE] HV_ALIGNED(16);

void x86_gdt_init(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss;
    uint64_t limit = sizeof(tss) - 1;

    gdt[X86_CS_HV >> 3] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
    gdt[X86_DS_HV >> 3] = 0x00cf92000000ffffull; /* data, DPL 0 */
    gdt[X86_TSS_SEL >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                            (0x89ull << 40) | /* present, 64-bit TSS */
                            ((limit >> 16) & 0xf) << 48 |
                            ((base >> 24) & 0xff) << 56;
    gdt[(X86_TSS_SEL >> 3) + 1] = base >> 32;

    for (unsigned int i = 0; i < 3; i++)
        tss.ist[i] = (uint64_t)(uintptr_t)(ist_stacks[i] + X86_IST_STACK_SIZE);
    tss.iomap_base = sizeof(tss); /* no I/O bitmap */

    struct x86_table_desc d = {.limit = sizeof(gdt) - 1,
                               .base = (uint64_t)(uintptr_t)gdt};
    __asm__ __volatile__("lgdt %0" : : "m"(d.limit) : "memory");
    /* Reload CS with a far return, then the data segments and the TR. */
    __asm__ __volatile__("pushq %0\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "lretq\n"
                         "1:"
                         :
                         : "i"(X86_CS_HV)
                         : "rax", "memory");
    __asm__ __volatile__("mov %0, %%ds\n\t"
                         "mov %0, %%es\n\t"
                         "mov %0, %%ss"
                         :
                         : "r"((uint32_t)X86_DS_HV));
    __asm__ __volatile__("ltr %w0" : : "r"((uint32_t)X86_TSS_SEL));
}

void x86_idt_init(void)
{
    for (unsigned int v = 0; v < 256; v++) {
        uint64_t off = x86_vector_stubs[v];
        struct x86_idt_entry *e = &idt[v];
        e->offset_lo = off & 0xffff;
        e->selector = X86_CS_HV;
        e->ist = 0;
        e->type_attr = 0x8e; /* present, DPL 0, 64-bit interrupt gate */
        e->offset_mid = (off >> 16) & 0xffff;
        e->offset_hi = (uint32_t)(off >> 32);
        e->reserved = 0;
    }
    idt[8].ist = IST_DF;
    idt[2].ist = IST_NMI;
    idt[18].ist = IST_MC;

    struct x86_table_desc d = {.limit = sizeof(idt) - 1,
                               .base = (uint64_t)(uintptr_t)idt};
    __asm__ __volatile__("lidt %0" : : "m"(d.limit) : "memory");
}
