#include "sprsim/simulation.h"

#include <math.h>
#include <stddef.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sprsim/municipality.h"
#include "sprsim/population.h"
#include "sprsim/rng.h"

static const spr_indicator_info INFO[SPR_IND_COUNT] = {
    {"population", "persons", "residents alive at the start of the month (person-months of exposure)"},
    {"deaths", "persons", "deaths during the month, by age at the start of the month"},
    {"births", "persons", "live births during the month (age band 0-4, sex of the child)"},
    {"entrants", "persons", "residents reaching simulation.min_age who enter the model"},
    {"in_migrants", "persons", "residents moving in during the month"},
    {"out_migrants", "persons", "residents moving out during the month"},
    {"independent", "persons", "residents without limitation of daily activities"},
    {"limited", "persons", "limited in daily activities by health, not certified (日常生活に制限あり)"},
    {"support", "persons", "certified as needing support (要支援1-2)"},
    {"care12", "persons", "certified as needing care, levels 1-2 (要介護1-2)"},
    {"care35", "persons", "certified as needing care, levels 3-5 (要介護3-5)"},
    {"dementia", "persons", "residents with dementia"},
    {"isolated", "persons", "socially isolated (contact with others less than once a week)"},
    {"living_alone", "persons", "residents living alone"},
    {"metabolic_risk", "persons", "high metabolic risk (特定保健指導 target group, ages 40-74)"},
    {"participants", "persons", "taking part in a community group at the start of the month"},
    {"benefit", "persons", "with the health effect of taking part (now, or lingering after leaving)"},
};

const spr_indicator_info *spr_indicator_describe(spr_indicator ind) { return &INFO[ind]; }

int spr_results_create(int replicates, int months, int districts, int teams, int n_uncertain, spr_results **out,
                       spr_error *err)
{
    *out = NULL;
    if (replicates < 1 || months < 1 || districts < 1 || districts > SPR_MAX_DISTRICTS || teams < 1 ||
        teams > SPR_MAX_TEAMS || n_uncertain < 0)
        return spr_error_set(err, SPR_ERR_USAGE,
                             "results of %d replicates, %d months, %d districts, %d teams, %d uncertain parameters",
                             replicates, months, districts, teams, n_uncertain);
    spr_results *res = calloc(1, sizeof *res);
    if (res == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the results");
    res->replicates = replicates;
    res->months = months;
    res->districts = districts;
    res->teams = teams;
    res->n_uncertain = n_uncertain;
    size_t rm = (size_t)replicates * (size_t)months, cells = rm * SPR_SEXES * SPR_AGE_BANDS;
    size_t groups = rm * SPR_RESOURCE_TYPES * (size_t)districts;
    res->counts = calloc(cells * SPR_IND_COUNT, sizeof *res->counts);
    res->medical_yen = calloc(cells, sizeof *res->medical_yen);
    res->ltc_yen = calloc(cells, sizeof *res->ltc_yen);
    res->expected_deaths = calloc(cells, sizeof *res->expected_deaths);
    res->district_population = calloc(rm * (size_t)districts, sizeof *res->district_population);
    res->programme = calloc(rm, sizeof *res->programme);
    res->team = calloc(rm * (size_t)teams, sizeof *res->team);
    res->district = calloc(rm * (size_t)districts, sizeof *res->district);
    res->subgroup = calloc(rm * SPR_SUBGROUPS, sizeof *res->subgroup);
    res->district_name = calloc((size_t)districts, sizeof *res->district_name);
    res->team_name = calloc((size_t)teams, sizeof *res->team_name);
    res->district_team = calloc((size_t)districts, sizeof *res->district_team);
    res->group_participants = calloc(groups, sizeof *res->group_participants);
    res->group_places = calloc(groups, sizeof *res->group_places);
    res->wait_histogram = calloc((size_t)replicates * SPR_WAIT_DAYS, sizeof *res->wait_histogram);
    /* one more column, so that the allocation is never of zero bytes */
    res->draws = calloc((size_t)replicates * ((size_t)n_uncertain + 1), sizeof *res->draws);
    res->calib_row = calloc((size_t)replicates * SPR_DRAW_TABLES_MAX, sizeof *res->calib_row);
    res->unit_peak = calloc((size_t)replicates, sizeof *res->unit_peak);
    if (!res->unit_peak || !res->counts || !res->medical_yen || !res->ltc_yen || !res->expected_deaths || !res->district_population ||
        !res->programme || !res->group_participants || !res->group_places || !res->wait_histogram || !res->draws ||
        !res->calib_row || !res->team || !res->district || !res->subgroup || !res->district_name || !res->team_name ||
        !res->district_team) {
        spr_results_destroy(res);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the results (%d replicates of %d months)",
                             replicates, months);
    }
    *out = res;
    return SPR_OK;
}

void spr_results_destroy(spr_results *res)
{
    if (res == NULL) return;
    free(res->counts);
    free(res->medical_yen);
    free(res->ltc_yen);
    free(res->expected_deaths);
    free(res->district_population);
    free(res->programme);
    free(res->team);
    free(res->district);
    free(res->subgroup);
    free(res->district_name);
    free(res->team_name);
    free(res->district_team);
    free(res->group_participants);
    free(res->group_places);
    free(res->wait_histogram);
    free(res->draws);
    free(res->calib_row);
    free(res->unit_peak);
    free(res);
}

int spr_results_unit_slices(spr_results *res, int r, spr_results_slice *sl)
{
    const size_t R = (size_t)r, M = (size_t)res->months, D = (size_t)res->districts, T = (size_t)res->teams;
    const size_t cells = M * SPR_SEXES * SPR_AGE_BANDS, groups = M * SPR_RESOURCE_TYPES * D;
    const size_t U = (size_t)res->n_uncertain, R_all = (size_t)res->replicates;
    int n = 0;
#define SLICE(name_, base_, count_)                                                                                   \
    sl[n++] = (spr_results_slice){name_, (base_) + R * (count_), (count_) * sizeof *(base_)}
    SLICE("counts", res->counts, cells * SPR_IND_COUNT);
    SLICE("medical_yen", res->medical_yen, cells);
    SLICE("ltc_yen", res->ltc_yen, cells);
    SLICE("expected_deaths", res->expected_deaths, cells);
    SLICE("district_population", res->district_population, M * D);
    SLICE("programme", res->programme, M);
    SLICE("team", res->team, M * T);
    SLICE("district", res->district, M * D);
    SLICE("subgroup", res->subgroup, M * SPR_SUBGROUPS);
    SLICE("group_participants", res->group_participants, groups);
    SLICE("group_places", res->group_places, groups);
    SLICE("wait_histogram", res->wait_histogram, (size_t)SPR_WAIT_DAYS);
    SLICE("draws", res->draws, U);
    SLICE("peak_residents", res->unit_peak, (size_t)1);
#undef SLICE
    /* the calibration rows are table-major, [table][r]: one element per table */
    static const char *const row_name[SPR_DRAW_TABLES_MAX] = {"calib_row_0", "calib_row_1", "calib_row_2",
                                                              "calib_row_3"};
    for (size_t t = 0; t < SPR_DRAW_TABLES_MAX; t++)
        sl[n++] = (spr_results_slice){row_name[t], res->calib_row + t * R_all + R, sizeof *res->calib_row};
    return n;
}

