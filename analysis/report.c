#include "sprsim/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/economics.h"
#include "sprsim/lifetable.h"
#include "sprsim/sullivan.h"
#include "sprsim/version.h"

/* Share of 要介護2 among people certified 要介護1-2, end of FY2022
 * (介護保険事業状況報告: 16.6% / (20.9% + 16.6%)): the model's care 1-2
 * state is split with it for the "average period of independence". */
#define CARE2_SHARE_OF_CARE12 (16.6 / (20.9 + 16.6))
#define BAND_65 13
#define BAND_40 8

static const spr_measure_info MEASURES[SPR_M_COUNT] = {
    {"population", "persons", "residents at the start of the year"},
    {"le0_male", "years", "life expectancy at birth, men"},
    {"le0_female", "years", "life expectancy at birth, women"},
    {"le65_male", "years", "life expectancy at 65, men"},
    {"le65_female", "years", "life expectancy at 65, women"},
    {"hle0_male", "years", "healthy life expectancy at birth (free of limitation), men"},
    {"hle0_female", "years", "healthy life expectancy at birth (free of limitation), women"},
    {"hle65_male", "years", "healthy life expectancy at 65 (free of limitation), men"},
    {"hle65_female", "years", "healthy life expectancy at 65 (free of limitation), women"},
    {"ipe0_male", "years", "average period of independence at birth (not care level 2+), men"},
    {"ipe0_female", "years", "average period of independence at birth (not care level 2+), women"},
    {"ipe65_male", "years", "average period of independence at 65, men"},
    {"ipe65_female", "years", "average period of independence at 65, women"},
    {"le40_male", "years", "life expectancy at 40, men"},
    {"le40_female", "years", "life expectancy at 40, women"},
    {"hle40_male", "years", "healthy life expectancy at 40 (free of limitation), men"},
    {"hle40_female", "years", "healthy life expectancy at 40 (free of limitation), women"},
    {"ipe40_male", "years", "average period of independence at 40, men"},
    {"ipe40_female", "years", "average period of independence at 40, women"},
    {"isolated_65plus", "%", "isolated, residents 65+"},
    {"isolated_person_years", "person-years", "person-years isolated, all ages"},
    {"care_need_65plus", "%", "certified care need, residents 65+"},
    {"taking_part_65plus", "%", "in a community group, residents 65+"},
    {"medical_cost", "yen", "medical expenditure"},
    {"ltc_cost", "yen", "long-term-care spending"},
    {"programme_cost", "yen", "programme cost (link workers, groups, outreach)"},
    {"qalys", "QALYs", "quality-adjusted life years lived"},
    {"referrals", "persons", "referrals to link workers"},
    {"wait_mean", "days", "mean wait from referral to first contact"},
    {"utilisation", "%", "link workers' caseload places in use"},
};

const spr_measure_info *spr_measure_describe(spr_measure m) { return &MEASURES[m]; }

/* ---- measures -------------------------------------------------------------- */

static double year_sum(const spr_results *res, int r, int y, spr_indicator ind, int sex, int b_lo, int b_hi)
{
    double t = 0;
    for (int m = 12 * y; m < 12 * y + 12; m++)
        for (int s = 0; s < SPR_SEXES; s++)
            if (sex < 0 || s == sex)
                for (int b = b_lo; b < b_hi; b++) t += res->counts[spr_results_index(res, r, m, ind, s, b)];
    return t;
}

/* Life expectancy and Sullivan health expectancies at band `from` for one sex and year;
 * kind 0: total, 1: free of limitation, 2: not care level 2+. */
static double expectancy(const spr_results *res, int r, int y, int sex, int from, int kind)
{
    double deaths[SPR_AGE_BANDS], py[SPR_AGE_BANDS], healthy[SPR_AGE_BANDS];
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        deaths[b] = year_sum(res, r, y, SPR_IND_DEATHS, sex, b, b + 1);
        double pm = year_sum(res, r, y, SPR_IND_POPULATION, sex, b, b + 1);
        py[b] = pm / 12.0;
        double unhealthy = 0;
        if (kind == 1) unhealthy = pm - year_sum(res, r, y, SPR_IND_INDEPENDENT, sex, b, b + 1);
        if (kind == 2)
            unhealthy = year_sum(res, r, y, SPR_IND_CARE35, sex, b, b + 1) +
                        CARE2_SHARE_OF_CARE12 * year_sum(res, r, y, SPR_IND_CARE12, sex, b, b + 1);
        healthy[b] = pm > 0 ? 1.0 - unhealthy / pm : NAN;
    }
    spr_lifetable t;
    if (spr_lifetable_build(deaths, py, &t) != 0 && isnan(t.e[from])) return NAN;
    if (kind == 0) return t.e[from];
    return spr_sullivan_health_expectancy(t.l, t.L, healthy, SPR_AGE_BANDS, from);
}

static const spr_programme_month *pm_at(const spr_results *res, int r, int m)
{
    return &res->programme[(size_t)r * (size_t)res->months + (size_t)m];
}

static double qalys_year(const spr_params *p, const spr_results *res, int r, int y)
{
    double q = 0;
    for (int f = 0; f < SPR_FUNC_STATES; f++) q += p->utility_function[f] * year_sum(res, r, y, SPR_IND_INDEPENDENT + f, -1, 0, SPR_AGE_BANDS);
    q -= p->utility_dementia_decrement * year_sum(res, r, y, SPR_IND_DEMENTIA, -1, 0, SPR_AGE_BANDS);
    return q / 12.0;
}

static double cost_year(const double *cost, const spr_results *res, int r, int y)
{
    double t = 0;
    for (int m = 12 * y; m < 12 * y + 12; m++)
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 0; b < SPR_AGE_BANDS; b++) t += cost[spr_results_cost_index(res, r, m, s, b)];
    return t;
}

double spr_report_measure(const spr_params *p, const spr_results *res, int r, int y, spr_measure m)
{
    double pop65 = year_sum(res, r, y, SPR_IND_POPULATION, -1, BAND_65, SPR_AGE_BANDS), t = 0, n = 0;
    switch (m) {
    case SPR_M_POPULATION: return (double)spr_results_total(res, r, 12 * y, SPR_IND_POPULATION, 0, SPR_AGE_BANDS);
    case SPR_M_LE0_M: return expectancy(res, r, y, SPR_MALE, 0, 0);
    case SPR_M_LE0_F: return expectancy(res, r, y, SPR_FEMALE, 0, 0);
    case SPR_M_LE65_M: return expectancy(res, r, y, SPR_MALE, BAND_65, 0);
    case SPR_M_LE65_F: return expectancy(res, r, y, SPR_FEMALE, BAND_65, 0);
    case SPR_M_HLE0_M: return expectancy(res, r, y, SPR_MALE, 0, 1);
    case SPR_M_HLE0_F: return expectancy(res, r, y, SPR_FEMALE, 0, 1);
    case SPR_M_HLE65_M: return expectancy(res, r, y, SPR_MALE, BAND_65, 1);
    case SPR_M_HLE65_F: return expectancy(res, r, y, SPR_FEMALE, BAND_65, 1);
    case SPR_M_IPE0_M: return expectancy(res, r, y, SPR_MALE, 0, 2);
    case SPR_M_IPE0_F: return expectancy(res, r, y, SPR_FEMALE, 0, 2);
    case SPR_M_IPE65_M: return expectancy(res, r, y, SPR_MALE, BAND_65, 2);
    case SPR_M_IPE65_F: return expectancy(res, r, y, SPR_FEMALE, BAND_65, 2);
    case SPR_M_LE40_M: return expectancy(res, r, y, SPR_MALE, BAND_40, 0);
    case SPR_M_LE40_F: return expectancy(res, r, y, SPR_FEMALE, BAND_40, 0);
    case SPR_M_HLE40_M: return expectancy(res, r, y, SPR_MALE, BAND_40, 1);
    case SPR_M_HLE40_F: return expectancy(res, r, y, SPR_FEMALE, BAND_40, 1);
    case SPR_M_IPE40_M: return expectancy(res, r, y, SPR_MALE, BAND_40, 2);
    case SPR_M_IPE40_F: return expectancy(res, r, y, SPR_FEMALE, BAND_40, 2);
    case SPR_M_ISOLATED_65: return 100.0 * year_sum(res, r, y, SPR_IND_ISOLATED, -1, BAND_65, SPR_AGE_BANDS) / pop65;
    case SPR_M_ISOLATED_PY: return year_sum(res, r, y, SPR_IND_ISOLATED, -1, 0, SPR_AGE_BANDS) / 12.0;
    case SPR_M_CARE_NEED_65:
        return 100.0 *
               (year_sum(res, r, y, SPR_IND_SUPPORT, -1, BAND_65, SPR_AGE_BANDS) +
                year_sum(res, r, y, SPR_IND_CARE12, -1, BAND_65, SPR_AGE_BANDS) +
                year_sum(res, r, y, SPR_IND_CARE35, -1, BAND_65, SPR_AGE_BANDS)) / pop65;
    case SPR_M_TAKING_PART_65: return 100.0 * year_sum(res, r, y, SPR_IND_PARTICIPANTS, -1, BAND_65, SPR_AGE_BANDS) / pop65;
    case SPR_M_MEDICAL: return cost_year(res->medical_yen, res, r, y);
    case SPR_M_LTC: return cost_year(res->ltc_yen, res, r, y);
    case SPR_M_PROGRAMME:
        for (int k = 12 * y; k < 12 * y + 12; k++)
            t += pm_at(res, r, k)->cost_link_workers_yen + pm_at(res, r, k)->cost_resources_yen + pm_at(res, r, k)->cost_outreach_yen;
        return t;
    case SPR_M_QALY: return qalys_year(p, res, r, y);
    case SPR_M_REFERRALS:
        for (int k = 12 * y; k < 12 * y + 12; k++)
            for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) t += pm_at(res, r, k)->referrals[s];
        return t;
    case SPR_M_WAIT_MEAN:
        for (int k = 12 * y; k < 12 * y + 12; k++)
            if (pm_at(res, r, k)->first_contacts > 0) {
                t += pm_at(res, r, k)->wait_mean_days * pm_at(res, r, k)->first_contacts;
                n += pm_at(res, r, k)->first_contacts;
            }
        return n > 0 ? t / n : NAN;
    case SPR_M_UTILISATION:
        for (int k = 12 * y; k < 12 * y + 12; k++) {
            t += pm_at(res, r, k)->active;
            n += pm_at(res, r, k)->places;
        }
        return n > 0 ? 100.0 * t / n : NAN;
    default: return NAN;
    }
}

