/*
 * The console: a ring of timestamped lines, printed as they complete.
 *
 * Every line, whoever wrote it, is stored in the ring before it is
 * printed, so the debugger and the panic path can replay the last lines
 * even if the serial output was lost. A line is formatted once into the
 * ring slot and the slot is printed from there; the lock keeps lines from
 * different CPUs or interrupt contexts whole. Domain output arrives in
 * arbitrary pieces: each domain keeps its unfinished line in its own
 * buffer until a newline completes it.
 *
 * Guest bytes are hostile: anything below 0x20 other than tab, and 0x7f
 * and above, become '?', so a guest cannot send escape sequences to the
 * operator's terminal.
 */
#include "core_priv.h"

static struct hv_console_line ring[HV_CONSOLE_RING_LINES];
static uint64_t line_count;
static enum hv_log_level console_level = HV_LOG_INFO;
static struct hv_spinlock console_lock = HV_SPINLOCK_INIT;

void hv_console_set_level(enum hv_log_level level)
{
    console_level = level;
}

static void print_line(const struct hv_console_line *l)
{
    char head[48];
    int n;
    hv_time_t us = l->time / 1000;

    if (l->domid == HV_DOMID_XEN)
        n = hv_snprintf(head, sizeof(head), "[%5lld.%06lld] (hv) ",
                        (long long)(us / 1000000), (long long)(us % 1000000));
    else
        n = hv_snprintf(head, sizeof(head), "[%5lld.%06lld] (d%u) ",
                        (long long)(us / 1000000), (long long)(us % 1000000),
                        (unsigned int)l->domid);
    arch_console_write(head, (size_t)n);
    arch_console_write(l->text, hv_strlen(l->text));
    arch_console_write("\r\n", 2);
}

/* Store one complete line (no newline in it) and print it. */
static void emit(hv_domid_t domid, enum hv_log_level level, const char *text,
                 size_t len)
{
    struct hv_console_line *l;
    unsigned long flags = arch_irq_save();

    hv_spin_lock(&console_lock);
    l = &ring[line_count % HV_CONSOLE_RING_LINES];
    l->time = arch_time_now();
    l->domid = domid;
    l->level = (uint8_t)level;
    if (len >= sizeof(l->text))
        len = sizeof(l->text) - 1;
    hv_memcpy(l->text, text, len);
    l->text[len] = '\0';
    line_count++;
    if (level <= console_level)
        print_line(l);
    hv_spin_unlock(&console_lock);
    arch_irq_restore(flags);
}

void hv_printk(enum hv_log_level level, const char *fmt, ...)
{
    char buf[HV_CONSOLE_LINE_MAX * 2];
    va_list ap;
    const char *p, *nl;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    /* One call may print several lines; a trailing newline ends the last. */
    for (p = buf; *p != '\0'; p = nl + 1) {
        nl = hv_strchr(p, '\n');
        if (nl == NULL) {
            emit(HV_DOMID_XEN, level, p, hv_strlen(p));
            break;
        }
        emit(HV_DOMID_XEN, level, p, (size_t)(nl - p));
    }
}

size_t hv_console_domain_write(struct hv_domain *d, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];

        if (c == '\n') {
            emit(d->id, HV_LOG_INFO, d->con_line, d->con_len);
            d->con_len = 0;
            continue;
        }
        if (c == '\r')
            continue;
        if ((c < 0x20 && c != '\t') || c >= 0x7f)
            c = '?';
        d->con_line[d->con_len++] = (char)c;
        if (d->con_len == sizeof(d->con_line) - 1) {
            emit(d->id, HV_LOG_INFO, d->con_line, d->con_len);
            d->con_len = 0;
        }
    }
    return n;
}

uint64_t hv_console_line_count(void)
{
    return line_count;
}

int hv_console_get_line(uint64_t seq, struct hv_console_line *out)
{
    int rc = HV_ENOENT;
    unsigned long flags = arch_irq_save();

    hv_spin_lock(&console_lock);
    if (seq < line_count && line_count - seq <= HV_CONSOLE_RING_LINES) {
        *out = ring[seq % HV_CONSOLE_RING_LINES];
        rc = HV_OK;
    }
    hv_spin_unlock(&console_lock);
    arch_irq_restore(flags);
    return rc;
}

void hv_console_replay(unsigned int n)
{
    uint64_t first = line_count > n ? line_count - n : 0;

    if (line_count - first > HV_CONSOLE_RING_LINES)
        first = line_count - HV_CONSOLE_RING_LINES;
    /* No lock: this runs after a panic, when nothing else may run. */
    for (uint64_t s = first; s < line_count; s++)
        print_line(&ring[s % HV_CONSOLE_RING_LINES]);
}

bool core_console_busy(void)
{
    return hv_spin_is_locked(&console_lock);
}
