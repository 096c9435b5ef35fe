#include "sprsim/emulate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "sprsim/model.h"

/* The studies (docs/validation.md, "Total effects of taking part").  Each
 * took people 65+ not certified at baseline; "taking part" is the model's
 * participation in a community group at the baseline month. */
static const spr_em_study STUDIES[] = {
    {"takahashi2019_death", "Takahashi et al. 2019, BMJ Open 9:e030500 (AGES, 6 municipalities, n = 9,741)",
     "death within 9.4 years (vs alive without LTC need)", SPR_EM_DEATH, SPR_EM_ODDS_RATIO, 65, 113, 0, 1, 0.78, 0.70,
     0.88, "effects.hr_death_direct"},
    {"takahashi2019_ltc", "Takahashi et al. 2019, BMJ Open 9:e030500 (AGES, 6 municipalities, n = 9,741)",
     "alive with LTC need after 9.4 years (vs alive without)", SPR_EM_CERTIFICATION, SPR_EM_ODDS_RATIO, 65, 113, 0, 1,
     0.82, 0.69, 0.97, NULL},
    {"hikichi2017_dementia", "Hikichi et al. 2017, Alzheimers Dement (TRCI) 3:23 (Taketoyo, 7 years)",
     "dementia (cognitive disability) within 7 years", SPR_EM_DEMENTIA, SPR_EM_ODDS_RATIO, 65, 84, 1, 0, 0.73, 0.54,
     0.99, "effects.hr_dementia"},
    {"kanamori2014_ltc", "Kanamori et al. 2014, PLoS One 9:e99638 (AGES, n = 12,951; one type of group)",
     "new LTC certification over 4 years", SPR_EM_CERTIFICATION, SPR_EM_HAZARD_RATIO, 65, 48, 0, 0, 0.83, 0.73, 0.95,
     "effects.hr_certification"},
    {"hikichi2015_ltc", "Hikichi et al. 2015, J Epidemiol Community Health 69:905 (Taketoyo salons, n = 2,421)",
     "new LTC certification over 5 years", SPR_EM_CERTIFICATION, SPR_EM_HAZARD_RATIO, 65, 60, 0, 0, 0.49, 0.33, 0.72,
     NULL},
};
enum { N_STUDIES = sizeof STUDIES / sizeof STUDIES[0] };

const spr_em_study *spr_em_studies(int *n)
{
    *n = N_STUDIES;
    return STUDIES;
}

const spr_em_study *spr_em_study_find(const char *id)
{
    for (int i = 0; i < N_STUDIES; i++)
        if (strcmp(STUDIES[i].id, id) == 0) return &STUDIES[i];
    return NULL;
}

/* ---- the regression ------------------------------------------------------ */

/* Covariates at baseline: exposure, sex, age band (65-69 the reference,
 * 70-74, 75-79, 80-84, 85+), limitation, isolation, living alone, dementia. */
enum { C_EXPOSED, C_FEMALE, C_LIMITED, C_ISOLATED, C_ALONE, C_DEMENTIA, N_FLAGS };
enum { AGE_GROUPS = 5, PATTERNS = (1 << N_FLAGS) * AGE_GROUPS };
/* columns: intercept, the flags, 4 age bands, then (hazard ratios) the follow-up years after the first */
enum { COL_FLAGS = 1, COL_AGE = COL_FLAGS + N_FLAGS, COL_YEARS = COL_AGE + AGE_GROUPS - 1 };

typedef struct {
    int n_cells, n_cols;
    double *y, *n; /* events; trials (logistic) or person-years (Poisson) */
    int *pattern, *year;
} cells;

static int age_group(int age) { return age >= 85 ? 4 : (age - 65) / 5 < 0 ? 0 : (age - 65) / 5; }

static int pattern_of(const spr_cohort *c, size_t j)
{
    int st = c->state[j], flags = 0;
    flags |= c->exposed[j] << C_EXPOSED;
    flags |= (c->female[j] != 0) << C_FEMALE;
    flags |= (spr_state_func(st) == SPR_FUNC_LIMITED) << C_LIMITED;
    flags |= spr_state_isolated(st) << C_ISOLATED;
    flags |= spr_state_alone(st) << C_ALONE;
    flags |= spr_state_dementia(st) << C_DEMENTIA;
    return flags * AGE_GROUPS + age_group(c->age_years[j]);
}

/* Fills row k of X for the cell's pattern and follow-up year; the column
 * skip (-1: none) is left out and the later ones move left. */
