/* The guests' entry at IPA 0: EL1h, MMU off, SP_EL1 set by the hypervisor. */
        .section .text.start, "ax"
        .globl _start
_start:
        mov     x29, #0
        bl      guest_main
1:      wfi
        b       1b

        .section .note.GNU-stack, "", @progbits
