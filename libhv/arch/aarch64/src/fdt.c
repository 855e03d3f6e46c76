/*
 * A small, validating reader of the flattened device tree (DTB) that QEMU
 * hands the hypervisor: the memory map and the few devices the port uses.
 *
 * The blob is hostile input (a `-dtb` file can hold anything). The header
 * is checked first: magic, version >= 16, a total size within what the
 * caller can read, and the structure and strings blocks inside the total
 * size. Every later read goes through get32() / get_str(), which check
 * the offset against the block it lies in; a node name or a property
 * name must end with a NUL inside its block; a property's length must fit
 * the structure block; nesting deeper than MAX_DEPTH is refused. A
 * malformed node is skipped and counted; a malformed structure block ends
 * the walk (what was found before stays). Nothing here can read outside
 * [blob, blob + totalsize) or loop forever: each step advances the offset.
 *
 * What is collected (struct a64_platform): the `reg` of every node whose
 * device_type is "memory" (RAM), /chosen's bootargs and stdout-path, the
 * PL011 UARTs (compatible "arm,pl011"), the GIC ("arm,cortex-a15-gic" or
 * "arm,gic-400": GICv2, reg = distributor, CPU interface; "arm,gic-v3":
 * reg = distributor, first redistributor region), the architected timer
 * ("arm,armv8-timer": the fourth `interrupts` triple is the EL2 physical
 * timer's PPI) and PSCI ("arm,psci*" with method "smc"). Only nodes that
 * are children of the root are taken as devices, so their `reg` is read
 * with the root's #address-cells and #size-cells (QEMU's virt puts every
 * device there; a bus with `ranges` would need address translation, which
 * this reader does not do). The /memreserve/ block's ranges are cut out
 * of RAM.
 */
#include "a64.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u
#define MAX_DEPTH      16
#define MAX_FDT_SIZE   (4u << 20)

struct blob {
    const uint8_t *p;
    uint32_t size;
};

static bool get32(const struct blob *b, uint32_t off, uint32_t *v)
{
    if (off > b->size || b->size - off < 4)
        return false;
    *v = (uint32_t)b->p[off] << 24 | (uint32_t)b->p[off + 1] << 16 |
         (uint32_t)b->p[off + 2] << 8 | b->p[off + 3];
    return true;
}

/* Length of the NUL-terminated string at off inside [lo, hi), or -1. */
static long str_len(const struct blob *b, uint32_t off, uint32_t lo,
                    uint32_t hi)
{
    if (off < lo || off >= hi)
        return -1;
    for (uint32_t i = off; i < hi; i++) {
        if (b->p[i] == '\0')
            return (long)(i - off);
    }
    return -1;
}

/* A big-endian number of `cells` (1 or 2) cells at data. */
static uint64_t cells_value(const uint8_t *d, unsigned int cells)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < cells * 4; i++)
        v = v << 8 | d[i];
    return v;
}

/* Does the string list (compatible) hold `want`? */
static bool strlist_has(const uint8_t *d, uint32_t len, const char *want)
{
    size_t wl = hv_strlen(want);
    uint32_t i = 0;

    while (i < len) {
        uint32_t n = 0;
        while (i + n < len && d[i + n] != '\0')
            n++;
        if (n == wl && hv_memcmp(d + i, want, wl) == 0)
            return true;
        i += n + 1;
    }
    return false;
}

static bool strlist_prefix(const uint8_t *d, uint32_t len, const char *pre)
{
    size_t pl = hv_strlen(pre);
    uint32_t i = 0;

    while (i < len) {
        uint32_t n = 0;
        while (i + n < len && d[i + n] != '\0')
            n++;
        if (n >= pl && hv_memcmp(d + i, pre, pl) == 0)
            return true;
        i += n + 1;
    }
    return false;
}

/* What one node at depth 1 said, classified at its END_NODE. */
struct node {
    const uint8_t *name;
    uint32_t name_len;
    const uint8_t *reg, *compat, *irqs, *method, *dtype;
    uint32_t reg_len, compat_len, irqs_len, method_len, dtype_len;
};

