/* The report as tidy CSV (scenario, replicate, draw, year, measure, unit,
 * value): every measure the report keeps for each year, isolation by sex and
 * age band from 40, and costs and QALYs discounted at the options' rate, per
 * year and cumulative. */
#ifndef SPRSIM_REPORT_CSV_H
#define SPRSIM_REPORT_CSV_H

#include "sprsim/report.h"

int spr_report_csv_write(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                         const spr_report_options *o, spr_error *err);

#endif
