/*
 * Big-endian loads and stores on byte pointers, for wire headers that sit
 * at arbitrary alignment inside guest frames; and native-order loads of
 * raw frame bytes, for the verdict cache's key (flow.h), which compares
 * and hashes them but never interprets them. Private to libhv-net.
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

/* Native-order loads at any alignment (one load where the target allows
 * unaligned access; bytes with -mstrict-align). */
typedef uint64_t net_u64_any __attribute__((aligned(1), may_alias));
typedef uint32_t net_u32_any __attribute__((aligned(1), may_alias));
typedef uint16_t net_u16_any __attribute__((aligned(1), may_alias));

static inline uint64_t net_ld64(const uint8_t *p)
{
    return *(const net_u64_any *)p;
}

static inline uint32_t net_ld32(const uint8_t *p)
{
    return *(const net_u32_any *)p;
}

/* Byte-order constants for native loads: the mask keeping the first 6
 * of 8 bytes, the shift of the 16 bits it clears (where a tagged frame's
 * k[0] holds the VID), the IPv4 fragment offset bits of the flags/offset field,
 * the shift of the first 16-bit field of an 8-byte word, and the first three
 * bytes of a 32-bit load being 08 00 45 (IPv4 type, version 4 and a 20-byte
 * header) as a mask and value. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VSW_LD48_MASK     0xffffffffffff0000ull
#define VSW_LD48_FREE     0
#define VSW_FRAG_MASK     0x1fffu
#define VSW_FIRST16_SHIFT 48
#define VSW_V4_MASK       0xffffff00u
#define VSW_V4            0x08004500u
#else
#define VSW_LD48_MASK     0x0000ffffffffffffull
#define VSW_LD48_FREE     48
#define VSW_FRAG_MASK     0xff1fu
#define VSW_FIRST16_SHIFT 0
#define VSW_V4_MASK       0x00ffffffu
#define VSW_V4            0x00450008u
#endif

/* net_ld64(p) & VSW_LD48_MASK, reading only p[0..5]. */
static inline uint64_t net_ld48(const uint8_t *p)
{
    union {
        uint64_t v;
        uint8_t b[8];
    } u = {0};
    for (int i = 0; i < 6; i++)
        u.b[i] = p[i];
    return u.v;
}

#endif /* HV_NET_BYTES_H */