struct walk {
    struct a64_platform *p;
    unsigned int ac, sc; /* the root's #address-cells, #size-cells */
    const uint8_t *stdout_path;
    uint32_t stdout_len;
    struct {
        const uint8_t *name;
        uint32_t name_len;
        uint64_t base;
    } uarts[A64_MAX_UARTS];
    unsigned int uart_count;
};

/* Entry i of a reg property, with the root's cells; false if absent. */
static bool reg_entry(const struct walk *w, const struct node *n,
                      unsigned int i, uint64_t *base, uint64_t *size)
{
    uint32_t entry = (w->ac + w->sc) * 4;

    if (n->reg == NULL || entry == 0 || n->reg_len % entry != 0 ||
        i >= n->reg_len / entry)
        return false;
    *base = cells_value(n->reg + i * entry, w->ac);
    *size = w->sc ? cells_value(n->reg + i * entry + w->ac * 4, w->sc) : 0;
    return *base + *size >= *base;
}

static bool is_str(const uint8_t *d, uint32_t len, const char *s)
{
    size_t l = hv_strlen(s);
    return d != NULL && len == l + 1 && hv_memcmp(d, s, l) == 0 && d[l] == '\0';
}

static void classify(struct walk *w, const struct node *n)
{
    struct a64_platform *p = w->p;
    uint64_t base, size;

    if (is_str(n->dtype, n->dtype_len, "memory")) {
        for (unsigned int i = 0; reg_entry(w, n, i, &base, &size); i++) {
            if (p->mem_count == HV_BOOT_MAX_RANGES || size == 0) {
                p->warnings++;
                continue;
            }
            p->mem[p->mem_count].base = base;
            p->mem[p->mem_count].size = size;
            p->mem[p->mem_count].type = HV_MEM_RAM;
            p->mem_count++;
        }
        return;
    }
    if (n->compat == NULL)
        return;
    if (strlist_has(n->compat, n->compat_len, "arm,pl011")) {
        if (reg_entry(w, n, 0, &base, &size) && size >= 0x1000 &&
            w->uart_count < A64_MAX_UARTS) {
            w->uarts[w->uart_count].name = n->name;
            w->uarts[w->uart_count].name_len = n->name_len;
            w->uarts[w->uart_count].base = base;
            w->uart_count++;
        } else {
            p->warnings++;
        }
    } else if (strlist_has(n->compat, n->compat_len, "arm,gic-v3")) {
        uint64_t rb, rs;
        if (p->gic_version == 0 && reg_entry(w, n, 0, &base, &size) &&
            reg_entry(w, n, 1, &rb, &rs) && size >= 0x10000 && rs >= 0x20000) {
            p->gic_version = 3;
            p->gicd = base;
            p->gicd_size = size;
            p->gicr = rb;
            p->gicr_size = rs;
        } else {
            p->warnings++;
        }
    } else if (strlist_has(n->compat, n->compat_len, "arm,cortex-a15-gic") ||
               strlist_has(n->compat, n->compat_len, "arm,gic-400")) {
        uint64_t cb, cs;
        if (p->gic_version == 0 && reg_entry(w, n, 0, &base, &size) &&
            reg_entry(w, n, 1, &cb, &cs) && size >= 0x1000 && cs >= 0x1000) {
            p->gic_version = 2;
            p->gicd = base;
            p->gicd_size = size;
            p->gicc = cb;
            p->gicc_size = cs;
        } else {
            p->warnings++;
        }
    } else if (strlist_has(n->compat, n->compat_len, "arm,armv8-timer") ||
               strlist_has(n->compat, n->compat_len, "arm,armv7-timer")) {
        /* Four triples <type number flags>: secure, non-secure physical,
         * virtual, hypervisor (EL2) physical. A PPI's INTID is 16 + n. */
        if (n->irqs != NULL && n->irqs_len >= 48) {
            uint64_t type = cells_value(n->irqs + 36, 1);
            uint64_t num = cells_value(n->irqs + 40, 1);
            if (type == 1 && num < 16)
                p->timer_intid = 16 + (unsigned int)num;
            else
                p->warnings++;
        }
    } else if (strlist_prefix(n->compat, n->compat_len, "arm,psci")) {
        p->psci = is_str(n->method, n->method_len, "smc");
    }
}

