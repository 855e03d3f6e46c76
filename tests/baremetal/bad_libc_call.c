/*
 * A deliberately broken library for the link test's self-test: it calls
 * strlen, which no bare-metal libhv build provides. The 'link-selftest'
 * test expects check_link.py to reject it, proving the check can fail.
 */
#include <stddef.h>

size_t strlen(const char *s);
size_t bad_length(const char *s);

size_t bad_length(const char *s)
{
    return strlen(s);
}
