/*
 * <hv/evtchn.h>: event channels between domains, vCPUs and the hypervisor.
 *
 * An event channel is a port number in a domain's port table. A port is
 * closed, unbound (waiting for one named remote domain to connect),
 * interdomain (connected to a port of another, or the same, domain), virq
 * (raised by the hypervisor) or ipi (raised by the domain itself, for one of
 * its vCPUs). Physical IRQs (pirq) are reserved by the ABI and refused here.
 * Sending on a port sets its bit in the receiving domain's pending bitmap;
 * the 2-level scheme of Xen then tells the receiving vCPU through a pending
 * selector word and an upcall-pending flag, and the library calls the
 * caller's kick hook exactly when that flag goes from 0 to 1.
 *
 * The library is layout-neutral: the pending and mask bitmaps, the
 * per-vCPU selector word and the two upcall flags live wherever the caller
 * (the core, which owns shared_info and vcpu_info) says, and are reached
 * only through the pointers given to hv_evtchn_domain_init(). All that
 * memory is guest-writable; the library treats its content as hostile,
 * only ever touches it with atomic operations on bits it computed itself
 * from a checked port number, and never reads a pointer or an index from it.
 *
 * Memory: every structure is caller-owned (struct hv_evtchn_domain, its
 * port array and vCPU array). Nothing is allocated, nothing is global.
 *
 * Threading: every function may be called from several CPUs at once, on the
 * same or different domains, except hv_evtchn_domain_init(), which must
 * have returned before any other call names that domain. Each domain has one
 * spinlock; operations that touch two domains take both, in a fixed order (see
 * src/port.c). The kick hook is called with one or two domain locks held and
 * must not call back into this library.
 *
 * Domain ids: the library never looks a domain up by id. The caller (the
 * hypercall layer) resolves ids, including DOMID_SELF, and privilege, and
 * passes domain objects. The library only compares ids: an unbound port
 * records which domain id may connect to it.
 */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include <hv/abi/event_channel.h>
#include <hv/abi/xen.h>
#include <hv/base.h>

HV_EXTERN_C_BEGIN

/* The guest-visible numbers (EVTCHNOP_*, EVTCHNSTAT_*, VIRQ_*) are in
 * <hv/abi/event_channel.h>. */

/* ------------------------------------------------------------------------
 * Objects. Fields are private to the library unless a comment says
 * otherwise; they are in the header only so the caller can own the memory.
 */

struct hv_evtchn_domain;

/*
 * Callouts. kick() is called when upcall_pending of vCPU `vcpu` of domain
 * `d` goes from 0 to 1: the vCPU has a deliverable event and nothing had
 * told it yet. It is not called again until the guest clears
 * upcall_pending and a new event arrives. It runs with domain locks held
 * (of the sender, and for an interdomain send of the sender only): it must
 * be short (wake the vCPU, send an IPI) and must not call hv_evtchn_*.
 * Whether to inject the upcall now or wait for the guest to clear its
 * upcall_mask is the core's business (see hv_evtchn_upcall_wanted()).
 */
struct hv_evtchn_ops {
    void (*kick)(void *ctx, struct hv_evtchn_domain *d, unsigned int vcpu);
};

/*
 * Where one vCPU's delivery state lives in guest-shared memory (for a Xen
 * PV guest: its vcpu_info's evtchn_pending_sel, evtchn_upcall_pending and
 * evtchn_upcall_mask). Bit w of *pending_sel means "word w of the pending
 * bitmap may have a deliverable bit for this vCPU".
 */
struct hv_evtchn_vcpu_shared {
    hv_word_t *pending_sel;
    uint8_t *upcall_pending;
    uint8_t *upcall_mask;
};

/* One vCPU's state (caller-owned array; filled by hv_evtchn_domain_init). */
struct hv_evtchn_vcpu {
    struct hv_evtchn_vcpu_shared shared; /* constant after init */
    uint16_t virq_port[HV_NR_VIRQS];     /* domain lock; 0 = not bound */
};

/* One port (caller-owned array; zeroed by hv_evtchn_domain_init). */
struct hv_evtchn_port {
    uint8_t state;              /* HV_EVTCHNSTAT_*; domain lock */
    uint8_t virq;               /* virq: which one; domain lock */
    uint16_t notify_vcpu;       /* written under domain lock, read atomically */
    uint16_t virq_vcpu;         /* virq: vCPU whose virq_port[] points here */
    hv_domid_t remote_domid;    /* unbound: who may connect */
    hv_evtchn_port_t peer_port; /* interdomain: the other end */
    struct hv_evtchn_domain *peer; /* interdomain: guarded by both locks */
};

