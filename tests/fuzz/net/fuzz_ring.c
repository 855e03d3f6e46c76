/*
 * libFuzzer target: a frontend and a backend on one ring, driven by a
 * script in the input, with the fuzzer also playing a hostile peer that
 * writes any value into the shared indices or slots at any point.
 *
 * Each input byte is an operation (low 4 bits) and, for hostile writes,
 * is followed by 4 bytes of value. Invariants checked after every step,
 * for each side that is not broken: its private counters stay coherent
 * (outstanding <= slots), and no call returns anything but its documented
 * values. AddressSanitizer checks every slot access stays in the ring.
 */
#include <hv/vsw_ring.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ESZ 24

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void check_rc(int rc, bool counting)
{
    if (rc == HV_OK || rc == HV_EIO || rc == HV_ENOSPC)
        return;
    if (counting && (rc == 0 || rc == 1))
        return;
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* one page of ring, exactly sized so ASan flags a stray slot */
    uint8_t *mem = aligned_alloc(HV_PAGE_SIZE, HV_PAGE_SIZE);
    memset(mem, 0, HV_PAGE_SIZE);
    struct hv_vsw_ring_plain pl = {mem, 1};
    struct hv_vsw_ring_front f;
    struct hv_vsw_ring_back b;
    uint32_t ref = 0;
    if (hv_vsw_ring_front_init(&f, mem, HV_PAGE_SIZE, ESZ) != HV_OK ||
        hv_vsw_ring_back_attach(&b, &hv_vsw_ring_plain_ops, &pl, &ref, 1,
                                ESZ) != HV_OK)
        abort();
    struct hv_sring *s = (struct hv_sring *)mem;
    uint8_t e[ESZ] = {0};
    bool flag;
    size_t i = 0;
    while (i < size) {
        uint8_t op = data[i++];
        uint32_t v = 0;
        if ((op & 15) >= 9) {
            if (size - i < 4)
                break;
            v = get32(data + i);
            i += 4;
        }
        switch (op & 15) {
        case 0:
            e[0] = op;
            check_rc(hv_vsw_ring_put_request(&f, e), false);
            break;
        case 1:
            check_rc(hv_vsw_ring_push_requests(&f, &flag), false);
            break;
        case 2:
            check_rc(hv_vsw_ring_get_request(&b, e), true);
            break;
        case 3:
            check_rc(hv_vsw_ring_put_response(&b, e), false);
            break;
        case 4:
            check_rc(hv_vsw_ring_push_responses(&b, &flag), false);
            break;
        case 5:
            check_rc(hv_vsw_ring_get_response(&f, e), true);
            break;
        case 6:
            check_rc(hv_vsw_ring_final_check_requests(&b, &flag), false);
            break;
        case 7:
            check_rc(hv_vsw_ring_final_check_responses(&f, &flag), false);
            break;
        case 8: /* a backend re-attaching to whatever is in the page */
            hv_vsw_ring_back_detach(&b);
            if (hv_vsw_ring_back_attach(&b, &hv_vsw_ring_plain_ops, &pl, &ref,
                                        1, ESZ) != HV_OK)
                abort();
            break;
        case 9:
            s->req_prod = v;
            break;
        case 10:
            s->rsp_prod = v;
            break;
        case 11:
            s->req_event = v;
            break;
        case 12:
            s->rsp_event = v;
            break;
        default: /* scribble a slot */
            mem[HV_VSW_RING_HDR + v % (HV_PAGE_SIZE - HV_VSW_RING_HDR)] =
                (uint8_t)(v >> 24);
            break;
        }
        if (!f.broken && (uint32_t)(f.req_prod_pvt - f.rsp_cons) > f.size)
            abort();
        if (!b.broken && (uint32_t)(b.req_cons - b.rsp_prod_pvt) > b.size)
            abort();
    }
    hv_vsw_ring_back_detach(&b);
    free(mem);
    return 0;
}
