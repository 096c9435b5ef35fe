/* The measure module against hand computation on results filled by hand
 * (tests/synthetic.h): shares of person-months, sums by period, sex and age
 * band, the programme's ratios, life and health expectancy against the
 * life-table and Sullivan functions fed the same counts, the interval
 * helpers against a Student-t interval worked by hand, the summary's rows,
 * the report's paired cost-effectiveness, and lookup by name. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "synthetic.h"
#include "sprsim/lifetable.h"
#include "sprsim/measures.h"
#include "sprsim/report.h"
#include "sprsim/sullivan.h"
#include "sprsim/summary.h"

/* Exact decimal arithmetic on small integers: the tolerance only absorbs rounding of the last bits. */
static int near(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b)); }
#define NEAR(a, b) near((a), (b))

/* The 97.5% quantile of Student's t with 2 degrees of freedom has a closed
 * form, (2p - 1) / sqrt(2 p (1 - p)) at p = 0.975. */
static double t975_df2(void) { return 0.95 / sqrt(2 * 0.975 * 0.025); }

static void fill_population(spr_results *res, int r)
{
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            synthetic_set(res, r, SPR_IND_POPULATION, s, b, 1200);
            synthetic_set(res, r, SPR_IND_DEATHS, s, b, (b + 1) * (s + 1)); /* per month */
            /* half the deaths drawn, so that a measure reading the wrong series shows */
            for (int m = 0; m < res->months; m++)
                res->expected_deaths[spr_results_cost_index(res, r, m, s, b)] = 0.5 * (b + 1) * (s + 1);
            if (s == SPR_FEMALE) synthetic_set(res, r, SPR_IND_INDEPENDENT, s, b, 900);
        }
    synthetic_set(res, r, SPR_IND_ISOLATED, SPR_MALE, 13, 120 * (r + 1));
    synthetic_set(res, r, SPR_IND_ISOLATED, SPR_FEMALE, 15, 360);
    synthetic_set(res, r, SPR_IND_SUPPORT, SPR_MALE, 13, 60);
    synthetic_set(res, r, SPR_IND_CARE12, SPR_MALE, 13, 30);
    synthetic_set(res, r, SPR_IND_CARE35, SPR_MALE, 13, 30);
    synthetic_set(res, r, SPR_IND_LIMITED, SPR_MALE, 5, 120);
    synthetic_set(res, r, SPR_IND_DEMENTIA, SPR_MALE, 13, 60);
    for (int m = 0; m < res->months; m++) res->medical_yen[spr_results_cost_index(res, r, m, SPR_MALE, 0)] = 1000;
}

static void fill_programme(spr_results *res, int r)
{
    for (int m = 0; m < res->months; m++) {
        spr_programme_month *pm = &res->programme[(size_t)r * res->months + m];
        pm->referrals[0] = 10, pm->referrals[1] = 5;
        pm->wait_weeks[0] = 4, pm->wait_weeks[1] = 3, pm->wait_weeks[2] = 2, pm->wait_weeks[3] = 1, pm->wait_weeks[4] = 5;
        pm->first_contacts = m < 12 ? 10 : 30;
        pm->wait_mean_days = m < 12 ? 10 : 20;
        pm->active = 8, pm->places = 10;
        pm->outcomes[SPR_OUT_SETTLED] = 6, pm->outcomes[SPR_OUT_DECLINED] = 2, pm->outcomes[SPR_OUT_UNPLACED] = 1;
        pm->outcomes[SPR_OUT_DROPPED] = 1, pm->outcomes[SPR_OUT_WAITING] = 50;
        pm->volunteers = m;
    }
    int32_t *h = res->wait_histogram + (size_t)r * SPR_WAIT_DAYS;
    h[3] = 50, h[10] = 40, h[30] = 10;
}

static void test_shares(const spr_params *p, const spr_results *res)
{
    /* 65+: 8 bands x 2 sexes x 1,200 = 19,200 a month; isolated 120 + 360 in replicate 0 */
    double iso = spr_measure_at(SPR_MEASURE_ISOLATED_65, p, res, 0, spr_period_year(1));
    CHECK(NEAR(iso, 100.0 * 480 / 19200), "isolated 65+ %.6f, expected 2.5", iso);
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_ISOLATED_65, p, res, 2, spr_period_last_year()), 100.0 * 720 / 19200),
          "replicate 2, last year");
    const spr_measure *m = spr_measure_get(SPR_MEASURE_ISOLATED_65);
    spr_selection men = spr_measure_selection(m, spr_period_projection());
    men.sex = SPR_MALE;
    CHECK(NEAR(spr_measure_value(m, p, res, 0, &men), 100.0 * 120 / 9600), "men only: 1.25%%");
    spr_selection band15 = {spr_period_year(0), SPR_FEMALE, 15, 16};
    CHECK(NEAR(spr_measure_value(m, p, res, 0, &band15), 30.0), "women 75-79: 360 of 1,200");
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_CARE_NEED_65, p, res, 0, spr_period_year(0)), 100.0 * 120 / 19200), "care need");
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_DEMENTIA_65, p, res, 0, spr_period_year(0)), 100.0 * 60 / 19200), "dementia");
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_ISOLATED_PERSON_YEARS, p, res, 1, spr_period_year(0)), 240 + 360),
          "person-years isolated: (240 + 360) x 12 months / 12");
}

