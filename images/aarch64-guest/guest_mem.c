/*
 * The memory of an EL1 guest through libhv-mm (guest_mem.h has the
 * contract).
 *
 * Building. The guest's domain is registered in the core's libhv-mm
 * instance with a reservation of exactly the frames it will own (its RAM
 * pages, plus one for a shared_info page when asked), so the allocator
 * refuses it anything more. Each RAM page is one order-0 allocation owned
 * by the domain; the frames need not be contiguous, because the guest
 * only ever sees them through its stage-2 tree: hv_mm_s2_init() allocates
 * the 8 KiB root and hv_mm_s2_map() each page at IPA 0, 4K, ...
 * read/write/execute, taking a general and a WRITABLE type reference on
 * the frame. Each page written is cleaned from the data cache and
 * invalidated in the instruction cache, since the guest will execute it. Frames
 * are reached through the direct map, which on AArch64 is the identity map
 * (boot_info.directmap = 0).
 *
 * The shared_info page. The core gives each domain a shared_info page
 * from the hypervisor's own frames (owner HV_DOMID_XEN), and libhv-mm's
 * stage-2 builder refuses, by design, to map a frame that is no domain's.
 * Xen shares its shared_info page with the guest (share_xen_page_with_
 * guest: the page becomes the domain's while staying a Xen heap page);
 * libhv-mm has no such call yet, so here the guest's domain allocates the
 * page itself, the core's (still empty) content is copied into it, and
 * the core domain's shared_info and vcpu_info pointers are moved to it
 * before its event channels are attached. The core's own page stays
 * allocated (m->xen_shared) and the guest page is never released while
 * the core domain exists (see guest_mem_halted).
 *
 * Reading. copy_from walks the tree with hv_mm_s2_lookup() page by page
 * and refuses any page not mapped readable, so a hypercall buffer is read
 * exactly as the guest could read it.
 *
 * Teardown. When the guest faults it never runs again: guest_mem_halted
 * destroys the stage-2 tree (hv_mm_s2_destroy drops every mapping's
 * references and frees the tables), releases the RAM frames (freed at
 * once, their last reference gone) and, when no shared page is left to
 * the core, tears the domain down in libhv-mm. The line it prints counts
 * the frames back on the free lists: the pages and the tree's tables (the
 * 8 KiB root, one level-2 and one level-3 table for a guest below 2 MiB).
 * The port then flushes the VMID from the TLBs.
 */
#include "guest_mem.h"
#include <hv/console.h>

static void *frame_va(uint64_t mfn)
{
    return (void *)(uintptr_t)(mfn << HV_PAGE_SHIFT); /* identity map */
}

/*
 * Make code just written to a frame visible to instruction fetch: clean
 * each data-cache line to the point of unification, then invalidate the
 * instruction cache over it (the caches of an Armv8 CPU are not coherent
 * with each other unless CTR_EL0 says so). Line sizes from CTR_EL0.
 */
static void sync_icache(const void *p, size_t n)
{
    uint64_t ctr, dline, iline, a, end = (uint64_t)(uintptr_t)p + n;

    __asm__ __volatile__("mrs %0, ctr_el0" : "=r"(ctr));
    dline = 4ull << ((ctr >> 16) & 0xf);
    iline = 4ull << (ctr & 0xf);
    for (a = (uint64_t)(uintptr_t)p & ~(dline - 1); a < end; a += dline)
        __asm__ __volatile__("dc cvau, %0" ::"r"(a) : "memory");
    __asm__ __volatile__("dsb ish" ::: "memory");
    for (a = (uint64_t)(uintptr_t)p & ~(iline - 1); a < end; a += iline)
        __asm__ __volatile__("ic ivau, %0" ::"r"(a) : "memory");
    __asm__ __volatile__("dsb ish\n\tisb" ::: "memory");
}

