/*
 * The core's memory: libhv-mm's frame table and buddy allocator built over
 * the boot loader's memory map.
 *
 * The map is hostile input (firmware bugs exist): RAM ranges are trimmed
 * to whole frames, sorted, and overlaps are cut away before libhv-mm sees
 * them. The frame table itself needs memory before there is an allocator,
 * so it is carved from the first stretch of RAM that avoids the image and
 * the boot modules; that stretch, the image, the modules and the first
 * MiB (firmware data on PCs) are then marked reserved, clipped to RAM.
 *
 * Every frame is reached through the direct map the arch port set up
 * (boot_info.directmap + physical address).
 */
#include "core_priv.h"
#include <hv/mm.h>

#define MAX_REGIONS (HV_BOOT_MAX_RANGES * 4 + 8)

static struct hv_mm mm;
static uintptr_t directmap;
static struct hv_mm_region regions[MAX_REGIONS];
static size_t region_count;
static bool mem_ready;
static uint64_t table_at, table_bytes, frames;

static void *map_frame(void *ctx, hv_mfn_t mfn)
{
    (void)ctx;
    return (void *)(directmap + (uintptr_t)(mfn.v << HV_PAGE_SHIFT));
}

static const struct hv_mm_ops mm_ops = {
    .map_frame = map_frame,
};

struct span {
    uint64_t first, end; /* frames [first, end) */
};

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* Add the reserved span [first, end) clipped to every RAM region. */
static void reserve(struct span *ram, size_t ram_count, uint64_t first,
                    uint64_t end)
{
    for (size_t i = 0; i < ram_count && region_count < MAX_REGIONS; i++) {
        uint64_t a = HV_MAX(first, ram[i].first);
        uint64_t b = HV_MIN(end, ram[i].end);

        if (a < b) {
            regions[region_count].first_mfn = a;
            regions[region_count].count = b - a;
            regions[region_count].kind = HV_MM_REGION_RESERVED;
            region_count++;
        }
    }
}

