/* Grant tables through the core: attach, the grant_table_op hypercall
 * (setup_table, map/unmap, copy, query_size), its refusals, and detach
 * with libhv-mm's invariants proven clean afterwards. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hv/core_gnttab.h>

#define GRANTER 31
#define MAPPER  32

static struct hv_domain *dg, *dm;
static struct hv_vcpu *vg, *vm;
static uint64_t free_before;

static long gnttab_op(struct hv_vcpu *v, unsigned int cmd, void *arg,
                      uint64_t count)
{
    const uint64_t args[6] = {cmd, (uintptr_t)arg, count, 0, 0, 0};

    return hv_hypercall(v, HV_HYPERCALL_grant_table_op, args);
}

static void assert_clean(void)
{
    char msg[160] = "";
    int rc = hv_core_gnttab_check(msg, sizeof(msg));

    if (rc != HV_OK)
        fail_msg("check: %d %s", rc, msg);
}

static int group_setup(void **state)
{
    (void)state;
    harness_boot();
    return hv_core_gnttab_enable() == HV_OK ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    free_before = hv_mm_free_frame_count(hv_core_mm());
    if (hv_domain_create(GRANTER, "granter", &dg) ||
        hv_domain_create(MAPPER, "mapper", &dm))
        return -1;
    if (hv_vcpu_create(dg, harness_entry, NULL, 8192, NULL, 0, &vg) ||
        hv_vcpu_create(dm, harness_entry, NULL, 8192, NULL, 0, &vm))
        return -1;
    if (hv_core_gnttab_attach(dg) || hv_core_gnttab_attach(dm))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (hv_core_gnttab(dm) != NULL && hv_core_gnttab_detach(dm) != HV_OK)
        return -1;
    if (hv_core_gnttab(dg) != NULL && hv_core_gnttab_detach(dg) != HV_OK)
        return -1;
    if (hv_domain_destroy(dg) || hv_domain_destroy(dm))
        return -1;
    assert_clean();
    /* Everything went back: tables, pages, blocks, stacks. */
    assert_int_equal(hv_mm_free_frame_count(hv_core_mm()), free_before);
    return 0;
}

/* The domain's grant table, one frame, through the hypercall. */
static struct hv_grant_entry_v1 *table_of(struct hv_vcpu *v)
{
    uint64_t list[1] = {0};
    struct hv_gnttab_setup_table st = {
        .dom = HV_DOMID_SELF, .nr_frames = 1, .frame_list = (uintptr_t)list};

    assert_int_equal(gnttab_op(v, HV_GNTTABOP_setup_table, &st, 1), HV_OK);
    assert_int_equal(st.status, HV_GNTST_okay);
    assert_true(list[0] != 0);
    return hv_core_gnttab_va(list[0] << HV_PAGE_SHIFT);
}

/* Grant a fresh page of the granter at `ref`; its va and frame. */
static uint8_t *grant(struct hv_grant_entry_v1 *t, uint32_t ref, bool ro,
                      uint64_t *mfn)
{
    void *va;

    assert_int_equal(hv_core_gnttab_alloc_page(dg, mfn, &va), HV_OK);
    t[ref].domid = MAPPER;
    t[ref].frame = (uint32_t)*mfn;
    __atomic_store_n(
        &t[ref].flags,
        (uint16_t)(HV_GTF_permit_access | (ro ? HV_GTF_readonly : 0)),
        __ATOMIC_RELEASE);
    return va;
}

