/*
 * faulty: an EL1 guest that reads memory outside its stage-2 map. The
 * hypervisor must halt it with a clear line and run on.
 */
#include "guest.h"

void guest_main(void);

void guest_main(void)
{
    guest_say("guest-bad: about to read IPA 0x", 40000000, "");
    guest_sleep_until(guest_now() + 300000000ull);
    guest_say("guest-bad: read ", (long)*(volatile uint64_t *)0x40000000ull,
              "");
    guest_say("guest-bad: still alive, which is wrong", 0, "");
}
