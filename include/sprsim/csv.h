/* The strict CSV table reader for user input (the municipality's files and
 * any other table a user gives).
 *
 * A file is a header line of column names and rows of cells: UTF-8 (a
 * leading byte-order mark is skipped; other encodings such as Shift_JIS are
 * refused with the line and column of the first bad byte), lines ending LF
 * or CRLF, cells separated by ','.  Blank lines and lines whose first
 * non-blank character is '#' are comments.  A cell may be double-quoted, so
 * that a name may hold a comma ("a, b"), with "" for a quote inside; the
 * spaces and tabs around an unquoted cell are trimmed.  A quoted cell ends
 * on its own line.  Every row has exactly as many cells as the header.
 *
 * Every cell remembers its 1-based line and column (the character, not the
 * byte, where the cell's text or opening quote starts, as YAML errors
 * count), and every error is SPR_ERR_SCENARIO with a message
 *     FILE:LINE:COLUMN: column 'NAME': 'TEXT' is not ...; allowed: ...
 * (SPR_ERR_IO when the file cannot be opened or read). */
#ifndef SPRSIM_CSV_H
#define SPRSIM_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "sprsim/error.h"

#define SPR_CSV_MAX_BYTES (16 * 1024 * 1024) /* 16 MiB: far above any municipality's tables */

typedef struct {
    const char *text; /* unquoted, trimmed, NUL-terminated ("" when blank) */
    int line, column; /* 1-based */
} spr_csv_cell;

typedef struct {
    char path[512]; /* as given, for messages */
    unsigned char *bytes; /* the file's bytes as read (hashed to record which data a run used) */
    size_t n_bytes;
    int n_columns;
    spr_csv_cell *header; /* n_columns names */
    size_t n_rows;
    spr_csv_cell *cell; /* n_rows * n_columns, row by row */
    char *text; /* storage of the cells' texts */
} spr_csv;

/* Reads and parses the file at path.  named_by says which setting named
 * the file, for the messages ("municipality.groups_file"; NULL: none).
 * On failure nothing is left to free; on success free with spr_csv_free. */
int spr_csv_read(const char *path, const char *named_by, spr_csv *t, spr_error *err);
void spr_csv_free(spr_csv *t); /* a zeroed or freed table is fine */

/* Maps column names to their indices: names[0..n_required-1] must be
 * present, names[n_required..n_names-1] may be (index -1 when absent), and
 * any other header name is an error with a did-you-mean hint; a name given
 * twice is an error naming both columns. */
int spr_csv_columns(const spr_csv *t, const char *const *names, int n_names, int n_required, int *index, spr_error *err);

/* The cell of row r (0-based, not a line number) in column c (an index
 * from spr_csv_columns). */
const spr_csv_cell *spr_csv_at(const spr_csv *t, size_t r, int c);

/* 1 when column c is absent (c < 0) or the cell is blank. */
int spr_csv_blank(const spr_csv *t, size_t r, int c);

/* A whole number in [lo, hi] (digits with an optional sign; no fraction, no exponent). */
int spr_csv_whole(const spr_csv *t, size_t r, int c, int64_t lo, int64_t hi, int64_t *out, spr_error *err);

/* A finite decimal number in [lo, hi], or in (lo, hi] when above_lo. */
typedef struct {
    double lo, hi;
    int above_lo;
} spr_csv_bounds;
int spr_csv_number(const spr_csv *t, size_t r, int c, spr_csv_bounds b, double *out, spr_error *err);

/* One of the comma-separated names in allowed ("a, b, c"): *out gets its
 * position in the list.  An unknown name gets a did-you-mean hint. */
int spr_csv_choice(const spr_csv *t, size_t r, int c, const char *allowed, int *out, spr_error *err);

/* Sets err to SPR_ERR_SCENARIO with "FILE:LINE:COLUMN: column 'NAME': "
 * and the printf-style rest; returns SPR_ERR_SCENARIO.  For the checks a
 * caller makes on a cell beyond the accessors above. */
int spr_csv_fail(const spr_csv *t, size_t r, int c, spr_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* FNV-1a 64: h continued over n bytes (start from SPR_FNV1A64_BASIS). */
#define SPR_FNV1A64_BASIS 14695981039346656037ull
uint64_t spr_fnv1a64_bytes(uint64_t h, const void *bytes, size_t n);

#endif
