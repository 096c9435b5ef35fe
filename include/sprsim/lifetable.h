/* Period life tables from simulated deaths and exposure. */
#ifndef SPRSIM_LIFETABLE_H
#define SPRSIM_LIFETABLE_H

#include "sprsim/params.h"

/* An abridged period life table in 5-year bands (the last open). */
typedef struct {
    double l[SPR_AGE_BANDS]; /* survivors at the start of each band, l[0] = 1 */
    double L[SPR_AGE_BANDS]; /* person-years lived in each band */
    double e[SPR_AGE_BANDS]; /* life expectancy at the start of each band */
} spr_lifetable;

/* Builds the table from deaths and person-years (same method as below);
 * returns 0, or -1 when a band below 100 has no exposure (e left NaN up to
 * there).  An open band with no exposure or no death (small populations) is
 * closed with the death rate of the band before it. */
int spr_lifetable_build(const double deaths[SPR_AGE_BANDS], const double person_years[SPR_AGE_BANDS], spr_lifetable *t);

/* Life expectancy at the lowest age of band_from, from deaths and
 * person-years in 5-year age bands (the last band open-ended), by the
 * standard abridged life table (Chiang): nqx = n m / (1 + (n - a) m) with
 * a = n/2, the open band closed by L = l / m.  Returns NaN when an
 * age band at or above band_from has no exposure. */
double spr_lifetable_abridged_ex(const double deaths[SPR_AGE_BANDS], const double person_years[SPR_AGE_BANDS],
                                 int band_from);

#endif
