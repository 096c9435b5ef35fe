/* Who benefits: each policy's effect on residents 65+ by group (sex, household, district) against
 * its reference, paired by replicate; the gaps between groups; and the concentration of the
 * benefit across districts ranked by their baseline risk.  Computations only; the report's text,
 * CSV and page show them (report_text, report_csv, report_html).
 *
 * Groups are of residents 65+ at the start of each month, so a resident who starts living alone
 * moves from one household group to the other; every outcome is a rate over the group's
 * person-months in the period, so groups of different sizes compare:
 *   taking part, isolated, care need: % of person-months;
 *   deaths: per 1,000 person-years;
 *   QALYs: lived in the group over the period per 1,000 of its residents at the period's start
 *          (years of life gained count, as in the qalys measure: a mean utility would miss them),
 *          with the utility weights the replicate ran with, from person-months by functional state
 *          and with dementia (analysis/measures.c's qalys measure, restricted to the group).
 * Effect = policy - reference, replicate by replicate (common random numbers). */
#ifndef SPRSIM_EQUITY_H
#define SPRSIM_EQUITY_H

#include "sprsim/error.h"
#include "sprsim/measures.h"
#include "sprsim/params.h"
#include "sprsim/simulation.h"

typedef enum {
    SPR_EQUITY_TAKING_PART, /* % of person-months 65+ in a community group */
    SPR_EQUITY_ISOLATED,    /* % of person-months 65+ isolated */
    SPR_EQUITY_CARE_NEED,   /* % of person-months 65+ with certified care need */
    SPR_EQUITY_DEATHS,      /* deaths per 1,000 person-years 65+ */
    SPR_EQUITY_QALYS,       /* QALYs per 1,000 residents 65+ at the start (not by district: NaN) */
    SPR_EQUITY_OUTCOMES
} spr_equity_outcome;

typedef struct {
    const char *name;  /* the CSV's measure stem (stable), e.g. "isolated_65" */
    const char *unit;
    const char *label;
    int benefit_sign;  /* +1 when more is better (taking part, QALYs), -1 when less is */
} spr_equity_outcome_info;

const spr_equity_outcome_info *spr_equity_outcome_describe(spr_equity_outcome o);

/* The groups: all residents 65+, by sex, by household, then each district (when both runs are
 * shown by district, spr_results_by_district, with the same districts). */
typedef enum {
    SPR_EQUITY_ALL, SPR_EQUITY_MEN, SPR_EQUITY_WOMEN, SPR_EQUITY_WITH_OTHERS, SPR_EQUITY_ALONE,
    SPR_EQUITY_FIXED_GROUPS /* districts follow: group SPR_EQUITY_FIXED_GROUPS + d */
} spr_equity_group_id;

/* The gaps: the effect in one group minus the effect in another. */
typedef enum { SPR_EQUITY_GAP_ALONE, SPR_EQUITY_GAP_WOMEN, SPR_EQUITY_GAPS } spr_equity_gap;

/* The group's name ("65+, living alone") or the district's; the CSV's key of a group that is not a
 * district ("living_alone"; a district's rows name it in the CSV's district column). */
const char *spr_equity_group_name(const spr_results *res, int g);
const char *spr_equity_group_key(int g);
const char *spr_equity_gap_name(spr_equity_gap k);
const char *spr_equity_gap_key(spr_equity_gap k);

/* Outcome o of group g in replicate r over the period's months; NaN when the group has no
 * person-months (or QALYs of a district).  p gives the utility weights (the replicate's draws where
 * the run drew them). */
double spr_equity_value(const spr_params *p, const spr_results *res, int r, int g, spr_equity_outcome o,
                        const spr_selection *sel);

/* The concentration index of a benefit across n units (districts) ranked from the highest risk
 * (fractional rank near 0) to the lowest (near 1), ties in the order given:
 *     C = (2 / mu) sum_j w_j h_j R_j - 1,   mu = sum_j w_j h_j,   R_j = sum_{k before j} w_k + w_j / 2,
 * with the weights w_j normalised to sum to 1 (the units' shares of person-months) and h_j the
 * benefit per person-month in unit j: the grouped-data form of the health concentration index,
 * C = 2 cov_w(h, R) / mu (Kakwani, Wagstaff & van Doorslaer 1997, J Econometrics 77:87-103;
 * O'Donnell, van Doorslaer, Wagstaff & Lindelow 2008, Analyzing Health Equity Using Household
 * Survey Data, World Bank, ch. 8).  Ranking by descending risk, as those texts rank from the
 * poorest: C < 0 when the benefit is concentrated in the districts most at risk, C > 0 in those
 * least at risk, 0 when it is spread in proportion to their residents.  NaN when mu is 0 or a
 * weight is negative or all are 0.  order: scratch of n ints. */
double spr_equity_concentration_index(int n, const double *weight, const double *benefit, const double *risk, int *order);

/* Scenario `policy` against `ref` over the period, paired by replicate. */
typedef struct {
    int groups;                                   /* SPR_EQUITY_FIXED_GROUPS, then the districts if by_district */
    spr_interval *reference;                      /* [g * SPR_EQUITY_OUTCOMES + o]: the reference's level */
    spr_interval *effect;                         /* [g * SPR_EQUITY_OUTCOMES + o]: policy - reference */
    spr_interval gap[SPR_EQUITY_GAPS][SPR_EQUITY_OUTCOMES];
    int by_district;                              /* the same districts in both: their groups and the
                                                     concentration indices exist */
    spr_interval concentration[SPR_EQUITY_OUTCOMES]; /* of the benefit across districts ranked by baseline risk */
    int n;                                        /* paired replicates */
} spr_equity;

/* The districts' baseline risk: the share of residents 65+ isolated in the reference's first
 * projection year, replicate by replicate (before the policy has acted for long; isolation is what
 * both approaches target).  pp, pr: the two scenarios' parameters (utility weights). */
int spr_equity_compare(const spr_params *pp, const spr_results *policy, const spr_params *pr, const spr_results *ref,
                       spr_period period, spr_equity *out, spr_error *err);
void spr_equity_free(spr_equity *e);

#endif
