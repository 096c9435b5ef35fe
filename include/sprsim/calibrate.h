/* Calibration, stage 1: the parameter vector that brings the model closest
 * to a calibration file's targets.
 *
 * An evaluation runs the scenario with the fitted parameters set (every
 * evaluation the same seed and replicates: common random numbers, so the
 * objective is a deterministic function of the parameters) and computes
 * each target's measure on its selection, pooled over replicates (additive
 * measures: one sum over replicates; expectancies: the mean of the
 * replicates).  The objective is the sum of squared standardised residuals,
 * sum_i ((model_i - target_i) / se_i)^2.
 *
 * The fit minimises it with GSL's Nelder-Mead simplex
 * (gsl_multimin_fminimizer_nmsimplex2) in the transformed space: u = theta
 * (none), log theta (log), or log((theta - lower) / (upper - theta)) (logit);
 * back-transformed values are clipped to [lower, upper].  The initial step
 * along each axis is a tenth of the transformed range (none, log) or 1 (logit,
 * a factor e in the odds).  The fit has converged when
 * gsl_multimin_test_size(simplex size, tolerance) says so.
 *
 * Stage 2 (uncertainty: in the calibration file), sampling-importance-
 * resampling around the optimum u* (transformed space), as docs/methods.md
 * describes:
 *  (a) the Hessian H of the objective at u* by central finite differences,
 *      with the fit's common random numbers; the step along axis j is
 *      sir_step x the simplex's initial step along j, and every point must
 *      lie within the bounds (an optimum closer to a bound is an error);
 *  (b) the proposal q = N(u*, inflation^2 x 2 H^-1): the Laplace
 *      approximation of the likelihood exp(-objective / 2), widened.  When H
 *      is not positive definite the proposal falls back to the diagonal,
 *      variance inflation^2 x 2 / H_jj (recorded), and fails with an error
 *      when a diagonal entry is not positive;
 *  (c) `proposals` vectors from q, each from its own Philox stream keyed by
 *      (seed, proposal index, SPR_STREAM_CALIB_SIR); the prior is uniform
 *      on the transformed scale within the bounds, so a proposal outside
 *      them has weight 0 (not evaluated);
 *  (d) each proposal evaluated with the fit's seed and replicates (CRN);
 *      log w_j = -objective_j / 2 - log q(u_j), less the largest; effective
 *      sample size (sum w)^2 / sum w^2;
 *  (e) `draws` vectors by systematic resampling, the one uniform from
 *      (seed, month 1, SPR_STREAM_CALIB_SIR). */
#ifndef SPRSIM_CALIBRATE_H
#define SPRSIM_CALIBRATE_H

#include <stdint.h>

#include "sprsim/calibfile.h"
#include "sprsim/error.h"

/* ---- sampling-importance-resampling (the machinery, any objective) ------- */

/* The objective at u (transformed space); SPR_OK or an error. */
typedef int (*spr_sir_objective_fn)(void *ctx, const double *u, double *objective, spr_error *err);

typedef struct {
    int n;                            /* dimension, 1..SPR_CALIB_MAX_PARAMS */
    const double *lower, *upper;      /* the prior's support in u (may be -HUGE_VAL, HUGE_VAL) */
    const double *step;               /* finite-difference step along each axis */
    const char *const *names;         /* axis names for messages */
    double inflation;
    int proposals, draws;
    uint64_t seed;
} spr_sir_setup;

typedef struct {
    int n, proposals, draws;
    double optimum[SPR_CALIB_MAX_PARAMS];
    double hessian[SPR_CALIB_MAX_PARAMS * SPR_CALIB_MAX_PARAMS];    /* of the objective at the optimum, [i][j] */
    double covariance[SPR_CALIB_MAX_PARAMS * SPR_CALIB_MAX_PARAMS]; /* of the proposal, [i][j] */
    int diagonal;                     /* 1: H was not positive definite, the proposal is diagonal */
    int in_bounds;                    /* proposals within the prior's support */
    double ess;                       /* effective sample size of the weights */
    double *proposal;                 /* [proposals][n], transformed space */
    double *objective;                /* [proposals]; NaN outside the bounds */
    double *log_weight;               /* [proposals]; largest 0, -inf outside the bounds */
    int *times_drawn;                 /* [proposals]: how often each was resampled */
    int *draw;                        /* [draws]: the proposal each draw is */
} spr_sir_result;

