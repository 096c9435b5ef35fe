/* Calibration files: YAML in, a validated spr_calib_file out.
 *
 *     scenario: ../../scenarios/baseline.yaml   # relative to this file
 *     run: {population: 20000, years: 3, replicates: 4, seed: 7}
 *     fit: {tolerance: 1e-3, max_iterations: 200, restarts: 3}   # optional (these are the defaults)
 *     parameters:
 *       - {key: isolation.onset.at_65, lower: 0.01, upper: 0.2, start: 0.04, transform: log}
 *     targets:
 *       - measure: isolated_65plus          # a name of the measure module
 *         sex: both                         # both (default), male, female
 *         ages: {from: 70, to: 85}          # years, on 5-year bands; 'to' excluded, omitted: no upper end
 *         year: 2023                        # or years: {from: 2023, to: 2024} (calendar, both included)
 *         value: 27.0
 *         se: 1.0                           # or interval: {lower: 25, upper: 29} (95%: se = width / 3.92)
 *         source: TMIG 2019
 *     uncertainty: {method: sir, proposals: 200, draws: 50, inflation: 1.5, step: 0.2}   # optional
 *
 * The run settings are applied to the scenario as overrides, so they are
 * validated like --set and every evaluation of a fit uses them: the same
 * seed and replicates (common random numbers).  Errors name
 * FILE:LINE:COLUMN and the key, like the scenario loader's. */
#ifndef SPRSIM_CALIBFILE_H
#define SPRSIM_CALIBFILE_H

#include "sprsim/error.h"
#include "sprsim/measures.h"
#include "sprsim/params.h"
#include "sprsim/scenario.h"

#define SPR_CALIB_MAX_PARAMS 16
#define SPR_CALIB_MAX_TARGETS 200
#define SPR_CALIB_SOURCE_MAX 256

typedef enum { SPR_TRANSFORM_NONE, SPR_TRANSFORM_LOG, SPR_TRANSFORM_LOGIT } spr_transform;

typedef struct {
    const spr_param_def *def; /* the parameter (a numeric scalar) */
    double lower, upper, start;
    spr_transform transform;
} spr_calib_param;

typedef struct {
    const spr_measure *measure;
    int sex;                /* SPR_SEX_BOTH, SPR_MALE, SPR_FEMALE */
    int age_from, age_to;   /* years, multiples of 5; age_to excluded (105: no upper end) */
    int year_from, year_to; /* calendar years, both included */
    double value, se;
    char source[SPR_CALIB_SOURCE_MAX];
} spr_calib_target;

typedef struct {
    char path[1024];            /* the calibration file */
    char scenario_path[2048];   /* the scenario, resolved against the file's directory */
    spr_scenario scenario;      /* loaded with the run settings (owned) */
    char *text;                 /* the calibration file's text (owned) */
    double tolerance;           /* simplex size at which the fit has converged (transformed space) */
    int max_iterations;
    int restarts; /* restarts of the simplex from its best point after it converges (fit.restarts) */
    int n_params, n_targets;
    /* the uncertainty stage (sampling-importance-resampling), when the file asks for it */
    int sir;                /* 1: run it after the fit */
    int sir_proposals;      /* vectors drawn from the proposal (default 200) */
    int sir_draws;          /* vectors resampled, the joint draws (default 50) */
    double sir_inflation;   /* proposal sd = inflation x the Laplace approximation's (default 1.5) */
    double sir_step;        /* finite-difference step of the Hessian, a share of the simplex's initial step (default 0.2) */
    spr_calib_param params[SPR_CALIB_MAX_PARAMS];
    spr_calib_target targets[SPR_CALIB_MAX_TARGETS];
} spr_calib_file;

/* Loads and checks path, and loads its scenario with the run settings.  On
 * failure nothing is left to free; on success free with spr_calib_file_free. */
int spr_calib_file_load(const char *path, spr_calib_file *cf, spr_error *err);
void spr_calib_file_free(spr_calib_file *cf);

/* The target's selection in the measure module's terms (for results of a
 * run starting in start_year). */
spr_selection spr_calib_target_selection(const spr_calib_target *t, int start_year);

/* "both, 65-84, 2023" and the like, for tables. */
void spr_calib_target_describe(const spr_calib_target *t, char *out, size_t size);

const char *spr_transform_name(spr_transform t);

#endif
