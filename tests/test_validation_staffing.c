/* Validation of the staffing planner against an independent formula.  In
 * the reduced scenario tests/data/mmc.yaml with one caseload place per link
 * worker, the queue is M/M/c with c = link workers: Poisson referrals,
 * exponential cases of mean 56 days.  Erlang C gives the share first seen
 * within t: 1 - C(c, a) exp(-(c mu - lambda) t).  At three loads
 * (a = lambda / mu = 2, 6, 10), `sprsim staff`'s search must recommend the
 * smallest c whose Erlang C share meets the default target (90% within 4
 * weeks), computed here with the arrival rate measured in the run.  The loads
 * are chosen so that the formula's answer is not borderline (its share at c
 * and at c - 1 lie at least 2 points either side of the target); the windows
 * where that holds are narrow (c = 9 for loads 5.95-6.3, c = 13 for 9.7-10.2),
 * so the self-referral rate for each load is set from the arrival rate per
 * unit rate measured in a pilot run, not from an assumed number of isolated
 * residents (which moves whenever the isolation calibration does).
 *
 * On the full model (the high-risk scenario) the recommendation must be
 * stable: doubling the replicates changes it by at most one link worker. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/programme.h"
#include "sprsim/staffing.h"

static double erlang_c(int c, double a)
{
    double term = 1, sum = 0;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);
    return top / (sum + top);
}

static double share_within(int c, double lambda, double mu, double t)
{
    if (c <= lambda / mu) return 0;
    return 1 - erlang_c(c, lambda / mu) * exp(-(c * mu - lambda) * t);
}

/* Referrals per day after the first year in the reduced scenario at the
 * given self-referral rate and link workers. */
static double arrival_rate(const char *path, double self_rate, int fte)
{
    char rate[64], staff[64];
    snprintf(rate, sizeof rate, "referral.self.rate=%.6g", self_rate);
    snprintf(staff, sizeof staff, "link_workers.fte=%d", fte);
    const char *sets[] = {rate, "link_workers.max_caseload=1", "simulation.population=30000", "simulation.years=8",
                          "simulation.replicates=6", staff};
    spr_results *res = run_scenario(path, sets, 6, 2, NULL);
    double arrivals = 0;
    for (int rr = 0; rr < res->replicates; rr++)
        for (int m = 12; m < res->months; m++)
            for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) arrivals += res->programme[(size_t)rr * res->months + m].referrals[s];
    const double lambda = arrivals / (res->replicates * (res->months - 12) * SPR_MONTH_DAYS);
    spr_results_destroy(res);
    return lambda;
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/mmc.yaml", argv[1]);
    const double mu = 1.0 / 56.0, t = 28.0, loads[3] = {2, 6.1, 9.95};
    const int erlang_staff[3] = {4, 9, 13}; /* Erlang C's answer at these loads */
    /* pilot: arrivals per day per unit self-referral rate, with ample staff */
    const double pilot_rate = 0.05;
    const double per_rate = arrival_rate(path, pilot_rate, 16) / pilot_rate;
    for (int k = 0; k < 3; k++) {
        /* The source is finite (residents in the queue or in care are not
         * referred again), so arrivals grow less than linearly with the rate
         * and depend on the staff: one correction step at the staff expected. */
        double self_rate = loads[k] * mu / per_rate;
        self_rate *= loads[k] * mu / arrival_rate(path, self_rate, erlang_staff[k]);
        char rate[64];
        snprintf(rate, sizeof rate, "referral.self.rate=%.6g", self_rate);
        const char *sets[] = {rate, "link_workers.max_caseload=1", "simulation.population=30000", "simulation.years=8",
                              "simulation.replicates=6"};
        spr_scenario sc;
        spr_error err;
        CHECK(load_with_sets(path, sets, 5, &sc, &err) == SPR_OK, "%s", err.msg);
        spr_staff_target target = {4, 0.9, 0, 60, 1, 12, 0.02};
        spr_staff_result r;
        CHECK(spr_staffing_search(&sc.params, &target, &r, NULL, NULL, &err) == SPR_OK, "%s", err.msg);
        /* the arrival rate the planner saw: referrals per day after the first year, at the recommendation */
        const double lambda = arrival_rate(path, self_rate, r.recommended);
        int c = (int)floor(lambda / mu) + 1;
        while (share_within(c, lambda, mu, t) < 0.9) c++;
        printf("load %.2f (target %.2f): Erlang C needs %d (share %.3f; %d gives %.3f); sprsim staff recommends %d "
               "(confidence %.0f%%, one fewer %.0f%%)\n",
               lambda / mu, loads[k], c, share_within(c, lambda, mu, t), c - 1, share_within(c - 1, lambda, mu, t),
               r.recommended, 100 * r.confidence, 100 * r.confidence_below);
        CHECK(share_within(c, lambda, mu, t) - 0.9 > 0.02 && 0.9 - share_within(c - 1, lambda, mu, t) > 0.02,
              "load %.2f is borderline for the formula", lambda / mu);
        CHECK(r.recommended == c, "load %.2f: recommended %d, Erlang C %d", lambda / mu, r.recommended, c);
        spr_staff_result_free(&r);
        spr_scenario_free(&sc);
    }
    /* stability on the full model */
    snprintf(path, sizeof path, "%s/scenarios/high_risk.yaml", argv[1]);
    int rec[2] = {-1, -1};
    for (int k = 0; k < 2; k++) {
        const char *reps = k == 0 ? "simulation.replicates=3" : "simulation.replicates=6";
        const char *sets[] = {"simulation.population=30000", "simulation.years=8", reps};
        spr_scenario sc;
        spr_error err;
        CHECK(load_with_sets(path, sets, 3, &sc, &err) == SPR_OK, "%s", err.msg);
        spr_staff_target target = {4, 0.9, 0, 60, 1, 2 * sc.params.replicates, 0.02};
        spr_staff_result r;
        CHECK(spr_staffing_search(&sc.params, &target, &r, NULL, NULL, &err) == SPR_OK, "%s", err.msg);
        rec[k] = r.recommended;
        printf("full model, %s: recommends %d (confirmation: %.0f%% of replicates meet the target, %.0f%% with one fewer)\n",
               reps, r.recommended, 100 * r.confidence, 100 * r.confidence_below);
        spr_staff_result_free(&r);
        spr_scenario_free(&sc);
    }
    CHECK(rec[0] > 0 && abs(rec[0] - rec[1]) <= 1, "recommendation %d with 3 replicates, %d with 6", rec[0], rec[1]);
    TEST_MAIN_END();
}
