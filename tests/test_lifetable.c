/* The abridged life table against hand-computed values, and the life
 * table's own life expectancy against closed forms.  Fails for a real
 * defect such as the wrong separation factor a (not n/2), an open band not
 * closed by L = l/m, a missing band silently skipped, or a constant-hazard
 * person-time formula off by a part of a year. */
#include <math.h>

#include "check.h"
#include "sprsim/lifetable.h"
#include "sprsim/model.h"

int main(void)
{
    /* constant m = 0.1 in every band: nqx = 0.4, each band contributes 4 l, and
     * the open band l/m; the sum telescopes to exactly 1/m = 10 years */
    double d[SPR_AGE_BANDS], py[SPR_AGE_BANDS];
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        py[b] = 1000;
        d[b] = 100;
    }
    CHECK(fabs(spr_lifetable_abridged_ex(d, py, 0) - 10.0) < 1e-12, "e0 = %.15g", spr_lifetable_abridged_ex(d, py, 0));
    CHECK(fabs(spr_lifetable_abridged_ex(d, py, 13) - 10.0) < 1e-12, "e65");

    /* by hand: from band 19 (95-99) with m = 0.2: q = 1/1.5 = 2/3, L = 5(1/3) + 2.5(2/3) = 10/3,
     * then the open band with l = 1/3, m = 0.5: L = 2/3; e95 = 4 */
    d[19] = 200;
    d[20] = 500;
    CHECK(fabs(spr_lifetable_abridged_ex(d, py, 19) - 4.0) < 1e-12, "e95 = %.15g", spr_lifetable_abridged_ex(d, py, 19));

    /* nobody dying at 100+ (a small population): the open band is closed with the
     * 95-99 rate m = 0.2, L = (1/3) / 0.2 = 5/3, so e95 = 10/3 + 5/3 = 5 */
    d[20] = 0;
    CHECK(fabs(spr_lifetable_abridged_ex(d, py, 19) - 5.0) < 1e-12, "closed open band: e95 = %.15g",
          spr_lifetable_abridged_ex(d, py, 19));
    d[20] = 500;

    /* no exposure in a band that matters: NaN, not a made-up number, and the
     * builder says so */
    py[15] = 0;
    CHECK(isnan(spr_lifetable_abridged_ex(d, py, 13)), "missing exposure gives NaN");
    spr_lifetable t;
    CHECK(spr_lifetable_build(d, py, &t) == -1, "a band without exposure must be reported");
    /* above the gap the table goes on: from 80 with m = 0.1 for three bands (L = 4, 2.4,
     * 1.44), 0.2 at 95-99 (L = 0.216 x 10/3 = 0.72) and 0.5 at 100+ (L = 0.072 / 0.5):
     * e80 = 8.704 */
    CHECK(fabs(t.e[16] - 8.704) < 1e-12, "e80 above the gap: %.15g vs 8.704", t.e[16]);

    /* life table e_x under constant hazard: q = 1 - exp(-mu) at every age but the last
     * gives e0 = (1 - exp(-mu n)) / mu + exp(-mu n) / 24 (the last age: half a month) */
    double qx[SPR_LIFE_AGES], mu = 0.05;
    for (int a = 0; a < SPR_LIFE_AGES; a++) qx[a] = a == SPR_LIFE_AGES - 1 ? 1.0 : -expm1(-mu);
    double n = SPR_LIFE_AGES - 1;
    double expect = -expm1(-mu * n) / mu + exp(-mu * n) / 24.0;
    CHECK(fabs(spr_life_table_ex(qx, SPR_LIFE_AGES, 0) - expect) < 1e-10, "e0 %.12g vs %.12g",
          spr_life_table_ex(qx, SPR_LIFE_AGES, 0), expect);
    TEST_MAIN_END();
}
