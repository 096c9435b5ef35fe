/* The report's analysis of variance against known variance components, the
 * health expectancies of the baseline against the official 2022 figures
 * (within 1 year, as calibrated: docs/ODD.md section 7.4), and P(cost-
 * effective) from parameter draws only (issue 10): absent when the runs
 * drew no parameters, and with draws of 2 nested replicates the share of
 * draws whose mean net benefit is positive, computed here independently
 * (before, it was the share of replicates, chance included, with or
 * without draws). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/measures.h"
#include "sprsim/report.h"
#include "sprsim/rng.h"

/* baseline and dual_cycle, small, with overrides (an overlay "@FILE" among them) */
static int run_pair(const char *src, const char *const *sets, int n_sets, spr_scenario sc[2], spr_results *res[2])
{
    const char *names[2] = {"baseline", "dual_cycle"};
    spr_error err;
    res[0] = res[1] = NULL;
    memset(sc, 0, 2 * sizeof *sc); /* safe to free after a failed load */
    for (int i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/scenarios/%s.yaml", src, names[i]);
        spr_model *M = NULL;
        int rc = load_with_sets(path, sets, n_sets, &sc[i], &err);
        if (rc == SPR_OK) rc = spr_model_create(&sc[i].params, &M, &err);
        if (rc == SPR_OK) rc = spr_simulation_run(&sc[i].params, M, &res[i], NULL, NULL, &err);
        spr_model_destroy(M);
        if (rc != SPR_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 0;
        }
    }
    return 1;
}

/* P(cost-effective) as the report gives it, against the share of draws whose
 * mean net benefit over their k replicates is positive, computed here. */
