/* The report's "Who benefits" section (analysis/equity.c's comparison of each policy scenario with
 * its reference): a table per policy scenario of the effect on residents 65+ by group with 95%
 * intervals, the gaps between groups and the concentration index of the benefit across districts,
 * as terminal text, as HTML, and as CSV rows (each group's level per replicate and year, and the
 * comparison's intervals). */
#ifndef SPRSIM_REPORT_EQUITY_H
#define SPRSIM_REPORT_EQUITY_H

#include "sprsim/report.h"
#include "sprsim/text.h"

typedef enum { SPR_EQUITY_TEXT, SPR_EQUITY_HTML } spr_equity_format;

/* Appends the section for every policy scenario of the run (none with one scenario). */
int spr_report_equity_tables(spr_text *t, spr_equity_format f, const spr_scenario *sc, spr_results *const *res, int n,
                             spr_error *err);

/* Appends the CSV rows of scenario i (the report CSV's columns): per replicate and year, each fixed
 * group's outcomes ("isolated_65_living_alone") and each district's deaths 65+; and, for a policy
 * scenario, the comparison over the projection without replicate or year: "effect_OUTCOME_GROUP",
 * "gap_OUTCOME_GAP" and "concentration_OUTCOME", each as _mean, _lo and _hi. */
int spr_report_equity_csv(spr_text *t, const spr_scenario *sc, spr_results *const *res, int i, spr_error *err);

#endif
