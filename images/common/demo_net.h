/*
 * Domains 5, 6 and 7 of the demo: two netfronts ("net-a", "net-b") and
 * the driver domain ("vsw") that runs the netback and the virtual switch.
 * See demo_net.c for the design.
 */
#ifndef HV_IMAGES_DEMO_NET_H
#define HV_IMAGES_DEMO_NET_H

#include "demo.h"

/*
 * Build the switch, create domains 5, 6 and 7, connect each frontend to
 * the backend by an interdomain event channel, register the frontends'
 * shared pages in the per-frontend grant tables, and kick the three vCPUs.
 * The group runs only when all three are selected by `domains` (NULL for
 * all); otherwise nothing is created and HV_OK is returned.
 * Return: HV_OK or the first refusal (domain, vCPU, event channel or
 * switch setup; sEDF admission control).
 */
int demo_net_setup(const char *policy, const char *domains);

#endif
