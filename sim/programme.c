#include "sprsim/programme.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/municipality.h"
#include "sprsim/queue.h"

/* The values of a resident's months in its group (pop->sp_months, a byte that stops at its largest). */
enum { MONTHS_IN_GROUP_VALUES = UINT8_MAX + 1 };

struct spr_programme {
    const spr_params *p;
    const spr_model *m;
    spr_rng_key key;
    int districts;
    spr_resources res;
    int n_queues;           /* one per link-worker team */
    int active;             /* any link workers (asked for every resident every month: kept, not recomputed) */
    uint8_t first_age[SPR_STATES]; /* spr_programme_first_ages */
    void *merge_scratch; /* merge_requests' room (spr_rows_merge) */
    size_t merge_scratch_bytes;
    ptrdiff_t *rows;     /* find_residents' answers */
    size_t cap_rows;
    uint32_t *ended;     /* the clients of the cases that end this month */
    size_t cap_ended;
    spr_queue **queues;
    uint8_t team_of[SPR_MAX_DISTRICTS];
    /* where a resident of each district looks for a group: its own district first, then its neighbours
     * (municipality data), or districts d-1 and d+1 for link workers' clients (statistical districts) */
    uint8_t near[SPR_MAX_DISTRICTS][1 + SPR_MAX_NEIGHBOURS];
    int n_near[SPR_MAX_DISTRICTS];
    int self_joiners_look_near; /* the districts file names neighbours: self-joiners look next door too */
    uint8_t type_max_function[SPR_RESOURCE_TYPES]; /* the most severe state any group of the type admits */
    int32_t *record_group;  /* per row of the register: its group now, or -1 */
    spr_team_month team_month[SPR_MAX_TEAMS];
    spr_district_month *district_month; /* [districts] */
    /* awareness of local activities by district: the status quo plus the outreach (outreach_gain, the
     * municipal figure uncapped), spread evenly or by risk (targeting.outreach_share) */
    double awareness[SPR_MAX_DISTRICTS], outreach_gain;
    double risk_share[SPR_MAX_DISTRICTS]; /* residents 65+ isolated or living alone (targeting's risk score) */
    double n65[SPR_MAX_DISTRICTS];        /* residents 65+ when the risk score was set */
    /* targeting.referral_tilt: referral thresholds x (1 + tilt) for the high-risk group, x tilt_other for
     * the others (set each month so that the expected referrals stay those without the tilt) */
    double tilt_other;
    /* monthly probabilities as thresholds */
    uint32_t thr_checkup, thr_nurse, thr_self[SPR_MAX_DISTRICTS], thr_clinic[SPR_AGE_BANDS][SPR_FUNC_STATES];
    uint32_t thr_join[SPR_SEXES][SPR_MAX_DISTRICTS]; /* by sex (population_approach.hr_female) */
    uint32_t thr_benefit_loss, thr_volunteer, thr_close, thr_replace;
    /* the monthly drop-out threshold of a participant a link worker did not place, by its months in the
     * group (pop->sp_months): fixed for the run, so the resident step needs no exp() for them */
    uint32_t thr_dropout[MONTHS_IN_GROUP_VALUES];
    /* the cognitive check: checked this month, flagged with and without dementia, referred, to a group */
    uint32_t thr_cc_check, thr_cc_flag_dementia, thr_cc_flag_other, thr_cc_refer, thr_cc_group;
    double share65[SPR_MAX_DISTRICTS];     /* participation share of residents 65+, last month */
    /* accounting */
    int64_t outcomes[SPR_OUTCOMES];
    int64_t referrals_total;
    double provider_credit; /* providers.share accumulated over the budget's groups: a whole one is a provider's */
    int64_t settled_before; /* settled cases at the end of last month (the incentives pay for this month's) */
    double unmet[SPR_MAX_DISTRICTS], unmet_type[SPR_MAX_DISTRICTS][SPR_RESOURCE_TYPES];
    double volunteer_pool[SPR_MAX_DISTRICTS];
    /* groups of each type and district, and their free places (to skip full ones quickly) */
    uint32_t *by_cell[SPR_RESOURCE_TYPES][SPR_MAX_DISTRICTS];
    size_t n_cell[SPR_RESOURCE_TYPES][SPR_MAX_DISTRICTS], cap_cell[SPR_RESOURCE_TYPES][SPR_MAX_DISTRICTS];
    /* free places of each kind in each cell, counted before matching (full cells are skipped at once),
     * and where the last place was found (the search resumes there) */
    int64_t free_cell[2][SPR_RESOURCE_TYPES][SPR_MAX_DISTRICTS];
    size_t hint_cell[2][SPR_RESOURCE_TYPES][SPR_MAX_DISTRICTS];
    int32_t volunteers;
    /* scratch */
    spr_queue_client *arrivals;
    size_t cap_arrivals;
    spr_join_request *joins;
    size_t cap_joins;
    spr_join_request *joins_sorting; /* sort_joins' room */
    size_t cap_joins_sorting;
    double *waits;
    size_t n_waits, cap_waits;
    uint32_t *leavers;
    size_t cap_leavers;
    uint8_t *where;
    size_t cap_where;
    double *leaver_arrival; /* [cap_where]: referral times of departures who were waiting */
    uint32_t *started; /* clients whose case started this month, sorted */
    size_t cap_started;
    spr_queue_events ev;
};

const char *spr_resource_type_name(spr_resource_type t)
{
    static const char *const NAMES[SPR_RESOURCE_TYPES] = {
        [SPR_RES_EXERCISE] = "exercise", [SPR_RES_HOBBY] = "hobby",     [SPR_RES_SALON] = "salon",
        [SPR_RES_VOLUNTEERING] = "volunteering", [SPR_RES_CULTURE] = "culture"};
    return (unsigned)t < SPR_RESOURCE_TYPES ? NAMES[t] : "unknown";
}

static double per_month(double rate_per_year) { return -expm1(-rate_per_year / 12.0); }

/* A participant's yearly drop-out rate after `months` in its group (the early drop-out fades). */
static double dropout_rate(const spr_params *p, int months)
{
    return p->res_dropout_rate + p->res_dropout_early_rate * exp(-months / p->res_dropout_early_months);
}

static int grow(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap * 2 + 64;
    if (c < need) c = need;
    void *t = realloc(*v, c * elem);
    if (t == NULL) return -1;
    *v = t;
    *cap = c;
    return 0;
}

/* ---- resources ---------------------------------------------------------- */

/* What a new group is: its type and district, places, eligibility, fixed cost and register row. */
typedef struct {
    int type, district;
    double capacity;
    int max_function;
    double fixed_cost_yen_per_month;
    int record;
    int provider; /* spr_provider */
} group_spec;

static int add_resource(spr_resources *r, const group_spec *gs, int month, int origin)
{
    if (r->n == r->cap) {
        size_t c = r->cap * 2 + 32;
        int ok = grow((void **)&r->type, &(size_t){r->cap}, c, 1) == 0;
        ok &= grow((void **)&r->district, &(size_t){r->cap}, c, 1) == 0;
        ok &= grow((void **)&r->open, &(size_t){r->cap}, c, 1) == 0;
        ok &= grow((void **)&r->origin, &(size_t){r->cap}, c, 1) == 0;
        ok &= grow((void **)&r->capacity, &(size_t){r->cap}, c, sizeof *r->capacity) == 0;
        ok &= grow((void **)&r->occupancy, &(size_t){r->cap}, c, sizeof *r->occupancy) == 0;
        ok &= grow((void **)&r->prescribed, &(size_t){r->cap}, c, sizeof *r->prescribed) == 0;
        ok &= grow((void **)&r->opened_month, &(size_t){r->cap}, c, sizeof *r->opened_month) == 0;
        ok &= grow((void **)&r->max_function, &(size_t){r->cap}, c, 1) == 0;
        ok &= grow((void **)&r->fixed_cost_yen_per_month, &(size_t){r->cap}, c, sizeof *r->fixed_cost_yen_per_month) == 0;
        ok &= grow((void **)&r->record, &(size_t){r->cap}, c, sizeof *r->record) == 0;
        ok &= grow((void **)&r->provider, &(size_t){r->cap}, c, 1) == 0;
        if (!ok) return -1;
        r->cap = c;
    }
    size_t i = r->n++;
    r->type[i] = (uint8_t)gs->type;
    r->district[i] = (uint8_t)gs->district;
    r->open[i] = 1;
    r->origin[i] = (uint8_t)origin;
    r->capacity[i] = gs->capacity;
    r->max_function[i] = (uint8_t)gs->max_function;
    r->fixed_cost_yen_per_month[i] = gs->fixed_cost_yen_per_month;
    r->record[i] = gs->record;
    r->provider[i] = (uint8_t)gs->provider;
    r->occupancy[i] = 0;
    r->prescribed[i] = 0;
    r->opened_month[i] = month;
    return 0;
}

/* Two kinds of place: open places anyone may take, and prescribed places
 * kept for link workers' clients.  With link_workers.open_places (the
 * default), a client may take an open place of any group when no kept place
 * fits; without it, clients use only the kept places of the groups the
 * municipality already had (and their replacements).  This is how link
 * workers work, not a loop: loop 2 is the feedback of participation on
 * uptake and retention (loop2_gain). */
enum { PLACE_OPEN, PLACE_PRESCRIBED };

/* Loop 2's strength in district d: 0 at the status-quo participation of
 * people 65+ (population_approach.reference_share), rising in proportion to
 * the participation above it, full (1) at twice it.  Feedback, not a switch:
 * without more participation than today, loop 2 changes nothing. */
static double loop2_gain(const spr_programme *g, int d)
{
    const double above = g->share65[d] / g->p->pa_reference_share - 1.0;
    return fmin(1.0, fmax(0.0, above));
}

static int has_place(const spr_programme *g, size_t i, int kind)
{
    const spr_resources *r = &g->res;
    if (!r->open[i]) return 0;
    if (kind == PLACE_OPEN) return r->occupancy[i] < (int32_t)floor(r->capacity[i]);
    return r->prescribed[i] < (int32_t)floor(g->p->res_prescribed_places) &&
           (g->p->lw_open_places || r->origin[i] == SPR_ORIGIN_STOCK);
}

/* Who runs a group of this type without a register (resources.provider: 0 municipality, 1 NPO, 2 private). */
static int type_provider(const spr_params *p, int type)
{
    static const int CODE[3] = {SPR_PROVIDER_MUNICIPALITY, SPR_PROVIDER_NPO, SPR_PROVIDER_COMPANY};
    return CODE[(int)p->res_provider[type]];
}

/* A new group of the type's defaults (resources.capacity, .max_function, cost per participant). */
static group_spec default_group(const spr_params *p, int type, int d)
{
    return (group_spec){type, d, p->res_capacity[type], (int)p->res_max_function[type], 0, -1, type_provider(p, type)};
}

/* A group a company or NPO opens (providers.*): its own places, the type's eligibility. */
static group_spec provider_group(const spr_params *p, int type, int d)
{
    const int kind = strcmp(p->prov_kind, "company") == 0 ? SPR_PROVIDER_COMPANY : SPR_PROVIDER_NPO;
    return (group_spec){type, d, p->prov_capacity, (int)p->res_max_function[type], 0, -1, kind};
}

/* A group of the municipality's register, row k. */
static group_spec registered_group(const spr_municipality *mu, size_t k)
{
    const spr_group_record *gr = &mu->group[k];
    return (group_spec){gr->type, gr->district, gr->capacity, gr->max_function, gr->public_cost_yen_per_year / 12.0,
                        (int)k, gr->provider};
}

/* Opens a group and files it under its type and district. */
static int add_spec(spr_programme *g, const group_spec *gs, int month, int origin)
{
    int type = gs->type, d = gs->district;
    if (grow((void **)&g->by_cell[type][d], &g->cap_cell[type][d], g->n_cell[type][d] + 1, sizeof(uint32_t)) < 0)
        return -1;
    if (add_resource(&g->res, gs, month, origin) < 0) return -1;
    g->by_cell[type][d][g->n_cell[type][d]++] = (uint32_t)(g->res.n - 1);
    if (gs->record >= 0) g->record_group[gs->record] = (int32_t)(g->res.n - 1);
    return 0;
}