static void test_setup_table(void **state)
{
    uint64_t list[HV_CORE_GNTTAB_FRAMES + 1] = {0};
    struct hv_gnttab_setup_table st = {
        .dom = HV_DOMID_SELF, .nr_frames = 2, .frame_list = (uintptr_t)list};
    struct hv_gnttab_query_size qs = {.dom = HV_DOMID_SELF};
    uint64_t first;

    (void)state;
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_setup_table, &st, 1), HV_OK);
    assert_int_equal(st.status, HV_GNTST_okay);
    assert_true(list[0] != 0 && list[1] != 0 && list[0] != list[1]);
    first = list[0];
    /* The frames are zeroed and reachable through the direct map. */
    assert_int_equal(((uint8_t *)hv_core_gnttab_va(list[1] << 12))[100], 0);
    /* Growing keeps the installed frames first. */
    st.nr_frames = 3;
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_setup_table, &st, 1), HV_OK);
    assert_int_equal(st.status, HV_GNTST_okay);
    assert_int_equal(list[0], first);
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_query_size, &qs, 1), HV_OK);
    assert_int_equal(qs.status, HV_GNTST_okay);
    assert_int_equal(qs.nr_frames, 3);
    assert_int_equal(qs.max_nr_frames, HV_CORE_GNTTAB_FRAMES);
    /* Another domain's query resolves through the core. */
    qs.dom = GRANTER;
    qs.nr_frames = 0;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_query_size, &qs, 1), HV_OK);
    assert_int_equal(qs.nr_frames, 3);

    /* Refusals: too big, for another domain, bad counts and addresses. */
    st.nr_frames = HV_CORE_GNTTAB_FRAMES + 1;
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_setup_table, &st, 1), HV_OK);
    assert_int_equal(st.status, HV_GNTST_general_error);
    st.nr_frames = 1;
    st.dom = MAPPER;
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_setup_table, &st, 1), HV_OK);
    assert_int_equal(st.status, HV_GNTST_permission_denied);
    st.dom = HV_DOMID_SELF;
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_setup_table, &st, 2), HV_EINVAL);
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_setup_table, NULL, 1),
                     HV_EFAULT);
    st.nr_frames = 4;
    st.frame_list = 0; /* grows, then cannot write the list */
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_setup_table, &st, 1), HV_OK);
    assert_int_equal(st.status, HV_GNTST_bad_virt_addr);
    qs.dom = HV_DOMID_SELF;
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_query_size, &qs, 1), HV_OK);
    assert_int_equal(qs.nr_frames, 4);
    assert_clean();
}

static void test_map_unmap(void **state)
{
    struct hv_grant_entry_v1 *t;
    struct hv_gnttab_map_grant_ref m[2];
    struct hv_gnttab_unmap_grant_ref u;
    uint64_t mfn, mfn2;
    uint8_t *page, *page2, *seen;

    (void)state;
    t = table_of(vg);
    page = grant(t, 5, false, &mfn);
    page2 = grant(t, 6, true, &mfn2);
    page[7] = 0x42;
    memset(m, 0, sizeof(m));
    m[0] = (struct hv_gnttab_map_grant_ref){.host_addr = 0x100000,
                                            .flags = HV_GNTMAP_host_map,
                                            .ref = 5,
                                            .dom = GRANTER};
    m[1] = (struct hv_gnttab_map_grant_ref){.host_addr = 0x101000,
                                            .flags = HV_GNTMAP_host_map |
                                                     HV_GNTMAP_readonly,
                                            .ref = 6,
                                            .dom = GRANTER};
    /* A batch of two through one hypercall. */
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_map_grant_ref, m, 2), HV_OK);
    assert_int_equal(m[0].status, HV_GNTST_okay);
    assert_int_equal(m[1].status, HV_GNTST_okay);
    assert_int_equal(m[0].dev_bus_addr, mfn << HV_PAGE_SHIFT);
    assert_true(m[0].handle != m[1].handle);
    seen = hv_core_gnttab_va(m[0].dev_bus_addr);
    assert_ptr_equal(seen, page);
    assert_int_equal(seen[7], 0x42);
    seen[8] = 0x43; /* written through the mapping */
    assert_int_equal(page[8], 0x43);
    assert_ptr_equal(hv_core_gnttab_va(m[1].dev_bus_addr), page2);
    /* The granter sees its entries in use. */
    assert_int_equal(t[5].flags & (HV_GTF_reading | HV_GTF_writing),
                     HV_GTF_reading | HV_GTF_writing);
    assert_int_equal(t[6].flags & (HV_GTF_reading | HV_GTF_writing),
                     HV_GTF_reading);
    assert_int_equal(hv_gnttab_mapping_count(hv_core_gnttab(dm)), 2);
    assert_clean();

    u = (struct hv_gnttab_unmap_grant_ref){.host_addr = 0x100000,
                                           .handle = m[0].handle};
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_unmap_grant_ref, &u, 1), HV_OK);
    assert_int_equal(u.status, HV_GNTST_okay);
    assert_int_equal(t[5].flags, HV_GTF_permit_access);
    /* Twice: the handle is no longer in use. */
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_unmap_grant_ref, &u, 1), HV_OK);
    assert_int_equal(u.status, HV_GNTST_bad_handle);
    /* The wrong host address for the other one. */
    u = (struct hv_gnttab_unmap_grant_ref){.host_addr = 0x100000,
                                           .handle = m[1].handle};
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_unmap_grant_ref, &u, 1), HV_OK);
    assert_int_equal(u.status, HV_GNTST_bad_virt_addr);
    assert_int_equal(hv_gnttab_mapping_count(hv_core_gnttab(dm)), 1);
    assert_clean();
    /* Left mapped: the teardown must release it. */
}