static void check_p_ce(const spr_scenario sc[2], spr_results *res[2], int k)
{
    enum { W = 4 };
    const double wtps[W] = {0, 5e6, 2e7, 1e8};
    int between = 0;
    for (int w = 0; w < W; w++) {
        spr_report_options o = {.discount_rate = 0.02, .wtp_yen = wtps[w]};
        spr_ce_summary s;
        spr_error err;
        CHECK(spr_report_ce_summary(sc, res, 1, &o, &s, &err) == SPR_OK, "%s", err.msg);
        const int draws = res[1]->replicates / k;
        int positive = 0;
        for (int d = 0; d < draws; d++) {
            double mean = 0;
            for (int j = 0; j < k; j++) {
                spr_ce_draw c;
                spr_report_ce(&sc[0].params, res[1], res[0], d * k + j, o.discount_rate, &c);
                mean += (o.wtp_yen * c.d_qaly - c.d_cost_yen) / k;
            }
            positive += mean > 0;
        }
        const double want = (double)positive / draws;
        printf("wtp %.0f: P(cost-effective) %.3f over %d draws, computed %.3f\n", o.wtp_yen, s.p_ce, s.n_draws, want);
        CHECK(s.n_draws == draws && s.per_draw == k && s.p_ce == want, "wtp %.0f: P(CE) %g over %d draws, expected %g over %d",
              o.wtp_yen, s.p_ce, s.n_draws, want, draws);
        between |= want > 0 && want < 1;
    }
    CHECK(between, "P(CE) is 0 or 1 at every wtp: the test would not tell draws from replicates");
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    /* x = mu_draw + noise with var(mu) = 4 and var(noise) = 1: parameter share 0.8 */
    enum { D = 2000, K = 4 };
    static double x[D * K];
    spr_stream *s = spr_stream_create();
    spr_stream_reset(s, (spr_rng_key){3, 0}, 0, 0, SPR_STREAM_TEST);
    for (int d = 0; d < D; d++) {
        double mu = gsl_ran_gaussian(spr_stream_gsl(s), 2.0);
        for (int k = 0; k < K; k++) x[d * K + k] = mu + gsl_ran_gaussian(spr_stream_gsl(s), 1.0);
    }
    double share = spr_report_parameter_share(x, D * K, K);
    CHECK(fabs(share - 0.8) < 0.02, "parameter share %.4f, expected 0.8", share);
    CHECK(isnan(spr_report_parameter_share(x, 8, 1)), "no nested design: undefined");
    spr_stream_destroy(s);

    /* the baseline's life expectancy and healthy life expectancy at birth in its first year */
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/baseline.yaml", argv[1]);
    const char *sets[] = {"simulation.years=1", "simulation.replicates=4"};
    spr_params p;
    spr_results *res = run_scenario(path, sets, 2, 2, &p);
    CHECK(res != NULL, "baseline run");
    if (res) {
        const spr_measure_id m[4] = {SPR_MEASURE_LE0_MALE, SPR_MEASURE_LE0_FEMALE, SPR_MEASURE_HLE0_MALE, SPR_MEASURE_HLE0_FEMALE};
        const double official[4] = {81.05, 87.09, 72.57, 75.45}; /* 令和4年簡易生命表; MHLW, Dec 2024 */
        const char *names[4] = {"LE men", "LE women", "HLE men", "HLE women"};
        for (int k = 0; k < 4; k++) {
            double mean = 0;
            for (int r = 0; r < res->replicates; r++) mean += spr_measure_at(m[k], &p, res, r, spr_period_year(0)) / res->replicates;
            printf("%-10s simulated %.2f, official 2022 %.2f\n", names[k], mean, official[k]);
            CHECK(fabs(mean - official[k]) < 1.0, "%s %.2f is more than a year from %.2f", names[k], mean, official[k]);
        }
        /* healthy life is shorter than life, and independence lies between them */
        double le = spr_measure_at(SPR_MEASURE_LE0_FEMALE, &p, res, 0, spr_period_year(0)),
               hle = spr_measure_at(SPR_MEASURE_HLE0_FEMALE, &p, res, 0, spr_period_year(0)),
               ipe = spr_measure_at(SPR_MEASURE_IPE0_FEMALE, &p, res, 0, spr_period_year(0));
        CHECK(hle < ipe && ipe < le, "HLE %.2f < independence %.2f < LE %.2f", hle, ipe, le);
        spr_results_destroy(res);
    }

    /* P(cost-effective): none without parameter draws */
    const char *fixed[] = {"simulation.population=3000", "simulation.years=3", "simulation.replicates=8",
                           "simulation.seed=5"};
    spr_scenario sc[2];
    spr_results *pair[2];
    if (run_pair(argv[1], fixed, 4, sc, pair)) {
        spr_report_options o = {.discount_rate = 0.02, .wtp_yen = 5e6};
        spr_ce_summary ce;
        spr_error err;
        CHECK(spr_report_ce_summary(sc, pair, 1, &o, &ce, &err) == SPR_OK, "%s", err.msg);
        CHECK(ce.n_draws == 0 && isnan(ce.p_ce), "chance only: P(CE) %g over %d draws, expected none", ce.p_ce, ce.n_draws);
    } else CHECK(0, "runs without draws");
    for (int i = 0; i < 2; i++) spr_results_destroy(pair[i]), spr_scenario_free(&sc[i]);
    /* with draws of 2 nested replicates (the effects' uncertainty drives the net benefit) */
    FILE *f = fopen("test_report_psa.yaml", "w");
    CHECK(f != NULL, "cannot write the overlay");
    if (f != NULL) {
        fprintf(f, "simulation.replicates_per_draw: 2\neffects:\n"
                   "  hr_certification: {distribution: lognormal, median: 0.75, lower: 0.3, upper: 1.3}\n"
                   "  medical_multiplier: {distribution: uniform, min: 0.5, max: 1.2}\n"
                   "costs.ltc.yen_per_month: {distribution: uniform, scale: whole, min: 0.5, max: 1.5}\n");
        fclose(f);
        const char *drawn[] = {"@test_report_psa.yaml", "simulation.population=3000", "simulation.years=3",
                               "simulation.replicates=16", "simulation.seed=5"};
        if (run_pair(argv[1], drawn, 5, sc, pair)) check_p_ce(sc, pair, 2);
        else CHECK(0, "runs with draws");
        for (int i = 0; i < 2; i++) spr_results_destroy(pair[i]), spr_scenario_free(&sc[i]);
        remove("test_report_psa.yaml");
    }
    TEST_MAIN_END();
}
