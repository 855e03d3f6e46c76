/*
 * <hv/mm.h>: machine frames, page-type accounting and validated page-table
 * updates.
 *
 * The public C API of libhv-mm arrives with issue 4; until then this
 * header only fixes the library's place in the tree, its include name and
 * its pkg-config name (hv-mm). See docs/ARCHITECTURE.md.
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <hv/base.h>

#endif /* HV_MM_H */
