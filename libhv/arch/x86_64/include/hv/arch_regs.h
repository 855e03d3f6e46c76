/*
 * <hv/arch_regs.h>: the x86_64 register frame, as the port's exception and
 * interrupt entry code saves it on the stack.
 *
 * The layout is the one the entry stubs (src/entry.S) build: the general
 * registers pushed by software, then the vector and error code, then the
 * five words the CPU pushes on an interrupt (rip, cs, rflags, rsp, ss).
 * Xen's struct cpu_user_regs has the same order, because it is the natural
 * one; a PV64 guest vCPU will keep its whole user-visible state in one of
 * these (struct arch_vcpu, field `guest`), written on every entry from the
 * guest and read back by the return path.
 */
#ifndef HV_ARCH_REGS_H
#define HV_ARCH_REGS_H

#include <hv/base.h>

HV_EXTERN_C_BEGIN

struct x86_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx;    /* callee-saved */
    uint64_t r11, r10, r9, r8, rax, rcx, rdx; /* caller-saved */
    uint64_t rsi, rdi;
    uint64_t vector;     /* 0..255, pushed by the entry stub */
    uint64_t error_code; /* from the CPU, or 0 for vectors without one */
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Offsets used by the assembly code; checked against the structure. */
#define X86_REGS_VECTOR 120
#define X86_REGS_SIZE   176
HV_STATIC_ASSERT(offsetof(struct x86_regs, vector) == X86_REGS_VECTOR,
                 "entry.S frame layout");
HV_STATIC_ASSERT(sizeof(struct x86_regs) == X86_REGS_SIZE,
                 "entry.S frame layout");

/* Exception vectors with a name (0..31); NULL for reserved ones. */
const char *x86_exception_name(unsigned int vector);

/*
 * Print a trap frame: vector, error code, every register, CR2 for a page
 * fault, CR0/CR3/CR4, and a frame-pointer backtrace starting at the
 * frame's rbp. Used by the exception handler; any context.
 */
void x86_dump_regs(const struct x86_regs *r);

HV_EXTERN_C_END

#endif /* HV_ARCH_REGS_H */
