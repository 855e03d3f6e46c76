/*
 * <hv/abi/memory.h>: the memory_op hypercall's sub-commands and argument
 * layouts, as a 64-bit PV guest passes them.
 *
 * Facts from xen/include/public/memory.h, written anew. A guest handle is
 * a 64-bit guest virtual address on x86-64, so it is a uint64_t here; the
 * core copies each structure in from guest memory and hands the fields to
 * libhv-mm (hv_mm_increase_reservation() and its siblings), which never
 * reads guest memory itself. The static assertions pin the layouts to
 * Xen's sizes and offsets.
 */
#ifndef HV_ABI_MEMORY_H
#define HV_ABI_MEMORY_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* ---- memory_op sub-commands (XENMEM_*) ---- */
#define HV_XENMEM_increase_reservation 0
#define HV_XENMEM_decrease_reservation 1
#define HV_XENMEM_maximum_ram_page     2
#define HV_XENMEM_current_reservation  3
#define HV_XENMEM_maximum_reservation  4
#define HV_XENMEM_machphys_mfn_list    5
#define HV_XENMEM_populate_physmap     6
#define HV_XENMEM_add_to_physmap       7
#define HV_XENMEM_memory_map           9
#define HV_XENMEM_machine_memory_map   10
#define HV_XENMEM_exchange             11
#define HV_XENMEM_machphys_mapping     12
#define HV_XENMEM_set_memory_map       13
#define HV_XENMEM_maximum_gpfn         14

/*
 * The argument of increase_reservation, decrease_reservation and
 * populate_physmap: nr_extents extents of 2^extent_order frames each,
 * whose frame numbers are read from or written to the guest array at
 * extent_start.
 */
struct hv_xen_memory_reservation {
    uint64_t extent_start; /* guest handle: array of frame numbers */
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags; /* low 8 bits: address_bits (0 = no limit) */
    uint16_t domid;     /* HV_DOMID_SELF, or a domain the caller controls */
    uint16_t pad_[3];
};

/* XENMEMF_address_bits: the highest address a new frame may have. */
#define HV_XENMEMF_address_bits(flags) ((flags)&0xffu)

/* exchange: give back `in`, receive `out` (the same amount of memory). */
struct hv_xen_memory_exchange {
    struct hv_xen_memory_reservation in;
    struct hv_xen_memory_reservation out;
    uint64_t nr_exchanged; /* out: input extents done (partial progress) */
};

/* machphys_mfn_list: the frames backing the read-only M2P table. */
struct hv_xen_machphys_mfn_list {
    uint32_t max_extents;
    uint32_t pad_;
    uint64_t extent_start; /* guest handle: array of frame numbers */
    uint32_t nr_extents;   /* out */
    uint32_t pad1_;
};

/* machphys_mapping: where the M2P table is mapped in every guest. */
struct hv_xen_machphys_mapping {
    uint64_t v_start, v_end; /* virtual range */
    uint64_t max_mfn;        /* highest frame it covers */
};

/* memory_map / machine_memory_map / set_memory_map: an E820 table. */
struct hv_xen_memory_map {
    uint32_t nr_entries; /* in: room in buffer; out: entries written */
    uint32_t pad_;
    uint64_t buffer; /* guest handle: E820 entries of 20 bytes */
};

/* add_to_physmap: map a hypervisor page (shared_info, grant frame). */
#define HV_XENMAPSPACE_shared_info 0
#define HV_XENMAPSPACE_grant_table 1
#define HV_XENMAPSPACE_gmfn        2

struct hv_xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;  /* gmfn_range only */
    uint32_t space; /* HV_XENMAPSPACE_* */
    uint64_t idx;   /* index within the space */
    uint64_t gpfn;  /* where it appears in the guest's physical map */
};

HV_STATIC_ASSERT(sizeof(struct hv_xen_memory_reservation) == 32,
                 "xen_memory_reservation");
HV_STATIC_ASSERT(offsetof(struct hv_xen_memory_reservation, domid) == 24,
                 "xen_memory_reservation.domid");
HV_STATIC_ASSERT(sizeof(struct hv_xen_memory_exchange) == 72,
                 "xen_memory_exchange");
HV_STATIC_ASSERT(sizeof(struct hv_xen_machphys_mfn_list) == 24,
                 "xen_machphys_mfn_list");
HV_STATIC_ASSERT(sizeof(struct hv_xen_machphys_mapping) == 24,
                 "xen_machphys_mapping");
HV_STATIC_ASSERT(sizeof(struct hv_xen_memory_map) == 16, "xen_memory_map");
HV_STATIC_ASSERT(sizeof(struct hv_xen_add_to_physmap) == 24,
                 "xen_add_to_physmap");

HV_EXTERN_C_END

#endif /* HV_ABI_MEMORY_H */
