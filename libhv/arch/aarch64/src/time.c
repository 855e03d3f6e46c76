/*
 * Clock and timer: the generic timer's counter (CNTPCT_EL0) counts time,
 * the EL2 physical timer (CNTHP_*_EL2) interrupts.
 *
 * The clock. arch_time_now() is the counter since a64_start() in
 * nanoseconds. The counter runs at CNTFRQ_EL0 Hz (62.5 MHz on QEMU 7.2's
 * virt; firmware sets it on hardware); ns = whole seconds * 10^9 + the
 * remainder's ticks * 10^9 / f, which stays within 64 bits for any f below
 * 18 GHz and any uptime, without a 128-bit division (freestanding: no
 * libgcc). The counter is the same for every CPU and never stops.
 *
 * The timer. arch_timer_set() converts the deadline back to an absolute
 * counter value, rounded up (so the interrupt never comes before the
 * deadline in arch_time_now() time), writes CNTHP_CVAL_EL2 and enables the
 * timer; HV_TIME_MAX disables it. The timer is level-triggered: its
 * output stays asserted while CNTPCT >= CVAL and it is enabled, so the
 * handler disables it first, ends the interrupt at the GIC, then calls the
 * core, which arms the next deadline (this order also matters because the
 * core may switch threads from inside the handler, and the GIC must not
 * wait for that thread to run again before delivering the next tick).
 * The PPI is the fourth of the device tree's timer interrupts (INTID 26 on
 * QEMU virt).
 */
#include "a64.h"

#define CNT_ENABLE (1u << 0)

static uint64_t freq;
static uint64_t boot_count;
static hv_time_t armed = HV_TIME_MAX;
static uint64_t early_irqs;

static inline uint64_t counter(void)
{
    isb(); /* no speculative read ahead of earlier instructions */
    return read_sysreg(cntpct_el0);
}

void a64_time_mark_boot(void)
{
    freq = read_sysreg(cntfrq_el0);
    if (freq == 0)
        freq = 62500000; /* QEMU's value; firmware should have set it */
    boot_count = counter();
}

uint64_t a64_counter_at_boot(void)
{
    return boot_count;
}

uint64_t a64_counter_freq(void)
{
    return freq;
}

uint64_t a64_ticks_to_ns(uint64_t t)
{
    return (t / freq) * 1000000000ull + (t % freq) * 1000000000ull / freq;
}

hv_time_t arch_time_now(void)
{
    return (hv_time_t)a64_ticks_to_ns(counter() - boot_count);
}

void arch_timer_set(hv_time_t deadline)
{
    uint64_t ns, ticks;

    armed = deadline;
    if (deadline == HV_TIME_MAX) {
        write_sysreg(cnthp_ctl_el2, 0);
        isb();
        return;
    }
    ns = deadline > 0 ? (uint64_t)deadline : 0;
    ticks = (ns / 1000000000ull) * freq +
            ((ns % 1000000000ull) * freq + 999999999ull) / 1000000000ull;
    write_sysreg(cnthp_cval_el2, boot_count + ticks);
    write_sysreg(cnthp_ctl_el2, CNT_ENABLE);
    isb();
}

void a64_time_init(void)
{
    write_sysreg(cnthp_ctl_el2, 0);
    /* EL1 may read the physical counter (for guests to come). */
    write_sysreg(cnthctl_el2, read_sysreg(cnthctl_el2) | 3);
    isb();
}

/* Called by traps.c with the timer's interrupt acknowledged (intid). */
void a64_timer_interrupt(unsigned int intid)
{
    write_sysreg(cnthp_ctl_el2, 0); /* drop the level */
    isb();
    a64_gic_eoi(intid);
    if (armed == HV_TIME_MAX) {
        early_irqs++;
        return;
    }
    armed = HV_TIME_MAX;
    hv_timer_interrupt();
}
