#include "sprsim/measures.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/lifetable.h"
#include "sprsim/programme.h"
#include "sprsim/sullivan.h"

/* Share of 要介護2 among people certified 要介護1-2, end of FY2022
 * (介護保険事業状況報告: 16.6% / (20.9% + 16.6%)): the model's care 1-2
 * state is split with it for the "average period of independence". */
#define CARE2_SHARE_OF_CARE12 (16.6 / (20.9 + 16.6))

/* Sets of indicators (bit k: indicator k) summed by the share measures. */
#define IND(k) (1 << (k))
#define CARE_NEED (IND(SPR_IND_SUPPORT) | IND(SPR_IND_CARE12) | IND(SPR_IND_CARE35))

/* Which expectancy: total, free of limitation, not care level 2+; with
 * EXPECTED, from expected deaths (the sum of the residents' monthly
 * probabilities of death) instead of the deaths drawn. */
enum { LIFE, HEALTHY, INDEPENDENT, EXPECTANCY_KIND = 3, EXPECTED = 4 };

/* ---- periods and selections ------------------------------------------------ */

void spr_selection_months(const spr_results *res, const spr_selection *sel, int *m0, int *m1)
{
    const spr_period *pd = &sel->period;
    switch (pd->kind) {
    case SPR_PERIOD_YEARS: *m0 = 12 * pd->year_from, *m1 = 12 * pd->year_to; break;
    case SPR_PERIOD_FROM_YEAR: *m0 = 12 * pd->year_from, *m1 = res->months; break;
    case SPR_PERIOD_LAST_YEAR: *m0 = res->months - 12, *m1 = res->months; break;
    default: *m0 = 0, *m1 = res->months; break;
    }
    if (*m0 < 0) *m0 = 0;
    if (*m1 > res->months) *m1 = res->months;
}

double spr_selection_years(const spr_results *res, const spr_selection *sel)
{
    int m0, m1;
    spr_selection_months(res, sel, &m0, &m1);
    return (m1 - m0) / 12.0;
}

static int sex_selected(const spr_selection *sel, int s) { return sel->sex == SPR_SEX_BOTH || s == sel->sex; }

/* Sum of an indicator over the selection's months, sexes and bands (whole
 * counts, far below 2^53: exact in double whatever the order of the sum). */
static double count_sum(const spr_results *res, int r, const spr_selection *sel, int ind)
{
    int m0, m1;
    spr_selection_months(res, sel, &m0, &m1);
    double t = 0;
    for (int m = m0; m < m1; m++)
        for (int s = 0; s < SPR_SEXES; s++)
            if (sex_selected(sel, s))
                for (int b = sel->band_lo; b < sel->band_hi; b++) t += res->counts[spr_results_index(res, r, m, ind, s, b)];
    return t;
}

static double count_sum_set(const spr_results *res, int r, const spr_selection *sel, int set)
{
    double t = 0;
    for (int ind = 0; ind < SPR_IND_COUNT; ind++)
        if (set & IND(ind)) t += count_sum(res, r, sel, ind);
    return t;
}

/* Residents at the start of month m in the selection's sexes and bands. */
static double residents_at(const spr_results *res, int r, const spr_selection *sel, int m)
{
    double t = 0;
    for (int s = 0; s < SPR_SEXES; s++)
        if (sex_selected(sel, s))
            for (int b = sel->band_lo; b < sel->band_hi; b++) t += res->counts[spr_results_index(res, r, m, SPR_IND_POPULATION, s, b)];
    return t;
}

/* The first and the last month of the selection's period. */
static int first_month(const spr_results *res, const spr_selection *sel)
{
    int m0, m1;
    spr_selection_months(res, sel, &m0, &m1);
    return m0;
}

static int last_month(const spr_results *res, const spr_selection *sel)
{
    int m0, m1;
    spr_selection_months(res, sel, &m0, &m1);
    return m1 - 1;
}

