/* The report as tidy CSV (scenario, replicate, draw, year, district, team,
 * measure, unit, value): every measure the report keeps for each year,
 * isolation by sex and age band from 40, costs and QALYs discounted at the
 * options' rate, per year and cumulative, and with more than one district
 * each district's and each team's yearly columns (spr_report_district_value,
 * spr_report_team_value; district and team are empty in the municipality's
 * rows, district in a team's). */
#ifndef SPRSIM_REPORT_CSV_H
#define SPRSIM_REPORT_CSV_H

#include "sprsim/report.h"

int spr_report_csv_write(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                         const spr_report_options *o, spr_error *err);

#endif
