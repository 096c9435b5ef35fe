/* The monthly simulation: replicates of a population over the projection.
 *
 * Each month every living resident, in parallel and independently, meets
 * its own random draws (keyed by seed, replicate, id, month and purpose);
 * events that create residents (births, in-migration, entrants at the
 * minimum age) are then resolved serially in a fixed order, so results are
 * bit-identical whatever the number of threads.  Indicators are integer
 * counts per (replicate, month, sex, age band), taken at the start of the
 * month for states (person-months) and over the month for events; costs are
 * computed from those counts, so they are deterministic too. */
#ifndef SPRSIM_SIMULATION_H
#define SPRSIM_SIMULATION_H

#include <stddef.h>
#include <stdint.h>

#include "sprsim/error.h"
#include "sprsim/model.h"
#include "sprsim/params.h"
#include "sprsim/programme.h"

typedef enum {
    SPR_IND_POPULATION, /* alive at the start of the month (person-months) */
    SPR_IND_DEATHS,
    SPR_IND_BIRTHS,
    SPR_IND_ENTRANTS,   /* residents reaching simulation.min_age from outside the model */
    SPR_IND_IN_MIGRANTS,
    SPR_IND_OUT_MIGRANTS,
    SPR_IND_INDEPENDENT,
    SPR_IND_LIMITED,
    SPR_IND_SUPPORT,
    SPR_IND_CARE12,
    SPR_IND_CARE35,
    SPR_IND_DEMENTIA,
    SPR_IND_ISOLATED,
    SPR_IND_LIVING_ALONE,
    SPR_IND_METABOLIC,
    SPR_IND_PARTICIPANTS, /* taking part in a community group at the start of the month */
    SPR_IND_BENEFIT,      /* with the health effect of taking part (now or recently) */
    SPR_IND_COUNT
} spr_indicator;

typedef struct {
    const char *name;
    const char *unit;
    const char *description;
} spr_indicator_info;

const spr_indicator_info *spr_indicator_describe(spr_indicator ind);

/* One district's residents in one month (the district series of the results file). */
typedef struct {
    int32_t population_65;   /* residents 65+ at the start of the month */
    int32_t taking_part_65;  /* of them, in a community group */
    int32_t isolated_65;
    int32_t certified_65;    /* certified care need (support or care level) */
    int32_t deaths_65;       /* deaths during the month of residents 65+ at its start */
    int32_t referrals, first_contacts; /* referrals made and first contacts, residents of the district */
    double cost_resources_yen;         /* public cost of the district's groups */
} spr_district_record;

/* The "who benefits" groups: residents 65+ by sex and household (living alone or not, at the
 * start of the month).  Sums over households give the groups by sex, over sexes those by
 * household; person-months by functional state and with dementia give QALYs by group with the
 * replicate's utility weights (analysis/equity.c), as the qalys measure does for everyone. */
#define SPR_HOUSEHOLDS 2 /* 0 living with others, 1 living alone */
#define SPR_SUBGROUPS (SPR_SEXES * SPR_HOUSEHOLDS)
typedef struct {
    int32_t population_65;                /* residents 65+ at the start of the month */
    int32_t taking_part_65;               /* of them, in a community group */
    int32_t isolated_65;
    int32_t certified_65;                 /* certified care need (support or care level) */
    int32_t dementia_65;
    int32_t deaths_65;                    /* deaths during the month */
    int32_t function_65[SPR_FUNC_STATES]; /* residents by functional state (person-months) */
} spr_subgroup_record;
static inline int spr_subgroup_of(int sex, int alone) { return sex * SPR_HOUSEHOLDS + alone; }

