/*
 * hv_strerror: names for the error enum.
 *
 * A table indexed by the positive error number keeps the lookup O(1) and
 * the strings in read-only data; numbers with no entry map to one fixed
 * string, so the function never returns NULL whatever it is given.
 */
#include <hv/compiler.h>
#include <hv/err.h>

static const char *const names[] = {
    [0] = "OK",
    [-HV_EPERM] = "EPERM: operation not permitted",
    [-HV_ENOENT] = "ENOENT: no such entry",
    [-HV_ESRCH] = "ESRCH: no such domain or object",
    [-HV_EINTR] = "EINTR: interrupted",
    [-HV_EIO] = "EIO: I/O error",
    [-HV_ENXIO] = "ENXIO: no such device or address",
    [-HV_E2BIG] = "E2BIG: argument list too long",
    [-HV_ENOEXEC] = "ENOEXEC: not an executable image",
    [-HV_EBADF] = "EBADF: bad handle",
    [-HV_EAGAIN] = "EAGAIN: try again",
    [-HV_ENOMEM] = "ENOMEM: out of memory",
    [-HV_EACCES] = "EACCES: access denied",
    [-HV_EFAULT] = "EFAULT: bad address",
    [-HV_EBUSY] = "EBUSY: resource busy",
    [-HV_EEXIST] = "EEXIST: already exists",
    [-HV_EXDEV] = "EXDEV: cross-domain link",
    [-HV_ENODEV] = "ENODEV: no such device",
    [-HV_EINVAL] = "EINVAL: invalid argument",
    [-HV_ENOSPC] = "ENOSPC: no space left",
    [-HV_EROFS] = "EROFS: read-only",
    [-HV_EMLINK] = "EMLINK: too many references",
    [-HV_EDOM] = "EDOM: argument out of domain",
    [-HV_ERANGE] = "ERANGE: result out of range",
    [-HV_EDEADLK] = "EDEADLK: deadlock would occur",
    [-HV_ENAMETOOLONG] = "ENAMETOOLONG: name too long",
    [-HV_ENOSYS] = "ENOSYS: function not implemented",
    [-HV_ENOTEMPTY] = "ENOTEMPTY: not empty",
    [-HV_ENODATA] = "ENODATA: no data available",
    [-HV_ETIME] = "ETIME: timer expired",
    [-HV_EBADMSG] = "EBADMSG: malformed message",
    [-HV_EOVERFLOW] = "EOVERFLOW: value too large",
    [-HV_EILSEQ] = "EILSEQ: illegal byte sequence",
    [-HV_ERESTART] = "ERESTART: restart the operation",
    [-HV_EOPNOTSUPP] = "EOPNOTSUPP: operation not supported",
    [-HV_EADDRINUSE] = "EADDRINUSE: address in use",
    [-HV_ENOBUFS] = "ENOBUFS: no buffer space",
    [-HV_EISCONN] = "EISCONN: already connected",
    [-HV_ENOTCONN] = "ENOTCONN: not connected",
    [-HV_ETIMEDOUT] = "ETIMEDOUT: timed out",
};

const char *hv_strerror(int err)
{
    unsigned int index;

    if (err > 0 || err == (-__INT_MAX__ - 1))
        return "unknown error";
    index = (unsigned int)-err;
    if (index >= HV_ARRAY_SIZE(names) || names[index] == NULL)
        return "unknown error";
    return names[index];
}
