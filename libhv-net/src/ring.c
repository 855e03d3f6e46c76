/*
 * The split-driver ring.
 *
 * Indices are free-running uint32_t counters; a slot is index & (size-1)
 * and "how many" is always an unsigned difference, which stays right
 * across the 2^32 wrap. The protocol's safety rests on three facts the
 * code checks every time it reads an index the other side wrote:
 *
 *   backend:  req_prod - req_cons        <= size  (can't be more queued
 *             req_prod - rsp_prod_pvt    <= size   than slots exist)
 *   frontend: rsp_prod - rsp_cons        <= req_prod_pvt - rsp_cons
 *             (no responses to requests not made)
 *
 * A violation means the peer is broken or hostile; we mark the ring
 * broken rather than guess, so a bad index can never make us read or
 * overwrite a slot out of turn. Slots are copied with hv_memcpy to/from
 * the caller's buffer, once, after the index was validated, so a peer
 * rewriting a slot concurrently only corrupts its own data.
 *
 * Ordering (the classic ring barriers): a producer fills slots, then a
 * release fence, then stores prod; a consumer loads prod, then an acquire
 * fence, then reads slots. The event check needs a full fence between
 * publishing prod and reading the peer's event index (and between writing
 * our event index and re-reading prod), or the two sides could each miss
 * the other's update and sleep forever.
 *
 * notify rule (Xen's RING_PUSH_*_AND_CHECK_NOTIFY): with old and new the
 * producer index before and after publishing, notify iff
 * (new - event) < (new - old), i.e. event lies in (old, new].
 */
#include <hv/vsw_ring.h>

#define LOAD(p)     __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define MB()        __atomic_thread_fence(__ATOMIC_SEQ_CST)

uint32_t hv_vsw_ring_slots(size_t bytes, size_t entry_size)
{
    if (entry_size == 0 || bytes <= HV_VSW_RING_HDR)
        return 0;
    size_t n = (bytes - HV_VSW_RING_HDR) / entry_size;
    if (n == 0)
        return 0;
    uint32_t p = 1;
    while ((size_t)p * 2 <= n && p < 0x40000000u)
        p *= 2;
    return p;
}

static bool geometry_ok(const void *mem, size_t bytes, size_t entry_size)
{
    if (mem == NULL || ((uintptr_t)mem & (HV_PAGE_SIZE - 1)) != 0)
        return false;
    if (bytes == 0 || bytes % HV_PAGE_SIZE != 0 ||
        bytes > HV_VSW_RING_PAGES * HV_PAGE_SIZE)
        return false;
    if (entry_size == 0 || entry_size % 4 != 0)
        return false;
    return hv_vsw_ring_slots(bytes, entry_size) != 0;
}

int hv_vsw_ring_front_init(struct hv_vsw_ring_front *r, void *shared,
                           size_t bytes, size_t entry_size)
{
    if (r == NULL || !geometry_ok(shared, bytes, entry_size))
        return HV_EINVAL;
    r->s = shared;
    r->slots = (uint8_t *)shared + HV_VSW_RING_HDR;
    r->size = hv_vsw_ring_slots(bytes, entry_size);
    r->entry_size = (uint32_t)entry_size;
    r->req_prod_pvt = 0;
    r->req_pushed = 0;
    r->rsp_cons = 0;
    r->broken = false;
    hv_memset(shared, 0, HV_VSW_RING_HDR);
    r->s->req_event = 1;
    r->s->rsp_event = 1;
    return HV_OK;
}

static void *slot(uint8_t *slots, uint32_t size, uint32_t esz, uint32_t idx)
{
    return slots + (size_t)(idx & (size - 1)) * esz;
}

uint32_t hv_vsw_ring_free_requests(const struct hv_vsw_ring_front *r)
{
    return r->size - (r->req_prod_pvt - r->rsp_cons);
}

int hv_vsw_ring_put_request(struct hv_vsw_ring_front *r, const void *req)
{
    if (r->broken)
        return HV_EIO;
    if (hv_vsw_ring_free_requests(r) == 0)
        return HV_ENOSPC;
    hv_memcpy(slot(r->slots, r->size, r->entry_size, r->req_prod_pvt), req,
              r->entry_size);
    r->req_prod_pvt++;
    return HV_OK;
}

int hv_vsw_ring_push_requests(struct hv_vsw_ring_front *r, bool *notify)
{
    if (r->broken)
        return HV_EIO;
    uint32_t old = r->req_pushed;
    uint32_t new = r->req_prod_pvt;
    STORE(&r->s->req_prod, new);
    r->req_pushed = new;
    MB();
    uint32_t ev = LOAD(&r->s->req_event);
    *notify = (uint32_t)(new - ev) < (uint32_t)(new - old);
    return HV_OK;
}

int hv_vsw_ring_get_response(struct hv_vsw_ring_front *r, void *rsp)
{
    if (r->broken)
        return HV_EIO;
    uint32_t prod = LOAD(&r->s->rsp_prod);
    if (prod == r->rsp_cons)
        return 0;
    if ((uint32_t)(prod - r->rsp_cons) >
        (uint32_t)(r->req_prod_pvt - r->rsp_cons)) {
        r->broken = true;
        return HV_EIO;
    }
    hv_memcpy(rsp, slot(r->slots, r->size, r->entry_size, r->rsp_cons),
              r->entry_size);
    r->rsp_cons++;
    return 1;
}

