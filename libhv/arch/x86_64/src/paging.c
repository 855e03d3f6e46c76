/*
 * The hypervisor's page tables after boot.
 *
 * boot.S built them (see there): the image at X86_IMAGE_VIRT, 4 GiB of
 * direct map at X86_DIRECTMAP_VIRT, and an identity map of the same 4 GiB
 * that only served the switch to long mode. x86_paging_init():
 *  - removes the identity map (PML4 slot 0), so the whole lower half is
 *    free for guests and a stray low pointer faults;
 *  - trims the image mapping to the image's own 2 MiB pages;
 *  - extends the direct map over RAM above 4 GiB that the loader reported,
 *    with page directories from a static pool (DIRECTMAP_EXTRA_GIB more
 *    GiB; beyond that RAM is not mapped and a message says so).
 * All mappings use 2 MiB pages: 1 GiB pages are not available on every
 * CPU (QEMU's qemu64 model lacks pdpe1gb). x86_map_uncached() marks the
 * 2 MiB direct-map page holding a device (the local APIC) uncacheable.
 *
 * When the CPU has NX (cpuid 0x80000001 edx bit 20), EFER.NXE is enabled
 * and the whole direct map becomes no-execute: nothing runs from there
 * (the image runs from its own mapping), so code written into memory
 * reached through the direct map, such as a thread's stack, cannot be
 * executed. This can only happen after the identity map is gone, because
 * that map shared the direct map's page directories and the first 64-bit
 * instructions ran through it.
 */
#include "x86.h"

#define PTE_P         0x1ull
#define PTE_W         0x2ull
#define PTE_PWT       0x8ull
#define PTE_PCD       0x10ull
#define PTE_PS        0x80ull
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#define PTE_NX   (1ull << 63)
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ull << 11)

#define DIRECTMAP_EXTRA_GIB 12

extern uint64_t x86_l4_table[512];
extern uint64_t l2_directmap[4 * 512];
extern uint64_t l2_image[512];

uint64_t x86_directmap_end = X86_DIRECTMAP_BOOT_SIZE;

static uint64_t extra_pd[DIRECTMAP_EXTRA_GIB][512] HV_ALIGNED(4096);

static void flush_tlb(void)
{
    write_cr3(read_cr3());
}

static uint64_t *directmap_l3(void)
{
    return x86_phys_to_virt(x86_l4_table[X86_DIRECTMAP_L4] & PTE_ADDR_MASK);
}

static uint64_t nx_bit;

void x86_paging_init(const struct hv_boot_info *bi)
{
    x86_l4_table[0] = 0;
    flush_tlb();

    uint32_t a, b, c, d;
    cpuid(0x80000000u, &a, &b, &c, &d);
    if (a >= 0x80000001u) {
        cpuid(0x80000001u, &a, &b, &c, &d);
        if (d & (1u << 20)) {
            wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
            nx_bit = PTE_NX;
            for (unsigned int i = 0; i < HV_ARRAY_SIZE(l2_directmap); i++)
                l2_directmap[i] |= PTE_NX;
        }
    }

    uint64_t image_bytes = (uint64_t)(uintptr_t)(__image_end - __image_start);
    for (uint64_t i = HV_ALIGN_UP(image_bytes, 0x200000ull) >> 21;
         i < (X86_IMAGE_MAP_SIZE >> 21); i++)
        l2_image[i] = 0;

    uint64_t ram_end = 0;
    for (unsigned int i = 0; i < bi->range_count; i++) {
        const struct hv_mem_range *r = &bi->ranges[i];
        if (r->type == HV_MEM_RAM && r->base + r->size > ram_end)
            ram_end = r->base + r->size;
    }
    uint64_t *l3 = directmap_l3();
    uint64_t gib = X86_DIRECTMAP_BOOT_SIZE >> 30;
    for (unsigned int n = 0; n < DIRECTMAP_EXTRA_GIB && (gib << 30) < ram_end;
         n++, gib++) {
        for (uint64_t j = 0; j < 512; j++)
            extra_pd[n][j] =
                ((gib << 30) + (j << 21)) | PTE_P | PTE_W | PTE_PS | nx_bit;
        l3[gib] = x86_image_to_phys(extra_pd[n]) | PTE_P | PTE_W;
        x86_directmap_end = (gib + 1) << 30;
    }
    if (ram_end > x86_directmap_end)
        x86_printf("x86_64: RAM above %lu GiB is not in the direct map\n",
                   (unsigned long)(x86_directmap_end >> 30));
    flush_tlb();
}

void x86_map_uncached(uint64_t pa)
{
    if (pa >= X86_DIRECTMAP_BOOT_SIZE)
        hv_panic("x86_64: cannot map device at %#lx uncached",
                 (unsigned long)pa);
    l2_directmap[pa >> 21] |= PTE_PCD | PTE_PWT;
    flush_tlb();
}

/*
 * arch_virt_to_phys: walk the live 4-level tables from CR3. Every table is
 * read through the direct map, and only when its physical address lies in
 * the mapped part of it, so a hostile or mistyped address never faults.
 */
bool arch_virt_to_phys(uintptr_t va, uint64_t *pa)
{
    uint64_t table = read_cr3() & PTE_ADDR_MASK;
    uint64_t v = (uint64_t)va;

    /* Canonical addresses only: bits 63..47 all equal. */
    if ((uint64_t)((int64_t)(v << 16) >> 16) != v)
        return false;
    for (int level = 3; level >= 0; level--) {
        unsigned int index = (unsigned int)(v >> (12 + 9 * level)) & 511;
        uint64_t entry;

        if (table + 4096 > x86_directmap_end)
            return false;
        entry = ((const uint64_t *)x86_phys_to_virt(table))[index];
        if (!(entry & PTE_P))
            return false;
        if (level > 0 && level < 3 && (entry & PTE_PS)) {
            uint64_t size = 1ull << (12 + 9 * level);

            *pa = (entry & PTE_ADDR_MASK & ~(size - 1)) | (v & (size - 1));
            return true;
        }
        table = entry & PTE_ADDR_MASK;
    }
    *pa = table | (v & 0xfff);
    return true;
}
