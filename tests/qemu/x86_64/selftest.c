/*
 * Self-test of the x86_64 port, without the libhv core: a tiny "core" of
 * its own (hv_main, hv_timer_interrupt, hv_panic) that exercises every
 * hook of <hv/arch.h> on the real (emulated) machine and reports on the
 * serial line. run_qemu.py checks the lines and the exit status.
 *
 * Steps: print the boot information and check it is plausible; check the
 * clock advances and agrees with the timer; arm the one-shot timer several
 * times (future, past, cancel) and count interrupts; ping-pong between two
 * threads made with arch_vcpu_init_thread via arch_context_switch; let the
 * timer preempt two busy threads in turn; run the Multiboot parser on
 * hostile Multiboot2 information; then arch_poweroff(0). A failed check
 * prints "FAIL" and powers off with status 1.
 *
 * Kernel command line: "fault=ud2" or "fault=pf" raises that exception
 * instead of the tests (the fault test); "fault=df" raises #UD with the
 * stack pointer at an unmapped address, so that delivering it faults and
 * the CPU raises a double fault, which must arrive on its own IST stack;
 * "fault=nx" calls a function through its direct-map alias, which must
 * fault (instruction fetch from a no-execute page);
 * "ram=N" says QEMU was given N MiB (default 256): the memory map must report
 * between N - 64 and N MiB of RAM, and the last RAM byte must be reachable
 * through the direct map (above 4 GiB that is the port's extension of the boot
 * mapping).
 */
#include <hv/arch.h>

/* Port-internal, declared here to test the parser with hostile input. */
int x86_multiboot_parse(uint32_t magic, uint64_t info_pa,
                        struct hv_boot_info *bi);
/* Port extension (serial input), proposed for <hv/arch.h>. */
int arch_console_getc(void);

#define MB1_MAGIC    0x2badb002u
#define MB2_MAGIC    0x36d76289u
#define IMAGE_OFFSET (0xffff82d080000000ull - 0x200000ull)

static void say(const char *fmt, ...) HV_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        arch_console_write(buf, HV_MIN((size_t)n, sizeof(buf) - 1));
}

static HV_NORETURN void fail(const char *what)
{
    say("selftest: FAIL %s\n", what);
    arch_poweroff(1);
}

