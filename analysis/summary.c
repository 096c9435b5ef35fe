#include "sprsim/summary.h"

#include <math.h>
#include <stdlib.h>

/* A row: a measure over a period, as a rate a year and in a unit if asked. */
typedef struct {
    const char *label;
    spr_measure_id measure;
    spr_period_kind period;
    int per_year;     /* divided by the years of the period */
    double divisor;   /* then by this (1e6: yen million) */
    int absent_is_zero; /* counts and costs missing from the reference are zero there */
} row;

static const row ROWS[SPR_SUM_COUNT] = {
    {"residents at the end", SPR_MEASURE_POPULATION_END, SPR_PERIOD_PROJECTION, 0, 1, 0},
    {"life expectancy at 65, men (y)", SPR_MEASURE_LE65_MALE, SPR_PERIOD_LAST_YEAR, 0, 1, 0},
    {"life expectancy at 65, women (y)", SPR_MEASURE_LE65_FEMALE, SPR_PERIOD_LAST_YEAR, 0, 1, 0},
    {"care need, 65+ (%)", SPR_MEASURE_CARE_NEED_65, SPR_PERIOD_LAST_YEAR, 0, 1, 0},
    {"dementia, 65+ (%)", SPR_MEASURE_DEMENTIA_65, SPR_PERIOD_LAST_YEAR, 0, 1, 0},
    {"isolated, 65+ (%)", SPR_MEASURE_ISOLATED_65, SPR_PERIOD_LAST_YEAR, 0, 1, 0},
    {"in a community group, 65+ (%)", SPR_MEASURE_TAKING_PART_65, SPR_PERIOD_LAST_YEAR, 0, 1, 0},
    {"deaths, whole projection", SPR_MEASURE_DEATHS, SPR_PERIOD_PROJECTION, 0, 1, 0},
    {"medical cost (yen million/y)", SPR_MEASURE_MEDICAL, SPR_PERIOD_PROJECTION, 1, 1e6, 0},
    {"LTC cost (yen million/y)", SPR_MEASURE_LTC, SPR_PERIOD_PROJECTION, 1, 1e6, 0},
    {"programme cost (yen million/y)", SPR_MEASURE_PROGRAMME, SPR_PERIOD_PROJECTION, 1, 1e6, 1},
    {"referrals to link workers (/y)", SPR_MEASURE_REFERRALS, SPR_PERIOD_PROJECTION, 1, 1, 1},
    {"wait to first contact, mean (d)", SPR_MEASURE_WAIT_MEAN, SPR_PERIOD_PROJECTION, 0, 1, 0},
    {"wait to first contact, 90th pct (d)", SPR_MEASURE_WAIT_P90, SPR_PERIOD_PROJECTION, 0, 1, 0},
    {"link-worker caseload in use (%)", SPR_MEASURE_UTILISATION, SPR_PERIOD_PROJECTION, 0, 1, 0},
    {"closed cases settled in a group (%)", SPR_MEASURE_SETTLED, SPR_PERIOD_PROJECTION, 0, 1, 0},
    {"volunteers at the end", SPR_MEASURE_VOLUNTEERS, SPR_PERIOD_PROJECTION, 0, 1, 1},
};

const char *spr_summary_label(spr_summary_measure m) { return ROWS[m].label; }

double spr_summary_measure_value(const spr_results *res, int r, spr_summary_measure m)
{
    const row *w = &ROWS[m];
    const spr_measure *ms = spr_measure_get(w->measure);
    spr_selection sel = spr_measure_selection(ms, (spr_period){w->period, 0, 0});
    double v = spr_measure_value(ms, NULL, res, r, &sel);
    if (w->per_year) v = v / spr_selection_years(res, &sel);
    if (w->divisor != 1) v = v / w->divisor;
    return v;
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

/* One line: the value, and the paired difference from the reference (ref
 * NULL for the reference itself); v holds 3 values a replicate. */
static void print_row(FILE *out, const spr_results *res, const spr_results *ref, spr_summary_measure m, double *v)
{
    int R = res->replicates, n = ref && ref->replicates < R ? ref->replicates : R;
    double *a = v, *b = v + R, *scratch = b + R;
    for (int r = 0; r < R; r++) a[r] = spr_summary_measure_value(res, r, m);
    char value[96], diff[96] = "";
    format_interval(value, sizeof value, spr_interval_of(a, R, scratch), 0);
    if (ref) {
        for (int r = 0; r < n; r++) {
            b[r] = spr_summary_measure_value(ref, r, m);
            /* waits, utilisation and shares are not compared with a reference that has none */
            if (isnan(b[r]) && ROWS[m].absent_is_zero) b[r] = 0;
        }
        format_interval(diff, sizeof diff, spr_interval_paired(a, b, n, scratch), 1);
    }
    fprintf(out, "  %-36s %-30s %s\n", spr_summary_label(m), value, diff);
}

int spr_summary_print(FILE *out, const spr_scenario *scenarios, spr_results *const *results, int n)
{
    int most = 1;
    for (int i = 0; i < n; i++) most = results[i]->replicates > most ? results[i]->replicates : most;
    double *v = malloc(3 * sizeof *v * (size_t)most);
    if (v == NULL) return SPR_ERR_NOMEM;
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
        for (int m = 0; m < SPR_SUM_COUNT; m++) print_row(out, res, i > 0 ? results[0] : NULL, m, v);
    }
    free(v);
    return SPR_OK;
}