struct hv_evtchn_domain {
    struct hv_spinlock lock;         /* guards everything marked "lock" */
    hv_domid_t domid;                /* constant */
    bool dying;                      /* lock; set once, never cleared */
    unsigned int port_count;         /* constant: ports 0..port_count-1 */
    unsigned int ports_in_use;       /* lock */
    unsigned int vcpu_count;         /* constant */
    struct hv_evtchn_port *ports;    /* constant pointer; entries: lock */
    struct hv_evtchn_vcpu *vcpus;    /* constant pointer; entries: lock */
    hv_word_t *pending;              /* guest-shared, atomic bit ops */
    hv_word_t *mask;                 /* guest-shared, atomic bit ops */
    const struct hv_evtchn_ops *ops; /* constant */
    void *ops_ctx;                   /* constant */
    HV_BITMAP_DECLARE(used, HV_EVTCHN_2L_MAX_PORTS); /* lock: port != closed */
};

/* Everything hv_evtchn_domain_init() needs. */
struct hv_evtchn_domain_config {
    hv_domid_t domid;             /* this domain's id */
    unsigned int port_count;      /* 2 .. HV_EVTCHN_2L_MAX_PORTS */
    struct hv_evtchn_port *ports; /* port_count entries */
    hv_word_t *pending;           /* >= HV_BITMAP_WORDS(port_count) */
    hv_word_t *mask;              /* >= HV_BITMAP_WORDS(port_count) */
    unsigned int vcpu_count;      /* 1 .. HV_MAX_VCPUS_PER_DOMAIN */
    struct hv_evtchn_vcpu *vcpus; /* vcpu_count entries */
    const struct hv_evtchn_vcpu_shared *vcpu_shared; /* vcpu_count, copied */
    const struct hv_evtchn_ops *ops; /* kick may be NULL (no callout) */
    void *ops_ctx;                   /* passed to every callout */
};

/* ------------------------------------------------------------------------
 * Life cycle.
 */

/*
 * hv_evtchn_domain_init() - make `d` a live domain with every port closed.
 * @d:   caller-owned, any content; stays valid until teardown has returned.
 * @cfg: arrays and shared locations; the ports and vcpus arrays and all
 *       shared memory must stay valid until hv_evtchn_domain_teardown()
 *       returns. The ports array and the pending bits of all ports are
 *       cleared; the mask bitmap is left as the guest has it.
 *
 * Port 0 is never allocated (guests use it as "no port"), so a domain has
 * port_count - 1 usable ports.
 *
 * Return: 0; HV_EINVAL for a NULL pointer, a count out of range or a NULL
 * shared location (d is then untouched).
 */
int hv_evtchn_domain_init(struct hv_evtchn_domain *d,
                          const struct hv_evtchn_domain_config *cfg);

/*
 * hv_evtchn_domain_teardown() - the domain is dying: close every port.
 * Afterwards every operation on `d` except status is refused with
 * HV_ESRCH, and the peers of its interdomain ports see them unbound
 * (waiting for this domain id). When it returns no other domain refers to
 * `d` and the caller may free it and its memory, provided no call on `d`
 * is still running (the core's domain reference rules ensure this).
 *
 * Return: 0; HV_ESRCH if the domain was already dying (a second teardown).
 */
int hv_evtchn_domain_teardown(struct hv_evtchn_domain *d);

/*
 * hv_evtchn_reset() - close every port of a live domain (EVTCHNOP_reset).
 * The caller should have paused the domain: ports it allocates while the
 * reset runs may survive it.
 * Return: 0; HV_ESRCH if the domain is dying.
 */
int hv_evtchn_reset(struct hv_evtchn_domain *d);

/* ------------------------------------------------------------------------
 * Operations. Each returns 0 or a negative hv_err; a refusal changes
 * nothing. "Dying" below means teardown has started.
 */

/*
 * hv_evtchn_alloc_unbound() - EVTCHNOP_alloc_unbound: a fresh port of `d`
 * that domain `remote_domid` (which may be d's own id) may connect to.
 * @port: out, the new port (untouched on error).
 * Return: 0; HV_ESRCH if d is dying; HV_ENOSPC if every port is in use;
 * HV_EINVAL for a NULL argument.
 */
