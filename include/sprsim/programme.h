/* Social prescribing: link workers, referral sources, community resources,
 * the population approach, the effects of taking part and the dual cycle.
 *
 * Each month has two phases.  In the parallel resident step every resident
 * decides, with its own random numbers, what only concerns itself: whether
 * it is referred and by which source, whether it asks to join a group on its
 * own, drops out, volunteers, or loses the lingering benefit of a group it
 * left; these requests go to per-thread buffers (spr_programme_tally).  The
 * serial programme step then resolves everything that involves shared
 * places in a fixed order: leavers free places, departures leave the
 * queue, referrals join the queue (resolved in continuous time, so waits are
 * in days), link workers match clients to places, self-joiners take the
 * places left, groups close and open.  The outcome is the same whatever the
 * number of threads. */
#ifndef SPRSIM_PROGRAMME_H
#define SPRSIM_PROGRAMME_H

#include <stddef.h>
#include <stdint.h>

#include "sprsim/error.h"
#include "sprsim/model.h"
#include "sprsim/municipality.h"
#include "sprsim/params.h"
#include "sprsim/population.h"
#include "sprsim/rng.h"

#define SPR_MONTH_DAYS 30.4375 /* mean length of a month in days */
#define SPR_WAIT_DAYS 366      /* wait histogram: whole days 0..364 and 365+ */
#define SPR_WAIT_WEEKS 27      /* monthly wait histogram: whole weeks 0..25 and 26+ */

enum { SPR_SRC_CHECKUP, SPR_SRC_CLINIC, SPR_SRC_NURSE, SPR_SRC_SELF };

/* The types of community resource (the resources.* arrays are indexed by them). */
typedef enum {
    SPR_RES_EXERCISE,     /* exercise class */
    SPR_RES_HOBBY,        /* hobby circle */
    SPR_RES_SALON,        /* salon (kayoi no ba); volunteers open new ones (loop 1) */
    SPR_RES_VOLUNTEERING, /* volunteering */
    SPR_RES_CULTURE       /* cultural activity */
} spr_resource_type;
_Static_assert(SPR_RES_CULTURE + 1 == SPR_RESOURCE_TYPES, "one name per resource type");

/* The short name of a resource type ("exercise", "hobby", "salon", "volunteering", "culture"). */
const char *spr_resource_type_name(spr_resource_type t);

/* Where every referral is (the accounting identity: their sum is the
 * number of referrals ever made). */
enum {
    SPR_OUT_WAITING,  /* in the queue */
    SPR_OUT_ACTIVE,   /* case open */
    SPR_OUT_SETTLED,  /* case closed, taking part */
    SPR_OUT_DECLINED, /* case closed, declined the place offered */
    SPR_OUT_UNPLACED, /* case closed, no fitting place found */
    SPR_OUT_DROPPED,  /* case closed, took part but dropped out */
    SPR_OUT_DIED,     /* died or moved away while waiting or in a case */
    SPR_OUTCOMES
};

/* The cognitive check's counts (cognitive_check.*): residents old enough to be offered it, those
 * checked, checked with dementia (the model's state), flagged, flagged with dementia, and flagged
 * and referred to a link worker (counted with the check-up source) or asking to join a group. */
typedef struct {
    int32_t eligible, checked, checked_dementia, flagged, flagged_dementia, referred, to_group;
} spr_cognitive_checks;

/* Requests a resident makes in the parallel step.  Each carries the resident's row in the population
 * (its index: rows change only at the yearly compaction, after the programme's month), so that the
 * serial month reads the resident without looking its id up. */
typedef struct {
    uint32_t id, row;
    uint8_t source, high_risk;
    uint32_t u_time, u_service; /* random words: arrival time in the month, case length */
} spr_referral_request;

typedef struct {
    uint32_t id, row, order; /* order: a random word, so no index order favours anyone */
} spr_join_request;

