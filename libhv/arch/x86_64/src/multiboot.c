/*
 * Multiboot1 and Multiboot2 information -> struct hv_boot_info.
 *
 * The loader's structures are read through the direct map and treated as
 * untrusted input: a loader bug or a hand-made image must not crash the
 * hypervisor. So every structure is checked to lie inside the direct map
 * before it is read, every length is checked against the space it claims
 * (a Multiboot2 tag against the remaining info, a memory-map entry against
 * its tag), counts are capped, strings are copied with a bound and always
 * NUL-terminated, and a range whose end overflows is refused. A malformed
 * entry is skipped with a message; a Multiboot2 tag whose size is
 * impossible ends the walk (the next tag cannot be found), keeping what
 * was read before it.
 *
 * Everything the core may keep (command lines) is copied into the image,
 * so the loader's memory can be reused. The memory map is sorted by base
 * address; RAM and reserved ranges may overlap as the loader reported them
 * (reserved wins). Without a memory map, Multiboot's mem_lower/mem_upper
 * give two RAM ranges (below 640 KiB and from 1 MiB).
 *
 * Multiboot1 loaders (QEMU's -kernel, GRUB's `multiboot`) put the image's
 * or module's file name first on each command line; Multiboot2 loaders do
 * not. The file name is dropped from Multiboot1 lines (as Xen does), so
 * the core sees the same command line from both.
 */
#include "x86.h"

#define MB1_INFO_MEM     (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)
#define MB1_INFO_LOADER  (1u << 9)
#define MB1_INFO_SIZE    72 /* through boot_loader_name */

#define MB2_TAG_END     0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER  2
#define MB2_TAG_MODULE  3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP    6
#define MB2_INFO_MAX    (1u << 20) /* larger is not a real loader's */
#define MMAP_MAX_BYTES  (64u << 10)

#define CMDLINE_MAX 1024
#define MODLINE_MAX 256

static char cmdline[CMDLINE_MAX];
static char mod_cmdlines[HV_BOOT_MAX_MODULES][MODLINE_MAX];

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    hv_memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    hv_memcpy(&v, p, 8);
    return v;
}

/* The direct-map address of [pa, pa + len), or NULL if it is not mapped. */
static const uint8_t *mapped(uint64_t pa, uint64_t len)
{
    if (pa >= x86_directmap_end || len > x86_directmap_end - pa)
        return NULL;
    return x86_phys_to_virt(pa);
}

/* Copy at most `avail` bytes of a string, stopping at NUL, bounded by the
 * destination; always terminates. */
static void copy_str(char *dst, size_t size, const uint8_t *src, size_t avail,
                     const char *what)
{
    size_t i = 0;
    while (i + 1 < size && i < avail && src[i] != 0) {
        dst[i] = (char)src[i];
        i++;
    }
    dst[i] = 0;
    if (i + 1 == size && i < avail && src[i] != 0)
        x86_printf("multiboot: %s truncated to %zu bytes\n", what, i);
}

/* Drop the first word (a Multiboot1 file name) and the blanks after it. */
static void drop_first_word(char *s)
{
    size_t i = 0, j = 0;
    while (s[i] == ' ')
        i++;
    while (s[i] != 0 && s[i] != ' ')
        i++;
    while (s[i] == ' ')
        i++;
    while (s[i] != 0)
        s[j++] = s[i++];
    s[j] = 0;
}

/* A NUL-terminated string at physical pa (Multiboot1 pointers). */
static void copy_phys_str(char *dst, size_t size, uint64_t pa, const char *what)
{
    dst[0] = 0;
    if (pa == 0 || pa >= x86_directmap_end) {
        x86_printf("multiboot: %s at %#lx is not in memory, ignored\n", what,
                   (unsigned long)pa);
        return;
    }
    copy_str(dst, size, x86_phys_to_virt(pa),
             (size_t)HV_MIN(x86_directmap_end - pa, (uint64_t)size), what);
}

