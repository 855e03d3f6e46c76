/*
 * The pcap writer and the port mirror, read back with libpcap, and (when
 * tcpdump is installed) with `tcpdump -r`. The capture is left at the path
 * given as argv[1] for inspection.
 */
#include "netutil.h"

#include <pcap/pcap.h>
#include <stdio.h>

static const char *g_path = "test-net-pcap.pcap";

struct sink {
    uint8_t *data;
    size_t len, cap;
    int fail_after; /* fail the nth write (1-based); 0 = never */
    int writes;
};

static int sink_write(void *ctx, const void *p, size_t n)
{
    struct sink *s = ctx;
    s->writes++;
    if (s->fail_after && s->writes >= s->fail_after)
        return HV_EIO;
    if (s->len + n > s->cap) {
        s->cap = (s->len + n) * 2;
        s->data = realloc(s->data, s->cap);
        assert_non_null(s->data);
    }
    memcpy(s->data + s->len, p, n);
    s->len += n;
    return 0;
}

static void save(const struct sink *s, const char *path)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(s->data, 1, s->len, fp), s->len);
    fclose(fp);
}

static pcap_t *open_nano(const char *path)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline_with_tstamp_precision(
        path, PCAP_TSTAMP_PRECISION_NANO, err);
    if (pc == NULL)
        fail_msg("libpcap: %s", err);
    return pc;
}

static void test_refusals(void **state)
{
    (void)state;
    struct hv_vsw_pcap w;
    struct sink s = {0};
    assert_int_equal(hv_vsw_pcap_init(&w, 0, sink_write, &s), HV_EINVAL);
    assert_int_equal(hv_vsw_pcap_init(&w, 262145, sink_write, &s), HV_EINVAL);
    assert_int_equal(hv_vsw_pcap_init(&w, 100, NULL, &s), HV_EINVAL);
    assert_int_equal(s.len, 0);
    assert_int_equal(hv_vsw_pcap_init(&w, 100, sink_write, &s), HV_OK);
    assert_int_equal(s.len, 24);
    uint8_t f[60] = {0};
    assert_int_equal(hv_vsw_pcap_record(&w, -1, f, 60), HV_EINVAL);
    assert_int_equal(s.len, 24);
    /* a failing write is reported and sticky */
    s.fail_after = s.writes + 2; /* header ok, data fails */
    assert_int_equal(hv_vsw_pcap_record(&w, 5, f, 60), HV_EIO);
    s.fail_after = 0;
    assert_int_equal(hv_vsw_pcap_record(&w, 5, f, 60), HV_EIO);
    assert_int_equal(w.records, 0);
    free(s.data);
}

