#include "sprsim/population.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sprsim/municipality.h"

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
    void *k = realloc(pop->guide, (cap / SPR_GUIDE_STRIDE + 1) * sizeof *pop->guide);
    if (k) pop->guide = k;
    if (!a || !b || !c || !d || !e || !f || !g || !h || !k) return SPR_ERR_NOMEM;
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
    free(pop->guide);
    free(pop);
}

/* Writes a new resident at index i: its id (and the guide's entry when i starts a stretch), its age,
 * district, state and sex, alive and with no part in the programme. */
static void set_resident(spr_population *pop, size_t i, uint32_t id, int female, uint16_t age_months, uint8_t district,
                         uint8_t state)
{
    pop->id[i] = id;
    if (i % SPR_GUIDE_STRIDE == 0) pop->guide[i / SPR_GUIDE_STRIDE] = id;
    pop->age_months[i] = age_months;
    pop->district[i] = district;
    pop->state[i] = state;
    pop->flags[i] = (uint8_t)((female ? SPR_FLAG_FEMALE : 0u) | SPR_FLAG_ALIVE);
    pop->sp[i] = 0;
    pop->sp_months[i] = 0;
    pop->resource[i] = SPR_NO_RESOURCE;
}

ptrdiff_t spr_population_add(spr_population *pop, int female, uint16_t age_months, uint8_t district, uint8_t state)
{
    if (pop->n == pop->cap && grow(pop, pop->cap + pop->cap / 2 + 16) != SPR_OK) return -1;
    const size_t i = pop->n++;
    set_resident(pop, i, pop->next_id++, female, age_months, district, state);
    return (ptrdiff_t)i;
}

/* Moves residents [from, from + len) to [to, to + len) (to < from), every array. */
static void move_run(spr_population *pop, size_t to, size_t from, size_t len)
{
    memmove(pop->id + to, pop->id + from, len * sizeof *pop->id);
    memmove(pop->age_months + to, pop->age_months + from, len * sizeof *pop->age_months);
    memmove(pop->district + to, pop->district + from, len);
    memmove(pop->state + to, pop->state + from, len);
    memmove(pop->flags + to, pop->flags + from, len);
    memmove(pop->sp + to, pop->sp + from, len);
    memmove(pop->sp_months + to, pop->sp_months + from, len);
    memmove(pop->resource + to, pop->resource + from, len * sizeof *pop->resource);
}

/* The living are moved down in runs (those between two of the dead, some sixty residents in a year's
 * deaths and departures), each array's run at once: a few thousand moves a year instead of a million
 * residents one by one. */
void spr_population_compact(spr_population *pop)
{
    const uint8_t *flags = pop->flags;
    const size_t n = pop->n;
    size_t j = 0, i = 0;
    while (i < n) {
        while (i < n && !(flags[i] & SPR_FLAG_ALIVE)) i++;
        const size_t start = i;
        while (i < n && (flags[i] & SPR_FLAG_ALIVE)) i++;
        /* (the run is moved below start, behind the scan) */
        if (start != j) move_run(pop, j, start, i - start);
        j += i - start;
    }
    pop->n = j;
    for (size_t b = 0; b * SPR_GUIDE_STRIDE < j; b++) pop->guide[b] = pop->id[b * SPR_GUIDE_STRIDE];
}

static uint32_t row_of(const void *record, size_t row_offset)
{
    uint32_t row;
    memcpy(&row, (const char *)record + row_offset, sizeof row);
    return row;
}

