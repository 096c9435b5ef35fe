#define _XOPEN_SOURCE 700 /* fstat, O_NONBLOCK, O_CLOEXEC */
#include "sprsim/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sprsim/scenario.h" /* spr_did_you_mean */

uint64_t spr_fnv1a64_bytes(uint64_t h, const void *bytes, size_t n)
{
    const unsigned char *b = bytes;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* ---- reading the file ---- */

static int cannot_open(const char *path, const char *named_by, int code, const char *why, spr_error *err)
{
    return spr_error_set(err, code, "%s: cannot open: %s%s%s%s", path, why, named_by ? " (named by " : "", named_by ? named_by : "",
                         named_by ? ")" : "");
}

/* The whole of a regular file of at most SPR_CSV_MAX_BYTES.  Why so
 * careful: /dev/zero would grow memory without end, a FIFO would block in
 * open() (hence O_NONBLOCK) and a directory has nothing to read; and the
 * file may grow while it is read, so reading stops at the limit. */
static int read_bounded(spr_csv *t, const char *named_by, spr_error *err)
{
    int fd = open(t->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int rc = cannot_open(t->path, named_by, SPR_ERR_IO, strerror(errno), err);
        if (fd >= 0) close(fd);
        return rc;
    }
    const char *refused = S_ISDIR(st.st_mode)              ? "is a directory"
                          : !S_ISREG(st.st_mode)           ? "not a regular file (a device, FIFO or socket); a table is a text file"
                          : st.st_size > SPR_CSV_MAX_BYTES ? "larger than 16 MiB, the limit for a table"
                                                           : NULL;
    int rc = SPR_OK;
    size_t cap = SPR_CSV_MAX_BYTES + 1; /* one byte more than allowed: tells a file that grew past the limit */
    if (refused)
        rc = cannot_open(t->path, named_by, SPR_ERR_SCENARIO, refused, err);
    else if ((t->bytes = malloc((size_t)st.st_size + 1)) == NULL)
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory reading %s", t->path);
    else
        cap = (size_t)st.st_size + 1;
    while (rc == SPR_OK) {
        if (t->n_bytes == cap) { /* the file grew while it was read */
            if (cap > SPR_CSV_MAX_BYTES) {
                rc = cannot_open(t->path, named_by, SPR_ERR_SCENARIO, "larger than 16 MiB, the limit for a table", err);
                break;
            }
            size_t grown = 2 * cap > SPR_CSV_MAX_BYTES + 1 ? SPR_CSV_MAX_BYTES + 1 : 2 * cap;
            unsigned char *b = realloc(t->bytes, grown);
            if (b == NULL) {
                rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory reading %s", t->path);
                break;
            }
            t->bytes = b, cap = grown;
        }
        ssize_t got = read(fd, t->bytes + t->n_bytes, cap - t->n_bytes);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) rc = spr_error_set(err, SPR_ERR_IO, "%s: read error: %s", t->path, strerror(errno));
        if (got <= 0) break;
        t->n_bytes += (size_t)got;
    }
    close(fd);
    return rc;
}

/* ---- parsing ---- */

/* A position in one line: byte index and character column (UTF-8
 * continuation bytes do not start a character). */
typedef struct {
    const unsigned char *s;
    size_t i, len;
    int line, col;
} cursor;

static int at_end(const cursor *c) { return c->i >= c->len; }
static unsigned char peek(const cursor *c) { return at_end(c) ? 0 : c->s[c->i]; }
static void step(cursor *c)
{
    c->i++;
    if (at_end(c) || (c->s[c->i] & 0xC0) != 0x80) c->col++;
}
static void skip_blanks(cursor *c)
{
    while (peek(c) == ' ' || peek(c) == '\t') step(c);
}

typedef struct {
    spr_csv *t;
    spr_error *err;
    spr_csv_cell *cell; /* the header's and then every row's cells */
    size_t n, cap;
    char *out; /* next free byte of t->text */
} parser;

static int syntax_error(const parser *P, int line, int col, const char *what)
{
    return spr_error_set(P->err, SPR_ERR_SCENARIO, "%s:%d:%d: %s", P->t->path, line, col, what);
}

