/*
 * <hv/abi/grant_table.h>: the guest-visible grant-table interface.
 *
 * Facts from xen/include/public/grant_table.h, written anew: the
 * GNTTABOP_* sub-commands of the grant_table_op hypercall, the flags of a
 * version-1 grant entry (GTF_*), the map and copy flags, the GNTST_*
 * status codes, and the x86-64 layouts of the entry and of every
 * sub-command's argument. libhv-gnttab (<hv/gnttab.h>) implements them.
 * Version 2 entries and transitive grants are named only so that they can
 * be refused.
 */
#ifndef HV_ABI_GRANT_TABLE_H
#define HV_ABI_GRANT_TABLE_H

#include <hv/param.h>
#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* GNTTABOP_* sub-commands of the grant_table_op hypercall. */
#define HV_GNTTABOP_map_grant_ref     0
#define HV_GNTTABOP_unmap_grant_ref   1
#define HV_GNTTABOP_setup_table       2
#define HV_GNTTABOP_dump_table        3
#define HV_GNTTABOP_transfer          4
#define HV_GNTTABOP_copy              5
#define HV_GNTTABOP_query_size        6
#define HV_GNTTABOP_unmap_and_replace 7
#define HV_GNTTABOP_set_version       8
#define HV_GNTTABOP_get_status_frames 9
#define HV_GNTTABOP_get_version       10
#define HV_GNTTABOP_swap_grant_ref    11
#define HV_GNTTABOP_cache_flush       12

/* Entry type, the low two bits of an entry's flags. */
#define HV_GTF_invalid         0x0000u
#define HV_GTF_permit_access   0x0001u /* map / copy, frame given */
#define HV_GTF_accept_transfer 0x0002u /* a frame may be given to us here */
#define HV_GTF_transitive      0x0003u /* v2 only: refused */
#define HV_GTF_type_mask       0x0003u
/* permit_access entries: */
#define HV_GTF_readonly 0x0004u /* granter: no writable use */
#define HV_GTF_reading  0x0008u /* hypervisor: in use (mapped or copying) */
#define HV_GTF_writing  0x0010u /* hypervisor: in writable use */
#define HV_GTF_PWT      0x0020u
#define HV_GTF_PCD      0x0040u
#define HV_GTF_PAT      0x0080u
#define HV_GTF_sub_page 0x0100u /* v2 only */
/* accept_transfer entries: */
#define HV_GTF_transfer_committed 0x0004u /* hypervisor: transfer under way */
#define HV_GTF_transfer_completed 0x0008u /* hypervisor: frame field valid */

/* map_grant_ref flags. */
#define HV_GNTMAP_device_map      0x01u
#define HV_GNTMAP_host_map        0x02u
#define HV_GNTMAP_readonly        0x04u
#define HV_GNTMAP_application_map 0x08u
#define HV_GNTMAP_contains_pte    0x10u

/* copy flags: which side is named by grant reference. */
#define HV_GNTCOPY_source_gref 0x01u
#define HV_GNTCOPY_dest_gref   0x02u

/* GNTST_* status values. */
#define HV_GNTST_okay              0
#define HV_GNTST_general_error     (-1)
#define HV_GNTST_bad_domain        (-2)
#define HV_GNTST_bad_gntref        (-3)
#define HV_GNTST_bad_handle        (-4)
#define HV_GNTST_bad_virt_addr     (-5)
#define HV_GNTST_bad_dev_addr      (-6)
#define HV_GNTST_no_device_space   (-7)
#define HV_GNTST_permission_denied (-8)
#define HV_GNTST_bad_page          (-9)
#define HV_GNTST_bad_copy_arg      (-10)
#define HV_GNTST_address_too_big   (-11)
#define HV_GNTST_eagain            (-12)
#define HV_GNTST_no_space          (-13)

typedef uint32_t hv_grant_ref_t;
typedef uint32_t hv_grant_handle_t;

/* A version-1 grant entry, as the guest writes it. */
struct hv_grant_entry_v1 {
    uint16_t flags; /* HV_GTF_* */
    uint16_t domid; /* the domain the grant is for */
    uint32_t frame; /* frame granted (PV: machine frame; translated: gfn) */
};

