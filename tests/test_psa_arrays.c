/* Distributions of array parameters (issue 10):
 *  - utility.function drawn element by element (the independent state fixed
 *    by a zero spread): health is exactly the undrawn run's, and each
 *    replicate's QALYs differ from it by exactly what its drawn utilities
 *    imply, sum over states of (u_f,r - u_f) x person-years in f; the same
 *    after writing the results and reading them back (before this change a
 *    file's report valued QALYs at the central utilities: the reader did not
 *    know which parameters had been drawn);
 *  - costs.ltc.yen_per_month drawn as a whole: every element is its central
 *    value times the one drawn multiplier;
 *  - adding a distribution moves no other draw (streams keyed by seed, draw,
 *    parameter and element), and columns follow the parameter table whatever
 *    the overlay's order;
 *  - the resolved scenario text reads back to the same distributions.
 * argv[1]: the source directory; argv[2]: a scratch directory. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/measures.h"
#include "sprsim/output.h"

static const char *SETS[] = {"simulation.population=3000", "simulation.years=2", "simulation.replicates=4",
                             "simulation.replicates_per_draw=2", "simulation.seed=91"};

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

/* QALYs of replicate r of res under p. */
static double qalys_of(const spr_params *p, const spr_results *res, int r)
{
    const spr_measure *q = spr_measure_find("qalys");
    spr_selection all = spr_measure_selection(q, spr_period_projection());
    return spr_measure_value(q, p, res, r, &all);
}

/* QALYs of the drawn run less the central run's, as the drawn utilities imply. */
static double implied_difference(const spr_params *pc, const spr_params *pd, const spr_results *central,
                                 const spr_results *drawn, int r)
{
    const spr_param_def *d = spr_param_find("utility.function");
    double diff = 0;
    for (int f = 0; f < SPR_FUNC_STATES; f++) {
        int k = spr_params_draw_column(pd, d, f);
        double u = k >= 0 ? drawn->draws[(size_t)r * (size_t)drawn->n_uncertain + (size_t)k] : pc->utility_function[f];
        double months = 0;
        for (int m = 0; m < central->months; m++)
            for (int s = 0; s < SPR_SEXES; s++)
                for (int b = 0; b < SPR_AGE_BANDS; b++)
                    months += central->counts[spr_results_index(central, r, m, SPR_IND_INDEPENDENT + f, s, b)];
        diff += (u - pc->utility_function[f]) * months / 12.0;
    }
    return diff;
}

static void check_qalys(const char *label, const spr_params *pc, const spr_params *pd, const spr_results *central,
                        const spr_results *drawn)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int r = 0; r < drawn->replicates; r++) {
        double got = qalys_of(pd, drawn, r) - qalys_of(pc, central, r);
        double want = implied_difference(pc, pd, central, drawn, r);
        /* sums of the same whole counts weighted differently: equal to rounding */
        CHECK(fabs(got - want) <= 1e-9 * fmax(1.0, fabs(want)), "%s replicate %d: QALYs %+.6f, implied %+.6f", label, r,
              got, want);
        lo = fmin(lo, got), hi = fmax(hi, got);
    }
    CHECK(hi - lo > 1e-3, "%s: the QALYs hardly differ between draws (%g to %g): the test would not see a change", label,
          lo, hi);
}