typedef struct {
    uint32_t id, row;
    uint8_t sp;
    uint32_t resource; /* 32 bits: a large municipality has more than 65,535 groups (defect 4 of issue 8) */
} spr_programme_exit;

typedef struct {
    uint32_t row, resource; /* the new volunteer's row, and the group it volunteers in */
} spr_programme_volunteer;

/* One thread's requests and counts in one month.  The lists are in increasing row (each thread steps
 * its runs of rows in order); spr_programme_step merges the threads' lists. */
typedef struct {
    spr_referral_request *referrals;
    size_t n_referrals, cap_referrals;
    spr_join_request *joins;
    size_t n_joins, cap_joins;
    spr_programme_exit *exits;
    size_t n_exits, cap_exits;
    spr_programme_volunteer *volunteers;
    size_t n_volunteers, cap_volunteers;
    int32_t *occupancy_delta;    /* per resource: open places freed (negative) */
    int32_t *prescribed_delta;   /* per resource: prescribed places freed (negative) */
    size_t n_delta;
    int64_t pop65[SPR_MAX_DISTRICTS], part65[SPR_MAX_DISTRICTS];
    int64_t participants, volunteers_total;
    int64_t placed_at_risk, placed_dropouts; /* link workers' placed participants: see spr_programme_month */
    spr_cognitive_checks checks;
    int64_t risk65[SPR_MAX_DISTRICTS]; /* residents 65+ isolated or living alone (targeting's risk score) */
    uint64_t referral_mass[2];         /* the referral tilt's masses: others, high-risk */
    /* the month's drop-out thresholds of link workers' clients by district and months in the group,
     * worked out as clients need them: valid where the entry's generation is this month's */
    struct spr_cached_threshold {
        uint32_t threshold, generation;
    } * lw_dropout;
    size_t lw_dropout_n;
    uint32_t generation; /* counts the months the tally was cleared for */
    int oom;
} spr_programme_tally;

/* Who opened a group. */
enum { SPR_ORIGIN_STOCK = 0, SPR_ORIGIN_BUDGET = 1, SPR_ORIGIN_VOLUNTEERS = 2, SPR_ORIGIN_PROVIDER = 3 };

/* Community resources (groups), a structure of arrays.  Each group has open
 * places, which anyone may take, and a few prescribed places kept for link
 * workers' clients (resources.prescribed_places). */
typedef struct {
    size_t n, cap;
    uint8_t *type, *district, *open, *origin;
    uint8_t *provider;             /* who runs it (spr_provider) */
    uint8_t *max_function;         /* eligibility: the most severe functional state admitted */
    double *fixed_cost_yen_per_month; /* a registered group's public cost; generated groups cost per participant (0 here) */
    int32_t *record;               /* the group's row in the municipality's register, or -1 */
    double *capacity;     /* open places (volunteers add fractions) */
    int32_t *occupancy;   /* participants in open places */
    int32_t *prescribed;  /* participants in prescribed places */
    int32_t *opened_month;
} spr_resources;

