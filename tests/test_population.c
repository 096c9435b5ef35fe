/* The population's arrays: finding a resident by id (spr_population_find, through the guide to the ids)
 * after compaction has left gaps of every size and residents were added after it, checked against a
 * linear search of the ids; compaction keeps the living in order. */
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "check.h"
#include "sprsim/population.h"

/* The index of id by a linear search (the reference), or -1. */
static ptrdiff_t find_linear(const spr_population *pop, uint32_t id)
{
    for (size_t i = 0; i < pop->n; i++)
        if (pop->id[i] == id) return (ptrdiff_t)i;
    return -1;
}

/* Every id from 0 to beyond the last, present or not, found where the linear search finds it. */
static void check_every_id(const spr_population *pop, const char *what)
{
    int wrong = 0;
    const uint32_t end = pop->next_id + 3;
    for (uint32_t id = 0; id < end; id++) wrong += spr_population_find(pop, id) != find_linear(pop, id);
    CHECK(wrong == 0, "%s: %d of %u ids found at the wrong index (or not found)", what, wrong, end);
}

/* A population of n residents of which each dies with probability p_die, in runs (a run of deaths is as
 * long as `run` residents), compacted, and then `later` residents more. */
static spr_population *with_gaps(size_t n, double p_die, size_t run, size_t later, gsl_rng *rng)
{
    spr_population *pop = spr_population_create(n);
    if (pop == NULL) return NULL;
    for (size_t i = 0; i < n; i++)
        if (spr_population_add(pop, (int)(i & 1), (uint16_t)(i % 1200), 0, 0) < 0) {
            spr_population_destroy(pop);
            return NULL;
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

int main(void)
{
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
    TEST_MAIN_END();
}
