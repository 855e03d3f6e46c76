/*
 * <hv/abi/event_channel.h>: the guest-visible numbers of event channels.
 *
 * Facts from Xen's xen/include/public/event_channel.h and xen.h, written
 * anew: port numbers, EVTCHNOP_* sub-commands, EVTCHNSTAT_* states and
 * VIRQ_* numbers, and the argument structure of every sub-command.
 * libhv-evtchn (<hv/evtchn.h>) implements them: hv_evtchn_op() decodes
 * one sub-command from these structures.
 */
#ifndef HV_ABI_EVENT_CHANNEL_H
#define HV_ABI_EVENT_CHANNEL_H

#include <hv/types.h>

HV_EXTERN_C_BEGIN

/* A port number as the guest sees it (Xen's evtchn_port_t). */
typedef uint32_t hv_evtchn_port_t;

/* Ports of the 2-level scheme with 64-bit words: 64 x 64. */
#define HV_EVTCHN_2L_MAX_PORTS 4096u

/* HV_DOMID_SELF, the "this domain" id of the ABI, is in <hv/abi/xen.h>. */

/* EVTCHNOP_* sub-commands of the event_channel_op hypercall. */
#define HV_EVTCHNOP_BIND_INTERDOMAIN 0
#define HV_EVTCHNOP_BIND_VIRQ        1
#define HV_EVTCHNOP_BIND_PIRQ        2
#define HV_EVTCHNOP_CLOSE            3
#define HV_EVTCHNOP_SEND             4
#define HV_EVTCHNOP_STATUS           5
#define HV_EVTCHNOP_ALLOC_UNBOUND    6
#define HV_EVTCHNOP_BIND_IPI         7
#define HV_EVTCHNOP_BIND_VCPU        8
#define HV_EVTCHNOP_UNMASK           9
#define HV_EVTCHNOP_RESET            10
#define HV_EVTCHNOP_INIT_CONTROL     11 /* FIFO ABI: not supported */
#define HV_EVTCHNOP_EXPAND_ARRAY     12 /* FIFO ABI: not supported */
#define HV_EVTCHNOP_SET_PRIORITY     13 /* FIFO ABI: not supported */

/* EVTCHNSTAT_*: the state of a port, as EVTCHNOP_status reports it. */
#define HV_EVTCHNSTAT_CLOSED      0
#define HV_EVTCHNSTAT_UNBOUND     1
#define HV_EVTCHNSTAT_INTERDOMAIN 2
#define HV_EVTCHNSTAT_PIRQ        3 /* reserved: never entered here */
#define HV_EVTCHNSTAT_VIRQ        4
#define HV_EVTCHNSTAT_IPI         5

/*
 * VIRQ_*: virtual interrupts the hypervisor raises. "V" ones are per vCPU
 * (bound once on each vCPU, never moved); "G" ones are global (bound once
 * per domain, on vCPU 0, and movable with hv_evtchn_bind_vcpu()).
 */
#define HV_VIRQ_TIMER      0  /* V: timer expired */
#define HV_VIRQ_DEBUG      1  /* V: dump debug information */
#define HV_VIRQ_CONSOLE    2  /* G: emergency console input */
#define HV_VIRQ_DOM_EXC    3  /* G: exceptional event for some domain */
#define HV_VIRQ_TBUF       4  /* G: trace buffer has records */
#define HV_VIRQ_DEBUGGER   6  /* G: a domain paused for debugging */
#define HV_VIRQ_XENOPROF   7  /* V: profiling sample available */
#define HV_VIRQ_CON_RING   8  /* G: console ring input */
#define HV_VIRQ_PCPU_STATE 9  /* G: physical CPU state changed */
#define HV_VIRQ_MEM_EVENT  10 /* G: memory event */
#define HV_VIRQ_ARGO       11 /* G: inter-domain message notification */
#define HV_VIRQ_ENOMEM     12 /* G: hypervisor low on memory */
#define HV_VIRQ_XENPMU     13 /* V: performance counter interrupt */
#define HV_VIRQ_ARCH_0     16 /* G: architecture-specific 0..7 */
#define HV_VIRQ_ARCH_7     23
#define HV_NR_VIRQS        24

/* ---- argument structures of the sub-commands (x86-64 layouts) ---- */

/* What EVTCHNOP_status reports about a port (Xen's evtchn_status out part). */
struct hv_evtchn_status {
    uint32_t status; /* HV_EVTCHNSTAT_* */
    uint32_t vcpu;   /* vCPU notified when the port becomes pending */
    union {
        struct {
            hv_domid_t dom; /* who may connect */
        } unbound;
        struct {
            hv_domid_t dom;        /* peer domain */
            hv_evtchn_port_t port; /* peer port */
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};

struct hv_evtchn_op_alloc_unbound {
    hv_domid_t dom;        /* in: owner of the new port (or DOMID_SELF) */
    hv_domid_t remote_dom; /* in: who may connect (or DOMID_SELF) */
    hv_evtchn_port_t port; /* out */
};

struct hv_evtchn_op_bind_interdomain {
    hv_domid_t remote_dom;        /* in (or DOMID_SELF) */
    hv_evtchn_port_t remote_port; /* in */
    hv_evtchn_port_t local_port;  /* out */
};

struct hv_evtchn_op_bind_virq {
    uint32_t virq;         /* in */
    uint32_t vcpu;         /* in */
    hv_evtchn_port_t port; /* out */
};

struct hv_evtchn_op_bind_pirq {
    uint32_t pirq;         /* in */
    uint32_t flags;        /* in */
    hv_evtchn_port_t port; /* out */
};

struct hv_evtchn_op_bind_ipi {
    uint32_t vcpu;         /* in */
    hv_evtchn_port_t port; /* out */
};

struct hv_evtchn_op_port {
    hv_evtchn_port_t port; /* in: close, send, unmask */
};

struct hv_evtchn_op_status {
    hv_domid_t dom;             /* in (or DOMID_SELF) */
    hv_evtchn_port_t port;      /* in */
    struct hv_evtchn_status st; /* out */
};

struct hv_evtchn_op_bind_vcpu {
    hv_evtchn_port_t port; /* in */
    uint32_t vcpu;         /* in */
};

struct hv_evtchn_op_reset {
    hv_domid_t dom; /* in (or DOMID_SELF) */
};

HV_STATIC_ASSERT(sizeof(struct hv_evtchn_op_alloc_unbound) == 8, "evtchn_op");
HV_STATIC_ASSERT(sizeof(struct hv_evtchn_op_bind_interdomain) == 12,
                 "evtchn_op");
HV_STATIC_ASSERT(sizeof(struct hv_evtchn_op_bind_virq) == 12, "evtchn_op");
HV_STATIC_ASSERT(sizeof(struct hv_evtchn_op_bind_pirq) == 12, "evtchn_op");
HV_STATIC_ASSERT(sizeof(struct hv_evtchn_op_bind_ipi) == 8, "evtchn_op");
HV_STATIC_ASSERT(sizeof(struct hv_evtchn_op_status) == 24, "evtchn_op");
HV_STATIC_ASSERT(sizeof(struct hv_evtchn_op_bind_vcpu) == 8, "evtchn_op");
HV_STATIC_ASSERT(sizeof(struct hv_evtchn_op_reset) == 2, "evtchn_op");

HV_EXTERN_C_END

#endif /* HV_ABI_EVENT_CHANNEL_H */