static void test_sums(const spr_params *p, const spr_results *res)
{
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_MEDICAL, p, res, 0, spr_period_year(0)), 12000), "medical a year");
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_MEDICAL, p, res, 0, spr_period_projection()), 24000), "medical, 2 years");
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_POPULATION, p, res, 0, spr_period_year(0)), 1200.0 * 42), "population");
    double deaths = 0;
    for (int b = 0; b < SPR_AGE_BANDS; b++) deaths += 24.0 * 3 * (b + 1);
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_DEATHS, p, res, 0, spr_period_projection()), deaths), "deaths");
    /* QALYs: 900 x 21 women independent (weight 1) + 120 men limited (0.8) + 60 support (0.6) + 30 care 1-2
     * (0.4) + 30 care 3-5 (0.2) - 0.1 x 60 with dementia, person-months of 12 months over 12 */
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_QALY, p, res, 0, spr_period_year(0)), 18900 + 96 + 36 + 12 + 6 - 6), "QALYs");
}

static void test_programme(const spr_params *p, const spr_results *res)
{
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_REFERRALS, p, res, 0, spr_period_year(1)), 180), "referrals a year");
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_SEEN_WITHIN, p, res, 0, spr_period_year(0)), 10.0 / 15), "seen within 4 weeks");
    spr_measure two = *spr_measure_find("seen_within_4_weeks");
    two.arg = 2;
    spr_selection all = spr_measure_selection(&two, spr_period_projection());
    CHECK(NEAR(spr_measure_value(&two, p, res, 0, &all), 7.0 / 15), "within 2 weeks");
    /* the mean wait weights each month's mean by its first contacts */
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_WAIT_MEAN, p, res, 0, spr_period_projection()), 8400.0 / 480), "wait mean 17.5");
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_UTILISATION, p, res, 0, spr_period_year(0)), 80), "caseload in use");
    CHECK(spr_measure_at(SPR_MEASURE_WAIT_P90, p, res, 0, spr_period_projection()) == 10, "90th percentile: day 10");
    CHECK(isnan(spr_measure_at(SPR_MEASURE_WAIT_P90, p, res, 0, spr_period_year(0))), "no p90 for one year");
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_SETTLED, p, res, 0, spr_period_projection()), 60), "settled of closed");
    CHECK(spr_measure_at(SPR_MEASURE_VOLUNTEERS, p, res, 0, spr_period_year(0)) == 11, "volunteers at the period's end");
    CHECK(spr_measure_at(SPR_MEASURE_POPULATION_END, p, res, 0, spr_period_projection()) == 1200.0 * 42, "population end");
    /* pooled over replicates (replicates 0 and 1 only): replicate 1 refers twice as many, none seen in time */
    const spr_measure *seen = spr_measure_get(SPR_MEASURE_SEEN_WITHIN);
    spr_selection y0 = spr_measure_selection(seen, spr_period_year(0));
    spr_results two_reps = *res;
    two_reps.replicates = 2;
    double pooled = spr_measure_pooled(seen, p, &two_reps, &y0);
    CHECK(NEAR(pooled, 120.0 / (180 + 360)), "pooled share %.6f", pooled);
    spr_measure_sum acc = {0, 0};
    spr_error err;
    CHECK(spr_measure_accumulate(spr_measure_get(SPR_MEASURE_LE0_MALE), p, res, 0, &y0, &acc, &err) == SPR_ERR_USAGE,
          "a life expectancy cannot be pooled");
}

/* Kaplan-Meier by hand: 2 seen in week 0, 1 in week 1 and 1 censored (left unseen), 1 censored in
 * week 2, 2 seen in week 3.  At risk 7, 5, 3, 2: S = 5/7 after week 0, 5/7 x 4/5 = 4/7 after week 1,
 * 4/7 after week 2, 0 after week 3.  The old ratio of first contacts (5 in all) would say 2/5, 3/5,
 * 3/5 and 1. */
