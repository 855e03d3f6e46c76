/*
 * The command-line parser: words split on spaces, matched against the
 * caller's option table. Every word is judged on its own; a bad one is
 * reported and skipped, the rest still apply. Values are parsed strictly
 * (hv_strtou64), strings are bounded by their storage, and the whole line
 * is bounded by HV_CMDLINE_MAX, so hostile input can only produce
 * reports.
 */
#include <hv/cmdline.h>

static void report(void (*fn)(void *, const char *), void *ctx, const char *fmt,
                   ...) HV_PRINTF(3, 4);

static void report(void (*fn)(void *, const char *), void *ctx, const char *fmt,
                   ...)
{
    char msg[128];
    va_list ap;

    if (fn == NULL)
        return;
    va_start(ap, fmt);
    hv_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fn(ctx, msg);
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"1", "yes", "on", "true"};
    static const char *const no[] = {"0", "no", "off", "false"};

    for (size_t i = 0; i < HV_ARRAY_SIZE(yes); i++) {
        if (hv_strcmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (hv_strcmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Apply one word; return false when it was a problem (already reported). */
static bool apply(const char *word, const struct hv_opt *opts, size_t count,
                  void (*fn)(void *, const char *), void *ctx)
{
    char key[64];
    const char *eq = hv_strchr(word, '=');
    const char *val = eq != NULL ? eq + 1 : NULL;
    size_t klen = eq != NULL ? (size_t)(eq - word) : hv_strlen(word);

    if (klen == 0 || klen >= sizeof(key)) {
        report(fn, ctx, "cmdline: bad word '%.40s'", word);
        return false;
    }
    hv_memcpy(key, word, klen);
    key[klen] = '\0';

    for (size_t i = 0; i < count; i++) {
        const struct hv_opt *o = &opts[i];

        if (hv_strcmp(o->name, key) != 0)
            continue;
        switch (o->type) {
        case HV_OPT_STRING:
            if (val == NULL || hv_strlen(val) >= o->size) {
                report(fn, ctx, "cmdline: %s needs a value under %zu bytes",
                       key, o->size);
                return false;
            }
            hv_strlcpy(o->value, val, o->size);
            return true;
        case HV_OPT_U64: {
            uint64_t v;

            if (val == NULL || hv_strtou64(val, 0, &v) != HV_OK || v < o->min ||
                v > o->max) {
                report(fn, ctx, "cmdline: %s needs a number in %llu..%llu", key,
                       (unsigned long long)o->min, (unsigned long long)o->max);
                return false;
            }
            *(uint64_t *)o->value = v;
            return true;
        }
        case HV_OPT_BOOL: {
            bool b = true;

            if (val != NULL && !parse_bool(val, &b)) {
                report(fn, ctx, "cmdline: %s needs yes or no", key);
                return false;
            }
            *(bool *)o->value = b;
            return true;
        }
        case HV_OPT_CHOICE:
            for (unsigned int c = 0; val != NULL && o->choices[c] != NULL;
                 c++) {
                if (hv_strcmp(o->choices[c], val) == 0) {
                    *(unsigned int *)o->value = c;
                    return true;
                }
            }
            report(fn, ctx, "cmdline: %s=%.32s is not a known choice", key,
                   val != NULL ? val : "");
            return false;
        }
        report(fn, ctx, "cmdline: option %s has a bad type", key);
        return false;
    }
    report(fn, ctx, "cmdline: unknown option '%s'", key);
    return false;
}

unsigned int hv_cmdline_parse(const char *cmdline, const struct hv_opt *opts,
                              size_t opt_count,
                              void (*fn)(void *ctx, const char *msg), void *ctx)
{
    char word[HV_CMDLINE_MAX];
    size_t len;
    unsigned int problems = 0;
    const char *p = cmdline;

    if (cmdline == NULL)
        return 0;
    len = hv_strnlen(cmdline, HV_CMDLINE_MAX);
    if (len == HV_CMDLINE_MAX) {
        report(fn, ctx, "cmdline: longer than %d bytes, rest ignored",
               HV_CMDLINE_MAX - 1);
        problems++;
        len = HV_CMDLINE_MAX - 1;
    }
    while (p < cmdline + len) {
        size_t n = 0;

        while (p < cmdline + len && *p == ' ')
            p++;
        while (p + n < cmdline + len && p[n] != ' ')
            n++;
        if (n == 0)
            break;
        hv_memcpy(word, p, n);
        word[n] = '\0';
        if (!apply(word, opts, opt_count, fn, ctx))
            problems++;
        p += n;
    }
    return problems;
}
