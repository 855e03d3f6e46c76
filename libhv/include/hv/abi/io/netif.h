/*
 * <hv/abi/io/netif.h>: the slots of the Xen network split-driver rings.
 *
 * Facts from xen/include/public/io/netif.h, written anew. A netfront
 * shares two rings (<hv/abi/io/ring.h>) with its backend: on the transmit
 * ring it posts frames (a grant, an offset and a size per slot) and the
 * backend answers each with a status; on the receive ring it posts empty
 * granted pages and the backend answers with a frame written into one.
 * libhv-net's netback (<hv/vsw_netif.h>) implements the backend side.
 */
#ifndef HV_ABI_IO_NETIF_H
#define HV_ABI_IO_NETIF_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

struct hv_netif_tx_request {
    uint32_t gref;   /* grant of the page holding the frame */
    uint16_t offset; /* of the frame in that page */
    uint16_t flags;  /* HV_NETTXF_* */
    uint16_t id;     /* echoed in the response */
    uint16_t size;   /* frame length (whole packet in the first slot) */
};

struct hv_netif_tx_response {
    uint16_t id;
    int16_t status; /* HV_NETIF_RSP_* */
};

struct hv_netif_rx_request {
    uint16_t id; /* echoed in the response */
    uint16_t pad;
    uint32_t gref; /* grant of an empty page for one frame */
};

struct hv_netif_rx_response {
    uint16_t id;
    uint16_t offset; /* of the frame in the page */
    uint16_t flags;  /* HV_NETRXF_* */
    int16_t status;  /* frame length, or a negative HV_NETIF_RSP_* */
};

/* An extra-info slot: follows a slot flagged EXTRA_INFO. */
struct hv_netif_extra_info {
    uint8_t type;  /* HV_NETIF_EXTRA_TYPE_* */
    uint8_t flags; /* HV_NETIF_EXTRA_FLAG_MORE: another one follows */
    uint16_t pad[3];
};

/* Transmit request flags. */
#define HV_NETTXF_CSUM_BLANK     (1u << 0) /* checksum to be filled in */
#define HV_NETTXF_DATA_VALIDATED (1u << 1)
#define HV_NETTXF_MORE_DATA      (1u << 2) /* the frame goes on next slot */
#define HV_NETTXF_EXTRA_INFO     (1u << 3) /* an extra-info slot follows */

/* Receive response flags. */
#define HV_NETRXF_DATA_VALIDATED (1u << 0)
#define HV_NETRXF_CSUM_BLANK     (1u << 1)
#define HV_NETRXF_MORE_DATA      (1u << 2)
#define HV_NETRXF_EXTRA_INFO     (1u << 3)

/* Extra-info slot types and flags. */
#define HV_NETIF_EXTRA_TYPE_NONE      0
#define HV_NETIF_EXTRA_TYPE_GSO       1
#define HV_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define HV_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define HV_NETIF_EXTRA_FLAG_MORE      (1u << 0)

/* Response status values. */
#define HV_NETIF_RSP_DROPPED (-2)
#define HV_NETIF_RSP_ERROR   (-1)
#define HV_NETIF_RSP_OKAY    0
#define HV_NETIF_RSP_NULL    1 /* the answer to an extra-info slot */

HV_STATIC_ASSERT(sizeof(struct hv_netif_tx_request) == 12, "netif tx req");
HV_STATIC_ASSERT(sizeof(struct hv_netif_tx_response) == 4, "netif tx rsp");
HV_STATIC_ASSERT(sizeof(struct hv_netif_rx_request) == 8, "netif rx req");
HV_STATIC_ASSERT(sizeof(struct hv_netif_rx_response) == 8, "netif rx rsp");
HV_STATIC_ASSERT(sizeof(struct hv_netif_extra_info) == 8, "netif extra");

HV_EXTERN_C_END

#endif /* HV_ABI_IO_NETIF_H */