static void test_seen_within_km(void)
{
    int64_t d[SPR_WAIT_WEEKS] = {2, 1, 0, 2}, c[SPR_WAIT_WEEKS] = {0, 1, 1, 0};
    const double expect[5] = {0, 2.0 / 7, 3.0 / 7, 3.0 / 7, 1};
    for (int w = 0; w <= 4; w++)
        CHECK(NEAR(spr_seen_within_km(d, c, w), expect[w]), "KM within %d weeks: %.9f, expected %.9f", w,
              spr_seen_within_km(d, c, w), expect[w]);
    /* without censoring: exactly (bit for bit) the ratio of first contacts within W weeks */
    int64_t e[SPR_WAIT_WEEKS] = {0}, none[SPR_WAIT_WEEKS] = {0};
    int64_t all = 0;
    for (int k = 0; k < SPR_WAIT_WEEKS; k++) e[k] = 7 * k % 13 + 1, all += e[k];
    for (int w = 0; w < SPR_WAIT_WEEKS; w++) {
        int64_t within = 0;
        for (int k = 0; k < w; k++) within += e[k];
        CHECK(spr_seen_within_km(e, none, w) == (double)within / (double)all, "no censoring, %d weeks: the plain ratio", w);
    }
    CHECK(isnan(spr_seen_within_km(none, none, 4)), "no waits: NaN");
    /* censored waits in the last month of a run count against the share (the complaint: an
     * understaffed queue whose unseen referrals were dropped looked fast) */
    int64_t few[SPR_WAIT_WEEKS] = {10}, waiting[SPR_WAIT_WEEKS] = {0};
    waiting[8] = 90;
    CHECK(NEAR(spr_seen_within_km(few, waiting, 4), 0.1), "10 seen at once, 90 still waiting after 8 weeks: 10%%");
}

static void test_expectancy(const spr_params *p, const spr_results *res)
{
    double deaths[SPR_AGE_BANDS], py[SPR_AGE_BANDS], healthy[SPR_AGE_BANDS];
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        deaths[b] = 12.0 * (b + 1) * 2; /* women: 2 (b + 1) a month over 12 months */
        py[b] = 1200;
        healthy[b] = 0.75;
    }
    double le = spr_lifetable_abridged_ex(deaths, py, SPR_BAND_65);
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_LE65_FEMALE, p, res, 0, spr_period_year(0)), le), "le65 women %.6f",
          spr_measure_at(SPR_MEASURE_LE65_FEMALE, p, res, 0, spr_period_year(0)));
    spr_lifetable t;
    spr_lifetable_build(deaths, py, &t);
    double hle = spr_sullivan_health_expectancy(t.l, t.L, healthy, SPR_AGE_BANDS, 0);
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_HLE0_FEMALE, p, res, 0, spr_period_year(1)), hle), "hle0 women");
    /* men die half as often: a longer life than women here */
    CHECK(spr_measure_at(SPR_MEASURE_LE65_MALE, p, res, 0, spr_period_year(0)) > le, "men's table is their own");
    CHECK(NEAR(spr_summary_measure_value(res, 0, SPR_SUM_E65_FEMALE), le), "summary row: last year's e65");

    /* from expected deaths: the same tables with half the deaths */
    for (int b = 0; b < SPR_AGE_BANDS; b++) deaths[b] /= 2;
    double le_expected = spr_lifetable_abridged_ex(deaths, py, SPR_BAND_65);
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_LE65_FEMALE_EXPECTED, p, res, 0, spr_period_year(0)), le_expected),
          "le65 women from expected deaths %.6f, table %.6f",
          spr_measure_at(SPR_MEASURE_LE65_FEMALE_EXPECTED, p, res, 0, spr_period_year(0)), le_expected);
    spr_lifetable_build(deaths, py, &t);
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_HLE0_FEMALE_EXPECTED, p, res, 0, spr_period_year(1)),
               spr_sullivan_health_expectancy(t.l, t.L, healthy, SPR_AGE_BANDS, 0)),
          "hle0 women from expected deaths");
    CHECK(spr_measure_find("le0_male_expected") == spr_measure_get(SPR_MEASURE_LE0_MALE_EXPECTED), "found by name");
    /* both sexes, 21 bands: men 0.5 (b + 1) and women (b + 1) a month, 1.5 x 231 x 12 in a year */
    CHECK(NEAR(spr_measure_at(SPR_MEASURE_EXPECTED_DEATHS, p, res, 0, spr_period_year(0)), 0.5 * 3 * 231 * 12),
          "expected deaths %.3f", spr_measure_at(SPR_MEASURE_EXPECTED_DEATHS, p, res, 0, spr_period_year(0)));
}