typedef struct {
    int replicates, months, districts, teams;
    /* counts[((r * months + m) * SPR_IND_COUNT + ind) * SPR_SEXES * SPR_AGE_BANDS + s * SPR_AGE_BANDS + b] */
    int32_t *counts;
    /* [r][m][s][b] in yen over the month */
    double *medical_yen;
    double *ltc_yen;
    /* [r][m][s][b]: the sum of the residents' probabilities of dying in the
     * month (the thresholds the death draws were compared with), the
     * expectation of the deaths given who was alive and in what state */
    double *expected_deaths;
    /* [r][m][district]: residents at the start of the month */
    int32_t *district_population;
    /* the programme, [r][m] */
    spr_programme_month *programme;
    /* each link-worker team, [r][m][team], and each district, [r][m][district] */
    spr_team_month *team;
    spr_district_record *district;
    spr_subgroup_record *subgroup; /* [r][m][spr_subgroup_of(sex, alone)] */
    char (*district_name)[SPR_LABEL_MAX]; /* [district] */
    char (*team_name)[SPR_LABEL_MAX];     /* [team] */
    int32_t *district_team;               /* [district]: the team covering it */
    int districts_from_data;              /* the districts are a municipality's (municipality.residents_file) */
    /* participants and places by type and district at the end of the month, [r][m][type][district] */
    int32_t *group_participants;
    double *group_places;
    /* waits to first contact, whole days 0..364 and 365+, [r][day] */
    int32_t *wait_histogram;
    /* parameter draws: the value of each uncertain parameter in each replicate, [r][k]: the parameters
     * with distributions, then those of the calibration draws (p->calib_draws.param) */
    int n_uncertain;
    double *draws;
    /* the row of each table of calibration draws each replicate ran with, [table][r] (room for
     * SPR_DRAW_TABLES_MAX tables; meaningful for the run's tables only) */
    int32_t *calib_row;
    size_t peak_residents; /* largest array length reached by any replicate (memory) */
    int64_t *unit_peak;    /* [r]: the largest array length replicate r reached (a unit carries its own) */
} spr_results;

static inline size_t spr_results_index(const spr_results *res, int r, int m, int ind, int s, int b)
{
    return (((size_t)r * (size_t)res->months + (size_t)m) * SPR_IND_COUNT + (size_t)ind) * SPR_SEXES * SPR_AGE_BANDS +
           (size_t)s * SPR_AGE_BANDS + (size_t)b;
}
static inline size_t spr_results_team_index(const spr_results *res, int r, int m, int t)
{
    return ((size_t)r * (size_t)res->months + (size_t)m) * (size_t)res->teams + (size_t)t;
}
static inline size_t spr_results_subgroup_index(const spr_results *res, int r, int m, int k)
{
    return ((size_t)r * (size_t)res->months + (size_t)m) * SPR_SUBGROUPS + (size_t)k;
}
static inline size_t spr_results_district_index(const spr_results *res, int r, int m, int d)
{
    return ((size_t)r * (size_t)res->months + (size_t)m) * (size_t)res->districts + (size_t)d;
}
/* Whether a report shows the results district by district: districts of a municipality's own tables,
 * or statistical districts with a team each (link_workers.per_district); identical statistical
 * districts sharing one team differ only by chance. */
static inline int spr_results_by_district(const spr_results *res)
{
    return res->districts > 1 && (res->districts_from_data || res->teams > 1);
}
static inline size_t spr_results_cost_index(const spr_results *res, int r, int m, int s, int b)
{
    return (((size_t)r * (size_t)res->months + (size_t)m) * SPR_SEXES + (size_t)s) * SPR_AGE_BANDS + (size_t)b;
}

/* Runs every replicate.  M is the model of p; when parameters have
 * distributions (p->n_uncertain > 0), each parameter draw
 * (replicates_per_draw consecutive replicates) gets its own parameters and
 * model instead.
 * Called after each simulated month (from one thread); may be NULL. */
typedef void (*spr_progress_fn)(void *ctx, int replicate, int month);

int spr_simulation_run(const spr_params *p, const spr_model *m, spr_results **out, spr_progress_fn progress,
                       void *ctx, spr_error *err);

/* ---- work units -------------------------------------------------------------
 * A replicate is a work unit: its results depend only on the scenario, the
 * seed and its own number (every random stream is keyed by the replicate), so
 * units may run in any order, in any process, and be put together into
 * results identical to spr_simulation_run's.  A runner runs units of one
 * scenario, each into a slot of a results sized for the scenario (a slot per
 * replicate, or one slot for a unit on its own). */
