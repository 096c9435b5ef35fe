/* Calibration targets and validation figures of the default baseline
 * (../shared/reference/japan.md, docs/ODD.md section 7.4), in the simulated
 * first year of scenarios/baseline.yaml with the programme's effects off
 * (the published figures describe a population without it), and the drift of
 * age-specific certification over ten years with rates that do not change.
 *
 * Replicates: 8 x 100,000 residents for 10 years.  Each check's tolerance
 * is a published criterion (2 percentage points, issue 9) plus 3 binomial
 * standard errors of the simulated share, where the binomial n is residents
 * (person-months / 12: a resident's state is persistent within a year).  At
 * 8 x 100k the SE is 0.07 point at 65-69 certification, 0.3 at 85-89 and
 * 0.4 at 90+, so 3 SE stays small beside the 2 points: a miss is the model,
 * not noise.  With one replicate (before issue 9) 3 SE at 90+ was 1.2 points,
 * over half the criterion.
 *
 * Certification (LTC2020 by band), dementia (Ninomiya 2022: 65+ and the three
 * published bands), isolation (TMIG 24% / 27%), level shares and living alone
 * are the targets of the shipped calibration (scenarios/calibration/, fitted
 * on 2 x 100,000 residents); this test checks them on 8 x 100,000 residents
 * over ten years against the issue-9 criteria, and that men are above women
 * at 70+ (isolation.hr_male, an assumption).  Hisayama 2012 dementia by band is a
 * validation figure the model was not fitted to: the 2022 survey is lower
 * (one town ten years earlier vs a national multi-site survey), so the model
 * is printed beside it and only the documented direction is asserted. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "sprsim/model.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

enum { REPLICATES = 8, YEARS = 10 };

static const spr_results *R;

/* person-months of indicator ind in simulated year y (0-based), bands [b_lo, b_hi), sex (-1: both) */
static double in_year(int y, spr_indicator ind, int b_lo, int b_hi, int sex)
{
    double t = 0;
    for (int r = 0; r < R->replicates; r++)
        for (int m = 12 * y; m < 12 * y + 12; m++)
            for (int s = 0; s < SPR_SEXES; s++)
                if (sex < 0 || s == sex)
                    for (int b = b_lo; b < b_hi; b++) t += R->counts[spr_results_index(R, r, m, ind, s, b)];
    return t;
}

static double year0(spr_indicator ind, int b_lo, int b_hi, int sex) { return in_year(0, ind, b_lo, b_hi, sex); }

static double certified(int y, int b_lo, int b_hi)
{
    return in_year(y, SPR_IND_SUPPORT, b_lo, b_hi, -1) + in_year(y, SPR_IND_CARE12, b_lo, b_hi, -1) +
           in_year(y, SPR_IND_CARE35, b_lo, b_hi, -1);
}

/* binomial SE of a share num/den of person-months, with residents as n */
static double share_se(double num, double den)
{
    double p = num / den;
    return sqrt(p * (1 - p) / (den / 12.0));
}

/* |simulated - published| within tol_pp percentage points plus 3 SE */
static void within_points(const char *what, double num, double den, double published_pct, double tol_pp)
{
    double p = num / den, tol = tol_pp / 100.0 + 3 * share_se(num, den);
    printf("%-34s simulated %6.2f%%  target %6.2f%%  tolerance %5.2f pp\n", what, 100 * p, published_pct, 100 * tol);
    CHECK(fabs(p - published_pct / 100.0) <= tol, "%s: %.2f%% vs %.2f%%", what, 100 * p, published_pct);
}

/* |simulated - published| within rel_tol of the published value plus 3 SE */
static void within_share(const char *what, double num, double den, double published_pct, double rel_tol)
{
    within_points(what, num, den, published_pct, rel_tol * published_pct);
}

static void band_label(char *buf, size_t n, const char *what, int lo, int open)
{
    snprintf(buf, n, "%s, %d%s", what, 5 * lo, open ? "+" : "-");
}

static void check_certification(void)
{
    /* certification rate (認定率) by age, September 2020, MHLW (LTC2020) */
    const double cert[] = {2.8, 5.5, 12.4, 26.4, 48.1, 72.7};
    for (int k = 0; k < 6; k++) {
        int lo = 13 + k, hi = k == 5 ? SPR_AGE_BANDS : lo + 1;
        char label[64];
        band_label(label, sizeof label, "certified", lo, k == 5);
        within_points(label, certified(0, lo, hi), year0(SPR_IND_POPULATION, lo, hi, -1), cert[k], 2.0);
    }
    /* all certified 65+: 18.3% (MHLW 2020), an aggregate of the band targets with
     * 2020's age weights; the model's 2022 weights differ (more 75+), hence 15% */
    within_share("certified, all 65+", certified(0, 13, SPR_AGE_BANDS),
                 year0(SPR_IND_POPULATION, 13, SPR_AGE_BANDS, -1), 18.3, 0.15);
}

