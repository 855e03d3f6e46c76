/*
 * Descriptor tables of 64-bit PV guests: GDT and LDT frames, and the
 * check every descriptor passes before the CPU may load it.
 *
 * A frame the CPU reads descriptors from has type SEG_DESC, which
 * excludes any writable mapping (the same exclusion that protects page
 * tables), so its contents change only through hv_mm_update_descriptor.
 * Taking the type the first time checks all 512 descriptors of the frame
 * in two passes: first only checking, then applying the DPL fix-ups, so a
 * refused frame is left byte for byte as it was.
 *
 * The check asks one question: could loading this descriptor give the
 * guest more than ring 3? Code and data segments cannot (their base and
 * limit are ignored in 64-bit mode, and their DPL is raised to 3); a call
 * gate could, if it led to a code segment the guest does not control, so
 * its target must be in the guest's own GDT or LDT; every other system
 * descriptor (TSS, LDT, interrupt and trap gates) is refused outright.
 *
 * The GDT's frames are named by the guest (set_gdt) and referenced at
 * once. The LDT is named by virtual address (MMUEXT_SET_LDT) and its
 * frames are found and referenced one page at a time when the guest first
 * touches them (hv_mm_ldt_fault), as Xen's shadow LDT does.
 */
#include "mm_internal.h"

#define SEG_TYPE      0xF00u
#define SEG_S         0x1000u
#define SEG_DPL       0x6000u
#define SEG_P         0x8000u
#define SEG_CALL_GATE 0xC00u

/* Check one descriptor; *out gets the value to store. */
static int check_desc(uint64_t desc, uint64_t *out)
{
    uint32_t a = (uint32_t)desc, b = (uint32_t)(desc >> 32);
    uint32_t cs;

    *out = desc;
    if (!(b & SEG_P))
        return HV_OK;
    if (b & SEG_S) {
        b |= SEG_DPL; /* ring 3 */
        *out = ((uint64_t)b << 32) | a;
        return HV_OK;
    }
    if ((b & SEG_TYPE) == 0)
        return HV_OK;
    if ((b & SEG_TYPE) != SEG_CALL_GATE)
        return HV_EINVAL;
    cs = a >> 16;
    if (!(cs & 4) && (cs >> 3) >= HV_MM_GDT_MAX_ENTRIES)
        return HV_EINVAL; /* a hypervisor segment */
    a |= 3u << 16;        /* RPL 3 */
    *out = ((uint64_t)b << 32) | a;
    return HV_OK;
}

int mm_validate_desc_page(struct hv_mm *mm, uint64_t mfn)
{
    uint64_t *p = mm_map(mm, mfn), v;
    unsigned int i;
    int rc = HV_OK;

    for (i = 0; rc == HV_OK && i < HV_PT_ENTRIES; i++)
        rc = check_desc(HV_READ_ONCE(p[i]), &v);
    for (i = 0; rc == HV_OK && i < HV_PT_ENTRIES; i++) {
        (void)check_desc(p[i], &v);
        HV_WRITE_ONCE(p[i], v);
    }
    mm_unmap(mm, p);
    return rc;
}

static void drop_frames(struct hv_mm *mm, uint64_t *frames, unsigned int n,
                        struct hv_mm_flush *flush)
{
    unsigned int i;

    for (i = 0; i < n; i++) {
        if (frames[i] == HV_MM_INVALID_FRAME)
            continue;
        mm_put_page_and_type(mm, frames[i], flush);
        frames[i] = HV_MM_INVALID_FRAME;
    }
}

void mm_release_desc(struct hv_mm *mm, struct hv_mm_domain *d,
                     unsigned int vcpu, struct hv_mm_flush *flush)
{
    struct hv_mm_vcpu_desc *v = &d->desc[vcpu];

    drop_frames(mm, v->gdt, HV_MM_GDT_MAX_FRAMES, flush);
    drop_frames(mm, v->ldt, HV_MM_LDT_MAX_FRAMES, flush);
    v->gdt_entries = 0;
    v->ldt_entries = 0;
    v->ldt_base = 0;
}

int hv_mm_set_gdt(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                  const uint64_t *frames, unsigned int entries,
                  struct hv_mm_flush *flush)
{
    unsigned int n = (entries + HV_PT_ENTRIES - 1) / HV_PT_ENTRIES, i, got = 0;
    uint64_t old[HV_MM_GDT_MAX_FRAMES];
    int rc = HV_OK;

    if (!d || !flush || vcpu >= HV_MAX_VCPUS_PER_DOMAIN ||
        entries > HV_MM_GDT_MAX_ENTRIES || (!frames && entries))
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    if (!d->registered)
        rc = HV_EINVAL;
    while (rc == HV_OK && got < n) {
        rc = mm_get_page_and_type(mm, frames[got], d->id, HV_MM_TYPE_SEG_DESC,
                                  flush);
        if (rc == HV_OK)
            got++;
    }
    if (rc) {
        while (got-- > 0)
            mm_put_page_and_type(mm, frames[got], flush);
        hv_spin_unlock(&mm->lock);
        return rc;
    }
    hv_memcpy(old, d->desc[vcpu].gdt, sizeof(old));
    for (i = 0; i < HV_MM_GDT_MAX_FRAMES; i++)
        d->desc[vcpu].gdt[i] = i < n ? frames[i] : HV_MM_INVALID_FRAME;
    d->desc[vcpu].gdt_entries = entries;
    drop_frames(mm, old, HV_MM_GDT_MAX_FRAMES, flush);
    mm_flush_add(flush, HV_MM_FLUSH_LOCAL, 0);
    hv_spin_unlock(&mm->lock);
    return HV_OK;
}

