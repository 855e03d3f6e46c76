/*
 * <hv/a64_guest.h>: a first EL1 guest of the AArch64 port, in its own
 * stage-2 address space. Port-specific (recipes for aarch64 only); the
 * core sees the guest's vCPU as an ordinary thread that happens to spend
 * its time at EL1.
 *
 * Model. The guest's memory is `size` bytes of hypervisor memory (any
 * page-aligned buffer the caller owns, at most 2 MiB), mapped at guest
 * physical (IPA) 0 by a three-level stage-2 table inside struct
 * a64_guest (4 KiB pages, normal write-back memory, read/write/execute);
 * nothing else is mapped, so a guest access anywhere else takes a stage-2
 * abort to EL2. The image is copied to IPA 0 and entered there at EL1h,
 * MMU off, interrupts masked, with SP_EL1 at the top of its memory.
 *
 * From the guest's vCPU thread, a64_guest_run() enters EL1 and never
 * returns: the thread's stack keeps one exception frame that every trap
 * from the guest reuses. HVC #0xEA1 is a hypercall, Xen's ARM convention:
 * number in x16, arguments in x0-x5, result in x0. Allowed today, because
 * their arguments are not guest addresses or are translated here:
 * console_io(CONSOLEIO_write, len, IPA of buffer) (at most 256 bytes per
 * call), sched_op(yield | block), set_timer_op(deadline in ns of the
 * hypervisor's clock). Any other number returns HV_ENOSYS. The guest reads
 * the time from the virtual counter (CNTVCT_EL0, with CNTVOFF_EL2 making
 * it count from the hypervisor's boot; CNTFRQ_EL0 gives the rate). Any
 * other exception from the guest -- a stage-2 abort, an undefined
 * instruction, SMC -- prints the guest's state (ESR, ELR, FAR, HPFAR)
 * and halts that vCPU through hv_fault_contain(); the rest runs on.
 * Physical interrupts while the guest runs are taken at EL2 (the
 * scheduler preempts guests as it does threads).
 *
 * Events. a64_guest_map_shared() maps the domain's shared_info page into
 * the guest (Xen's 2-level event channels: the guest reads and clears
 * vcpu_info's evtchn_upcall_pending, the pending selector and the pending
 * bitmap itself, as a PV guest does) and names the vCPU's vcpu_info. Before
 * every return to the guest, the port asserts the virtual IRQ line
 * (HCR_EL2.VI) when evtchn_upcall_pending is set and evtchn_upcall_mask is
 * not, and drops it otherwise: the line is re-evaluated at every trap, so
 * a guest's handler clears evtchn_upcall_pending and then makes a
 * hypercall (or waits for the next trap, at the latest the next timer
 * tick). A vCPU blocked in SCHEDOP_block is woken by the event as any
 * vCPU is, and takes the interrupt right after the hvc.
 *
 * Guest memory is Normal write-back even with the guest's MMU off
 * (HCR_EL2.DC), so its atomics on the shared page behave.
 *
 * Not yet: a virtual GIC (the one virtual IRQ line is the event upcall),
 * the guest's own MMU (only SCTLR/SP/ELR/SPSR/VBAR/ESR/FAR/PAR of EL1 are
 * switched), more than 2 MiB of guest memory, SMP guests.
 */
#ifndef HV_A64_GUEST_H
#define HV_A64_GUEST_H

#include <hv/abi/xen.h>
#include <hv/base.h>

HV_EXTERN_C_BEGIN

#define A64_GUEST_MAX_SIZE (2u << 20)
#define A64_GUEST_HVC_IMM  0xea1u /* Xen's hypercall immediate */

struct a64_guest {
    uint64_t s2_l1[512] HV_ALIGNED(4096); /* stage-2 tables */
    uint64_t s2_l2[512] HV_ALIGNED(4096);
    uint64_t s2_l3[512] HV_ALIGNED(4096);
    uint64_t vttbr;
    uint64_t ram_pa, size; /* backing memory, bytes */
    /* EL1 state while another context runs */
    uint64_t sp_el1, elr_el1, spsr_el1, sctlr_el1, vbar_el1, esr_el1, far_el1,
        par_el1;
    uint64_t hypercalls;            /* hypercalls served */
    struct hv_vcpu_info *vcpu_info; /* event upcall state, or NULL */
    uint64_t virqs;                 /* returns with the virtual IRQ raised */
};

/*
 * a64_guest_init() - prepare guest `g` (caller-owned, lives as long as the
 * guest) with VMID `vmid` (1..255, one per guest) over `ram` (page
 * aligned, `size` a multiple of 4 KiB, 4 KiB..A64_GUEST_MAX_SIZE, never
 * used by anything else while the guest exists), holding a copy of
 * `image` (`image_size` <= size) at IPA 0; the rest is zeroed.
 * Return: HV_OK; HV_EINVAL for a bad argument (g untouched then).
 */
int a64_guest_init(struct a64_guest *g, unsigned int vmid, void *ram,
                   size_t size, const void *image, size_t image_size);

/*
 * a64_guest_map_shared() - map `page` (one page-aligned 4 KiB page of
 * hypervisor memory, the domain's shared_info) read/write at guest
 * physical `ipa` (page aligned, outside [0, size), below 2 MiB), and
 * deliver events whose upcall state is `vi` (inside that page) as the
 * virtual IRQ. Call after a64_guest_init(), before a64_guest_run().
 * Return: HV_OK; HV_EINVAL for a bad argument (nothing changed).
 */
int a64_guest_map_shared(struct a64_guest *g, uint64_t ipa, void *page,
                         struct hv_vcpu_info *vi);

/* a64_guest_run() - enter guest `g` at IPA 0 from its vCPU's thread. */
HV_NORETURN void a64_guest_run(struct a64_guest *g);

HV_EXTERN_C_END

#endif /* HV_A64_GUEST_H */
