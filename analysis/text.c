#include "sprsim/text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void spr_text_add(spr_text *t, const char *fmt, ...)
{
    if (t->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->oom = 1;
            return;
        }
        if (t->s && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap + (size_t)n + 1) * 2;
        char *s = realloc(t->s, cap);
        if (s == NULL) {
            t->oom = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

void spr_text_fail(spr_text *t) { t->oom = 1; }

void spr_text_free(spr_text *t)
{
    free(t->s);
    t->s = NULL;
    t->len = t->cap = 0;
}

int spr_text_write_file(const char *path, spr_text *t, spr_error *err)
{
    if (t->oom) {
        spr_text_free(t);
        return spr_error_set(err, SPR_ERR_NOMEM, "cannot write %s: out of memory while making it", path);
    }
    char tmp[1200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        spr_text_free(t);
        return spr_error_set(err, SPR_ERR_IO, "cannot write %s: the name is too long", path);
    }
    FILE *f = fopen(tmp, "w");
    int ok = f != NULL, saved = errno;
    if (ok && fwrite(t->s ? t->s : "", 1, t->len, f) != t->len) ok = 0, saved = errno;
    if (f != NULL && fclose(f) != 0 && ok) ok = 0, saved = errno;
    if (ok && rename(tmp, path) != 0) ok = 0, saved = errno;
    if (!ok && f != NULL) remove(tmp);
    spr_text_free(t);
    if (!ok) return spr_error_set(err, SPR_ERR_IO, "cannot write %s: %s", path, strerror(saved));
    return SPR_OK;
}

int spr_text_write_csv_html(const char *prefix, spr_text *csv, spr_text *html, spr_error *err)
{
    char path[1200];
    int rc = SPR_OK;
    if (csv->oom || html->oom) rc = spr_error_set(err, SPR_ERR_NOMEM, "cannot write %s.csv and .html: out of memory", prefix);
    snprintf(path, sizeof path, "%s.csv", prefix);
    if (rc == SPR_OK) rc = spr_text_write_file(path, csv, err);
    snprintf(path, sizeof path, "%s.html", prefix);
    if (rc == SPR_OK) rc = spr_text_write_file(path, html, err);
    spr_text_free(csv);
    spr_text_free(html);
    return rc;
}

void spr_text_thousands(char *out, size_t sz, double v, int decimals)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    char *dot = strchr(raw, '.');
    size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw), j = 0;
    if (v < 0 && j + 1 < sz) out[j++] = '-';
    for (size_t i = 0; i < int_len && j + 2 < sz; i++) {
        out[j++] = raw[i];
        if ((int_len - i - 1) % 3 == 0 && i + 1 < int_len) out[j++] = ',';
    }
    for (const char *c = dot; c && *c && j + 1 < sz; c++) out[j++] = *c;
    out[j] = '\0';
}

void spr_text_yen(char *out, size_t sz, double v, int sign)
{
    char num[40];
    double a = fabs(v);
    if (a >= 1e9) spr_text_thousands(num, sizeof num, a / 1e9, 2);
    else spr_text_thousands(num, sizeof num, a / 1e6, a >= 1e7 ? 0 : 1);
    snprintf(out, sz, "%s¥%s %s", v < 0 ? "-" : (sign && v > 0 ? "+" : ""), num, a >= 1e9 ? "billion" : "million");
}

const char *spr_text_html_escape(const char *in, char *out, size_t sz)
{
    size_t j = 0;
    for (const char *c = in; *c && j + 7 < sz; c++) {
        const char *rep = *c == '<' ? "&lt;" : *c == '>' ? "&gt;" : *c == '&' ? "&amp;" : *c == '"' ? "&quot;" : NULL;
        if (rep) {
            strcpy(out + j, rep);
            j += strlen(rep);
        } else {
            out[j++] = *c;
        }
    }
    out[j] = '\0';
    return out;
}

/* A name as a CSV cell: quoted, with "" for a quote, when it holds a comma,
 * a quote or a line break (the municipality's files allow quoted names). */
const char *spr_text_csv_cell(const char *name, char *out, size_t sz)
{
    if (strpbrk(name, ",\"\r\n") == NULL) return name;
    size_t j = 0;
    out[j++] = '"';
    for (const char *c = name; *c && j + 3 < sz; c++) {
        if (*c == '"') out[j++] = '"';
        out[j++] = *c;
    }
    out[j++] = '"';
    out[j] = '\0';
    return out;
}
