/*
 * Compiler helpers shared by every libhv library.
 *
 * Everything here is a macro or an attribute; nothing needs a runtime. The
 * header compiles as C11 and as C++ so that embedding programs written in
 * either language can include any public libhv header.
 */
#ifndef HV_COMPILER_H
#define HV_COMPILER_H

#include <stddef.h>

#ifdef __cplusplus
#define HV_EXTERN_C_BEGIN extern "C" {
#define HV_EXTERN_C_END   }
#else
#define HV_EXTERN_C_BEGIN
#define HV_EXTERN_C_END
#endif

/* Compile-time assertion, usable at file and block scope. */
#ifdef __cplusplus
#define HV_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define HV_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#define HV_UNUSED          __attribute__((unused))
#define HV_NORETURN        __attribute__((noreturn))
#define HV_PACKED          __attribute__((packed))
#define HV_ALIGNED(n)      __attribute__((aligned(n)))
#define HV_WEAK            __attribute__((weak))
#define HV_MUST_CHECK      __attribute__((warn_unused_result))
#define HV_PRINTF(fmt, va) __attribute__((format(printf, fmt, va)))

#define hv_likely(x)   __builtin_expect(!!(x), 1)
#define hv_unlikely(x) __builtin_expect(!!(x), 0)

/* Compiler-only barrier: no instruction, no reordering across it. */
#define hv_barrier() __asm__ __volatile__("" ::: "memory")

/* Number of elements of an array (not a pointer). */
#define HV_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The structure of type `type` whose member `member` is at `ptr`. */
#define HV_CONTAINER_OF(ptr, type, member) \
    ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define HV_MIN(a, b) ((a) < (b) ? (a) : (b))
#define HV_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Power-of-two alignment; `a` must be a power of two. */
#define HV_ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define HV_ALIGN_UP(x, a)   HV_ALIGN_DOWN((x) + ((__typeof__(x))(a)-1), (a))
#define HV_IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define HV_IS_POWER_OF_2(x) ((x) != 0 && ((x) & ((x)-1)) == 0)

/* Single, untorn accesses the compiler may neither merge nor elide. */
#define HV_READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define HV_WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define HV_STRINGIFY_(x) #x
#define HV_STRINGIFY(x)  HV_STRINGIFY_(x)

#endif /* HV_COMPILER_H */
