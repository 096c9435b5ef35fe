/* Work units and checkpoints (issue 14).
 *
 * 1. Units are independent: the replicates of a run with parameter draws, run one by one in reverse
 *    order, each in a one-slot results of its own, packed and unpacked into another results, give
 *    byte for byte the results of spr_simulation_run (the path of another MPI rank).
 * 2. A checkpoint keeps a unit exactly: saved, reopened by --resume and loaded, every slice of every
 *    unit is the same bytes.
 * 3. A checkpoint refuses what is not its run: another scenario (named in the message), a second run
 *    while the first holds it, a start over an existing one, --resume without one, and a damaged
 *    unit (named with its array).  Discard removes it and nothing else.
 * usage: test_checkpoint SOURCE_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/checkpoint.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

/* Whether slot r of a and slot r of b are the same bytes in every slice; names the first that differs. */
static int same_unit(spr_results *a, spr_results *b, int r, const char **differs)
{
    spr_results_slice sa[SPR_RESULTS_SLICES], sb[SPR_RESULTS_SLICES];
    int n = spr_results_unit_slices(a, r, sa);
    spr_results_unit_slices(b, r, sb);
    for (int k = 0; k < n; k++)
        if (sa[k].bytes != sb[k].bytes || memcmp(sa[k].data, sb[k].data, sa[k].bytes) != 0) {
            *differs = sa[k].name;
            return 0;
        }
    return 1;
}

static void check_units_independent(const spr_scenario *sc)
{
    spr_error err;
    spr_model *M = NULL;
    spr_results *whole = NULL, *parts = NULL, *one = NULL;
    spr_runner *run = NULL;
    CHECK(spr_model_create(&sc->params, &M, &err) == SPR_OK, "model: %s", err.msg);
    CHECK(spr_simulation_run(&sc->params, M, &whole, NULL, NULL, &err) == SPR_OK, "run: %s", err.msg);
    CHECK(spr_results_create_for(&sc->params, sc->params.replicates, &parts, &err) == SPR_OK, "results: %s", err.msg);
    CHECK(spr_results_create_for(&sc->params, 1, &one, &err) == SPR_OK, "one slot: %s", err.msg);
    CHECK(spr_runner_create(&sc->params, M, &run, &err) == SPR_OK, "runner: %s", err.msg);
    void *buf = malloc(spr_results_unit_bytes(one));
    CHECK(buf != NULL && spr_results_unit_bytes(one) == spr_results_unit_bytes(whole), "a unit is as large in both");
    for (int r = sc->params.replicates - 1; r >= 0; r--) {
        CHECK(spr_runner_run(run, r, one, 0, NULL, NULL, &err) == SPR_OK, "unit %d: %s", r, err.msg);
        spr_results_unit_pack(one, 0, buf);
        spr_results_unit_unpack(parts, r, buf);
    }
    int same = 1;
    const char *differs = "";
    for (int r = 0; r < sc->params.replicates && same; r++) same = same_unit(whole, parts, r, &differs);
    CHECK(same, "units run apart and in reverse give the run's results (first difference: %s)", differs);
    CHECK(whole->peak_residents == parts->peak_residents && parts->peak_residents > 0,
          "the peak residents of the run (%zu) and of its units (%zu)", whole->peak_residents, parts->peak_residents);
    CHECK(whole->n_uncertain > 0, "the run drew parameters (%d columns)", whole->n_uncertain);
    free(buf);
    spr_runner_destroy(run);
    spr_results_destroy(one);
    spr_results_destroy(parts);
    spr_results_destroy(whole);
    spr_model_destroy(M);
}

