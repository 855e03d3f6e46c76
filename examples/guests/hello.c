/*
 * hello: an EL1 guest that prints through the console_io hypercall, asks
 * for its time (the virtual counter, and the vcpu_time_info record in its
 * shared_info page, which must agree), sleeps and yields through
 * hypercalls, checks that the hypervisor refuses what it must (an
 * unknown hypercall, a buffer outside its memory), then receives events
 * as a virtual interrupt: its IRQ handler takes the pending ports from
 * the shared_info page the hypervisor mapped at SHARED_IPA, as a Xen PV
 * guest's upcall handler does.
 */
#include "guest.h"

#define SHARED_IPA 0x10000ull /* where the recipe maps shared_info */

/* The parts of Xen's shared_info this guest reads (xen.h layout). */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad[6];
    uint64_t evtchn_pending_sel;
};
/* vcpu_info.time (Xen's vcpu_time_info, at offset 32 of vcpu_info 0). */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
#define SH_TIME    32   /* offsetof(vcpu_info, time) */
#define SH_PENDING 2048 /* offsetof(shared_info, evtchn_pending) */
#define SH_MASK    2560 /* offsetof(shared_info, evtchn_mask) */

void guest_main(void);
void guest_irq(void);
extern char guest_vectors[];

static volatile long events;

void guest_irq(void)
{
    struct vcpu_info *vi = (struct vcpu_info *)SHARED_IPA;
    uint64_t *pending = (uint64_t *)(SHARED_IPA + SH_PENDING);
    uint64_t *mask = (uint64_t *)(SHARED_IPA + SH_MASK);

    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    uint64_t sel =
        __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzll(sel);
        sel &= sel - 1;
        uint64_t bits = __atomic_load_n(&pending[w], __ATOMIC_SEQ_CST) &
                        ~__atomic_load_n(&mask[w], __ATOMIC_SEQ_CST);
        while (bits) {
            unsigned int b = (unsigned int)__builtin_ctzll(bits);
            bits &= bits - 1;
            __atomic_fetch_and(&pending[w], ~(1ull << b), __ATOMIC_SEQ_CST);
            events++;
            /* The hypercall also lets the hypervisor drop the IRQ line. */
            guest_say("guest: virtual IRQ: event on port ", (long)(w * 64 + b),
                      "");
        }
    }
}

/* Counter ticks to ns with the record's scale: (d << shift) * mul >> 32
 * (a right shift for a negative shift), without a 128-bit product. */
static uint64_t pv_scale(uint64_t d, uint32_t mul, int shift)
{
    d = shift >= 0 ? d << shift : d >> -shift;
    return (d >> 32) * mul + (((d & 0xffffffffull) * mul) >> 32);
}

/* ns since the hypervisor booted, from vcpu_time_info and the counter
 * (the record is refreshed at every entry; retry while it changes). */
static uint64_t pv_now(void)
{
    volatile struct vcpu_time_info *t =
        (volatile struct vcpu_time_info *)(SHARED_IPA + SH_TIME);
    uint64_t stamp, sys, c;
    uint32_t v, mul;
    int shift;

    do {
        v = __atomic_load_n(&t->version, __ATOMIC_ACQUIRE);
        stamp = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        __asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(c));
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != t->version);
    return sys + pv_scale(c - stamp, mul, shift);
}

void guest_main(void)
{
    uint64_t t0 = guest_now();

    guest_say("guest: hello from EL1 at ", (long)(t0 / 1000000), " ms");
    for (long i = 1; i <= 3; i++) {
        guest_sleep_until(guest_now() + 200000000ull);
        guest_say("guest: tick ", i, "");
    }
    guest_say("guest: yield -> ", hvc(HC_sched_op, SCHEDOP_yield, 0, 0), "");
    /* Its time asked of the shared_info record, checked against the
     * counter (read right after it, so never behind). */
    uint64_t pv = pv_now();
    uint64_t cnt = guest_now();
    guest_say("guest: vcpu_time_info says ", (long)(pv / 1000000), " ms");
    guest_say("guest: the counter read after it is ahead by ", (long)(cnt - pv),
              " ns");
    {
        volatile struct vcpu_time_info *t =
            (volatile struct vcpu_time_info *)(SHARED_IPA + SH_TIME);
        uint64_t f;
        __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
        guest_say("guest: vcpu_time_info scale: 1 s of counter = ",
                  (long)pv_scale(f, t->tsc_to_system_mul, t->tsc_shift), " ns");
    }
    /* Hypercall round trips (a refused number: the trap, dispatch and
     * return, nothing else) per second of guest time. */
    uint64_t t1 = guest_now();
    for (int i = 0; i < 2000; i++)
        hvc(99, 0, 0, 0);
    uint64_t dt = guest_now() - t1;
    guest_say("guest: 2000 hypercalls in ", (long)(dt / 1000), " us");
    guest_say("guest: hypercall round trips per second: ",
              dt ? (long)(2000ull * 1000000000ull / dt) : 0, "");
    guest_say("guest: unknown hypercall 99 -> ", hvc(99, 0, 0, 0), "");
    guest_say("guest: console_io from outside my memory -> ",
              guest_write((const char *)0x40000000, 16), "");
    guest_say("guest: console_io of 4096 bytes -> ",
              hvc(HC_console_io, CONSOLEIO_write, 4096, 0), "");
    /* Starts in the shared page, ends past it, where nothing is mapped. */
    guest_say("guest: console_io across the end of my map -> ",
              guest_write((const char *)(SHARED_IPA + 4096 - 8), 16), "");
    guest_say("guest: done after ", (long)((guest_now() - t0) / 1000000),
              " ms");

    /* Events from now on arrive as the virtual IRQ: vectors, IRQs
     * unmasked, then event upcalls unmasked (Xen's evtchn_upcall_mask). */
    __asm__ __volatile__("msr vbar_el1, %0\n\tisb\n\tmsr daifclr, #2" ::"r"(
                             (uint64_t)(uintptr_t)guest_vectors)
                         : "memory");
    __atomic_store_n(&((struct vcpu_info *)SHARED_IPA)->evtchn_upcall_mask, 0,
                     __ATOMIC_SEQ_CST);
    while (events < 3)
        guest_sleep_until(guest_now() + 1000000000ull);
    guest_say("guest: ", events, " events received");
    for (;;)
        guest_sleep_until(guest_now() + 1000000000ull);
}
