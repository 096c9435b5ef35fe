/* Discounting, ICER, NMB and the acceptability curve against values worked
 * by hand and against a closed form. */
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "check.h"
#include "sprsim/economics.h"
#include "sprsim/rng.h"

int main(void)
{
    /* 100 yen a year for 3 years at 2%: 100 + 100/1.02 + 100/1.0404 = 294.1561 */
    const double v[3] = {100, 100, 100};
    CHECK(fabs(spr_econ_present_value(v, 3, 0.02) - 294.15609381) < 1e-6, "PV %.8f", spr_econ_present_value(v, 3, 0.02));
    CHECK(spr_econ_discount_factor(0.02, 0) == 1.0, "year 0 undiscounted");
    CHECK(fabs(spr_econ_discount_factor(0.03, 10) - 0.74409391) < 1e-8, "1.03^-10");
    CHECK(spr_econ_present_value(v, 3, 0.0) == 300, "no discounting");

    /* a programme costing 12 million yen more and gaining 3 QALYs: ICER 4 million yen/QALY;
     * NMB at 5 million: 5e6 x 3 - 12e6 = +3 million; at 3 million: -3 million */
    CHECK(spr_econ_icer(12e6, 3) == 4e6, "ICER");
    CHECK(spr_econ_nmb(12e6, 3, 5e6) == 3e6 && spr_econ_nmb(12e6, 3, 3e6) == -3e6, "NMB");
    /* a return only where every replicate spends materially more: 1% of what it spends in all */
    const double extra[3] = {5, 2, 1.5}, spent[3] = {100, 100, 100}, tiny[3] = {5, 2, 0.5}, less[3] = {5, -2, 3};
    CHECK(spr_econ_return_defined(extra, spent, 3), "spends 1.5%% more or above: defined");
    CHECK(!spr_econ_return_defined(tiny, spent, 3), "one replicate spends 0.5%% more: not defined");
    CHECK(!spr_econ_return_defined(less, spent, 3), "one replicate spends less: not defined");
    CHECK(!spr_econ_return_defined(extra, spent, 0), "no replicates: not defined");
    CHECK(isinf(spr_econ_icer(1e6, 0)) && spr_econ_icer(1e6, 0) > 0, "no effect, more cost: no ratio");
    CHECK(isnan(spr_econ_icer(0, 0)), "nothing changes: undefined");
    CHECK(spr_econ_icer(-5e6, 1) == -5e6, "cheaper and better: negative ratio (dominant)");

    /* CEAC on synthetic normal draws: dE ~ N(2, 1), dC ~ N(6e6, 3e6), independent:
     * P(wtp dE - dC > 0) = Phi((wtp 2 - 6e6) / sqrt(wtp^2 + 9e12)) */
    const size_t n = 200000;
    static double dc[200000], de[200000];
    spr_stream *s = spr_stream_create();
    spr_stream_reset(s, (spr_rng_key){1, 0}, 0, 0, SPR_STREAM_TEST);
    for (size_t i = 0; i < n; i++) {
        de[i] = 2 + gsl_ran_gaussian(spr_stream_gsl(s), 1.0);
        dc[i] = 6e6 + gsl_ran_gaussian(spr_stream_gsl(s), 3e6);
    }
    const double wtps[] = {0, 1e6, 3e6, 5e6, 1e7};
    for (int k = 0; k < 5; k++) {
        double w = wtps[k], p = gsl_cdf_ugaussian_P((w * 2 - 6e6) / sqrt(w * w + 9e12));
        double est = spr_econ_prob_cost_effective(dc, de, n, w), se = sqrt(p * (1 - p) / n);
        CHECK(fabs(est - p) < 5 * se + 1e-12, "wtp %.0f: %.5f vs closed form %.5f", w, est, p);
    }
    spr_stream_destroy(s);
    TEST_MAIN_END();
}
