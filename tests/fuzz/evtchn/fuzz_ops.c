/*
 * libFuzzer target: random operation sequences from 2-4 domains.
 *
 * Input: byte 0 picks the domain count (2..4) and table sizes; then each
 * operation is an opcode byte followed by argument bytes (missing bytes
 * read as 0). Operations cover every API call, the hypercall decoder with
 * arbitrary argument bytes, guest behaviour (running the upcall handler,
 * masking, scribbling over its shared words), teardown and re-creation of
 * a domain. After every operation the invariants below are checked over
 * all domains; at the end every domain is torn down and every count must
 * be back to zero.
 *
 * Invariants: ports_in_use equals the number of non-closed ports and the
 * population of the `used` bitmap; port 0 is closed; both ends of every
 * interdomain channel point at each other; every VIRQ port is the one its
 * vCPU's table names and vice versa; every notify vCPU exists; a dying
 * domain has no ports; guard words after the bitmaps are intact; the
 * resolver's references balance; on every vCPU, kicks equal the 0->1
 * edges of upcall_pending (upcalls the guest took plus a flag still set).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "evtchn_harness.h"

#define MAX_DOMS 4

struct input {
    const uint8_t *p;
    size_t n;
};

static uint8_t byte(struct input *in)
{
    uint8_t b = 0;

    if (in->n > 0) {
        b = *in->p++;
        in->n--;
    }
    return b;
}

static uint32_t word32(struct input *in)
{
    uint32_t v = byte(in);

    v |= (uint32_t)byte(in) << 8;
    v |= (uint32_t)byte(in) << 16;
    v |= (uint32_t)byte(in) << 24;
    return v;
}

/* Ports mostly near the table, sometimes anywhere. */
static hv_evtchn_port_t port_arg(struct input *in)
{
    uint8_t b = byte(in);

    if (b == 0xff)
        return word32(in);
    return b % 72;
}

static struct tdom *doms[MAX_DOMS];
static unsigned int ndoms;
static unsigned int port_counts[MAX_DOMS];
static int refs;

static void fail(const char *what, unsigned int d, unsigned int port)
{
    fprintf(stderr, "invariant broken: %s (domain %u port %u)\n", what, d,
            port);
    abort();
}

static int r_get(void *ctx, struct hv_evtchn_domain *caller, unsigned int cmd,
                 hv_domid_t id, struct hv_evtchn_domain **out)
{
    (void)ctx;
    if (id >= ndoms)
        return HV_ESRCH;
    if (caller->domid != 0 && cmd != HV_EVTCHNOP_BIND_INTERDOMAIN)
        return HV_EPERM;
    refs++;
    *out = &doms[id]->d;
    return 0;
}

static void r_put(void *ctx, struct hv_evtchn_domain *d)
{
    (void)ctx;
    (void)d;
    refs--;
}

static const struct hv_evtchn_resolver R = {r_get, r_put, NULL};

static int dom_index(const struct hv_evtchn_domain *d)
{
    for (unsigned int i = 0; i < ndoms; i++)
        if (&doms[i]->d == d)
            return (int)i;
    return -1;
}

static void check(void)
{
    for (unsigned int i = 0; i < ndoms; i++) {
        struct tdom *t = doms[i];
        struct hv_evtchn_domain *d = &t->d;
        unsigned int live = 0;

        if (!t_guards_intact(t))
            fail("guard words", i, 0);
        if (d->ports[0].state != HV_EVTCHNSTAT_CLOSED)
            fail("port 0 in use", i, 0);
        for (unsigned int p = 0; p < d->port_count; p++) {
            const struct hv_evtchn_port *e = &d->ports[p];

            if ((e->state != HV_EVTCHNSTAT_CLOSED) != hv_bit_test(d->used, p))
                fail("used bitmap", i, p);
            if (e->state == HV_EVTCHNSTAT_CLOSED)
                continue;
            live++;
            if (e->notify_vcpu >= d->vcpu_count)
                fail("notify vcpu", i, p);
            if (e->state == HV_EVTCHNSTAT_INTERDOMAIN) {
                int j = dom_index(e->peer);
                const struct hv_evtchn_port *q;

                if (j < 0 || e->peer_port >= e->peer->port_count)
                    fail("peer", i, p);
                q = &e->peer->ports[e->peer_port];
                if (q->state != HV_EVTCHNSTAT_INTERDOMAIN || q->peer != d ||
                    q->peer_port != p)
                    fail("peer does not point back", i, p);
            } else if (e->state == HV_EVTCHNSTAT_VIRQ) {
                if (e->virq >= HV_NR_VIRQS || e->virq_vcpu >= d->vcpu_count ||
                    d->vcpus[e->virq_vcpu].virq_port[e->virq] != p)
                    fail("virq table", i, p);
            } else if (e->state != HV_EVTCHNSTAT_UNBOUND &&
                       e->state != HV_EVTCHNSTAT_IPI) {
                fail("state", i, p);
            }
        }
        if (live != d->ports_in_use ||
            live != hv_bitmap_weight(d->used, d->port_count))
            fail("ports_in_use", i, live);
        if (d->dying && live != 0)
            fail("dying domain with ports", i, live);
        for (unsigned int v = 0; v < d->vcpu_count; v++) {
            for (unsigned int q = 0; q < HV_NR_VIRQS; q++) {
                unsigned int p = d->vcpus[v].virq_port[q];

                if (p != 0 &&
                    (p >= d->port_count ||
                     d->ports[p].state != HV_EVTCHNSTAT_VIRQ ||
                     d->ports[p].virq != q || d->ports[p].virq_vcpu != v))
                    fail("virq table entry", i, p);
            }
            if (t->kicks[v] != t->upcalls[v] + t->upcall_pending[v])
                fail("kick without a 0->1 edge", i, v);
        }
    }
    if (refs != 0)
        fail("resolver references", 0, (unsigned int)refs);
}

