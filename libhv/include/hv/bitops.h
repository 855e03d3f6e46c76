/*
 * Bit operations over arrays of machine words (bitmaps).
 *
 * Bit n of a bitmap is bit (n % HV_WORD_BITS) of word (n / HV_WORD_BITS),
 * least significant first, the layout of Xen's evtchn_pending[] and of
 * Linux bitmaps, so a bitmap shared with a guest means the same thing on
 * both sides.
 *
 * Plain operations (hv_bit_set ...) are for bitmaps the caller already
 * guards. Atomic operations (hv_bit_set_atomic ...) are single
 * read-modify-write instructions on the containing word, sequentially
 * consistent, safe against other CPUs and against a guest writing the same
 * shared word. They compile to inline code on every target (GCC's __atomic
 * builtins; bare-metal aarch64 builds pass -mno-outline-atomics so no
 * libgcc helper is needed).
 *
 * Bit indices are unsigned; callers check them against the bitmap size,
 * these functions do not.
 */
#ifndef HV_BITOPS_H
#define HV_BITOPS_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* Words needed for a bitmap of `bits` bits. */
#define HV_BITMAP_WORDS(bits) \
    (((bits) + (sizeof(hv_word_t) * 8) - 1) / (sizeof(hv_word_t) * 8))

/* Declare a bitmap: HV_BITMAP_DECLARE(pending, 4096); */
#define HV_BITMAP_DECLARE(name, bits) hv_word_t name[HV_BITMAP_WORDS(bits)]

static inline size_t hv_bit_word_(unsigned long bit)
{
    return bit / HV_WORD_BITS;
}

static inline hv_word_t hv_bit_mask_(unsigned long bit)
{
    return (hv_word_t)1 << (bit % HV_WORD_BITS);
}

/* ---- plain (non-atomic) ---- */

static inline void hv_bit_set(hv_word_t *map, unsigned long bit)
{
    map[hv_bit_word_(bit)] |= hv_bit_mask_(bit);
}

static inline void hv_bit_clear(hv_word_t *map, unsigned long bit)
{
    map[hv_bit_word_(bit)] &= ~hv_bit_mask_(bit);
}

static inline bool hv_bit_test(const hv_word_t *map, unsigned long bit)
{
    return (map[hv_bit_word_(bit)] & hv_bit_mask_(bit)) != 0;
}

/* Set the bit; return whether it was set before. */
static inline bool hv_bit_test_and_set(hv_word_t *map, unsigned long bit)
{
    bool old = hv_bit_test(map, bit);

    hv_bit_set(map, bit);
    return old;
}

/* Clear the bit; return whether it was set before. */
static inline bool hv_bit_test_and_clear(hv_word_t *map, unsigned long bit)
{
    bool old = hv_bit_test(map, bit);

    hv_bit_clear(map, bit);
    return old;
}

/* ---- atomic ---- */

static inline void hv_bit_set_atomic(hv_word_t *map, unsigned long bit)
{
    __atomic_fetch_or(&map[hv_bit_word_(bit)], hv_bit_mask_(bit),
                      __ATOMIC_SEQ_CST);
}

static inline void hv_bit_clear_atomic(hv_word_t *map, unsigned long bit)
{
    __atomic_fetch_and(&map[hv_bit_word_(bit)], ~hv_bit_mask_(bit),
                       __ATOMIC_SEQ_CST);
}

static inline bool hv_bit_test_atomic(const hv_word_t *map, unsigned long bit)
{
    return (__atomic_load_n(&map[hv_bit_word_(bit)], __ATOMIC_SEQ_CST) &
            hv_bit_mask_(bit)) != 0;
}

static inline bool hv_bit_test_and_set_atomic(hv_word_t *map, unsigned long bit)
{
    hv_word_t mask = hv_bit_mask_(bit);

    return (__atomic_fetch_or(&map[hv_bit_word_(bit)], mask, __ATOMIC_SEQ_CST) &
            mask) != 0;
}

static inline bool hv_bit_test_and_clear_atomic(hv_word_t *map,
                                                unsigned long bit)
{
    hv_word_t mask = hv_bit_mask_(bit);

    return (__atomic_fetch_and(&map[hv_bit_word_(bit)], ~mask,
                               __ATOMIC_SEQ_CST) &
            mask) != 0;
}

/* ---- single words ---- */

/* Index of the least significant set bit; `w` must be non-zero. */
static inline unsigned int hv_word_ffs(hv_word_t w)
{
    return (unsigned int)__builtin_ctzl(w);
}

/* Index of the most significant set bit; `w` must be non-zero. */
static inline unsigned int hv_word_fls(hv_word_t w)
{
    return HV_WORD_BITS - 1 - (unsigned int)__builtin_clzl(w);
}

/*
 * Number of set bits. Written out rather than __builtin_popcountl, which
 * becomes a call into libgcc on x86-64 without POPCNT.
 */
static inline unsigned int hv_word_weight(hv_word_t w)
{
    uint64_t v = (uint64_t)w;

    v = v - ((v >> 1) & 0x5555555555555555ULL);
    v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
    v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned int)((v * 0x0101010101010101ULL) >> 56);
}

/* ---- whole bitmaps (bitops.c) ---- */

/*
 * hv_bitmap_find_next_set() - first set bit at index >= `start`.
 * Return: its index, or `bits` when there is none (also when start >= bits).
 */
unsigned long hv_bitmap_find_next_set(const hv_word_t *map, unsigned long bits,
                                      unsigned long start);

/* As hv_bitmap_find_next_set(), for a clear bit. */
unsigned long hv_bitmap_find_next_zero(const hv_word_t *map, unsigned long bits,
                                       unsigned long start);

static inline unsigned long hv_bitmap_find_first_set(const hv_word_t *map,
                                                     unsigned long bits)
{
    return hv_bitmap_find_next_set(map, bits, 0);
}

static inline unsigned long hv_bitmap_find_first_zero(const hv_word_t *map,
                                                      unsigned long bits)
{
    return hv_bitmap_find_next_zero(map, bits, 0);
}

/* Number of set bits among the first `bits`. */
unsigned long hv_bitmap_weight(const hv_word_t *map, unsigned long bits);

/* Set / clear the `count` bits starting at `start` (plain). */
void hv_bitmap_set_range(hv_word_t *map, unsigned long start,
                         unsigned long count);
void hv_bitmap_clear_range(hv_word_t *map, unsigned long start,
                           unsigned long count);

/* Iterate over the set bits of a bitmap of `bits` bits. */
#define hv_bitmap_for_each_set(bit, map, bits)                              \
    for ((bit) = hv_bitmap_find_next_set((map), (bits), 0); (bit) < (bits); \
         (bit) = hv_bitmap_find_next_set((map), (bits), (bit) + 1))

HV_EXTERN_C_END

#endif /* HV_BITOPS_H */