static int add_group(spr_programme *g, int type, int d, int month, int origin)
{
    group_spec gs = default_group(g->p, type, d);
    return add_spec(g, &gs, month, origin);
}

/* A closing group's replacement (new leaders): the same type and district, and for a registered
 * group the same row of the register (places, eligibility, cost). */
static int replace_group(spr_programme *g, size_t r, int month)
{
    const spr_municipality *mu = g->p->municipality;
    group_spec gs = g->res.record[r] >= 0                     ? registered_group(mu, (size_t)g->res.record[r])
                    : g->res.origin[r] == SPR_ORIGIN_PROVIDER ? provider_group(g->p, g->res.type[r], g->res.district[r])
                                                              : default_group(g->p, g->res.type[r], g->res.district[r]);
    return add_spec(g, &gs, month, g->res.origin[r]);
}

/* Closes group r and takes it out of its type and district's list. */
static void close_group(spr_programme *g, size_t r)
{
    int t = g->res.type[r], d = g->res.district[r];
    g->res.open[r] = 0;
    if (g->res.record[r] >= 0) g->record_group[g->res.record[r]] = -1;
    for (size_t k = 0; k < g->n_cell[t][d]; k++)
        if (g->by_cell[t][d][k] == r) {
            /* keep the order (it decides which group fills first) */
            memmove(&g->by_cell[t][d][k], &g->by_cell[t][d][k + 1], sizeof(uint32_t) * (g->n_cell[t][d] - k - 1));
            g->n_cell[t][d]--;
            break;
        }
}

static int64_t free_places(const spr_programme *g, size_t r, int kind)
{
    if (!has_place(g, r, kind)) return 0;
    return kind == PLACE_OPEN ? (int32_t)floor(g->res.capacity[r]) - g->res.occupancy[r]
                              : (int32_t)floor(g->p->res_prescribed_places) - g->res.prescribed[r];
}

/* Counts the free places of every cell (before the month's matching). */
static void count_free_places(spr_programme *g)
{
    for (int kind = 0; kind < 2; kind++)
        for (int t = 0; t < SPR_RESOURCE_TYPES; t++)
            for (int d = 0; d < g->districts; d++) {
                int64_t f = 0;
                for (size_t k = 0; k < g->n_cell[t][d]; k++) f += free_places(g, g->by_cell[t][d][k], kind);
                g->free_cell[kind][t][d] = f;
            }
}

/* A group of this type in district d with a free place of this kind, or -1:
 * the search goes round the district's groups from where it last found one. */
static ptrdiff_t place_in(spr_programme *g, int type, int func, int d, int kind)
{
    size_t n = g->n_cell[type][d];
    if (g->free_cell[kind][type][d] <= 0 || n == 0) return -1;
    size_t start = g->hint_cell[kind][type][d] % n;
    for (size_t j = 0; j < n; j++) {
        size_t k = (start + j) % n;
        uint32_t r = g->by_cell[type][d][k];
        if (func <= g->res.max_function[r] && has_place(g, r, kind)) {
            g->hint_cell[kind][type][d] = k;
            return (ptrdiff_t)g->by_cell[type][d][k];
        }
    }
    return -1;
}

/* The first fitting group: the preferred type first, own district before
 * neighbours (when allowed: g->near), then the other types the resident is
 * eligible for, in type order; a group admits residents up to its
 * eligibility (resources.max_function, or the register's). */
static ptrdiff_t find_place(spr_programme *g, int pref, int func, int d, int neighbours, int kind)
{
    int order[SPR_RESOURCE_TYPES], n = 0;
    order[n++] = pref;
    for (int t = 0; t < SPR_RESOURCE_TYPES; t++)
        if (t != pref) order[n++] = t;
    int n_near = neighbours ? g->n_near[d] : 1;
    for (int k = 0; k < n; k++) {
        if (func > g->type_max_function[order[k]]) continue;
        for (int j = 0; j < n_near; j++) {
            ptrdiff_t r = place_in(g, order[k], func, g->near[d][j], kind);
            if (r >= 0) return r;
        }
    }
    return -1;
}

/* A resident's preferred type: a fixed trait from its INIT stream. */
static int preferred_type(const spr_programme *g, uint32_t id)
{
    uint32_t w[4];
    spr_rng_block(g->key, id, 0, SPR_STREAM_INIT_RESIDENT, 0, w);
    double u = spr_rng_u01(w[3]), cum = 0;
    for (int t = 0; t < SPR_RESOURCE_TYPES; t++) {
        cum += g->p->res_preference[t];
        if (u < cum) return t;
    }
    return SPR_RESOURCE_TYPES - 1;
}

static void join_group(spr_programme *g, spr_population *pop, size_t i, size_t r, int via_lw, int kind)
{
    if (kind == PLACE_PRESCRIBED) g->res.prescribed[r]++;
    else g->res.occupancy[r]++;
    g->free_cell[kind][g->res.type[r]][g->res.district[r]]--;
    pop->sp[i] |= SPR_SP_PARTICIPATING | (via_lw ? SPR_SP_VIA_LW | SPR_SP_PLACED : 0) |
                  (kind == PLACE_PRESCRIBED ? SPR_SP_PRESCRIBED : 0);
    pop->resource[i] = (uint32_t)r;
    pop->sp_months[i] = 0;
    if (!spr_state_benefit(pop->state[i])) pop->state[i] = (uint8_t)(pop->state[i] + SPR_STATES);
}

/* ---- creation ------------------------------------------------------------ */

static int queue_of(const spr_programme *g, int district) { return g->team_of[district]; }

int spr_programme_teams(const spr_params *p)
{
    if (p->municipality != NULL) return p->municipality->n_teams;
    return p->lw_per_district ? p->districts : 1;
}

int spr_programme_team_of(const spr_params *p, int district)
{
    if (p->municipality != NULL) return p->municipality->district[district].team;
    return p->lw_per_district ? district : 0;
}

void spr_programme_team_name(const spr_params *p, int team, char *buf, size_t size)
{
    if (p->municipality != NULL) snprintf(buf, size, "%s", p->municipality->team[team].name);
    else if (p->lw_per_district) snprintf(buf, size, "district %d", team + 1);
    else snprintf(buf, size, "municipality");
}

/* The municipality's staffing as the scenario gives it (link_workers.fte or the norm). */
static double scenario_fte(const spr_params *p)
{
    return p->lw_fte_per_100000 > 0 ? p->lw_fte_per_100000 * (double)p->population / 100000.0 : p->lw_fte;
}

/* Team t's share of the municipality's residents 65+ (its workload comes mostly from them), or an
 * even share without municipality data. */
static double team_share(const spr_params *p, int team)
{
    const spr_municipality *mu = p->municipality;
    int n = spr_programme_teams(p);
    if (mu == NULL) return n == 1 ? 1.0 : 1.0 / n;
    int64_t mine = 0, all = 0;
    for (int d = 0; d < mu->n_districts; d++) {
        int64_t k = spr_municipality_residents_65(mu, d);
        all += k;
        if (mu->district[d].team == team) mine += k;
    }
    return all > 0 ? (double)mine / (double)all : 1.0 / n;
}

double spr_programme_team_fte(const spr_params *p, int team)
{
    if (p->n_team_fte > 0) return p->team_fte[team];
    if (p->municipality != NULL && p->municipality->fte_from_file) return p->municipality->team[team].fte;
    return scenario_fte(p) * team_share(p, team); /* x 1 for one team: exactly the scenario's */
}

double spr_programme_fte(const spr_params *p)
{
    if (p->n_team_fte == 0 && (p->municipality == NULL || !p->municipality->fte_from_file)) return scenario_fte(p);
    double fte = 0;
    for (int t = 0; t < spr_programme_teams(p); t++) fte += spr_programme_team_fte(p, t);
    return fte;
}

int spr_programme_trained(const spr_params *p, uint32_t month)
{
    return (p->pro_engage_factor != 1.0 || p->pro_dropout_factor != 1.0) && month >= p->pro_training_months;
}

double spr_programme_caseload(const spr_params *p)
{
    if (p->is_minutes_saved <= 0) return p->lw_max_caseload;
    const double saved = p->is_share_to_caseload * p->is_minutes_saved;
    return p->lw_max_caseload * p->is_session_minutes / (p->is_session_minutes - saved);
}

/* One queue per team: its link workers are whole FTEs and one part-time for the remainder. */
static int create_queues(spr_programme *g)
{
    const spr_params *p = g->p;
    g->n_queues = spr_programme_teams(p);
    for (int d = 0; d < g->districts; d++) g->team_of[d] = (uint8_t)spr_programme_team_of(p, d);
    g->queues = calloc((size_t)g->n_queues, sizeof *g->queues);
    if (g->queues == NULL) return -1;
    for (int k = 0; k < g->n_queues; k++) {
        const double fte = spr_programme_team_fte(p, k);
        int workers = (int)ceil(fte - 1e-9);
        int *places = calloc((size_t)(workers > 0 ? workers : 1), sizeof(int));
        if (places == NULL) return -1;
        for (int w = 0; w < workers; w++) {
            double share = fte - w >= 1.0 ? 1.0 : fte - w;
            places[w] = (int)floor(share * spr_programme_caseload(p) + 1e-9);
        }
        g->queues[k] = spr_queue_create(workers > 0 ? workers : 0, places, p->lw_priority_high_risk);
        free(places);
        if (g->queues[k] == NULL) return -1;
        g->team_month[k].fte = fte;
    }
    return 0;
}

/* Where residents of each district look for a group (find_place). */
static void set_neighbours(spr_programme *g)
{
    const spr_municipality *mu = g->p->municipality;
    for (int d = 0; d < g->districts; d++) {
        int n = 0;
        g->near[d][n++] = (uint8_t)d;
        if (mu != NULL) {
            for (int k = 0; k < mu->district[d].n_neighbours; k++) g->near[d][n++] = mu->district[d].neighbour[k];
        } else {
            if (d - 1 >= 0) g->near[d][n++] = (uint8_t)(d - 1);
            if (d + 1 < g->districts) g->near[d][n++] = (uint8_t)(d + 1);
        }
        g->n_near[d] = n;
        if (mu != NULL && n > 1) g->self_joiners_look_near = 1;
    }
}

/* Targeting's risk score of each district: the share of its residents 65+ who are isolated or
 * live alone (from counts of residents 65+ and of those at risk). */
static void set_risk_shares(spr_programme *g, const int64_t *pop65, const int64_t *risk65)
{
    for (int d = 0; d < g->districts; d++) {
        g->risk_share[d] = pop65[d] > 0 ? (double)risk65[d] / (double)pop65[d] : 0;
        g->n65[d] = (double)pop65[d];
    }
}

static int at_risk(int base_state) { return spr_state_isolated(base_state) || spr_state_alone(base_state); }

static void risk_scores(spr_programme *g, const spr_population *pop)
{
    int64_t pop65[SPR_MAX_DISTRICTS] = {0}, risk65[SPR_MAX_DISTRICTS] = {0};
    for (size_t i = 0; i < pop->n; i++) {
        if (pop->age_months[i] < 65 * 12) continue;
        pop65[pop->district[i]]++;
        risk65[pop->district[i]] += at_risk(spr_state_base(pop->state[i]));
    }
    set_risk_shares(g, pop65, risk65);
}

/* Awareness by district.  Without targeting every district has the municipal figure, status quo plus
 * outreach events per 10,000 residents (the events spread evenly over the residents 65+ they reach).
 * With targeting.outreach_share s, that share of the events goes to districts in proportion to their
 * residents 65+ at risk instead: district d's outreach is the municipal one times (1 - s) + s x
 * risk_d / mean risk (the mean over residents 65+), so the events and their cost stay the same. */
