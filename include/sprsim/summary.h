/* The plain-text summary of a run.  For each scenario, the main measures
 * as the mean over replicates with a 95% confidence interval of that mean
 * (Student t), and, for every scenario after the first, the difference from
 * the first (the reference) paired by replicate: with common random numbers
 * replicate r of every scenario meets the same chance events, so the paired
 * difference is far more precise than the difference of the means.  Each
 * row is a measure of the measures module over the last year or the whole
 * projection. */
#ifndef SPRSIM_SUMMARY_H
#define SPRSIM_SUMMARY_H

#include <stdio.h>

#include "sprsim/measures.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

typedef enum {
    SPR_SUM_POPULATION_END,   /* residents at the start of the last month */
    SPR_SUM_E65_MALE,         /* period life expectancy at 65 in the last year, years */
    SPR_SUM_E65_FEMALE,
    SPR_SUM_CARE_NEED_65PLUS, /* % certified (support or care) among 65+, last year */
    SPR_SUM_DEMENTIA_65PLUS,  /* %, last year */
    SPR_SUM_ISOLATED_65PLUS,  /* %, last year */
    SPR_SUM_TAKING_PART_65PLUS, /* % in a community group, last year */
    SPR_SUM_DEATHS,           /* over the projection */
    SPR_SUM_MEDICAL_COST,     /* yen million a year, mean over the projection */
    SPR_SUM_LTC_COST,         /* yen million a year, mean over the projection */
    SPR_SUM_PROGRAMME_COST,   /* yen million a year: link workers, groups, outreach */
    SPR_SUM_REFERRALS,        /* a year, mean over the projection */
    SPR_SUM_WAIT_MEAN,        /* days from referral to first contact, over the projection */
    SPR_SUM_WAIT_P90,         /* days, 90th percentile (from the daily histogram) */
    SPR_SUM_UTILISATION,      /* % of link workers' caseload places in use */
    SPR_SUM_SETTLED,          /* % of closed cases that ended settled in a group */
    SPR_SUM_VOLUNTEERS,       /* at the end */
    SPR_SUM_COUNT
} spr_summary_measure;

/* The value of a row in one replicate (NaN where it does not apply).  No
 * row needs the parameters. */
double spr_summary_measure_value(const spr_results *res, int replicate, spr_summary_measure m);

const char *spr_summary_label(spr_summary_measure m);

/* Writes the summary table of n scenarios to out; the first is the
 * reference.  Returns SPR_OK, or SPR_ERR_NOMEM (nothing written) when the
 * replicates' values cannot be held. */
int spr_summary_print(FILE *out, const spr_scenario *scenarios, spr_results *const *results, int n);

#endif