int spr_rows_merge(void **list, size_t *n, size_t *cap, const void *other, size_t n_other, size_t size,
                   size_t row_offset, void **scratch, size_t *scratch_bytes)
{
    if (n_other == 0) return 0;
    const size_t total = *n + n_other;
    if (*scratch_bytes < total * size) {
        void *s = realloc(*scratch, total * size);
        if (s == NULL) return -1;
        *scratch = s;
        *scratch_bytes = total * size;
    }
    const char *a = *list, *b = other;
    char *out = *scratch;
    size_t i = 0, j = 0;
    while (i < *n || j < n_other) {
        const int take_a =
            j == n_other || (i < *n && row_of(a + i * size, row_offset) <= row_of(b + j * size, row_offset));
        memcpy(out, take_a ? a + i++ * size : b + j++ * size, size);
        out += size;
    }
    void *old = *list;
    const size_t old_bytes = *cap * size;
    *list = *scratch;
    *cap = *scratch_bytes / size;
    *scratch = old;
    *scratch_bytes = old_bytes;
    *n = total;
    return 0;
}

/* The first index in [lo, hi) of v whose value is not below x (hi if none). */
static size_t lower_bound(const uint32_t *v, size_t lo, size_t hi, uint32_t x)
{
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

ptrdiff_t spr_population_find(const spr_population *pop, uint32_t id)
{
    const size_t blocks = (pop->n + SPR_GUIDE_STRIDE - 1) / SPR_GUIDE_STRIDE;
    /* the stretch whose first id is the last not above id */
    const size_t b = id == UINT32_MAX ? blocks : lower_bound(pop->guide, 0, blocks, id + 1u);
    if (b == 0) return -1;
    const size_t lo = (b - 1) * SPR_GUIDE_STRIDE, end = lo + SPR_GUIDE_STRIDE < pop->n ? lo + SPR_GUIDE_STRIDE : pop->n;
    const size_t i = lower_bound(pop->id, lo, end, id);
    return i < end && pop->id[i] == id ? (ptrdiff_t)i : -1;
}

/* For each lane k < m, in base[k] (set by the caller) the first index in [base[k], base[k] + len) whose
 * value in v is not below x[k] (base[k] + len if none; strict: above x[k]).  The bisection without
 * branches (the span's length, halved each step, is the same for every lane, so the lanes go in step
 * and their loads overlap). */
static void bounds_in_step(const uint32_t *v, size_t len, const uint32_t *x, size_t m, int strict, size_t *base)
{
    if (len == 0) return;
    for (; len > 1; len -= len / 2) {
        const size_t half = len / 2;
        for (size_t k = 0; k < m; k++) {
            const uint32_t y = v[base[k] + half];
            base[k] += (strict ? y <= x[k] : y < x[k]) ? half : 0;
        }
    }
    for (size_t k = 0; k < m; k++) base[k] += strict ? v[base[k]] <= x[k] : v[base[k]] < x[k];
}

void spr_population_find_many(const spr_population *pop, const uint32_t *ids, size_t n, ptrdiff_t *rows)
{
    const size_t blocks = (pop->n + SPR_GUIDE_STRIDE - 1) / SPR_GUIDE_STRIDE;
    for (size_t at = 0; at < n; at += SPR_FIND_LANES) {
        const size_t m = n - at < SPR_FIND_LANES ? n - at : SPR_FIND_LANES;
        const uint32_t *x = ids + at;
        size_t b[SPR_FIND_LANES] = {0}, lo[SPR_FIND_LANES];
        /* the stretch whose first id is the last not above the id (as spr_population_find) */
        bounds_in_step(pop->guide, blocks, x, m, 1, b);
        size_t full = 0; /* lanes whose stretch holds SPR_GUIDE_STRIDE ids: the others go alone */
        uint32_t xs[SPR_FIND_LANES];
        size_t lane[SPR_FIND_LANES];
        for (size_t k = 0; k < m; k++) {
            rows[at + k] = -1;
            if (b[k] == 0) continue;
            const size_t start = (b[k] - 1) * SPR_GUIDE_STRIDE;
            if (start + SPR_GUIDE_STRIDE > pop->n) {
                rows[at + k] = spr_population_find(pop, x[k]);
                continue;
            }
            lo[full] = start;
            xs[full] = x[k];
            lane[full++] = k;
        }
        bounds_in_step(pop->id, SPR_GUIDE_STRIDE, xs, full, 0, lo);
        for (size_t j = 0; j < full; j++) /* (past the stretch: the next one's first id, above the id, or the end) */
            if (lo[j] < pop->n && pop->id[lo[j]] == xs[j]) rows[at + lane[j]] = (ptrdiff_t)lo[j];
    }
}

static int64_t district_total(const spr_district *d)
{
    int64_t n = 0;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) n += d->residents[s][b];
    return n;
}