size_t spr_results_unit_bytes(const spr_results *res)
{
    spr_results_slice sl[SPR_RESULTS_SLICES];
    int n = spr_results_unit_slices((spr_results *)res, 0, sl);
    size_t bytes = 0;
    for (int k = 0; k < n; k++) bytes += sl[k].bytes;
    return bytes;
}

void spr_results_unit_pack(const spr_results *res, int r, void *buf)
{
    spr_results_slice sl[SPR_RESULTS_SLICES];
    int n = spr_results_unit_slices((spr_results *)res, r, sl);
    unsigned char *out = buf;
    for (int k = 0; k < n; k++) {
        memcpy(out, sl[k].data, sl[k].bytes);
        out += sl[k].bytes;
    }
}

void spr_results_unit_done(spr_results *res, int r)
{
    if ((size_t)res->unit_peak[r] > res->peak_residents) res->peak_residents = (size_t)res->unit_peak[r];
}

void spr_results_unit_unpack(spr_results *res, int r, const void *buf)
{
    spr_results_slice sl[SPR_RESULTS_SLICES];
    int n = spr_results_unit_slices(res, r, sl);
    const unsigned char *in = buf;
    for (int k = 0; k < n; k++) {
        memcpy(sl[k].data, in, sl[k].bytes);
        in += sl[k].bytes;
    }
    spr_results_unit_done(res, r);
}

int64_t spr_results_total(const spr_results *res, int r, int m, spr_indicator ind, int b_lo, int b_hi)
{
    int64_t t = 0;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = b_lo; b < b_hi; b++) t += res->counts[spr_results_index(res, r, m, ind, s, b)];
    return t;
}

/* What one thread gathers in one month (and its share of the month's residents). */
typedef struct {
    int64_t state[SPR_SEXES][SPR_AGE_BANDS][SPR_STATE_CODES];
    int64_t participants[SPR_SEXES][SPR_AGE_BANDS];
    int64_t deaths[SPR_SEXES][SPR_AGE_BANDS];
    /* the death thresholds of the residents at risk, in units of 2^-32: the
     * sum of their monthly probabilities of death, exact in integers, so the
     * total is the same however the residents are split among threads */
    uint64_t death_thresholds[SPR_SEXES][SPR_AGE_BANDS];
    int64_t out_migrants[SPR_SEXES][SPR_AGE_BANDS];
    int64_t district[SPR_MAX_DISTRICTS];
    /* residents 65+ by district: all, taking part, isolated, certified, deaths */
    int64_t district65[SPR_MAX_DISTRICTS][5];
    /* residents 65+ by sex and household: taking part, deaths (the other counts of the
     * subgroups come from the states' tally, at no cost per resident) */
    int64_t taking_part65[SPR_SEXES][SPR_HOUSEHOLDS];
    int64_t deaths65[SPR_SEXES][SPR_HOUSEHOLDS];
    /* births, in increasing mother's row (merge_births puts all the threads' in the first's) */
    size_t n_births, cap_births;
    struct birth {
        uint32_t mother; /* row */
        uint8_t female;  /* the child's sex */
    } * births;
    void *merge_scratch; /* merge_births' room (spr_rows_merge) */
    size_t merge_scratch_bytes;
    int oom;
    spr_programme_tally *prog; /* this thread's programme requests (an array element, see spr_simulation_run) */
} tally;

static void tally_clear(tally *t, size_t n_resources)
{
    memset(t->state, 0, sizeof t->state);
    memset(t->participants, 0, sizeof t->participants);
    spr_programme_tally_clear(t->prog, n_resources);
    memset(t->deaths, 0, sizeof t->deaths);
    memset(t->death_thresholds, 0, sizeof t->death_thresholds);
    memset(t->out_migrants, 0, sizeof t->out_migrants);
    memset(t->district, 0, sizeof t->district);
    memset(t->district65, 0, sizeof t->district65);
    memset(t->taking_part65, 0, sizeof t->taking_part65);
    memset(t->deaths65, 0, sizeof t->deaths65);
    t->n_births = 0;
}

static void tally_birth(tally *t, size_t mother, int female)
{
    if (t->n_births == t->cap_births) {
        size_t cap = t->cap_births * 2 + 64;
        struct birth *b = realloc(t->births, cap * sizeof *b);
        if (b == NULL) {
            t->oom = 1;
            return;
        }
        t->births = b;
        t->cap_births = cap;
    }
    t->births[t->n_births++] = (struct birth){(uint32_t)mother, (uint8_t)female};
}

/* The threads' births, each thread's in increasing mother's row, merged into the first thread's list in
 * that order (newborns are created in it, whatever rows the threads stepped). */
static int merge_births(tally *tl, int nthreads)
{
    for (int k = 1; k < nthreads; k++) {
        if (spr_rows_merge((void **)&tl[0].births, &tl[0].n_births, &tl[0].cap_births, tl[k].births, tl[k].n_births,
                           sizeof *tl[k].births, offsetof(struct birth, mother), &tl[0].merge_scratch,
                           &tl[0].merge_scratch_bytes) < 0)
            return SPR_ERR_NOMEM;
        tl[k].n_births = 0;
    }
    return SPR_OK;
}

/* Slots of the random words: each event has its own word, so a resident
 * meets the same chance of an event in every scenario. */
