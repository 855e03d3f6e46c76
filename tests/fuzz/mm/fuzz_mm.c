/*
 * libFuzzer target: random operation sequences from three domains against
 * one libhv-mm instance, with every invariant proved after every step.
 *
 * The input is a byte stream read as operations: one byte picks the
 * operation and the acting domain, the next bytes its arguments. Frame
 * numbers are reduced modulo the machine size (plus a little beyond, to
 * reach the "no such frame" refusals); entry values are assembled from a
 * frame byte and a flag byte so that most requests are plausible. The
 * harness plays an honest embedder (like libhv-gnttab): the general and
 * type references it takes with get_page / get_page_type it records, and
 * only drops what it holds, and it reports them to the checker.
 *
 * Built twice: as a libFuzzer target (-Dfuzz=true, clang) and, with
 * MM_FUZZ_REPLAY, as a plain program that replays the seed corpus in the
 * ordinary unit suite.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/mm.h>
#include <hv/mm_share.h>

#define NF      256u
#define NDOM    3u
#define P2MSIZE 64u

struct world {
    struct hv_mm mm;
    struct hv_mm_page pages[NF];
    uint64_t m2p[NF];
    struct hv_mm_domain dom[NDOM];
    uint64_t p2m[NDOM][P2MSIZE];
    uint32_t scratch[HV_MM_CHECK_SCRATCH_WORDS(NF)];
    uint32_t ext_count[NF], ext_type[NF];
    uint8_t mem[NF][4096];
};

static struct world *w;

static void *map(void *ctx, hv_mfn_t m)
{
    (void)ctx;
    if (hv_mfn_val(m) >= NF)
        abort();
    return w->mem[hv_mfn_val(m)];
}

static bool foreign(void *ctx, hv_domid_t d, hv_domid_t owner, hv_mfn_t m)
{
    (void)ctx;
    (void)m;
    return d == 1 && owner == 2; /* domain 1 may map domain 2 (a builder) */
}

static void ext(void *ctx, hv_mfn_t m, uint32_t *c, uint32_t *t)
{
    (void)ctx;
    *c += w->ext_count[hv_mfn_val(m)];
    *t += w->ext_type[hv_mfn_val(m)];
}

static const struct hv_mm_ops ops = {map, NULL, foreign, NULL};
static const struct hv_mm_region regions[] = {
    {1, 100, HV_MM_REGION_RAM},
    {128, 128, HV_MM_REGION_RAM},
    {140, 4, HV_MM_REGION_RESERVED},
};
static const uint32_t dom_flags[NDOM] = {
    HV_MM_DOM_LINEAR_PT, 0, HV_MM_DOM_SUPERPAGES | HV_MM_DOM_LINEAR_PT};

static void dom_init(unsigned int i)
{
    if (hv_mm_domain_init(&w->mm, &w->dom[i], (hv_domid_t)(i + 1), 120,
                          w->p2m[i], P2MSIZE, dom_flags[i]) != HV_OK)
        abort();
}

static void setup(void)
{
    struct hv_mm_config cfg;
    unsigned int i;

    if (!w)
        w = calloc(1, sizeof(*w));
    if (!w)
        abort();
    memset(w->ext_count, 0, sizeof(w->ext_count));
    memset(w->ext_type, 0, sizeof(w->ext_type));
    memset(&cfg, 0, sizeof(cfg));
    cfg.pages = w->pages;
    cfg.m2p = w->m2p;
    cfg.nr_frames = NF;
    cfg.regions = regions;
    cfg.region_count = 3;
    cfg.max_order = 7;
    cfg.ops = &ops;
    cfg.flags = HV_MM_INIT_SCRUB;
    if (hv_mm_init(&w->mm, &cfg) != HV_OK)
        abort();
    for (i = 0; i < NDOM; i++)
        dom_init(i);
}

static void check(unsigned int step, unsigned int op)
{
    char msg[200];

    if (hv_mm_check(&w->mm, 0, ext, NULL, w->scratch, HV_ARRAY_SIZE(w->scratch),
                    msg, sizeof(msg)) != HV_OK) {
        fprintf(stderr, "step %u op %u: %s\n", step, op, msg);
        abort();
    }
}

struct in {
    const uint8_t *p;
    size_t n;
};