static void prop(struct walk *w, struct node *n, unsigned int depth,
                 const char *name, const uint8_t *d, uint32_t len,
                 bool in_chosen)
{
    if (depth == 0) {
        if (hv_strcmp(name, "#address-cells") == 0 && len == 4)
            w->ac = (unsigned int)cells_value(d, 1);
        else if (hv_strcmp(name, "#size-cells") == 0 && len == 4)
            w->sc = (unsigned int)cells_value(d, 1);
        if (w->ac < 1 || w->ac > 2 || w->sc > 2) {
            w->p->warnings++;
            w->ac = 2;
            w->sc = 2;
        }
        return;
    }
    if (depth != 1)
        return;
    if (in_chosen) {
        if (hv_strcmp(name, "bootargs") == 0 && len > 0 && d[len - 1] == '\0') {
            if (len <= sizeof(w->p->bootargs))
                hv_memcpy(w->p->bootargs, d, len);
            else
                w->p->warnings++;
        } else if (hv_strcmp(name, "stdout-path") == 0 && len > 0 &&
                   d[len - 1] == '\0') {
            w->stdout_path = d;
            w->stdout_len = len - 1;
        }
        return;
    }
    if (hv_strcmp(name, "reg") == 0) {
        n->reg = d;
        n->reg_len = len;
    } else if (hv_strcmp(name, "compatible") == 0) {
        n->compat = d;
        n->compat_len = len;
    } else if (hv_strcmp(name, "interrupts") == 0) {
        n->irqs = d;
        n->irqs_len = len;
    } else if (hv_strcmp(name, "method") == 0) {
        n->method = d;
        n->method_len = len;
    } else if (hv_strcmp(name, "device_type") == 0) {
        n->dtype = d;
        n->dtype_len = len;
    }
}

/* The UART /chosen/stdout-path names ("/pl011@9000000[:opts]"), or the
 * first one. */
static uint64_t pick_uart(const struct walk *w)
{
    if (w->uart_count == 0)
        return 0;
    if (w->stdout_path != NULL && w->stdout_len > 1 &&
        w->stdout_path[0] == '/') {
        uint32_t l = 1;
        while (l < w->stdout_len && w->stdout_path[l] != ':')
            l++;
        for (unsigned int i = 0; i < w->uart_count; i++) {
            if (w->uarts[i].name_len == l - 1 &&
                hv_memcmp(w->uarts[i].name, w->stdout_path + 1, l - 1) == 0)
                return w->uarts[i].base;
        }
    }
    return w->uarts[0].base;
}

/* Cut [rb, rb + rs) out of the RAM ranges (splitting one if needed). */
static void cut_reserved(struct a64_platform *p, uint64_t rb, uint64_t rs)
{
    uint64_t re = rb + rs;

    if (re < rb)
        re = UINT64_MAX;
    for (unsigned int i = 0; i < p->mem_count; i++) {
        struct hv_mem_range *m = &p->mem[i];
        uint64_t mb = m->base, me = m->base + m->size;

        if (re <= mb || rb >= me)
            continue;
        if (rb <= mb && re >= me) {
            m->size = 0;
        } else if (rb <= mb) {
            m->base = re;
            m->size = me - re;
        } else if (re >= me) {
            m->size = rb - mb;
        } else if (p->mem_count < HV_BOOT_MAX_RANGES) {
            m->size = rb - mb;
            p->mem[p->mem_count].base = re;
            p->mem[p->mem_count].size = me - re;
            p->mem[p->mem_count].type = HV_MEM_RAM;
            p->mem_count++;
        } else {
            m->size = rb - mb; /* no room for the upper part: drop it */
            p->warnings++;
        }
    }
}