/* The district of a newcomer (in-migrant) from word u: with municipality
 * data, in proportion to the district's residents of the newcomer's sex and
 * age band at the start (where people of that age live is where newcomers
 * of that age settle: an assumption), of either sex when no district has
 * anyone of it; otherwise uniformly over the districts. */
static uint8_t newcomer_district(const spr_params *p, int female, uint16_t age_months, uint32_t u)
{
    const spr_municipality *mu = p->municipality;
    if (mu == NULL) return (uint8_t)((uint64_t)u * (uint64_t)p->districts >> 32);
    int b = spr_age_band(age_months / 12);
    int64_t total = 0;
    for (int d = 0; d < mu->n_districts; d++) total += mu->district[d].residents[female][b];
    int any = total == 0; /* nobody of this sex and band anywhere: where everyone lives */
    if (any) total = mu->total;
    uint64_t pick = (uint64_t)u * (uint64_t)total >> 32, cum = 0;
    for (int d = 0; d < mu->n_districts; d++) {
        cum += (uint64_t)(any ? district_total(&mu->district[d]) : mu->district[d].residents[female][b]);
        if (pick < cum) return (uint8_t)d;
    }
    return (uint8_t)(mu->n_districts - 1);
}

ptrdiff_t spr_population_add_drawn(spr_population *pop, const spr_params *p, const spr_model *m, spr_rng_key key,
                                   uint32_t month, int female, uint16_t age_months)
{
    uint32_t w[4];
    spr_rng_block(key, pop->next_id, month, SPR_STREAM_INIT_RESIDENT, 0, w);
    const uint8_t d = newcomer_district(p, female, age_months, w[1]);
    return spr_population_add(pop, female, age_months, d, (uint8_t)spr_model_draw_state(m, female, age_months, d, w[0]));
}

/* The end (exclusive) of band b's ages as synthesis draws them: 105 for 100+. */
static int band_end(int b) { return b == SPR_AGE_BANDS - 1 ? 105 : 5 * b + 5; }

