#include "sprsim/staffing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sprsim/economics.h"
#include "sprsim/measures.h"
#include "sprsim/model.h"
#include "sprsim/programme.h"
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
    if (!(t->max_fte >= 1 && t->max_fte <= 10000))
        return spr_error_set(err, SPR_ERR_SCENARIO, "--max-fte must be from 1 to 10000, got %g", t->max_fte);
    if (t->confirm_replicates < 2)
        return spr_error_set(err, SPR_ERR_SCENARIO, "the confirmation needs at least 2 replicates, got %d", t->confirm_replicates);
    return SPR_OK;
}

spr_interval spr_staff_share_interval(const double *v, int n, double *scratch)
{
    spr_interval iv = spr_interval_of(v, n, scratch);
    double m = iv.mean, half = iv.hi - iv.mean; /* half = t SE */
    if (iv.n < 2 || !(m > 0 && m < 1) || !(half > 0)) {
        iv.lo = iv.hi = m; /* 0 or 1 only when every replicate is: nothing varies */
        return iv;
    }
    double l = log(m / (1 - m)), d = half / (m * (1 - m));
    iv.lo = 1 / (1 + exp(-(l - d)));
    iv.hi = 1 / (1 + exp(-(l + d)));
    return iv;
}

typedef struct {
    const spr_params *p;
    const spr_staff_target *t;
    spr_staff_result *out;
    void (*progress)(void *, double, int);
    void *ctx;
    int teams;
    double step_fte; /* one post */
    int max_posts;   /* the most posts a team is given: floor(max_fte / step) */
} search;

/* A team's staff in posts from its FTE (a whole number of steps, so rounding only removes float noise). */
static int posts_of(const search *s, double fte) { return (int)lround(fte / s->step_fte); }

/* The target years of a run: warm-up years left out (none if the run is shorter). */
static int first_target_year(const spr_staff_target *t, int years) { return t->warmup_years < years ? t->warmup_years : 0; }

/* Replicate r's (r < 0: every replicate's) first contacts and censored waits of team k by week over
 * months [m0, m1), and the team's caseload in use and places. */
static void team_waits(const spr_results *res, int r, int k, int m0, int m1, int64_t *events, int64_t *censored,
                       double *active, double *places)
{
    int r0 = r < 0 ? 0 : r, r1 = r < 0 ? res->replicates : r + 1;
    for (int rr = r0; rr < r1; rr++)
        for (int m = m0; m < m1; m++) {
            const spr_team_month *tm = &res->team[spr_results_team_index(res, rr, m, k)];
            for (int w = 0; w < SPR_WAIT_WEEKS; w++) events[w] += tm->wait_weeks[w], censored[w] += tm->censored_weeks[w];
            *active += tm->active;
            *places += tm->places;
        }
}

/* Whether a share seen in time (and a caseload in use) meets the target. */
static int meets_target(const spr_staff_target *t, double share, double utilisation)
{
    return !isnan(share) && share >= t->share && (t->max_utilisation <= 0 || utilisation <= t->max_utilisation);
}

/* Team k's measures in a run: per replicate, its share seen in time over the target years and
 * whether it meets the target (all_met[r] is cleared where it does not); its referrals and
 * link-worker cost a year; its share each year. */
