/* The programme's invariants in every month of a long run of the full
 * dual cycle (both approaches, both loops): no caseload above its maximum,
 * no group above its places, no resident in two places (queue, caseload,
 * group), every referral accounted for.  spr_programme_check() verifies
 * them after each month (simulation.check_invariants) and the run stops at
 * the first violation; the test also checks the accounting in the output.
 * Then two regressions of issue 8: more than 65,535 groups (defect 4) and
 * unmet demand counted once per resident and month (defect 10), and the
 * re-referral rule of issue 10. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/programme.h"

/* Defect 4: the group a resident takes part in was a 16-bit index, so with
 * more than 65,535 groups residents in groups 65,536 and up were counted in
 * group (index - 65,536).  170,000 residents with 1,000 groups per 10,000
 * of each of the first four types make 68,000 groups before the first
 * cultural activity (17 groups), so every culture participant holds an
 * index above 65,535; check_invariants compares each group's count with the
 * residents who say they take part in it, and stopped the run before the
 * index was widened. */
static void many_groups(const char *path)
{
    const char *sets[] = {"simulation.population=170000", "simulation.years=1", "simulation.replicates=1",
                          "simulation.check_invariants=true", "resources.groups_per_10000=[1000,1000,1000,1000,1]"};
    spr_results *res = run_scenario(path, sets, 5, 2, NULL);
    CHECK(res != NULL, "a run with 68,017 groups stopped (message above)");
    if (res == NULL) return;
    int64_t culture = 0;
    for (int d = 0; d < res->districts; d++)
        culture += res->group_participants[(size_t)(res->months - 1) * SPR_RESOURCE_TYPES * (size_t)res->districts +
                                           (size_t)SPR_RES_CULTURE * (size_t)res->districts + (size_t)d];
    /* the run used the groups above 65,535: someone takes part in a cultural activity */
    CHECK(culture > 0, "participants in cultural activities: %lld", (long long)culture);
    spr_results_destroy(res);
}

static int64_t closed_cases(const spr_programme_month *pm)
{
    return pm->outcomes[SPR_OUT_SETTLED] + pm->outcomes[SPR_OUT_DECLINED] + pm->outcomes[SPR_OUT_UNPLACED] +
           pm->outcomes[SPR_OUT_DROPPED];
}

/* Defect 10: a case that started in a month and found no place was counted
 * in the unmet demand at first contact and again among the open cases
 * retried later in the month (and a case that started and ended in the same
 * month at first contact and at its end).  With no groups at all (and no
 * budget to open any), every link worker's client with a case during the
 * month wants a place and finds none, and no one joins on their own (no
 * supply): the month's unmet demand must be the clients with a case during
 * the month, those still open at its end plus those whose case closed in it. */
static void unmet_once_a_month(const char *path)
{
    const char *sets[] = {"simulation.population=20000", "simulation.years=2", "simulation.replicates=1",
                          "simulation.check_invariants=true", "resources.groups_per_10000=[0,0,0,0,0]",
                          "population_approach.budget_yen_per_year=0", "link_workers.fte_per_100000=0",
                          "link_workers.fte=0.5"};
    spr_results *res = run_scenario(path, sets, 8, 2, NULL);
    CHECK(res != NULL, "the run without groups failed (message above)");
    if (res == NULL) return;
    int exact = 1;
    int64_t started = 0, unmet = 0;
    for (int m = 0; m < res->months; m++) {
        const spr_programme_month *pm = &res->programme[m];
        int64_t closed_before = m > 0 ? closed_cases(&res->programme[m - 1]) : 0;
        int64_t clients = pm->active + closed_cases(pm) - closed_before;
        if (pm->unmet_demand != clients) {
            if (exact) fprintf(stderr, "month %d: unmet demand %d, clients with a case %lld (%d first contacts)\n", m,
                               pm->unmet_demand, (long long)clients, pm->first_contacts);
            exact = 0;
        }
        started += pm->first_contacts;
        unmet += pm->unmet_demand;
    }
    CHECK(exact, "unmet demand = clients with a case during the month, every month");
    /* the test can fail: cases started (each was counted twice before the fix) */
    CHECK(started > 0 && unmet > 0, "first contacts %lld, unmet %lld", (long long)started, (long long)unmet);
    spr_results_destroy(res);
}

