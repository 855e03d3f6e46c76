/*
 * <hv/hypercall.h>: the hypercall dispatch table.
 *
 * Hypercall numbers are Xen's (<hv/abi/xen.h>). A handler receives the
 * calling vCPU and the six argument registers and returns a value for the
 * guest's return register: >= 0 on success, a negative HV_E* on failure.
 * Unknown or unregistered numbers return HV_ENOSYS.
 *
 * Subsystems register their handlers at boot (hv_hypercall_register), so
 * an image that leaves a library out has no handler for its hypercalls
 * and does not link its code. The core registers multicall, sched_op,
 * set_timer_op, console_io and xen_version itself.
 *
 * Guest memory: an argument that is a guest address is read and written
 * only through hv_copy_from_guest / hv_copy_to_guest, which check it for
 * the calling vCPU. For orphan vCPUs (hypervisor threads) guest addresses
 * are hypervisor addresses.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/abi/xen.h>
#include <hv/base.h>

HV_EXTERN_C_BEGIN

struct hv_vcpu;

typedef long (*hv_hypercall_fn)(struct hv_vcpu *v, const uint64_t args[6]);

/* Most entries one multicall may carry (Xen preempts; we refuse). */
#define HV_MULTICALL_MAX 64

/*
 * hv_hypercall_register() - install `fn` for hypercall `nr`.
 * Return: HV_OK; HV_EINVAL for nr >= HV_HYPERCALL_COUNT or a NULL fn;
 * HV_EEXIST if a handler is already installed.
 */
int hv_hypercall_register(unsigned int nr, hv_hypercall_fn fn);

/* Remove the handler for `nr` (tests); HV_ENOENT when there was none. */
int hv_hypercall_unregister(unsigned int nr);

/* Register the core's own handlers. */
void hv_hypercall_init(void);

/*
 * hv_hypercall() - dispatch hypercall `nr` for vCPU `v`.
 * Return: the handler's result; HV_ENOSYS for an unknown number.
 */
long hv_hypercall(struct hv_vcpu *v, uint64_t nr, const uint64_t args[6]);

/* Convenience for orphan vCPUs: hv_hypercall with up to 6 arguments. */
long hv_hypercall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5);
#define hv_hypercall2(nr, a0, a1) hv_hypercall6((nr), (a0), (a1), 0, 0, 0, 0)
#define hv_hypercall3(nr, a0, a1, a2) \
    hv_hypercall6((nr), (a0), (a1), (a2), 0, 0, 0)

/*
 * Guest memory access for the calling vCPU.
 * Return: HV_OK; HV_EFAULT when the range is not the guest's to access.
 */
int hv_copy_from_guest(struct hv_vcpu *v, void *dst, uint64_t gaddr, size_t n);
int hv_copy_to_guest(struct hv_vcpu *v, uint64_t gaddr, const void *src,
                     size_t n);

HV_EXTERN_C_END

#endif /* HV_HYPERCALL_H */
