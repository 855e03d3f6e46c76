/*
 * The pcap writer. A pcap file is a 24-byte header (magic, version 2.4,
 * zone 0, sigfigs 0, snaplen, link type) followed by records, each a
 * 16-byte header (seconds, sub-second units, captured length, original
 * length) and the captured bytes. Headers are written in host byte order;
 * the magic tells readers which order that was. We use the nanosecond
 * magic so hv_time_t stamps go through unrounded.
 *
 * Record headers are assembled on the stack and handed to the callback
 * together with the frame pieces; an error from the callback is sticky, as
 * a file with a half-written record cannot be repaired by writing more.
 */
#include <hv/vsw_pcap.h>

#define PCAP_SNAPLEN_MAX 262144u

static int emit(struct hv_vsw_pcap *w, const void *p, size_t len)
{
    if (len == 0)
        return HV_OK;
    int rc = w->write(w->ctx, p, len);
    if (rc < 0) {
        w->error = rc;
        return rc;
    }
    w->bytes += len;
    return HV_OK;
}

int hv_vsw_pcap_init(struct hv_vsw_pcap *w, uint32_t snaplen,
                     hv_vsw_pcap_write_fn write, void *ctx)
{
    if (w == NULL || write == NULL || snaplen == 0 ||
        snaplen > PCAP_SNAPLEN_MAX)
        return HV_EINVAL;
    w->write = write;
    w->ctx = ctx;
    w->snaplen = snaplen;
    w->error = 0;
    w->records = 0;
    w->bytes = 0;

    /* magic, version 2.4 (two 16-bit fields), thiszone, sigfigs,
     * snaplen, link type: all in host order. */
    uint32_t magic = HV_VSW_PCAP_MAGIC_NS;
    uint16_t version[2] = {2, 4};
    uint32_t rest[4] = {0, 0, snaplen, HV_VSW_PCAP_LINKTYPE_ETHERNET};
    int rc = emit(w, &magic, sizeof(magic));
    if (rc == HV_OK)
        rc = emit(w, version, sizeof(version));
    if (rc == HV_OK)
        rc = emit(w, rest, sizeof(rest));
    return rc;
}

int hv_vsw_pcap_record2(struct hv_vsw_pcap *w, hv_time_t ts, const void *head,
                        size_t head_len, const void *tail, size_t tail_len)
{
    if (ts < 0)
        return HV_EINVAL;
    if (w->error)
        return HV_EIO;
    size_t orig = head_len + tail_len;
    if (orig > 0xffffffffu)
        return HV_EINVAL;
    size_t cap_head = HV_MIN(head_len, (size_t)w->snaplen);
    size_t cap_tail = HV_MIN(tail_len, (size_t)w->snaplen - cap_head);

    uint32_t rec[4];
    rec[0] = (uint32_t)(ts / 1000000000);
    rec[1] = (uint32_t)(ts % 1000000000);
    rec[2] = (uint32_t)(cap_head + cap_tail);
    rec[3] = (uint32_t)orig;
    int rc = emit(w, rec, sizeof(rec));
    if (rc == HV_OK)
        rc = emit(w, head, cap_head);
    if (rc == HV_OK)
        rc = emit(w, tail, cap_tail);
    if (rc == HV_OK)
        w->records++;
    return rc;
}

int hv_vsw_pcap_record(struct hv_vsw_pcap *w, hv_time_t ts, const void *frame,
                       size_t len)
{
    return hv_vsw_pcap_record2(w, ts, frame, len, NULL, 0);
}
