#include "sprsim/staffing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/economics.h"
#include "sprsim/model.h"
#include "sprsim/report.h"
#include "sprsim/simulation.h"
#include "sprsim/summary.h"

int spr_staffing_check_target(const spr_staff_target *t, spr_error *err)
{
    if (!(t->within_weeks > 0 && t->within_weeks < SPR_WAIT_WEEKS - 1))
        return spr_error_set(err, SPR_ERR_SCENARIO, "--within-weeks must be more than 0 and less than %d weeks, got %g",
                             SPR_WAIT_WEEKS - 1, t->within_weeks);
    if (t->within_weeks != floor(t->within_weeks))
        return spr_error_set(err, SPR_ERR_SCENARIO, "--within-weeks must be a whole number of weeks, got %g", t->within_weeks);
    if (!(t->share > 0 && t->share < 1))
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "--share must be between 0 and 1 (exclusive): a share of referrals, got %g (1 is impossible: "
                             "some referrals always arrive when every place is taken)", t->share);
    if (t->max_utilisation < 0 || t->max_utilisation > 1)
        return spr_error_set(err, SPR_ERR_SCENARIO, "--max-utilisation must be between 0 and 1, got %g", t->max_utilisation);
    if (t->max_utilisation > 0 && t->max_utilisation < 0.05)
        return spr_error_set(err, SPR_ERR_SCENARIO, "--max-utilisation %g cannot be met: link workers would be idle", t->max_utilisation);
    if (t->max_fte < 1 || t->max_fte > 10000)
        return spr_error_set(err, SPR_ERR_SCENARIO, "--max-fte must be from 1 to 10000, got %d", t->max_fte);
    if (t->confirm_replicates < 2)
        return spr_error_set(err, SPR_ERR_SCENARIO, "the confirmation needs at least 2 replicates, got %d", t->confirm_replicates);
    return SPR_OK;
}

typedef struct {
    const spr_params *p;
    const spr_staff_target *t;
    spr_staff_result *out;
    void (*progress)(void *, int, int);
    void *ctx;
} search;

/* Share of the referrals of years [y0, y1) first seen within `weeks`: first
 * contacts within the target over referrals made.  Referrals still waiting,
 * or who died waiting, count as not seen in time (a share of first contacts
 * alone would look better the longer the queue grows). */
static double share_within(const spr_results *res, int r, int y0, int y1, int weeks)
{
    double in = 0, referred = 0;
    for (int m = 12 * y0; m < 12 * y1 && m < res->months; m++) {
        const spr_programme_month *pm = &res->programme[(size_t)r * res->months + m];
        for (int w = 0; w < weeks && w < SPR_WAIT_WEEKS; w++) in += pm->wait_weeks[w];
        for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) referred += pm->referrals[s];
    }
    return referred > 0 ? fmin(1.0, in / referred) : NAN;
}