static void design_row(gsl_matrix *X, size_t k, int pattern, int year, int n_years, int skip)
{
    int flags = pattern / AGE_GROUPS, ag = pattern % AGE_GROUPS, cols = COL_YEARS + n_years - 1;
    for (int col = 0, to = 0; col < cols; col++) {
        if (col == skip) continue;
        double x = col == 0              ? 1.0
                   : col < COL_AGE       ? (flags >> (col - COL_FLAGS)) & 1
                   : col < COL_YEARS     ? ag == col - COL_AGE + 1
                                         : year == col - COL_YEARS + 1;
        gsl_matrix_set(X, k, (size_t)to++, x);
    }
}

/* The deviance of the fit (twice the log-likelihood ratio against the saturated model). */
static double deviance(int poisson, const gsl_matrix *X, const gsl_vector *beta, const double *y, const double *n,
                       gsl_vector *eta)
{
    gsl_blas_dgemv(CblasNoTrans, 1.0, X, beta, 0.0, eta);
    double d = 0;
    for (size_t i = 0; i < X->size1; i++) {
        double e = gsl_vector_get(eta, i);
        if (poisson) {
            double mu = n[i] * exp(e);
            d += (y[i] > 0 ? y[i] * log(y[i] / mu) : 0) - (y[i] - mu);
        } else {
            double mu = n[i] / (1.0 + exp(-e));
            d += (y[i] > 0 ? y[i] * log(y[i] / mu) : 0) + (n[i] - y[i] > 0 ? (n[i] - y[i]) * log((n[i] - y[i]) / (n[i] - mu)) : 0);
        }
    }
    return 2 * d;
}

/* beta = A^+ b and cov = A^+ for the symmetric positive semi-definite A
 * (cols x cols), by singular value decomposition: directions of A with
 * singular values below 1e-10 of the largest (covariates no member has,
 * covariates that coincide in a small cohort) are left out, so beta is the
 * minimum-norm solution and every estimable contrast (the exposure's
 * coefficient among them) keeps its value and variance. */
static int solve_pseudo(gsl_matrix *A, const gsl_vector *b, gsl_vector *beta, gsl_matrix *cov)
{
    size_t n = A->size1;
    gsl_matrix *V = gsl_matrix_alloc(n, n);
    gsl_vector *S = gsl_vector_alloc(n), *work = gsl_vector_alloc(n);
    int rc = V && S && work ? gsl_linalg_SV_decomp(A, V, S, work) : GSL_ENOMEM; /* A becomes U */
    if (rc == 0) {
        double smax = gsl_vector_get(S, 0);
        gsl_matrix_set_zero(cov);
        for (size_t k = 0; k < n; k++) {
            double sk = gsl_vector_get(S, k);
            if (!(sk > 1e-10 * smax)) continue;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                    cov->data[i * cov->tda + j] += gsl_matrix_get(V, i, k) * gsl_matrix_get(A, j, k) / sk;
        }
        gsl_blas_dgemv(CblasNoTrans, 1.0, cov, b, 0.0, beta);
    }
    gsl_vector_free(work);
    gsl_vector_free(S);
    gsl_matrix_free(V);
    return rc;
}

/* Iteratively reweighted least squares for a Poisson model with log link
 * and log person-years offset (poisson != 0) or a binomial model with logit
 * link: each step solves the weighted normal equations X'WX beta = X'Wz;
 * at convergence (X'WX)^+ is the inverse Fisher information, the
 * coefficients' covariance. */
