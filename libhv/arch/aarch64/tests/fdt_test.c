/*
 * Host tests of the AArch64 port's device-tree reader (src/fdt.c).
 *
 * A small FDT writer builds blobs shaped like QEMU virt's (GICv2 and
 * GICv3 variants, /memreserve/ entries, nested nodes, stdout-path); the
 * tests check what the reader finds, then treat it as hostile input: every
 * truncation of the readable length, every single-byte corruption at every
 * offset, and random multi-byte mutations must return HV_OK or HV_EINVAL
 * without reading outside the buffer (the buffer is heap-allocated to the
 * exact length, so ASan catches any stray read) and without hanging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/a64.h"

/* ---- a minimal FDT writer ---- */

struct fdtw {
    uint8_t st[8192];
    uint32_t st_len;
    char strs[1024];
    uint32_t strs_len;
    uint8_t rsv[256];
    uint32_t rsv_len;
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void w32(struct fdtw *w, uint32_t v)
{
    put32(w->st + w->st_len, v);
    w->st_len += 4;
}

static void wbytes(struct fdtw *w, const void *d, uint32_t n)
{
    memcpy(w->st + w->st_len, d, n);
    w->st_len += n;
    while (w->st_len & 3)
        w->st[w->st_len++] = 0;
}

static void begin(struct fdtw *w, const char *name)
{
    w32(w, 1);
    wbytes(w, name, (uint32_t)strlen(name) + 1);
}

static void end(struct fdtw *w)
{
    w32(w, 2);
}

static uint32_t str_off(struct fdtw *w, const char *name)
{
    for (uint32_t i = 0; i < w->strs_len;
         i += (uint32_t)strlen(w->strs + i) + 1)
        if (strcmp(w->strs + i, name) == 0)
            return i;
    uint32_t at = w->strs_len;
    strcpy(w->strs + at, name);
    w->strs_len += (uint32_t)strlen(name) + 1;
    return at;
}

static void prop(struct fdtw *w, const char *name, const void *d, uint32_t n)
{
    w32(w, 3);
    w32(w, n);
    w32(w, str_off(w, name));
    wbytes(w, d, n);
}

static void prop_str(struct fdtw *w, const char *name, const char *s)
{
    prop(w, name, s, (uint32_t)strlen(s) + 1);
}

/* A property of 32-bit cells. */
static void prop_cells(struct fdtw *w, const char *name, unsigned int n, ...)
{
    uint8_t buf[128];
    va_list ap;
    va_start(ap, n);
    for (unsigned int i = 0; i < n; i++)
        put32(buf + 4 * i, va_arg(ap, uint32_t));
    va_end(ap);
    prop(w, name, buf, 4 * n);
}

static void rsv(struct fdtw *w, uint64_t base, uint64_t size)
{
    put32(w->rsv + w->rsv_len, (uint32_t)(base >> 32));
    put32(w->rsv + w->rsv_len + 4, (uint32_t)base);
    put32(w->rsv + w->rsv_len + 8, (uint32_t)(size >> 32));
    put32(w->rsv + w->rsv_len + 12, (uint32_t)size);
    w->rsv_len += 16;
}

/* Header, reservation block (ended by a zero pair), struct, strings. */
static uint8_t *finish(struct fdtw *w, uint32_t *len)
{
    uint32_t off_rsv = 40, off_st, off_strs, total;
    uint8_t *b;

    w32(w, 9);
    off_st = off_rsv + w->rsv_len + 16;
    off_strs = off_st + w->st_len;
    total = off_strs + w->strs_len;
    b = calloc(1, total);
    put32(b, 0xd00dfeedu);
    put32(b + 4, total);
    put32(b + 8, off_st);
    put32(b + 12, off_strs);
    put32(b + 16, off_rsv);
    put32(b + 20, 17);
    put32(b + 24, 16);
    put32(b + 32, w->strs_len);
    put32(b + 36, w->st_len);
    memcpy(b + off_rsv, w->rsv, w->rsv_len);
    memcpy(b + off_st, w->st, w->st_len);
    memcpy(b + off_strs, w->strs, w->strs_len);
    *len = total;
    return b;
}

/* QEMU virt's shape: 2 address cells, 2 size cells, devices at the root. */
static uint8_t *virt_blob(unsigned int gic, bool reserve, uint32_t *len)
{
    static struct fdtw w;
    memset(&w, 0, sizeof(w));
    if (reserve)
        rsv(&w, 0x44000000, 0x100000);
    begin(&w, "");
    prop_cells(&w, "#address-cells", 1, 2);
    prop_cells(&w, "#size-cells", 1, 2);
    prop_str(&w, "compatible", "linux,dummy-virt");
    begin(&w, "chosen");
    prop_str(&w, "bootargs", "sched=rr run_ms=5");
    prop_str(&w, "stdout-path", "/pl011@9000000");
    end(&w);
    begin(&w, "memory@40000000");
    prop_str(&w, "device_type", "memory");
    prop_cells(&w, "reg", 4, 0, 0x40000000, 0, 0x10000000);
    end(&w);
    begin(&w, "pl011@9040000");
    prop(&w, "compatible", "arm,pl011\0arm,primecell",
         sizeof("arm,pl011\0arm,primecell"));
    prop_cells(&w, "reg", 4, 0, 0x9040000, 0, 0x1000);
    end(&w);
    begin(&w, "pl011@9000000");
    prop(&w, "compatible", "arm,pl011\0arm,primecell",
         sizeof("arm,pl011\0arm,primecell"));
    prop_cells(&w, "reg", 4, 0, 0x9000000, 0, 0x1000);
    end(&w);
    begin(&w, "intc@8000000");
    if (gic == 3) {
        prop_str(&w, "compatible", "arm,gic-v3");
        prop_cells(&w, "reg", 8, 0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0,
                   0xf60000);
    } else {
        prop_str(&w, "compatible", "arm,cortex-a15-gic");
        prop_cells(&w, "reg", 8, 0, 0x8000000, 0, 0x10000, 0, 0x8010000, 0,
                   0x10000);
    }
    begin(&w, "v2m@8020000"); /* a child: ignored as a device */
    prop_str(&w, "compatible", "arm,gic-v2m-frame");
    prop_cells(&w, "reg", 4, 0, 0x8020000, 0, 0x1000);
    end(&w);
    end(&w);
    begin(&w, "psci");
    prop(&w, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci",
         sizeof("arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
    prop_str(&w, "method", "smc");
    end(&w);
    begin(&w, "timer");
    prop_str(&w, "compatible", "arm,armv8-timer");
    prop_cells(&w, "interrupts", 12, 1, 13, 0xf04, 1, 14, 0xf04, 1, 11, 0xf04,
               1, 10, 0xf04);
    end(&w);
    end(&w);
    return finish(&w, len);
}

static void check_virt(const struct a64_platform *p, unsigned int gic)
{
    assert_int_equal(p->warnings, 0);
    assert_string_equal(p->bootargs, "sched=rr run_ms=5");
    assert_int_equal(p->uart, 0x9000000); /* stdout-path, not the first */
    assert_int_equal(p->gic_version, gic);
    assert_int_equal(p->gicd, 0x8000000);
    if (gic == 3) {
        assert_int_equal(p->gicr, 0x80a0000);
        assert_int_equal(p->gicr_size, 0xf60000);
    } else {
        assert_int_equal(p->gicc, 0x8010000);
    }
    assert_int_equal(p->timer_intid, 26);
    assert_true(p->psci);
}

static void test_virt_gicv2(void **state)
{
    struct a64_platform p;
    uint32_t len;
    uint8_t *b = virt_blob(2, false, &len);
    (void)state;
    assert_int_equal(a64_fdt_parse(b, len, &p), HV_OK);
    check_virt(&p, 2);
    assert_int_equal(p.mem_count, 1);
    assert_int_equal(p.mem[0].base, 0x40000000);
    assert_int_equal(p.mem[0].size, 0x10000000);
    assert_int_equal(p.fdt_size, len);
    free(b);
}

static void test_virt_gicv3_memreserve(void **state)
{
    struct a64_platform p;
    uint32_t len;
    uint8_t *b = virt_blob(3, true, &len);
    (void)state;
    assert_int_equal(a64_fdt_parse(b, len, &p), HV_OK);
    check_virt(&p, 3);
    /* 0x44000000 + 1 MiB is cut out: RAM splits in two. */
    assert_int_equal(p.mem_count, 2);
    assert_int_equal(p.mem[0].base, 0x40000000);
    assert_int_equal(p.mem[0].size, 0x4000000);
    assert_int_equal(p.mem[1].base, 0x44100000);
    assert_int_equal(p.mem[1].size, 0x50000000 - 0x44100000);
    free(b);
}

static void test_refusals(void **state)
{
    struct a64_platform p;
    uint32_t len;
    uint8_t *b = virt_blob(2, false, &len);
    (void)state;
    assert_int_equal(a64_fdt_parse(NULL, len, &p), HV_EINVAL);
    assert_int_equal(a64_fdt_parse(b, 39, &p), HV_EINVAL);
    assert_int_equal(a64_fdt_parse(b, len - 1, &p), HV_EINVAL); /* total */
    b[0] ^= 1;                                                  /* magic */
    assert_int_equal(a64_fdt_parse(b, len, &p), HV_EINVAL);
    assert_int_equal(p.uart, 0);
    assert_int_equal(p.mem_count, 0);
    b[0] ^= 1;
    put32(b + 20, 15); /* version */
    assert_int_equal(a64_fdt_parse(b, len, &p), HV_EINVAL);
    put32(b + 20, 17);
    put32(b + 36, len); /* struct block past the end */
    assert_int_equal(a64_fdt_parse(b, len, &p), HV_EINVAL);
    free(b);
}

/* Parse a copy of exactly `len` bytes (ASan sees any read beyond). */
static int parse_exact(const uint8_t *src, uint32_t len, uint64_t max,
                       struct a64_platform *p)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, src, len);
    int rc = a64_fdt_parse(copy, max, p);
    free(copy);
    assert_true(rc == HV_OK || rc == HV_EINVAL);
    assert_true(p->mem_count <= HV_BOOT_MAX_RANGES);
    assert_true(memchr(p->bootargs, 0, sizeof(p->bootargs)) != NULL);
    return rc;
}

static void test_truncations(void **state)
{
    struct a64_platform p;
    uint32_t len;
    uint8_t *b = virt_blob(3, true, &len);
    (void)state;
    for (uint32_t n = 0; n < len; n++) {
        uint8_t *c = malloc(len);
        memcpy(c, b, len);
        put32(c + 4, n); /* a totalsize that lies */
        parse_exact(c, n, n, &p);
        free(c);
    }
    free(b);
}

static void test_every_byte_corrupted(void **state)
{
    static const uint8_t values[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x03};
    struct a64_platform p;
    uint32_t len;
    uint8_t *b = virt_blob(2, true, &len);
    (void)state;
    for (uint32_t off = 0; off < len; off++) {
        for (size_t v = 0; v < sizeof(values); v++) {
            uint8_t save = b[off];
            b[off] = values[v];
            parse_exact(b, len, len, &p);
            b[off] = save ^ 0x10;
            parse_exact(b, len, len, &p);
            b[off] = save;
        }
    }
    free(b);
}

static void test_random_mutations(void **state)
{
    struct a64_platform p;
    uint32_t len, seed = 12345;
    uint8_t *b = virt_blob(3, true, &len);
    uint8_t *m = malloc(len);
    (void)state;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(m, b, len);
        for (int k = 0; k < 1 + iter % 8; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t off = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            m[off] = (uint8_t)(seed >> 16);
        }
        parse_exact(m, len, len, &p);
    }
    free(m);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_virt_gicv2),
        cmocka_unit_test(test_virt_gicv3_memreserve),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_every_byte_corrupted),
        cmocka_unit_test(test_random_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
