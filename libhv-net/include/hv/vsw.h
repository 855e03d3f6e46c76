/*
 * <hv/vsw.h>: the virtual network switch and the split-driver rings.
 *
 * The public C API of libhv-net arrives with issue 6; until then this
 * header only fixes the library's place in the tree, its include name and
 * its pkg-config name (hv-net). See docs/ARCHITECTURE.md.
 */
#ifndef HV_VSW_H
#define HV_VSW_H

#include <hv/base.h>

#endif /* HV_VSW_H */
