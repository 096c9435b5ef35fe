#include "sprsim/rng.h"

#include <math.h>
#include <stdlib.h>

#include <Random123/gsl_microrng.h>

/* Declares gsl_rng_spr_philox and spr_philox_reset(): a gsl_rng over
 * philox4x32 whose last counter word counts the draws of one stream. */
GSL_MICRORNG(spr_philox, philox4x32);

uint32_t spr_rng_threshold(double p)
{
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return UINT32_MAX; /* a word of UINT32_MAX itself is 2^-32 rare */
    /* p in [1 - 2^-33, 1) rounds to 2^32, one past the largest word: saturate
     * (a cast would wrap it to 0, and a near-certain event would never happen) */
    long long t = llround(p * 4294967296.0);
    return t > (long long)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

struct spr_stream {
    gsl_rng *rng;
};

spr_stream *spr_stream_create(void)
{
    spr_stream *s = malloc(sizeof *s);
    if (s == NULL) return NULL;
    s->rng = gsl_rng_alloc(gsl_rng_spr_philox);
    if (s->rng == NULL) {
        free(s);
        return NULL;
    }
    spr_stream_reset(s, (spr_rng_key){0, 0}, 0, 0, SPR_STREAM_TEST);
    return s;
}

void spr_stream_destroy(spr_stream *s)
{
    if (s == NULL) return;
    gsl_rng_free(s->rng);
    free(s);
}

void spr_stream_reset(spr_stream *s, spr_rng_key key, uint32_t id, uint32_t month, spr_stream_purpose purpose)
{
    spr_philox_reset(s->rng, spr_rng_counter(key, id, month, purpose, 0), spr_rng_philox_key(key));
}

gsl_rng *spr_stream_gsl(spr_stream *s) { return s->rng; }
