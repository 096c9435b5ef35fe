#include "sprsim/equity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const spr_equity_outcome_info OUTCOMES[SPR_EQUITY_OUTCOMES] = {
    {"taking_part_65", "%", "taking part (%)", +1},
    {"isolated_65", "%", "isolated (%)", -1},
    {"care_need_65", "%", "care need (%)", -1},
    {"deaths_65", "per 1000 person-years", "deaths /1,000 py", -1},
    {"qalys_65", "per 1000 residents at the start", "QALYs /1,000 at start", +1},
};

const spr_equity_outcome_info *spr_equity_outcome_describe(spr_equity_outcome o) { return &OUTCOMES[o]; }

static const char *const GROUP_NAME[SPR_EQUITY_FIXED_GROUPS] = {"65+", "65+, men", "65+, women",
                                                                "65+, living with others", "65+, living alone"};
static const char *const GROUP_KEY[SPR_EQUITY_FIXED_GROUPS] = {"all", "men", "women", "living_with_others",
                                                               "living_alone"};

/* Do the two runs show the same districts (by number and name), so that they compare district by
 * district?  A policy for another municipality (scenarios/town/ against baseline) does not. */
static int same_districts(const spr_results *a, const spr_results *b)
{
    if (!spr_results_by_district(a) || !spr_results_by_district(b) || a->districts != b->districts) return 0;
    for (int d = 0; d < a->districts; d++)
        if (strcmp(a->district_name[d], b->district_name[d]) != 0) return 0;
    return 1;
}

const char *spr_equity_group_name(const spr_results *res, int g)
{
    return g < SPR_EQUITY_FIXED_GROUPS ? GROUP_NAME[g] : res->district_name[g - SPR_EQUITY_FIXED_GROUPS];
}

const char *spr_equity_group_key(int g) { return g < SPR_EQUITY_FIXED_GROUPS ? GROUP_KEY[g] : ""; }

const char *spr_equity_gap_name(spr_equity_gap k)
{
    return k == SPR_EQUITY_GAP_ALONE ? "living alone - living with others" : "women - men";
}
const char *spr_equity_gap_key(spr_equity_gap k) { return k == SPR_EQUITY_GAP_ALONE ? "gap_alone" : "gap_women"; }

/* The group's sums over the months: person-months in each state and deaths (QALYs weighted). */
typedef struct {
    double person_months, taking_part, isolated, certified, deaths, quality_months;
    double residents_at_start; /* in the period's first month */
} group_sums;

/* Is subgroup k (spr_subgroup_of) in fixed group g? */
static int subgroup_in(int g, int k)
{
    const int female = k / SPR_HOUSEHOLDS, alone = k % SPR_HOUSEHOLDS;
    switch (g) {
    case SPR_EQUITY_MEN: return !female;
    case SPR_EQUITY_WOMEN: return female;
    case SPR_EQUITY_WITH_OTHERS: return !alone;
    case SPR_EQUITY_ALONE: return alone;
    default: return 1;
    }
}

static group_sums sums_of(const spr_params *p, const spr_results *res, int r, int g, const spr_selection *sel)
{
    int m0, m1;
    spr_selection_months(res, sel, &m0, &m1);
    group_sums s = {0, 0, 0, 0, 0, 0, 0};
    if (g >= SPR_EQUITY_FIXED_GROUPS) {
        for (int m = m0; m < m1; m++) {
            const spr_district_record *d = &res->district[spr_results_district_index(res, r, m, g - SPR_EQUITY_FIXED_GROUPS)];
            s.person_months += d->population_65, s.taking_part += d->taking_part_65, s.isolated += d->isolated_65;
            s.certified += d->certified_65, s.deaths += d->deaths_65;
            if (m == m0) s.residents_at_start = d->population_65;
        }
        s.quality_months = NAN; /* no states by district */
        return s;
    }
    double u[SPR_FUNC_STATES], dementia_decrement;
    spr_measure_utilities(p, res, r, u, &dementia_decrement);
    for (int m = m0; m < m1; m++)
        for (int k = 0; k < SPR_SUBGROUPS; k++) {
            if (!subgroup_in(g, k)) continue;
            const spr_subgroup_record *c = &res->subgroup[spr_results_subgroup_index(res, r, m, k)];
            s.person_months += c->population_65, s.taking_part += c->taking_part_65, s.isolated += c->isolated_65;
            s.certified += c->certified_65, s.deaths += c->deaths_65;
            if (m == m0) s.residents_at_start += c->population_65;
            for (int f = 0; f < SPR_FUNC_STATES; f++) s.quality_months += u[f] * c->function_65[f];
            s.quality_months -= dementia_decrement * c->dementia_65;
        }
    return s;
}

