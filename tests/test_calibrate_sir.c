/* Sampling-importance-resampling (the calibration's stage 2) on analytic
 * objectives, without the simulator.
 *
 * The objective f(u) = (u - m)' A (u - m) makes the likelihood
 * exp(-f / 2) a Gaussian with mean m and covariance A^-1 (the posterior,
 * with the flat prior on wide bounds).  Its Hessian is 2A exactly, and
 * central differences of a quadratic are exact up to rounding, so the
 * Hessian is checked to 1e-6 relative.  With inflation 1 the proposal
 * inflation^2 x 2 H^-1 = A^-1 is the posterior itself: every weight is the
 * same, so the effective sample size equals the number of proposals (to
 * rounding).  With inflation 1.5 the resampled draws' mean and covariance
 * must match m and A^-1 within Monte Carlo error: the mean of M draws
 * resampled from weights of effective size E has standard error about
 * sd x sqrt(1/E + 1/M) (importance sampling, then resampling noise); a
 * covariance entry s_ij has standard error about sqrt((s_ii s_jj + s_ij^2)
 * / N) with 1/N = 1/E + 1/M.  The checks allow 4 standard errors (a false
 * failure about 1 in 15,000 per check).  What they detect (checked by
 * leaving log q out of the weights): weights exp(-f/2) alone on draws from
 * the wider proposal shrink the draws' variances to about 0.69 of the
 * posterior's (5 SE and more below) and cut the ESS at inflation 1 to 381
 * of 500. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "sprsim/calibrate.h"

typedef struct {
    double m[2], A[4];
    int calls;
} quadratic;

static int quad(void *ctx, const double *u, double *objective, spr_error *err)
{
    (void)err;
    quadratic *q = ctx;
    double d0 = u[0] - q->m[0], d1 = u[1] - q->m[1];
    *objective = q->A[0] * d0 * d0 + 2 * q->A[1] * d0 * d1 + q->A[3] * d1 * d1;
    q->calls++;
    return SPR_OK;
}

static const double LOWER[2] = {-50, -50}, UPPER[2] = {50, 50}, STEP[2] = {0.05, 0.05};

static int run(quadratic *q, double inflation, int proposals, int draws, uint64_t seed, spr_sir_result *r, spr_error *err)
{
    spr_sir_setup s = {2, LOWER, UPPER, STEP, NULL, inflation, proposals, draws, seed};
    return spr_sir_run(&s, q->m, quad, q, r, err);
}

/* The posterior: m = (1, -2), A = [[4, 1.5], [1.5, 1]], covariance A^-1 = [[1, -1.5], [-1.5, 4]] / 1.75. */
static quadratic posterior(void) { return (quadratic){{1, -2}, {4, 1.5, 1.5, 1}, 0}; }

