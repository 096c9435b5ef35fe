/* The population's arrays: finding a resident by id (spr_population_find, through the guide to the ids)
 * after compaction has left gaps of every size and residents were added after it, checked against a
 * linear search of the ids; compaction keeps the living in order.
 * The initial population (spr_population_synthesise, drawn by several threads at once): each resident
 * derived again here, in order, from its own INIT block as docs/ODD.md says (its sex and band from the
 * run it falls in, its age from word 2, its district from word 1 or the residents file, its state from
 * word 0 and the mix by definition, not the model's tables), for the pyramid, a closed cohort and a
 * municipality's districts; and the arrays the same on 1 and 2 threads.
 * usage: test_population SOURCE_DIR */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "check.h"
#include "helpers.h"
#include "sprsim/municipality.h"
#include "sprsim/population.h"
#include "sprsim/rng.h"

/* The index of id by a linear search (the reference), or -1. */
static ptrdiff_t find_linear(const spr_population *pop, uint32_t id)
{
    for (size_t i = 0; i < pop->n; i++)
        if (pop->id[i] == id) return (ptrdiff_t)i;
    return -1;
}

/* Every id from 0 to beyond the last, present or not (and UINT32_MAX), found where the linear search
 * finds it: one at a time (spr_population_find), and many at once (spr_population_find_many, the ids in
 * a shuffled order, in batches of every size from 1 to three times the lanes). */
static void check_every_id(const spr_population *pop, const char *what)
{
    int wrong = 0, wrong_many = 0;
    const uint32_t end = pop->next_id + 3, n = end + 1;
    uint32_t *ids = malloc(n * sizeof *ids);
    ptrdiff_t *rows = malloc(n * sizeof *rows), *want = malloc(n * sizeof *want);
    if (!ids || !rows || !want) {
        CHECK(0, "out of memory");
        goto out;
    }
    for (uint32_t id = 0; id < end; id++) ids[id] = id;
    ids[end] = UINT32_MAX;
    for (uint32_t k = n - 1; k > 0; k--) { /* a fixed shuffle (a multiplicative hash picks the partner) */
        const uint32_t j = (uint32_t)(((uint64_t)k * 2654435761u) % (k + 1)), t = ids[k];
        ids[k] = ids[j];
        ids[j] = t;
    }
    for (uint32_t k = 0; k < n; k++) {
        want[k] = find_linear(pop, ids[k]);
        wrong += spr_population_find(pop, ids[k]) != want[k];
    }
    size_t batch = 1;
    for (size_t at = 0; at < n; at += batch, batch = batch % (3 * SPR_FIND_LANES) + 1) {
        const size_t m = n - at < batch ? n - at : batch;
        spr_population_find_many(pop, ids + at, m, rows + at);
    }
    for (uint32_t k = 0; k < n; k++) wrong_many += rows[k] != want[k];
    CHECK(wrong == 0, "%s: %d of %u ids found at the wrong index (or not found)", what, wrong, n);
    CHECK(wrong_many == 0, "%s: %d of %u ids found at the wrong index (or not found) many at once", what, wrong_many, n);
out:
    free(ids);
    free(rows);
    free(want);
}

/* Resident i's entries but its id, sex and age, made from its id (so that where each came from shows
 * after compaction). */
static void set_from_id(spr_population *pop, size_t i)
{
    const uint32_t id = pop->id[i];
    pop->district[i] = (uint8_t)(id % 7);
    pop->state[i] = (uint8_t)(id % 160);
    pop->sp[i] = (uint8_t)(id * 37);
    pop->sp_months[i] = (uint8_t)(id * 11);
    pop->resource[i] = id * 3 + 1;
}

/* Whether every resident's entries are those of its id: with_gaps's (the sex and age in months from
 * the order it was added in, the rest set_from_id's), and alive. */
static int entries_follow_ids(const spr_population *pop, size_t added_first)
{
    int ok = 1;
    for (size_t i = 0; i < pop->n; i++) {
        const uint32_t id = pop->id[i];
        ok &= (pop->flags[i] & SPR_FLAG_ALIVE) != 0;
        if (id >= added_first) continue; /* added after compaction: nothing to check but being alive */
        ok &= pop->age_months[i] == id % 1200 && (pop->flags[i] & SPR_FLAG_FEMALE) == (id & 1 ? SPR_FLAG_FEMALE : 0);
        ok &= pop->district[i] == id % 7 && pop->state[i] == id % 160 && pop->sp[i] == (uint8_t)(id * 37) &&
              pop->sp_months[i] == (uint8_t)(id * 11) && pop->resource[i] == id * 3 + 1;
    }
    return ok;
}

/* A population of n residents of which each dies with probability p_die, in runs (a run of deaths is as
 * long as `run` residents), compacted, and then `later` residents more. */
