/*
 * <hv/abi/arch-x86_64.h>: the x86-64 facts a 64-bit PV guest relies on:
 * the virtual range the hypervisor keeps for itself, where the read-only
 * machine-to-physical table appears in every guest, and the page-table
 * entry bits the guest writes through mmu_update.
 *
 * Facts from xen/include/public/arch-x86/xen-x86_64.h and the x86-64
 * paging architecture, written anew. The hypervisor's own layout inside
 * its range (image, direct map, frame table) is the port's
 * (docs/arch-x86_64.md); only the range's bounds are ABI.
 */
#ifndef HV_ABI_ARCH_X86_64_H
#define HV_ABI_ARCH_X86_64_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* The virtual range reserved for the hypervisor: PML4 slots 256..271. */
#define HV_HYPERVISOR_VIRT_START 0xFFFF800000000000ULL
#define HV_HYPERVISOR_VIRT_END   0xFFFF880000000000ULL
#define HV_HYPERVISOR_L4_FIRST   256
#define HV_HYPERVISOR_L4_LAST    271

/* The read-only M2P table, at the start of that range (256 GiB). */
#define HV_MACH2PHYS_VIRT_START 0xFFFF800000000000ULL
#define HV_MACH2PHYS_VIRT_END   0xFFFF804000000000ULL

/* ---- x86-64 page-table entry bits (architectural) ---- */
#define HV_PAGE_PRESENT  0x001ULL
#define HV_PAGE_RW       0x002ULL
#define HV_PAGE_USER     0x004ULL
#define HV_PAGE_PWT      0x008ULL
#define HV_PAGE_PCD      0x010ULL
#define HV_PAGE_ACCESSED 0x020ULL
#define HV_PAGE_DIRTY    0x040ULL
#define HV_PAGE_PAT      0x080ULL /* in an L1 entry */
#define HV_PAGE_PSE      0x080ULL /* in an L2/L3 entry: superpage */
#define HV_PAGE_GLOBAL   0x100ULL
#define HV_PAGE_AVAIL    0xE00ULL
#define HV_PAGE_NX       (1ULL << 63)

/* Address bits of an entry (bits 12..51). */
#define HV_PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL
/* Bits 52..62: ignored by hardware, refused by Xen and by libhv. */
#define HV_PTE_HIGH_MASK 0x7FF0000000000000ULL

/* Entries in one table of any level. */
#define HV_PT_ENTRIES 512

HV_EXTERN_C_END

#endif /* HV_ABI_ARCH_X86_64_H */
