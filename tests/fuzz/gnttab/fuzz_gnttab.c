/*
 * libFuzzer target: random grant-table operation sequences from 2-4
 * domains.
 *
 * Input: byte 0 picks the domain count (2..4) and which domains are
 * translated; then each operation is an opcode byte followed by argument
 * bytes (missing bytes read as 0). Operations: a granter writes an entry
 * (any type, flags, domid, frame), map, unmap (of a held handle or a
 * random one, with the right or a wrong address), copy (every side kind,
 * random offsets and lengths), transfer, table growth, allocation and
 * release of pages, pinning pages as page tables (so writable grants of
 * them must fail), guest scribbling over entries in use, teardown of a
 * domain and its re-creation, and the hypercall decoder with arbitrary
 * argument bytes.
 *
 * After every operation: hv_mm_check() with the grant tables' references
 * (every count on every frame equals the references that exist: every
 * mapping accounted), hv_gnttab_check() (handles, pins, free lists, and
 * the shared flags unless a guest scribbled), and every status is okay or
 * a documented negative GNTST value. At the end every domain is torn down
 * and every count must be zero, every frame back in the allocator.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define GX_NO_CMOCKA
#include "gnttab_fixture.h"

#define PAGES 6 /* pages tracked per domain */

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

struct held {
    uint32_t handle;
    uint64_t host;
    bool used;
};

struct state {
    struct gx *g;
    uint64_t pages[GX_DOMS + 1][PAGES]; /* 0: none */
    struct held held[GX_DOMS + 1][GX_MAPTRACK];
    unsigned int translated;
};

static unsigned int dom_arg(struct state *s, struct input *in)
{
    return 1 + byte(in) % s->g->ndoms;
}

/* A frame number as a guest would name it: one of its pages, or noise. */
static uint64_t frame_arg(struct state *s, unsigned int d, struct input *in)
{
    uint8_t b = byte(in);
    uint64_t m;

    if (b < 200) {
        m = s->pages[d][b % PAGES];
        if ((s->g->d[d].gt.cfg.flags & HV_GNTTAB_TRANSLATED) && b % 2)
            return b % 40; /* a gfn, populated below 32 */
        return m;
    }
    return (uint64_t)byte(in) * 2 + (b & 1);
}

static void status_ok(int rc)
{
    GX_ASSERT(rc <= 0 && rc >= HV_GNTST_no_space);
}

static void op_grant(struct state *s, struct input *in)
{
    unsigned int a = dom_arg(s, in), b = dom_arg(s, in);
    uint32_t ref = byte(in) % 12;
    uint64_t frame = frame_arg(s, a, in);
    uint8_t f = byte(in);
    uint16_t flags;

    if (!s->g->d[a].live)
        return;
    if (ref >= hv_gnttab_nr_frames(gx_gt(s->g, a)) * 512u)
        return;
    switch (f % 6) {
    case 0:
        flags = HV_GTF_permit_access;
        break;
    case 1:
        flags = HV_GTF_permit_access | HV_GTF_readonly;
        break;
    case 2:
        flags = HV_GTF_accept_transfer;
        break;
    case 3:
        flags = 0;
        break;
    default:
        flags = (uint16_t)(f | (uint16_t)byte(in) << 8);
        break;
    }
    /* Rewriting an entry in use is the guest's right; it only turns off
     * the shared-flag check. */
    if (s->g->d[a].active[ref].pin_ro + s->g->d[a].active[ref].pin_rw)
        s->g->scribbled = true;
    gx_grant(s->g, a, ref, b, frame, flags);
}

static void op_map(struct state *s, struct input *in)
{
    unsigned int m = dom_arg(s, in), gr = dom_arg(s, in);
    uint8_t f = byte(in);
    struct hv_gnttab_map_grant_ref op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.ref = byte(in) % 14;
    op.dom = (uint16_t)(f & 0x80 ? HV_DOMID_SELF : gr);
    op.flags = HV_GNTMAP_host_map | (f & 1 ? HV_GNTMAP_readonly : 0);
    if (f & 0x40)
        op.flags = byte(in);
    op.host_addr = (uint64_t)(byte(in) % 8) << 12;
    rc = hv_gnttab_map_grant_ref(gx_gt(s->g, m), gx_gt(s->g, gr), &op,
                                 &s->g->flush);
    status_ok(rc);
    GX_EQ(op.status, rc);
    if (rc == HV_GNTST_okay) {
        GX_ASSERT(op.handle < GX_MAPTRACK);
        GX_ASSERT(!s->held[m][op.handle].used);
        s->held[m][op.handle] = (struct held){op.handle, op.host_addr, true};
    }
}

