#include "sprsim/calibrate.h"

#include "sprsim/h5image.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <omp.h>

#include "sprsim/model.h"
#include "sprsim/rng.h"
#include "sprsim/simulation.h"
#include "sprsim/text.h"
#include "sprsim/version.h"

/* ---- transforms ----------------------------------------------------------- */

static double clip(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

double spr_calib_natural(const spr_calib_param *p, double u)
{
    switch (p->transform) {
    case SPR_TRANSFORM_LOG: return clip(exp(u), p->lower, p->upper);
    case SPR_TRANSFORM_LOGIT: return clip(p->lower + (p->upper - p->lower) / (1.0 + exp(-u)), p->lower, p->upper);
    default: return clip(u, p->lower, p->upper);
    }
}

double spr_calib_transformed(const spr_calib_param *p, double theta)
{
    switch (p->transform) {
    case SPR_TRANSFORM_LOG: return log(theta);
    case SPR_TRANSFORM_LOGIT: return log((theta - p->lower) / (p->upper - theta));
    default: return theta;
    }
}

/* The simplex's initial step: a tenth of the transformed range, or, where
 * the range is unbounded (logit), 1: a factor e in the odds. */
static double initial_step(const spr_calib_param *p)
{
    switch (p->transform) {
    case SPR_TRANSFORM_LOG: return 0.1 * (log(p->upper) - log(p->lower));
    case SPR_TRANSFORM_LOGIT: return 1.0;
    default: return 0.1 * (p->upper - p->lower);
    }
}

/* ---- one evaluation ------------------------------------------------------- */

/* The model's value of target t: additive measures pooled over replicates,
 * the others the mean of the replicates' values. */
static int target_value(const spr_calib_target *t, const spr_params *p, const spr_results *res, double *out,
                        spr_error *err)
{
    spr_selection sel = spr_calib_target_selection(t, p->start_year);
    double v;
    if (t->measure->add != NULL) {
        v = spr_measure_pooled(t->measure, p, res, &sel);
    } else {
        double sum = 0;
        for (int r = 0; r < res->replicates; r++) sum += spr_measure_value(t->measure, p, res, r, &sel);
        v = sum / res->replicates;
    }
    if (!isfinite(v)) {
        char where[96];
        spr_calib_target_describe(t, where, sizeof where);
        return spr_error_set(err, SPR_ERR_USAGE, "the model's %s (%s) is not defined (no residents in the selection?)",
                             t->measure->name, where);
    }
    *out = v;
    return SPR_OK;
}

int spr_calib_evaluate(const spr_calib_file *cf, const double *theta, double *model, double *objective, spr_error *err)
{
    spr_params *p = malloc(sizeof *p);
    if (p == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the parameters");
    *p = cf->scenario.params;
    for (int j = 0; j < cf->n_params; j++) spr_param_set(p, cf->params[j].def, theta[j]);
    spr_error sub;
    int rc = spr_params_validate(p, &sub);
    if (rc != SPR_OK) {
        char at[400] = "";
        for (int j = 0, used = 0; j < cf->n_params && used < (int)sizeof at - 1; j++)
            used += snprintf(at + used, sizeof at - (size_t)used, "%s%s = %.6g", j ? ", " : "", cf->params[j].def->key, theta[j]);
        free(p);
        return spr_error_set(err, rc, "the parameters %s break a rule of the scenario: %s", at, sub.msg);
    }
    spr_model *m = NULL;
    spr_results *res = NULL;
    rc = spr_model_create(p, &m, err);
    if (rc == SPR_OK) rc = spr_simulation_run(p, m, &res, NULL, NULL, err);
    double sum = 0;
    for (int i = 0; i < cf->n_targets && rc == SPR_OK; i++) {
        rc = target_value(&cf->targets[i], p, res, &model[i], err);
        double z = (model[i] - cf->targets[i].value) / cf->targets[i].se;
        sum += z * z;
    }
    if (rc == SPR_OK) *objective = sum;
    spr_results_destroy(res);
    spr_model_destroy(m);
    free(p);
    return rc;
}

/* ---- the fit -------------------------------------------------------------- */

typedef struct {
    const spr_calib_file *cf;
    spr_calib_result *r;
    double *model;
    int rc;
    spr_error *err;
} fit_state;

static int record_evaluation(spr_calib_result *r, const double *theta, double objective)
{
    if (r->n_evaluations == r->cap_evaluations) {
        int cap = r->cap_evaluations ? 2 * r->cap_evaluations : 64;
        double *pp = realloc(r->evaluation_params, sizeof(double) * (size_t)cap * (size_t)(r->n_params ? r->n_params : 1));
        if (pp == NULL) return SPR_ERR_NOMEM;
        r->evaluation_params = pp;
        double *po = realloc(r->evaluation_objective, sizeof(double) * (size_t)cap);
        if (po == NULL) return SPR_ERR_NOMEM;
        r->evaluation_objective = po;
        r->cap_evaluations = cap;
    }
    memcpy(r->evaluation_params + (size_t)r->n_evaluations * (size_t)r->n_params, theta, sizeof(double) * (size_t)r->n_params);
    r->evaluation_objective[r->n_evaluations++] = objective;
    return SPR_OK;
}

/* The objective at a point of the transformed space; after an error, NaN
 * (which stops the minimiser) with the error kept in the state. */
static double objective_at(const gsl_vector *u, void *ctx)
{
    fit_state *s = ctx;
    if (s->rc != SPR_OK) return NAN;
    double theta[SPR_CALIB_MAX_PARAMS], f = NAN;
    for (int j = 0; j < s->cf->n_params; j++) theta[j] = spr_calib_natural(&s->cf->params[j], gsl_vector_get(u, (size_t)j));
    s->rc = spr_calib_evaluate(s->cf, theta, s->model, &f, s->err);
    if (s->rc == SPR_OK && record_evaluation(s->r, theta, f) != SPR_OK)
        s->rc = spr_error_set(s->err, SPR_ERR_NOMEM, "out of memory recording the evaluations");
    return s->rc == SPR_OK ? f : NAN;
}

int spr_calib_fit(const spr_calib_file *cf, int max_iterations, spr_calib_progress_fn progress, void *ctx,
                  spr_calib_result *out, spr_error *err)
{
    memset(out, 0, sizeof *out);
    out->n_params = cf->n_params;
    out->n_targets = cf->n_targets;
    if (max_iterations <= 0) max_iterations = cf->max_iterations;
    double t0 = omp_get_wtime();
    size_t n = (size_t)cf->n_params;
    fit_state s = {cf, out, out->model, SPR_OK, err};
    gsl_vector *x = gsl_vector_alloc(n), *step = gsl_vector_alloc(n);
    gsl_multimin_fminimizer *mm = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
    if (x == NULL || step == NULL || mm == NULL) {
        s.rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the minimiser");
        goto out;
    }
    for (size_t j = 0; j < n; j++) {
        out->start[j] = cf->params[j].start;
        gsl_vector_set(x, j, spr_calib_transformed(&cf->params[j], cf->params[j].start));
        gsl_vector_set(step, j, initial_step(&cf->params[j]));
    }
    gsl_multimin_function fn = {objective_at, n, &s};
    /* A simplex on a common-random-number objective (piecewise constant at
     * fine scale, with ridges where parameters trade off) can collapse before
     * it reaches the minimum.  The standard remedy: restart from the best
     * point with the initial step, and stop when a restart no longer finds a
     * lower objective (or after fit.restarts restarts). */
    double previous = INFINITY;
    for (int restart = 0; s.rc == SPR_OK && restart <= cf->restarts; restart++) {
        int status = gsl_multimin_fminimizer_set(mm, &fn, x, step);
        if (s.rc == SPR_OK && status != GSL_SUCCESS)
            s.rc = spr_error_set(err, SPR_ERR_INTERNAL, "the minimiser cannot start: %s", gsl_strerror(status));
        out->converged = 0;
        while (s.rc == SPR_OK && out->iterations < max_iterations) {
            status = gsl_multimin_fminimizer_iterate(mm);
            out->iterations++;
            if (s.rc != SPR_OK) break;
            if (status != GSL_SUCCESS) {
                s.rc = spr_error_set(err, SPR_ERR_INTERNAL, "the simplex stopped at iteration %d: %s", out->iterations,
                                     gsl_strerror(status));
                break;
            }
            out->size = gsl_multimin_fminimizer_size(mm);
            if (progress)
                progress(ctx, out->iterations, out->n_evaluations, gsl_multimin_fminimizer_minimum(mm), out->size);
            if (gsl_multimin_test_size(out->size, cf->tolerance) == GSL_SUCCESS) {
                out->converged = 1;
                break;
            }
        }
        if (s.rc != SPR_OK || !out->converged) break;
        const double found = gsl_multimin_fminimizer_minimum(mm);
        if (!(found < previous)) break; /* the restart found nothing lower: done */
        gsl_vector_memcpy(x, gsl_multimin_fminimizer_x(mm));
        out->restarts = restart;
        previous = found;
    }
    if (s.rc == SPR_OK) {
        const gsl_vector *best = isfinite(previous) ? x : gsl_multimin_fminimizer_x(mm);
        for (size_t j = 0; j < n; j++) out->fitted[j] = spr_calib_natural(&cf->params[j], gsl_vector_get(best, j));
        /* the model values at the best point: evaluated again (deterministic), and recorded */
        s.rc = spr_calib_evaluate(cf, out->fitted, out->model, &out->objective, err);
        for (int i = 0; i < cf->n_targets && s.rc == SPR_OK; i++)
            out->residual[i] = (out->model[i] - cf->targets[i].value) / cf->targets[i].se;
    }
out:
    out->seconds = omp_get_wtime() - t0;
    gsl_multimin_fminimizer_free(mm);
    gsl_vector_free(x);
    gsl_vector_free(step);
    return s.rc;
}

void spr_calib_result_free(spr_calib_result *r)
{
    spr_sir_result_free(&r->sir);
    free(r->draws);
    r->draws = NULL;
    free(r->evaluation_params);
    free(r->evaluation_objective);
    r->evaluation_params = r->evaluation_objective = NULL;
    r->n_evaluations = r->cap_evaluations = 0;
}

/* ---- sampling-importance-resampling ----------------------------------------- */

void spr_sir_result_free(spr_sir_result *r)
{
    free(r->proposal);
    free(r->objective);
    free(r->log_weight);
    free(r->times_drawn);
    free(r->draw);
    r->proposal = r->objective = r->log_weight = NULL;
    r->times_drawn = r->draw = NULL;
}

static const char *axis_name(const spr_sir_setup *s, int j, char *buf, size_t size)
{
    if (s->names != NULL) return s->names[j];
    snprintf(buf, size, "axis %d", j);
    return buf;
}

/* (a) The Hessian of f at u0 by central differences: (f(+h) - 2 f + f(-h)) / h^2
 * on the diagonal, (f(++) - f(+-) - f(-+) + f(--)) / (4 h_i h_j) off it. */
static int hessian_at(const spr_sir_setup *s, const double *u0, spr_sir_objective_fn f, void *ctx, double *H,
                      spr_error *err)
{
    int n = s->n, rc = SPR_OK;
    char buf[32];
    for (int j = 0; j < n; j++)
        if (!(u0[j] - s->step[j] >= s->lower[j] && u0[j] + s->step[j] <= s->upper[j]))
            return spr_error_set(err, SPR_ERR_USAGE,
                                 "the optimum of %s (%g on the transformed scale) lies within one finite-difference step "
                                 "(%g) of its bound: the Laplace approximation needs an interior optimum (widen the "
                                 "bounds, or make uncertainty.step smaller)",
                                 axis_name(s, j, buf, sizeof buf), u0[j], s->step[j]);
    double u[SPR_CALIB_MAX_PARAMS], f0 = 0;
    memcpy(u, u0, sizeof(double) * (size_t)n);
    rc = f(ctx, u, &f0, err);
    for (int i = 0; i < n && rc == SPR_OK; i++) {
        for (int j = i; j < n && rc == SPR_OK; j++) {
            double hi = s->step[i], hj = s->step[j], v[4];
            /* i == j: f(u + h e_i), f(u - h e_i); else the four corners */
            static const int si[4] = {1, 1, -1, -1}, sj[4] = {1, -1, 1, -1};
            int corners = i == j ? 2 : 4;
            for (int c = 0; c < corners && rc == SPR_OK; c++) {
                memcpy(u, u0, sizeof(double) * (size_t)n);
                if (i == j) u[i] += (c == 0 ? 1 : -1) * hi;
                else u[i] += si[c] * hi, u[j] += sj[c] * hj;
                rc = f(ctx, u, &v[c], err);
            }
            if (rc != SPR_OK) break;
            double h = i == j ? (v[0] - 2 * f0 + v[1]) / (hi * hi) : (v[0] - v[1] - v[2] + v[3]) / (4 * hi * hj);
            H[i * n + j] = H[j * n + i] = h;
        }
    }
    return rc;
}

/* (b) The proposal's covariance, inflation^2 x 2 H^-1, and its Cholesky factor L. */
/* The Laplace covariance k H^-1 of an n x n Hessian H into cov, through L
 * (n x n scratch).  Where H is not positive definite, the diagonal alone:
 * k / H_ii, NaN where H_ii is not positive either (*diagonal set to 1). */
static void laplace_covariance(int n, const double *H, double k, double *cov, gsl_matrix *L, int *diagonal)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) gsl_matrix_set(L, (size_t)i, (size_t)j, H[i * n + j]);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    const int pd = gsl_linalg_cholesky_decomp1(L) == GSL_SUCCESS && gsl_linalg_cholesky_invert(L) == GSL_SUCCESS;
    gsl_set_error_handler(old);
    *diagonal = !pd;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            cov[i * n + j] = pd ? k * gsl_matrix_get(L, (size_t)i, (size_t)j)
                           : i != j ? 0
                           : H[i * n + i] > 0 ? k / H[i * n + i] : NAN;
}

