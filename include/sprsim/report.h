/* The scenario comparison: the cost-effectiveness of each scenario against
 * the first (the reference), paired by replicate, its uncertainty, and the
 * measures the report shows (by the documented methods, docs/methods.md).
 * Computations only; the terminal table, the tidy CSV and the HTML page
 * are report_text, report_csv and report_html. */
#ifndef SPRSIM_REPORT_H
#define SPRSIM_REPORT_H

#include "sprsim/error.h"
#include "sprsim/financing.h"
#include "sprsim/measures.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

typedef struct {
    double discount_rate; /* a year, costs and effects (default 0.02) */
    double wtp_yen;       /* willingness to pay per QALY (default 5,000,000) */
    const char *title;
    const char *source;   /* the results file, shown in the page */
    const spr_financing *financing; /* who pays (the shipped table or --financing FILE); NULL: not shown */
    const char *lang;     /* the page's labels: "en" (or NULL) or "ja" (spr_report_lang_valid) */
    const char *command_line; /* the run's command line (/meta/command_line): its overrides; NULL: not shown */
} spr_report_options;

/* Is lang a language the page has labels in ("en", "ja")? */
int spr_report_lang_valid(const char *lang);

/* Official 2022 life expectancy and healthy life expectancy at birth, men
 * and women (令和4年簡易生命表; MHLW expert committee on 健康日本21, 24 Dec 2024). */
extern const double SPR_OFFICIAL_LE0[SPR_SEXES], SPR_OFFICIAL_HLE0[SPR_SEXES];

/* A scenario's display name: its title, or its name when the title is empty or it is a point
 * of a sweep (whose points share their scenario's title). */
const char *spr_report_title(const spr_scenario *sc);

/* The interval over replicates of a measure (its own selection) in projection year y. */
int spr_report_interval(const spr_params *p, const spr_results *res, spr_measure_id id, int year, spr_interval *out,
                        spr_error *err);

/* Cost-effectiveness of a scenario against the reference in one replicate
 * (paired): discounted totals over the projection.  QALYs are weighted with
 * the utilities of p (the reference's). */
typedef struct {
    double d_cost_yen, d_qaly, d_medical_ltc_yen, d_programme_yen;
    double programme_yen; /* the scenario's own programme cost (what the return is material against) */
} spr_ce_draw;

void spr_report_ce(const spr_params *p, const spr_results *res, const spr_results *ref, int r, double rate,
                   spr_ce_draw *out);

/* The scenario that scenario i is compared with: the first scenario of the
 * run with the same effects.structure, so that a run of the same policies
 * under each structural alternative (scenarios/structures/) compares like
 * with like; the first scenario when none before i has its structure. */
int spr_report_reference_of(const spr_scenario *sc, int i);

/* Is scenario i a reference: the first, or the first with its effect
 * structure?  The report shows no cost-effectiveness for it. */
int spr_report_is_reference(const spr_scenario *sc, int i);

/* Scenario i against its reference (spr_report_reference_of), replicate by replicate: *n paired
 * replicates and their draws (allocated; the caller frees *out). */
int spr_report_ce_draws(const spr_scenario *sc, spr_results *const *res, int i, const spr_report_options *o,
                        spr_ce_draw **out, int *n, spr_error *err);

/* Share of the variance of x (one value per replicate) due to parameter
 * draws, from a one-way analysis of variance over draws of k replicates
 * each; NaN without at least two draws and k >= 2. */
double spr_report_parameter_share(const double *x, int replicates, int k);

/* The parameter draws behind a scenario's replicates (replicates /
 * replicates_per_draw), 0 when its parameters are fixed. */
int spr_report_parameter_draws(const spr_scenario *sc, const spr_results *res);

/* One sentence saying what the intervals cover: chance only, or parameters
 * and chance (with calibration draws: "including calibration uncertainty (N
 * joint draws from FILE)"), for the text, the CSV and the page alike. */