static void op(struct input *in)
{
    uint8_t code = byte(in);
    unsigned int di = byte(in) % ndoms;
    struct tdom *t = doms[di];
    struct hv_evtchn_domain *d = &t->d;
    struct hv_evtchn_domain *other = &doms[byte(in) % ndoms]->d;
    hv_evtchn_port_t out;
    struct hv_evtchn_status st;

    switch (code % 20) {
    case 0:
        (void)hv_evtchn_alloc_unbound(d, byte(in) % (ndoms + 1), &out);
        break;
    case 1:
        (void)hv_evtchn_bind_interdomain(d, other, port_arg(in), &out);
        break;
    case 2:
        (void)hv_evtchn_bind_virq(d, byte(in) % 26, byte(in) % 3, &out);
        break;
    case 3:
        (void)hv_evtchn_bind_ipi(d, byte(in) % 3, &out);
        break;
    case 4:
        (void)hv_evtchn_bind_vcpu(d, port_arg(in), byte(in) % 3);
        break;
    case 5:
    case 6:
        (void)hv_evtchn_send(d, port_arg(in));
        break;
    case 7:
        (void)hv_evtchn_close(d, port_arg(in));
        break;
    case 8:
        (void)hv_evtchn_status(d, port_arg(in), &st);
        break;
    case 9:
        (void)hv_evtchn_unmask(d, port_arg(in));
        break;
    case 10:
        if (byte(in) % 8 == 0)
            (void)hv_evtchn_reset(d);
        break;
    case 11:
        if (byte(in) % 8 == 0) {
            /* Teardown, then a new life for the same domain object. */
            struct hv_evtchn_domain_config cfg;

            (void)hv_evtchn_domain_teardown(d);
            check();
            t_config(t, (hv_domid_t)di, port_counts[di], 2, &cfg);
            if (hv_evtchn_domain_init(d, &cfg) != 0)
                fail("re-init", di, 0);
            memset(t->kicks, 0, sizeof(t->kicks));
            memset(t->upcalls, 0, sizeof(t->upcalls));
            memset(t->upcall_pending, 0, sizeof(t->upcall_pending));
        }
        break;
    case 12:
        (void)hv_evtchn_send_virq(d, byte(in) % 3, byte(in) % 26);
        break;
    case 13:
        (void)hv_evtchn_send_global_virq(d, byte(in) % 26);
        break;
    case 14: {
        /* The hypercall decoder with arbitrary argument bytes. */
        uint32_t arg[8];
        unsigned int cmd = byte(in) % 16;

        for (unsigned int i = 0; i < 8; i++)
            arg[i] = word32(in) & 0x000300ff;
        (void)hv_evtchn_op(d, cmd, arg, &R);
        break;
    }
    case 15:
        (void)t_guest_upcall(t, byte(in) % 2, NULL, NULL, NULL);
        break;
    case 16: {
        hv_evtchn_port_t p = byte(in) % port_counts[di];

        if (byte(in) & 1)
            hv_bit_set_atomic(t->mask, p);
        else
            hv_bit_clear_atomic(t->mask, p);
        break;
    }
    case 17: {
        /* The guest scribbles over its shared words (not the flags). */
        unsigned int w = byte(in) % HV_BITMAP_WORDS(port_counts[di]);
        hv_word_t v = ((hv_word_t)word32(in) << 32) | word32(in);

        if (byte(in) & 1)
            t->pending[w] = v;
        else
            t->sel[byte(in) % 2] = v;
        break;
    }
    default:
        (void)hv_evtchn_send(d, port_arg(in));
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    uint8_t head = byte(&in);
    unsigned int ops = 0;

    ndoms = 2 + head % 3;
    refs = 0;
    for (unsigned int i = 0; i < ndoms; i++) {
        port_counts[i] =
            i == 0 ? 64 : 2 + (unsigned int)((head >> 2) + i * 17) % 63;
        doms[i] = t_new((hv_domid_t)i, port_counts[i], 2);
    }
    while (in.n > 0 && ops++ < 512) {
        op(&in);
        check();
    }
    for (unsigned int i = 0; i < ndoms; i++)
        (void)hv_evtchn_domain_teardown(&doms[i]->d);
    check();
    for (unsigned int i = 0; i < ndoms; i++) {
        if (hv_evtchn_ports_in_use(&doms[i]->d) != 0)
            fail("ports left after teardown", i, 0);
        free(doms[i]);
    }
    return 0;
}
