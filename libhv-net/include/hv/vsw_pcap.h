/*
 * <hv/vsw_pcap.h>: a writer of standard pcap capture files.
 *
 * The library does no I/O: every byte of the file goes to a caller
 * callback (append to a buffer, write to a serial line, a file on the
 * host). The format is the classic libpcap one (magic 0xa1b23c4d,
 * nanosecond timestamps, version 2.4, link type 1 = Ethernet), written in
 * the byte order of the machine running the library, which readers detect
 * from the magic. tcpdump, Wireshark and libpcap open it.
 *
 * Thread-safety: none; one writer per capture, serialised by its owner.
 */
#ifndef HV_VSW_PCAP_H
#define HV_VSW_PCAP_H

#include <hv/base.h>

HV_EXTERN_C_BEGIN

#define HV_VSW_PCAP_MAGIC_NS          0xa1b23c4du /* nanosecond-resolution pcap */
#define HV_VSW_PCAP_LINKTYPE_ETHERNET 1u
#define HV_VSW_PCAP_FILE_HLEN         24u
#define HV_VSW_PCAP_RECORD_HLEN       16u

/*
 * Receives `len` bytes of the file, in order. Returns 0, or a negative
 * hv_err which the writer hands back to its caller (the writer then
 * refuses further records: the file would be corrupt).
 */
typedef int (*hv_vsw_pcap_write_fn)(void *ctx, const void *data, size_t len);

struct hv_vsw_pcap {
    hv_vsw_pcap_write_fn write; /* private: set by hv_vsw_pcap_init */
    void *ctx;
    uint32_t snaplen;
    int error;        /* first write error, sticky */
    uint64_t records; /* records written */
    uint64_t bytes;   /* file bytes written so far */
};

/*
 * Start a capture: writes the 24-byte file header.
 * @snaplen  bytes kept of each frame, 1..262144.
 * @return HV_OK; HV_EINVAL for a NULL writer or snaplen out of range
 *         (nothing written); the callback's error if it failed.
 */
int hv_vsw_pcap_init(struct hv_vsw_pcap *w, uint32_t snaplen,
                     hv_vsw_pcap_write_fn write, void *ctx);

/*
 * Append one frame captured at `ts` (ns since the epoch the caller uses).
 * At most snaplen bytes of the frame are written; the record keeps `len`
 * as the original length.
 * @return HV_OK; HV_EINVAL for ts < 0; HV_EIO once a previous write has
 *         failed; the callback's error if it failed now.
 */
int hv_vsw_pcap_record(struct hv_vsw_pcap *w, hv_time_t ts, const void *frame,
                       size_t len);

/*
 * Append one frame given as two pieces (used to insert or remove an
 * 802.1Q tag without a copy): head then tail, original length the sum.
 */
int hv_vsw_pcap_record2(struct hv_vsw_pcap *w, hv_time_t ts, const void *head,
                        size_t head_len, const void *tail, size_t tail_len);

HV_EXTERN_C_END

#endif /* HV_VSW_PCAP_H */
