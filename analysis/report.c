#include "sprsim/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "sprsim/economics.h"

const double SPR_OFFICIAL_LE0[SPR_SEXES] = {81.05, 87.09}, SPR_OFFICIAL_HLE0[SPR_SEXES] = {72.57, 75.45};

int spr_report_lang_valid(const char *lang)
{
    return lang == NULL || strcmp(lang, "en") == 0 || strcmp(lang, "ja") == 0;
}

const char *spr_report_title(const spr_scenario *sc)
{
    return sc->params.title[0] != '\0' && sc->sweep_of[0] == '\0' ? sc->params.title : sc->params.name;
}

int spr_report_interval(const spr_params *p, const spr_results *res, spr_measure_id id, int year, spr_interval *out,
                        spr_error *err)
{
    const spr_measure *m = spr_measure_get(id);
    spr_selection sel = spr_measure_selection(m, spr_period_year(year));
    return spr_measure_interval(m, p, res, &sel, out, err);
}

/* ---- cost-effectiveness ------------------------------------------------------ */

void spr_report_ce(const spr_params *p, const spr_results *res, const spr_results *ref, int r, double rate,
                   spr_ce_draw *out)
{
    /* present values summed year by year (as spr_econ_present_value does) */
    memset(out, 0, sizeof *out);
    for (int y = 0; y < res->months / 12; y++) {
        spr_period year = spr_period_year(y);
        double ml = spr_measure_at(SPR_MEASURE_MEDICAL, p, res, r, year) + spr_measure_at(SPR_MEASURE_LTC, p, res, r, year);
        double ml0 = spr_measure_at(SPR_MEASURE_MEDICAL, p, ref, r, year) + spr_measure_at(SPR_MEASURE_LTC, p, ref, r, year);
        double d_ml = ml - ml0;
        double pr = spr_measure_at(SPR_MEASURE_PROGRAMME, p, res, r, year);
        double d_pr = pr - spr_measure_at(SPR_MEASURE_PROGRAMME, p, ref, r, year);
        double d_qaly = spr_measure_at(SPR_MEASURE_QALY, p, res, r, year) - spr_measure_at(SPR_MEASURE_QALY, p, ref, r, year);
        double df = spr_econ_discount_factor(rate, y);
        out->d_cost_yen += (d_ml + d_pr) * df;
        out->d_qaly += d_qaly * df;
        out->d_medical_ltc_yen += d_ml * df;
        out->d_programme_yen += d_pr * df;
        out->programme_yen += pr * df;
    }
}

int spr_report_reference_of(const spr_scenario *sc, int i)
{
    for (int j = 0; j < i; j++)
        if (strcmp(sc[j].params.eff_structure, sc[i].params.eff_structure) == 0) return j;
    return 0;
}

int spr_report_is_reference(const spr_scenario *sc, int i)
{
    return i == 0 || (spr_report_reference_of(sc, i) == 0 &&
                      strcmp(sc[0].params.eff_structure, sc[i].params.eff_structure) != 0);
}

int spr_report_ce_draws(const spr_scenario *sc, spr_results *const *res, int i, const spr_report_options *o,
                        spr_ce_draw **out, int *n, spr_error *err)
{
    int ref = spr_report_reference_of(sc, i);
    int R = res[i]->replicates < res[ref]->replicates ? res[i]->replicates : res[ref]->replicates;
    *out = calloc((size_t)R + 1, sizeof **out);
    if (*out == NULL)
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the cost-effectiveness of %s (%d replicates)",
                             sc[i].params.name, R);
    for (int r = 0; r < R; r++) spr_report_ce(&sc[ref].params, res[i], res[ref], r, o->discount_rate, &(*out)[r]);
    *n = R;
    return SPR_OK;
}