static void op_unmap(struct state *s, struct input *in)
{
    unsigned int m = dom_arg(s, in);
    uint8_t h = byte(in), w = byte(in);
    struct hv_gnttab_unmap_grant_ref op;
    struct held *hd = &s->held[m][h % GX_MAPTRACK];
    int rc;

    memset(&op, 0, sizeof(op));
    op.handle = h < 0xF0 ? h % GX_MAPTRACK : 0xFFFFFF00u | h;
    op.host_addr = hd->used && w < 0xC0 ? hd->host : (uint64_t)(w % 8) << 12;
    rc = hv_gnttab_unmap_grant_ref(gx_gt(s->g, m), &op, &s->g->flush);
    status_ok(rc);
    if (rc == HV_GNTST_okay) {
        GX_ASSERT(op.handle < GX_MAPTRACK && hd->used);
        hd->used = false;
    } else if (hd->used && op.handle == h % GX_MAPTRACK &&
               op.host_addr == hd->host) {
        GX_FAIL("unmap of a held handle with its address refused: %d", rc);
    }
}

static void op_copy(struct state *s, struct input *in)
{
    unsigned int c = dom_arg(s, in), sa = dom_arg(s, in), da = dom_arg(s, in);
    uint8_t f = byte(in);
    struct hv_gnttab_copy op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.flags = f & 3;
    if (f & 4)
        op.flags = f >> 3;
    if (op.flags & HV_GNTCOPY_source_gref)
        op.source.u.ref = byte(in) % 14;
    else
        op.source.u.gmfn = frame_arg(s, c, in);
    if (op.flags & HV_GNTCOPY_dest_gref)
        op.dest.u.ref = byte(in) % 14;
    else
        op.dest.u.gmfn = frame_arg(s, c, in);
    op.source.domid = (uint16_t)(op.flags & 1 ? sa : HV_DOMID_SELF);
    op.dest.domid = (uint16_t)(op.flags & 2 ? da : HV_DOMID_SELF);
    op.source.offset = (uint16_t)(byte(in) * 17);
    op.dest.offset = (uint16_t)(byte(in) * 17);
    op.len = (uint16_t)(byte(in) * 19);
    rc = hv_gnttab_copy(
        gx_gt(s->g, c), op.flags & 1 ? gx_gt(s->g, sa) : gx_gt(s->g, c),
        op.flags & 2 ? gx_gt(s->g, da) : NULL, &op, &s->g->flush);
    status_ok(rc);
    if (rc == HV_GNTST_okay)
        GX_ASSERT(op.source.offset + op.len <= HV_PAGE_SIZE &&
                  op.dest.offset + op.len <= HV_PAGE_SIZE);
}

static void op_transfer(struct state *s, struct input *in)
{
    unsigned int a = dom_arg(s, in), b = dom_arg(s, in);
    uint8_t i = byte(in) % PAGES;
    struct hv_gnttab_transfer op;
    int rc, k;

    memset(&op, 0, sizeof(op));
    op.mfn = byte(in) < 0xF0 ? s->pages[a][i] : byte(in);
    op.domid = (uint16_t)b;
    op.ref = byte(in) % 14;
    rc = hv_gnttab_transfer(gx_gt(s->g, a), gx_gt(s->g, b), &op, &s->g->flush);
    status_ok(rc);
    if (rc != HV_GNTST_okay)
        return;
    for (k = 0; k < PAGES; k++)
        if (s->pages[a][k] == op.mfn)
            s->pages[a][k] = 0;
    for (k = 0; k < PAGES; k++) {
        if (s->pages[b][k] == 0) {
            s->pages[b][k] = gx_entry(s->g, b, op.ref)->frame;
            break;
        }
    }
}

static void op_pages(struct state *s, struct input *in)
{
    unsigned int a = dom_arg(s, in);
    uint8_t what = byte(in), i = byte(in) % PAGES;
    struct hv_mm_domain *md = &s->g->d[a].md;
    uint64_t m = s->pages[a][i];

    if (!md->registered)
        return;
    switch (what % 5) {
    case 0: /* allocate */
        if (m == 0 && hv_mm_domain_tot_pages(&s->g->mm, md) < GX_DOM_MAX) {
            hv_mfn_t x;

            if (hv_mm_alloc_domain_pages(&s->g->mm, md, 0, &x) == HV_OK)
                s->pages[a][i] = hv_mfn_val(x);
        }
        break;
    case 1: /* release (it lives on while mapped) */
        if (m &&
            hv_mm_release_page(&s->g->mm, md, hv_mfn(m), &s->g->flush) == HV_OK)
            s->pages[a][i] = 0;
        break;
    case 2: /* becomes a page table, if nothing writes it */
        if (m)
            (void)hv_mm_pin(&s->g->mm, md, hv_mfn(m), 1, &s->g->flush);
        break;
    case 3:
        if (m)
            (void)hv_mm_unpin(&s->g->mm, md, hv_mfn(m), &s->g->flush);
        break;
    default: /* grow the table */
        if (s->g->d[a].live && !s->g->d[a].gt.dying &&
            hv_gnttab_nr_frames(&s->g->d[a].gt) < GX_MAX_FRAMES &&
            hv_mm_domain_tot_pages(&s->g->mm, md) < GX_DOM_MAX)
            gx_grow(s->g, a);
        break;
    }
}