/* What the programme reports each month. */
typedef struct {
    int32_t referrals[SPR_REFERRAL_SOURCES];
    int32_t waiting, active, places, first_contacts;
    double wait_mean_days, wait_p90_days, waited_share;
    int32_t volunteers;
    double cost_link_workers_yen, cost_resources_yen, cost_outreach_yen;
    int64_t outcomes[SPR_OUTCOMES];
    int64_t referrals_total;
    int32_t groups_opened;
    int32_t wait_weeks[SPR_WAIT_WEEKS]; /* first contacts this month by whole weeks waited */
    /* referrals whose wait ended unseen this month, by whole weeks waited (first-contact delay
     * included, as in wait_weeks): they died or moved away while waiting, or, in the last month of a
     * run, were still waiting.  Their waits are censored, not dropped (spr_seen_within_km). */
    int32_t censored_weeks[SPR_WAIT_WEEKS];
    /* residents who wanted a place this month and found none, each counted once: self-joiners, and
     * link workers' clients when loop 1 reports their needs (what the yearly budget answers).
     * Not written to the results file (the programme field table in output.c leaves it out), so 0
     * in results read back. */
    int32_t unmet_demand;
    spr_cognitive_checks checks;     /* the cognitive check's month (zeros without it) */
    int32_t referrals_high_risk;     /* referrals of the high-risk group (isolated and limited, or dementia) */
    double cost_cognitive_checks_yen; /* checks x cognitive_check.cost_yen */
    /* incentives: clinic referrals x incentives.clinic_payment_yen; clients settled this month x
     * incentives.settled_payment_yen (apart: different payers bear them, scenarios/financing.yaml) */
    double cost_clinic_payments_yen, cost_settled_payments_yen;
    double cost_interview_support_yen; /* the tool's licence: FTE x interview_support.licence_yen_per_fte_year / 12 */
    double cost_training_yen;          /* professionalisation: FTE x training cost / training months, in those months */
    /* cost_resources_yen by who runs the group it pays for (spr_provider order; new groups the budget opens:
     * the municipality); their sum is cost_resources_yen */
    double cost_resources_by_provider_yen[SPR_PROVIDERS];
    /* the own cost of groups companies and NPOs opened (providers.*): not public spending, not in the
     * programme's cost */
    double cost_providers_own_yen;
    /* participants placed by link workers whose group was open this month (at risk of dropping out),
     * and those of them who dropped out: the retention professionalisation acts on */
    int32_t placed_at_risk, placed_dropouts;
} spr_programme_month;

/* A full-time link worker's caseload places: link_workers.max_caseload, scaled by the time the
 * interview-support tool saves (session / (session - share to caseload x minutes saved)). */
double spr_programme_caseload(const spr_params *p);

/* Professionalisation: whether the link workers' training has taken effect in month m. */
int spr_programme_trained(const spr_params *p, uint32_t month);

/* The programme's whole cost of a month: link workers, groups, outreach and the levers' costs (the
 * one place that adds up the cost fields). */
double spr_programme_month_cost(const spr_programme_month *pm);

/* One link-worker team's month (a team covers one or more districts and has its own staff and
 * queue; without municipality data the teams are one per district with link_workers.per_district,
 * else one for the municipality). */
typedef struct {
    int32_t referrals, first_contacts, waiting, active, places;
    int32_t wait_weeks[SPR_WAIT_WEEKS];     /* first contacts by whole weeks waited */
    int32_t censored_weeks[SPR_WAIT_WEEKS]; /* waits censored (left unseen, or still waiting at the end) */
    double fte, cost_link_workers_yen;
} spr_team_month;

/* Residents' programme counts of one district in one month. */
typedef struct {
    int32_t referrals, first_contacts;
    double cost_resources_yen;
} spr_district_month;

typedef struct spr_programme spr_programme;

/* The teams of a scenario (1..SPR_MAX_TEAMS), the team of district d, and a
 * team's full-time equivalents: the staffing planner's (p->n_team_fte > 0),
 * else the teams file's, else the municipality's staffing
 * (spr_programme_fte) split over the teams in proportion to their residents
 * 65+ (with municipality data) or evenly. */
int spr_programme_teams(const spr_params *p);
int spr_programme_team_of(const spr_params *p, int district);
double spr_programme_team_fte(const spr_params *p, int team);
/* The name of team t ("municipality", the district's name, or the file's). */
void spr_programme_team_name(const spr_params *p, int team, char *buf, size_t size);

/* Creates the programme of one replicate: the resources of the initial
 * population (pop must be synthesised), the link workers and queues. */
int spr_programme_create(const spr_params *p, const spr_model *m, const spr_population *pop, spr_rng_key key,
                         spr_programme **out, spr_error *err);
void spr_programme_destroy(spr_programme *g);