/* Runs the scenario with fte link workers and `replicates` replicates. */
static int evaluate(search *s, int fte, int replicates, spr_staff_level *lv, spr_error *err)
{
    spr_params q = *s->p;
    q.lw_fte = fte;
    q.replicates = replicates;
    q.replicates_per_draw = 1;
    q.n_uncertain = 0;
    spr_model *M = NULL;
    spr_results *res = NULL;
    int rc = spr_model_create(&q, &M, err);
    if (rc == SPR_OK) rc = spr_simulation_run(&q, M, &res, NULL, NULL, err);
    spr_model_destroy(M);
    if (rc != SPR_OK) return rc;
    if (s->progress) s->progress(s->ctx, fte, replicates);
    const spr_staff_target *t = s->t;
    int years = res->months / 12, w0 = t->warmup_years < years ? t->warmup_years : 0;
    double *v = calloc((size_t)replicates + 1, sizeof *v), *iso = calloc((size_t)replicates + 1, sizeof *iso);
    memset(lv, 0, sizeof *lv);
    lv->fte = fte;
    lv->replicates = replicates;
    lv->share_by_year = calloc((size_t)years, sizeof *lv->share_by_year);
    if (!v || !iso || !lv->share_by_year) {
        free(v);
        free(iso);
        spr_results_destroy(res);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    }
    int weeks = (int)t->within_weeks, met = 0;
    double active = 0, places = 0, served = 0, cost = 0, qaly = 0, prog = 0;
    for (int r = 0; r < replicates; r++) {
        v[r] = share_within(res, r, w0, years, weeks);
        iso[r] = spr_report_measure(&q, res, r, years - 1, SPR_M_ISOLATED_65);
        double a = 0, pl = 0;
        for (int m = 12 * w0; m < res->months; m++) {
            const spr_programme_month *pm = &res->programme[(size_t)r * res->months + m];
            a += pm->active;
            pl += pm->places;
            served += pm->first_contacts;
        }
        active += a;
        places += pl;
        double util_r = pl > 0 ? a / pl : 1;
        int meets_r = !isnan(v[r]) && v[r] >= t->share && (t->max_utilisation <= 0 || util_r <= t->max_utilisation);
        met += meets_r;
        for (int y = 0; y < years; y++) {
            double df = spr_econ_discount_factor(t->discount_rate, y);
            double c = spr_report_measure(&q, res, r, y, SPR_M_MEDICAL) + spr_report_measure(&q, res, r, y, SPR_M_LTC) +
                       spr_report_measure(&q, res, r, y, SPR_M_PROGRAMME);
            cost += df * c / replicates;
            qaly += df * spr_report_measure(&q, res, r, y, SPR_M_QALY) / replicates;
            prog += spr_report_measure(&q, res, r, y, SPR_M_PROGRAMME) / replicates / years;
        }
    }
    for (int y = 0; y < years; y++) {
        double in = 0, all = 0;
        for (int r = 0; r < replicates; r++) {
            double sh = share_within(res, r, y, y + 1, weeks);
            if (isnan(sh)) continue;
            double n = 0;
            for (int m = 12 * y; m < 12 * y + 12; m++)
                for (int src = 0; src < SPR_REFERRAL_SOURCES; src++) n += res->programme[(size_t)r * res->months + m].referrals[src];
            in += sh * n;
            all += n;
        }
        lv->share_by_year[y] = all > 0 ? in / all : NAN;
    }
    lv->share = gsl_stats_mean(v, 1, (size_t)replicates);
    double half = replicates > 1 ? gsl_cdf_tdist_Pinv(0.975, replicates - 1) * gsl_stats_sd(v, 1, (size_t)replicates) / sqrt(replicates) : 0;
    lv->share_lo = lv->share - half;
    lv->share_hi = lv->share + half;
    lv->isolated_65 = gsl_stats_mean(iso, 1, (size_t)replicates);
    half = replicates > 1 ? gsl_cdf_tdist_Pinv(0.975, replicates - 1) * gsl_stats_sd(iso, 1, (size_t)replicates) / sqrt(replicates) : 0;
    lv->isolated_65_lo = lv->isolated_65 - half;
    lv->isolated_65_hi = lv->isolated_65 + half;
    lv->utilisation = places > 0 ? active / places : NAN;
    lv->p_meets = (double)met / replicates;
    lv->meets = !isnan(lv->share) && lv->share >= t->share && (t->max_utilisation <= 0 || lv->utilisation <= t->max_utilisation);
    lv->wait_mean_days = spr_summary_interval(res, SPR_SUM_WAIT_MEAN).mean;
    lv->wait_p90_days = spr_summary_interval(res, SPR_SUM_WAIT_P90).mean;
    lv->served_per_year = served / replicates / (years - w0);
    lv->programme_cost_per_year = prog;
    lv->cost_disc = cost;
    lv->qaly_disc = qaly;
    free(v);
    free(iso);
    spr_results_destroy(res);
    return SPR_OK;
}

/* The level of fte evaluated with the search's replicates (evaluating it if needed). */
static int level(search *s, int fte, spr_staff_level **out, spr_error *err)
{
    spr_staff_result *R = s->out;
    for (int i = 0; i < R->n_levels; i++)
        if (R->levels[i].fte == fte) {
            *out = &R->levels[i];
            return SPR_OK;
        }
    spr_staff_level *lv = realloc(R->levels, sizeof *lv * (size_t)(R->n_levels + 1));
    if (lv == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    R->levels = lv;
    int rc = evaluate(s, fte, s->p->replicates, &R->levels[R->n_levels], err);
    if (rc != SPR_OK) return rc;
    *out = &R->levels[R->n_levels++];
    return SPR_OK;
}

/* Smallest fte in (lo, hi] meeting pred, given that hi meets it and lo does not (monotone). */
static int bisect(search *s, int lo, int hi, int year, int *found, spr_error *err)
{
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        spr_staff_level *lv;
        int rc = level(s, mid, &lv, err);
        if (rc != SPR_OK) return rc;
        int ok = year < 0 ? lv->meets : lv->share_by_year[year] >= s->t->share;
        if (ok) hi = mid;
        else lo = mid;
    }
    *found = hi;
    return SPR_OK;
}

static int cmp_fte(const void *a, const void *b)
{
    const spr_staff_level *x = a, *y = b;
    return (x->fte > y->fte) - (x->fte < y->fte);
}

