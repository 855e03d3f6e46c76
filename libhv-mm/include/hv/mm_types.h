/*
 * <hv/mm_types.h>: typed wrappers for the three kinds of memory numbers.
 *
 * A machine frame number, a guest (pseudo-physical) frame number and a
 * machine byte address are all 64-bit integers, and mixing them up is a
 * security bug: a guest frame number used as a machine frame maps someone
 * else's memory. So each lives in its own one-member struct (as Hafnium's
 * paddr_t / ipaddr_t / vaddr_t do); the compiler refuses to pass one where
 * another is expected, and the conversions below are the only way across.
 * They compile to nothing.
 */
#ifndef HV_MM_TYPES_H
#define HV_MM_TYPES_H

#include <hv/param.h>
#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* A machine frame number: machine address >> HV_PAGE_SHIFT. */
typedef struct {
    uint64_t v;
} hv_mfn_t;

/* A guest pseudo-physical frame number (an index into a domain's P2M). */
typedef struct {
    uint64_t v;
} hv_gfn_t;

/* A machine (host-physical) byte address. */
typedef struct {
    uint64_t v;
} hv_paddr_t;

/* "No frame": the value the M2P and P2M hold for an unmapped entry. */
#define HV_MM_INVALID_FRAME (~(uint64_t)0)

static inline hv_mfn_t hv_mfn(uint64_t v)
{
    hv_mfn_t m;

    m.v = v;
    return m;
}

static inline uint64_t hv_mfn_val(hv_mfn_t m)
{
    return m.v;
}

static inline hv_gfn_t hv_gfn(uint64_t v)
{
    hv_gfn_t g;

    g.v = v;
    return g;
}

static inline uint64_t hv_gfn_val(hv_gfn_t g)
{
    return g.v;
}

static inline hv_paddr_t hv_paddr(uint64_t v)
{
    hv_paddr_t p;

    p.v = v;
    return p;
}

static inline uint64_t hv_paddr_val(hv_paddr_t p)
{
    return p.v;
}

/* The frame holding a machine address. */
static inline hv_mfn_t hv_paddr_to_mfn(hv_paddr_t p)
{
    return hv_mfn(p.v >> HV_PAGE_SHIFT);
}

/* The machine address of the first byte of a frame. */
static inline hv_paddr_t hv_mfn_to_paddr(hv_mfn_t m)
{
    return hv_paddr(m.v << HV_PAGE_SHIFT);
}

static inline bool hv_mfn_eq(hv_mfn_t a, hv_mfn_t b)
{
    return a.v == b.v;
}

HV_EXTERN_C_END

#endif /* HV_MM_TYPES_H */
