/*
 * <hv/console.h>: the hypervisor console.
 *
 * Every line written -- by the hypervisor (hv_printk) or by a domain
 * (console_io hypercall) -- is kept in a ring of the last
 * HV_CONSOLE_RING_LINES lines with its timestamp and domain id, and
 * printed to the serial line as
 *     [    1.234567] (d3) text
 * when its level is at or below the console level. Domains write partial
 * lines; they are joined per domain until a newline (or until the line is
 * HV_CONSOLE_LINE_MAX - 1 bytes long, when it is cut). Control characters
 * other than tab are replaced by '?' so a guest cannot drive the
 * terminal.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/base.h>

HV_EXTERN_C_BEGIN

struct hv_domain;

#define HV_CONSOLE_RING_LINES 128

enum hv_log_level {
    HV_LOG_ERR = 0,
    HV_LOG_WARN = 1,
    HV_LOG_INFO = 2,
    HV_LOG_DEBUG = 3,
};

struct hv_console_line {
    hv_time_t time;
    hv_domid_t domid; /* HV_DOMID_XEN for the hypervisor */
    uint8_t level;
    char text[HV_CONSOLE_LINE_MAX];
};

/* Set the level at or below which lines are printed (stored regardless). */
void hv_console_set_level(enum hv_log_level level);

/* Hypervisor messages: one or more lines. */
void hv_printk(enum hv_log_level level, const char *fmt, ...) HV_PRINTF(2, 3);
#define hv_info(...)  hv_printk(HV_LOG_INFO, __VA_ARGS__)
#define hv_warn(...)  hv_printk(HV_LOG_WARN, __VA_ARGS__)
#define hv_err(...)   hv_printk(HV_LOG_ERR, __VA_ARGS__)
#define hv_debug(...) hv_printk(HV_LOG_DEBUG, __VA_ARGS__)

/*
 * hv_console_domain_write() - bytes written by domain `d` (console_io).
 * Return: the number of bytes consumed (all of them).
 */
size_t hv_console_domain_write(struct hv_domain *d, const char *buf, size_t n);

/* Lines stored since boot (the ring keeps the last HV_CONSOLE_RING_LINES). */
uint64_t hv_console_line_count(void);

/*
 * hv_console_get_line() - copy line number `seq` (0 = first since boot).
 * Return: HV_OK; HV_ENOENT if it was never written or has been overwritten.
 */
int hv_console_get_line(uint64_t seq, struct hv_console_line *out);

/* Print the last `n` stored lines again (after a panic). */
void hv_console_replay(unsigned int n);

HV_EXTERN_C_END

#endif /* HV_CONSOLE_H */
