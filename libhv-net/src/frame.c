/*
 * The public face of the frame parser (parse.h holds it, inlined into the
 * switch's data path), the Internet checksum and the drop reason names.
 */
#include <hv/vsw_frame.h>

#include "parse.h"

uint16_t hv_vsw_csum_partial(const void *data, size_t len, uint32_t sum)
{
    const uint8_t *p = data;
    uint64_t s = sum;

    while (len >= 2) {
        s += (uint32_t)p[0] << 8 | p[1];
        p += 2;
        len -= 2;
    }
    if (len)
        s += (uint32_t)p[0] << 8;
    while (s >> 16)
        s = (s & 0xffffu) + (s >> 16);
    return (uint16_t)s;
}

int hv_vsw_parse(const void *frame, size_t len, struct hv_vsw_hdr *h,
                 enum hv_vsw_drop *why)
{
    return vsw_parse(frame, len, h, why);
}

const char *hv_vsw_drop_name(enum hv_vsw_drop why)
{
    static const char *const names[HV_VSW_DROP_COUNT] = {
        [HV_VSW_DROP_TRUNCATED] = "truncated",
        [HV_VSW_DROP_BAD_LEN] = "bad-length",
        [HV_VSW_DROP_BAD_CSUM] = "bad-checksum",
        [HV_VSW_DROP_OVERSIZE] = "oversize",
        [HV_VSW_DROP_BAD_VLAN] = "bad-vlan",
        [HV_VSW_DROP_VLAN_DENIED] = "vlan-denied",
        [HV_VSW_DROP_BAD_SRC] = "bad-source",
        [HV_VSW_DROP_SPOOF_MAC] = "spoof-mac",
        [HV_VSW_DROP_SPOOF_IP] = "spoof-ip",
        [HV_VSW_DROP_SPOOF_ARP] = "spoof-arp",
        [HV_VSW_DROP_RULE] = "rule",
        [HV_VSW_DROP_STORM] = "storm",
        [HV_VSW_DROP_DEMUX] = "demux",
        [HV_VSW_DROP_LOCAL] = "local",
        [HV_VSW_DROP_NO_ROOM] = "no-room",
        [HV_VSW_DROP_NO_DEST] = "no-destination",
    };
    if ((unsigned)why >= HV_VSW_DROP_COUNT)
        return "?";
    return names[why];
}