static void set_awareness(spr_programme *g)
{
    const spr_params *p = g->p;
    const double s = p->targeting_outreach_share;
    double mean_risk = 0, n65 = 0;
    if (s > 0) {
        for (int d = 0; d < g->districts; d++) {
            mean_risk += g->n65[d] * g->risk_share[d];
            n65 += g->n65[d];
        }
        mean_risk = n65 > 0 ? mean_risk / n65 : 0;
    }
    for (int d = 0; d < g->districts; d++) {
        double f = s > 0 && mean_risk > 0 ? (1.0 - s) + s * g->risk_share[d] / mean_risk : 1.0;
        g->awareness[d] = fmin(1.0, p->pa_awareness + g->outreach_gain * f);
    }
}

/* A clinician's referral probability per visit: with the incentive payment, times its factor. */
static double clinic_refer_probability(const spr_params *p)
{
    return p->inc_clinic_payment_yen > 0 ? p->clinic_refer_probability * p->inc_clinic_referral_factor
                                         : p->clinic_refer_probability;
}

static void set_referral_thresholds(spr_programme *g)
{
    const spr_params *p = g->p;
    const double *mult = p->referral_multiplier;
    g->thr_checkup = spr_rng_threshold(fmin(1.0, p->checkup_uptake / 12.0 * p->checkup_refer_probability * mult[SPR_SRC_CHECKUP]));
    g->thr_nurse = spr_rng_threshold(-expm1(-p->nurse_contacts_per_year / 12.0 * p->nurse_refer_probability * mult[SPR_SRC_NURSE]));
    /* outreach raises self-referral only through loop 2 (population to high-risk) */
    for (int d = 0; d < g->districts; d++) {
        double aware = p->loop2_enabled ? g->awareness[d] : p->pa_awareness;
        g->thr_self[d] = spr_rng_threshold(per_month(p->self_referral_rate * aware * mult[SPR_SRC_SELF]));
    }
    for (int b = 0; b < SPR_AGE_BANDS; b++)
        for (int f = 0; f < SPR_FUNC_STATES; f++)
            g->thr_clinic[b][f] = spr_rng_threshold(-expm1(-p->clinic_visits_per_year[b] * p->clinic_visit_multiplier[f] / 12.0 *
                                                           clinic_refer_probability(p) * mult[SPR_SRC_CLINIC]));
}

/* The cognitive check: a yearly uptake spread over the months (uptake / 12 a month, with no memory
 * of the last check, so the expected checks a year are the uptake); flagged with probability
 * sensitivity with dementia and 1 - specificity without. */
static void set_cognitive_check_thresholds(spr_programme *g)
{
    const spr_params *p = g->p;
    g->thr_cc_check = spr_rng_threshold(p->cc_uptake / 12.0);
    g->thr_cc_flag_dementia = spr_rng_threshold(p->cc_sensitivity);
    g->thr_cc_flag_other = spr_rng_threshold(1.0 - p->cc_specificity);
    g->thr_cc_refer = spr_rng_threshold(p->cc_refer_probability);
    g->thr_cc_group = spr_rng_threshold(p->cc_group_probability);
}

/* Joining on one's own, per district, from last month's supply and participation. */
static void set_join_thresholds(spr_programme *g, const int64_t *pop65)
{
    const spr_params *p = g->p;
    for (int d = 0; d < g->districts; d++) {
        double places = 0;
        for (int t = 0; t < SPR_RESOURCE_TYPES; t++)
            for (size_t k = 0; k < g->n_cell[t][d]; k++) places += floor(g->res.capacity[g->by_cell[t][d][k]]);
        double per100 = pop65[d] > 0 ? 100.0 * places / (double)pop65[d] : 0;
        double supply = fmin(2.0, per100 / p->pa_reference_places);
        double neighbourhood = 1.0 + p->pa_neighbourhood_effect * g->share65[d] / p->pa_reference_share;
        const double rate = p->pa_join_rate * g->awareness[d] * supply * neighbourhood;
        g->thr_join[SPR_MALE][d] = spr_rng_threshold(per_month(rate));
        g->thr_join[SPR_FEMALE][d] = spr_rng_threshold(per_month(rate * p->pa_hr_female));
    }
}

static int female(const spr_population *pop, size_t i) { return (pop->flags[i] & SPR_FLAG_FEMALE) != 0; }

/* Places the initial participants: each resident from pa_min_age takes part
 * with a probability by sex such that initial_share of them take part and
 * initial_women_share of those are women (its own INIT stream), as places
 * allow (a probability above 1 is 1: then fewer take part). */
static void initial_participants(spr_programme *g, spr_population *pop)
{
    const spr_params *p = g->p;
    double n[SPR_SEXES] = {0, 0};
    for (size_t i = 0; i < pop->n; i++)
        if (pop->age_months[i] >= 12 * p->pa_min_age) n[female(pop, i)] += 1;
    const double taking_part = p->pa_initial_share * (n[SPR_MALE] + n[SPR_FEMALE]);
    const double share[SPR_SEXES] = {n[SPR_MALE] > 0 ? taking_part * (1 - p->pa_initial_women_share) / n[SPR_MALE] : 0,
                                     n[SPR_FEMALE] > 0 ? taking_part * p->pa_initial_women_share / n[SPR_FEMALE] : 0};
    const uint32_t thr[SPR_SEXES] = {spr_rng_threshold(fmin(1.0, share[SPR_MALE])),
                                     spr_rng_threshold(fmin(1.0, share[SPR_FEMALE]))};
    for (size_t i = 0; i < pop->n; i++) {
        if (pop->age_months[i] < 12 * p->pa_min_age) continue;
        uint32_t w[4];
        spr_rng_block(g->key, pop->id[i], 0, SPR_STREAM_INIT_RESIDENT, 1, w);
        if (w[0] >= thr[female(pop, i)]) continue;
        ptrdiff_t r =
            find_place(g, preferred_type(g, pop->id[i]), spr_state_func(pop->state[i]), pop->district[i], 0, PLACE_OPEN);
        if (r < 0) continue;
        join_group(g, pop, i, (size_t)r, 0, PLACE_OPEN);
        /* long-standing members (the counter saturates at 255): past the early drop-out of new joiners, so
         * that the status quo starts near its steady state instead of losing a quarter of its participants
         * in the first months */
        pop->sp_months[i] = UINT8_MAX;
    }
}

/* Whether row k of the register meets in calendar year y (opening_year and closing_year, the first
 * year it no longer meets, when given). */
static int registered_open_in(const spr_group_record *gr, int year)
{
    return (gr->opening_year == 0 || gr->opening_year <= year) && (gr->closing_year == 0 || year < gr->closing_year);
}

/* The groups at the start: the municipality's register (those meeting in the first year), or per
 * type round(groups per 10,000 x residents / 10,000), dealt over the districts. */
static int initial_groups(spr_programme *g, size_t residents)
{
    const spr_params *p = g->p;
    const spr_municipality *mu = p->municipality;
    for (int t = 0; t < SPR_RESOURCE_TYPES; t++) g->type_max_function[t] = (uint8_t)p->res_max_function[t];
    if (mu != NULL && mu->has_groups) {
        g->record_group = malloc(sizeof *g->record_group * (mu->n_groups ? mu->n_groups : 1));
        if (g->record_group == NULL) return -1;
        for (size_t k = 0; k < mu->n_groups; k++) {
            g->record_group[k] = -1;
            const spr_group_record *gr = &mu->group[k];
            if (gr->max_function > g->type_max_function[gr->type]) g->type_max_function[gr->type] = gr->max_function;
        }
        for (size_t k = 0; k < mu->n_groups; k++) {
            if (!registered_open_in(&mu->group[k], p->start_year)) continue;
            group_spec gs = registered_group(mu, k);
            if (add_spec(g, &gs, 0, SPR_ORIGIN_STOCK) < 0) return -1;
        }
        return 0;
    }
    double per10k = (double)residents / 10000.0;
    for (int t = 0; t < SPR_RESOURCE_TYPES; t++) {
        long n = lround(p->res_groups_per_10000[t] * per10k);
        for (long k = 0; k < n; k++)
            if (add_group(g, t, (int)(k % p->districts), 0, SPR_ORIGIN_STOCK) < 0) return -1;
    }
    return 0;
}

/* Each January the register's groups open and close as their years say. */
static int registered_groups_change(spr_programme *g, uint32_t month, spr_programme_month *out)
{
    const spr_municipality *mu = g->p->municipality;
    if (mu == NULL || !mu->has_groups || month == 0 || month % 12 != 0) return 0;
    int year = g->p->start_year + (int)(month / 12);
    for (size_t k = 0; k < mu->n_groups; k++) {
        const spr_group_record *gr = &mu->group[k];
        int32_t r = g->record_group[k];
        if (r >= 0 && !registered_open_in(gr, year)) close_group(g, (size_t)r);
        else if (r < 0 && gr->opening_year == year && registered_open_in(gr, year)) {
            group_spec gs = registered_group(mu, k);
            if (add_spec(g, &gs, (int)month, SPR_ORIGIN_STOCK) < 0) return -1;
            out->groups_opened++;
        }
    }
    return 0;
}

static void initial_tilt(spr_programme *g, const spr_population *pop);
static int referable(int age, int base_state);

/* The youngest age at which spr_programme_resident does anything for a resident in base state
 * base_state with no part in the programme (the conditions in spr_programme_first_ages): the tallies of
 * residents 65+, joining a group, the cognitive check (when it is offered), a referral (with link
 * workers: the youngest age from referral.min_age at which referable() holds for the state). */
static int first_age(const spr_programme *g, int base_state)
{
    const spr_params *p = g->p;
    int age = 65;
    if (p->pa_min_age < age) age = p->pa_min_age;
    if (g->thr_cc_check != 0 && p->cc_min_age < age) age = p->cc_min_age;
    if (g->active)
        for (int a = p->referral_min_age > 0 ? p->referral_min_age : 0; a < age; a++)
            if (referable(a, base_state)) return a;
    return age < 0 ? 0 : age;
}

