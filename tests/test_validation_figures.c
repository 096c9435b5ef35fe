/* The validation table of docs/validation.md: figures that no calibration
 * file fits, each beside the model.  This test reads the table, recomputes
 * every row's model value from the run the document describes, and checks
 * the document's claims:
 *   - the "model" column is the model's value (to its printed 2 decimals:
 *     the run is deterministic for a seed, whatever the thread count);
 *   - the "within" column says yes exactly when |model - published| is at
 *     most the "±" column (the published figure's 95% uncertainty, or the
 *     criterion stated beside it);
 *   - every row names a figure this test knows, and every figure it knows
 *     is in the table.
 * A change to the model that moves a validation figure therefore fails here
 * until the document is updated and says plainly where the model misses.
 *
 * The run: scenarios/calibration/effects_off.yaml (the baseline with the
 * programme's effects off, as the calibration files fit it), 100,000
 * residents, 4 replicates, 6 years, seed 20221001.  argv[1]: the source
 * directory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/measures.h"

static const spr_results *R;
static spr_params P;

/* person-months of the indicator over years [y0, y1) (0 = 2022), bands [b0, b1), sex (-1 both), all replicates */
static double sum(spr_indicator ind, int y0, int y1, int b0, int b1, int sex)
{
    double t = 0;
    for (int r = 0; r < R->replicates; r++)
        for (int m = 12 * y0; m < 12 * y1; m++)
            for (int s = 0; s < SPR_SEXES; s++)
                if (sex < 0 || s == sex)
                    for (int b = b0; b < b1; b++) t += R->counts[spr_results_index(R, r, m, ind, s, b)];
    return t;
}

static double pct(spr_indicator ind, int b0, int b1, int sex)
{
    return 100 * sum(ind, 0, 1, b0, b1, sex) / sum(SPR_IND_POPULATION, 0, 1, b0, b1, sex);
}

static double certified(int b0, int b1)
{
    return 100 * (sum(SPR_IND_SUPPORT, 0, 1, b0, b1, -1) + sum(SPR_IND_CARE12, 0, 1, b0, b1, -1) +
                  sum(SPR_IND_CARE35, 0, 1, b0, b1, -1)) /
           sum(SPR_IND_POPULATION, 0, 1, b0, b1, -1);
}

/* an expectancy measure in 2022, the mean over replicates */
static double expectancy(const char *name)
{
    const spr_measure *m = spr_measure_find(name);
    double t = 0;
    for (int r = 0; r < R->replicates; r++) t += spr_measure_at((spr_measure_id)(m - spr_measure_get(0)), &P, R, r,
                                                                 spr_period_year(0));
    return t / R->replicates;
}

/* participants 65+ over 2023-2027: the share aged 75+ */
static double participants_75plus(void)
{
    return 100 * sum(SPR_IND_PARTICIPANTS, 1, 6, 15, SPR_AGE_BANDS, -1) /
           sum(SPR_IND_PARTICIPANTS, 1, 6, 13, SPR_AGE_BANDS, -1);
}

typedef struct {
    const char *id;
    double (*value)(void);
    int seen;
} figure;

static double le0_male(void) { return expectancy("le0_male_expected"); }
static double le0_female(void) { return expectancy("le0_female_expected"); }
static double le65_male(void) { return expectancy("le65_male_expected"); }
static double le65_female(void) { return expectancy("le65_female_expected"); }
static double dem_65_69(void) { return pct(SPR_IND_DEMENTIA, 13, 14, -1); }
static double dem_70_74(void) { return pct(SPR_IND_DEMENTIA, 14, 15, -1); }
static double dem_75_79(void) { return pct(SPR_IND_DEMENTIA, 15, 16, -1); }
static double dem_80_84(void) { return pct(SPR_IND_DEMENTIA, 16, 17, -1); }
static double dem_85plus(void) { return pct(SPR_IND_DEMENTIA, 17, SPR_AGE_BANDS, -1); }
static double cert_65plus(void) { return certified(13, SPR_AGE_BANDS); }
static double cert_75plus(void) { return certified(15, SPR_AGE_BANDS); }
static double cert_85plus(void) { return certified(17, SPR_AGE_BANDS); }
static double isolated_men_70plus(void) { return pct(SPR_IND_ISOLATED, 14, SPR_AGE_BANDS, SPR_MALE); }

