/*
 * <hv/evtchn.h>: event channels between domains, vCPUs and the hypervisor.
 *
 * The public C API of libhv-evtchn arrives with issue 5; until then this
 * header only fixes the library's place in the tree, its include name and
 * its pkg-config name (hv-evtchn). See docs/ARCHITECTURE.md.
 */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include <hv/base.h>

#endif /* HV_EVTCHN_H */