static uint8_t byte(struct in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static uint64_t frame(struct in *in)
{
    return byte(in) % (NF + 8);
}

/* An entry: a frame and flags; the flag byte's top bits add oddities. */
static uint64_t entry(struct in *in)
{
    uint64_t m = frame(in);
    uint8_t fl = byte(in);
    uint64_t e = (m << 12) | (fl & 0x87); /* P, RW, US, PSE */

    if (fl & 0x08)
        e |= HV_PAGE_GLOBAL;
    if (fl & 0x10)
        e |= HV_PAGE_ACCESSED | HV_PAGE_DIRTY;
    if (fl & 0x20)
        e |= HV_PAGE_NX;
    if ((fl & 0x60) == 0x40)
        e |= 1ULL << 52;
    return e;
}

static void step(struct in *in, unsigned int n)
{
    uint8_t opb = byte(in);
    unsigned int di = (opb >> 5) % NDOM, op = opb & 31u;
    struct hv_mm_domain *d = &w->dom[di];
    struct hv_mm_flush fl = {0, 0};
    size_t done;
    uint64_t m, g;
    hv_mfn_t out;

    if (!d->registered)
        dom_init(di);
    switch (op) {
    case 0:
    case 1:
        (void)hv_mm_alloc_domain_pages(&w->mm, d, byte(in) % 4, &out);
        break;
    case 2:
        (void)hv_mm_release_page(&w->mm, d, hv_mfn(frame(in)), &fl);
        break;
    case 3:
    case 4:
        m = frame(in);
        (void)hv_mm_pin(&w->mm, d, hv_mfn(m), 1 + byte(in) % 4, &fl);
        break;
    case 5:
        (void)hv_mm_unpin(&w->mm, d, hv_mfn(frame(in)), &fl);
        break;
    case 6:
    case 7:
    case 8:
    case 9: {
        struct hv_mmu_update u[3];
        unsigned int k, cnt = 1 + byte(in) % 3;

        for (k = 0; k < cnt; k++) {
            m = frame(in);
            u[k].ptr = (m << 12) + (byte(in) % 8) * 8 +
                       ((byte(in) & 0x0F) == 0 ? 4 : 0);
            u[k].ptr |= (byte(in) & 0x30) == 0x30 ? 2 : 0;
            u[k].val = entry(in);
        }
        (void)hv_mm_mmu_update(&w->mm, d, u, cnt, &done, &fl);
        break;
    }
    case 10: {
        struct hv_mmu_update u;

        u.ptr = (frame(in) << 12) | HV_MMU_MACHPHYS_UPDATE;
        g = byte(in);
        u.val = g == 255 ? HV_MM_INVALID_FRAME : g % (P2MSIZE + 4);
        (void)hv_mm_mmu_update(&w->mm, d, &u, 1, &done, &fl);
        break;
    }
    case 11:
    case 12: {
        struct hv_mmuext_op o;

        memset(&o, 0, sizeof(o));
        o.cmd = byte(in) % 16;
        o.arg1.mfn = frame(in);
        (void)hv_mm_mmuext_op(&w->mm, d, byte(in) % 2, &o, 1, &done, &fl);
        break;
    }
    case 13:
        (void)hv_mm_new_baseptr(&w->mm, d, byte(in) % 2, hv_mfn(frame(in)),
                                &fl);
        break;
    case 14:
    case 15: {
        /* L4 slot 0 or 256, L3/L2 slot 0..3, L1 slot 0..7. */
        uint8_t a = byte(in);
        uint64_t va = ((uint64_t)(a & 7) << 12) |
                      ((uint64_t)((a >> 3) & 3) << 21) |
                      ((a & 0x80) ? 0xFFFF800000000000ULL : 0);

        m = entry(in);
        (void)hv_mm_update_va_mapping(&w->mm, d, byte(in) % 2, va, m,
                                      byte(in) % 8, &fl);
        break;
    }
    case 16:
    case 17: {
        uint64_t gl[2];
        unsigned int o = byte(in) % 3;

        gl[0] = byte(in) % (P2MSIZE + 4);
        gl[1] = byte(in) % (P2MSIZE + 4);
        (void)hv_mm_populate_physmap(&w->mm, d, o, gl, 1 + (o & 1), &done);
        break;
    }
    case 18: {
        uint64_t gl[2];
        unsigned int o = byte(in) % 3;

        gl[0] = byte(in) % (P2MSIZE + 4);
        gl[1] = byte(in) % (P2MSIZE + 4);
        (void)hv_mm_decrease_reservation(&w->mm, d, o, gl, 1 + (o & 1), &done,
                                         &fl);
        break;
    }
    case 19: {
        uint64_t ml[2];

        (void)hv_mm_increase_reservation(&w->mm, d, byte(in) % 3, ml, 2, &done);
        break;
    }
    case 20: /* the embedder takes a general reference */
        m = frame(in);
        if (hv_mm_get_page(&w->mm, hv_mfn(m), (hv_domid_t)(byte(in) % 4)) ==
            HV_OK)
            w->ext_count[m]++;
        break;
    case 21:
        m = frame(in);
        if (m < NF && w->ext_count[m] > w->ext_type[m]) {
            if (hv_mm_put_page(&w->mm, hv_mfn(m), &fl) != HV_OK)
                abort();
            w->ext_count[m]--;
        }
        break;
    case 22: /* ... a type reference on top */
        m = frame(in);
        if (m < NF && w->ext_count[m] > w->ext_type[m] &&
            hv_mm_get_page_type(&w->mm, hv_mfn(m), 1 + byte(in) % 6, &fl) ==
                HV_OK)
            w->ext_type[m]++;
        break;
    case 23:
        m = frame(in);
        if (m < NF && w->ext_type[m]) {
            struct hv_mm_page_info i;

            hv_mm_page_info(&w->mm, hv_mfn(m), &i);
            if (hv_mm_put_page_type(&w->mm, hv_mfn(m), i.type, &fl) != HV_OK)
                abort();
            w->ext_type[m]--;
        }
        break;
    case 24:
        (void)hv_mm_domain_teardown(&w->mm, d, &fl);
        break;
    case 25: { /* reservation limit, stage-2, copy and transfer */
        uint64_t ipa = ((uint64_t)(byte(in) & 3) << 30) |
                       ((uint64_t)(byte(in) & 3) << 21) |
                       ((uint64_t)(byte(in) & 7) << 12);

        switch (byte(in) % 9) {
        case 0:
            (void)hv_mm_domain_set_max(&w->mm, d, byte(in));
            break;
        case 1:
            (void)hv_mm_s2_init(&w->mm, d);
            break;
        case 2:
        case 3:
            (void)hv_mm_s2_map(&w->mm, d, ipa, hv_mfn(frame(in)), byte(in) % 9,
                               &fl);
            break;
        case 4:
            (void)hv_mm_s2_unmap(&w->mm, d, ipa, &fl);
            break;
        case 5:
            (void)hv_mm_s2_protect(&w->mm, d, ipa, byte(in) % 9, &fl);
            break;
        case 7: { /* a grant copy's frames and bytes */
            struct hv_mm_copy_side cs, cd;
            uint32_t len = byte(in) * 17u;

            cs.mfn = hv_mfn(frame(in));
            cs.owner = (hv_domid_t)(byte(in) % 4);
            cs.offset = (uint16_t)(byte(in) * 17u);
            cd.mfn = hv_mfn(frame(in));
            cd.owner = (hv_domid_t)(byte(in) % 4);
            cd.offset = (uint16_t)(byte(in) * 17u);
            if (hv_mm_copy(&w->mm, cd, cs, len, NULL, &fl) == HV_OK &&
                !hv_mfn_eq(cs.mfn, cd.mfn) &&
                memcmp(w->mem[hv_mfn_val(cd.mfn)] + cd.offset,
                       w->mem[hv_mfn_val(cs.mfn)] + cs.offset, len) != 0)
                abort();
            break;
        }
        case 8: /* a grant transfer's change of owner */
            (void)hv_mm_transfer_page(&w->mm, d, &w->dom[byte(in) % NDOM],
                                      hv_mfn(frame(in)), &fl);
            break;
        default:
            (void)hv_mm_s2_destroy(&w->mm, d, &fl);
            break;
        }
        break;
    }
    case 26: { /* descriptor tables */
        uint64_t fr[2];

        fr[0] = frame(in);
        fr[1] = frame(in);
        /* entries fit the two frames given (the caller's contract) */
        (void)hv_mm_set_gdt(&w->mm, d, byte(in) % 2, fr,
                            (byte(in) * 5u) % (2 * 512 + 1), &fl);
        break;
    }
    case 27: {
        uint64_t desc = ((uint64_t)byte(in) << 40) | ((uint64_t)byte(in) << 16);

        m = frame(in);
        (void)hv_mm_update_descriptor(&w->mm, d, (m << 12) + byte(in) * 4u,
                                      desc | ((uint64_t)byte(in) << 32), &fl);
        break;
    }
    case 28:
        (void)hv_mm_set_ldt(&w->mm, d, byte(in) % 2,
                            (uint64_t)(byte(in) & 7) << 12, byte(in) * 8u, &fl);
        break;
    case 30:
    case 31: { /* exchange */
        uint64_t gl[4], ol[4];
        unsigned int io = byte(in) % 3, oo = byte(in) % 3, k;

        for (k = 0; k < 4; k++)
            gl[k] = byte(in) % (P2MSIZE + 4);
        (void)hv_mm_exchange(&w->mm, d, io, gl, 1 + byte(in) % 4, oo, ol,
                             1 + byte(in) % 4, &done, &fl);
        break;
    }
    case 29:
        (void)hv_mm_ldt_fault(&w->mm, d, byte(in) % 2, byte(in) % 3, &out, &fl);
        break;
    default:
        break;
    }
    check(n, op);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct in in = {data, size};
    unsigned int n = 0;

    setup();
    while (in.n && n < 150)
        step(&in, n++);
    return 0;
}

#ifdef MM_FUZZ_REPLAY
/* Replay the files named on the command line (the seed corpus). */
int main(int argc, char **argv)
{
    static uint8_t buf[1 << 16];
    int i;

    for (i = 1; i < argc; i++) {
        FILE *fp = fopen(argv[i], "rb");
        size_t n;

        if (!fp) {
            perror(argv[i]);
            return 1;
        }
        n = fread(buf, 1, sizeof(buf), fp);
        fclose(fp);
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("replayed %d inputs, invariants held after every step\n", argc - 1);
    return 0;
}
#endif
