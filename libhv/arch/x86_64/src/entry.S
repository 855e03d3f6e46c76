/*
 * entry.S: interrupt and exception entry, the context switch and the
 * first-run trampoline of a hypervisor thread.
 *
 * Every one of the 256 vectors has a stub that pushes a zero error code
 * when the CPU did not push one, then the vector number, and jumps to
 * trap_common, which saves the general registers to complete a struct
 * x86_regs (<hv/arch_regs.h>) and calls x86_trap(regs). The CPU aligned the
 * stack to 16 bytes before its pushes and the frame is 176 bytes, so the
 * C call is made on an aligned stack. On return every register is
 * restored and iretq resumes the interrupted code; interrupt gates keep
 * interrupts off from entry to iretq.
 *
 * arch_context_switch(prev, next) pushes the callee-saved registers on the
 * current stack, stores rsp in prev->rsp (offset 0), loads next->rsp and
 * pops next's registers; the `ret` continues wherever next stopped. The
 * rest of the caller's state is dead across a call by the ABI. A new
 * thread's stack (arch_vcpu_init_thread) holds zeroed registers except r12
 * = entry and r13 = arg, and x86_thread_trampoline as return address.
 */
#include "layout.h"

        .text
        .altmacro

        .macro vector_stub vec
        .align 16
stub_\vec:
        /* vectors with a CPU error code: 8, 10-14, 17, 21, 29, 30 */
        .if (\vec == 8) || ((\vec >= 10) && (\vec <= 14)) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
        .else
        pushq   $0
        .endif
        pushq   $\vec
        jmp     trap_common
        .endm

        .set    vec, 0
        .rept   256
        vector_stub %vec
        .set    vec, vec + 1
        .endr

        .macro stub_address vec
        .quad   stub_\vec
        .endm

        .section .rodata
        .align 8
        .globl x86_vector_stubs
x86_vector_stubs:
        .set    vec, 0
        .rept   256
        stub_address %vec
        .set    vec, vec + 1
        .endr

        .text
        .align 16
trap_common:
        cld
        pushq   %rdi
        pushq   %rsi
        pushq   %rdx
        pushq   %rcx
        pushq   %rax
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        mov     %rsp, %rdi
        call    x86_trap
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rax
        popq    %rcx
        popq    %rdx
        popq    %rsi
        popq    %rdi
        add     $16, %rsp                       /* vector, error code */
        iretq

/* void arch_context_switch(struct arch_vcpu *prev, struct arch_vcpu *next) */
        .globl arch_context_switch
        .type arch_context_switch, @function
arch_context_switch:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        mov     %rsp, 0(%rdi)
        mov     0(%rsi), %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size arch_context_switch, . - arch_context_switch

/* First run of a thread: rsp is 16-byte aligned here. */
        .globl x86_thread_trampoline
        .type x86_thread_trampoline, @function
x86_thread_trampoline:
        xor     %ebp, %ebp
        mov     %r13, %rdi
        sti
        call    *%r12
        mov     %r12, %rdi
        call    x86_thread_returned
        ud2
        .size x86_thread_trampoline, . - x86_thread_trampoline

        .section .note.GNU-stack, "", @progbits
