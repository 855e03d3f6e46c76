/*
 * <hv/mm_abi.h>: the guest-visible numbers of the PV memory interface.
 *
 * Values are Xen's (xen/include/public/xen.h and memory.h, and the x86-64
 * page-table entry bits of the architecture), written anew with an HV_
 * prefix so that this header can sit beside Xen's own in a program that
 * includes both. They belong in libhv/include/hv/abi/ once the core grows
 * that directory; until then libhv-mm owns them here.
 *
 * The structures are the layouts a 64-bit PV guest passes to the
 * mmu_update and mmuext_op hypercalls; the core copies them from guest
 * memory and hands them to libhv-mm unchanged.
 */
#ifndef HV_MM_ABI_H
#define HV_MM_ABI_H

#include <hv/abi/xen.h>
#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* ---- mmu_update: the low 2 bits of `ptr` select the command ---- */
#define HV_MMU_NORMAL_PT_UPDATE       0 /* ptr = MA of a PTE, val = new PTE */
#define HV_MMU_MACHPHYS_UPDATE        1 /* ptr = MA of the frame, val = gpfn */
#define HV_MMU_PT_UPDATE_PRESERVE_AD  2 /* as NORMAL, keep hardware A/D bits */
#define HV_MMU_PT_UPDATE_NO_TRANSLATE 3 /* (HVM only in Xen; refused here) */
#define HV_MMU_CMD_MASK               3ULL

struct hv_mmu_update {
    uint64_t ptr; /* machine address | command */
    uint64_t val; /* new entry, or guest frame for MACHPHYS */
};

/* ---- mmuext_op commands ---- */
#define HV_MMUEXT_PIN_L1_TABLE       0
#define HV_MMUEXT_PIN_L2_TABLE       1
#define HV_MMUEXT_PIN_L3_TABLE       2
#define HV_MMUEXT_PIN_L4_TABLE       3
#define HV_MMUEXT_UNPIN_TABLE        4
#define HV_MMUEXT_NEW_BASEPTR        5
#define HV_MMUEXT_TLB_FLUSH_LOCAL    6
#define HV_MMUEXT_INVLPG_LOCAL       7
#define HV_MMUEXT_TLB_FLUSH_MULTI    8
#define HV_MMUEXT_INVLPG_MULTI       9
#define HV_MMUEXT_TLB_FLUSH_ALL      10
#define HV_MMUEXT_INVLPG_ALL         11
#define HV_MMUEXT_FLUSH_CACHE        12
#define HV_MMUEXT_SET_LDT            13
#define HV_MMUEXT_NEW_USER_BASEPTR   15
#define HV_MMUEXT_CLEAR_PAGE         16
#define HV_MMUEXT_COPY_PAGE          17
#define HV_MMUEXT_FLUSH_CACHE_GLOBAL 18
#define HV_MMUEXT_MARK_SUPER         19
#define HV_MMUEXT_UNMARK_SUPER       20

struct hv_mmuext_op {
    uint32_t cmd;
    uint32_t pad_; /* the 64-bit layout's natural padding */
    union {
        uint64_t mfn;         /* PIN_*, UNPIN, NEW_BASEPTR */
        uint64_t linear_addr; /* INVLPG_*, SET_LDT */
    } arg1;
    union {
        uint32_t nr_ents;  /* SET_LDT */
        uint64_t vcpumask; /* *_MULTI: guest pointer to a bitmap */
        uint64_t src_mfn;  /* COPY_PAGE */
    } arg2;
};

/* ---- update_va_mapping flags ---- */
#define HV_UVMF_NONE           0
#define HV_UVMF_TLB_FLUSH      1
#define HV_UVMF_INVLPG         2
#define HV_UVMF_FLUSHTYPE_MASK 3
#define HV_UVMF_MULTI          0
#define HV_UVMF_LOCAL          0
#define HV_UVMF_ALL            4

/* Special domain ids (HV_DOMID_*) are in <hv/abi/xen.h>. */

/* ---- memory_op (xen/include/public/memory.h) ---- */
#define HV_XENMEM_increase_reservation 0
#define HV_XENMEM_decrease_reservation 1
#define HV_XENMEM_populate_physmap     6
#define HV_XENMEM_exchange             11

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

#define HV_PT_ENTRIES 512

/* The virtual range reserved for the hypervisor: PML4 slots 256..271. */
#define HV_HYPERVISOR_VIRT_START 0xFFFF800000000000ULL
#define HV_HYPERVISOR_VIRT_END   0xFFFF880000000000ULL
#define HV_HYPERVISOR_L4_FIRST   256
#define HV_HYPERVISOR_L4_LAST    271

HV_EXTERN_C_END

#endif /* HV_MM_ABI_H */
