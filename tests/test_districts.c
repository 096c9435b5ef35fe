/* Districts as data in the engine (the example town, scenarios/town/):
 *  - the synthesised residents of each district are exactly the residents
 *    file's counts by sex and band (the counts are not drawn);
 *  - each district's shares of residents 65+ living alone and isolated
 *    match its districts file within 3 binomial standard errors (the
 *    tilt is fitted to the expected share, so only sampling remains), and
 *    the district without a given share keeps the national mix's;
 *  - the groups at the start are the register's groups meeting in 2022,
 *    district by district, with their places, and the teams are the
 *    districts file's with the teams file's staff;
 *  - a run's district series start from those counts, differ as the files
 *    say (the hill district oldest, the centre youngest), add up to the
 *    municipality's totals, the team series' staff is the teams file's,
 *    and the series are bit-identical on 1 and 2 threads.
 * usage: test_districts SOURCE_DIR */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/municipality.h"
#include "sprsim/population.h"
#include "sprsim/programme.h"

static int district_of(const spr_municipality *mu, const char *name)
{
    for (int d = 0; d < mu->n_districts; d++)
        if (strcmp(mu->district[d].name, name) == 0) return d;
    return -1;
}

static void check_population(const spr_params *p, const spr_municipality *mu, const spr_model *M)
{
    spr_population *pop = spr_population_create(0);
    spr_error err;
    spr_rng_key key = {(uint64_t)p->seed, 0};
    CHECK(pop && spr_population_synthesise(pop, p, M, key, &err) == SPR_OK, "synthesis");
    static int64_t n[SPR_MAX_DISTRICTS][SPR_SEXES][SPR_AGE_BANDS];
    static double old[SPR_MAX_DISTRICTS], alone[SPR_MAX_DISTRICTS], isolated[SPR_MAX_DISTRICTS];
    for (size_t i = 0; i < pop->n; i++) {
        int d = pop->district[i], s = (pop->flags[i] & SPR_FLAG_FEMALE) != 0, age = pop->age_months[i] / 12;
        n[d][s][spr_age_band(age)]++;
        if (age < 65) continue;
        old[d] += 1;
        alone[d] += spr_state_alone(pop->state[i]);
        isolated[d] += spr_state_isolated(pop->state[i]);
    }
    int exact = 1;
    for (int d = 0; d < mu->n_districts; d++)
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 0; b < SPR_AGE_BANDS; b++) exact &= n[d][s][b] == mu->district[d].residents[s][b];
    CHECK(exact, "every district's residents by sex and band are the file's");
    for (int d = 0; d < mu->n_districts; d++) {
        const spr_district *dd = &mu->district[d];
        const double target[2] = {dd->living_alone_65, dd->isolated_65}, seen[2] = {alone[d] / old[d], isolated[d] / old[d]};
        for (int k = 0; k < 2; k++) {
            if (isnan(target[k])) continue;
            double se = sqrt(target[k] * (1 - target[k]) / old[d]);
            CHECK(fabs(seen[k] - target[k]) < 3 * se, "%s: %s share of 65+ %.4f, the file's %.4f (SE %.4f)", dd->name,
                  k ? "isolated" : "living-alone", seen[k], target[k], se);
        }
    }
    /* the estate district lives alone far more than the farm district, as the file says (0.36 against 0.12) */
    int estate = district_of(mu, "estate"), farm = district_of(mu, "farm");
    CHECK(estate >= 0 && farm >= 0 && alone[estate] / old[estate] > 2 * alone[farm] / old[farm],
          "estate lives alone more than twice as often as farm");
    spr_programme *g = NULL;
    CHECK(spr_programme_create(p, M, pop, key, &g, &err) == SPR_OK, "programme");
    if (g != NULL) {
        const spr_resources *r = spr_programme_resources(g);
        double places[SPR_MAX_DISTRICTS] = {0}, expected[SPR_MAX_DISTRICTS] = {0};
        size_t registered = 0;
        for (size_t k = 0; k < mu->n_groups; k++) {
            const spr_group_record *gr = &mu->group[k];
            if ((gr->opening_year && gr->opening_year > p->start_year) || (gr->closing_year && gr->closing_year <= p->start_year))
                continue;
            registered++;
            expected[gr->district] += gr->capacity;
        }
        for (size_t k = 0; k < r->n; k++) places[r->district[k]] += r->capacity[k];
        CHECK(r->n == registered, "%zu groups at the start, the register's %zu meeting in 2022", r->n, registered);
        int same = 1;
        for (int d = 0; d < mu->n_districts; d++) same &= places[d] == expected[d];
        CHECK(same, "each district's open places are its registered groups'");
        spr_programme_destroy(g);
    }
    spr_population_destroy(pop);
}