static spr_population *with_gaps(size_t n, double p_die, size_t run, size_t later, gsl_rng *rng)
{
    spr_population *pop = spr_population_create(n);
    if (pop == NULL) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (spr_population_add(pop, (int)(i & 1), (uint16_t)(i % 1200), 0, 0) < 0) {
            spr_population_destroy(pop);
            return NULL;
        }
        set_from_id(pop, i);
    }
    for (size_t i = 0; i < n; i += run)
        if (gsl_rng_uniform(rng) < p_die)
            for (size_t k = i; k < i + run && k < n; k++) pop->flags[k] &= (uint8_t)~SPR_FLAG_ALIVE;
    spr_population_compact(pop);
    for (size_t i = 0; i < later; i++)
        if (spr_population_add(pop, 0, 0, 0, 0) < 0) {
            spr_population_destroy(pop);
            return NULL;
        }
    return pop;
}

/* The state of a resident drawn by definition from the mix of its sex, age and district. */
static int state_by_definition(const spr_model *M, int female, uint16_t age_months, int d, uint32_t word)
{
    double dist[SPR_STATES];
    spr_model_state_mix(M, female, age_months, d, dist);
    return state_draw_by_definition(dist, spr_rng_u01(word));
}

/* Whether resident i is the one its id, sex, ages [lo, hi) (lo == hi: exactly lo) and district (-1: a
 * newcomer's, drawn) make: counts the attributes that differ. */
static int differs(const spr_population *pop, const spr_params *p, const spr_model *M, spr_rng_key key, size_t i,
                   uint32_t id, int female, int lo, int hi, int d)
{
    uint32_t w[4];
    spr_rng_block(key, id, 0, SPR_STREAM_INIT_RESIDENT, 0, w);
    const uint16_t age = lo == hi ? (uint16_t)(12 * lo) : (uint16_t)(12 * lo + (((uint64_t)w[2] * (uint64_t)(12 * (hi - lo))) >> 32));
    if (d < 0) {
        if (p->municipality != NULL) return 1; /* (a closed cohort in a municipality's districts: not a case here) */
        d = (int)(((uint64_t)w[1] * (uint64_t)p->districts) >> 32); /* uniformly over the statistical districts */
    }
    const uint8_t flags = (uint8_t)((female ? SPR_FLAG_FEMALE : 0) | SPR_FLAG_ALIVE);
    return (pop->id[i] != id) + (pop->age_months[i] != age) + (pop->district[i] != d) +
           (pop->state[i] != state_by_definition(M, female, age, d, w[0])) + (pop->flags[i] != flags) + (pop->sp[i] != 0) +
           (pop->sp_months[i] != 0) + (pop->resource[i] != SPR_NO_RESOURCE);
}

static int band_end(int b) { return b == SPR_AGE_BANDS - 1 ? 105 : 5 * b + 5; }

/* Every resident of the initial population against its derivation, in order. */
static long wrong_residents(const spr_population *pop, const spr_params *p, const spr_model *M, spr_rng_key key)
{
    long wrong = 0;
    size_t i = 0;
#define EXPECT(female, lo, hi, d)                                                                       \
    do {                                                                                                \
        if (i >= pop->n) return wrong + 1;                                                              \
        wrong += differs(pop, p, M, key, i, (uint32_t)i, (female), (lo), (hi), (d)) != 0;               \
        i++;                                                                                            \
    } while (0)
    if (p->cohort_age >= 0) {
        const int b = spr_age_band(p->cohort_age);
        const int64_t n_f = llround((double)p->population * p->pyramid[SPR_FEMALE][b] /
                                    (p->pyramid[SPR_MALE][b] + p->pyramid[SPR_FEMALE][b]));
        for (int64_t k = 0; k < p->population; k++) EXPECT(k >= p->population - n_f, p->cohort_age, p->cohort_age, -1);
    } else if (p->municipality != NULL) {
        const spr_municipality *mu = p->municipality;
        for (int d = 0; d < mu->n_districts; d++)
            for (int s = 0; s < SPR_SEXES; s++)
                for (int b = 0; b < SPR_AGE_BANDS; b++)
                    for (int64_t k = 0; k < mu->district[d].residents[s][b]; k++) EXPECT(s, 5 * b, band_end(b), d);
    } else {
        int64_t counts[SPR_SEXES][SPR_AGE_BANDS];
        spr_population_allocate(p, counts);
        for (int s = 0; s < SPR_SEXES; s++)
            for (int b = 0; b < SPR_AGE_BANDS; b++)
                for (int64_t k = 0; k < counts[s][b]; k++) EXPECT(s, 5 * b > p->min_age ? 5 * b : p->min_age, band_end(b), -1);
    }
#undef EXPECT
    return wrong + (i != pop->n);
}

static spr_population *synthesised(const spr_params *p, const spr_model *M, spr_rng_key key, int threads)
{
    omp_set_num_threads(threads);
    spr_population *pop = spr_population_create(16);
    spr_error err;
    if (pop != NULL && spr_population_synthesise(pop, p, M, key, &err) != SPR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        spr_population_destroy(pop);
        return NULL;
    }
    return pop;
}

