/* A probabilistic sensitivity analysis that draws only a utility: the
 * health of every replicate is exactly what it is without the draw (a
 * utility changes no event), and each replicate's QALYs differ from the
 * undrawn run's by exactly what its drawn value implies:
 *     QALY_drawn[r] - QALY_central[r] = -(u_r - u_central) x dementia person-years[r]
 * (utility.dementia_decrement).  Before issue 10 the report valued every
 * replicate at the central utilities, so drawing a utility changed nothing.
 * argv[1]: the source directory; argv[2]: a scratch directory. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/measures.h"

int main(int argc, char **argv)
{
    if (argc < 3) return 2;
    char drawn_path[2048];
    snprintf(drawn_path, sizeof drawn_path, "%s/psa_utility.yaml", argv[2]);
    FILE *f = fopen(drawn_path, "w");
    CHECK(f != NULL, "cannot write %s", drawn_path);
    if (f == NULL) TEST_MAIN_END();
    fprintf(f, "extends: %s/scenarios/baseline.yaml\nutility:\n"
               "  dementia_decrement: {distribution: uniform, min: 0.05, max: 0.2}\n", argv[1]);
    fclose(f);
    char central_path[2048];
    snprintf(central_path, sizeof central_path, "%s/scenarios/baseline.yaml", argv[1]);
    const char *sets[] = {"simulation.population=4000", "simulation.years=3", "simulation.replicates=4",
                          "simulation.replicates_per_draw=1", "simulation.seed=77"};
    spr_params pc, pd;
    spr_results *central = run_scenario(central_path, sets, 5, 0, &pc);
    spr_results *drawn = run_scenario(drawn_path, sets, 5, 0, &pd);
    CHECK(central != NULL && drawn != NULL, "runs");
    if (central == NULL || drawn == NULL) TEST_MAIN_END();
    const spr_param_def *d = spr_param_find("utility.dementia_decrement");
    const int k = spr_params_draw_index(&pd, d);
    CHECK(k >= 0 && drawn->n_uncertain == 1, "the decrement is the one drawn parameter (index %d of %d)", k,
          drawn->n_uncertain);
    const size_t per_replicate = (size_t)central->months * SPR_IND_COUNT * SPR_SEXES * SPR_AGE_BANDS;
    const spr_measure *q = spr_measure_find("qalys");
    spr_selection all = spr_measure_selection(q, spr_period_projection());
    double lo = INFINITY, hi = -INFINITY;
    for (int r = 0; r < central->replicates && k >= 0; r++) {
        CHECK(memcmp(central->counts + r * per_replicate, drawn->counts + r * per_replicate,
                     per_replicate * sizeof(int32_t)) == 0,
              "replicate %d: health differs when only a utility is drawn", r);
        const double u = drawn->draws[(size_t)r * (size_t)drawn->n_uncertain + (size_t)k];
        double dementia_months = 0;
        for (int m = 0; m < central->months; m++)
            for (int s = 0; s < SPR_SEXES; s++)
                for (int b = 0; b < SPR_AGE_BANDS; b++)
                    dementia_months += central->counts[spr_results_index(central, r, m, SPR_IND_DEMENTIA, s, b)];
        const double expected = -(u - pc.utility_dementia_decrement) * dementia_months / 12.0;
        const double got = spr_measure_value(q, &pd, drawn, r, &all) - spr_measure_value(q, &pc, central, r, &all);
        printf("replicate %d: decrement %.4f (central %.4f), QALYs %+.4f, implied %+.4f\n", r, u,
               pc.utility_dementia_decrement, got, expected);
        /* sums of the same whole counts weighted differently: equal to rounding */
        CHECK(fabs(got - expected) <= 1e-9 * fmax(1.0, fabs(expected)), "replicate %d: QALYs %+.6f, implied %+.6f", r,
              got, expected);
        lo = fmin(lo, u), hi = fmax(hi, u);
    }
    CHECK(hi - lo > 0.01, "the draws hardly differ (%.4f to %.4f): the test would not see a change", lo, hi);
    spr_results_destroy(central);
    spr_results_destroy(drawn);
    TEST_MAIN_END();
}
