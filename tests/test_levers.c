/* The policy levers of issue 12 (docs/ODD.md 7.12), each against an
 * independent check of what it should change.
 *
 * Cognitive check: over a run, the flagged count must equal
 *     offered x uptake/12 x (sensitivity x prevalence + (1 - specificity) x (1 - prevalence))
 * within Monte-Carlo error, the prevalence being that among those checked,
 * from the model's own counts; the checks offered are the resident-months of
 * residents old enough (each month a resident is checked with probability
 * uptake / 12).  Conditional on the counts of offered residents, each is
 * flagged independently with that probability, so the flagged count is
 * binomial: the tolerance is 4 binomial standard errors (a false failure about
 * once in 16,000 runs).  The lever's default changes nothing (a run with it off
 * equals one without the section), and its cost is checks x cost.
 *
 * Risk-based targeting: the outreach sent to districts by risk keeps the
 * events (the awareness they add, weighted by residents 65+, is the even
 * spread's) and gives more to districts with more residents 65+ isolated or
 * living alone, counted here from the population; targeting_risk.yaml against
 * targeting_uniform.yaml has the same budget (link workers and outreach, every
 * month, exactly), refers the high-risk group more (the tilt doubles their
 * referral probability), and about as many residents in all (the others'
 * probabilities are lowered to keep the expected referrals).
 *
 * Incentives: with the payment per clinic referral, clinic referrals rise by
 * the assumed factor.  Checked in the first months, before the extra
 * referrals have thinned the pool of residents who can be referred: with
 * common random numbers a resident referred without the payment is referred
 * with it, and the extra referrals are roughly Poisson with mean (factor - 1)
 * x the referrals without (each visit's probability is small, so the factor
 * on the rate is a factor on the probability); 4 of its standard errors.  The
 * incentive cost is the payments times the clinic referrals and the clients
 * settled during the month, exactly.
 *
 * Interview support: the link workers' caseload places are those of
 * max_caseload x session / (session - minutes saved), each worker's share of
 * a full post rounded down, computed here from the teams' FTE; the licence
 * costs FTE x licence / 12 a month.
 *
 * Professionalisation: after the training months the take-up of a place
 * offered is engage_probability x engage_factor.  Each client offered a
 * fitting place decides once (settled or dropped out: took it; declined), so
 * among cases closed with a decision the share that took the place estimates
 * the take-up: before the training months it is engage_probability, for
 * cases closed from 4 months after (cases last 12 weeks) the product; 4
 * binomial standard errors (the few clients who die in a case after deciding
 * are left out on both sides alike).
 *
 * Private companies and NPOs: the groups' public cost by who runs them adds
 * up to the groups' cost every month (a conservation check); with NPOs
 * opening half of the budget's groups, the first December's opening (before
 * the runs differ: the groups open at the end of the month) costs the budget
 * whole new-group costs less (at most half the groups opened), the same number
 * of groups opens, and the NPOs' own cost appears once their groups have
 * participants. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/model.h"
#include "sprsim/population.h"
#include "sprsim/programme.h"

static char scenarios[1024];

static const char *scenario(const char *file)
{
    static char path[1200];
    snprintf(path, sizeof path, "%s/%s", scenarios, file);
    return path;
}

/* The programme's month records of two runs are the same, every replicate and month. */
static int same_programme(const spr_results *a, const spr_results *b)
{
    if (a->replicates != b->replicates || a->months != b->months) return 0;
    return memcmp(a->programme, b->programme, sizeof *a->programme * (size_t)a->replicates * (size_t)a->months) == 0;
}

/* Runs scenarios/file with the overrides on 2 threads; says so when it fails (NULL). */
static spr_results *run_lever(const char *file, const char *const *sets, int n_sets, spr_params *p)
{
    spr_results *res = run_scenario(scenario(file), sets, n_sets, 2, p);
    CHECK(res != NULL, "scenarios/%s failed to run (message above)", file);
    return res;
}

/* Whether both runs of a comparison ran; if not, says so and frees the one that did. */
static int both_ran(spr_results *a, spr_results *b, const char *what)
{
    CHECK(a != NULL && b != NULL, "the %s scenarios failed to run (message above)", what);
    if (a != NULL && b != NULL) return 1;
    spr_results_destroy(a);
    spr_results_destroy(b);
    return 0;
}

