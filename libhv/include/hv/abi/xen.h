/*
 * <hv/abi/xen.h>: the parts of Xen's public interface the libhv core
 * speaks: hypercall numbers, the multicall entry, sched_op, console_io,
 * xen_version, special domain ids, and the x86-64 layout of shared_info
 * and vcpu_info.
 *
 * Facts from xen/include/public/xen.h, sched.h, version.h and
 * arch-x86/xen.h, written anew. Values and layouts must never change:
 * guests depend on them. The static assertions at the bottom pin the
 * layouts to Xen's sizes and offsets for the x86-64 PV ABI.
 *
 * The PV memory interface (mmu_update, mmuext_op, update_va_mapping) is
 * here too; memory_op is in <hv/abi/memory.h>, grant tables in
 * <hv/abi/grant_table.h>, event channels in <hv/abi/event_channel.h> and
 * the x86-64 virtual layout and page-table bits in <hv/abi/arch-x86_64.h>.
 */
#ifndef HV_ABI_XEN_H
#define HV_ABI_XEN_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* ---- hypercall numbers (__HYPERVISOR_*) ---- */
#define HV_HYPERCALL_set_trap_table                0
#define HV_HYPERCALL_mmu_update                    1
#define HV_HYPERCALL_set_gdt                       2
#define HV_HYPERCALL_stack_switch                  3
#define HV_HYPERCALL_set_callbacks                 4
#define HV_HYPERCALL_fpu_taskswitch                5
#define HV_HYPERCALL_sched_op_compat               6
#define HV_HYPERCALL_platform_op                   7
#define HV_HYPERCALL_set_debugreg                  8
#define HV_HYPERCALL_get_debugreg                  9
#define HV_HYPERCALL_update_descriptor             10
#define HV_HYPERCALL_memory_op                     12
#define HV_HYPERCALL_multicall                     13
#define HV_HYPERCALL_update_va_mapping             14
#define HV_HYPERCALL_set_timer_op                  15
#define HV_HYPERCALL_event_channel_op_compat       16
#define HV_HYPERCALL_xen_version                   17
#define HV_HYPERCALL_console_io                    18
#define HV_HYPERCALL_physdev_op_compat             19
#define HV_HYPERCALL_grant_table_op                20
#define HV_HYPERCALL_vm_assist                     21
#define HV_HYPERCALL_update_va_mapping_otherdomain 22
#define HV_HYPERCALL_iret                          23
#define HV_HYPERCALL_vcpu_op                       24
#define HV_HYPERCALL_set_segment_base              25
#define HV_HYPERCALL_mmuext_op                     26
#define HV_HYPERCALL_xsm_op                        27
#define HV_HYPERCALL_nmi_op                        28
#define HV_HYPERCALL_sched_op                      29
#define HV_HYPERCALL_callback_op                   30
#define HV_HYPERCALL_xenoprof_op                   31
#define HV_HYPERCALL_event_channel_op              32
#define HV_HYPERCALL_physdev_op                    33
#define HV_HYPERCALL_hvm_op                        34
#define HV_HYPERCALL_sysctl                        35
#define HV_HYPERCALL_domctl                        36

/* Size of the dispatch table: every number above fits. */
#define HV_HYPERCALL_COUNT 64

/* ---- special domain ids (DOMID_*) ---- */
#define HV_DOMID_FIRST_RESERVED 0x7FF0
#define HV_DOMID_SELF           0x7FF0 /* "the calling domain" */
#define HV_DOMID_IO             0x7FF1
#define HV_DOMID_XEN            0x7FF2 /* the hypervisor itself */
#define HV_DOMID_COW            0x7FF3
#define HV_DOMID_INVALID        0x7FF4
#define HV_DOMID_IDLE           0x7FFF

/* ---- multicall ---- */
struct hv_multicall_entry {
    uint64_t op;      /* hypercall number */
    int64_t result;   /* written by the hypervisor */
    uint64_t args[6]; /* the hypercall's arguments */
};

/* ---- sched_op (SCHEDOP_*) ---- */
#define HV_SCHEDOP_yield           0
#define HV_SCHEDOP_block           1
#define HV_SCHEDOP_shutdown        2
#define HV_SCHEDOP_poll            3
#define HV_SCHEDOP_remote_shutdown 4
#define HV_SCHEDOP_shutdown_code   5
#define HV_SCHEDOP_watchdog        6

struct hv_sched_shutdown {
    uint32_t reason; /* HV_SHUTDOWN_* */
};

#define HV_SHUTDOWN_poweroff 0
#define HV_SHUTDOWN_reboot   1
#define HV_SHUTDOWN_suspend  2
#define HV_SHUTDOWN_crash    3
#define HV_SHUTDOWN_watchdog 4

/* ---- console_io (CONSOLEIO_*) ---- */
#define HV_CONSOLEIO_write 0
#define HV_CONSOLEIO_read  1

/* ---- xen_version (XENVER_*) ---- */
#define HV_XENVER_version      0
#define HV_XENVER_extraversion 1
#define HV_XENVER_get_features 6
#define HV_XENVER_pagesize     7

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

/* ---- shared memory with a PV guest (x86-64 layout) ---- */

#define HV_LEGACY_MAX_VCPUS 32

struct hv_vcpu_time_info {
    uint32_t version; /* odd while the hypervisor updates the record */
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since boot at the last update */
    uint32_t tsc_to_system_mul; /* ns = ((tsc - stamp) << shift) * mul >> 32 */
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};

struct hv_arch_vcpu_info {
    uint64_t cr2;
    uint64_t pad;
};

struct hv_vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad_[6];
    uint64_t evtchn_pending_sel;
    struct hv_arch_vcpu_info arch;
    struct hv_vcpu_time_info time;
};

struct hv_arch_shared_info {
    uint64_t max_pfn;
    uint64_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};

struct hv_shared_info {
    struct hv_vcpu_info vcpu_info[HV_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct hv_arch_shared_info arch;
};

HV_STATIC_ASSERT(sizeof(struct hv_multicall_entry) == 64, "multicall_entry");
HV_STATIC_ASSERT(sizeof(struct hv_mmu_update) == 16, "mmu_update");
HV_STATIC_ASSERT(sizeof(struct hv_mmuext_op) == 24, "mmuext_op");
HV_STATIC_ASSERT(sizeof(struct hv_vcpu_time_info) == 32, "vcpu_time_info");
HV_STATIC_ASSERT(sizeof(struct hv_vcpu_info) == 64, "vcpu_info");
HV_STATIC_ASSERT(offsetof(struct hv_vcpu_info, evtchn_pending_sel) == 8,
                 "vcpu_info.evtchn_pending_sel");
HV_STATIC_ASSERT(offsetof(struct hv_shared_info, evtchn_pending) == 2048,
                 "shared_info.evtchn_pending");
HV_STATIC_ASSERT(offsetof(struct hv_shared_info, evtchn_mask) == 2560,
                 "shared_info.evtchn_mask");
HV_STATIC_ASSERT(offsetof(struct hv_shared_info, wc_version) == 3072,
                 "shared_info.wc_version");

HV_EXTERN_C_END

#endif /* HV_ABI_XEN_H */
