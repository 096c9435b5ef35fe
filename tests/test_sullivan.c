/* The Sullivan method against a published worked example: the EuroREVES
 * practical guide (Hauet E., "Practical guide on health expectancy
 * calculation: Sullivan method", European Concerted Action on the
 * Harmonization of Health Expectancy Calculation in Europe, 1996, revised
 * 1997), Table 1: French women, 1991 (life table and the 1991 health
 * survey).  For ages 65 to 85+ the table gives l_x, L_x, the share free of
 * disability and the disability-free life expectancy to 0.1 year.  (The
 * open group's share prints as 0.710 in the web copy of the table, its
 * disability prevalence; the share free of disability its other columns use
 * is 83,967 / 289,068 = 0.290.) */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "sprsim/lifetable.h"
#include "sprsim/sullivan.h"

int main(void)
{
    const double l[] = {89367, 84968, 78012, 66625, 48532};
    const double L[] = {436589, 408793, 364013, 290533, 289068};
    const double free_share[] = {0.804, 0.714, 0.630, 0.487, 0.290};
    const double published[] = {12.3, 8.8, 5.8, 3.4, 1.7};
    for (int x = 0; x < 5; x++) {
        double hle = spr_sullivan_health_expectancy(l, L, free_share, 5, x);
        printf("age %d: Sullivan %.3f, published %.1f\n", 65 + 5 * x, hle, published[x]);
        CHECK(fabs(hle - published[x]) <= 0.05, "age %d: %.3f vs published %.1f", 65 + 5 * x, hle, published[x]);
    }
    /* its column 6 at 65 (time free of disability after 65): 1,097,520, to the rounding of the shares */
    double T = 0;
    for (int i = 0; i < 5; i++) T += L[i] * free_share[i];
    CHECK(fabs(T - 1097520) / 1097520 < 5e-4, "T65 %.0f vs 1,097,520", T);

    /* with no one unhealthy, health expectancy is life expectancy; with prevalence 1, zero */
    double deaths[SPR_AGE_BANDS], py[SPR_AGE_BANDS], ones[SPR_AGE_BANDS], zeros[SPR_AGE_BANDS] = {0};
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        py[b] = 1000;
        deaths[b] = 2 + 3 * b;
        ones[b] = 1;
    }
    spr_lifetable t;
    CHECK(spr_lifetable_build(deaths, py, &t) == 0, "life table");
    CHECK(fabs(spr_sullivan_health_expectancy(t.l, t.L, ones, SPR_AGE_BANDS, 13) - t.e[13]) < 1e-12, "HLE = LE");
    CHECK(spr_sullivan_health_expectancy(t.l, t.L, zeros, SPR_AGE_BANDS, 0) == 0, "HLE = 0");
    CHECK(fabs(t.e[13] - spr_lifetable_abridged_ex(deaths, py, 13)) < 1e-12, "the table agrees with abridged_ex");
    TEST_MAIN_END();
}
