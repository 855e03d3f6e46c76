/*
 * <hv/core.h>: the libhv core -- domains, vCPUs, physical CPUs and the
 * loop that runs them.
 *
 * The model is Xvisor's: a domain (Xvisor's guest) owns vCPUs; a vCPU is
 * in one of the states UNKNOWN, RESET, READY, RUNNING, PAUSED, HALTED and
 * moves between them only by the transitions below; anything else is
 * refused with HV_EPERM and changes nothing.
 *
 *                create          kick
 *     UNKNOWN ---------> RESET -------> READY <==pick==> RUNNING
 *        ^                 ^             |  ^               |
 *        | destroy         | reset       |  | resume        | pause / halt
 *        |   (any)         |  (any)      v  |               v
 *        +-----------------+-------- PAUSED / HALTED <------+
 *
 *  create:  UNKNOWN -> RESET        kick:   RESET -> READY
 *  pause:   READY|RUNNING -> PAUSED resume: PAUSED -> READY
 *  halt:    READY|RUNNING|PAUSED -> HALTED
 *  reset:   RESET|READY|RUNNING|PAUSED|HALTED -> RESET
 *  destroy: RESET|READY|PAUSED|HALTED -> UNKNOWN (never the running vCPU)
 *
 * READY and RUNNING are the scheduler's business: a READY vCPU is handed
 * to its CPU's libhv-sched instance, which makes it RUNNING when picked.
 * A READY vCPU may additionally be *blocked* (waiting for an event or its
 * timer after SCHEDOP_block); it then stays READY in Xvisor's terms but is
 * not runnable until an event, its timer or a kick of the event machinery
 * unblocks it.
 *
 * vCPU kinds: an *orphan* vCPU is a hypervisor thread (Xvisor's orphan
 * vCPU, the "xen domains" threads of the Xen ARM port): it runs hypervisor
 * code on its own stack and makes hypercalls as plain calls. A *guest*
 * vCPU (deprivileged, with its own address space) is the next step; the
 * structure already carries what it needs: the arch context, an address
 * space handle, and the guest-shared vcpu_info.
 *
 * Locking: one CPU for now; every function here must be called with
 * interrupts disabled or from a context that cannot be preempted (the
 * idle loop and hypercalls run with interrupts off around core calls).
 */
#ifndef HV_CORE_H
#define HV_CORE_H

#include <hv/abi/xen.h>
#include <hv/arch.h>
#include <hv/base.h>
#include <hv/sched.h>

HV_EXTERN_C_BEGIN

struct hv_domain;
struct hv_vcpu;
struct hv_pcpu;
struct hv_evtchn_domain;

enum hv_vcpu_state {
    HV_VCPU_UNKNOWN = 0,
    HV_VCPU_RESET,
    HV_VCPU_READY,
    HV_VCPU_RUNNING,
    HV_VCPU_PAUSED,
    HV_VCPU_HALTED,
};

enum hv_vcpu_kind {
    HV_VCPU_ORPHAN = 1, /* hypervisor thread */
    HV_VCPU_GUEST = 2,  /* deprivileged guest (not yet supported) */
};

typedef void (*hv_vcpu_entry_fn)(struct hv_vcpu *self, void *arg);

struct hv_vcpu {
    struct hv_domain *domain; /* NULL for an idle vCPU */
    unsigned int id;          /* index within the domain */
    enum hv_vcpu_state state;
    enum hv_vcpu_kind kind;
    bool blocked;         /* READY but waiting (SCHEDOP_block) */
    bool timer_fired;     /* fired while not blocked: next block returns */
    hv_time_t timer;      /* single-shot timer deadline, or HV_TIME_MAX */
    struct hv_pcpu *pcpu; /* the CPU whose scheduler owns it */
    struct hv_sched_entity se;
    struct arch_vcpu arch; /* saved context */
    hv_vcpu_entry_fn entry;
    void *arg;
    void *stack;
    size_t stack_size;
    struct hv_vcpu_info *vcpu_info; /* in the domain's shared_info */
    struct hv_list timer_link;      /* on pcpu->timers while timer set */
    uint64_t hypercall_count;
    bool in_use;
};

struct hv_domain {
    hv_domid_t id;
    char name[32];
    bool in_use;
    bool dying;
    unsigned int vcpu_count;
    struct hv_vcpu *vcpus[HV_MAX_VCPUS_PER_DOMAIN];
    struct hv_shared_info *shared_info; /* one page, guest-visible */
    struct hv_evtchn_domain *evtchn;    /* when event channels are used */
    uint32_t shutdown_reason;           /* HV_SHUTDOWN_*, once shut down */
    bool shut_down;
    bool faulted; /* a vCPU was halted by fault containment */
    /* Console: the unfinished line this domain is writing. */
    char con_line[HV_CONSOLE_LINE_MAX];
    size_t con_len;
    /* Statistics for the summary. */
    uint64_t events_sent;
    uint64_t events_received;
    uint64_t frames_switched;
    void *user; /* for the image recipe's own use */
};

/* ---- domains ---- */

/*
 * hv_domain_create() - allocate domain `id` with a shared_info page.
 * Return: HV_OK and *out; HV_EINVAL for an id >= HV_MAX_DOMAINS or a
 * name too long; HV_EEXIST if the id is in use; HV_ENOMEM.
 */
int hv_domain_create(hv_domid_t id, const char *name, struct hv_domain **out);

/* The domain with this id, or NULL. */
struct hv_domain *hv_domain_lookup(hv_domid_t id);

