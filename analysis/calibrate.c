#include "sprsim/calibrate.h"

#include "sprsim/h5image.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <omp.h>

#include "sprsim/model.h"
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
    int status = gsl_multimin_fminimizer_set(mm, &fn, x, step);
    if (s.rc == SPR_OK && status != GSL_SUCCESS)
        s.rc = spr_error_set(err, SPR_ERR_INTERNAL, "the minimiser cannot start: %s", gsl_strerror(status));
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
        if (progress) progress(ctx, out->iterations, out->n_evaluations, gsl_multimin_fminimizer_minimum(mm), out->size);
        if (gsl_multimin_test_size(out->size, cf->tolerance) == GSL_SUCCESS) {
            out->converged = 1;
            break;
        }
    }
    if (s.rc == SPR_OK) {
        const gsl_vector *best = gsl_multimin_fminimizer_x(mm);
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
    free(r->evaluation_params);
    free(r->evaluation_objective);
    r->evaluation_params = r->evaluation_objective = NULL;
    r->n_evaluations = r->cap_evaluations = 0;
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
    int conv = r->converged, it = r->iterations;
    H5_OR_FAIL(H5LTset_attribute_int(file, "/", "converged", &conv, 1), "write converged");
    H5_OR_FAIL(H5LTset_attribute_int(file, "/", "iterations", &it, 1), "write iterations");
    H5_OR_FAIL(H5LTset_attribute_double(file, "/", "objective", &r->objective, 1), "write objective");
    H5_OR_FAIL(H5LTset_attribute_double(file, "/", "simplex_size", &r->size, 1), "write size");
    H5_OR_FAIL(H5LTset_attribute_double(file, "/", "tolerance", &cf->tolerance, 1), "write tolerance");
    H5_OR_FAIL(H5LTset_attribute_double(file, "/", "seconds", &r->seconds, 1), "write seconds");
    H5_OR_FAIL(H5LTmake_dataset_string(file, "calibration_yaml", cf->text), "write the calibration file");
    H5_OR_FAIL(H5LTmake_dataset_string(file, "scenario_yaml", cf->scenario.resolved_yaml), "write the scenario");
    hsize_t np = (hsize_t)cf->n_params, nt = (hsize_t)cf->n_targets, ne[2] = {(hsize_t)r->n_evaluations, np};
    H5_OR_FAIL(H5LTmake_dataset_double(file, "fitted", 1, &np, r->fitted), "write fitted");
    H5_OR_FAIL(H5LTmake_dataset_double(file, "start", 1, &np, r->start), "write start");
    H5_OR_FAIL(H5LTmake_dataset_double(file, "target_model", 1, &nt, r->model), "write model values");
    H5_OR_FAIL(H5LTmake_dataset_double(file, "target_residual", 1, &nt, r->residual), "write residuals");
    if (r->n_evaluations > 0) {
        H5_OR_FAIL(H5LTmake_dataset_double(file, "evaluation_params", 2, ne, r->evaluation_params), "write evaluations");
        H5_OR_FAIL(H5LTmake_dataset_double(file, "evaluation_objective", 1, ne, r->evaluation_objective), "write objectives");
    }
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
    spr_text_free(&h5);
    spr_text_free(&csv);
    spr_text_free(&overlay);
    return rc;
}