static double outcome_of(const group_sums *s, spr_equity_outcome o)
{
    if (s->person_months <= 0) return NAN;
    switch (o) {
    case SPR_EQUITY_TAKING_PART: return 100.0 * s->taking_part / s->person_months;
    case SPR_EQUITY_ISOLATED: return 100.0 * s->isolated / s->person_months;
    case SPR_EQUITY_CARE_NEED: return 100.0 * s->certified / s->person_months;
    case SPR_EQUITY_DEATHS: return 1000.0 * s->deaths / (s->person_months / 12.0);
    /* QALYs lived (years gained count, as in the qalys measure) per 1,000 residents at the start */
    default: return s->residents_at_start > 0 ? 1000.0 * (s->quality_months / 12.0) / s->residents_at_start : NAN;
    }
}

double spr_equity_value(const spr_params *p, const spr_results *res, int r, int g, spr_equity_outcome o,
                        const spr_selection *sel)
{
    group_sums s = sums_of(p, res, r, g, sel);
    return outcome_of(&s, o);
}

/* order[0..n): the units from the highest risk to the lowest (an insertion sort: a few dozen
 * districts at most, and no global state shared between threads). */
static void rank_by_risk(int n, const double *risk, int *order)
{
    for (int j = 0; j < n; j++) order[j] = j;
    for (int j = 1; j < n; j++) {
        int v = order[j], k = j - 1;
        while (k >= 0 && (risk[order[k]] < risk[v] || (risk[order[k]] == risk[v] && order[k] > v))) {
            order[k + 1] = order[k];
            k--;
        }
        order[k + 1] = v;
    }
}

double spr_equity_concentration_index(int n, const double *weight, const double *benefit, const double *risk, int *order)
{
    double total = 0;
    for (int j = 0; j < n; j++) {
        if (!(weight[j] >= 0) || isnan(benefit[j]) || isnan(risk[j])) return NAN;
        total += weight[j];
    }
    if (!(total > 0)) return NAN;
    rank_by_risk(n, risk, order);
    double before = 0, mu = 0, weighted = 0;
    for (int k = 0; k < n; k++) {
        const int j = order[k];
        const double w = weight[j] / total, rank = before + w / 2;
        mu += w * benefit[j];
        weighted += w * benefit[j] * rank;
        before += w;
    }
    return mu != 0 ? 2.0 * weighted / mu - 1.0 : NAN;
}

/* Replicate r's concentration index of outcome o's benefit across the districts: each district's
 * benefit per person-month of the reference (the policy's change in the outcome's events, signed so
 * that a benefit is positive), weighted by its share of the reference's person-months 65+, ranked by
 * the reference's isolated share in the first year. */
static double concentration_in(const spr_results *policy, const spr_results *ref, int r, spr_equity_outcome o,
                               const spr_selection *sel, double *w, double *h, double *risk, int *order)
{
    const spr_selection first = {spr_period_year(0), SPR_SEX_BOTH, 0, 0};
    for (int d = 0; d < ref->districts; d++) {
        const int g = SPR_EQUITY_FIXED_GROUPS + d;
        group_sums a = sums_of(NULL, policy, r, g, sel), b = sums_of(NULL, ref, r, g, sel);
        group_sums b0 = sums_of(NULL, ref, r, g, &first);
        risk[d] = outcome_of(&b0, SPR_EQUITY_ISOLATED);
        w[d] = b.person_months;
        const double events[SPR_EQUITY_OUTCOMES][2] = {{a.taking_part, b.taking_part}, {a.isolated, b.isolated},
                                                       {a.certified, b.certified}, {a.deaths, b.deaths},
                                                       {a.quality_months, b.quality_months}};
        h[d] = b.person_months > 0 ? OUTCOMES[o].benefit_sign * (events[o][0] - events[o][1]) / b.person_months : 0;
    }
    return spr_equity_concentration_index(ref->districts, w, h, risk, order);
}

