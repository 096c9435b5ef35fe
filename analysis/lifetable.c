#include "sprsim/lifetable.h"

#include <math.h>

double spr_lifetable_abridged_ex(const double deaths[SPR_AGE_BANDS], const double person_years[SPR_AGE_BANDS],
                                 int band_from)
{
    double l = 1.0, T = 0.0;
    for (int b = band_from; b < SPR_AGE_BANDS; b++) {
        if (!(person_years[b] > 0)) return l < 1e-9 ? T : NAN;
        double m = deaths[b] / person_years[b];
        if (b == SPR_AGE_BANDS - 1) {
            /* open band: everyone alive at its start dies in it */
            if (!(m > 0)) return NAN;
            T += l / m;
            break;
        }
        const double n = 5.0, a = 2.5;
        double q = n * m / (1.0 + (n - a) * m);
        if (q > 1.0) q = 1.0;
        double d = l * q;
        T += n * (l - d) + a * d;
        l -= d;
    }
    return T;
}
