/*
 * The one error convention of libhv.
 *
 * Every function that can fail returns int: 0 (HV_OK) on success, or one of
 * the negative values below. A refusal leaves the object it was asked to
 * change exactly as it was, unless the function documents partial progress
 * (a batch that reports how many entries it applied).
 *
 * The numeric values are Xen's (xen/include/public/errno.h, themselves the
 * x86 Linux values), so a hypercall handler can hand an hv_err straight back
 * to a paravirtualised guest. Values that Xen lacks are not invented here:
 * libhv only uses errors a Xen guest already understands.
 */
#ifndef HV_ERR_H
#define HV_ERR_H

#include <hv/compiler.h>

HV_EXTERN_C_BEGIN

enum hv_err {
    HV_OK = 0,
    HV_EPERM = -1,         /* operation not permitted */
    HV_ENOENT = -2,        /* no such entry */
    HV_ESRCH = -3,         /* no such domain or object */
    HV_EINTR = -4,         /* interrupted */
    HV_EIO = -5,           /* I/O error */
    HV_ENXIO = -6,         /* no such device or address */
    HV_E2BIG = -7,         /* argument list too long */
    HV_ENOEXEC = -8,       /* not an executable image */
    HV_EBADF = -9,         /* bad handle */
    HV_EAGAIN = -11,       /* try again */
    HV_ENOMEM = -12,       /* out of memory */
    HV_EACCES = -13,       /* access denied */
    HV_EFAULT = -14,       /* bad address */
    HV_EBUSY = -16,        /* resource busy */
    HV_EEXIST = -17,       /* already exists */
    HV_EXDEV = -18,        /* cross-domain link */
    HV_ENODEV = -19,       /* no such device */
    HV_EINVAL = -22,       /* invalid argument */
    HV_ENOSPC = -28,       /* no space left */
    HV_EROFS = -30,        /* read-only */
    HV_EMLINK = -31,       /* too many references */
    HV_EDOM = -33,         /* argument out of domain */
    HV_ERANGE = -34,       /* result out of range */
    HV_EDEADLK = -35,      /* deadlock would occur */
    HV_ENAMETOOLONG = -36, /* name too long */
    HV_ENOSYS = -38,       /* function not implemented */
    HV_ENOTEMPTY = -39,    /* not empty */
    HV_ENODATA = -61,      /* no data available */
    HV_ETIME = -62,        /* timer expired */
    HV_EBADMSG = -74,      /* malformed message */
    HV_EOVERFLOW = -75,    /* value too large */
    HV_EILSEQ = -84,       /* illegal byte sequence */
    HV_ERESTART = -85,     /* restart the operation */
    HV_EOPNOTSUPP = -95,   /* operation not supported */
    HV_EADDRINUSE = -98,   /* address in use */
    HV_ENOBUFS = -105,     /* no buffer space */
    HV_EISCONN = -106,     /* already connected */
    HV_ENOTCONN = -107,    /* not connected */
    HV_ETIMEDOUT = -110,   /* timed out */
};

/*
 * hv_strerror() - a short, constant, human-readable name for an error.
 * @err: HV_OK or a negative hv_err value. Positive values and unknown
 *       negative values are accepted too.
 *
 * Return: a string with static storage, never NULL: "OK", the symbolic
 * name without prefix ("EINVAL") followed by a description, or
 * "unknown error" for a value outside the enum.
 */
const char *hv_strerror(int err);

HV_EXTERN_C_END

#endif /* HV_ERR_H */
