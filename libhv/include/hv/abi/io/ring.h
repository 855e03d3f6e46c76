/*
 * <hv/abi/io/ring.h>: the header of a split-driver shared ring.
 *
 * Facts from xen/include/public/io/ring.h, written anew. A frontend and a
 * backend share whole pages: this 64-byte header of four free-running
 * 32-bit indices, then a power-of-two array of fixed-size slots, each
 * holding a request or, once answered, its response. Xen generates one
 * such structure per protocol with macros; only the header is common, and
 * it is all a protocol-neutral ring implementation (libhv-net's
 * <hv/vsw_ring.h>) needs. The slot layouts of each protocol are in their
 * own header (<hv/abi/io/netif.h>).
 */
#ifndef HV_ABI_IO_RING_H
#define HV_ABI_IO_RING_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* Bytes before the first slot. */
#define HV_SRING_HDR_SIZE 64u

struct hv_sring {
    uint32_t req_prod;  /* written by the frontend */
    uint32_t req_event; /* backend: notify me when req_prod passes this */
    uint32_t rsp_prod;  /* written by the backend */
    uint32_t rsp_event; /* frontend: notify me when rsp_prod passes this */
    uint8_t pad[48];
};

HV_STATIC_ASSERT(sizeof(struct hv_sring) == HV_SRING_HDR_SIZE, "sring header");
HV_STATIC_ASSERT(offsetof(struct hv_sring, rsp_prod) == 8, "sring.rsp_prod");

HV_EXTERN_C_END

#endif /* HV_ABI_IO_RING_H */