enum { H_DEATH = 0, H_FUNCTION = 1, H_DEMENTIA = 2, H_ISOLATION = 3 };
enum { S_ALONE = 0, S_BEREAVEMENT = 1, S_METABOLIC = 2, S_MIGRATION = 3 };
enum { B_BIRTH = 0, B_CHILD_SEX = 1, B_ALONE_REDRAW = 2 };

/* Residents whose blocks are drawn together: the five blocks of 128 residents are 10 KiB, which stay in
 * the first-level cache while the residents are stepped. */
enum { CHUNK = 128 };

/* A chunk's words, drawn before its residents are stepped: word j of the chunk's resident k in
 * health[j][k] (block 0 of SPR_STREAM_MONTH_HEALTH), social[j][k] (block 0 of SPR_STREAM_MONTH_SOCIAL),
 * birth[j][k] (block 1 of SPR_STREAM_MONTH_SOCIAL: births, households drawn again; zeros when no
 * resident of the chunk reads it), prog[j][k] (block 0 of SPR_STREAM_PROGRAMME, read by
 * spr_programme_resident; UINT32_MAX, on which no event happens, when none may read it) and prog1[j][k]
 * (block 1 of SPR_STREAM_PROGRAMME, when has_prog1). */
typedef struct {
    uint32_t health[4][CHUNK], social[4][CHUNK], birth[4][CHUNK], prog[4][CHUNK], prog1[4][CHUNK];
    int has_prog1; /* prog1 drawn (block 1 of SPR_STREAM_PROGRAMME: the referral sources' words) */
} chunk_words;

/* Whether the programme has anything to do this month for resident i (age in whole years, state st), who
 * lives on: first_age is spr_programme_first_ages. */
static int programme_concerns(const spr_population *pop, size_t i, int age, int st, const uint8_t *first_age)
{
    return age >= first_age[spr_state_base(st)] ||
           (pop->sp[i] & (SPR_SP_WAITING | SPR_SP_CASE | SPR_SP_PARTICIPATING)) || pop->sp_months[i] != 0 ||
           spr_state_benefit(st);
}

/* One month of resident i (age in whole years), the chunk's resident k.  All probabilities use the state
 * at the start of the month (as the cohort model does); the thresholds of that state are one row of
 * M->step.  first_age: spr_programme_first_ages. */
static void step_resident(const spr_params *p, const spr_model *M, const spr_programme *g, spr_population *pop,
                          size_t i, int age, const uint8_t *first_age, uint32_t month, const chunk_words *w, size_t k,
                          tally *t)
{
    const spr_thresholds *T = &M->thr;
    const int female = pop->flags[i] & SPR_FLAG_FEMALE;
    const int age_m = pop->age_months[i];
    const int band = spr_age_band(age);
    int st = pop->state[i];

    /* start-of-month adjustments on birthdays (as in the cohort model) */
    if (spr_household_redrawn(age_m)) {
        int alone = w->birth[B_ALONE_REDRAW][k] < spr_rng_threshold(p->living_alone[female][band]);
        st = (st & ~2) | (alone << 1);
    }
    if (age >= M->probs.metabolic_max_age) st &= ~1;
    pop->state[i] = (uint8_t)st;

    t->state[female][band][st]++;
    t->district[pop->district[i]]++;
    if (pop->sp[i] & SPR_SP_PARTICIPATING) t->participants[female][band]++;
    if (age >= 65) {
        int64_t *d65 = t->district65[pop->district[i]];
        const int taking_part = (pop->sp[i] & SPR_SP_PARTICIPATING) != 0;
        d65[0]++;
        d65[1] += taking_part;
        d65[2] += spr_state_isolated(st);
        d65[3] += spr_state_func(st) >= SPR_FUNC_SUPPORT;
        t->taking_part65[female][spr_state_alone(st)] += taking_part;
    }

    const spr_step_row *row = &M->step[female][age][st];
    const int base = spr_state_base(st), alone = spr_state_alone(st);
    t->death_thresholds[female][band] += row->die;
    if (w->health[H_DEATH][k] < row->die) {
        pop->flags[i] &= (uint8_t)~SPR_FLAG_ALIVE;
        t->deaths[female][band]++;
        if (age >= 65) {
            t->district65[pop->district[i]][4]++;
            t->deaths65[female][alone]++;
        }
        spr_programme_resident(g, pop, i, 0, age, base, month, &w->prog[0][k], NULL, CHUNK, t->prog);
        return;
    }
    if (w->social[S_MIGRATION][k] < T->out_migration[band]) {
        pop->flags[i] = (uint8_t)((pop->flags[i] & ~SPR_FLAG_ALIVE) | SPR_FLAG_DEPARTED);
        t->out_migrants[female][band]++;
        spr_programme_resident(g, pop, i, 0, age, base, month, &w->prog[0][k], NULL, CHUNK, t->prog);
        return;
    }
    /* the programme may end the benefit of a group left earlier (it rewrites the state) */
    if (programme_concerns(pop, i, age, st, first_age))
        spr_programme_resident(g, pop, i, 1, age, base, month, &w->prog[0][k], w->has_prog1 ? &w->prog1[0][k] : NULL,
                               CHUNK, t->prog);
    const int ben2 = spr_state_benefit(pop->state[i]);
    if (female && w->birth[B_BIRTH][k] < T->birth[age])
        tally_birth(t, i, w->birth[B_CHILD_SEX][k] >= T->boy);

    /* the first state whose cumulative threshold the word is below (the last if none), chosen without
     * branches: the branch on the resident's own state would often be mispredicted */
    const uint32_t wf = w->health[H_FUNCTION][k];
    int f2 = SPR_FUNC_STATES - 1;
    for (int j = SPR_FUNC_STATES - 2; j >= 0; j--) f2 = wf < row->func_cum[j] ? j : f2;
    /* each event flips its bit of the state (the row holds the threshold of leaving the state it is in);
     * a resident who comes to live alone this month may also become isolated on the bereavement */
    const int alone_flip = w->social[S_ALONE][k] < row->alone;
    const int iso = spr_state_isolated(st);
    const int iso_flip = (w->health[H_ISOLATION][k] < row->isolation) |
                         ((iso ^ 1) & alone_flip & (w->social[S_BEREAVEMENT][k] < T->isolation_on_bereavement));
    const int flips = (w->health[H_DEMENTIA][k] < row->dementia) << 3 | iso_flip << 2 | alone_flip << 1 |
                      (w->social[S_METABOLIC][k] < row->metabolic);
    pop->state[i] = (uint8_t)(((base & 15) ^ flips) + (f2 << 4) + SPR_STATES * ben2);
    pop->age_months[i] = (uint16_t)(age_m + 1);
}