void spr_report_ce(const spr_params *p, const spr_results *res, const spr_results *ref, int r, double rate,
                   spr_ce_draw *out)
{
    int years = res->months / 12;
    double *d_cost = calloc((size_t)years, sizeof *d_cost), *d_qaly = calloc((size_t)years, sizeof *d_qaly);
    double *d_ml = calloc((size_t)years, sizeof *d_ml), *d_pr = calloc((size_t)years, sizeof *d_pr);
    memset(out, 0, sizeof *out);
    if (d_cost && d_qaly && d_ml && d_pr) {
        for (int y = 0; y < years; y++) {
            double ml = spr_report_measure(p, res, r, y, SPR_M_MEDICAL) + spr_report_measure(p, res, r, y, SPR_M_LTC);
            double ml0 = spr_report_measure(p, ref, r, y, SPR_M_MEDICAL) + spr_report_measure(p, ref, r, y, SPR_M_LTC);
            double pr = spr_report_measure(p, res, r, y, SPR_M_PROGRAMME), pr0 = spr_report_measure(p, ref, r, y, SPR_M_PROGRAMME);
            d_ml[y] = ml - ml0;
            d_pr[y] = pr - pr0;
            d_cost[y] = d_ml[y] + d_pr[y];
            d_qaly[y] = spr_report_measure(p, res, r, y, SPR_M_QALY) - spr_report_measure(p, ref, r, y, SPR_M_QALY);
        }
        out->d_cost_yen = spr_econ_present_value(d_cost, years, rate);
        out->d_qaly = spr_econ_present_value(d_qaly, years, rate);
        out->d_medical_ltc_yen = spr_econ_present_value(d_ml, years, rate);
        out->d_programme_yen = spr_econ_present_value(d_pr, years, rate);
    }
    free(d_cost);
    free(d_qaly);
    free(d_ml);
    free(d_pr);
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

static double sweep_value(const spr_scenario *sc, const spr_results *res, int kind);

/* ---- small statistics over replicates ------------------------------------- */

typedef struct {
    double mean, lo, hi;
    int n;
} ci;

static ci mean_ci(const double *v, int n)
{
    double *w = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i])) w[k++] = v[i];
    ci c = {NAN, NAN, NAN, k};
    if (k > 0) {
        c.mean = c.lo = c.hi = gsl_stats_mean(w, 1, (size_t)k);
        if (k > 1) {
            double h = gsl_cdf_tdist_Pinv(0.975, k - 1) * gsl_stats_sd(w, 1, (size_t)k) / sqrt(k);
            c.lo = c.mean - h;
            c.hi = c.mean + h;
        }
    }
    free(w);
    return c;
}

/* ---- text helpers --------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...)
{
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if (b->s && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *s = realloc(b->s, cap);
        if (s == NULL) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

/* 12345678 -> "12,345,678" */
static void thousands(char *out, size_t sz, double v, int decimals)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    char *dot = strchr(raw, '.');
    size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw), j = 0;
    if (v < 0 && j + 1 < sz) out[j++] = '-';
    for (size_t i = 0; i < int_len && j + 2 < sz; i++) {
        out[j++] = raw[i];
        if ((int_len - i - 1) % 3 == 0 && i + 1 < int_len) out[j++] = ',';
    }
    for (const char *c = dot; c && *c && j + 1 < sz; c++) out[j++] = *c;
    out[j] = '\0';
}

/* yen as "¥1,234 million" (or billion), with a + when asked */
static void yen(char *out, size_t sz, double v, int sign)
{
    char num[40];
    double a = fabs(v);
    if (a >= 1e9) thousands(num, sizeof num, a / 1e9, 2);
    else thousands(num, sizeof num, a / 1e6, a >= 1e7 ? 0 : 1);
    snprintf(out, sz, "%s¥%s %s", v < 0 ? "-" : (sign && v > 0 ? "+" : ""), num, a >= 1e9 ? "billion" : "million");
}

static const char *html_escape(const char *in, char *out, size_t sz)
{
    size_t j = 0;
    for (const char *c = in; *c && j + 7 < sz; c++) {
        const char *rep = *c == '<' ? "&lt;" : *c == '>' ? "&gt;" : *c == '&' ? "&amp;" : *c == '"' ? "&quot;" : NULL;
        if (rep) {
            strcpy(out + j, rep);
            j += strlen(rep);
        } else {
            out[j++] = *c;
        }
    }
    out[j] = '\0';
    return out;
}

/* Writes a page under a temporary name and renames it when complete; frees b. */
static int write_page(const char *path, sbuf *b, spr_error *err)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = b->oom ? NULL : fopen(tmp, "w");
    int ok = f != NULL && fwrite(b->s, 1, b->len, f) == b->len;
    if (f != NULL && fclose(f) != 0) ok = 0;
    free(b->s);
    b->s = NULL;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return spr_error_set(err, b->oom ? SPR_ERR_NOMEM : SPR_ERR_IO, "cannot write %s", path);
    }
    return SPR_OK;
}

/* ---- CSV ------------------------------------------------------------------ */

int spr_report_write_csv(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                         const spr_report_options *o, spr_error *err)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) return spr_error_set(err, SPR_ERR_IO, "cannot write %s", tmp);
    fprintf(f, "scenario,replicate,draw,year,measure,unit,value\n");
    for (int i = 0; i < n; i++) {
        const spr_params *p = &sc[i].params;
        int k = p->replicates_per_draw > 0 ? p->replicates_per_draw : 1;
        for (int r = 0; r < res[i]->replicates; r++)
            for (int y = 0; y < res[i]->months / 12; y++)
                for (int m = 0; m < SPR_M_COUNT; m++) {
                    double v = spr_report_measure(p, res[i], r, y, m);
                    if (isnan(v)) continue;
                    fprintf(f, "%s,%d,%d,%d,%s,%s,%.10g\n", p->name, r, r / k, p->start_year + y, MEASURES[m].name,
                            MEASURES[m].unit, v);
                }
        /* isolation by sex and age band from 40; discounted costs and QALYs, per year and cumulative */
        static const char *sexes[2] = {"male", "female"};
        static const spr_measure disc[4] = {SPR_M_MEDICAL, SPR_M_LTC, SPR_M_PROGRAMME, SPR_M_QALY};
        for (int r = 0; r < res[i]->replicates; r++) {
            double cum[4] = {0, 0, 0, 0};
            for (int y = 0; y < res[i]->months / 12; y++) {
                for (int s = 0; s < SPR_SEXES; s++)
                    for (int b = BAND_40; b < SPR_AGE_BANDS; b++) {
                        double pop = year_sum(res[i], r, y, SPR_IND_POPULATION, s, b, b + 1);
                        if (pop <= 0) continue;
                        char band[16];
                        if (b == SPR_AGE_BANDS - 1) snprintf(band, sizeof band, "100plus");
                        else snprintf(band, sizeof band, "%d_%d", 5 * b, 5 * b + 4);
                        fprintf(f, "%s,%d,%d,%d,isolated_%s_%s,%%,%.10g\n", p->name, r, r / k, p->start_year + y,
                                sexes[s], band, 100.0 * year_sum(res[i], r, y, SPR_IND_ISOLATED, s, b, b + 1) / pop);
                    }
                double df = spr_econ_discount_factor(o->discount_rate, y);
                for (int j = 0; j < 4; j++) {
                    double v = spr_report_measure(p, res[i], r, y, disc[j]) * df;
                    cum[j] += v;
                    fprintf(f, "%s,%d,%d,%d,%s_discounted,%s,%.10g\n", p->name, r, r / k, p->start_year + y,
                            MEASURES[disc[j]].name, MEASURES[disc[j]].unit, v);
                    fprintf(f, "%s,%d,%d,%d,%s_discounted_cumulative,%s,%.10g\n", p->name, r, r / k, p->start_year + y,
                            MEASURES[disc[j]].name, MEASURES[disc[j]].unit, cum[j]);
                }
            }
        }
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        remove(tmp);
        return spr_error_set(err, SPR_ERR_IO, "cannot write %s", path);
    }
    return SPR_OK;
}