static void test_map_refusals(void **state)
{
    struct hv_grant_entry_v1 *t;
    struct hv_gnttab_map_grant_ref m;
    uint64_t mfn;

    (void)state;
    t = table_of(vg);
    grant(t, 1, true, &mfn);
    m = (struct hv_gnttab_map_grant_ref){
        .flags = HV_GNTMAP_host_map, .ref = 1, .dom = GRANTER};
    /* Read-only grant mapped writable. */
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_map_grant_ref, &m, 1), HV_OK);
    assert_int_equal(m.status, HV_GNTST_general_error);
    /* A reference beyond the table. */
    m.ref = HV_GNTTAB_ENTRIES_PER_FRAME;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_map_grant_ref, &m, 1), HV_OK);
    assert_int_equal(m.status, HV_GNTST_bad_gntref);
    /* An entry granted to someone else: the granter maps its own grant. */
    m.ref = 1;
    m.flags |= HV_GNTMAP_readonly;
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_map_grant_ref, &m, 1), HV_OK);
    assert_int_equal(m.status, HV_GNTST_general_error);
    /* Revoked entry. */
    t[1].flags = 0;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_map_grant_ref, &m, 1), HV_OK);
    assert_int_equal(m.status, HV_GNTST_general_error);
    /* A domain with no grant table, and one that does not exist. */
    m.dom = 200;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_map_grant_ref, &m, 1), HV_OK);
    assert_int_equal(m.status, HV_GNTST_bad_domain);
    m.dom = 0x7ff5;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_map_grant_ref, &m, 1), HV_OK);
    assert_int_equal(m.status, HV_GNTST_bad_domain);
    assert_int_equal(hv_gnttab_mapping_count(hv_core_gnttab(dm)), 0);
    assert_int_equal(hv_gnttab_pin_count(hv_core_gnttab(dg)), 0);
    assert_clean();
}

static void test_copy(void **state)
{
    struct hv_grant_entry_v1 *t;
    struct hv_gnttab_copy c[2];
    uint64_t src_mfn, ro_mfn, own_mfn;
    uint8_t *src, *own;
    void *va;

    (void)state;
    t = table_of(vg);
    src = grant(t, 3, false, &src_mfn);
    grant(t, 4, true, &ro_mfn);
    assert_int_equal(hv_core_gnttab_alloc_page(dm, &own_mfn, &va), HV_OK);
    own = va;
    for (int i = 0; i < 4096; i++)
        src[i] = (uint8_t)(i * 7);

    memset(c, 0, sizeof(c));
    c[0].source.u.ref = 3;
    c[0].source.domid = GRANTER;
    c[0].source.offset = 100;
    c[0].dest.u.gmfn = own_mfn;
    c[0].dest.domid = HV_DOMID_SELF;
    c[0].dest.offset = 200;
    c[0].len = 1000;
    c[0].flags = HV_GNTCOPY_source_gref;
    /* The reverse: own frame into the writable grant. */
    c[1].source.u.gmfn = own_mfn;
    c[1].source.domid = MAPPER;
    c[1].source.offset = 0;
    c[1].dest.u.ref = 3;
    c[1].dest.domid = GRANTER;
    c[1].dest.offset = 3000;
    c[1].len = 16;
    c[1].flags = HV_GNTCOPY_dest_gref;
    own[0] = 0xee;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_copy, c, 2), HV_OK);
    assert_int_equal(c[0].status, HV_GNTST_okay);
    assert_int_equal(c[1].status, HV_GNTST_okay);
    assert_memory_equal(own + 200, src + 100, 1000);
    assert_int_equal(src[3000], 0xee);
    /* No pin stays after a copy. */
    assert_int_equal(hv_gnttab_pin_count(hv_core_gnttab(dg)), 0);
    assert_int_equal(t[3].flags, HV_GTF_permit_access);

    /* Crossing a frame, a read-only destination, another's own frame. */
    c[0].source.offset = 4000;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_copy, c, 1), HV_OK);
    assert_int_equal(c[0].status, HV_GNTST_bad_copy_arg);
    c[1].dest.u.ref = 4;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_copy, &c[1], 1), HV_OK);
    assert_int_equal(c[1].status, HV_GNTST_general_error);
    c[1].dest.u.ref = 3;
    c[1].source.u.gmfn = src_mfn; /* the granter's frame, not ours */
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_copy, &c[1], 1), HV_OK);
    assert_int_equal(c[1].status, HV_GNTST_bad_page);
    assert_clean();
}

