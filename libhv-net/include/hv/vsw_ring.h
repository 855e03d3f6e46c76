/*
 * <hv/vsw_ring.h>: the split-driver shared ring (Xen's io/ring.h model).
 *
 * A frontend (in a guest) and a backend (the switch side) share a region
 * of whole pages: a 64-byte header of four free-running 32-bit indices,
 * then a power-of-two array of fixed-size slots. The frontend writes
 * requests and advances req_prod; the backend consumes them, writes each
 * response over a consumed request's slot and advances rsp_prod. Each
 * side's private counters (prod_pvt, cons) never leave its own memory.
 *
 * Notification suppression: a side publishing work sends an event only if
 * the other side asked for one, i.e. when the published range crossed the
 * event index the consumer left (req_event / rsp_event). A consumer that
 * ran dry sets its event index to cons + 1 and checks once more, so a
 * publication racing with that is never lost (final_check).
 *
 * Shared layout (little-endian fields in the page, as on every target):
 *   offset 0 req_prod, 4 req_event, 8 rsp_prod, 12 rsp_event, 16..63 pad,
 *   64.. slots of entry_size bytes, count = largest power of two that fits.
 * This is the layout of Xen's struct *_sring, so a Xen netfront-style
 * guest can share its ring.
 *
 * Hostility: the other side may write anything at any time. Every shared
 * index is read once per operation; a request or response is copied out
 * of its slot before the caller sees it (no double fetch); an index that
 * claims more entries than can exist marks the ring broken, after which
 * every call returns HV_EIO (the owner should tear the device down).
 *
 * How pages are shared is the caller's: the backend maps the region
 * through a struct hv_vsw_ring_ops (grant references in images; plain
 * memory on the host, see hv_vsw_ring_plain_ops).
 *
 * Thread-safety: one thread per side; the two sides may run concurrently
 * on different CPUs (the barriers are in here).
 */
#ifndef HV_VSW_RING_H
#define HV_VSW_RING_H

#include <hv/abi/io/ring.h>
#include <hv/base.h>

HV_EXTERN_C_BEGIN

#define HV_VSW_RING_HDR   HV_SRING_HDR_SIZE /* bytes before the first slot */
#define HV_VSW_RING_PAGES 8u                /* largest ring region, in pages */

/* How a backend reaches the pages a frontend shared. */
struct hv_vsw_ring_ops {
    /*
     * Map `count` pages named by refs[0..count) contiguously; store the
     * address in *va. Return 0 or a negative hv_err (bad reference).
     */
    int (*map)(void *ctx, const uint32_t *refs, unsigned int count, void **va);
    /* Undo a successful map. */
    void (*unmap)(void *ctx, void *va, unsigned int count);
};

/*
 * The host flavour: references are page numbers inside one region of
 * caller memory; a mapping must name consecutive pages inside it.
 */
struct hv_vsw_ring_plain {
    void *base;              /* page-aligned region */
    unsigned int page_count; /* its size in pages */
};
extern const struct hv_vsw_ring_ops hv_vsw_ring_plain_ops;

struct hv_vsw_ring_front {
    struct hv_sring *s; /* private fields */
    uint8_t *slots;
    uint32_t size; /* slots, a power of two */
    uint32_t entry_size;
    uint32_t req_prod_pvt;
    uint32_t req_pushed; /* req_prod as we last published it */
    uint32_t rsp_cons;
    bool broken;
};

struct hv_vsw_ring_back {
    struct hv_sring *s; /* private fields */
    uint8_t *slots;
    uint32_t size;
    uint32_t entry_size;
    uint32_t rsp_prod_pvt;
    uint32_t rsp_pushed; /* rsp_prod as we last published it */
    uint32_t req_cons;
    bool broken;
    const struct hv_vsw_ring_ops *ops;
    void *ctx;
    unsigned int page_count;
};

/*
 * Slots a ring of `bytes` holds for entries of `entry_size` (the larger
 * of the request and response sizes): the largest power of two that fits
 * after the header; 0 if none does.
 */