const spr_resources *spr_programme_resources(const spr_programme *g);
int spr_programme_active(const spr_programme *g); /* any link workers */
/* By base state (spr_state_base): below this age (in whole years), spr_programme_resident leaves alone a
 * resident in that state who lives on and has no part in the programme: in no group, queue or case
 * (SPR_SP_WAITING, SPR_SP_CASE, SPR_SP_PARTICIPATING), without the lingering benefit and with no wait
 * before a new referral (sp_months 0).  The step need not call it for them. */
const uint8_t *spr_programme_first_ages(const spr_programme *g);
/* The link workers' full-time equivalents of the scenario: link_workers.fte,
 * or the norm link_workers.fte_per_100000 scaled to simulation.population
 * (validation refuses both at once); with the teams file's or the staffing
 * planner's staff per team, their sum. */
double spr_programme_fte(const spr_params *p);

/* Parallel part, for resident i after it survived the month's death and
 * migration draws (alive == 0: it died or left; report its programme exit).
 * block0: its block 0 of SPR_STREAM_PROGRAMME this month, word j at block0[j * stride] (the step draws
 * the blocks of many residents at once, a word's residents side by side).  Each word has one use
 * (drop-out, volunteering, end of the benefit, joining a group); a resident reads only the words of
 * events that may happen to it.  block1: its block 1 (the referral sources' words, read by a resident
 * who may be referred) laid out alike, or NULL: the resident then draws the block itself if it reads it. */
void spr_programme_resident(const spr_programme *g, spr_population *pop, size_t i, int alive, int age_years,
                            int base_state, uint32_t month, const uint32_t *block0, const uint32_t *block1,
                            size_t stride, spr_programme_tally *t);
/* Whether a resident of max_age years or younger may read block 1 this month (link workers at work and
 * the age of referral reached): the step draws it for a chunk whose oldest is that old. */
int spr_programme_reads_block1(const spr_programme *g, int max_age);

/* Whether spr_programme_resident may read a word of block 0 this month for any of the n residents from
 * lo, the oldest of whom is max_age (whole years), given their state at the start of the month: 0 only
 * when none takes part in a group, none has the lingering benefit and none is old enough to join one
 * (then the step need not draw their blocks 0). */
int spr_programme_reads_block0(const spr_programme *g, const spr_population *pop, size_t lo, size_t n, int max_age);

void spr_programme_tally_clear(spr_programme_tally *t, size_t n_resources);
void spr_programme_tally_free(spr_programme_tally *t);

/* Serial part of month m: resolves requests of nthreads tallies, in order. */
int spr_programme_step(spr_programme *g, spr_population *pop, uint32_t month, spr_programme_tally *tl, int nthreads,
                       spr_programme_month *out, int wait_hist[SPR_WAIT_DAYS], spr_error *err);

/* The awareness of local activities in district d (status quo plus outreach; targeting.outreach_share
 * sends the outreach to districts by risk), as used for the coming month. */
double spr_programme_awareness(const spr_programme *g, int d);

/* Team t's and district d's record of the month just stepped. */
const spr_team_month *spr_programme_team_month(const spr_programme *g, int t);
const spr_district_month *spr_programme_district_month(const spr_programme *g, int d);

/* Ends the run at the end of month `month` (after its step): the waits of
 * referrals still waiting are censored where they stand, added to out's and
 * the teams' censored_weeks of that month. */
void spr_programme_censor_waiting(spr_programme *g, uint32_t month, spr_programme_month *out);

/* Participants and places by type and district at the end of the month. */
void spr_programme_supply(const spr_programme *g, int32_t *participants, double *places, int districts);

/* Checks the invariants (caseloads, capacities, one place per resident, the
 * accounting of referrals); SPR_ERR_INTERNAL with the first violation. */
int spr_programme_check(const spr_programme *g, const spr_population *pop, spr_error *err);

#endif
