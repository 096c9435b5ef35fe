/* The staffing planner: the smallest link-worker staffing, in whole posts of
 * link_workers.staffing_step_fte full-time equivalents (FTE), that meets a service target, per link-worker team and in total, searched
 * efficiently because waits fall as staffing rises (bracket by doubling,
 * then bisect), confirmed at the boundary with more replicates, and the
 * staffing each year of the projection needs as demand grows.  Teams have
 * their own queues and staff (they share only group places), so all teams
 * are searched at once: every run sets each team's current trial staff, and
 * each team's bracket moves on its own target share.  The search counts posts
 * (integers); every figure it hands back is in FTE (posts x step).  Every run uses
 * common random numbers, so differences between levels are paired.  The
 * share seen in time is the Kaplan-Meier estimate (spr_seen_within_km):
 * referrals not seen when they left or when the run ended count with the
 * time they had waited. */
#ifndef SPRSIM_STAFFING_H
#define SPRSIM_STAFFING_H

#include "sprsim/error.h"
#include "sprsim/measures.h"
#include "sprsim/params.h"

typedef struct {
    double within_weeks;    /* first contact within this many weeks ...           */
    double share;           /* ... for at least this share of referrals (0..1)    */
    double max_utilisation; /* and caseload use at most this (0..1); 0: no limit  */
    double max_fte;         /* search no further than this, FTE per team (whole posts below it) */
    int warmup_years;       /* years left out of the overall target (queue fills) */
    int confirm_replicates; /* replicates for the confirmation at the boundary    */
    double discount_rate;   /* for the marginal cost per QALY                     */
} spr_staff_target;

/* One team in one run. */
typedef struct {
    double fte;                        /* its staff in the run, FTE */
    int meets;                         /* its mean share meets the target (and its caseload use the cap) */
    double share, share_lo, share_hi;  /* its share seen in time over the target years (mean, 95% CI in [0, 1]) */
    double p_meets;                    /* share of replicates in which it meets the target */
    double utilisation;                /* its caseload in use, pooled */
    double referrals_per_year;         /* its referrals a year over the target years (mean over replicates) */
    double link_worker_cost_per_year;  /* its link workers' salaries and overheads, yen a year */
    double *share_by_year;             /* pooled over replicates, [years] */
} spr_staff_team_level;

typedef struct {
    double fte;                        /* the total over teams, FTE */
    int replicates, meets;             /* meets: every team meets the target */
    double share, share_lo, share_hi;  /* share within target (pooled per replicate; mean and 95% CI) */
    double p_meets;                    /* share of replicates in which every team meets the target */
    double wait_mean_days, wait_p90_days, utilisation;
    double served_per_year, programme_cost_per_year;
    double isolated_65, isolated_65_lo, isolated_65_hi; /* last year, % */
    double cost_disc, qaly_disc;       /* mean discounted totals (all costs; QALYs) */
    double *share_by_year;             /* pooled over replicates, [years] */
    int teams;
    spr_staff_team_level *team;        /* [teams] */
    double *district_referrals_per_year; /* [districts], mean over replicates, target years */
} spr_staff_level;

/* The answer for one team. */
typedef struct {
    char name[SPR_LABEL_MAX];
    char districts[256];               /* the districts it covers, comma-separated (truncated with "...") */
    double recommended;                /* smallest staff meeting the target (FTE), others at theirs */
    double confidence;                 /* share of confirmation replicates in which it meets the target */
    double confidence_below;           /* the same with one post (step) fewer in this team; NAN at one post
                                          (no staff is never run: not applicable) */
    double share, share_lo, share_hi;  /* share seen in time at the recommendation (confirmation; 95% CI) */
    double referrals_per_year;
    double link_worker_cost_per_year;  /* salaries and overheads of the recommended staff, yen a year */
    double *per_year;                  /* [years]: its staff needed each year (FTE), negative beyond max_fte */
} spr_staff_team;

/* A district, and its team's answer. */
typedef struct {
    char name[SPR_LABEL_MAX];
    int team;
    double referrals_per_year;         /* its residents' referrals a year at the recommendation */
} spr_staff_district;

typedef struct {
    spr_staff_level *levels; /* sorted by fte */
    int n_levels, years;
    double recommended;      /* smallest FTE meeting the target, or negative: none */
    double *per_year;        /* smallest FTE meeting the target in each year (sum over teams), negative beyond max_fte */
    double confidence;       /* share of confirmation replicates in which every team meets the target */
    double confidence_below; /* the same for one post fewer: with several teams, the largest over teams of
                                the team's confidence with one post fewer there; NAN if every team is at one post */
    int teams, districts;
    spr_staff_team *team;           /* [teams] */
    spr_staff_district *district;   /* [districts] */
    double link_worker_cost_per_year;     /* of the recommended staff, yen a year (sum over teams) */
    double other_programme_cost_per_year; /* the programme's other costs (groups, outreach) at the recommendation */
} spr_staff_result;

/* The 95% interval of a mean share over replicates (v in [0, 1]), kept within [0, 1]: the Student-t
 * interval on the logit scale (delta method: logit(m) +- t SE / (m (1 - m)), back-transformed);
 * a mean of 0 or 1 (every replicate equal) gives the degenerate interval. */
spr_interval spr_staff_share_interval(const double *v, int n, double *scratch);

/* Validates a target: SPR_ERR_SCENARIO with a message for an impossible or
 * malformed one. */
int spr_staffing_check_target(const spr_staff_target *t, spr_error *err);

/* Searches for the recommended staffing of scenario p, per team (the teams'
 * staff are set through p->n_team_fte / team_fte, in posts of
 * p->lw_staffing_step_fte), and in total.  progress (may be NULL) gets the
 * total staff (FTE) of each run. */
int spr_staffing_search(const spr_params *p, const spr_staff_target *t, spr_staff_result *out,
                        void (*progress)(void *ctx, double fte, int replicates), void *ctx, spr_error *err);
void spr_staff_result_free(spr_staff_result *r);

#endif