uint32_t hv_vsw_ring_slots(size_t bytes, size_t entry_size);

/*
 * Frontend: initialise the shared region at `shared` (`bytes` long, a
 * multiple of HV_PAGE_SIZE up to HV_VSW_RING_PAGES pages) and the private
 * state. Indices start at 0, events at 1.
 * @return HV_OK; HV_EINVAL for a NULL or misaligned region, a bad size,
 *         entry_size 0 or not a multiple of 4, or no slot fitting.
 */
int hv_vsw_ring_front_init(struct hv_vsw_ring_front *r, void *shared,
                           size_t bytes, size_t entry_size);

/* Frontend: slots free for new requests. */
uint32_t hv_vsw_ring_free_requests(const struct hv_vsw_ring_front *r);

/*
 * Frontend: copy one request (entry_size bytes) into the next slot; not
 * yet visible to the backend.
 * @return HV_OK; HV_ENOSPC if the ring is full; HV_EIO if broken.
 */
int hv_vsw_ring_put_request(struct hv_vsw_ring_front *r, const void *req);

/*
 * Frontend: publish the requests put so far. *notify says whether the
 * backend asked to be told (send the event if true).
 * @return HV_OK; HV_EIO if broken.
 */
int hv_vsw_ring_push_requests(struct hv_vsw_ring_front *r, bool *notify);

/*
 * Frontend: copy the next response (entry_size bytes) out to `rsp`.
 * @return 1 when one was copied; 0 when none is pending; HV_EIO if the
 *         backend's rsp_prod claims responses to requests never made
 *         (the ring is then broken).
 */
int hv_vsw_ring_get_response(struct hv_vsw_ring_front *r, void *rsp);

/*
 * Frontend, when get_response returned 0: ask for an event on the next
 * response and check again. *more = true means responses arrived
 * meanwhile (keep consuming, no event will come for them).
 * @return HV_OK; HV_EIO if broken.
 */
int hv_vsw_ring_final_check_responses(struct hv_vsw_ring_front *r, bool *more);

/*
 * Backend: map the frontend's pages refs[0..page_count) through `ops` and
 * attach. The shared indices are taken as they are (hostile): req_cons
 * and rsp_prod_pvt start from the current rsp_prod.
 * @return HV_OK; HV_EINVAL for bad arguments (sizes as for front_init);
 *         the map callback's error (nothing mapped then).
 */
int hv_vsw_ring_back_attach(struct hv_vsw_ring_back *r,
                            const struct hv_vsw_ring_ops *ops, void *ctx,
                            const uint32_t *refs, unsigned int page_count,
                            size_t entry_size);

/* Backend: unmap; the ring must not be used afterwards. */
void hv_vsw_ring_back_detach(struct hv_vsw_ring_back *r);

/*
 * Backend: copy the next request out to `req`.
 * @return 1 when one was copied; 0 when none is pending; HV_EIO when
 *         req_prod claims more requests than the ring can hold (the ring
 *         is then broken).
 */
int hv_vsw_ring_get_request(struct hv_vsw_ring_back *r, void *req);

/*
 * Backend: write one response into the slot of the oldest unanswered
 * request; not yet visible.
 * @return HV_OK; HV_ENOSPC if every consumed request is answered;
 *         HV_EIO if broken.
 */
int hv_vsw_ring_put_response(struct hv_vsw_ring_back *r, const void *rsp);

/* Backend: publish responses; *notify as for push_requests. */
int hv_vsw_ring_push_responses(struct hv_vsw_ring_back *r, bool *notify);

/*
 * Backend, when get_request returned 0: ask for an event on the next
 * request and check again; *more = true if requests arrived meanwhile.
 * @return HV_OK; HV_EIO if broken.
 */
int hv_vsw_ring_final_check_requests(struct hv_vsw_ring_back *r, bool *more);

HV_EXTERN_C_END

#endif /* HV_VSW_RING_H */
