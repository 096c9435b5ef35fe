/* Documentation generated from the parameter table (sprsim/params.h), so
 * that the table is the single source of every parameter's meaning, unit,
 * bounds, default, uncertainty and source:
 *  - docs/parameters.md (`sprsim keys --markdown`), and
 *  - scenarios/reference.yaml (`sprsim keys --yaml`), a complete scenario
 *    that documents every key above it and sets it to its default.
 * Both are committed; tests/test_paramdoc.sh checks they are up to date.
 * The library writes only to the stream it is handed. */
#ifndef SPRSIM_PARAMDOC_H
#define SPRSIM_PARAMDOC_H

#include <stddef.h>
#include <stdio.h>

#include "sprsim/error.h"

/* Writes docs/parameters.md to out.  SPR_ERR_IO when writing fails,
 * SPR_ERR_INTERNAL when a table entry belongs to no section of the page. */
int spr_paramdoc_markdown(FILE *out, spr_error *err);

/* Writes scenarios/reference.yaml to out (same errors). */
int spr_paramdoc_reference_yaml(FILE *out, spr_error *err);

/* Formats v with the fewest significant digits that read back to the same
 * double (integral values below 1e10 without exponent): "0.00185", "5000000". */
void spr_paramdoc_number(double v, char *buf, size_t size);

#endif
