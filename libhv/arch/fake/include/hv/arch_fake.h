/*
 * <hv/arch_fake.h>: controls of the fake arch port, for host tests of the
 * core. Time stands still until the test moves it; the timer, the console
 * and context switches are recorded rather than performed.
 */
#ifndef HV_ARCH_FAKE_H
#define HV_ARCH_FAKE_H

#include <hv/arch.h>

HV_EXTERN_C_BEGIN

struct arch_fake_state {
    hv_time_t now;               /* what arch_time_now() returns */
    hv_time_t timer;             /* last arch_timer_set() deadline */
    unsigned long irq_disabled;  /* 1 while "interrupts" are off */
    uint64_t switches;           /* arch_context_switch() calls */
    struct arch_vcpu *last_prev; /* arguments of the last switch */
    struct arch_vcpu *last_next;
    char console[16384]; /* everything written, NUL-terminated */
    size_t console_len;
    int poweroff_status;     /* -1 until arch_poweroff() */
    const char *input;       /* what arch_console_getc() returns next */
    uintptr_t mapped_lo;     /* arch_virt_to_phys() maps [lo, hi) */
    uintptr_t mapped_hi;     /* identically (va == pa) */
    unsigned int dump_count; /* arch_dump_state() calls */
};

extern struct arch_fake_state arch_fake;

/* Reset the recorded state (time back to 0, console emptied). */
void arch_fake_reset(void);

/*
 * arch_poweroff() and arch_halt() cannot stop a host process the test
 * needs, so they call this hook (set by the test, e.g. to longjmp back);
 * when it is NULL they abort the process.
 */
extern void (*arch_fake_stop_hook)(int status);
/* arch_reboot() stops with this status. */
#define ARCH_FAKE_REBOOT (-3)

HV_EXTERN_C_END

#endif /* HV_ARCH_FAKE_H */