double spr_report_parameter_share(const double *x, int replicates, int k)
{
    if (k < 2 || replicates / k < 2) return NAN;
    int draws = replicates / k;
    double grand = gsl_stats_mean(x, 1, (size_t)(draws * k)), ssb = 0, ssw = 0;
    for (int d = 0; d < draws; d++) {
        double m = gsl_stats_mean(x + d * k, 1, (size_t)k);
        ssb += k * (m - grand) * (m - grand);
        for (int j = 0; j < k; j++) ssw += (x[d * k + j] - m) * (x[d * k + j] - m);
    }
    double msb = ssb / (draws - 1), msw = ssw / (draws * (k - 1));
    double var_param = fmax(0.0, (msb - msw) / k);
    return var_param + msw > 0 ? var_param / (var_param + msw) : NAN;
}

int spr_report_ce_summary(const spr_scenario *sc, spr_results *const *res, int i, const spr_report_options *o,
                          spr_ce_summary *out, spr_error *err)
{
    memset(out, 0, sizeof *out);
    spr_ce_draw *d = NULL;
    int R = 0, rc = spr_report_ce_draws(sc, res, i, o, &d, &R, err);
    if (rc != SPR_OK) return rc;
    /* incremental cost, QALYs, net benefit, return, extra and own programme cost, and scratch for the intervals */
    double *v = calloc(7 * ((size_t)R + 1), sizeof *v);
    if (v == NULL) {
        free(d);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the cost-effectiveness of %s", sc[i].params.name);
    }
    double *dc = v, *de = dc + R + 1, *nmb = de + R + 1, *roi = nmb + R + 1, *extra = roi + R + 1;
    double *own = extra + R + 1, *scratch = own + R + 1;
    for (int r = 0; r < R; r++) {
        dc[r] = d[r].d_cost_yen;
        de[r] = d[r].d_qaly;
        nmb[r] = spr_econ_nmb(d[r].d_cost_yen, d[r].d_qaly, o->wtp_yen);
        extra[r] = d[r].d_programme_yen;
        own[r] = d[r].programme_yen;
        roi[r] = extra[r] > 0 ? -d[r].d_medical_ltc_yen / extra[r] : NAN;
    }
    free(d);
    out->n = R;
    out->d_cost = spr_interval_of(dc, R, scratch);
    out->d_qaly = spr_interval_of(de, R, scratch);
    out->nmb = spr_interval_of(nmb, R, scratch);
    /* the mean of the replicates' returns, only where each spends materially more (a replicate left out
     * would bias it) */
    out->roi = spr_econ_return_defined(extra, own, (size_t)R) ? spr_interval_of(roi, R, scratch)
                                                              : (spr_interval){NAN, NAN, NAN, 0};
    out->icer = spr_econ_icer(out->d_cost.mean, out->d_qaly.mean);
    out->n_draws = spr_report_ce_parameter_draws(sc, res, i, &out->per_draw);
    out->p_ce = out->n_draws > 0 ? spr_econ_prob_cost_effective_draws(dc, de, (size_t)out->n_draws, (size_t)out->per_draw,
                                                                       o->wtp_yen)
                                 : NAN;
    out->param_share_nmb = spr_report_parameter_share(nmb, R, sc[i].params.replicates_per_draw);
    free(v);
    return SPR_OK;
}

/* ---- sweeps ---------------------------------------------------------------- */

double spr_report_sweep_value(const spr_params *p, const spr_results *res, spr_sweep_curve c)
{
    static const spr_measure_id of[SPR_SWEEP_CURVES] = {SPR_MEASURE_SEEN_WITHIN, SPR_MEASURE_WAIT_MEAN,
                                                        SPR_MEASURE_PROGRAMME, SPR_MEASURE_UTILISATION};
    const spr_measure *m = spr_measure_get(of[c]);
    spr_selection sel = spr_measure_selection(m, spr_period_from_year(res->months >= 24 ? 1 : 0));
    double v = spr_measure_pooled(m, p, res, &sel);
    if (c == SPR_SWEEP_PROGRAMME_COST) v /= res->replicates * spr_selection_years(res, &sel);
    return v;
}

