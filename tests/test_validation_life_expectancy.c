/* Validation against an independent figure: a closed birth cohort with the
 * life table as the only hazard must live, on average, the life table's own
 * life expectancy, at birth and at 65, for each sex.  Tolerance: 4 Monte
 * Carlo standard errors of the mean lifetime (estimated from the simulated
 * distribution of ages at death), so a correct engine fails about once in
 * 16,000 runs and an error of a few months is caught. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "sprsim/model.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

/* Mean and standard error of the remaining lifetime of the sex-s cohort alive at month m0. */
static void lifetime(const spr_results *res, int s, int m0, double *mean, double *se)
{
    double n0 = 0, sum = 0, sum2 = 0;
    for (int b = 0; b < SPR_AGE_BANDS; b++) n0 += res->counts[spr_results_index(res, 0, m0, SPR_IND_POPULATION, s, b)];
    for (int m = m0; m < res->months; m++) {
        double d = 0;
        for (int b = 0; b < SPR_AGE_BANDS; b++) d += res->counts[spr_results_index(res, 0, m, SPR_IND_DEATHS, s, b)];
        double t = (m - m0 + 0.5) / 12.0; /* a death in a month: half of it lived */
        sum += d * t;
        sum2 += d * t * t;
    }
    *mean = sum / n0;
    *se = sqrt((sum2 / n0 - *mean * *mean) / n0);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/cohort_life_table.yaml", argv[1]);
    spr_scenario sc;
    spr_error err;
    CHECK(spr_scenario_load(path, NULL, 0, &sc, &err) == SPR_OK, "%s", err.msg);
    spr_model *M;
    spr_results *res;
    CHECK(spr_model_create(&sc.params, &M, &err) == SPR_OK, "%s", err.msg);
    CHECK(spr_simulation_run(&sc.params, M, &res, NULL, NULL, &err) == SPR_OK, "%s", err.msg);
    /* everyone has died by the end */
    CHECK(spr_results_total(res, 0, res->months - 1, SPR_IND_POPULATION, 0, SPR_AGE_BANDS) == 0, "survivors at 111");
    for (int s = 0; s < SPR_SEXES; s++) {
        const char *sex = s == SPR_MALE ? "men" : "women";
        for (int age = 0; age <= 65; age += 65) {
            double mean, se, lt = spr_life_table_ex(sc.params.qx[s], SPR_LIFE_AGES, age);
            lifetime(res, s, 12 * age, &mean, &se);
            printf("%s: e%d simulated %.3f (SE %.3f), life table %.3f\n", sex, age, mean, se, lt);
            CHECK(fabs(mean - lt) < 4 * se, "%s e%d: simulated %.3f vs life table %.3f (4 SE = %.3f)", sex, age, mean,
                  lt, 4 * se);
        }
    }
    spr_results_destroy(res);
    spr_model_destroy(M);
    spr_scenario_free(&sc);
    TEST_MAIN_END();
}
