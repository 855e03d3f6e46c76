/*
 * The slow path of a spinlock waiter.
 *
 * Hosted builds (unit tests, researchers' simulators) may run more threads
 * than CPUs; a ticket-lock waiter that keeps spinning then only delays the
 * descheduled thread whose turn it is. Yielding lets the OS run it. Bare
 * metal has no one to yield to: each CPU runs one hypervisor context and
 * locks are never held across a switch, so spinning on is right there.
 */
#include <hv/spinlock.h>

#if __STDC_HOSTED__
#include <sched.h>
#endif

void hv_spin_backoff(void)
{
#if __STDC_HOSTED__
    sched_yield();
#else
    hv_cpu_relax();
#endif
}
