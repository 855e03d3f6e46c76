/*
 * <hv/cmdline.h>: the hypervisor command line.
 *
 * The command line comes from the boot loader and is untrusted text:
 * "sched=bvt loglvl=debug run_ms=3000 domains=1,2". Words are separated
 * by spaces; a word is `key=value` or a bare `key` (a boolean set to
 * true). The caller describes the options it knows in a table; each word
 * is matched against it, and every problem -- unknown key, bad value,
 * value too long -- is reported through the `report` callback and leaves
 * that option at its previous value. Parsing never stops early and never
 * writes past an option's storage.
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <hv/base.h>

HV_EXTERN_C_BEGIN

#define HV_CMDLINE_MAX 1024 /* longest command line considered */

enum hv_opt_type {
    HV_OPT_STRING = 1, /* char[size], NUL-terminated */
    HV_OPT_U64,        /* uint64_t, decimal or 0x hex */
    HV_OPT_BOOL,       /* bool: bare key, or =0/1/yes/no/on/off */
    HV_OPT_CHOICE,     /* unsigned int: index into `choices` */
};

struct hv_opt {
    const char *name;
    enum hv_opt_type type;
    void *value;
    size_t size;                /* HV_OPT_STRING: bytes of value */
    const char *const *choices; /* HV_OPT_CHOICE: NULL-terminated */
    uint64_t min, max;          /* HV_OPT_U64: accepted range */
};

/*
 * hv_cmdline_parse() - apply `cmdline` to the options.
 * @report: called with a message for each problem (may be NULL)
 * Return: the number of problems (0 when every word was understood).
 */
unsigned int hv_cmdline_parse(const char *cmdline, const struct hv_opt *opts,
                              size_t opt_count,
                              void (*report)(void *ctx, const char *msg),
                              void *ctx);

HV_EXTERN_C_END

#endif /* HV_CMDLINE_H */
