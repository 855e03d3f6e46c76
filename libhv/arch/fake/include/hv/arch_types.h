/*
 * <hv/arch_types.h> of the fake port: the core's view of a vCPU context
 * when it runs on the host for unit tests. The fake port never really
 * switches stacks; it records what the core asked for so tests can check
 * it (see libhv/arch/fake/include/hv/arch_fake.h).
 */
#ifndef HV_ARCH_TYPES_H
#define HV_ARCH_TYPES_H

#include <hv/base.h>

HV_EXTERN_C_BEGIN

#define HV_ARCH_NAME "fake"

struct arch_vcpu {
    void (*entry)(void *); /* thread entry given to arch_vcpu_init_thread */
    void *arg;
    void *stack;
    size_t stack_size;
    uint64_t switched_in; /* times arch_context_switch chose this context */
};

HV_EXTERN_C_END

#endif /* HV_ARCH_TYPES_H */
