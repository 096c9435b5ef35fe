/* The scenario comparison report: outcomes by the documented methods
 * (docs/methods.md) for every scenario, replicate and year, the
 * cost-effectiveness of each scenario against the first (the reference),
 * and their uncertainty; written as a terminal table, tidy CSV and a
 * self-contained HTML page with inline SVG charts. */
#ifndef SPRSIM_REPORT_H
#define SPRSIM_REPORT_H

#include <stdio.h>

#include "sprsim/error.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

typedef struct {
    double discount_rate; /* a year, costs and effects (default 0.02) */
    double wtp_yen;       /* willingness to pay per QALY (default 5,000,000) */
    const char *title;
    const char *source;   /* the results file, shown in the page */
} spr_report_options;

/* Measures of one scenario, replicate and projection year. */
typedef enum {
    SPR_M_POPULATION, SPR_M_LE0_M, SPR_M_LE0_F, SPR_M_LE65_M, SPR_M_LE65_F,
    SPR_M_HLE0_M, SPR_M_HLE0_F, SPR_M_HLE65_M, SPR_M_HLE65_F,
    SPR_M_IPE0_M, SPR_M_IPE0_F, SPR_M_IPE65_M, SPR_M_IPE65_F,
    SPR_M_LE40_M, SPR_M_LE40_F, SPR_M_HLE40_M, SPR_M_HLE40_F, SPR_M_IPE40_M, SPR_M_IPE40_F,
    SPR_M_ISOLATED_65, SPR_M_ISOLATED_PY, SPR_M_CARE_NEED_65, SPR_M_TAKING_PART_65,
    SPR_M_MEDICAL, SPR_M_LTC, SPR_M_PROGRAMME, SPR_M_QALY,
    SPR_M_REFERRALS, SPR_M_WAIT_MEAN, SPR_M_UTILISATION,
    SPR_M_COUNT
} spr_measure;

typedef struct {
    const char *name, *unit, *label;
} spr_measure_info;

const spr_measure_info *spr_measure_describe(spr_measure m);

/* The value of measure m in replicate r and projection year y. */
double spr_report_measure(const spr_params *p, const spr_results *res, int r, int y, spr_measure m);

/* Cost-effectiveness of a scenario against the reference, per replicate
 * (paired): discounted totals over the projection. */
typedef struct {
    double d_cost_yen, d_qaly, d_medical_ltc_yen, d_programme_yen;
} spr_ce_draw;

void spr_report_ce(const spr_params *p, const spr_results *res, const spr_results *ref, int r, double rate,
                   spr_ce_draw *out);

/* Share of the variance of x (one value per replicate) due to parameter
 * draws, from a one-way analysis of variance over draws of k replicates
 * each; NaN without at least two draws and k >= 2. */
double spr_report_parameter_share(const double *x, int replicates, int k);

/* Tidy CSV: every measure, isolation by sex and age band (40+), and costs
 * and QALYs discounted (per year and cumulative) at o->discount_rate. */
int spr_report_write_csv(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                         const spr_report_options *o, spr_error *err);
void spr_report_print(FILE *out, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o);
int spr_report_write_html(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                          const spr_report_options *o, spr_error *err);

/* One-way sensitivity: the net monetary benefit of a policy against the
 * reference with one parameter at its low and at its high value. */
typedef struct {
    char key[96];
    double low, high;          /* parameter values */
    double nmb_low, nmb_high;  /* mean over replicates, yen */
} spr_tornado_bar;

/* The range of an uncertain parameter: its distribution's 2.5% and 97.5% quantiles. */
void spr_uncertain_range(const spr_uncertain *u, double *low, double *high);

/* Prints the bars (sorted by swing, widest first) and writes PREFIX.csv and
 * PREFIX.html with a tornado chart around the base-case net benefit. */
int spr_report_tornado(const char *prefix, FILE *out, const char *policy, double base_nmb, spr_tornado_bar *bars,
                       int n, const spr_report_options *o, spr_error *err);

#include "sprsim/staffing.h"

/* The staffing planner's table (every level tried, the recommendation and
 * its confidence, the staffing each year needs) to out, PREFIX.csv and
 * PREFIX.html (the staffing curve: share seen in time and cost against
 * staffing; staffing needed by year). */
int spr_report_staffing(const char *prefix, FILE *out, const spr_params *p, const spr_staff_target *t,
                        const spr_staff_result *r, spr_error *err);

#endif
