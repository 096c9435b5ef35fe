/* Residents, stored as a structure of arrays of small integers.
 *
 * A resident is 15 bytes: a stable id (the key of its random streams), age
 * in months, district, state code (spr_state_index, plus the benefit of
 * taking part), flags, programme status, months in a group and the group.  Dead and departed residents stay in place (not alive) until the
 * yearly compaction, which keeps the survivors in order. */
#ifndef SPRSIM_POPULATION_H
#define SPRSIM_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "sprsim/error.h"
#include "sprsim/model.h"
#include "sprsim/params.h"
#include "sprsim/rng.h"

enum { SPR_FLAG_FEMALE = 1u, SPR_FLAG_ALIVE = 2u, SPR_FLAG_DEPARTED = 4u /* moved away (not dead) */ };

/* Programme status bits of a resident (spr_population.sp). */
enum {
    SPR_SP_WAITING = 1u,       /* referred, waiting for a link worker */
    SPR_SP_CASE = 2u,          /* an open case with a link worker */
    SPR_SP_PARTICIPATING = 4u, /* takes part in a community resource */
    SPR_SP_VIA_LW = 8u,        /* placed by a link worker */
    SPR_SP_VOLUNTEER = 16u,    /* volunteers in their group (dual cycle, loop 1) */
    SPR_SP_PLACED = 32u,       /* took up a place during the current case */
    SPR_SP_DECLINED = 64u,     /* declined the place offered during the current case */
    SPR_SP_PRESCRIBED = 128u   /* holds one of a group's places kept for link workers' clients */
};
#define SPR_NO_RESOURCE 0xffffffffu

typedef struct {
    size_t n, cap;
    uint32_t next_id;     /* id of the next resident to be created */
    uint32_t *id;
    uint16_t *age_months;
    uint8_t *district;
    uint8_t *state;       /* state code, 0..SPR_STATE_CODES-1 */
    uint8_t *flags;
    uint8_t *sp;          /* programme status (SPR_SP_*) */
    uint8_t *sp_months;   /* months in the current group (saturates at 255); out of any group, queue and case:
                           * months left before a new referral (programme.c, referral.rereferral_wait_months) */
    uint32_t *resource;   /* group taken part in, or SPR_NO_RESOURCE (32 bits: more than 65,535 groups happen) */
    uint32_t *guide;      /* every SPR_GUIDE_STRIDE-th id (id[b * SPR_GUIDE_STRIDE] in guide[b]), for
                           * spr_population_find: kept by spr_population_add and spr_population_compact */
} spr_population;

/* Residents per entry of the guide to the ids: a sixteenth of a byte per resident, and the last search of
 * spr_population_find within 256 bytes of ids. */
#define SPR_GUIDE_STRIDE 64

/* Bytes of state per resident (the sum over the arrays). */
#define SPR_BYTES_PER_RESIDENT (2 * sizeof(uint32_t) + sizeof(uint16_t) + 5 * sizeof(uint8_t))

spr_population *spr_population_create(size_t capacity);
void spr_population_destroy(spr_population *pop);

/* Appends one resident with the next id; returns its index or -1 (no memory). */
ptrdiff_t spr_population_add(spr_population *pop, int female, uint16_t age_months, uint8_t district, uint8_t state);

/* The index of the resident with this id, or -1: ids increase along the
 * arrays (residents are appended with new ids and compaction keeps order).
 * Bisection of the guide (which stays in the cache), then of one stretch of
 * SPR_GUIDE_STRIDE ids: bisecting a million ids would miss the cache at
 * most of its twenty steps. */
ptrdiff_t spr_population_find(const spr_population *pop, uint32_t id);

/* Merges a list of records in increasing row into *list (also in increasing row; ties keep *list's
 * first): records of `size` bytes whose row is the uint32_t at row_offset.  *list holds *n records in
 * room for *cap; the merge is written to *scratch (*scratch_bytes of room, grown as needed), which then
 * changes places with *list.  The threads of the step each list their residents' requests in row order
 * and take runs of rows in no fixed order: merged, the lists are in row order whatever the threads did.
 * Returns 0, or -1 out of memory (nothing changed). */
int spr_rows_merge(void **list, size_t *n, size_t *cap, const void *other, size_t n_other, size_t size,
                   size_t row_offset, void **scratch, size_t *scratch_bytes);

/* The rows of n ids (spr_population_find of each, -1 for one not in the population) into rows[].  The
 * serial month looks up a few thousand residents at a time (link workers' cases), each a miss of the
 * cache: here the lookups of SPR_FIND_LANES ids go step by step together, without branches, so that
 * their misses overlap instead of following one another. */
enum { SPR_FIND_LANES = 16 };
void spr_population_find_many(const spr_population *pop, const uint32_t *ids, size_t n, ptrdiff_t *rows);

/* Asks the processor to fetch resident i's entries of the arrays the serial month reads, ahead of use
 * (its rows are scattered: each is a miss of the cache otherwise). */
static inline void spr_population_prefetch(const spr_population *pop, size_t i)
{
    __builtin_prefetch(pop->id + i);
    __builtin_prefetch(pop->age_months + i);
    __builtin_prefetch(pop->district + i);
    __builtin_prefetch(pop->state + i);
    __builtin_prefetch(pop->flags + i);
    __builtin_prefetch(pop->sp + i);
    __builtin_prefetch(pop->sp_months + i);
    __builtin_prefetch(pop->resource + i);
}

/* Removes residents who are not alive, keeping the others in order. */
void spr_population_compact(spr_population *pop);

/* Draws the attributes of a new resident of given sex and age from its
 * INIT stream: joint state from the cohort model's distribution at that
 * age, district uniformly. */
ptrdiff_t spr_population_add_drawn(spr_population *pop, const spr_params *p, const spr_model *m, spr_rng_key key,
                                   uint32_t month, int female, uint16_t age_months);

/* Synthesises the initial population of p->population residents from the
 * pyramid (or a closed cohort when p->cohort_age >= 0). */
int spr_population_synthesise(spr_population *pop, const spr_params *p, const spr_model *m, spr_rng_key key,
                              spr_error *err);

/* Residents per (sex, band) of the initial population, by largest remainder
 * (deterministic: the counts are not random). */
void spr_population_allocate(const spr_params *p, int64_t counts[SPR_SEXES][SPR_AGE_BANDS]);

#endif
