/*
 * <hv/vsw_netif.h>: a netback for Xen-style network frontends.
 *
 * The guest ABI is Xen's netif protocol (<hv/abi/io/netif.h>): a transmit ring
 * of 12-byte slots (the frontend posts frames, the backend answers each with a
 * status) and a receive ring of 8-byte slots (the frontend posts empty granted
 * pages, the backend answers with a frame written into one). The rings are
 * hv_vsw_ring_back instances; pages are reached only through a caller's
 * hv_vsw_grant_ops, so the library never maps guest memory itself. Frames are
 * copied out of guest pages before anything looks at them (no double fetch) and
 * copied into guest pages after switching (no page flipping).
 *
 * Supported: one frame per request (up to HV_VSW_FRAME_MAX bytes inside
 * one page). Requests with NETTXF_more_data (a frame split over several
 * slots) or NETTXF_extra_info (GSO, multicast control) are answered
 * NETIF_RSP_ERROR, with their follow-up slots consumed and answered as
 * the protocol requires, so a frontend that uses them sees clean errors,
 * never a stuck ring.
 *
 * Thread-safety: one thread per netback instance.
 */
#ifndef HV_VSW_NETIF_H
#define HV_VSW_NETIF_H

#include <hv/abi/io/netif.h>
#include <hv/base.h>
#include <hv/vsw.h>
#include <hv/vsw_ring.h>

HV_EXTERN_C_BEGIN

/* The slot layouts and flags are in <hv/abi/io/netif.h>. */

/* Slot sizes of the two rings (the larger of request and response). */
#define HV_VSW_NETIF_TX_SLOT 12u
#define HV_VSW_NETIF_RX_SLOT 8u

/* ---- the backend ----------------------------------------------------- */

/*
 * Copies between the backend's memory and a granted guest page (Xen's
 * GNTTABOP_copy in images; plain memory in tests). `offset + len` never
 * exceeds HV_PAGE_SIZE when called. Return 0, or a negative hv_err (bad
 * or revoked grant): the frame is then answered with an error.
 */
struct hv_vsw_grant_ops {
    int (*copy_from)(void *ctx, uint32_t gref, uint16_t offset, void *dst,
                     uint16_t len);
    int (*copy_to)(void *ctx, uint32_t gref, uint16_t offset, const void *src,
                   uint16_t len);
};

struct hv_vsw_netback_stats {
    uint64_t tx_frames, tx_errors; /* from the guest: copied / refused */
    uint64_t rx_frames, rx_errors; /* to the guest: delivered / failed */
    uint64_t rx_no_buffer;         /* dropped: no posted rx request */
};

struct hv_vsw_netback {
    struct hv_vsw_ring_back *tx; /* private fields */
    struct hv_vsw_ring_back *rx;
    const struct hv_vsw_grant_ops *ops;
    void *ctx;
    bool tx_in_chain; /* skipping the rest of a multi-slot frame */
    bool tx_in_extra; /* skipping extra-info slots */
    bool tx_notify, rx_notify;
    uint8_t buf[HV_VSW_FRAME_MAX + HV_VSW_VLAN_HLEN];
    struct hv_vsw_netback_stats stats;
};

/*
 * Bind a netback to two attached rings (entry sizes HV_VSW_NETIF_TX_SLOT
 * and HV_VSW_NETIF_RX_SLOT) and a grant copier.
 * @return HV_OK; HV_EINVAL for NULL arguments or rings of another entry
 *         size.
 */
int hv_vsw_netback_init(struct hv_vsw_netback *nb, struct hv_vsw_ring_back *tx,
                        struct hv_vsw_ring_back *rx,
                        const struct hv_vsw_grant_ops *ops, void *ctx);

/*
 * Transmit side: take up to `max` frames the frontend posted, copy each
 * into pkts[i].data (cap bytes), set pkts[i].len, answer its request, and
 * publish the answers. Refused requests (bad size or offset, frame larger
 * than cap, copy failure, multi-slot or extra-info frames) are answered
 * NETIF_RSP_ERROR and counted in stats.tx_errors; they take no pkts slot.
 * @return the number of frames in pkts (feed them to hv_vsw_input());
 *         HV_EIO when the ring is broken (hostile indices).
 *         *notify: send the frontend an event.
 */
int hv_vsw_netback_tx(struct hv_vsw_netback *nb, struct hv_vsw_pkt *pkts,
                      unsigned int max, bool *notify);

/*
 * Receive side: deliver the switch's descriptors out[0..count) (all for
 * this frontend's port) into pages the frontend posted, answering one rx
 * request per frame with its length, then publish. A frame with no posted
 * request is dropped (stats.rx_no_buffer); a failed copy is answered
 * NETIF_RSP_ERROR (stats.rx_errors).
 * @return the number of frames delivered; HV_EIO when the ring is broken.
 *         *notify: send the frontend an event.
 */
int hv_vsw_netback_rx(struct hv_vsw_netback *nb, const struct hv_vsw_pkt *pkts,
                      const struct hv_vsw_out *out, unsigned int count,
                      bool *notify);

HV_EXTERN_C_END

#endif /* HV_VSW_NETIF_H */
