/*
 * The AArch64 port's memory layout, shared by the assembly and the C code.
 * Only #defines here. docs/arch-aarch64.md has the table.
 *
 * The hypervisor runs on an identity map (virtual == physical) in the EL2
 * translation regime, 4 KiB granule, 39-bit virtual addresses (T0SZ = 25,
 * three levels from level 1): RAM as Normal write-back memory, the image
 * executable, the devices the device tree names as Device-nGnRnE, nothing
 * else. The image is linked and loaded at A64_IMAGE_PHYS, 2 MiB into the
 * RAM of QEMU's `virt` machine, which leaves the first 2 MiB for the DTB
 * that QEMU puts at the start of RAM for an ELF kernel.
 */
#ifndef A64_LAYOUT_H
#define A64_LAYOUT_H

#define A64_IMAGE_PHYS      0x40200000
#define A64_BOOT_STACK_SIZE 16384
/* QEMU virt: start of RAM, where QEMU puts the DTB for an ELF kernel. */
#define A64_VIRT_RAM_BASE 0x40000000
/* QEMU virt's PL011, used only to report a wrong exception level. */
#define A64_VIRT_UART 0x09000000
/* The virtual address space the tables cover: 2^39 bytes. */
#define A64_VA_BITS 39

#endif /* A64_LAYOUT_H */