static const spr_programme_month *programme_month(const spr_results *res, int r, int m)
{
    return &res->programme[(size_t)r * (size_t)res->months + (size_t)m];
}

/* ---- additive measures ------------------------------------------------------ */

/* Person-months in the indicators of m->arg over person-months alive. */
static void add_share(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel,
                      spr_measure_sum *acc)
{
    (void)p;
    acc->num += count_sum_set(res, r, sel, m->arg);
    acc->den += count_sum(res, r, sel, SPR_IND_POPULATION);
}

/* Person-months in the indicators of m->arg over person-months certified
 * (any care level): the level shares of the certified. */
static void add_share_of_certified(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                                   const spr_selection *sel, spr_measure_sum *acc)
{
    (void)p;
    acc->num += count_sum_set(res, r, sel, m->arg);
    acc->den += count_sum_set(res, r, sel, CARE_NEED);
}

/* Women among the participants of the selection's ages and months (the
 * selection's sex is not used: the share is of both). */
static void add_women_share(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                            const spr_selection *sel, spr_measure_sum *acc)
{
    (void)p;
    spr_selection women = *sel, both = *sel;
    women.sex = SPR_FEMALE, both.sex = SPR_SEX_BOTH;
    acc->num += count_sum_set(res, r, &women, m->arg);
    acc->den += count_sum_set(res, r, &both, m->arg);
}

static void add_count(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel,
                      spr_measure_sum *acc)
{
    (void)p;
    acc->num += count_sum_set(res, r, sel, m->arg);
}

/* Sum of a monthly series of reals ([r][m][s][b]) over the selection. */
static double real_sum(const spr_results *res, int r, const spr_selection *sel, const double *series)
{
    int m0, m1;
    spr_selection_months(res, sel, &m0, &m1);
    double t = 0;
    for (int k = m0; k < m1; k++)
        for (int s = 0; s < SPR_SEXES; s++)
            if (sex_selected(sel, s))
                for (int b = sel->band_lo; b < sel->band_hi; b++) t += series[spr_results_cost_index(res, r, k, s, b)];
    return t;
}

/* Medical (arg 0) or long-term-care (arg 1) spending, yen, or expected deaths (arg 2). */
static void add_cost(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel,
                     spr_measure_sum *acc)
{
    (void)p;
    const double *series[3] = {res->medical_yen, res->ltc_yen, res->expected_deaths};
    acc->num += real_sum(res, r, sel, series[m->arg]);
}

/* Medical (arg 0) or LTC (1) spending over the person-years of the selection. */
static void add_cost_per_person_year(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                                     const spr_selection *sel, spr_measure_sum *acc)
{
    add_cost(m, p, res, r, sel, acc);
    acc->den += count_sum(res, r, sel, SPR_IND_POPULATION) / 12.0;
}

/* The programme's monthly records: one function per quantity summed. */
typedef void (*month_adder)(const spr_measure *m, const spr_programme_month *pm, spr_measure_sum *acc);

static void add_months(const spr_results *res, int r, const spr_selection *sel, const spr_measure *m, month_adder f,
                       spr_measure_sum *acc)
{
    int m0, m1;
    spr_selection_months(res, sel, &m0, &m1);
    for (int k = m0; k < m1; k++) f(m, programme_month(res, r, k), acc);
}

static void month_programme_cost(const spr_measure *m, const spr_programme_month *pm, spr_measure_sum *acc)
{
    (void)m;
    acc->num += spr_programme_month_cost(pm);
}

static void month_referrals(const spr_measure *m, const spr_programme_month *pm, spr_measure_sum *acc)
{
    (void)m;
    for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) acc->num += pm->referrals[s];
}

static void month_wait(const spr_measure *m, const spr_programme_month *pm, spr_measure_sum *acc)
{
    (void)m;
    if (pm->first_contacts > 0) {
        acc->num += pm->wait_mean_days * pm->first_contacts;
        acc->den += pm->first_contacts;
    }
}

