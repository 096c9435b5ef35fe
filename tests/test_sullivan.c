/* The Sullivan method against independent values.
 *
 * 1. A published worked example: the EuroREVES practical guide (Hauet E.,
 *    "Practical guide on health expectancy calculation: Sullivan method",
 *    European Concerted Action on the Harmonization of Health Expectancy
 *    Calculation in Europe, 1996, revised 1997), Table 1: French women, 1991
 *    (life table and the 1991 health survey).  For ages 65 to 85+ the table
 *    gives l_x, L_x, the share free of disability, the disability-free
 *    person-years from 65 (its column 6 total, 1,097,520) and the
 *    disability-free life expectancy to 0.1 year.  (The open group's share
 *    prints as 0.710 in the web copy of the table, its disability
 *    prevalence; the share free of disability its other columns use is
 *    83,967 / 289,068 = 0.290.)
 * 2. Closed forms: spr_lifetable_build on a constant death rate m = 0.1 in
 *    every band gives nqx = 5m / (1 + 2.5m) = 0.4, l_b = 0.6^b, L_b = 4 l_b
 *    and the open band L = l/m, so life expectancy is exactly 10 years at
 *    every band, and with healthy share 1 below band k and 0 from it the
 *    health expectancy at birth is sum_{b<k} 4 * 0.6^b = 10 (1 - 0.6^k).
 *
 * Fails for a real defect such as: summing from the wrong group (x + 1, or
 * the whole table), weighting by l instead of L, dividing by l of another
 * group, using prevalence where the healthy share belongs, dropping the
 * open group, or a life table whose L or l are off (the closed forms). */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "sprsim/lifetable.h"
#include "sprsim/sullivan.h"

static void check_euroreves(void)
{
    const double l[] = {89367, 84968, 78012, 66625, 48532};
    const double L[] = {436589, 408793, 364013, 290533, 289068};
    const double free_share[] = {0.804, 0.714, 0.630, 0.487, 0.290};
    const double published[] = {12.3, 8.8, 5.8, 3.4, 1.7};
    for (int x = 0; x < 5; x++) {
        double hle = spr_sullivan_health_expectancy(l, L, free_share, 5, x);
        printf("age %d: Sullivan %.3f, published %.1f\n", 65 + 5 * x, hle, published[x]);
        /* the table prints one decimal: a correct value lies within half a unit of the last digit */
        CHECK(fabs(hle - published[x]) <= 0.05, "age %d: %.3f vs published %.1f", 65 + 5 * x, hle, published[x]);
    }
    /* the same at full precision: the table's disability-free person-years from 65 (column 6),
     * 1,097,520, is l_65 x DFLE_65; the shares are printed to 3 decimals, so the sum of
     * share x L carries a relative rounding error of at most 0.0005 / 0.29 on each term,
     * below 5e-4 overall */
    double T65 = spr_sullivan_health_expectancy(l, L, free_share, 5, 0) * l[0];
    CHECK(fabs(T65 - 1097520) / 1097520 < 5e-4, "disability-free person-years from 65: %.0f vs 1,097,520", T65);
}

static void check_closed_forms(void)
{
    double deaths[SPR_AGE_BANDS], py[SPR_AGE_BANDS], ones[SPR_AGE_BANDS], zeros[SPR_AGE_BANDS] = {0};
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        py[b] = 1000;
        deaths[b] = 100; /* m = 0.1 */
        ones[b] = 1;
    }
    spr_lifetable t;
    CHECK(spr_lifetable_build(deaths, py, &t) == 0, "life table");
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        double l_b = pow(0.6, b);
        CHECK(fabs(t.l[b] - l_b) < 1e-12, "band %d: l %.15g vs 0.6^b = %.15g", b, t.l[b], l_b);
        double L_b = b == SPR_AGE_BANDS - 1 ? l_b / 0.1 : 4 * l_b;
        CHECK(fabs(t.L[b] - L_b) < 1e-12, "band %d: L %.15g vs %.15g", b, t.L[b], L_b);
    }
    /* everyone healthy: health expectancy = life expectancy = 10; nobody healthy: 0 */
    for (int x = 0; x < SPR_AGE_BANDS; x += 5)
        CHECK(fabs(spr_sullivan_health_expectancy(t.l, t.L, ones, SPR_AGE_BANDS, x) - 10.0) < 1e-12,
              "from band %d: HLE %.15g vs 10", x, spr_sullivan_health_expectancy(t.l, t.L, ones, SPR_AGE_BANDS, x));
    CHECK(spr_sullivan_health_expectancy(t.l, t.L, zeros, SPR_AGE_BANDS, 0) == 0, "HLE with nobody healthy");
    /* healthy below band k only: 10 (1 - 0.6^k) at birth; from band k on, 0 */
    for (int k = 1; k < SPR_AGE_BANDS; k += 4) {
        double share[SPR_AGE_BANDS];
        for (int b = 0; b < SPR_AGE_BANDS; b++) share[b] = b < k ? 1.0 : 0.0;
        double hle = spr_sullivan_health_expectancy(t.l, t.L, share, SPR_AGE_BANDS, 0);
        CHECK(fabs(hle - 10 * (1 - pow(0.6, k))) < 1e-12, "healthy below band %d: %.15g vs %.15g", k, hle,
              10 * (1 - pow(0.6, k)));
        CHECK(spr_sullivan_health_expectancy(t.l, t.L, share, SPR_AGE_BANDS, k) == 0, "from band %d: not 0", k);
    }
    /* a constant healthy share h gives h x life expectancy */
    double half[SPR_AGE_BANDS];
    for (int b = 0; b < SPR_AGE_BANDS; b++) half[b] = 0.5;
    CHECK(fabs(spr_sullivan_health_expectancy(t.l, t.L, half, SPR_AGE_BANDS, 3) - 5.0) < 1e-12, "share 0.5: not 5");
    /* missing values give NaN, not a number made up */
    half[7] = NAN;
    CHECK(isnan(spr_sullivan_health_expectancy(t.l, t.L, half, SPR_AGE_BANDS, 3)), "a NaN share must give NaN");
    CHECK(!isnan(spr_sullivan_health_expectancy(t.l, t.L, half, SPR_AGE_BANDS, 8)), "a NaN share below the starting group must not matter");
    CHECK(isnan(spr_sullivan_health_expectancy(t.l, t.L, ones, SPR_AGE_BANDS, SPR_AGE_BANDS)), "group out of range");
}

int main(void)
{
    check_euroreves();
    check_closed_forms();
    TEST_MAIN_END();
}
