/*
 * hv_vsnprintf: a bounded printf for code without a C library.
 *
 * The formatter walks the format once, left to right. Output goes through
 * one sink (struct out) that counts every byte it is offered but stores
 * only those that fit before the final NUL; counting past the end is what
 * lets the function return the would-be length, as C99 snprintf does, so
 * callers can detect truncation and size a second buffer.
 *
 * Integers are converted into a small local buffer from the least
 * significant digit up, in unsigned arithmetic: the magnitude of a negative
 * value is computed as 0 - (unsigned)v, which is exact even for INT_MIN and
 * LLONG_MIN where -v would overflow. Padding follows C: the sign and the
 * 0x prefix go before zero padding and after space padding; a precision
 * gives a minimum digit count and turns off the '0' flag.
 */
#include <hv/format.h>
#include <hv/string.h>

struct out {
    char *buf;
    size_t size; /* capacity including the NUL */
    size_t len;  /* bytes produced so far, stored or not */
};

static void out_char(struct out *o, char c)
{
    if (o->size != 0 && o->len < o->size - 1)
        o->buf[o->len] = c;
    o->len++;
}

static void out_repeat(struct out *o, char c, int count)
{
    for (; count > 0; count--)
        out_char(o, c);
}

static void out_mem(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out_char(o, s[i]);
}

enum {
    F_LEFT = 1 << 0,  /* '-' */
    F_ZERO = 1 << 1,  /* '0' */
    F_PLUS = 1 << 2,  /* '+' */
    F_SPACE = 1 << 3, /* ' ' */
    F_ALT = 1 << 4,   /* '#' */
};

struct spec {
    unsigned int flags;
    int width;     /* 0 when absent */
    int precision; /* -1 when absent */
};

/*
 * Emit one converted field: `sign` ("", "-", "+", " "), `prefix` ("", "0x",
 * "0X", "0") and the `digits`, padded to the spec's width and precision.
 */
static void out_number(struct out *o, const struct spec *sp, const char *sign,
                       const char *prefix, const char *digits,
                       size_t digit_count)
{
    size_t sign_len = hv_strlen(sign);
    size_t prefix_len = hv_strlen(prefix);
    int zeros = 0;
    int body;

    if (sp->precision >= 0 && (size_t)sp->precision > digit_count)
        zeros = sp->precision - (int)digit_count;
    body = (int)(sign_len + prefix_len + digit_count) + zeros;

    if (!(sp->flags & F_LEFT) &&
        ((sp->flags & F_ZERO) == 0 || sp->precision >= 0))
        out_repeat(o, ' ', sp->width - body);
    out_mem(o, sign, sign_len);
    out_mem(o, prefix, prefix_len);
    if (!(sp->flags & F_LEFT) && (sp->flags & F_ZERO) && sp->precision < 0)
        out_repeat(o, '0', sp->width - body);
    out_repeat(o, '0', zeros);
    out_mem(o, digits, digit_count);
    if (sp->flags & F_LEFT)
        out_repeat(o, ' ', sp->width - body);
}

/* Digits of `v` in `base`, most significant first; returns their count. */
static size_t to_digits(unsigned long long v, unsigned int base, bool upper,
                        char *tmp, size_t tmp_size)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t n = 0;

    do {
        tmp[tmp_size - 1 - n] = set[v % base];
        v /= base;
        n++;
    } while (v != 0);
    hv_memmove(tmp, tmp + tmp_size - n, n);
    return n;
}

static void out_unsigned(struct out *o, const struct spec *sp,
                         unsigned long long v, unsigned int base, bool upper,
                         const char *sign)
{
    char tmp[24]; /* 22 octal digits for 2^64 - 1, and room to spare */
    const char *prefix = "";
    size_t n;

    if (v == 0 && sp->precision == 0) {
        n = 0; /* C: zero with precision 0 prints no digits */
    } else {
        n = to_digits(v, base, upper, tmp, sizeof(tmp));
    }
    if (sp->flags & F_ALT) {
        if (base == 16 && v != 0)
            prefix = upper ? "0X" : "0x";
        else if (base == 8 && (n == 0 || tmp[0] != '0') &&
                 (sp->precision < 0 || (size_t)sp->precision <= n))
            prefix = "0";
    }
    out_number(o, sp, sign, prefix, tmp, n);
}

static void out_string(struct out *o, const struct spec *sp, const char *s)
{
    size_t n;

    if (s == NULL)
        s = "(null)";
    n = sp->precision >= 0 ? hv_strnlen(s, (size_t)sp->precision)
                           : hv_strlen(s);
    if (!(sp->flags & F_LEFT))
        out_repeat(o, ' ', sp->width - (int)n);
    out_mem(o, s, n);
    if (sp->flags & F_LEFT)
        out_repeat(o, ' ', sp->width - (int)n);
}

enum length { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_PTRDIFF };