static figure FIGURES[] = {
    {"le0_male", le0_male, 0},
    {"le0_female", le0_female, 0},
    {"le65_male", le65_male, 0},
    {"le65_female", le65_female, 0},
    {"dementia_hisayama_65_69", dem_65_69, 0},
    {"dementia_hisayama_70_74", dem_70_74, 0},
    {"dementia_hisayama_75_79", dem_75_79, 0},
    {"dementia_hisayama_80_84", dem_80_84, 0},
    {"dementia_hisayama_85plus", dem_85plus, 0},
    {"certified_65plus", cert_65plus, 0},
    {"certified_75plus", cert_75plus, 0},
    {"certified_85plus", cert_85plus, 0},
    {"isolated_men_70plus", isolated_men_70plus, 0},
    {"kayoi_75plus", participants_75plus, 0},
};
enum { N_FIGURES = sizeof FIGURES / sizeof FIGURES[0] };

static void check_row(char *line)
{
    char copy[2048], id[64], *cell[8];
    int n = markdown_row(line, copy, sizeof copy, cell, 8, id, sizeof id);
    CHECK(n >= 0, "the first cell is not an `id`: %s", line);
    CHECK(n < 0 || n == 7, "a validation row needs 7 cells: %s", line);
    if (n != 7) return;
    figure *f = NULL;
    for (int i = 0; i < N_FIGURES; i++)
        if (strcmp(FIGURES[i].id, id) == 0) f = &FIGURES[i];
    CHECK(f != NULL, "docs/validation.md names a figure this test does not know: %s", id);
    if (f == NULL) return;
    f->seen++;
    const double published = atof(cell[3]), tol = atof(cell[4]), doc_model = atof(cell[5]);
    const int doc_within = strcmp(cell[6], "yes") == 0;
    CHECK(doc_within || strncmp(cell[6], "no", 2) == 0, "%s: 'within' must be yes or no, not '%s'", id, cell[6]);
    const double model = f->value();
    const int within = fabs(model - published) <= tol;
    printf("%-26s published %8.2f ± %-5.2f model %8.3f (document %8.2f) within %s\n", id, published, tol, model,
           doc_model, within ? "yes" : "no");
    CHECK(fabs(model - doc_model) <= 0.0051, "%s: the document says %.2f, the model gives %.3f", id, doc_model, model);
    CHECK(within == doc_within, "%s: the document says within '%s', the model %.3f vs %.2f ± %.2f says %s", id,
          cell[6], model, published, tol, within ? "yes" : "no");
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/calibration/effects_off.yaml", argv[1]);
    const char *sets[] = {"simulation.population=100000", "simulation.replicates=4", "simulation.years=6",
                          "simulation.seed=20221001"};
    spr_results *res = run_scenario(path, sets, 4, 0, &P);
    CHECK(res != NULL, "the run failed");
    if (res == NULL) TEST_MAIN_END();
    R = res;
    snprintf(path, sizeof path, "%s/docs/validation.md", argv[1]);
    FILE *doc = fopen(path, "r");
    CHECK(doc != NULL, "cannot open %s", path);
    if (doc) {
        char line[1024];
        int in_table = 0;
        while (fgets(line, sizeof line, doc)) {
            if (strncmp(line, "## ", 3) == 0) in_table = strstr(line, "Validation") != NULL;
            if (in_table && strncmp(line, "| `", 3) == 0) check_row(line);
        }
        fclose(doc);
    }
    for (int i = 0; i < N_FIGURES; i++)
        CHECK(FIGURES[i].seen == 1, "%s is in docs/validation.md's validation table %d times (once expected)",
              FIGURES[i].id, FIGURES[i].seen);
    spr_results_destroy(res);
    TEST_MAIN_END();
}