static int glm_fit(int poisson, const gsl_matrix *X, const double *y, const double *n, gsl_vector *beta, gsl_matrix *cov,
                   int *iterations, spr_error *err)
{
    size_t rows = X->size1, cols = X->size2;
    gsl_vector *eta = gsl_vector_alloc(rows), *b = gsl_vector_alloc(cols);
    gsl_matrix *A = gsl_matrix_alloc(cols, cols);
    int rc = SPR_OK;
    if (!eta || !b || !A) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the regression");
        goto out;
    }
    double sy = 0, sn = 0;
    for (size_t i = 0; i < rows; i++) sy += y[i], sn += n[i];
    if (!(sy > 0) || !(sy < sn || poisson)) {
        rc = spr_error_set(err, SPR_ERR_NUMERIC, "the regression has %g events in %g %s: nothing to compare", sy, sn,
                           poisson ? "person-years" : "people");
        goto out;
    }
    gsl_vector_set_zero(beta);
    gsl_vector_set(beta, 0, poisson ? log(sy / sn) : log(sy / (sn - sy)));
    int it, converged = 0;
    double dev_prev = INFINITY;
    for (it = 1; it <= 100; it++) {
        gsl_blas_dgemv(CblasNoTrans, 1.0, X, beta, 0.0, eta);
        gsl_matrix_set_zero(A);
        gsl_vector_set_zero(b);
        for (size_t i = 0; i < rows; i++) {
            double e = gsl_vector_get(eta, i), wi, zi;
            if (poisson) {
                double mu = n[i] * exp(e);
                wi = mu;
                zi = mu > 0 ? e + (y[i] - mu) / mu : e;
            } else {
                double p = 1.0 / (1.0 + exp(-e));
                wi = n[i] * p * (1 - p);
                zi = wi > 0 ? e + (y[i] - n[i] * p) / wi : e;
            }
            for (size_t j = 0; j < cols; j++) {
                double xj = gsl_matrix_get(X, i, j);
                if (xj == 0) continue;
                b->data[j * b->stride] += wi * xj * zi;
                for (size_t k = 0; k < cols; k++) A->data[j * A->tda + k] += wi * xj * gsl_matrix_get(X, i, k);
            }
        }
        /* after convergence, one more pass evaluates the information at the final coefficients (and the
         * step it takes is below the convergence tolerance) */
        if (solve_pseudo(A, b, beta, cov) != 0) {
            rc = spr_error_set(err, SPR_ERR_NUMERIC, "the regression's normal equations could not be solved (iteration %d)", it);
            goto out;
        }
        if (converged) break;
        /* converged when the deviance stops changing: a coefficient of a cell group without events runs
         * off towards -infinity without changing the fit, so the coefficients themselves need not settle */
        double dev = deviance(poisson, X, beta, y, n, eta);
        converged = fabs(dev - dev_prev) <= 1e-12 * (fabs(dev) + 1);
        dev_prev = dev;
    }
    if (it > 100) rc = spr_error_set(err, SPR_ERR_NUMERIC, "the regression did not converge in 100 iterations");
    *iterations = it;
out:
    gsl_matrix_free(A);
    gsl_vector_free(b);
    gsl_vector_free(eta);
    return rc;
}

/* ---- the studies --------------------------------------------------------- */

static int in_study(const spr_cohort *c, size_t j, const spr_em_study *s)
{
    int st = c->state[j];
    if (c->age_years[j] < s->min_age || spr_state_func(st) >= SPR_FUNC_SUPPORT) return 0;
    if (s->exclude_dementia && spr_state_dementia(st)) return 0;
    return 1;
}

static int happened(int16_t month, int follow) { return month >= 0 && month < follow; }

/* Logistic studies: one cell per pattern, y events of n people followed to
 * the end (people who moved away before it are lost to follow-up). */
static void tally_odds(const spr_cohort *c, const spr_em_study *s, double *y, double *n, spr_em_estimate *out)
{
    int F = s->follow_months;
    for (size_t j = 0; j < c->n; j++) {
        if (!in_study(c, j, s) || happened(c->departed[j], F)) continue;
        int died = happened(c->died[j], F), cert = happened(c->certified[j], F);
        int event;
        switch (s->outcome) {
        case SPR_EM_DEATH: event = died; break;
        case SPR_EM_CERTIFICATION: event = cert && !died; break;
        default: event = happened(c->demented[j], F); break;
        }
        if (s->vs_alive_without_ltc) {
            /* the other outcome category is left out of this comparison */
            int other = s->outcome == SPR_EM_DEATH ? (cert && !died) : died;
            if (other) continue;
        }
        int k = pattern_of(c, j);
        y[k] += event;
        n[k] += 1;
        out->n++;
        out->exposed += c->exposed[j];
        out->events += event;
    }
}

/* Hazard-ratio studies: person-years and events by pattern and follow-up
 * year, to the event, death, moving away or the end of follow-up. */