static void check_dementia(void)
{
    /* Ninomiya 2024 (2022 survey): 65+ 12.3%; bands 65-69 1.1%, 75-79 7.1%, 90+ 50.3% */
    within_points("dementia, 65+ (2022)", year0(SPR_IND_DEMENTIA, 13, SPR_AGE_BANDS, -1),
                  year0(SPR_IND_POPULATION, 13, SPR_AGE_BANDS, -1), 12.3, 2.0);
    const struct { int lo, hi; double pct; } band[] = {{13, 14, 1.1}, {15, 16, 7.1}, {18, SPR_AGE_BANDS, 50.3}};
    for (int k = 0; k < 3; k++) {
        char label[64];
        band_label(label, sizeof label, "dementia (2022)", band[k].lo, band[k].hi == SPR_AGE_BANDS);
        within_points(label, year0(SPR_IND_DEMENTIA, band[k].lo, band[k].hi, -1),
                      year0(SPR_IND_POPULATION, band[k].lo, band[k].hi, -1), band[k].pct, 2.0);
    }
    /* validation: Hisayama 2012 by band (not fitted).  Known gap: the 2022
     * national survey is lower than Hisayama 2012 in every band, and so is the
     * model fitted to it; assert that direction, print the size. */
    const double hisayama[] = {1.94, 4.30, 9.55, 21.21, 47.09};
    int above = 0;
    for (int k = 0; k < 5; k++) {
        int lo = 13 + k, hi = k == 4 ? SPR_AGE_BANDS : lo + 1;
        double p = year0(SPR_IND_DEMENTIA, lo, hi, -1) / year0(SPR_IND_POPULATION, lo, hi, -1);
        printf("dementia, %d%s vs Hisayama 2012     simulated %6.2f%%  Hisayama %6.2f%%  (validation, known gap)\n",
               5 * lo, k == 4 ? "+" : "-", 100 * p, hisayama[k]);
        if (100 * p > hisayama[k]) above++;
    }
    CHECK(above == 0, "%d bands of dementia above Hisayama 2012, against the documented gap (2022 below 2012)", above);
}

static void check_isolation(void)
{
    /* contact less than once a week: 24% of 60+ and 27% of 70+ (TMIG) */
    within_points("isolated, 60+", year0(SPR_IND_ISOLATED, 12, SPR_AGE_BANDS, -1),
                  year0(SPR_IND_POPULATION, 12, SPR_AGE_BANDS, -1), 24, 2.0);
    within_points("isolated, 70+", year0(SPR_IND_ISOLATED, 14, SPR_AGE_BANDS, -1),
                  year0(SPR_IND_POPULATION, 14, SPR_AGE_BANDS, -1), 27, 2.0);
    /* men above women at 70+ (IPSS 2017 and japan.md section 4), by more than
     * 4 SE of the difference so that the direction is not noise */
    double nm = year0(SPR_IND_ISOLATED, 14, SPR_AGE_BANDS, SPR_MALE), dm = year0(SPR_IND_POPULATION, 14, SPR_AGE_BANDS, SPR_MALE);
    double nf = year0(SPR_IND_ISOLATED, 14, SPR_AGE_BANDS, SPR_FEMALE),
           df = year0(SPR_IND_POPULATION, 14, SPR_AGE_BANDS, SPR_FEMALE);
    double gap = nm / dm - nf / df, se = hypot(share_se(nm, dm), share_se(nf, df));
    printf("isolated, 70+: men %.2f%%, women %.2f%% (gap %.2f pp, SE %.2f)\n", 100 * nm / dm, 100 * nf / df, 100 * gap,
           100 * se);
    CHECK(gap > 4 * se, "isolation 70+: men %.2f%% not above women %.2f%% by 4 SE (%.2f pp)", 100 * nm / dm,
          100 * nf / df, 400 * se);
    /* 60+ by sex: reported, no published split to test against */
    printf("isolated, 60+: men %.2f%%, women %.2f%%\n",
           100 * year0(SPR_IND_ISOLATED, 12, SPR_AGE_BANDS, SPR_MALE) / year0(SPR_IND_POPULATION, 12, SPR_AGE_BANDS, SPR_MALE),
           100 * year0(SPR_IND_ISOLATED, 12, SPR_AGE_BANDS, SPR_FEMALE) /
               year0(SPR_IND_POPULATION, 12, SPR_AGE_BANDS, SPR_FEMALE));
}