void spr_report_coverage(const spr_scenario *sc, spr_results *const *res, int n, char *out, size_t size);

/* Why a report shows no P(cost-effective) nor acceptability curve. */
#define SPR_REPORT_NO_PARAMETER_DRAWS "no parameter uncertainty drawn: run with --overlay scenarios/uncertainty.yaml"

/* The parameter draws behind P(cost-effective) of scenario i against the
 * reference, of *per_draw paired replicates each: 0 when either run drew no
 * parameters (its replicates differ by chance alone, and a share of them
 * would measure chance, not the decision's uncertainty) or the two nest
 * their replicates differently. */
int spr_report_ce_parameter_draws(const spr_scenario *sc, spr_results *const *res, int i, int *per_draw);

/* The cost-effectiveness of scenario i against the reference. */
typedef struct {
    spr_interval d_cost, d_qaly, nmb, roi; /* roi: medical and LTC cost avoided per yen of programme */
    double icer, p_ce, param_share_nmb;    /* P(cost-effective) at the options' wtp over the parameter
                                              draws (spr_econ_prob_cost_effective_draws); NaN without draws */
    int n;                                 /* paired replicates */
    int n_draws, per_draw;                 /* parameter draws behind p_ce (0: none) and their replicates */
} spr_ce_summary;

int spr_report_ce_summary(const spr_scenario *sc, spr_results *const *res, int i, const spr_report_options *o,
                          spr_ce_summary *out, spr_error *err);

/* The curves of a sweep against the swept value: pooled over replicates and
 * over the years from the second (the queue fills in the first). */
typedef enum {
    SPR_SWEEP_SEEN_IN_4_WEEKS, /* share of referrals first seen within 4 weeks */
    SPR_SWEEP_WAIT_MEAN,       /* days */
    SPR_SWEEP_PROGRAMME_COST,  /* yen a year */
    SPR_SWEEP_UTILISATION,     /* % of caseload places in use */
    SPR_SWEEP_CURVES
} spr_sweep_curve;

double spr_report_sweep_value(const spr_params *p, const spr_results *res, spr_sweep_curve c);

/* ---- effects against the reference (the page's summary and differences) ---------- */

typedef enum {
    SPR_EFFECT_ISOLATED_65,  /* % of residents 65+ isolated */
    SPR_EFFECT_CARE_NEED_65, /* % of residents 65+ with certified care need */
    SPR_EFFECT_DEATHS,       /* deaths */
    SPR_EFFECT_HEALTHY_PY,   /* person-years free of limitation: each year's residents at its start times the share not limited */
    SPR_EFFECT_HLE_MALE,     /* healthy life expectancy at birth, men (Sullivan over the years pooled) */
    SPR_EFFECT_HLE_FEMALE,
    SPR_EFFECT_COST,         /* yen, undiscounted: medical, long-term care and programme */
    SPR_EFFECT_ISOLATED_PY,  /* person-years of isolation, residents 65+ */
    SPR_EFFECTS
} spr_effect;

/* Replicate r's value of effect e over projection years [y0, y1): shares and
 * expectancies over the years pooled, counts and yen summed. */
double spr_report_effect_value(spr_effect e, const spr_params *p, const spr_results *res, int r, int y0, int y1);

/* Scenario i minus its reference (spr_report_reference_of), paired by
 * replicate, of effect e over projection years [y0, y1): the mean and 95%
 * interval over the paired replicates. */
int spr_report_effect_difference(const spr_scenario *sc, spr_results *const *res, int i, spr_effect e, int y0, int y1,
                                 spr_interval *out, spr_error *err);

/* ---- by district and by team ------------------------------------------------ */

/* The columns of the report's table by district, each a district's value
 * over one projection year: shares from the counts averaged over the
 * year's 12 months (residents at the start of each month), flows summed. */
