/* calibration_draws honoured by a run: each parameter draw takes one whole
 * row of the table, the same row in every scenario of the run, and the
 * results file records the row and the values each replicate ran with.
 *
 * The table has two rows that differ in both keys; a replicate whose
 * values mixed the rows (one key from each), or drew them independently,
 * would not equal either row.  4 draws of 2 replicates (each draw builds its
 * own model, the slow part): with the scenario's seed both rows appear (a
 * fair choice would miss one with chance 1/8; the Philox key makes the
 * choice the same every time, so the check cannot flicker). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sprsim/model.h"
#include "sprsim/output.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

static const double ROWS[2][2] = {{0.0021, 0.14}, {0.0043, 0.11}};

int main(int argc, char **argv)
{
    const char *src = argc > 1 ? argv[1] : "..";
    const char *overlay = "test_calib_draws.yaml", *out = "test_calib_draws.h5";
    FILE *f = fopen(overlay, "w");
    CHECK(f != NULL, "cannot write %s", overlay);
    if (f == NULL) TEST_MAIN_END();
    fprintf(f, "calibration_draws:\n  source: \"test\"\n  keys: [dementia.onset.at_65, dementia.onset.slope]\n"
               "  values:\n    - [%.17g, %.17g]\n    - [%.17g, %.17g]\n",
            ROWS[0][0], ROWS[0][1], ROWS[1][0], ROWS[1][1]);
    fclose(f);
    char small[1024], dual[1024];
    snprintf(small, sizeof small, "%s/tests/data/small.yaml", src);
    snprintf(dual, sizeof dual, "%s/scenarios/dual_cycle.yaml", src);
    const char *paths[2] = {small, dual};
    spr_override ov[] = {{"@test_calib_draws.yaml", NULL}, {"simulation.population=300", NULL}, {"simulation.years=1", NULL},
                         {"simulation.replicates=8", NULL}, {"simulation.replicates_per_draw=2", NULL}};
    spr_scenario *sc = NULL;
    int n = 0;
    spr_error err = {0};
    int rc = spr_scenario_load_run(paths, 2, ov, 5, &sc, &n, &err);
    CHECK(rc == SPR_OK && n == 2, "%s", err.msg);
    if (rc != SPR_OK) TEST_MAIN_END();
    CHECK(sc[0].params.calib_draws.n_rows == 2 && sc[0].params.calib_draws.n_keys == 2, "the table is loaded");
    CHECK(fabs(sc[0].params.dementia_onset.at_65 - 0.5 * (ROWS[0][0] + ROWS[1][0])) < 1e-15,
          "the central value is the column mean: %g", sc[0].params.dementia_onset.at_65);
    CHECK(strstr(sc[0].resolved_yaml, "calibration_draws:") != NULL, "the resolved scenario holds the table");
    spr_results *res[2] = {NULL, NULL};
    for (int i = 0; i < 2 && rc == SPR_OK; i++) {
        spr_model *M = NULL;
        rc = spr_model_create(&sc[i].params, &M, &err);
        if (rc == SPR_OK) rc = spr_simulation_run(&sc[i].params, M, &res[i], NULL, NULL, &err);
        spr_model_destroy(M);
    }
    spr_run_info info = {"test_calib_draws", "2024-01-01T00:00:00Z", 1};
    if (rc == SPR_OK) rc = spr_output_write(out, sc, res, 2, &info, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    spr_scenario *rsc = NULL;
    spr_results **rres = NULL;
    int rn = 0;
    if (rc == SPR_OK) rc = spr_output_read(out, &rsc, &rres, &rn, &err);
    CHECK(rc == SPR_OK && rn == 2, "read back: %s", err.msg);
    if (rc == SPR_OK) {
        int used[2] = {0, 0};
        for (int i = 0; i < 2; i++) {
            const spr_results *r = rres[i];
            CHECK(rsc[i].params.calib_draws.n_rows == 2 && strcmp(rsc[i].params.calib_draws.file, "test_calib_draws.yaml") == 0,
                  "the file records the table's rows and file");
            CHECK(r->n_uncertain == 2, "two calibrated columns in psa/draws: %d", r->n_uncertain);
            for (int k = 0; k < r->replicates && r->n_uncertain == 2; k++) {
                int row = r->calib_row[k];
                CHECK(row == 0 || row == 1, "replicate %d: row %d", k, row);
                if (row != 0 && row != 1) continue;
                used[row]++;
                CHECK(r->draws[2 * k] == ROWS[row][0] && r->draws[2 * k + 1] == ROWS[row][1],
                      "scenario %d replicate %d ran with (%g, %g), not row %d", i, k, r->draws[2 * k], r->draws[2 * k + 1], row);
                CHECK(r->calib_row[k] == r->calib_row[k - k % 2], "replicate %d shares its draw's row", k);
                CHECK(r->calib_row[k] == rres[0]->calib_row[k], "replicate %d: the same row in every scenario", k);
            }
        }
        CHECK(used[0] > 0 && used[1] > 0, "both rows used: %d and %d", used[0], used[1]);
    }
    for (int i = 0; i < rn; i++) spr_results_destroy(rres[i]);
    free(rres);
    free(rsc);
    for (int i = 0; i < 2; i++) spr_results_destroy(res[i]);
    spr_scenario_list_free(sc, n);
    remove(out);
    remove(overlay);
    TEST_MAIN_END();
}
