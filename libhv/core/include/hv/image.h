/*
 * <hv/image.h>: what an image recipe tells the core.
 *
 * A recipe (images/<arch>-<name>/) defines one `const struct hv_image
 * hv_image`: its name, the scheduler policies it links (the command line's
 * sched= picks among them), the default policy, how long to run before
 * powering off, and a setup function that creates the boot-time domains.
 * The core calls setup once, after memory, hypercalls and the scheduler
 * are up, with the chosen policy's name so it can pass matching
 * per-domain scheduler parameters.
 */
#ifndef HV_IMAGE_H
#define HV_IMAGE_H

#include <hv/core.h>

HV_EXTERN_C_BEGIN

struct hv_image_policy {
    const char *name; /* as written after sched= */
    const struct hv_sched_policy *policy;
};

struct hv_image {
    const char *name;
    const struct hv_image_policy *policies;
    unsigned int policy_count;
    const char *default_policy;
    hv_time_t run_time; /* power off after this long; 0 = run forever */
    /*
     * Create and kick the boot-time domains. `policy` is the chosen
     * policy's name; `domains` the command line's domains= list (NULL when
     * absent: start all). Return HV_OK or an error, which the core reports
     * before powering off with a failure status.
     */
    int (*setup)(const char *policy, const char *domains);
};

extern const struct hv_image hv_image;

/* Is domain `id` named in a comma-separated `list` ("1,2,5")? NULL = all. */
bool hv_image_domain_selected(const char *list, unsigned int id);

HV_EXTERN_C_END

#endif /* HV_IMAGE_H */