typedef struct spr_runner spr_runner;

/* Zeroed results of p's size with `replicates` slots, its districts and teams named. */
int spr_results_create_for(const spr_params *p, int replicates, spr_results **out, spr_error *err);
/* M is the model of p (its central values; parameter draws build their own). */
int spr_runner_create(const spr_params *p, const spr_model *M, spr_runner **out, spr_error *err);
void spr_runner_destroy(spr_runner *run);
/* Runs replicate `replicate` into slot `slot` of res: every series of it, its parameter draw and
 * calibration rows, and its peak residents. */
int spr_runner_run(spr_runner *run, int replicate, spr_results *res, int slot, spr_progress_fn progress, void *ctx,
                   spr_error *err);

/* One replicate's share of the results: the part of each array that slot r owns, in a fixed order.
 * The one description from which a unit is packed for a message (MPI), saved to and loaded from a
 * checkpoint, so that a new array of results cannot be forgotten by one of them. */
typedef struct {
    const char *name; /* the array (for the checkpoint's datasets and messages) */
    void *data;       /* slot r's part */
    size_t bytes;
} spr_results_slice;
#define SPR_RESULTS_SLICES 20
/* Fills slices[SPR_RESULTS_SLICES] for slot r; returns their number. */
int spr_results_unit_slices(spr_results *res, int r, spr_results_slice *slices);
/* The bytes of one unit (the sum of its slices). */
size_t spr_results_unit_bytes(const spr_results *res);
/* Copies slot r into buf (spr_results_unit_bytes long), and back. */
void spr_results_unit_pack(const spr_results *res, int r, void *buf);
void spr_results_unit_unpack(spr_results *res, int r, const void *buf);
/* After slot r's slices were filled in place (from a checkpoint): what the results keep over all units. */
void spr_results_unit_done(spr_results *res, int r);
/* Allocates zeroed results of this size (the engine's and the reader's one
 * allocation): SPR_ERR_USAGE for sizes below 1 (districts above
 * SPR_MAX_DISTRICTS), SPR_ERR_NOMEM.  Free with spr_results_destroy. */
int spr_results_create(int replicates, int months, int districts, int teams, int n_uncertain, spr_results **out,
                       spr_error *err);
void spr_results_destroy(spr_results *res);

/* A cohort followed from a baseline month, for a target-trial emulation
 * (sprsim emulate): every resident alive at the start of baseline_month and
 * at least min_age years old, with the covariates at baseline and, for each
 * outcome, the follow-up month (0 = the baseline month) in which it first
 * happened, or -1 if it did not within follow_months.  Certification and
 * dementia are recorded at the end of the month in which they begin; a
 * member who dies or moves away is followed no further. */
typedef struct {
    int baseline_month, follow_months, min_age;
    size_t n, cap;
    uint32_t *id;          /* resident id (unique within a replicate) */
    int32_t *replicate;
    uint8_t *female;
    uint8_t *age_years;    /* at baseline */
    uint8_t *state;        /* state code at baseline (spr_state_index, plus the benefit of taking part) */
    uint8_t *exposed;      /* taking part in a community group at baseline */
    int16_t *certified, *demented, *died, *departed;
} spr_cohort;

int spr_cohort_create(int baseline_month, int follow_months, int min_age, spr_cohort **out, spr_error *err);
void spr_cohort_destroy(spr_cohort *c);

/* Runs replicate `replicate` of p (the same random streams as replicate
 * `replicate` of spr_simulation_run) for baseline_month + follow_months
 * months, appending its cohort to c. */
int spr_simulation_follow(const spr_params *p, const spr_model *M, int replicate, spr_cohort *c, spr_error *err);

/* Sum of an indicator over sexes and bands [b_lo, b_hi) for one month. */
int64_t spr_results_total(const spr_results *res, int r, int m, spr_indicator ind, int b_lo, int b_hi);

#endif