static int proposal_of(const spr_sir_setup *s, spr_sir_result *out, gsl_matrix *L, spr_error *err)
{
    int n = s->n;
    char buf[32];
    laplace_covariance(n, out->hessian, 2 * s->inflation * s->inflation, out->covariance, L, &out->diagonal);
    for (int i = 0; i < n && out->diagonal; i++)
        if (!(out->hessian[i * n + i] > 0))
            return spr_error_set(err, SPR_ERR_USAGE,
                                 "the objective's Hessian at the optimum is not positive definite, and its diagonal "
                                 "entry for %s is %g: the fit is not at a minimum along it (fit longer, with a "
                                 "smaller fit.tolerance, or change uncertainty.step)",
                                 axis_name(s, i, buf, sizeof buf), out->hessian[i * n + i]);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) gsl_matrix_set(L, (size_t)i, (size_t)j, out->covariance[i * n + j]);
    if (gsl_linalg_cholesky_decomp1(L) != GSL_SUCCESS)
        return spr_error_set(err, SPR_ERR_USAGE, "the proposal's covariance is not positive definite (Hessian ill-conditioned)");
    return SPR_OK;
}

static int within(const spr_sir_setup *s, const double *u)
{
    for (int j = 0; j < s->n; j++)
        if (!(u[j] >= s->lower[j] && u[j] <= s->upper[j])) return 0;
    return 1;
}