static void check_checkpoint(spr_scenario *sc, const char *work)
{
    char out[512], dir[600];
    snprintf(out, sizeof out, "%s/results.h5", work);
    spr_checkpoint_dir(out, dir, sizeof dir);
    spr_checkpoint_discard(out, NULL);
    spr_error err;
    spr_model *M = NULL;
    spr_results *res = NULL, *back = NULL;
    CHECK(spr_model_create(&sc->params, &M, &err) == SPR_OK, "model: %s", err.msg);
    CHECK(spr_simulation_run(&sc->params, M, &res, NULL, NULL, &err) == SPR_OK, "run: %s", err.msg);

    spr_checkpoint *c = NULL, *c2 = NULL;
    CHECK(!spr_checkpoint_exists(out), "no checkpoint before the run");
    CHECK(spr_checkpoint_resume(out, sc, 1, &c2, &err) == SPR_ERR_USAGE && strstr(err.msg, "does not exist") != NULL,
          "--resume without a checkpoint is refused: %s", err.msg);
    CHECK(spr_checkpoint_start(out, sc, 1, "test", &c, &err) == SPR_OK, "start: %s", err.msg);
    CHECK(spr_checkpoint_exists(out), "the checkpoint exists");
    CHECK(spr_checkpoint_start(out, sc, 1, "test", &c2, &err) == SPR_ERR_USAGE && strstr(err.msg, "--resume") != NULL,
          "a second start is refused: %s", err.msg);
    for (int r = 0; r < 2; r++)
        CHECK(spr_checkpoint_save(c, 0, res, r, &err) == SPR_OK, "save unit %d: %s", r, err.msg);
    CHECK(spr_checkpoint_units_done(c) == 2 && spr_checkpoint_has(c, 0, 1) && !spr_checkpoint_has(c, 0, 2),
          "two units done");
    CHECK(spr_checkpoint_resume(out, sc, 1, &c2, &err) == SPR_ERR_USAGE && strstr(err.msg, "another sprsim run") != NULL,
          "a run cannot take a checkpoint another holds: %s", err.msg);
    spr_checkpoint_close(c); /* the run stops */

    /* a temporary file of a unit being written when the run stopped is not a unit */
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s/unit-0-2.h5.tmp-99999", dir);
    FILE *f = fopen(tmp, "wb");
    if (f) fclose(f);
    /* another scenario: its seed differs */
    spr_scenario other = *sc;
    other.hash ^= 1;
    CHECK(spr_checkpoint_resume(out, &other, 1, &c2, &err) == SPR_ERR_USAGE &&
              strstr(err.msg, "another run") != NULL && strstr(err.msg, sc->params.name) != NULL,
          "a checkpoint of another scenario is refused, naming it: %s", err.msg);
    CHECK(spr_checkpoint_resume(out, sc, 1, &c, &err) == SPR_OK, "resume: %s", err.msg);
    CHECK(spr_checkpoint_units_done(c) == 2 && !spr_checkpoint_has(c, 0, 2), "the resumed checkpoint has units 0 and 1");
    CHECK(access(tmp, F_OK) != 0, "the stopped run's temporary file is removed");
    CHECK(spr_results_create_for(&sc->params, sc->params.replicates, &back, &err) == SPR_OK, "results: %s", err.msg);
    int same = 1;
    const char *differs = "";
    for (int r = 0; r < 2; r++) {
        CHECK(spr_checkpoint_load(c, 0, back, r, &err) == SPR_OK, "load unit %d: %s", r, err.msg);
        same = same && same_unit(res, back, r, &differs);
    }
    CHECK(same, "units read back are the bytes saved (first difference: %s)", differs);

    /* a damaged unit: cut short */
    char unit[700];
    snprintf(unit, sizeof unit, "%s/unit-0-1.h5", dir);
    CHECK(truncate(unit, 600) == 0, "cut a unit short");
    CHECK(spr_checkpoint_load(c, 0, back, 1, &err) == SPR_ERR_IO && strstr(err.msg, "unit-0-1.h5") != NULL,
          "a damaged unit is an error naming it: %s", err.msg);
    CHECK(spr_checkpoint_finish(c, &err) == SPR_OK, "finish: %s", err.msg);
    struct stat st;
    CHECK(stat(dir, &st) != 0, "the finished checkpoint is removed");
    CHECK(spr_checkpoint_discard(out, &err) == SPR_OK, "discarding no checkpoint is not an error");
    spr_results_destroy(back);
    spr_results_destroy(res);
    spr_model_destroy(M);
}

int main(int argc, char **argv)
{
    const char *src = argc > 1 ? argv[1] : ".";
    char path[512], work[] = "/tmp/sprsim_checkpoint_XXXXXX";
    CHECK(mkdtemp(work) != NULL, "a work directory");
    spr_scenario sc;
    spr_error err;
    /* parameter draws (two replicates each), so that the draws and their caching are units too */
    snprintf(path, sizeof path, "%s/tests/data/small.yaml", src);
    char overlay[600];
    snprintf(overlay, sizeof overlay, "@%s/scenarios/uncertainty.yaml", src);
    const char *sets[] = {overlay, "simulation.population=3000", "simulation.years=2", "simulation.replicates=6",
                          "simulation.replicates_per_draw=2"};
    spr_override ov[5];
    for (int k = 0; k < 5; k++) ov[k] = (spr_override){sets[k], NULL};
    CHECK(spr_scenario_load(path, ov, 5, &sc, &err) == SPR_OK, "load: %s", err.msg);
    check_units_independent(&sc);
    check_checkpoint(&sc, work);
    spr_scenario_free(&sc);
    rmdir(work);
    TEST_MAIN_END();
}
