/*
 * Memory and string functions for every libhv build.
 *
 * Libraries call these rather than the C library's, so the same code runs
 * with and without a libc. In bare-metal builds the base library also
 * defines memcpy, memmove, memset and memcmp (on top of these), because
 * the compiler may emit calls to them for structure copies even with
 * -ffreestanding; hosted builds leave those to the C library.
 *
 * Semantics are those of the C functions of the same name without the
 * prefix; hv_strlcpy is BSD strlcpy (always terminates when size > 0,
 * returns strlen(src)).
 */
#ifndef HV_STRING_H
#define HV_STRING_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

void *hv_memcpy(void *dst, const void *src, size_t n);
void *hv_memmove(void *dst, const void *src, size_t n);
void *hv_memset(void *dst, int c, size_t n);
int hv_memcmp(const void *a, const void *b, size_t n);
void *hv_memchr(const void *s, int c, size_t n);

size_t hv_strlen(const char *s);
size_t hv_strnlen(const char *s, size_t max);
int hv_strcmp(const char *a, const char *b);
int hv_strncmp(const char *a, const char *b, size_t n);
char *hv_strchr(const char *s, int c);
size_t hv_strlcpy(char *dst, const char *src, size_t size);

/*
 * hv_strtou64() - parse an unsigned integer, strictly.
 * @s:    the text; the whole string must be the number
 * @base: 10, 16, 8, or 0 to accept a "0x" (hex) or "0" (octal) prefix
 * @out:  the value, written only on success
 *
 * Unlike strtoul there is no leading whitespace, sign or trailing text:
 * it is meant for command lines and configuration from untrusted sources.
 * Return: HV_OK; HV_EINVAL for an empty string, a bad digit or a bad base;
 * HV_ERANGE when the value does not fit 64 bits.
 */
int hv_strtou64(const char *s, unsigned int base, uint64_t *out);

HV_EXTERN_C_END

#endif /* HV_STRING_H */
