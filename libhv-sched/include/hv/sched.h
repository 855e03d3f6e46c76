/*
 * <hv/sched.h>: the scheduler framework (policies rr, bvt, sedf).
 *
 * The public C API of libhv-sched arrives with issue 3; until then this
 * header only fixes the library's place in the tree, its include name and
 * its pkg-config name (hv-sched). See docs/ARCHITECTURE.md.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/base.h>

#endif /* HV_SCHED_H */