/* The district and team series of two runs are the same, bit for bit. */
static int same_series(const spr_results *a, const spr_results *b)
{
    size_t rm = (size_t)a->replicates * (size_t)a->months, nd = rm * (size_t)a->districts, nt = rm * (size_t)a->teams;
    int same = a->districts == b->districts && a->teams == b->teams;
    for (size_t k = 0; same && k < nd; k++) {
        const spr_district_record *x = &a->district[k], *y = &b->district[k];
        same = x->population_65 == y->population_65 && x->taking_part_65 == y->taking_part_65 &&
               x->isolated_65 == y->isolated_65 && x->certified_65 == y->certified_65 && x->referrals == y->referrals &&
               x->first_contacts == y->first_contacts && x->cost_resources_yen == y->cost_resources_yen &&
               a->district_population[k] == b->district_population[k];
    }
    for (size_t k = 0; same && k < nt; k++) {
        const spr_team_month *x = &a->team[k], *y = &b->team[k];
        same = x->referrals == y->referrals && x->first_contacts == y->first_contacts && x->waiting == y->waiting &&
               memcmp(x->wait_weeks, y->wait_weeks, sizeof x->wait_weeks) == 0 &&
               memcmp(x->censored_weeks, y->censored_weeks, sizeof x->censored_weeks) == 0;
    }
    size_t cells = rm * SPR_IND_COUNT * SPR_SEXES * SPR_AGE_BANDS;
    return same && memcmp(a->counts, b->counts, cells * sizeof *a->counts) == 0;
}

static void check_run(const spr_params *p0, const spr_municipality *mu, const spr_model *M)
{
    spr_params p = *p0;
    p.years = 1;
    p.replicates = 2;
    spr_results *res = NULL, *res1 = NULL;
    spr_error err;
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK(spr_simulation_run(&p, M, &res1, NULL, NULL, &err) == SPR_OK, "run on 1 thread: %s", err.msg);
    omp_set_num_threads(threads > 1 ? threads : 2);
    CHECK(spr_simulation_run(&p, M, &res, NULL, NULL, &err) == SPR_OK, "run: %s", err.msg);
    CHECK(res && res1 && same_series(res, res1), "the district and team series are the same on 1 and %d threads",
          threads > 1 ? threads : 2);
    spr_results_destroy(res1);
    if (res == NULL) return;
    CHECK(res->districts == mu->n_districts && res->teams == mu->n_teams, "%d districts, %d teams", res->districts,
          res->teams);
    int64_t sum65 = 0, start_ok = 1;
    double share65[SPR_MAX_DISTRICTS];
    for (int d = 0; d < res->districts; d++) {
        const spr_district_record *dr = &res->district[spr_results_district_index(res, 0, 0, d)];
        int64_t all = 0;
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 0; b < SPR_AGE_BANDS; b++) all += mu->district[d].residents[s][b];
        start_ok &= res->district_population[d] == all && dr->population_65 == spr_municipality_residents_65(mu, d);
        share65[d] = (double)dr->population_65 / (double)all;
        sum65 += dr->population_65;
        CHECK(strcmp(res->district_name[d], mu->district[d].name) == 0 && res->district_team[d] == mu->district[d].team,
              "district %d is named and assigned as in the file", d);
    }
    CHECK(start_ok, "the district series start from the residents file's counts");
    CHECK(sum65 == spr_results_total(res, 0, 0, SPR_IND_POPULATION, spr_age_band(65), SPR_AGE_BANDS),
          "residents 65+ over the districts add up to the municipality's");
    int hill = district_of(mu, "hill"), centre = district_of(mu, "centre");
    for (int d = 0; d < res->districts; d++)
        CHECK(share65[hill] >= share65[d] && share65[centre] <= share65[d], "hill oldest, centre youngest (%s %.3f)",
              mu->district[d].name, share65[d]);
    for (int t = 0; t < res->teams; t++)
        CHECK(res->team[spr_results_team_index(res, 0, 0, t)].fte == mu->team[t].fte, "team %s has the file's %g FTE",
              mu->team[t].name, mu->team[t].fte);
    spr_results_destroy(res);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/town/town.yaml", argv[1]);
    spr_scenario sc;
    spr_error err;
    if (spr_scenario_load(path, NULL, 0, &sc, &err) != SPR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    const spr_municipality *mu = sc.params.municipality;
    CHECK(mu != NULL && mu->n_districts == 6 && sc.params.districts == 6, "the town's six districts");
    /* the files are kept as read (the results file stores them) and identify the scenario with its text */
    if (mu != NULL) {
        char buf[1 << 16];
        FILE *f = fopen(sc.params.muni_teams_file, "rb");
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f) fclose(f);
        buf[n] = '\0';
        CHECK(n > 0 && mu->text[SPR_MUNI_TEAMS] && strcmp(mu->text[SPR_MUNI_TEAMS], buf) == 0, "the teams file kept as read");
        CHECK(sc.hash != spr_hash_fnv1a64(sc.resolved_yaml), "the scenario's hash covers the files, not only its text");
    }
    spr_model *M = NULL;
    CHECK(spr_model_create(&sc.params, &M, &err) == SPR_OK, "model: %s", err.msg);
    if (mu != NULL && M != NULL) {
        check_population(&sc.params, mu, M);
        check_run(&sc.params, mu, M);
    }
    spr_model_destroy(M);
    spr_scenario_free(&sc);
    TEST_MAIN_END();
}