static void test_intervals(const spr_params *p, const spr_results *res)
{
    /* 2, 4, 9 (and a NaN left out): mean 5, sum of squares 26, sd sqrt(13) */
    const double v[4] = {2, NAN, 4, 9};
    double scratch[4];
    spr_interval iv = spr_interval_of(v, 4, scratch);
    double half = t975_df2() * sqrt(13.0) / sqrt(3.0);
    CHECK(iv.n == 3 && NEAR(iv.mean, 5) && NEAR(iv.lo, 5 - half) && NEAR(iv.hi, 5 + half), "interval %g [%g, %g] n %d",
          iv.mean, iv.lo, iv.hi, iv.n);
    const double a[3] = {3, 5, 12}, b[3] = {1, 1, 3};
    spr_interval d = spr_interval_paired(a, b, 3, scratch);
    CHECK(d.n == 3 && NEAR(d.mean, 5) && NEAR(d.hi, 5 + half), "paired difference");
    const double one[1] = {7};
    iv = spr_interval_of(one, 1, scratch);
    CHECK(iv.n == 1 && iv.lo == 7 && iv.hi == 7, "one value: no width");
    /* isolated 65+ in the three replicates: 2.5, 3.125, 3.75 */
    spr_interval m;
    spr_error err;
    CHECK(spr_report_interval(p, res, SPR_MEASURE_ISOLATED_65, 0, &m, &err) == SPR_OK, "interval");
    CHECK(NEAR(m.mean, 3.125) && NEAR(m.hi - m.mean, t975_df2() * 0.625 / sqrt(3.0)), "over replicates %g", m.mean);
}

static void test_summary_and_ce(const spr_params *p, spr_results *res, spr_results *ref)
{
    CHECK(NEAR(spr_summary_measure_value(res, 0, SPR_SUM_MEDICAL_COST), 24000 / 2.0 / 1e6), "yen million a year");
    CHECK(NEAR(spr_summary_measure_value(res, 0, SPR_SUM_REFERRALS), 180), "referrals a year");
    CHECK(NEAR(spr_summary_measure_value(res, 1, SPR_SUM_ISOLATED_65PLUS), 100.0 * 600 / 19200), "last year's share");
    /* the policy spends 500 yen a month more on medical care; QALYs are the same */
    for (int m = 0; m < ref->months; m++) res->medical_yen[spr_results_cost_index(res, 0, m, SPR_MALE, 0)] = 1500;
    spr_ce_draw d;
    spr_report_ce(p, res, ref, 0, 0.02, &d);
    CHECK(NEAR(d.d_cost_yen, 6000 + 6000 / 1.02) && d.d_qaly == 0 && d.d_programme_yen == 0, "CE: d_cost %g", d.d_cost_yen);
}

static void test_names(void)
{
    for (int i = 0; i < SPR_MEASURE_COUNT; i++) {
        const spr_measure *m = spr_measure_get(i);
        CHECK(spr_measure_find(m->name) == m, "%s found by name", m->name);
        CHECK((m->add != NULL) == (m->finish != NULL) && (m->add != NULL) != (m->value != NULL), "%s: one way to compute",
              m->name);
    }
    CHECK(spr_measure_find("le65_male") == spr_measure_get(SPR_MEASURE_LE65_MALE), "le65_male");
    CHECK(spr_measure_find("no_such_measure") == NULL, "unknown name");
    CHECK(strcmp(spr_measure_get(SPR_MEASURE_REPORTED - 1)->name, "utilisation") == 0, "the report's rows end at utilisation");
}

int main(void)
{
    enum { R = 3 };
    spr_params p;
    memset(&p, 0, sizeof p);
    const double utility[SPR_FUNC_STATES] = {1, 0.8, 0.6, 0.4, 0.2};
    memcpy(p.utility_function, utility, sizeof utility);
    p.utility_dementia_decrement = 0.1;
    spr_results *res = synthetic_results(R, 2), *ref = synthetic_results(R, 2);
    CHECK(res != NULL && ref != NULL, "synthetic results");
    if (res == NULL || ref == NULL) TEST_MAIN_END();
    for (int r = 0; r < R; r++) {
        fill_population(res, r);
        fill_population(ref, r);
        fill_programme(res, r);
        fill_programme(ref, r);
    }
    for (int m = 0; m < res->months; m++) { /* replicate 1: twice the referrals, none seen in time */
        spr_programme_month *pm = &res->programme[(size_t)res->months + m];
        pm->referrals[0] *= 2, pm->referrals[1] *= 2;
        memset(pm->wait_weeks, 0, sizeof pm->wait_weeks);
        pm->wait_weeks[5] = 30;
    }
    test_shares(&p, res);
    test_sums(&p, res);
    test_programme(&p, res);
    test_seen_within_km();
    test_expectancy(&p, res);
    test_intervals(&p, res);
    test_summary_and_ce(&p, res, ref);
    test_names();
    spr_results_destroy(res);
    spr_results_destroy(ref);
    TEST_MAIN_END();
}