static void test_hessian_and_equal_weights(void)
{
    quadratic q = posterior();
    spr_sir_result r;
    spr_error err = {0};
    int rc = run(&q, 1.0, 500, 100, 7, &r, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    for (int k = 0; k < 4 && rc == SPR_OK; k++)
        CHECK(fabs(r.hessian[k] - 2 * q.A[k]) < 1e-6 * 2 * q.A[0], "H[%d] = %.10g, want %g", k, r.hessian[k], 2 * q.A[k]);
    double det = q.A[0] * q.A[3] - q.A[1] * q.A[1], inv[4] = {q.A[3] / det, -q.A[1] / det, -q.A[2] / det, q.A[0] / det};
    for (int k = 0; k < 4 && rc == SPR_OK; k++)
        CHECK(fabs(r.covariance[k] - inv[k]) < 1e-6, "proposal covariance[%d] = %.10g, want %g", k, r.covariance[k], inv[k]);
    CHECK(rc == SPR_OK && !r.diagonal, "a positive definite Hessian needs no fallback");
    CHECK(rc == SPR_OK && fabs(r.ess - 500) < 1e-6, "proposal = posterior: ESS %.9g of 500", r.ess);
    CHECK(rc == SPR_OK && r.in_bounds == 500, "%d of 500 within wide bounds", r.in_bounds);
    int total = 0;
    for (int p = 0; p < 500 && rc == SPR_OK; p++) total += r.times_drawn[p];
    CHECK(total == 100, "times resampled add up to the draws: %d", total);
    /* equal weights and systematic resampling: 100 of 500 equally weighted, none twice */
    int twice = 0;
    for (int p = 0; p < 500 && rc == SPR_OK; p++) twice += r.times_drawn[p] > 1;
    CHECK(twice == 0, "%d proposals drawn twice from equal weights", twice);
    spr_sir_result_free(&r);
}

static void test_posterior_recovered(void)
{
    quadratic q = posterior();
    spr_sir_result r;
    spr_error err = {0};
    int P = 20000, M = 5000;
    int rc = run(&q, 1.5, P, M, 20240901, &r, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    if (rc != SPR_OK) return;
    CHECK(r.ess > 0.3 * P && r.ess < P, "ESS %.1f of %d at inflation 1.5 (about 0.6 P expected)", r.ess, P);
    double mean[2] = {0, 0}, cov[4] = {0, 0, 0, 0};
    for (int k = 0; k < M; k++)
        for (int j = 0; j < 2; j++) mean[j] += r.proposal[2 * r.draw[k] + j] / M;
    for (int k = 0; k < M; k++)
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                cov[2 * i + j] += (r.proposal[2 * r.draw[k] + i] - mean[i]) * (r.proposal[2 * r.draw[k] + j] - mean[j]) / (M - 1);
    double det = 1.75, want[4] = {1 / det, -1.5 / det, -1.5 / det, 4 / det};
    double inv_n = 1 / r.ess + 1.0 / M;
    for (int j = 0; j < 2; j++) {
        double se = sqrt(want[3 * j] * inv_n);
        CHECK(fabs(mean[j] - q.m[j]) < 4 * se, "mean[%d] = %.4f, want %g +- %.4f", j, mean[j], q.m[j], 4 * se);
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double se = sqrt((want[3 * i] * want[3 * j] + want[2 * i + j] * want[2 * i + j]) * inv_n);
            CHECK(fabs(cov[2 * i + j] - want[2 * i + j]) < 4 * se, "cov[%d][%d] = %.4f, want %.4f +- %.4f", i, j,
                  cov[2 * i + j], want[2 * i + j], 4 * se);
        }
    /* the same seed: the same proposals and draws (counter-based streams, no shared generator) */
    spr_sir_result again;
    rc = run(&q, 1.5, P, M, 20240901, &again, &err);
    CHECK(rc == SPR_OK && memcmp(again.proposal, r.proposal, sizeof(double) * 2 * (size_t)P) == 0 &&
              memcmp(again.draw, r.draw, sizeof(int) * (size_t)M) == 0,
          "the same seed gives the same proposals and draws");
    spr_sir_result_free(&again);
    spr_sir_result_free(&r);
}

/* f = u0^2 + 3 u0 u1 + u1^2: H = [[2, 3], [3, 2]] is indefinite, its diagonal positive: the diagonal proposal. */
static void test_fallbacks(void)
{
    quadratic q = {{0, 0}, {1, 1.5, 1.5, 1}, 0};
    spr_sir_result r;
    spr_error err = {0};
    int rc = run(&q, 1.0, 50, 10, 1, &r, &err);
    CHECK(rc == SPR_OK && r.diagonal == 1, "indefinite Hessian, positive diagonal: diagonal proposal (%s)", err.msg);
    CHECK(rc == SPR_OK && fabs(r.covariance[0] - 1) < 1e-6 && r.covariance[1] == 0 && fabs(r.covariance[3] - 1) < 1e-6,
          "diagonal covariance 2 / H_jj = 1: %g %g %g", r.covariance[0], r.covariance[1], r.covariance[3]);
    spr_sir_result_free(&r);
    /* a negative diagonal entry: a maximum along that axis, an error */
    quadratic saddle = {{0, 0}, {1, 0, 0, -1}, 0};
    rc = run(&saddle, 1.0, 50, 10, 1, &r, &err);
    CHECK(rc != SPR_OK && strstr(err.msg, "not positive definite") && strstr(err.msg, "axis 1"), "saddle: %s", err.msg);
    spr_sir_result_free(&r);
    /* an optimum within a step of its bound */
    quadratic edge = posterior();
    edge.m[0] = 49.99;
    rc = run(&edge, 1.0, 50, 10, 1, &r, &err);
    CHECK(rc != SPR_OK && strstr(err.msg, "interior optimum"), "optimum at the bound: %s", err.msg);
    spr_sir_result_free(&r);
}

/* Proposals outside the bounds get weight 0 and are never run nor drawn. */
static void test_bounds(void)
{
    quadratic q = posterior();
    static const double lo[2] = {0.5, -50}, hi[2] = {50, 50};
    spr_sir_setup s = {2, lo, hi, STEP, NULL, 1.0, 400, 200, 3};
    spr_sir_result r;
    spr_error err = {0};
    int rc = spr_sir_run(&s, q.m, quad, &q, &r, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    int outside = 0, drawn_outside = 0;
    for (int p = 0; p < 400 && rc == SPR_OK; p++)
        if (r.proposal[2 * p] < 0.5) {
            outside++;
            drawn_outside += r.times_drawn[p];
            CHECK(isnan(r.objective[p]) && r.log_weight[p] == -HUGE_VAL, "proposal %d outside: not run, weight 0", p);
        }
    /* P(u0 < 0.5) = Phi(-0.5 / sqrt(1/1.75)) = 0.25: about 100 of 400 */
    CHECK(outside > 50 && outside < 150 && r.in_bounds == 400 - outside, "%d outside, %d in bounds", outside, r.in_bounds);
    CHECK(drawn_outside == 0, "%d draws outside the bounds", drawn_outside);
    CHECK(q.calls == 1 + 2 + 2 + 4 + r.in_bounds, "%d objective calls: the Hessian's 9 and one per proposal within", q.calls);
    spr_sir_result_free(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_hessian_and_equal_weights();
    test_posterior_recovered();
    test_fallbacks();
    test_bounds();
    TEST_MAIN_END();
}
