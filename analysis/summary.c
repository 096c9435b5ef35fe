#include "sprsim/summary.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/lifetable.h"

static const char *LABELS[SPR_SUM_COUNT] = {
    "residents at the end",
    "life expectancy at 65, men (y)",
    "life expectancy at 65, women (y)",
    "care need, 65+ (%)",
    "dementia, 65+ (%)",
    "isolated, 65+ (%)",
    "in a community group, 65+ (%)",
    "deaths, whole projection",
    "medical cost (yen million/y)",
    "LTC cost (yen million/y)",
    "programme cost (yen million/y)",
    "referrals to link workers (/y)",
    "wait to first contact, mean (d)",
    "wait to first contact, 90th pct (d)",
    "link-worker caseload in use (%)",
    "closed cases settled in a group (%)",
    "volunteers at the end",
};

const char *spr_summary_label(spr_summary_measure m) { return LABELS[m]; }

#define BAND_65 13

static double last_year_sum(const spr_results *res, int r, spr_indicator ind, int b_lo)
{
    double t = 0;
    for (int m = res->months - 12; m < res->months; m++) t += (double)spr_results_total(res, r, m, ind, b_lo, SPR_AGE_BANDS);
    return t;
}

static double e65_last_year(const spr_results *res, int r, int sex)
{
    double deaths[SPR_AGE_BANDS] = {0}, py[SPR_AGE_BANDS] = {0};
    for (int m = res->months - 12; m < res->months; m++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            deaths[b] += res->counts[spr_results_index(res, r, m, SPR_IND_DEATHS, sex, b)];
            py[b] += res->counts[spr_results_index(res, r, m, SPR_IND_POPULATION, sex, b)] / 12.0;
        }
    return spr_lifetable_abridged_ex(deaths, py, BAND_65);
}

static double mean_cost_per_year(const double *cost, const spr_results *res, int r)
{
    double t = 0;
    for (int m = 0; m < res->months; m++)
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 0; b < SPR_AGE_BANDS; b++) t += cost[spr_results_cost_index(res, r, m, s, b)];
    return t / (res->months / 12.0);
}

static const spr_programme_month *pm(const spr_results *res, int r, int m)
{
    return &res->programme[(size_t)r * (size_t)res->months + (size_t)m];
}

/* The 90th percentile of the waits over the run, in whole days (rounded
 * down), from the histogram by day. */
static double wait_p90_days(const spr_results *res, int r)
{
    const int32_t *h = res->wait_histogram + (size_t)r * SPR_WAIT_DAYS;
    double total = 0;
    for (int k = 0; k < SPR_WAIT_DAYS; k++) total += h[k];
    if (total == 0) return NAN;
    double cum = 0;
    for (int k = 0; k < SPR_WAIT_DAYS; k++) {
        cum += h[k];
        if (cum >= 0.9 * total) return k;
    }
    return SPR_WAIT_DAYS - 1;
}

double spr_summary_measure_value(const spr_results *res, int r, spr_summary_measure m)
{
    double pop65 = last_year_sum(res, r, SPR_IND_POPULATION, BAND_65), years = res->months / 12.0;
    double t = 0, n = 0;
    switch (m) {
    case SPR_SUM_POPULATION_END:
        return (double)spr_results_total(res, r, res->months - 1, SPR_IND_POPULATION, 0, SPR_AGE_BANDS);
    case SPR_SUM_E65_MALE: return e65_last_year(res, r, SPR_MALE);
    case SPR_SUM_E65_FEMALE: return e65_last_year(res, r, SPR_FEMALE);
    case SPR_SUM_CARE_NEED_65PLUS:
        return 100.0 *
               (last_year_sum(res, r, SPR_IND_SUPPORT, BAND_65) + last_year_sum(res, r, SPR_IND_CARE12, BAND_65) +
                last_year_sum(res, r, SPR_IND_CARE35, BAND_65)) / pop65;
    case SPR_SUM_DEMENTIA_65PLUS: return 100.0 * last_year_sum(res, r, SPR_IND_DEMENTIA, BAND_65) / pop65;
    case SPR_SUM_ISOLATED_65PLUS: return 100.0 * last_year_sum(res, r, SPR_IND_ISOLATED, BAND_65) / pop65;
    case SPR_SUM_TAKING_PART_65PLUS: return 100.0 * last_year_sum(res, r, SPR_IND_PARTICIPANTS, BAND_65) / pop65;
    case SPR_SUM_DEATHS:
        for (int k = 0; k < res->months; k++) t += (double)spr_results_total(res, r, k, SPR_IND_DEATHS, 0, SPR_AGE_BANDS);
        return t;
    case SPR_SUM_MEDICAL_COST: return mean_cost_per_year(res->medical_yen, res, r) / 1e6;
    case SPR_SUM_LTC_COST: return mean_cost_per_year(res->ltc_yen, res, r) / 1e6;
    case SPR_SUM_PROGRAMME_COST:
        for (int k = 0; k < res->months; k++)
            t += pm(res, r, k)->cost_link_workers_yen + pm(res, r, k)->cost_resources_yen + pm(res, r, k)->cost_outreach_yen;
        return t / years / 1e6;
    case SPR_SUM_REFERRALS: return (double)pm(res, r, res->months - 1)->referrals_total / years;
    case SPR_SUM_WAIT_MEAN:
        for (int k = 0; k < res->months; k++)
            if (pm(res, r, k)->first_contacts > 0) {
                t += pm(res, r, k)->wait_mean_days * pm(res, r, k)->first_contacts;
                n += pm(res, r, k)->first_contacts;
            }
        return n > 0 ? t / n : NAN;
    case SPR_SUM_WAIT_P90: return wait_p90_days(res, r);
    case SPR_SUM_UTILISATION:
        for (int k = 0; k < res->months; k++) {
            t += pm(res, r, k)->active;
            n += pm(res, r, k)->places;
        }
        return n > 0 ? 100.0 * t / n : NAN;
    case SPR_SUM_SETTLED: {
        const int64_t *o = pm(res, r, res->months - 1)->outcomes;
        double closed = (double)(o[SPR_OUT_SETTLED] + o[SPR_OUT_DECLINED] + o[SPR_OUT_UNPLACED] + o[SPR_OUT_DROPPED]);
        return closed > 0 ? 100.0 * o[SPR_OUT_SETTLED] / closed : NAN;
    }
    case SPR_SUM_VOLUNTEERS: return pm(res, r, res->months - 1)->volunteers;
    default: return NAN;
    }
}