int spr_equity_compare(const spr_params *pp, const spr_results *policy, const spr_params *pr, const spr_results *ref,
                       spr_period period, spr_equity *out, spr_error *err)
{
    *out = (spr_equity){0};
    if (policy->months != ref->months)
        return spr_error_set(err, SPR_ERR_USAGE, "who benefits: the policy (%d months) and its reference (%d months) "
                             "differ in length", policy->months, ref->months);
    const int n = policy->replicates < ref->replicates ? policy->replicates : ref->replicates;
    out->by_district = same_districts(policy, ref);
    const int D = ref->districts, G = SPR_EQUITY_FIXED_GROUPS + (out->by_district ? D : 0);
    const spr_selection sel = {period, SPR_SEX_BOTH, 0, 0};
    out->groups = G;
    out->n = n;
    out->reference = calloc((size_t)G * SPR_EQUITY_OUTCOMES, sizeof *out->reference);
    out->effect = calloc((size_t)G * SPR_EQUITY_OUTCOMES, sizeof *out->effect);
    /* per replicate: each group's policy and reference values, then scratch */
    double *a = malloc(sizeof(double) * (size_t)n * (size_t)G * SPR_EQUITY_OUTCOMES);
    double *b = malloc(sizeof(double) * (size_t)n * (size_t)G * SPR_EQUITY_OUTCOMES);
    double *x = malloc(sizeof(double) * (size_t)n * 3), *scratch = malloc(sizeof(double) * (size_t)n);
    double *work = malloc(sizeof(double) * (size_t)D * 3);
    int *order = malloc(sizeof(int) * (size_t)D);
    if (!out->reference || !out->effect || !a || !b || !x || !scratch || !work || !order) {
        free(a), free(b), free(x), free(scratch), free(work), free(order);
        spr_equity_free(out);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the groups of %d replicates", n);
    }
    /* [(g * OUTCOMES + o) * n + r] */
    for (int g = 0; g < G; g++)
        for (int r = 0; r < n; r++) {
            group_sums sa = sums_of(pp, policy, r, g, &sel), sb = sums_of(pr, ref, r, g, &sel);
            for (int o = 0; o < SPR_EQUITY_OUTCOMES; o++) {
                a[((size_t)g * SPR_EQUITY_OUTCOMES + (size_t)o) * (size_t)n + (size_t)r] = outcome_of(&sa, o);
                b[((size_t)g * SPR_EQUITY_OUTCOMES + (size_t)o) * (size_t)n + (size_t)r] = outcome_of(&sb, o);
            }
        }
#define AT(v, g, o) ((v) + ((size_t)(g) * SPR_EQUITY_OUTCOMES + (size_t)(o)) * (size_t)n)
    for (int g = 0; g < G; g++)
        for (int o = 0; o < SPR_EQUITY_OUTCOMES; o++) {
            out->reference[g * SPR_EQUITY_OUTCOMES + o] = spr_interval_of(AT(b, g, o), n, scratch);
            out->effect[g * SPR_EQUITY_OUTCOMES + o] = spr_interval_paired(AT(a, g, o), AT(b, g, o), n, scratch);
        }
    static const int GAP[SPR_EQUITY_GAPS][2] = {{SPR_EQUITY_ALONE, SPR_EQUITY_WITH_OTHERS},
                                                {SPR_EQUITY_WOMEN, SPR_EQUITY_MEN}};
    for (int k = 0; k < SPR_EQUITY_GAPS; k++)
        for (int o = 0; o < SPR_EQUITY_OUTCOMES; o++) {
            /* the difference of the two groups' paired effects, replicate by replicate */
            for (int r = 0; r < n; r++)
                x[r] = (AT(a, GAP[k][0], o)[r] - AT(b, GAP[k][0], o)[r]) - (AT(a, GAP[k][1], o)[r] - AT(b, GAP[k][1], o)[r]);
            out->gap[k][o] = spr_interval_of(x, n, scratch);
        }
#undef AT
    for (int o = 0; o < SPR_EQUITY_OUTCOMES; o++) {
        if (!out->by_district || o == SPR_EQUITY_QALYS) {
            out->concentration[o] = spr_interval_of(x, 0, scratch); /* none: n = 0 */
            continue;
        }
        for (int r = 0; r < n; r++)
            x[r] = concentration_in(policy, ref, r, o, &sel, work, work + D, work + 2 * D, order);
        out->concentration[o] = spr_interval_of(x, n, scratch);
    }
    free(a), free(b), free(x), free(scratch), free(work), free(order);
    return SPR_OK;
}

void spr_equity_free(spr_equity *e)
{
    free(e->reference);
    free(e->effect);
    e->reference = e->effect = NULL;
}