/* ---- terminal ------------------------------------------------------------- */

/* Official 2022 figures (令和4年簡易生命表; MHLW expert committee, 24 Dec 2024). */
static const double OFFICIAL_LE0[2] = {81.05, 87.09}, OFFICIAL_HLE0[2] = {72.57, 75.45};

static ci measure_ci(const spr_params *p, const spr_results *res, int y, spr_measure m)
{
    double *v = calloc((size_t)res->replicates + 1, sizeof *v);
    for (int r = 0; r < res->replicates; r++) v[r] = spr_report_measure(p, res, r, y, m);
    ci c = mean_ci(v, res->replicates);
    free(v);
    return c;
}

static void fmt_ci(char *out, size_t sz, ci c, int digits)
{
    if (c.n == 0) snprintf(out, sz, "-");
    else if (c.n == 1) snprintf(out, sz, "%.*f", digits, c.mean);
    else snprintf(out, sz, "%.*f [%.*f, %.*f]", digits, c.mean, digits, c.lo, digits, c.hi);
}

typedef struct {
    ci d_cost, d_qaly, nmb, roi;
    double icer, p_ce, param_share_nmb;
    int n;
} ce_summary;

/* Scenario i against the reference, replicate by replicate: the number of
 * paired replicates, and (allocated) their incremental costs and QALYs. */
static int ce_pairs(const spr_scenario *sc, spr_results *const *res, int i, const spr_report_options *o,
                    spr_ce_draw **out)
{
    int R = res[i]->replicates < res[0]->replicates ? res[i]->replicates : res[0]->replicates;
    *out = calloc((size_t)R + 1, sizeof **out);
    if (*out == NULL) return 0;
    for (int r = 0; r < R; r++) spr_report_ce(&sc[0].params, res[i], res[0], r, o->discount_rate, &(*out)[r]);
    return R;
}

static ce_summary ce_of(const spr_scenario *sc, spr_results *const *res, int i, const spr_report_options *o)
{
    ce_summary s;
    memset(&s, 0, sizeof s);
    spr_ce_draw *d;
    int R = ce_pairs(sc, res, i, o, &d);
    double *dc = calloc((size_t)R + 1, sizeof *dc), *de = calloc((size_t)R + 1, sizeof *de);
    double *nmb = calloc((size_t)R + 1, sizeof *nmb), *roi = calloc((size_t)R + 1, sizeof *roi);
    for (int r = 0; r < R; r++) {
        dc[r] = d[r].d_cost_yen;
        de[r] = d[r].d_qaly;
        nmb[r] = spr_econ_nmb(d[r].d_cost_yen, d[r].d_qaly, o->wtp_yen);
        roi[r] = d[r].d_programme_yen > 0 ? -d[r].d_medical_ltc_yen / d[r].d_programme_yen : NAN;
    }
    free(d);
    s.n = R;
    s.d_cost = mean_ci(dc, R);
    s.d_qaly = mean_ci(de, R);
    s.nmb = mean_ci(nmb, R);
    s.roi = mean_ci(roi, R);
    s.icer = spr_econ_icer(s.d_cost.mean, s.d_qaly.mean);
    s.p_ce = spr_econ_prob_cost_effective(dc, de, (size_t)R, o->wtp_yen);
    s.param_share_nmb = spr_report_parameter_share(nmb, R, sc[i].params.replicates_per_draw);
    free(dc);
    free(de);
    free(nmb);
    free(roi);
    return s;
}

static void fmt_icer(char *out, size_t sz, const ce_summary *s)
{
    char y[64];
    if (isnan(s->icer)) snprintf(out, sz, "no difference");
    else if (s->d_qaly.mean > 0 && s->d_cost.mean <= 0) snprintf(out, sz, "dominant (saves money, gains QALYs)");
    else if (s->d_qaly.mean <= 0 && s->d_cost.mean > 0) snprintf(out, sz, "dominated (costs more, no QALY gain)");
    else {
        thousands(y, sizeof y, s->icer, 0);
        snprintf(out, sz, "¥%s per QALY", y);
    }
}

void spr_report_print(FILE *out, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o)
{
    const spr_params *p0 = &sc[0].params;
    int last = res[0]->months / 12 - 1;
    char a[96], b[96], c[96], d[96];
    fprintf(out, "\nsprsim report: %d scenario%s, %d-%d, reference '%s'\n", n, n == 1 ? "" : "s", p0->start_year,
            p0->start_year + last, p0->name);
    fprintf(out, "Mean [95%% CI of the mean over replicates]. Costs and QALYs discounted at %.1f%% a year; "
                 "willingness to pay ¥%.0f per QALY.\n", 100 * o->discount_rate, o->wtp_yen);
    fprintf(out, "\nLife expectancy (LE) and healthy life expectancy (HLE, free of limitation) at birth, %d\n",
            p0->start_year);
    fprintf(out, "  %-22s %-24s %-24s %-24s %-24s\n", "scenario", "LE men", "LE women", "HLE men", "HLE women");
    fprintf(out, "  %-22s %-24.2f %-24.2f %-24.2f %-24.2f\n", "official 2022", OFFICIAL_LE0[0], OFFICIAL_LE0[1],
            OFFICIAL_HLE0[0], OFFICIAL_HLE0[1]);
    for (int i = 0; i < n; i++) {
        fmt_ci(a, sizeof a, measure_ci(&sc[i].params, res[i], 0, SPR_M_LE0_M), 2);
        fmt_ci(b, sizeof b, measure_ci(&sc[i].params, res[i], 0, SPR_M_LE0_F), 2);
        fmt_ci(c, sizeof c, measure_ci(&sc[i].params, res[i], 0, SPR_M_HLE0_M), 2);
        fmt_ci(d, sizeof d, measure_ci(&sc[i].params, res[i], 0, SPR_M_HLE0_F), 2);
        fprintf(out, "  %-22s %-24s %-24s %-24s %-24s\n", sc[i].params.name, a, b, c, d);
    }
    fprintf(out, "\nOutcomes in %d\n", p0->start_year + last);
    fprintf(out, "  %-22s %-24s %-24s %-24s %-24s\n", "scenario", "HLE men", "HLE women", "isolated 65+ (%)",
            "care need 65+ (%)");
    for (int i = 0; i < n; i++) {
        fmt_ci(a, sizeof a, measure_ci(&sc[i].params, res[i], last, SPR_M_HLE0_M), 2);
        fmt_ci(b, sizeof b, measure_ci(&sc[i].params, res[i], last, SPR_M_HLE0_F), 2);
        fmt_ci(c, sizeof c, measure_ci(&sc[i].params, res[i], last, SPR_M_ISOLATED_65), 2);
        fmt_ci(d, sizeof d, measure_ci(&sc[i].params, res[i], last, SPR_M_CARE_NEED_65), 2);
        fprintf(out, "  %-22s %-24s %-24s %-24s %-24s\n", sc[i].params.name, a, b, c, d);
    }
    for (int i = 0; i < n; i++) {
        if (sc[i].sweep_of[0] == '\0' || (i > 0 && strcmp(sc[i - 1].sweep_of, sc[i].sweep_of) == 0)) continue;
        fprintf(out, "\nSweep '%s' over %s (years from %d; the staffing curve)\n", sc[i].sweep_of, sc[i].sweep_key,
                p0->start_year + (res[i]->months >= 24 ? 1 : 0));
        fprintf(out, "  %10s %22s %18s %16s %22s\n", "value", "seen within 4 weeks", "mean wait (d)", "caseload in use",
                "programme (¥m/y)");
        for (int j = i; j < n && strcmp(sc[j].sweep_of, sc[i].sweep_of) == 0; j++)
            fprintf(out, "  %10g %22.3f %18.1f %15.0f%% %22.1f\n", sc[j].sweep_at[0], sweep_value(&sc[j], res[j], 0),
                    sweep_value(&sc[j], res[j], 1), sweep_value(&sc[j], res[j], 3), sweep_value(&sc[j], res[j], 2) / 1e6);
    }
    if (n < 2) return;
    fprintf(out, "\nCost-effectiveness against '%s' over %d years (paired by replicate)\n", p0->name, last + 1);
    for (int i = 1; i < n; i++) {
        ce_summary s = ce_of(sc, res, i, o);
        char icer[96], y1[96], y2[96], y3[96];
        fmt_icer(icer, sizeof icer, &s);
        fprintf(out, "  %s\n", sc[i].params.name);
        yen(y1, sizeof y1, s.d_cost.mean, 1);
        yen(y2, sizeof y2, s.d_cost.lo, 1);
        yen(y3, sizeof y3, s.d_cost.hi, 1);
        fprintf(out, "    incremental cost      %s [%s, %s]\n", y1, y2, y3);
        fprintf(out, "    incremental QALYs     %+.1f [%+.1f, %+.1f]\n", s.d_qaly.mean, s.d_qaly.lo, s.d_qaly.hi);
        fprintf(out, "    ICER                  %s\n", icer);
        yen(y1, sizeof y1, s.nmb.mean, 1);
        yen(y2, sizeof y2, s.nmb.lo, 1);
        yen(y3, sizeof y3, s.nmb.hi, 1);
        fprintf(out, "    net monetary benefit  %s [%s, %s]\n", y1, y2, y3);
        fprintf(out, "    P(cost-effective)     %.2f (share of %d replicates with positive net benefit)\n", s.p_ce, s.n);
        if (!isnan(s.roi.mean))
            fprintf(out, "    return on spending    %.2f [%.2f, %.2f] yen of medical and LTC cost avoided per yen\n",
                    s.roi.mean, s.roi.lo, s.roi.hi);
        if (!isnan(s.param_share_nmb))
            fprintf(out, "    uncertainty           %.0f%% of the variance of the net benefit comes from parameters, "
                         "%.0f%% from chance\n", 100 * s.param_share_nmb, 100 * (1 - s.param_share_nmb));
    }
}