static spr_interval interval_of(double *v, int n)
{
    /* replicates where the measure does not apply (NaN) are left out */
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i])) v[k++] = v[i];
    spr_interval iv = {NAN, NAN, NAN, k};
    if (k == 0) return iv;
    iv.mean = gsl_stats_mean(v, 1, (size_t)k);
    iv.lo = iv.hi = iv.mean;
    if (k > 1) {
        double half = gsl_cdf_tdist_Pinv(0.975, k - 1) * gsl_stats_sd(v, 1, (size_t)k) / sqrt((double)k);
        iv.lo = iv.mean - half;
        iv.hi = iv.mean + half;
    }
    return iv;
}

spr_interval spr_summary_interval(const spr_results *res, spr_summary_measure m)
{
    double *v = calloc((size_t)res->replicates + 1, sizeof *v);
    if (v == NULL) return (spr_interval){NAN, NAN, NAN, 0};
    for (int r = 0; r < res->replicates; r++) v[r] = spr_summary_measure_value(res, r, m);
    spr_interval iv = interval_of(v, res->replicates);
    free(v);
    return iv;
}

spr_interval spr_summary_difference(const spr_results *res, const spr_results *ref, spr_summary_measure m)
{
    int n = res->replicates < ref->replicates ? res->replicates : ref->replicates;
    double *v = calloc((size_t)n + 1, sizeof *v);
    if (v == NULL) return (spr_interval){NAN, NAN, NAN, 0};
    for (int r = 0; r < n; r++) {
        double a = spr_summary_measure_value(res, r, m), b = spr_summary_measure_value(ref, r, m);
        /* counts and costs absent from the reference are zero there; waits,
         * utilisation and shares are not compared with a reference that has none */
        if (isnan(b) && (m == SPR_SUM_PROGRAMME_COST || m == SPR_SUM_REFERRALS || m == SPR_SUM_VOLUNTEERS)) b = 0;
        v[r] = a - b;
    }
    spr_interval iv = interval_of(v, n);
    free(v);
    return iv;
}

static void format_interval(char *buf, size_t sz, spr_interval iv, int sign)
{
    if (iv.n == 0 || isnan(iv.mean)) {
        snprintf(buf, sz, "-");
        return;
    }
    double a = fabs(iv.mean);
    int digits = a >= 1000 ? 0 : (a >= 100 ? 1 : 2);
    const char *fmt = sign ? "%+.*f" : "%.*f";
    int len = snprintf(buf, sz, fmt, digits, iv.mean);
    if (iv.n > 1 && len > 0 && (size_t)len < sz)
        snprintf(buf + len, sz - (size_t)len, sign ? " [%+.*f, %+.*f]" : " [%.*f, %.*f]", digits, iv.lo, digits, iv.hi);
}

void spr_summary_print(FILE *out, const spr_scenario *scenarios, spr_results *const *results, int n)
{
    const spr_params *p0 = &scenarios[0].params;
    fprintf(out, "\nSummary: %d scenario%s, %d-%d; mean over replicates [95%% CI of the mean]; differences are paired\n"
                 "by replicate against '%s' (common random numbers). Last year: %d.\n",
            n, n == 1 ? "" : "s", p0->start_year, p0->start_year + p0->years - 1, p0->name, p0->start_year + p0->years - 1);
    for (int i = 0; i < n; i++) {
        const spr_results *res = results[i];
        const spr_params *p = &scenarios[i].params;
        fprintf(out, "\n%s (%d replicate%s): %s\n", p->name, res->replicates, res->replicates == 1 ? "" : "s",
                p->description);
        fprintf(out, "  %-36s %-30s %s\n", "measure", "value", i > 0 ? "difference from the reference" : "");
        for (int m = 0; m < SPR_SUM_COUNT; m++) {
            char value[96], diff[96] = "";
            format_interval(value, sizeof value, spr_summary_interval(res, m), 0);
            if (i > 0) format_interval(diff, sizeof diff, spr_summary_difference(res, results[0], m), 1);
            fprintf(out, "  %-36s %-30s %s\n", spr_summary_label(m), value, diff);
        }
    }
}
