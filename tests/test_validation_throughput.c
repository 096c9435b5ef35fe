/* Link-worker throughput at the default scale (issue 10): in high_risk and
 * dual_cycle, 100,000 residents and link workers at the NHS staffing norm
 * (2.5 per 100,000), each full-time link worker sees 200-250 new clients a
 * year (NHS-LW: a caseload of 200-250 people a year, japan.md section 6).
 * This is a target the defaults were set to (link_workers.max_caseload and
 * referral.clinic.refer_probability), checked here so that a change to the
 * referral sources or the queue that moves it out of range is seen.
 *
 * Years 2-10 (the first fills the caseloads from empty), 3 replicates.
 * Tolerance: the mean may lie outside [200, 250] by at most 2 standard
 * errors of the replicate mean (chance alone).  The queue must be neither
 * empty nor exploding: caseloads at least 80% in use (the link workers are
 * busy, so the throughput is not set by a shortage of referrals alone) and a
 * mean wait to first contact of at most 35 days (the 7-day administrative
 * delay plus 4 weeks; a queue that grows without bound waits for months). */
#include <stdio.h>

#include <gsl/gsl_cdf.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/measures.h"

static void throughput(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/scenarios/%s.yaml", dir, name);
    const char *sets[] = {"simulation.population=100000", "simulation.years=10", "simulation.replicates=3"};
    spr_params p;
    spr_results *res = run_scenario(path, sets, 3, 2, &p);
    CHECK(res != NULL, "%s: the run failed (message above)", name);
    if (res == NULL) return;
    const spr_period after_first_year = spr_period_from_year(1);
    spr_interval per_fte, wait, use;
    spr_error err;
    const spr_measure_id ids[3] = {SPR_MEASURE_NEW_CLIENTS_PER_FTE, SPR_MEASURE_WAIT_MEAN, SPR_MEASURE_UTILISATION};
    spr_interval *out[3] = {&per_fte, &wait, &use};
    int ok = 1;
    for (int k = 0; k < 3; k++) {
        const spr_measure *m = spr_measure_get(ids[k]);
        spr_selection sel = spr_measure_selection(m, after_first_year);
        ok &= spr_measure_interval(m, &p, res, &sel, out[k], &err) == SPR_OK;
    }
    CHECK(ok, "%s: %s", name, err.msg);
    if (ok) {
        /* the standard error of the replicate mean: the t interval's half-width over t(0.975, n - 1) */
        const double se = (per_fte.hi - per_fte.mean) / gsl_cdf_tdist_Pinv(0.975, per_fte.n - 1);
        printf("%s: %.1f new clients per FTE a year (SE %.1f; 95%% CI %.1f-%.1f), mean wait %.1f days, caseloads "
               "%.1f%% in use\n",
               name, per_fte.mean, se, per_fte.lo, per_fte.hi, wait.mean, use.mean);
        CHECK(per_fte.mean >= 200 - 2 * se && per_fte.mean <= 250 + 2 * se,
              "%s: %.1f new clients per FTE a year (SE %.1f), outside NHS-LW's 200-250", name, per_fte.mean, se);
        CHECK(use.mean >= 80, "%s: caseloads only %.1f%% in use", name, use.mean);
        CHECK(wait.mean <= 35, "%s: mean wait %.1f days: the queue grows", name, wait.mean);
    }
    spr_results_destroy(res);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    throughput(argv[1], "high_risk");
    throughput(argv[1], "dual_cycle");
    TEST_MAIN_END();
}
