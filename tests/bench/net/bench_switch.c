/*
 * libhv-net benchmark: frames among N guest ports, learning and filtering
 * on (anti-spoofing on every port, a 4-rule table on every port in both
 * directions, MAC learning refreshed by every frame), bursts of 32.
 *
 * For 64- and 1500-byte frames it prints, in one run:
 *   switch        hv_vsw_input() decisions only (zero-copy delivery), the
 *                 verdict cache warm: 56 flows (8 ports x 7 peers), each
 *                 frame with its own IP id, checksum and payload
 *   switch+copy   the same, then each delivery copied to its port's buffer
 *                 with hv_vsw_out_copy() (what a backend does)
 *   switch-miss   every frame a new flow (its UDP source port advanced
 *                 before each burst): the cache's miss path, lookup,
 *                 long path and store
 *   switch-nocache  the verdict cache off: every frame the long path
 *   copy-only     the same bytes copied to the same buffers by libc memcpy
 *   copy-only-hv  the same with hv_memcpy, the copy routine the switch's
 *                 hv_vsw_out_copy() and a bare-metal backend use
 * in Mpps and Gbit/s (frame bytes, no FCS or preamble), and each path's
 * rate relative to both copy-only baselines. Each figure is the median of
 * its SLOTS slots, the paths' slots interleaved (the host may be shared
 * with other work), with the slots' first and third quartiles beside it.
 * Each slot runs `switch` and `copy-only` back to back (in turns, one
 * first then the other), and a last line gives the ratio of the two
 * within each slot: its median and quartiles over the slots, i.e. the
 * ratio at the same moments of the host.
 *
 * Usage: bench-net-switch [ports] [seconds-per-line] [only-path]
 */
#include <hv/vsw.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BURST 32
#define SLOTS 40

/* CPU time of this thread: the figures are per core even when the host
 * is shared and the thread is descheduled now and then. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint32_t ip_of(unsigned int port)
{
    return 0x0a000000u | (10 + port);
}

static void mac_of(uint8_t *m, unsigned int port)
{
    const uint8_t b[6] = {0x02, 0, 0, 0, 1, (uint8_t)port};
    memcpy(m, b, 6);
}

/* IPv4/UDP frame of `len` bytes from port `src` to port `dst`; `seq`
 * varies the per-packet fields (IP id, TTL, payload, checksum). */
static void build(uint8_t *f, size_t len, unsigned int src, unsigned int dst,
                  unsigned int seq)
{
    memset(f, 0, len);
    mac_of(f, dst);
    mac_of(f + 6, src);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(len - 14));
    put16(ip + 4, (uint16_t)(seq * 2654435761u >> 16));
    ip[8] = (uint8_t)(32 + seq % 64);
    ip[9] = 17;
    for (size_t k = 42; k < len; k++)
        f[k] = (uint8_t)(seq * 31 + k);
    put32(ip + 12, ip_of(src));
    put32(ip + 16, ip_of(dst));
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    put16(ip + 10, (uint16_t)~sum);
    uint8_t *udp = ip + 20;
    put16(udp, 4000);
    put16(udp + 2, 5000);
    put16(udp + 4, (uint16_t)(len - 34));
}

struct bench {
    struct hv_vsw *sw;
    unsigned int ports;
    size_t len;
    uint8_t *frames; /* ports * BURST frames, frame (p, i) at p*BURST+i */
    struct hv_vsw_pkt pkt[HV_VSW_MAX_PORTS][BURST];
    uint8_t dport[HV_VSW_MAX_PORTS][BURST]; /* where frame (p, i) goes */
    uint8_t *dst; /* per-port destination buffers, BURST frames each */
    struct hv_vsw_out out[BURST * HV_VSW_MAX_PORTS];
    struct hv_vsw_burst b;
};

