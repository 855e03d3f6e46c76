/*
 * Fixed limits of libhv, in one place (as xv6's param.h).
 *
 * Libraries size their tables from these or from their caller's arguments;
 * nothing else in the tree hard-codes a limit. Values that are part of the
 * guest ABI (page size, event-channel counts) follow Xen's.
 */
#ifndef HV_PARAM_H
#define HV_PARAM_H

/* Page and frame size on every supported architecture: 4 KiB. */
#define HV_PAGE_SHIFT 12
#define HV_PAGE_SIZE  (1UL << HV_PAGE_SHIFT)
#define HV_PAGE_MASK  (~(HV_PAGE_SIZE - 1))

/* Physical CPUs a hypervisor image may drive. */
#define HV_MAX_CPUS 64

/* Domains alive at once (domain ids 0 .. HV_MAX_DOMAINS - 1). */
#define HV_MAX_DOMAINS 256

/* vCPUs per domain (Xen's legacy shared_info holds 32 vcpu_info slots). */
#define HV_MAX_VCPUS_PER_DOMAIN 32

/* Longest line the console keeps, including the NUL. */
#define HV_CONSOLE_LINE_MAX 256

#endif /* HV_PARAM_H */