/* ---- what the intervals cover ------------------------------------------------ */

int spr_report_parameter_draws(const spr_scenario *sc, const spr_results *res)
{
    int k = sc->params.replicates_per_draw > 0 ? sc->params.replicates_per_draw : 1;
    return res->n_uncertain > 0 ? res->replicates / k : 0;
}

int spr_report_ce_parameter_draws(const spr_scenario *sc, spr_results *const *res, int i, int *per_draw)
{
    *per_draw = sc[i].params.replicates_per_draw > 0 ? sc[i].params.replicates_per_draw : 1;
    int ref = spr_report_reference_of(sc, i);
    if (spr_report_parameter_draws(&sc[i], res[i]) == 0 || spr_report_parameter_draws(&sc[ref], res[ref]) == 0 ||
        sc[ref].params.replicates_per_draw != sc[i].params.replicates_per_draw)
        return 0;
    int R = res[i]->replicates < res[ref]->replicates ? res[i]->replicates : res[ref]->replicates;
    return R / *per_draw;
}

void spr_report_coverage(const spr_scenario *sc, spr_results *const *res, int n, char *out, size_t size)
{
    int i = 0;
    while (i < n && spr_report_parameter_draws(&sc[i], res[i]) == 0) i++;
    if (i == n) {
        snprintf(out, size, "Intervals cover chance only: the replicates differ in their random numbers, the parameters are "
                            "fixed.");
        return;
    }
    const spr_calib_draws *cd = &sc[i].params.calib_draws;
    char calib[1400] = "";
    size_t used = 0;
    for (int t = 0; t < cd->n_tables && used < sizeof calib; t++)
        used += (size_t)snprintf(calib + used, sizeof calib - used, "%s%d joint draws from %s",
                                 t == 0 ? ", including calibration uncertainty (" : "; ", cd->table[t].n_rows,
                                 cd->table[t].file);
    if (cd->n_tables > 0 && used < sizeof calib) snprintf(calib + used, sizeof calib - used, ")");
    snprintf(out, size, "Intervals cover parameters and chance: %d parameter draws of %d replicates each%s.",
             spr_report_parameter_draws(&sc[i], res[i]), sc[i].params.replicates_per_draw, calib);
}

/* ---- effects against the reference ------------------------------------------ */

double spr_report_effect_value(spr_effect e, const spr_params *p, const spr_results *res, int r, int y0, int y1)
{
    spr_period period = spr_period_years(y0, y1);
    switch (e) {
    case SPR_EFFECT_ISOLATED_65: return spr_measure_at(SPR_MEASURE_ISOLATED_65, p, res, r, period);
    case SPR_EFFECT_CARE_NEED_65: return spr_measure_at(SPR_MEASURE_CARE_NEED_65, p, res, r, period);
    case SPR_EFFECT_DEATHS: return spr_measure_at(SPR_MEASURE_DEATHS, p, res, r, period);
    case SPR_EFFECT_HLE_MALE: return spr_measure_at(SPR_MEASURE_HLE0_MALE, p, res, r, period);
    case SPR_EFFECT_HLE_FEMALE: return spr_measure_at(SPR_MEASURE_HLE0_FEMALE, p, res, r, period);
    case SPR_EFFECT_ISOLATED_PY: return spr_measure_at(SPR_MEASURE_ISOLATED_PERSON_YEARS, p, res, r, period);
    case SPR_EFFECT_COST:
        return spr_measure_at(SPR_MEASURE_MEDICAL, p, res, r, period) + spr_measure_at(SPR_MEASURE_LTC, p, res, r, period) +
               spr_measure_at(SPR_MEASURE_PROGRAMME, p, res, r, period);
    case SPR_EFFECT_HEALTHY_PY: {
        double py = 0;
        for (int y = y0; y < y1; y++)
            py += spr_measure_at(SPR_MEASURE_POPULATION, p, res, r, spr_period_year(y)) *
                  (1 - spr_measure_at(SPR_MEASURE_LIMITED, p, res, r, spr_period_year(y)) / 100);
        return py;
    }
    case SPR_EFFECTS: break;
    }
    return NAN;
}