static void check_levels_and_living_alone(void)
{
    /* care levels among certified 65+, end of FY2022 (介護保険事業状況報告), calibrated within 1%: 10% */
    double s = year0(SPR_IND_SUPPORT, 13, SPR_AGE_BANDS, -1), c12 = year0(SPR_IND_CARE12, 13, SPR_AGE_BANDS, -1),
           c35 = year0(SPR_IND_CARE35, 13, SPR_AGE_BANDS, -1);
    within_share("support among certified", s, s + c12 + c35, 28.1, 0.10);
    within_share("care 1-2 among certified", c12, s + c12 + c35, 37.5, 0.10);
    within_share("care 3-5 among certified", c35, s + c12 + c35, 34.4, 0.10);
    /* living alone, 65+, 2020 census: men 15.0%, women 22.1% (calibrated within 1%: 10%) */
    within_share("living alone, men 65+", year0(SPR_IND_LIVING_ALONE, 13, SPR_AGE_BANDS, SPR_MALE),
                 year0(SPR_IND_POPULATION, 13, SPR_AGE_BANDS, SPR_MALE), 15.0, 0.10);
    within_share("living alone, women 65+", year0(SPR_IND_LIVING_ALONE, 13, SPR_AGE_BANDS, SPR_FEMALE),
                 year0(SPR_IND_POPULATION, 13, SPR_AGE_BANDS, SPR_FEMALE), 22.1, 0.10);
}

/* With every rate constant, the age-specific certification rate in year 10
 * equals year 1 within 4 SE of the difference.  Before issue 9, residents were
 * drawn with the state mix of people half a year younger, so the first years
 * were 5-7% low (relative) and the rates crept up for a decade (findings
 * section 4).  The bands are 5-year bands; the mean age inside 65-69 and 85-89
 * hardly moves (67.0 -> 66.9), so the crude band rate stands in for the
 * single-age standardised one. */
static void check_no_drift(void)
{
    const int bands[] = {13, 17}; /* 65-69, 85-89 */
    for (int k = 0; k < 2; k++) {
        int b = bands[k];
        double n1 = certified(0, b, b + 1), d1 = in_year(0, SPR_IND_POPULATION, b, b + 1, -1);
        double n10 = certified(YEARS - 1, b, b + 1), d10 = in_year(YEARS - 1, SPR_IND_POPULATION, b, b + 1, -1);
        double diff = n10 / d10 - n1 / d1, se = hypot(share_se(n1, d1), share_se(n10, d10));
        printf("certified, %d-%d: year 1 %.2f%%, year %d %.2f%% (difference %.2f pp, SE %.2f)\n", 5 * b, 5 * b + 4,
               100 * n1 / d1, YEARS, 100 * n10 / d10, 100 * diff, 100 * se);
        CHECK(fabs(diff) <= 4 * se, "certification %d-%d drifts by %.2f pp over %d years (4 SE = %.2f)", 5 * b,
              5 * b + 4, 100 * diff, YEARS, 400 * se);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/baseline.yaml", argv[1]);
    spr_override sets[] = {{"simulation.years=10", NULL}, {"simulation.replicates=8", NULL}, {"effects.structure=none", NULL}};
    spr_scenario sc;
    spr_error err;
    if (spr_scenario_load(path, sets, 3, &sc, &err) != SPR_OK) {
        CHECK(0, "%s", err.msg);
        TEST_MAIN_END();
    }
    spr_model *M;
    spr_results *res;
    if (spr_model_create(&sc.params, &M, &err) != SPR_OK) {
        CHECK(0, "%s", err.msg);
        TEST_MAIN_END();
    }
    if (spr_simulation_run(&sc.params, M, &res, NULL, NULL, &err) != SPR_OK) {
        CHECK(0, "%s", err.msg);
        TEST_MAIN_END();
    }
    R = res;
    CHECK(R->replicates == REPLICATES && R->months == 12 * YEARS, "run has %d replicates, %d months", R->replicates,
          R->months);
    check_certification();
    check_dementia();
    check_isolation();
    check_levels_and_living_alone();
    check_no_drift();
    spr_results_destroy(res);
    spr_model_destroy(M);
    spr_scenario_free(&sc);
    TEST_MAIN_END();
}