/* (c), (d) Proposals from their own Philox streams, evaluated and weighted. */
static int propose_and_weigh(const spr_sir_setup *s, const gsl_matrix *L, spr_sir_objective_fn f, void *ctx,
                             spr_sir_result *out, spr_error *err)
{
    int n = s->n, rc = SPR_OK;
    spr_stream *st = spr_stream_create();
    gsl_vector *mu = gsl_vector_alloc((size_t)n), *x = gsl_vector_alloc((size_t)n), *work = gsl_vector_alloc((size_t)n);
    if (st == NULL || mu == NULL || x == NULL || work == NULL) rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the proposals");
    for (int j = 0; j < n && rc == SPR_OK; j++) gsl_vector_set(mu, (size_t)j, out->optimum[j]);
    double best = -HUGE_VAL;
    for (int p = 0; p < s->proposals && rc == SPR_OK; p++) {
        spr_stream_reset(st, (spr_rng_key){s->seed, 0}, (uint32_t)p, 0, SPR_STREAM_CALIB_SIR);
        gsl_ran_multivariate_gaussian(spr_stream_gsl(st), mu, L, x);
        double *u = out->proposal + (size_t)p * (size_t)n, log_q = 0;
        for (int j = 0; j < n; j++) u[j] = gsl_vector_get(x, (size_t)j);
        out->objective[p] = NAN;
        out->log_weight[p] = -HUGE_VAL;
        if (!within(s, u)) continue; /* outside the prior's support: weight 0 */
        rc = f(ctx, u, &out->objective[p], err);
        if (rc == SPR_OK) gsl_ran_multivariate_gaussian_log_pdf(x, mu, L, &log_q, work);
        if (rc != SPR_OK) break;
        out->log_weight[p] = -0.5 * out->objective[p] - log_q;
        if (out->log_weight[p] > best) best = out->log_weight[p];
        out->in_bounds++;
    }
    if (rc == SPR_OK && out->in_bounds == 0)
        rc = spr_error_set(err, SPR_ERR_USAGE, "no proposal of %d fell within the bounds", s->proposals);
    double sum = 0, sum2 = 0;
    for (int p = 0; p < s->proposals && rc == SPR_OK; p++) {
        out->log_weight[p] -= best; /* the largest weight 1: no overflow */
        double w = exp(out->log_weight[p]);
        sum += w, sum2 += w * w;
    }
    if (rc == SPR_OK) out->ess = sum * sum / sum2;
    gsl_vector_free(mu);
    gsl_vector_free(x);
    gsl_vector_free(work);
    spr_stream_destroy(st);
    return rc;
}