static void setup(struct bench *bn, unsigned int ports, size_t len)
{
    struct hv_vsw_config c;
    memset(&c, 0, sizeof(c));
    const uint8_t swmac[6] = {0x02, 0, 0, 0, 0, 0xfe};
    memcpy(c.mac.b, swmac, 6);
    c.ipv4 = 0x0a000001u;
    c.netmask = 0xffffff00u;
    c.lease_secs = 3600;
    c.fdb_capacity = 1024;
    c.fdb_ageing = HV_SEC(300);
    c.dhcp = true;
    c.proxy_arp = true;
    if (hv_vsw_init(bn->sw, &c) != HV_OK)
        abort();
    for (unsigned int p = 0; p < ports; p++) {
        struct hv_vsw_port_config pc;
        memset(&pc, 0, sizeof(pc));
        pc.kind = HV_VSW_PORT_GUEST;
        pc.vlan_mode = HV_VSW_VLAN_ACCESS;
        pc.pvid = 1;
        mac_of(pc.mac.b, p);
        pc.ipv4_count = 1;
        pc.ipv4[0] = ip_of(p);
        pc.bcast_rate = 10000;
        pc.bcast_burst = 100;
        if (hv_vsw_port_add(bn->sw, p, &pc) != HV_OK)
            abort();
        /* filtering: count UDP, drop TCP 23, drop 192.168/16 sources,
         * accept; the same on egress */
        for (unsigned int dir = HV_VSW_DIR_IN; dir <= HV_VSW_DIR_OUT; dir++) {
            struct hv_vsw_rule r;
            hv_vsw_rule_init(&r, dir);
            r.ip_proto = 17;
            r.action = HV_VSW_COUNT;
            hv_vsw_rule_add(bn->sw, p, &r);
            hv_vsw_rule_init(&r, dir);
            r.ip_proto = 6;
            r.dport_lo = r.dport_hi = 23;
            r.action = HV_VSW_DROP;
            hv_vsw_rule_add(bn->sw, p, &r);
            hv_vsw_rule_init(&r, dir);
            r.src_lo = 0xc0a80000u;
            r.src_hi = 0xc0a8ffffu;
            r.action = HV_VSW_DROP;
            hv_vsw_rule_add(bn->sw, p, &r);
            hv_vsw_rule_init(&r, dir);
            if (hv_vsw_rule_add(bn->sw, p, &r) < 0)
                abort();
        }
    }
    bn->ports = ports;
    bn->len = len;
    bn->frames = aligned_alloc(64, (size_t)ports * BURST * 2048);
    bn->dst = aligned_alloc(64, (size_t)ports * BURST * 2048);
    for (unsigned int p = 0; p < ports; p++) {
        for (unsigned int i = 0; i < BURST; i++) {
            uint8_t *f = bn->frames + ((size_t)p * BURST + i) * 2048;
            unsigned int d = (p + 1 + i % (ports - 1)) % ports;
            build(f, len, p, d, p * BURST + i);
            bn->dport[p][i] = (uint8_t)d;
            bn->pkt[p][i].data = f;
            bn->pkt[p][i].len = (uint16_t)len;
            bn->pkt[p][i].cap = 2048;
        }
    }
    bn->b.out = bn->out;
    bn->b.out_cap = BURST * HV_VSW_MAX_PORTS;
}

enum mode {
    SWITCH,
    SWITCH_COPY,
    SWITCH_MISS,
    SWITCH_NOCACHE,
    COPY,
    COPY_HV,
    MODES
};

#define UDP_SPORT 4000

/* Set the UDP source port of every frame (the IPv4 checksum does not
 * cover it; the UDP checksum is 0, i.e. not used). */
static void set_sport(struct bench *bn, uint16_t base)
{
    for (unsigned int p = 0; p < bn->ports; p++)
        for (unsigned int i = 0; i < BURST; i++)
            put16(bn->pkt[p][i].data + 34, base);
}

