/* The programme's invariants in every month of a long run of the full
 * dual cycle (both approaches, both loops): no caseload above its maximum,
 * no group above its places, no resident in two places (queue, caseload,
 * group), every referral accounted for.  spr_programme_check() verifies
 * them after each month (simulation.check_invariants) and the run stops at
 * the first violation; the test also checks the accounting in the output. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/programme.h"

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/dual_cycle.yaml", argv[1]);
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
