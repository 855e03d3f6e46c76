/*
 * The version of libhv's C APIs, read by Meson (project version and every
 * pkg-config file) with cc.get_define(), so it is written in one place.
 *
 * MAJOR changes when a public C API changes incompatibly; MINOR when one
 * grows compatibly; PATCH for fixes. The guest ABI (hv/abi/) is versioned
 * separately: it is Xen's and does not change with these numbers.
 */
#ifndef HV_VERSION_H
#define HV_VERSION_H

#define HV_VERSION_MAJOR 0
#define HV_VERSION_MINOR 1
#define HV_VERSION_PATCH 0

/* One comparable number: 0x00MMmmpp. */
#define HV_VERSION \
    ((HV_VERSION_MAJOR << 16) | (HV_VERSION_MINOR << 8) | HV_VERSION_PATCH)

#endif /* HV_VERSION_H */