/* Runs for about `secs`; returns frames moved and sets *elapsed. */
static uint64_t run(struct bench *bn, enum mode m, double secs, double *elapsed)
{
    uint64_t frames = 0;
    hv_time_t now = HV_SEC(1);
    double t0 = now_s(), t;
    uint32_t slot[HV_VSW_MAX_PORTS];
    static uint16_t sport = UDP_SPORT; /* new flows across runs too */
    if (m == SWITCH_NOCACHE)
        hv_vsw_flow_cache(bn->sw, false);
    do {
        for (unsigned int rep = 0; rep < 64; rep++) {
            for (unsigned int p = 0; p < bn->ports; p++) {
                if (m == COPY || m == COPY_HV) {
                    memset(slot, 0, sizeof(slot));
                    /* the same bytes to the same per-port buffers, the
                     * destination looked up in a table (no division) */
                    for (unsigned int i = 0; i < BURST; i++) {
                        unsigned int d = bn->dport[p][i];
                        uint8_t *to =
                            bn->dst + ((size_t)d * BURST + slot[d]++) * 2048;
                        if (m == COPY)
                            memcpy(to, bn->pkt[p][i].data, bn->len);
                        else
                            hv_memcpy(to, bn->pkt[p][i].data, bn->len);
                    }
                    frames += BURST;
                    continue;
                }
                if (m == SWITCH_MISS)
                    for (unsigned int i = 0; i < BURST; i++)
                        put16(bn->pkt[p][i].data + 34, ++sport);
                if (hv_vsw_input(bn->sw, p, bn->pkt[p], BURST, now, &bn->b) !=
                        HV_OK ||
                    bn->b.out_count != BURST)
                    abort();
                frames += bn->b.out_count;
                if (m == SWITCH_COPY) {
                    for (unsigned int d = 0; d < bn->ports; d++) {
                        for (uint32_t k = bn->b.port_first[d];
                             k < bn->b.port_first[d + 1]; k++) {
                            uint8_t *to =
                                bn->dst + ((size_t)d * BURST +
                                           (k - bn->b.port_first[d])) *
                                              2048;
                            hv_vsw_out_copy(bn->pkt[p], &bn->out[k], to, 2048);
                        }
                    }
                }
                now += 1000;
            }
        }
        t = now_s();
    } while (t - t0 < secs);
    *elapsed = t - t0;
    if (m == SWITCH_NOCACHE)
        hv_vsw_flow_cache(bn->sw, true);
    if (m == SWITCH_MISS)
        set_sport(bn, UDP_SPORT);
    return frames;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0 <= q <= 1) of v[0..n), interpolated between ranks;
 * v is left unchanged. */
static double quantile(const double *v, int n, double q)
{
    double w[SLOTS];
    if (n < 1 || n > SLOTS)
        abort();
    memcpy(w, v, sizeof(v[0]) * (size_t)n);
    qsort(w, (size_t)n, sizeof(w[0]), cmp_double);
    double at = q * (n - 1);
    int i = (int)at;
    return i + 1 < n ? w[i] + (at - i) * (w[i + 1] - w[i]) : w[i];
}