int hv_evtchn_alloc_unbound(struct hv_evtchn_domain *d, hv_domid_t remote_domid,
                            hv_evtchn_port_t *port);

/*
 * hv_evtchn_bind_interdomain() - EVTCHNOP_bind_interdomain: connect a fresh
 * port of `ld` to port `rport` of `rd`, which must be unbound and waiting
 * for ld's id. `rd` may be `ld` (loopback). As Xen does, the new local port
 * is then made pending once, since the remote side may have sent before
 * the connection existed. Takes both domain locks.
 * @lport: out, the new local port.
 * Return: 0; HV_ESRCH if either domain is dying; HV_EINVAL if rport is out
 * of range, not unbound, or waiting for another domain (or a NULL
 * argument); HV_ENOSPC if ld has no free port.
 */
int hv_evtchn_bind_interdomain(struct hv_evtchn_domain *ld,
                               struct hv_evtchn_domain *rd,
                               hv_evtchn_port_t rport, hv_evtchn_port_t *lport);

/*
 * hv_evtchn_bind_virq() - EVTCHNOP_bind_virq: a fresh port raised by
 * `virq` on `vcpu`. Global VIRQs bind on vCPU 0 only.
 * Return: 0; HV_ESRCH if dying; HV_EINVAL if virq >= HV_NR_VIRQS, or a
 * global virq on a vCPU other than 0; HV_ENOENT if vcpu does not exist;
 * HV_EEXIST if that virq is already bound on that vCPU; HV_ENOSPC.
 */
int hv_evtchn_bind_virq(struct hv_evtchn_domain *d, uint32_t virq,
                        uint32_t vcpu, hv_evtchn_port_t *port);

/*
 * hv_evtchn_bind_ipi() - EVTCHNOP_bind_ipi: a fresh port that, when sent
 * on by the domain, notifies its vCPU `vcpu`.
 * Return: 0; HV_ESRCH if dying; HV_ENOENT if vcpu does not exist;
 * HV_ENOSPC; HV_EINVAL for a NULL argument.
 */
int hv_evtchn_bind_ipi(struct hv_evtchn_domain *d, uint32_t vcpu,
                       hv_evtchn_port_t *port);

/*
 * hv_evtchn_bind_vcpu() - EVTCHNOP_bind_vcpu: notify `vcpu` from now on
 * when `port` becomes pending. Allowed for unbound, interdomain and global
 * virq ports; IPI and per-vCPU virq ports are tied to their vCPU. An event
 * already pending stays signalled where it was.
 * Return: 0; HV_ESRCH if dying; HV_EINVAL if port is out of range, closed,
 * or of a kind that cannot move; HV_ENOENT if vcpu does not exist.
 */
int hv_evtchn_bind_vcpu(struct hv_evtchn_domain *d, hv_evtchn_port_t port,
                        uint32_t vcpu);

/*
 * hv_evtchn_send() - EVTCHNOP_send from domain `d` on `port`.
 * interdomain: the peer port becomes pending in the peer domain; ipi: the
 * port becomes pending for its vCPU; unbound: nothing happens (success, as
 * in Xen: nobody is listening yet). A port already pending stays pending
 * once: events coalesce. Sends to a dying peer are dropped.
 * Return: 0; HV_ESRCH if d is dying; HV_EINVAL if port is out of range,
 * closed, or a virq port (only the hypervisor raises those).
 */
int hv_evtchn_send(struct hv_evtchn_domain *d, hv_evtchn_port_t port);

/*
 * hv_evtchn_close() - EVTCHNOP_close. The port becomes closed and its
 * pending bit is cleared. Closing one end of an interdomain channel makes
 * the other end unbound, waiting for this domain's id again, with its
 * notify vCPU unchanged. Takes both domain locks for interdomain ports.
 * Return: 0; HV_ESRCH if dying; HV_EINVAL if port is out of range or
 * already closed.
 */
int hv_evtchn_close(struct hv_evtchn_domain *d, hv_evtchn_port_t port);

/*
 * hv_evtchn_status() - EVTCHNOP_status of `port` of `d` into `*st` (every
 * field written; the union member of another state is zero). Allowed on a
 * dying domain. A port never allocated reports HV_EVTCHNSTAT_CLOSED.
 * Return: 0; HV_EINVAL if port is out of range or st is NULL.
 */
int hv_evtchn_status(struct hv_evtchn_domain *d, hv_evtchn_port_t port,
                     struct hv_evtchn_status *st);

