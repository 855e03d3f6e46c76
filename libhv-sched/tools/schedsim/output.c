/*
 * hv-schedsim outputs: the table, the CSV file and the SVG Gantt chart.
 *
 * All three show the same per-entity figures. The Gantt chart draws one
 * band per policy and in it one row per entity (labelled "name@cpuN");
 * each rectangle is a stretch of time the entity ran, with a tooltip
 * giving its exact start and end. Only the first `window` ns are drawn so
 * that the file stays small enough for a browser.
 */
#include <stdlib.h>
#include <string.h>

#include "schedsim.h"

/* "12.345" ms from ns, without floating point surprises. */
static void fmt_ms(char *buf, size_t size, hv_time_t ns)
{
    snprintf(buf, size, "%lld.%03lld", (long long)(ns / 1000000),
             (long long)(ns % 1000000 / 1000));
}

static void fmt_us(char *buf, size_t size, hv_time_t ns)
{
    snprintf(buf, size, "%lld.%03lld", (long long)(ns / 1000),
             (long long)(ns % 1000));
}

/* Share of the CPU in percent with two decimals, as text. */
static void fmt_share(char *buf, size_t size, hv_time_t cpu, hv_time_t dur)
{
    long long bp = (long long)((__int128)cpu * 10000 / dur);

    snprintf(buf, size, "%lld.%02lld", bp / 100, bp % 100);
}

struct row {
    char share[32], cpu_ms[32], mean_us[32], p99_us[32], extra_ms[32];
};

static void make_row(const struct sim_workload *w, struct sim_result *r,
                     struct row *o)
{
    fmt_share(o->share, sizeof(o->share), r->stats.cpu_time, w->duration);
    fmt_ms(o->cpu_ms, sizeof(o->cpu_ms), r->stats.cpu_time);
    fmt_us(o->mean_us, sizeof(o->mean_us), sim_latency_mean(r));
    fmt_us(o->p99_us, sizeof(o->p99_us), sim_latency_p99(r));
    fmt_ms(o->extra_ms, sizeof(o->extra_ms), r->stats.extra_time);
}

void sim_print_table(FILE *f, const struct sim_workload *w,
                     const struct sim_run *runs, int nruns)
{
    int k, i;

    fprintf(f, "%-6s %-16s %3s %8s %12s %12s %12s %6s %6s %8s %8s %8s\n",
            "policy", "entity", "cpu", "share%", "cpu_ms", "lat_mean_us",
            "lat_p99_us", "jobs", "j_miss", "sedf_met", "sedf_mis", "extra_ms");
    for (k = 0; k < nruns; k++) {
        for (i = 0; i < w->count; i++) {
            struct sim_result *r = &runs[k].res[i];
            struct row o;

            make_row(w, r, &o);
            fprintf(f,
                    "%-6s %-16s %3d %8s %12s %12s %12s %6llu %6llu %8llu "
                    "%8llu %8s\n",
                    sim_policy_name(runs[k].policy), w->spec[i].name,
                    w->spec[i].cpu, o.share, o.cpu_ms, o.mean_us, o.p99_us,
                    (unsigned long long)r->jobs_done,
                    (unsigned long long)r->job_misses,
                    (unsigned long long)r->stats.deadlines_met,
                    (unsigned long long)r->stats.deadlines_missed, o.extra_ms);
        }
        for (i = 0; i < w->cpus; i++) {
            char idle[32];

            fmt_ms(idle, sizeof(idle), runs[k].idle[i]);
            fprintf(f, "%-6s %-16s %3d idle %s ms\n",
                    sim_policy_name(runs[k].policy), "(idle)", i, idle);
        }
    }
}