/* One month of residents [lo, hi) (at most CHUNK): their blocks drawn at once, vectorised, then each
 * resident stepped.  Every resident of the chunk gets the five blocks that many use (health and social
 * block 0: everyone; social block 1: women of an age to give birth and households drawn again; the
 * programme's block 0: group members, the lingering benefit and those free to join, about a third; the
 * programme's block 1: the referral sources' words, read by a referable resident free to be referred,
 * about one resident-month in eight); a resident reads only the words of events that may happen to it,
 * so the words of the others, the dead and departed awaiting compaction among them, go unused.  Drawing
 * them costs less than choosing who needs them (bench/README.md).  A chunk leaves a block undrawn when
 * none of its residents may read it, by tests of the whole chunk that cost less than the block: social
 * block 1 (spr_model_reads_social_block1: its ages and sexes), the programme's block 0
 * (spr_programme_reads_block0) and block 1 (spr_programme_reads_block1: none old enough to be
 * referred).  The other blocks are drawn one at a time where they are used: a referral's or a join's
 * details and the cognitive check (rare). */
static void step_chunk(const spr_params *p, const spr_model *M, const spr_programme *g, spr_population *pop,
                       size_t lo, size_t hi, spr_rng_key key, uint32_t month, tally *t)
{
    chunk_words w;
    const uint32_t *ids = pop->id + lo;
    const size_t n = hi - lo;
    /* (the population is in order of sex and age but for newcomers, so a chunk's ages are close) */
    uint16_t youngest_m = UINT16_MAX, oldest_m = 0;
    uint8_t age[CHUNK], flags_any = 0;
    for (size_t k = 0; k < n; k++) {
        const uint16_t age_m = pop->age_months[lo + k];
        age[k] = (uint8_t)spr_age_years(age_m);
        youngest_m = age_m < youngest_m ? age_m : youngest_m;
        oldest_m = age_m > oldest_m ? age_m : oldest_m;
        flags_any |= pop->flags[lo + k];
    }
    const int oldest = spr_age_years(oldest_m);
    spr_rng_blocks(key, ids, n, month, SPR_STREAM_MONTH_HEALTH, 0, &w.health[0][0], CHUNK);
    spr_rng_blocks(key, ids, n, month, SPR_STREAM_MONTH_SOCIAL, 0, &w.social[0][0], CHUNK);
    if (spr_model_reads_social_block1(M, (flags_any & SPR_FLAG_FEMALE) != 0, youngest_m, oldest_m))
        spr_rng_blocks(key, ids, n, month, SPR_STREAM_MONTH_SOCIAL, 1, &w.birth[0][0], CHUNK);
    else
        memset(w.birth, 0, sizeof w.birth); /* unread (a man or a woman past the ages of birth compares zeros with 0) */
    if (spr_programme_reads_block0(g, pop, lo, n, oldest))
        spr_rng_blocks(key, ids, n, month, SPR_STREAM_PROGRAMME, 0, &w.prog[0][0], CHUNK);
    else
        memset(w.prog, 0xff, sizeof w.prog); /* unread (words of UINT32_MAX, on which no event happens) */
    w.has_prog1 = spr_programme_reads_block1(g, oldest);
    if (w.has_prog1) spr_rng_blocks(key, ids, n, month, SPR_STREAM_PROGRAMME, 1, &w.prog1[0][0], CHUNK);
    const uint8_t *first_age = spr_programme_first_ages(g);
    for (size_t k = 0; k < n; k++)
        if (pop->flags[lo + k] & SPR_FLAG_ALIVE) step_resident(p, M, g, pop, lo + k, age[k], first_age, month, &w, k, t);
}

/* The month's residents 65+ by sex and household: states from the tally by sex, band and state
 * code, taking part and deaths from their own tallies. */
static void record_subgroups(spr_results *res, int r, int m, const tally *tl, int nthreads)
{
    const int band65 = spr_age_band(65);
    for (int s = 0; s < SPR_SEXES; s++) {
        spr_subgroup_record *sg = &res->subgroup[spr_results_subgroup_index(res, r, m, spr_subgroup_of(s, 0))];
        memset(sg, 0, SPR_HOUSEHOLDS * sizeof *sg);
        for (int k = 0; k < nthreads; k++) {
            for (int h = 0; h < SPR_HOUSEHOLDS; h++) {
                sg[h].taking_part_65 += (int32_t)tl[k].taking_part65[s][h];
                sg[h].deaths_65 += (int32_t)tl[k].deaths65[s][h];
            }
            for (int b = band65; b < SPR_AGE_BANDS; b++)
                for (int st = 0; st < SPR_STATE_CODES; st++) {
                    const int32_t c = (int32_t)tl[k].state[s][b][st];
                    spr_subgroup_record *g = &sg[spr_state_alone(st)];
                    g->population_65 += c;
                    g->isolated_65 += spr_state_isolated(st) ? c : 0;
                    g->certified_65 += spr_state_func(st) >= SPR_FUNC_SUPPORT ? c : 0;
                    g->dementia_65 += spr_state_dementia(st) ? c : 0;
                    g->function_65[spr_state_func(st)] += c;
                }
        }
    }
}