typedef enum {
    SPR_DISTRICT_RESIDENTS,      /* all ages, month-averaged */
    SPR_DISTRICT_RESIDENTS_65,   /* 65+, month-averaged */
    SPR_DISTRICT_SHARE_65,       /* % of the residents */
    SPR_DISTRICT_TAKING_PART_65, /* % of the residents 65+ in a community group */
    SPR_DISTRICT_ISOLATED_65,    /* % of the residents 65+ */
    SPR_DISTRICT_CERTIFIED_65,   /* % of the residents 65+ with certified care need */
    SPR_DISTRICT_REFERRALS,      /* referrals of its residents in the year */
    SPR_DISTRICT_FIRST_CONTACTS, /* their first contacts in the year */
    SPR_DISTRICT_COST_RESOURCES, /* yen a year: public cost of its groups */
    SPR_DISTRICT_COLUMNS
} spr_district_column;

/* The columns of the small table by link-worker team, over one year. */
typedef enum {
    SPR_TEAM_FTE,                /* full-time equivalents, month-averaged */
    SPR_TEAM_COST_LINK_WORKERS,  /* yen a year */
    SPR_TEAM_REFERRALS,          /* in the year */
    SPR_TEAM_WAITING,            /* waiting at the end of the year */
    SPR_TEAM_COLUMNS
} spr_team_column;

typedef struct {
    const char *name;  /* the CSV's measure (stable) */
    const char *unit;
    const char *label; /* the tables' heading, in its display unit */
    double scale;      /* display unit per CSV unit (yen shown in millions) */
    int digits;        /* decimals in the tables */
} spr_report_column_info;

/* The tables' units: a district or a team. */
typedef enum { SPR_REPORT_DISTRICT, SPR_REPORT_TEAM } spr_report_unit;

const spr_report_column_info *spr_report_district_column(spr_district_column c);
const spr_report_column_info *spr_report_team_column(spr_team_column c);
/* Column c of a unit's table (a spr_district_column or a spr_team_column), and their number. */
const spr_report_column_info *spr_report_unit_column(spr_report_unit kind, int c);
int spr_report_unit_columns(spr_report_unit kind);

/* District d's (team t's) value of column c in replicate r over projection
 * year `year`; NaN for a share whose denominator is 0. */
double spr_report_district_value(const spr_results *res, int r, int d, int year, spr_district_column c);
double spr_report_team_value(const spr_results *res, int r, int t, int year, spr_team_column c);

/* The mean and 95% interval of the mean over the replicates of res of
 * district (team) u's column c. */
int spr_report_unit_interval(const spr_results *res, spr_report_unit kind, int u, int year, int c, spr_interval *out,
                             spr_error *err);

/* ---- who pays and who saves (issue 12) ------------------------------------------ */

/* The budget-impact horizons of the report, in projection years from the first. */
enum { SPR_REPORT_HORIZONS = 2 };
extern const int SPR_REPORT_HORIZON_YEARS[SPR_REPORT_HORIZONS]; /* 5 and 10 */

/* Why the report shows no payer table, and what the programme's costs do in the first years
 * (the text, the page and docs/output.md alike). */
#define SPR_REPORT_RETURN_UNDEFINED "not defined (spends no more, or under 1%% more, in some replicate)" /* a printf format: %% is one percent sign */
#define SPR_REPORT_NO_FINANCING "not shown (--financing none)"
#define SPR_REPORT_RAMP_NOTE                                                                                          \
    "No separate uptake ramp: the groups' and outreach costs grow as referrals build up in the model, but the link "  \
    "workers are costed at full staffing from the first month."

/* Scenario i against its reference, undiscounted, per payer over each horizon. */
int spr_report_budget_impact(const spr_scenario *sc, spr_results *const *res, int i, const spr_financing *f,
                             spr_budget_impact out[SPR_REPORT_HORIZONS], spr_error *err);

/* The municipality's net position (saved minus spent: minus its budget impact) over a horizon. */
spr_interval spr_report_net_position(const spr_budget_impact *bi);

#endif