static void team_of_run(const spr_staff_target *t, const spr_results *res, int k, spr_staff_team_level *tl, double *v,
                        int *all_met, double *scratch)
{
    int years = res->months / 12, w0 = first_target_year(t, years), m0 = 12 * w0, m1 = 12 * years;
    double use = 0, places = 0, referrals = 0, cost = 0;
    int met = 0;
    for (int r = 0; r < res->replicates; r++) {
        int64_t ev[SPR_WAIT_WEEKS] = {0}, ce[SPR_WAIT_WEEKS] = {0};
        double u = 0, pl = 0;
        team_waits(res, r, k, m0, m1, ev, ce, &u, &pl);
        v[r] = spr_seen_within_km(ev, ce, (int)t->within_weeks);
        use += u, places += pl;
        int met_r = meets_target(t, v[r], pl > 0 ? u / pl : 1);
        met += met_r;
        all_met[r] &= met_r;
        /* referrals over the target years; the cost over the whole projection, as the programme's */
        for (int m = 0; m < res->months; m++) {
            const spr_team_month *tm = &res->team[spr_results_team_index(res, r, m, k)];
            if (m >= m0) referrals += tm->referrals;
            cost += tm->cost_link_workers_yen;
        }
    }
    spr_interval share = spr_staff_share_interval(v, res->replicates, scratch);
    tl->share = share.mean, tl->share_lo = share.lo, tl->share_hi = share.hi;
    tl->utilisation = places > 0 ? use / places : NAN;
    tl->p_meets = (double)met / res->replicates;
    tl->meets = meets_target(t, tl->share, tl->utilisation);
    tl->referrals_per_year = referrals / res->replicates / (years - w0);
    tl->link_worker_cost_per_year = cost / res->replicates / years;
    for (int y = 0; y < years; y++) {
        int64_t ev[SPR_WAIT_WEEKS] = {0}, ce[SPR_WAIT_WEEKS] = {0};
        double u = 0, pl = 0;
        team_waits(res, -1, k, 12 * y, 12 * y + 12, ev, ce, &u, &pl);
        tl->share_by_year[y] = spr_seen_within_km(ev, ce, (int)t->within_weeks);
    }
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

/* The municipality's share seen in time each year, every replicate's waits pooled. */
static void level_share_by_year(const spr_staff_target *t, const spr_params *q, const spr_results *res, spr_staff_level *lv)
{
    spr_measure seen = *spr_measure_get(SPR_MEASURE_SEEN_WITHIN);
    seen.arg = (int)t->within_weeks;
    for (int y = 0; y < res->months / 12; y++) {
        spr_selection sel = spr_measure_selection(&seen, spr_period_year(y));
        lv->share_by_year[y] = spr_measure_pooled(&seen, q, res, &sel);
    }
}

/* The mean over replicates of a measure over the whole projection. */
static double projection_mean(const spr_params *q, const spr_results *res, spr_measure_id id, double *scratch)
{
    for (int r = 0; r < res->replicates; r++) scratch[r] = spr_measure_at(id, q, res, r, spr_period_projection());
    return spr_interval_of(scratch, res->replicates, scratch).mean;
}

static void level_free(spr_staff_level *lv)
{
    free(lv->share_by_year); /* one block: the teams' series and the districts' referrals too */
    free(lv->team);
    lv->share_by_year = NULL, lv->team = NULL, lv->district_referrals_per_year = NULL;
}

/* The level's arrays: its and its teams' shares by year and its districts' referrals in one block. */
static int level_alloc(spr_staff_level *lv, int years, int teams, int districts, spr_error *err)
{
    lv->share_by_year = calloc((size_t)years * (size_t)(teams + 1) + (size_t)districts, sizeof *lv->share_by_year);
    lv->team = calloc((size_t)teams, sizeof *lv->team);
    if (!lv->share_by_year || !lv->team) {
        level_free(lv);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for a staffing level of %d teams", teams);
    }
    lv->teams = teams;
    for (int k = 0; k < teams; k++) lv->team[k].share_by_year = lv->share_by_year + (size_t)years * (size_t)(k + 1);
    lv->district_referrals_per_year = lv->share_by_year + (size_t)years * (size_t)(teams + 1);
    return SPR_OK;
}

/* Each district's referrals a year over the target years, mean over replicates. */
static void level_districts(const spr_staff_target *t, const spr_results *res, spr_staff_level *lv)
{
    int years = res->months / 12, w0 = first_target_year(t, years);
    for (int d = 0; d < res->districts; d++) {
        double n = 0;
        for (int r = 0; r < res->replicates; r++)
            for (int m = 12 * w0; m < res->months; m++) n += res->district[spr_results_district_index(res, r, m, d)].referrals;
        lv->district_referrals_per_year[d] = n / res->replicates / (years - w0);
    }
}

/* The measures of a level from its run (the teams' staff are already in lv->team[k].fte). */
static int level_of_run(const spr_staff_target *t, const spr_params *q, const spr_results *res, spr_staff_level *lv,
                        spr_error *err)
{
    int replicates = res->replicates, years = res->months / 12, w0 = first_target_year(t, years);
    /* the share of each replicate (municipality, then each team) and its isolation, and scratch */
    double *v = calloc((size_t)(res->teams + 3) * ((size_t)replicates + 1), sizeof *v);
    int *all_met = malloc(sizeof *all_met * (size_t)replicates); /* per replicate: every team meets the target */
    if (!v || !all_met) {
        free(v);
        free(all_met);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for a staffing level of %d replicates", replicates);
    }
    for (int r = 0; r < replicates; r++) all_met[r] = 1;
    double *iso = v + replicates + 1, *scratch = iso + replicates + 1, *tv = scratch + replicates + 1;
    spr_measure seen = *spr_measure_get(SPR_MEASURE_SEEN_WITHIN);
    seen.arg = (int)t->within_weeks;
    spr_selection target_years = {spr_period_years(w0, years), SPR_SEX_BOTH, 0, SPR_AGE_BANDS};
    spr_measure_sum use = {0, 0}, served = {0, 0};
    for (int r = 0; r < replicates; r++) {
        v[r] = spr_measure_value(&seen, q, res, r, &target_years);
        spr_measure_get(SPR_MEASURE_UTILISATION)->add(spr_measure_get(SPR_MEASURE_UTILISATION), q, res, r, &target_years, &use);
        spr_measure_get(SPR_MEASURE_FIRST_CONTACTS)->add(spr_measure_get(SPR_MEASURE_FIRST_CONTACTS), q, res, r,
                                                          &target_years, &served);
        iso[r] = spr_measure_at(SPR_MEASURE_ISOLATED_65, q, res, r, spr_period_year(years - 1));
    }
    level_economics(t, q, res, lv);
    level_share_by_year(t, q, res, lv);
    level_districts(t, res, lv);
    spr_interval share = spr_staff_share_interval(v, replicates, scratch), isolated = spr_interval_of(iso, replicates, scratch);
    lv->share = share.mean, lv->share_lo = share.lo, lv->share_hi = share.hi;
    lv->isolated_65 = isolated.mean, lv->isolated_65_lo = isolated.lo, lv->isolated_65_hi = isolated.hi;
    lv->utilisation = use.den > 0 ? use.num / use.den : NAN;
    lv->meets = 1;
    for (int k = 0; k < res->teams; k++) {
        team_of_run(t, res, k, &lv->team[k], tv + (size_t)k * (size_t)replicates, all_met, scratch);
        lv->meets = lv->meets && lv->team[k].meets;
    }
    int met = 0;
    for (int r = 0; r < replicates; r++) met += all_met[r];
    lv->p_meets = (double)met / replicates;
    lv->wait_mean_days = projection_mean(q, res, SPR_MEASURE_WAIT_MEAN, scratch);
    lv->wait_p90_days = projection_mean(q, res, SPR_MEASURE_WAIT_P90, scratch);
    lv->served_per_year = served.num / replicates / (years - w0);
    free(v);
    free(all_met);
    return SPR_OK;
}

/* The names of the teams and districts of a run, and which districts each team covers. */
static void describe_teams(const spr_results *res, spr_staff_result *out)
{
    for (int k = 0; k < out->teams; k++) {
        spr_staff_team *tm = &out->team[k];
        snprintf(tm->name, sizeof tm->name, "%s", res->team_name[k]);
        size_t len = 0;
        tm->districts[0] = '\0';
        for (int d = 0; d < res->districts; d++) {
            if (res->district_team[d] != k) continue;
            const char *name = res->district_name[d];
            if (len + strlen(name) + 6 >= sizeof tm->districts) {
                snprintf(tm->districts + len, sizeof tm->districts - len, "%s...", len > 0 ? ", " : "");
                break;
            }
            len += (size_t)snprintf(tm->districts + len, sizeof tm->districts - len, "%s%s", len > 0 ? ", " : "", name);
        }
    }
    for (int d = 0; d < out->districts; d++) {
        snprintf(out->district[d].name, sizeof out->district[d].name, "%s", res->district_name[d]);
        out->district[d].team = res->district_team[d];
    }
}

/* Runs the scenario with posts[k] posts in team k and `replicates` replicates. */
static int evaluate(search *s, const int *posts, int replicates, spr_staff_level *lv, spr_error *err)
{
    spr_params q = *s->p;
    int total = 0;
    q.n_team_fte = s->teams;
    for (int k = 0; k < s->teams; k++) q.team_fte[k] = posts[k] * s->step_fte, total += posts[k];
    q.lw_fte = total * s->step_fte;
    q.lw_fte_per_100000 = 0; /* the planner tries whole posts, not the scenario's norm */
    q.replicates = replicates;
    q.replicates_per_draw = 1;
    spr_params_fix(&q);
    spr_model *M = NULL;
    spr_results *res = NULL;
    int rc = spr_model_create(&q, &M, err);
    if (rc == SPR_OK) rc = spr_simulation_run(&q, M, &res, NULL, NULL, err);
    spr_model_destroy(M);
    if (rc != SPR_OK) return rc;
    if (s->progress) s->progress(s->ctx, q.lw_fte, replicates);
    memset(lv, 0, sizeof *lv);
    lv->fte = q.lw_fte;
    lv->replicates = replicates;
    rc = level_alloc(lv, res->months / 12, s->teams, res->districts, err);
    if (rc == SPR_OK) {
        for (int k = 0; k < s->teams; k++) lv->team[k].fte = q.team_fte[k];
        rc = level_of_run(s->t, &q, res, lv, err);
        if (rc != SPR_OK) level_free(lv);
    }
    if (rc == SPR_OK && s->out->team[0].name[0] == '\0') describe_teams(res, s->out);
    spr_results_destroy(res);
    return rc;
}

static int same_staff(const search *s, const spr_staff_level *lv, const int *posts)
{
    for (int k = 0; k < lv->teams; k++)
        if (posts_of(s, lv->team[k].fte) != posts[k]) return 0;
    return 1;
}

/* The level of the teams' posts evaluated with the search's replicates (evaluating it if needed). */
static int level(search *s, const int *posts, spr_staff_level **out, spr_error *err)
{
    spr_staff_result *R = s->out;
    for (int i = 0; i < R->n_levels; i++)
        if (same_staff(s, &R->levels[i], posts)) {
            *out = &R->levels[i];
            return SPR_OK;
        }
    spr_staff_level *lv = realloc(R->levels, sizeof *lv * (size_t)(R->n_levels + 1));
    if (lv == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    R->levels = lv;
    int rc = evaluate(s, posts, s->p->replicates, &R->levels[R->n_levels], err);
    if (rc != SPR_OK) return rc;
    *out = &R->levels[R->n_levels++];
    return SPR_OK;
}

/* By total staff, then by the teams' staff in order (levels of one total differ in how it is split). */
static int cmp_fte(const void *a, const void *b)
{
    const spr_staff_level *x = a, *y = b;
    if (x->fte != y->fte) return (x->fte > y->fte) - (x->fte < y->fte);
    for (int k = 0; k < x->teams; k++)
        if (x->team[k].fte != y->team[k].fte) return (x->team[k].fte > y->team[k].fte) - (x->team[k].fte < y->team[k].fte);
    return 0;
}

/* Whether team k meets the target in a level: over the target years (year < 0) or in one year. */
static int team_meets(const search *s, const spr_staff_level *lv, int k, int year)
{
    return year < 0 ? lv->team[k].meets : lv->team[k].share_by_year[year] >= s->t->share;
}

/* The error of team k, whose target is not met even with its most posts (level lv). */
static int not_met(const search *s, const spr_staff_level *lv, int k, spr_error *err)
{
    const spr_staff_target *t = s->t;
    char who[SPR_LABEL_MAX + 16] = "";
    if (s->teams > 1) snprintf(who, sizeof who, "team %s: ", s->out->team[k].name);
    return spr_error_set(err, SPR_ERR_SCENARIO,
                         "%sthe target (%.0f%% first seen within %g weeks%s) is not met even with %g FTE of link "
                         "workers (share %.3f, caseload in use %.0f%%): raise --max-fte or relax the target",
                         who, 100 * t->share, t->within_weeks, t->max_utilisation > 0 ? ", caseload use capped" : "",
                         lv->team[k].fte, lv->team[k].share, 100 * lv->team[k].utilisation);
}

/* The smallest number of posts of every team meeting the target over the target years (year < 0)
 * or in one year, all teams at once: each team's bracket starts from the levels run so far, doubles
 * (1, 2, 4, ... posts up to max_posts) until its target holds, then bisects; every run sets each
 * team's current trial staff.  A team not met at max_posts is an error over the target years, -1
 * in a year. */
static int joint_search(search *s, int year, int *found, spr_error *err)
{
    const int max_posts = s->max_posts;
    int T = s->teams, lo[SPR_MAX_TEAMS], hi[SPR_MAX_TEAMS], trial[SPR_MAX_TEAMS];
    const spr_staff_result *out = s->out;
    for (int k = 0; k < T; k++) {
        lo[k] = 0, hi[k] = -1;
        for (int i = 0; i < out->n_levels; i++) {
            int f = posts_of(s, out->levels[i].team[k].fte);
            if (team_meets(s, &out->levels[i], k, year) && (hi[k] < 0 || f < hi[k])) hi[k] = f;
        }
        for (int i = 0; i < out->n_levels; i++) {
            int f = posts_of(s, out->levels[i].team[k].fte);
            if (!team_meets(s, &out->levels[i], k, year) && f > lo[k] && (hi[k] < 0 || f < hi[k])) lo[k] = f;
        }
    }
    for (;;) {
        int searching = 0;
        for (int k = 0; k < T; k++) {
            if (hi[k] < 0 && lo[k] >= max_posts) trial[k] = max_posts; /* given up (a year beyond max_posts) */
            else if (hi[k] < 0) trial[k] = lo[k] < 1 ? 1 : (lo[k] * 2 < max_posts ? lo[k] * 2 : max_posts), searching = 1;
            else if (hi[k] - lo[k] > 1) trial[k] = lo[k] + (hi[k] - lo[k]) / 2, searching = 1;
            else trial[k] = hi[k];
        }
        if (!searching) break;
        spr_staff_level *lv;
        int rc = level(s, trial, &lv, err);
        if (rc != SPR_OK) return rc;
        for (int k = 0; k < T; k++) {
            if (hi[k] >= 0 && hi[k] - lo[k] <= 1) continue; /* settled */
            if (hi[k] < 0 && lo[k] >= max_posts) continue;
            if (team_meets(s, lv, k, year)) hi[k] = trial[k];
            else if (hi[k] < 0 && trial[k] >= max_posts) {
                if (year < 0) return not_met(s, lv, k, err);
                lo[k] = max_posts;
            } else lo[k] = trial[k];
        }
    }
    for (int k = 0; k < T; k++) found[k] = hi[k];
    return SPR_OK;
}

/* The answer's figures from its confirmation run. */
static void record_answer(spr_staff_result *out, const spr_staff_level *conf)
{
    out->link_worker_cost_per_year = 0;
    for (int k = 0; k < out->teams; k++) {
        spr_staff_team *tm = &out->team[k];
        const spr_staff_team_level *tl = &conf->team[k];
        tm->recommended = tl->fte;
        tm->share = tl->share, tm->share_lo = tl->share_lo, tm->share_hi = tl->share_hi;
        tm->referrals_per_year = tl->referrals_per_year;
        tm->link_worker_cost_per_year = tl->link_worker_cost_per_year;
        out->link_worker_cost_per_year += tl->link_worker_cost_per_year;
    }
    out->other_programme_cost_per_year = conf->programme_cost_per_year - out->link_worker_cost_per_year;
    for (int d = 0; d < out->districts; d++) out->district[d].referrals_per_year = conf->district_referrals_per_year[d];
}

/* Confirms the teams' recommendations (best: posts) with more replicates, each team also at one
 * post fewer (the others at theirs), moving a team's answer (at most 4 steps) where the
 * confirmation disagrees; records each team's confidence either side.  A team at one post has no
 * "one fewer" (no staff is never run): its confidence there is not applicable (NAN). */
static int confirm(search *s, int *best, spr_error *err)
{
    const spr_staff_target *t = s->t;
    spr_staff_result *out = s->out;
    int T = s->teams, rc = SPR_OK, next[SPR_MAX_TEAMS];
    spr_staff_level conf, below;
    for (int step = 0; step < 4; step++) {
        if ((rc = evaluate(s, best, t->confirm_replicates, &conf, err)) != SPR_OK) return rc;
        int moved = 0;
        out->confidence = conf.p_meets;
        out->confidence_below = NAN; /* fmax ignores a NAN: the largest over the teams that have one */
        for (int k = 0; k < T && rc == SPR_OK; k++) {
            int below_meets = 0;
            double p_below = NAN;
            if (best[k] > 1) {
                best[k]--;
                rc = evaluate(s, best, t->confirm_replicates, &below, err);
                best[k]++;
                if (rc != SPR_OK) break;
                below_meets = below.team[k].meets, p_below = below.team[k].p_meets;
                level_free(&below);
            }
            next[k] = best[k];
            if (!conf.team[k].meets && best[k] < s->max_posts) next[k]++, moved = 1;
            else if (below_meets) next[k]--, moved = 1;
            out->team[k].confidence = conf.team[k].p_meets;
            out->team[k].confidence_below = p_below;
            out->confidence_below = fmax(out->confidence_below, p_below);
        }
        if (rc == SPR_OK && moved && step < 3) {
            level_free(&conf);
            for (int k = 0; k < T; k++) best[k] = next[k];
            continue;
        }
        if (rc == SPR_OK) {
            for (int k = 0; k < T; k++) best[k] = next[k];
            /* the answer's figures come from its own confirmation run (rerun if the last step moved it) */
            if (moved) {
                level_free(&conf);
                rc = evaluate(s, best, t->confirm_replicates, &conf, err);
                if (rc != SPR_OK) return rc;
                for (int k = 0; k < T; k++) out->team[k].confidence = conf.team[k].p_meets;
                out->confidence = conf.p_meets;
            }
            record_answer(out, &conf);
        }
        level_free(&conf);
        break;
    }
    return rc;
}

/* The staffing each year needs, per team and in total (the same search on each year's share,
 * starting from the brackets the levels run so far give). */
static int staffing_of_years(search *s, spr_error *err)
{
    spr_staff_result *out = s->out;
    int found[SPR_MAX_TEAMS];
    for (int y = 0; y < out->years; y++) {
        int rc = joint_search(s, y, found, err);
        if (rc != SPR_OK) return rc;
        out->per_year[y] = 0;
        for (int k = 0; k < s->teams; k++) {
            out->team[k].per_year[y] = found[k] < 0 ? -1 : found[k] * s->step_fte;
            if (found[k] < 0 || out->per_year[y] < 0) out->per_year[y] = -1;
            else out->per_year[y] += out->team[k].per_year[y];
        }
    }
    return SPR_OK;
}

/* The result's arrays: the totals' and the teams' staffing by year, the teams, the districts. */
static int result_alloc(const spr_params *p, spr_staff_result *out, int teams, spr_error *err)
{
    out->years = p->years;
    out->recommended = -1;
    out->teams = teams;
    out->districts = p->districts;
    out->per_year = calloc((size_t)p->years * (size_t)(teams + 1), sizeof *out->per_year);
    out->team = calloc((size_t)teams, sizeof *out->team);
    out->district = calloc((size_t)(p->districts > 0 ? p->districts : 1), sizeof *out->district);
    if (!out->per_year || !out->team || !out->district) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    for (int k = 0; k < teams; k++) out->team[k].per_year = out->per_year + (size_t)p->years * (size_t)(k + 1);
    return SPR_OK;
}

static int staffing_search(const spr_params *p, const spr_staff_target *t, spr_staff_result *out,
                           void (*progress)(void *ctx, double fte, int replicates), void *ctx, spr_error *err)
{
    int rc = spr_staffing_check_target(t, err);
    if (rc != SPR_OK) return rc;
    int teams = spr_programme_teams(p);
    if (teams < 1 || teams > SPR_MAX_TEAMS)
        return spr_error_set(err, SPR_ERR_SCENARIO, "%d link-worker teams: the planner handles 1 to %d", teams, SPR_MAX_TEAMS);
    if ((rc = result_alloc(p, out, teams, err)) != SPR_OK) return rc;
    const double step = p->lw_staffing_step_fte;
    const int max_posts = (int)floor(t->max_fte / step + 1e-9); /* 1e-9: 3 / 0.1 is 29.999... */
    if (max_posts < 1)
        return spr_error_set(err, SPR_ERR_SCENARIO, "--max-fte %g is less than one post of link_workers.staffing_step_fte = %g FTE",
                             t->max_fte, step);
    search s = {p, t, out, progress, ctx, teams, step, max_posts};
    int best[SPR_MAX_TEAMS];
    if ((rc = joint_search(&s, -1, best, err)) != SPR_OK || (rc = confirm(&s, best, err)) != SPR_OK) return rc;
    out->recommended = 0;
    for (int k = 0; k < teams; k++) out->recommended += best[k] * step;
    if ((rc = staffing_of_years(&s, err)) != SPR_OK) return rc;
    qsort(out->levels, (size_t)out->n_levels, sizeof *out->levels, cmp_fte);
    return SPR_OK;
}

int spr_staffing_search(const spr_params *p, const spr_staff_target *t, spr_staff_result *out,
                        void (*progress)(void *ctx, double fte, int replicates), void *ctx, spr_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = staffing_search(p, t, out, progress, ctx, err);
    if (rc != SPR_OK) spr_staff_result_free(out); /* nothing half-made is handed back */
    return rc;
}

void spr_staff_result_free(spr_staff_result *r)
{
    for (int i = 0; i < r->n_levels; i++) level_free(&r->levels[i]);
    free(r->levels);
    free(r->per_year);
    free(r->team);
    free(r->district);
    memset(r, 0, sizeof *r);
}
