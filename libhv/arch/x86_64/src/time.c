/*
 * Clock and timer: the TSC counts time, the local APIC timer interrupts.
 *
 * The clock. arch_time_now() is the TSC since x86_start() converted to
 * nanoseconds as ns = (ticks * mult) >> 32, with mult = 2^32 * 10^9 / f
 * computed once. The product is taken in 128 bits, so it cannot overflow
 * at any uptime: the result only leaves 64 bits after 2^64 ns (584 years).
 * mult has 30+ significant bits for any TSC below 4 GHz, so the rounding
 * error is below one part in 10^9. The TSC is assumed to run at a constant
 * rate (invariant TSC, true of every x86_64 CPU of the last 15 years and of
 * QEMU) and to be the only CPU's (no SMP yet).
 *
 * The timer. The local APIC timer runs in one-shot mode, divided by 16:
 * arch_timer_set() writes the number of APIC ticks until the deadline to
 * the initial-count register, rounded up. The 32-bit counter cannot reach
 * every deadline (at 1 GHz / 16 it spans 68 s), and the two calibrations
 * differ slightly, so the interrupt handler compares the clock with the
 * deadline: before it, it re-arms for the rest and returns; at or after
 * it, it calls hv_timer_interrupt(). The core therefore never sees an
 * interrupt before its deadline. HV_TIME_MAX writes 0, which stops the
 * counter.
 *
 * Calibration. Both frequencies are measured against the 8254 PIT
 * (1.193182 MHz, a fixed crystal on every PC and in QEMU): channel 2, its
 * gate opened through port 0x61, counts down freely in mode 0; the count is
 * read (latched) at a tick edge and again 10 ms of ticks later, with the
 * TSC and the APIC counter read beside each. Reading the count, rather than
 * waiting for the output bit, makes the measurement independent of when
 * the polling loop starts (under QEMU's TCG the first iterations can lag
 * by milliseconds). The loops are bounded by a TSC budget, so a missing
 * PIT cannot hang the boot.
 *
 * The 8259 PICs are remapped to vectors 0x20-0x2f (away from the
 * exceptions) and fully masked: every interrupt comes through the APIC.
 */
#include "x86.h"

/* Local APIC registers (byte offsets in its 4 KiB page). */
#define APIC_TPR         0x080
#define APIC_EOI         0x0b0
#define APIC_SVR         0x0f0
#define APIC_LVT_TIMER   0x320
#define APIC_TIMER_INIT  0x380
#define APIC_TIMER_CUR   0x390
#define APIC_TIMER_DIV   0x3e0
#define APIC_LVT_MASKED  (1u << 16)
#define APIC_DIV_16      0x3
#define MSR_APIC_BASE    0x1b
#define APIC_BASE_ENABLE (1u << 11)

#define PIT_HZ          1193182u
#define CALIBRATE_TICKS (PIT_HZ / 100) /* 10 ms */

static volatile uint32_t *lapic;
static uint64_t tsc_at_boot;
static uint64_t tsc_hz, lapic_hz;
static uint64_t ns_mult;    /* ns = (tsc delta * ns_mult) >> 32 */
static uint64_t lapic_mult; /* apic ticks = (ns * lapic_mult) >> 32 */
static hv_time_t timer_deadline = HV_TIME_MAX;

static uint32_t apic_read(unsigned int reg)
{
    return lapic[reg / 4];
}

static void apic_write(unsigned int reg, uint32_t v)
{
    lapic[reg / 4] = v;
}

void x86_time_mark_boot(void)
{
    tsc_at_boot = rdtsc();
}

void x86_pic_disable(void)
{
    /* ICW1: init, ICW4 follows; ICW2: vector base; ICW3: cascade on IRQ 2;
     * ICW4: 8086 mode. Then mask everything. */
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, X86_VEC_PIC_BASE);
    outb(0xa1, X86_VEC_PIC_BASE + 8);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void x86_apic_init(void)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (!(d & (1u << 9)))
        hv_panic("x86_64: this CPU has no local APIC");

    uint64_t base_msr = rdmsr(MSR_APIC_BASE);
    if (base_msr & (1u << 10))
        hv_panic("x86_64: the firmware left the local APIC in x2APIC mode, "
                 "which this port does not drive yet");
    uint64_t base = base_msr & 0x000ffffffffff000ull;
    if (base + 4096 > x86_directmap_end)
        hv_panic("x86_64: local APIC at %#lx is outside the direct map",
                 (unsigned long)base);
    wrmsr(MSR_APIC_BASE, base_msr | APIC_BASE_ENABLE);
    x86_map_uncached(base);
    lapic = x86_phys_to_virt(base);

    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, 0x100 | X86_VEC_SPURIOUS); /* software enable */
    apic_write(APIC_TIMER_DIV, APIC_DIV_16);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | X86_VEC_TIMER);
    apic_write(APIC_TIMER_INIT, 0);
}

