/* One-way sensitivity (a tornado diagram): the net monetary benefit of a
 * policy against the reference with one parameter at a time at the low and
 * at the high end of its range, every other parameter at its central value.
 * A parameter both scenarios share varies in both, so the comparison stays
 * paired; one the policy changes (link-worker FTE, say) varies in the policy
 * only.  The ranges come from --vary "key=low,high" and from the 95% range
 * of every distribution the policy scenario gives. */
#ifndef SPRSIM_TORNADO_H
#define SPRSIM_TORNADO_H

#include "sprsim/error.h"
#include "sprsim/params.h"
#include "sprsim/report.h"

typedef struct {
    char key[96];
    double low, high;          /* parameter values */
    double nmb_low, nmb_high;  /* mean over replicates, yen */
} spr_tornado_bar;

/* The range of an uncertain parameter: its distribution's 2.5% and 97.5% quantiles. */
void spr_tornado_range(const spr_uncertain *u, double *low, double *high);

/* Runs the base case and every bar (2 runs of each scenario per bar).
 * *bars (allocated; the caller frees it) gets *n_bars bars in the order
 * given (--vary first); progress, if not NULL, is called after each run
 * pair.  SPR_ERR_SCENARIO for a malformed --vary, a key that is not a
 * scalar parameter, a value outside its bounds or one that breaks a rule
 * across parameters, or nothing to vary. */
int spr_tornado_run(const spr_params *ref, const spr_params *pol, const char *const *vary, int n_vary,
                    const spr_report_options *o, spr_tornado_bar **bars, int *n_bars, double *base_nmb,
                    void (*progress)(void *ctx, int done, int total, const char *key), void *ctx, spr_error *err);

#endif