static void cognitive_check(void)
{
    const double uptake = 0.3, sens = 0.85, spec = 0.90, cost = 3000;
    const char *sets[] = {"simulation.population=20000", "simulation.years=4", "simulation.replicates=2",
                          "simulation.check_invariants=true"};
    spr_params p;
    spr_results *res = run_lever("cognitive_check.yaml", sets, 4, &p);
    if (res == NULL) return;
    CHECK(p.cc_uptake == uptake && p.cc_sensitivity == sens && p.cc_specificity == spec && p.cc_cost_yen == cost,
          "scenarios/cognitive_check.yaml no longer has the values this test assumes");
    int64_t offered = 0, checked = 0, dementia = 0, flagged = 0, flagged_dem = 0, referred = 0, to_group = 0;
    double cost_yen = 0, cost_expected = 0;
    for (size_t k = 0; k < (size_t)res->replicates * (size_t)res->months; k++) {
        const spr_cognitive_checks *c = &res->programme[k].checks;
        offered += c->eligible;
        checked += c->checked;
        dementia += c->checked_dementia;
        flagged += c->flagged;
        flagged_dem += c->flagged_dementia;
        referred += c->referred;
        to_group += c->to_group;
        cost_yen += res->programme[k].cost_cognitive_checks_yen;
        cost_expected += c->checked * cost;
    }
    const double prev = checked > 0 ? (double)dementia / (double)checked : 0;
    const double q = uptake / 12.0 * (sens * prev + (1 - spec) * (1 - prev));
    const double want = (double)offered * q, se = sqrt((double)offered * q * (1 - q));
    printf("cognitive check: %lld offered, %lld checked (%.1f%% with dementia), %lld flagged (expected %.1f, SE %.1f), "
           "%lld referred, %lld to a group\n",
           (long long)offered, (long long)checked, 100 * prev, (long long)flagged, want, se, (long long)referred,
           (long long)to_group);
    CHECK(fabs((double)flagged - want) <= 4 * se, "flagged %lld, expected %.1f (4 SE = %.1f)", (long long)flagged, want,
          4 * se);
    /* checks: binomial(offered, uptake / 12) */
    const double pc = uptake / 12.0, se_c = sqrt((double)offered * pc * (1 - pc));
    CHECK(fabs((double)checked - (double)offered * pc) <= 4 * se_c, "checked %lld of %lld offered, expected %.1f (SE %.1f)",
          (long long)checked, (long long)offered, offered * pc, se_c);
    /* sensitivity among those with dementia: binomial(dementia, sens) */
    const double se_s = sqrt((double)dementia * sens * (1 - sens));
    CHECK(dementia > 100 && fabs((double)flagged_dem - dementia * sens) <= 4 * se_s,
          "flagged with dementia %lld of %lld, expected %.1f (SE %.1f)", (long long)flagged_dem, (long long)dementia,
          dementia * sens, se_s);
    CHECK(referred > 0 && referred <= flagged, "referred %lld of %lld flagged", (long long)referred, (long long)flagged);
    CHECK(to_group > 0, "no flagged resident asked to join a group");
    CHECK(cost_yen == cost_expected, "cost %.0f, checks x cost %.0f", cost_yen, cost_expected);
    spr_results_destroy(res);

    /* the default switches it off: dual_cycle with the section's defaults, and with uptake 0, are dual_cycle */
    const char *off[] = {"simulation.population=20000", "simulation.years=2", "simulation.replicates=1",
                         "cognitive_check.uptake=0"};
    spr_results *a = run_scenario(scenario("dual_cycle.yaml"), off, 3, 2, NULL);
    spr_results *b = run_scenario(scenario("cognitive_check.yaml"), off, 4, 2, NULL);
    CHECK(a != NULL && b != NULL && same_programme(a, b), "the cognitive check with uptake 0 changed the programme");
    int64_t any = 0;
    for (int m = 0; a != NULL && m < a->months; m++) any += a->programme[m].checks.eligible;
    CHECK(any == 0, "a run without the check service counted %lld residents offered it", (long long)any);
    spr_results_destroy(a);
    spr_results_destroy(b);
}

/* The outreach by district in the example town, whose districts differ in living alone (its districts
 * file): even without targeting, by risk with it. */
