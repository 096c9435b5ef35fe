#include "sprsim/sullivan.h"

#include <math.h>

double spr_sullivan_health_expectancy(const double *l, const double *L, const double *healthy_share, int n, int from)
{
    if (from < 0 || from >= n || !(l[from] > 0)) return NAN;
    double healthy_years = 0;
    for (int i = from; i < n; i++) {
        if (isnan(L[i]) || isnan(healthy_share[i])) return NAN;
        healthy_years += healthy_share[i] * L[i];
    }
    return healthy_years / l[from];
}