static void test_hypercall_refusals(void **state)
{
    struct hv_gnttab_copy c[HV_CORE_GNTTAB_CHUNK + 4];
    struct hv_gnttab_query_size qs = {.dom = HV_DOMID_SELF};
    struct hv_gnttab_set_version sv = {.version = 2};
    struct hv_domain *d;
    struct hv_vcpu *v;
    const uint64_t bad[6] = {1ULL << 32, (uintptr_t)&qs, 1, 0, 0, 0};

    (void)state;
    /* count: 0, beyond the batch limit; single commands take one. */
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_query_size, &qs, 0), HV_EINVAL);
    assert_int_equal(
        gnttab_op(vm, HV_GNTTABOP_copy, c, HV_GNTTAB_OP_MAX_BATCH + 1),
        HV_EINVAL);
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_query_size, &qs, 2), HV_EINVAL);
    /* Unknown and unsupported commands. */
    assert_int_equal(gnttab_op(vm, 99, &qs, 1), HV_ENOSYS);
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_dump_table, &qs, 1), HV_ENOSYS);
    assert_int_equal(hv_hypercall(vm, HV_HYPERCALL_grant_table_op, bad),
                     HV_ENOSYS);
    /* Version 2 is refused; the version in use is written back. */
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_set_version, &sv, 1),
                     HV_EOPNOTSUPP);
    assert_int_equal(sv.version, 1);
    /* Bad guest addresses. */
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_query_size, NULL, 1), HV_EFAULT);
    {
        /* The first chunk would not wrap, the whole array does: refused
         * before anything is read. */
        const uint64_t wrap[6] = {HV_GNTTABOP_copy, ~0ULL - 700, 20, 0, 0, 0};

        assert_int_equal(hv_hypercall(vm, HV_HYPERCALL_grant_table_op, wrap),
                         HV_EFAULT);
    }
    /* A batch larger than a chunk: every element gets its status. */
    memset(c, 0, sizeof(c));
    for (unsigned int i = 0; i < HV_ARRAY_SIZE(c); i++) {
        c[i].flags = 0x80; /* unknown flag */
        c[i].status = 1;
    }
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_copy, c, HV_ARRAY_SIZE(c)),
                     HV_OK);
    for (unsigned int i = 0; i < HV_ARRAY_SIZE(c); i++)
        assert_int_equal(c[i].status, HV_GNTST_bad_copy_arg);
    /* A domain without a grant table has no grant_table_op. */
    assert_int_equal(hv_domain_create(33, "nogt", &d), HV_OK);
    assert_int_equal(hv_vcpu_create(d, harness_entry, NULL, 8192, NULL, 0, &v),
                     HV_OK);
    assert_int_equal(gnttab_op(v, HV_GNTTABOP_query_size, &qs, 1), HV_ENOSYS);
    assert_int_equal(hv_core_gnttab_detach(d), HV_ENOENT);
    assert_int_equal(hv_core_gnttab_alloc_page(d, &(uint64_t){0}, &(void *){0}),
                     HV_EINVAL);
    assert_int_equal(hv_domain_destroy(d), HV_OK);
    /* attach / detach / enable refusals. */
    assert_int_equal(hv_core_gnttab_attach(dg), HV_EEXIST);
    assert_int_equal(hv_core_gnttab_attach(NULL), HV_EINVAL);
    assert_int_equal(hv_core_gnttab_detach(NULL), HV_EINVAL);
    assert_int_equal(hv_core_gnttab_enable(), HV_EEXIST);
    assert_null(hv_core_gnttab_va(~0ULL));
}

