/*
 * boot.S: from the boot loader's 32-bit protected mode to 64-bit C.
 *
 * Both Multiboot loaders (QEMU's -kernel for Multiboot1, GRUB for
 * Multiboot2) enter at `start` in 32-bit protected mode with paging off,
 * flat segments, interrupts off, eax = the loader's magic and ebx = the
 * physical address of its information structure. The image is linked at
 * X86_IMAGE_VIRT but runs here at its physical load address, so every
 * symbol is used through PHYS() until paging is on.
 *
 * The steps: zero .bss (the page tables and the boot stack live there),
 * save magic and info pointer, check that the CPU has long mode, fill the
 * boot page tables, enable PAE, load CR3, set EFER.LME, enable paging, load
 * a 64-bit GDT and far-jump to 64-bit code. Page tables (all 2 MiB pages,
 * so no 1 GiB page support is needed):
 *   PML4[0]   -> l3_directmap: the first 4 GiB identity-mapped, only for
 *                the instructions that run between enabling paging and the
 *                jump to the high half; removed by x86_paging_init().
 *   PML4[262] -> l3_directmap: the same 4 GiB at X86_DIRECTMAP_VIRT.
 *   PML4[261] -> l3_image[322] -> l2_image: 64 MiB from X86_IMAGE_PHYS at
 *                X86_IMAGE_VIRT (trimmed to the image later).
 * In 64-bit mode the code jumps to its link address, reloads the GDT at
 * its virtual address, switches to the boot stack and calls
 * x86_start(magic, info).
 */
#include "layout.h"

#define PHYS(x) ((x) - X86_IMAGE_OFFSET)
#define PTE_P   0x1
#define PTE_W   0x2
#define PTE_PS  0x80

#if ((X86_IMAGE_VIRT >> 39) & 511) != X86_IMAGE_L4 || \
    ((X86_IMAGE_VIRT >> 30) & 511) != X86_IMAGE_L3 || \
    ((X86_IMAGE_VIRT >> 21) & 511) != 0 || \
    ((X86_DIRECTMAP_VIRT >> 39) & 511) != X86_DIRECTMAP_L4
#error "layout.h page-table indices do not match the addresses"
#endif

#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00000003 /* modules page-aligned, memory information */
#define MB2_MAGIC 0xe85250d6

        .section .multiboot, "a"
        .align 4
mb1_header:
        .long MB1_MAGIC
        .long MB1_FLAGS
        .long 0x100000000 - (MB1_MAGIC + MB1_FLAGS)

        .align 8
mb2_header:
        .long MB2_MAGIC
        .long 0                         /* architecture: i386 */
        .long mb2_header_end - mb2_header
        .long 0x100000000 - (MB2_MAGIC + (mb2_header_end - mb2_header))
        .align 8                        /* entry address tag */
        .short 3, 0
        .long 12
        .long PHYS(start)
        .align 8                        /* end tag */
        .short 0, 0
        .long 8
mb2_header_end:

        .section .text.boot, "ax"
        .code32
        .globl start
start:
        cli
        cld
        mov     %eax, %esi
        /* zero .bss (ebx and esi survive rep stosb) */
        mov     $PHYS(__bss_start), %edi
        mov     $PHYS(__bss_end), %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb
        mov     %esi, PHYS(boot_magic)
        mov     %ebx, PHYS(boot_info_pa)
        mov     $PHYS(boot_stack_top), %esp

        /* long mode? (cpuid 0x80000001 edx bit 29) */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        test    $(1 << 29), %edx
        jz      no_long_mode

        /* direct map: 2048 PD entries of 2 MiB cover 4 GiB */
        mov     $PHYS(l2_directmap), %edi
        mov     $(PTE_P | PTE_W | PTE_PS), %eax
        xor     %ecx, %ecx
1:      mov     %eax, (%edi,%ecx,8)
        add     $0x200000, %eax
        inc     %ecx
        cmp     $2048, %ecx
        jb      1b
        /* the four PDs in l3_directmap[0..3] */
        mov     $PHYS(l3_directmap), %edi
        mov     $(PHYS(l2_directmap) + PTE_P + PTE_W), %eax
        xor     %ecx, %ecx
1:      mov     %eax, (%edi,%ecx,8)
        add     $4096, %eax
        inc     %ecx
        cmp     $4, %ecx
        jb      1b
        /* image: X86_IMAGE_MAP_SIZE from X86_IMAGE_PHYS */
        mov     $PHYS(l2_image), %edi
        mov     $(X86_IMAGE_PHYS | PTE_P | PTE_W | PTE_PS), %eax
        xor     %ecx, %ecx
1:      mov     %eax, (%edi,%ecx,8)
        add     $0x200000, %eax
        inc     %ecx
        cmp     $(X86_IMAGE_MAP_SIZE >> 21), %ecx
        jb      1b
        movl    $(PHYS(l2_image) + PTE_P + PTE_W), PHYS(l3_image) + X86_IMAGE_L3 * 8
        /* PML4 */
        mov     $(PHYS(l3_directmap) + PTE_P + PTE_W), %eax
        mov     %eax, PHYS(x86_l4_table)
        mov     %eax, PHYS(x86_l4_table) + X86_DIRECTMAP_L4 * 8
        movl    $(PHYS(l3_image) + PTE_P + PTE_W), PHYS(x86_l4_table) + X86_IMAGE_L4 * 8

        lgdt    PHYS(boot_gdt_desc32)
        mov     %cr4, %eax
        or      $(1 << 5), %eax                 /* PAE */
        mov     %eax, %cr4
        mov     $PHYS(x86_l4_table), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx               /* EFER */
        rdmsr
        or      $(1 << 8), %eax                 /* LME */
        wrmsr
        mov     %cr0, %eax
        or      $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
        mov     %eax, %cr0
        ljmp    $X86_CS_HV, $PHYS(start64_low)

no_long_mode:
        mov     $PHYS(no_lm_msg), %esi
1:      movb    (%esi), %al
        test    %al, %al
        jz      2f
        mov     $0x3f8, %dx
        outb    %al, %dx
        inc     %esi
        jmp     1b
2:      hlt
        jmp     2b

        .code64
start64_low:
        movabs  $start64, %rax
        jmp     *%rax

start64:
        lgdt    boot_gdt_desc64(%rip)
        mov     $X86_DS_HV, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        mov     boot_magic(%rip), %edi
        mov     boot_info_pa(%rip), %esi
        call    x86_start
        ud2

        .section .rodata
no_lm_msg:
        .asciz  "libhv: this CPU has no long mode (x86_64); stopped\r\n"

        .align 16
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff              /* 0x08: 64-bit code */
        .quad   0x00cf92000000ffff              /* 0x10: data */
boot_gdt_end:
        .align 8
        .word   0
boot_gdt_desc32:
        .word   boot_gdt_end - boot_gdt - 1
        .long   PHYS(boot_gdt)
        .align 8
        .word   0, 0, 0
boot_gdt_desc64:
        .word   boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

        .section .bss.pagetables, "aw", @nobits
        .align 4096
        .globl x86_l4_table, l2_directmap, l2_image
x86_l4_table:   .skip 4096
l3_directmap:   .skip 4096
l2_directmap:   .skip 4 * 4096
l3_image:       .skip 4096
l2_image:       .skip 4096

        .section .bss, "aw", @nobits
        .align 16
        .globl x86_boot_stack
x86_boot_stack: .skip X86_BOOT_STACK_SIZE
boot_stack_top:
boot_magic:     .skip 4
boot_info_pa:   .skip 4

        .section .note.GNU-stack, "", @progbits