/* (e) Systematic resampling: positions (u0 + k) / draws on the cumulative
 * normalised weights, u0 one Philox uniform. */
static void resample(const spr_sir_setup *s, spr_sir_result *out)
{
    uint32_t w[4];
    spr_rng_block((spr_rng_key){s->seed, 0}, 0, 1, SPR_STREAM_CALIB_SIR, 0, w);
    double u0 = spr_rng_u01(w[0]), total = 0;
    for (int p = 0; p < s->proposals; p++) total += exp(out->log_weight[p]);
    int p = 0;
    double cum = exp(out->log_weight[0]);
    for (int k = 0; k < s->draws; k++) {
        double at = (u0 + k) / s->draws * total;
        while (p + 1 < s->proposals && (cum < at || out->log_weight[p] == -HUGE_VAL)) cum += exp(out->log_weight[++p]);
        int q = p;
        while (out->log_weight[q] == -HUGE_VAL && q > 0) q--; /* rounding at the very end: the last weighted one */
        out->draw[k] = q;
        out->times_drawn[q]++;
    }
}

int spr_sir_run(const spr_sir_setup *s, const double *optimum, spr_sir_objective_fn f, void *ctx, spr_sir_result *out,
                spr_error *err)
{
    memset(out, 0, sizeof *out);
    if (s->n < 1 || s->n > SPR_CALIB_MAX_PARAMS || s->proposals < 1 || s->draws < 1)
        return spr_error_set(err, SPR_ERR_INTERNAL, "sampling-importance-resampling of %d dimensions, %d proposals, %d draws",
                             s->n, s->proposals, s->draws);
    out->n = s->n, out->proposals = s->proposals, out->draws = s->draws;
    memcpy(out->optimum, optimum, sizeof(double) * (size_t)s->n);
    size_t np = (size_t)s->proposals;
    out->proposal = malloc(sizeof(double) * np * (size_t)s->n);
    out->objective = malloc(sizeof(double) * np);
    out->log_weight = malloc(sizeof(double) * np);
    out->times_drawn = calloc(np, sizeof(int));
    out->draw = calloc((size_t)s->draws, sizeof(int));
    gsl_matrix *L = gsl_matrix_alloc((size_t)s->n, (size_t)s->n);
    int rc = SPR_OK;
    if (!out->proposal || !out->objective || !out->log_weight || !out->times_drawn || !out->draw || !L)
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %d proposals", s->proposals);
    if (rc == SPR_OK) rc = hessian_at(s, optimum, f, ctx, out->hessian, err);
    if (rc == SPR_OK) rc = proposal_of(s, out, L, err);
    if (rc == SPR_OK) rc = propose_and_weigh(s, L, f, ctx, out, err);
    if (rc == SPR_OK) resample(s, out);
    gsl_matrix_free(L);
    return rc;
}

/* ---- stage 2 of a calibration ------------------------------------------------ */

