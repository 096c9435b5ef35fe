/* The cohort model: probabilities are distributions, the life table is
 * reproduced exactly with or without hazard ratios (normalisation), and the
 * engine's thresholds match the probabilities. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "sprsim/model.h"
#include "sprsim/scenario.h"

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char base[1024];
    snprintf(base, sizeof base, "%s/scenarios/baseline.yaml", argv[1]);
    spr_scenario sc;
    spr_error err;
    CHECK(spr_scenario_load(base, NULL, 0, &sc, &err) == SPR_OK, "%s", err.msg);
    spr_model *M;
    CHECK(spr_model_create(&sc.params, &M, &err) == SPR_OK, "%s", err.msg);

    /* every functional row is a probability distribution */
    int rows_ok = 1;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int a = 0; a < SPR_LIFE_AGES; a++)
            for (int f = 0; f < SPR_FUNC_STATES; f++) {
                double t = 0;
                for (int j = 0; j < SPR_FUNC_STATES; j++) t += M->probs.func[s][a][f][1][1][1][j];
                if (fabs(t - 1) > 1e-12) rows_ok = 0;
            }
    CHECK(rows_ok, "functional transition rows sum to 1");

    /* with hazard ratios and normalisation, the cohort still follows the life table:
     * survivorship l(x) equals the life table's at every age (the normaliser solves
     * each year of age to 1e-13), so e0 and e65 equal the life table's own up to the
     * cohort model's trapezoidal person-time within months (< 0.01 year) */
    for (int s = 0; s < SPR_SEXES; s++) {
        double l = 1, worst = 0;
        for (int a = 0; a < SPR_LIFE_AGES - 1; a++) {
            double rel = fabs(M->lx[s][a] - l) / l;
            if (rel > worst) worst = rel;
            l *= 1 - sc.params.qx[s][a];
        }
        CHECK(worst < 1e-9, "sex %d: l(x) departs from the life table by %g (relative)", s, worst);
        double lt0 = spr_life_table_ex(sc.params.qx[s], SPR_LIFE_AGES, 0);
        double lt65 = spr_life_table_ex(sc.params.qx[s], SPR_LIFE_AGES, 65);
        CHECK(fabs(M->ex[s][0] - lt0) < 0.01, "sex %d e0 %.5f vs life table %.5f", s, M->ex[s][0], lt0);
        CHECK(fabs(M->ex[s][65] - lt65) < 0.01, "sex %d e65 %.5f vs %.5f", s, M->ex[s][65], lt65);
        double total = 0;
        for (int k = 0; k < SPR_STATES; k++) total += M->state_at_age[s][80][k];
        CHECK(fabs(total - 1) < 1e-12, "state distribution at 80 sums to %g", total);
    }
    /* the published figures the default life table was fitted to (令和4年簡易生命表) */
    CHECK(fabs(M->ex[SPR_MALE][0] - 81.05) < 0.05 && fabs(M->ex[SPR_FEMALE][0] - 87.09) < 0.05, "e0 %.3f %.3f",
          M->ex[SPR_MALE][0], M->ex[SPR_FEMALE][0]);

    /* thresholds carry the probabilities to 2^-32 */
    double p = M->probs.die[SPR_FEMALE][85][SPR_FUNC_CARE35][1][1][0];
    CHECK(fabs(M->thr.die[SPR_FEMALE][85][SPR_FUNC_CARE35][1][1][0] / 4294967296.0 - p) < 1e-9, "death threshold");
    /* a death hazard ratio above 1 raises the monthly probability */
    CHECK(M->probs.die[SPR_MALE][75][SPR_FUNC_CARE35][0][0][0] > M->probs.die[SPR_MALE][75][0][0][0][0], "care 3-5 dies faster");

    /* switching normalisation off leaves mortality above the life table (hazard ratios add deaths) */
    sc.params.normalise_to_life_table = 0;
    spr_model *M2;
    spr_model_create(&sc.params, &M2, &err);
    CHECK(M2->ex[SPR_MALE][0] < M->ex[SPR_MALE][0] - 0.5, "unnormalised e0 %.3f", M2->ex[SPR_MALE][0]);
    spr_model_destroy(M2);
    spr_model_destroy(M);
    spr_scenario_free(&sc);
    TEST_MAIN_END();
}