/* Undo a partial build: tree, frames, registration. */
static void unbuild(struct guest_mem *m)
{
    struct hv_mm_flush flush = {0, 0};

    if (hv_mm_s2_root(m->mm, &m->dom) != HV_MM_INVALID_FRAME)
        (void)hv_mm_s2_destroy(m->mm, &m->dom, &flush);
    for (unsigned int i = 0; i < m->pages; i++)
        (void)hv_mm_release_page(m->mm, &m->dom, hv_mfn(m->mfn[i]), &flush);
    (void)hv_mm_domain_teardown(m->mm, &m->dom, &flush);
    m->pages = 0;
    m->live = false;
}

int guest_mem_build(struct guest_mem *m, hv_domid_t id, size_t size,
                    const void *image, size_t image_size, bool with_shared)
{
    struct hv_mm *mm = hv_core_mm();
    struct hv_mm_flush flush = {0, 0};
    size_t pages = size / HV_PAGE_SIZE;
    int rc;

    if (m == NULL || mm == NULL || size == 0 || (size & (HV_PAGE_SIZE - 1)) ||
        pages > GUEST_MEM_MAX_PAGES || image_size > size ||
        (image_size > 0 && image == NULL))
        return HV_EINVAL;
    hv_memset(m, 0, sizeof(*m));
    m->mm = mm;
    m->id = id;
    m->shared_mfn = HV_MM_INVALID_FRAME;
    rc = hv_mm_domain_init(mm, &m->dom, id, pages + (with_shared ? 1 : 0), NULL,
                           0, 0);
    if (rc != HV_OK)
        return rc;
    rc = hv_mm_s2_init(mm, &m->dom);
    for (size_t i = 0; i < pages && rc == HV_OK; i++) {
        hv_mfn_t mfn;
        uint8_t *p;
        size_t off = i * HV_PAGE_SIZE, n = 0;

        rc = hv_mm_alloc_domain_pages(mm, &m->dom, 0, &mfn);
        if (rc != HV_OK)
            break;
        m->mfn[m->pages++] = hv_mfn_val(mfn);
        p = frame_va(hv_mfn_val(mfn));
        if (off < image_size)
            n = HV_MIN(image_size - off, (size_t)HV_PAGE_SIZE);
        hv_memcpy(p, (const uint8_t *)image + off, n);
        hv_memset(p + n, 0, HV_PAGE_SIZE - n);
        sync_icache(p, HV_PAGE_SIZE);
        rc = hv_mm_s2_map(mm, &m->dom, off, mfn,
                          HV_MM_S2_READ | HV_MM_S2_WRITE | HV_MM_S2_EXEC,
                          &flush);
    }
    if (rc != HV_OK) {
        unbuild(m);
        return rc;
    }
    /* The tree is new and its VMID is flushed at the first entry: the
     * flush the maps asked for is covered. */
    m->live = true;
    hv_info("d%u: %zu KiB of RAM from libhv-mm, stage-2 root %#llx, "
            "tot_pages %llu",
            (unsigned int)id, size / 1024,
            (unsigned long long)hv_mm_s2_root(mm, &m->dom),
            (unsigned long long)hv_mm_domain_tot_pages(mm, &m->dom));
    return HV_OK;
}

