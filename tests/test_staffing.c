/* The staffing planner's share interval stays within [0, 1].  The old interval (mean +- t SE,
 * spr_interval_of) of replicate shares near 1 reaches past 1: with 0.99, 1, 0.97, 1 its upper end
 * is 0.99 + 3.182 x 0.01414 / 2 = 1.0125 (checked below, so the case keeps exercising the defect). */
#include <math.h>

#include "check.h"
#include "sprsim/staffing.h"

int main(void)
{
    double v[4] = {0.99, 1.0, 0.97, 1.0}, scratch[4];
    spr_interval old = spr_interval_of(v, 4, scratch);
    CHECK(old.hi > 1, "the plain t interval of these shares leaves [0, 1] (upper end %.4f)", old.hi);
    spr_interval iv = spr_staff_share_interval(v, 4, scratch);
    CHECK(iv.lo >= 0 && iv.hi <= 1 && iv.lo < iv.mean && iv.mean < iv.hi, "within [0, 1]: %.4f [%.4f, %.4f]", iv.mean, iv.lo,
          iv.hi);
    CHECK(fabs(iv.mean - 0.99) < 1e-12 && iv.n == 4, "the mean is the replicates' mean");
    /* the logit half-width by hand: t(3) SE / (m (1 - m)) = (old.hi - m) / (0.99 x 0.01) */
    double d = (old.hi - 0.99) / (0.99 * 0.01), l = log(0.99 / 0.01);
    CHECK(fabs(iv.hi - 1 / (1 + exp(-(l + d)))) < 1e-12 && fabs(iv.lo - 1 / (1 + exp(-(l - d)))) < 1e-12,
          "the delta method on the logit scale");
    /* near 0 the same */
    double w[3] = {0.0, 0.02, 0.01};
    iv = spr_staff_share_interval(w, 3, scratch);
    CHECK(spr_interval_of(w, 3, scratch).lo < 0 && iv.lo > 0 && iv.hi < 1, "near 0: [%.4f, %.4f]", iv.lo, iv.hi);
    /* every replicate at 1 (or 0): the degenerate interval */
    double ones[3] = {1, 1, 1}, zeros[2] = {0, 0};
    iv = spr_staff_share_interval(ones, 3, scratch);
    CHECK(iv.mean == 1 && iv.lo == 1 && iv.hi == 1, "all 1: [1, 1]");
    iv = spr_staff_share_interval(zeros, 2, scratch);
    CHECK(iv.mean == 0 && iv.lo == 0 && iv.hi == 0, "all 0: [0, 0]");
    /* equal replicates inside (0, 1): no spread, no interval */
    double same[2] = {0.5, 0.5};
    iv = spr_staff_share_interval(same, 2, scratch);
    CHECK(iv.lo == 0.5 && iv.hi == 0.5, "equal replicates");
    /* NaN replicates are left out, as by spr_interval_of */
    double gaps[3] = {NAN, 0.9, 0.8};
    iv = spr_staff_share_interval(gaps, 3, scratch);
    CHECK(iv.n == 2 && fabs(iv.mean - 0.85) < 1e-12 && iv.lo > 0 && iv.hi < 1, "NaN left out");
    TEST_MAIN_END();
}
