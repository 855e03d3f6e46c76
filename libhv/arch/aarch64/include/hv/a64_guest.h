/*
 * <hv/a64_guest.h>: a first EL1 guest of the AArch64 port, in its own
 * stage-2 address space. Port-specific (recipes for aarch64 only); the
 * core sees the guest's vCPU as an ordinary thread that happens to spend
 * its time at EL1.
 *
 * Model. The guest's memory is described by a stage-2 table tree that the
 * caller builds -- in the images, libhv-mm's builder (hv_mm_s2_*, frames
 * owned by the guest's domain in libhv-mm) -- in the one layout the port
 * programs into VTCR_EL2: 4 KiB granule, A64_GUEST_IPA_BITS (40) bits of
 * IPA, walks starting at level 1 with two concatenated level-1 tables, so
 * the root is 8 KiB, 8 KiB aligned (T0SZ = 24, SL0 = 1, PS = 40 bits).
 * The port never reads or writes those tables: it loads VTTBR_EL2 = root
 * | VMID << 48 and reaches guest memory only through the caller's
 * copy_from op. A guest access to an IPA the tree does not map (or maps
 * without the right permission) takes a stage-2 abort to EL2. The guest is
 * entered at IPA 0 at EL1h, MMU off, interrupts masked, with SP_EL1 =
 * `sp`.
 *
 * From the guest's vCPU thread, a64_guest_run() enters EL1 and never
 * returns: the thread's stack keeps one exception frame that every trap
 * from the guest reuses. HVC #0xEA1 is a hypercall, Xen's ARM convention:
 * number in x16, arguments in x0-x5, result in x0. Allowed today, because
 * their arguments are not guest addresses or are translated here:
 * console_io(CONSOLEIO_write, len, IPA of buffer) (at most 256 bytes per
 * call, copied out through ops->copy_from), sched_op(yield | block),
 * set_timer_op(deadline in ns of the hypervisor's clock). Any other number
 * returns HV_ENOSYS.
 *
 * Time. The guest reads the virtual counter (CNTVCT_EL0, with CNTVOFF_EL2
 * making it count from the hypervisor's boot; CNTFRQ_EL0 gives the rate),
 * as Xen ARM guests do. A guest with a shared page (a64_guest_set_upcall)
 * may also ask its vcpu_info's vcpu_time_info, Xen's x86 PV record, which
 * the port refreshes on entry at most once per millisecond: system_time
 * (ns) and tsc_timestamp (the counter) taken at the same instant, so ns
 * now = system_time + ((counter - tsc_timestamp) << tsc_shift) *
 * tsc_to_system_mul >> 32 (a right shift when tsc_shift is negative); the
 * version is odd while the record changes.
 *
 * Faults. Any other exception from the guest -- a stage-2 abort, an
 * undefined instruction, SMC -- prints the guest's state (ESR, ELR, FAR,
 * HPFAR), calls ops->halted() (the caller tears the guest's memory down),
 * flushes the VMID's TLB entries and halts that vCPU through
 * hv_fault_contain(); the rest runs on. Physical interrupts while the
 * guest runs are taken at EL2 (the scheduler preempts guests as it does
 * threads).
 *
 * Events. a64_guest_set_upcall() names the vCPU's vcpu_info, inside the
 * domain's shared_info page, which the caller maps into the guest (Xen's
 * 2-level event channels: the guest reads and clears vcpu_info's
 * evtchn_upcall_pending, the pending selector and the pending bitmap
 * itself, as a PV guest does). Before every return to the guest, the port
 * asserts the virtual IRQ line (HCR_EL2.VI) when evtchn_upcall_pending is
 * set and evtchn_upcall_mask is not, and drops it otherwise: the line is
 * re-evaluated at every trap, so a guest's handler clears
 * evtchn_upcall_pending and then makes a hypercall (or waits for the next
 * trap, at the latest the next timer tick). A vCPU blocked in
 * SCHEDOP_block is woken by the event as any vCPU is, and takes the
 * interrupt right after the hvc.
 *
 * Guest memory is Normal write-back even with the guest's MMU off
 * (HCR_EL2.DC), so its atomics on the shared page behave.
 *
 * Not yet: a virtual GIC (the one virtual IRQ line is the event upcall),
 * the guest's own MMU (only SCTLR/SP/ELR/SPSR/VBAR/ESR/FAR/PAR of EL1 are
 * switched), SMP guests.
 */
