#include "sprsim/population.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int grow(spr_population *pop, size_t cap)
{
    if (cap <= pop->cap) return SPR_OK;
    void *a = realloc(pop->id, cap * sizeof *pop->id);
    if (a) pop->id = a;
    void *b = realloc(pop->age_months, cap * sizeof *pop->age_months);
    if (b) pop->age_months = b;
    void *c = realloc(pop->district, cap);
    if (c) pop->district = c;
    void *d = realloc(pop->state, cap);
    if (d) pop->state = d;
    void *e = realloc(pop->flags, cap);
    if (e) pop->flags = e;
    void *f = realloc(pop->sp, cap);
    if (f) pop->sp = f;
    void *g = realloc(pop->sp_months, cap);
    if (g) pop->sp_months = g;
    void *h = realloc(pop->resource, cap * sizeof *pop->resource);
    if (h) pop->resource = h;
    if (!a || !b || !c || !d || !e || !f || !g || !h) return SPR_ERR_NOMEM;
    pop->cap = cap;
    return SPR_OK;
}

spr_population *spr_population_create(size_t capacity)
{
    spr_population *pop = calloc(1, sizeof *pop);
    if (pop == NULL) return NULL;
    if (grow(pop, capacity < 16 ? 16 : capacity) != SPR_OK) {
        spr_population_destroy(pop);
        return NULL;
    }
    return pop;
}

void spr_population_destroy(spr_population *pop)
{
    if (pop == NULL) return;
    free(pop->id);
    free(pop->age_months);
    free(pop->district);
    free(pop->state);
    free(pop->flags);
    free(pop->sp);
    free(pop->sp_months);
    free(pop->resource);
    free(pop);
}

ptrdiff_t spr_population_add(spr_population *pop, int female, uint16_t age_months, uint8_t district, uint8_t state)
{
    if (pop->n == pop->cap && grow(pop, pop->cap + pop->cap / 2 + 16) != SPR_OK) return -1;
    size_t i = pop->n++;
    pop->id[i] = pop->next_id++;
    pop->age_months[i] = age_months;
    pop->district[i] = district;
    pop->state[i] = state;
    pop->flags[i] = (uint8_t)((female ? SPR_FLAG_FEMALE : 0u) | SPR_FLAG_ALIVE);
    pop->sp[i] = 0;
    pop->sp_months[i] = 0;
    pop->resource[i] = SPR_NO_RESOURCE;
    return (ptrdiff_t)i;
}

void spr_population_compact(spr_population *pop)
{
    size_t j = 0;
    for (size_t i = 0; i < pop->n; i++) {
        if (!(pop->flags[i] & SPR_FLAG_ALIVE)) continue;
        pop->id[j] = pop->id[i];
        pop->age_months[j] = pop->age_months[i];
        pop->district[j] = pop->district[i];
        pop->state[j] = pop->state[i];
        pop->flags[j] = pop->flags[i];
        pop->sp[j] = pop->sp[i];
        pop->sp_months[j] = pop->sp_months[i];
        pop->resource[j] = pop->resource[i];
        j++;
    }
    pop->n = j;
}

