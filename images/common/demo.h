/*
 * The demo domains shared by the image recipes. Each is an orphan vCPU
 * (a hypervisor thread) that talks to the hypervisor only through
 * hypercalls, as a paravirtualised guest would.
 */
#ifndef HV_IMAGES_DEMO_H
#define HV_IMAGES_DEMO_H

#include <hv/image.h>

/*
 * Create, connect and kick one group of demo domains, with scheduler
 * parameters for `policy` ("rr", "bvt" or "sedf"); only domains named in
 * `domains` (the domains= option, NULL for all) are started. Each group is
 * its own file, so a recipe links only the libraries its groups use.
 * Return: HV_OK or the first refusal.
 *   hello:    domains 1 and 2 print "Hello from domain N" at their pace
 *   pingpong: domains 3 and 4 ping-pong over an event channel
 *   fault:    domain 8 reads an unmapped address after 300 ms
 */
int demo_hello_setup(const char *policy, const char *domains);
int demo_pingpong_setup(const char *policy, const char *domains);
int demo_fault_setup(const char *policy, const char *domains);

/* Scheduler parameters demo domains use under `policy` (NULL for rr). */
const void *demo_sched_params(const char *policy, unsigned int domid,
                              size_t *size);

/* Create domain `id` with one orphan vCPU running entry(self, arg). */
int demo_make_domain(hv_domid_t id, const char *name, const char *policy,
                     hv_vcpu_entry_fn entry, void *arg, struct hv_domain **out);

/* Guest-side helpers: print a line through console_io; sleep. */
void demo_say(const char *fmt, ...) HV_PRINTF(1, 2);
void demo_sleep_until(hv_time_t when);

#endif