/* What the re-referral driver saw. */
typedef struct {
    long closed;      /* cases that closed without a place taken (unplaced or declined) */
    long again;       /* referrals of residents with such a case before */
    int min_gap;      /* fewest months from such a close to the next referral */
    long at_min_wait; /* re-referrals in the first month the rule allows (gap = wait + 1) */
    int64_t unplaced, declined; /* the programme's own count of such closes */
} rereferral_seen;

/* Issue 10: a resident whose case closes unplaced or declined in month m is
 * not referred again before month m + referral.rereferral_wait_months + 1.
 * The programme alone runs on a frozen population (no ageing, deaths or
 * state changes: the programme's own rule is what is tested), with every
 * source referring 100 times as often (so the referable are referred again
 * as soon as they may be), link workers enough that no one waits, and no
 * one joining a group on their own and no budget for new groups: every
 * case that closes without the client in a group closed unplaced or
 * declined, none after dropping out (cases last exactly 12 weeks, so none
 * starts and closes in one month). */
static int rereferrals(const char *path, int wait, const char *setting, rereferral_seen *seen)
{
    char wait_set[64];
    snprintf(wait_set, sizeof wait_set, "referral.rereferral_wait_months=%d", wait);
    const char *sets[] = {"simulation.population=5000", "link_workers.fte_per_100000=0", "link_workers.fte=40",
                          "referral.multiplier=[100,100,100,100]", "population_approach.join_rate=0",
                          "population_approach.initial_share=0", "population_approach.budget_yen_per_year=0",
                          wait_set, setting};
    spr_scenario sc;
    spr_error err;
    spr_model *M = NULL;
    spr_population *pop = NULL;
    spr_programme *g = NULL;
    spr_programme_tally t;
    memset(&t, 0, sizeof t);
    int32_t *closed_at = NULL;
    uint8_t *had_case = NULL;
    uint32_t(*block0)[4] = NULL; /* the programme's block 0 of every resident */
    int hist[SPR_WAIT_DAYS] = {0};
    *seen = (rereferral_seen){0, 0, 1000, 0, 0, 0};
    int rc = load_with_sets(path, sets, 9, &sc, &err);
    if (rc != SPR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return rc;
    }
    const spr_params *p = &sc.params;
    spr_rng_key key = {(uint64_t)p->seed, 0};
    rc = spr_model_create(p, &M, &err);
    if (rc == SPR_OK) {
        pop = spr_population_create((size_t)p->population + 16);
        rc = pop ? spr_population_synthesise(pop, p, M, key, &err) : SPR_ERR_NOMEM;
    }
    if (rc == SPR_OK) rc = spr_programme_create(p, M, pop, key, &g, &err);
    if (rc == SPR_OK) {
        closed_at = malloc(pop->n * sizeof *closed_at);
        had_case = malloc(pop->n);
        block0 = malloc(pop->n * sizeof *block0);
        if (closed_at == NULL || had_case == NULL || block0 == NULL) rc = SPR_ERR_NOMEM;
    }
    for (size_t i = 0; rc == SPR_OK && i < pop->n; i++) closed_at[i] = -1;
    for (uint32_t m = 0; rc == SPR_OK && m < 48; m++) {
        spr_programme_tally_clear(&t, spr_programme_resources(g)->n);
        for (size_t i = 0; i < pop->n; i++) spr_rng_block(key, pop->id[i], m, SPR_STREAM_PROGRAMME, 0, block0[i]);
        for (size_t i = 0; i < pop->n; i++) {
            const uint8_t before = pop->sp[i];
            spr_programme_resident(g, pop, i, 1, spr_age_years(pop->age_months[i]), spr_state_base(pop->state[i]), m,
                                   block0[i], NULL, 1, &t);
            const int referred = !(before & (SPR_SP_WAITING | SPR_SP_CASE)) && (pop->sp[i] & SPR_SP_WAITING);
            if (referred && closed_at[i] >= 0) {
                const int gap = (int)m - closed_at[i];
                seen->again++;
                if (gap < seen->min_gap) seen->min_gap = gap;
                seen->at_min_wait += gap == wait + 1;
            }
            had_case[i] = (pop->sp[i] & SPR_SP_CASE) != 0;
        }
        spr_programme_month pm;
        rc = spr_programme_step(g, pop, m, &t, 1, &pm, hist, &err);
        if (rc == SPR_OK) rc = spr_programme_check(g, pop, &err);
        seen->unplaced = pm.outcomes[SPR_OUT_UNPLACED];
        seen->declined = pm.outcomes[SPR_OUT_DECLINED];
        for (size_t i = 0; rc == SPR_OK && i < pop->n; i++)
            if (had_case[i] && !(pop->sp[i] & (SPR_SP_CASE | SPR_SP_PARTICIPATING))) {
                closed_at[i] = (int32_t)m;
                seen->closed++;
            }
    }
    if (rc != SPR_OK) fprintf(stderr, "re-referral run (%s): %s\n", setting, rc == SPR_ERR_NOMEM ? "out of memory" : err.msg);
    free(closed_at);
    free(had_case);
    free(block0);
    spr_programme_tally_free(&t);
    spr_programme_destroy(g);
    spr_population_destroy(pop);
    spr_model_destroy(M);
    spr_scenario_free(&sc);
    return rc;
}