int core_mem_init(const struct hv_boot_info *bi)
{
    struct span ram[HV_BOOT_MAX_RANGES];
    struct span busy[HV_BOOT_MAX_MODULES + 1];
    size_t ram_count = 0, busy_count = 0;
    uint64_t nr_frames = 0, table_frames, table_first = 0;
    bool placed = false;
    struct hv_mm_config cfg;
    int rc;

    directmap = bi->directmap;

    /* RAM ranges, trimmed to whole frames, sorted, overlaps removed. */
    for (unsigned int i = 0; i < bi->range_count && i < HV_BOOT_MAX_RANGES;
         i++) {
        const struct hv_mem_range *r = &bi->ranges[i];
        uint64_t first, end;

        if (r->type != HV_MEM_RAM || r->base + r->size < r->base)
            continue;
        first = HV_ALIGN_UP(r->base, HV_PAGE_SIZE) >> HV_PAGE_SHIFT;
        end = HV_ALIGN_DOWN(r->base + r->size, HV_PAGE_SIZE) >> HV_PAGE_SHIFT;
        if (end > 0xffffffffULL)
            end = 0xffffffffULL;
        if (first >= end)
            continue;
        size_t at = ram_count;
        while (at > 0 && ram[at - 1].first > first) {
            ram[at] = ram[at - 1];
            at--;
        }
        ram[at].first = first;
        ram[at].end = end;
        ram_count++;
    }
    for (size_t i = 1; i < ram_count; i++) {
        if (ram[i].first < ram[i - 1].end)
            ram[i].first = ram[i - 1].end;
        if (ram[i].end < ram[i].first)
            ram[i].end = ram[i].first;
    }
    for (size_t i = 0; i < ram_count; i++)
        nr_frames = HV_MAX(nr_frames, ram[i].end);
    if (nr_frames == 0)
        return HV_ENOMEM;

    /* What the frame table must not overlap: the image and the modules. */
    busy[busy_count].first = bi->image_start >> HV_PAGE_SHIFT;
    busy[busy_count++].end =
        HV_ALIGN_UP(bi->image_end, HV_PAGE_SIZE) >> HV_PAGE_SHIFT;
    for (unsigned int i = 0; i < bi->module_count && i < HV_BOOT_MAX_MODULES;
         i++) {
        busy[busy_count].first = bi->modules[i].base >> HV_PAGE_SHIFT;
        busy[busy_count++].end =
            HV_ALIGN_UP(bi->modules[i].base + bi->modules[i].size,
                        HV_PAGE_SIZE) >>
            HV_PAGE_SHIFT;
    }

    table_frames =
        HV_ALIGN_UP(nr_frames * (sizeof(struct hv_mm_page) + sizeof(uint64_t)),
                    HV_PAGE_SIZE) >>
        HV_PAGE_SHIFT;
    /* First fit above 1 MiB, trying each RAM start and each busy end. */
    for (size_t i = 0; i < ram_count && !placed; i++) {
        for (size_t c = 0; c <= busy_count && !placed; c++) {
            uint64_t at = c == 0 ? ram[i].first : busy[c - 1].end;
            bool clash = false;

            at = HV_MAX(at, (uint64_t)256);
            if (at < ram[i].first || at + table_frames > ram[i].end)
                continue;
            for (size_t b = 0; b < busy_count; b++)
                clash |=
                    overlaps(at, at + table_frames, busy[b].first, busy[b].end);
            if (!clash) {
                table_first = at;
                placed = true;
            }
        }
    }
    if (!placed)
        return HV_ENOMEM;

    region_count = 0;
    for (size_t i = 0; i < ram_count; i++) {
        if (ram[i].first == ram[i].end)
            continue;
        regions[region_count].first_mfn = ram[i].first;
        regions[region_count].count = ram[i].end - ram[i].first;
        regions[region_count].kind = HV_MM_REGION_RAM;
        region_count++;
    }
    reserve(ram, ram_count, 0, 256); /* first MiB: firmware on PCs */
    reserve(ram, ram_count, table_first, table_first + table_frames);
    for (size_t b = 0; b < busy_count; b++)
        reserve(ram, ram_count, busy[b].first, busy[b].end);

    hv_memset(&cfg, 0, sizeof(cfg));
    cfg.pages = map_frame(NULL, hv_mfn(table_first));
    cfg.m2p = (uint64_t *)(void *)(cfg.pages + nr_frames);
    cfg.nr_frames = nr_frames;
    cfg.regions = regions;
    cfg.region_count = region_count;
    cfg.max_order = 10;
    cfg.ops = &mm_ops;
    /* libhv-mm reaches frames by arithmetic over a direct map; a port
     * whose map is the identity (base 0, AArch64) keeps the callout. */
    cfg.directmap = (void *)directmap;
    rc = hv_mm_init(&mm, &cfg);
    if (rc != HV_OK)
        return rc;
    mem_ready = true;
    table_at = table_first << HV_PAGE_SHIFT;
    table_bytes = table_frames << HV_PAGE_SHIFT;
    frames = nr_frames;
    hv_info("memory: %llu frames, %llu free, frame table %llu KiB at %#llx",
            (unsigned long long)nr_frames,
            (unsigned long long)hv_mm_free_frame_count(&mm),
            (unsigned long long)(table_frames * 4),
            (unsigned long long)(table_first << HV_PAGE_SHIFT));
    return HV_OK;
}

struct hv_mm *hv_core_mm(void)
{
    return mem_ready ? &mm : NULL;
}

unsigned int core_order_for(size_t bytes)
{
    unsigned int order = 0;

    while ((HV_PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

void *core_pages_alloc(unsigned int order)
{
    hv_mfn_t mfn;
    void *p;

    if (!mem_ready || hv_mm_alloc_xen(&mm, order, &mfn) != HV_OK)
        return NULL;
    p = map_frame(NULL, mfn);
    hv_memset(p, 0, HV_PAGE_SIZE << order);
    return p;
}

void core_pages_free(void *p, unsigned int order)
{
    uintptr_t pa = (uintptr_t)p - directmap;
    int rc;

    if (p == NULL)
        return;
    rc = hv_mm_free_xen(&mm, hv_mfn(pa >> HV_PAGE_SHIFT), order);
    HV_CHECK(rc == HV_OK);
}

void core_mem_describe(char *buf, size_t size)
{
    if (!mem_ready) {
        hv_snprintf(buf, size, "memory is not set up");
        return;
    }
    hv_snprintf(buf, size,
                "%llu frames (%llu MiB), %llu free; frame table %llu KiB at "
                "%#llx; %zu map regions",
                (unsigned long long)frames,
                (unsigned long long)(frames >> (20 - HV_PAGE_SHIFT)),
                (unsigned long long)hv_mm_free_frame_count(&mm),
                (unsigned long long)(table_bytes >> 10),
                (unsigned long long)table_at, region_count);
}