int spr_report_effect_difference(const spr_scenario *sc, spr_results *const *res, int i, spr_effect e, int y0, int y1,
                                 spr_interval *out, spr_error *err)
{
    int ref = spr_report_reference_of(sc, i);
    int R = res[i]->replicates < res[ref]->replicates ? res[i]->replicates : res[ref]->replicates;
    double *d = malloc(sizeof *d * (size_t)(R > 0 ? R : 1));
    if (d == NULL)
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the differences of %s (%d replicates)",
                             sc[i].params.name, R);
    for (int r = 0; r < R; r++)
        d[r] = spr_report_effect_value(e, &sc[i].params, res[i], r, y0, y1) -
               spr_report_effect_value(e, &sc[ref].params, res[ref], r, y0, y1);
    *out = spr_interval_of(d, R, d);
    free(d);
    return SPR_OK;
}

/* ---- by district and by team ------------------------------------------------ */

static const spr_report_column_info DISTRICT_COLUMNS[SPR_DISTRICT_COLUMNS] = {
    {"district_residents", "persons", "residents", 1, 0},
    {"district_residents_65plus", "persons", "residents 65+", 1, 0},
    {"district_share_65plus", "%", "share 65+ (%)", 1, 1},
    {"district_taking_part_65plus", "%", "taking part 65+ (%)", 1, 1},
    {"district_isolated_65plus", "%", "isolated 65+ (%)", 1, 1},
    {"district_certified_65plus", "%", "certified 65+ (%)", 1, 1},
    {"district_referrals", "persons", "referrals a year", 1, 1},
    {"district_first_contacts", "persons", "first contacts a year", 1, 1},
    {"district_cost_resources", "yen", "groups' public cost (yen million a year)", 1e-6, 2},
};

static const spr_report_column_info TEAM_COLUMNS[SPR_TEAM_COLUMNS] = {
    {"team_fte", "full-time equivalents", "link workers (FTE)", 1, 2},
    {"team_cost_link_workers", "yen", "link-worker cost (yen million a year)", 1e-6, 2},
    {"team_referrals", "persons", "referrals a year", 1, 1},
    {"team_waiting", "persons", "waiting at the year's end", 1, 1},
};

const spr_report_column_info *spr_report_district_column(spr_district_column c) { return &DISTRICT_COLUMNS[c]; }
const spr_report_column_info *spr_report_team_column(spr_team_column c) { return &TEAM_COLUMNS[c]; }

const spr_report_column_info *spr_report_unit_column(spr_report_unit kind, int c)
{
    return kind == SPR_REPORT_TEAM ? &TEAM_COLUMNS[c] : &DISTRICT_COLUMNS[c];
}

int spr_report_unit_columns(spr_report_unit kind) { return kind == SPR_REPORT_TEAM ? SPR_TEAM_COLUMNS : SPR_DISTRICT_COLUMNS; }

static double percent(double num, double den) { return den > 0 ? 100 * num / den : NAN; }

