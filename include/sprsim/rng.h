/* Counter-based random streams (Random123 Philox4x32-10).
 *
 * Every random number in sprsim is a pure function of
 *     (seed, replicate, entity id, month, purpose, draw index)
 * so results do not depend on the number of threads, on scheduling, or on
 * which other draws were made: there is no shared generator.  The key of the
 * Philox block cipher is the 64-bit seed; the counter is
 *     { entity id, month, replicate << 8 | purpose, draw index }.
 *
 * Three ways to draw:
 *  - spr_rng_block(): one Philox call, four 32-bit words, each word
 *    reserved for one event ("slot"), so that a resident meets the same
 *    chance in every scenario (common random numbers) whatever else happens
 *    to them;
 *  - spr_rng_blocks(): the same blocks for many ids at once (vectorised),
 *    as the monthly resident step draws them for a chunk of residents;
 *  - spr_stream: a gsl_rng whose draws come from the same Philox stream, so
 *    GSL's distributions (gsl_ran_poisson, gsl_ran_gamma, ...) can be used.
 */
#ifndef SPRSIM_RNG_H
#define SPRSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <Random123/philox.h>

#include "sprsim/error.h"

/* What a stream is used for: part of the counter, so that two purposes never
 * share numbers.  Append only: renumbering changes every result. */
typedef enum {
    SPR_STREAM_INIT_RESIDENT = 1, /* attributes of a resident at creation   */
    SPR_STREAM_MONTH_HEALTH = 2,  /* death, function, dementia, isolation   */
    SPR_STREAM_MONTH_SOCIAL = 3,  /* living alone, metabolic, migration, birth */
    SPR_STREAM_INFLOW = 4,        /* counts of in-migrants and entrants     */
    SPR_STREAM_PROGRAMME = 5,     /* a resident's programme events          */
    SPR_STREAM_RESOURCE = 6,      /* a group's events (closing)             */
    SPR_STREAM_PSA = 7,           /* parameter draws (replicate = draw number) */
    SPR_STREAM_CALIB_ROW = 8,     /* the row of calibration draws a parameter draw takes (replicate = draw) */
    SPR_STREAM_CALIB_SIR = 9,     /* calibration uncertainty: proposals (month 0, id = proposal), resampling (month 1) */
    SPR_STREAM_TEST = 255         /* reserved for tests                     */
} spr_stream_purpose;

typedef struct {
    uint64_t seed;
    uint32_t replicate; /* < 2^24 */
} spr_rng_key;

/* Four independent uniform 32-bit words for (key, id, month, purpose, index).
 * Inline: the monthly step calls it a few times per resident. */
/* The counter and key layout (shared by spr_rng_block and spr_stream). */
static inline philox4x32_ctr_t spr_rng_counter(spr_rng_key key, uint32_t id, uint32_t month, spr_stream_purpose purpose,
                                               uint32_t index)
{
    philox4x32_ctr_t c = {{id, month, (key.replicate << 8) | ((uint32_t)purpose & 0xffu), index}};
    return c;
}

static inline philox4x32_key_t spr_rng_philox_key(spr_rng_key key)
{
    philox4x32_key_t k = {{(uint32_t)(key.seed & 0xffffffffu), (uint32_t)(key.seed >> 32)}};
    return k;
}

static inline void spr_rng_block(spr_rng_key key, uint32_t id, uint32_t month, spr_stream_purpose purpose,
                                 uint32_t index, uint32_t out[4])
{
    philox4x32_ctr_t r = philox4x32(spr_rng_counter(key, id, month, purpose, index), spr_rng_philox_key(key));
    out[0] = r.v[0];
    out[1] = r.v[1];
    out[2] = r.v[2];
    out[3] = r.v[3];
}

/* The blocks of (key, ids[k], month, purpose, index) for k < n, word j of block k in words[j * stride + k]
 * (structure of arrays, stride >= n): word for word what spr_rng_block gives for each id.  Sixteen
 * counters to an AVX-512 instruction, or eight to an AVX2 one, where the processor has it (the widest
 * it has, chosen at run time: the binary stays portable), one at a time otherwise. */
void spr_rng_blocks(spr_rng_key key, const uint32_t *ids, size_t n, uint32_t month, spr_stream_purpose purpose,
                    uint32_t index, uint32_t *words, size_t stride);

/* The ways spr_rng_blocks can compute, so that the tests check each against spr_rng_block. */
typedef enum { SPR_RNG_PATH_SCALAR, SPR_RNG_PATH_AVX2, SPR_RNG_PATH_AVX512, SPR_RNG_PATHS } spr_rng_path;
/* Whether this build and this processor can take the path (the scalar one always). */
int spr_rng_path_available(spr_rng_path path);
/* spr_rng_blocks by a given path; SPR_ERR_USAGE (and nothing drawn) when it is not available. */
int spr_rng_blocks_by(spr_rng_path path, spr_rng_key key, const uint32_t *ids, size_t n, uint32_t month,
                      spr_stream_purpose purpose, uint32_t index, uint32_t *words, size_t stride);

/* A uniform double in (0, 1) from a 32-bit word (never 0 or 1). */
static inline double spr_rng_u01(uint32_t word) { return ((double)word + 0.5) * (1.0 / 4294967296.0); }

/* A probability as a 32-bit threshold: an event with probability p happens
 * when a uniform word is below spr_rng_threshold(p).  Exact integer
 * comparison keeps the hot loop free of floating point. */
uint32_t spr_rng_threshold(double p);

/* A gsl_rng drawing from one Philox stream. */
typedef struct spr_stream spr_stream;

spr_stream *spr_stream_create(void);
void spr_stream_destroy(spr_stream *s);
/* Restarts the stream at (key, id, month, purpose); draws continue from index 0. */
void spr_stream_reset(spr_stream *s, spr_rng_key key, uint32_t id, uint32_t month, spr_stream_purpose purpose);
/* The gsl_rng to pass to gsl_ran_* and gsl_rng_uniform*. */
gsl_rng *spr_stream_gsl(spr_stream *s);

#endif