int hv_mm_update_descriptor(struct hv_mm *mm, struct hv_mm_domain *d,
                            uint64_t maddr, uint64_t desc,
                            struct hv_mm_flush *flush)
{
    uint64_t mfn = maddr >> HV_PAGE_SHIFT, v, *p;
    struct hv_mm_page *pg;
    bool in_use;
    int rc;

    if (!d || !flush || (maddr & 7))
        return HV_EINVAL;
    rc = check_desc(desc, &v);
    if (rc)
        return rc;
    hv_spin_lock(&mm->lock);
    rc = d->registered ? mm_get_page(mm, mfn, d->id) : HV_EINVAL;
    if (rc == HV_OK) {
        pg = mm_page(mm, mfn);
        in_use = pg->type == HV_MM_TYPE_SEG_DESC && pg->type_count > 0;
        if (!in_use)
            rc = mm_get_type(mm, mfn, HV_MM_TYPE_WRITABLE, flush);
        if (rc == HV_OK) {
            p = mm_map(mm, mfn);
            HV_WRITE_ONCE(p[(maddr & (HV_PAGE_SIZE - 1)) / 8], v);
            mm_unmap(mm, p);
            if (!in_use)
                mm_put_type(mm, mfn, flush);
        }
        mm_put_page(mm, mfn, flush);
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}

int mm_set_ldt(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
               uint64_t va, unsigned int ents, struct hv_mm_flush *flush)
{
    struct hv_mm_vcpu_desc *v = &d->desc[vcpu];
    uint64_t end = va + (uint64_t)ents * 8;

    if (vcpu >= HV_MAX_VCPUS_PER_DOMAIN || ents > HV_MM_LDT_MAX_ENTRIES ||
        (va & (HV_PAGE_SIZE - 1)) || !mm_va_canonical(va) ||
        (ents && !mm_va_canonical(end - 1)))
        return HV_EINVAL;
    if (ents && va < HV_HYPERVISOR_VIRT_END && end > HV_HYPERVISOR_VIRT_START)
        return HV_EPERM;
    drop_frames(mm, v->ldt, HV_MM_LDT_MAX_FRAMES, flush);
    v->ldt_base = va;
    v->ldt_entries = ents;
    mm_flush_add(flush, HV_MM_FLUSH_LOCAL, 0);
    return HV_OK;
}

int hv_mm_set_ldt(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                  uint64_t va, unsigned int ents, struct hv_mm_flush *flush)
{
    int rc;

    if (!d || !flush || vcpu >= HV_MAX_VCPUS_PER_DOMAIN)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    rc = d->registered ? mm_set_ldt(mm, d, vcpu, va, ents, flush) : HV_EINVAL;
    hv_spin_unlock(&mm->lock);
    return rc;
}

int hv_mm_ldt_fault(struct hv_mm *mm, struct hv_mm_domain *d, unsigned int vcpu,
                    unsigned int index, hv_mfn_t *mfn,
                    struct hv_mm_flush *flush)
{
    struct hv_mm_vcpu_desc *v;
    uint64_t l1, va, e, *tab;
    int rc = HV_OK;

    if (!d || !mfn || !flush || vcpu >= HV_MAX_VCPUS_PER_DOMAIN)
        return HV_EINVAL;
    hv_spin_lock(&mm->lock);
    v = &d->desc[vcpu];
    if (!d->registered ||
        index >= (v->ldt_entries + HV_PT_ENTRIES - 1) / HV_PT_ENTRIES ||
        d->baseptr[vcpu] == HV_MM_INVALID_FRAME)
        rc = HV_EINVAL;
    if (rc == HV_OK && v->ldt[index] != HV_MM_INVALID_FRAME) {
        *mfn = hv_mfn(v->ldt[index]);
        hv_spin_unlock(&mm->lock);
        return HV_OK;
    }
    va = v->ldt_base + (uint64_t)index * HV_PAGE_SIZE;
    if (rc == HV_OK)
        rc = mm_walk_to_l1(mm, d, d->baseptr[vcpu], va, &l1);
    if (rc == HV_OK) {
        tab = mm_map(mm, l1);
        e = HV_READ_ONCE(tab[(va >> 12) & (HV_PT_ENTRIES - 1)]);
        mm_unmap(mm, tab);
        if (!(e & HV_PAGE_PRESENT))
            rc = HV_EINVAL;
        else
            rc = mm_get_page_and_type(mm, PTE_MFN(e), d->id,
                                      HV_MM_TYPE_SEG_DESC, flush);
        if (rc == HV_OK) {
            v->ldt[index] = PTE_MFN(e);
            *mfn = hv_mfn(PTE_MFN(e));
        }
    }
    hv_spin_unlock(&mm->lock);
    return rc;
}
