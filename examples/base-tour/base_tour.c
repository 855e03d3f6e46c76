/*
 * A tour of the libhv base from an ordinary host program: the error
 * convention, intrusive lists, bitmaps and the bounded formatter. The
 * same calls work unchanged inside the hypervisor, where there is no libc.
 *
 * The program models a tiny port table: ports are allocated from a bitmap,
 * bound ports sit on a list, and every refusal is an hv_err.
 */
#include <hv/base.h>
#include <stdio.h>

#define PORTS 70 /* deliberately not a multiple of the word size */

struct port {
    unsigned int number;
    char name[16];
    struct hv_list link;
};

struct port_table {
    HV_BITMAP_DECLARE(used, PORTS);
    struct port ports[PORTS];
    struct hv_list bound;
};

static void table_init(struct port_table *t)
{
    hv_memset(t, 0, sizeof(*t));
    hv_list_init(&t->bound);
}

/* Allocate the lowest free port; HV_ENOSPC when all are in use. */
static int port_alloc(struct port_table *t, const char *name)
{
    unsigned long n = hv_bitmap_find_first_zero(t->used, PORTS);
    struct port *p;

    if (n >= PORTS)
        return HV_ENOSPC;
    hv_bit_set(t->used, n);
    p = &t->ports[n];
    p->number = (unsigned int)n;
    hv_strlcpy(p->name, name, sizeof(p->name));
    hv_list_push_back(&t->bound, &p->link);
    return (int)n;
}

/* Free a port; HV_EINVAL if out of range, HV_ENOENT if not allocated. */
static int port_free(struct port_table *t, int n)
{
    if (n < 0 || n >= PORTS)
        return HV_EINVAL;
    if (!hv_bit_test_and_clear(t->used, (unsigned long)n))
        return HV_ENOENT;
    hv_list_remove(&t->ports[n].link);
    return HV_OK;
}

int main(void)
{
    static struct port_table table;
    struct port *p;
    char line[64];
    int rc;

    table_init(&table);
    for (int i = 0; i < PORTS; i++) {
        char name[16];

        hv_snprintf(name, sizeof(name), "port-%02d", i);
        rc = port_alloc(&table, name);
        if (rc != i) {
            printf("unexpected allocation %d\n", rc);
            return 1;
        }
    }
    printf("allocated %lu ports\n", hv_bitmap_weight(table.used, PORTS));

    rc = port_alloc(&table, "one-too-many");
    printf("alloc on a full table: %d (%s)\n", rc, hv_strerror(rc));

    port_free(&table, 3);
    port_free(&table, 64);
    rc = port_free(&table, 3);
    printf("free port 3 twice: %d (%s)\n", rc, hv_strerror(rc));
    rc = port_free(&table, 1000);
    printf("free port 1000: %d (%s)\n", rc, hv_strerror(rc));

    printf("lowest free port now: %lu\n",
           hv_bitmap_find_first_zero(table.used, PORTS));
    printf("bound ports on the list: %zu\n", hv_list_count(&table.bound));

    printf("last three bound ports:\n");
    int shown = 0;
    for (struct hv_list *it = table.bound.prev; it != &table.bound && shown < 3;
         it = it->prev, shown++) {
        p = hv_list_entry(it, struct port, link);
        hv_snprintf(line, sizeof(line), "  %-10s #%3u at %p", p->name,
                    p->number, (void *)p);
        puts(line);
    }

    /* The formatter never overflows and reports what it would have needed. */
    char small[8];
    rc = hv_snprintf(small, sizeof(small), "%s", "a long line of text");
    printf("formatted into 8 bytes: \"%s\", would need %d\n", small, rc);
    return 0;
}
