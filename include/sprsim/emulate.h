/* Target-trial emulation inside the model (sprsim emulate).
 *
 * The published effects of taking part are total associations from cohort
 * studies: people who took part at a baseline survey compared, adjusted for
 * age, sex and health, with people who did not, over the years that
 * followed, whatever they did after.  The model's mechanism-level effects
 * (effects.* by pathway) are not those numbers.  This module repeats each
 * study inside the model: it follows the simulated residents of the study's
 * ages from a baseline month (spr_simulation_follow), compares those taking
 * part then with those not, adjusted for age band, sex, limitation,
 * isolation, living alone and dementia at baseline, with the study's own
 * estimator (logistic regression for odds ratios, a piecewise-exponential
 * Poisson regression, the grouped-data equivalent of a Cox model with a
 * yearly baseline hazard, for hazard ratios; GSL's weighted least squares
 * inside iteratively reweighted least squares), and prints the emulated
 * ratio beside the published one.  spr_emulate_fit sets the mechanism-level
 * effects so that the emulated totals match the published ones. */
#ifndef SPRSIM_EMULATE_H
#define SPRSIM_EMULATE_H

#include <stdint.h>

#include "sprsim/error.h"
#include "sprsim/params.h"
#include "sprsim/simulation.h"

typedef enum { SPR_EM_DEATH, SPR_EM_CERTIFICATION, SPR_EM_DEMENTIA } spr_em_outcome;
typedef enum { SPR_EM_ODDS_RATIO, SPR_EM_HAZARD_RATIO } spr_em_estimand;

/* A published cohort study to emulate. */
typedef struct {
    const char *id;          /* short name, e.g. takahashi2019_death */
    const char *citation;
    const char *outcome_text;
    spr_em_outcome outcome;
    spr_em_estimand estimand;
    int min_age;             /* the cohort's youngest age at baseline */
    int follow_months;
    int exclude_dementia;    /* people with dementia at baseline are not in the study */
    /* outcomes as categories at the end of follow-up, the reference being
     * "alive without LTC need" (a multinomial model, emulated by Begg and
     * Gray's individual logistic regressions against the reference) */
    int vs_alive_without_ltc;
    double published, lower, upper; /* the ratio and its 95% interval */
    const char *fits;        /* the parameter (key) this study sets in the mediated structure; NULL: validation */
} spr_em_study;

const spr_em_study *spr_em_studies(int *n);
const spr_em_study *spr_em_study_find(const char *id);

/* One study's emulated ratio. */
typedef struct {
    double estimate, lower, upper; /* the ratio and its 95% interval (Wald, from the model's own sample) */
    double log_se;
    int64_t n, exposed, events;
    double person_years;           /* hazard ratios: time at risk */
    int iterations;
} spr_em_estimate;

/* Emulates study s on cohort c (which must start at or below the study's
 * minimum age and follow at least its follow-up).  SPR_ERR_USAGE when c
 * cannot serve s, SPR_ERR_NUMERIC when the regression does not converge. */
int spr_emulate_study(const spr_cohort *c, const spr_em_study *s, spr_em_estimate *out, spr_error *err);

/* Follows replicates 0..replicates-1 of p from baseline_month for the
 * longest study, from the youngest study age, into a new cohort. */
int spr_emulate_cohort(const spr_params *p, int replicates, int baseline_month, spr_cohort **out, spr_error *err);

/* Emulates every study on p. out has one entry per study (spr_em_studies). */
int spr_emulate_all(const spr_params *p, int replicates, int baseline_month, spr_em_estimate *out, spr_error *err);

/* Sets the mechanism-level effects of p's effect structure so that the
 * emulated totals of the studies that fit them (spr_em_study.fits; in the
 * death-only structure effects.hr_death_total to the death study) match the
 * published ratios: a secant iteration on each log hazard ratio, with
 * common random numbers, until every emulated log ratio is within tol_se of
 * its standard error of the target or max_iterations pass.  On return p
 * holds the fitted values and out the last estimates.  *converged says
 * whether the tolerance was met. */
typedef void (*spr_emulate_progress_fn)(void *ctx, int iteration, const spr_params *p, const spr_em_estimate *est);
int spr_emulate_fit(spr_params *p, int replicates, int baseline_month, double tol_se, int max_iterations,
                    spr_em_estimate *out, int *converged, spr_emulate_progress_fn progress, void *ctx, spr_error *err);

#endif
