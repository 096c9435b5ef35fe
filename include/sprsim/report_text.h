/* The report as a terminal table: life expectancies against the official
 * figures, outcomes in the last year, the staffing curve of each sweep, and
 * the cost-effectiveness of each scenario against the reference.  Also the
 * formats of an interval and an ICER, shared with the HTML page. */
#ifndef SPRSIM_REPORT_TEXT_H
#define SPRSIM_REPORT_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "sprsim/report.h"

int spr_report_text_print(FILE *out, const spr_scenario *sc, spr_results *const *res, int n,
                          const spr_report_options *o, spr_error *err);

/* "mean [lo, hi]" with digits decimals; "-" without values, the mean alone with one */
void spr_report_text_interval(char *out, size_t sz, spr_interval iv, int digits);
/* "¥mean [¥lo, ¥hi]" (signed yen), or with html "¥mean<br><small>[¥lo, ¥hi]</small>" */
void spr_report_text_yen_interval(char *out, size_t sz, spr_interval iv, int html);
/* the ICER, or what the signs of the differences say instead */
void spr_report_text_icer(char *out, size_t sz, const spr_ce_summary *s);

/* District (team) u's cell of column c in projection year y: its interval
 * over replicates in the column's display unit and decimals. */
int spr_report_text_unit_cell(char *out, size_t sz, const spr_results *res, spr_report_unit kind, int u, int year, int c,
                              spr_error *err);

#endif