static void tally_hazard(const spr_cohort *c, const spr_em_study *s, int n_years, double *y, double *n,
                         spr_em_estimate *out)
{
    int F = s->follow_months;
    for (size_t j = 0; j < c->n; j++) {
        if (!in_study(c, j, s)) continue;
        int16_t ev = s->outcome == SPR_EM_DEATH ? c->died[j]
                     : s->outcome == SPR_EM_CERTIFICATION ? c->certified[j]
                                                          : c->demented[j];
        /* the event month counts whole (recorded at its end); death or moving away ends the time at risk */
        int end = F, event = 0;
        if (happened(ev, F)) end = ev + 1, event = 1;
        if (happened(c->died[j], F) && c->died[j] + 1 <= end && s->outcome != SPR_EM_DEATH) end = c->died[j] + 1, event = 0;
        if (happened(c->departed[j], F) && c->departed[j] + 1 <= end) end = c->departed[j] + 1, event = 0;
        int k = pattern_of(c, j);
        for (int t = 0; t < n_years && 12 * t < end; t++) {
            int months = (end < 12 * (t + 1) ? end : 12 * (t + 1)) - 12 * t;
            n[k * n_years + t] += months / 12.0;
            out->person_years += months / 12.0;
        }
        if (event) y[k * n_years + (end - 1) / 12] += 1;
        out->n++;
        out->exposed += c->exposed[j];
        out->events += event;
    }
}

int spr_emulate_study(const spr_cohort *c, const spr_em_study *s, spr_em_estimate *out, spr_error *err)
{
    memset(out, 0, sizeof *out);
    if (c->min_age > s->min_age || c->follow_months < s->follow_months)
        return spr_error_set(err, SPR_ERR_USAGE, "%s: the cohort (from age %d, %d months) cannot serve the study (from age "
                             "%d, %d months)", s->id, c->min_age, c->follow_months, s->min_age, s->follow_months);
    int hazard = s->estimand == SPR_EM_HAZARD_RATIO;
    int n_years = hazard ? (s->follow_months + 11) / 12 : 1;
    size_t n_cells = (size_t)PATTERNS * (size_t)n_years;
    double *y = calloc(n_cells, sizeof *y), *n = calloc(n_cells, sizeof *n);
    if (y == NULL || n == NULL) {
        free(y), free(n);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the study %s", s->id);
    }
    if (hazard) tally_hazard(c, s, n_years, y, n, out);
    else tally_odds(c, s, y, n, out);
    /* cells without anyone are left out; so are columns no cell uses (dementia in a study that excludes it) */
    size_t rows = 0;
    for (size_t k = 0; k < n_cells; k++) rows += n[k] > 0;
    int cols = COL_YEARS + n_years - 1;
    int drop_dementia = s->exclude_dementia;
    int rc = SPR_OK;
    gsl_matrix *X = gsl_matrix_alloc(rows ? rows : 1, (size_t)(cols - drop_dementia));
    gsl_vector *beta = gsl_vector_alloc((size_t)(cols - drop_dementia));
    gsl_matrix *cov = gsl_matrix_alloc((size_t)(cols - drop_dementia), (size_t)(cols - drop_dementia));
    double *yy = malloc((rows ? rows : 1) * sizeof *yy), *nn = malloc((rows ? rows : 1) * sizeof *nn);
    if (!X || !beta || !cov || !yy || !nn) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the study %s", s->id);
        goto out;
    }
    size_t r = 0;
    for (size_t k = 0; k < n_cells; k++) {
        if (!(n[k] > 0)) continue;
        design_row(X, r, (int)(k / (size_t)n_years), (int)(k % (size_t)n_years), n_years,
                   drop_dementia ? COL_FLAGS + C_DEMENTIA : -1);
        yy[r] = y[k];
        nn[r] = n[k];
        r++;
    }
    rc = glm_fit(hazard, X, yy, nn, beta, cov, &out->iterations, err);
    if (rc != SPR_OK) {
        char why[SPR_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->msg);
        spr_error_set(err, rc, "%s: %s", s->id, why);
        goto out;
    }
    double b = gsl_vector_get(beta, COL_FLAGS + C_EXPOSED), se = sqrt(gsl_matrix_get(cov, COL_FLAGS + C_EXPOSED, COL_FLAGS + C_EXPOSED));
    double zq = gsl_cdf_ugaussian_Pinv(0.975);
    out->estimate = exp(b);
    out->log_se = se;
    out->lower = exp(b - zq * se);
    out->upper = exp(b + zq * se);
out:
    free(nn);
    free(yy);
    gsl_matrix_free(cov);
    gsl_vector_free(beta);
    gsl_matrix_free(X);
    free(n);
    free(y);
    return rc;
}