/* Runs steps (a)-(e) around optimum (transformed space).  The caller frees
 * out with spr_sir_result_free (on failure too). */
int spr_sir_run(const spr_sir_setup *s, const double *optimum, spr_sir_objective_fn f, void *ctx, spr_sir_result *out,
                spr_error *err);
void spr_sir_result_free(spr_sir_result *r);

/* ---- the calibration ------------------------------------------------------- */

typedef struct {
    int n_params, n_targets;
    double start[SPR_CALIB_MAX_PARAMS];
    double fitted[SPR_CALIB_MAX_PARAMS]; /* natural scale */
    double model[SPR_CALIB_MAX_TARGETS]; /* model value of each target at the fit */
    double residual[SPR_CALIB_MAX_TARGETS]; /* (model - target) / se */
    double objective;
    int iterations, converged;
    int restarts; /* restarts of the simplex that found a lower objective */
    double size;       /* the simplex's final size (transformed space) */
    double seconds;    /* wall-clock time of the fit */
    /* every evaluation, in order: params [k * n_params + j] (natural scale) and objective [k] */
    int n_evaluations, cap_evaluations;
    double *evaluation_params, *evaluation_objective;
    /* stage 2, when the file asks for it (sir.proposals 0: not run) */
    spr_sir_result sir;
    double *draws;     /* [sir.draws][n_params], natural scale */
    double sir_seconds;
} spr_calib_result;

/* Called after each iteration of the simplex (from the calling thread). */
typedef void (*spr_calib_progress_fn)(void *ctx, int iteration, int evaluations, double objective, double size);

/* Back and forth between a parameter's natural scale and the fit's space. */
double spr_calib_natural(const spr_calib_param *p, double u);
double spr_calib_transformed(const spr_calib_param *p, double theta);

/* Runs the model at theta (natural scale, one value per fitted parameter)
 * and fills model[n_targets] and *objective. */
int spr_calib_evaluate(const spr_calib_file *cf, const double *theta, double *model, double *objective, spr_error *err);

/* Fits from the file's start values; max_iterations 0: the file's.  The
 * caller frees out with spr_calib_result_free (on failure too). */
int spr_calib_fit(const spr_calib_file *cf, int max_iterations, spr_calib_progress_fn progress, void *ctx,
                  spr_calib_result *out, spr_error *err);
void spr_calib_result_free(spr_calib_result *r);

/* Stage 2 around r's fit (when cf->sir), filling r->sir and r->draws. */
int spr_calib_uncertainty(const spr_calib_file *cf, spr_calib_result *r, spr_error *err);

/* The standard error of each fitted parameter on the transformed scale,
 * sd_u[j], from the Laplace approximation at r's fit (the square roots of
 * the diagonal of 2 H^-1, H the objective's Hessian by central differences
 * with uncertainty.step; each axis alone where H is not positive definite,
 * NaN where its curvature is not positive either). */
int spr_calib_standard_errors(const spr_calib_file *cf, const spr_calib_result *r, double *sd_u, spr_error *err);

/* The joint draws' mean[j], sd[j] and correlation[i][j] (natural scale). */
void spr_calib_draws_summary(const spr_calib_result *r, double *mean, double *sd, double *correlation);

/* PREFIX.csv (tidy: one row per target and per parameter), PREFIX.h5
 * (provenance: git commit, calibration file, resolved scenario, every
 * evaluation, residuals) and PREFIX-overlay.yaml (the fitted values, for
 * --overlay), each written to a temporary file and renamed.  With stage 2
 * also PREFIX-proposals.csv (every proposal, its objective, log weight and
 * times resampled) and PREFIX-draws.yaml (the joint draws as a
 * calibration_draws overlay), and the SIR datasets in PREFIX.h5. */
int spr_calib_write(const char *prefix, const spr_calib_file *cf, const spr_calib_result *r, spr_error *err);

#endif