int sim_write_csv(const char *path, const struct sim_workload *w,
                  const struct sim_run *runs, int nruns)
{
    FILE *f = fopen(path, "w");
    int k, i;

    if (!f) {
        perror(path);
        return -1;
    }
    fprintf(f, "policy,entity,cpu,share_percent,cpu_ns,wait_ns,"
               "latency_mean_ns,latency_p99_ns,latency_max_ns,wakes,jobs,"
               "job_misses,sedf_met,sedf_missed,extra_ns\n");
    for (k = 0; k < nruns; k++)
        for (i = 0; i < w->count; i++) {
            struct sim_result *r = &runs[k].res[i];
            struct row o;

            make_row(w, r, &o);
            fprintf(
                f,
                "%s,%s,%d,%s,%lld,%lld,%lld,%lld,%lld,%llu,%llu,%llu,"
                "%llu,%llu,%lld\n",
                sim_policy_name(runs[k].policy), w->spec[i].name,
                w->spec[i].cpu, o.share, (long long)r->stats.cpu_time,
                (long long)r->stats.wait_time, (long long)sim_latency_mean(r),
                (long long)sim_latency_p99(r), (long long)r->stats.latency_max,
                (unsigned long long)r->stats.wake_count,
                (unsigned long long)r->jobs_done,
                (unsigned long long)r->job_misses,
                (unsigned long long)r->stats.deadlines_met,
                (unsigned long long)r->stats.deadlines_missed,
                (long long)r->stats.extra_time);
        }
    if (fclose(f)) {
        perror(path);
        return -1;
    }
    return 0;
}

#define SVG_LEFT  140
#define SVG_WIDTH 1000
#define SVG_ROW   18
#define SVG_BAND  28

/* Write s with the XML special characters escaped. */
static void xml_puts(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

int sim_write_svg(const char *path, const struct sim_workload *w,
                  const struct sim_run *runs, int nruns, hv_time_t window)
{
    FILE *f = fopen(path, "w");
    int height = 40 + nruns * (SVG_BAND + w->count * SVG_ROW + 10);
    int k, i, y = 30;

    if (!f) {
        perror(path);
        return -1;
    }
    if (window > w->duration)
        window = w->duration;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
            SVG_LEFT + SVG_WIDTH + 20, height);
    {
        char wms[32];

        fmt_ms(wms, sizeof(wms), window);
        fprintf(f, "<text x=\"4\" y=\"16\" font-size=\"13\">");
        xml_puts(f, w->file);
        fprintf(f,
                ": first %s ms of %d CPU(s); one row per entity, a bar per "
                "run</text>\n",
                wms, w->cpus);
    }
    for (k = 0; k < nruns; k++) {
        const struct sim_run *run = &runs[k];
        int tick;
        size_t s;

        fprintf(f, "<text x=\"4\" y=\"%d\" font-weight=\"bold\">%s</text>\n",
                y + 14, sim_policy_name(run->policy));
        /* Time axis: 10 ticks. */
        for (tick = 0; tick <= 10; tick++) {
            int x = SVG_LEFT + SVG_WIDTH * tick / 10;
            char ms[32];

            fmt_ms(ms, sizeof(ms), window / 10 * tick);
            fprintf(f,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                    "stroke=\"#ccc\"/>\n<text x=\"%d\" y=\"%d\" "
                    "text-anchor=\"middle\" fill=\"#666\">%s ms</text>\n",
                    x, y + 18, x, y + SVG_BAND + w->count * SVG_ROW, x, y + 14,
                    ms);
        }
        y += SVG_BAND;
        for (i = 0; i < w->count; i++)
            fprintf(f,
                    "<text x=\"4\" y=\"%d\">%s@cpu%d</text>\n"
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                    "stroke=\"#eee\"/>\n",
                    y + i * SVG_ROW + 13, w->spec[i].name, w->spec[i].cpu,
                    SVG_LEFT, y + i * SVG_ROW + SVG_ROW, SVG_LEFT + SVG_WIDTH,
                    y + i * SVG_ROW + SVG_ROW);
        for (s = 0; s < run->seg_count; s++) {
            const struct sim_segment *g = &run->seg[s];
            double x0, x1;

            if (g->start >= window)
                continue;
            x0 = SVG_LEFT + (double)g->start * SVG_WIDTH / (double)window;
            x1 = SVG_LEFT + (double)(g->end < window ? g->end : window) *
                                SVG_WIDTH / (double)window;
            fprintf(f,
                    "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
                    "fill=\"hsl(%d,60%%,55%%)\"><title>%s: %lld..%lld ns"
                    "</title></rect>\n",
                    x0, y + g->entity * SVG_ROW + 2,
                    x1 - x0 < 0.5 ? 0.5 : x1 - x0, SVG_ROW - 4,
                    g->entity * 137 % 360, w->spec[g->entity].name,
                    (long long)g->start, (long long)g->end);
        }
        y += w->count * SVG_ROW + 10;
    }
    fprintf(f, "</svg>\n");
    if (fclose(f)) {
        perror(path);
        return -1;
    }
    return 0;
}
