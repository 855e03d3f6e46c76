/*
 * <hv/arch_types.h> of the x86_64 port: the architecture part of a vCPU and
 * the port's name.
 *
 * A vCPU today is a hypervisor thread (Xvisor's orphan vCPU): it has a
 * stack of its own and, while switched out, its callee-saved registers are
 * pushed on that stack and `rsp` below is all that is needed to resume it
 * (arch_context_switch, src/switch.S). A thread's first run starts at a
 * trampoline that enables interrupts and calls entry(arg) (the entry and its
 * argument travel in the initial r12 and r13 slots of that stack).
 *
 * Room for deprivileged PV64 guests (Xen's model), not used yet: such a vCPU
 * also owns a full register frame (`guest`, saved by the entry path when the
 * guest traps or makes a hypercall and restored by the return path), the
 * guest's page-table root (`cr3`, a machine address, loaded on switch-in
 * when the vCPU is a guest's), the guest kernel's stack pointer and segment
 * (`kernel_sp`, `kernel_ss`: where a guest kernel's stack is when an event
 * is delivered while it runs in user mode, Xen's stack_switch hypercall) and
 * the FS/GS bases. `flags` says which of these are live; with
 * ARCH_VCPU_GUEST clear they are ignored and the vCPU is a pure hypervisor
 * thread. arch_vcpu_init_thread zeroes all of them.
 */
#ifndef HV_ARCH_TYPES_H
#define HV_ARCH_TYPES_H

#include <hv/arch_regs.h>
#include <hv/base.h>

HV_EXTERN_C_BEGIN

#define HV_ARCH_NAME "x86_64"

/* struct arch_vcpu.flags */
#define ARCH_VCPU_GUEST 0x1u /* guest state below is live (not yet used) */

struct arch_vcpu {
    /* Hypervisor stack pointer while switched out (callee-saved registers
     * and the return address are on that stack). */
    uint64_t rsp;
    uint32_t flags; /* ARCH_VCPU_* */
    uint32_t reserved0;
    /* ---- PV64 guest state, live only with ARCH_VCPU_GUEST ---- */
    struct x86_regs guest; /* the guest's registers at its last entry */
    uint64_t cr3;          /* machine address of the guest's PML4 */
    uint64_t kernel_sp;    /* guest kernel stack (stack_switch) */
    uint64_t kernel_ss;
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};

/* entry.S's arch_context_switch reads and writes rsp at offset 0. */
HV_STATIC_ASSERT(offsetof(struct arch_vcpu, rsp) == 0, "entry.S uses rsp at 0");

HV_EXTERN_C_END

#endif /* HV_ARCH_TYPES_H */
