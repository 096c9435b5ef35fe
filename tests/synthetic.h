/* Small results filled by hand, for tests of the analysis that must know
 * every count: R replicates of 2 years, one district, zero everywhere until
 * the test sets what it needs. */
#ifndef SPRSIM_TEST_SYNTHETIC_H
#define SPRSIM_TEST_SYNTHETIC_H
#include <stdlib.h>

#include "sprsim/simulation.h"

static spr_results *synthetic_results(int replicates, int years)
{
    spr_results *res = calloc(1, sizeof *res);
    if (res == NULL) return NULL;
    res->replicates = replicates;
    res->months = 12 * years;
    res->districts = 1;
    size_t rm = (size_t)replicates * (size_t)res->months, cells = rm * SPR_SEXES * SPR_AGE_BANDS;
    res->counts = calloc(cells * SPR_IND_COUNT, sizeof *res->counts);
    res->medical_yen = calloc(cells, sizeof *res->medical_yen);
    res->ltc_yen = calloc(cells, sizeof *res->ltc_yen);
    res->district_population = calloc(rm, sizeof *res->district_population);
    res->programme = calloc(rm, sizeof *res->programme);
    res->group_participants = calloc(rm * SPR_RESOURCE_TYPES, sizeof *res->group_participants);
    res->group_places = calloc(rm * SPR_RESOURCE_TYPES, sizeof *res->group_places);
    res->wait_histogram = calloc((size_t)replicates * SPR_WAIT_DAYS, sizeof *res->wait_histogram);
    res->draws = calloc(1, sizeof *res->draws);
    if (!res->counts || !res->medical_yen || !res->ltc_yen || !res->district_population || !res->programme ||
        !res->group_participants || !res->group_places || !res->wait_histogram || !res->draws) {
        spr_results_destroy(res);
        return NULL;
    }
    return res;
}

/* Sets an indicator's count in every month of replicate r. */
static void synthetic_set(spr_results *res, int r, int ind, int sex, int band, int32_t count)
{
    for (int m = 0; m < res->months; m++) res->counts[spr_results_index(res, r, m, ind, sex, band)] = count;
}
#endif