static void add_range(struct hv_boot_info *bi, uint64_t base, uint64_t len,
                      uint32_t loader_type)
{
    if (len == 0)
        return;
    if (base + len < base) {
        x86_printf("multiboot: memory range %#lx+%#lx wraps, skipped\n",
                   (unsigned long)base, (unsigned long)len);
        return;
    }
    if (bi->range_count == HV_BOOT_MAX_RANGES) {
        x86_printf("multiboot: more than %u memory ranges, %#lx+%#lx "
                   "dropped\n",
                   HV_BOOT_MAX_RANGES, (unsigned long)base, (unsigned long)len);
        return;
    }
    /* insert sorted by base */
    unsigned int i = bi->range_count++;
    while (i > 0 && bi->ranges[i - 1].base > base) {
        bi->ranges[i] = bi->ranges[i - 1];
        i--;
    }
    bi->ranges[i].base = base;
    bi->ranges[i].size = len;
    bi->ranges[i].type = loader_type == 1 ? HV_MEM_RAM : HV_MEM_RESERVED;
}

static void add_module(struct hv_boot_info *bi, uint64_t start, uint64_t end,
                       const uint8_t *str, size_t avail)
{
    if (end < start || end > x86_directmap_end) {
        x86_printf("multiboot: module %#lx-%#lx is invalid, skipped\n",
                   (unsigned long)start, (unsigned long)end);
        return;
    }
    if (bi->module_count == HV_BOOT_MAX_MODULES) {
        x86_printf("multiboot: more than %u modules, %#lx-%#lx dropped\n",
                   HV_BOOT_MAX_MODULES, (unsigned long)start,
                   (unsigned long)end);
        return;
    }
    unsigned int n = bi->module_count++;
    char *line = mod_cmdlines[n];
    line[0] = 0;
    if (str)
        copy_str(line, MODLINE_MAX, str, avail, "module command line");
    bi->modules[n].base = start;
    bi->modules[n].size = end - start;
    bi->modules[n].cmdline = line;
}

static void mem_fallback(struct hv_boot_info *bi, uint32_t lower_kib,
                         uint32_t upper_kib)
{
    add_range(bi, 0, (uint64_t)HV_MIN(lower_kib, 640u) << 10, 1);
    add_range(bi, 1ull << 20, (uint64_t)upper_kib << 10, 1);
}

static int parse_mb1(uint64_t info_pa, struct hv_boot_info *bi)
{
    const uint8_t *info = mapped(info_pa, MB1_INFO_SIZE);
    if (!info)
        return HV_EINVAL;
    uint32_t flags = rd32(info);
    bi->loader = "multiboot1";

    if (flags & MB1_INFO_CMDLINE) {
        copy_phys_str(cmdline, sizeof(cmdline), rd32(info + 16),
                      "command line");
        drop_first_word(cmdline);
    }
    if (flags & MB1_INFO_LOADER) {
        char name[64];
        copy_phys_str(name, sizeof(name), rd32(info + 64), "loader name");
        x86_printf("multiboot1: loaded by \"%s\"\n", name);
    }
    if (flags & MB1_INFO_MMAP) {
        uint32_t len = rd32(info + 44), addr = rd32(info + 48);
        const uint8_t *mm = mapped(addr, len);
        if (!mm || len > MMAP_MAX_BYTES) {
            x86_printf("multiboot1: memory map %#x+%#x unusable\n", addr, len);
        } else {
            uint32_t off = 0;
            while (len - off >= 24) {
                uint32_t size = rd32(mm + off);
                if (size < 20 || size > len - off - 4) {
                    x86_printf("multiboot1: memory map entry at +%u has size "
                               "%u, map ends there\n",
                               off, size);
                    break;
                }
                add_range(bi, rd64(mm + off + 4), rd64(mm + off + 12),
                          rd32(mm + off + 20));
                off += size + 4;
            }
        }
    }
    if (bi->range_count == 0 && (flags & MB1_INFO_MEM))
        mem_fallback(bi, rd32(info + 4), rd32(info + 8));
    if (flags & MB1_INFO_MODS) {
        uint32_t count = rd32(info + 20), addr = rd32(info + 24);
        if (count > 64)
            count = 64; /* add_module reports the ones past the limit */
        const uint8_t *mods = mapped(addr, (uint64_t)count * 16);
        if (!mods) {
            x86_printf("multiboot1: module list at %#x unusable\n", addr);
        } else {
            for (uint32_t i = 0; i < count; i++) {
                const uint8_t *m = mods + i * 16;
                uint32_t str = rd32(m + 8);
                const uint8_t *s = mapped(str, 1);
                size_t avail = s ? (size_t)HV_MIN(x86_directmap_end - str,
                                                  (uint64_t)MODLINE_MAX)
                                 : 0;
                unsigned int before = bi->module_count;
                add_module(bi, rd32(m), rd32(m + 4), s, avail);
                if (bi->module_count > before)
                    drop_first_word(mod_cmdlines[before]);
            }
        }
    }
    return 0;
}