static void test_read_back(void **state)
{
    (void)state;
    struct hv_vsw_pcap w;
    struct sink s = {0};
    assert_int_equal(hv_vsw_pcap_init(&w, 80, sink_write, &s), HV_OK);
    uint8_t f[3][200];
    size_t len[3] = {60, 80, 150};
    hv_time_t ts[3] = {HV_SEC(1700000000) + 123456789, HV_SEC(1700000001),
                       HV_SEC(1700000001) + 999999999};
    for (int i = 0; i < 3; i++) {
        for (size_t j = 0; j < sizeof(f[i]); j++)
            f[i][j] = (uint8_t)(i * 37 + j);
        assert_int_equal(hv_vsw_pcap_record(&w, ts[i], f[i], len[i]), HV_OK);
    }
    assert_int_equal(w.records, 3);
    assert_int_equal(s.len, 24 + 3 * 16 + 60 + 80 + 80);
    char path[4096];
    snprintf(path, sizeof(path), "%s.writer", g_path);
    save(&s, path);

    pcap_t *pc = open_nano(path);
    assert_int_equal(pcap_datalink(pc), DLT_EN10MB);
    assert_int_equal(pcap_snapshot(pc), 80);
    assert_int_equal(pcap_major_version(pc), 2);
    assert_int_equal(pcap_minor_version(pc), 4);
    for (int i = 0; i < 3; i++) {
        struct pcap_pkthdr *h;
        const u_char *data;
        assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
        assert_int_equal(h->ts.tv_sec, ts[i] / 1000000000);
        assert_int_equal(h->ts.tv_usec, ts[i] % 1000000000); /* ns */
        assert_int_equal(h->len, len[i]);
        assert_int_equal(h->caplen, len[i] < 80 ? len[i] : 80);
        assert_memory_equal(data, f[i], h->caplen);
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    assert_int_equal(pcap_next_ex(pc, &h, &data), PCAP_ERROR_BREAK);
    pcap_close(pc);
    remove(path);
    free(s.data);
}

/* Mirror port 0 of a switch, check the capture against what happened. */
static void test_mirror(void **state)
{
    (void)state;
    struct hv_vsw_config c = default_config();
    struct fx *x = fx_new(&c);
    struct hv_vsw_port_config pc = guest_config(0);
    assert_int_equal(hv_vsw_port_add(x->sw, 0, &pc), HV_OK);
    pc = uplink_config();
    pc.vlan_mode = HV_VSW_VLAN_TRUNK;
    pc.pvid = 0;
    assert_int_equal(hv_vsw_port_add(x->sw, 1, &pc), HV_OK);
    assert_int_equal(hv_vsw_port_allow_vlan(x->sw, 1, 1, true), HV_OK);

    struct hv_vsw_pcap w;
    struct sink s = {0};
    assert_int_equal(hv_vsw_pcap_init(&w, 65535, sink_write, &s), HV_OK);
    assert_int_equal(hv_vsw_mirror(x->sw, 9, &w), HV_ENOENT);
    assert_int_equal(hv_vsw_mirror(x->sw, 64, &w), HV_EINVAL);
    assert_int_equal(hv_vsw_mirror(x->sw, 0, &w), HV_OK);

    struct hv_vsw_mac m0 = mac_of(0);
    const uint8_t ext[6] = {0, 0x11, 0x22, 0x33, 0x44, 0x55};
    const uint8_t z[6] = {0};
    /* 1: guest 0 ARPs for the switch (in + reply out = 2 records) */
    x->pkt[0].len = (uint16_t)make_arp(x->buf[0], BCAST, m0.b, -1, 1, m0.b,
                                       IP4(10, 0, 0, 10), z, SW_IP);
    uint8_t arp_req[64];
    memcpy(arp_req, x->buf[0], 42);
    fx_send(x, 0, 1, HV_SEC(1000));
    /* 2: a tagged frame from the trunk to guest 0 (1 record, untagged) */
    x->pkt[0].len =
        (uint16_t)make_l4(x->buf[0], m0.b, ext, 1, 17, IP4(8, 8, 8, 8),
                          IP4(10, 0, 0, 10), 7, 9, 18);
    uint8_t tagged[128];
    memcpy(tagged, x->buf[0], x->pkt[0].len);
    size_t tagged_len = x->pkt[0].len;
    fx_send(x, 1, 1, HV_SEC(1001));
    /* 3: a frame from guest 0 that is dropped: recorded as it came in */
    x->pkt[0].len = (uint16_t)make_raw(x->buf[0], BCAST, ext, -1, 0x88b5, 60);
    uint8_t spoof[64];
    memcpy(spoof, x->buf[0], 60);
    fx_send(x, 0, 1, HV_SEC(1002));
    assert_int_equal(w.records, 4);
    assert_int_equal(hv_vsw_mirror(x->sw, 0, NULL), HV_OK);
    fx_send(x, 0, 1, HV_SEC(1003));
    assert_int_equal(w.records, 4);

    save(&s, g_path);
    pcap_t *p = open_nano(g_path);
    struct pcap_pkthdr *h;
    const u_char *d;
    assert_int_equal(pcap_next_ex(p, &h, &d), 1);
    assert_int_equal(h->len, 42);
    assert_memory_equal(d, arp_req, 42);
    assert_int_equal(pcap_next_ex(p, &h, &d), 1);
    assert_int_equal(h->len, 42);
    assert_int_equal(get16(d + 20), 2); /* the reply */
    assert_int_equal(h->ts.tv_sec, 1000);
    assert_int_equal(pcap_next_ex(p, &h, &d), 1);
    assert_int_equal(h->len, tagged_len - 4); /* as seen on port 0 */
    assert_memory_equal(d, tagged, 12);
    assert_memory_equal(d + 12, tagged + 16, tagged_len - 16);
    assert_int_equal(pcap_next_ex(p, &h, &d), 1);
    assert_int_equal(h->len, 60);
    assert_memory_equal(d, spoof, 60);
    assert_int_equal(h->ts.tv_sec, 1002);
    assert_int_equal(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
    pcap_close(p);

    /* tcpdump, when present, must read the file and see 4 frames */
    if (system("command -v tcpdump >/dev/null 2>&1") == 0) {
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "tcpdump -nn -e -r '%s' 2>/dev/null",
                 g_path);
        FILE *fp = popen(cmd, "r");
        assert_non_null(fp);
        char line[512];
        int lines = 0;
        while (fgets(line, sizeof(line), fp)) {
            printf("tcpdump: %s", line);
            if (line[0] != '\t') /* hex dump lines of unknown types */
                lines++;
        }
        assert_int_equal(pclose(fp), 0);
        assert_int_equal(lines, 4);
    } else {
        printf("tcpdump not installed: skipped the tcpdump -r check\n");
    }
    free(s.data);
    fx_free(x);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        g_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_read_back),
        cmocka_unit_test(test_mirror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
