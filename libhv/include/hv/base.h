/*
 * The whole libhv base in one include: what every subsystem library may
 * use, and nothing else (see docs/ARCHITECTURE.md, "Dependency rules").
 */
#ifndef HV_BASE_H
#define HV_BASE_H

#include <hv/bitops.h>
#include <hv/check.h>
#include <hv/compiler.h>
#include <hv/err.h>
#include <hv/format.h>
#include <hv/list.h>
#include <hv/param.h>
#include <hv/spinlock.h>
#include <hv/string.h>
#include <hv/time.h>
#include <hv/types.h>
#include <hv/version.h>

#endif /* HV_BASE_H */
