/*
 * Private declarations shared by the core's source files.
 */
#ifndef HV_CORE_PRIV_H
#define HV_CORE_PRIV_H

#include <hv/console.h>
#include <hv/core.h>
#include <hv/hypercall.h>

/* Pools of domain and vCPU records (pool.c). */
struct hv_vcpu *core_vcpu_alloc(void);
void core_vcpu_free(struct hv_vcpu *v);
struct hv_domain *core_domain_slot(hv_domid_t id);

/*
 * Page allocator for stacks and shared pages (memory.c): 2^order pages,
 * zeroed, page-aligned, or NULL. Backed by libhv-mm over the boot memory
 * map; core_mem_init() must have run.
 */
void *core_pages_alloc(unsigned int order);
void core_pages_free(void *p, unsigned int order);
unsigned int core_order_for(size_t bytes);

/* Build libhv-mm over the boot memory map (memory.c). */
int core_mem_init(const struct hv_boot_info *bi);

/* vCPU timers (schedule.c). */
void core_timer_cancel(struct hv_vcpu *v);

/* Called when a vCPU timer fires, before the vCPU is unblocked. */
extern void (*hv_core_timer_hook)(struct hv_vcpu *v);

/* The debugger (debugger.c): a poll hook run at every decision and at
 * least every core_poll_period; while it is open, stopping the current
 * vCPU only asks for a new decision instead of switching away. */
extern void (*core_poll_hook)(void);
extern hv_time_t core_poll_period;
extern bool core_debugger_active;
typedef void (*core_out_fn)(const char *fmt, ...);
extern void (*core_debug_evtchn)(struct hv_domain *d, core_out_fn out);

/* Is the console lock held (a message now would deadlock)? */
bool core_console_busy(void);

/* One line about memory for the debugger's `mem` (memory.c). */
void core_mem_describe(char *buf, size_t size);

/* Called by hv_domain_destroy() before anything is undone; a refusal
 * (e.g. HV_EBUSY: others still map the domain's grants) is returned and
 * leaves the domain as it was. Set by the grant-table glue. */
extern int (*core_domain_destroy_hook)(struct hv_domain *d);

/* When to stop (main.c sets it; schedule.c watches it). */
extern hv_time_t core_power_deadline;
HV_NORETURN void core_finish(int status);

#endif /* HV_CORE_PRIV_H */
