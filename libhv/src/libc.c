/*
 * The four C library symbols a freestanding GCC or Clang may still call.
 *
 * -ffreestanding stops the compiler from assuming a C library, but both
 * compilers may emit calls to memcpy, memmove, memset and memcmp for
 * structure assignment, large initialisers and similar code. Bare-metal
 * builds of the base library therefore define them here, on top of the
 * hv_ versions; hosted builds do not compile this file and use libc's.
 */
#include <hv/string.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    return hv_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
    return hv_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
    return hv_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
    return hv_memcmp(a, b, n);
}