/* Writes the month's tallies into the results (serially, in thread order). */
static void record_month(const spr_model *M, spr_results *res, int r, int m, tally *tl, int nthreads)
{
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            int64_t ind[SPR_IND_COUNT] = {0};
            double medical = 0, ltc = 0;
            uint64_t death_thresholds = 0;
            for (int k = 0; k < nthreads; k++) {
                ind[SPR_IND_DEATHS] += tl[k].deaths[s][b];
                death_thresholds += tl[k].death_thresholds[s][b];
                ind[SPR_IND_OUT_MIGRANTS] += tl[k].out_migrants[s][b];
                ind[SPR_IND_PARTICIPANTS] += tl[k].participants[s][b];
            }
            /* each base state with its benefit twin, so that costs are summed in the same
             * order whether or not anyone takes part (bit-identical when effects are off) */
            for (int st = 0; st < SPR_STATES; st++) {
                int64_t c0 = 0, c1 = 0;
                for (int k = 0; k < nthreads; k++) {
                    c0 += tl[k].state[s][b][st];
                    c1 += tl[k].state[s][b][st + SPR_STATES];
                }
                int64_t c = c0 + c1;
                if (c == 0) continue;
                ind[SPR_IND_POPULATION] += c;
                ind[SPR_IND_INDEPENDENT + spr_state_func(st)] += c;
                ind[SPR_IND_DEMENTIA] += spr_state_dementia(st) ? c : 0;
                ind[SPR_IND_ISOLATED] += spr_state_isolated(st) ? c : 0;
                ind[SPR_IND_LIVING_ALONE] += spr_state_alone(st) ? c : 0;
                ind[SPR_IND_METABOLIC] += spr_state_metabolic(st) ? c : 0;
                ind[SPR_IND_BENEFIT] += c1;
                const double u0 = M->medical_yen_per_month[s][b][st], u1 = M->medical_yen_per_month[s][b][st + SPR_STATES];
                medical += u0 == u1 ? (double)c * u0 : (double)c0 * u0 + (double)c1 * u1;
                ltc += (double)c * M->ltc_yen_per_month[spr_state_func(st)];
            }
            for (int k = 0; k < SPR_IND_COUNT; k++)
                if (k != SPR_IND_BIRTHS && k != SPR_IND_ENTRANTS && k != SPR_IND_IN_MIGRANTS)
                    res->counts[spr_results_index(res, r, m, k, s, b)] = (int32_t)ind[k];
            res->medical_yen[spr_results_cost_index(res, r, m, s, b)] = medical;
            res->ltc_yen[spr_results_cost_index(res, r, m, s, b)] = ltc;
            res->expected_deaths[spr_results_cost_index(res, r, m, s, b)] = (double)death_thresholds * 0x1p-32;
        }
    for (int d = 0; d < res->districts; d++) {
        int64_t c = 0, c65[5] = {0, 0, 0, 0, 0};
        for (int k = 0; k < nthreads; k++) {
            c += tl[k].district[d];
            for (int j = 0; j < 5; j++) c65[j] += tl[k].district65[d][j];
        }
        res->district_population[(size_t)r * res->months * res->districts + (size_t)m * res->districts + d] = (int32_t)c;
        spr_district_record *dr = &res->district[spr_results_district_index(res, r, m, d)];
        dr->population_65 = (int32_t)c65[0];
        dr->taking_part_65 = (int32_t)c65[1];
        dr->isolated_65 = (int32_t)c65[2];
        dr->certified_65 = (int32_t)c65[3];
        dr->deaths_65 = (int32_t)c65[4];
    }
    record_subgroups(res, r, m, tl, nthreads);
}

/* Ids at or above this reserve streams for population-level draws. */
#define INFLOW_STREAM_ID(kind, s, b) (0xFFFF0000u + (uint32_t)(kind) * 256u + (uint32_t)(s) * 32u + (uint32_t)(b))

/* Residents created during the month, in a fixed order: births (by mother),
 * then in-migrants (by sex and band), then entrants at min_age (by sex). */
static int add_newcomers(const spr_params *p, const spr_model *M, spr_population *pop, spr_results *res, int r, int m,
                         tally *tl, int nthreads, spr_rng_key key, gsl_rng *g, spr_stream *stream,
                         const double entrants_per_month[SPR_SEXES])
{
    uint32_t month = (uint32_t)m;
    for (int k = 0; k < nthreads; k++)
        for (size_t j = 0; j < tl[k].n_births; j++) {
            size_t mother = tl[k].births[j].mother;
            int female = tl[k].births[j].female;
            uint8_t district = pop->district[mother];
            uint32_t w[4];
            spr_rng_block(key, pop->next_id, month, SPR_STREAM_INIT_RESIDENT, 0, w);
            int alone = w[0] < spr_rng_threshold(p->living_alone[female][0]);
            if (spr_population_add(pop, female, 0, district, (uint8_t)spr_state_index(0, 0, 0, alone, 0)) < 0)
                return SPR_ERR_NOMEM;
            res->counts[spr_results_index(res, r, m, SPR_IND_BIRTHS, female, 0)]++;
        }
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            double rate = M->probs.in_migration[b];
            if (rate <= 0) continue;
            double expected = rate * res->counts[spr_results_index(res, r, m, SPR_IND_POPULATION, s, b)];
            spr_stream_reset(stream, key, INFLOW_STREAM_ID(0, s, b), month, SPR_STREAM_INFLOW);
            unsigned int n = expected > 0 ? gsl_ran_poisson(g, expected) : 0;
            int lo = 5 * b > p->min_age ? 5 * b : p->min_age;
            int hi = b == SPR_AGE_BANDS - 1 ? 105 : 5 * b + 5;
            for (unsigned int k = 0; k < n; k++) {
                uint16_t age_m = (uint16_t)(12 * lo + (int)(gsl_rng_uniform(g) * 12 * (hi - lo)));
                if (spr_population_add_drawn(pop, p, M, key, month, s, age_m) < 0) return SPR_ERR_NOMEM;
            }
            res->counts[spr_results_index(res, r, m, SPR_IND_IN_MIGRANTS, s, b)] = (int32_t)n;
        }
    for (int s = 0; s < SPR_SEXES; s++) {
        if (entrants_per_month[s] <= 0) continue;
        spr_stream_reset(stream, key, INFLOW_STREAM_ID(1, s, 0), month, SPR_STREAM_INFLOW);
        unsigned int n = gsl_ran_poisson(g, entrants_per_month[s]);
        for (unsigned int k = 0; k < n; k++)
            if (spr_population_add_drawn(pop, p, M, key, month, s, (uint16_t)(12 * p->min_age)) < 0)
                return SPR_ERR_NOMEM;
        res->counts[spr_results_index(res, r, m, SPR_IND_ENTRANTS, s, spr_age_band(p->min_age))] = (int32_t)n;
    }
    return SPR_OK;
}

/* Residents reaching min_age each month when the model leaves out younger
 * ages: the pyramid's single-year count just below min_age, scaled like the
 * initial population, spread over twelve months. */