#define HV_GNTTAB_ENTRIES_PER_FRAME \
    (HV_PAGE_SIZE / sizeof(struct hv_grant_entry_v1))

struct hv_gnttab_map_grant_ref {
    uint64_t host_addr;       /* in: where the caller maps it */
    uint32_t flags;           /* in: HV_GNTMAP_* */
    hv_grant_ref_t ref;       /* in */
    uint16_t dom;             /* in: granting domain */
    int16_t status;           /* out: HV_GNTST_* */
    hv_grant_handle_t handle; /* out */
    uint64_t dev_bus_addr;    /* out: machine address of the frame */
};

struct hv_gnttab_unmap_grant_ref {
    uint64_t host_addr;       /* in: as mapped */
    uint64_t dev_bus_addr;    /* in: 0, or as returned by the map */
    hv_grant_handle_t handle; /* in */
    int16_t status;           /* out */
    uint16_t pad;
};

struct hv_gnttab_setup_table {
    uint16_t dom; /* in */
    uint16_t pad0;
    uint32_t nr_frames; /* in */
    int16_t status;     /* out */
    uint16_t pad1[3];
    uint64_t frame_list; /* in: guest handle of the output list */
};

struct hv_gnttab_transfer {
    uint64_t mfn;   /* in: frame given (translated: gfn) */
    uint16_t domid; /* in: receiving domain */
    uint16_t pad0;
    hv_grant_ref_t ref; /* in: its accept_transfer entry */
    int16_t status;     /* out */
    uint16_t pad1[3];
};

struct hv_gnttab_copy_ptr {
    union {
        hv_grant_ref_t ref; /* GNTCOPY_*_gref set */
        uint64_t gmfn;      /* otherwise: the caller's own frame */
    } u;
    uint16_t domid;
    uint16_t offset;
    uint32_t pad;
};

struct hv_gnttab_copy {
    struct hv_gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags; /* HV_GNTCOPY_* */
    int16_t status; /* out */
    uint16_t pad;
};

struct hv_gnttab_query_size {
    uint16_t dom; /* in */
    uint16_t pad;
    uint32_t nr_frames;     /* out */
    uint32_t max_nr_frames; /* out */
    int16_t status;         /* out */
    uint16_t pad1;
};

struct hv_gnttab_set_version {
    uint32_t version; /* in: 1 (2 refused); out: the version in use */
};

struct hv_gnttab_get_version {
    uint16_t dom; /* in */
    uint16_t pad;
    uint32_t version; /* out */
};

/* The x86-64 layouts of xen/include/public/grant_table.h. */
HV_STATIC_ASSERT(sizeof(struct hv_grant_entry_v1) == 8, "grant_entry_v1");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_map_grant_ref) == 32, "map");
HV_STATIC_ASSERT(offsetof(struct hv_gnttab_map_grant_ref, handle) == 20,
                 "map.handle");
HV_STATIC_ASSERT(offsetof(struct hv_gnttab_map_grant_ref, dev_bus_addr) == 24,
                 "map.dev_bus_addr");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_unmap_grant_ref) == 24, "unmap");
HV_STATIC_ASSERT(offsetof(struct hv_gnttab_unmap_grant_ref, status) == 20,
                 "unmap.status");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_setup_table) == 24, "setup_table");
HV_STATIC_ASSERT(offsetof(struct hv_gnttab_setup_table, frame_list) == 16,
                 "setup_table.frame_list");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_transfer) == 24, "transfer");
HV_STATIC_ASSERT(offsetof(struct hv_gnttab_transfer, status) == 16,
                 "transfer.status");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_copy_ptr) == 16, "copy_ptr");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_copy) == 40, "copy");
HV_STATIC_ASSERT(offsetof(struct hv_gnttab_copy, status) == 36, "copy.status");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_query_size) == 16, "query_size");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_set_version) == 4, "set_version");
HV_STATIC_ASSERT(sizeof(struct hv_gnttab_get_version) == 8, "get_version");

HV_EXTERN_C_END

#endif /* HV_ABI_GRANT_TABLE_H */