typedef struct {
    const spr_calib_file *cf;
    double model[SPR_CALIB_MAX_TARGETS];
} sir_state;

static int calib_objective(void *ctx, const double *u, double *objective, spr_error *err)
{
    sir_state *st = ctx;
    double theta[SPR_CALIB_MAX_PARAMS];
    for (int j = 0; j < st->cf->n_params; j++) theta[j] = spr_calib_natural(&st->cf->params[j], u[j]);
    return spr_calib_evaluate(st->cf, theta, st->model, objective, err);
}

/* The prior's support on the transformed scale: the bounds, transformed
 * (a logit maps them to the whole line). */
static void support_of(const spr_calib_param *p, double *lo, double *hi)
{
    if (p->transform == SPR_TRANSFORM_LOGIT) *lo = -HUGE_VAL, *hi = HUGE_VAL;
    else *lo = spr_calib_transformed(p, p->lower), *hi = spr_calib_transformed(p, p->upper);
}

/* The axes of stage 2 around r's fit: each parameter's support, finite-
 * difference step and fitted value on the transformed scale, and its name. */
static void fit_axes(const spr_calib_file *cf, const spr_calib_result *r, double *lo, double *hi, double *step, double *u,
                     const char **names)
{
    for (int j = 0; j < cf->n_params; j++) {
        support_of(&cf->params[j], &lo[j], &hi[j]);
        step[j] = cf->sir_step * initial_step(&cf->params[j]);
        u[j] = spr_calib_transformed(&cf->params[j], r->fitted[j]);
        names[j] = cf->params[j].def->key;
    }
}