/* The length of the UTF-8 sequence starting at s (at most n bytes), 0 when
 * it is not well-formed (overlong forms, surrogates and code points above
 * U+10FFFF included). */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    unsigned char b = s[0];
    size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n || b == 0xC0 || b == 0xC1 || b > 0xF4) return 0;
    for (size_t k = 1; k < len; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    if (b == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
    if (b == 0xED && s[1] > 0x9F) return 0; /* surrogates */
    if (b == 0xF0 && s[1] < 0x90) return 0; /* overlong */
    if (b == 0xF4 && s[1] > 0x8F) return 0; /* above U+10FFFF */
    return len;
}

/* Text only: well-formed UTF-8 without control characters (tabs allowed). */
static int check_text(const parser *P, const unsigned char *s, size_t len, int line)
{
    int col = 1;
    for (size_t i = 0; i < len; col++) {
        size_t n = utf8_length(s + i, len - i);
        if (n == 0)
            return syntax_error(P, line, col, "not UTF-8 text (save the table as UTF-8 CSV; Shift_JIS and other encodings are not read)");
        if (s[i] < 0x20 && s[i] != '\t') {
            char what[96];
            snprintf(what, sizeof what, "a control character (byte 0x%02X); a table holds text, lines end LF or CRLF", s[i]);
            return syntax_error(P, line, col, what);
        }
        i += n;
    }
    return SPR_OK;
}

static int push_cell(parser *P, const char *text, int line, int col)
{
    if (P->n == P->cap) {
        size_t cap = P->cap ? 2 * P->cap : 64;
        spr_csv_cell *c = realloc(P->cell, cap * sizeof *c);
        if (c == NULL) return spr_error_set(P->err, SPR_ERR_NOMEM, "out of memory reading %s", P->t->path);
        P->cell = c, P->cap = cap;
    }
    P->cell[P->n++] = (spr_csv_cell){.text = text, .line = line, .column = col};
    return SPR_OK;
}

/* A quoted cell, the cursor on its opening quote: "" stands for a quote;
 * only blanks may follow the closing quote. */
static int quoted_cell(parser *P, cursor *c)
{
    int line = c->line, col = c->col;
    step(c);
    for (;;) {
        if (at_end(c)) return syntax_error(P, line, col, "the quote opened here is not closed on its line");
        if (peek(c) == '"') {
            step(c);
            if (peek(c) != '"') break;
        }
        *P->out++ = (char)peek(c);
        step(c);
    }
    skip_blanks(c);
    if (!at_end(c) && peek(c) != ',')
        return syntax_error(P, c->line, c->col,
                            "text after a closing quote; a quoted cell ends at its closing quote (write \"\" for a quote inside)");
    return SPR_OK;
}

/* An unquoted cell, trimmed of the blanks that end it. */
static int plain_cell(parser *P, cursor *c)
{
    char *start = P->out;
    while (!at_end(c) && peek(c) != ',') {
        if (peek(c) == '"')
            return syntax_error(P, c->line, c->col,
                                "a quote inside an unquoted cell; quote the whole cell and write \"\" for a quote inside");
        *P->out++ = (char)peek(c);
        step(c);
    }
    while (P->out > start && (P->out[-1] == ' ' || P->out[-1] == '\t')) P->out--;
    return SPR_OK;
}

/* The cells of one line; *end_col gets the column just past its end. */
static int parse_line(parser *P, const unsigned char *s, size_t len, int line, int *end_col)
{
    int rc = check_text(P, s, len, line);
    cursor c = {.s = s, .len = len, .line = line, .col = 1};
    while (rc == SPR_OK) {
        skip_blanks(&c);
        char *text = P->out;
        int col = c.col;
        rc = peek(&c) == '"' ? quoted_cell(P, &c) : plain_cell(P, &c);
        *P->out++ = '\0';
        if (rc == SPR_OK) rc = push_cell(P, text, line, col);
        if (rc != SPR_OK || at_end(&c)) break;
        step(&c); /* the comma: another cell follows, if only a blank one */
    }
    *end_col = c.col;
    return rc;
}

static int is_comment_or_blank(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    return i == len || s[i] == '#';
}

static void list_cells(const spr_csv_cell *cell, int n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int j = 0; j < n && used < size; j++) used += (size_t)snprintf(buf + used, size - used, "%s%s", j ? ", " : "", cell[j].text);
}

/* The row just parsed (cells first..P->n-1) has as many cells as the header. */
static int check_row_length(parser *P, size_t first, int line, int end_col)
{
    size_t n = P->n - first, n_columns = (size_t)P->t->n_columns;
    if (n == n_columns) return SPR_OK;
    int col = n > n_columns ? P->cell[first + n_columns].column : end_col;
    char names[1024];
    list_cells(P->cell, P->t->n_columns, names, sizeof names);
    return spr_error_set(P->err, SPR_ERR_SCENARIO,
                         "%s:%d:%d: the row has %zu cells, the header (line %d) has %zu; allowed: one cell per column: %s", P->t->path,
                         line, col, n, P->cell[0].line, n_columns, names);
}

