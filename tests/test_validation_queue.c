/* Validation of the link-worker queue against an independent formula.
 * In the reduced scenario tests/data/mmc.yaml the queue is M/M/c: Poisson
 * referrals, c = 10 caseload places, exponential cases of mean 56 days.
 * The Erlang C formula gives the probability of waiting
 *     C(c, a) = [a^c/c! c/(c-a)] / [sum_{k<c} a^k/k! + a^c/c! c/(c-a)],  a = lambda/mu,
 * and the mean wait Wq = C / (c mu - lambda).  The test runs two loads
 * (rho = 0.6 and 0.85, set through the self-referral rate), estimates
 * lambda from the simulated referrals, and checks the simulated mean wait
 * and share waiting against the formula within 4 Monte Carlo standard
 * errors (replicates are independent, the first year is discarded as
 * warm-up). */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_statistics_double.h>

#include "check.h"
#include "sprsim/model.h"
#include "sprsim/programme.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

static double erlang_c(int c, double a)
{
    double term = 1, sum = 0; /* a^k/k! */
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);
    return top / (sum + top);
}

static void run_load(const char *path, double rho)
{
    const int c = 10;
    const double mean_case_days = 4 * 2 * 7.0, mu = 1.0 / mean_case_days;
    /* self-referral rate that gives this load for about 4,030 isolated residents (aware share 0.3);
     * the load actually reached is measured below.  (5,100 before issue 9: the isolation onset
     * refitted with isolation.hr_male has a lower base, so fewer of this cohort aged 30-42 are
     * isolated; the simulated loads were 0.477 and 0.666 with 5,100, i.e. about 4,030.) */
    double lambda_target = rho * c * mu * SPR_MONTH_DAYS; /* per month */
    char set_rate[64];
    snprintf(set_rate, sizeof set_rate, "referral.self.rate=%.6g", lambda_target / 4030.0 * 12.0 / 0.3);
    spr_override sets[] = {{set_rate, NULL}};
    spr_scenario sc;
    spr_error err;
    CHECK(spr_scenario_load(path, sets, 1, &sc, &err) == SPR_OK, "%s", err.msg);
    spr_model *M;
    spr_results *res;
    CHECK(spr_model_create(&sc.params, &M, &err) == SPR_OK, "%s", err.msg);
    CHECK(spr_simulation_run(&sc.params, M, &res, NULL, NULL, &err) == SPR_OK, "%s", err.msg);
    int R = res->replicates;
    double lam[64], wq[64], pw[64];
    for (int r = 0; r < R; r++) {
        double arrivals = 0, starts = 0, wait_sum = 0, waited = 0;
        for (int m = 12; m < res->months; m++) {
            const spr_programme_month *pm = &res->programme[(size_t)r * res->months + m];
            for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) arrivals += pm->referrals[s];
            if (pm->first_contacts > 0) {
                starts += pm->first_contacts;
                wait_sum += pm->wait_mean_days * pm->first_contacts;
                waited += pm->waited_share * pm->first_contacts;
            }
        }
        lam[r] = arrivals / ((res->months - 12) * SPR_MONTH_DAYS); /* per day */
        wq[r] = wait_sum / starts;
        pw[r] = waited / starts;
    }
    double lambda = gsl_stats_mean(lam, 1, R), a = lambda / mu, C = erlang_c(c, a);
    double wq_theory = C / (c * mu - lambda);
    double wq_sim = gsl_stats_mean(wq, 1, R), wq_se = gsl_stats_sd(wq, 1, R) / sqrt(R);
    double pw_sim = gsl_stats_mean(pw, 1, R), pw_se = gsl_stats_sd(pw, 1, R) / sqrt(R);
    printf("rho %.3f (target %.2f): lambda %.4f/day; P(wait) simulated %.4f (SE %.4f), Erlang C %.4f; "
           "mean wait simulated %.3f d (SE %.3f), Erlang C %.3f d\n",
           lambda / (c * mu), rho, lambda, pw_sim, pw_se, C, wq_sim, wq_se, wq_theory);
    CHECK(fabs(lambda / (c * mu) - rho) < 0.1, "load %.3f far from the target %.2f", lambda / (c * mu), rho);
    CHECK(fabs(pw_sim - C) < 4 * pw_se, "P(wait) %.4f vs Erlang C %.4f (4 SE = %.4f)", pw_sim, C, 4 * pw_se);
    CHECK(fabs(wq_sim - wq_theory) < 4 * wq_se, "Wq %.3f vs %.3f (4 SE = %.3f)", wq_sim, wq_theory, 4 * wq_se);
    spr_results_destroy(res);
    spr_model_destroy(M);
    spr_scenario_free(&sc);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    /* the formula itself against the worked example of japan.md section 8: c = 2, a = 0.5/0.7 */
    CHECK(fabs(erlang_c(2, 0.5 / 0.7) - 0.18797) < 5e-6, "C(2, 0.714) = %.6f", erlang_c(2, 0.5 / 0.7));
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/mmc.yaml", argv[1]);
    run_load(path, 0.6);
    run_load(path, 0.85);
    TEST_MAIN_END();
}