ptrdiff_t spr_population_find(const spr_population *pop, uint32_t id)
{
    size_t lo = 0, hi = pop->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pop->id[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < pop->n && pop->id[lo] == id ? (ptrdiff_t)lo : -1;
}

static int draw_state(const double *dist, double u)
{
    double cum = 0;
    int last = 0;
    for (int s = 0; s < SPR_STATES; s++) {
        if (dist[s] <= 0) continue;
        cum += dist[s];
        last = s;
        if (u < cum) return s;
    }
    return last; /* rounding: the most severe state with mass */
}

/* The cohort's state mix at an exact age in months: state_at_age[a] holds the
 * mix at exact age a years, so a resident aged a years and k months sits
 * (k + 0.5)/12 of the way to a + 1 (the middle of its month of age).  Drawing
 * from state_at_age[a] alone gave residents the mix of people half a year
 * younger, which with onset hazards rising 15-19% a year understated
 * certification and dementia by 5-8% at the start and let them drift up over
 * the first decade (docs/ODD.md, initialisation).  No interpolation across an
 * age where the cohort model changes the mix by decree rather than by
 * transitions (the living-alone re-mix at 5-year boundaries below 65, the
 * metabolic clear at metabolic.max_age): the mix just before it is right for
 * the whole year. */
static void state_at_exact_age(const spr_model *m, int female, uint16_t age_months, double dist[SPR_STATES])
{
    int age = age_months / 12;
    if (age > SPR_MAX_AGE_YEARS) age = SPR_MAX_AGE_YEARS;
    const double *at = m->state_at_age[female][age];
    memcpy(dist, at, SPR_STATES * sizeof *dist);
    if (age + 1 >= SPR_LIFE_AGES) return;
    int next = age + 1;
    int remixed = next % 5 == 0 && next < 65, cleared = next == m->probs.metabolic_max_age;
    const double *after = m->state_at_age[female][next];
    double alive_next = 0;
    for (int s = 0; s < SPR_STATES; s++) alive_next += after[s];
    if (remixed || cleared || alive_next <= 0) return;
    double w = (age_months % 12 + 0.5) / 12.0;
    for (int s = 0; s < SPR_STATES; s++) dist[s] = (1.0 - w) * at[s] + w * after[s];
}

ptrdiff_t spr_population_add_drawn(spr_population *pop, const spr_params *p, const spr_model *m, spr_rng_key key,
                                   uint32_t month, int female, uint16_t age_months)
{
    uint32_t id = pop->next_id, w[4];
    spr_rng_block(key, id, month, SPR_STREAM_INIT_RESIDENT, 0, w);
    double dist[SPR_STATES];
    state_at_exact_age(m, female, age_months, dist);
    double alive = 0;
    for (int s = 0; s < SPR_STATES; s++) alive += dist[s];
    int state = alive > 0 ? draw_state(dist, spr_rng_u01(w[0])) : spr_state_index(0, 0, 0, 0, 0);
    uint8_t district = (uint8_t)((uint64_t)w[1] * (uint64_t)p->districts >> 32);
    return spr_population_add(pop, female, age_months, district, (uint8_t)state);
}

void spr_population_allocate(const spr_params *p, int64_t counts[SPR_SEXES][SPR_AGE_BANDS])
{
    /* weight of each (sex, band) above min_age: the share of the band's ages kept */
    double w[SPR_SEXES][SPR_AGE_BANDS], total = 0;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            int lo = 5 * b, hi = b == SPR_AGE_BANDS - 1 ? 105 : 5 * b + 5;
            int kept = hi - (lo > p->min_age ? lo : p->min_age);
            w[s][b] = kept > 0 ? p->pyramid[s][b] * kept / (hi - lo) : 0;
            total += w[s][b];
        }
    int64_t assigned = 0;
    double rem[SPR_SEXES * SPR_AGE_BANDS];
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            double x = total > 0 ? (double)p->population * w[s][b] / total : 0;
            counts[s][b] = (int64_t)floor(x);
            rem[s * SPR_AGE_BANDS + b] = x - floor(x);
            assigned += counts[s][b];
        }
    /* largest remainders get the residents left over (ties: lower index first) */
    while (assigned < p->population) {
        int best = 0;
        for (int k = 1; k < SPR_SEXES * SPR_AGE_BANDS; k++)
            if (rem[k] > rem[best]) best = k;
        counts[best / SPR_AGE_BANDS][best % SPR_AGE_BANDS]++;
        rem[best] = -1;
        assigned++;
    }
}

int spr_population_synthesise(spr_population *pop, const spr_params *p, const spr_model *m, spr_rng_key key,
                              spr_error *err)
{
    if (grow(pop, (size_t)p->population + (size_t)p->population / 4 + 16) != SPR_OK)
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %lld residents", (long long)p->population);
    if (p->cohort_age >= 0) {
        /* a closed cohort (validation): sexes in the pyramid's proportion at that age */
        int b = spr_age_band(p->cohort_age);
        double share_f = p->pyramid[SPR_FEMALE][b] / (p->pyramid[SPR_MALE][b] + p->pyramid[SPR_FEMALE][b]);
        int64_t n_f = llround((double)p->population * share_f);
        for (int64_t k = 0; k < p->population; k++)
            if (spr_population_add_drawn(pop, p, m, key, 0, k >= p->population - n_f,
                                         (uint16_t)(12 * p->cohort_age)) < 0)
                return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
        return SPR_OK;
    }
    int64_t counts[SPR_SEXES][SPR_AGE_BANDS];
    spr_population_allocate(p, counts);
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            int lo = 5 * b > p->min_age ? 5 * b : p->min_age;
            int hi = b == SPR_AGE_BANDS - 1 ? 105 : 5 * b + 5;
            for (int64_t k = 0; k < counts[s][b]; k++) {
                /* age within the band from the resident's own stream (word 2) */
                uint32_t w[4];
                spr_rng_block(key, pop->next_id, 0, SPR_STREAM_INIT_RESIDENT, 0, w);
                uint32_t months = (uint32_t)(((uint64_t)w[2] * (uint64_t)(12 * (hi - lo))) >> 32);
                if (spr_population_add_drawn(pop, p, m, key, 0, s, (uint16_t)(12 * lo + months)) < 0)
                    return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
            }
        }
    return SPR_OK;
}
