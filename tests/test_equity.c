/* Who benefits (analysis/equity.c and the engine's subgroup and district series):
 *  - the concentration index against hand-computed values (grouped data, unequal weights given out
 *    of rank order, a benefit spread in proportion, one held by the least-at-risk district, none);
 *  - conservation: month by month, the subgroups (sex x household, 65+) add up to the counts by
 *    sex and band for 65+ (residents, isolated, dementia, certified, taking part, deaths, and their
 *    functional states to the residents), the districts' deaths 65+ to the deaths 65+, and the QALYs
 *    of the group of all 65+ to the qalys measure over bands 65+;
 *  - a scenario against itself has no effect anywhere; the example town under the dual cycle against
 *    the same town with no health effect (effects.structure=none) has an effect in the group of all
 *    65+ equal to the difference of the shares computed from the counts by sex and band, and the
 *    gap equals the difference of the two groups' effects; against a run with other districts it
 *    compares the groups by sex and household only.
 * usage: test_equity SOURCE_DIR */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/equity.h"
#include "sprsim/measures.h"

static void check_concentration_index(void)
{
    int order[3];
    /* equal weights, benefits 3, 2, 1 from the highest risk down: ranks 1/6, 1/2, 5/6, mean 2,
     * C = 2 cov(h, R) / mu = 2 (1/3) [(1)(-1/3) + 0 + (-1)(1/3)] / 2 = -2/9 */
    const double w1[3] = {1, 1, 1}, h1[3] = {3, 2, 1}, r1[3] = {0.3, 0.2, 0.1};
    double c = spr_equity_concentration_index(3, w1, h1, r1, order);
    CHECK(fabs(c - (-2.0 / 9.0)) < 1e-12, "equal weights: C %.15f, by hand -2/9", c);
    /* weights 0.2, 0.5, 0.3 given out of order: ranked by risk unit 1 (R 0.25, h 4), unit 2 (R 0.65,
     * h 2), unit 0 (R 0.9, h 1); mu = 2 + 0.6 + 0.2 = 2.8, sum w h R = 0.5 + 0.39 + 0.18 = 1.07,
     * C = 2 x 1.07 / 2.8 - 1 = -0.2357142857... */
    const double w2[3] = {0.2, 0.5, 0.3}, h2[3] = {1, 4, 2}, r2[3] = {0.1, 0.3, 0.2};
    c = spr_equity_concentration_index(3, w2, h2, r2, order);
    CHECK(fabs(c - (2 * 1.07 / 2.8 - 1)) < 1e-12, "unequal weights out of order: C %.15f, by hand %.15f", c,
          2 * 1.07 / 2.8 - 1);
    /* weights need not sum to 1: the same in person-months */
    const double w3[3] = {2000, 5000, 3000};
    double c3 = spr_equity_concentration_index(3, w3, h2, r2, order);
    CHECK(fabs(c3 - c) < 1e-12, "weights in person-months give the same C (%.15f, %.15f)", c3, c);
    /* the same benefit per person everywhere: 0 */
    const double h4[3] = {0.5, 0.5, 0.5};
    c = spr_equity_concentration_index(3, w2, h4, r2, order);
    CHECK(fabs(c) < 1e-12, "a benefit in proportion to the residents: C %.3g", c);
    /* all of it in the district least at risk (unit 0, weight 0.2): 2 (1 - 0.1) - 1 = 0.8 */
    const double h5[3] = {1, 0, 0};
    c = spr_equity_concentration_index(3, w2, h5, r2, order);
    CHECK(fabs(c - 0.8) < 1e-12, "all in the least-at-risk district: C %.15f, by hand 0.8", c);
    /* no benefit at all, or a negative weight: undefined */
    const double h6[3] = {0, 0, 0}, w6[3] = {1, -1, 1};
    CHECK(isnan(spr_equity_concentration_index(3, w2, h6, r2, order)), "no benefit: NaN");
    CHECK(isnan(spr_equity_concentration_index(3, w6, h2, r2, order)), "a negative weight: NaN");
}

static int64_t total_65(const spr_results *res, int r, int m, spr_indicator ind)
{
    return spr_results_total(res, r, m, ind, SPR_BAND_65, SPR_AGE_BANDS);
}