/* The header's names are not blank. */
static int check_header(parser *P)
{
    for (int j = 0; j < P->t->n_columns; j++)
        if (P->cell[j].text[0] == '\0') return syntax_error(P, P->cell[j].line, P->cell[j].column, "a column without a name in the header");
    return SPR_OK;
}

static int parse(parser *P)
{
    spr_csv *t = P->t;
    const unsigned char *s = t->bytes, *end = t->bytes + t->n_bytes;
    if (t->n_bytes >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3; /* the byte-order mark some editors write */
    int rc = SPR_OK;
    for (int line = 1; s < end && rc == SPR_OK; line++) {
        const unsigned char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = (size_t)((nl ? nl : end) - s);
        const unsigned char *next = nl ? nl + 1 : end;
        if (len > 0 && s[len - 1] == '\r') len--;
        if (!is_comment_or_blank(s, len)) {
            size_t first = P->n;
            int end_col;
            rc = parse_line(P, s, len, line, &end_col);
            if (rc == SPR_OK && t->n_columns == 0) {
                t->n_columns = (int)P->n; /* the first line that is not a comment is the header */
                rc = check_header(P);
            } else if (rc == SPR_OK) {
                rc = check_row_length(P, first, line, end_col);
                t->n_rows++;
            }
        }
        s = next;
    }
    if (rc == SPR_OK && t->n_columns == 0)
        rc = spr_error_set(P->err, SPR_ERR_SCENARIO, "%s: no header line (the file has no line that is not blank or a comment)", t->path);
    t->header = P->cell; /* set only now: P->cell moves as it grows */
    if (rc == SPR_OK) t->cell = P->cell + t->n_columns;
    return rc;
}

int spr_csv_read(const char *path, const char *named_by, spr_csv *t, spr_error *err)
{
    memset(t, 0, sizeof *t);
    if (strlen(path) >= sizeof t->path) return spr_error_set(err, SPR_ERR_SCENARIO, "%.100s...: the file name is too long", path);
    snprintf(t->path, sizeof t->path, "%s", path);
    int rc = read_bounded(t, named_by, err);
    parser P = {.t = t, .err = err};
    /* a cell's text with its NUL never outgrows its raw bytes and the comma or line end after them; the last
     * cell of a file without a final newline needs the one byte more */
    if (rc == SPR_OK && (t->text = malloc(t->n_bytes + 1)) == NULL)
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory reading %s", path);
    P.out = t->text;
    if (rc == SPR_OK)
        rc = parse(&P);
    else
        free(P.cell);
    if (rc != SPR_OK) spr_csv_free(t);
    return rc;
}

void spr_csv_free(spr_csv *t)
{
    free(t->bytes);
    free(t->header); /* the cells' one allocation: the header then the rows */
    free(t->text);
    memset(t, 0, sizeof *t);
}

/* ---- columns ---- */

static void join_names(const char *const *names, int from, int to, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = from; i < to && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i > from ? ", " : "", names[i]);
}