static void month_utilisation(const spr_measure *m, const spr_programme_month *pm, spr_measure_sum *acc)
{
    (void)m;
    acc->num += pm->active;
    acc->den += pm->places;
}

static void month_first_contacts(const spr_measure *m, const spr_programme_month *pm, spr_measure_sum *acc)
{
    (void)m;
    acc->num += pm->first_contacts;
}

#define PROGRAMME_ADDER(fn, month_fn)                                                                                  \
    static void fn(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel, \
                   spr_measure_sum *acc)                                                                               \
    {                                                                                                                  \
        (void)p;                                                                                                       \
        add_months(res, r, sel, m, month_fn, acc);                                                                     \
    }
PROGRAMME_ADDER(add_programme_cost, month_programme_cost)
PROGRAMME_ADDER(add_referrals, month_referrals)
PROGRAMME_ADDER(add_wait, month_wait)
PROGRAMME_ADDER(add_utilisation, month_utilisation)
PROGRAMME_ADDER(add_first_contacts, month_first_contacts)

/* New clients (first contacts) per full-time link worker per year: the
 * period's first contacts over FTE-years (NHS-LW's caseload of 200-250 a
 * year is in these units). */
static void add_new_clients_per_fte(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                                    const spr_selection *sel, spr_measure_sum *acc)
{
    if (p == NULL) return; /* no staffing known: NaN */
    add_months(res, r, sel, m, month_first_contacts, acc);
    acc->den += spr_programme_fte(p) * spr_selection_years(res, sel);
}

static double finish_sum(const spr_measure_sum *a) { return a->num; }
static double finish_percent(const spr_measure_sum *a) { return 100.0 * a->num / a->den; }
static double finish_percent_defined(const spr_measure_sum *a) { return a->den > 0 ? 100.0 * a->num / a->den : NAN; }
static double finish_mean(const spr_measure_sum *a) { return a->den > 0 ? a->num / a->den : NAN; }
static double finish_person_years(const spr_measure_sum *a) { return a->num / 12.0; }

/* ---- measures computed directly ----------------------------------------------- */

/* Life expectancy (arg LIFE) or a Sullivan health expectancy (HEALTHY,
 * INDEPENDENT) at the age of band_lo, from the period's deaths (arg |
 * EXPECTED: expected deaths) and person-years.  Expected deaths have the
 * same expectation as the deaths drawn but none of the variance of the
 * draws (docs/methods.md). */
static double expectancy(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel)
{
    (void)p;
    const int kind = m->arg & EXPECTANCY_KIND;
    double deaths[SPR_AGE_BANDS], py[SPR_AGE_BANDS], healthy[SPR_AGE_BANDS];
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        spr_selection band = *sel;
        band.band_lo = b, band.band_hi = b + 1;
        deaths[b] = m->arg & EXPECTED ? real_sum(res, r, &band, res->expected_deaths)
                                      : count_sum(res, r, &band, SPR_IND_DEATHS);
        double person_months = count_sum(res, r, &band, SPR_IND_POPULATION);
        py[b] = person_months / 12.0;
        double unhealthy = 0;
        if (kind == HEALTHY) unhealthy = person_months - count_sum(res, r, &band, SPR_IND_INDEPENDENT);
        if (kind == INDEPENDENT)
            unhealthy = count_sum(res, r, &band, SPR_IND_CARE35) + CARE2_SHARE_OF_CARE12 * count_sum(res, r, &band, SPR_IND_CARE12);
        healthy[b] = person_months > 0 ? 1.0 - unhealthy / person_months : NAN;
    }
    spr_lifetable t;
    int from = sel->band_lo;
    if (spr_lifetable_build(deaths, py, &t) != 0 && isnan(t.e[from])) return NAN;
    if (kind == LIFE) return t.e[from];
    return spr_sullivan_health_expectancy(t.l, t.L, healthy, SPR_AGE_BANDS, from);
}

