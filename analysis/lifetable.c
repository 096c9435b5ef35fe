#include "sprsim/lifetable.h"

#include <math.h>

int spr_lifetable_build(const double deaths[SPR_AGE_BANDS], const double person_years[SPR_AGE_BANDS], spr_lifetable *t)
{
    double l = 1.0, m_prev = NAN;
    int rc = 0;
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        t->l[b] = l;
        t->L[b] = NAN;
        t->e[b] = NAN;
        if (b == SPR_AGE_BANDS - 1 && !(person_years[b] > 0 && deaths[b] > 0)) {
            /* a small population may have nobody (or no death) at 100+: close the
             * table with the death rate of 95-99 (a documented approximation) */
            t->L[b] = m_prev > 0 ? l / m_prev : NAN;
            break;
        }
        if (!(person_years[b] > 0)) {
            rc = -1;
            continue;
        }
        double m = deaths[b] / person_years[b];
        m_prev = m;
        if (b == SPR_AGE_BANDS - 1) {
            t->L[b] = m > 0 ? l / m : NAN;
            break;
        }
        const double n = 5.0, a = 2.5;
        double q = n * m / (1.0 + (n - a) * m);
        if (q > 1.0) q = 1.0;
        double d = l * q;
        t->L[b] = n * (l - d) + a * d;
        l -= d;
    }
    double T = 0;
    for (int b = SPR_AGE_BANDS - 1; b >= 0; b--) {
        T += t->L[b];
        t->e[b] = t->l[b] > 0 ? T / t->l[b] : NAN;
    }
    return rc;
}

double spr_lifetable_abridged_ex(const double deaths[SPR_AGE_BANDS], const double person_years[SPR_AGE_BANDS],
                                 int band_from)
{
    spr_lifetable t;
    spr_lifetable_build(deaths, person_years, &t);
    return t.e[band_from];
}
