/*
 * x86_start(): the port's 64-bit C entry, called by boot.S on the boot
 * stack with the loader's magic and information pointer.
 *
 * Order matters: the clock starts first (time since boot counts from
 * here), then the serial line (so that everything after can report), the
 * GDT/TSS and IDT (so that a fault from here on prints its state instead
 * of resetting the machine), the loader's information (read through the
 * direct map and copied into the image), the final page tables, the
 * interrupt controllers, the calibration, and finally the core.
 */
#include "x86.h"

static struct hv_boot_info boot_info;

void x86_start(uint32_t magic, uint32_t info_pa)
{
    x86_time_mark_boot();
    x86_serial_init();
    x86_printf("libhv x86_64: long mode, image at %016lx (physical "
               "%#lx-%#lx)\n",
               (unsigned long)(uintptr_t)__image_start,
               (unsigned long)x86_image_to_phys(__image_start),
               (unsigned long)x86_image_to_phys(__image_end));
    x86_gdt_init();
    x86_idt_init();

    if (x86_multiboot_parse(magic, info_pa, &boot_info) < 0)
        x86_printf("x86_64: no usable boot information (magic %#x)\n", magic);
    boot_info.image_start = x86_image_to_phys(__image_start);
    boot_info.image_end = x86_image_to_phys(__image_end);
    boot_info.directmap = (uintptr_t)X86_DIRECTMAP_VIRT;
    x86_paging_init(&boot_info);

    x86_pic_disable();
    x86_apic_init();
    x86_time_init();
    x86_printf("x86_64: port ready %lu us after entry, calling hv_main\n",
               (unsigned long)(arch_time_now() / 1000));
    hv_main(&boot_info);
}
