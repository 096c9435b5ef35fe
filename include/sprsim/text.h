/* Text for output files and tables: a growing buffer written with printf
 * formats, the one way every output file (report, staffing and tornado CSV
 * and HTML) reaches the disk, and the number formats they share. */
#ifndef SPRSIM_TEXT_H
#define SPRSIM_TEXT_H

#include <stddef.h>

#include "sprsim/error.h"

typedef struct {
    char *s;
    size_t len, cap;
    int oom; /* an allocation failed: the text is incomplete and will not be written */
} spr_text;

/* Appends printf-style; after a failed allocation it does nothing and sets oom. */
void spr_text_add(spr_text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Marks the text failed (a caller's allocation failed while making it). */
void spr_text_fail(spr_text *t);
void spr_text_free(spr_text *t);

/* Writes the complete text to a temporary file in path's directory and
 * renames it to path; on any failure the temporary file is removed and
 * SPR_ERR_IO (with the path and the system's reason) or SPR_ERR_NOMEM (the
 * text is incomplete) returned, leaving any earlier file at path as it was.
 * Frees the text either way. */
int spr_text_write_file(const char *path, spr_text *t, spr_error *err);

/* Writes PREFIX.csv and PREFIX.html as above, after checking that both
 * texts are complete (so an allocation failure leaves neither); frees both. */
int spr_text_write_csv_html(const char *prefix, spr_text *csv, spr_text *html, spr_error *err);

/* 12345678 -> "12,345,678" (with decimals after the point) */
void spr_text_thousands(char *out, size_t sz, double v, int decimals);
/* yen as "¥1,234 million" (or billion), with a + when sign is set */
void spr_text_yen(char *out, size_t sz, double v, int sign);
/* A name as a CSV cell: itself, or quoted (with "" for a quote) into out when it holds a comma, a
 * quote or a line break (the municipality's files allow quoted names); returns the cell. */
const char *spr_text_csv_cell(const char *name, char *out, size_t sz);
/* in with <, >, & and " escaped for HTML, into out; returns out */
const char *spr_text_html_escape(const char *in, char *out, size_t sz);

#endif
