/*
 * hv-schedsim: run a workload file under one or several libhv-sched
 * policies and report per-entity metrics (table, CSV) and a Gantt chart
 * (SVG). See docs/sched.md, "hv-schedsim".
 */
#include <stdlib.h>
#include <string.h>

#include "schedsim.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: hv-schedsim [-p rr,bvt,sedf] [--csv FILE] [--svg FILE]\n"
               "                   [--svg-window TIME] WORKLOAD\n"
               "  -p LIST          policies to run side by side (default: the\n"
               "                   workload's 'policy' lines)\n"
               "  --csv FILE       write per-entity metrics as CSV\n"
               "  --svg FILE       write a Gantt chart (SVG)\n"
               "  --svg-window T   time drawn in the chart (default 200ms),\n"
               "                   e.g. 50ms, 1s\n");
}

static int parse_window(const char *s, hv_time_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    long long mult;

    if (end == s || v <= 0)
        return -1;
    if (strcmp(end, "ns") == 0)
        mult = 1;
    else if (strcmp(end, "us") == 0)
        mult = 1000;
    else if (strcmp(end, "ms") == 0)
        mult = 1000000;
    else if (strcmp(end, "s") == 0)
        mult = 1000000000;
    else
        return -1;
    if (v > 86400LL * 1000000000LL / mult)
        return -1;
    *out = v * mult;
    return 0;
}

int main(int argc, char **argv)
{
    const char *csv = NULL, *svg = NULL, *file = NULL, *list = NULL;
    hv_time_t window = HV_MSEC(200);
    bool chosen[SIM_POLICY_COUNT] = {false};
    struct sim_workload w;
    struct sim_run runs[SIM_POLICY_COUNT];
    int nruns = 0, i, status = 0;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if ((strcmp(a, "-p") == 0 || strcmp(a, "--csv") == 0 ||
             strcmp(a, "--svg") == 0 || strcmp(a, "--svg-window") == 0) &&
            i + 1 >= argc) {
            fprintf(stderr, "hv-schedsim: %s needs a value\n", a);
            return 2;
        }
        if (strcmp(a, "-p") == 0) {
            list = argv[++i];
        } else if (strcmp(a, "--csv") == 0) {
            csv = argv[++i];
        } else if (strcmp(a, "--svg") == 0) {
            svg = argv[++i];
        } else if (strcmp(a, "--svg-window") == 0) {
            if (parse_window(argv[++i], &window)) {
                fprintf(stderr, "hv-schedsim: bad --svg-window '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "hv-schedsim: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else if (file) {
            fprintf(stderr, "hv-schedsim: one workload file only\n");
            return 2;
        } else {
            file = a;
        }
    }
    if (!file) {
        usage(stderr);
        return 2;
    }
    if (list) {
        char buf[64];
        char *save = NULL, *tok;

        if (strlen(list) >= sizeof(buf)) {
            fprintf(stderr, "hv-schedsim: -p list too long\n");
            return 2;
        }
        strcpy(buf, list);
        for (tok = strtok_r(buf, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            enum sim_policy p;

            if (sim_policy_parse(tok, &p)) {
                fprintf(stderr, "hv-schedsim: unknown policy '%s'\n", tok);
                return 2;
            }
            chosen[p] = true;
        }
    }
    if (sim_parse(file, &w)) {
        sim_workload_free(&w);
        return 1;
    }
    if (!list)
        memcpy(chosen, w.policy_listed, sizeof(chosen));
    for (i = 0; i < SIM_POLICY_COUNT; i++) {
        if (!chosen[i])
            continue;
        if (sim_simulate(&w, (enum sim_policy)i, &runs[nruns],
                         svg ? window : 0)) {
            sim_run_free(&runs[nruns]);
            status = 1;
            break;
        }
        nruns++;
    }
    if (!status && nruns == 0) {
        fprintf(stderr, "%s: no policy to run: add a 'policy' line or use -p\n",
                file);
        status = 1;
    }
    if (!status) {
        sim_print_table(stdout, &w, runs, nruns);
        if (csv && sim_write_csv(csv, &w, runs, nruns))
            status = 1;
        if (svg && sim_write_svg(svg, &w, runs, nruns, window))
            status = 1;
    }
    for (i = 0; i < nruns; i++)
        sim_run_free(&runs[i]);
    sim_workload_free(&w);
    return status;
}