/* The rule holds for unplaced cases (no groups at all) and declined ones
 * (every client declines), and binds: with a wait of 0 (the behaviour
 * before issue 10) residents are referred again the month after their case
 * closed; with a wait of 6 none is before 7 months, and some are at 7 (the
 * rule bars no longer than it says).  Before the rule existed the wait-6
 * runs re-referred residents after 1 month, as the wait-0 runs do. */
static void rereferral_rule(const char *path)
{
    const char *settings[] = {"resources.groups_per_10000=[0,0,0,0,0]", "link_workers.engage_probability=0"};
    const char *what[] = {"unplaced", "declined"};
    for (int k = 0; k < 2; k++) {
        rereferral_seen w6, w0;
        int ok = rereferrals(path, 6, settings[k], &w6) == SPR_OK && rereferrals(path, 0, settings[k], &w0) == SPR_OK;
        CHECK(ok, "%s: the re-referral runs failed (message above)", what[k]);
        if (!ok) continue;
        printf("%s, wait 6: %ld closed, %ld referred again, the soonest after %d months (%ld after 7); "
               "wait 0: %ld closed, %ld again, the soonest after %d\n",
               what[k], w6.closed, w6.again, w6.min_gap, w6.at_min_wait, w0.closed, w0.again, w0.min_gap);
        CHECK(w6.closed > 100 && w6.again > 100, "%s: too few cases to test the rule", what[k]);
        /* the driver's count of closes without a place is the programme's: all unplaced without groups;
         * declines where every client declines (and unplaced where no group fits) */
        CHECK(w6.unplaced + w6.declined == w6.closed && (k == 0 ? w6.declined == 0 : w6.declined > 0),
              "%s: %ld closes seen, the programme counts %lld unplaced and %lld declined", what[k], w6.closed,
              (long long)w6.unplaced, (long long)w6.declined);
        CHECK(w6.min_gap >= 7, "%s: referred again %d months after the case closed, within the 6-month wait", what[k],
              w6.min_gap);
        CHECK(w6.at_min_wait > 0, "%s: no one referred again as soon as the wait allows", what[k]);
        CHECK(w0.min_gap == 1 && w0.at_min_wait > 0, "%s: with no wait the soonest re-referral is after %d months",
              what[k], w0.min_gap);
    }
}

/* Issue 10: high_risk states its staffing as the NHS norm per 100,000
 * residents, which scales with simulation.population; giving link_workers.fte
 * as well is refused with a message naming both keys. */