int main(int argc, char **argv)
{
    if (argc < 3) return 2;
    char central_path[2048], drawn_path[2048], more_path[2048], resolved_path[2048], out[2048], text[4096];
    snprintf(central_path, sizeof central_path, "%s/scenarios/baseline.yaml", argv[1]);
    snprintf(drawn_path, sizeof drawn_path, "%s/psa_arrays.yaml", argv[2]);
    snprintf(more_path, sizeof more_path, "%s/psa_arrays_more.yaml", argv[2]);
    snprintf(resolved_path, sizeof resolved_path, "%s/psa_arrays_resolved.yaml", argv[2]);
    snprintf(out, sizeof out, "%s/psa_arrays.h5", argv[2]);
    /* utilities only: health must not move */
    snprintf(text, sizeof text,
             "extends: %s\nutility:\n  function: {distribution: beta, scale: element, mean: [0.9, 0.75, 0.65, 0.5, 0.3], "
             "sd: [0, 0.05, 0.05, 0.08, 0.08]}\n", central_path);
    CHECK(write_file(drawn_path, text), "cannot write %s", drawn_path);
    /* the same with more distributions, written before it in a different order */
    snprintf(text, sizeof text,
             "extends: %s\ncosts.ltc.yen_per_month: {distribution: lognormal, scale: whole, median: 1, lower: 0.8, upper: 1.25}\n"
             "utility:\n  dementia_decrement: {distribution: uniform, min: 0.05, max: 0.2}\n"
             "  function: {distribution: beta, scale: element, mean: [0.9, 0.75, 0.65, 0.5, 0.3], "
             "sd: [0, 0.05, 0.05, 0.08, 0.08]}\n"
             "mortality.hr_isolation: {distribution: lognormal, median: 1.34, lower: 1.16, upper: 1.55}\n", central_path);
    CHECK(write_file(more_path, text), "cannot write %s", more_path);

    spr_params pc, pd, pm;
    spr_results *central = run_scenario(central_path, SETS, 5, 0, &pc);
    spr_results *drawn = run_scenario(drawn_path, SETS, 5, 0, &pd);
    CHECK(central != NULL && drawn != NULL, "runs");
    if (central == NULL || drawn == NULL) TEST_MAIN_END();
    CHECK(pd.n_uncertain == 4 && drawn->n_uncertain == 4, "four drawn elements (the first is fixed): %d", pd.n_uncertain);
    const size_t per_replicate = (size_t)central->months * SPR_IND_COUNT * SPR_SEXES * SPR_AGE_BANDS;
    for (int r = 0; r < central->replicates; r++)
        CHECK(memcmp(central->counts + r * per_replicate, drawn->counts + r * per_replicate, per_replicate * sizeof(int32_t)) == 0,
              "replicate %d: health differs when only utilities are drawn", r);
    check_qalys("in memory", &pc, &pd, central, drawn);

    /* through a file: the reader must know which elements were drawn */
    spr_scenario sc;
    spr_error err;
    int rc = load_with_sets(drawn_path, SETS, 5, &sc, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    spr_run_info info = {"test_psa_arrays", "2024-01-01T00:00:00Z", 1, 1, 0};
    spr_results *one[1] = {drawn};
    if (rc == SPR_OK) rc = spr_output_write(out, &sc, one, 1, &info, &err);
    CHECK(rc == SPR_OK, "write: %s", err.msg);
    spr_scenario *rsc = NULL;
    spr_results **rres = NULL;
    int rn = 0;
    if (rc == SPR_OK) rc = spr_output_read(out, &rsc, &rres, &rn, &err);
    CHECK(rc == SPR_OK && rn == 1, "read back: %s", err.msg);
    if (rc == SPR_OK && rn == 1) {
        CHECK(memcmp(rres[0]->draws, drawn->draws, sizeof(double) * 4 * (size_t)drawn->replicates) == 0, "the draws read back");
        check_qalys("read back", &pc, &rsc[0].params, central, rres[0]);
    }

    /* the resolved text reads back to the same distributions */
    if (rc == SPR_OK) {
        CHECK(write_file(resolved_path, sc.resolved_yaml), "cannot write %s", resolved_path);
        spr_scenario again;
        rc = spr_scenario_load(resolved_path, NULL, 0, &again, &err);
        CHECK(rc == SPR_OK, "the resolved scenario does not load: %s", err.msg);
        if (rc == SPR_OK) {
            CHECK(strcmp(again.resolved_yaml, sc.resolved_yaml) == 0 && again.params.n_uncertain == 4 &&
                      memcmp(again.params.uncertain, sc.params.uncertain, 4 * sizeof(spr_uncertain)) == 0,
                  "the resolved scenario does not read back to the same distributions");
            spr_scenario_free(&again);
        }
    }

    /* more distributions: the utilities' draws do not move; ltc is its central value times one multiplier */
    spr_scenario scm;
    rc = load_with_sets(more_path, SETS, 5, &scm, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    if (rc == SPR_OK) {
        pm = scm.params;
        CHECK(pm.n_uncertain == 7, "7 columns: %d", pm.n_uncertain);
        size_t nt;
        const spr_param_def *t = spr_param_table(&nt);
        for (int k = 1; k < pm.n_uncertain; k++) /* table order, whatever the overlay's */
            CHECK(pm.uncertain[k - 1].param < pm.uncertain[k].param ||
                      (pm.uncertain[k - 1].param == pm.uncertain[k].param && pm.uncertain[k - 1].element < pm.uncertain[k].element),
                  "column %d (%s) is out of table order", k, t[pm.uncertain[k].param].key);
        const spr_param_def *uf = spr_param_find("utility.function"), *ltc = spr_param_find("costs.ltc.yen_per_month");
        const int whole = spr_params_draw_column(&pm, ltc, SPR_WHOLE_ARRAY);
        CHECK(whole >= 0, "the ltc multiplier is a column");
        double row_m[SPR_MAX_UNCERTAIN], row_d[SPR_MAX_UNCERTAIN];
        for (uint32_t draw = 0; draw < 3 && whole >= 0; draw++) {
            spr_params a = pm, b = pd;
            CHECK(spr_params_draw(&a, draw, row_m, &err) == SPR_OK && spr_params_draw(&b, draw, row_d, &err) == SPR_OK,
                  "draws");
            for (int f = 1; f < SPR_FUNC_STATES; f++)
                CHECK(row_m[spr_params_draw_column(&pm, uf, f)] == row_d[spr_params_draw_column(&pd, uf, f)] &&
                          a.utility_function[f] == b.utility_function[f],
                      "draw %u: utility.function[%d] moved when other distributions were added", draw, f);
            CHECK(a.utility_function[0] == 0.9, "the fixed element keeps its value");
            for (int e = 0; e < 3; e++)
                CHECK(a.ltc_yen_per_month[e] == pm.ltc_yen_per_month[e] * row_m[whole] &&
                          a.ltc_yen_per_month[e] == spr_params_drawn_value(&pm, row_m, pm.n_uncertain, ltc, e),
                      "draw %u: ltc[%d] %g is not its central value %g times the multiplier %g", draw, e,
                      a.ltc_yen_per_month[e], pm.ltc_yen_per_month[e], row_m[whole]);
            CHECK(fabs(row_m[whole] - 1) > 1e-6, "draw %u: the multiplier was drawn", draw);
        }
        spr_scenario_free(&scm);
    }
    for (int i = 0; i < rn; i++) spr_results_destroy(rres[i]);
    free(rres);
    free(rsc);
    spr_scenario_free(&sc);
    spr_results_destroy(central);
    spr_results_destroy(drawn);
    remove(out);
    TEST_MAIN_END();
}
