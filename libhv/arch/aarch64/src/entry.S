/*
 * entry.S: the EL2 exception vectors, the context switch, the first-run
 * trampoline of a hypervisor thread and the MMU switch-on.
 *
 * Vectors. VBAR_EL2 points at a64_vectors: 16 slots of 128 bytes, four
 * kinds (synchronous, IRQ, FIQ, SError) from four sources (current EL with
 * SP_EL0, current EL with SP_EL2, lower EL in AArch64, in AArch32). Each
 * slot makes room for a struct a64_regs (<hv/a64_regs.h>) on the current
 * stack, saves x0/x1, puts its slot number in x1 and branches to
 * trap_common, which saves the rest -- x2-x30, the interrupted sp,
 * ELR_EL2, SPSR_EL2, ESR_EL2, FAR_EL2 -- and calls a64_trap(frame). The
 * return path restores ELR/SPSR (a handler may have switched threads, and
 * the other thread's exceptions overwrote the registers meanwhile) and
 * every general register, and erets. PSTATE.{D,A,I,F} are all set on
 * exception entry, so a handler runs with interrupts masked.
 *
 * arch_context_switch(prev, next) stores x19-x29, lr, sp and DAIF into
 * *prev and loads them from *next; the `ret` continues wherever next
 * stopped (the AAPCS64 makes every other register dead across a call). A
 * new thread's context (arch_vcpu_init_thread) has lr = the trampoline,
 * x19 = entry, x20 = arg, fp = 0 (the backtrace's end), IRQs masked.
 */
#include "layout.h"
#include <hv/a64_regs.h>

        .macro ventry slot
        .balign 128
        sub     sp, sp, #A64_REGS_SIZE
        stp     x0, x1, [sp, #0]
        mov     x1, #\slot
        b       trap_common
        .endm

        .text
        .balign 2048
        .globl a64_vectors
a64_vectors:
        ventry  0
        ventry  1
        ventry  2
        ventry  3
        ventry  4
        ventry  5
        ventry  6
        ventry  7
        ventry  8
        ventry  9
        ventry  10
        ventry  11
        ventry  12
        ventry  13
        ventry  14
        ventry  15

trap_common:
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x19, [sp, #144]
        stp     x20, x21, [sp, #160]
        stp     x22, x23, [sp, #176]
        stp     x24, x25, [sp, #192]
        stp     x26, x27, [sp, #208]
        stp     x28, x29, [sp, #224]
        add     x2, sp, #A64_REGS_SIZE
        stp     x30, x2, [sp, #240]
        mrs     x2, elr_el2
        mrs     x3, spsr_el2
        stp     x2, x3, [sp, #A64_REGS_ELR]
        mrs     x2, esr_el2
        mrs     x3, far_el2
        stp     x2, x3, [sp, #A64_REGS_ELR + 16]
        stp     x1, xzr, [sp, #A64_REGS_SLOT]
        /* The saved x29/x30 pair is a frame record: a backtrace taken in
         * the handler crosses into the interrupted code's callers. */
        add     x29, sp, #232
        mov     x0, sp
        bl      a64_trap
trap_return:
        ldp     x2, x3, [sp, #A64_REGS_ELR]
        msr     elr_el2, x2
        msr     spsr_el2, x3
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x19, [sp, #144]
        ldp     x20, x21, [sp, #160]
        ldp     x22, x23, [sp, #176]
        ldp     x24, x25, [sp, #192]
        ldp     x26, x27, [sp, #208]
        ldp     x28, x29, [sp, #224]
        ldr     x30, [sp, #240]
        ldp     x0, x1, [sp, #0]
        add     sp, sp, #A64_REGS_SIZE
        eret

/*
 * void a64_guest_eret(struct a64_regs *frame): enter a guest through the
 * common return path, with `frame` (on the vCPU thread's stack, followed by
 * the guest's struct pointer) as the exception frame it restores. SP_EL2
 * is then just above the frame, so the guest's next trap builds its frame
 * in the same place (src/guest.c).
 */
        .globl a64_guest_eret
        .type a64_guest_eret, @function
a64_guest_eret:
        mov     sp, x0
        b       trap_return
        .size a64_guest_eret, . - a64_guest_eret

/* void arch_context_switch(struct arch_vcpu *prev, struct arch_vcpu *next) */
        .globl arch_context_switch
        .type arch_context_switch, @function
arch_context_switch:
        stp     x19, x20, [x0, #0]
        stp     x21, x22, [x0, #16]
        stp     x23, x24, [x0, #32]
        stp     x25, x26, [x0, #48]
        stp     x27, x28, [x0, #64]
        stp     x29, x30, [x0, #80]
        mov     x2, sp
        mrs     x3, daif
        stp     x2, x3, [x0, #96]
        ldp     x19, x20, [x1, #0]
        ldp     x21, x22, [x1, #16]
        ldp     x23, x24, [x1, #32]
        ldp     x25, x26, [x1, #48]
        ldp     x27, x28, [x1, #64]
        ldp     x29, x30, [x1, #80]
        ldp     x2, x3, [x1, #96]
        mov     sp, x2
        msr     daif, x3
        ret
        .size arch_context_switch, . - arch_context_switch

/* First run of a thread: x19 = entry, x20 = arg, sp 16-byte aligned. */
        .globl a64_thread_trampoline
        .type a64_thread_trampoline, @function
a64_thread_trampoline:
        mov     x29, #0
        mov     x0, x20
        msr     daifclr, #2
        blr     x19
        mov     x0, x19
        bl      a64_thread_returned
        b       .
        .size a64_thread_trampoline, . - a64_thread_trampoline

/*
 * void a64_mmu_enable(mair, tcr, ttbr, sctlr): load the translation
 * registers, drop stale TLB entries and turn the MMU and caches on. The
 * code runs on an identity map, so the next instruction is fetched from
 * the same address either way.
 */
        .globl a64_mmu_enable
        .type a64_mmu_enable, @function
a64_mmu_enable:
        msr     mair_el2, x0
        msr     tcr_el2, x1
        msr     ttbr0_el2, x2
        dsb     sy
        isb
        tlbi    alle2
        dsb     sy
        isb
        ic      iallu
        dsb     sy
        isb
        msr     sctlr_el2, x3
        isb
        ret
        .size a64_mmu_enable, . - a64_mmu_enable

        .section .note.GNU-stack, "", @progbits