static void staffing_norm(const char *path)
{
    const char *at_40000[] = {"simulation.population=40000"};
    spr_scenario sc;
    spr_error err;
    int rc = load_with_sets(path, at_40000, 1, &sc, &err);
    CHECK(rc == SPR_OK, "%s", err.msg);
    if (rc == SPR_OK) {
        /* 2.5 per 100,000 is one link worker for 40,000 residents (2.5 x 40,000 / 100,000 is exact) */
        CHECK(spr_programme_fte(&sc.params) == 1.0, "%g link workers for 40,000 residents",
              spr_programme_fte(&sc.params));
        spr_scenario_free(&sc);
    }
    const char *both[] = {"link_workers.fte=3"};
    rc = load_with_sets(path, both, 1, &sc, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "link_workers.fte (3)") && strstr(err.msg, "fte_per_100000 (2.5)"),
          "fte and fte_per_100000 together: %s", rc == SPR_OK ? "accepted" : err.msg);
    if (rc == SPR_OK) spr_scenario_free(&sc);
}

/* The residents' programme arrays and state, to start each layout from the same month. */
typedef struct {
    uint8_t *sp, *sp_months, *state;
    uint32_t *resource;
} programme_arrays;

/* The arrays for n residents, NULL members without memory (arrays_ok says). */
static programme_arrays arrays_alloc(size_t n)
{
    return (programme_arrays){malloc(n), malloc(n), malloc(n), malloc(n * sizeof(uint32_t))};
}

static int arrays_ok(const programme_arrays *a) { return a->sp && a->sp_months && a->state && a->resource; }

static void arrays_free(programme_arrays *a)
{
    free(a->sp);
    free(a->sp_months);
    free(a->state);
    free(a->resource);
}

static void restore_arrays(spr_population *pop, const programme_arrays *a)
{
    memcpy(pop->sp, a->sp, pop->n);
    memcpy(pop->sp_months, a->sp_months, pop->n);
    memcpy(pop->state, a->state, pop->n);
    memcpy(pop->resource, a->resource, pop->n * sizeof *pop->resource);
}

static void save_arrays(programme_arrays *a, const spr_population *pop)
{
    memcpy(a->sp, pop->sp, pop->n);
    memcpy(a->sp_months, pop->sp_months, pop->n);
    memcpy(a->state, pop->state, pop->n);
    memcpy(a->resource, pop->resource, pop->n * sizeof *a->resource);
}

static int same_arrays(const programme_arrays *a, const spr_population *pop)
{
    return !memcmp(a->sp, pop->sp, pop->n) && !memcmp(a->sp_months, pop->sp_months, pop->n) &&
           !memcmp(a->state, pop->state, pop->n) && !memcmp(a->resource, pop->resource, pop->n * sizeof *a->resource);
}

static int same_referral(const spr_referral_request *a, const spr_referral_request *b)
{
    return a->id == b->id && a->row == b->row && a->source == b->source && a->high_risk == b->high_risk && a->u_time == b->u_time &&
           a->u_service == b->u_service;
}

/* What one month of spr_programme_resident for every resident asked for and counted (field by field:
 * the requests have padding). */
static int same_requests(const spr_programme_tally *x, const spr_programme_tally *y, size_t n_resources)
{
    if (x->n_referrals != y->n_referrals || x->n_joins != y->n_joins || x->n_volunteers != y->n_volunteers) return 0;
    for (size_t k = 0; k < x->n_referrals; k++)
        if (!same_referral(&x->referrals[k], &y->referrals[k])) return 0;
    for (size_t k = 0; k < x->n_joins; k++)
        if (x->joins[k].id != y->joins[k].id || x->joins[k].row != y->joins[k].row || x->joins[k].order != y->joins[k].order)
            return 0;
    for (size_t k = 0; k < x->n_volunteers; k++)
        if (x->volunteers[k].row != y->volunteers[k].row || x->volunteers[k].resource != y->volunteers[k].resource) return 0;
    return !memcmp(x->occupancy_delta, y->occupancy_delta, n_resources * sizeof *x->occupancy_delta) &&
           !memcmp(x->prescribed_delta, y->prescribed_delta, n_resources * sizeof *x->prescribed_delta) &&
           x->participants == y->participants && x->volunteers_total == y->volunteers_total &&
           x->placed_dropouts == y->placed_dropouts && !memcmp(x->pop65, y->pop65, sizeof x->pop65) &&
           !memcmp(x->part65, y->part65, sizeof x->part65);
}

