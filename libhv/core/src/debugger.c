/*
 * The serial debugger shell.
 *
 * It runs on the CPU that noticed the key, inside a scheduling decision,
 * with interrupts off: nothing else runs while it is open, so it may read
 * every core structure without locks (one CPU). Input is polled from the
 * serial line one byte at a time and edited locally (backspace works);
 * each line is split into words and dispatched through a table. Every
 * argument is parsed strictly; memory is dumped only page by page after
 * the arch port has confirmed the page is mapped, so no typing mistake
 * can fault the hypervisor.
 *
 * Output goes straight to the serial line, not into the console ring: the
 * ring is what `log` shows, and the debugger's own chatter would push the
 * interesting lines out of it.
 */
#include "core_priv.h"
#include <hv/debugger.h>
#include <hv/image.h>

static void out(const char *fmt, ...) HV_PRINTF(1, 2);

static void out(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    for (int i = 0; i < n; i++) {
        if (buf[i] == '\n')
            arch_console_write("\r", 1);
        arch_console_write(&buf[i], 1);
    }
}

/* ---- argument parsing ---- */

static bool parse_u64(const char *s, uint64_t *v)
{
    return s != NULL && hv_strtou64(s, 0, v) == HV_OK;
}

static bool parse_addr(const char *s, uint64_t *v)
{
    if (s == NULL)
        return false;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    return hv_strtou64(s, 16, v) == HV_OK;
}

static struct hv_domain *parse_domain(const char *s)
{
    uint64_t id;

    if (!parse_u64(s, &id) || id >= HV_MAX_DOMAINS)
        return NULL;
    return hv_domain_lookup((hv_domid_t)id);
}

/* ---- commands ---- */

struct command {
    const char *name;
    const char *usage;
    int min_args, max_args;
    bool (*run)(int argc, char **argv); /* false: print usage */
};

static const struct command commands[];

static bool cmd_help(int argc, char **argv);

static bool cmd_ver(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    out("libhv %d.%d.%d, arch %s, image %s\n", HV_VERSION_MAJOR,
        HV_VERSION_MINOR, HV_VERSION_PATCH, HV_ARCH_NAME, hv_image.name);
    return true;
}

static const char *domain_state(const struct hv_domain *d)
{
    unsigned int running = 0, paused = 0, halted = 0;

    for (unsigned int i = 0; i < d->vcpu_count; i++) {
        const struct hv_vcpu *v = d->vcpus[i];

        if (v == NULL)
            continue;
        running += v->state == HV_VCPU_READY || v->state == HV_VCPU_RUNNING;
        paused += v->state == HV_VCPU_PAUSED;
        halted += v->state == HV_VCPU_HALTED;
    }
    if (running > 0)
        return "running";
    if (paused > 0)
        return "paused";
    if (halted > 0)
        return "halted";
    return "stopped";
}

static bool cmd_doms(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    out("  id name          vcpus state     ev sent  ev recv   frames\n");
    for (struct hv_domain *d = hv_domain_next(-1); d != NULL;
         d = hv_domain_next(d->id))
        out("%4u %-13s %5u %-8s %8llu %8llu %8llu\n", (unsigned int)d->id,
            d->name, d->vcpu_count, domain_state(d),
            (unsigned long long)d->events_sent,
            (unsigned long long)d->events_received,
            (unsigned long long)d->frames_switched);
    return true;
}

static bool cmd_vcpus(int argc, char **argv)
{
    struct hv_pcpu *p = hv_this_pcpu();
    hv_time_t now = hv_now();

    (void)argc;
    (void)argv;
    for (struct hv_domain *d = hv_domain_next(-1); d != NULL;
         d = hv_domain_next(d->id)) {
        for (unsigned int i = 0; i < d->vcpu_count; i++) {
            struct hv_vcpu *v = d->vcpus[i];
            struct hv_sched_stats st;

            if (v == NULL)
                continue;
            hv_memset(&st, 0, sizeof(st));
            hv_sched_get_stats(&p->sched, &v->se, &st);
            out("d%u.%u %-8s%s cpu %lld ms, hypercalls %llu", d->id, i,
                hv_vcpu_state_name(v->state), v->blocked ? " blocked" : "",
                (long long)(st.cpu_time / 1000000),
                (unsigned long long)v->hypercall_count);
            if (v->timer != HV_TIME_MAX)
                out(", timer in %lld us", (long long)((v->timer - now) / 1000));
            out("\n");
        }
    }
    return true;
}