int a64_fdt_parse(const void *blobp, uint64_t max, struct a64_platform *p)
{
    struct blob b = {blobp, 64};
    uint32_t magic, total, off_struct, off_strings, off_rsv, version;
    uint32_t size_strings, size_struct;
    struct walk w;
    struct node nodes[MAX_DEPTH];
    bool chosen[MAX_DEPTH];
    unsigned int depth = 0;
    uint32_t off, end;

    hv_memset(p, 0, sizeof(*p));
    if (blobp == NULL || max < 40)
        return HV_EINVAL;
    b.size = 40;
    if (!get32(&b, 0, &magic) || magic != FDT_MAGIC || !get32(&b, 4, &total) ||
        !get32(&b, 8, &off_struct) || !get32(&b, 12, &off_strings) ||
        !get32(&b, 16, &off_rsv) || !get32(&b, 20, &version) ||
        !get32(&b, 32, &size_strings) || !get32(&b, 36, &size_struct))
        return HV_EINVAL;
    if (version < 16 || total < 40 || total > max || total > MAX_FDT_SIZE ||
        off_struct > total || size_struct > total - off_struct ||
        off_strings > total || size_strings > total - off_strings ||
        off_rsv > total || (off_struct & 3) || (off_rsv & 7))
        return HV_EINVAL;
    b.size = total;
    p->fdt_size = total;

    hv_memset(&w, 0, sizeof(w));
    w.p = p;
    w.ac = 2;
    w.sc = 1;
    off = off_struct;
    end = off_struct + size_struct;
    for (;;) {
        uint32_t tok;

        if (off >= end || !get32(&b, off, &tok)) {
            p->warnings++;
            break;
        }
        off += 4;
        if (tok == FDT_END)
            break;
        if (tok == FDT_NOP)
            continue;
        if (tok == FDT_BEGIN_NODE) {
            long l = str_len(&b, off, off_struct, end);
            if (l < 0 || depth >= MAX_DEPTH) {
                p->warnings++;
                break;
            }
            hv_memset(&nodes[depth], 0, sizeof(nodes[depth]));
            nodes[depth].name = b.p + off;
            nodes[depth].name_len = (uint32_t)l;
            chosen[depth] =
                depth == 1 && l == 6 && hv_memcmp(b.p + off, "chosen", 6) == 0;
            depth++;
            off += HV_ALIGN_UP((uint32_t)l + 1, 4u);
        } else if (tok == FDT_END_NODE) {
            if (depth == 0) {
                p->warnings++;
                break;
            }
            depth--;
            if (depth == 1)
                classify(&w, &nodes[depth]);
            if (depth == 0)
                break; /* the root closed */
        } else if (tok == FDT_PROP) {
            uint32_t len, nameoff;
            long nl;
            if (depth == 0 || !get32(&b, off, &len) ||
                !get32(&b, off + 4, &nameoff) || len > end - (off + 8) ||
                off + 8 > end) {
                p->warnings++;
                break;
            }
            nl = nameoff < size_strings
                     ? str_len(&b, off_strings + nameoff, off_strings,
                               off_strings + size_strings)
                     : -1;
            if (nl < 0) {
                p->warnings++;
            } else {
                prop(&w, &nodes[depth - 1], depth - 1,
                     (const char *)b.p + off_strings + nameoff, b.p + off + 8,
                     len, chosen[depth - 1]);
            }
            off += 8 + HV_ALIGN_UP(len, 4u);
        } else {
            p->warnings++;
            break;
        }
    }
    p->uart = pick_uart(&w);

    /* The memory reservation block: (address, size) pairs up to (0, 0). */
    for (uint32_t r = off_rsv; r + 16 <= total; r += 16) {
        uint32_t a0, a1, s0, s1;
        if (!get32(&b, r, &a0) || !get32(&b, r + 4, &a1) ||
            !get32(&b, r + 8, &s0) || !get32(&b, r + 12, &s1))
            break;
        uint64_t rb = (uint64_t)a0 << 32 | a1, rs = (uint64_t)s0 << 32 | s1;
        if (rb == 0 && rs == 0)
            break;
        cut_reserved(p, rb, rs);
    }
    return HV_OK;
}
