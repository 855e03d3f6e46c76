/*
 * hv-schedsim: a command-line scheduling simulator built on libhv-sched.
 * Host tool (uses libc). See docs/sched.md, "hv-schedsim", for the
 * workload format and the outputs.
 */
#ifndef SCHEDSIM_H
#define SCHEDSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <hv/sched_bvt.h>
#include <hv/sched_rr.h>
#include <hv/sched_sedf.h>

#define SIM_MAX_CPUS     64
#define SIM_MAX_ENTITIES 4096
#define SIM_MAX_LINE     1024
#define SIM_NAME_MAX     32
/* Events simulated per CPU and policy before giving up (a bound on time
 * spent on a hostile workload). */
#define SIM_MAX_EVENTS 20000000ULL

enum sim_policy { SIM_RR, SIM_BVT, SIM_SEDF, SIM_POLICY_COUNT };

/* One entity of the workload, as written in the file. */
struct sim_spec {
    char name[SIM_NAME_MAX];
    int line; /* where it was declared */
    int cpu;
    hv_time_t arrival; /* first wake */
    hv_time_t burst;   /* CPU per burst or job; 0: CPU-bound forever */
    hv_time_t sleep;   /* blocked time between bursts */
    hv_time_t period;  /* > 0: periodic task, one job of `burst` per period */
    bool has_bvt, has_sedf;
    struct hv_sched_bvt_entity_params bvt;
    struct hv_sched_sedf_entity_params sedf;
};

struct sim_workload {
    const char *file;
    int cpus;
    hv_time_t duration;
    bool policy_listed[SIM_POLICY_COUNT];
    bool has_rr_params, has_bvt_params, has_sedf_params;
    struct hv_sched_rr_params rr;
    struct hv_sched_bvt_params bvt;
    struct hv_sched_sedf_params sedf;
    struct sim_spec *spec;
    int count;
};

/* A stretch of time one entity ran on one CPU. */
struct sim_segment {
    hv_time_t start, end;
    int entity;
};

/* Results of one entity under one policy. */
struct sim_result {
    struct hv_sched_stats stats;
    hv_time_t *lat; /* every wake-to-run latency sample */
    size_t lat_count, lat_cap;
    uint64_t jobs_done, job_misses;
};

struct sim_run {
    enum sim_policy policy;
    int count;               /* entries of res */
    struct sim_result *res;  /* [count] */
    struct sim_segment *seg; /* Gantt, all CPUs (entity's cpu says which) */
    size_t seg_count, seg_cap;
    hv_time_t idle[SIM_MAX_CPUS];
};

const char *sim_policy_name(enum sim_policy p);
int sim_policy_parse(const char *s, enum sim_policy *out);

/* Parse `path`; on error print "file:line: problem" to stderr, return -1. */
int sim_parse(const char *path, struct sim_workload *w);
void sim_workload_free(struct sim_workload *w);

/* Simulate; on a refusal print "file:line: ..." and return -1. Gantt
 * segments are kept for the first `window` ns only. */
int sim_simulate(const struct sim_workload *w, enum sim_policy p,
                 struct sim_run *run, hv_time_t window);
void sim_run_free(struct sim_run *run);

/* Outputs. */
void sim_print_table(FILE *f, const struct sim_workload *w,
                     const struct sim_run *runs, int nruns);
int sim_write_csv(const char *path, const struct sim_workload *w,
                  const struct sim_run *runs, int nruns);
int sim_write_svg(const char *path, const struct sim_workload *w,
                  const struct sim_run *runs, int nruns, hv_time_t window);

/* Per-entity summary figures. */
hv_time_t sim_latency_mean(const struct sim_result *r);
hv_time_t sim_latency_p99(struct sim_result *r);

#endif
