/*
 * <hv/arch_types.h> of the AArch64 port: the architecture part of a vCPU
 * and the port's name.
 *
 * A vCPU today is a hypervisor thread running at EL2 (Xvisor's orphan
 * vCPU). While it is switched out, struct arch_vcpu holds what the AAPCS64
 * says survives a call -- x19-x28, the frame pointer x29, the link
 * register x30 and sp -- plus DAIF, the interrupt masks
 * (arch_context_switch in src/entry.S stores and loads these fields
 * directly; nothing is pushed on the thread's stack). A thread's first run
 * "returns" to a trampoline (lr) that unmasks IRQs and calls entry(arg);
 * entry and arg travel in the x19 and x20 slots.
 *
 * EL1 guests (<hv/a64_guest.h>) keep their registers in an exception
 * frame on their thread's stack and their EL1 and stage-2 state in a
 * struct a64_guest, so this context is the same for them; `flags` is
 * reserved for when the core owns guest state itself.
 */
#ifndef HV_ARCH_TYPES_H
#define HV_ARCH_TYPES_H

#include <hv/a64_regs.h>
#include <hv/base.h>

HV_EXTERN_C_BEGIN

#define HV_ARCH_NAME "aarch64"

/* struct arch_vcpu.flags */
#define ARCH_VCPU_GUEST 0x1u /* reserved: core-owned guest state */

struct arch_vcpu {
    uint64_t x19_x28[10]; /* callee-saved general registers */
    uint64_t fp;          /* x29 */
    uint64_t lr;          /* x30: where arch_context_switch returns */
    uint64_t sp;
    uint64_t daif;  /* PSTATE.{D,A,I,F} as read by `mrs daif` */
    uint32_t flags; /* ARCH_VCPU_* */
    uint32_t reserved0;
};

/* src/entry.S uses these offsets. */
HV_STATIC_ASSERT(offsetof(struct arch_vcpu, fp) == 80, "entry.S layout");
HV_STATIC_ASSERT(offsetof(struct arch_vcpu, sp) == 96, "entry.S layout");
HV_STATIC_ASSERT(offsetof(struct arch_vcpu, daif) == 104, "entry.S layout");

HV_EXTERN_C_END

#endif /* HV_ARCH_TYPES_H */
