/* Shared set-up for the core's host tests (fake arch port). */
#ifndef CORE_TEST_HARNESS_H
#define CORE_TEST_HARNESS_H

#include <hv/arch_fake.h>
#include <hv/console.h>
#include <hv/core.h>
#include <hv/hypercall.h>
#include <hv/image.h>

/* Physical address and size of the fake RAM the core manages. */
#define FAKE_RAM_BASE 0x1000000ULL
#define FAKE_RAM_SIZE (32ULL << 20)

/* Boot the core once per process over fake RAM, with round-robin. */
void harness_boot(void);

/* A vCPU entry that never runs under the fake port (no real switches). */
void harness_entry(struct hv_vcpu *self, void *arg);

#endif
