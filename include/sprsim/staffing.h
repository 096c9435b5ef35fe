/* The staffing planner: the smallest number of full-time link workers that
 * meets a service target, searched efficiently because waits fall as
 * staffing rises (bracket by doubling, then bisect), confirmed at the
 * boundary with more replicates, and the staffing each year of the
 * projection needs as demand grows.  Every level runs with common random
 * numbers, so differences between levels are paired. */
#ifndef SPRSIM_STAFFING_H
#define SPRSIM_STAFFING_H

#include "sprsim/error.h"
#include "sprsim/params.h"

typedef struct {
    double within_weeks;    /* first contact within this many weeks ...           */
    double share;           /* ... for at least this share of referrals (0..1)    */
    double max_utilisation; /* and caseload use at most this (0..1); 0: no limit  */
    int max_fte;            /* search no further than this                        */
    int warmup_years;       /* years left out of the overall target (queue fills) */
    int confirm_replicates; /* replicates for the confirmation at the boundary    */
    double discount_rate;   /* for the marginal cost per QALY                     */
} spr_staff_target;

typedef struct {
    int fte, replicates, meets;
    double share, share_lo, share_hi;  /* share within target (pooled per replicate; mean and 95% CI) */
    double p_meets;                    /* share of replicates meeting the target */
    double wait_mean_days, wait_p90_days, utilisation;
    double served_per_year, programme_cost_per_year;
    double isolated_65, isolated_65_lo, isolated_65_hi; /* last year, % */
    double cost_disc, qaly_disc;       /* mean discounted totals (all costs; QALYs) */
    double *share_by_year;             /* pooled over replicates, [years] */
} spr_staff_level;

typedef struct {
    spr_staff_level *levels; /* sorted by fte */
    int n_levels, years;
    int recommended;         /* smallest fte meeting the target, or -1 */
    int *per_year;           /* smallest fte meeting the target in each year, -1 beyond max_fte */
    double confidence;       /* share of confirmation replicates in which the recommendation meets the target */
    double confidence_below; /* the same for one link worker fewer */
} spr_staff_result;

/* Validates a target: SPR_ERR_SCENARIO with a message for an impossible or
 * malformed one. */
int spr_staffing_check_target(const spr_staff_target *t, spr_error *err);

/* Searches for the recommended staffing of scenario p (its link_workers.fte
 * is varied).  progress may be NULL. */
int spr_staffing_search(const spr_params *p, const spr_staff_target *t, spr_staff_result *out,
                        void (*progress)(void *ctx, int fte, int replicates), void *ctx, spr_error *err);
void spr_staff_result_free(spr_staff_result *r);

#endif
