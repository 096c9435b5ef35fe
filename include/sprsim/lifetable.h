/* Period life tables from simulated deaths and exposure. */
#ifndef SPRSIM_LIFETABLE_H
#define SPRSIM_LIFETABLE_H

#include "sprsim/params.h"

/* Life expectancy at the lowest age of band_from, from deaths and
 * person-years in 5-year age bands (the last band open-ended), by the
 * standard abridged life table (Chiang): nqx = n m / (1 + (n - a) m) with
 * a = n/2, the open band closed by L = l / m.  Returns NaN when an
 * age band at or above band_from has no exposure. */
double spr_lifetable_abridged_ex(const double deaths[SPR_AGE_BANDS], const double person_years[SPR_AGE_BANDS],
                                 int band_from);

#endif