int spr_programme_create(const spr_params *p, const spr_model *m, const spr_population *pop_c, spr_rng_key key,
                         spr_programme **out, spr_error *err)
{
    spr_population *pop = (spr_population *)pop_c; /* initial participants are placed here */
    spr_programme *g = calloc(1, sizeof *g);
    if (g == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the programme");
    g->p = p;
    g->m = m;
    g->key = key;
    g->districts = p->districts;
    double per10k = (double)pop->n / 10000.0;
    g->outreach_gain = p->pa_awareness_per_event * p->pa_outreach_events_per_year / (per10k > 0 ? per10k : 1);
    g->tilt_other = 1.0;
    risk_scores(g, pop);
    set_awareness(g);
    g->district_month = calloc((size_t)g->districts, sizeof *g->district_month);
    if (g->district_month == NULL || initial_groups(g, pop->n) < 0 || create_queues(g) < 0) goto oom;
    set_neighbours(g);
    g->active = spr_programme_fte(p) > 0;
    set_referral_thresholds(g);
    g->thr_benefit_loss = spr_rng_threshold(-expm1(-1.0 / p->eff_decay_months));
    g->thr_volunteer = spr_rng_threshold(per_month(p->loop1_volunteer_rate));
    for (int months = 0; months < MONTHS_IN_GROUP_VALUES; months++)
        g->thr_dropout[months] = spr_rng_threshold(per_month(dropout_rate(p, months)));
    g->thr_close = spr_rng_threshold(per_month(p->res_close_rate));
    for (int st = 0; st < SPR_STATES; st++) g->first_age[st] = (uint8_t)first_age(g, st);
    g->thr_replace = spr_rng_threshold(p->res_replacement);
    set_cognitive_check_thresholds(g);
    count_free_places(g);
    initial_participants(g, pop);
    int64_t pop65[SPR_MAX_DISTRICTS] = {0}, part65[SPR_MAX_DISTRICTS] = {0};
    for (size_t i = 0; i < pop->n; i++) {
        if (pop->age_months[i] < 65 * 12) continue;
        pop65[pop->district[i]]++;
        if (pop->sp[i] & SPR_SP_PARTICIPATING) part65[pop->district[i]]++;
    }
    for (int d = 0; d < g->districts; d++) g->share65[d] = pop65[d] ? (double)part65[d] / (double)pop65[d] : 0;
    set_join_thresholds(g, pop65);
    if (p->targeting_referral_tilt > 0) initial_tilt(g, pop);
    *out = g;
    return SPR_OK;
oom:
    spr_programme_destroy(g);
    return spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the programme");
}

void spr_programme_destroy(spr_programme *g)
{
    if (g == NULL) return;
    free(g->res.type);
    free(g->res.district);
    free(g->res.open);
    free(g->res.capacity);
    free(g->res.occupancy);
    free(g->res.prescribed);
    free(g->res.origin);
    free(g->res.opened_month);
    free(g->res.max_function);
    free(g->res.fixed_cost_yen_per_month);
    free(g->res.record);
    free(g->res.provider);
    free(g->record_group);
    free(g->district_month);
    free(g->leaver_arrival);
    free(g->merge_scratch);
    free(g->rows);
    free(g->ended);
    for (int t = 0; t < SPR_RESOURCE_TYPES; t++)
        for (int d = 0; d < SPR_MAX_DISTRICTS; d++) free(g->by_cell[t][d]);
    if (g->queues)
        for (int k = 0; k < g->n_queues; k++) spr_queue_destroy(g->queues[k]);
    free(g->queues);
    free(g->arrivals);
    free(g->joins);
    free(g->joins_sorting);
    free(g->waits);
    free(g->leavers);
    free(g->where);
    free(g->started);
    spr_queue_events_free(&g->ev);
    free(g);
}

const spr_resources *spr_programme_resources(const spr_programme *g) { return &g->res; }
const uint8_t *spr_programme_first_ages(const spr_programme *g) { return g->first_age; }

int spr_programme_active(const spr_programme *g) { return g->active; }


/* ---- the parallel resident step -------------------------------------------- */

#define PUSH(t, field, n, cap, value)                                                          \
    do {                                                                                       \
        if (grow((void **)&(t)->field, &(t)->cap, (t)->n + 1, sizeof *(t)->field) < 0) {       \
            (t)->oom = 1;                                                                      \
            break;                                                                             \
        }                                                                                      \
        (t)->field[(t)->n++] = (value);                                                        \
    } while (0)

static int high_risk(int base_state)
{
    int f = spr_state_func(base_state);
    return spr_state_dementia(base_state) || (spr_state_isolated(base_state) && f >= SPR_FUNC_LIMITED);
}

/* Could any source refer this resident (the conditions of referral_source)? */
static int referable(int age, int base_state)
{
    const int iso = spr_state_isolated(base_state), alone = spr_state_alone(base_state);
    return iso || (alone && age >= 40 && age < 75 && spr_state_metabolic(base_state)) ||
           (alone && age >= 65 && spr_state_func(base_state) >= SPR_FUNC_LIMITED);
}

/* Each source's monthly threshold for this resident (of district d), 0 where its condition does not
 * hold: check-up, clinic, public-health nurse, self (the order of the sources and of their words). */
static void source_thresholds(const spr_programme *g, int age, int base_state, int d, uint32_t thr[SPR_REFERRAL_SOURCES])
{
    const int f = spr_state_func(base_state), iso = spr_state_isolated(base_state);
    const int alone = spr_state_alone(base_state), met = spr_state_metabolic(base_state);
    thr[SPR_SRC_CHECKUP] = age >= 40 && age < 75 && met && (iso || alone) ? g->thr_checkup : 0;
    thr[SPR_SRC_CLINIC] = iso ? g->thr_clinic[spr_age_band(age)][f] : 0;
    thr[SPR_SRC_NURSE] = age >= 65 && (iso || (f >= SPR_FUNC_LIMITED && alone)) ? g->thr_nurse : 0;
    thr[SPR_SRC_SELF] = iso ? g->thr_self[d] : 0;
}

/* A threshold times the referral tilt's factor (factor 1: the same threshold). */
static uint32_t tilted(uint32_t thr, double factor)
{
    if (factor == 1.0) return thr;
    const double t = (double)thr * factor;
    return t >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

/* The referral tilt's factor for this resident: 1 + tilt for the high-risk group, tilt_other for the others. */
static double tilt_factor(const spr_programme *g, int base_state)
{
    if (g->p->targeting_referral_tilt <= 0) return 1.0;
    return high_risk(base_state) ? 1.0 + g->p->targeting_referral_tilt : g->tilt_other;
}

/* The first source whose draw hits, or -1.  Each source has its own word. */
static int referral_source(const spr_programme *g, int age, int base_state, int d, const uint32_t w[4])
{
    uint32_t thr[SPR_REFERRAL_SOURCES];
    source_thresholds(g, age, base_state, d, thr);
    const double factor = tilt_factor(g, base_state);
    for (int src = 0; src < SPR_REFERRAL_SOURCES; src++)
        if (w[src] < tilted(thr[src], factor)) return src;
    return -1;
}

/* The referral tilt keeps the expected referrals: a resident who may be referred adds its untilted
 * sources' thresholds (the monthly probabilities, small, as integers: the sum is exact and the same
 * whatever the threads) to its group's mass, high-risk (1) or not (0). */
static void add_referral_mass(const spr_programme *g, int age, int base_state, int d, uint64_t mass[2])
{
    uint32_t thr[SPR_REFERRAL_SOURCES];
    source_thresholds(g, age, base_state, d, thr);
    for (int src = 0; src < SPR_REFERRAL_SOURCES; src++) mass[high_risk(base_state)] += thr[src];
}

/* The others' factor that keeps the expected referrals: (1 + tilt) x high-risk mass + factor x other
 * mass = both masses; 0 at the least (then the tilt moves fewer referrals than it would). */
static void set_tilt_other(spr_programme *g, const uint64_t mass[2])
{
    const double tilt = g->p->targeting_referral_tilt;
    g->tilt_other = mass[0] > 0 ? fmax(0.0, 1.0 - tilt * (double)mass[1] / (double)mass[0]) : 1.0;
}

/* The referral tilt's factor for the first month, from the residents who may be referred at the start. */
static void initial_tilt(spr_programme *g, const spr_population *pop)
{
    const spr_params *p = g->p;
    uint64_t mass[2] = {0, 0};
    for (size_t i = 0; i < pop->n && g->active; i++) {
        const int age = pop->age_months[i] / 12, base_state = spr_state_base(pop->state[i]);
        if ((pop->sp[i] & (SPR_SP_WAITING | SPR_SP_CASE | SPR_SP_PARTICIPATING)) || age < p->referral_min_age ||
            !referable(age, base_state))
            continue;
        add_referral_mass(g, age, base_state, pop->district[i], mass);
    }
    set_tilt_other(g, mass);
}

/* The re-referral rule (referral.rereferral_wait_months).  A resident in no
 * group, queue or case keeps in sp_months (months in the current group,
 * unused out of one) the months left before a link worker may see it again:
 * set when its case closes unplaced or declined, counted down in the
 * resident step, cleared on joining or leaving a group.  No byte is added
 * per resident. */
static int referral_barred(const spr_population *pop, size_t i) { return pop->sp_months[i] > 0; }

static void bar_referral(const spr_params *p, spr_population *pop, size_t i)
{
    pop->sp_months[i] = (uint8_t)p->referral_rereferral_wait_months; /* at most 240 (the table's bound) */
}

/* The cognitive check of resident i this month (its own draws: SPR_STREAM_PROGRAMME blocks 4 and 5,
 * drawn only with the check service, so other scenarios' draws are untouched): checked with
 * probability uptake / 12, flagged as the check's sensitivity and specificity say for its dementia
 * state; a flagged resident free to be referred (free: in no group, queue or case, outside the
 * re-referral wait, not referred or asking to join this month) is referred to a link worker, or
 * else may ask to join a group on its own.  Returns its programme flags. */
static uint8_t cognitive_check(const spr_programme *g, const spr_population *pop, size_t i, int base_state,
                               uint32_t month, uint8_t sp, int free, spr_programme_tally *t)
{
    const uint32_t id = pop->id[i];
    uint32_t w[4], wd[4];
    t->checks.eligible++;
    spr_rng_block(g->key, id, month, SPR_STREAM_PROGRAMME, 4, w);
    if (w[0] >= g->thr_cc_check) return sp;
    const int dementia = spr_state_dementia(base_state);
    t->checks.checked++;
    t->checks.checked_dementia += dementia;
    if (w[1] >= (dementia ? g->thr_cc_flag_dementia : g->thr_cc_flag_other)) return sp;
    t->checks.flagged++;
    t->checks.flagged_dementia += dementia;
    if (!free) return sp;
    if (spr_programme_active(g) && w[2] < g->thr_cc_refer) {
        spr_rng_block(g->key, id, month, SPR_STREAM_PROGRAMME, 5, wd);
        PUSH(t, referrals, n_referrals, cap_referrals,
             ((spr_referral_request){id, (uint32_t)i, SPR_SRC_CHECKUP, (uint8_t)high_risk(base_state), wd[0], wd[1]}));
        t->checks.referred++;
        return (uint8_t)(sp | SPR_SP_WAITING);
    }
    if (w[3] < g->thr_cc_group) {
        spr_rng_block(g->key, id, month, SPR_STREAM_PROGRAMME, 5, wd);
        PUSH(t, joins, n_joins, cap_joins, ((spr_join_request){id, (uint32_t)i, wd[2]}));
        t->checks.to_group++;
    }
    return sp;
}

/* Whether resident i (age in whole years) may ask to join a group on its own this month: in no group,
 * queue or case, old enough, and its district's population approach reaches its sex. */
static int may_join_group(const spr_programme *g, const spr_population *pop, size_t i, int age)
{
    return !(pop->sp[i] & (SPR_SP_WAITING | SPR_SP_CASE | SPR_SP_PARTICIPATING)) && age >= g->p->pa_min_age &&
           g->thr_join[female(pop, i)][pop->district[i]] != 0;
}

int spr_programme_reads_block0(const spr_programme *g, const spr_population *pop, size_t lo, size_t n, int max_age)
{
    if (max_age >= g->p->pa_min_age) return 1; /* someone may be old enough to join a group */
    unsigned in_group_or_benefit = 0;            /* (a loop without branches, which the compiler vectorises) */
    for (size_t i = lo; i < lo + n; i++)
        in_group_or_benefit |= (pop->sp[i] & SPR_SP_PARTICIPATING) | (unsigned)(pop->state[i] >= SPR_STATES);
    return in_group_or_benefit != 0;
}

/* The monthly drop-out threshold of a link worker's client in district d after `months` in the group:
 * loop 2 and the training change its rate month by month. */
static uint32_t lw_dropout_of(const spr_programme *g, int d, int months, uint32_t month)
{
    const spr_params *p = g->p;
    double rate = dropout_rate(p, months);
    if (p->loop2_enabled) rate *= 1.0 - p->loop2_retention_gain * loop2_gain(g, d);
    if (spr_programme_trained(p, month)) rate *= p->pro_dropout_factor;
    return spr_rng_threshold(per_month(rate));
}

/* lw_dropout_of, kept in the thread's tally for the month (t->lw_dropout): every client of a district with
 * the same months in the group has the same threshold, and working it out (an exp and an expm1) for
 * each client every month took a fiftieth of the step.  Without the table (no memory) it is worked out. */
static uint32_t lw_dropout_threshold(const spr_programme *g, spr_programme_tally *t, int d, int months, uint32_t month)
{
    const size_t n = (size_t)g->districts * MONTHS_IN_GROUP_VALUES;
    if (t->lw_dropout_n != n && t->generation != 0) {
        free(t->lw_dropout);
        t->lw_dropout = calloc(n, sizeof *t->lw_dropout); /* generation 0: none valid */
        t->lw_dropout_n = t->lw_dropout ? n : 0;
    }
    if (t->lw_dropout_n != n) return lw_dropout_of(g, d, months, month);
    struct spr_cached_threshold *c = &t->lw_dropout[(size_t)d * MONTHS_IN_GROUP_VALUES + (size_t)months];
    if (c->generation != t->generation) {
        c->threshold = lw_dropout_of(g, d, months, month);
        c->generation = t->generation;
    }
    return c->threshold;
}

int spr_programme_reads_block1(const spr_programme *g, int max_age)
{
    return spr_programme_active(g) && max_age >= g->p->referral_min_age;
}

void spr_programme_resident(const spr_programme *g, spr_population *pop, size_t i, int alive, int age, int base_state,
                            uint32_t month, const uint32_t *block0, const uint32_t *block1, size_t stride,
                            spr_programme_tally *t)
{
    enum { DROPOUT = 0, VOLUNTEER = 1, BENEFIT_ENDS = 2, JOIN = 3 }; /* the uses of block 0's words */
#define W(j) block0[(size_t)(j) * stride]
    const spr_params *p = g->p;
    uint8_t sp = pop->sp[i];
    const uint32_t id = pop->id[i];
    if (!alive) {
        if (sp & (SPR_SP_WAITING | SPR_SP_CASE | SPR_SP_PARTICIPATING))
            PUSH(t, exits, n_exits, cap_exits, ((spr_programme_exit){id, (uint32_t)i, sp, pop->resource[i]}));
        return;
    }
    const int d = pop->district[i];
    int benefit = spr_state_benefit(pop->state[i]);
    const int may_join = may_join_group(g, pop, i, age);
    if (sp & SPR_SP_PARTICIPATING) {
        uint32_t r = pop->resource[i];
        int leave = !g->res.open[r];
        if (!leave && (sp & SPR_SP_VIA_LW)) {
            leave = W(DROPOUT) < lw_dropout_threshold(g, t, d, pop->sp_months[i], month);
            t->placed_at_risk++;
            t->placed_dropouts += leave;
        } else if (!leave) {
            leave = W(DROPOUT) < g->thr_dropout[pop->sp_months[i]];
        }
        if (leave) {
            if (sp & SPR_SP_PRESCRIBED) t->prescribed_delta[r]--;
            else t->occupancy_delta[r]--;
            sp &= (uint8_t) ~(SPR_SP_PARTICIPATING | SPR_SP_VIA_LW | SPR_SP_VOLUNTEER | SPR_SP_PRESCRIBED);
            pop->resource[i] = SPR_NO_RESOURCE;
            pop->sp_months[i] = 0; /* out of a group it holds the wait before a new referral: none after leaving */
        } else {
            if (pop->sp_months[i] < MONTHS_IN_GROUP_VALUES - 1) pop->sp_months[i]++;
            if (p->loop1_enabled && (sp & SPR_SP_VIA_LW) && !(sp & SPR_SP_VOLUNTEER) &&
                pop->sp_months[i] >= p->loop1_after_months && W(VOLUNTEER) < g->thr_volunteer) {
                sp |= SPR_SP_VOLUNTEER;
                PUSH(t, volunteers, n_volunteers, cap_volunteers, ((spr_programme_volunteer){(uint32_t)i, r}));
            }
            t->participants++;
            if (sp & SPR_SP_VOLUNTEER) t->volunteers_total++;
            /* clients placed by a link worker strengthen their district's participation
             * (the neighbourhood effect) only through loop 1 */
            if (age >= 65 && (!(sp & SPR_SP_VIA_LW) || p->loop1_enabled)) t->part65[d]++;
        }
    } else if (benefit && W(BENEFIT_ENDS) < g->thr_benefit_loss) {
        benefit = 0;
        pop->state[i] = (uint8_t)base_state;
    }
    if (age >= 65) {
        t->pop65[d]++;
        t->risk65[d] += at_risk(base_state);
    }
    /* free for the cognitive check's referral: in no group, queue or case, and not within the re-referral wait */
    const int free_to_refer = !(sp & (SPR_SP_WAITING | SPR_SP_CASE | SPR_SP_PARTICIPATING)) && !referral_barred(pop, i);
    int asked_to_join = 0;
    if (!(sp & (SPR_SP_WAITING | SPR_SP_CASE | SPR_SP_PARTICIPATING))) {
        uint32_t wr[4], wd[4];
        int referred = 0;
        if (referral_barred(pop, i)) {
            pop->sp_months[i]--; /* one month of the wait after an unplaced or declined case has passed */
        } else if (spr_programme_active(g) && age >= p->referral_min_age && referable(age, base_state)) {
            if (block1 != NULL)
                for (int j = 0; j < 4; j++) wr[j] = block1[(size_t)j * stride];
            else
                spr_rng_block(g->key, id, month, SPR_STREAM_PROGRAMME, 1, wr);
            if (p->targeting_referral_tilt > 0) add_referral_mass(g, age, base_state, d, t->referral_mass);
            int src = referral_source(g, age, base_state, d, wr);
            if (src >= 0) {
                spr_rng_block(g->key, id, month, SPR_STREAM_PROGRAMME, 2, wd);
                PUSH(t, referrals, n_referrals, cap_referrals,
                     ((spr_referral_request){id, (uint32_t)i, (uint8_t)src, (uint8_t)high_risk(base_state), wd[0], wd[1]}));
                sp |= SPR_SP_WAITING;
                referred = 1;
            }
        }
        if (!referred && may_join && W(JOIN) < g->thr_join[female(pop, i)][d]) {
            spr_rng_block(g->key, id, month, SPR_STREAM_PROGRAMME, 2, wd);
            PUSH(t, joins, n_joins, cap_joins, ((spr_join_request){id, (uint32_t)i, wd[2]}));
            asked_to_join = 1;
        }
    }
    if (g->thr_cc_check != 0 && age >= p->cc_min_age)
        sp = cognitive_check(g, pop, i, base_state, month, sp, free_to_refer && !(sp & SPR_SP_WAITING) && !asked_to_join, t);
    pop->sp[i] = sp;
#undef W
}

void spr_programme_tally_clear(spr_programme_tally *t, size_t n_resources)
{
    t->n_referrals = t->n_joins = t->n_exits = t->n_volunteers = 0;
    t->generation++; /* a new month: last month's drop-out thresholds are stale */
    if (n_resources > t->n_delta) {
        int32_t *d = realloc(t->occupancy_delta, n_resources * sizeof *d);
        if (d != NULL) t->occupancy_delta = d;
        int32_t *e = realloc(t->prescribed_delta, n_resources * sizeof *e);
        if (e != NULL) t->prescribed_delta = e;
        if (d == NULL || e == NULL) {
            t->oom = 1;
            return;
        }
        t->n_delta = n_resources;
    }
    if (t->occupancy_delta) memset(t->occupancy_delta, 0, t->n_delta * sizeof *t->occupancy_delta);
    if (t->prescribed_delta) memset(t->prescribed_delta, 0, t->n_delta * sizeof *t->prescribed_delta);
    memset(t->pop65, 0, sizeof t->pop65);
    memset(t->part65, 0, sizeof t->part65);
    t->participants = t->volunteers_total = 0;
    t->placed_at_risk = t->placed_dropouts = 0;
    memset(&t->checks, 0, sizeof t->checks);
    memset(t->risk65, 0, sizeof t->risk65);
    t->referral_mass[0] = t->referral_mass[1] = 0;
}

void spr_programme_tally_free(spr_programme_tally *t)
{
    free(t->referrals);
    free(t->joins);
    free(t->exits);
    free(t->volunteers);
    free(t->occupancy_delta);
    free(t->prescribed_delta);
    free(t->lw_dropout);
    memset(t, 0, sizeof *t);
}

/* ---- the serial programme step ---------------------------------------------- */

static double case_days(const spr_params *p, uint32_t u)
{
    double mean = p->lw_sessions * p->lw_session_spacing_weeks * 7.0;
    return p->lw_exponential_cases ? -mean * log(spr_rng_u01(u)) : mean;
}

/* A resident found no fitting place: the municipality hears of it (the
 * yearly budget opens groups where these wishes gather) and the month
 * counts it. */
static void note_unmet(spr_programme *g, int d, int pref, spr_programme_month *out)
{
    g->unmet[d] += 1;
    g->unmet_type[d][pref] += 1;
    out->unmet_demand++;
}

/* A link worker offers a place; the client takes it up or declines. */
static void try_match(spr_programme *g, spr_population *pop, size_t i, uint32_t month, spr_programme_month *out)
{
    const spr_params *p = g->p;
    uint8_t sp = pop->sp[i];
    if (!(sp & SPR_SP_CASE) || (sp & (SPR_SP_PARTICIPATING | SPR_SP_DECLINED))) return;
    int d = pop->district[i], pref = preferred_type(g, pop->id[i]), func = spr_state_func(pop->state[i]);
    int kind = PLACE_PRESCRIBED;
    ptrdiff_t r = find_place(g, pref, func, d, 1, PLACE_PRESCRIBED);
    if (r < 0 && p->lw_open_places) {
        kind = PLACE_OPEN; /* no kept place fits: an open one, the population approach's included */
        r = find_place(g, pref, func, d, 1, PLACE_OPEN);
    }
    if (r < 0) {
        if (p->loop1_enabled) note_unmet(g, d, pref, out); /* loop 1: link workers report unmet needs */
        return;
    }
    double engage = p->lw_engage_probability;
    if (spr_programme_trained(p, month)) engage *= p->pro_engage_factor;
    if (p->loop2_enabled) engage *= 1.0 + p->loop2_engage_gain * loop2_gain(g, d);
    uint32_t w[4];
    spr_rng_block(g->key, pop->id[i], month, SPR_STREAM_PROGRAMME, 3, w);
    if (w[0] < spr_rng_threshold(fmin(1.0, engage))) join_group(g, pop, i, (size_t)r, 1, kind);
    else pop->sp[i] |= SPR_SP_DECLINED;
}

static void close_case(spr_programme *g, spr_population *pop, size_t i)
{
    uint8_t sp = pop->sp[i];
    int outcome = (sp & SPR_SP_PARTICIPATING) ? SPR_OUT_SETTLED
                  : (sp & SPR_SP_PLACED)      ? SPR_OUT_DROPPED
                  : (sp & SPR_SP_DECLINED)    ? SPR_OUT_DECLINED
                                              : SPR_OUT_UNPLACED;
    g->outcomes[SPR_OUT_ACTIVE]--;
    g->outcomes[outcome]++;
    pop->sp[i] = (uint8_t)(sp & ~(SPR_SP_CASE | SPR_SP_PLACED | SPR_SP_DECLINED));
    if (outcome == SPR_OUT_UNPLACED || outcome == SPR_OUT_DECLINED) bar_referral(g->p, pop, i);
}

static int cmp_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_join(const void *a, const void *b)
{
    const spr_join_request *x = a, *y = b;
    if (x->order != y->order) return x->order < y->order ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int open_group(spr_programme *g, spr_resource_type type, int d, uint32_t month, int origin,
                      spr_programme_month *out)
{
    if (add_group(g, type, d, (int)month, origin) < 0) return -1;
    out->groups_opened++;
    return 0;
}

/* The municipal budget opens groups each year where demand exceeded supply. */
static int open_budget_groups(spr_programme *g, uint32_t month, spr_programme_month *out)
{
    const spr_params *p = g->p;
    int n_new = (int)floor(p->pa_budget_yen_per_year / p->res_new_group_cost_yen + 1e-9);
    for (; n_new > 0; n_new--) {
        int best = -1;
        for (int d = 0; d < g->districts; d++)
            if (g->unmet[d] > 0 && (best < 0 || g->unmet[d] > g->unmet[best])) best = d;
        if (best < 0) break;
        spr_resource_type type = 0;
        for (int t = 1; t < SPR_RESOURCE_TYPES; t++)
            if (g->unmet_type[best][t] > g->unmet_type[best][type]) type = (spr_resource_type)t;
        g->provider_credit += p->prov_share;
        if (g->provider_credit >= 1.0 - 1e-9) {
            /* a company or NPO opens this one, at its own expense */
            g->provider_credit -= 1.0;
            group_spec gs = provider_group(p, type, best);
            if (add_spec(g, &gs, (int)month, SPR_ORIGIN_PROVIDER) < 0) return -1;
            out->groups_opened++;
        } else {
            if (open_group(g, type, best, month, SPR_ORIGIN_BUDGET, out) < 0) return -1;
            out->cost_resources_yen += p->res_new_group_cost_yen;
            out->cost_resources_by_provider_yen[SPR_PROVIDER_MUNICIPALITY] += p->res_new_group_cost_yen;
            g->district_month[best].cost_resources_yen += p->res_new_group_cost_yen;
        }
        g->unmet[best] -= p->res_capacity[type];
        g->unmet_type[best][type] -= p->res_capacity[type];
    }
    memset(g->unmet, 0, sizeof g->unmet);
    memset(g->unmet_type, 0, sizeof g->unmet_type);
    return 0;
}

typedef struct {
    uint32_t *v;
    size_t n, cap;
    int oom;
} id_list;

static void collect_active(void *ctx, uint32_t client, int waiting, int server)
{
    (void)server;
    id_list *l = ctx;
    if (waiting) return;
    if (grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) < 0) {
        l->oom = 1;
        return;
    }
    l->v[l->n++] = client;
}

static int record_wait(spr_programme *g, double days)
{
    if (grow((void **)&g->waits, &g->cap_waits, g->n_waits + 1, sizeof *g->waits) < 0) return -1;
    g->waits[g->n_waits++] = days;
    return 0;
}

/* What the serial step of one month works with. */
typedef struct {
    spr_population *pop;
    uint32_t month;
    double t0, t1; /* the month, in days since the start */
    const spr_programme_tally *tl;
    int nthreads;
    spr_programme_month *out;
    int *wait_hist;
    spr_error *err;
    int64_t pop65[SPR_MAX_DISTRICTS], part65[SPR_MAX_DISTRICTS]; /* residents 65+, and those taking part */
    int64_t risk65[SPR_MAX_DISTRICTS];                           /* residents 65+ isolated or living alone */
    uint64_t referral_mass[2];                                   /* the referral tilt's masses (add_referral_mass) */
} month_step;

static int out_of_memory(const month_step *s, const char *where)
{
    return spr_error_set(s->err, SPR_ERR_NOMEM, "out of memory %s (month %u)", where, s->month);
}

/* The rows of the n residents ids[], who must all be in the population (the serial step sees only
 * residents of this month, the departed staying until compaction), into g->rows: looked up many at once
 * (spr_population_find_many), as the caseloads' residents are scattered over the rows. */
static int find_residents(spr_programme *g, const month_step *s, const uint32_t *ids, size_t n, const char *what)
{
    if (grow((void **)&g->rows, &g->cap_rows, n + 1, sizeof *g->rows) < 0)
        return out_of_memory(s, "looking up residents");
    spr_population_find_many(s->pop, ids, n, g->rows);
    for (size_t j = 0; j < n; j++)
        if (g->rows[j] < 0)
            return spr_error_set(s->err, SPR_ERR_INTERNAL, "month %u: %s for resident %u, who is not in the population",
                                 s->month, what, ids[j]);
    return SPR_OK;
}

/* How many residents ahead a loop of the serial step over scattered rows asks for their entries
 * (spr_population_prefetch): enough that their misses of the cache overlap one another and the work of
 * those before (the processor keeps 16 or so misses in flight). */
enum { PREFETCH_AHEAD = 32 };

/* In a loop over the residents at rows[0..n), at j: asks for the entries of the resident PREFETCH_AHEAD
 * ahead (of the first PREFETCH_AHEAD too, at j = 0). */
static void prefetch_ahead(const spr_population *pop, const ptrdiff_t *rows, size_t j, size_t n)
{
    if (j == 0)
        for (size_t k = 0; k < PREFETCH_AHEAD && k < n; k++) spr_population_prefetch(pop, (size_t)rows[k]);
    if (j + PREFETCH_AHEAD < n) spr_population_prefetch(pop, (size_t)rows[j + PREFETCH_AHEAD]);
}

/* The row of resident id, which a request of this month's step says is `row` (checked: a request that
 * names another resident's row is an internal error, as a lookup that finds nobody is). */
static int resident_at(const month_step *s, uint32_t id, uint32_t row, const char *what, size_t *idx)
{
    if (row >= s->pop->n || s->pop->id[row] != id)
        return spr_error_set(s->err, SPR_ERR_INTERNAL, "month %u: %s for resident %u at row %u, which holds %s",
                             s->month, what, id, row, row < s->pop->n ? "another resident" : "nobody");
    *idx = row;
    return SPR_OK;
}

static void add_checks(spr_cognitive_checks *sum, const spr_cognitive_checks *c)
{
    sum->eligible += c->eligible;
    sum->checked += c->checked;
    sum->checked_dementia += c->checked_dementia;
    sum->flagged += c->flagged;
    sum->flagged_dementia += c->flagged_dementia;
    sum->referred += c->referred;
    sum->to_group += c->to_group;
}

/* 1. Places freed by leavers (who dropped out in the parallel step) and by
 * departures (deaths, moves) who took part; the month's counts by district. */
static void free_places_of_leavers(spr_programme *g, month_step *s)
{
    for (int k = 0; k < s->nthreads; k++)
        for (size_t r = 0; r < s->tl[k].n_delta && r < g->res.n; r++) {
            g->res.occupancy[r] += s->tl[k].occupancy_delta[r];
            g->res.prescribed[r] += s->tl[k].prescribed_delta[r];
        }
    for (int k = 0; k < s->nthreads; k++) {
        for (int d = 0; d < g->districts; d++) {
            s->pop65[d] += s->tl[k].pop65[d];
            s->part65[d] += s->tl[k].part65[d];
            s->risk65[d] += s->tl[k].risk65[d];
        }
        s->out->volunteers += (int32_t)s->tl[k].volunteers_total;
        s->out->placed_at_risk += (int32_t)s->tl[k].placed_at_risk;
        s->out->placed_dropouts += (int32_t)s->tl[k].placed_dropouts;
        add_checks(&s->out->checks, &s->tl[k].checks);
        s->referral_mass[0] += s->tl[k].referral_mass[0];
        s->referral_mass[1] += s->tl[k].referral_mass[1];
        for (size_t j = 0; j < s->tl[k].n_exits; j++) {
            const spr_programme_exit *e = &s->tl[k].exits[j];
            if (e->sp & SPR_SP_PARTICIPATING) {
                if (e->sp & SPR_SP_PRESCRIBED) g->res.prescribed[e->resource]--;
                else g->res.occupancy[e->resource]--;
            }
        }
    }
}

/* The whole weeks of a wait in days (the last class is 26 weeks and more). */
static int wait_week(double days)
{
    int week = (int)(days / 7.0);
    return week < SPR_WAIT_WEEKS - 1 ? week : SPR_WAIT_WEEKS - 1;
}

/* A referral of team qk whose wait ends unseen after queued_days in the queue: censored at the
 * time its first contact could have been at the earliest (queued_days plus the first-contact
 * delay, the scale of the waits seen). */
static void censor_wait(spr_programme *g, int qk, double queued_days, spr_programme_month *out)
{
    int week = wait_week(queued_days + g->p->lw_first_contact_days);
    out->censored_weeks[week]++;
    g->team_month[qk].censored_weeks[week]++;
}

/* 2. Departures leave their queue at the start of the month, all at once,
 * before its events. */
static int departures_leave_queues(spr_programme *g, month_step *s)
{
    for (int qk = 0; qk < g->n_queues; qk++) {
        size_t n = 0;
        for (int k = 0; k < s->nthreads; k++)
            for (size_t j = 0; j < s->tl[k].n_exits; j++) {
                const spr_programme_exit *e = &s->tl[k].exits[j];
                if (!(e->sp & (SPR_SP_WAITING | SPR_SP_CASE))) continue;
                size_t idx = 0;
                int rc = resident_at(s, e->id, e->row, "a departure from the queue", &idx);
                if (rc != SPR_OK) return rc;
                if (queue_of(g, s->pop->district[idx]) != qk) continue;
                if (grow((void **)&g->leavers, &g->cap_leavers, n + 1, sizeof *g->leavers) < 0)
                    return out_of_memory(s, "listing departures");
                g->leavers[n++] = e->id;
            }
        if (n == 0) continue;
        qsort(g->leavers, n, sizeof *g->leavers, cmp_id);
        size_t cap = g->cap_where;
        if (grow((void **)&g->where, &g->cap_where, n, 1) < 0) return out_of_memory(s, "in the queue");
        if (g->cap_where != cap || g->leaver_arrival == NULL) {
            double *a = realloc(g->leaver_arrival, g->cap_where * sizeof *a);
            if (a == NULL) return out_of_memory(s, "in the queue");
            g->leaver_arrival = a;
        }
        if (spr_queue_remove_batch(g->queues[qk], g->leavers, n, s->t0, &g->ev, g->where, g->leaver_arrival) < 0)
            return out_of_memory(s, "in the queue");
        for (size_t j = 0; j < n; j++)
            if (g->where[j]) {
                g->outcomes[g->where[j] == 1 ? SPR_OUT_WAITING : SPR_OUT_ACTIVE]--;
                g->outcomes[SPR_OUT_DIED]++;
                if (g->where[j] == 1) censor_wait(g, qk, s->t0 - g->leaver_arrival[j], s->out);
            }
    }
    return SPR_OK;
}

/* 3. New volunteers add places; enough of them in a district open a salon (loop 1). */
static int volunteers_add_places(spr_programme *g, month_step *s)
{
    const spr_params *p = g->p;
    for (int k = 0; k < s->nthreads; k++)
        for (size_t j = 0; j < s->tl[k].n_volunteers; j++) {
            uint32_t r = s->tl[k].volunteers[j].resource;
            g->res.capacity[r] += p->loop1_places_per_volunteer;
            int d = g->res.district[r];
            g->volunteer_pool[d] += 1;
            if (g->volunteer_pool[d] >= p->loop1_volunteers_per_group) {
                g->volunteer_pool[d] -= p->loop1_volunteers_per_group;
                if (open_group(g, SPR_RES_SALON, d, s->month, SPR_ORIGIN_VOLUNTEERS, s->out) < 0)
                    return out_of_memory(s, "opening a volunteers' salon");
            }
        }
    return SPR_OK;
}

/* 4. Referrals join the queue; the queue runs to the end of the month. */
static int referrals_join_queues(spr_programme *g, month_step *s)
{
    const spr_params *p = g->p;
    size_t n_ref = 0;
    for (int k = 0; k < s->nthreads; k++) n_ref += s->tl[k].n_referrals;
    if (grow((void **)&g->arrivals, &g->cap_arrivals, n_ref + 1, sizeof *g->arrivals) < 0)
        return out_of_memory(s, "for the referrals");
    for (int k = 0; k < s->nthreads; k++)
        for (size_t j = 0; j < s->tl[k].n_referrals; j++) {
            const spr_referral_request *rq = &s->tl[k].referrals[j];
            if (j == 0)
                for (size_t a = 0; a < PREFETCH_AHEAD && a < s->tl[k].n_referrals; a++)
                    spr_population_prefetch(s->pop, rq[a].row);
            if (j + PREFETCH_AHEAD < s->tl[k].n_referrals) spr_population_prefetch(s->pop, rq[PREFETCH_AHEAD].row);
            size_t idx = 0;
            int rc = resident_at(s, rq->id, rq->row, "a referral", &idx);
            if (rc != SPR_OK) return rc;
        }
    for (int qk = 0; qk < g->n_queues; qk++) {
        size_t n = 0;
        for (int k = 0; k < s->nthreads; k++)
            for (size_t j = 0; j < s->tl[k].n_referrals; j++) {
                const spr_referral_request *rq = &s->tl[k].referrals[j];
                const int d = s->pop->district[rq->row];
                if (queue_of(g, d) != qk) continue;
                g->arrivals[n++] = (spr_queue_client){rq->id, s->t0 + spr_rng_u01(rq->u_time) * SPR_MONTH_DAYS,
                                                      case_days(p, rq->u_service), rq->high_risk, rq->source};
                s->out->referrals[rq->source]++;
                s->out->referrals_high_risk += rq->high_risk;
                g->team_month[qk].referrals++;
                g->district_month[d].referrals++;
                g->referrals_total++;
                g->outcomes[SPR_OUT_WAITING]++;
            }
        if (spr_queue_advance(g->queues[qk], g->arrivals, n, s->t1, &g->ev) < 0) return out_of_memory(s, "in the queue");
    }
    return SPR_OK;
}

/* 5. First contacts: the case opens and the link worker looks for a place.
 * The clients are kept (sorted) for started_this_month. */
static int first_contacts(spr_programme *g, month_step *s)
{
    const spr_params *p = g->p;
    if (grow((void **)&g->started, &g->cap_started, g->ev.n_started + 1, sizeof *g->started) < 0)
        return out_of_memory(s, "listing first contacts");
    const size_t n = g->ev.n_started;
    for (size_t j = 0; j < n; j++) g->started[j] = g->ev.started[j].client;
    int rc = find_residents(g, s, g->started, n, "a case started");
    if (rc != SPR_OK) return rc;
    spr_population *pop = s->pop;
    for (size_t j = 0; j < n; j++) {
        const spr_queue_case *c = &g->ev.started[j];
        const size_t idx = (size_t)g->rows[j];
        prefetch_ahead(pop, g->rows, j, n);
        pop->sp[idx] = (uint8_t)((pop->sp[idx] & ~SPR_SP_WAITING) | SPR_SP_CASE);
        g->outcomes[SPR_OUT_WAITING]--;
        g->outcomes[SPR_OUT_ACTIVE]++;
        double wait = c->start_day - c->arrival_day;
        s->out->waited_share += wait > 0;
        wait += p->lw_first_contact_days;
        if (record_wait(g, wait) < 0) return out_of_memory(s, "recording waits");
        int day = (int)wait, week = wait_week(wait), d = pop->district[idx];
        s->wait_hist[day < SPR_WAIT_DAYS - 1 ? day : SPR_WAIT_DAYS - 1]++;
        s->out->wait_weeks[week]++;
        spr_team_month *tm = &g->team_month[queue_of(g, d)];
        tm->first_contacts++;
        tm->wait_weeks[week]++;
        g->district_month[d].first_contacts++;
        try_match(g, pop, idx, s->month, s->out);
    }
    qsort(g->started, n, sizeof *g->started, cmp_id);
    return SPR_OK;
}

/* Whether the case of this client started this month.  It then had its try
 * at first contact, and places have only been taken since: another try
 * would find none and count the same unmet wish again (a resident counts at
 * most once a month in the unmet demand). */
static int started_this_month(const spr_programme *g, uint32_t client)
{
    return bsearch(&client, g->started, g->ev.n_started, sizeof *g->started, cmp_id) != NULL;
}

/* 6. Cases that end: a last try (unless the case started this month), then
 * the case closes with its outcome. */
static int cases_that_end(spr_programme *g, month_step *s)
{
    const size_t n = g->ev.n_ended;
    if (grow((void **)&g->ended, &g->cap_ended, n + 1, sizeof *g->ended) < 0)
        return out_of_memory(s, "listing ended cases");
    for (size_t j = 0; j < n; j++) g->ended[j] = g->ev.ended[j].client;
    int rc = find_residents(g, s, g->ended, n, "a case ended");
    if (rc != SPR_OK) return rc;
    for (size_t j = 0; j < n; j++) {
        const size_t idx = (size_t)g->rows[j];
        prefetch_ahead(s->pop, g->rows, j, n);
        if (!started_this_month(g, g->ended[j])) try_match(g, s->pop, idx, s->month, s->out);
        close_case(g, s->pop, idx);
    }
    return SPR_OK;
}

/* 7. Open cases of earlier months placed nowhere yet: a new try at this month's session. */
static int retry_open_cases(spr_programme *g, month_step *s)
{
    for (int qk = 0; qk < g->n_queues; qk++) {
        id_list open = {NULL, 0, 0, 0};
        spr_queue_visit(g->queues[qk], collect_active, &open);
        int rc = open.oom ? out_of_memory(s, "listing open cases")
                          : find_residents(g, s, open.v, open.n, "an open case");
        for (size_t j = 0; j < open.n && rc == SPR_OK; j++) {
            prefetch_ahead(s->pop, g->rows, j, open.n);
            if (!started_this_month(g, open.v[j])) try_match(g, s->pop, (size_t)g->rows[j], s->month, s->out);
        }
        free(open.v);
        if (rc != SPR_OK) return rc;
    }
    return SPR_OK;
}

/* The n self-joiners in g->joins in the order cmp_join gives (their random words, ties by id), a
 * thousand a month at a million residents: by a stable radix sort of the words, 8 bits at a time, when
 * they come in increasing id (the threads' merged lists do), by qsort otherwise.  Returns 0, or -1 out
 * of memory. */
static int sort_joins(spr_programme *g, size_t n)
{
    int by_id = 1;
    for (size_t j = 1; j < n && by_id; j++) by_id = g->joins[j - 1].id < g->joins[j].id;
    if (!by_id) {
        qsort(g->joins, n, sizeof *g->joins, cmp_join);
        return 0;
    }
    if (grow((void **)&g->joins_sorting, &g->cap_joins_sorting, n + 1, sizeof *g->joins_sorting) < 0) return -1;
    spr_join_request *from = g->joins, *to = g->joins_sorting;
    for (int shift = 0; shift < 32; shift += 8) { /* four passes: the list ends where it began */
        size_t start[257] = {0};
        for (size_t j = 0; j < n; j++) start[((from[j].order >> shift) & 255u) + 1]++;
        for (int d = 0; d < 256; d++) start[d + 1] += start[d];
        for (size_t j = 0; j < n; j++) to[start[(from[j].order >> shift) & 255u]++] = from[j];
        spr_join_request *t = from;
        from = to;
        to = t;
    }
    return 0;
}

/* 8. Self-joiners take the places left, in random order. */
static int self_joiners(spr_programme *g, month_step *s)
{
    size_t n_join = 0;
    for (int k = 0; k < s->nthreads; k++) n_join += s->tl[k].n_joins;
    if (grow((void **)&g->joins, &g->cap_joins, n_join + 1, sizeof *g->joins) < 0)
        return out_of_memory(s, "for the self-joiners");
    n_join = 0;
    for (int k = 0; k < s->nthreads; k++)
        for (size_t j = 0; j < s->tl[k].n_joins; j++) g->joins[n_join++] = s->tl[k].joins[j];
    if (sort_joins(g, n_join) < 0) return out_of_memory(s, "sorting the self-joiners");
    spr_population *pop = s->pop;
    for (size_t j = 0; j < PREFETCH_AHEAD && j < n_join; j++) spr_population_prefetch(pop, g->joins[j].row);
    for (size_t j = 0; j < n_join; j++) {
        if (j + PREFETCH_AHEAD < n_join) spr_population_prefetch(pop, g->joins[j + PREFETCH_AHEAD].row);
        size_t idx = 0;
        int rc = resident_at(s, g->joins[j].id, g->joins[j].row, "a wish to join a group", &idx);
        if (rc != SPR_OK) return rc;
        if (pop->sp[idx] & (SPR_SP_PARTICIPATING | SPR_SP_WAITING | SPR_SP_CASE)) continue;
        int d = pop->district[idx], pref = preferred_type(g, pop->id[idx]);
        ptrdiff_t r = find_place(g, pref, spr_state_func(pop->state[idx]), d, g->self_joiners_look_near, PLACE_OPEN);
        if (r >= 0) {
            join_group(g, pop, idx, (size_t)r, 0, PLACE_OPEN);
            if (pop->age_months[idx] >= 65 * 12) s->part65[d]++; /* joined on its own: counts in every case */
        } else {
            note_unmet(g, d, pref, s->out);
        }
    }
    return SPR_OK;
}

/* 9. Groups close at random, most replaced by a new group of the same type
 * (new leaders); the budget opens new ones once a year. */
static int groups_close_and_open(spr_programme *g, month_step *s)
{
    for (size_t r = 0, n_res = g->res.n; r < n_res; r++) {
        if (!g->res.open[r]) continue;
        uint32_t w[4];
        spr_rng_block(g->key, (uint32_t)r, s->month, SPR_STREAM_RESOURCE, 0, w);
        if (w[0] >= g->thr_close) continue;
        close_group(g, r);
        if (w[1] < g->thr_replace && replace_group(g, r, (int)s->month) < 0) return out_of_memory(s, "replacing a group");
    }
    if (registered_groups_change(g, s->month, s->out) < 0) return out_of_memory(s, "opening the register's groups");
    if (s->month % 12 == 11 && g->p->pa_budget_yen_per_year > 0 && open_budget_groups(g, s->month, s->out) < 0)
        return out_of_memory(s, "opening the budget's groups");
    return SPR_OK;
}

/* 10. Next month's joining depends on this month's participation and supply. */
static void next_months_joining(spr_programme *g, const month_step *s)
{
    for (int d = 0; d < g->districts; d++)
        g->share65[d] = s->pop65[d] ? (double)s->part65[d] / (double)s->pop65[d] : 0;
    set_join_thresholds(g, s->pop65);
}

/* Targeting: the referral tilt's factor from this month's masses, and each December the districts'
 * risk scores and with them the outreach's share of each district. */
static void targeting_next_month(spr_programme *g, const month_step *s)
{
    const spr_params *p = g->p;
    if (p->targeting_referral_tilt > 0) set_tilt_other(g, s->referral_mass);
    if (p->targeting_outreach_share > 0 && s->month % 12 == 11) {
        set_risk_shares(g, s->pop65, s->risk65);
        set_awareness(g);
        set_referral_thresholds(g);
    }
}

/* 11. The month's record: queues, waits, costs and the accounting. */
static void record_the_month(spr_programme *g, uint32_t month, spr_programme_month *out)
{
    const spr_params *p = g->p;
    const double yen_per_fte_month = p->lw_salary_yen_per_year * (1.0 + p->lw_overhead_share) / 12.0;
    for (int qk = 0; qk < g->n_queues; qk++) {
        spr_team_month *tm = &g->team_month[qk];
        tm->waiting = (int32_t)spr_queue_waiting(g->queues[qk]);
        tm->active = (int32_t)spr_queue_active(g->queues[qk]);
        tm->places = 0;
        for (int s = 0; s < spr_queue_servers(g->queues[qk]); s++) tm->places += spr_queue_server_places(g->queues[qk], s);
        tm->cost_link_workers_yen = tm->fte * yen_per_fte_month;
        out->waiting += tm->waiting;
        out->active += tm->active;
        out->places += tm->places;
    }
    out->first_contacts = (int32_t)g->n_waits;
    if (g->n_waits > 0) {
        out->waited_share /= (double)g->n_waits;
        gsl_sort(g->waits, 1, g->n_waits);
        out->wait_mean_days = gsl_stats_mean(g->waits, 1, g->n_waits);
        out->wait_p90_days = gsl_stats_quantile_from_sorted_data(g->waits, 1, g->n_waits, 0.9);
    } else {
        out->wait_mean_days = out->wait_p90_days = NAN;
    }
    out->cost_link_workers_yen = spr_programme_fte(p) * p->lw_salary_yen_per_year * (1.0 + p->lw_overhead_share) / 12.0;
    for (size_t r = 0; r < g->res.n; r++) {
        /* a registered group costs its public cost while it meets; the others, per participant (a provider's
         * group, its subsidy; and its own cost, not public) */
        const int participants = g->res.occupancy[r] + g->res.prescribed[r];
        double c = g->res.record[r] >= 0                     ? (g->res.open[r] ? g->res.fixed_cost_yen_per_month[r] : 0.0)
                   : g->res.origin[r] == SPR_ORIGIN_PROVIDER ? participants * p->prov_public_cost_yen_per_participant_month
                                                             : participants * p->res_cost_yen_per_participant_month[g->res.type[r]];
        if (g->res.origin[r] == SPR_ORIGIN_PROVIDER)
            out->cost_providers_own_yen += participants * p->prov_own_cost_yen_per_participant_month;
        out->cost_resources_yen += c;
        out->cost_resources_by_provider_yen[g->res.provider[r]] += c;
        g->district_month[g->res.district[r]].cost_resources_yen += c;
    }
    out->cost_outreach_yen = p->pa_outreach_events_per_year * p->pa_outreach_cost_yen / 12.0;
    out->cost_cognitive_checks_yen = out->checks.checked * p->cc_cost_yen;
    out->cost_clinic_payments_yen = out->referrals[SPR_SRC_CLINIC] * p->inc_clinic_payment_yen;
    out->cost_settled_payments_yen =
        (double)(g->outcomes[SPR_OUT_SETTLED] - g->settled_before) * p->inc_settled_payment_yen;
    g->settled_before = g->outcomes[SPR_OUT_SETTLED];
    /* the training is paid over its months (all in the first month when it takes none) */
    const double training_months = fmax(1.0, ceil(p->pro_training_months));
    if (p->pro_training_yen_per_fte > 0 && month < training_months)
        out->cost_training_yen = spr_programme_fte(p) * p->pro_training_yen_per_fte / training_months;
    if (p->is_minutes_saved > 0) out->cost_interview_support_yen = spr_programme_fte(p) * p->is_licence_yen_per_fte_year / 12.0;
    memcpy(out->outcomes, g->outcomes, sizeof out->outcomes);
    out->referrals_total = g->referrals_total;
}

/* The threads' lists of requests, each in increasing row, merged into the first thread's (the others
 * emptied): the serial step reads them in row order, as one thread would have made them, however the
 * threads shared the rows.  Returns 0, or -1 out of memory. */
static int merge_requests(spr_programme *g, spr_programme_tally *tl, int nthreads)
{
    void **scratch = &g->merge_scratch;
    size_t *bytes = &g->merge_scratch_bytes;
    spr_programme_tally *t0 = &tl[0];
    for (int k = 1; k < nthreads; k++) {
        spr_programme_tally *t = &tl[k];
        if (spr_rows_merge((void **)&t0->referrals, &t0->n_referrals, &t0->cap_referrals, t->referrals, t->n_referrals,
                           sizeof *t->referrals, offsetof(spr_referral_request, row), scratch, bytes) < 0 ||
            spr_rows_merge((void **)&t0->joins, &t0->n_joins, &t0->cap_joins, t->joins, t->n_joins, sizeof *t->joins,
                           offsetof(spr_join_request, row), scratch, bytes) < 0 ||
            spr_rows_merge((void **)&t0->exits, &t0->n_exits, &t0->cap_exits, t->exits, t->n_exits, sizeof *t->exits,
                           offsetof(spr_programme_exit, row), scratch, bytes) < 0 ||
            spr_rows_merge((void **)&t0->volunteers, &t0->n_volunteers, &t0->cap_volunteers, t->volunteers,
                           t->n_volunteers, sizeof *t->volunteers, offsetof(spr_programme_volunteer, row), scratch,
                           bytes) < 0)
            return -1;
        t->n_referrals = t->n_joins = t->n_exits = t->n_volunteers = 0;
    }
    return 0;
}

int spr_programme_step(spr_programme *g, spr_population *pop, uint32_t month, spr_programme_tally *tl, int nthreads,
                       spr_programme_month *out, int wait_hist[SPR_WAIT_DAYS], spr_error *err)
{
    memset(out, 0, sizeof *out);
    for (int k = 0; k < nthreads; k++)
        if (tl[k].oom) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory in the programme step");
    if (merge_requests(g, tl, nthreads) < 0)
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory merging the threads' requests");
    spr_queue_events_clear(&g->ev);
    g->n_waits = 0;
    for (int k = 0; k < g->n_queues; k++) {
        double fte = g->team_month[k].fte;
        memset(&g->team_month[k], 0, sizeof g->team_month[k]);
        g->team_month[k].fte = fte;
    }
    memset(g->district_month, 0, sizeof *g->district_month * (size_t)g->districts);
    month_step s = {.pop = pop, .month = month, .t0 = month * SPR_MONTH_DAYS, .tl = tl, .nthreads = nthreads,
                    .out = out, .wait_hist = wait_hist, .err = err};
    s.t1 = s.t0 + SPR_MONTH_DAYS;
    free_places_of_leavers(g, &s);
    int rc = departures_leave_queues(g, &s);
    if (rc == SPR_OK) rc = volunteers_add_places(g, &s);
    if (rc == SPR_OK) {
        count_free_places(g);
        rc = referrals_join_queues(g, &s);
    }
    if (rc == SPR_OK) rc = first_contacts(g, &s);
    if (rc == SPR_OK) rc = cases_that_end(g, &s);
    if (rc == SPR_OK) rc = retry_open_cases(g, &s);
    if (rc == SPR_OK) rc = self_joiners(g, &s);
    if (rc == SPR_OK) rc = groups_close_and_open(g, &s);
    if (rc != SPR_OK) return rc;
    targeting_next_month(g, &s);
    next_months_joining(g, &s);
    record_the_month(g, month, out);
    return SPR_OK;
}

double spr_programme_month_cost(const spr_programme_month *pm)
{
    return pm->cost_link_workers_yen + pm->cost_resources_yen + pm->cost_outreach_yen + pm->cost_cognitive_checks_yen +
           pm->cost_clinic_payments_yen + pm->cost_settled_payments_yen + pm->cost_interview_support_yen +
           pm->cost_training_yen;
}

double spr_programme_awareness(const spr_programme *g, int d) { return g->awareness[d]; }

const spr_team_month *spr_programme_team_month(const spr_programme *g, int t) { return &g->team_month[t]; }
const spr_district_month *spr_programme_district_month(const spr_programme *g, int d) { return &g->district_month[d]; }

typedef struct {
    spr_programme *g;
    int qk;
    double t1;
    spr_programme_month *out;
} censor_ctx;

static void censor_still_waiting(void *ctx, const spr_queue_client *c)
{
    censor_ctx *cc = ctx;
    censor_wait(cc->g, cc->qk, cc->t1 - c->arrival_day, cc->out);
}

void spr_programme_censor_waiting(spr_programme *g, uint32_t month, spr_programme_month *out)
{
    censor_ctx cc = {g, 0, (month + 1) * SPR_MONTH_DAYS, out};
    for (cc.qk = 0; cc.qk < g->n_queues; cc.qk++) spr_queue_visit_waiting(g->queues[cc.qk], censor_still_waiting, &cc);
}

void spr_programme_supply(const spr_programme *g, int32_t *participants, double *places, int districts)
{
    memset(participants, 0, sizeof(int32_t) * SPR_RESOURCE_TYPES * (size_t)districts);
    memset(places, 0, sizeof(double) * SPR_RESOURCE_TYPES * (size_t)districts);
    for (size_t r = 0; r < g->res.n; r++) {
        size_t k = (size_t)g->res.type[r] * (size_t)districts + g->res.district[r];
        participants[k] += g->res.occupancy[r] + g->res.prescribed[r];
        if (g->res.open[r]) places[k] += floor(g->res.capacity[r]) + floor(g->p->res_prescribed_places);
    }
}

/* ---- invariants ---------------------------------------------------------- */

typedef struct {
    const spr_population *pop;
    const char *problem;
    uint32_t bad;
    size_t waiting, active;
} check_ctx;

static void check_client(void *ctx, uint32_t client, int waiting, int server)
{
    (void)server;
    check_ctx *c = ctx;
    ptrdiff_t i = spr_population_find(c->pop, client);
    if (c->problem) return;
    if (i < 0 || !(c->pop->flags[i] & SPR_FLAG_ALIVE)) {
        c->problem = "a resident who is gone holds a place in a queue or caseload";
        c->bad = client;
        return;
    }
    uint8_t want = waiting ? SPR_SP_WAITING : SPR_SP_CASE;
    if ((c->pop->sp[i] & (SPR_SP_WAITING | SPR_SP_CASE)) != want) {
        c->problem = "a client's status disagrees with the queue (waiting vs case)";
        c->bad = client;
    }
    if (waiting) c->waiting++;
    else c->active++;
}

int spr_programme_check(const spr_programme *g, const spr_population *pop, spr_error *err)
{
    for (int qk = 0; qk < g->n_queues; qk++)
        for (int s = 0; s < spr_queue_servers(g->queues[qk]); s++)
            if (spr_queue_server_active(g->queues[qk], s) > spr_queue_server_places(g->queues[qk], s))
                return spr_error_set(err, SPR_ERR_INTERNAL, "link worker %d of queue %d has %d cases, above the maximum %d", s,
                                     qk, spr_queue_server_active(g->queues[qk], s), spr_queue_server_places(g->queues[qk], s));
    int32_t *count = calloc(2 * g->res.n + 1, sizeof *count), *count_rx = count + g->res.n;
    if (count == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    size_t flagged_waiting = 0, flagged_case = 0;
    int rc = SPR_OK;
    for (size_t i = 0; i < pop->n && rc == SPR_OK; i++) {
        if (!(pop->flags[i] & SPR_FLAG_ALIVE)) continue;
        uint8_t sp = pop->sp[i];
        if ((sp & SPR_SP_WAITING) && (sp & SPR_SP_CASE))
            rc = spr_error_set(err, SPR_ERR_INTERNAL, "resident %u is both waiting and in a case", pop->id[i]);
        flagged_waiting += (sp & SPR_SP_WAITING) != 0;
        flagged_case += (sp & SPR_SP_CASE) != 0;
        if (sp & SPR_SP_PARTICIPATING) {
            if (pop->resource[i] >= g->res.n)
                rc = spr_error_set(err, SPR_ERR_INTERNAL, "resident %u takes part in no valid group", pop->id[i]);
            else if (sp & SPR_SP_PRESCRIBED)
                count_rx[pop->resource[i]]++;
            else
                count[pop->resource[i]]++;
        } else if (pop->resource[i] != SPR_NO_RESOURCE) {
            rc = spr_error_set(err, SPR_ERR_INTERNAL, "resident %u holds a group without taking part", pop->id[i]);
        }
    }
    for (size_t r = 0; r < g->res.n && rc == SPR_OK; r++) {
        if (count[r] != g->res.occupancy[r])
            rc = spr_error_set(err, SPR_ERR_INTERNAL, "group %zu counts %d participants but %d residents take part", r,
                               g->res.occupancy[r], count[r]);
        else if (g->res.occupancy[r] > (int32_t)floor(g->res.capacity[r]))
            rc = spr_error_set(err, SPR_ERR_INTERNAL, "group %zu has %d participants for %g places", r,
                               g->res.occupancy[r], floor(g->res.capacity[r]));
        else if (count_rx[r] != g->res.prescribed[r] ||
                 g->res.prescribed[r] > (int32_t)floor(g->p->res_prescribed_places))
            rc = spr_error_set(err, SPR_ERR_INTERNAL, "group %zu: %d in prescribed places (%d residents say so, %g places)",
                               r, g->res.prescribed[r], count_rx[r], floor(g->p->res_prescribed_places));
    }
    free(count);
    if (rc != SPR_OK) return rc;
    check_ctx c = {pop, NULL, 0, 0, 0};
    for (int qk = 0; qk < g->n_queues; qk++) spr_queue_visit(g->queues[qk], check_client, &c);
    if (c.problem) return spr_error_set(err, SPR_ERR_INTERNAL, "%s (resident %u)", c.problem, c.bad);
    if (c.waiting != flagged_waiting || c.active != flagged_case)
        return spr_error_set(err, SPR_ERR_INTERNAL, "queues hold %zu waiting and %zu cases; residents say %zu and %zu",
                             c.waiting, c.active, flagged_waiting, flagged_case);
    if ((int64_t)c.waiting != g->outcomes[SPR_OUT_WAITING] || (int64_t)c.active != g->outcomes[SPR_OUT_ACTIVE])
        return spr_error_set(err, SPR_ERR_INTERNAL, "the accounting has %lld waiting and %lld active, the queues %zu and %zu",
                             (long long)g->outcomes[SPR_OUT_WAITING], (long long)g->outcomes[SPR_OUT_ACTIVE], c.waiting, c.active);
    int64_t sum = 0;
    for (int k = 0; k < SPR_OUTCOMES; k++) sum += g->outcomes[k];
    if (sum != g->referrals_total)
        return spr_error_set(err, SPR_ERR_INTERNAL, "%lld referrals but %lld accounted for", (long long)g->referrals_total,
                             (long long)sum);
    return SPR_OK;
}