static void check_conservation(const spr_params *p, const spr_results *res)
{
    int bad = 0, bad_d = 0;
    for (int r = 0; r < res->replicates; r++)
        for (int m = 0; m < res->months; m++) {
            int64_t pop = 0, iso = 0, dem = 0, cert = 0, part = 0, deaths = 0, func[SPR_FUNC_STATES] = {0}, ddeaths = 0;
            for (int k = 0; k < SPR_SUBGROUPS; k++) {
                const spr_subgroup_record *g = &res->subgroup[spr_results_subgroup_index(res, r, m, k)];
                int64_t f = 0;
                for (int j = 0; j < SPR_FUNC_STATES; j++) f += g->function_65[j], func[j] += g->function_65[j];
                bad += f != g->population_65;
                pop += g->population_65, iso += g->isolated_65, dem += g->dementia_65, cert += g->certified_65;
                part += g->taking_part_65, deaths += g->deaths_65;
            }
            for (int d = 0; d < res->districts; d++) ddeaths += res->district[spr_results_district_index(res, r, m, d)].deaths_65;
            bad += pop != total_65(res, r, m, SPR_IND_POPULATION);
            bad += iso != total_65(res, r, m, SPR_IND_ISOLATED);
            bad += dem != total_65(res, r, m, SPR_IND_DEMENTIA);
            bad += part != total_65(res, r, m, SPR_IND_PARTICIPANTS);
            bad += deaths != total_65(res, r, m, SPR_IND_DEATHS);
            bad += cert != total_65(res, r, m, SPR_IND_SUPPORT) + total_65(res, r, m, SPR_IND_CARE12) +
                               total_65(res, r, m, SPR_IND_CARE35);
            for (int j = 0; j < SPR_FUNC_STATES; j++) bad += func[j] != total_65(res, r, m, SPR_IND_INDEPENDENT + j);
            bad_d += ddeaths != total_65(res, r, m, SPR_IND_DEATHS);
        }
    CHECK(bad == 0, "the subgroups add up to the counts by sex and band, 65+, every month (%d differences)", bad);
    CHECK(bad_d == 0, "the districts' deaths 65+ add up to the deaths 65+, every month (%d differences)", bad_d);
    int64_t deaths = 0;
    for (int m = 0; m < res->months; m++) deaths += total_65(res, 0, m, SPR_IND_DEATHS);
    CHECK(deaths > 0, "deaths 65+ happen (%lld), so the check could fail", (long long)deaths);
    /* QALYs: the group of all 65+ (per 1,000 residents at the start) times its residents at the start =
     * the qalys measure */
    const spr_selection sel = {spr_period_projection(), SPR_SEX_BOTH, SPR_BAND_65, SPR_AGE_BANDS};
    for (int r = 0; r < res->replicates; r++) {
        double start = (double)total_65(res, r, 0, SPR_IND_POPULATION);
        double q = spr_equity_value(p, res, r, SPR_EQUITY_ALL, SPR_EQUITY_QALYS, &sel) / 1000.0 * start;
        double want = spr_measure_value(spr_measure_find("qalys"), p, res, r, &sel);
        /* the same products summed in another order: a few ulps of a sum of ~1e5 */
        CHECK(fabs(q - want) < 1e-9 * want, "replicate %d: QALYs 65+ by group %.6f, by the qalys measure %.6f", r, q, want);
    }
}

/* The isolated share of person-months 65+ from the counts by sex and band, over the projection. */
static double isolated_share(const spr_results *res, int r)
{
    double iso = 0, pop = 0;
    for (int m = 0; m < res->months; m++)
        iso += (double)total_65(res, r, m, SPR_IND_ISOLATED), pop += (double)total_65(res, r, m, SPR_IND_POPULATION);
    return 100.0 * iso / pop;
}

