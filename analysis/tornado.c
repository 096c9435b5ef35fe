#include "sprsim/tornado.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "sprsim/economics.h"
#include "sprsim/model.h"
#include "sprsim/simulation.h"

void spr_tornado_range(const spr_uncertain *u, double *low, double *high)
{
    switch (u->kind) {
    case SPR_DIST_NORMAL: *low = u->a - 1.959963984540054 * u->b, *high = u->a + 1.959963984540054 * u->b; break;
    case SPR_DIST_LOGNORMAL: *low = u->spec[1], *high = u->spec[2]; break;
    case SPR_DIST_GAMMA: *low = gsl_cdf_gamma_Pinv(0.025, u->a, u->b), *high = gsl_cdf_gamma_Pinv(0.975, u->a, u->b); break;
    case SPR_DIST_BETA: *low = gsl_cdf_beta_Pinv(0.025, u->a, u->b), *high = gsl_cdf_beta_Pinv(0.975, u->a, u->b); break;
    default: *low = u->a, *high = u->b; break;
    }
}

/* Mean net monetary benefit of policy against reference (paired replicates). */
static int nmb_of(const spr_params *ref, const spr_params *pol, const spr_report_options *o, double *nmb, spr_error *err)
{
    const spr_params *ps[2] = {ref, pol};
    spr_results *res[2] = {NULL, NULL};
    int rc = SPR_OK;
    for (int k = 0; k < 2 && rc == SPR_OK; k++) {
        spr_model *M = NULL;
        rc = spr_model_create(ps[k], &M, err);
        if (rc == SPR_OK) rc = spr_simulation_run(ps[k], M, &res[k], NULL, NULL, err);
        spr_model_destroy(M);
    }
    if (rc == SPR_OK) {
        double t = 0;
        for (int r = 0; r < res[1]->replicates; r++) {
            spr_ce_draw d;
            spr_report_ce(ref, res[1], res[0], r, o->discount_rate, &d);
            t += spr_econ_nmb(d.d_cost_yen, d.d_qaly, o->wtp_yen) / res[1]->replicates;
        }
        *nmb = t;
    }
    spr_results_destroy(res[0]);
    spr_results_destroy(res[1]);
    return rc;
}

/* A bar from "key=low,high". */
static int bar_of_vary(const char *vary, spr_tornado_bar *bar, spr_uncertain *what, spr_error *err)
{
    const char *eq = strchr(vary, '=');
    char *comma = NULL, *end = NULL;
    if (eq != NULL) {
        errno = 0;
        bar->low = strtod(eq + 1, &comma);
        if (comma != eq + 1 && *comma == ',') bar->high = strtod(comma + 1, &end);
    }
    if (eq == NULL || end == NULL || end == comma + 1 || *end != '\0' || errno != 0 || !isfinite(bar->low) ||
        !isfinite(bar->high) || (size_t)(eq - vary) >= sizeof bar->key)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "--vary '%s': expected KEY=LOW,HIGH, e.g. --vary mortality.hr_isolation=1.1,1.6", vary);
    snprintf(bar->key, sizeof bar->key, "%.*s", (int)(eq - vary), vary);
    const spr_param_def *d = spr_param_find(bar->key);
    if (d == NULL || d->count != 1 || d->type == SPR_PT_STRING || bar->low < d->min || bar->high > d->max)
        return spr_error_set(err, SPR_ERR_SCENARIO, "--vary '%s': not a scalar parameter, or a value outside %g..%g", vary,
                             d ? d->min : 0, d ? d->max : 0);
    size_t nt;
    what->param = (int)(d - spr_param_table(&nt));
    what->element = 0;
    return SPR_OK;
}

