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
 * spr_calib_evaluate is the building block a second stage (joint draws by
 * ABC-SMC or sampling-importance-resampling around the optimum) calls for
 * each candidate vector. */
#ifndef SPRSIM_CALIBRATE_H
#define SPRSIM_CALIBRATE_H

#include "sprsim/calibfile.h"
#include "sprsim/error.h"

typedef struct {
    int n_params, n_targets;
    double start[SPR_CALIB_MAX_PARAMS];
    double fitted[SPR_CALIB_MAX_PARAMS]; /* natural scale */
    double model[SPR_CALIB_MAX_TARGETS]; /* model value of each target at the fit */
    double residual[SPR_CALIB_MAX_TARGETS]; /* (model - target) / se */
    double objective;
    int iterations, converged;
    double size;       /* the simplex's final size (transformed space) */
    double seconds;    /* wall-clock time of the fit */
    /* every evaluation, in order: params [k * n_params + j] (natural scale) and objective [k] */
    int n_evaluations, cap_evaluations;
    double *evaluation_params, *evaluation_objective;
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

/* PREFIX.csv (tidy: one row per target and per parameter), PREFIX.h5
 * (provenance: git commit, calibration file, resolved scenario, every
 * evaluation, residuals) and PREFIX-overlay.yaml (the fitted values, for
 * --overlay), each written to a temporary file and renamed. */
int spr_calib_write(const char *prefix, const spr_calib_file *cf, const spr_calib_result *r, spr_error *err);

#endif