int hv_vsw_ring_final_check_responses(struct hv_vsw_ring_front *r, bool *more)
{
    if (r->broken)
        return HV_EIO;
    uint32_t prod = LOAD(&r->s->rsp_prod);
    if (prod != r->rsp_cons) {
        *more = true;
        return HV_OK;
    }
    STORE(&r->s->rsp_event, r->rsp_cons + 1);
    MB();
    *more = LOAD(&r->s->rsp_prod) != r->rsp_cons;
    return HV_OK;
}

/* ---- backend --------------------------------------------------------- */

int hv_vsw_ring_back_attach(struct hv_vsw_ring_back *r,
                            const struct hv_vsw_ring_ops *ops, void *ctx,
                            const uint32_t *refs, unsigned int page_count,
                            size_t entry_size)
{
    if (r == NULL || ops == NULL || ops->map == NULL || ops->unmap == NULL ||
        refs == NULL || page_count == 0 || page_count > HV_VSW_RING_PAGES)
        return HV_EINVAL;
    size_t bytes = (size_t)page_count * HV_PAGE_SIZE;
    if (entry_size == 0 || entry_size % 4 != 0 ||
        hv_vsw_ring_slots(bytes, entry_size) == 0)
        return HV_EINVAL;
    void *va = NULL;
    int rc = ops->map(ctx, refs, page_count, &va);
    if (rc < 0)
        return rc;
    if (!geometry_ok(va, bytes, entry_size)) {
        ops->unmap(ctx, va, page_count);
        return HV_EINVAL;
    }
    r->s = va;
    r->slots = (uint8_t *)va + HV_VSW_RING_HDR;
    r->size = hv_vsw_ring_slots(bytes, entry_size);
    r->entry_size = (uint32_t)entry_size;
    r->rsp_prod_pvt = LOAD(&r->s->rsp_prod);
    r->rsp_pushed = r->rsp_prod_pvt;
    r->req_cons = r->rsp_prod_pvt;
    r->broken = false;
    r->ops = ops;
    r->ctx = ctx;
    r->page_count = page_count;
    return HV_OK;
}

void hv_vsw_ring_back_detach(struct hv_vsw_ring_back *r)
{
    if (r->s != NULL)
        r->ops->unmap(r->ctx, r->s, r->page_count);
    r->s = NULL;
    r->slots = NULL;
    r->broken = true;
}

int hv_vsw_ring_get_request(struct hv_vsw_ring_back *r, void *req)
{
    if (r->broken)
        return HV_EIO;
    uint32_t prod = LOAD(&r->s->req_prod);
    if (prod == r->req_cons)
        return 0;
    if ((uint32_t)(prod - r->req_cons) > r->size ||
        (uint32_t)(prod - r->rsp_prod_pvt) > r->size) {
        r->broken = true;
        return HV_EIO;
    }
    hv_memcpy(req, slot(r->slots, r->size, r->entry_size, r->req_cons),
              r->entry_size);
    r->req_cons++;
    return 1;
}

int hv_vsw_ring_put_response(struct hv_vsw_ring_back *r, const void *rsp)
{
    if (r->broken)
        return HV_EIO;
    if (r->rsp_prod_pvt == r->req_cons)
        return HV_ENOSPC;
    hv_memcpy(slot(r->slots, r->size, r->entry_size, r->rsp_prod_pvt), rsp,
              r->entry_size);
    r->rsp_prod_pvt++;
    return HV_OK;
}

int hv_vsw_ring_push_responses(struct hv_vsw_ring_back *r, bool *notify)
{
    if (r->broken)
        return HV_EIO;
    uint32_t old = r->rsp_pushed;
    uint32_t new = r->rsp_prod_pvt;
    STORE(&r->s->rsp_prod, new);
    r->rsp_pushed = new;
    MB();
    uint32_t ev = LOAD(&r->s->rsp_event);
    *notify = (uint32_t)(new - ev) < (uint32_t)(new - old);
    return HV_OK;
}

int hv_vsw_ring_final_check_requests(struct hv_vsw_ring_back *r, bool *more)
{
    if (r->broken)
        return HV_EIO;
    uint32_t prod = LOAD(&r->s->req_prod);
    if (prod != r->req_cons) {
        *more = true;
        return HV_OK;
    }
    STORE(&r->s->req_event, r->req_cons + 1);
    MB();
    *more = LOAD(&r->s->req_prod) != r->req_cons;
    return HV_OK;
}

/* ---- plain memory ---------------------------------------------------- */

static int plain_map(void *ctx, const uint32_t *refs, unsigned int count,
                     void **va)
{
    const struct hv_vsw_ring_plain *pl = ctx;
    if (pl == NULL || pl->base == NULL || count == 0)
        return HV_EINVAL;
    for (unsigned int i = 0; i < count; i++) {
        if (refs[i] >= pl->page_count || refs[i] != refs[0] + i)
            return HV_EINVAL;
    }
    *va = (uint8_t *)pl->base + (size_t)refs[0] * HV_PAGE_SIZE;
    return HV_OK;
}

static void plain_unmap(void *ctx, void *va, unsigned int count)
{
    (void)ctx;
    (void)va;
    (void)count;
}

const struct hv_vsw_ring_ops hv_vsw_ring_plain_ops = {
    .map = plain_map,
    .unmap = plain_unmap,
};