static long long arg_signed(va_list *ap, enum length len)
{
    switch (len) {
    case L_CHAR:
        return (signed char)va_arg(*ap, int);
    case L_SHORT:
        return (short)va_arg(*ap, int);
    case L_LONG:
        return va_arg(*ap, long);
    case L_LLONG:
        return va_arg(*ap, long long);
    case L_SIZE:
        return va_arg(*ap, hv_ssize_t);
    case L_PTRDIFF:
        return va_arg(*ap, ptrdiff_t);
    case L_INT:
    default:
        return va_arg(*ap, int);
    }
}

static unsigned long long arg_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case L_CHAR:
        return (unsigned char)va_arg(*ap, unsigned int);
    case L_SHORT:
        return (unsigned short)va_arg(*ap, unsigned int);
    case L_LONG:
        return va_arg(*ap, unsigned long);
    case L_LLONG:
        return va_arg(*ap, unsigned long long);
    case L_SIZE:
        return va_arg(*ap, size_t);
    case L_PTRDIFF:
        return (unsigned long long)va_arg(*ap, ptrdiff_t);
    case L_INT:
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* Parse digits into an int, saturating at __INT_MAX__. */
static int parse_int(const char **pp)
{
    const char *p = *pp;
    int v = 0;

    while (*p >= '0' && *p <= '9') {
        int d = *p - '0';

        v = v > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : v * 10 + d;
        p++;
    }
    *pp = p;
    return v;
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = {buf, size, 0};
    const char *p = fmt;
    va_list ap;

    va_copy(ap, ap_in);
    while (*p != '\0') {
        const char *start = p;
        struct spec sp = {0, 0, -1};
        enum length len = L_INT;

        if (*p != '%') {
            out_char(&o, *p++);
            continue;
        }
        p++;

        for (;; p++) {
            if (*p == '-')
                sp.flags |= F_LEFT;
            else if (*p == '0')
                sp.flags |= F_ZERO;
            else if (*p == '+')
                sp.flags |= F_PLUS;
            else if (*p == ' ')
                sp.flags |= F_SPACE;
            else if (*p == '#')
                sp.flags |= F_ALT;
            else
                break;
        }

        if (*p == '*') {
            int w = va_arg(ap, int);

            p++;
            if (w < 0) {
                sp.flags |= F_LEFT;
                w = w == (-__INT_MAX__ - 1) ? __INT_MAX__ : -w;
            }
            sp.width = w;
        } else {
            sp.width = parse_int(&p);
        }

        if (*p == '.') {
            p++;
            if (*p == '*') {
                int prec = va_arg(ap, int);

                p++;
                sp.precision = prec < 0 ? -1 : prec;
            } else {
                sp.precision = parse_int(&p);
            }
        }

        switch (*p) {
        case 'h':
            p++;
            len = L_SHORT;
            if (*p == 'h') {
                p++;
                len = L_CHAR;
            }
            break;
        case 'l':
            p++;
            len = L_LONG;
            if (*p == 'l') {
                p++;
                len = L_LLONG;
            }
            break;
        case 'j':
            p++;
            len = L_LLONG;
            break;
        case 'z':
            p++;
            len = L_SIZE;
            break;
        case 't':
            p++;
            len = L_PTRDIFF;
            break;
        default:
            break;
        }

        switch (*p) {
        case 'd':
        case 'i': {
            long long v = arg_signed(&ap, len);
            unsigned long long mag;
            const char *sign = "";

            if (v < 0) {
                mag = 0ULL - (unsigned long long)v;
                sign = "-";
            } else {
                mag = (unsigned long long)v;
                if (sp.flags & F_PLUS)
                    sign = "+";
                else if (sp.flags & F_SPACE)
                    sign = " ";
            }
            out_unsigned(&o, &sp, mag, 10, false, sign);
            break;
        }
        case 'u':
            out_unsigned(&o, &sp, arg_unsigned(&ap, len), 10, false, "");
            break;
        case 'x':
            out_unsigned(&o, &sp, arg_unsigned(&ap, len), 16, false, "");
            break;
        case 'X':
            out_unsigned(&o, &sp, arg_unsigned(&ap, len), 16, true, "");
            break;
        case 'o':
            out_unsigned(&o, &sp, arg_unsigned(&ap, len), 8, false, "");
            break;
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);

            sp.flags |= F_ALT;
            if (v == 0) {
                /* "0x0", not the bare "0" that '#' alone would give. */
                sp.flags &= ~(unsigned int)F_ALT;
                out_number(&o, &sp, "", "0x", "0", 1);
            } else {
                out_unsigned(&o, &sp, v, 16, false, "");
            }
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);

            if (!(sp.flags & F_LEFT))
                out_repeat(&o, ' ', sp.width - 1);
            out_char(&o, c);
            if (sp.flags & F_LEFT)
                out_repeat(&o, ' ', sp.width - 1);
            break;
        }
        case 's':
            out_string(&o, &sp, va_arg(ap, const char *));
            break;
        case '%':
            out_char(&o, '%');
            break;
        case '\0':
            /* A lone '%' (with flags) at the end: print it as written. */
            out_mem(&o, start, (size_t)(p - start));
            continue;
        default:
            /* Unknown conversion: print it as written, use no argument. */
            out_mem(&o, start, (size_t)(p - start) + 1);
            break;
        }
        p++;
    }
    va_end(ap);

    if (size != 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
