/* Small results filled by hand, for tests of the analysis that must know
 * every count: R replicates of 2 years, one district, zero everywhere until
 * the test sets what it needs. */
#ifndef SPRSIM_TEST_SYNTHETIC_H
#define SPRSIM_TEST_SYNTHETIC_H
#include <stdlib.h>

#include "sprsim/simulation.h"

static spr_results *synthetic_results(int replicates, int years)
{
    /* the engine's own allocation, so that every array of the results exists */
    spr_results *res;
    spr_error err;
    return spr_results_create(replicates, 12 * years, 1, 1, 0, &res, &err) == SPR_OK ? res : NULL;
}

/* Sets an indicator's count in every month of replicate r. */
static void synthetic_set(spr_results *res, int r, int ind, int sex, int band, int32_t count)
{
    for (int m = 0; m < res->months; m++) res->counts[spr_results_index(res, r, m, ind, sex, band)] = count;
}
#endif
