/*
 * The hypervisor's own EL2 page tables: an identity map (virtual ==
 * physical) built once at boot from the device tree, then never changed.
 *
 * Format: the EL2 (non-VHE) stage-1 regime, TTBR0_EL2 only, 4 KiB granule,
 * T0SZ = 25 (39-bit addresses), so a walk starts at level 1 (1 GiB per
 * entry) and every mapping here is a 2 MiB block at level 2. Tables come
 * from a fixed pool in .bss (one level-1 table, L2_POOL level-2 tables:
 * 1 GiB of address space each); RAM or a device that would need more is
 * left unmapped with a message.
 *
 * Attributes (MAIR_EL2 indices):
 *   0  Device-nGnRnE  the GIC, the UART (the 2 MiB block around each)
 *   1  Normal, inner and outer write-back, read/write-allocate: RAM
 * RAM is execute-never except the 2 MiB blocks of the image; every block
 * is read/write at EL2, inner shareable, with the access flag set.
 * Nothing else is mapped, so a stray pointer (0, or 0xdead0000 below
 * RAM) faults and the port reports it. arch_virt_to_phys() asks the MMU
 * itself (AT S1E2R), so it never faults and agrees with the tables.
 */
#include "a64.h"

#define L2_POOL 8

#define PTE_VALID   (1ull << 0)
#define PTE_TABLE   (1ull << 1) /* at level 1: next-level table */
#define PTE_ATTR(i) ((uint64_t)(i) << 2)
#define PTE_AP_RW   (1ull << 6) /* AP[1]: RES1 in a one-EL regime */
#define PTE_SH_IS   (3ull << 8)
#define PTE_AF      (1ull << 10)
#define PTE_XN      (1ull << 54)
#define PTE_ADDR    0x0000fffffffff000ull

#define ATTR_DEVICE 0
#define ATTR_NORMAL 1
#define MAIR_VALUE  (0x00ull << (8 * ATTR_DEVICE) | 0xffull << (8 * ATTR_NORMAL))

#define BLOCK_2M (1ull << 21)

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2_pool[L2_POOL][512] __attribute__((aligned(4096)));
static unsigned int l2_used;
static uint64_t ram_lo[HV_BOOT_MAX_RANGES], ram_hi[HV_BOOT_MAX_RANGES];
static unsigned int ram_count;

static bool map_block(uint64_t pa, unsigned int attr, bool exec)
{
    uint64_t *l2;
    unsigned int i1 = (unsigned int)(pa >> 30);

    if (pa >> A64_VA_BITS)
        return false;
    if (!(l1[i1] & PTE_VALID)) {
        if (l2_used == L2_POOL)
            return false;
        l2 = l2_pool[l2_used++];
        l1[i1] = (uint64_t)(uintptr_t)l2 | PTE_VALID | PTE_TABLE;
    }
    l2 = (uint64_t *)(uintptr_t)(l1[i1] & PTE_ADDR);
    l2[(pa >> 21) & 511] =
        (pa & ~(BLOCK_2M - 1)) | PTE_VALID | PTE_ATTR(attr) | PTE_AP_RW |
        PTE_AF | (attr == ATTR_NORMAL ? PTE_SH_IS : 0) | (exec ? 0 : PTE_XN);
    return true;
}

static void map_range(const char *what, uint64_t base, uint64_t size,
                      unsigned int attr)
{
    uint64_t img_lo = (uint64_t)(uintptr_t)__image_start & ~(BLOCK_2M - 1);
    uint64_t img_hi = (uint64_t)(uintptr_t)__image_end;

    if (size == 0)
        return;
    for (uint64_t b = base & ~(BLOCK_2M - 1); b < base + size; b += BLOCK_2M) {
        bool exec = attr == ATTR_NORMAL && b + BLOCK_2M > img_lo && b < img_hi;
        if (!map_block(b, attr, exec)) {
            a64_printf("aarch64: cannot map %s at %#lx (beyond the %u GiB the "
                       "tables cover or out of tables)\n",
                       what, (unsigned long)b, (unsigned int)L2_POOL);
            return;
        }
        if (b + BLOCK_2M < b)
            return;
    }
}

/* A device must not share a 2 MiB block with RAM or the image (the
 * device tree is not trusted to say so). */