static int staffing_search(const spr_params *p, const spr_staff_target *t, spr_staff_result *out,
                           void (*progress)(void *ctx, int fte, int replicates), void *ctx, spr_error *err)
{
    int rc = spr_staffing_check_target(t, err);
    if (rc != SPR_OK) return rc;
    out->years = p->years;
    out->recommended = -1;
    out->per_year = malloc(sizeof(int) * (size_t)p->years);
    if (out->per_year == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    search s = {p, t, out, progress, ctx};
    /* bracket: 1, 2, 4, ... link workers until the target holds */
    int lo = 0, hi = 1;
    spr_staff_level *lv;
    for (;;) {
        rc = level(&s, hi, &lv, err);
        if (rc != SPR_OK) return rc;
        if (lv->meets) break;
        if (hi >= t->max_fte)
            return spr_error_set(err, SPR_ERR_SCENARIO,
                                 "the target (%.0f%% first seen within %g weeks%s) is not met even with %d link workers "
                                 "(share %.3f, caseload in use %.0f%%): raise --max-fte or relax the target",
                                 100 * t->share, t->within_weeks, t->max_utilisation > 0 ? ", caseload use capped" : "",
                                 t->max_fte, lv->share, 100 * lv->utilisation);
        lo = hi;
        hi = hi * 2 < t->max_fte ? hi * 2 : t->max_fte;
    }
    int best;
    rc = bisect(&s, lo, hi, -1, &best, err);
    if (rc != SPR_OK) return rc;
    /* confirm the boundary with more replicates; move if the confirmation disagrees */
    spr_staff_level conf, below;
    memset(&below, 0, sizeof below);
    for (int step = 0; step < 4; step++) {
        rc = evaluate(&s, best, t->confirm_replicates, &conf, err);
        if (rc != SPR_OK) return rc;
        int ok = conf.meets;
        if (best > 1) {
            rc = evaluate(&s, best - 1, t->confirm_replicates, &below, err);
            if (rc != SPR_OK) {
                free(conf.share_by_year);
                return rc;
            }
        } else {
            below.p_meets = 0;
            below.meets = 0;
            below.share_by_year = NULL;
        }
        int moved = 0;
        if (!ok && best < t->max_fte) best++, moved = 1;
        else if (below.meets) best--, moved = 1;
        out->confidence = conf.p_meets;
        out->confidence_below = below.p_meets;
        free(conf.share_by_year);
        free(below.share_by_year);
        below.share_by_year = NULL;
        if (!moved) break;
    }
    out->recommended = best;
    /* the staffing each year needs: the same search on each year's share */
    for (int y = 0; y < p->years; y++) {
        int ylo = 0, yhi = -1;
        for (int i = 0; i < out->n_levels; i++) { /* tightest bracket from the levels run so far */
            spr_staff_level *l = &out->levels[i];
            if (l->share_by_year[y] >= t->share) {
                if (yhi < 0 || l->fte < yhi) yhi = l->fte;
            }
        }
        for (int i = 0; i < out->n_levels; i++) {
            spr_staff_level *l = &out->levels[i];
            if (!(l->share_by_year[y] >= t->share) && l->fte > ylo && (yhi < 0 || l->fte < yhi)) ylo = l->fte;
        }
        while (yhi < 0 && rc == SPR_OK) {
            int next = ylo < 1 ? 1 : ylo * 2;
            if (next > t->max_fte) break;
            rc = level(&s, next, &lv, err);
            if (rc == SPR_OK) {
                if (lv->share_by_year[y] >= t->share) yhi = next;
                else ylo = next;
            }
        }
        if (rc != SPR_OK) return rc;
        if (yhi < 0) out->per_year[y] = -1;
        else if ((rc = bisect(&s, ylo, yhi, y, &out->per_year[y], err)) != SPR_OK) return rc;
    }
    qsort(out->levels, (size_t)out->n_levels, sizeof *out->levels, cmp_fte);
    return SPR_OK;
}

int spr_staffing_search(const spr_params *p, const spr_staff_target *t, spr_staff_result *out,
                        void (*progress)(void *ctx, int fte, int replicates), void *ctx, spr_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = staffing_search(p, t, out, progress, ctx, err);
    if (rc != SPR_OK) spr_staff_result_free(out); /* nothing half-made is handed back */
    return rc;
}

void spr_staff_result_free(spr_staff_result *r)
{
    for (int i = 0; i < r->n_levels; i++) free(r->levels[i].share_by_year);
    free(r->levels);
    free(r->per_year);
    memset(r, 0, sizeof *r);
}
