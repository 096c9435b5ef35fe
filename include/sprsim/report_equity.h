/* The report's "Who benefits" section (analysis/equity.c's comparison of each policy scenario with
 * its reference): a table per policy scenario of the effect on residents 65+ by group with 95%
 * intervals, the gaps between groups and the concentration index of the benefit across districts,
 * as terminal text and as HTML (the CSV's rows: report_csv). */
#ifndef SPRSIM_REPORT_EQUITY_H
#define SPRSIM_REPORT_EQUITY_H

#include "sprsim/report.h"
#include "sprsim/text.h"

typedef enum { SPR_EQUITY_TEXT, SPR_EQUITY_HTML } spr_equity_format;

/* Appends the section for every policy scenario of the run (none with one scenario). */
int spr_report_equity_tables(spr_text *t, spr_equity_format f, const spr_scenario *sc, spr_results *const *res, int n,
                             spr_error *err);

#endif