static void op_teardown(struct state *s, struct input *in)
{
    unsigned int a = dom_arg(s, in);
    struct gx_dom *d = &s->g->d[a];
    struct hv_mm_flush fl = {0, 0};
    int rc, k;

    if (d->live) {
        rc = hv_gnttab_teardown(&d->gt, &fl);
        GX_ASSERT(rc == HV_OK || rc == HV_EBUSY);
        GX_EQ(hv_gnttab_mapping_count(&d->gt), 0);
        memset(s->held[a], 0, sizeof(s->held[a]));
        if (rc != HV_OK)
            return;
        d->live = false;
    }
    if (d->md.registered &&
        hv_mm_domain_teardown(&s->g->mm, &d->md, &fl) == HV_OK)
        for (k = 0; k < PAGES; k++)
            s->pages[a][k] = 0;
}

static struct gx *res_g;

static int res_get(void *ctx, struct hv_gnttab *caller, unsigned int cmd,
                   hv_domid_t domid, struct hv_gnttab **out)
{
    (void)ctx;
    (void)caller;
    (void)cmd;
    if (domid < 1 || domid > res_g->ndoms)
        return HV_ESRCH;
    *out = &res_g->d[domid].gt;
    return HV_OK;
}

/* The hypercall decoder with arbitrary argument bytes. */
static void op_decoder(struct state *s, struct input *in)
{
    static const struct hv_gnttab_resolver r = {res_get, NULL, NULL};
    unsigned int a = dom_arg(s, in), cmd = byte(in) % 14;
    unsigned int count = 1 + byte(in) % 3, done, h;
    uint8_t args[3 * 40];
    size_t k;
    int rc;

    for (k = 0; k < sizeof(args); k++)
        args[k] = byte(in);
    res_g = s->g;
    rc =
        hv_gnttab_op(gx_gt(s->g, a), cmd, args, count, &r, &done, &s->g->flush);
    GX_ASSERT(rc <= 0);
    /* Handles it made or dropped: take the library's word for them. */
    for (h = 0; h < GX_MAPTRACK; h++) {
        const struct hv_gnttab_maptrack *mt = &s->g->d[a].maptrack[h];

        s->held[a][h] = (struct held){h, mt->host_addr, mt->granter != NULL};
    }
}

static void op_recreate(struct state *s, struct input *in)
{
    unsigned int a = dom_arg(s, in);
    struct gx_dom *d = &s->g->d[a];
    struct hv_gnttab_config c;

    if (d->live || d->md.registered)
        return;
    GX_EQ(hv_mm_domain_init(&s->g->mm, &d->md, (hv_domid_t)a, GX_DOM_MAX,
                            d->p2m, GX_P2M, 0),
          HV_OK);
    gx_config(s->g, a, &c, 0);
    GX_EQ(hv_gnttab_init(&d->gt, &c), HV_OK);
    d->live = true;
    gx_grow(s->g, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    struct state *s = calloc(1, sizeof(*s));
    uint8_t b0 = byte(&in);
    unsigned int ndoms = 2 + b0 % 3, a, k, steps = 0;

    GX_ASSERT(s != NULL);
    memset(gx_mem, 0, sizeof(gx_mem));
    s->translated = ((b0 >> 2) & 0xF) << 1 & 0x1E;
    s->g = gx_new(ndoms, s->translated);
    for (a = 1; a <= ndoms; a++)
        for (k = 0; k < 3; k++)
            s->pages[a][k] = gx_alloc(s->g, a);

    while (in.n > 0 && steps++ < 400) {
        switch (byte(&in) % 11) {
        case 0:
        case 1:
            op_grant(s, &in);
            break;
        case 2:
        case 3:
            op_map(s, &in);
            break;
        case 4:
            op_unmap(s, &in);
            break;
        case 5:
            op_copy(s, &in);
            break;
        case 6:
            op_transfer(s, &in);
            break;
        case 7:
            op_pages(s, &in);
            break;
        case 8:
            op_teardown(s, &in);
            break;
        case 9:
            op_recreate(s, &in);
            break;
        default:
            op_decoder(s, &in);
            break;
        }
        gx_check(s->g);
    }
    gx_free(s->g); /* every count back to zero, every frame free */
    free(s);
    return 0;
}
