/*
 * <hv/core_gnttab.h>: grant tables in the core (libhv-gnttab wired to
 * domains, libhv-mm's domain registrations and the grant_table_op
 * hypercall).
 *
 * An image that wants grant tables calls hv_core_gnttab_enable() once and
 * hv_core_gnttab_attach() for each domain that grants or maps; an image
 * that does not call them links none of libhv-gnttab.
 *
 * Memory. libhv-gnttab takes references on frames in libhv-mm, so a
 * domain that uses grants must be a libhv-mm domain. The core registers
 * no domain with libhv-mm anywhere else today, so hv_core_gnttab_attach()
 * registers one, with a reservation of HV_CORE_GNTTAB_MAX_PAGES frames:
 * the frames the domain may own at once (hv_core_gnttab_alloc_page()),
 * its grant-table frames included: unlike Xen's hypervisor-owned table
 * frames they are the domain's own (see gnttab_glue.c for why), allocated
 * by GNTTABOP_setup_table and released by the teardown.
 *
 * Orphan vCPUs (hypervisor threads) share the hypervisor's address space.
 * For them no page-table entry is installed by a map: a successful
 * GNTTABOP_map_grant_ref returns the frame's machine address in
 * dev_bus_addr and the thread reaches it through the direct map
 * (hv_core_gnttab_va()); host_addr is recorded and checked at unmap as for
 * any guest. Everything else is real: the entries are read from the
 * granter's table frames, GTF_reading / GTF_writing are set in them while
 * mapped, the mapping holds its libhv-mm references and a maptrack handle.
 *
 * Teardown. hv_domain_destroy() calls hv_core_gnttab_detach() first once
 * grant tables are enabled (it may also be called on its own): it unmaps
 * the domain's own mappings, refuses with HV_EBUSY while others map its
 * grants -- hv_domain_destroy() then returns HV_EBUSY and changes nothing;
 * call again after they unmapped or were detached -- then frees the table
 * frames and tears down the libhv-mm domain.
 *
 * Locking: one CPU, like the rest of the core; call with interrupts off
 * or from a vCPU (hypercalls run with the core's usual rules).
 */
#ifndef HV_CORE_GNTTAB_H
#define HV_CORE_GNTTAB_H

#include <hv/core.h>
#include <hv/gnttab.h>

HV_EXTERN_C_BEGIN

/* Largest grant table of a domain, in frames (512 v1 entries each). */
#define HV_CORE_GNTTAB_FRAMES 4u
/* Mappings one domain may hold at once (maptrack handles). */
#define HV_CORE_GNTTAB_MAPTRACK 256u
/* Reservation of the libhv-mm domain attach registers, in frames. */
#define HV_CORE_GNTTAB_MAX_PAGES 256u
/* Elements of one grant_table_op copied in and handled at a time. */
#define HV_CORE_GNTTAB_CHUNK 16u

/*
 * hv_core_gnttab_enable() - register grant_table_op (hypercall 20).
 * Return: HV_OK; HV_EEXIST if already registered; HV_ENOSYS before the
 * core's memory is up.
 */
int hv_core_gnttab_enable(void);

/*
 * hv_core_gnttab_attach() - give domain `d` a libhv-mm domain registration
 * (reservation HV_CORE_GNTTAB_MAX_PAGES) and an empty grant table of at
 * most HV_CORE_GNTTAB_FRAMES frames; the guest sizes it with
 * GNTTABOP_setup_table. Return: HV_OK; HV_EINVAL for NULL or a domain not
 * in use; HV_EEXIST if it has a table (or libhv-mm already has the id);
 * HV_ENOMEM.
 */
int hv_core_gnttab_attach(struct hv_domain *d);

/*
 * hv_core_gnttab_detach() - tear down `d`'s grant table and its libhv-mm
 * domain (every frame it owns is released), in libhv-gnttab's order.
 * Return: HV_OK (the table is gone; attach may be called again);
 * HV_EBUSY while other domains still map its grants or hold references
 * on its frames (the domain stays dying: new uses are refused; call
 * again later); HV_EINVAL for NULL; HV_ENOENT when it has no table.
 */
int hv_core_gnttab_detach(struct hv_domain *d);

/* The grant table of `d`, or NULL when it has none. */
struct hv_gnttab *hv_core_gnttab(struct hv_domain *d);

/*
 * hv_core_gnttab_alloc_page() - allocate one zeroed frame owned by `d`
 * within its reservation (the orphan-vCPU stand-in for populate_physmap):
 * the frames a domain grants must be its own. *mfn gets the frame, *va
 * its direct-map address. Return: HV_OK; HV_EINVAL (NULL, no table);
 * HV_ENOMEM (reservation full or no memory).
 */
int hv_core_gnttab_alloc_page(struct hv_domain *d, uint64_t *mfn, void **va);

/*
 * hv_core_gnttab_va() - the direct-map address of machine address
 * `maddr` (a dev_bus_addr from a map, or mfn << HV_PAGE_SHIFT from a
 * setup_table frame list), for orphan vCPUs; NULL before memory is up or
 * beyond the frame table.
 */
void *hv_core_gnttab_va(uint64_t maddr);

/*
 * hv_core_gnttab_check() - prove the invariants of every attached table
 * (hv_gnttab_check with HV_GNTTAB_CHECK_SHARED) and of libhv-mm with the
 * grant tables' references (hv_mm_check + hv_gnttab_mm_refs). Quiescent
 * use only (tests, the debugger). Return: HV_OK; HV_EBADMSG with the
 * first violation in `msg`; HV_ENOMEM for no scratch memory; HV_ENOSYS
 * before memory is up.
 */
int hv_core_gnttab_check(char *msg, size_t msg_size);

HV_EXTERN_C_END

#endif /* HV_CORE_GNTTAB_H */
