/* The plain-text summary of a run: per scenario, the main measures in the
 * first and last year of the projection, as the mean over replicates with a
 * 95% confidence interval of that mean (Student t over replicates). */
#ifndef SPRSIM_SUMMARY_H
#define SPRSIM_SUMMARY_H

#include <stdio.h>

#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

typedef enum {
    SPR_SUM_POPULATION,       /* residents at the start of the year */
    SPR_SUM_SHARE_65PLUS,     /* % of residents aged 65+ */
    SPR_SUM_E65_MALE,         /* period life expectancy at 65, years */
    SPR_SUM_E65_FEMALE,
    SPR_SUM_CARE_NEED_65PLUS, /* % certified (support or care) among 65+ */
    SPR_SUM_DEMENTIA_65PLUS,  /* % */
    SPR_SUM_ISOLATED_65PLUS,  /* % */
    SPR_SUM_MEDICAL_COST,     /* yen per year, millions */
    SPR_SUM_LTC_COST,         /* yen per year, millions */
    SPR_SUM_COUNT
} spr_summary_measure;

/* The value of a measure in one replicate and one projection year. */
double spr_summary_measure_value(const spr_results *res, int replicate, int year, spr_summary_measure m);

typedef struct {
    double mean, lo, hi; /* lo = hi = mean when there is one replicate */
    int n;
} spr_interval;

/* Mean and 95% t-interval of a measure over replicates. */
spr_interval spr_summary_interval(const spr_results *res, int year, spr_summary_measure m);

const char *spr_summary_label(spr_summary_measure m);

/* Writes the summary table of n scenarios to out. */
void spr_summary_print(FILE *out, const spr_scenario *scenarios, spr_results *const *results, int n);

#endif
