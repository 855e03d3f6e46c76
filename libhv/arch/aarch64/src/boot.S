/*
 * boot.S: the first instructions, at EL2, MMU off.
 *
 * QEMU (`-M virt,virtualization=on -kernel image.elf`) jumps to _start at
 * EL2 with the MMU and caches off. x0 holds the DTB's address when QEMU
 * boots the image the Linux way, and 0 for an ELF kernel, whose DTB QEMU
 * puts at the start of RAM instead; setup.c tries both (a64_start(x0)).
 *
 * Here: check the exception level (anything but EL2 prints one line on
 * QEMU virt's PL011 and stops: the hypervisor cannot run lower), mask every
 * interrupt, take the boot stack, zero .bss, install the EL2 vector table
 * and call a64_start(x0) in C. Nothing here needs the MMU: the image runs
 * at its link address, which is also where it was loaded.
 */
#include "layout.h"

        .section .text.boot, "ax"
        .globl _start
        .type _start, @function
_start:
        mov     x19, x0
        msr     daifset, #0xf
        mrs     x1, CurrentEL
        lsr     x1, x1, #2
        and     x1, x1, #3
        cmp     x1, #2
        b.ne    wrong_el

        adrp    x0, boot_stack
        add     x0, x0, :lo12:boot_stack
        add     x0, x0, #A64_BOOT_STACK_SIZE
        mov     sp, x0
        mov     x29, #0
        mov     x30, #0

        adrp    x0, __bss_start
        add     x0, x0, :lo12:__bss_start
        adrp    x1, __bss_end
        add     x1, x1, :lo12:__bss_end
1:      cmp     x0, x1
        b.hs    2f
        str     xzr, [x0], #8
        b       1b
2:
        adrp    x0, a64_vectors
        add     x0, x0, :lo12:a64_vectors
        msr     vbar_el2, x0
        isb
        mov     x0, x19
        bl      a64_start
        b       halt

wrong_el:
        mov     x2, #A64_VIRT_UART
        adr     x3, wrong_el_msg
3:      ldrb    w4, [x3], #1
        cbz     w4, halt
        strb    w4, [x2]
        b       3b
halt:
        wfe
        b       halt
        .size _start, . - _start

        .section .rodata
wrong_el_msg:
        .asciz  "libhv aarch64: not entered at EL2 (use -M virt,virtualization=on); stopped\r\n"

        .section .bss.stack, "aw", @nobits
        .balign 16
        .globl boot_stack
boot_stack:
        .space  A64_BOOT_STACK_SIZE

        .section .note.GNU-stack, "", @progbits
