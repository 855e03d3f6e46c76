/*
 * The hello guest's EL1 exception vectors: the IRQ from the current EL
 * (SP_EL1) calls guest_irq() with the caller-saved registers preserved;
 * every other vector stops the guest in a loop (the hypervisor preempts it
 * like any vCPU, so nothing else is affected).
 */
        .text
        .balign 2048
        .globl guest_vectors
guest_vectors:
        .set    slot, 0
        .rept   16
        .balign 128
        .if slot == 5
        b       irq_entry
        .else
        b       .
        .endif
        .set    slot, slot + 1
        .endr

irq_entry:
        sub     sp, sp, #176
        stp     x0, x1, [sp, #0]
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x29, [sp, #144]
        str     x30, [sp, #160]
        bl      guest_irq
        ldp     x0, x1, [sp, #0]
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x29, [sp, #144]
        ldr     x30, [sp, #160]
        add     sp, sp, #176
        eret

        .section .note.GNU-stack, "", @progbits