static void targeted_outreach(void)
{
    const char *sets[] = {"population_approach.outreach_events_per_year=24", "targeting.outreach_share=1"};
    spr_scenario sc;
    spr_error err;
    char path[1200];
    snprintf(path, sizeof path, "%s/town/town.yaml", scenarios);
    if (load_with_sets(path, sets, 2, &sc, &err) != SPR_OK) {
        CHECK(0, "%s", err.msg);
        return;
    }
    spr_params *p = &sc.params;
    spr_model *M = NULL;
    spr_population *pop = spr_population_create(0);
    spr_rng_key key = {(uint64_t)p->seed, 0};
    spr_programme *even = NULL, *risk = NULL;
    int ok = spr_model_create(p, &M, &err) == SPR_OK && pop != NULL &&
             spr_population_synthesise(pop, p, M, key, &err) == SPR_OK &&
             spr_programme_create(p, M, pop, key, &risk, &err) == SPR_OK;
    spr_params uniform = *p;
    uniform.targeting_outreach_share = 0;
    ok = ok && spr_programme_create(&uniform, M, pop, key, &even, &err) == SPR_OK;
    CHECK(ok, "town programme: %s", err.msg);
    if (ok) {
        static double n65[SPR_MAX_DISTRICTS], at_risk[SPR_MAX_DISTRICTS];
        for (size_t i = 0; i < pop->n; i++) {
            if (pop->age_months[i] < 65 * 12) continue;
            n65[pop->district[i]] += 1;
            at_risk[pop->district[i]] += spr_state_isolated(pop->state[i]) || spr_state_alone(pop->state[i]);
        }
        double added_even = 0, added_risk = 0;
        int lo = 0, hi = 0, uniform_ok = 1;
        for (int d = 0; d < p->districts; d++) {
            added_even += n65[d] * (spr_programme_awareness(even, d) - p->pa_awareness);
            added_risk += n65[d] * (spr_programme_awareness(risk, d) - p->pa_awareness);
            uniform_ok &= spr_programme_awareness(even, d) == spr_programme_awareness(even, 0);
            if (at_risk[d] / n65[d] < at_risk[lo] / n65[lo]) lo = d;
            if (at_risk[d] / n65[d] > at_risk[hi] / n65[hi]) hi = d;
        }
        printf("targeted outreach: awareness %.4f (even) -> %.4f in the district most at risk (%.1f%% of 65+), %.4f in "
               "the least (%.1f%%)\n",
               spr_programme_awareness(even, hi), spr_programme_awareness(risk, hi), 100 * at_risk[hi] / n65[hi],
               spr_programme_awareness(risk, lo), 100 * at_risk[lo] / n65[lo]);
        CHECK(uniform_ok, "without targeting every district has the same awareness");
        /* the same events: the awareness added, weighted by residents 65+, is the same (rounding only) */
        CHECK(fabs(added_risk - added_even) <= 1e-9 * added_even, "awareness added %.6f by risk, %.6f even", added_risk,
              added_even);
        CHECK(spr_programme_awareness(risk, hi) > spr_programme_awareness(even, hi) &&
                  spr_programme_awareness(risk, lo) < spr_programme_awareness(even, lo),
              "the outreach moves from the district least at risk to the one most at risk");
    }
    spr_programme_destroy(even);
    spr_programme_destroy(risk);
    spr_population_destroy(pop);
    spr_model_destroy(M);
    spr_scenario_free(&sc);
}

/* targeting_risk against targeting_uniform: the same budget, more referrals of the high-risk group. */
static void targeted_referrals(void)
{
    const char *sets[] = {"simulation.population=20000", "simulation.years=5", "simulation.replicates=2"};
    spr_results *u = run_scenario(scenario("targeting_uniform.yaml"), sets, 3, 2, NULL);
    spr_results *r = run_scenario(scenario("targeting_risk.yaml"), sets, 3, 2, NULL);
    if (!both_ran(u, r, "targeting")) return;
    int same_budget = 1;
    double cost_u = 0, hr[2] = {0, 0}, all[2] = {0, 0};
    for (size_t k = 0; k < (size_t)u->replicates * (size_t)u->months; k++) {
        const spr_programme_month *a = &u->programme[k], *b = &r->programme[k];
        same_budget &= a->cost_link_workers_yen == b->cost_link_workers_yen && a->cost_outreach_yen == b->cost_outreach_yen;
        cost_u += a->cost_link_workers_yen + a->cost_outreach_yen;
        hr[0] += a->referrals_high_risk;
        hr[1] += b->referrals_high_risk;
        for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) all[0] += a->referrals[s], all[1] += b->referrals[s];
    }
    printf("targeted referrals: high-risk %.0f uniform, %.0f targeted; all %.0f and %.0f; link workers and outreach "
           "%.0f yen in each\n", hr[0], hr[1], all[0], all[1], cost_u);
    CHECK(same_budget && cost_u > 0, "link-worker and outreach costs differ between uniform and targeted");
    /* counts of rare events, roughly Poisson: 4 SE of a difference of two (the runs share random
     * numbers, so their difference varies less: conservative) */
    CHECK(hr[1] - hr[0] > 4 * sqrt(hr[0] + hr[1]), "high-risk referrals %.0f targeted vs %.0f uniform", hr[1], hr[0]);
    CHECK(fabs(all[1] - all[0]) <= 4 * sqrt(all[0] + all[1]), "referrals %.0f targeted vs %.0f uniform (expected the same)",
          all[1], all[0]);
    spr_results_destroy(u);
    spr_results_destroy(r);
}

