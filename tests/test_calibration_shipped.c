/* The shipped calibration (scenarios/calibration/) re-derives every
 * value scenarios/baseline.yaml marks "calibrated".
 *
 * Each file is fitted as `sprsim calibrate` fits it (from its own start
 * values, which are not the answer) against the baseline as shipped, and
 * each fitted value must equal the baseline's within the precision the fit
 * can have.  Why that tolerance, on the transformed scale of the fit:
 *   - Nelder-Mead stops when the simplex is smaller than fit.tolerance, so
 *     the minimum is only located to within the final simplex: 3 x
 *     tolerance (0.3% of a log-scale parameter at tolerance 1e-3);
 *   - the files depend on each other's parameters (docs/ODD.md 7.4), and a
 *     change in one block moves the others' common-random-number draws a
 *     little, so a sweep over the files reaches a fixed point only to within
 *     that noise.  Where the targets pin a parameter weakly (living alone:
 *     the objective is nearly flat along it), the noise moves the optimum by
 *     more than the simplex tolerance, but by little beside the parameter's
 *     own calibration uncertainty: a quarter of its standard error from the
 *     Laplace approximation at the fit (spr_calib_standard_errors, the
 *     curvature of the objective).  A difference below that changes no
 *     conclusion the calibration supports.
 * The allowed gap is the larger of the two.  Each fit is deterministic
 * (common random numbers), so the check is not noisy: a failure means the
 * baseline and the files disagree (a value changed by hand, a model change
 * without a refit, a sweep not carried to its fixed point).  Every fit must
 * also report convergence.
 *
 * argv[1]: the source directory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "sprsim/calibfile.h"
#include "sprsim/calibrate.h"

/* the order of a sweep: each file after those whose parameters it depends on */
static const char *FILES[] = {"living_alone", "isolation", "dementia", "limitation", "certification", "metabolic", "kayoi"};

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    for (size_t f = 0; f < sizeof FILES / sizeof FILES[0]; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/scenarios/calibration/%s.yaml", argv[1], FILES[f]);
        spr_calib_file *cf = malloc(sizeof *cf);
        spr_error err = {0};
        CHECK(cf != NULL, "out of memory");
        if (cf == NULL) break;
        int rc = spr_calib_file_load(path, cf, &err);
        CHECK(rc == SPR_OK, "%s", err.msg);
        if (rc != SPR_OK) {
            free(cf);
            continue;
        }
        spr_calib_result r;
        rc = spr_calib_fit(cf, 0, NULL, NULL, &r, &err);
        CHECK(rc == SPR_OK, "%s: %s", FILES[f], err.msg);
        if (rc == SPR_OK) {
            printf("%s: objective %.4g, %s after %d iterations, %.1f s\n", FILES[f], r.objective,
                   r.converged ? "converged" : "NOT converged", r.iterations, r.seconds);
            CHECK(r.converged, "%s: the fit did not converge", FILES[f]);
            double sd_u[SPR_CALIB_MAX_PARAMS];
            rc = spr_calib_standard_errors(cf, &r, sd_u, &err);
            CHECK(rc == SPR_OK, "%s: %s", FILES[f], err.msg);
            for (int j = 0; j < cf->n_params && rc == SPR_OK; j++) {
                const spr_calib_param *p = &cf->params[j];
                const double shipped = spr_param_get(&cf->scenario.params, p->def);
                const double gap = fabs(spr_calib_transformed(p, r.fitted[j]) - spr_calib_transformed(p, shipped));
                const double allowed = isfinite(sd_u[j]) && 0.25 * sd_u[j] > 3 * cf->tolerance ? 0.25 * sd_u[j]
                                                                                                 : 3 * cf->tolerance;
                printf("  %-44s baseline %-12.6g refit %-12.6g gap %.2g, allowed %.2g (transformed; SE %.2g)\n",
                       p->def->key, shipped, r.fitted[j], gap, allowed, sd_u[j]);
                CHECK(gap <= allowed, "%s: baseline %.6g, refit %.6g", p->def->key, shipped, r.fitted[j]);
            }
            spr_calib_result_free(&r);
        }
        spr_calib_file_free(cf);
        free(cf);
    }
    TEST_MAIN_END();
}
