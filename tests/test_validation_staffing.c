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
 * In half posts (link_workers.staffing_step_fte 0.5) with two caseload
 * places per full-time link worker, a half post is one place, so the queue is
 * M/M/c with c = posts: at load 6.1 the search must recommend 4.5 FTE (nine
 * half posts, Erlang C's c = 9), a multiple of 0.5 that whole link workers
 * cannot give (they would give 5).
 *
 * On the full model (the high-risk scenario) the recommendation must be
 * stable: doubling the replicates changes it by at most one link worker. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "erlang.h"
#include "helpers.h"
#include "sprsim/programme.h"
#include "sprsim/staffing.h"

/* Referrals per day after the first year in the reduced scenario at the
 * given self-referral rate, link workers (FTE) and caseload places per FTE. */
static double arrival_rate_places(const char *path, double self_rate, double fte, int caseload)
{
    char rate[64], staff[64], places[64];
    snprintf(rate, sizeof rate, "referral.self.rate=%.6g", self_rate);
    snprintf(staff, sizeof staff, "link_workers.fte=%g", fte);
    snprintf(places, sizeof places, "link_workers.max_caseload=%d", caseload);
    const char *sets[] = {rate, places, "simulation.population=30000", "simulation.years=8", "simulation.replicates=6",
                          staff};
    spr_results *res = run_scenario(path, sets, 6, 2, NULL);
    double arrivals = 0;
    for (int rr = 0; rr < res->replicates; rr++)
        for (int m = 12; m < res->months; m++)
            for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) arrivals += res->programme[(size_t)rr * res->months + m].referrals[s];
    const double lambda = arrivals / (res->replicates * (res->months - 12) * SPR_MONTH_DAYS);
    spr_results_destroy(res);
    return lambda;
}

/* The same with one caseload place per link worker (c = link workers). */
static double arrival_rate(const char *path, double self_rate, int fte) { return arrival_rate_places(path, self_rate, fte, 1); }

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/mmc.yaml", argv[1]);
    const double mu = 1.0 / 56.0, t = 28.0, loads[3] = {2, 6.1, 9.95};
    const int expected_staff[3] = {4, 9, 13}; /* Erlang C's answer at these loads */
    /* pilot: arrivals per day per unit self-referral rate, with ample staff */
    const double pilot_rate = 0.05;
    const double per_rate = arrival_rate(path, pilot_rate, 16) / pilot_rate;
    double self_rates[3];
    for (int k = 0; k < 3; k++) {
        /* The source is finite (residents in the queue or in care are not
         * referred again), so arrivals grow less than linearly with the rate
         * and depend on the staff: one correction step at the staff expected. */
        double self_rate = loads[k] * mu / per_rate;
        self_rate *= loads[k] * mu / arrival_rate(path, self_rate, expected_staff[k]);
        self_rates[k] = self_rate;
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
        int c = erlang_staff(lambda, mu, t, 0.9);
        printf("load %.2f (target %.2f): Erlang C needs %d (share %.3f; %d gives %.3f); sprsim staff recommends %g "
               "(confidence %.0f%%, one fewer %.0f%%)\n",
               lambda / mu, loads[k], c, share_within(c, lambda, mu, t), c - 1, share_within(c - 1, lambda, mu, t),
               r.recommended, 100 * r.confidence, 100 * r.confidence_below);
        CHECK(share_within(c, lambda, mu, t) - 0.9 > 0.02 && 0.9 - share_within(c - 1, lambda, mu, t) > 0.02,
              "load %.2f is borderline for the formula", lambda / mu);
        CHECK(r.recommended == c, "load %.2f: recommended %g, Erlang C %d", lambda / mu, r.recommended, c);
        spr_staff_result_free(&r);
        spr_scenario_free(&sc);
    }
    /* half posts: two places per FTE, so a half post is one place and c = posts (load 6.1) */
    {
        char rate[64];
        snprintf(rate, sizeof rate, "referral.self.rate=%.6g", self_rates[1]);
        const char *sets[] = {rate, "link_workers.max_caseload=2", "link_workers.staffing_step_fte=0.5",
                              "simulation.population=30000", "simulation.years=8", "simulation.replicates=6"};
        spr_scenario sc;
        spr_error err;
        CHECK(load_with_sets(path, sets, 6, &sc, &err) == SPR_OK, "%s", err.msg);
        spr_staff_target target = {4, 0.9, 0, 30, 1, 12, 0.02};
        spr_staff_result r;
        CHECK(spr_staffing_search(&sc.params, &target, &r, NULL, NULL, &err) == SPR_OK, "%s", err.msg);
        const double lambda = arrival_rate_places(path, self_rates[1], r.recommended, 2);
        int c = erlang_staff(lambda, mu, t, 0.9);
        printf("half posts, load %.2f: Erlang C needs %d places = %.1f FTE (share %.3f; %d gives %.3f); sprsim staff "
               "recommends %g FTE (confidence %.0f%%, one post fewer %.0f%%)\n",
               lambda / mu, c, 0.5 * c, share_within(c, lambda, mu, t), c - 1, share_within(c - 1, lambda, mu, t),
               r.recommended, 100 * r.confidence, 100 * r.confidence_below);
        CHECK(share_within(c, lambda, mu, t) - 0.9 > 0.02 && 0.9 - share_within(c - 1, lambda, mu, t) > 0.02,
              "half posts: load %.2f is borderline for the formula", lambda / mu);
        CHECK(c % 2 == 1, "half posts: Erlang C's %d places is odd, so whole link workers could not give it", c);
        CHECK(r.recommended == 0.5 * c, "half posts: recommended %g FTE, Erlang C %d places = %.1f FTE", r.recommended, c, 0.5 * c);
        for (int y = 0; y < r.years; y++)
            CHECK(r.per_year[y] < 0 || 2 * r.per_year[y] == floor(2 * r.per_year[y]), "year %d: %g FTE is whole half posts", y,
                  r.per_year[y]);
        for (int i = 0; i < r.n_levels; i++)
            CHECK(2 * r.levels[i].fte == floor(2 * r.levels[i].fte), "level %g FTE is whole half posts", r.levels[i].fte);
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
        printf("full model, %s: recommends %g (confirmation: %.0f%% of replicates meet the target, %.0f%% with one fewer)\n",
               reps, r.recommended, 100 * r.confidence, 100 * r.confidence_below);
        spr_staff_result_free(&r);
        spr_scenario_free(&sc);
    }
    CHECK(rec[0] > 0 && abs(rec[0] - rec[1]) <= 1, "recommendation %d with 3 replicates, %d with 6", rec[0], rec[1]);
    TEST_MAIN_END();
}
