/*
 * a64_start(): the port's C entry, called by boot.S at EL2 on the boot
 * stack, MMU off, with what QEMU left in x0.
 *
 * Order matters: the clock starts first (time since boot counts from
 * here); the device tree is found and read with the MMU still off (every
 * physical address is reachable then; it is copied out, so its memory is
 * not needed afterwards); the console comes up on the UART it names; the
 * EL2 page tables are built from its memory map and devices and the MMU
 * and caches go on; HCR_EL2 routes physical IRQs, FIQs and SErrors to EL2;
 * then the GIC, the timer, and the core.
 *
 * Finding the DTB: x0 when it points at an FDT header (QEMU passes it
 * there when it boots a Linux-style Image), else the start of QEMU virt's
 * RAM, where QEMU puts it for an ELF kernel when there is room below the
 * image -- there is: the image is linked 2 MiB into RAM. At most the
 * bytes up to the image's start are read there.
 */
#include "a64.h"

#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_AMO (1ull << 5)
#define HCR_RW  (1ull << 31) /* EL1 is AArch64 (for guests to come) */

static struct hv_boot_info boot_info;
static struct a64_platform plat;

static bool looks_like_fdt(uint64_t pa)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)pa;
    return pa != 0 && (pa & 7) == 0 && p[0] == 0xd0 && p[1] == 0x0d &&
           p[2] == 0xfe && p[3] == 0xed;
}

void a64_start(uint64_t x0)
{
    uint64_t image = (uint64_t)(uintptr_t)__image_start;
    uint64_t dtb = 0, max = 0;
    int rc;

    a64_time_mark_boot();
    /* x0 must lie in RAM below the image (QEMU's choice), else RAM's start. */
    if (x0 >= A64_VIRT_RAM_BASE && x0 < image && looks_like_fdt(x0)) {
        dtb = x0;
        max = image - x0;
    } else if (looks_like_fdt(A64_VIRT_RAM_BASE)) {
        dtb = A64_VIRT_RAM_BASE;
        max = image - A64_VIRT_RAM_BASE;
    }
    rc = dtb ? a64_fdt_parse((const void *)(uintptr_t)dtb, max, &plat)
             : HV_EINVAL;
    a64_uart_init(plat.uart ? plat.uart : A64_VIRT_UART);
    a64_printf("libhv aarch64: EL2, image at %#lx-%#lx, DTB at %#lx "
               "(%u bytes, %u malformed parts skipped)\n",
               (unsigned long)image, (unsigned long)(uintptr_t)__image_end,
               (unsigned long)dtb, plat.fdt_size, plat.warnings);
    if (rc != HV_OK)
        a64_printf("aarch64: no usable device tree (x0 %#lx): no memory "
                   "map\n",
                   (unsigned long)x0);
    else if (plat.uart == 0)
        a64_printf("aarch64: no PL011 in the device tree; writing to %#x\n",
                   A64_VIRT_UART);
    if (plat.uart == 0)
        plat.uart = A64_VIRT_UART;

    a64_mmu_init(&plat);
    write_sysreg(hcr_el2, HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO);
    isb();
    __asm__ __volatile__("msr daifclr, #4" ::: "memory"); /* SError */

    a64_psci_init(plat.psci);
    rc = plat.gic_version ? a64_gic_init(&plat) : HV_ENODEV;
    if (rc != HV_OK) {
        /* Without the timer interrupt nothing could ever wake up. */
        a64_printf("aarch64: no usable GIC in the device tree: cannot take "
                   "timer interrupts; stopping\n");
        arch_poweroff(2);
    } else
        a64_printf("aarch64: GICv%u, distributor at %#lx\n", plat.gic_version,
                   (unsigned long)plat.gicd);
    if (plat.timer_intid != 0)
        a64_timer_intid = plat.timer_intid;
    a64_time_init();
    a64_gic_enable_ppi(a64_timer_intid);

    boot_info.loader = "fdt";
    boot_info.cmdline = plat.bootargs;
    /* RAM as mmu.c maps it: whole 2 MiB blocks only. */
    for (unsigned int i = 0; i < plat.mem_count; i++) {
        uint64_t lo = HV_ALIGN_UP(plat.mem[i].base, 0x200000ull);
        uint64_t hi =
            HV_ALIGN_DOWN(plat.mem[i].base + plat.mem[i].size, 0x200000ull);
        if (lo >= hi)
            continue;
        boot_info.ranges[boot_info.range_count].base = lo;
        boot_info.ranges[boot_info.range_count].size = hi - lo;
        boot_info.ranges[boot_info.range_count++].type = HV_MEM_RAM;
    }
    /* The image, its .bss and the boot stack: never handed out. */
    boot_info.image_start = image;
    boot_info.image_end = (uint64_t)(uintptr_t)__image_end;
    boot_info.directmap = 0; /* identity map */
    a64_printf("aarch64: port ready %lu us after entry, calling hv_main\n",
               (unsigned long)(arch_time_now() / 1000));
    hv_main(&boot_info);
}
