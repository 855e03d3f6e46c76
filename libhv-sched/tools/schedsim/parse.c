/*
 * The workload file parser of hv-schedsim.
 *
 * Line-oriented: a directive and key=value words, '#' to the end of the
 * line is a comment. Nothing is guessed: a time needs its unit, a key must
 * be known, a value must be in range, a directive may not repeat, and every
 * problem is reported as "file:line: what" before anything runs. Policy
 * parameters are checked here only for form; their ranges are the
 * library's to refuse, and the simulator reports such a refusal with the
 * line of the entity it concerns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "schedsim.h"

struct parser {
    const char *file;
    int line;
};

static int fail(const struct parser *ps, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: ", ps->file, ps->line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static const char *const policy_names[SIM_POLICY_COUNT] = {"rr", "bvt", "sedf"};

const char *sim_policy_name(enum sim_policy p)
{
    return policy_names[p];
}

int sim_policy_parse(const char *s, enum sim_policy *out)
{
    int i;

    for (i = 0; i < SIM_POLICY_COUNT; i++)
        if (strcmp(s, policy_names[i]) == 0) {
            *out = (enum sim_policy)i;
            return 0;
        }
    return -1;
}

/* A non-negative decimal integer, all of s, at most max; messages show
 * `shown` (the value as written). */
static int parse_digits(const struct parser *ps, const char *key, const char *s,
                        const char *shown, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;

    if (!*p)
        return fail(ps, "%s: empty value", key);
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return fail(ps, "%s: '%s' is not a non-negative integer", key,
                        shown);
        if (v > (max - (uint64_t)(*p - '0')) / 10)
            return fail(ps, "%s: '%s' is too large", key, shown);
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return 0;
}

static int parse_uint(const struct parser *ps, const char *key, const char *s,
                      uint64_t max, uint64_t *out)
{
    return parse_digits(ps, key, s, s, max, out);
}

/* A time: integer followed by ns, us, ms or s. At most a day (so any sum
 * of a few times stays far from overflowing). */
static int parse_time(const struct parser *ps, const char *key, const char *s,
                      hv_time_t *out)
{
    static const struct {
        const char *suffix;
        uint64_t mult;
    } units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
    const uint64_t day = 86400ULL * 1000000000ULL;
    size_t len = strlen(s);
    size_t i;

    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        size_t sl = strlen(units[i].suffix);
        char digits[32];
        uint64_t v;

        if (len <= sl || strcmp(s + len - sl, units[i].suffix) != 0)
            continue;
        if (len - sl >= sizeof(digits))
            return fail(ps, "%s: '%s' is too long", key, s);
        memcpy(digits, s, len - sl);
        digits[len - sl] = '\0';
        /* "5ms" also ends in "s": only accept when the rest is digits. */
        if (strspn(digits, "0123456789") != len - sl)
            continue;
        if (parse_digits(ps, key, digits, s, day / units[i].mult, &v))
            return -1;
        *out = (hv_time_t)(v * units[i].mult);
        return 0;
    }
    return fail(ps, "%s: '%s' is not a time (an integer with ns, us, ms or s)",
                key, s);
}

static int parse_bool(const struct parser *ps, const char *key, const char *s,
                      bool *out)
{
    if (strcmp(s, "on") == 0 || strcmp(s, "yes") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(s, "off") == 0 || strcmp(s, "no") == 0) {
        *out = false;
        return 0;
    }
    return fail(ps, "%s: '%s' is not on/off", key, s);
}

/* Split "key=value" in place. */
static int split_kv(const struct parser *ps, char *word, char **key, char **val)
{
    char *eq = strchr(word, '=');

    if (!eq || eq == word)
        return fail(ps, "'%s' is not key=value", word);
    *eq = '\0';
    *key = word;
    *val = eq + 1;
    return 0;
}

static int parse_policy(const struct parser *ps, struct sim_workload *w,
                        char **words, int n)
{
    enum sim_policy p;
    int i;

    if (n < 2)
        return fail(ps, "policy: which one? (rr, bvt or sedf)");
    if (sim_policy_parse(words[1], &p))
        return fail(ps, "policy: unknown policy '%s' (rr, bvt or sedf)",
                    words[1]);
    if (w->policy_listed[p])
        return fail(ps, "policy %s: given twice", words[1]);
    w->policy_listed[p] = true;
    for (i = 2; i < n; i++) {
        char *key = NULL, *val = NULL;
        hv_time_t t;

        if (split_kv(ps, words[i], &key, &val) || parse_time(ps, key, val, &t))
            return -1;
        if (p == SIM_RR && strcmp(key, "slice") == 0) {
            w->rr.slice = t;
            w->has_rr_params = true;
        } else if (p == SIM_BVT && strcmp(key, "ctx_allow") == 0) {
            w->bvt.ctx_allow = t;
            w->has_bvt_params = true;
        } else if (p == SIM_BVT && strcmp(key, "mcu") == 0) {
            w->bvt.mcu = t;
            w->has_bvt_params = true;
        } else if (p == SIM_SEDF && strcmp(key, "extra_quantum") == 0) {
            w->sedf.extra_quantum = t;
            w->has_sedf_params = true;
        } else {
            return fail(ps, "policy %s: unknown parameter '%s'", words[1], key);
        }
    }
    return 0;
}