/* The value of element e of parameter key (0 for a scalar) in replicate r:
 * the value drawn for that replicate's parameter draw where the run drew it
 * (res->draws, the values the run itself used), else p's. */
static double param_in_replicate(const spr_params *p, const spr_results *res, int r, const char *key, int e)
{
    const spr_param_def *d = spr_param_find(key);
    if (d == NULL) return NAN;
    const double *row = res->draws != NULL && res->n_uncertain > 0 ? res->draws + (size_t)r * (size_t)res->n_uncertain : NULL;
    return spr_params_drawn_value(p, row, res->n_uncertain, d, e);
}

/* Quality-adjusted life years: person-years weighted by the utility of each
 * functional state, less the dementia decrement, with the utilities replicate
 * r ran with (a probabilistic sensitivity analysis draws them too). */
void spr_measure_utilities(const spr_params *p, const spr_results *res, int r, double u[SPR_FUNC_STATES],
                           double *dementia_decrement)
{
    for (int f = 0; f < SPR_FUNC_STATES; f++) u[f] = param_in_replicate(p, res, r, "utility.function", f);
    *dementia_decrement = param_in_replicate(p, res, r, "utility.dementia_decrement", 0);
}

static double qalys(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel)
{
    (void)m;
    double u[SPR_FUNC_STATES], dementia_decrement, q = 0;
    spr_measure_utilities(p, res, r, u, &dementia_decrement);
    for (int f = 0; f < SPR_FUNC_STATES; f++) q += u[f] * count_sum(res, r, sel, SPR_IND_INDEPENDENT + f);
    q -= dementia_decrement * count_sum(res, r, sel, SPR_IND_DEMENTIA);
    return q / 12.0;
}

static double population_start(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                               const spr_selection *sel)
{
    (void)m, (void)p;
    return residents_at(res, r, sel, first_month(res, sel));
}

static double population_end(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                             const spr_selection *sel)
{
    (void)m, (void)p;
    return residents_at(res, r, sel, last_month(res, sel));
}

/* The 90th percentile of the waits, in whole days (rounded down), from the
 * histogram by day, which covers the whole run only. */