void spr_population_allocate(const spr_params *p, int64_t counts[SPR_SEXES][SPR_AGE_BANDS])
{
    /* weight of each (sex, band) above min_age: the share of the band's ages kept */
    double w[SPR_SEXES][SPR_AGE_BANDS], total = 0;
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++) {
            int lo = 5 * b, hi = band_end(b);
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

/* An age in months within [lo, hi) years, from word 2 of the resident's INIT block. */
static uint16_t age_in_band(const uint32_t w[4], int lo, int hi)
{
    return (uint16_t)(12 * lo + (uint32_t)(((uint64_t)w[2] * (uint64_t)(12 * (hi - lo))) >> 32));
}

/* A run of the initial residents who share a sex, a range of ages and a district. */
typedef struct {
    int female;
    int lo, hi;      /* ages [lo, hi) in years, drawn; lo == hi: exactly lo years */
    int district;    /* -1: drawn as a newcomer's (newcomer_district) */
    int64_t count;
} synth_run;

/* Resident k of the initial population, of run `run`, written at index i: its INIT block (month 0)
 * gives its age (word 2), district (word 1, when drawn) and state (word 0). */
static void synthesise_one(spr_population *pop, const spr_params *p, const spr_model *m, spr_rng_key key,
                           const synth_run *run, size_t i, uint32_t id)
{
    uint32_t w[4];
    spr_rng_block(key, id, 0, SPR_STREAM_INIT_RESIDENT, 0, w);
    const uint16_t age = run->hi > run->lo ? age_in_band(w, run->lo, run->hi) : (uint16_t)(12 * run->lo);
    const uint8_t d = run->district >= 0 ? (uint8_t)run->district : newcomer_district(p, run->female, age, w[1]);
    set_resident(pop, i, id, run->female, age, d, (uint8_t)spr_model_draw_state(m, run->female, age, d, w[0]));
}

/* The runs of the initial population, in the order of their ids: a closed cohort (validation), a
 * municipality's residents district by district (as many of each sex and band as its file says), or
 * the pyramid's (spr_population_allocate).  Returns their number (at most max). */
static int synthesis_runs(const spr_params *p, synth_run *runs, int max)
{
    int n = 0;
    if (p->cohort_age >= 0) {
        /* sexes in the pyramid's proportion at that age */
        int b = spr_age_band(p->cohort_age);
        double share_f = p->pyramid[SPR_FEMALE][b] / (p->pyramid[SPR_MALE][b] + p->pyramid[SPR_FEMALE][b]);
        int64_t n_f = llround((double)p->population * share_f);
        runs[n++] = (synth_run){SPR_MALE, p->cohort_age, p->cohort_age, -1, p->population - n_f};
        runs[n++] = (synth_run){SPR_FEMALE, p->cohort_age, p->cohort_age, -1, n_f};
        return n;
    }
    const spr_municipality *mu = p->municipality;
    if (mu != NULL) {
        for (int d = 0; d < mu->n_districts; d++)
            for (int s = 0; s < SPR_SEXES; s++)
                for (int b = 0; b < SPR_AGE_BANDS && n < max; b++)
                    if (mu->district[d].residents[s][b] > 0)
                        runs[n++] = (synth_run){s, 5 * b, band_end(b), d, mu->district[d].residents[s][b]};
        return n;
    }
    int64_t counts[SPR_SEXES][SPR_AGE_BANDS];
    spr_population_allocate(p, counts);
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = 0; b < SPR_AGE_BANDS; b++)
            if (counts[s][b] > 0) runs[n++] = (synth_run){s, 5 * b > p->min_age ? 5 * b : p->min_age, band_end(b), -1, counts[s][b]};
    return n;
}

int spr_population_synthesise(spr_population *pop, const spr_params *p, const spr_model *m, spr_rng_key key,
                              spr_error *err)
{
    enum { MAX_RUNS = SPR_MAX_DISTRICTS * SPR_SEXES * SPR_AGE_BANDS };
    synth_run *runs = malloc(MAX_RUNS * sizeof *runs);
    size_t *first = malloc((MAX_RUNS + 1) * sizeof *first); /* the index of each run's first resident */
    if (runs == NULL || first == NULL) {
        free(runs);
        free(first);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    }
    const int n_runs = synthesis_runs(p, runs, MAX_RUNS);
    first[0] = 0;
    for (int r = 0; r < n_runs; r++) first[r + 1] = first[r] + (size_t)runs[r].count;
    const size_t total = first[n_runs], base = pop->n;
    const size_t want = (size_t)p->population + (size_t)p->population / 4 + 16;
    if (grow(pop, base + (total > want ? total : want)) != SPR_OK) {
        free(runs);
        free(first);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for %lld residents", (long long)p->population);
    }
    /* every resident's attributes come from its own stream, so the threads may take any share */
    const uint32_t id0 = pop->next_id;
#pragma omp parallel
    {
        int r = 0; /* the run of the thread's resident k (its residents are consecutive and increasing) */
#pragma omp for schedule(static)
        for (size_t k = 0; k < total; k++) {
            while (first[r + 1] <= k) r++;
            synthesise_one(pop, p, m, key, &runs[r], base + k, id0 + (uint32_t)k);
        }
    }
    pop->n = base + total;
    pop->next_id = id0 + (uint32_t)total;
    free(runs);
    free(first);
    return SPR_OK;
}
