/* The monthly engine: conservation of residents, consistency of the state
 * counts, determinism across thread counts and replicates that differ, and
 * the numbers of births, deaths, in-migrants and entrants against their
 * expected values computed here from the parameters and the simulated
 * person-months.
 *
 * Tolerances on counts: given the person-months, each count is a sum of
 * independent Bernoulli draws (births, deaths) or a Poisson number
 * (in-migrants, entrants), so its variance is at most its expectation E;
 * a count more than 4 standard deviations sqrt(E) from E happens by chance
 * with probability below 1e-4 (normal approximation; E is in the hundreds
 * or more).  What that detects, given the counts here: deaths (E about
 * 8,600, 4 SD = 4%): a death probability q/12 instead of 1 - (1 - q)^(1/12)
 * fails at -5 SD, the other sex's life table at +9 SD; births (E about
 * 1,300, 4 SD = 11%): a rate wrong by 12% or more, such as a yearly rate
 * used monthly or the TFR not divided over the 5 years of a band (a shift
 * of the age pattern by one band, -2.3 SD, is left to test_model, which
 * checks the birth probability of every age); in-migrants (E about 234,
 * 4 SD = 26%): a rate wrong by more than that (per year used per month);
 * entrants (E about 4,100, 4 SD = 6%): a rate wrong by more than 6%.
 * Expected deaths (the engine's sum of each resident's monthly probability
 * of death) against the deaths drawn, by sex over each run: given the
 * residents at risk the deaths are independent Bernoulli draws with exactly
 * those probabilities, so the same 4 SD bound holds; probabilities recorded
 * for another state than the one drawn with (for example every resident
 * recorded as independent, free of dementia and not isolated) fall far
 * outside it (checked: -20 SD and below on the small scenario). */
#include <math.h>
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

/* |count - expected| within 4 Poisson standard deviations (reason above). */
static int within_poisson(int64_t count, double expected)
{
    printf("  %lld against %.1f expected: %+.2f SD\n", (long long)count, expected,
           ((double)count - expected) / sqrt(expected));
    return expected > 0 && fabs((double)count - expected) <= 4 * sqrt(expected);
}

/* Person-months of sex s in band b in month m of replicate r. */
static double person_months(const spr_results *res, int r, int m, int s, int b)
{
    return res->counts[spr_results_index(res, r, m, SPR_IND_POPULATION, s, b)];
}

static int64_t total_over_run(const spr_results *res, spr_indicator ind)
{
    int64_t n = 0;
    for (int r = 0; r < res->replicates; r++)
        for (int m = 0; m < res->months; m++) n += spr_results_total(res, r, m, ind, 0, SPR_AGE_BANDS);
    return n;
}

/* Births: a woman of band 15-19 ... 45-49 gives birth in a month with probability
 * 1 - exp(-TFR x share of her band / 5 / 12), the same at every age of the band, so
 * given the women's person-months by band the expected number follows (women who die
 * first, about 3e-5 a month at these ages, are neglected).  In-migrants: a Poisson
 * number with mean net rate / 12 x the band's person-months, every month. */
static void check_births_and_in_migrants(const spr_results *res, const spr_params *p)
{
    double births = 0, in = 0;
    for (int r = 0; r < res->replicates; r++)
        for (int m = 0; m < res->months; m++)
            for (int b = 0; b < SPR_AGE_BANDS; b++) {
                if (b >= 3 && b < 3 + SPR_FERTILITY_BANDS)
                    births += person_months(res, r, m, SPR_FEMALE, b) *
                              -expm1(-p->total_fertility_rate * p->fertility_pattern[b - 3] / 5.0 / 12.0);
                if (p->net_migration_rate[b] > 0)
                    for (int s = 0; s < SPR_SEXES; s++)
                        in += p->net_migration_rate[b] / 12.0 * person_months(res, r, m, s, b);
            }
    int64_t n_births = total_over_run(res, SPR_IND_BIRTHS), n_in = total_over_run(res, SPR_IND_IN_MIGRANTS);
    CHECK(within_poisson(n_births, births), "births %lld, expected %.1f (4 SD %.1f)", (long long)n_births, births,
          4 * sqrt(births));
    CHECK(within_poisson(n_in, in), "in-migrants %lld, expected %.1f (4 SD %.1f)", (long long)n_in, in, 4 * sqrt(in));
}