double spr_report_district_value(const spr_results *res, int r, int d, int year, spr_district_column c)
{
    spr_selection sel = {spr_period_year(year), SPR_SEX_BOTH, 0, SPR_AGE_BANDS};
    int m0, m1;
    spr_selection_months(res, &sel, &m0, &m1);
    /* person-months and flows over the year's months; a year's mean count is person-months / months */
    double all = 0, old = 0, part = 0, iso = 0, cert = 0, refs = 0, firsts = 0, cost = 0;
    for (int m = m0; m < m1; m++) {
        size_t i = spr_results_district_index(res, r, m, d);
        const spr_district_record *dr = &res->district[i];
        all += res->district_population[i];
        old += dr->population_65;
        part += dr->taking_part_65;
        iso += dr->isolated_65;
        cert += dr->certified_65;
        refs += dr->referrals;
        firsts += dr->first_contacts;
        cost += dr->cost_resources_yen;
    }
    double months = m1 > m0 ? m1 - m0 : NAN;
    switch (c) {
    case SPR_DISTRICT_RESIDENTS: return all / months;
    case SPR_DISTRICT_RESIDENTS_65: return old / months;
    case SPR_DISTRICT_SHARE_65: return percent(old, all);
    case SPR_DISTRICT_TAKING_PART_65: return percent(part, old);
    case SPR_DISTRICT_ISOLATED_65: return percent(iso, old);
    case SPR_DISTRICT_CERTIFIED_65: return percent(cert, old);
    case SPR_DISTRICT_REFERRALS: return refs;
    case SPR_DISTRICT_FIRST_CONTACTS: return firsts;
    case SPR_DISTRICT_COST_RESOURCES: return cost;
    case SPR_DISTRICT_COLUMNS: break;
    }
    return NAN;
}

double spr_report_team_value(const spr_results *res, int r, int t, int year, spr_team_column c)
{
    spr_selection sel = {spr_period_year(year), SPR_SEX_BOTH, 0, SPR_AGE_BANDS};
    int m0, m1;
    spr_selection_months(res, &sel, &m0, &m1);
    if (m1 <= m0) return NAN;
    double fte = 0, cost = 0, refs = 0;
    for (int m = m0; m < m1; m++) {
        const spr_team_month *tm = &res->team[spr_results_team_index(res, r, m, t)];
        fte += tm->fte;
        cost += tm->cost_link_workers_yen;
        refs += tm->referrals;
    }
    switch (c) {
    case SPR_TEAM_FTE: return fte / (m1 - m0);
    case SPR_TEAM_COST_LINK_WORKERS: return cost;
    case SPR_TEAM_REFERRALS: return refs;
    case SPR_TEAM_WAITING: return res->team[spr_results_team_index(res, r, m1 - 1, t)].waiting;
    case SPR_TEAM_COLUMNS: break;
    }
    return NAN;
}

int spr_report_unit_interval(const spr_results *res, spr_report_unit kind, int u, int year, int c, spr_interval *out,
                             spr_error *err)
{
    double *v = malloc(sizeof *v * (size_t)(res->replicates > 0 ? res->replicates : 1));
    if (v == NULL)
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %d replicates of %s %d", res->replicates,
                             kind == SPR_REPORT_TEAM ? "team" : "district", u);
    for (int r = 0; r < res->replicates; r++)
        v[r] = kind == SPR_REPORT_TEAM ? spr_report_team_value(res, r, u, year, c)
                                       : spr_report_district_value(res, r, u, year, c);
    *out = spr_interval_of(v, res->replicates, v);
    free(v);
    return SPR_OK;
}

/* ---- who pays and who saves ------------------------------------------------------ */

const int SPR_REPORT_HORIZON_YEARS[SPR_REPORT_HORIZONS] = {5, 10};

int spr_report_budget_impact(const spr_scenario *sc, spr_results *const *res, int i, const spr_financing *f,
                             spr_budget_impact out[SPR_REPORT_HORIZONS], spr_error *err)
{
    int ref = spr_report_reference_of(sc, i);
    for (int h = 0; h < SPR_REPORT_HORIZONS; h++) {
        int rc = spr_financing_budget_impact(f, &sc[i].params, res[i], &sc[ref].params, res[ref],
                                             SPR_REPORT_HORIZON_YEARS[h], &out[h], err);
        if (rc != SPR_OK) return rc;
    }
    return SPR_OK;
}

spr_interval spr_report_net_position(const spr_budget_impact *bi)
{
    spr_interval net = bi->impact[SPR_PAYER_MUNICIPALITY];
    double lo = net.lo;
    net.mean = -net.mean, net.lo = -net.hi, net.hi = -lo;
    return net;
}