static int parse_entity(const struct parser *ps, struct sim_workload *w,
                        char **words, int n)
{
    struct sim_spec *e;
    bool sedf_period = false, sedf_slice = false, sedf_weight = false;
    int i;

    if (n < 2)
        return fail(ps, "entity: a name is required");
    if (strlen(words[1]) >= SIM_NAME_MAX || strchr(words[1], '='))
        return fail(ps, "entity: bad name '%s' (no '=', under %d chars)",
                    words[1], SIM_NAME_MAX);
    for (i = 0; words[1][i]; i++)
        if (words[1][i] == ',' || words[1][i] == '<' || words[1][i] == '>' ||
            words[1][i] == '&' || words[1][i] == '"')
            return fail(ps, "entity: name '%s' may not contain , < > & \"",
                        words[1]);
    for (i = 0; i < w->count; i++)
        if (strcmp(w->spec[i].name, words[1]) == 0)
            return fail(ps, "entity %s: name already used on line %d", words[1],
                        w->spec[i].line);
    if (w->count >= SIM_MAX_ENTITIES)
        return fail(ps, "too many entities (at most %d)", SIM_MAX_ENTITIES);
    e = &w->spec[w->count];
    memset(e, 0, sizeof(*e));
    strcpy(e->name, words[1]);
    e->line = ps->line;
    e->bvt.mcu_advance = HV_SCHED_BVT_ADVANCE_DEFAULT;

    for (i = 2; i < n; i++) {
        char *key = NULL, *val = NULL;
        uint64_t u;
        int rc = 0;

        if (split_kv(ps, words[i], &key, &val))
            return -1;
        if (strcmp(key, "cpu") == 0) {
            rc = parse_uint(ps, key, val, SIM_MAX_CPUS - 1, &u);
            e->cpu = (int)u;
        } else if (strcmp(key, "arrival") == 0) {
            rc = parse_time(ps, key, val, &e->arrival);
        } else if (strcmp(key, "burst") == 0) {
            rc = parse_time(ps, key, val, &e->burst);
            if (!rc && e->burst == 0)
                return fail(ps, "burst: must be > 0 (omit it: CPU-bound)");
        } else if (strcmp(key, "sleep") == 0) {
            rc = parse_time(ps, key, val, &e->sleep);
            if (!rc && e->sleep == 0)
                return fail(ps, "sleep: must be > 0");
        } else if (strcmp(key, "period") == 0) {
            rc = parse_time(ps, key, val, &e->period);
            if (!rc && e->period == 0)
                return fail(ps, "period: must be > 0");
        } else if (strcmp(key, "bvt.advance") == 0) {
            rc = parse_uint(ps, key, val, UINT32_MAX, &u);
            e->bvt.mcu_advance = (uint32_t)u;
            e->has_bvt = true;
        } else if (strcmp(key, "bvt.warp") == 0) {
            rc = parse_bool(ps, key, val, &e->bvt.warp);
            e->has_bvt = true;
        } else if (strcmp(key, "bvt.warp_value") == 0) {
            rc = parse_uint(ps, key, val, INT64_MAX, &u);
            e->bvt.warp_value = (int64_t)u;
            e->has_bvt = true;
        } else if (strcmp(key, "bvt.warpl") == 0) {
            rc = parse_time(ps, key, val, &e->bvt.warpl);
            e->has_bvt = true;
        } else if (strcmp(key, "bvt.warpu") == 0) {
            rc = parse_time(ps, key, val, &e->bvt.warpu);
            e->has_bvt = true;
        } else if (strcmp(key, "sedf.period") == 0) {
            rc = parse_time(ps, key, val, &e->sedf.period);
            sedf_period = e->has_sedf = true;
        } else if (strcmp(key, "sedf.slice") == 0) {
            rc = parse_time(ps, key, val, &e->sedf.slice);
            sedf_slice = e->has_sedf = true;
        } else if (strcmp(key, "sedf.latency") == 0) {
            rc = parse_time(ps, key, val, &e->sedf.latency);
            e->has_sedf = true;
        } else if (strcmp(key, "sedf.extra") == 0) {
            rc = parse_bool(ps, key, val, &e->sedf.extra);
            e->has_sedf = true;
        } else if (strcmp(key, "sedf.weight") == 0) {
            rc = parse_uint(ps, key, val, UINT32_MAX, &u);
            e->sedf.weight = (uint32_t)u;
            sedf_weight = e->has_sedf = true;
        } else {
            return fail(ps, "entity %s: unknown key '%s'", e->name, key);
        }
        if (rc)
            return -1;
    }
    if (e->sleep && !e->burst)
        return fail(ps, "entity %s: sleep= needs burst=", e->name);
    if (e->period && !e->burst)
        return fail(ps, "entity %s: period= needs burst=", e->name);
    if (e->period && e->sleep)
        return fail(ps, "entity %s: period= and sleep= exclude each other",
                    e->name);
    if (e->burst && !e->period && !e->sleep)
        return fail(ps, "entity %s: burst= needs sleep= or period=", e->name);
    if (e->has_sedf && (!sedf_period || !sedf_slice))
        return fail(ps,
                    "entity %s: sedf.period and sedf.slice are both "
                    "required",
                    e->name);
    if (e->sedf.extra && !sedf_weight)
        e->sedf.weight = 1;
    w->count++;
    return 0;
}

