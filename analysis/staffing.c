#include "sprsim/staffing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sprsim/economics.h"
#include "sprsim/measures.h"
#include "sprsim/model.h"
#include "sprsim/simulation.h"

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

/* Per replicate: the share seen in time over the target years, and whether
 * the replicate meets the target; the caseload in use and the first
 * contacts pooled over replicates. */
static void replicate_target(const spr_staff_target *t, const spr_params *q, const spr_results *res, int r,
                             const spr_selection *target_years, double *share, int *meets, spr_measure_sum *use,
                             double *served)
{
    spr_measure seen = *spr_measure_get(SPR_MEASURE_SEEN_WITHIN);
    seen.arg = (int)t->within_weeks;
    *share = spr_measure_value(&seen, q, res, r, target_years);
    const spr_measure *util = spr_measure_get(SPR_MEASURE_UTILISATION);
    spr_measure_sum u = {0, 0}, fc = {0, 0};
    util->add(util, q, res, r, target_years, &u);
    use->num += u.num;
    use->den += u.den;
    const spr_measure *first = spr_measure_get(SPR_MEASURE_FIRST_CONTACTS);
    first->add(first, q, res, r, target_years, &fc);
    *served += fc.num;
    double util_r = u.den > 0 ? u.num / u.den : 1;
    *meets = !isnan(*share) && *share >= t->share && (t->max_utilisation <= 0 || util_r <= t->max_utilisation);
}

/* Mean discounted cost (medical, LTC, programme) and QALYs, and the
 * programme's cost a year, over replicates. */
static void level_economics(const spr_staff_target *t, const spr_params *q, const spr_results *res, spr_staff_level *lv)
{
    int replicates = res->replicates, years = res->months / 12;
    double cost = 0, qaly = 0, prog = 0;
    for (int r = 0; r < replicates; r++)
        for (int y = 0; y < years; y++) {
            spr_period year = spr_period_year(y);
            double df = spr_econ_discount_factor(t->discount_rate, y);
            double c = spr_measure_at(SPR_MEASURE_MEDICAL, q, res, r, year) + spr_measure_at(SPR_MEASURE_LTC, q, res, r, year) +
                       spr_measure_at(SPR_MEASURE_PROGRAMME, q, res, r, year);
            cost += df * c / replicates;
            qaly += df * spr_measure_at(SPR_MEASURE_QALY, q, res, r, year) / replicates;
            prog += spr_measure_at(SPR_MEASURE_PROGRAMME, q, res, r, year) / replicates / years;
        }
    lv->cost_disc = cost;
    lv->qaly_disc = qaly;
    lv->programme_cost_per_year = prog;
}

/* The share seen in time each year, pooled over replicates (weighted by referrals). */
static void level_share_by_year(const spr_staff_target *t, const spr_params *q, const spr_results *res, spr_staff_level *lv)
{
    spr_measure seen = *spr_measure_get(SPR_MEASURE_SEEN_WITHIN);
    seen.arg = (int)t->within_weeks;
    for (int y = 0; y < res->months / 12; y++) {
        double in = 0, all = 0;
        for (int r = 0; r < res->replicates; r++) {
            spr_selection sel = spr_measure_selection(&seen, spr_period_year(y));
            double sh = spr_measure_value(&seen, q, res, r, &sel);
            if (isnan(sh)) continue;
            double n = spr_measure_at(SPR_MEASURE_REFERRALS, q, res, r, spr_period_year(y));
            in += sh * n;
            all += n;
        }
        lv->share_by_year[y] = all > 0 ? in / all : NAN;
    }
}

/* The mean over replicates of a measure over the whole projection. */
static double projection_mean(const spr_params *q, const spr_results *res, spr_measure_id id, double *scratch)
{
    for (int r = 0; r < res->replicates; r++) scratch[r] = spr_measure_at(id, q, res, r, spr_period_projection());
    return spr_interval_of(scratch, res->replicates, scratch).mean;
}

/* The measures of a level from its run. */
static int level_of_run(const spr_staff_target *t, const spr_params *q, const spr_results *res, spr_staff_level *lv,
                        spr_error *err)
{
    int replicates = res->replicates, years = res->months / 12, w0 = t->warmup_years < years ? t->warmup_years : 0;
    /* the share and isolation of each replicate, and scratch for their intervals */
    double *v = calloc(3 * ((size_t)replicates + 1), sizeof *v);
    lv->share_by_year = calloc((size_t)years, sizeof *lv->share_by_year);
    if (!v || !lv->share_by_year) {
        free(v);
        free(lv->share_by_year);
        lv->share_by_year = NULL;
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for a staffing level of %d replicates", replicates);
    }
    double *iso = v + replicates + 1, *scratch = iso + replicates + 1;
    spr_selection target_years = {spr_period_years(w0, years), SPR_SEX_BOTH, 0, SPR_AGE_BANDS};
    spr_measure_sum use = {0, 0};
    double served = 0;
    int met = 0;
    for (int r = 0; r < replicates; r++) {
        int meets_r;
        replicate_target(t, q, res, r, &target_years, &v[r], &meets_r, &use, &served);
        met += meets_r;
        iso[r] = spr_measure_at(SPR_MEASURE_ISOLATED_65, q, res, r, spr_period_year(years - 1));
    }
    level_economics(t, q, res, lv);
    level_share_by_year(t, q, res, lv);
    spr_interval share = spr_interval_of(v, replicates, scratch), isolated = spr_interval_of(iso, replicates, scratch);
    lv->share = share.mean, lv->share_lo = share.lo, lv->share_hi = share.hi;
    lv->isolated_65 = isolated.mean, lv->isolated_65_lo = isolated.lo, lv->isolated_65_hi = isolated.hi;
    lv->utilisation = use.den > 0 ? use.num / use.den : NAN;
    lv->p_meets = (double)met / replicates;
    lv->meets = !isnan(lv->share) && lv->share >= t->share && (t->max_utilisation <= 0 || lv->utilisation <= t->max_utilisation);
    lv->wait_mean_days = projection_mean(q, res, SPR_MEASURE_WAIT_MEAN, scratch);
    lv->wait_p90_days = projection_mean(q, res, SPR_MEASURE_WAIT_P90, scratch);
    lv->served_per_year = served / replicates / (years - w0);
    free(v);
    return SPR_OK;
}

