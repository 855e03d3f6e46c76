/*
 * Big-endian loads and stores on byte pointers, for wire headers that sit
 * at arbitrary alignment inside guest frames. Private to libhv-net.
 */
#ifndef HV_NET_BYTES_H
#define HV_NET_BYTES_H

#include <hv/types.h>

static inline uint16_t net_get16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t net_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline void net_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void net_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/*
 * A MAC address as a 48-bit integer, in an order private to the switch
 * (for equality and hashing only). Written as byte loads that compilers
 * merge into one 32-bit and one 16-bit load where unaligned loads are
 * allowed (x86_64, hosted AArch64); with -mstrict-align they stay bytes.
 */
static inline uint64_t net_mac_key(const uint8_t *p)
{
    uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                  (uint32_t)p[3] << 24;
    uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8;
    return (uint64_t)hi << 32 | lo;
}

static inline bool net_mac_eq(const uint8_t *a, const uint8_t *b)
{
    return net_mac_key(a) == net_mac_key(b);
}

static inline void net_mac_copy(uint8_t *dst, const uint8_t *src)
{
    for (int i = 0; i < 6; i++)
        dst[i] = src[i];
}

#endif /* HV_NET_BYTES_H */