static bool map_device(const char *what, uint64_t base, uint64_t size)
{
    uint64_t lo = base & ~(BLOCK_2M - 1);
    uint64_t hi = HV_ALIGN_UP(base + size, BLOCK_2M);
    uint64_t img_lo = (uint64_t)(uintptr_t)__image_start & ~(BLOCK_2M - 1);
    uint64_t img_hi = HV_ALIGN_UP((uint64_t)(uintptr_t)__image_end, BLOCK_2M);

    if (size == 0)
        return false;
    if (base + size < base || hi < lo || (lo < img_hi && img_lo < hi)) {
        a64_printf("aarch64: %s at %#lx wraps or overlaps the image: not "
                   "mapped\n",
                   what, (unsigned long)base);
        return false;
    }
    for (unsigned int i = 0; i < ram_count; i++) {
        if (lo < ram_hi[i] && ram_lo[i] < hi) {
            a64_printf("aarch64: %s at %#lx overlaps RAM: not mapped\n", what,
                       (unsigned long)base);
            return false;
        }
    }
    map_range(what, base, size, ATTR_DEVICE);
    return true;
}

void a64_mmu_init(struct a64_platform *p)
{
    uint64_t pa_range = read_sysreg(id_aa64mmfr0_el1) & 0xf;
    uint64_t ps = pa_range > 2 ? 2 : pa_range; /* at most 40 bits */
    uint64_t tcr, sctlr;

    for (unsigned int i = 0; i < p->mem_count; i++) {
        const struct hv_mem_range *m = &p->mem[i];
        if (m->size == 0)
            continue;
        /* Only whole 2 MiB blocks of RAM: never map past its end. */
        uint64_t lo = HV_ALIGN_UP(m->base, BLOCK_2M);
        uint64_t hi = HV_ALIGN_DOWN(m->base + m->size, BLOCK_2M);
        if (lo >= hi)
            continue;
        map_range("RAM", lo, hi - lo, ATTR_NORMAL);
        ram_lo[ram_count] = lo;
        ram_hi[ram_count++] = hi;
    }
    /* The image itself, whatever the memory map said (the code runs
     * there the moment the MMU is on). */
    map_range("the image", (uint64_t)(uintptr_t)__image_start,
              (uint64_t)(uintptr_t)__image_end -
                  (uint64_t)(uintptr_t)__image_start,
              ATTR_NORMAL);
    if (!map_device("the UART", p->uart, 0x1000))
        a64_uart_init(0); /* it would fault once the MMU is on: silence */
    if (p->gic_version != 0 &&
        (!map_device("the GIC distributor", p->gicd, p->gicd_size) ||
         !map_device(p->gic_version == 2 ? "the GIC CPU interface"
                                         : "the GIC redistributors",
                     p->gic_version == 2 ? p->gicc : p->gicr,
                     p->gic_version == 2 ? p->gicc_size : p->gicr_size)))
        p->gic_version = 0; /* not usable: setup.c stops */

    tcr = (64 - A64_VA_BITS)         /* T0SZ */
          | 1ull << 8                /* IRGN0: write-back, write-allocate */
          | 1ull << 10               /* ORGN0 */
          | 3ull << 12               /* SH0: inner shareable */
          | 0ull << 14               /* TG0: 4 KiB */
          | ps << 16                 /* PS */
          | 1ull << 23 | 1ull << 31; /* RES1 */
    sctlr = 0x30c50830ull            /* RES1 bits of SCTLR_EL2 (non-VHE) */
            | 1ull << 0              /* M: MMU on */
            | 1ull << 2              /* C: data cache */
            | 1ull << 3              /* SA: stack alignment check */
            | 1ull << 12;            /* I: instruction cache */
    dsb_sy();
    a64_mmu_enable(MAIR_VALUE, tcr, (uint64_t)(uintptr_t)l1, sctlr);
}

bool a64_is_mapped_ram(uint64_t va, uint64_t len)
{
    for (unsigned int i = 0; i < ram_count; i++) {
        if (va >= ram_lo[i] && va <= ram_hi[i] && len <= ram_hi[i] - va)
            return true;
    }
    return false;
}

/*
 * Ask the MMU: AT S1E2R translates `va` as an EL2 read would and leaves the
 * answer in PAR_EL1 (bit 0 set: it would fault). Never faults itself.
 */
bool arch_virt_to_phys(uintptr_t va, uint64_t *pa)
{
    unsigned long flags = arch_irq_save();
    uint64_t par;

    __asm__ __volatile__("at s1e2r, %0" ::"r"((uint64_t)va) : "memory");
    isb();
    par = read_sysreg(par_el1);
    arch_irq_restore(flags);
    if (par & 1)
        return false;
    *pa = (par & PTE_ADDR) | ((uint64_t)va & 0xfff);
    return true;
}