static void mb2_mmap(struct hv_boot_info *bi, const uint8_t *tag, uint32_t size)
{
    if (size < 16) {
        x86_printf("multiboot2: memory map tag too short, skipped\n");
        return;
    }
    uint32_t esize = rd32(tag + 8);
    if (esize < 24 || esize > size) {
        x86_printf("multiboot2: memory map entry size %u, map skipped\n",
                   esize);
        return;
    }
    for (uint32_t off = 16; size - off >= esize; off += esize)
        add_range(bi, rd64(tag + off), rd64(tag + off + 8),
                  rd32(tag + off + 16));
}

static int parse_mb2(uint64_t info_pa, struct hv_boot_info *bi)
{
    const uint8_t *info = mapped(info_pa, 8);
    if (!info || (info_pa & 7))
        return HV_EINVAL;
    uint32_t total = rd32(info);
    if (total < 8 || total > MB2_INFO_MAX || !mapped(info_pa, total)) {
        x86_printf("multiboot2: information size %u is invalid\n", total);
        return HV_EINVAL;
    }
    bi->loader = "multiboot2";
    uint32_t lower = 0, upper = 0;
    bool meminfo = false;

    uint32_t off = 8;
    while (total - off >= 8) {
        const uint8_t *tag = info + off;
        uint32_t type = rd32(tag), size = rd32(tag + 4);
        if (size < 8 || size > total - off) {
            x86_printf("multiboot2: tag %u at +%u has size %u, the rest "
                       "is ignored\n",
                       type, off, size);
            break;
        }
        if (type == MB2_TAG_END)
            break;
        switch (type) {
        case MB2_TAG_CMDLINE:
            copy_str(cmdline, sizeof(cmdline), tag + 8, size - 8,
                     "command line");
            break;
        case MB2_TAG_LOADER: {
            char name[64];
            copy_str(name, sizeof(name), tag + 8, size - 8, "loader name");
            x86_printf("multiboot2: loaded by \"%s\"\n", name);
            break;
        }
        case MB2_TAG_MODULE:
            if (size < 16)
                x86_printf("multiboot2: module tag too short, skipped\n");
            else
                add_module(bi, rd32(tag + 8), rd32(tag + 12), tag + 16,
                           size - 16);
            break;
        case MB2_TAG_MEMINFO:
            if (size >= 16) {
                lower = rd32(tag + 8);
                upper = rd32(tag + 12);
                meminfo = true;
            }
            break;
        case MB2_TAG_MMAP:
            mb2_mmap(bi, tag, size);
            break;
        default:
            break;
        }
        uint32_t next = HV_ALIGN_UP(size, 8u);
        if (next > total - off)
            break;
        off += next;
    }
    if (bi->range_count == 0 && meminfo)
        mem_fallback(bi, lower, upper);
    return 0;
}

int x86_multiboot_parse(uint32_t magic, uint64_t info_pa,
                        struct hv_boot_info *bi)
{
    hv_memset(bi, 0, sizeof(*bi));
    cmdline[0] = 0;
    bi->cmdline = cmdline;
    bi->loader = "unknown";

    int rc = HV_EINVAL;
    if (magic == MB1_BOOT_MAGIC)
        rc = parse_mb1(info_pa, bi);
    else if (magic == MB2_BOOT_MAGIC)
        rc = parse_mb2(info_pa, bi);
    if (rc < 0) {
        hv_memset(bi, 0, sizeof(*bi));
        cmdline[0] = 0;
        bi->cmdline = cmdline;
        bi->loader = "unknown";
    }
    if (bi->range_count == 0)
        x86_printf("multiboot: the loader gave no memory map\n");
    return rc;
}
