/* The report as a self-contained HTML page: the scenarios, life and health
 * expectancies against the official figures, the cost-effectiveness table,
 * and inline SVG charts (projections with their 95% bands, the
 * cost-effectiveness plane and acceptability curve, each sweep's curves). */
#ifndef SPRSIM_REPORT_HTML_H
#define SPRSIM_REPORT_HTML_H

#include "sprsim/report.h"

int spr_report_html_write(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                          const spr_report_options *o, spr_error *err);

#endif