#ifndef HV_A64_GUEST_H
#define HV_A64_GUEST_H

#include <hv/abi/xen.h>
#include <hv/base.h>

HV_EXTERN_C_BEGIN

#define A64_GUEST_IPA_BITS 40     /* VTCR_EL2.T0SZ = 64 - 40 */
#define A64_GUEST_HVC_IMM  0xea1u /* Xen's hypercall immediate */

/* The caller's view of a guest's memory (its stage-2 builder). */
struct a64_guest_mem_ops {
    /*
     * Required. Copy `n` bytes (1..256) at guest physical `ipa` into
     * `dst`, through the guest's stage-2 view: every page of the range
     * must be mapped readable. Return: true when copied, false (dst
     * unspecified) when any part is not. Called from the guest's trap
     * handler with interrupts masked.
     */
    bool (*copy_from)(void *ctx, void *dst, uint64_t ipa, size_t n);
    /*
     * Optional. The guest faulted and will never run again: release its
     * memory (the stage-2 tree and the frames). Called once, with
     * interrupts masked, before its vCPU is halted; the port then
     * invalidates the VMID's TLB entries (TLBI VMALLS12E1IS) and never
     * loads the root again.
     */
    void (*halted)(void *ctx);
};

struct a64_guest {
    uint64_t vttbr; /* root | VMID << 48; 0 once halted */
    const struct a64_guest_mem_ops *ops;
    void *ops_ctx;
    /* EL1 state while another context runs */
    uint64_t sp_el1, elr_el1, spsr_el1, sctlr_el1, vbar_el1, esr_el1, far_el1,
        par_el1;
    uint64_t hypercalls;            /* hypercalls served */
    struct hv_vcpu_info *vcpu_info; /* event upcall state, or NULL */
    uint64_t virqs;                 /* returns with the virtual IRQ raised */
    uint32_t time_mul;              /* vcpu_time_info's scale, ticks -> ns */
    int8_t time_shift;
    bool time_stamped;     /* the record was written at least once */
    uint64_t time_stamp;   /* counter ticks of the last refresh */
    uint64_t time_refresh; /* refresh after this many ticks (1 ms) */
};

/*
 * a64_guest_init() - prepare guest `g` (caller-owned, lives as long as the
 * guest) with VMID `vmid` (1..255, one per live guest) whose stage-2 tree
 * has its root at machine address `s2_root` (8 KiB aligned, below 2^40,
 * the layout above; it must stay valid until ops->halted or for ever),
 * entered at IPA 0 with SP_EL1 = `sp` (16-byte aligned), reaching guest
 * memory through `ops` (copy_from required) with `ctx`.
 * Return: HV_OK; HV_EINVAL for a bad argument (g untouched then).
 */
int a64_guest_init(struct a64_guest *g, unsigned int vmid, uint64_t s2_root,
                   uint64_t sp, const struct a64_guest_mem_ops *ops, void *ctx);

/*
 * a64_guest_set_upcall() - deliver events whose upcall state is `vi` (the
 * vCPU's vcpu_info in its domain's shared_info, which the caller maps
 * into the guest) as the virtual IRQ, and keep vi->time current. Call
 * before a64_guest_run().
 * Return: HV_OK; HV_EINVAL for NULL (nothing changed).
 */
int a64_guest_set_upcall(struct a64_guest *g, struct hv_vcpu_info *vi);

/* a64_guest_run() - enter guest `g` at IPA 0 from its vCPU's thread. */
HV_NORETURN void a64_guest_run(struct a64_guest *g);

HV_EXTERN_C_END

#endif /* HV_A64_GUEST_H */
