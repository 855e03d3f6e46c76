/*
 * The x86_64 port's virtual memory layout and segment selectors, shared by
 * the assembly (boot.S, entry.S) and the C code. Only #defines here.
 *
 * The hypervisor takes Xen's place in the address space so that PV64
 * guests keep theirs as they expect (docs/arch-x86_64.md has the table):
 *   0xffff82d080000000  XEN_VIRT_START: the image, mapped with 2 MiB pages
 *                       from physical X86_IMAGE_PHYS (it is loaded there)
 *   0xffff830000000000  DIRECTMAP: all of physical memory, pa at +pa
 * The low identity map that exists while paging is switched on is removed
 * before the core runs.
 */
#ifndef X86_LAYOUT_H
#define X86_LAYOUT_H

#define X86_IMAGE_VIRT 0xffff82d080000000
#define X86_IMAGE_PHYS 0x200000
/* virtual - physical for every address inside the image */
#define X86_IMAGE_OFFSET (X86_IMAGE_VIRT - X86_IMAGE_PHYS)
/* The image mapping's size: 2 MiB pages in one page directory. */
#define X86_IMAGE_MAP_SIZE 0x4000000 /* 64 MiB */

#define X86_DIRECTMAP_VIRT 0xffff830000000000
/* What the boot code maps of the direct map (4 GiB, 2 MiB pages). */
#define X86_DIRECTMAP_BOOT_SIZE 0x100000000

/* Page-table indices of the two ranges (checked in boot.S). */
#define X86_IMAGE_L4     261
#define X86_IMAGE_L3     322
#define X86_DIRECTMAP_L4 262

/* GDT selectors (src/gdt.c). */
#define X86_CS_HV   0x08
#define X86_DS_HV   0x10
#define X86_TSS_SEL 0x30

/* Interrupt vectors (after the PIC is remapped to 0x20-0x2f). */
#define X86_VEC_PIC_BASE 0x20
#define X86_VEC_TIMER    0xf0
#define X86_VEC_SPURIOUS 0xff

#define X86_BOOT_STACK_SIZE 16384
#define X86_IST_STACK_SIZE  8192

#endif /* X86_LAYOUT_H */