int guest_mem_share_info(struct guest_mem *m, struct hv_domain *d, uint64_t ipa)
{
    struct hv_mm_flush flush = {0, 0};
    struct hv_shared_info *si;
    hv_mfn_t mfn;
    int rc;

    if (m == NULL || d == NULL || !m->live || d->id != m->id ||
        d->evtchn != NULL || m->shared_mfn != HV_MM_INVALID_FRAME ||
        (ipa & (HV_PAGE_SIZE - 1)) || ipa < (uint64_t)m->pages * HV_PAGE_SIZE ||
        (ipa >> A64_GUEST_IPA_BITS) != 0)
        return HV_EINVAL;
    for (unsigned int i = 0; i < d->vcpu_count; i++)
        if (d->vcpus[i] != NULL && d->vcpus[i]->state != HV_VCPU_RESET)
            return HV_EINVAL;
    rc = hv_mm_alloc_domain_pages(m->mm, &m->dom, 0, &mfn);
    if (rc != HV_OK)
        return rc;
    rc = hv_mm_s2_map(m->mm, &m->dom, ipa, mfn, HV_MM_S2_READ | HV_MM_S2_WRITE,
                      &flush);
    if (rc != HV_OK) {
        (void)hv_mm_release_page(m->mm, &m->dom, mfn, &flush);
        return rc;
    }
    si = frame_va(hv_mfn_val(mfn));
    hv_memcpy(si, d->shared_info, HV_PAGE_SIZE);
    m->shared_mfn = hv_mfn_val(mfn);
    m->xen_shared = d->shared_info;
    d->shared_info = si;
    for (unsigned int i = 0; i < d->vcpu_count; i++)
        if (d->vcpus[i] != NULL && d->vcpus[i]->vcpu_info != NULL)
            d->vcpus[i]->vcpu_info = &si->vcpu_info[i];
    hv_info("d%u: shared_info in guest frame %#llx at IPA %#llx, tot_pages "
            "%llu",
            (unsigned int)m->id,
            (unsigned long long)(hv_mfn_val(mfn) << HV_PAGE_SHIFT),
            (unsigned long long)ipa,
            (unsigned long long)hv_mm_domain_tot_pages(m->mm, &m->dom));
    return HV_OK;
}

uint64_t guest_mem_root(struct guest_mem *m)
{
    uint64_t r;

    if (m == NULL || !m->live)
        return 0;
    r = hv_mm_s2_root(m->mm, &m->dom);
    return r == HV_MM_INVALID_FRAME ? 0 : r;
}

static bool guest_mem_copy_from(void *ctx, void *dst, uint64_t ipa, size_t n)
{
    struct guest_mem *m = ctx;
    uint8_t *out = dst;

    if (!m->live || ipa + n < ipa)
        return false;
    while (n > 0) {
        uint64_t page = ipa & ~(uint64_t)(HV_PAGE_SIZE - 1);
        size_t off = (size_t)(ipa - page);
        size_t chunk = HV_MIN(n, (size_t)HV_PAGE_SIZE - off);
        unsigned int perms;
        hv_mfn_t mfn;

        if (hv_mm_s2_lookup(m->mm, &m->dom, page, &mfn, &perms) != HV_OK ||
            !(perms & HV_MM_S2_READ))
            return false;
        hv_memcpy(out, (const uint8_t *)frame_va(hv_mfn_val(mfn)) + off, chunk);
        out += chunk;
        ipa += chunk;
        n -= chunk;
    }
    return true;
}

static void guest_mem_halted(void *ctx)
{
    struct guest_mem *m = ctx;
    struct hv_mm_flush flush = {0, 0};
    uint64_t before = hv_mm_domain_tot_pages(m->mm, &m->dom);
    uint64_t free0 = hv_mm_free_frame_count(m->mm);
    unsigned int released = 0;
    int rc;

    if (!m->live)
        return;
    rc = hv_mm_s2_destroy(m->mm, &m->dom, &flush);
    for (unsigned int i = 0; i < m->pages; i++)
        if (hv_mm_release_page(m->mm, &m->dom, hv_mfn(m->mfn[i]), &flush) ==
            HV_OK)
            released++;
    m->pages = 0;
    m->live = false;
    /* A shared page stays with the core domain, which still writes events
     * into it; the domain stays registered for it. */
    if (m->shared_mfn == HV_MM_INVALID_FRAME)
        rc = rc == HV_OK ? hv_mm_domain_teardown(m->mm, &m->dom, &flush) : rc;
    hv_info("d%u: stage-2 destroyed (%s), %u pages released, tot_pages "
            "%llu -> %llu, %llu frames back to the allocator",
            (unsigned int)m->id, hv_strerror(rc), released,
            (unsigned long long)before,
            (unsigned long long)hv_mm_domain_tot_pages(m->mm, &m->dom),
            (unsigned long long)(hv_mm_free_frame_count(m->mm) - free0));
}

const struct a64_guest_mem_ops guest_mem_ops = {
    .copy_from = guest_mem_copy_from,
    .halted = guest_mem_halted,
};
