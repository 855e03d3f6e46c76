/*
 * hv_main: from the arch port's boot code to running domains.
 *
 * Order matters: the console first (so every later step can speak), then
 * the command line (it sets the log level and the scheduler), memory (the
 * allocator everything else uses), hypercalls, the scheduler of this CPU,
 * and finally the image recipe's domains. hv_run() then turns the boot
 * context into the idle vCPU. A failure before hv_run() is reported and
 * ends in a power-off with a failure status, so a test harness sees it.
 *
 * core_finish() prints the summary table -- per domain: CPU time and
 * share, events, frames; per CPU: scheduler decisions, switches, timer
 * interrupts -- and powers off. It runs when the image's run time is up.
 */
#include "core_priv.h"
#include <hv/cmdline.h>
#include <hv/debugger.h>
#include <hv/image.h>

static char opt_sched[16];
static char opt_domains[128];
static unsigned int opt_loglvl = HV_LOG_INFO;
static uint64_t opt_run_ms = UINT64_MAX;

static char opt_console[16] = "com1";
static bool opt_debug;

static const char *const loglvl_names[] = {"err", "warn", "info", "debug",
                                           NULL};

static const struct hv_opt options[] = {
    {"sched", HV_OPT_STRING, opt_sched, sizeof(opt_sched), NULL, 0, 0},
    {"domains", HV_OPT_STRING, opt_domains, sizeof(opt_domains), NULL, 0, 0},
    {"loglvl", HV_OPT_CHOICE, &opt_loglvl, 0, loglvl_names, 0, 0},
    {"run_ms", HV_OPT_U64, &opt_run_ms, 0, NULL, 0, 24ULL * 3600 * 1000},
    {"console", HV_OPT_STRING, opt_console, sizeof(opt_console), NULL, 0, 0},
    {"debug", HV_OPT_BOOL, &opt_debug, 0, NULL, 0, 0},
};

static void cmdline_report(void *ctx, const char *msg)
{
    (void)ctx;
    hv_warn("%s", msg);
}

bool hv_image_domain_selected(const char *list, unsigned int id)
{
    const char *p = list;

    if (list == NULL || *list == '\0')
        return true;
    while (*p != '\0') {
        uint64_t v = 0;
        char num[12];
        size_t n = 0;

        while (p[n] != '\0' && p[n] != ',' && n < sizeof(num) - 1) {
            num[n] = p[n];
            n++;
        }
        num[n] = '\0';
        if (hv_strtou64(num, 10, &v) == HV_OK && v == id)
            return true;
        p += n;
        while (*p != '\0' && *p != ',')
            p++;
        if (*p == ',')
            p++;
    }
    return false;
}

HV_NORETURN void core_finish(int status)
{
    struct hv_pcpu *pcpu = hv_this_pcpu();
    hv_time_t now = hv_now();
    struct hv_domain *d;

    arch_irq_disable();
    hv_info("summary after %lld ms, scheduler %s:", (long long)(now / 1000000),
            hv_sched_policy_name(&pcpu->sched));
    hv_info("  dom name         vcpus  cpu ms   share  ev sent  ev recv  "
            "frames");
    for (d = hv_domain_next(-1); d != NULL; d = hv_domain_next(d->id)) {
        hv_time_t cpu = 0;

        for (unsigned int i = 0; i < d->vcpu_count; i++) {
            struct hv_sched_stats st;

            if (d->vcpus[i] != NULL &&
                hv_sched_get_stats(&pcpu->sched, &d->vcpus[i]->se, &st) ==
                    HV_OK)
                cpu += st.cpu_time;
        }
        hv_info("  %3u %-12s %5u %7lld %5lld.%lld%% %8llu %8llu %7llu",
                (unsigned int)d->id, d->name, d->vcpu_count,
                (long long)(cpu / 1000000),
                (long long)(now > 0 ? cpu * 100 / now : 0),
                (long long)(now > 0 ? cpu * 1000 / now % 10 : 0),
                (unsigned long long)d->events_sent,
                (unsigned long long)d->events_received,
                (unsigned long long)d->frames_switched);
    }
    hv_info("  idle %lld ms; decisions %llu, switches %llu, timer irqs %llu",
            (long long)(hv_sched_idle_time(&pcpu->sched) / 1000000),
            (unsigned long long)pcpu->decisions,
            (unsigned long long)pcpu->switches,
            (unsigned long long)pcpu->timer_interrupts);
    hv_info("power off (status %d)", status);
    arch_poweroff(status);
}

int hv_core_init(const struct hv_boot_info *bi,
                 const struct hv_sched_policy *policy)
{
    int rc = core_mem_init(bi);

    if (rc != HV_OK)
        return rc;
    hv_hypercall_init();
    return hv_pcpu_init(policy, NULL, 0);
}

static HV_NORETURN void boot_failed(const char *what, int rc)
{
    hv_err("boot failed: %s: %s", what, hv_strerror(rc));
    arch_poweroff(2);
}

HV_NORETURN void hv_main(const struct hv_boot_info *bi)
{
    const struct hv_image_policy *chosen = NULL;
    int rc;

    hv_info("libhv %d.%d.%d, arch %s, image %s, loader %s", HV_VERSION_MAJOR,
            HV_VERSION_MINOR, HV_VERSION_PATCH, HV_ARCH_NAME, hv_image.name,
            bi->loader);
    hv_info("command line: %s", bi->cmdline);

    hv_strlcpy(opt_sched, hv_image.default_policy, sizeof(opt_sched));
    hv_cmdline_parse(bi->cmdline, options, HV_ARRAY_SIZE(options),
                     cmdline_report, NULL);
    hv_console_set_level((enum hv_log_level)opt_loglvl);
    if (hv_strcmp(opt_console, "com1") != 0)
        hv_warn("console=%s: only com1 is supported, using it", opt_console);

    for (unsigned int i = 0; i < hv_image.policy_count; i++) {
        if (hv_strcmp(hv_image.policies[i].name, opt_sched) == 0)
            chosen = &hv_image.policies[i];
    }
    if (chosen == NULL) {
        hv_warn("sched=%s is not linked into this image; using %s", opt_sched,
                hv_image.default_policy);
        for (unsigned int i = 0; i < hv_image.policy_count; i++) {
            if (hv_strcmp(hv_image.policies[i].name, hv_image.default_policy) ==
                0)
                chosen = &hv_image.policies[i];
        }
        if (chosen == NULL)
            boot_failed("image has no default scheduler", HV_EINVAL);
    }

    rc = hv_core_init(bi, chosen->policy);
    if (rc != HV_OK)
        boot_failed("core", rc);
    hv_info("scheduler: %s", chosen->name);

    rc = hv_image.setup(chosen->name, opt_domains[0] ? opt_domains : NULL);
    if (rc != HV_OK)
        boot_failed("image setup", rc);

    if (opt_debug) {
        if (core_poll_hook != NULL) {
            arch_irq_disable();
            hv_debugger_enter();
        } else {
            hv_warn("debug: this image has no debugger");
        }
    }
    if (opt_run_ms != UINT64_MAX)
        core_power_deadline = hv_now() + HV_MSEC(opt_run_ms);
    else if (hv_image.run_time > 0)
        core_power_deadline = hv_now() + hv_image.run_time;
    hv_run();
}