static bool cmd_sched(int argc, char **argv)
{
    static char buf[4096];
    struct hv_pcpu *p = hv_this_pcpu();
    int n;

    (void)argc;
    (void)argv;
    out("cpu %u: policy %s, current %s, %zu runnable, %llu decisions, %llu "
        "switches\n",
        p->id, hv_sched_policy_name(&p->sched),
        p->current == &p->idle ? "idle" : "a domain vCPU",
        hv_sched_runnable_count(&p->sched), (unsigned long long)p->decisions,
        (unsigned long long)p->switches);
    n = hv_sched_dump(&p->sched, buf, sizeof(buf));
    if (n < 0)
        return true;
    /* Line by line: out() formats into a bounded buffer of its own. */
    for (char *line = buf; *line != '\0';) {
        char *nl = hv_strchr(line, '\n');

        if (nl != NULL)
            *nl = '\0';
        out("%s\n", line);
        if (nl == NULL)
            break;
        line = nl + 1;
    }
    if ((size_t)n >= sizeof(buf))
        out("(truncated)\n");
    return true;
}

static bool cmd_regs(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    arch_dump_state();
    return true;
}

static bool cmd_bt(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    arch_backtrace();
    return true;
}

static bool cmd_hexdump(int argc, char **argv)
{
    char *at = hv_strchr(argv[1], '@');
    uint64_t size, addr, pa;

    (void)argc;
    if (at == NULL)
        return false;
    *at = '\0';
    if (!parse_u64(argv[1], &size) || !parse_addr(at + 1, &addr) || size == 0 ||
        size > 4096 || addr + size < addr)
        return false;
    for (uint64_t off = 0; off < size; off += 16) {
        uint64_t line = addr + off;
        unsigned int n = (unsigned int)HV_MIN((uint64_t)16, size - off);
        char hex[16 * 3 + 1], text[17];

        /* A line may straddle two pages: check both ends. */
        if (!arch_virt_to_phys((uintptr_t)line, &pa) ||
            !arch_virt_to_phys((uintptr_t)(line + n - 1), &pa)) {
            out("%016llx: not mapped\n", (unsigned long long)line);
            return true;
        }
        for (unsigned int i = 0; i < n; i++) {
            unsigned char c =
                ((const volatile unsigned char *)(uintptr_t)line)[i];

            hv_snprintf(hex + 3 * i, 4, "%02x ", c);
            text[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
        }
        text[n] = '\0';
        out("%016llx: %-48s %s\n", (unsigned long long)line, hex, text);
    }
    return true;
}

static bool cmd_v2p(int argc, char **argv)
{
    uint64_t va, pa;

    (void)argc;
    if (!parse_addr(argv[1], &va))
        return false;
    if (arch_virt_to_phys((uintptr_t)va, &pa))
        out("%016llx -> %016llx\n", (unsigned long long)va,
            (unsigned long long)pa);
    else
        out("%016llx: not mapped\n", (unsigned long long)va);
    return true;
}

static bool cmd_mem(int argc, char **argv)
{
    char buf[160];

    (void)argc;
    (void)argv;
    core_mem_describe(buf, sizeof(buf));
    out("%s\n", buf);
    return true;
}

static bool cmd_evtchn(int argc, char **argv)
{
    struct hv_domain *d = parse_domain(argv[1]);

    (void)argc;
    if (d == NULL)
        return false;
    if (core_debug_evtchn == NULL) {
        out("event channels are not part of this image\n");
        return true;
    }
    core_debug_evtchn(d, out);
    return true;
}

static bool cmd_log(int argc, char **argv)
{
    uint64_t n = 20;

    if (argc == 2 &&
        (!parse_u64(argv[1], &n) || n == 0 || n > HV_CONSOLE_RING_LINES))
        return false;
    hv_console_replay((unsigned int)n);
    return true;
}

static bool cmd_pause(int argc, char **argv)
{
    struct hv_domain *d = parse_domain(argv[1]);

    (void)argc;
    if (d == NULL)
        return false;
    out("domain %u: %u vCPU(s) paused\n", d->id, hv_domain_pause(d));
    return true;
}

static bool cmd_resume(int argc, char **argv)
{
    struct hv_domain *d = parse_domain(argv[1]);

    (void)argc;
    if (d == NULL)
        return false;
    out("domain %u: %u vCPU(s) resumed\n", d->id, hv_domain_resume(d));
    return true;
}

static bool cmd_reset(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    out("resetting the machine\n");
    arch_reboot();
}

static const struct command commands[] = {
    {"help", "help", 0, 0, cmd_help},
    {"ver", "ver", 0, 0, cmd_ver},
    {"doms", "doms", 0, 0, cmd_doms},
    {"vcpus", "vcpus", 0, 0, cmd_vcpus},
    {"sched", "sched", 0, 0, cmd_sched},
    {"regs", "regs", 0, 0, cmd_regs},
    {"bt", "bt", 0, 0, cmd_bt},
    {"hexdump", "hexdump SIZE@ADDR (SIZE 1..4096)", 1, 1, cmd_hexdump},
    {"v2p", "v2p ADDR", 1, 1, cmd_v2p},
    {"mem", "mem", 0, 0, cmd_mem},
    {"evtchn", "evtchn DOMID", 1, 1, cmd_evtchn},
    {"log", "log [N] (N 1..128)", 0, 1, cmd_log},
    {"pause", "pause DOMID", 1, 1, cmd_pause},
    {"resume", "resume DOMID", 1, 1, cmd_resume},
    {"continue", "continue", 0, 0, NULL},
    {"reset", "reset", 0, 0, cmd_reset},
};

static bool cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    out("commands:\n");
    for (size_t i = 0; i < HV_ARRAY_SIZE(commands); i++)
        out("  %s\n", commands[i].usage);
    return true;
}

