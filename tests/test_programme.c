/* The programme's invariants in every month of a long run of the full
 * dual cycle (both approaches, both loops): no caseload above its maximum,
 * no group above its places, no resident in two places (queue, caseload,
 * group), every referral accounted for.  spr_programme_check() verifies
 * them after each month (simulation.check_invariants) and the run stops at
 * the first violation; the test also checks the accounting in the output.
 * Then two regressions of issue 8: more than 65,535 groups (defect 4) and
 * unmet demand counted once per resident and month (defect 10). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/programme.h"

/* Defect 4: the group a resident takes part in was a 16-bit index, so with
 * more than 65,535 groups residents in groups 65,536 and up were counted in
 * group (index - 65,536).  170,000 residents with 1,000 groups per 10,000
 * of each of the first four types make 68,000 groups before the first
 * cultural activity (17 groups), so every culture participant holds an
 * index above 65,535; check_invariants compares each group's count with the
 * residents who say they take part in it, and stopped the run before the
 * index was widened. */
static void many_groups(const char *path)
{
    const char *sets[] = {"simulation.population=170000", "simulation.years=1", "simulation.replicates=1",
                          "simulation.check_invariants=true", "resources.groups_per_10000=[1000,1000,1000,1000,1]"};
    spr_results *res = run_scenario(path, sets, 5, 2, NULL);
    CHECK(res != NULL, "a run with 68,017 groups stopped (message above)");
    if (res == NULL) return;
    int64_t culture = 0;
    for (int d = 0; d < res->districts; d++)
        culture += res->group_participants[(size_t)(res->months - 1) * SPR_RESOURCE_TYPES * (size_t)res->districts +
                                           (size_t)SPR_RES_CULTURE * (size_t)res->districts + (size_t)d];
    /* the run used the groups above 65,535: someone takes part in a cultural activity */
    CHECK(culture > 0, "participants in cultural activities: %lld", (long long)culture);
    spr_results_destroy(res);
}

static int64_t closed_cases(const spr_programme_month *pm)
{
    return pm->outcomes[SPR_OUT_SETTLED] + pm->outcomes[SPR_OUT_DECLINED] + pm->outcomes[SPR_OUT_UNPLACED] +
           pm->outcomes[SPR_OUT_DROPPED];
}

/* Defect 10: a case that started in a month and found no place was counted
 * in the unmet demand at first contact and again among the open cases
 * retried later in the month (and a case that started and ended in the same
 * month at first contact and at its end).  With no groups at all (and no
 * budget to open any), every link worker's client with a case during the
 * month wants a place and finds none, and no one joins on their own (no
 * supply): the month's unmet demand must be the clients with a case during
 * the month, those still open at its end plus those whose case closed in it. */
static void unmet_once_a_month(const char *path)
{
    const char *sets[] = {"simulation.population=20000", "simulation.years=2", "simulation.replicates=1",
                          "simulation.check_invariants=true", "resources.groups_per_10000=[0,0,0,0,0]",
                          "population_approach.budget_yen_per_year=0", "link_workers.fte=0.5"};
    spr_results *res = run_scenario(path, sets, 7, 2, NULL);
    CHECK(res != NULL, "the run without groups failed (message above)");
    if (res == NULL) return;
    int exact = 1;
    int64_t started = 0, unmet = 0;
    for (int m = 0; m < res->months; m++) {
        const spr_programme_month *pm = &res->programme[m];
        int64_t closed_before = m > 0 ? closed_cases(&res->programme[m - 1]) : 0;
        int64_t clients = pm->active + closed_cases(pm) - closed_before;
        if (pm->unmet_demand != clients) {
            if (exact) fprintf(stderr, "month %d: unmet demand %d, clients with a case %lld (%d first contacts)\n", m,
                               pm->unmet_demand, (long long)clients, pm->first_contacts);
            exact = 0;
        }
        started += pm->first_contacts;
        unmet += pm->unmet_demand;
    }
    CHECK(exact, "unmet demand = clients with a case during the month, every month");
    /* the test can fail: cases started (each was counted twice before the fix) */
    CHECK(started > 0 && unmet > 0, "first contacts %lld, unmet %lld", (long long)started, (long long)unmet);
    spr_results_destroy(res);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/dual_cycle.yaml", argv[1]);
    many_groups(path);
    unmet_once_a_month(path);
    /* a small municipality with few link workers, so that the queue is long and groups fill up */
    const char *sets[] = {"simulation.population=20000", "simulation.years=25", "simulation.replicates=2",
                          "simulation.check_invariants=true", "link_workers.fte=0.5", "simulation.districts=4"};
    spr_results *res = run_scenario(path, sets, 6, 2, NULL);
    CHECK(res != NULL, "the run stopped at a violated invariant (message above)");
    if (res == NULL) TEST_MAIN_END();
    int accounted = 1, bounded = 1, queued = 0, full = 0;
    for (int r = 0; r < res->replicates; r++)
        for (int m = 0; m < res->months; m++) {
            const spr_programme_month *pm = &res->programme[(size_t)r * res->months + m];
            int64_t sum = 0;
            for (int k = 0; k < SPR_OUTCOMES; k++) sum += pm->outcomes[k];
            if (sum != pm->referrals_total || pm->outcomes[SPR_OUT_WAITING] != pm->waiting ||
                pm->outcomes[SPR_OUT_ACTIVE] != pm->active)
                accounted = 0;
            if (pm->active > pm->places) bounded = 0;
            if (pm->waiting > 0) queued = 1;
            size_t cells = (size_t)SPR_RESOURCE_TYPES * res->districts, rm = (size_t)r * res->months + m;
            for (size_t k = 0; k < cells; k++)
                if (res->group_participants[rm * cells + k] >= res->group_places[rm * cells + k] &&
                    res->group_places[rm * cells + k] > 0)
                    full = 1;
        }
    CHECK(accounted, "referrals = waiting + active + settled + declined + unplaced + dropped + died, every month");
    CHECK(bounded, "caseload never above the places");
    /* the run exercised the constraints: someone waited, and some groups were full */
    CHECK(queued && full, "queue used %d, full groups %d", queued, full);
    spr_results_destroy(res);
    TEST_MAIN_END();
}
