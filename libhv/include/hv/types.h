/*
 * Fixed-width types for every libhv library.
 *
 * The compiler's freestanding headers (<stdint.h>, <stddef.h>, <stdbool.h>)
 * are available with -ffreestanding and need no libc; libhv uses them rather
 * than inventing its own spellings. What is added here are the few types
 * the C standard has no name for.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <hv/compiler.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

HV_EXTERN_C_BEGIN

/* Signed counterpart of size_t: a byte count or a negative hv_err. */
typedef ptrdiff_t hv_ssize_t;

/* A domain identifier, as in Xen's domid_t. */
typedef uint16_t hv_domid_t;

/* The machine word the bit operations work on. */
typedef unsigned long hv_word_t;
#define HV_WORD_BITS ((unsigned int)(sizeof(hv_word_t) * 8))

HV_STATIC_ASSERT(sizeof(uint64_t) == 8, "uint64_t is 8 bytes");
HV_STATIC_ASSERT(sizeof(void *) == sizeof(uintptr_t), "pointers fit uintptr_t");
HV_STATIC_ASSERT(sizeof(hv_word_t) == sizeof(void *),
                 "a word is pointer-sized (LP64 on every libhv target)");

HV_EXTERN_C_END

#endif /* HV_TYPES_H */