/* Blocks 0 and 1 as spr_programme_resident reads them (issue 14: the step draws them for a chunk at
 * once, a word's residents side by side): the same month from the same start with each resident's block
 * 0 together (stride 1) and block 1 drawn by the resident itself, and with both blocks' words side by
 * side (stride n, drawn by spr_rng_blocks) gives the same residents and requests, and the words were used
 * (members dropped out and volunteered, benefits ended, residents asked to join and were referred). */
static void block_layouts(const char *path)
{
    const char *sets[] = {"simulation.population=6000", "dual_cycle.loop1_enabled=true", "dual_cycle.volunteer_after_months=0"};
    spr_scenario sc;
    spr_error err;
    spr_model *M = NULL;
    spr_population *pop = NULL;
    spr_programme *g = NULL;
    int rc = load_with_sets(path, sets, 3, &sc, &err);
    CHECK(rc == SPR_OK, "%s", rc == SPR_OK ? "" : err.msg);
    if (rc != SPR_OK) return;
    const spr_rng_key key = {(uint64_t)sc.params.seed, 4};
    if (rc == SPR_OK) rc = spr_model_create(&sc.params, &M, &err);
    if (rc == SPR_OK) rc = (pop = spr_population_create(6016)) ? spr_population_synthesise(pop, &sc.params, M, key, &err)
                                                               : SPR_ERR_NOMEM;
    if (rc == SPR_OK) rc = spr_programme_create(&sc.params, M, pop, key, &g, &err);
    CHECK(rc == SPR_OK, "setting up: %s", rc == SPR_OK ? "" : err.msg);
    if (rc != SPR_OK) goto out;
    const size_t n = pop->n, n_res = spr_programme_resources(g)->n;
    /* every fifth resident outside a group still has the benefit of one left earlier, and every other
     * member was placed by a link worker (who may volunteer) */
    for (size_t i = 0; i < n; i++) {
        if (!(pop->sp[i] & SPR_SP_PARTICIPATING) && i % 5 == 0)
            pop->state[i] = (uint8_t)(spr_state_base(pop->state[i]) + SPR_STATES);
        if ((pop->sp[i] & SPR_SP_PARTICIPATING) && i % 2 == 0) pop->sp[i] |= SPR_SP_VIA_LW;
    }
    programme_arrays start = arrays_alloc(n), first = arrays_alloc(n);
    uint32_t(*together)[4] = malloc(n * sizeof *together), *side_by_side = malloc(4 * n * sizeof *side_by_side);
    uint32_t *block1 = malloc(4 * n * sizeof *block1);
    spr_programme_tally ta = {0}, tb = {0};
    if (!arrays_ok(&start) || !arrays_ok(&first) || !together || !side_by_side || !block1) {
        CHECK(0, "out of memory");
        goto done;
    }
    save_arrays(&start, pop);
    long same = 0, months = 12, left = 0, volunteered = 0, benefit_ended = 0, joined = 0, referred = 0;
    for (uint32_t m = 0; m < (uint32_t)months; m++) {
        for (size_t i = 0; i < n; i++) {
            spr_rng_block(key, pop->id[i], m, SPR_STREAM_PROGRAMME, 0, together[i]);
            for (int j = 0; j < 4; j++) side_by_side[(size_t)j * n + i] = together[i][j];
        }
        spr_rng_blocks(key, pop->id, n, m, SPR_STREAM_PROGRAMME, 1, block1, n);
        spr_programme_tally_clear(&ta, n_res);
        spr_programme_tally_clear(&tb, n_res);
        for (size_t i = 0; i < n; i++)
            spr_programme_resident(g, pop, i, 1, spr_age_years(pop->age_months[i]), spr_state_base(pop->state[i]), m,
                                   together[i], NULL, 1, &ta);
        save_arrays(&first, pop);
        for (size_t i = 0; i < n; i++) {
            left += (start.sp[i] & SPR_SP_PARTICIPATING) && !(pop->sp[i] & SPR_SP_PARTICIPATING);
            benefit_ended += spr_state_benefit(start.state[i]) && !spr_state_benefit(pop->state[i]);
        }
        volunteered += (long)ta.n_volunteers;
        joined += (long)ta.n_joins;
        referred += (long)ta.n_referrals;
        restore_arrays(pop, &start);
        for (size_t i = 0; i < n; i++)
            spr_programme_resident(g, pop, i, 1, spr_age_years(pop->age_months[i]), spr_state_base(pop->state[i]), m,
                                   &side_by_side[i], &block1[i], n, &tb);
        same += same_arrays(&first, pop) && same_requests(&ta, &tb, n_res);
        restore_arrays(pop, &start);
    }
    CHECK(same == months, "blocks side by side gave other residents or requests in %ld of %ld months", months - same,
          months);
    CHECK(left > 0 && volunteered > 0 && benefit_ended > 0 && joined > 0 && referred > 0,
          "each word used: %ld left a group, %ld volunteered, %ld benefits ended, %ld asked to join, %ld referred", left,
          volunteered, benefit_ended, joined, referred);
done:
    spr_programme_tally_free(&ta);
    spr_programme_tally_free(&tb);
    arrays_free(&start);
    arrays_free(&first);
    free(together);
    free(side_by_side);
    free(block1);
out:
    spr_programme_destroy(g);
    spr_population_destroy(pop);
    spr_model_destroy(M);
    spr_scenario_free(&sc);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/dual_cycle.yaml", argv[1]);
    block_layouts(path);
    many_groups(path);
    unmet_once_a_month(path);
    snprintf(path, sizeof path, "%s/scenarios/high_risk.yaml", argv[1]);
    rereferral_rule(path);
    staffing_norm(path);
    snprintf(path, sizeof path, "%s/scenarios/dual_cycle.yaml", argv[1]);
    /* a small municipality with few link workers, so that the queue is long and groups fill up */
    const char *sets[] = {"simulation.population=20000", "simulation.years=25", "simulation.replicates=2",
                          "simulation.check_invariants=true", "link_workers.fte_per_100000=0", "link_workers.fte=0.5",
                          "simulation.districts=4"};
    spr_results *res = run_scenario(path, sets, 7, 2, NULL);
    CHECK(res != NULL, "the run stopped at a violated invariant (message above)");
    if (res == NULL) TEST_MAIN_END();
    int accounted = 1, bounded = 1, queued = 0, full = 0;
    for (int r = 0; r < res->replicates; r++)
        for (int m = 0; m < res->months; m++) {
            const spr_programme_month *pm = &res->programme[(size_t)r * res->months + m];
            int64_t sum = 0;
            for (int k = 0; k < SPR_OUTCOMES; k++) sum += pm->outcomes[k];
            if (sum != pm->referrals_total || pm->outcomes[SPR_OUT_WAITING] != pm->waiting ||
                pm->outcomes[SPR_OUT_ACTIVE] != pm->active)
                accounted = 0;
            if (pm->active > pm->places) bounded = 0;
            if (pm->waiting > 0) queued = 1;
            size_t cells = (size_t)SPR_RESOURCE_TYPES * res->districts, rm = (size_t)r * res->months + m;
            for (size_t k = 0; k < cells; k++)
                if (res->group_participants[rm * cells + k] >= res->group_places[rm * cells + k] &&
                    res->group_places[rm * cells + k] > 0)
                    full = 1;
        }
    CHECK(accounted, "referrals = waiting + active + settled + declined + unplaced + dropped + died, every month");
    CHECK(bounded, "caseload never above the places");
    /* the run exercised the constraints: someone waited, and some groups were full */
    CHECK(queued && full, "queue used %d, full groups %d", queued, full);
    spr_results_destroy(res);
    TEST_MAIN_END();
}
