#include "sprsim/summary.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/lifetable.h"

static const char *LABELS[SPR_SUM_COUNT] = {
    "residents (start of year)",       "aged 65+ (%)",
    "life expectancy at 65, men (y)",  "life expectancy at 65, women (y)",
    "care need, 65+ (%)",              "dementia, 65+ (%)",
    "isolated, 65+ (%)",               "medical cost (yen million/y)",
    "LTC cost (yen million/y)",
};

const char *spr_summary_label(spr_summary_measure m) { return LABELS[m]; }

#define BAND_65 13

static double year_sum(const spr_results *res, int r, int year, spr_indicator ind, int b_lo)
{
    double t = 0;
    for (int m = 12 * year; m < 12 * year + 12; m++) t += (double)spr_results_total(res, r, m, ind, b_lo, SPR_AGE_BANDS);
    return t;
}

static double e65(const spr_results *res, int r, int year, int sex)
{
    double deaths[SPR_AGE_BANDS] = {0}, py[SPR_AGE_BANDS] = {0};
    for (int m = 12 * year; m < 12 * year + 12; m++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            deaths[b] += res->counts[spr_results_index(res, r, m, SPR_IND_DEATHS, sex, b)];
            py[b] += res->counts[spr_results_index(res, r, m, SPR_IND_POPULATION, sex, b)] / 12.0;
        }
    return spr_lifetable_abridged_ex(deaths, py, BAND_65);
}

static double year_cost(const double *cost, const spr_results *res, int r, int year)
{
    double t = 0;
    for (int m = 12 * year; m < 12 * year + 12; m++)
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 0; b < SPR_AGE_BANDS; b++) t += cost[spr_results_cost_index(res, r, m, s, b)];
    return t;
}

double spr_summary_measure_value(const spr_results *res, int r, int year, spr_summary_measure m)
{
    double pop65 = year_sum(res, r, year, SPR_IND_POPULATION, BAND_65);
    switch (m) {
    case SPR_SUM_POPULATION: return (double)spr_results_total(res, r, 12 * year, SPR_IND_POPULATION, 0, SPR_AGE_BANDS);
    case SPR_SUM_SHARE_65PLUS: return 100.0 * pop65 / year_sum(res, r, year, SPR_IND_POPULATION, 0);
    case SPR_SUM_E65_MALE: return e65(res, r, year, SPR_MALE);
    case SPR_SUM_E65_FEMALE: return e65(res, r, year, SPR_FEMALE);
    case SPR_SUM_CARE_NEED_65PLUS:
        return 100.0 *
               (year_sum(res, r, year, SPR_IND_SUPPORT, BAND_65) + year_sum(res, r, year, SPR_IND_CARE12, BAND_65) +
                year_sum(res, r, year, SPR_IND_CARE35, BAND_65)) / pop65;
    case SPR_SUM_DEMENTIA_65PLUS: return 100.0 * year_sum(res, r, year, SPR_IND_DEMENTIA, BAND_65) / pop65;
    case SPR_SUM_ISOLATED_65PLUS: return 100.0 * year_sum(res, r, year, SPR_IND_ISOLATED, BAND_65) / pop65;
    case SPR_SUM_MEDICAL_COST: return year_cost(res->medical_yen, res, r, year) / 1e6;
    case SPR_SUM_LTC_COST: return year_cost(res->ltc_yen, res, r, year) / 1e6;
    default: return NAN;
    }
}

spr_interval spr_summary_interval(const spr_results *res, int year, spr_summary_measure m)
{
    int n = res->replicates;
    double *v = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    spr_interval iv = {NAN, NAN, NAN, n};
    if (v == NULL) return iv;
    for (int r = 0; r < n; r++) v[r] = spr_summary_measure_value(res, r, year, m);
    iv.mean = gsl_stats_mean(v, 1, (size_t)n);
    if (n > 1) {
        double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * gsl_stats_sd(v, 1, (size_t)n) / sqrt((double)n);
        iv.lo = iv.mean - half;
        iv.hi = iv.mean + half;
    } else {
        iv.lo = iv.hi = iv.mean;
    }
    free(v);
    return iv;
}

static void print_interval(FILE *out, spr_interval iv)
{
    int digits = fabs(iv.mean) >= 1000 ? 0 : (fabs(iv.mean) >= 100 ? 1 : 2);
    char buf[96];
    if (iv.n > 1)
        snprintf(buf, sizeof buf, "%.*f [%.*f, %.*f]", digits, iv.mean, digits, iv.lo, digits, iv.hi);
    else
        snprintf(buf, sizeof buf, "%.*f", digits, iv.mean);
    fprintf(out, " %28s", buf);
}

void spr_summary_print(FILE *out, const spr_scenario *scenarios, spr_results *const *results, int n)
{
    for (int i = 0; i < n; i++) {
        const spr_results *res = results[i];
        const spr_params *p = &scenarios[i].params;
        int last = res->months / 12 - 1;
        fprintf(out, "\nScenario '%s' (%s): %d replicate%s, mean [95%% CI of the mean]\n", p->name, scenarios[i].path,
                res->replicates, res->replicates == 1 ? "" : "s");
        fprintf(out, "  %-34s %28d %28d\n", "measure", p->start_year, p->start_year + last);
        for (int m = 0; m < SPR_SUM_COUNT; m++) {
            fprintf(out, "  %-34s", spr_summary_label(m));
            print_interval(out, spr_summary_interval(res, 0, m));
            print_interval(out, spr_summary_interval(res, last, m));
            fputc('\n', out);
        }
    }
}