int spr_emulate_cohort(const spr_params *p, int replicates, int baseline_month, spr_cohort **out, spr_error *err)
{
    int min_age = INT32_MAX, follow = 0;
    for (int i = 0; i < N_STUDIES; i++) {
        if (STUDIES[i].min_age < min_age) min_age = STUDIES[i].min_age;
        if (STUDIES[i].follow_months > follow) follow = STUDIES[i].follow_months;
    }
    spr_model *M = NULL;
    spr_cohort *c = NULL;
    int rc = spr_model_create(p, &M, err);
    if (rc == SPR_OK) rc = spr_cohort_create(baseline_month, follow, min_age, &c, err);
    for (int r = 0; r < replicates && rc == SPR_OK; r++) rc = spr_simulation_follow(p, M, r, c, err);
    spr_model_destroy(M);
    if (rc != SPR_OK) {
        spr_cohort_destroy(c);
        return rc;
    }
    *out = c;
    return SPR_OK;
}

int spr_emulate_all(const spr_params *p, int replicates, int baseline_month, spr_em_estimate *out, spr_error *err)
{
    spr_cohort *c;
    int rc = spr_emulate_cohort(p, replicates, baseline_month, &c, err);
    for (int i = 0; i < N_STUDIES && rc == SPR_OK; i++) rc = spr_emulate_study(c, &STUDIES[i], &out[i], err);
    spr_cohort_destroy(c);
    return rc;
}

/* ---- fitting the mechanism-level effects --------------------------------- */

typedef struct {
    const spr_param_def *def;
    int study;
    double x, fx;          /* log of the parameter and log ratio gap (emulated - published) */
    double x_prev, fx_prev;
    int have_prev;
} fit_param;

/* The parameters p's structure fits, each with the study that sets it. */
static int fit_params_of(const spr_params *p, fit_param *fp)
{
    int k = 0;
    spr_effect_structure s = spr_params_effect_structure(p);
    for (int i = 0; i < N_STUDIES; i++) {
        const char *key = NULL;
        if (s == SPR_EFFECTS_MEDIATED) key = STUDIES[i].fits;
        else if (s == SPR_EFFECTS_DEATH_ONLY && STUDIES[i].fits && STUDIES[i].outcome == SPR_EM_DEATH)
            key = "effects.hr_death_total";
        if (key == NULL) continue;
        memset(&fp[k], 0, sizeof fp[k]);
        fp[k].def = spr_param_find(key);
        fp[k].study = i;
        k++;
    }
    return k;
}

int spr_emulate_fit(spr_params *p, int replicates, int baseline_month, double tol_se, int max_iterations,
                    spr_em_estimate *out, int *converged, spr_emulate_progress_fn progress, void *ctx, spr_error *err)
{
    fit_param fp[N_STUDIES];
    int n = fit_params_of(p, fp);
    *converged = 0;
    if (n == 0) return spr_error_set(err, SPR_ERR_USAGE, "effects.structure '%s' has no effect to fit", p->eff_structure);
    for (int it = 0;; it++) {
        int rc = spr_emulate_all(p, replicates, baseline_month, out, err);
        if (rc != SPR_OK) return rc;
        if (progress) progress(ctx, it, p, out);
        int done = 1;
        for (int k = 0; k < n; k++) {
            const spr_em_study *s = &STUDIES[fp[k].study];
            const spr_em_estimate *e = &out[fp[k].study];
            fp[k].x = log(spr_param_get(p, fp[k].def));
            fp[k].fx = log(e->estimate) - log(s->published);
            if (fabs(fp[k].fx) > tol_se * e->log_se) done = 0;
        }
        if (done || it == max_iterations) {
            *converged = done;
            return SPR_OK;
        }
        for (int k = 0; k < n; k++) {
            /* slope of the emulated log ratio in the log parameter: the secant once there are two points;
             * at first 0.5, the dilution of an effect while taking part over years of joining and leaving */
            double slope = 0.5;
            if (fp[k].have_prev && fp[k].x != fp[k].x_prev) {
                double sec = (fp[k].fx - fp[k].fx_prev) / (fp[k].x - fp[k].x_prev);
                if (sec > 0.05 && sec < 5) slope = sec;
            }
            double step = -fp[k].fx / slope;
            if (step > 0.5) step = 0.5; /* at most a factor e^0.5 per iteration */
            if (step < -0.5) step = -0.5;
            double v = exp(fp[k].x + step);
            if (v < fp[k].def->min) v = fp[k].def->min;
            if (v > fp[k].def->max) v = fp[k].def->max;
            fp[k].x_prev = fp[k].x;
            fp[k].fx_prev = fp[k].fx;
            fp[k].have_prev = 1;
            spr_param_set(p, fp[k].def, v);
        }
    }
}
