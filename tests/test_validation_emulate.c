/* sprsim emulate inside the model.
 *
 * 1. Recovery: with participation made permanent (no drop-out, no joining,
 *    no groups closing) and taking part acting on certification alone, the
 *    emulated hazard ratio of certification (kanamori2014_ltc) is the
 *    mechanism's hazard ratio: the comparison is then a randomised trial
 *    (initial participants are drawn by sex only, and sex is adjusted for).
 *    Tolerance: 3 standard errors of the emulated log ratio.
 * 2. Null: with effects.structure none, every emulated ratio is 1 within 3
 *    standard errors.
 * 3. docs/validation.md, "Total effects of taking part": the table is what
 *    `sprsim emulate scenarios/dual_cycle.yaml --replicates 8` prints (the
 *    emulated value to its 2 decimals, the "within" column true to the
 *    published interval), and every study that sets an effect is within its
 *    published 95% interval.
 * argv[1]: the source directory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/emulate.h"

static int emulate(const char *path, const char *const *sets, int n_sets, spr_em_estimate *est)
{
    spr_scenario sc;
    spr_error err;
    if (load_with_sets(path, sets, n_sets, &sc, &err) != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return 0;
    }
    int rc = spr_emulate_all(&sc.params, sc.params.replicates, 0, est, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    spr_scenario_free(&sc);
    return rc == SPR_OK;
}

static void check_recovery(const char *src)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/baseline.yaml", src);
    const char *sets[] = {"simulation.replicates=4",          "effects.hr_certification=0.7",
                          "effects.hr_isolation_onset=1",     "effects.isolation_recovery=1",
                          "effects.hr_dementia=1",            "effects.hr_death_direct=1",
                          "effects.medical_multiplier=1",     "resources.dropout_rate=0",
                          "resources.dropout_early_rate=0",   "population_approach.join_rate=0",
                          "resources.close_rate=0"};
    spr_em_estimate est[16];
    if (!emulate(path, sets, sizeof sets / sizeof sets[0], est)) return;
    int n;
    const spr_em_study *st = spr_em_studies(&n);
    for (int i = 0; i < n; i++) {
        if (strcmp(st[i].id, "kanamori2014_ltc") != 0) continue;
        double z = (log(est[i].estimate) - log(0.7)) / est[i].log_se;
        printf("recovery: %s %.4f (se of log %.4f) for a mechanism hazard ratio 0.7: z = %.2f\n", st[i].id,
               est[i].estimate, est[i].log_se, z);
        CHECK(fabs(z) <= 3, "%s: emulated %.4f, the mechanism 0.7 (z = %.2f)", st[i].id, est[i].estimate, z);
    }
}

static void check_null(const char *src)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/baseline.yaml", src);
    const char *sets[] = {"simulation.replicates=4", "effects.structure=none"};
    spr_em_estimate est[16];
    if (!emulate(path, sets, 2, est)) return;
    int n;
    const spr_em_study *st = spr_em_studies(&n);
    for (int i = 0; i < n; i++) {
        double z = log(est[i].estimate) / est[i].log_se;
        printf("null: %-22s %.4f (se of log %.4f), z = %.2f\n", st[i].id, est[i].estimate, est[i].log_se, z);
        CHECK(fabs(z) <= 3, "%s without effects: %.4f (z = %.2f)", st[i].id, est[i].estimate, z);
    }
}

/* | `id` | outcome | source | published (CI) | emulated (CI) | within | role | */
static void check_row(const char *line, const spr_em_estimate *est, int *seen)
{
    char copy[2048], id[64], *cell[10];
    int n = markdown_row(line, copy, sizeof copy, cell, 10, id, sizeof id);
    CHECK(n >= 0, "the first cell is not an `id`: %s", line);
    CHECK(n < 0 || n == 7, "an emulation row needs 7 cells: %s", line);
    if (n != 7) return;
    int ns;
    const spr_em_study *st = spr_em_studies(&ns);
    int i = -1;
    for (int k = 0; k < ns; k++)
        if (strcmp(st[k].id, id) == 0) i = k;
    CHECK(i >= 0, "docs/validation.md names a study sprsim emulate does not know: %s", id);
    if (i < 0) return;
    seen[i]++;
    double doc = atof(cell[4]);
    int doc_within = strcmp(cell[5], "yes") == 0;
    int within = est[i].estimate >= st[i].lower && est[i].estimate <= st[i].upper;
    printf("%-22s published %.2f (%.2f-%.2f) emulated %.4f (document %.2f) within %s\n", id, st[i].published,
           st[i].lower, st[i].upper, est[i].estimate, doc, within ? "yes" : "no");
    CHECK(fabs(est[i].estimate - doc) <= 0.0051, "%s: the document says %.2f, emulate gives %.4f", id, doc,
          est[i].estimate);
    CHECK(within == doc_within, "%s: the document says within '%s', emulate says %s", id, cell[5], within ? "yes" : "no");
    if (st[i].fits)
        CHECK(within, "%s sets %s, yet its emulated %.3f is outside the published %.2f-%.2f", id, st[i].fits,
              est[i].estimate, st[i].lower, st[i].upper);
}

static void check_document(const char *src)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/dual_cycle.yaml", src);
    const char *sets[] = {"simulation.replicates=8"};
    spr_em_estimate est[16];
    if (!emulate(path, sets, 1, est)) return;
    snprintf(path, sizeof path, "%s/docs/validation.md", src);
    FILE *doc = fopen(path, "r");
    CHECK(doc != NULL, "cannot open %s", path);
    if (doc == NULL) return;
    int seen[16] = {0}, in_table = 0;
    char line[2048];
    while (fgets(line, sizeof line, doc)) {
        if (strncmp(line, "## ", 3) == 0) in_table = strstr(line, "Total effects of taking part") != NULL;
        if (in_table && strncmp(line, "| `", 3) == 0) check_row(line, est, seen);
    }
    fclose(doc);
    int n;
    const spr_em_study *st = spr_em_studies(&n);
    for (int i = 0; i < n; i++) CHECK(seen[i] == 1, "%s is in the emulation table %d times (once expected)", st[i].id, seen[i]);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    check_recovery(argv[1]);
    check_null(argv[1]);
    check_document(argv[1]);
    TEST_MAIN_END();
}
