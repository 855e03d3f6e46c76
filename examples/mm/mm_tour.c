/*
 * A tour of libhv-mm, as a domain builder and a PV guest would use it:
 * describe machine memory, register a domain, give it memory, build and
 * pin its first page tables, then let the "guest" update them through
 * mmu_update and watch a few attacks bounce off. Runs on the host; the
 * machine's memory is an array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/mm.h>

#define FRAMES 1024u

static uint8_t (*ram)[4096];

static void *map_frame(void *ctx, hv_mfn_t m)
{
    (void)ctx;
    return ram[hv_mfn_val(m)];
}

static void show(const char *what, int rc)
{
    printf("  %-52s -> %s\n", what, hv_strerror(rc));
}

int main(void)
{
    static struct hv_mm_page pages[FRAMES];
    static uint64_t m2p[FRAMES], p2m[256];
    static uint32_t scratch[HV_MM_CHECK_SCRATCH_WORDS(FRAMES)];
    static struct hv_mm mm;
    static struct hv_mm_domain dom;
    const struct hv_mm_ops ops = {map_frame, NULL, NULL, NULL};
    /* RAM with a hole at [512, 576) and firmware reserved at [8, 16). */
    const struct hv_mm_region map[] = {
        {0, 512, HV_MM_REGION_RAM},
        {576, FRAMES - 576, HV_MM_REGION_RAM},
        {8, 8, HV_MM_REGION_RESERVED},
    };
    struct hv_mm_config cfg;
    struct hv_mm_flush fl = {0, 0};
    uint64_t gfns[6] = {0, 1, 2, 3, 4, 5}, mf[6];
    struct hv_mmu_update u;
    char msg[128];
    size_t done, i;
    int rc;

    ram = calloc(FRAMES, 4096);
    if (!ram)
        return 1;
    memset(&cfg, 0, sizeof(cfg));
    cfg.pages = pages;
    cfg.m2p = m2p;
    cfg.nr_frames = FRAMES;
    cfg.regions = map;
    cfg.region_count = 3;
    cfg.max_order = 9;
    cfg.ops = &ops;
    if (hv_mm_init(&mm, &cfg) != HV_OK)
        return 1;
    printf("machine: %u frames, %llu free after holes and reserved\n", FRAMES,
           (unsigned long long)hv_mm_free_frame_count(&mm));

    /* The builder: a domain of at most 64 frames with a 256-entry P2M. */
    if (hv_mm_domain_init(&mm, &dom, 1, 64, p2m, 256, 0) ||
        hv_mm_populate_physmap(&mm, &dom, 0, gfns, 6, &done))
        return 1;
    for (i = 0; i < 6; i++)
        mf[i] = hv_mm_p2m(&mm, &dom, hv_gfn(i));
    printf("domain 1 owns %llu frames; gfn 0..5 -> mfn %llu..\n",
           (unsigned long long)hv_mm_domain_tot_pages(&mm, &dom),
           (unsigned long long)mf[0]);

    /* gfn 0 = L4, 1 = L3, 2 = L2, 3 = L1; 4 and 5 are data. */
    ((uint64_t *)ram[mf[0]])[0] = (mf[1] << 12) | HV_PAGE_PRESENT | 2;
    ((uint64_t *)ram[mf[1]])[0] = (mf[2] << 12) | HV_PAGE_PRESENT | 2;
    ((uint64_t *)ram[mf[2]])[0] = (mf[3] << 12) | HV_PAGE_PRESENT | 2;
    show("pin the L4 (validates the whole tree)",
         hv_mm_pin(&mm, &dom, hv_mfn(mf[0]), 4, &fl));
    show("make it vCPU 0's root",
         hv_mm_new_baseptr(&mm, &dom, 0, hv_mfn(mf[0]), &fl));

    /* The guest maps its data page writable at VA 0x4000. */
    u.ptr = (mf[3] << 12) + 4 * 8;
    u.val = (mf[4] << 12) | HV_PAGE_PRESENT | HV_PAGE_RW;
    rc = hv_mm_mmu_update(&mm, &dom, &u, 1, &done, &fl);
    show("guest: map data frame writable", rc);

    /* ... and tries to map its own L1 writable: refused. */
    u.val = (mf[3] << 12) | HV_PAGE_PRESENT | HV_PAGE_RW;
    show("guest: map its L1 writable",
         hv_mm_mmu_update(&mm, &dom, &u, 1, &done, &fl));
    u.val = (mf[3] << 12) | HV_PAGE_PRESENT;
    show("guest: map its L1 read-only",
         hv_mm_mmu_update(&mm, &dom, &u, 1, &done, &fl));
    /* ... and the hypervisor's address range. */
    u.ptr = (mf[0] << 12) + 256 * 8;
    u.val = (mf[1] << 12) | HV_PAGE_PRESENT;
    show("guest: fill L4 slot 256 (hypervisor range)",
         hv_mm_mmu_update(&mm, &dom, &u, 1, &done, &fl));
    /* ... and a frame that is not its own (one of the hypervisor's). */
    {
        hv_mfn_t xen;

        if (hv_mm_alloc_xen(&mm, 0, &xen))
            return 1;
        u.ptr = (mf[3] << 12) + 5 * 8;
        u.val = (hv_mfn_val(xen) << 12) | HV_PAGE_PRESENT;
        show("guest: map a hypervisor frame",
             hv_mm_mmu_update(&mm, &dom, &u, 1, &done, &fl));
        hv_mm_free_xen(&mm, xen, 0);
    }
    /* ... and a free frame. */
    u.val = (20ULL << 12) | HV_PAGE_PRESENT;
    show("guest: map a free frame",
         hv_mm_mmu_update(&mm, &dom, &u, 1, &done, &fl));
    show("guest: update_va_mapping VA 0x5000 -> data frame 5",
         hv_mm_update_va_mapping(&mm, &dom, 0, 0x5000,
                                 (mf[5] << 12) | HV_PAGE_PRESENT, 2, &fl));
    printf("flushes to perform: 0x%x (va 0x%llx)\n", fl.flags,
           (unsigned long long)fl.va);

    rc = hv_mm_check(&mm, HV_MM_CHECK_SCRUB, NULL, NULL, scratch,
                     HV_ARRAY_SIZE(scratch), msg, sizeof(msg));
    printf("invariants: %s\n", rc == HV_OK ? "all hold" : msg);
    show("tear the domain down", hv_mm_domain_teardown(&mm, &dom, &fl));
    printf("free frames again: %llu\n",
           (unsigned long long)hv_mm_free_frame_count(&mm));
    free(ram);
    return rc == HV_OK ? 0 : 1;
}
