/*
 * libhv-mm benchmark: validated L1 updates per second in batches of 1, 16
 * and 512, and pinning (validating) a full L1 table, each beside a plain
 * unvalidated store loop measured in the same run.
 *
 * Every update is a real one: the entries alternate between writable
 * mappings of two sets of data frames, so each request takes a general
 * and a WRITABLE type reference on the new frame and drops those of the
 * old one. Each figure is the best of REPEAT runs (the host is shared;
 * the best run is the least disturbed one). Printed, never asserted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hv/mm.h>

#define FRAMES 4096u
#define ROUNDS 10000u
#define REPEAT 3u /* each figure is the best of REPEAT runs */

static uint8_t (*mem)[4096];

static void *map(void *ctx, hv_mfn_t m)
{
    (void)ctx;
    return mem[hv_mfn_val(m)];
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink_table[512];

/* The baseline: storing the same values into a table, no checks. */
static double plain_stores(const uint64_t *vals, size_t n, unsigned rounds)
{
    double best = 0;
    unsigned r, k;
    size_t i;

    for (k = 0; k < REPEAT; k++) {
        double t0 = now(), rate;

        for (r = 0; r < rounds; r++)
            for (i = 0; i < n; i++)
                sink_table[i & 511] = vals[(i + r) % n];
        rate = (double)n * rounds / (now() - t0);
        best = rate > best ? rate : best;
    }
    return best;
}

int main(void)
{
    static struct hv_mm_page pages[FRAMES];
    static uint64_t m2p[FRAMES];
    static struct hv_mm mm;
    static struct hv_mm_domain d;
    static struct hv_mmu_update reqs[2][512];
    static uint64_t vals[1024];
    const struct hv_mm_ops ops = {map, NULL, NULL, NULL};
    const struct hv_mm_region ram = {0, FRAMES, HV_MM_REGION_RAM};
    struct hv_mm_config cfg;
    struct hv_mm_flush fl = {0, 0};
    const size_t batches[] = {1, 16, 512};
    hv_mfn_t l1, full, data[1024];
    size_t b, i, done;
    unsigned r;
    double t0, rate, base;

    mem = aligned_alloc(4096, (size_t)FRAMES * 4096);
    if (!mem)
        return 1;
    memset(mem, 0, (size_t)FRAMES * 4096);
    memset(&cfg, 0, sizeof(cfg));
    cfg.pages = pages;
    cfg.m2p = m2p;
    cfg.nr_frames = FRAMES;
    cfg.regions = &ram;
    cfg.region_count = 1;
    cfg.max_order = 10;
    cfg.ops = &ops;
    if (hv_mm_init(&mm, &cfg) ||
        hv_mm_domain_init(&mm, &d, 1, FRAMES, NULL, 0, 0) ||
        hv_mm_alloc_domain_pages(&mm, &d, 0, &l1) ||
        hv_mm_pin(&mm, &d, l1, 1, &fl))
        return 1;
    for (i = 0; i < 1024; i++) {
        if (hv_mm_alloc_domain_pages(&mm, &d, 0, &data[i]))
            return 1;
        vals[i] = (hv_mfn_val(data[i]) << 12) | HV_PAGE_PRESENT | HV_PAGE_RW;
    }
    for (i = 0; i < 512; i++) {
        reqs[0][i].ptr = (hv_mfn_val(l1) << 12) + i * 8;
        reqs[0][i].val = vals[i];
        reqs[1][i].ptr = reqs[0][i].ptr;
        reqs[1][i].val = vals[512 + i];
    }

    printf("%-34s %14s %14s %8s\n", "operation", "per second", "plain stores/s",
           "ratio");
    for (b = 0; b < 3; b++) {
        size_t n = batches[b];
        unsigned long long total = 0;

        t0 = now();
        for (r = 0; r < ROUNDS; r++) {
            for (i = 0; i < 512; i += n) {
                if (hv_mm_mmu_update(&mm, &d, &reqs[r & 1][i], n, &done, &fl) !=
                    HV_OK)
                    return 2;
                total += done;
            }
        }
        rate = (double)total / (now() - t0);
        base = plain_stores(vals, 1024, ROUNDS);
        printf("validated L1 update, batch %-7zu %14.0f %14.0f %8.1f\n", n,
               rate, base, base / rate);
    }

    /* Pin (validate) and unpin a full L1 of 512 writable entries. */
    if (hv_mm_alloc_domain_pages(&mm, &d, 0, &full))
        return 1;
    for (i = 0; i < 512; i++)
        ((uint64_t *)mem[hv_mfn_val(full)])[i] = vals[512 + i];
    t0 = now();
    for (r = 0; r < ROUNDS; r++) {
        if (hv_mm_pin(&mm, &d, full, 1, &fl) || hv_mm_unpin(&mm, &d, full, &fl))
            return 3;
    }
    rate = (double)ROUNDS / (now() - t0);
    base = plain_stores(vals, 512, ROUNDS) / 512.0;
    printf("%-34s %14.0f %14.0f %8.1f\n", "pin+unpin full L1 (512 entries)",
           rate, base, base / rate);
    printf("(plain column: 512-entry table fills per second)\n");
    free(mem);
    return 0;
}