static double wait_p90(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel)
{
    (void)m, (void)p;
    if (first_month(res, sel) != 0 || last_month(res, sel) != res->months - 1) return NAN;
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

/* Share of the cases closed by the end of the period that ended settled in a group. */
static double settled(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel)
{
    (void)m, (void)p;
    const int64_t *o = programme_month(res, r, last_month(res, sel))->outcomes;
    double closed = (double)(o[SPR_OUT_SETTLED] + o[SPR_OUT_DECLINED] + o[SPR_OUT_UNPLACED] + o[SPR_OUT_DROPPED]);
    return closed > 0 ? 100.0 * o[SPR_OUT_SETTLED] / closed : NAN;
}

static double volunteers(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel)
{
    (void)m, (void)p;
    return programme_month(res, r, last_month(res, sel))->volunteers;
}

/* ---- waits seen in time: Kaplan-Meier ------------------------------------------- */

double spr_seen_within_km(const int64_t *events, const int64_t *censored, int weeks)
{
    int64_t at_risk = 0;
    for (int k = 0; k < SPR_WAIT_WEEKS; k++) at_risk += events[k] + censored[k];
    if (at_risk == 0) return NAN;
    const double total = (double)at_risk;
    /* Efron's redistribute-to-the-right form of the product 1 - prod_{k<W} (1 - d_k / n_k): every
     * wait starts with mass 1 / total; a wait censored in week k (after that week's events) passes
     * its mass on equally to the waits still at risk.  The weight below is in units of 1 / total,
     * so without censoring it stays exactly 1 and the estimate is the plain ratio
     * events within W / all events, computed the same way (integer sums, one division). */
    double weighted = 0, weight = 1;
    for (int k = 0; k < weeks && k < SPR_WAIT_WEEKS; k++) {
        weighted += weight * (double)events[k];
        at_risk -= events[k] + censored[k];
        if (censored[k] > 0 && at_risk > 0) weight *= (double)(at_risk + censored[k]) / (double)at_risk;
    }
    return weighted / total;
}

/* Adds replicate r's first contacts (events) and censored waits by week over the selection's months. */
static void add_wait_weeks(const spr_results *res, int r, const spr_selection *sel, int64_t *events, int64_t *censored)
{
    int m0, m1;
    spr_selection_months(res, sel, &m0, &m1);
    for (int k = m0; k < m1; k++) {
        const spr_programme_month *pm = programme_month(res, r, k);
        for (int w = 0; w < SPR_WAIT_WEEKS; w++) events[w] += pm->wait_weeks[w], censored[w] += pm->censored_weeks[w];
    }
}

/* Referrals first seen within m->arg weeks: the Kaplan-Meier estimate over the period's waits, so
 * that referrals who left unseen or were still waiting at the end count with the time they waited
 * (dropping them would make an understaffed queue look fast). */
static double seen_within(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel)
{
    (void)p;
    int64_t events[SPR_WAIT_WEEKS] = {0}, censored[SPR_WAIT_WEEKS] = {0};
    add_wait_weeks(res, r, sel, events, censored);
    return spr_seen_within_km(events, censored, m->arg);
}

/* The same with every replicate's waits pooled. */
static double seen_within_pooled(const spr_measure *m, const spr_params *p, const spr_results *res, const spr_selection *sel)
{
    (void)p;
    int64_t events[SPR_WAIT_WEEKS] = {0}, censored[SPR_WAIT_WEEKS] = {0};
    for (int r = 0; r < res->replicates; r++) add_wait_weeks(res, r, sel, events, censored);
    return spr_seen_within_km(events, censored, m->arg);
}

/* ---- the table ------------------------------------------------------------ */

#define ALL SPR_SEX_BOTH, 0, SPR_AGE_BANDS
#define OLD SPR_SEX_BOTH, SPR_BAND_65, SPR_AGE_BANDS
#define FROM(sex, band) sex, band, SPR_AGE_BANDS
#define ADDITIVE(fn, fin) fn, fin, NULL, NULL
#define DIRECT(fn) NULL, NULL, fn, NULL
#define POOLABLE(fn, pooled) NULL, NULL, fn, pooled

static const spr_measure MEASURES[SPR_MEASURE_COUNT] = {
    {"population", "persons", "residents at the start of the year", ALL, 0, DIRECT(population_start)},
    {"le0_male", "years", "life expectancy at birth, men", FROM(SPR_MALE, 0), LIFE, DIRECT(expectancy)},
    {"le0_female", "years", "life expectancy at birth, women", FROM(SPR_FEMALE, 0), LIFE, DIRECT(expectancy)},
    {"le65_male", "years", "life expectancy at 65, men", FROM(SPR_MALE, SPR_BAND_65), LIFE, DIRECT(expectancy)},
    {"le65_female", "years", "life expectancy at 65, women", FROM(SPR_FEMALE, SPR_BAND_65), LIFE, DIRECT(expectancy)},
    {"hle0_male", "years", "healthy life expectancy at birth (free of limitation), men", FROM(SPR_MALE, 0), HEALTHY,
     DIRECT(expectancy)},
    {"hle0_female", "years", "healthy life expectancy at birth (free of limitation), women", FROM(SPR_FEMALE, 0), HEALTHY,
     DIRECT(expectancy)},
    {"hle65_male", "years", "healthy life expectancy at 65 (free of limitation), men", FROM(SPR_MALE, SPR_BAND_65), HEALTHY,
     DIRECT(expectancy)},
    {"hle65_female", "years", "healthy life expectancy at 65 (free of limitation), women", FROM(SPR_FEMALE, SPR_BAND_65),
     HEALTHY, DIRECT(expectancy)},
    {"ipe0_male", "years", "average period of independence at birth (not care level 2+), men", FROM(SPR_MALE, 0),
     INDEPENDENT, DIRECT(expectancy)},
    {"ipe0_female", "years", "average period of independence at birth (not care level 2+), women", FROM(SPR_FEMALE, 0),
     INDEPENDENT, DIRECT(expectancy)},
    {"ipe65_male", "years", "average period of independence at 65, men", FROM(SPR_MALE, SPR_BAND_65), INDEPENDENT,
     DIRECT(expectancy)},
    {"ipe65_female", "years", "average period of independence at 65, women", FROM(SPR_FEMALE, SPR_BAND_65), INDEPENDENT,
     DIRECT(expectancy)},
    {"le40_male", "years", "life expectancy at 40, men", FROM(SPR_MALE, SPR_BAND_40), LIFE, DIRECT(expectancy)},
    {"le40_female", "years", "life expectancy at 40, women", FROM(SPR_FEMALE, SPR_BAND_40), LIFE, DIRECT(expectancy)},
    {"hle40_male", "years", "healthy life expectancy at 40 (free of limitation), men", FROM(SPR_MALE, SPR_BAND_40), HEALTHY,
     DIRECT(expectancy)},
    {"hle40_female", "years", "healthy life expectancy at 40 (free of limitation), women", FROM(SPR_FEMALE, SPR_BAND_40),
     HEALTHY, DIRECT(expectancy)},
    {"ipe40_male", "years", "average period of independence at 40, men", FROM(SPR_MALE, SPR_BAND_40), INDEPENDENT,
     DIRECT(expectancy)},
    {"ipe40_female", "years", "average period of independence at 40, women", FROM(SPR_FEMALE, SPR_BAND_40), INDEPENDENT,
     DIRECT(expectancy)},
    {"isolated_65plus", "%", "isolated, residents 65+", OLD, IND(SPR_IND_ISOLATED), ADDITIVE(add_share, finish_percent)},
    {"isolated_person_years", "person-years", "person-years isolated, all ages", ALL, IND(SPR_IND_ISOLATED),
     ADDITIVE(add_count, finish_person_years)},
    {"care_need_65plus", "%", "certified care need, residents 65+", OLD, CARE_NEED, ADDITIVE(add_share, finish_percent)},
    {"taking_part_65plus", "%", "in a community group, residents 65+", OLD, IND(SPR_IND_PARTICIPANTS),
     ADDITIVE(add_share, finish_percent)},
    {"medical_cost", "yen", "medical expenditure", ALL, 0, ADDITIVE(add_cost, finish_sum)},
    {"ltc_cost", "yen", "long-term-care spending", ALL, 1, ADDITIVE(add_cost, finish_sum)},
    {"programme_cost", "yen", "programme cost (link workers, groups, outreach)", ALL, 0,
     ADDITIVE(add_programme_cost, finish_sum)},
    {"qalys", "QALYs", "quality-adjusted life years lived", ALL, 0, DIRECT(qalys)},
    {"referrals", "persons", "referrals to link workers", ALL, 0, ADDITIVE(add_referrals, finish_sum)},
    {"wait_mean", "days", "mean wait from referral to first contact", ALL, 0, ADDITIVE(add_wait, finish_mean)},
    {"utilisation", "%", "link workers' caseload places in use", ALL, 0, ADDITIVE(add_utilisation, finish_percent_defined)},
    /* not in the report's yearly rows */
    {"population_end", "persons", "residents at the start of the last month", ALL, 0, DIRECT(population_end)},
    {"dementia_65plus", "%", "dementia, residents 65+", OLD, IND(SPR_IND_DEMENTIA), ADDITIVE(add_share, finish_percent)},
    {"isolated", "%", "isolated", ALL, IND(SPR_IND_ISOLATED), ADDITIVE(add_share, finish_percent)},
    {"deaths", "persons", "deaths", ALL, IND(SPR_IND_DEATHS), ADDITIVE(add_count, finish_sum)},
    {"wait_p90", "days", "90th percentile of the wait to first contact (whole projection only)", ALL, 0, DIRECT(wait_p90)},
    {"settled", "%", "closed cases that ended settled in a group", ALL, 0, DIRECT(settled)},
    {"volunteers", "persons", "volunteers at the end of the period", ALL, 0, DIRECT(volunteers)},
    {"first_contacts", "persons", "first contacts with a link worker", ALL, 0, ADDITIVE(add_first_contacts, finish_sum)},
    {"seen_within_4_weeks", "share",
     "referrals first seen within 4 weeks (arg: the weeks): Kaplan-Meier, waits of referrals not seen censored", ALL, 4,
     POOLABLE(seen_within, seen_within_pooled)},
    {"new_clients_per_fte", "persons/FTE/year", "new clients (first contacts) per full-time link worker per year", ALL, 0,
     ADDITIVE(add_new_clients_per_fte, finish_mean)},
    {"expected_deaths", "persons", "expected deaths (sum of monthly probabilities of death)", ALL, 2,
     ADDITIVE(add_cost, finish_sum)},
    /* the expectancies from expected deaths: for validation against life tables */
    {"le0_male_expected", "years", "life expectancy at birth, men, from expected deaths", FROM(SPR_MALE, 0),
     LIFE | EXPECTED, DIRECT(expectancy)},
    {"le0_female_expected", "years", "life expectancy at birth, women, from expected deaths", FROM(SPR_FEMALE, 0),
     LIFE | EXPECTED, DIRECT(expectancy)},
    {"le65_male_expected", "years", "life expectancy at 65, men, from expected deaths", FROM(SPR_MALE, SPR_BAND_65),
     LIFE | EXPECTED, DIRECT(expectancy)},
    {"le65_female_expected", "years", "life expectancy at 65, women, from expected deaths",
     FROM(SPR_FEMALE, SPR_BAND_65), LIFE | EXPECTED, DIRECT(expectancy)},
    {"hle0_male_expected", "years", "healthy life expectancy at birth, men, from expected deaths", FROM(SPR_MALE, 0),
     HEALTHY | EXPECTED, DIRECT(expectancy)},
    {"hle0_female_expected", "years", "healthy life expectancy at birth, women, from expected deaths",
     FROM(SPR_FEMALE, 0), HEALTHY | EXPECTED, DIRECT(expectancy)},
    {"hle65_male_expected", "years", "healthy life expectancy at 65, men, from expected deaths",
     FROM(SPR_MALE, SPR_BAND_65), HEALTHY | EXPECTED, DIRECT(expectancy)},
    {"hle65_female_expected", "years", "healthy life expectancy at 65, women, from expected deaths",
     FROM(SPR_FEMALE, SPR_BAND_65), HEALTHY | EXPECTED, DIRECT(expectancy)},
    {"care_need", "%", "certified care need (support or care level)", ALL, CARE_NEED, ADDITIVE(add_share, finish_percent)},
    {"dementia", "%", "dementia", ALL, IND(SPR_IND_DEMENTIA), ADDITIVE(add_share, finish_percent)},
    {"living_alone", "%", "living alone", ALL, IND(SPR_IND_LIVING_ALONE), ADDITIVE(add_share, finish_percent)},
    {"metabolic", "%", "metabolic risk (specific health guidance)", ALL, IND(SPR_IND_METABOLIC),
     ADDITIVE(add_share, finish_percent)},
    {"limited", "%", "limited in daily activities or certified (the unhealthy state of healthy life expectancy)", ALL,
     IND(SPR_IND_LIMITED) | CARE_NEED,
     ADDITIVE(add_share, finish_percent)},
    {"support_of_certified", "%", "support levels 1-2 (要支援), of the certified", ALL, IND(SPR_IND_SUPPORT),
     ADDITIVE(add_share_of_certified, finish_percent)},
    {"care35_of_certified", "%", "care levels 3-5 (要介護3-5), of the certified", ALL, IND(SPR_IND_CARE35),
     ADDITIVE(add_share_of_certified, finish_percent)},
    {"participants_women", "%", "women among the participants in community groups", ALL, IND(SPR_IND_PARTICIPANTS),
     ADDITIVE(add_women_share, finish_percent)},
    {"medical_cost_per_person", "yen/person/year",
     "medical expenditure per person-year (a municipality's insurance data: cost over members)", ALL, 0,
     ADDITIVE(add_cost_per_person_year, finish_mean)},
};

const spr_measure *spr_measure_get(spr_measure_id id) { return &MEASURES[id]; }

const spr_measure *spr_measure_find(const char *name)
{
    for (int i = 0; i < SPR_MEASURE_COUNT; i++)
        if (strcmp(MEASURES[i].name, name) == 0) return &MEASURES[i];
    return NULL;
}

spr_selection spr_measure_selection(const spr_measure *m, spr_period period)
{
    return (spr_selection){period, m->sex, m->band_lo, m->band_hi};
}

double spr_measure_value(const spr_measure *m, const spr_params *p, const spr_results *res, int r, const spr_selection *sel)
{
    if (m->value) return m->value(m, p, res, r, sel);
    spr_measure_sum acc = {0, 0};
    m->add(m, p, res, r, sel, &acc);
    return m->finish(&acc);
}

double spr_measure_at(spr_measure_id id, const spr_params *p, const spr_results *res, int r, spr_period period)
{
    const spr_measure *m = spr_measure_get(id);
    spr_selection sel = spr_measure_selection(m, period);
    return spr_measure_value(m, p, res, r, &sel);
}

int spr_measure_accumulate(const spr_measure *m, const spr_params *p, const spr_results *res, int r,
                           const spr_selection *sel, spr_measure_sum *acc, spr_error *err)
{
    if (m->add == NULL) return spr_error_set(err, SPR_ERR_USAGE, "measure %s cannot be pooled over replicates", m->name);
    m->add(m, p, res, r, sel, acc);
    return SPR_OK;
}

double spr_measure_finish(const spr_measure *m, const spr_measure_sum *acc) { return m->finish(acc); }

double spr_measure_pooled(const spr_measure *m, const spr_params *p, const spr_results *res, const spr_selection *sel)
{
    if (m->pooled) return m->pooled(m, p, res, sel);
    if (m->add == NULL) return NAN;
    spr_measure_sum acc = {0, 0};
    for (int r = 0; r < res->replicates; r++) m->add(m, p, res, r, sel, &acc);
    return m->finish(&acc);
}

/* ---- intervals ------------------------------------------------------------- */

spr_interval spr_interval_of(const double *v, int n, double *scratch)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i])) scratch[k++] = v[i];
    spr_interval iv = {NAN, NAN, NAN, k};
    if (k == 0) return iv;
    iv.mean = iv.lo = iv.hi = gsl_stats_mean(scratch, 1, (size_t)k);
    if (k > 1) {
        double half = gsl_cdf_tdist_Pinv(0.975, k - 1) * gsl_stats_sd(scratch, 1, (size_t)k) / sqrt((double)k);
        iv.lo = iv.mean - half;
        iv.hi = iv.mean + half;
    }
    return iv;
}

spr_interval spr_interval_paired(const double *a, const double *b, int n, double *scratch)
{
    for (int i = 0; i < n; i++) scratch[i] = a[i] - b[i];
    return spr_interval_of(scratch, n, scratch);
}

int spr_measure_interval(const spr_measure *m, const spr_params *p, const spr_results *res, const spr_selection *sel,
                         spr_interval *out, spr_error *err)
{
    double *v = malloc(sizeof *v * (size_t)(res->replicates > 0 ? res->replicates : 1));
    if (v == NULL)
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %d replicates of measure %s", res->replicates, m->name);
    for (int r = 0; r < res->replicates; r++) v[r] = spr_measure_value(m, p, res, r, sel);
    *out = spr_interval_of(v, res->replicates, v);
    free(v);
    return SPR_OK;
}