static int same_arrays(const spr_population *a, const spr_population *b)
{
    const size_t n = a->n;
    return a->n == b->n && a->next_id == b->next_id && !memcmp(a->id, b->id, n * sizeof *a->id) &&
           !memcmp(a->age_months, b->age_months, n * sizeof *a->age_months) && !memcmp(a->district, b->district, n) &&
           !memcmp(a->state, b->state, n) && !memcmp(a->flags, b->flags, n) && !memcmp(a->sp, b->sp, n) &&
           !memcmp(a->sp_months, b->sp_months, n) && !memcmp(a->resource, b->resource, n * sizeof *a->resource) &&
           !memcmp(a->guide, b->guide, ((n + SPR_GUIDE_STRIDE - 1) / SPR_GUIDE_STRIDE) * sizeof *a->guide);
}

/* The initial population of a scenario (with overrides), derived again and on 1 and 2 threads. */
static void check_synthesis(const char *path, const char *const *sets, int n_sets, const char *what)
{
    spr_scenario sc;
    spr_error err;
    spr_model *M = NULL;
    if (load_with_sets(path, sets, n_sets, &sc, &err) != SPR_OK || spr_model_create(&sc.params, &M, &err) != SPR_OK) {
        CHECK(0, "%s: %s", what, err.msg);
        return;
    }
    const spr_rng_key key = {(uint64_t)sc.params.seed, 3};
    spr_population *one = synthesised(&sc.params, M, key, 1), *two = synthesised(&sc.params, M, key, 2);
    CHECK(one != NULL && two != NULL, "%s: synthesis", what);
    if (one != NULL && two != NULL) {
        CHECK((int64_t)one->n == sc.params.population, "%s: %zu residents, not %lld", what, one->n,
              (long long)sc.params.population);
        const long wrong = wrong_residents(one, &sc.params, M, key);
        CHECK(wrong == 0, "%s: %ld residents differ from their derivation", what, wrong);
        CHECK(same_arrays(one, two), "%s: the population differs between 1 and 2 threads", what);
    }
    spr_population_destroy(one);
    spr_population_destroy(two);
    spr_model_destroy(M);
    spr_scenario_free(&sc);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20261126);

    spr_population *empty = spr_population_create(4);
    CHECK(empty != NULL && spr_population_find(empty, 0) == -1, "an empty population finds nobody");
    spr_population_destroy(empty);

    /* gaps of every kind: none, scattered, long runs, nearly everyone gone, a lone survivor */
    const struct {
        size_t n, run, later;
        double p_die;
        const char *what;
    } cases[] = {{5000, 1, 0, 0.0, "no gaps"},
                 {5000, 1, 0, 0.1, "scattered deaths"},
                 {5000, 50, 0, 0.3, "runs of 50 gone"},
                 {5000, 1, 0, 0.97, "nearly everyone gone"},
                 {5000, 1000, 0, 0.8, "runs of 1000"},
                 {1, 1, 0, 0.0, "one resident"},
                 {5000, 7, 300, 0.5, "residents added after compaction"},
                 {3000, 1, 1, 1.0, "everyone gone, then one added"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        spr_population *pop = with_gaps(cases[c].n, cases[c].p_die, cases[c].run, cases[c].later, rng);
        CHECK(pop != NULL, "out of memory");
        if (pop == NULL) continue;
        int ordered = 1;
        for (size_t i = 1; i < pop->n; i++) ordered &= pop->id[i - 1] < pop->id[i];
        CHECK(ordered, "%s: compaction keeps the ids increasing", cases[c].what);
        CHECK(entries_follow_ids(pop, cases[c].n), "%s: every array's entries moved with their resident", cases[c].what);
        check_every_id(pop, cases[c].what);
        spr_population_destroy(pop);
    }

    /* the most uneven spread: everyone but the first few and the very last gone, so that a guess from
     * the ends lands far from most ids */
    spr_population *pop = spr_population_create(100000);
    CHECK(pop != NULL, "out of memory");
    if (pop != NULL) {
        for (size_t i = 0; i < 100000; i++) spr_population_add(pop, 0, 0, 0, 0);
        for (size_t i = 10; i + 1 < pop->n; i++) pop->flags[i] &= (uint8_t)~SPR_FLAG_ALIVE;
        spr_population_compact(pop);
        CHECK(pop->n == 11, "11 residents left, not %zu", pop->n);
        check_every_id(pop, "ten and the last");
        spr_population_destroy(pop);
    }
    gsl_rng_free(rng);

    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/dual_cycle.yaml", argv[1]);
    const char *pyramid[] = {"simulation.population=30000"};
    check_synthesis(path, pyramid, 1, "the pyramid");
    const char *older[] = {"simulation.population=20000", "simulation.min_age=40", "simulation.districts=7"};
    check_synthesis(path, older, 3, "the pyramid from 40, 7 districts");
    const char *cohort[] = {"simulation.population=5000", "simulation.cohort_age=65"};
    check_synthesis(path, cohort, 2, "a closed cohort at 65");
    snprintf(path, sizeof path, "%s/scenarios/town/town.yaml", argv[1]);
    check_synthesis(path, NULL, 0, "the example town's districts");
    TEST_MAIN_END();
}