static void test_reservation(void **state)
{
    uint64_t mfn, list[2] = {0, 0};
    struct hv_gnttab_setup_table st = {
        .dom = HV_DOMID_SELF, .nr_frames = 2, .frame_list = (uintptr_t)list};
    struct hv_gnttab_query_size qs = {.dom = HV_DOMID_SELF};
    void *va;
    unsigned int n = 0;

    (void)state;
    /* Room for one frame only: a table of two is refused, all or nothing
     * (the frame allocated for it goes back to the reservation). */
    for (unsigned int i = 0; i + 1 < HV_CORE_GNTTAB_MAX_PAGES; i++)
        assert_int_equal(hv_core_gnttab_alloc_page(dg, &mfn, &va), HV_OK);
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_setup_table, &st, 1), HV_OK);
    assert_int_equal(st.status, HV_GNTST_general_error);
    assert_int_equal(list[0], 0);
    assert_int_equal(gnttab_op(vg, HV_GNTTABOP_query_size, &qs, 1), HV_OK);
    assert_int_equal(qs.nr_frames, 0);
    assert_clean();
    while (hv_core_gnttab_alloc_page(dg, &mfn, &va) == HV_OK)
        n++;
    assert_int_equal(n, 1);
    assert_int_equal(hv_core_gnttab_alloc_page(dg, &mfn, &va), HV_ENOMEM);
    assert_clean();
    /* The teardown releases them all (checked by teardown()). */
}

static void test_detach_order(void **state)
{
    struct hv_grant_entry_v1 *t;
    struct hv_gnttab_map_grant_ref m;
    uint64_t mfn;

    (void)state;
    t = table_of(vg);
    grant(t, 2, false, &mfn);
    m = (struct hv_gnttab_map_grant_ref){
        .flags = HV_GNTMAP_host_map, .ref = 2, .dom = GRANTER};
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_map_grant_ref, &m, 1), HV_OK);
    assert_int_equal(m.status, HV_GNTST_okay);
    /* The granter cannot go while mapped; its grants are refused now. */
    assert_int_equal(hv_core_gnttab_detach(dg), HV_EBUSY);
    assert_int_equal(hv_core_gnttab_detach(dg), HV_EBUSY);
    /* Destroying it is refused the same way, and changes nothing. */
    assert_int_equal(hv_domain_destroy(dg), HV_EBUSY);
    assert_ptr_equal(hv_domain_lookup(dg->id), dg);
    assert_false(dg->dying);
    m.handle = 0;
    assert_int_equal(gnttab_op(vm, HV_GNTTABOP_map_grant_ref, &m, 1), HV_OK);
    assert_int_equal(m.status, HV_GNTST_bad_domain);
    assert_int_equal(hv_core_gnttab_alloc_page(dg, &mfn, &(void *){0}),
                     HV_EINVAL);
    assert_clean();
    /* The mapper goes first (its mapping released), then the granter. */
    assert_int_equal(hv_core_gnttab_detach(dm), HV_OK);
    assert_null(hv_core_gnttab(dm));
    assert_int_equal(hv_core_gnttab_detach(dg), HV_OK);
    assert_int_equal(hv_core_gnttab_detach(dg), HV_ENOENT);
    assert_clean();
    /* A new table for the same id. */
    assert_int_equal(hv_core_gnttab_attach(dg), HV_OK);
    assert_int_equal(hv_core_gnttab_detach(dg), HV_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_setup_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hypercall_refusals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reservation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detach_order, setup, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