void x86_apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

/* Channel 2's current count, latched so that both bytes match. */
static uint16_t pit2_count(void)
{
    outb(0x43, 0x80); /* latch channel 2 */
    uint8_t lo = inb(0x42);
    uint8_t hi = inb(0x42);
    return (uint16_t)(lo | hi << 8);
}

void x86_time_init(void)
{
    /* Channel 2: gate on (bit 0), speaker off (bit 1); mode 0, binary,
     * initial count 0 = 65536 ticks (55 ms) of free count-down. */
    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
    outb(0x43, 0xb0);
    outb(0x42, 0);
    outb(0x42, 0);
    apic_write(APIC_TIMER_INIT, 0xffffffffu);

    /* Start on a PIT tick edge, stop CALIBRATE_TICKS ticks later. */
    uint64_t budget = rdtsc();
    uint16_t c0 = pit2_count(), c1;
    bool ok = false;
    while (rdtsc() - budget < 100000000000ull) { /* ~30 s at 3 GHz */
        if ((c1 = pit2_count()) != c0) {
            ok = true;
            break;
        }
    }
    c0 = c1;
    uint64_t t0 = rdtsc();
    uint32_t a0 = apic_read(APIC_TIMER_CUR);
    uint64_t t1 = t0;
    uint32_t a1 = a0;
    while (ok) {
        c1 = pit2_count();
        t1 = rdtsc();
        a1 = apic_read(APIC_TIMER_CUR);
        if (c1 > c0 || (uint16_t)(c0 - c1) >= CALIBRATE_TICKS)
            break;
        if (t1 - t0 > 100000000000ull)
            ok = false;
    }
    apic_write(APIC_TIMER_INIT, 0);
    if (!ok || c1 > c0)
        hv_panic("x86_64: the PIT does not count down; cannot calibrate");

    uint64_t ticks = (uint16_t)(c0 - c1);
    tsc_hz = (t1 - t0) * PIT_HZ / ticks;
    lapic_hz = (uint64_t)(a0 - a1) * PIT_HZ / ticks;
    if (tsc_hz < 1000000 || lapic_hz < 10000 || lapic_hz >= (1ull << 32))
        hv_panic("x86_64: implausible calibration: TSC %lu Hz, APIC timer "
                 "%lu Hz",
                 (unsigned long)tsc_hz, (unsigned long)lapic_hz);
    ns_mult = (1000000000ull << 32) / tsc_hz;
    lapic_mult = (lapic_hz << 32) / 1000000000ull + 1;

    apic_write(APIC_LVT_TIMER, X86_VEC_TIMER); /* one-shot, unmasked */
    x86_printf("x86_64: TSC %lu kHz, APIC timer %lu kHz (PIT-calibrated)\n",
               (unsigned long)(tsc_hz / 1000),
               (unsigned long)(lapic_hz / 1000));
}

hv_time_t arch_time_now(void)
{
    uint64_t delta = rdtsc() - tsc_at_boot;
    return (hv_time_t)(((unsigned __int128)delta * ns_mult) >> 32);
}

static void timer_program(hv_time_t deadline)
{
    hv_time_t now = arch_time_now();
    uint64_t ticks = 1; /* a deadline already passed: as soon as possible */
    if (deadline > now) {
        unsigned __int128 t =
            (unsigned __int128)(uint64_t)(deadline - now) * lapic_mult;
        /* rounded up, so the interrupt is never early on this count */
        ticks = (uint64_t)HV_MIN(t >> 32, (unsigned __int128)0xfffffffeu) + 1;
    }
    apic_write(APIC_TIMER_INIT, (uint32_t)ticks);
}

void arch_timer_set(hv_time_t deadline)
{
    timer_deadline = deadline;
    if (deadline == HV_TIME_MAX) {
        apic_write(APIC_TIMER_INIT, 0);
        return;
    }
    timer_program(deadline);
}

void x86_timer_interrupt(void)
{
    x86_apic_eoi();
    if (timer_deadline == HV_TIME_MAX)
        return; /* cancelled after it had fired */
    if (arch_time_now() < timer_deadline) {
        timer_program(timer_deadline);
        return;
    }
    timer_deadline = HV_TIME_MAX;
    hv_timer_interrupt();
}
