/* The report's analysis of variance against known variance components, and
 * the health expectancies of the baseline against the official 2022
 * figures (within 1 year, as calibrated: docs/ODD.md section 7.4). */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_randist.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/measures.h"
#include "sprsim/report.h"
#include "sprsim/rng.h"

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
    TEST_MAIN_END();
}