static void incentives(void)
{
    const char *sets[] = {"simulation.population=100000", "simulation.years=1", "simulation.replicates=2"};
    const char *unpaid[] = {"simulation.population=100000", "simulation.years=1", "simulation.replicates=2",
                            "incentives.clinic_payment_yen=0", "incentives.settled_payment_yen=0"};
    spr_params p;
    spr_results *with = run_scenario(scenario("incentives.yaml"), sets, 3, 2, &p);
    spr_results *without = run_scenario(scenario("incentives.yaml"), unpaid, 5, 2, NULL);
    if (!both_ran(with, without, "incentives")) return;
    const double factor = p.inc_clinic_referral_factor;
    double n0 = 0, n1 = 0, cost_without = 0;
    int exact = 1;
    for (int r = 0; r < with->replicates; r++)
        for (int m = 0; m < with->months; m++) {
            const spr_programme_month *a = &with->programme[(size_t)r * (size_t)with->months + (size_t)m];
            const spr_programme_month *b = &without->programme[(size_t)r * (size_t)with->months + (size_t)m];
            if (m < 3) n1 += a->referrals[SPR_SRC_CLINIC], n0 += b->referrals[SPR_SRC_CLINIC];
            const int64_t settled_before = m > 0 ? a[-1].outcomes[SPR_OUT_SETTLED] : 0;
            const double want = a->referrals[SPR_SRC_CLINIC] * p.inc_clinic_payment_yen +
                                (double)(a->outcomes[SPR_OUT_SETTLED] - settled_before) * p.inc_settled_payment_yen;
            const double paid = a->cost_clinic_payments_yen + a->cost_settled_payments_yen;
            if (paid != want) {
                if (exact) fprintf(stderr, "replicate %d month %d: incentive cost %.0f, payments %.0f\n", r, m, paid,
                                   want);
                exact = 0;
            }
            cost_without += b->cost_clinic_payments_yen + b->cost_settled_payments_yen;
        }
    const double se = sqrt(n0 * (factor - 1));
    printf("incentives: clinic referrals in the first 3 months %.0f without the payment, %.0f with (factor %.2f: "
           "expected %.1f, SE %.1f)\n", n0, n1, factor, factor * n0, se);
    CHECK(n0 > 100 && fabs(n1 - factor * n0) <= 4 * se, "clinic referrals %.0f with the payment, %.0f without, factor %g",
          n1, n0, factor);
    CHECK(exact, "incentive cost = payment x clinic referrals + payment x clients settled, every month");
    CHECK(cost_without == 0, "incentive cost %.0f without payments", cost_without);
    spr_results_destroy(with);
    spr_results_destroy(without);
}

/* The caseload places of link workers with fte full-time equivalents (whole posts and a part-time
 * remainder, as the queue has them) at a caseload of per_fte clients. */
static int places_of(double fte, double per_fte)
{
    int places = 0;
    for (int w = 0; w < (int)ceil(fte - 1e-9); w++) places += (int)floor(fmin(1.0, fte - w) * per_fte + 1e-9);
    return places;
}

static void interview_support(void)
{
    const char *sets[] = {"simulation.population=100000", "simulation.years=1", "simulation.replicates=1"};
    spr_params p;
    spr_results *res = run_lever("interview_support.yaml", sets, 3, &p);
    if (res == NULL) return;
    const double per_fte = p.lw_max_caseload * p.is_session_minutes / (p.is_session_minutes - p.is_minutes_saved);
    int want = 0;
    for (int t = 0; t < spr_programme_teams(&p); t++) want += places_of(spr_programme_team_fte(&p, t), per_fte);
    const int before = places_of(spr_programme_fte(&p), p.lw_max_caseload);
    printf("interview support: %d caseload places (%g FTE x %.1f; %d without the tool)\n", res->programme[0].places,
           spr_programme_fte(&p), per_fte, before);
    CHECK(res->programme[0].places == want && want > before, "caseload places %d, the formula's %d (%d without)",
          res->programme[0].places, want, before);
    const double licence = spr_programme_fte(&p) * p.is_licence_yen_per_fte_year / 12.0;
    CHECK(res->programme[0].cost_interview_support_yen == licence && licence > 0, "licence %.0f a month, expected %.0f",
          res->programme[0].cost_interview_support_yen, licence);
    spr_results_destroy(res);
}