/* Runs the scenario with fte link workers and `replicates` replicates. */
static int evaluate(search *s, int fte, int replicates, spr_staff_level *lv, spr_error *err)
{
    spr_params q = *s->p;
    q.lw_fte = fte;
    q.lw_fte_per_100000 = 0; /* the planner tries whole link workers, not the scenario's norm */
    q.replicates = replicates;
    q.replicates_per_draw = 1;
    spr_params_fix(&q);
    spr_model *M = NULL;
    spr_results *res = NULL;
    int rc = spr_model_create(&q, &M, err);
    if (rc == SPR_OK) rc = spr_simulation_run(&q, M, &res, NULL, NULL, err);
    spr_model_destroy(M);
    if (rc != SPR_OK) return rc;
    if (s->progress) s->progress(s->ctx, fte, replicates);
    memset(lv, 0, sizeof *lv);
    lv->fte = fte;
    lv->replicates = replicates;
    rc = level_of_run(s->t, &q, res, lv, err);
    spr_results_destroy(res);
    return rc;
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

/* Doubles the staffing (1, 2, 4, ...) until the target holds: the target
 * is met at *hi and not at *lo. */
static int bracket(search *s, int *lo, int *hi, spr_error *err)
{
    const spr_staff_target *t = s->t;
    *lo = 0, *hi = 1;
    for (;;) {
        spr_staff_level *lv;
        int rc = level(s, *hi, &lv, err);
        if (rc != SPR_OK) return rc;
        if (lv->meets) return SPR_OK;
        if (*hi >= t->max_fte)
            return spr_error_set(err, SPR_ERR_SCENARIO,
                                 "the target (%.0f%% first seen within %g weeks%s) is not met even with %d link workers "
                                 "(share %.3f, caseload in use %.0f%%): raise --max-fte or relax the target",
                                 100 * t->share, t->within_weeks, t->max_utilisation > 0 ? ", caseload use capped" : "",
                                 t->max_fte, lv->share, 100 * lv->utilisation);
        *lo = *hi;
        *hi = *hi * 2 < t->max_fte ? *hi * 2 : t->max_fte;
    }
}

/* Confirms the boundary with more replicates, moving it (at most 4 steps)
 * where the confirmation disagrees; records the confidence either side. */
static int confirm(search *s, int *best, spr_error *err)
{
    const spr_staff_target *t = s->t;
    spr_staff_level conf, below;
    memset(&below, 0, sizeof below);
    for (int step = 0; step < 4; step++) {
        int rc = evaluate(s, *best, t->confirm_replicates, &conf, err);
        if (rc != SPR_OK) return rc;
        int ok = conf.meets;
        if (*best > 1) {
            rc = evaluate(s, *best - 1, t->confirm_replicates, &below, err);
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
        if (!ok && *best < t->max_fte) ++*best, moved = 1;
        else if (below.meets) --*best, moved = 1;
        s->out->confidence = conf.p_meets;
        s->out->confidence_below = below.p_meets;
        free(conf.share_by_year);
        free(below.share_by_year);
        below.share_by_year = NULL;
        if (!moved) break;
    }
    return SPR_OK;
}

/* The staffing year y needs: the same search on that year's share,
 * starting from the tightest bracket the levels run so far give. */
static int staffing_of_year(search *s, int y, spr_error *err)
{
    const spr_staff_target *t = s->t;
    spr_staff_result *out = s->out;
    int ylo = 0, yhi = -1, rc = SPR_OK;
    for (int i = 0; i < out->n_levels; i++) {
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
        spr_staff_level *lv;
        rc = level(s, next, &lv, err);
        if (rc == SPR_OK) {
            if (lv->share_by_year[y] >= t->share) yhi = next;
            else ylo = next;
        }
    }
    if (rc != SPR_OK) return rc;
    if (yhi < 0) {
        out->per_year[y] = -1;
        return SPR_OK;
    }
    return bisect(s, ylo, yhi, y, &out->per_year[y], err);
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
    int lo, hi, best;
    if ((rc = bracket(&s, &lo, &hi, err)) != SPR_OK || (rc = bisect(&s, lo, hi, -1, &best, err)) != SPR_OK ||
        (rc = confirm(&s, &best, err)) != SPR_OK)
        return rc;
    out->recommended = best;
    for (int y = 0; y < p->years; y++)
        if ((rc = staffing_of_year(&s, y, err)) != SPR_OK) return rc;
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