/*
 * hv_domain_destroy() - destroy every vCPU (none may be RUNNING) and the
 * domain. Return: HV_OK; HV_EBUSY if a vCPU is running.
 */
int hv_domain_destroy(struct hv_domain *d);

/* Pause / resume / halt every vCPU that allows it; count of vCPUs moved. */
unsigned int hv_domain_pause(struct hv_domain *d);
unsigned int hv_domain_resume(struct hv_domain *d);
unsigned int hv_domain_halt(struct hv_domain *d);

/* Iterate: the next domain in use with id > `after` (-1 to start), or NULL. */
struct hv_domain *hv_domain_next(int after);

/* ---- vCPUs ---- */

/*
 * hv_vcpu_create() - create an orphan vCPU of `d` that will run
 * entry(self, arg) on a new stack of `stack_size` bytes, on CPU 0's
 * scheduler with `sched_params` (the policy's entity parameters, or NULL
 * for its defaults). The vCPU starts in RESET.
 * Return: HV_OK and *out; HV_EINVAL; HV_ENOSPC when the domain has
 * HV_MAX_VCPUS_PER_DOMAIN vCPUs; HV_ENOMEM; the scheduler's refusal
 * (e.g. HV_ENOSPC from sEDF admission control).
 */
int hv_vcpu_create(struct hv_domain *d, hv_vcpu_entry_fn entry, void *arg,
                   size_t stack_size, const void *sched_params,
                   size_t sched_params_size, struct hv_vcpu **out);

int hv_vcpu_kick(struct hv_vcpu *v);    /* RESET -> READY */
int hv_vcpu_pause(struct hv_vcpu *v);   /* READY|RUNNING -> PAUSED */
int hv_vcpu_resume(struct hv_vcpu *v);  /* PAUSED -> READY */
int hv_vcpu_halt(struct hv_vcpu *v);    /* READY|RUNNING|PAUSED -> HALTED */
int hv_vcpu_reset(struct hv_vcpu *v);   /* any created state -> RESET */
int hv_vcpu_destroy(struct hv_vcpu *v); /* not RUNNING -> UNKNOWN */

/* Name of a state ("READY"...) for dumps. */
const char *hv_vcpu_state_name(enum hv_vcpu_state s);

/*
 * hv_vcpu_block() - the current vCPU waits until an event is pending for
 * it or its timer expires (SCHEDOP_block). Returns at once if an event is
 * already pending. Only for the current vCPU.
 */
void hv_vcpu_block(struct hv_vcpu *v);

/* Make a blocked vCPU runnable again (an event arrived); no-op otherwise. */
void hv_vcpu_unblock(struct hv_vcpu *v);

/* Set (or cancel with HV_TIME_MAX) the vCPU's single-shot timer. */
void hv_vcpu_set_timer(struct hv_vcpu *v, hv_time_t deadline);

/* ---- physical CPUs and scheduling ---- */

struct hv_pcpu {
    unsigned int id;
    struct hv_sched sched;
    struct hv_vcpu *current;
    struct hv_vcpu idle;
    hv_time_t next_event;  /* what the one-shot timer is set to */
    bool ready;            /* hv_pcpu_init() done */
    bool need_resched;     /* a wake-up asked for a new decision */
    bool in_schedule;      /* inside a decision (faults there are fatal) */
    struct hv_list timers; /* vCPUs with a timer, soonest first */
    uint64_t decisions;    /* scheduling decisions taken */
    uint64_t switches;     /* context switches */
    uint64_t timer_interrupts;
};

/* The CPU the caller runs on (one CPU for now). */
struct hv_pcpu *hv_this_pcpu(void);

/*
 * hv_pcpu_init() - create CPU 0's scheduler with `policy` and its
 * instance parameters (NULL for defaults), and its idle vCPU.
 */
int hv_pcpu_init(const struct hv_sched_policy *policy, const void *params,
                 size_t params_size);

/*
 * hv_schedule() - take a scheduling decision now: pick the next vCPU (the
 * idle vCPU when none), program the one-shot timer for the earlier of the
 * decision's end and the next vCPU timer, and switch to it. Irqs off.
 */
void hv_schedule(void);

/* The current vCPU gives up the rest of its turn (SCHEDOP_yield). */
void hv_yield(void);

/*
 * hv_run() - start scheduling on this CPU from the boot context; never
 * returns (the boot context becomes CPU 0's idle vCPU).
 */
HV_NORETURN void hv_run(void);

/* Current vCPU of this CPU. */
struct hv_vcpu *hv_current(void);

/* Time now (arch clock), ns since boot. */
hv_time_t hv_now(void);

/*
 * hv_core_init() - bring up memory (libhv-mm over bi's memory map), the
 * hypercall table and CPU 0's scheduler with `policy`. hv_main() calls it;
 * host tests call it with the fake arch port.
 * Return: HV_OK; HV_ENOMEM when the map leaves no room for the frame
 * table; the scheduler's or libhv-mm's refusal.
 */
int hv_core_init(const struct hv_boot_info *bi,
                 const struct hv_sched_policy *policy);

/*
 * hv_core_set_run_deadline() - power off (with the summary) at `deadline`
 * (HV_TIME_MAX: never). hv_main() sets it from run_ms= or the image.
 */
void hv_core_set_run_deadline(hv_time_t deadline);

/* The core's libhv-mm instance, or NULL before memory is up. */
struct hv_mm *hv_core_mm(void);

HV_EXTERN_C_END

#endif /* HV_CORE_H */
