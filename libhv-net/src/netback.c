/*
 * The netback: glue between Xen-style netfront rings and the switch.
 *
 * Transmit: each tx request names a frame in a granted page. It is
 * checked (size within 14..HV_VSW_FRAME_MAX, inside the page, fits the
 * caller's buffer), copied out with the caller's grant copier, answered,
 * and only the private copy goes to the switch: the guest can rewrite its
 * page afterwards without affecting any check. The request itself was
 * already copied out of the ring slot by hv_vsw_ring_get_request().
 *
 * Frames in several slots (NETTXF_more_data) and extra-info slots
 * (NETTXF_extra_info, then netif_extra_info with FLAG_MORE chaining) are
 * not supported. The protocol still requires each slot to be consumed and
 * answered in order: data slots with NETIF_RSP_ERROR, extra-info slots
 * with NETIF_RSP_NULL. The chain state lives in the netback so a chain
 * split across calls is still skipped correctly.
 *
 * Receive: Linux netfront expects each rx response in the slot of the
 * request it answers; our ring answers requests strictly in order, which
 * guarantees exactly that.
 */
#include <hv/vsw_netif.h>

int hv_vsw_netback_init(struct hv_vsw_netback *nb, struct hv_vsw_ring_back *tx,
                        struct hv_vsw_ring_back *rx,
                        const struct hv_vsw_grant_ops *ops, void *ctx)
{
    if (nb == NULL || tx == NULL || rx == NULL || ops == NULL ||
        ops->copy_from == NULL || ops->copy_to == NULL)
        return HV_EINVAL;
    if (tx->entry_size != HV_VSW_NETIF_TX_SLOT ||
        rx->entry_size != HV_VSW_NETIF_RX_SLOT)
        return HV_EINVAL;
    hv_memset(nb, 0, sizeof(*nb));
    nb->tx = tx;
    nb->rx = rx;
    nb->ops = ops;
    nb->ctx = ctx;
    return HV_OK;
}

static int tx_answer(struct hv_vsw_netback *nb, uint16_t id, int16_t status)
{
    union {
        struct hv_netif_tx_response r;
        uint8_t slot[HV_VSW_NETIF_TX_SLOT];
    } u;
    hv_memset(&u, 0, sizeof(u));
    u.r.id = id;
    u.r.status = status;
    return hv_vsw_ring_put_response(nb->tx, &u);
}

/* One request: returns 1 if it produced a frame in *pkt, 0 if not, or a
 * negative error from the ring. */
static int tx_one(struct hv_vsw_netback *nb,
                  const struct hv_netif_tx_request *rq, struct hv_vsw_pkt *pkt)
{
    if (nb->tx_in_extra) {
        const struct hv_netif_extra_info *x = (const void *)rq;
        nb->tx_in_extra = (x->flags & HV_NETIF_EXTRA_FLAG_MORE) != 0;
        return tx_answer(nb, 0, HV_NETIF_RSP_NULL);
    }
    bool more = (rq->flags & HV_NETTXF_MORE_DATA) != 0;
    if (nb->tx_in_chain) {
        nb->tx_in_chain = more;
        return tx_answer(nb, rq->id, HV_NETIF_RSP_ERROR);
    }
    bool ok = !more && !(rq->flags & HV_NETTXF_EXTRA_INFO) &&
              rq->size >= HV_VSW_ETH_HLEN && rq->size <= HV_VSW_FRAME_MAX &&
              rq->size <= pkt->cap && rq->offset < HV_PAGE_SIZE &&
              rq->size <= HV_PAGE_SIZE - rq->offset;
    if (ok && nb->ops->copy_from(nb->ctx, rq->gref, rq->offset, pkt->data,
                                 rq->size) < 0)
        ok = false;
    nb->tx_in_chain = more;
    nb->tx_in_extra = (rq->flags & HV_NETTXF_EXTRA_INFO) != 0;
    if (!ok) {
        nb->stats.tx_errors++;
        return tx_answer(nb, rq->id, HV_NETIF_RSP_ERROR);
    }
    pkt->len = rq->size;
    nb->stats.tx_frames++;
    int rc = tx_answer(nb, rq->id, HV_NETIF_RSP_OKAY);
    return rc < 0 ? rc : 1;
}

int hv_vsw_netback_tx(struct hv_vsw_netback *nb, struct hv_vsw_pkt *pkts,
                      unsigned int max, bool *notify)
{
    unsigned int n = 0;
    *notify = false;
    while (n < max) {
        union {
            struct hv_netif_tx_request r;
            uint8_t slot[HV_VSW_NETIF_TX_SLOT];
        } u;
        int rc = hv_vsw_ring_get_request(nb->tx, &u);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            bool again;
            rc = hv_vsw_ring_final_check_requests(nb->tx, &again);
            if (rc < 0)
                return rc;
            if (!again)
                break;
            continue;
        }
        rc = tx_one(nb, &u.r, &pkts[n]);
        if (rc < 0)
            return rc;
        n += (unsigned int)rc;
    }
    int rc = hv_vsw_ring_push_responses(nb->tx, notify);
    return rc < 0 ? rc : (int)n;
}

int hv_vsw_netback_rx(struct hv_vsw_netback *nb, const struct hv_vsw_pkt *pkts,
                      const struct hv_vsw_out *out, unsigned int count,
                      bool *notify)
{
    unsigned int delivered = 0;
    *notify = false;
    for (unsigned int i = 0; i < count; i++) {
        union {
            struct hv_netif_rx_request r;
            uint8_t slot[HV_VSW_NETIF_RX_SLOT];
        } rq;
        int rc = hv_vsw_ring_get_request(nb->rx, &rq);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            nb->stats.rx_no_buffer += count - i;
            break;
        }
        hv_ssize_t len =
            hv_vsw_out_copy(pkts, &out[i], nb->buf, sizeof(nb->buf));
        union {
            struct hv_netif_rx_response r;
            uint8_t slot[HV_VSW_NETIF_RX_SLOT];
        } rs;
        hv_memset(&rs, 0, sizeof(rs));
        rs.r.id = rq.r.id;
        if (len > 0 && nb->ops->copy_to(nb->ctx, rq.r.gref, 0, nb->buf,
                                        (uint16_t)len) == 0) {
            rs.r.status = (int16_t)len;
            delivered++;
            nb->stats.rx_frames++;
        } else {
            rs.r.status = HV_NETIF_RSP_ERROR;
            nb->stats.rx_errors++;
        }
        rc = hv_vsw_ring_put_response(nb->rx, &rs);
        if (rc < 0)
            return rc;
    }
    int rc = hv_vsw_ring_push_responses(nb->rx, notify);
    return rc < 0 ? rc : (int)delivered;
}
