/*
 * Memory and string functions, written for builds without a C library.
 *
 * The copies move a machine word at a time once source and destination
 * are both word-aligned (the common case for frames and structures), and
 * fall back to bytes otherwise; no unaligned access is ever made, so the
 * code is also correct on AArch64 before the MMU is on, when unaligned
 * accesses fault. Words are read through a may_alias type so the
 * optimiser's strict-aliasing rules cannot reorder them against byte
 * accesses to the same memory.
 *
 * On x86-64, copies of HV_STRING_REP_MIN bytes or more run as `rep movsb`
 * instead: current CPUs execute it as a fast string move (ERMS), without
 * vector registers (the hypervisor is built with -mgeneral-regs-only), at
 * two to three times the word loop's rate for a 1500-byte frame; below
 * that length its start-up cost is not paid back on CPUs without fast
 * short moves (FSRM). The ABI keeps the direction flag clear, and the
 * x86-64 entry code clears it. Builds with AddressSanitizer keep the C
 * loop (below).
 *
 * This file is compiled with -fno-tree-loop-distribute-patterns (GCC): the
 * optimiser would otherwise recognise the loops below as memcpy/memset and
 * turn them into calls to the very functions being defined.
 */
#include <hv/err.h>
#include <hv/string.h>

typedef hv_word_t __attribute__((may_alias)) alias_word_t;

#define WORD_SIZE sizeof(hv_word_t)

#define HV_STRING_REP_MIN 256

/* AddressSanitizer does not see into inline assembly: its builds keep the
 * C loop, so that every copy is checked. */
#if defined(__SANITIZE_ADDRESS__)
#define STRING_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRING_ASAN 1
#endif
#endif

static bool both_aligned(const void *a, const void *b)
{
    return (((uintptr_t)a | (uintptr_t)b) & (WORD_SIZE - 1)) == 0;
}

void *hv_memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

#if defined(__x86_64__) && !defined(STRING_ASAN)
    if (n >= HV_STRING_REP_MIN) {
        __asm__ __volatile__("rep movsb"
                             : "+D"(d), "+S"(s), "+c"(n)
                             :
                             : "memory");
        return dst;
    }
#endif

    if (both_aligned(d, s)) {
        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            *(alias_word_t *)d = *(const alias_word_t *)s;
            d += WORD_SIZE;
            s += WORD_SIZE;
        }
    }
    while (n-- != 0)
        *d++ = *s++;
    return dst;
}

void *hv_memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* Copying forward is safe unless dst starts inside [src, src + n). */
    if ((uintptr_t)d - (uintptr_t)s >= n)
        return hv_memcpy(dst, src, n);

    d += n;
    s += n;
    if (both_aligned(d, s)) {
        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            d -= WORD_SIZE;
            s -= WORD_SIZE;
            *(alias_word_t *)d = *(const alias_word_t *)s;
        }
    }
    while (n-- != 0)
        *--d = *--s;
    return dst;
}

void *hv_memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    hv_word_t pattern = (unsigned char)c;

    pattern |= pattern << 8;
    pattern |= pattern << 16;
    pattern |= (uint64_t)pattern << 32;

    while (n != 0 && ((uintptr_t)d & (WORD_SIZE - 1)) != 0) {
        *d++ = (unsigned char)c;
        n--;
    }
    for (; n >= WORD_SIZE; n -= WORD_SIZE) {
        *(alias_word_t *)d = pattern;
        d += WORD_SIZE;
    }
    while (n-- != 0)
        *d++ = (unsigned char)c;
    return dst;
}

int hv_memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

void *hv_memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (size_t i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c)
            return (void *)(uintptr_t)(p + i);
    }
    return NULL;
}

size_t hv_strlen(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    return n;
}

size_t hv_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int hv_strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x != '\0' && *x == *y) {
        x++;
        y++;
    }
    return *x == *y ? 0 : (*x < *y ? -1 : 1);
}

int hv_strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
        if (x[i] == '\0')
            break;
    }
    return 0;
}

char *hv_strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)(uintptr_t)s;
        if (*s == '\0')
            return NULL;
    }
}

size_t hv_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = hv_strlen(src);

    if (size != 0) {
        size_t n = len < size - 1 ? len : size - 1;

        hv_memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

int hv_strtou64(const char *s, unsigned int base, uint64_t *out)
{
    uint64_t v = 0;

    if (base == 0) {
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            base = 16;
            s += 2;
        } else if (s[0] == '0' && s[1] != '\0') {
            base = 8;
            s += 1;
        } else {
            base = 10;
        }
    }
    if (base != 8 && base != 10 && base != 16)
        return HV_EINVAL;
    if (*s == '\0')
        return HV_EINVAL;

    for (; *s != '\0'; s++) {
        int d = digit_value(*s);

        if (d >= (int)base)
            return HV_EINVAL;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return HV_ERANGE;
        v = v * base + (uint64_t)d;
    }
    *out = v;
    return HV_OK;
}