/* The share of cases closed in months [m0, m1) (cumulative outcomes) that took the place offered. */
static double took_place(const spr_results *res, int r, int m0, int m1, double *n)
{
    const spr_programme_month *pm = &res->programme[(size_t)r * (size_t)res->months];
    const int64_t *a = m0 > 0 ? pm[m0 - 1].outcomes : NULL, *b = pm[m1 - 1].outcomes;
    double took = (double)(b[SPR_OUT_SETTLED] + b[SPR_OUT_DROPPED]), declined = (double)b[SPR_OUT_DECLINED];
    if (a != NULL) took -= (double)(a[SPR_OUT_SETTLED] + a[SPR_OUT_DROPPED]), declined -= (double)a[SPR_OUT_DECLINED];
    *n = took + declined;
    return *n > 0 ? took / *n : 0;
}

static void professionalisation(void)
{
    const char *sets[] = {"simulation.population=100000", "simulation.years=4", "simulation.replicates=1"};
    spr_params p;
    spr_results *res = run_lever("professionalisation.yaml", sets, 3, &p);
    if (res == NULL) return;
    const int trained = (int)p.pro_training_months;
    double n_before = 0, n_after = 0;
    const double before = took_place(res, 0, 0, trained, &n_before), after = took_place(res, 0, trained + 4, res->months, &n_after);
    const double q0 = p.lw_engage_probability, q1 = fmin(1.0, q0 * p.pro_engage_factor);
    const double se0 = sqrt(q0 * (1 - q0) / n_before), se1 = sqrt(q1 * (1 - q1) / n_after);
    printf("professionalisation: took the place offered %.3f of %.0f before training (%.3f, SE %.3f), %.3f of %.0f "
           "after (%.3f, SE %.3f)\n", before, n_before, q0, se0, after, n_after, q1, se1);
    CHECK(n_before > 50 && fabs(before - q0) <= 4 * se0, "take-up before training %.3f, expected %.3f", before, q0);
    CHECK(n_after > 50 && fabs(after - q1) <= 4 * se1, "take-up after training %.3f, expected %.3f", after, q1);
    double cost = 0;
    for (int m = 0; m < res->months; m++) cost += res->programme[m].cost_training_yen;
    const double want = spr_programme_fte(&p) * p.pro_training_yen_per_fte;
    CHECK(fabs(cost - want) <= 1e-9 * want && res->programme[trained].cost_training_yen == 0 &&
              res->programme[trained - 1].cost_training_yen > 0,
          "training cost %.0f over the first %d months, expected %.0f", cost, trained, want);
    spr_results_destroy(res);
}

/* The drop-out of link workers' placed participants per month at risk, with a constant drop-out rate
 * (no early drop-out, no loop 2): 1 - exp(-rate/12) before the training and 1 - exp(-rate x factor/12)
 * after it, each within 4 binomial standard errors (a two-year training and a factor of 0.5, so that
 * both periods have enough placed participants to tell the factor from none). */
static double placed_dropout(const spr_results *res, int m0, int m1, double *at_risk)
{
    double dropped = 0;
    *at_risk = 0;
    for (int m = m0; m < m1; m++) {
        *at_risk += res->programme[m].placed_at_risk;
        dropped += res->programme[m].placed_dropouts;
    }
    return *at_risk > 0 ? dropped / *at_risk : NAN;
}

