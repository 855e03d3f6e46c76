/*
 * guest_mem.h: the memory of an EL1 guest, built with libhv-mm (the domain
 * builder of the aarch64-guest recipe).
 *
 * The guest's domain is registered in the core's libhv-mm instance with a
 * reservation of exactly its pages; its RAM frames are allocated to it
 * there (so they are counted in its tot_pages and nobody else can map or
 * free them), the image is copied in, and each page is mapped at IPA
 * 0.. through libhv-mm's stage-2 builder (hv_mm_s2_map: a general
 * reference per mapped page, a WRITABLE type reference per writable one).
 * The port's a64_guest gets the builder's root for VTTBR_EL2 and reaches
 * guest memory only through guest_mem_ops, which walk that same tree.
 *
 * Not thread-safe by itself: each call is made from one context (setup,
 * or the guest's own trap with interrupts masked); libhv-mm locks itself.
 */
#ifndef AARCH64_GUEST_MEM_H
#define AARCH64_GUEST_MEM_H

#include <hv/a64_guest.h>
#include <hv/core.h>
#include <hv/mm.h>

#define GUEST_MEM_MAX_PAGES 512 /* 2 MiB */

struct guest_mem {
    struct hv_mm *mm;
    struct hv_mm_domain dom; /* the guest's domain in libhv-mm */
    hv_domid_t id;
    unsigned int pages; /* RAM pages at IPA 0 .. pages*4K */
    uint64_t mfn[GUEST_MEM_MAX_PAGES];
    uint64_t shared_mfn;               /* shared_info frame, or INVALID */
    struct hv_shared_info *xen_shared; /* the core's page it replaced */
    bool live;                         /* registered, stage-2 present */
};

/* The ops a64_guest_init() takes, with a struct guest_mem as context. */
extern const struct a64_guest_mem_ops guest_mem_ops;

/*
 * guest_mem_build() - register domain `id` in the core's libhv-mm, give it
 * `size` bytes (a multiple of 4 KiB, 4 KiB..2 MiB) of RAM holding `image`
 * (`image_size` <= size) at IPA 0, the rest zero, all mapped
 * read/write/execute, plus room in its reservation for one shared page
 * when `with_shared`.
 * Return: HV_OK; HV_EINVAL bad argument or memory not up; libhv-mm's
 * refusal (HV_EEXIST domain already registered, HV_ENOMEM). On failure
 * everything done is undone.
 */
int guest_mem_build(struct guest_mem *m, hv_domid_t id, size_t size,
                    const void *image, size_t image_size, bool with_shared);

/*
 * guest_mem_share_info() - give core domain `d` (the same id, before its
 * event channels are attached) a shared_info page owned by the guest's
 * domain in libhv-mm, and map it read/write (not executable) at `ipa`.
 * The core's page it replaces is kept in m->xen_shared; the vCPUs'
 * vcpu_info pointers follow. libhv-mm refuses to map a hypervisor frame
 * into a guest, which the core's own shared_info page is.
 * Return: HV_OK; HV_EINVAL (not built, wrong domain, vCPUs running,
 * ipa inside RAM); libhv-mm's refusal (undone).
 */
int guest_mem_share_info(struct guest_mem *m, struct hv_domain *d,
                         uint64_t ipa);

/* The stage-2 root for a64_guest_init(); 0 when not built. */
uint64_t guest_mem_root(struct guest_mem *m);

#endif /* AARCH64_GUEST_MEM_H */
