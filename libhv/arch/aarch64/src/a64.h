/*
 * Private declarations of the AArch64 port: system-register accessors,
 * MMIO, the layout constants and the functions its files share. Not
 * installed; the core never sees this.
 */
#ifndef A64_PRIV_H
#define A64_PRIV_H

#include "layout.h"
#include <hv/arch.h>

/* ---- system registers and barriers ---- */

#define read_sysreg(r)                                            \
    ({                                                            \
        uint64_t v_;                                              \
        __asm__ __volatile__("mrs %0, " #r : "=r"(v_)::"memory"); \
        v_;                                                       \
    })
#define write_sysreg(r, v) \
    __asm__ __volatile__("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")

static inline void isb(void)
{
    __asm__ __volatile__("isb" ::: "memory");
}

static inline void dsb_sy(void)
{
    __asm__ __volatile__("dsb sy" ::: "memory");
}

/* ---- MMIO (Device memory: one access of the given width) ---- */

static inline uint32_t mmio_read32(uint64_t addr)
{
    uint32_t v;
    __asm__ __volatile__("ldr %w0, [%1]"
                         : "=r"(v)
                         : "r"((uintptr_t)addr)
                         : "memory");
    return v;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
    __asm__ __volatile__("str %w0, [%1]" ::"r"(v), "r"((uintptr_t)addr)
                         : "memory");
}

static inline uint64_t mmio_read64(uint64_t addr)
{
    uint64_t v;
    __asm__ __volatile__("ldr %0, [%1]"
                         : "=r"(v)
                         : "r"((uintptr_t)addr)
                         : "memory");
    return v;
}

/* DAIF.I (IRQ mask) as `mrs daif` reads it. */
#define A64_DAIF_I 0x80u

/* ---- what the device tree told us (src/fdt.c) ---- */

#define A64_MAX_UARTS 4

struct a64_platform {
    struct hv_mem_range mem[HV_BOOT_MAX_RANGES]; /* RAM, memreserve cut */
    unsigned int mem_count;
    char bootargs[512];
    uint64_t uart;            /* PL011 base (0: none found) */
    unsigned int gic_version; /* 2 or 3; 0: no GIC found */
    uint64_t gicd, gicd_size;
    uint64_t gicc, gicc_size; /* v2 CPU interface */
    uint64_t gicr, gicr_size; /* v3 redistributor region 0 */
    unsigned int timer_intid; /* EL2 physical timer PPI, as an INTID */
    bool psci;                /* a PSCI node with method "smc" */
    uint32_t fdt_size;
    unsigned int warnings; /* malformed parts that were skipped */
};

/*
 * Parse the flattened device tree at `blob` (at most `max` readable
 * bytes; an untrusted structure: every offset, length and string is
 * checked, malformed nodes are skipped and counted). Return: HV_OK,
 * HV_EINVAL when the header is not that of a usable FDT (p then holds
 * nothing but zeroes).
 */
int a64_fdt_parse(const void *blob, uint64_t max, struct a64_platform *p);

/* ---- between the port's files ---- */

extern char __image_start[], __image_end[], __bss_start[], __bss_end[];

HV_NORETURN void a64_start(uint64_t x0);  /* boot.S -> setup.c */
void a64_trap(struct a64_regs *r);        /* entry.S -> traps.c */
void a64_thread_returned(uint64_t entry); /* entry.S -> traps.c */
void a64_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr,
                    uint64_t sctlr); /* entry.S */
extern char a64_vectors[];           /* entry.S */

void a64_time_mark_boot(void);
void a64_time_init(void);
void a64_timer_interrupt(unsigned int intid); /* disables, EOIs, core */

void a64_uart_init(uint64_t base);
void a64_printf(const char *fmt, ...) HV_PRINTF(1, 2);

int a64_gic_init(const struct a64_platform *p);
void a64_gic_enable_ppi(unsigned int intid);
/* Acknowledge: the INTID (>= 1020: spurious); a64_gic_eoi() ends it. */
unsigned int a64_gic_ack(void);
void a64_gic_eoi(unsigned int intid);

/* Build and switch on the EL2 tables; a device the tables refuse is
 * dropped from *p (the UART goes silent, gic_version becomes 0). */
void a64_mmu_init(struct a64_platform *p);
/* Bytes of RAM (from its start) and the end the map covers (mmu.c). */
bool a64_is_mapped_ram(uint64_t va, uint64_t len);

void a64_psci_init(bool present);
uint64_t a64_counter_at_boot(void); /* time.c: CNTPCT at the clock's zero */
uint64_t a64_counter_freq(void);    /* time.c: CNTFRQ (never 0) */
uint64_t a64_ticks_to_ns(uint64_t ticks);
void a64_irq(void);                      /* traps.c: acknowledge and dispatch */
void a64_guest_trap(struct a64_regs *r); /* guest.c: slots 8-15 */
extern unsigned int a64_timer_intid;     /* traps.c */
void a64_backtrace(uint64_t fp);

#endif /* A64_PRIV_H */
