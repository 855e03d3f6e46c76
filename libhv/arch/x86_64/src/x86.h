/*
 * Private declarations of the x86_64 port: instruction wrappers and the
 * functions its files share. Not installed; the core never sees this.
 */
#ifndef X86_PRIV_H
#define X86_PRIV_H

#include "layout.h"
#include <hv/arch.h>

/* ---- instruction wrappers ---- */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__("wrmsr"
                         :
                         : "c"(msr), "a"((uint32_t)v),
                           "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
                         uint32_t *d)
{
    __asm__ __volatile__("cpuid"
                         : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                         : "a"(leaf), "c"(0));
}

#define X86_READ_CR(n)                                        \
    static inline uint64_t read_cr##n(void)                   \
    {                                                         \
        uint64_t v;                                           \
        __asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v)); \
        return v;                                             \
    }
X86_READ_CR(0)
X86_READ_CR(2)
X86_READ_CR(3)
X86_READ_CR(4)

static inline void write_cr3(uint64_t v)
{
    __asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_rflags(void)
{
    uint64_t f;
    __asm__ __volatile__("pushfq; popq %0" : "=r"(f));
    return f;
}

#define X86_RFLAGS_IF 0x200

/* ---- physical and virtual addresses ---- */

/* A physical address through the direct map (must be below its end). */
static inline void *x86_phys_to_virt(uint64_t pa)
{
    return (void *)(uintptr_t)(X86_DIRECTMAP_VIRT + pa);
}

/* Physical address of something inside the image. */
static inline uint64_t x86_image_to_phys(const void *p)
{
    return (uint64_t)(uintptr_t)p - X86_IMAGE_OFFSET;
}

/* Bytes of physical memory the direct map covers (src/paging.c). */
extern uint64_t x86_directmap_end;

/* Linker-script symbols. */
extern char __image_start[], __image_end[], __bss_start[], __bss_end[];

/* ---- between the port's files ---- */

/* boot.S -> setup.c */
HV_NORETURN void x86_start(uint32_t magic, uint32_t info_pa);

/* time.c: the clock's zero, taken first thing in x86_start */
void x86_time_mark_boot(void);

/* entry.S -> traps.c: a thread's entry function returned */
void x86_thread_returned(uint64_t entry);

/* serial.c */
void x86_serial_init(void);
/*
 * One byte from the console's input (COM1), or -1 when none is waiting.
 * Never blocks; any context. Not (yet) in <hv/arch.h>: the debugger of
 * issue 7 needs it there (see docs/arch-x86_64.md).
 */
int arch_console_getc(void);
void x86_printf(const char *fmt, ...) HV_PRINTF(1, 2);

/* gdt.c */
void x86_gdt_init(void);
void x86_idt_init(void);
extern const uint64_t x86_vector_stubs[256]; /* entry.S */

/* traps.c: called by entry.S for every vector */
void x86_trap(struct x86_regs *r);

/* paging.c */
void x86_paging_init(const struct hv_boot_info *bi);
void x86_map_uncached(uint64_t pa);

/* time.c / apic.c */
void x86_pic_disable(void);
void x86_apic_init(void);
void x86_time_init(void);
void x86_apic_eoi(void);
void x86_timer_interrupt(void);

/* multiboot.c */
#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u
/*
 * Fill `bi` from the boot loader's information at physical `info_pa` (an
 * untrusted structure: every length is checked, bad entries are skipped
 * with a message). `magic` is what the loader left in eax. Returns 0, or
 * HV_EINVAL when the magic is unknown or the structure unusable (bi then
 * holds an empty memory map and the empty command line).
 */
int x86_multiboot_parse(uint32_t magic, uint64_t info_pa,
                        struct hv_boot_info *bi);

/* Print a backtrace starting at frame pointer rbp. */
void x86_backtrace(uint64_t rbp);

#endif /* X86_PRIV_H */
