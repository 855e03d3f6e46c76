/*
 * hello: an EL1 guest that prints through the console_io hypercall, asks
 * for its time (the virtual counter), sleeps and yields through
 * hypercalls, and checks that the hypervisor refuses what it must (an
 * unknown hypercall, a buffer outside its memory).
 */
#include "guest.h"

void guest_main(void);

void guest_main(void)
{
    uint64_t t0 = guest_now();

    guest_say("guest: hello from EL1 at ", (long)(t0 / 1000000), " ms");
    for (long i = 1; i <= 3; i++) {
        guest_sleep_until(guest_now() + 200000000ull);
        guest_say("guest: tick ", i, "");
    }
    guest_say("guest: yield -> ", hvc(HC_sched_op, SCHEDOP_yield, 0, 0), "");
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
    guest_say("guest: done after ", (long)((guest_now() - t0) / 1000000),
              " ms");
    for (;;)
        guest_sleep_until(guest_now() + 1000000000ull);
}