/*
 * Read one line into buf (without the newline). Return 1 for a line, 0 at
 * the end of the file, -1 if longer than size - 1, -2 if it holds a NUL.
 */
static int read_line(FILE *f, char *buf, size_t size)
{
    size_t n = 0;
    int c;

    c = getc(f);
    if (c == EOF)
        return 0;
    for (; c != EOF && c != '\n'; c = getc(f)) {
        if (c == '\0')
            return -2;
        if (n + 1 >= size)
            return -1;
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return 1;
}

int sim_parse(const char *path, struct sim_workload *w)
{
    struct parser ps = {path, 0};
    char line[SIM_MAX_LINE + 1];
    bool seen_cpus = false, seen_duration = false;
    FILE *f;
    int rc = 0;

    memset(w, 0, sizeof(*w));
    w->file = path;
    w->cpus = 1;
    w->spec = calloc(SIM_MAX_ENTITIES, sizeof(*w->spec));
    if (!w->spec) {
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    while (rc == 0) {
        char *words[64];
        char *save = NULL, *tok, *hash;
        int n = 0;
        int got = read_line(f, line, sizeof(line));

        if (got == 0)
            break;
        ps.line++;
        if (got == -1) {
            rc = fail(&ps, "line longer than %d characters", SIM_MAX_LINE);
            break;
        }
        if (got == -2) {
            rc = fail(&ps, "NUL byte in line (not a text file?)");
            break;
        }
        hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        for (tok = strtok_r(line, " \t\r\n", &save); tok;
             tok = strtok_r(NULL, " \t\r\n", &save)) {
            if (n == 64) {
                rc = fail(&ps, "more than 64 words");
                break;
            }
            words[n++] = tok;
        }
        if (rc || n == 0)
            continue;
        if (strcmp(words[0], "cpus") == 0) {
            uint64_t u = 1;

            if (seen_cpus)
                rc = fail(&ps, "cpus: given twice");
            else if (n != 2)
                rc = fail(&ps, "cpus: expected one value");
            else if (!(rc = parse_uint(&ps, "cpus", words[1], SIM_MAX_CPUS,
                                       &u)) &&
                     u == 0)
                rc = fail(&ps, "cpus: must be 1..%d", SIM_MAX_CPUS);
            else
                w->cpus = (int)u;
            seen_cpus = true;
        } else if (strcmp(words[0], "duration") == 0) {
            if (seen_duration)
                rc = fail(&ps, "duration: given twice");
            else if (n != 2)
                rc = fail(&ps, "duration: expected one value");
            else if (!(rc = parse_time(&ps, "duration", words[1],
                                       &w->duration)) &&
                     w->duration == 0)
                rc = fail(&ps, "duration: must be > 0");
            seen_duration = true;
        } else if (strcmp(words[0], "policy") == 0) {
            rc = parse_policy(&ps, w, words, n);
        } else if (strcmp(words[0], "entity") == 0) {
            rc = parse_entity(&ps, w, words, n);
        } else {
            rc = fail(&ps,
                      "unknown directive '%s' (cpus, duration, policy, "
                      "entity)",
                      words[0]);
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "%s: read error\n", path);
        rc = -1;
    }
    fclose(f);
    if (rc == 0 && !seen_duration) {
        ps.line++;
        rc = fail(&ps, "no 'duration' line (how long to simulate)");
    }
    if (rc == 0 && w->count == 0) {
        ps.line++;
        rc = fail(&ps, "no 'entity' line");
    }
    if (rc == 0) {
        int i;

        for (i = 0; i < w->count; i++)
            if (w->spec[i].cpu >= w->cpus) {
                ps.line = w->spec[i].line;
                rc = fail(&ps,
                          "entity %s: cpu=%d but the workload has %d "
                          "cpus",
                          w->spec[i].name, w->spec[i].cpu, w->cpus);
                break;
            }
    }
    return rc;
}

void sim_workload_free(struct sim_workload *w)
{
    free(w->spec);
    w->spec = NULL;
}
