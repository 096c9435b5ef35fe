/* Validation of period life expectancy against the 2022 life table
 * (完全生命表/簡易生命表 2022, MHLW): in the first simulated year of
 * scenarios/baseline.yaml with the programme's effects off, life expectancy
 * at birth and at 65 of each sex within 0.15 years of the published figures
 * (issue 9, must-show 3).
 *
 * The life table is built from expected deaths (the sum of the residents'
 * monthly probabilities of death, measures le*_expected) rather than the
 * deaths drawn: given who is alive and in what state, both have the same
 * expectation, but counted deaths add the variance of the draws (SD of e0
 * from counted deaths 0.44 years for men with 5 replicates of 100,000; a
 * 0.15-year check at 4 SE would need about 700 replicate-years).  With
 * expected deaths the replicate-to-replicate SD is a few hundredths of a
 * year, so the baseline's 5 replicates of 100,000 (one year each) suffice:
 * the test fails on a model error, not by chance.  The tolerance itself is
 * the criterion; it must also absorb the abridged (Chiang) table's
 * bias against the single-age published one, about -0.05 (men) and -0.09
 * (women) years (docs/methods.md).  The counted-death figures are printed
 * beside for comparison, not checked.  The seed is the baseline's, so the
 * run is the same every time; at the time of writing the figures were men
 * 81.13 / 19.56 and women 87.13 / 24.34 (counted deaths 81.28 / 19.65 and
 * 87.17 / 24.25): men at 65 sit 0.12 above the table until residents are
 * drawn in the state of their exact age (issue 9 findings, section 0). */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/measures.h"
#include "sprsim/simulation.h"

/* The mean over replicates of a measure in the first year, and its 95% interval's half-width. */
static double first_year(spr_measure_id id, const spr_params *p, const spr_results *res, double *half)
{
    const spr_measure *m = spr_measure_get(id);
    spr_selection sel = spr_measure_selection(m, spr_period_year(0));
    spr_interval iv;
    spr_error err;
    *half = NAN;
    if (spr_measure_interval(m, p, res, &sel, &iv, &err) != SPR_OK) return NAN;
    *half = (iv.hi - iv.lo) / 2;
    return iv.mean;
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/baseline.yaml", argv[1]);
    const char *sets[] = {"simulation.years=1", "simulation.replicates=5", "effects.structure=none"};
    spr_params p;
    spr_results *res = run_scenario(path, sets, 3, 0, &p);
    CHECK(res != NULL, "run the baseline");
    if (res == NULL) TEST_MAIN_END();

    /* life table 2022: e0 and e65, men and women */
    const struct {
        const char *what;
        spr_measure_id expected, counted;
        double published;
    } LT2022[] = {
        {"e0, men", SPR_MEASURE_LE0_MALE_EXPECTED, SPR_MEASURE_LE0_MALE, 81.05},
        {"e0, women", SPR_MEASURE_LE0_FEMALE_EXPECTED, SPR_MEASURE_LE0_FEMALE, 87.09},
        {"e65, men", SPR_MEASURE_LE65_MALE_EXPECTED, SPR_MEASURE_LE65_MALE, 19.44},
        {"e65, women", SPR_MEASURE_LE65_FEMALE_EXPECTED, SPR_MEASURE_LE65_FEMALE, 24.30},
    };
    for (size_t k = 0; k < sizeof LT2022 / sizeof LT2022[0]; k++) {
        double half_e, half_c;
        double e = first_year(LT2022[k].expected, &p, res, &half_e);
        double c = first_year(LT2022[k].counted, &p, res, &half_c);
        printf("%-10s from expected deaths %6.3f (+-%.3f), from deaths drawn %6.3f (+-%.3f), LT2022 %.2f\n",
               LT2022[k].what, e, half_e, c, half_c, LT2022[k].published);
        CHECK(fabs(e - LT2022[k].published) <= 0.15, "%s from expected deaths %.3f, LT2022 %.2f (tolerance 0.15)",
              LT2022[k].what, e, LT2022[k].published);
    }
    spr_results_destroy(res);
    TEST_MAIN_END();
}