static int find_name(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

static int unknown_column(const spr_csv *t, const spr_csv_cell *h, const char *const *names, int n_names, spr_error *err)
{
    char allowed[1024], hint[200];
    join_names(names, 0, n_names, allowed, sizeof allowed);
    spr_did_you_mean(h->text, allowed, hint, sizeof hint);
    return spr_error_set(err, SPR_ERR_SCENARIO, "%s:%d:%d: unknown column '%.100s'%s; allowed: %s", t->path, h->line, h->column, h->text,
                         hint, allowed);
}

static int missing_column(const spr_csv *t, const char *name, const char *const *names, int n_names, int n_required, spr_error *err)
{
    char required[1024], optional[1024] = "";
    join_names(names, 0, n_required, required, sizeof required);
    if (n_required < n_names) {
        char opt[1000];
        join_names(names, n_required, n_names, opt, sizeof opt);
        snprintf(optional, sizeof optional, " (optional: %s)", opt);
    }
    return spr_error_set(err, SPR_ERR_SCENARIO, "%s:%d:1: missing column '%s'; the columns are: %s%s", t->path, t->header[0].line, name,
                         required, optional);
}

int spr_csv_columns(const spr_csv *t, const char *const *names, int n_names, int n_required, int *index, spr_error *err)
{
    for (int i = 0; i < n_names; i++) index[i] = -1;
    for (int j = 0; j < t->n_columns; j++) {
        const spr_csv_cell *h = &t->header[j];
        int i = find_name(names, n_names, h->text);
        if (i < 0) return unknown_column(t, h, names, n_names, err);
        if (index[i] >= 0)
            return spr_error_set(err, SPR_ERR_SCENARIO, "%s:%d:%d: column '%s' is given twice (first at column %d)", t->path, h->line,
                                 h->column, h->text, t->header[index[i]].column);
        index[i] = j;
    }
    for (int i = 0; i < n_required; i++)
        if (index[i] < 0) return missing_column(t, names[i], names, n_names, n_required, err);
    return SPR_OK;
}

/* ---- cells ---- */

const spr_csv_cell *spr_csv_at(const spr_csv *t, size_t r, int c)
{
    return c < 0 || c >= t->n_columns || r >= t->n_rows ? NULL : &t->cell[r * (size_t)t->n_columns + (size_t)c];
}

int spr_csv_blank(const spr_csv *t, size_t r, int c)
{
    const spr_csv_cell *cell = spr_csv_at(t, r, c);
    return cell == NULL || cell->text[0] == '\0';
}

int spr_csv_fail(const spr_csv *t, size_t r, int c, spr_error *err, const char *fmt, ...)
{
    const spr_csv_cell *cell = spr_csv_at(t, r, c);
    if (cell == NULL) return spr_error_set(err, SPR_ERR_USAGE, "%s: no cell at row %zu, column index %d", t->path, r, c);
    char what[SPR_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return spr_error_set(err, SPR_ERR_SCENARIO, "%s:%d:%d: column '%s': %s", t->path, cell->line, cell->column, t->header[c].text, what);
}

/* "'TEXT' is not WHAT" or, for a blank cell, "the cell is blank". */
static int not_a(const spr_csv *t, size_t r, int c, const char *what, const char *allowed, spr_error *err)
{
    const char *text = spr_csv_at(t, r, c) ? spr_csv_at(t, r, c)->text : "";
    if (text[0] == '\0') return spr_csv_fail(t, r, c, err, "the cell is blank; allowed: %s", allowed);
    return spr_csv_fail(t, r, c, err, "'%.100s' is not %s; allowed: %s", text, what, allowed);
}

int spr_csv_whole(const spr_csv *t, size_t r, int c, int64_t lo, int64_t hi, int64_t *out, spr_error *err)
{
    char allowed[96];
    snprintf(allowed, sizeof allowed, "a whole number from %lld to %lld", (long long)lo, (long long)hi);
    const spr_csv_cell *cell = spr_csv_at(t, r, c);
    if (cell == NULL) return spr_csv_fail(t, r, c, err, "no such cell");
    const char *s = cell->text, *digits = s + (s[0] == '-' || s[0] == '+');
    if (*digits == '\0' || strspn(digits, "0123456789") != strlen(digits)) return not_a(t, r, c, "a whole number", allowed, err);
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE || v < lo || v > hi) return spr_csv_fail(t, r, c, err, "'%.100s' is out of range; allowed: %s", s, allowed);
    *out = v;
    return SPR_OK;
}

int spr_csv_number(const spr_csv *t, size_t r, int c, spr_csv_bounds b, double *out, spr_error *err)
{
    char allowed[96];
    snprintf(allowed, sizeof allowed, b.above_lo ? "a number above %.15g and at most %.15g" : "a number from %.15g to %.15g", b.lo, b.hi);
    const spr_csv_cell *cell = spr_csv_at(t, r, c);
    if (cell == NULL) return spr_csv_fail(t, r, c, err, "no such cell");
    const char *s = cell->text;
    char *end = NULL;
    /* decimal notation only: strtod alone would also take hexadecimal, inf and nan */
    double v = s[0] && strspn(s, "0123456789+-.eE") == strlen(s) ? strtod(s, &end) : NAN;
    if (s[0] == '\0' || !isfinite(v) || *end != '\0') return not_a(t, r, c, "a number", allowed, err);
    if (v > b.hi || v < b.lo || (b.above_lo && v == b.lo))
        return spr_csv_fail(t, r, c, err, "'%.100s' is out of range; allowed: %s", s, allowed);
    *out = v;
    return SPR_OK;
}

int spr_csv_choice(const spr_csv *t, size_t r, int c, const char *allowed, int *out, spr_error *err)
{
    const spr_csv_cell *cell = spr_csv_at(t, r, c);
    if (cell == NULL) return spr_csv_fail(t, r, c, err, "no such cell");
    int k = spr_choice_index(cell->text, allowed);
    if (k >= 0) return *out = k, SPR_OK;
    if (cell->text[0] == '\0') return not_a(t, r, c, "", allowed, err);
    char hint[200];
    spr_did_you_mean(cell->text, allowed, hint, sizeof hint);
    return spr_csv_fail(t, r, c, err, "'%.100s' is not allowed%s; allowed: %s", cell->text, hint, allowed);
}
