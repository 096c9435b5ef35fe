/* The monthly engine: conservation of residents, consistency of the state
 * counts, determinism across thread counts and replicates that differ. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/model.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

/* pop(m+1) = pop(m) - deaths - out-migrants + births + in-migrants + entrants, every month */
static void check_conservation(const spr_results *res, const char *label)
{
    int bad = 0, states_bad = 0;
    for (int r = 0; r < res->replicates; r++)
        for (int m = 0; m < res->months; m++) {
            int64_t pop = spr_results_total(res, r, m, SPR_IND_POPULATION, 0, SPR_AGE_BANDS);
            int64_t f = 0;
            for (int k = SPR_IND_INDEPENDENT; k <= SPR_IND_CARE35; k++)
                f += spr_results_total(res, r, m, k, 0, SPR_AGE_BANDS);
            if (f != pop) states_bad++;
            if (m + 1 == res->months) continue;
            int64_t next = spr_results_total(res, r, m + 1, SPR_IND_POPULATION, 0, SPR_AGE_BANDS);
            int64_t flow = -spr_results_total(res, r, m, SPR_IND_DEATHS, 0, SPR_AGE_BANDS) -
                           spr_results_total(res, r, m, SPR_IND_OUT_MIGRANTS, 0, SPR_AGE_BANDS) +
                           spr_results_total(res, r, m, SPR_IND_BIRTHS, 0, SPR_AGE_BANDS) +
                           spr_results_total(res, r, m, SPR_IND_IN_MIGRANTS, 0, SPR_AGE_BANDS) +
                           spr_results_total(res, r, m, SPR_IND_ENTRANTS, 0, SPR_AGE_BANDS);
            if (next != pop + flow) bad++;
        }
    CHECK(bad == 0, "%s: %d months break the balance of residents", label, bad);
    CHECK(states_bad == 0, "%s: %d months where functional states do not add up to the population", label, states_bad);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char small[1024], older[1024];
    snprintf(small, sizeof small, "%s/tests/data/small.yaml", argv[1]);
    snprintf(older, sizeof older, "%s/tests/data/older_only.yaml", argv[1]);
    spr_params p;
    spr_results *one = run_scenario(small, NULL, 0, 1, &p), *two = run_scenario(small, NULL, 0, 2, NULL);
    CHECK(one && two, "runs");
    if (!one || !two) TEST_MAIN_END();
    check_conservation(one, "small");
    CHECK(spr_results_total(one, 0, 0, SPR_IND_POPULATION, 0, SPR_AGE_BANDS) == p.population, "initial population");
    int64_t births = 0, deaths = 0, in = 0;
    for (int m = 0; m < one->months; m++) {
        births += spr_results_total(one, 0, m, SPR_IND_BIRTHS, 0, SPR_AGE_BANDS);
        deaths += spr_results_total(one, 0, m, SPR_IND_DEATHS, 0, SPR_AGE_BANDS);
        in += spr_results_total(one, 0, m, SPR_IND_IN_MIGRANTS, 0, SPR_AGE_BANDS);
    }
    /* Japan 2022: 6.3 births and 12.9 deaths per 1000 a year (人口動態統計); 5 years of 20,000 */
    CHECK(births > 400 && births < 900, "births over 5 years: %lld", (long long)births);
    CHECK(deaths > 1000 && deaths < 1800, "deaths over 5 years: %lld", (long long)deaths);
    CHECK(in > 0, "in-migration happens");

    /* bit-identical whatever the thread count */
    size_t n_counts = (size_t)one->replicates * one->months * SPR_IND_COUNT * SPR_SEXES * SPR_AGE_BANDS;
    size_t n_costs = (size_t)one->replicates * one->months * SPR_SEXES * SPR_AGE_BANDS;
    CHECK(memcmp(one->counts, two->counts, n_counts * sizeof(int32_t)) == 0, "counts differ between 1 and 2 threads");
    CHECK(memcmp(one->medical_yen, two->medical_yen, n_costs * sizeof(double)) == 0, "costs differ between threads");
    /* ... but replicates are different draws */
    size_t per_rep = n_counts / (size_t)one->replicates;
    CHECK(memcmp(one->counts, one->counts + per_rep, per_rep * sizeof(int32_t)) != 0, "replicates are identical");
    /* ... and another seed gives another history */
    const char *seed[] = {"simulation.seed=777"};
    spr_results *other = run_scenario(small, seed, 1, 2, NULL);
    CHECK(other && memcmp(one->counts, other->counts, n_counts * sizeof(int32_t)) != 0, "seed has no effect");
    spr_results_destroy(other);

    /* a model of residents aged 65+ only: nobody younger, entrants at 65 keep it going */
    spr_results *old = run_scenario(older, NULL, 0, 2, NULL);
    CHECK(old != NULL, "older-only run");
    if (old) {
        check_conservation(old, "older_only");
        int64_t young = 0, entrants = 0;
        for (int m = 0; m < old->months; m++) {
            young += spr_results_total(old, 0, m, SPR_IND_POPULATION, 0, 13);
            entrants += spr_results_total(old, 0, m, SPR_IND_ENTRANTS, 0, SPR_AGE_BANDS);
        }
        CHECK(young == 0, "%lld person-months under 65", (long long)young);
        /* about 1/5 of the 65-69 band enters each year: 2022 pyramid, ~ 5% of 65+ a year */
        double per_year = entrants / 5.0, pop0 = (double)spr_results_total(old, 0, 0, SPR_IND_POPULATION, 0, SPR_AGE_BANDS);
        CHECK(per_year > 0.03 * pop0 && per_year < 0.07 * pop0, "entrants %.0f a year for %.0f residents", per_year, pop0);
        spr_results_destroy(old);
    }
    spr_results_destroy(one);
    spr_results_destroy(two);
    TEST_MAIN_END();
}