static void entrants_rate(const spr_params *p, double out[SPR_SEXES])
{
    out[0] = out[1] = 0;
    if (p->min_age <= 0 || p->cohort_age >= 0) return;
    int64_t counts[SPR_SEXES][SPR_AGE_BANDS];
    spr_population_allocate(p, counts);
    int b = spr_age_band(p->min_age - 1);
    double kept_total = 0, pyr_total = 0;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int k = 0; k < SPR_AGE_BANDS; k++) {
            kept_total += (double)counts[s][k];
            int lo = 5 * k, hi = k == SPR_AGE_BANDS - 1 ? 105 : 5 * k + 5;
            int kept = hi - (lo > p->min_age ? lo : p->min_age);
            pyr_total += kept > 0 ? p->pyramid[s][k] * kept / (hi - lo) : 0;
        }
    for (int s = 0; s < SPR_SEXES; s++) out[s] = p->pyramid[s][b] / 5.0 * kept_total / pyr_total / 12.0;
}

/* Stores the programme's month and the supply of groups. */
static void record_programme(const spr_programme *g, spr_results *res, int r, int m, const spr_programme_month *pm)
{
    size_t rm = (size_t)r * (size_t)res->months + (size_t)m;
    res->programme[rm] = *pm;
    size_t cells = (size_t)SPR_RESOURCE_TYPES * (size_t)res->districts;
    spr_programme_supply(g, res->group_participants + rm * cells, res->group_places + rm * cells, res->districts);
    for (int t = 0; t < res->teams; t++) res->team[spr_results_team_index(res, r, m, t)] = *spr_programme_team_month(g, t);
    for (int d = 0; d < res->districts; d++) {
        const spr_district_month *dm = spr_programme_district_month(g, d);
        spr_district_record *dr = &res->district[spr_results_district_index(res, r, m, d)];
        dr->referrals = dm->referrals;
        dr->first_contacts = dm->first_contacts;
        dr->cost_resources_yen = dm->cost_resources_yen;
    }
}

/* ---- the cohort of a target-trial emulation ---------------------------- */