/* ---- HTML with inline SVG ------------------------------------------------- */

static const char *COLOURS[] = {"#4d4d4d", "#1b6ca8", "#d1495b", "#2a9d8f", "#e9a03b", "#7b4fa0", "#8c564b", "#17becf"};
#define N_COLOURS 8

typedef struct {
    double x0, x1, y0, y1; /* data ranges */
} axes;

enum { W = 640, H = 320, ML = 70, MR = 20, MT = 36, MB = 44 };

static double sx(const axes *a, double x) { return ML + (x - a->x0) / (a->x1 - a->x0) * (W - ML - MR); }
static double sy(const axes *a, double y) { return H - MB - (y - a->y0) / (a->y1 - a->y0) * (H - MT - MB); }

/* "nice" tick step for a range */
static double tick_step(double span)
{
    double raw = span / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

static void fmt_tick(char *out, size_t sz, double v)
{
    double a = fabs(v);
    if (a >= 1e9) snprintf(out, sz, "%.3g bn", v / 1e9);
    else if (a >= 1e6) snprintf(out, sz, "%.3g m", v / 1e6);
    else if (a >= 1e4) thousands(out, sz, v, 0);
    else snprintf(out, sz, "%.4g", v);
}

static void svg_open(sbuf *b, const char *id, const char *title, const char *xlabel, const char *ylabel, axes *a)
{
    if (!(a->y1 > a->y0)) {
        a->y0 -= 1;
        a->y1 += 1;
    }
    double pad = 0.05 * (a->y1 - a->y0);
    a->y0 -= pad;
    a->y1 += pad;
    if (!(a->x1 > a->x0)) a->x1 = a->x0 + 1;
    char t[600];
    sb_add(b, "<figure><svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n", id, W, H,
           html_escape(title, t, sizeof t));
    sb_add(b, "<text x=\"%d\" y=\"20\" class=\"title\">%s</text>\n", ML, t);
    double st = tick_step(a->y1 - a->y0);
    for (double v = ceil(a->y0 / st) * st; v <= a->y1; v += st) {
        char lab[48];
        fmt_tick(lab, sizeof lab, fabs(v) < 1e-12 * st ? 0 : v);
        sb_add(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"ytick\">%s</text>\n",
               ML, W - MR, sy(a, v), sy(a, v), ML - 6, sy(a, v) + 4, lab);
    }
    double xt = tick_step(a->x1 - a->x0);
    for (double v = ceil(a->x0 / xt) * xt; v <= a->x1 + 1e-9; v += xt) {
        char lab[48];
        fmt_tick(lab, sizeof lab, v);
        sb_add(b, "<text x=\"%.1f\" y=\"%d\" class=\"xtick\">%s</text>\n", sx(a, v), H - MB + 16, lab);
    }
    sb_add(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"axis\"/>\n", ML, W - MR, H - MB, H - MB);
    sb_add(b, "<text x=\"%d\" y=\"%d\" class=\"xlabel\">%s</text>\n", (ML + W - MR) / 2, H - 8, html_escape(xlabel, t, sizeof t));
    sb_add(b, "<text transform=\"translate(14 %d) rotate(-90)\" class=\"ylabel\">%s</text>\n", (MT + H - MB) / 2,
           html_escape(ylabel, t, sizeof t));
}

static void svg_legend(sbuf *b, const spr_scenario *sc, int n)
{
    char t[200];
    int every = (n + N_COLOURS - 1) / N_COLOURS, k = 0;
    for (int i = 0; i < n; i += every, k++)
        sb_add(b, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text></g>\n",
               ML + 8 + (k % 3) * 180, MT + 4 + (k / 3) * 14, COLOURS[i % N_COLOURS], ML + 24 + (k % 3) * 180, MT + 9 + (k / 3) * 14,
               html_escape(sc[i].params.name, t, sizeof t));
}

/* A time series per scenario: mean line and 95% band over replicates. */
static void svg_series(sbuf *b, const char *id, const char *title, const char *ylabel, const spr_scenario *sc,
                       spr_results *const *res, int n, spr_measure m, double scale)
{
    int years = res[0]->months / 12;
    double *mean = calloc((size_t)(n * years), sizeof *mean), *lo = calloc((size_t)(n * years), sizeof *lo),
           *hi = calloc((size_t)(n * years), sizeof *hi);
    axes a = {sc[0].params.start_year, sc[0].params.start_year + years - 1, INFINITY, -INFINITY};
    for (int i = 0; i < n; i++)
        for (int y = 0; y < years; y++) {
            ci c = measure_ci(&sc[i].params, res[i], y, m);
            mean[i * years + y] = c.mean * scale;
            lo[i * years + y] = c.lo * scale;
            hi[i * years + y] = c.hi * scale;
            if (!isnan(c.lo)) a.y0 = fmin(a.y0, c.lo * scale);
            if (!isnan(c.hi)) a.y1 = fmax(a.y1, c.hi * scale);
        }
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    svg_open(b, id, title, "year", ylabel, &a);
    int every = (n + N_COLOURS - 1) / N_COLOURS; /* at most eight lines: every k-th scenario of a long sweep */
    for (int i = 0; i < n; i++) {
        if (i % every != 0) continue;
        const char *col = COLOURS[i % N_COLOURS];
        sb_add(b, "<polygon class=\"band\" fill=\"%s\" points=\"", col);
        for (int y = 0; y < years; y++)
            if (!isnan(hi[i * years + y])) sb_add(b, "%.1f,%.1f ", sx(&a, a.x0 + y), sy(&a, hi[i * years + y]));
        for (int y = years - 1; y >= 0; y--)
            if (!isnan(lo[i * years + y])) sb_add(b, "%.1f,%.1f ", sx(&a, a.x0 + y), sy(&a, lo[i * years + y]));
        sb_add(b, "\"/>\n<polyline class=\"line\" stroke=\"%s\" points=\"", col);
        for (int y = 0; y < years; y++)
            if (!isnan(mean[i * years + y])) sb_add(b, "%.1f,%.1f ", sx(&a, a.x0 + y), sy(&a, mean[i * years + y]));
        sb_add(b, "\"><title>%s</title></polyline>\n", sc[i].params.name);
    }
    svg_legend(b, sc, n);
    sb_add(b, "</svg></figure>\n");
    free(mean);
    free(lo);
    free(hi);
}

/* A measure of a sweep's points against the swept value (mean over replicates and years from
 * the second; kind 0: share first seen within 4 weeks, 1: mean wait, 2: programme cost a year,
 * 3: caseload in use). */
static double sweep_value(const spr_scenario *sc, const spr_results *res, int kind)
{
    double t = 0, n = 0;
    int y0 = res->months >= 24 ? 1 : 0;
    for (int r = 0; r < res->replicates; r++)
        for (int m = 12 * y0; m < res->months; m++) {
            const spr_programme_month *pm = &res->programme[(size_t)r * res->months + m];
            if (kind == 0) { /* first contacts within 4 weeks over referrals made (as sprsim staff) */
                for (int w = 0; w < 4; w++) t += pm->wait_weeks[w];
                for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) n += pm->referrals[s];
            }
            else if (kind == 1 && pm->first_contacts > 0) t += pm->wait_mean_days * pm->first_contacts, n += pm->first_contacts;
            else if (kind == 2) t += pm->cost_link_workers_yen + pm->cost_resources_yen + pm->cost_outreach_yen, n += 1.0 / 12;
            else if (kind == 3) t += pm->active, n += pm->places;
        }
    (void)sc;
    return n > 0 ? (kind == 3 ? 100 * t / n : kind == 0 ? fmin(1.0, t / n) : t / n) : NAN;
}