static void professionalisation_dropout(void)
{
    const char *sets[] = {"simulation.population=100000", "simulation.years=4", "simulation.replicates=1",
                          "resources.dropout_early_rate=0", "resources.dropout_rate=1.2",
                          "professionalisation.training_months=24", "professionalisation.dropout_factor=0.5"};
    spr_params p;
    spr_results *res = run_lever("professionalisation.yaml", sets, 7, &p);
    if (res == NULL) return;
    const int trained = (int)p.pro_training_months;
    double n0 = 0, n1 = 0;
    const double before = placed_dropout(res, 0, trained, &n0), after = placed_dropout(res, trained, res->months, &n1);
    const double q0 = -expm1(-p.res_dropout_rate / 12), q1 = -expm1(-p.res_dropout_rate * p.pro_dropout_factor / 12);
    const double se0 = sqrt(q0 * (1 - q0) / n0), se1 = sqrt(q1 * (1 - q1) / n1);
    printf("professionalisation: placed participants dropped out %.4f a month of %.0f at risk before training (%.4f, "
           "SE %.4f), %.4f of %.0f after (%.4f, SE %.4f)\n", before, n0, q0, se0, after, n1, q1, se1);
    CHECK(n0 > 1000 && fabs(before - q0) <= 4 * se0, "drop-out before training %.4f, expected %.4f", before, q0);
    CHECK(n1 > 1000 && fabs(after - q1) <= 4 * se1, "drop-out after training %.4f, expected %.4f", after, q1);
    CHECK(fabs(q1 - q0) > 4 * hypot(se0, se1), "the test can tell the factor %.2f from none", p.pro_dropout_factor);
    spr_results_destroy(res);
}

static void providers(void)
{
    const char *sets[] = {"simulation.population=50000", "simulation.years=3", "simulation.replicates=1"};
    const char *none[] = {"simulation.population=50000", "simulation.years=3", "simulation.replicates=1",
                          "providers.share=0"};
    spr_params p;
    spr_results *with = run_scenario(scenario("providers.yaml"), sets, 3, 2, &p);
    spr_results *without = run_scenario(scenario("providers.yaml"), none, 4, 2, NULL);
    if (!both_ran(with, without, "providers")) return;
    int adds_up = 1;
    double own = 0, own_without = 0;
    for (int m = 0; m < with->months; m++) {
        for (int k = 0; k < 2; k++) {
            const spr_programme_month *pm = &(k ? without : with)->programme[m];
            double sum = 0;
            for (int v = 0; v < SPR_PROVIDERS; v++) sum += pm->cost_resources_by_provider_yen[v];
            adds_up &= fabs(sum - pm->cost_resources_yen) <= 1e-9 * pm->cost_resources_yen;
        }
        own += with->programme[m].cost_providers_own_yen;
        own_without += without->programme[m].cost_providers_own_yen;
    }
    CHECK(adds_up, "the groups' cost by provider does not add up to their cost");
    const spr_programme_month *a = &with->programme[11], *b = &without->programme[11];
    const double saved = (b->cost_resources_yen - a->cost_resources_yen) / p.res_new_group_cost_yen;
    printf("providers: first December %d groups opened with NPOs, %d without; %.2f new-group costs saved; NPOs' own "
           "cost %.0f yen over the run\n", a->groups_opened, b->groups_opened, saved, own);
    CHECK(a->groups_opened == b->groups_opened && a->groups_opened > 0, "groups opened %d with NPOs, %d without",
          a->groups_opened, b->groups_opened);
    /* every other budget group is the NPOs' (volunteers' salons also count among the groups opened) */
    CHECK(saved >= 1 && fabs(saved - round(saved)) < 1e-6 && round(saved) <= 0.5 * a->groups_opened + 1e-9,
          "the budget saved %.3f new-group costs on %d groups", saved, a->groups_opened);
    CHECK(own > 0 && own_without == 0, "own cost %.0f with NPOs, %.0f without", own, own_without);
    spr_results_destroy(with);
    spr_results_destroy(without);
}

/* The levers' draws are the residents' own: the same results on 1 and 2 threads. */
static void same_on_any_threads(void)
{
    const char *sets[] = {"simulation.population=10000", "simulation.years=3", "simulation.replicates=1",
                          "cognitive_check.uptake=0.3", "cognitive_check.group_probability=0.2"};
    spr_results *one = run_scenario(scenario("targeting_risk.yaml"), sets, 5, 1, NULL);
    spr_results *two = run_scenario(scenario("targeting_risk.yaml"), sets, 5, 2, NULL);
    CHECK(one != NULL && two != NULL && same_programme(one, two), "the levers' results depend on the threads");
    spr_results_destroy(one);
    spr_results_destroy(two);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_levers SOURCE_DIR\n");
        return 2;
    }
    snprintf(scenarios, sizeof scenarios, "%s/scenarios", argv[1]);
    cognitive_check();
    targeted_outreach();
    targeted_referrals();
    incentives();
    interview_support();
    professionalisation();
    professionalisation_dropout();
    providers();
    same_on_any_threads();
    TEST_MAIN_END();
}
