/*
 * Whole-bitmap searches and range updates.
 *
 * Searches look at one word at a time: the first word is masked so bits
 * below `start` are ignored, the last so bits at or above `bits` are, and
 * hv_word_ffs() finds the answer inside a word. A search for a clear bit is
 * a search for a set bit in the inverted word. Cost: O(bits / word size).
 */
#include <hv/bitops.h>

/* Mask of the bits at index >= (bit % HV_WORD_BITS) within a word. */
static hv_word_t mask_from(unsigned long bit)
{
    return ~(hv_word_t)0 << (bit % HV_WORD_BITS);
}

static unsigned long find_next(const hv_word_t *map, unsigned long bits,
                               unsigned long start, hv_word_t invert)
{
    size_t i;
    size_t words = HV_BITMAP_WORDS(bits);
    hv_word_t w;

    if (start >= bits)
        return bits;
    i = start / HV_WORD_BITS;
    w = (map[i] ^ invert) & mask_from(start);
    for (;;) {
        if (w != 0) {
            unsigned long found = i * HV_WORD_BITS + hv_word_ffs(w);

            return found < bits ? found : bits;
        }
        if (++i >= words)
            return bits;
        w = map[i] ^ invert;
    }
}

unsigned long hv_bitmap_find_next_set(const hv_word_t *map, unsigned long bits,
                                      unsigned long start)
{
    return find_next(map, bits, start, 0);
}

unsigned long hv_bitmap_find_next_zero(const hv_word_t *map, unsigned long bits,
                                       unsigned long start)
{
    return find_next(map, bits, start, ~(hv_word_t)0);
}

unsigned long hv_bitmap_weight(const hv_word_t *map, unsigned long bits)
{
    unsigned long full = bits / HV_WORD_BITS;
    unsigned long n = 0;

    for (unsigned long i = 0; i < full; i++)
        n += hv_word_weight(map[i]);
    if (bits % HV_WORD_BITS != 0)
        n += hv_word_weight(map[full] & ~mask_from(bits));
    return n;
}

void hv_bitmap_set_range(hv_word_t *map, unsigned long start,
                         unsigned long count)
{
    while (count != 0) {
        size_t i = start / HV_WORD_BITS;
        unsigned long offset = start % HV_WORD_BITS;
        unsigned long span = HV_WORD_BITS - offset;
        hv_word_t mask = mask_from(start);

        if (count < span) {
            mask &= ~mask_from(start + count);
            span = count;
        }
        map[i] |= mask;
        start += span;
        count -= span;
    }
}

void hv_bitmap_clear_range(hv_word_t *map, unsigned long start,
                           unsigned long count)
{
    while (count != 0) {
        size_t i = start / HV_WORD_BITS;
        unsigned long offset = start % HV_WORD_BITS;
        unsigned long span = HV_WORD_BITS - offset;
        hv_word_t mask = mask_from(start);

        if (count < span) {
            mask &= ~mask_from(start + count);
            span = count;
        }
        map[i] &= ~mask;
        start += span;
        count -= span;
    }
}