static void svg_sweep(sbuf *b, const char *id, const char *title, const char *ylabel, const spr_scenario *sc,
                      spr_results *const *res, int n, const char *sweep, int kind, double scale)
{
    axes a = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (int i = 0; i < n; i++) {
        if (strcmp(sc[i].sweep_of, sweep) != 0) continue;
        double v = sweep_value(&sc[i], res[i], kind) * scale;
        a.x0 = fmin(a.x0, sc[i].sweep_at[0]);
        a.x1 = fmax(a.x1, sc[i].sweep_at[0]);
        if (!isnan(v)) a.y0 = fmin(a.y0, v), a.y1 = fmax(a.y1, v);
    }
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    char xl[160];
    for (int i = 0; i < n; i++)
        if (strcmp(sc[i].sweep_of, sweep) == 0) {
            snprintf(xl, sizeof xl, "%s", sc[i].sweep_key);
            break;
        }
    svg_open(b, id, title, xl, ylabel, &a);
    sb_add(b, "<polyline class=\"line\" stroke=\"%s\" points=\"", COLOURS[1]);
    for (int i = 0; i < n; i++) {
        if (strcmp(sc[i].sweep_of, sweep) != 0) continue;
        double v = sweep_value(&sc[i], res[i], kind) * scale;
        if (!isnan(v)) sb_add(b, "%.1f,%.1f ", sx(&a, sc[i].sweep_at[0]), sy(&a, v));
    }
    sb_add(b, "\"/>\n");
    for (int i = 0; i < n; i++) {
        if (strcmp(sc[i].sweep_of, sweep) != 0) continue;
        double v = sweep_value(&sc[i], res[i], kind) * scale;
        if (!isnan(v))
            sb_add(b, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%g: %.4g</title></circle>\n",
                   sx(&a, sc[i].sweep_at[0]), sy(&a, v), COLOURS[1], sc[i].sweep_at[0], v);
    }
    sb_add(b, "</svg></figure>\n");
}