int main(int argc, char **argv)
{
    unsigned int ports = argc > 1 ? (unsigned int)atoi(argv[1]) : 8;
    double secs = argc > 2 ? atof(argv[2]) : 0.5;
    if (ports < 2 || ports > HV_VSW_MAX_PORTS)
        ports = 8;
    int only = argc > 3 ? atoi(argv[3]) : -1; /* profile one path */
    static const size_t sizes[] = {64, 1500};
    static const char *const names[] = {"switch",      "switch+copy",
                                        "switch-miss", "switch-nocache",
                                        "copy-only",   "copy-only-hv"};

    printf("libhv-net switch benchmark: %u guest ports, bursts of %d,\n"
           "learning + anti-spoofing + 4 rules/port each way, one core\n"
           "(median of %d interleaved slots, thread CPU time)\n\n",
           ports, BURST, SLOTS);
    printf("%-6s %-15s %9s %10s %9s %9s %17s\n", "bytes", "path", "Mpps",
           "Gbit/s", "vs libc", "vs hv", "Mpps p25-p75");
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        struct bench *bn = calloc(1, sizeof(*bn));
        /* 64-byte aligned, as a hypervisor's page allocator gives it:
         * each verdict cache entry is then one cache line */
        size_t swsize = (sizeof(*bn->sw) + 63) & ~(size_t)63;
        bn->sw = aligned_alloc(64, swsize);
        if (bn->sw == NULL)
            abort();
        memset(bn->sw, 0, swsize);
        setup(bn, ports, sizes[s]);
        /* The machine may be shared: every path runs in SLOTS short
         * slots, the paths taking turns, and each path's figure is the
         * median of its slots' rates. A path and its baseline thus meet
         * the same moments of the host, and one lucky or unlucky slot
         * moves neither. */
        static double rate[MODES][SLOTS];
        double mpps[MODES] = {0};
        /* the order within a slot: switch and copy-only back to back,
         * swapped every other slot */
        static const enum mode order[2][MODES] = {
            {SWITCH, COPY, SWITCH_COPY, COPY_HV, SWITCH_MISS, SWITCH_NOCACHE},
            {COPY, SWITCH, COPY_HV, SWITCH_COPY, SWITCH_MISS, SWITCH_NOCACHE},
        };
        for (int slot = 0; slot < SLOTS; slot++) {
            for (int i = 0; i < MODES; i++) {
                enum mode m = order[slot & 1][i];
                double el;
                if (only >= 0 && (int)m != only)
                    continue;
                if (slot == 0)
                    run(bn, m, secs / 10, &el); /* warm up */
                uint64_t n = run(bn, m, secs / SLOTS, &el);
                rate[m][slot] = (double)n / el / 1e6;
            }
        }
        for (int m = 0; m < MODES; m++) {
            if (only < 0 || m == only)
                mpps[m] = quantile(rate[m], SLOTS, 0.5);
        }
        for (int m = 0; m < MODES; m++) {
            if (only >= 0 && m != only)
                continue;
            printf("%-6zu %-15s %9.2f %10.2f", sizes[s], names[m], mpps[m],
                   mpps[m] * 1e6 * (double)sizes[s] * 8 / 1e9);
            if (only < 0)
                printf(" %8.0f%% %8.0f%%", 100.0 * mpps[m] / mpps[COPY],
                       100.0 * mpps[m] / mpps[COPY_HV]);
            else
                printf(" %9s %9s", "", "");
            printf(" %8.2f-%-8.2f\n", quantile(rate[m], SLOTS, 0.25),
                   quantile(rate[m], SLOTS, 0.75));
        }
        if (only < 0) {
            double ratio[SLOTS];
            for (int slot = 0; slot < SLOTS; slot++)
                ratio[slot] = 100.0 * rate[SWITCH][slot] / rate[COPY][slot];
            printf("       switch / copy-only within each slot: median %.0f%% "
                   "(p25 %.0f%%, p75 %.0f%%)\n",
                   quantile(ratio, SLOTS, 0.5), quantile(ratio, SLOTS, 0.25),
                   quantile(ratio, SLOTS, 0.75));
        }
        struct hv_vsw_port_stats st;
        hv_vsw_port_stats(bn->sw, 0, &st);
        uint64_t drops = 0;
        for (int i = 0; i < HV_VSW_DROP_COUNT; i++)
            drops += st.drops[i];
        const struct hv_vsw_stats *ss = hv_vsw_stats(bn->sw);
        printf(
            "       (port 0: %llu in, %llu out, %llu dropped; verdict cache: "
            "%llu hits, %llu misses)\n",
            (unsigned long long)st.in_frames, (unsigned long long)st.out_frames,
            (unsigned long long)drops, (unsigned long long)ss->flow_hits,
            (unsigned long long)ss->flow_misses);
        free(bn->frames);
        free(bn->dst);
        free(bn->sw);
        free(bn);
    }
    return 0;
}