int spr_calib_standard_errors(const spr_calib_file *cf, const spr_calib_result *r, double *sd_u, spr_error *err)
{
    int n = cf->n_params;
    double lo[SPR_CALIB_MAX_PARAMS], hi[SPR_CALIB_MAX_PARAMS], step[SPR_CALIB_MAX_PARAMS], u[SPR_CALIB_MAX_PARAMS];
    double H[SPR_CALIB_MAX_PARAMS * SPR_CALIB_MAX_PARAMS];
    const char *names[SPR_CALIB_MAX_PARAMS];
    fit_axes(cf, r, lo, hi, step, u, names);
    spr_sir_setup s = {n, lo, hi, step, names, 1.0, 0, 0, 0};
    sir_state st = {cf, {0}};
    int rc = hessian_at(&s, u, calib_objective, &st, H, err);
    if (rc != SPR_OK) return rc;
    gsl_matrix *A = gsl_matrix_alloc((size_t)n, (size_t)n);
    if (A == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the Hessian");
    /* Laplace: covariance 2 H^-1 of u (each axis alone where H is not
     * positive definite; NaN where even that is not positive) */
    double cov[SPR_CALIB_MAX_PARAMS * SPR_CALIB_MAX_PARAMS];
    int diagonal;
    laplace_covariance(n, H, 2.0, cov, A, &diagonal);
    for (int j = 0; j < n; j++) sd_u[j] = sqrt(cov[j * n + j]);
    gsl_matrix_free(A);
    return SPR_OK;
}

int spr_calib_uncertainty(const spr_calib_file *cf, spr_calib_result *r, spr_error *err)
{
    int n = cf->n_params;
    double lo[SPR_CALIB_MAX_PARAMS], hi[SPR_CALIB_MAX_PARAMS], step[SPR_CALIB_MAX_PARAMS], u[SPR_CALIB_MAX_PARAMS];
    const char *names[SPR_CALIB_MAX_PARAMS];
    fit_axes(cf, r, lo, hi, step, u, names);
    spr_sir_setup s = {n, lo, hi, step, names, cf->sir_inflation, cf->sir_proposals, cf->sir_draws,
                       (uint64_t)cf->scenario.params.seed};
    sir_state *st = malloc(sizeof *st);
    if (st == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the uncertainty stage");
    st->cf = cf;
    double t0 = omp_get_wtime();
    int rc = spr_sir_run(&s, u, calib_objective, st, &r->sir, err);
    free(st);
    r->sir_seconds = omp_get_wtime() - t0;
    if (rc == SPR_OK && (r->draws = malloc(sizeof(double) * (size_t)cf->sir_draws * (size_t)n)) == NULL)
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %d draws", cf->sir_draws);
    for (int k = 0; k < cf->sir_draws && rc == SPR_OK; k++)
        for (int j = 0; j < n; j++)
            r->draws[(size_t)k * (size_t)n + (size_t)j] =
                spr_calib_natural(&cf->params[j], r->sir.proposal[(size_t)r->sir.draw[k] * (size_t)n + (size_t)j]);
    return rc;
}

void spr_calib_draws_summary(const spr_calib_result *r, double *mean, double *sd, double *correlation)
{
    int n = r->n_params, m = r->sir.draws;
    for (int j = 0; j < n; j++) mean[j] = gsl_stats_mean(r->draws + j, (size_t)n, (size_t)m);
    for (int j = 0; j < n; j++) sd[j] = m > 1 ? gsl_stats_sd_m(r->draws + j, (size_t)n, (size_t)m, mean[j]) : NAN;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            correlation[i * n + j] = m > 1 ? gsl_stats_correlation(r->draws + i, (size_t)n, r->draws + j, (size_t)n, (size_t)m) : NAN;
}

/* ---- outputs -------------------------------------------------------------- */

static void csv_field(spr_text *t, const char *s)
{
    spr_text_add(t, "\"");
    for (; *s; s++) spr_text_add(t, *s == '"' ? "\"\"" : "%c", *s);
    spr_text_add(t, "\"");
}

static const char *sex_name(int sex) { return sex == SPR_SEX_BOTH ? "both" : sex == SPR_MALE ? "male" : "female"; }

static void make_csv(spr_text *t, const spr_calib_file *cf, const spr_calib_result *r)
{
    spr_text_add(t, "kind,name,sex,age_from,age_to,year_from,year_to,target,se,model,residual,start,lower,upper,"
                    "transform,fitted,source\n");
    for (int i = 0; i < cf->n_targets; i++) {
        const spr_calib_target *g = &cf->targets[i];
        spr_text_add(t, "target,%s,%s,%d,", g->measure->name, sex_name(g->sex), g->age_from);
        if (g->age_to < 105) spr_text_add(t, "%d", g->age_to - 1);
        spr_text_add(t, ",%d,%d,%.17g,%.17g,%.17g,%.17g,,,,,,", g->year_from, g->year_to, g->value, g->se, r->model[i],
                     r->residual[i]);
        csv_field(t, g->source);
        spr_text_add(t, "\n");
    }
    for (int j = 0; j < cf->n_params; j++) {
        const spr_calib_param *p = &cf->params[j];
        spr_text_add(t, "parameter,%s,,,,,,,,,,%.17g,%.17g,%.17g,%s,%.17g,\n", p->def->key, p->start, p->lower, p->upper,
                     spr_transform_name(p->transform), r->fitted[j]);
    }
}

static void make_overlay(spr_text *t, const spr_calib_file *cf, const spr_calib_result *r)
{
    spr_text_add(t, "# Fitted by sprsim calibrate %s (commit %s): objective %.6g, %d iterations, %s.\n"
                    "# Use with: sprsim run SCENARIO.yaml --overlay THIS_FILE\n",
                 cf->path, SPRSIM_GIT_COMMIT, r->objective, r->iterations, r->converged ? "converged" : "NOT converged");
    for (int j = 0; j < cf->n_params; j++) spr_text_add(t, "%s: %.17g\n", cf->params[j].def->key, r->fitted[j]);
}

#define H5_OR_FAIL(expr, what)                                                                                          \
    do {                                                                                                             \
        if ((expr) < 0) {                                                                                            \
            rc = spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot %s in %s", what, path);                              \
            goto out;                                                                                                \
        }                                                                                                            \
    } while (0)

/* Every dataset carries its units and a description. */
static herr_t described(hid_t file, const char *name, herr_t made, const char *units, const char *description)
{
    if (made < 0) return made;
    if (H5LTset_attribute_string(file, name, "units", units) < 0) return -1;
    return H5LTset_attribute_string(file, name, "description", description);
}

static herr_t doubles(hid_t file, const char *name, int rank, const hsize_t *dims, const double *v, const char *units,
                      const char *description)
{
    return described(file, name, H5LTmake_dataset_double(file, name, rank, dims, v), units, description);
}

/* Stage 2: the group sir/ (proposals, objectives, weights, the Hessian and
 * the proposal's covariance, the draws in natural units). */
static int write_sir(hid_t file, const char *path, const spr_calib_file *cf, const spr_calib_result *r, spr_error *err)
{
    int rc = SPR_OK;
    const spr_sir_result *s = &r->sir;
    hid_t g = H5Gcreate2(file, "sir", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5_OR_FAIL(g, "create the group sir");
    H5_OR_FAIL(H5LTset_attribute_string(file, "sir", "method",
                                        "sampling-importance-resampling around the optimum: proposal N(u*, inflation^2 2 "
                                        "H^-1) on the transformed scale, prior uniform there within the bounds, weights "
                                        "exp(-objective / 2) / q, systematic resampling (docs/methods.md)"),
               "write the method");
    double attrs[3] = {s->ess, cf->sir_inflation, cf->sir_step};
    const char *attr_names[3] = {"ess", "inflation", "step"};
    for (int k = 0; k < 3; k++) H5_OR_FAIL(H5LTset_attribute_double(file, "sir", attr_names[k], &attrs[k], 1), "write an attribute");
    int ints[4] = {s->proposals, s->in_bounds, s->draws, s->diagonal};
    const char *int_names[4] = {"proposals", "in_bounds", "draws", "diagonal_fallback"};
    for (int k = 0; k < 4; k++) H5_OR_FAIL(H5LTset_attribute_int(file, "sir", int_names[k], &ints[k], 1), "write an attribute");
    hsize_t n = (hsize_t)s->n, nn[2] = {n, n}, pn[2] = {(hsize_t)s->proposals, n}, p1 = (hsize_t)s->proposals,
            dn[2] = {(hsize_t)s->draws, n}, d1 = (hsize_t)s->draws;
    H5_OR_FAIL(doubles(file, "sir/optimum", 1, &n, s->optimum, "transformed scale",
                       "the fit's optimum u* on each parameter's transformed scale (log, logit or none)"),
               "write the optimum");
    H5_OR_FAIL(doubles(file, "sir/hessian", 2, nn, s->hessian, "1 / transformed scale^2",
                       "Hessian of the objective at u* by central finite differences, common random numbers"),
               "write the Hessian");
    H5_OR_FAIL(doubles(file, "sir/covariance", 2, nn, s->covariance, "transformed scale^2",
                       "covariance of the proposal, inflation^2 x 2 H^-1 (or its diagonal, see diagonal_fallback)"),
               "write the covariance");
    H5_OR_FAIL(doubles(file, "sir/proposals", 2, pn, s->proposal, "transformed scale",
                       "every proposal [proposal][parameter], on the transformed scale"),
               "write the proposals");
    H5_OR_FAIL(doubles(file, "sir/objective", 1, &p1, s->objective, "1",
                       "objective of each proposal (NaN: outside the bounds, not run)"),
               "write the objectives");
    H5_OR_FAIL(doubles(file, "sir/log_weight", 1, &p1, s->log_weight, "1",
                       "log importance weight, -objective / 2 - log q, less the largest (-inf: outside the bounds)"),
               "write the weights");
    H5_OR_FAIL(described(file, "sir/draw_proposal", H5LTmake_dataset_int(file, "sir/draw_proposal", 1, &d1, s->draw), "index",
                         "the proposal (from 0) each resampled draw is"),
               "write the draws' proposals");
    H5_OR_FAIL(doubles(file, "sir/draws", 2, dn, r->draws, "parameter units",
                       "the resampled joint draws [draw][parameter], natural scale (PREFIX-draws.yaml)"),
               "write the draws");
out:
    if (g >= 0) H5Gclose(g);
    return rc;
}

/* The HDF5 file is built in memory and its image written with the one
 * atomic writer, so a failure leaves no partial file. */
static int make_h5(spr_text *t, const char *path, const spr_calib_file *cf, const spr_calib_result *r, spr_error *err)
{
    int rc = SPR_OK;
    hid_t file = spr_h5image_create(path, (size_t)1 << 20, err);
    if (file < 0) return err->code;
    H5_OR_FAIL(H5LTset_attribute_string(file, "/", "format", "sprsim calibration"), "write format");
    H5_OR_FAIL(H5LTset_attribute_string(file, "/", "sprsim_version", SPRSIM_VERSION), "write version");
    H5_OR_FAIL(H5LTset_attribute_string(file, "/", "git_commit", SPRSIM_GIT_COMMIT), "write git commit");
    H5_OR_FAIL(H5LTset_attribute_string(file, "/", "method", "Nelder-Mead simplex (gsl_multimin_fminimizer_nmsimplex2), "
                                                         "objective sum ((model - target) / se)^2, common random numbers"),
            "write method");
    int conv = r->converged, it = r->iterations, restarts = r->restarts;
    H5_OR_FAIL(H5LTset_attribute_int(file, "/", "converged", &conv, 1), "write converged");
    H5_OR_FAIL(H5LTset_attribute_int(file, "/", "iterations", &it, 1), "write iterations");
    H5_OR_FAIL(H5LTset_attribute_int(file, "/", "restarts", &restarts, 1), "write restarts");
    H5_OR_FAIL(H5LTset_attribute_double(file, "/", "objective", &r->objective, 1), "write objective");
    H5_OR_FAIL(H5LTset_attribute_double(file, "/", "simplex_size", &r->size, 1), "write size");
    H5_OR_FAIL(H5LTset_attribute_double(file, "/", "tolerance", &cf->tolerance, 1), "write tolerance");
    H5_OR_FAIL(H5LTset_attribute_double(file, "/", "seconds", &r->seconds, 1), "write seconds");
    H5_OR_FAIL(described(file, "calibration_yaml", H5LTmake_dataset_string(file, "calibration_yaml", cf->text), "text",
                         "the calibration file, as read"),
               "write the calibration file");
    H5_OR_FAIL(described(file, "scenario_yaml", H5LTmake_dataset_string(file, "scenario_yaml", cf->scenario.resolved_yaml),
                         "text", "the scenario fitted, every parameter resolved, with the run settings"),
               "write the scenario");
    hsize_t np = (hsize_t)cf->n_params, nt = (hsize_t)cf->n_targets, ne[2] = {(hsize_t)r->n_evaluations, np};
    H5_OR_FAIL(doubles(file, "fitted", 1, &np, r->fitted, "parameter units", "fitted value of each parameter (attribute keys)"),
               "write fitted");
    H5_OR_FAIL(doubles(file, "start", 1, &np, r->start, "parameter units", "start of the fit, each parameter"), "write start");
    H5_OR_FAIL(doubles(file, "target_model", 1, &nt, r->model, "target units", "model value of each target at the fit"),
               "write model values");
    H5_OR_FAIL(doubles(file, "target_residual", 1, &nt, r->residual, "standard errors",
                       "standardised residual of each target at the fit, (model - target) / se"),
               "write residuals");
    if (r->n_evaluations > 0) {
        H5_OR_FAIL(doubles(file, "evaluation_params", 2, ne, r->evaluation_params, "parameter units",
                           "parameters of each evaluation of the fit, in order [evaluation][parameter]"),
                   "write evaluations");
        H5_OR_FAIL(doubles(file, "evaluation_objective", 1, ne, r->evaluation_objective, "1",
                           "objective of each evaluation of the fit, sum of squared standardised residuals"),
                   "write objectives");
    }
    if (r->sir.proposals > 0 && (rc = write_sir(file, path, cf, r, err)) != SPR_OK) goto out;
    spr_text keys = {0};
    for (int j = 0; j < cf->n_params; j++) spr_text_add(&keys, "%s%s", j ? "\n" : "", cf->params[j].def->key);
    if (keys.oom) rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %s", path);
    else if (H5LTset_attribute_string(file, "fitted", "keys", keys.s) < 0)
        rc = spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot write the keys in %s", path);
    spr_text_free(&keys);
    if (rc != SPR_OK) goto out;
    void *image = NULL;
    size_t size = 0;
    rc = spr_h5image_take(file, &image, &size, path, err);
    if (rc == SPR_OK) {
        t->s = image;
        t->len = t->cap = size;
    }
out:
    if (H5Fclose(file) < 0 && rc == SPR_OK) rc = spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot close %s", path);
    if (rc != SPR_OK) spr_text_free(t);
    return rc;
}

/* Every proposal: index, in bounds, objective, log weight, times resampled, values (natural scale). */
static void make_proposals_csv(spr_text *t, const spr_calib_file *cf, const spr_calib_result *r)
{
    const spr_sir_result *s = &r->sir;
    spr_text_add(t, "proposal,in_bounds,objective,log_weight,times_resampled");
    for (int j = 0; j < cf->n_params; j++) spr_text_add(t, ",%s", cf->params[j].def->key);
    spr_text_add(t, "\n");
    for (int p = 0; p < s->proposals; p++) {
        int in = !isnan(s->objective[p]);
        spr_text_add(t, "%d,%d,", p, in);
        if (in) spr_text_add(t, "%.17g,%.17g", s->objective[p], s->log_weight[p]);
        else spr_text_add(t, ",");
        spr_text_add(t, ",%d", s->times_drawn[p]);
        for (int j = 0; j < cf->n_params; j++)
            spr_text_add(t, ",%.17g", spr_calib_natural(&cf->params[j], s->proposal[(size_t)p * (size_t)s->n + (size_t)j]));
        spr_text_add(t, "\n");
    }
}

/* The joint draws as a calibration_draws overlay (sprsim/scenario.h). */
static void make_draws_overlay(spr_text *t, const spr_calib_file *cf, const spr_calib_result *r)
{
    char date[32];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
    spr_text_add(t, "# %d joint draws of the calibrated parameters by sampling-importance-resampling around the fit\n"
                    "# (effective sample size %.1f of %d proposals, %d within the bounds).  A run with this overlay\n"
                    "# gives each parameter draw one whole row: sprsim run SCENARIO.yaml --overlay THIS_FILE\n"
                    "#   --set simulation.replicates_per_draw=K (replicates a multiple of K)\n",
                 r->sir.draws, r->sir.ess, r->sir.proposals, r->sir.in_bounds);
    spr_text_add(t, "calibration_draws:\n  source: \"sprsim calibrate ");
    for (const char *c = cf->path; *c; c++) spr_text_add(t, *c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
    spr_text_add(t, " (commit %s, %s)\"\n  keys: [", SPRSIM_GIT_COMMIT, date);
    for (int j = 0; j < cf->n_params; j++) spr_text_add(t, "%s%s", j ? ", " : "", cf->params[j].def->key);
    spr_text_add(t, "]\n  values:\n");
    for (int k = 0; k < r->sir.draws; k++) {
        spr_text_add(t, "    - [");
        for (int j = 0; j < cf->n_params; j++) spr_text_add(t, "%s%.17g", j ? ", " : "", r->draws[(size_t)k * (size_t)cf->n_params + (size_t)j]);
        spr_text_add(t, "]\n");
    }
}

int spr_calib_write(const char *prefix, const spr_calib_file *cf, const spr_calib_result *r, spr_error *err)
{
    char path[1200];
    spr_text csv = {0}, overlay = {0}, h5 = {0};
    make_csv(&csv, cf, r);
    make_overlay(&overlay, cf, r);
    snprintf(path, sizeof path, "%s.h5", prefix);
    int rc = make_h5(&h5, path, cf, r, err);
    if (rc == SPR_OK) rc = spr_text_write_file(path, &h5, err);
    snprintf(path, sizeof path, "%s.csv", prefix);
    if (rc == SPR_OK) rc = spr_text_write_file(path, &csv, err);
    snprintf(path, sizeof path, "%s-overlay.yaml", prefix);
    if (rc == SPR_OK) rc = spr_text_write_file(path, &overlay, err);
    if (rc == SPR_OK && r->sir.proposals > 0) {
        spr_text proposals = {0}, draws = {0};
        make_proposals_csv(&proposals, cf, r);
        make_draws_overlay(&draws, cf, r);
        snprintf(path, sizeof path, "%s-proposals.csv", prefix);
        rc = spr_text_write_file(path, &proposals, err);
        snprintf(path, sizeof path, "%s-draws.yaml", prefix);
        if (rc == SPR_OK) rc = spr_text_write_file(path, &draws, err);
        spr_text_free(&proposals);
        spr_text_free(&draws);
    }
    spr_text_free(&h5);
    spr_text_free(&csv);
    spr_text_free(&overlay);
    return rc;
}