/* The cost-effectiveness plane: incremental QALYs (x) and cost (y) of each replicate. */
static void svg_ce_plane(sbuf *b, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o)
{
    axes a = {0, 0, 0, 0};
    int total = 0;
    for (int i = 1; i < n; i++) total += res[i]->replicates;
    spr_ce_draw *d = calloc((size_t)total + 1, sizeof *d);
    int k = 0;
    for (int i = 1; i < n; i++)
        for (int r = 0; r < res[i]->replicates && r < res[0]->replicates; r++, k++) {
            spr_report_ce(&sc[0].params, res[i], res[0], r, o->discount_rate, &d[k]);
            a.x0 = fmin(a.x0, d[k].d_qaly);
            a.x1 = fmax(a.x1, d[k].d_qaly);
            a.y0 = fmin(a.y0, d[k].d_cost_yen / 1e6);
            a.y1 = fmax(a.y1, d[k].d_cost_yen / 1e6);
        }
    double padx = 0.1 * (a.x1 - a.x0 + 1e-9);
    a.x0 -= padx;
    a.x1 += padx;
    svg_open(b, "ce-plane", "Cost-effectiveness plane (each point a replicate)", "incremental QALYs",
             "incremental cost (yen million)", &a);
    /* the willingness-to-pay line through the origin */
    sb_add(b, "<line class=\"wtp\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"><title>¥%.0f per QALY</title></line>\n",
           sx(&a, a.x0), sy(&a, fmax(a.y0, fmin(a.y1, a.x0 * o->wtp_yen / 1e6))), sx(&a, a.x1),
           sy(&a, fmax(a.y0, fmin(a.y1, a.x1 * o->wtp_yen / 1e6))), o->wtp_yen);
    if (a.x0 < 0 && a.x1 > 0)
        sb_add(b, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n", sx(&a, 0), sx(&a, 0), MT, H - MB);
    if (a.y0 < 0 && a.y1 > 0)
        sb_add(b, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n", ML, W - MR, sy(&a, 0), sy(&a, 0));
    k = 0;
    for (int i = 1; i < n; i++)
        for (int r = 0; r < res[i]->replicates && r < res[0]->replicates; r++, k++)
            sb_add(b, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s, replicate %d</title></circle>\n",
                   sx(&a, d[k].d_qaly), sy(&a, d[k].d_cost_yen / 1e6), COLOURS[i % N_COLOURS], sc[i].params.name, r);
    svg_legend(b, sc, n);
    sb_add(b, "</svg></figure>\n");
    free(d);
}

/* The cost-effectiveness acceptability curve of each scenario. */
static void svg_ceac(sbuf *b, const spr_scenario *sc, spr_results *const *res, int n, const spr_report_options *o)
{
    const int steps = 41;
    const double max_wtp = 2 * o->wtp_yen;
    axes a = {0, max_wtp / 1e6, 0, 1};
    svg_open(b, "ceac", "Cost-effectiveness acceptability curve", "willingness to pay (yen million per QALY)",
             "probability cost-effective", &a);
    for (int i = 1; i < n; i++) {
        spr_ce_draw *d;
        int R = ce_pairs(sc, res, i, o, &d);
        double *dc = calloc((size_t)R + 1, sizeof *dc), *de = calloc((size_t)R + 1, sizeof *de);
        for (int r = 0; r < R; r++) {
            dc[r] = d[r].d_cost_yen;
            de[r] = d[r].d_qaly;
        }
        free(d);
        sb_add(b, "<polyline class=\"line\" stroke=\"%s\" points=\"", COLOURS[i % N_COLOURS]);
        for (int s = 0; s < steps; s++) {
            double w = max_wtp * s / (steps - 1);
            sb_add(b, "%.1f,%.1f ", sx(&a, w / 1e6), sy(&a, spr_econ_prob_cost_effective(dc, de, (size_t)R, w)));
        }
        sb_add(b, "\"><title>%s</title></polyline>\n", sc[i].params.name);
        free(dc);
        free(de);
    }
    sb_add(b, "<line class=\"wtp\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n", sx(&a, o->wtp_yen / 1e6),
           sx(&a, o->wtp_yen / 1e6), MT, H - MB);
    svg_legend(b, sc, n);
    sb_add(b, "</svg></figure>\n");
}

static const char *CSS =
    "body{font-family:system-ui,-apple-system,'Segoe UI','Hiragino Sans','Noto Sans CJK JP',sans-serif;margin:2em auto;"
    "max-width:1100px;color:#222;line-height:1.45}h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}"
    "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.charts{display:grid;"
    "grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1em}figure{margin:0}svg.chart{width:100%;height:auto;"
    "background:#fff;border:1px solid #e5e5e5}.title{font-weight:600;font-size:14px}.grid{stroke:#eee}.axis{stroke:#888}"
    ".ytick{font-size:11px;text-anchor:end;fill:#555}.xtick{font-size:11px;text-anchor:middle;fill:#555}"
    ".xlabel,.ylabel{font-size:12px;text-anchor:middle;fill:#333}.line{fill:none;stroke-width:2}.band{opacity:.18}"
    ".point{opacity:.8}.wtp{stroke:#999;stroke-dasharray:4 3}.legend text{font-size:11px}.note{color:#555;font-size:.9em}";

/* Checks in the browser that every chart rendered (used by the test); no network, no library. */
static const char *SCRIPT =
    "<script>(function(){var c=document.querySelectorAll('svg.chart');var ok=c.length>0;"
    "for(var i=0;i<c.length;i++){var bb=c[i].getBBox();if(!(bb.width>0&&bb.height>0))ok=false;"
    "if(c[i].querySelectorAll('polyline,circle').length===0)ok=false;}"
    "document.body.setAttribute('data-charts',String(c.length));document.body.setAttribute('data-ready',ok?'ok':'broken');"
    "})();</script>";

int spr_report_write_html(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                          const spr_report_options *o, spr_error *err)
{
    sbuf b = {0};
    char t[1200], a1[96], a2[96], a3[96], a4[96];
    const spr_params *p0 = &sc[0].params;
    int last = res[0]->months / 12 - 1;
    time_t now = time(NULL);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    sb_add(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head><body>\n",
           html_escape(o->title, t, sizeof t), CSS);
    sb_add(&b, "<h1>%s</h1>\n<p class=\"note\">sprsim %s (%s), results file %s, report made %s. Mean over replicates with "
               "95%% confidence intervals of the mean; differences paired by replicate (common random numbers) against the "
               "reference <b>%s</b>. Costs and QALYs discounted at %.1f%% a year; willingness to pay ¥%.0f per QALY.</p>\n",
           t, SPRSIM_VERSION, SPRSIM_GIT_COMMIT, html_escape(o->source, a1, sizeof a1), date, p0->name, 100 * o->discount_rate,
           o->wtp_yen);
    sb_add(&b, "<h2>Scenarios</h2>\n<table><tr><th>scenario</th><th>replicates</th><th style=\"text-align:left\">policy</th></tr>\n");
    for (int i = 0; i < n; i++)
        sb_add(&b, "<tr><td><span style=\"color:%s\">&#9632;</span> %s</td><td>%d</td><td style=\"text-align:left\">%s</td></tr>\n",
               COLOURS[i % N_COLOURS], sc[i].params.name, res[i]->replicates, html_escape(sc[i].params.description, t, sizeof t));
    sb_add(&b, "</table>\n");

    sb_add(&b, "<h2>Life expectancy and healthy life expectancy</h2>\n<p class=\"note\">At birth, by the Sullivan method "
               "from the simulated deaths and state prevalences of %d, beside the official figures for 2022 (令和4年簡易生命表; "
               "MHLW expert committee on 健康日本21, December 2024). Healthy: free of limitation of daily activities "
               "(日常生活に制限のない期間); independence: not needing care level 2 or above (平均自立期間).</p>\n", p0->start_year);
    sb_add(&b, "<table><tr><th>scenario</th><th>LE men</th><th>LE women</th><th>HLE men</th><th>HLE women</th>"
               "<th>independence men</th><th>independence women</th></tr>\n");
    sb_add(&b, "<tr><td>official 2022</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>-</td><td>-</td></tr>\n",
           OFFICIAL_LE0[0], OFFICIAL_LE0[1], OFFICIAL_HLE0[0], OFFICIAL_HLE0[1]);
    for (int i = 0; i < n; i++) {
        sb_add(&b, "<tr><td>%s</td>", sc[i].params.name);
        const spr_measure ms[] = {SPR_M_LE0_M, SPR_M_LE0_F, SPR_M_HLE0_M, SPR_M_HLE0_F, SPR_M_IPE0_M, SPR_M_IPE0_F};
        for (int k = 0; k < 6; k++) {
            fmt_ci(a1, sizeof a1, measure_ci(&sc[i].params, res[i], 0, ms[k]), 2);
            sb_add(&b, "<td>%s</td>", a1);
        }
        sb_add(&b, "</tr>\n");
    }
    sb_add(&b, "</table>\n");

    if (n > 1) {
        sb_add(&b, "<h2>Cost-effectiveness against %s</h2>\n<table><tr><th>scenario</th><th>incremental cost</th>"
                   "<th>incremental QALYs</th><th>ICER</th><th>net monetary benefit</th><th>P(cost-effective)</th>"
                   "<th>medical and LTC cost avoided per yen</th></tr>\n", p0->name);
        for (int i = 1; i < n; i++) {
            ce_summary s = ce_of(sc, res, i, o);
            char icer[96];
            fmt_icer(icer, sizeof icer, &s);
            yen(a1, sizeof a1, s.d_cost.mean, 1);
            yen(a2, sizeof a2, s.nmb.mean, 1);
            yen(a3, sizeof a3, s.d_cost.lo, 1);
            yen(a4, sizeof a4, s.d_cost.hi, 1);
            sb_add(&b, "<tr><td>%s</td><td>%s<br><small>[%s, %s]</small></td><td>%+.1f<br><small>[%+.1f, %+.1f]</small></td>"
                       "<td>%s</td><td>%s</td><td>%.2f</td><td>%s</td></tr>\n",
                   sc[i].params.name, a1, a3, a4, s.d_qaly.mean, s.d_qaly.lo, s.d_qaly.hi, icer, a2, s.p_ce,
                   isnan(s.roi.mean) ? "-" : (snprintf(t, sizeof t, "%.2f", s.roi.mean), t));
        }
        sb_add(&b, "</table>\n");
    }

    sb_add(&b, "<h2>Projections</h2>\n<div class=\"charts\">\n");
    svg_series(&b, "hle-men", "Healthy life expectancy at birth, men", "years", sc, res, n, SPR_M_HLE0_M, 1);
    svg_series(&b, "hle-women", "Healthy life expectancy at birth, women", "years", sc, res, n, SPR_M_HLE0_F, 1);
    svg_series(&b, "isolation", "Isolated, residents 65+", "%", sc, res, n, SPR_M_ISOLATED_65, 1);
    svg_series(&b, "care-need", "Certified care need, residents 65+", "%", sc, res, n, SPR_M_CARE_NEED_65, 1);
    svg_series(&b, "taking-part", "In a community group, residents 65+", "%", sc, res, n, SPR_M_TAKING_PART_65, 1);
    svg_series(&b, "medical", "Medical expenditure", "yen million a year", sc, res, n, SPR_M_MEDICAL, 1e-6);
    svg_series(&b, "ltc", "Long-term-care spending", "yen million a year", sc, res, n, SPR_M_LTC, 1e-6);
    svg_series(&b, "programme", "Programme cost", "yen million a year", sc, res, n, SPR_M_PROGRAMME, 1e-6);
    svg_series(&b, "waits", "Mean wait from referral to first contact", "days", sc, res, n, SPR_M_WAIT_MEAN, 1);
    svg_series(&b, "utilisation", "Link workers' caseload in use", "%", sc, res, n, SPR_M_UTILISATION, 1);
    if (n > 1) {
        svg_ce_plane(&b, sc, res, n, o);
        svg_ceac(&b, sc, res, n, o);
    }
    for (int i = 0; i < n; i++) { /* the curves of each sweep (first point of each) */
        if (sc[i].sweep_of[0] == '\0' || (i > 0 && strcmp(sc[i - 1].sweep_of, sc[i].sweep_of) == 0)) continue;
        char id[96], title[200];
        const char *sw = sc[i].sweep_of;
        static const char *titles[4] = {"first seen within 4 weeks", "mean wait to first contact", "programme cost",
                                        "caseload in use"};
        static const char *units[4] = {"share", "days", "yen million a year", "%"};
        for (int k = 0; k < 4; k++) {
            snprintf(id, sizeof id, "sweep-%s-%d", sw, k);
            snprintf(title, sizeof title, "Sweep %s: %s", sw, titles[k]);
            svg_sweep(&b, id, title, units[k], sc, res, n, sw, k, k == 2 ? 1e-6 : 1);
        }
    }
    sb_add(&b, "</div>\n<h2>Method</h2>\n<p class=\"note\">Life tables are abridged (5-year groups, Chiang's method) from "
               "simulated deaths and person-years; health expectancies by the Sullivan method; QALYs from utility weights by "
               "state; see docs/methods.md. Tidy data for every scenario, replicate, year and measure: the CSV file beside "
               "this page. Outcomes in %d: see the terminal report.</p>\n",
           p0->start_year + last);
    sb_add(&b, "%s\n</body></html>\n", SCRIPT);
    return write_page(path, &b, err);
}

/* ---- one-way sensitivity (tornado) ---------------------------------------- */

void spr_uncertain_range(const spr_uncertain *u, double *low, double *high)
{
    switch (u->kind) {
    case SPR_DIST_NORMAL: *low = u->a - 1.959963984540054 * u->b, *high = u->a + 1.959963984540054 * u->b; break;
    case SPR_DIST_LOGNORMAL: *low = u->spec[1], *high = u->spec[2]; break;
    case SPR_DIST_GAMMA: *low = gsl_cdf_gamma_Pinv(0.025, u->a, u->b), *high = gsl_cdf_gamma_Pinv(0.975, u->a, u->b); break;
    case SPR_DIST_BETA: *low = gsl_cdf_beta_Pinv(0.025, u->a, u->b), *high = gsl_cdf_beta_Pinv(0.975, u->a, u->b); break;
    default: *low = u->a, *high = u->b; break;
    }
}

static int cmp_swing(const void *a, const void *b)
{
    const spr_tornado_bar *x = a, *y = b;
    double sx_ = fabs(x->nmb_high - x->nmb_low), sy_ = fabs(y->nmb_high - y->nmb_low);
    return (sx_ < sy_) - (sx_ > sy_);
}

int spr_report_tornado(const char *prefix, FILE *out, const char *policy, double base_nmb, spr_tornado_bar *bars,
                       int n, const spr_report_options *o, spr_error *err)
{
    qsort(bars, (size_t)n, sizeof *bars, cmp_swing);
    char y0[96], y1[96], y2[96], path[1200];
    yen(y0, sizeof y0, base_nmb, 1);
    fprintf(out, "\nOne-way sensitivity of the net monetary benefit of '%s' (base case %s; wtp ¥%.0f per QALY, "
                 "discount %.1f%%)\n", policy, y0, o->wtp_yen, 100 * o->discount_rate);
    fprintf(out, "  %-40s %12s %12s %26s %26s\n", "parameter", "low", "high", "net benefit at low", "net benefit at high");
    for (int i = 0; i < n; i++) {
        yen(y1, sizeof y1, bars[i].nmb_low, 1);
        yen(y2, sizeof y2, bars[i].nmb_high, 1);
        fprintf(out, "  %-40s %12.4g %12.4g %26s %26s\n", bars[i].key, bars[i].low, bars[i].high, y1, y2);
    }
    snprintf(path, sizeof path, "%s.csv", prefix);
    FILE *f = fopen(path, "w");
    if (f == NULL) return spr_error_set(err, SPR_ERR_IO, "cannot write %s", path);
    fprintf(f, "parameter,low,high,nmb_low_yen,nmb_high_yen,nmb_base_yen\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "%s,%.10g,%.10g,%.10g,%.10g,%.10g\n", bars[i].key, bars[i].low, bars[i].high, bars[i].nmb_low,
                bars[i].nmb_high, base_nmb);
    if (fclose(f) != 0) return spr_error_set(err, SPR_ERR_IO, "cannot write %s", path);

    sbuf b = {0};
    char t[400];
    int h = 60 + 26 * n;
    axes a = {base_nmb / 1e6, base_nmb / 1e6, 0, 1};
    for (int i = 0; i < n; i++) {
        a.x0 = fmin(a.x0, fmin(bars[i].nmb_low, bars[i].nmb_high) / 1e6);
        a.x1 = fmax(a.x1, fmax(bars[i].nmb_low, bars[i].nmb_high) / 1e6);
    }
    double pad = 0.05 * (a.x1 - a.x0 + 1e-9);
    a.x0 -= pad;
    a.x1 += pad;
    const int left = 280, right = 40, width = 900;
#define TX(v) (left + ((v) / 1e6 - a.x0) / (a.x1 - a.x0) * (width - left - right))
    sb_add(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>One-way sensitivity: %s</title>"
               "<style>%s</style></head><body>\n<h1>One-way sensitivity: %s</h1>\n<p class=\"note\">Net monetary benefit "
               "against the reference (yen million, discounted at %.1f%%, ¥%.0f per QALY) with each parameter at the low "
               "(light) and high (dark) end of its range, the others at their central values; base case %s.</p>\n",
           policy, CSS, policy, 100 * o->discount_rate, o->wtp_yen, y0);
    sb_add(&b, "<svg class=\"chart\" id=\"tornado\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"tornado\">\n", width, h);
    sb_add(&b, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"30\" y2=\"%d\"/>\n", TX(base_nmb), TX(base_nmb), h - 20);
    for (int i = 0; i < n; i++) {
        double y = 40 + 26 * i;
        for (int k = 0; k < 2; k++) {
            double v = k ? bars[i].nmb_high : bars[i].nmb_low, x0 = fmin(TX(base_nmb), TX(v)), x1 = fmax(TX(base_nmb), TX(v));
            yen(y1, sizeof y1, v, 1);
            sb_add(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"%s\" opacity=\"%s\"><title>%s = %g: %s</title></rect>\n",
                   x0, y, fmax(x1 - x0, 1.0), COLOURS[1], k ? "0.9" : "0.45", bars[i].key, k ? bars[i].high : bars[i].low, y1);
        }
        sb_add(&b, "<text x=\"%d\" y=\"%.1f\" class=\"ytick\">%s</text>\n", left - 8, y + 13, html_escape(bars[i].key, t, sizeof t));
    }
    double st = tick_step(a.x1 - a.x0);
    for (double v = ceil(a.x0 / st) * st; v <= a.x1; v += st) {
        char lab[48];
        fmt_tick(lab, sizeof lab, v);
        sb_add(&b, "<text x=\"%.1f\" y=\"%d\" class=\"xtick\">%s</text>\n", TX(v * 1e6), h - 4, lab);
    }
#undef TX
    sb_add(&b, "</svg>\n%s\n</body></html>\n", "<script>document.body.setAttribute('data-ready','ok');</script>");
    snprintf(path, sizeof path, "%s.html", prefix);
    if (write_page(path, &b, err) != SPR_OK) return err->code;
    fprintf(out, "\nwrote %s.csv and %s.html\n", prefix, prefix);
    return SPR_OK;
}

/* ---- the staffing planner ------------------------------------------------- */

/* Marginal cost per QALY of level i against the level before it, per added link worker. */
static double marginal(const spr_staff_result *r, int i)
{
    if (i == 0) return NAN;
    const spr_staff_level *a = &r->levels[i - 1], *b = &r->levels[i];
    return spr_econ_icer(b->cost_disc - a->cost_disc, b->qaly_disc - a->qaly_disc);
}

/* A line chart of one value per level against staffing. */
static void svg_levels(sbuf *b, const char *id, const char *title, const char *ylabel, const spr_staff_result *r,
                       const double *y, double target, int recommended)
{
    axes a = {r->levels[0].fte, r->levels[r->n_levels - 1].fte, INFINITY, -INFINITY};
    for (int i = 0; i < r->n_levels; i++)
        if (!isnan(y[i])) a.y0 = fmin(a.y0, y[i]), a.y1 = fmax(a.y1, y[i]);
    if (!isnan(target)) a.y0 = fmin(a.y0, target), a.y1 = fmax(a.y1, target);
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    svg_open(b, id, title, "link workers (full-time)", ylabel, &a);
    if (!isnan(target))
        sb_add(b, "<line class=\"wtp\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"><title>target</title></line>\n", ML,
               W - MR, sy(&a, target), sy(&a, target));
    if (recommended >= 0)
        sb_add(b, "<line class=\"wtp\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"><title>recommended</title></line>\n",
               sx(&a, recommended), sx(&a, recommended), MT, H - MB);
    sb_add(b, "<polyline class=\"line\" stroke=\"%s\" points=\"", COLOURS[1]);
    for (int i = 0; i < r->n_levels; i++)
        if (!isnan(y[i])) sb_add(b, "%.1f,%.1f ", sx(&a, r->levels[i].fte), sy(&a, y[i]));
    sb_add(b, "\"/>\n");
    for (int i = 0; i < r->n_levels; i++)
        if (!isnan(y[i]))
            sb_add(b, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%d: %.4g</title></circle>\n",
                   sx(&a, r->levels[i].fte), sy(&a, y[i]), COLOURS[1], r->levels[i].fte, y[i]);
    sb_add(b, "</svg></figure>\n");
}

int spr_report_staffing(const char *prefix, FILE *out, const spr_params *p, const spr_staff_target *t,
                        const spr_staff_result *r, spr_error *err)
{
    char y1[96], path[1200];
    fprintf(out, "\nStaffing for '%s': target %.0f%% of referrals first seen within %g weeks%s%s\n", p->name,
            100 * t->share, t->within_weeks, t->max_utilisation > 0 ? ", caseload in use at most " : "",
            t->max_utilisation > 0 ? (snprintf(y1, sizeof y1, "%.0f%%", 100 * t->max_utilisation), y1) : "");
    fprintf(out, "(%d replicates a level, year %d on; common random numbers across levels)\n", p->replicates,
            p->start_year + t->warmup_years);
    fprintf(out, "  %4s %-24s %9s %9s %9s %10s %14s %-22s %s\n", "LW", "share in time [95% CI]", "wait (d)", "p90 (d)",
            "in use", "served/y", "cost (¥m/y)", "isolated 65+ (%)", "marginal ¥ per QALY");
    for (int i = 0; i < r->n_levels; i++) {
        const spr_staff_level *l = &r->levels[i];
        double mc = marginal(r, i);
        char mcs[64], share[64], iso[64];
        if (isnan(mc)) snprintf(mcs, sizeof mcs, "-");
        else if (isinf(mc) || (r->levels[i].qaly_disc - r->levels[i - 1].qaly_disc) <= 0) snprintf(mcs, sizeof mcs, "no QALY gain");
        else if (mc <= 0) snprintf(mcs, sizeof mcs, "saves money");
        else thousands(mcs, sizeof mcs, mc, 0);
        snprintf(share, sizeof share, "%.3f [%.3f, %.3f]%s", l->share, l->share_lo, l->share_hi, l->meets ? " *" : "");
        snprintf(iso, sizeof iso, "%.2f [%.2f, %.2f]", l->isolated_65, l->isolated_65_lo, l->isolated_65_hi);
        fprintf(out, "  %4d %-24s %9.1f %9.0f %8.0f%% %10.0f %14.1f %-22s %s\n", l->fte, share, l->wait_mean_days,
                l->wait_p90_days, 100 * l->utilisation, l->served_per_year, l->programme_cost_per_year / 1e6, iso, mcs);
    }
    fprintf(out, "  (* meets the target)\n");
    if (r->recommended >= 0)
        fprintf(out, "\nRecommended: %d full-time link workers. Confirmation with %d replicates: the target is met in %.0f%% "
                     "of them with %d, in %.0f%% with %d.\n",
                r->recommended, t->confirm_replicates, 100 * r->confidence, r->recommended, 100 * r->confidence_below,
                r->recommended - 1);
    fprintf(out, "Staffing needed each year (the population ages, demand changes):\n ");
    for (int y = 0; y < r->years; y++) {
        if (r->per_year[y] < 0) fprintf(out, " %d: >%d", p->start_year + y, t->max_fte);
        else fprintf(out, " %d: %d", p->start_year + y, r->per_year[y]);
        if (y % 8 == 7 && y + 1 < r->years) fprintf(out, "\n ");
    }
    fprintf(out, "\n");

    snprintf(path, sizeof path, "%s.csv", prefix);
    FILE *f = fopen(path, "w");
    if (f == NULL) return spr_error_set(err, SPR_ERR_IO, "cannot write %s", path);
    fprintf(f, "fte,replicates,share_within_target,share_lo,share_hi,meets,p_meets,wait_mean_days,wait_p90_days,utilisation,"
               "served_per_year,programme_cost_yen_per_year,isolated_65plus_pct,cost_discounted_yen,qalys_discounted,"
               "marginal_cost_per_qaly_yen\n");
    for (int i = 0; i < r->n_levels; i++) {
        const spr_staff_level *l = &r->levels[i];
        fprintf(f, "%d,%d,%.6g,%.6g,%.6g,%d,%.4g,%.6g,%.6g,%.6g,%.6g,%.10g,%.6g,%.10g,%.10g,%.10g\n", l->fte, l->replicates,
                l->share, l->share_lo, l->share_hi, l->meets, l->p_meets, l->wait_mean_days, l->wait_p90_days, l->utilisation,
                l->served_per_year, l->programme_cost_per_year, l->isolated_65, l->cost_disc, l->qaly_disc, marginal(r, i));
    }
    if (fclose(f) != 0) return spr_error_set(err, SPR_ERR_IO, "cannot write %s", path);

    sbuf b = {0};
    char t1[600];
    snprintf(t1, sizeof t1, "Link-worker staffing: %s", p->name);
    sb_add(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head><body>\n"
               "<h1>%s</h1>\n<p class=\"note\">Target: %.0f%% of referrals first seen within %g weeks%s. %d replicates a "
               "level, common random numbers; years from %d.</p>\n",
           t1, CSS, t1, 100 * t->share, t->within_weeks, t->max_utilisation > 0 ? " and caseload use capped" : "", p->replicates,
           p->start_year + t->warmup_years);
    if (r->recommended >= 0)
        sb_add(&b, "<p><b>Recommended: %d full-time link workers.</b> In the confirmation with %d replicates the target is met "
                   "in %.0f%% of replicates with %d and in %.0f%% with %d.</p>\n",
               r->recommended, t->confirm_replicates, 100 * r->confidence, r->recommended, 100 * r->confidence_below,
               r->recommended - 1);
    double *ys = calloc((size_t)r->n_levels + 1, sizeof *ys);
    sb_add(&b, "<div class=\"charts\">\n");
    for (int i = 0; i < r->n_levels; i++) ys[i] = r->levels[i].share;
    svg_levels(&b, "staff-share", "Share first seen within the target", "share", r, ys, t->share, r->recommended);
    for (int i = 0; i < r->n_levels; i++) ys[i] = r->levels[i].wait_mean_days;
    svg_levels(&b, "staff-wait", "Mean wait to first contact", "days", r, ys, NAN, r->recommended);
    for (int i = 0; i < r->n_levels; i++) ys[i] = r->levels[i].programme_cost_per_year / 1e6;
    svg_levels(&b, "staff-cost", "Programme cost", "yen million a year", r, ys, NAN, r->recommended);
    for (int i = 0; i < r->n_levels; i++) ys[i] = 100 * r->levels[i].utilisation;
    svg_levels(&b, "staff-use", "Caseload in use", "%", r, ys, t->max_utilisation > 0 ? 100 * t->max_utilisation : NAN,
               r->recommended);
    free(ys);
    /* staffing needed by year */
    axes a = {p->start_year, p->start_year + r->years - 1, INFINITY, -INFINITY};
    for (int y = 0; y < r->years; y++)
        if (r->per_year[y] >= 0) a.y0 = fmin(a.y0, r->per_year[y]), a.y1 = fmax(a.y1, r->per_year[y]);
    if (!isfinite(a.y0)) a.y0 = 0, a.y1 = 1;
    svg_open(&b, "staff-years", "Link workers needed each year", "year", "link workers", &a);
    sb_add(&b, "<polyline class=\"line\" stroke=\"%s\" points=\"", COLOURS[2]);
    for (int y = 0; y < r->years; y++)
        if (r->per_year[y] >= 0) sb_add(&b, "%.1f,%.1f ", sx(&a, p->start_year + y), sy(&a, r->per_year[y]));
    sb_add(&b, "\"/>\n</svg></figure>\n</div>\n");
    sb_add(&b, "<h2>Levels tried</h2><table><tr><th>link workers</th><th>replicates</th><th>share in time</th>"
               "<th>mean wait (d)</th><th>90th pct (d)</th><th>in use</th><th>served a year</th><th>cost a year</th>"
               "<th>isolated 65+ (%%)</th></tr>\n");
    for (int i = 0; i < r->n_levels; i++) {
        const spr_staff_level *l = &r->levels[i];
        yen(y1, sizeof y1, l->programme_cost_per_year, 0);
        sb_add(&b, "<tr><td>%d%s</td><td>%d</td><td>%.3f [%.3f, %.3f]</td><td>%.1f</td><td>%.0f</td><td>%.0f%%</td><td>%.0f</td>"
                   "<td>%s</td><td>%.2f</td></tr>\n",
               l->fte, l->fte == r->recommended ? " (recommended)" : "", l->replicates, l->share, l->share_lo, l->share_hi,
               l->wait_mean_days, l->wait_p90_days, 100 * l->utilisation, l->served_per_year, y1, l->isolated_65);
    }
    sb_add(&b, "</table>\n%s\n</body></html>\n", SCRIPT);
    snprintf(path, sizeof path, "%s.html", prefix);
    if (write_page(path, &b, err) != SPR_OK) return err->code;
    fprintf(out, "\nwrote %s.csv and %s.html\n", prefix, prefix);
    return SPR_OK;
}