#define MAX_WORDS 4

bool hv_debugger_command(const char *line)
{
    char buf[128];
    char *argv[MAX_WORDS];
    int argc = 0;
    char *p = buf;

    if (hv_strlen(line) >= sizeof(buf)) {
        out("line too long\n");
        return true;
    }
    hv_strlcpy(buf, line, sizeof(buf));
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (*p == '\0')
            break;
        if (argc == MAX_WORDS) {
            argc++; /* too many: reported below */
            break;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
    }
    if (argc == 0)
        return true;
    for (size_t i = 0; i < HV_ARRAY_SIZE(commands); i++) {
        const struct command *c = &commands[i];

        if (hv_strcmp(argv[0], c->name) != 0)
            continue;
        if (c->run == NULL)
            return false; /* continue */
        if (argc - 1 < c->min_args || argc - 1 > c->max_args ||
            !c->run(argc, argv))
            out("usage: %s\n", c->usage);
        return true;
    }
    out("unknown command '%.32s' (try help)\n", argv[0]);
    return true;
}

void hv_debugger_enter(void)
{
    char line[128];
    size_t len = 0;

    core_debugger_active = true;
    out("\n*** libhv debugger (domains stopped); type help\n[hv] ");
    for (;;) {
        int c = arch_console_getc();

        if (c < 0) {
            hv_cpu_relax();
            continue;
        }
        if (c == '\r' || c == '\n') {
            out("\n");
            line[len] = '\0';
            len = 0;
            if (!hv_debugger_command(line))
                break;
            out("[hv] ");
        } else if ((c == 0x7f || c == 0x08) && len > 0) {
            len--;
            out("\b \b");
        } else if (c >= 0x20 && c < 0x7f && len < sizeof(line) - 1) {
            line[len++] = (char)c;
            arch_console_write((const char *)&line[len - 1], 1);
        }
    }
    out("*** leaving the debugger\n");
    core_debugger_active = false;
}

static void poll(void)
{
    int c;

    while ((c = arch_console_getc()) >= 0) {
        if (c == HV_DEBUGGER_KEY) {
            hv_debugger_enter();
            return;
        }
    }
}

void (*core_debug_evtchn)(struct hv_domain *d, core_out_fn out);

void hv_debugger_enable(void)
{
    core_poll_hook = poll;
    core_poll_period = HV_DEBUGGER_POLL;
}
