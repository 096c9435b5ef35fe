/* calibration_draws honoured by a run: each parameter draw takes one whole
 * row of the table, the same row in every scenario of the run, and the
 * results file records the row and the values each replicate ran with.
 *
 * The table has two rows that differ in both keys; a replicate whose
 * values mixed the rows (one key from each), or drew them independently,
 * would not equal either row.  4 draws of 2 replicates (each draw builds its
 * own model, the slow part): with the scenario's seed both rows appear (a
 * fair choice would miss one with chance 1/8; the Philox key makes the
 * choice the same every time, so the check cannot flicker).
 *
 * Several tables (issue 10: one per calibration file) with a distribution:
 * each parameter draw takes one whole row of each table, table 0's row is
 * the one a run with that table alone takes (a Philox uniform keyed by
 * seed, draw and table), the tables' rows are chosen independently (not the
 * same row index in every draw), the distribution is drawn as without the
 * tables, and the file records every table's rows. */
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

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

static const double ISO[3] = {0.03, 0.035, 0.04};

static void several_tables(const char *src)
{
    CHECK(write_text("test_calib_draws_iso.yaml",
                     "calibration_draws:\n  source: \"test, isolation\"\n  keys: [isolation.onset.base]\n"
                     "  values:\n    - [0.03]\n    - [0.035]\n    - [0.04]\n"
                     "mortality.hr_isolation: {distribution: lognormal, median: 1.34, lower: 1.16, upper: 1.55}\n"),
          "cannot write the second overlay");
    char small[1024];
    snprintf(small, sizeof small, "%s/tests/data/small.yaml", src);
    spr_override ov[] = {{"@test_calib_draws.yaml", NULL}, {"@test_calib_draws_iso.yaml", NULL},
                         {"simulation.population=300", NULL}, {"simulation.years=1", NULL},
                         {"simulation.replicates=16", NULL}, {"simulation.replicates_per_draw=2", NULL}};
    spr_scenario sc, one;
    spr_error err = {0};
    int rc = spr_scenario_load(small, ov, 6, &sc, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    if (rc != SPR_OK) return;
    const spr_params *p = &sc.params;
    CHECK(p->calib_draws.n_tables == 2 && p->calib_draws.n_keys == 3 && p->n_uncertain == 1, "two tables and a distribution");
    rc = spr_scenario_load(small, (spr_override[]){{"@test_calib_draws.yaml", NULL}}, 1, &one, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    spr_model *M = NULL;
    spr_results *res = NULL;
    if (rc == SPR_OK) rc = spr_model_create(p, &M, &err);
    if (rc == SPR_OK) rc = spr_simulation_run(p, M, &res, NULL, NULL, &err);
    spr_model_destroy(M);
    CHECK(rc == SPR_OK, "%s", err.msg);
    if (rc == SPR_OK) {
        const int R = res->replicates, hr = spr_params_draw_index(p, spr_param_find("mortality.hr_isolation"));
        int differ = 0;
        CHECK(res->n_uncertain == 4 && hr == 0, "columns: the distribution, then 3 calibrated keys (%d)", res->n_uncertain);
        for (int r = 0; r < R && res->n_uncertain == 4; r++) {
            const double *v = res->draws + (size_t)r * 4;
            const int r0 = res->calib_row[r], r1 = res->calib_row[R + r];
            const uint32_t draw = (uint32_t)(r / 2);
            CHECK(r0 >= 0 && r0 < 2 && r1 >= 0 && r1 < 3, "replicate %d: rows %d and %d", r, r0, r1);
            if (r0 < 0 || r0 >= 2 || r1 < 0 || r1 >= 3) continue;
            CHECK(r0 == spr_params_draw_row(&one.params, 0, draw), "replicate %d: table 0's row is not the one it takes alone", r);
            CHECK(v[1] == ROWS[r0][0] && v[2] == ROWS[r0][1] && v[3] == ISO[r1], "replicate %d: values (%g, %g, %g) are not "
                  "row %d of table 0 and row %d of table 1", r, v[1], v[2], v[3], r0, r1);
            spr_params q = *p;
            double row[4];
            CHECK(spr_params_draw(&q, draw, row, &err) == SPR_OK && row[0] == v[0], "replicate %d: the distribution's draw", r);
            differ |= r0 != r1;
        }
        CHECK(differ, "the two tables took the same row index in every draw: not independent");
        spr_run_info info = {"test_calib_draws", "2024-01-01T00:00:00Z", 1, 1, 0};
        spr_results *all[1] = {res};
        rc = spr_output_write("test_calib_draws2.h5", &sc, all, 1, &info, &err);
        CHECK(rc == SPR_OK, "%s", err.msg);
        spr_scenario *rsc = NULL;
        spr_results **rres = NULL;
        int rn = 0;
        if (rc == SPR_OK) rc = spr_output_read("test_calib_draws2.h5", &rsc, &rres, &rn, &err);
        CHECK(rc == SPR_OK && rn == 1, "read back: %s", err.msg);
        if (rc == SPR_OK && rn == 1) {
            const spr_calib_draws *cd = &rsc[0].params.calib_draws;
            CHECK(cd->n_tables == 2 && cd->table[1].n_rows == 3 && strcmp(cd->table[1].file, "test_calib_draws_iso.yaml") == 0 &&
                      memcmp(rres[0]->calib_row, res->calib_row, sizeof(int32_t) * 2 * (size_t)R) == 0 &&
                      memcmp(rres[0]->draws, res->draws, sizeof(double) * 4 * (size_t)R) == 0,
                  "the file records both tables' rows and the values");
        }
        for (int i = 0; i < rn; i++) spr_results_destroy(rres[i]);
        free(rres);
        free(rsc);
        remove("test_calib_draws2.h5");
    }
    /* the resolved text (the tables as a list) reads back to the same scenario */
    spr_scenario again;
    CHECK(write_text("test_calib_draws_resolved.yaml", sc.resolved_yaml), "cannot write the resolved text");
    rc = spr_scenario_load("test_calib_draws_resolved.yaml", NULL, 0, &again, &err);
    CHECK(rc == SPR_OK, "the resolved text does not load: %s", err.msg);
    if (rc == SPR_OK) {
        CHECK(strcmp(again.resolved_yaml, sc.resolved_yaml) == 0 && again.params.calib_draws.n_tables == 2,
              "the resolved text reads back to another scenario");
        spr_scenario_free(&again);
    }
    remove("test_calib_draws_resolved.yaml");
    spr_results_destroy(res);
    spr_scenario_free(&sc);
    spr_scenario_free(&one);
    remove("test_calib_draws_iso.yaml");
}

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
    CHECK(sc[0].params.calib_draws.n_tables == 1 && sc[0].params.calib_draws.table[0].n_rows == 2 &&
              sc[0].params.calib_draws.n_keys == 2,
          "the table is loaded");
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
    spr_run_info info = {"test_calib_draws", "2024-01-01T00:00:00Z", 1, 1, 0};
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
            CHECK(rsc[i].params.calib_draws.n_tables == 1 && rsc[i].params.calib_draws.table[0].n_rows == 2 &&
                      strcmp(rsc[i].params.calib_draws.table[0].file, "test_calib_draws.yaml") == 0,
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
    several_tables(src);
    remove(overlay);
    TEST_MAIN_END();
}
