/*
 * <hv/a64_regs.h>: the AArch64 exception frame, as the port's vectors
 * (src/entry.S) save it on the EL2 stack before calling a64_trap().
 *
 * x0-x30, the stack pointer at the moment of the exception, ELR_EL2 and
 * SPSR_EL2 (restored by the return path, so a handler may change them),
 * then ESR_EL2 and FAR_EL2 (read for the report only) and the vector
 * slot number 0..15 (A64_VEC_*). The frame is a multiple of 16 bytes so
 * the C call runs on an aligned stack.
 */
#ifndef HV_A64_REGS_H
#define HV_A64_REGS_H

/* Vector slots: (source << 2) | kind. */
#define A64_VEC_KIND_SYNC   0
#define A64_VEC_KIND_IRQ    1
#define A64_VEC_KIND_FIQ    2
#define A64_VEC_KIND_SERROR 3
#define A64_VEC_SRC_EL2_SP0 0 /* current EL with SP_EL0 (never used) */
#define A64_VEC_SRC_EL2_SPX 1 /* current EL with SP_EL2 */
#define A64_VEC_SRC_LOWER64 2 /* lower EL, AArch64 */
#define A64_VEC_SRC_LOWER32 3 /* lower EL, AArch32 */

/* Frame offsets used by src/entry.S (checked below). */
#define A64_REGS_SP   248
#define A64_REGS_ELR  256
#define A64_REGS_SLOT 288
#define A64_REGS_SIZE 304

#ifndef __ASSEMBLER__
#include <hv/base.h>

HV_EXTERN_C_BEGIN

struct a64_regs {
    uint64_t x[31];
    uint64_t sp;   /* SP_EL2 before the exception */
    uint64_t elr;  /* ELR_EL2: where eret returns */
    uint64_t spsr; /* SPSR_EL2 */
    uint64_t esr;  /* ESR_EL2 (syndrome) */
    uint64_t far;  /* FAR_EL2 (faulting address of an abort) */
    uint64_t slot; /* vector slot, A64_VEC_* */
    uint64_t pad;
};

HV_STATIC_ASSERT(offsetof(struct a64_regs, sp) == A64_REGS_SP, "entry.S");
HV_STATIC_ASSERT(offsetof(struct a64_regs, elr) == A64_REGS_ELR, "entry.S");
HV_STATIC_ASSERT(offsetof(struct a64_regs, slot) == A64_REGS_SLOT, "entry.S");
HV_STATIC_ASSERT(sizeof(struct a64_regs) == A64_REGS_SIZE, "entry.S");

/*
 * Print an exception frame: slot, ESR with the exception class decoded,
 * ELR, FAR, SPSR, SP, x0-x30 and a frame-pointer backtrace from x29.
 * Any context.
 */
void a64_dump_regs(const struct a64_regs *r);

HV_EXTERN_C_END
#endif /* __ASSEMBLER__ */

#endif /* HV_A64_REGS_H */