/* Deaths: with every hazard ratio of death 1 and a life table constant within each
 * 5-year band, a resident's monthly probability of death depends on sex and band
 * only, 1 - (1 - q)^(1/12), so the expected deaths follow from the person-months by
 * sex and band.  Run on residents 65+ (most deaths, and the largest q, where a wrong
 * monthly conversion shows most).  (Nobody reaches 110, where q = 1, within 5
 * years: residents start at most at 104.) */
static void check_deaths(const char *older)
{
    static char tables[SPR_SEXES][SPR_LIFE_AGES * 24 + 64];
    spr_scenario sc;
    spr_error err;
    if (spr_scenario_load(older, NULL, 0, &sc, &err) != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    const spr_params base = sc.params;
    spr_scenario_free(&sc);
    double q_band[SPR_SEXES][SPR_AGE_BANDS];
    for (int s = 0; s < SPR_SEXES; s++) {
        int len = snprintf(tables[s], sizeof tables[s], "mortality.life_table.%s=[", s == SPR_MALE ? "male" : "female");
        for (int a = 0; a < SPR_LIFE_AGES; a++) {
            int b = spr_age_band(a);
            q_band[s][b] = base.qx[s][b == SPR_AGE_BANDS - 1 ? 102 : 5 * b + 2]; /* the band's middle age */
            double q = a == SPR_LIFE_AGES - 1 ? 1.0 : q_band[s][b];
            len += snprintf(tables[s] + len, sizeof tables[s] - (size_t)len, "%s%.17g", a ? "," : "", q);
        }
        snprintf(tables[s] + len, sizeof tables[s] - (size_t)len, "]");
    }
    const char *sets[] = {tables[SPR_MALE], tables[SPR_FEMALE], "mortality.hr_function=[1,1,1,1,1]",
                          "mortality.hr_dementia=1", "mortality.hr_isolation=1", "effects.hr_death_direct=1"};
    spr_results *res = run_scenario(older, sets, 6, 2, NULL);
    CHECK(res != NULL, "run with a life table constant within bands");
    if (res == NULL) return;
    double expected = 0;
    for (int r = 0; r < res->replicates; r++)
        for (int m = 0; m < res->months; m++)
            for (int s = 0; s < SPR_SEXES; s++)
                for (int b = 0; b < SPR_AGE_BANDS; b++)
                    expected += person_months(res, r, m, s, b) * -expm1(log1p(-q_band[s][b]) / 12.0);
    int64_t deaths = total_over_run(res, SPR_IND_DEATHS);
    CHECK(within_poisson(deaths, expected), "deaths %lld, expected %.1f (4 SD %.1f)", (long long)deaths, expected,
          4 * sqrt(expected));
    spr_results_destroy(res);
}

/* Deaths drawn against expected deaths, by sex, summed over the run. */
static void check_expected_deaths(const spr_results *res, const char *label)
{
    for (int s = 0; s < SPR_SEXES; s++) {
        double expected = 0;
        int64_t deaths = 0;
        for (int r = 0; r < res->replicates; r++)
            for (int m = 0; m < res->months; m++)
                for (int b = 0; b < SPR_AGE_BANDS; b++) {
                    expected += res->expected_deaths[spr_results_cost_index(res, r, m, s, b)];
                    deaths += res->counts[spr_results_index(res, r, m, SPR_IND_DEATHS, s, b)];
                }
        CHECK(within_poisson(deaths, expected), "%s, %s: deaths %lld, expected deaths %.1f (4 SD %.1f)", label,
              s == SPR_MALE ? "men" : "women", (long long)deaths, expected, 4 * sqrt(expected));
    }
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
    check_births_and_in_migrants(one, &p);
    check_expected_deaths(one, "small");
    check_deaths(older);

    /* bit-identical whatever the thread count */
    size_t n_counts = (size_t)one->replicates * one->months * SPR_IND_COUNT * SPR_SEXES * SPR_AGE_BANDS;
    size_t n_costs = (size_t)one->replicates * one->months * SPR_SEXES * SPR_AGE_BANDS;
    CHECK(memcmp(one->counts, two->counts, n_counts * sizeof(int32_t)) == 0, "counts differ between 1 and 2 threads");
    CHECK(memcmp(one->medical_yen, two->medical_yen, n_costs * sizeof(double)) == 0, "costs differ between threads");
    CHECK(memcmp(one->expected_deaths, two->expected_deaths, n_costs * sizeof(double)) == 0,
          "expected deaths differ between threads");
    /* ... but replicates are different draws */
    size_t per_rep = n_counts / (size_t)one->replicates;
    CHECK(memcmp(one->counts, one->counts + per_rep, per_rep * sizeof(int32_t)) != 0, "replicates are identical");
    /* ... and another seed gives another history */
    const char *seed[] = {"simulation.seed=777"};
    spr_results *other = run_scenario(small, seed, 1, 2, NULL);
    CHECK(other && memcmp(one->counts, other->counts, n_counts * sizeof(int32_t)) != 0, "seed has no effect");
    spr_results_destroy(other);

    /* ... and with the dual cycle's programme, on 1 thread and on 5 (more than the processors: the
     * threads take runs of rows in no fixed order, and their births and requests are merged) */
    char dual[1024];
    snprintf(dual, sizeof dual, "%s/scenarios/dual_cycle.yaml", argv[1]);
    const char *dual_sets[] = {"simulation.population=12000", "simulation.years=6", "simulation.replicates=1"};
    spr_results *d1 = run_scenario(dual, dual_sets, 3, 1, NULL), *d5 = run_scenario(dual, dual_sets, 3, 5, NULL);
    CHECK(d1 && d5, "dual-cycle runs");
    if (d1 && d5) {
        const size_t nc = (size_t)d1->months * SPR_IND_COUNT * SPR_SEXES * SPR_AGE_BANDS;
        int64_t referrals = 0;
        for (int m = 0; m < d1->months; m++) referrals += d1->programme[m].referrals_total;
        CHECK(memcmp(d1->counts, d5->counts, nc * sizeof(int32_t)) == 0, "dual cycle: counts differ between 1 and 5 threads");
        CHECK(memcmp(d1->programme, d5->programme, (size_t)d1->months * sizeof *d1->programme) == 0,
              "dual cycle: the programme's months differ between 1 and 5 threads");
        CHECK(referrals > 0, "dual cycle: no referrals in %d months", d1->months);
    }
    spr_results_destroy(d1);
    spr_results_destroy(d5);

    /* a model of residents aged 65+ only: nobody younger, entrants at 65 keep it going */
    spr_params p_old;
    spr_results *old = run_scenario(older, NULL, 0, 2, &p_old);
    CHECK(old != NULL, "older-only run");
    if (old) {
        check_conservation(old, "older_only");
        check_expected_deaths(old, "older_only");
        int64_t young = 0, entrants = 0;
        for (int m = 0; m < old->months; m++) {
            young += spr_results_total(old, 0, m, SPR_IND_POPULATION, 0, 13);
            entrants += spr_results_total(old, 0, m, SPR_IND_ENTRANTS, 0, SPR_AGE_BANDS);
        }
        CHECK(young == 0, "%lld person-months under 65", (long long)young);
        /* each year the pyramid's single-year count just below 65 (a fifth of the 60-64
         * band), scaled as the initial population (residents 65+ of the pyramid to
         * simulation.population), enters: a Poisson number each month */
        double pyramid_65_plus = 0;
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 13; b < SPR_AGE_BANDS; b++) pyramid_65_plus += p_old.pyramid[s][b];
        double expected = (p_old.pyramid[SPR_MALE][12] + p_old.pyramid[SPR_FEMALE][12]) / 5.0 *
                          (double)p_old.population / pyramid_65_plus * old->months / 12.0;
        CHECK(within_poisson(entrants, expected), "entrants %lld, expected %.1f (4 SD %.1f)", (long long)entrants,
              expected, 4 * sqrt(expected));
        spr_results_destroy(old);
    }
    spr_results_destroy(one);
    spr_results_destroy(two);
    TEST_MAIN_END();
}