static void check_comparison(const spr_params *pp, const spr_results *policy, const spr_params *pr, const spr_results *ref)
{
    spr_equity e, same;
    spr_error err;
    CHECK(spr_equity_compare(pp, policy, pp, policy, spr_period_projection(), &same, &err) == SPR_OK, "against itself");
    int zero = 1;
    for (int g = 0; g < same.groups; g++)
        for (int o = 0; o < SPR_EQUITY_OUTCOMES; o++) {
            const spr_interval *iv = &same.effect[g * SPR_EQUITY_OUTCOMES + o];
            zero &= iv->n == 0 || iv->mean == 0;
        }
    CHECK(zero, "a scenario against itself: no effect in any group");
    CHECK(same.by_district && same.concentration[SPR_EQUITY_ISOLATED].n == 0,
          "against itself: no benefit, no concentration index (%d values)", same.concentration[SPR_EQUITY_ISOLATED].n);
    spr_equity_free(&same);

    CHECK(spr_equity_compare(pp, policy, pr, ref, spr_period_projection(), &e, &err) == SPR_OK, "%s", err.msg);
    CHECK(e.groups == SPR_EQUITY_FIXED_GROUPS + policy->districts, "five groups and the districts (%d)", e.groups);
    double d = 0;
    for (int r = 0; r < e.n; r++) d += isolated_share(policy, r) - isolated_share(ref, r);
    d /= e.n;
    const spr_interval iso = e.effect[SPR_EQUITY_ALL * SPR_EQUITY_OUTCOMES + SPR_EQUITY_ISOLATED];
    CHECK(fabs(iso.mean - d) < 1e-9, "isolation, all 65+: effect %.6f points, from the counts %.6f", iso.mean, d);
    CHECK(iso.hi < 0, "the dual cycle's health effects lower isolation [%.3f, %.3f]", iso.lo, iso.hi);
    const spr_interval *alone = &e.effect[SPR_EQUITY_ALONE * SPR_EQUITY_OUTCOMES + SPR_EQUITY_ISOLATED];
    const spr_interval *others = &e.effect[SPR_EQUITY_WITH_OTHERS * SPR_EQUITY_OUTCOMES + SPR_EQUITY_ISOLATED];
    const spr_interval *gap = &e.gap[SPR_EQUITY_GAP_ALONE][SPR_EQUITY_ISOLATED];
    CHECK(fabs(gap->mean - (alone->mean - others->mean)) < 1e-9, "the gap %.6f is alone %.6f - with others %.6f",
          gap->mean, alone->mean, others->mean);
    const spr_interval *ci = &e.concentration[SPR_EQUITY_ISOLATED];
    CHECK(ci->n == e.n && ci->mean > -1 && ci->mean < 1, "a concentration index of isolation averted in (-1, 1): %.3f",
          ci->mean);
    CHECK(e.concentration[SPR_EQUITY_QALYS].n == 0, "no QALYs by district");
    spr_equity_free(&e);
}

int main(int argc, char **argv)
{
    check_concentration_index();
    if (argc < 2) {
        fprintf(stderr, "usage: test_equity SOURCE_DIR\n");
        return 2;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/town/town.yaml", argv[1]);
    const char *sets[] = {"simulation.years=3", "simulation.replicates=3"};
    const char *sets_none[] = {"simulation.years=3", "simulation.replicates=3", "effects.structure=none"};
    spr_params pp, pr;
    spr_results *policy = run_scenario(path, sets, 2, 0, &pp);
    spr_results *ref = run_scenario(path, sets_none, 3, 0, &pr);
    CHECK(policy != NULL && ref != NULL, "runs");
    if (policy && ref) {
        check_conservation(&pp, policy);
        check_comparison(&pp, policy, &pr, ref);
    }
    /* a policy for the town against the national baseline's statistical districts: compared by sex and
     * household only (a report of such a run failed with "differ in shape" before) */
    snprintf(path, sizeof path, "%s/scenarios/baseline.yaml", argv[1]);
    const char *sets_national[] = {"simulation.years=3", "simulation.replicates=3", "simulation.population=20000"};
    spr_params pn;
    spr_results *national = run_scenario(path, sets_national, 3, 0, &pn);
    CHECK(national != NULL, "national run");
    if (policy && national) {
        spr_equity e;
        spr_error err;
        int rc = spr_equity_compare(&pp, policy, &pn, national, spr_period_projection(), &e, &err);
        CHECK(rc == SPR_OK, "the town against other districts: %s", rc == SPR_OK ? "compared" : err.msg);
        if (rc == SPR_OK) {
            CHECK(e.groups == SPR_EQUITY_FIXED_GROUPS && !e.by_district, "no district groups (%d groups)", e.groups);
            spr_equity_free(&e);
        }
    }
    spr_results_destroy(national);
    spr_results_destroy(policy);
    spr_results_destroy(ref);
    TEST_MAIN_END();
}