/*
 * hv_evtchn_unmask() - EVTCHNOP_unmask: clear the port's mask bit and, if
 * it is pending, signal its notify vCPU (selector, upcall flag, kick) as if
 * it had just been sent.
 * Return: 0; HV_ESRCH if dying; HV_EINVAL if port is out of range or
 * closed.
 */
int hv_evtchn_unmask(struct hv_evtchn_domain *d, hv_evtchn_port_t port);

/* ------------------------------------------------------------------------
 * The event_channel_op hypercall. The argument structures, in Xen's
 * layout, are in <hv/abi/event_channel.h> (the hypercall layer copies them
 * from and back to the guest); hv_evtchn_op() decodes one sub-command and
 * calls the operation above.
 */

/*
 * How hv_evtchn_op() turns a domain id into a domain. get() is never
 * called with DOMID_SELF or the caller's own id (the caller stands for
 * itself). `cmd` says what for: HV_EVTCHNOP_BIND_INTERDOMAIN (any domain
 * may connect to a port offered to it, as in Xen) or ALLOC_UNBOUND,
 * STATUS, RESET on another domain (in Xen, privileged callers only). It
 * returns 0 and a domain in *out that stays valid until the matching put(),
 * or a negative hv_err that hv_evtchn_op() returns as is (HV_ESRCH: no such
 * domain; HV_EPERM: `caller` may not do `cmd` on it). Privilege is the
 * resolver's policy.
 */
struct hv_evtchn_resolver {
    int (*get)(void *ctx, struct hv_evtchn_domain *caller, unsigned int cmd,
               hv_domid_t domid, struct hv_evtchn_domain **out);
    void (*put)(void *ctx, struct hv_evtchn_domain *d);
    void *ctx;
};

/*
 * hv_evtchn_op() - one event_channel_op sub-command from domain `caller`.
 * @cmd: HV_EVTCHNOP_*.
 * @arg: the argument structure of that command (see above), in hypervisor
 *       memory; its out fields are written on success only.
 * @r:   resolver for the commands that name a domain (alloc_unbound,
 *       bind_interdomain, status, reset); may be NULL if only DOMID_SELF
 *       is to be accepted (other ids then get HV_ESRCH).
 * Return: the operation's result; HV_EINVAL if caller is NULL; HV_EFAULT
 * if arg is NULL; HV_EPERM for
 * EVTCHNOP_bind_pirq (physical IRQs are reserved: never bound); HV_ENOSYS
 * for the FIFO commands (11..13) and unknown commands.
 */
int hv_evtchn_op(struct hv_evtchn_domain *caller, unsigned int cmd, void *arg,
                 const struct hv_evtchn_resolver *r);

/* ------------------------------------------------------------------------
 * Hypervisor side.
 */

/*
 * hv_evtchn_send_virq() - raise per-vCPU `virq` on `vcpu` of `d`.
 * Return: 0 if the bound port is now pending (or already was); HV_ENOENT
 * if the guest has not bound it (the event is dropped, as in Xen) or vcpu
 * does not exist; HV_EINVAL if virq is out of range or global; HV_ESRCH if
 * d is dying.
 */
int hv_evtchn_send_virq(struct hv_evtchn_domain *d, uint32_t vcpu,
                        uint32_t virq);

/*
 * hv_evtchn_send_global_virq() - raise global `virq` of `d`; the vCPU
 * notified is the port's notify vCPU.
 * Return: as hv_evtchn_send_virq(), HV_EINVAL for a per-vCPU virq.
 */
int hv_evtchn_send_global_virq(struct hv_evtchn_domain *d, uint32_t virq);

/* True for the per-vCPU VIRQs (TIMER, DEBUG, XENOPROF, XENPMU). */
bool hv_evtchn_virq_is_per_vcpu(uint32_t virq);

/*
 * hv_evtchn_upcall_wanted() - should the core inject the event upcall into
 * `vcpu` now: its upcall_pending is set and its upcall_mask clear. Reads
 * guest memory; false for a vCPU that does not exist.
 */
bool hv_evtchn_upcall_wanted(const struct hv_evtchn_domain *d,
                             unsigned int vcpu);

/* Number of ports of `d` not closed (a snapshot). */
unsigned int hv_evtchn_ports_in_use(struct hv_evtchn_domain *d);

HV_EXTERN_C_END

#endif /* HV_EVTCHN_H */