#define CHECK(cond)      \
    do {                 \
        if (!(cond))     \
            fail(#cond); \
    } while (0)

/* ---- the test core's hooks ---- */

static volatile unsigned int timer_irqs;
static volatile hv_time_t timer_deadline_seen; /* clock at last interrupt */
static volatile bool preempt_mode;

void hv_panic(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    hv_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    say("panic: %s\n", buf);
    arch_dump_state();
    /* The real core halts; the test powers off so QEMU reports status 2. */
    arch_poweroff(2);
}

/* ---- boot info ---- */

static bool cmdline_has(const char *cmdline, const char *word)
{
    size_t n = hv_strlen(word);
    for (const char *p = cmdline; *p; p++) {
        if ((p == cmdline || p[-1] == ' ') && hv_strncmp(p, word, n) == 0 &&
            (p[n] == 0 || p[n] == ' '))
            return true;
    }
    return false;
}

static uint64_t cmdline_number(const char *cmdline, const char *key,
                               uint64_t dflt)
{
    size_t n = hv_strlen(key);
    for (const char *p = cmdline; *p; p++) {
        if ((p == cmdline || p[-1] == ' ') && hv_strncmp(p, key, n) == 0) {
            uint64_t v = 0;
            for (p += n; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (uint64_t)(*p - '0');
            return v;
        }
    }
    return dflt;
}

static void print_boot_info(const struct hv_boot_info *bi)
{
    uint64_t ram = 0, ram_end = 0;
    uint64_t expect_mib = cmdline_number(bi->cmdline, "ram=", 256);
    say("boot: loader=%s cmdline=\"%s\"\n", bi->loader, bi->cmdline);
    say("boot: image %#lx-%#lx directmap %#lx\n",
        (unsigned long)bi->image_start, (unsigned long)bi->image_end,
        (unsigned long)bi->directmap);
    for (unsigned int i = 0; i < bi->range_count; i++) {
        const struct hv_mem_range *r = &bi->ranges[i];
        say("mem: %016lx-%016lx %s\n", (unsigned long)r->base,
            (unsigned long)(r->base + r->size),
            r->type == HV_MEM_RAM ? "ram" : "reserved");
        if (r->type == HV_MEM_RAM) {
            ram += r->size;
            ram_end = HV_MAX(ram_end, r->base + r->size);
        }
        if (i > 0)
            CHECK(bi->ranges[i - 1].base <= r->base);
    }
    say("mem: %lu MiB of RAM in %u ranges\n", (unsigned long)(ram >> 20),
        bi->range_count);
    CHECK(ram > ((expect_mib - 64) << 20) && ram <= (expect_mib << 20));
    /* The last RAM word, through the direct map: written and read back. */
    volatile uint64_t *last =
        (volatile uint64_t *)(bi->directmap + ram_end - sizeof(uint64_t));
    *last = 0x5a5a1234a5a56789ull;
    CHECK(*last == 0x5a5a1234a5a56789ull);
    say("mem: last RAM word at %#lx reachable through the direct map\n",
        (unsigned long)(ram_end - 8));
    CHECK(bi->image_start == 0x200000 && bi->image_end > bi->image_start);
    for (unsigned int i = 0; i < bi->module_count; i++) {
        const struct hv_boot_module *m = &bi->modules[i];
        const char *p = (const char *)(bi->directmap + m->base);
        char first[64];
        size_t n = 0;
        while (n < m->size && n + 1 < sizeof(first) && p[n] != '\n') {
            first[n] = p[n];
            n++;
        }
        first[n] = 0;
        say("module %u: %#lx+%lu cmdline=\"%s\" first line \"%s\"\n", i,
            (unsigned long)m->base, (unsigned long)m->size, m->cmdline, first);
    }
}

/* ---- serial input ---- */

static void test_serial_echo(void)
{
    char line[64];
    size_t n = 0;
    say("serial: type a line\n");
    hv_time_t give_up = arch_time_now() + HV_SEC(10);
    while (arch_time_now() < give_up) {
        int c = arch_console_getc();
        if (c < 0)
            continue;
        if (c == '\n' || c == '\r')
            break;
        if (n + 1 < sizeof(line))
            line[n++] = (char)c;
    }
    line[n] = 0;
    say("serial: got \"%s\"\n", line);
    CHECK(n > 0);
    CHECK(arch_console_getc() <
          0); /* nothing after the line: no phantom bytes */
}

/* ---- interrupt flag ---- */

static void test_irq_flag(void)
{
    arch_irq_disable();
    CHECK(arch_irq_save() == 0);
    arch_irq_enable();
    unsigned long f = arch_irq_save(); /* was on: now off */
    CHECK(f != 0);
    CHECK(arch_irq_save() == 0);
    arch_irq_restore(f);
    CHECK(arch_irq_save() != 0);
    arch_irq_restore(0); /* leaves them off */
    CHECK(arch_irq_save() == 0);
    say("irq: save/restore/enable/disable ok\n");
}

/* ---- clock and timer ---- */

static void test_time(void)
{
    hv_time_t t0 = arch_time_now();
    hv_time_t t1 = t0;
    for (unsigned int i = 0; i < 100000000 && t1 - t0 < HV_MSEC(1); i++)
        t1 = arch_time_now();
    CHECK(t0 > 0 && t1 - t0 >= HV_MSEC(1));
    for (int i = 0; i < 1000; i++) {
        hv_time_t t = arch_time_now();
        CHECK(t >= t1);
        t1 = t;
    }
    say("time: clock advances, now %ld us since boot\n",
        (long)(arch_time_now() / 1000));
}

static void wait_irqs(unsigned int target, hv_time_t limit)
{
    hv_time_t give_up = arch_time_now() + limit;
    while (timer_irqs < target && arch_time_now() < give_up)
        arch_wait_for_interrupt();
}

static void test_timer(void)
{
    arch_irq_disable();
    /* five deadlines 2 ms apart: each fires once, never early */
    for (unsigned int i = 1; i <= 5; i++) {
        hv_time_t deadline = arch_time_now() + HV_MSEC(2);
        arch_timer_set(deadline);
        wait_irqs(i, HV_SEC(2));
        CHECK(timer_irqs == i);
        CHECK(timer_deadline_seen >= deadline);
        say("timer: interrupt %u, %ld us after its deadline\n", i,
            (long)((timer_deadline_seen - deadline) / 1000));
    }
    /* a deadline in the past fires at once */
    arch_timer_set(arch_time_now() - HV_MSEC(5));
    wait_irqs(6, HV_MSEC(100));
    CHECK(timer_irqs == 6);
    /* a cancelled timer does not fire; a replaced one fires once */
    arch_timer_set(arch_time_now() + HV_MSEC(3));
    arch_timer_set(HV_TIME_MAX);
    hv_time_t until = arch_time_now() + HV_MSEC(20);
    arch_irq_enable();
    while (arch_time_now() < until)
        ;
    arch_irq_disable();
    CHECK(timer_irqs == 6);
    arch_timer_set(arch_time_now() + HV_MSEC(50));
    arch_timer_set(arch_time_now() + HV_MSEC(1));
    wait_irqs(7, HV_SEC(1));
    CHECK(timer_irqs == 7);
    until = arch_time_now() + HV_MSEC(60);
    arch_irq_enable();
    while (arch_time_now() < until)
        ;
    arch_irq_disable();
    CHECK(timer_irqs == 7);
    say("timer: 7 interrupts, past deadline and cancel ok\n");
}

/* ---- threads ---- */

static struct arch_vcpu main_ctx, ping_ctx, pong_ctx, busy_ctx[2];
static uint8_t stacks[4][16384] HV_ALIGNED(16);
static unsigned int rounds;
static char trace[32];
static unsigned int trace_len;

static void ping(void *arg)
{
    CHECK(arg == &ping_ctx);
    for (;;) {
        arch_irq_disable();
        trace[trace_len++] = 'i';
        arch_context_switch(&ping_ctx, &pong_ctx);
    }
}

static void pong(void *arg)
{
    CHECK(arg == &pong_ctx);
    for (;;) {
        arch_irq_disable();
        trace[trace_len++] = 'o';
        if (++rounds == 4)
            arch_context_switch(&pong_ctx, &main_ctx);
        arch_context_switch(&pong_ctx, &ping_ctx);
    }
}

static void test_pingpong(void)
{
    arch_vcpu_init_thread(&ping_ctx, stacks[0], sizeof(stacks[0]), ping,
                          &ping_ctx);
    arch_vcpu_init_thread(&pong_ctx, stacks[1], sizeof(stacks[1]), pong,
                          &pong_ctx);
    arch_irq_disable();
    arch_context_switch(&main_ctx, &ping_ctx);
    trace[trace_len] = 0;
    say("pingpong: trace %s\n", trace);
    CHECK(hv_strcmp(trace, "ioioioio") == 0);
}

static volatile uint64_t busy_count[2];
static volatile unsigned int slices, current_busy;
static volatile bool busy_done;

static void busy(void *arg)
{
    unsigned int me = (unsigned int)(uintptr_t)arg;
    for (;;) {
        busy_count[me]++;
        if (busy_done) {
            arch_irq_disable();
            arch_context_switch(&busy_ctx[me], &main_ctx);
        }
    }
}

void hv_timer_interrupt(void)
{
    timer_irqs++;
    timer_deadline_seen = arch_time_now();
    if (!preempt_mode)
        return;
    if (++slices >= 10) {
        busy_done = true;
        return;
    }
    unsigned int from = current_busy, to = 1 - from;
    current_busy = to;
    arch_timer_set(arch_time_now() + HV_MSEC(2));
    arch_context_switch(&busy_ctx[from], &busy_ctx[to]);
}

static void test_preempt(void)
{
    arch_vcpu_init_thread(&busy_ctx[0], stacks[2], sizeof(stacks[2]), busy,
                          (void *)0);
    arch_vcpu_init_thread(&busy_ctx[1], stacks[3], sizeof(stacks[3]), busy,
                          (void *)1);
    arch_irq_disable();
    preempt_mode = true;
    current_busy = 0;
    arch_timer_set(arch_time_now() + HV_MSEC(2));
    hv_time_t start = arch_time_now();
    arch_context_switch(&main_ctx, &busy_ctx[0]);
    preempt_mode = false;
    hv_time_t took = arch_time_now() - start;
    say("preempt: %u slices, thread 0 counted %lu, thread 1 %lu, %ld us\n",
        slices, (unsigned long)busy_count[0], (unsigned long)busy_count[1],
        (long)(took / 1000));
    CHECK(slices == 10 && busy_count[0] > 0 && busy_count[1] > 0);
    CHECK(took >= HV_MSEC(18));
}

/* ---- the parser against hostile Multiboot2 information ---- */

static uint8_t mb2_buf[256] HV_ALIGNED(8);

static void put32(unsigned int off, uint32_t v)
{
    hv_memcpy(mb2_buf + off, &v, 4);
}

static void put64(unsigned int off, uint64_t v)
{
    hv_memcpy(mb2_buf + off, &v, 8);
}

static void test_parser(void)
{
    struct hv_boot_info bi;
    uint64_t pa = (uint64_t)(uintptr_t)mb2_buf - IMAGE_OFFSET;

    /* cmdline tag without NUL; mmap tag with one good entry and entry size
     * 24; then a tag whose size runs past the end. */
    hv_memset(mb2_buf, 'A', sizeof(mb2_buf));
    put32(0, 128);
    put32(4, 0);
    put32(8, 1); /* cmdline, 12 bytes: "AAAA" without NUL */
    put32(12, 12);
    put32(24, 6); /* mmap: header 16 + 2 entries of 24 */
    put32(28, 64);
    put32(32, 24);
    put32(36, 0);
    put64(40, 0x100000);
    put64(48, 0x10000);
    put32(56, 1);
    put64(64, 0xfffffffffffff000ull); /* wraps: skipped */
    put64(72, 0x2000);
    put32(80, 1);
    put32(88, 3);    /* module tag */
    put32(92, 1000); /* size beyond the info: the walk stops */
    CHECK(x86_multiboot_parse(MB2_MAGIC, pa, &bi) == 0);
    CHECK(hv_strcmp(bi.cmdline, "AAAA") == 0);
    CHECK(bi.range_count == 1 && bi.ranges[0].base == 0x100000 &&
          bi.ranges[0].size == 0x10000 && bi.ranges[0].type == HV_MEM_RAM);
    CHECK(bi.module_count == 0);

    /* total size beyond 1 MiB; unknown magic; pointer outside memory */
    put32(0, 0x7fffffff);
    CHECK(x86_multiboot_parse(MB2_MAGIC, pa, &bi) == HV_EINVAL);
    CHECK(bi.range_count == 0 && bi.cmdline[0] == 0);
    CHECK(x86_multiboot_parse(0x12345678, pa, &bi) == HV_EINVAL);
    CHECK(x86_multiboot_parse(MB2_MAGIC, 0xfffffffffff0ull, &bi) == HV_EINVAL);
    /* a zero-size tag is refused, not looped on */
    put32(0, 64);
    put32(8, 5);
    put32(12, 0);
    CHECK(x86_multiboot_parse(MB2_MAGIC, pa, &bi) == 0);

    /* Multiboot1: a memory map entry of size 0 ends the map; modules with
     * end < start or beyond memory are skipped; a command line that is not
     * NUL-terminated is bounded; a loader-name pointer of 0 is ignored. */
    hv_memset(mb2_buf, 0, sizeof(mb2_buf));
    put32(0, (1u << 9) | (1u << 6) | (1u << 3) | (1u << 2));
    put32(16, (uint32_t)(pa + 200));   /* cmdline */
    hv_memset(mb2_buf + 200, 'B', 56); /* ... to the end: no NUL */
    put32(20, 2);                      /* two modules */
    put32(24, (uint32_t)(pa + 160));
    put32(160, 0x300000); /* start */
    put32(164, 0x200000); /* end < start */
    put32(176, 0xfffff000u);
    put32(180, 0xffffffffu); /* ok: ends below 4 GiB, inside the map */
    put32(64, 0);            /* loader name at 0 */
    put32(44, 48);           /* mmap length */
    put32(48, (uint32_t)(pa + 96));
    put32(96, 20); /* good entry */
    put64(100, 0x1000);
    put64(108, 0x9f000);
    put32(116, 1);
    put32(120, 0); /* size 0: the map ends */
    CHECK(x86_multiboot_parse(MB1_MAGIC, pa, &bi) == 0);
    CHECK(bi.range_count == 1 && bi.ranges[0].base == 0x1000);
    CHECK(bi.module_count == 1 && bi.modules[0].base == 0xfffff000u &&
          bi.modules[0].size == 0xfffu);
    CHECK(hv_strlen(bi.cmdline) < 1024);
    say("parser: hostile multiboot information refused safely\n");
}

/* ---- main ---- */

void hv_main(const struct hv_boot_info *bi)
{
    say("selftest: x86_64 port self-test (%s)\n", HV_ARCH_NAME);
    print_boot_info(bi);
    if (cmdline_has(bi->cmdline, "fault=ud2")) {
        say("selftest: raising #UD\n");
        __asm__ __volatile__("ud2");
    }
    if (cmdline_has(bi->cmdline, "fault=pf")) {
        say("selftest: reading unmapped address 0xdead0000\n");
        (void)*(volatile uint64_t *)(uintptr_t)0xdead0000ull;
    }
    if (cmdline_has(bi->cmdline, "fault=df")) {
        say("selftest: raising #UD on an unmapped stack\n");
        __asm__ __volatile__("movabs $0xdead0000, %%rsp\n\tud2" : : : "memory");
    }
    if (cmdline_has(bi->cmdline, "fault=nx")) {
        uintptr_t alias = bi->directmap + (uintptr_t)bi->image_start +
                          ((uintptr_t)&test_irq_flag - (uintptr_t)IMAGE_OFFSET -
                           (uintptr_t)bi->image_start);
        say("selftest: calling test_irq_flag through the direct map\n");
        ((void (*)(void))alias)();
    }
    if (cmdline_has(bi->cmdline, "serial-echo"))
        test_serial_echo();
    test_irq_flag();
    test_time();
    test_timer();
    test_pingpong();
    test_preempt();
    test_parser();
    say("selftest: all passed in %ld us since boot\n",
        (long)(arch_time_now() / 1000));
    arch_poweroff(0);
}

/* The self-test core contains no faults: the port then panics. */
void hv_fault_contain(const char *what)
{
    (void)what;
}