/* The bars: --vary first, then every distribution of the policy. */
static int make_bars(const spr_params *pol, const char *const *vary, int n_vary, spr_tornado_bar *bars,
                     spr_uncertain *what, int *n, spr_error *err)
{
    *n = 0;
    for (int k = 0; k < n_vary; k++, (*n)++) {
        int rc = bar_of_vary(vary[k], &bars[*n], &what[*n], err);
        if (rc != SPR_OK) return rc;
    }
    for (int k = 0; k < pol->n_uncertain; k++, (*n)++) { /* an array's element, or its whole multiplier, is one bar */
        spr_params_draw_column_name(pol, k, bars[*n].key, sizeof bars[*n].key);
        spr_tornado_range(&pol->uncertain[k], &bars[*n].low, &bars[*n].high);
        what[*n] = pol->uncertain[k];
    }
    if (*n == 0)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "tornado: nothing to vary: give --vary key=low,high or an overlay with distributions");
    return SPR_OK;
}

/* Do ref and pol share parameter d's values? */
static int same_values(const spr_params *ref, const spr_params *pol, const spr_param_def *d)
{
    if (d->count == 1) return spr_param_get(ref, d) == spr_param_get(pol, d);
    return memcmp((const char *)ref + d->offset, (const char *)pol + d->offset, (size_t)d->count * sizeof(double)) == 0;
}

/* The net benefit with the parameter (element, or whole array's multiplier)
 * of `what` at v, in the policy, and in the reference too when they share
 * its values. */
static int nmb_at(const spr_params *ref0, const spr_params *pol0, const spr_uncertain *what, const char *key, double v,
                  const spr_report_options *o, double *nmb, spr_error *err)
{
    size_t nt;
    const spr_param_def *d = &spr_param_table(&nt)[what->param];
    spr_params ref = *ref0, pol = *pol0;
    if (same_values(&ref, &pol, d)) spr_params_apply_uncertain(&ref, what, v);
    spr_params_apply_uncertain(&pol, what, v);
    spr_error sub;
    if (spr_params_validate(&pol, &sub) != SPR_OK || spr_params_validate(&ref, &sub) != SPR_OK)
        return spr_error_set(err, SPR_ERR_SCENARIO, "%s=%g: %s", key, v, sub.msg);
    return nmb_of(&ref, &pol, o, nmb, err);
}

int spr_tornado_run(const spr_params *ref_in, const spr_params *pol_in, const char *const *vary, int n_vary,
                    const spr_report_options *o, spr_tornado_bar **bars_out, int *n_bars, double *base_nmb,
                    void (*progress)(void *ctx, int done, int total, const char *key), void *ctx, spr_error *err)
{
    *bars_out = NULL;
    *n_bars = 0;
    spr_tornado_bar *bars = calloc((size_t)(n_vary + SPR_MAX_UNCERTAIN + 1), sizeof *bars);
    spr_uncertain *what = calloc((size_t)(n_vary + SPR_MAX_UNCERTAIN + 1), sizeof *what);
    int n = 0, rc = bars && what ? SPR_OK : spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %d bars", n_vary);
    if (rc == SPR_OK) rc = make_bars(pol_in, vary, n_vary, bars, what, &n, err);
    /* every other parameter at its central value: no draws */
    spr_params ref = *ref_in, pol = *pol_in;
    spr_params_fix(&ref);
    spr_params_fix(&pol);
    if (rc == SPR_OK) rc = nmb_of(&ref, &pol, o, base_nmb, err);
    for (int k = 0; k < n && rc == SPR_OK; k++)
        for (int side = 0; side < 2 && rc == SPR_OK; side++) {
            rc = nmb_at(&ref, &pol, &what[k], bars[k].key, side ? bars[k].high : bars[k].low, o,
                        side ? &bars[k].nmb_high : &bars[k].nmb_low, err);
            if (rc == SPR_OK && progress) progress(ctx, 2 * k + side + 1, 2 * n, bars[k].key);
        }
    free(what);
    if (rc != SPR_OK) {
        free(bars);
        return rc;
    }
    *bars_out = bars;
    *n_bars = n;
    return SPR_OK;
}