int spr_cohort_create(int baseline_month, int follow_months, int min_age, spr_cohort **out, spr_error *err)
{
    if (baseline_month < 0 || follow_months < 1 || follow_months > INT16_MAX || min_age < 0)
        return spr_error_set(err, SPR_ERR_USAGE, "cohort: baseline month %d, follow-up %d months, minimum age %d",
                             baseline_month, follow_months, min_age);
    spr_cohort *c = calloc(1, sizeof *c);
    if (c == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the cohort");
    c->baseline_month = baseline_month;
    c->follow_months = follow_months;
    c->min_age = min_age;
    *out = c;
    return SPR_OK;
}

void spr_cohort_destroy(spr_cohort *c)
{
    if (c == NULL) return;
    free(c->id);
    free(c->replicate);
    free(c->female);
    free(c->age_years);
    free(c->state);
    free(c->exposed);
    free(c->certified);
    free(c->demented);
    free(c->died);
    free(c->departed);
    free(c);
}

static int cohort_grow(spr_cohort *c, size_t need, spr_error *err)
{
    if (need <= c->cap) return SPR_OK;
    size_t cap = need + need / 2 + 1024;
#define GROW(f)                                                                                                         \
    do {                                                                                                                \
        void *q = realloc(c->f, cap * sizeof *c->f);                                                                    \
        if (q == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for a cohort of %zu residents", need);  \
        c->f = q;                                                                                                       \
    } while (0)
    GROW(id); GROW(replicate); GROW(female); GROW(age_years); GROW(state); GROW(exposed);
    GROW(certified); GROW(demented); GROW(died); GROW(departed);
#undef GROW
    c->cap = cap;
    return SPR_OK;
}

/* Enrols every resident alive at the start of the baseline month and at
 * least min_age, with the state and whether they take part then. */
static int cohort_enrol(spr_cohort *c, const spr_population *pop, int replicate, spr_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < pop->n; i++) k += (pop->flags[i] & SPR_FLAG_ALIVE) && pop->age_months[i] / 12 >= c->min_age;
    int rc = cohort_grow(c, c->n + k, err);
    if (rc != SPR_OK) return rc;
    for (size_t i = 0; i < pop->n; i++) {
        int age = pop->age_months[i] / 12;
        if (!(pop->flags[i] & SPR_FLAG_ALIVE) || age < c->min_age) continue;
        size_t j = c->n++;
        c->id[j] = pop->id[i];
        c->replicate[j] = replicate;
        c->female[j] = (uint8_t)(pop->flags[i] & SPR_FLAG_FEMALE);
        c->age_years[j] = (uint8_t)(age > 255 ? 255 : age);
        c->state[j] = pop->state[i];
        c->exposed[j] = (pop->sp[i] & SPR_SP_PARTICIPATING) != 0;
        c->certified[j] = c->demented[j] = c->died[j] = c->departed[j] = -1;
    }
    return SPR_OK;
}

/* Records the events of follow-up month k (the month just stepped) of the
 * members enrolled from `start`: both lists are in increasing id order
 * (compaction keeps the order), so one merge walk finds them. */
static void cohort_follow(spr_cohort *c, size_t start, const spr_population *pop, int k)
{
    if (k >= c->follow_months) return;
    size_t i = 0;
    for (size_t j = start; j < c->n; j++) {
        if (c->died[j] >= 0 || c->departed[j] >= 0) continue;
        while (i < pop->n && pop->id[i] < c->id[j]) i++;
        if (i == pop->n) break;
        if (pop->id[i] != c->id[j]) continue; /* cannot happen: members leave the arrays only after dying or moving */
        uint8_t fl = pop->flags[i];
        if (!(fl & SPR_FLAG_ALIVE)) {
            if (fl & SPR_FLAG_DEPARTED) c->departed[j] = (int16_t)k;
            else c->died[j] = (int16_t)k;
            continue;
        }
        int st = pop->state[i];
        if (c->certified[j] < 0 && spr_state_func(st) >= SPR_FUNC_SUPPORT) c->certified[j] = (int16_t)k;
        if (c->demented[j] < 0 && spr_state_dementia(st)) c->demented[j] = (int16_t)k;
    }
}

/* The threads take the month's chunks in runs from a shared counter, so that a thread that is done
 * takes more and none waits long for another: the residents' work is uneven (the old have more to do
 * than the young, and the population is in order of sex and age), and on a shared machine a thread's
 * speed is not steady (runs fixed in advance from each thread's speed last month left the first thread
 * to finish idle for 5-8% of the step, bench/README.md).  A run is a share of what is left, 1 / (2 x
 * threads) of it, and at least MIN_RUN_CHUNKS chunks, so that the counter is taken a few dozen times a
 * month and the last runs are short.  The counter only grows, so each thread's runs, and its births and requests, are in increasing
 * row; merged (spr_rows_merge) they are in row order whatever the threads did: the sharing never changes
 * a result.  Returns the run's first chunk (chunks or more when none is left) and its end in *hi. */
enum { MIN_RUN_CHUNKS = 4 };

static size_t take_run(size_t *next_chunk, size_t chunks, int team, size_t *hi)
{
    size_t seen;
#pragma omp atomic read relaxed
    seen = *next_chunk;
    size_t size = seen < chunks ? (chunks - seen) / (2 * (size_t)team) : 0;
    if (size < MIN_RUN_CHUNKS) size = MIN_RUN_CHUNKS;
    size_t lo;
#pragma omp atomic capture relaxed
    {
        lo = *next_chunk;
        *next_chunk += size;
    }
    *hi = lo + size < chunks ? lo + size : chunks;
    return lo;
}

/* Replicate `replicate` (the key of its random streams) into slot r of res,
 * following `cohort` when it is not NULL. */
static int run_replicate(const spr_params *p, const spr_model *M, spr_results *res, int r, int replicate,
                         spr_cohort *cohort, tally *tl, int nthreads, spr_progress_fn progress, void *ctx,
                         spr_error *err)
{
    spr_rng_key key = {(uint64_t)p->seed, (uint32_t)replicate};
    size_t cohort_start = cohort ? cohort->n : 0;
    spr_population *pop = spr_population_create((size_t)p->population + 16);
    spr_stream *stream = spr_stream_create();
    spr_programme *g = NULL;
    int rc = SPR_OK;
    if (pop == NULL || stream == NULL) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %lld residents", (long long)p->population);
        goto out;
    }
    rc = spr_population_synthesise(pop, p, M, key, err);
    if (rc == SPR_OK) rc = spr_programme_create(p, M, pop, key, &g, err);
    if (rc != SPR_OK) goto out;
    double entrants[SPR_SEXES];
    entrants_rate(p, entrants);
    int32_t *hist = res->wait_histogram + (size_t)r * SPR_WAIT_DAYS;
    for (int m = 0; m < res->months; m++) {
        size_t n = pop->n;
        if (cohort && m == cohort->baseline_month && (rc = cohort_enrol(cohort, pop, replicate, err)) != SPR_OK) goto out;
        for (int k = 0; k < nthreads; k++) {
            tally_clear(&tl[k], spr_programme_resources(g)->n);
            /* the parallel step writes a place freed in any group: the arrays must cover them all */
            if (tl[k].prog->oom) {
                rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the programme's tallies (month %d)", m);
                goto out;
            }
        }
        const size_t chunks = (n + CHUNK - 1) / CHUNK;
        size_t next_chunk = 0;
#pragma omp parallel num_threads(nthreads)
        {
            tally *t = &tl[omp_get_thread_num()];
            const int team = omp_get_num_threads();
            for (;;) {
                size_t hi, c = take_run(&next_chunk, chunks, team, &hi);
                if (c >= chunks) break;
                for (; c < hi; c++) {
                    const size_t lo = c * CHUNK, end = lo + CHUNK < n ? lo + CHUNK : n;
                    step_chunk(p, M, g, pop, lo, end, key, (uint32_t)m, t);
                }
            }
        }
        for (int k = 0; k < nthreads; k++)
            if (tl[k].oom) {
                rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory recording births");
                goto out;
            }
        if (merge_births(tl, nthreads) != SPR_OK) {
            rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory merging the threads' births");
            goto out;
        }
        if (cohort && m >= cohort->baseline_month) cohort_follow(cohort, cohort_start, pop, m - cohort->baseline_month);
        record_month(M, res, r, m, tl, nthreads);
        spr_programme_month pm;
        rc = spr_programme_step(g, pop, (uint32_t)m, tl[0].prog, nthreads, &pm, hist, err);
        if (rc != SPR_OK) goto out;
        if (m == res->months - 1) spr_programme_censor_waiting(g, (uint32_t)m, &pm); /* the run ends: open waits are censored */
        record_programme(g, res, r, m, &pm);
        if (p->check_invariants && (rc = spr_programme_check(g, pop, err)) != SPR_OK) {
            char where[SPR_ERROR_MSG_MAX];
            snprintf(where, sizeof where, "%s", err->msg);
            spr_error_set(err, rc, "replicate %d, month %d: %s", r, m, where);
            goto out;
        }
        rc = add_newcomers(p, M, pop, res, r, m, tl, nthreads, key, spr_stream_gsl(stream), stream, entrants);
        if (rc != SPR_OK) {
            spr_error_set(err, rc, "out of memory adding residents in month %d", m);
            goto out;
        }
        if ((int64_t)pop->n > res->unit_peak[r]) res->unit_peak[r] = (int64_t)pop->n;
        if (m % 12 == 11) spr_population_compact(pop);
        if (progress) progress(ctx, replicate, m);
    }
out:
    spr_programme_destroy(g);
    spr_stream_destroy(stream);
    spr_population_destroy(pop);
    return rc;
}

static void free_tallies(tally *tl, int nthreads)
{
    if (tl == NULL) return;
    for (int k = 0; k < nthreads; k++) {
        free(tl[k].births);
        free(tl[k].merge_scratch);
        if (tl[0].prog) spr_programme_tally_free(&tl[0].prog[k]);
    }
    free(tl[0].prog);
    free(tl);
}

/* One tally per thread; NULL without memory. */
static tally *alloc_tallies(int nthreads)
{
    tally *tl = calloc((size_t)nthreads, sizeof *tl);
    /* the programme's tallies in one array, which the serial programme step reads in thread order */
    spr_programme_tally *ptl = calloc((size_t)nthreads, sizeof *ptl);
    if (tl == NULL || ptl == NULL) {
        free(tl);
        free(ptl);
        return NULL;
    }
    for (int k = 0; k < nthreads; k++) tl[k].prog = &ptl[k];
    return tl;
}

/* The names of the districts and teams, and which team covers which district. */
static void name_districts_and_teams(const spr_params *p, spr_results *res)
{
    const spr_municipality *mu = p->municipality;
    for (int d = 0; d < res->districts; d++) {
        if (mu != NULL) snprintf(res->district_name[d], SPR_LABEL_MAX, "%s", mu->district[d].name);
        else snprintf(res->district_name[d], SPR_LABEL_MAX, "%d", d + 1);
        res->district_team[d] = spr_programme_team_of(p, d);
    }
    for (int t = 0; t < res->teams; t++) spr_programme_team_name(p, t, res->team_name[t], SPR_LABEL_MAX);
    res->districts_from_data = mu != NULL;
}

int spr_results_create_for(const spr_params *p, int replicates, spr_results **out, spr_error *err)
{
    int rc = spr_results_create(replicates, 12 * p->years, p->districts, spr_programme_teams(p),
                                spr_params_draw_columns(p), out, err);
    if (rc == SPR_OK) name_districts_and_teams(p, *out);
    return rc;
}

struct spr_runner {
    const spr_params *p;
    const spr_model *M;
    tally *tl;
    int nthreads;
    /* probabilistic sensitivity analysis: the parameters and model of the draw last run */
    spr_params *pd;
    spr_model *Md;
    int64_t draw;        /* -1 before the first */
    double *draw_values; /* its values (spr_params_draw's row) */
};

int spr_runner_create(const spr_params *p, const spr_model *M, spr_runner **out, spr_error *err)
{
    *out = NULL;
    spr_runner *run = calloc(1, sizeof *run);
    if (run == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    run->p = p;
    run->M = M;
    run->draw = -1;
    run->nthreads = omp_get_max_threads();
    run->tl = alloc_tallies(run->nthreads);
    int uncertain = spr_params_uncertain(p);
    if (run->tl == NULL || (uncertain && (run->pd = malloc(sizeof *run->pd)) == NULL) ||
        (uncertain && (run->draw_values = calloc((size_t)spr_params_draw_columns(p) + 1, sizeof *run->draw_values)) == NULL)) {
        spr_runner_destroy(run);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    }
    *out = run;
    return SPR_OK;
}

void spr_runner_destroy(spr_runner *run)
{
    if (run == NULL) return;
    free_tallies(run->tl, run->nthreads);
    spr_model_destroy(run->Md);
    free(run->pd);
    free(run->draw_values);
    free(run);
}

/* The parameters and model of parameter draw `draw` (kept while the next unit shares the draw), and
 * the values its replicates run with: the distributions' draws, then the calibrated row. */
static int prepare_draw(spr_runner *run, uint32_t draw, double *values, spr_error *err)
{
    const size_t bytes = (size_t)spr_params_draw_columns(run->p) * sizeof *values;
    if (run->draw != (int64_t)draw) {
        spr_model_destroy(run->Md);
        run->Md = NULL;
        run->draw = -1;
        *run->pd = *run->p;
        int rc = spr_params_draw(run->pd, draw, run->draw_values, err);
        if (rc != SPR_OK) return rc;
        spr_error sub;
        rc = spr_params_validate(run->pd, &sub);
        if (rc != SPR_OK) return spr_error_set(err, rc, "parameter draw %u: %s", draw, sub.msg);
        rc = spr_model_create(run->pd, &run->Md, err);
        if (rc != SPR_OK) return rc;
        run->draw = draw;
    }
    if (bytes > 0) memcpy(values, run->draw_values, bytes);
    return SPR_OK;
}

int spr_runner_run(spr_runner *run, int replicate, spr_results *res, int slot, spr_progress_fn progress, void *ctx,
                   spr_error *err)
{
    const spr_params *p = run->p;
    if (slot < 0 || slot >= res->replicates || res->months != 12 * p->years ||
        res->n_uncertain != spr_params_draw_columns(p))
        return spr_error_set(err, SPR_ERR_USAGE, "slot %d of results of %d replicates, %d months, %d draw columns", slot,
                             res->replicates, res->months, res->n_uncertain);
    /* a slot may be used again (one slot for unit after unit), and some series are sums */
    spr_results_slice sl[SPR_RESULTS_SLICES];
    int n = spr_results_unit_slices(res, slot, sl);
    for (int k = 0; k < n; k++) memset(sl[k].data, 0, sl[k].bytes);
    int rc;
    if (!spr_params_uncertain(p)) {
        rc = run_replicate(p, run->M, res, slot, replicate, NULL, run->tl, run->nthreads, progress, ctx, err);
    } else {
        /* probabilistic sensitivity analysis: parameters and model per draw */
        uint32_t draw = (uint32_t)(replicate / p->replicates_per_draw);
        rc = prepare_draw(run, draw, res->draws + (size_t)slot * (size_t)res->n_uncertain, err);
        if (rc != SPR_OK) return rc;
        for (int t = 0; t < p->calib_draws.n_tables; t++)
            res->calib_row[(size_t)t * (size_t)res->replicates + (size_t)slot] = spr_params_draw_row(p, t, draw);
        rc = run_replicate(run->pd, run->Md, res, slot, replicate, NULL, run->tl, run->nthreads, progress, ctx, err);
    }
    if (rc == SPR_OK) spr_results_unit_done(res, slot);
    return rc;
}

int spr_simulation_run(const spr_params *p, const spr_model *M, spr_results **out, spr_progress_fn progress,
                       void *ctx, spr_error *err)
{
    spr_results *res = NULL;
    spr_runner *run = NULL;
    int rc = spr_results_create_for(p, p->replicates, &res, err);
    if (rc == SPR_OK) rc = spr_runner_create(p, M, &run, err);
    for (int r = 0; rc == SPR_OK && r < res->replicates; r++) rc = spr_runner_run(run, r, res, r, progress, ctx, err);
    spr_runner_destroy(run);
    if (rc != SPR_OK) {
        spr_results_destroy(res);
        return rc;
    }
    *out = res;
    return SPR_OK;
}

int spr_simulation_follow(const spr_params *p, const spr_model *M, int replicate, spr_cohort *cohort, spr_error *err)
{
    spr_results *res = NULL;
    int rc = spr_results_create(1, cohort->baseline_month + cohort->follow_months, p->districts, spr_programme_teams(p), 0,
                                &res, err);
    if (rc != SPR_OK) return rc;
    int nthreads = omp_get_max_threads();
    tally *tl = alloc_tallies(nthreads);
    if (tl == NULL) rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    else rc = run_replicate(p, M, res, 0, replicate, cohort, tl, nthreads, NULL, NULL, err);
    free_tallies(tl, nthreads);
    spr_results_destroy(res);
    return rc;
}
