#include "sprsim/report_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sprsim/economics.h"
#include "sprsim/equity.h"

/* ---- the dictionary ---------------------------------------------------------------- */

#define PCT_65 "% of the residents in `age` (65+)"

static const spr_csv_measure_info DICT[SPR_CSV_MEASURES] = {
    [SPR_CSV_PARAMETER_DRAWS] = {"parameter_draws", "draws",
                                 "parameter draws behind the scenario's replicates; 0: its intervals cover chance only "
                                 "(no replicate, no year)", 0},
    [SPR_CSV_CALIBRATION_DRAWS] = {"calibration_draws", "rows",
                                   "rows of the calibration_draws table the run drew from (no year; a second table "
                                   "is calibration_draws_1, and so on)", 0},
    [SPR_CSV_CALIBRATION_ROW] = {"calibration_row", "index",
                                 "the row of that table the replicate ran with, from 0 (no year; calibration_row_1 "
                                 "for a second table)", 0},
    [SPR_CSV_POPULATION] = {"population", "persons", "residents at the start of the year", 0},
    [SPR_CSV_LE] = {"le", "years", "life expectancy at the age in `age`, of the sex in `sex` (period life table "
                                   "of the year)", 1},
    [SPR_CSV_HLE] = {"hle", "years", "healthy life expectancy (years free of limitation in daily activities) at the "
                                     "age in `age`", 1},
    [SPR_CSV_IPE] = {"ipe", "years", "average period of independence (years without care level 2 or more) at the age "
                                     "in `age`", 1},
    [SPR_CSV_ISOLATED] = {"isolated", "%", "socially isolated, % of the residents in `age` (person-months)", 0},
    [SPR_CSV_ISOLATED_PERSON_YEARS] = {"isolated_person_years", "person-years", "person-years isolated, all ages", 0},
    [SPR_CSV_CARE_NEED] = {"care_need", "%", "with certified care need (support or care level), " PCT_65, 0},
    [SPR_CSV_TAKING_PART] = {"taking_part", "%", "taking part in a community group, " PCT_65, 0},
    [SPR_CSV_MEDICAL_COST] = {"medical_cost", "yen", "medical expenditure in the year, undiscounted", 0},
    [SPR_CSV_LTC_COST] = {"ltc_cost", "yen", "long-term-care spending in the year, undiscounted", 0},
    [SPR_CSV_PROGRAMME_COST] = {"programme_cost", "yen",
                                "the programme's public cost in the year (link workers, groups, outreach, levers)", 0},
    [SPR_CSV_QALYS] = {"qalys", "QALYs", "quality-adjusted life years lived in the year", 0},
    [SPR_CSV_REFERRALS] = {"referrals", "persons", "referrals to link workers in the year (of the district's residents, "
                                                   "or to the team, in their rows)", 0},
    [SPR_CSV_WAIT_MEAN] = {"wait_mean", "days", "mean wait from referral to first contact (only with link workers)", 0},
    [SPR_CSV_UTILISATION] = {"utilisation", "%", "link workers' caseload places in use (only with link workers)", 0},
    [SPR_CSV_MEDICAL_COST_DISCOUNTED] = {"medical_cost_discounted", "yen", "medical_cost discounted to the first year "
                                                                           "at the report's rate", 0},
    [SPR_CSV_MEDICAL_COST_DISCOUNTED_CUMULATIVE] = {"medical_cost_discounted_cumulative", "yen",
                                                    "medical_cost_discounted summed from the first year", 0},
    [SPR_CSV_LTC_COST_DISCOUNTED] = {"ltc_cost_discounted", "yen", "ltc_cost discounted", 0},
    [SPR_CSV_LTC_COST_DISCOUNTED_CUMULATIVE] = {"ltc_cost_discounted_cumulative", "yen",
                                                "ltc_cost_discounted summed from the first year", 0},
    [SPR_CSV_PROGRAMME_COST_DISCOUNTED] = {"programme_cost_discounted", "yen", "programme_cost discounted", 0},
    [SPR_CSV_PROGRAMME_COST_DISCOUNTED_CUMULATIVE] = {"programme_cost_discounted_cumulative", "yen",
                                                      "programme_cost_discounted summed from the first year", 0},
    [SPR_CSV_QALYS_DISCOUNTED] = {"qalys_discounted", "QALYs", "qalys discounted", 0},
    [SPR_CSV_QALYS_DISCOUNTED_CUMULATIVE] = {"qalys_discounted_cumulative", "QALYs",
                                             "qalys_discounted summed from the first year", 0},
    [SPR_CSV_RESIDENTS] = {"residents", "persons", "the district's residents in `age` (empty: all ages), mean of the "
                                                   "year's months", 0},
    [SPR_CSV_SHARE_OF_RESIDENTS] = {"share_of_residents", "%", "the district's residents in `age` among all its "
                                                               "residents (65+: the ageing rate)", 0},
    [SPR_CSV_FIRST_CONTACTS] = {"first_contacts", "persons", "first contacts with a link worker of the district's "
                                                             "residents in the year", 0},
    [SPR_CSV_COST_RESOURCES] = {"cost_resources", "yen", "public cost of the district's community groups in the "
                                                         "year", 0},
    [SPR_CSV_FTE] = {"fte", "full-time equivalents", "the team's link workers, mean of the year's months", 0},
    [SPR_CSV_COST_LINK_WORKERS] = {"cost_link_workers", "yen", "the team's link-worker cost in the year", 0},
    [SPR_CSV_WAITING] = {"waiting", "persons", "waiting for the team at the end of the year", 0},
    [SPR_CSV_DEATH_RATE] = {"death_rate", "per 1000 person-years", "deaths of the residents in `age` (65+) per 1,000 "
                                                                   "person-years", 0},
    [SPR_CSV_QALYS_PER_1000] = {"qalys_per_1000", "per 1000 residents at the start",
                                "QALYs lived by the group (65+) per 1,000 of its residents at the start of the "
                                "period", 0},
    [SPR_CSV_EFFECT_TAKING_PART] = {"effect_taking_part", "%", "policy minus reference in taking_part over the "
                                                               "projection, paired by replicate (percentage points)", 0},
    [SPR_CSV_EFFECT_ISOLATED] = {"effect_isolated", "%", "policy minus reference in isolated (percentage points)", 0},
    [SPR_CSV_EFFECT_CARE_NEED] = {"effect_care_need", "%", "policy minus reference in care_need (percentage points)",
                                  0},
    [SPR_CSV_EFFECT_DEATH_RATE] = {"effect_death_rate", "per 1000 person-years", "policy minus reference in "
                                                                                 "death_rate", 0},
    [SPR_CSV_EFFECT_QALYS_PER_1000] = {"effect_qalys_per_1000", "per 1000 residents at the start",
                                       "policy minus reference in qalys_per_1000", 0},
    [SPR_CSV_GAP_ALONE_TAKING_PART] = {"gap_alone_taking_part", "%", "effect_taking_part living alone minus living "
                                                                     "with others", 0},
    [SPR_CSV_GAP_ALONE_ISOLATED] = {"gap_alone_isolated", "%", "effect_isolated living alone minus living with others",
                                    0},
    [SPR_CSV_GAP_ALONE_CARE_NEED] = {"gap_alone_care_need", "%", "effect_care_need living alone minus living with "
                                                                 "others", 0},
    [SPR_CSV_GAP_ALONE_DEATH_RATE] = {"gap_alone_death_rate", "per 1000 person-years",
                                      "effect_death_rate living alone minus living with others", 0},
    [SPR_CSV_GAP_ALONE_QALYS_PER_1000] = {"gap_alone_qalys_per_1000", "per 1000 residents at the start",
                                          "effect_qalys_per_1000 living alone minus living with others", 0},
    [SPR_CSV_GAP_WOMEN_TAKING_PART] = {"gap_women_taking_part", "%", "effect_taking_part of women minus men", 0},
    [SPR_CSV_GAP_WOMEN_ISOLATED] = {"gap_women_isolated", "%", "effect_isolated of women minus men", 0},
    [SPR_CSV_GAP_WOMEN_CARE_NEED] = {"gap_women_care_need", "%", "effect_care_need of women minus men", 0},
    [SPR_CSV_GAP_WOMEN_DEATH_RATE] = {"gap_women_death_rate", "per 1000 person-years",
                                      "effect_death_rate of women minus men", 0},
    [SPR_CSV_GAP_WOMEN_QALYS_PER_1000] = {"gap_women_qalys_per_1000", "per 1000 residents at the start",
                                          "effect_qalys_per_1000 of women minus men", 0},
    [SPR_CSV_CONCENTRATION_TAKING_PART] = {"concentration_taking_part", "index",
                                           "concentration index of the taking-part gained across districts ranked "
                                           "by risk (below 0: where the risk is highest; docs/methods.md)", 0},
    [SPR_CSV_CONCENTRATION_ISOLATED] = {"concentration_isolated", "index", "the same of the isolation averted", 0},
    [SPR_CSV_CONCENTRATION_CARE_NEED] = {"concentration_care_need", "index", "the same of the care need averted", 0},
    [SPR_CSV_CONCENTRATION_DEATH_RATE] = {"concentration_death_rate", "index", "the same of the deaths averted", 0},
    [SPR_CSV_CONCENTRATION_QALYS_PER_1000] = {"concentration_qalys_per_1000", "index",
                                              "the same of the QALYs gained (not by district: absent)", 0},
    [SPR_CSV_INCREMENTAL_COST] = {"incremental_cost", "yen", "policy minus reference in medical, LTC and programme "
                                                             "cost over the projection, discounted, paired by "
                                                             "replicate", 0},
    [SPR_CSV_INCREMENTAL_QALYS] = {"incremental_qalys", "QALYs", "policy minus reference in QALYs over the "
                                                                 "projection, discounted", 0},
    [SPR_CSV_ICER] = {"icer", "yen/QALY", "incremental cost-effectiveness ratio: mean incremental_cost over mean "
                                          "incremental_qalys (inf or -inf with no QALY difference; absent with no "
                                          "difference at all)", 0},
    [SPR_CSV_NMB] = {"nmb", "yen", "net monetary benefit: willingness to pay per QALY times incremental_qalys minus "
                                   "incremental_cost", 0},
    [SPR_CSV_RETURN_ON_SPENDING] = {"return_on_spending", "yen/yen", "medical and LTC cost avoided per extra yen of "
                                                                     "programme (absent when not defined)", 0},
    [SPR_CSV_P_COST_EFFECTIVE] = {"p_cost_effective", "probability",
                                  "share of parameter draws whose mean net benefit is positive (only when "
                                  "parameters were drawn)", 0},
    [SPR_CSV_COST_BORNE] = {"cost_borne", "yen", "what the payer in `payer` bears in the year (the payers' rows sum "
                                                 "to medical, LTC and programme cost)", 0},
    [SPR_CSV_BUDGET_IMPACT] = {"budget_impact", "yen", "the payer's extra yen against the reference in the year, "
                                                       "undiscounted (not for a reference)", 0},
    [SPR_CSV_BUDGET_IMPACT_CUMULATIVE] = {"budget_impact_cumulative", "yen",
                                          "budget_impact summed from the first year; with `stat`: over the report's "
                                          "horizons (5 and 10 years, ending in `year`)", 0},
    [SPR_CSV_NET_POSITION_CUMULATIVE] = {"net_position_cumulative", "yen",
                                         "minus the municipality's budget_impact_cumulative: positive when it saves "
                                         "more than it spends (`payer` municipality)", 0},
    [SPR_CSV_RETURN_TO_PAYER] = {"return_to_payer", "yen/yen",
                                 "medical and LTC yen the payer no longer bears per extra yen it spends on the "
                                 "programme, over the horizon ending in `year` (absent when not defined)", 0},
};

const spr_csv_measure_info *spr_report_csv_dict(spr_csv_measure m) { return &DICT[m]; }

static const spr_csv_measure OF_MEASURE[SPR_MEASURE_REPORTED] = {
    [SPR_MEASURE_POPULATION] = SPR_CSV_POPULATION,
    [SPR_MEASURE_LE0_MALE] = SPR_CSV_LE, [SPR_MEASURE_LE0_FEMALE] = SPR_CSV_LE,
    [SPR_MEASURE_LE65_MALE] = SPR_CSV_LE, [SPR_MEASURE_LE65_FEMALE] = SPR_CSV_LE,
    [SPR_MEASURE_HLE0_MALE] = SPR_CSV_HLE, [SPR_MEASURE_HLE0_FEMALE] = SPR_CSV_HLE,
    [SPR_MEASURE_HLE65_MALE] = SPR_CSV_HLE, [SPR_MEASURE_HLE65_FEMALE] = SPR_CSV_HLE,
    [SPR_MEASURE_IPE0_MALE] = SPR_CSV_IPE, [SPR_MEASURE_IPE0_FEMALE] = SPR_CSV_IPE,
    [SPR_MEASURE_IPE65_MALE] = SPR_CSV_IPE, [SPR_MEASURE_IPE65_FEMALE] = SPR_CSV_IPE,
    [SPR_MEASURE_LE40_MALE] = SPR_CSV_LE, [SPR_MEASURE_LE40_FEMALE] = SPR_CSV_LE,
    [SPR_MEASURE_HLE40_MALE] = SPR_CSV_HLE, [SPR_MEASURE_HLE40_FEMALE] = SPR_CSV_HLE,
    [SPR_MEASURE_IPE40_MALE] = SPR_CSV_IPE, [SPR_MEASURE_IPE40_FEMALE] = SPR_CSV_IPE,
    [SPR_MEASURE_ISOLATED_65] = SPR_CSV_ISOLATED, [SPR_MEASURE_ISOLATED_PERSON_YEARS] = SPR_CSV_ISOLATED_PERSON_YEARS,
    [SPR_MEASURE_CARE_NEED_65] = SPR_CSV_CARE_NEED, [SPR_MEASURE_TAKING_PART_65] = SPR_CSV_TAKING_PART,
    [SPR_MEASURE_MEDICAL] = SPR_CSV_MEDICAL_COST, [SPR_MEASURE_LTC] = SPR_CSV_LTC_COST,
    [SPR_MEASURE_PROGRAMME] = SPR_CSV_PROGRAMME_COST, [SPR_MEASURE_QALY] = SPR_CSV_QALYS,
    [SPR_MEASURE_REFERRALS] = SPR_CSV_REFERRALS, [SPR_MEASURE_WAIT_MEAN] = SPR_CSV_WAIT_MEAN,
    [SPR_MEASURE_UTILISATION] = SPR_CSV_UTILISATION,
};

spr_csv_measure spr_report_csv_of_measure(spr_measure_id id) { return OF_MEASURE[id]; }

/* A district's or team's column: its measure, and the age its count or share is of (5-year bands). */
typedef struct {
    spr_csv_measure m;
    int band_lo; /* 0: all ages */
} unit_column;

static const unit_column DISTRICT_COLUMN[SPR_DISTRICT_COLUMNS] = {
    [SPR_DISTRICT_RESIDENTS] = {SPR_CSV_RESIDENTS, 0},
    [SPR_DISTRICT_RESIDENTS_65] = {SPR_CSV_RESIDENTS, SPR_BAND_65},
    [SPR_DISTRICT_SHARE_65] = {SPR_CSV_SHARE_OF_RESIDENTS, SPR_BAND_65},
    [SPR_DISTRICT_TAKING_PART_65] = {SPR_CSV_TAKING_PART, SPR_BAND_65},
    [SPR_DISTRICT_ISOLATED_65] = {SPR_CSV_ISOLATED, SPR_BAND_65},
    [SPR_DISTRICT_CERTIFIED_65] = {SPR_CSV_CARE_NEED, SPR_BAND_65},
    [SPR_DISTRICT_REFERRALS] = {SPR_CSV_REFERRALS, 0},
    [SPR_DISTRICT_FIRST_CONTACTS] = {SPR_CSV_FIRST_CONTACTS, 0},
    [SPR_DISTRICT_COST_RESOURCES] = {SPR_CSV_COST_RESOURCES, 0},
};
static const unit_column TEAM_COLUMN[SPR_TEAM_COLUMNS] = {
    [SPR_TEAM_FTE] = {SPR_CSV_FTE, 0},
    [SPR_TEAM_COST_LINK_WORKERS] = {SPR_CSV_COST_LINK_WORKERS, 0},
    [SPR_TEAM_REFERRALS] = {SPR_CSV_REFERRALS, 0},
    [SPR_TEAM_WAITING] = {SPR_CSV_WAITING, 0},
};

static const unit_column *unit_column_of(spr_report_unit kind, int c)
{
    return kind == SPR_REPORT_TEAM ? &TEAM_COLUMN[c] : &DISTRICT_COLUMN[c];
}

spr_csv_measure spr_report_csv_of_unit_column(spr_report_unit kind, int c) { return unit_column_of(kind, c)->m; }

/* Who benefits: each outcome's level, effect, gaps and concentration. */
static const spr_csv_measure EQUITY[SPR_EQUITY_OUTCOMES][5] = {
    [SPR_EQUITY_TAKING_PART] = {SPR_CSV_TAKING_PART, SPR_CSV_EFFECT_TAKING_PART, SPR_CSV_GAP_ALONE_TAKING_PART,
                                SPR_CSV_GAP_WOMEN_TAKING_PART, SPR_CSV_CONCENTRATION_TAKING_PART},
    [SPR_EQUITY_ISOLATED] = {SPR_CSV_ISOLATED, SPR_CSV_EFFECT_ISOLATED, SPR_CSV_GAP_ALONE_ISOLATED,
                             SPR_CSV_GAP_WOMEN_ISOLATED, SPR_CSV_CONCENTRATION_ISOLATED},
    [SPR_EQUITY_CARE_NEED] = {SPR_CSV_CARE_NEED, SPR_CSV_EFFECT_CARE_NEED, SPR_CSV_GAP_ALONE_CARE_NEED,
                              SPR_CSV_GAP_WOMEN_CARE_NEED, SPR_CSV_CONCENTRATION_CARE_NEED},
    [SPR_EQUITY_DEATHS] = {SPR_CSV_DEATH_RATE, SPR_CSV_EFFECT_DEATH_RATE, SPR_CSV_GAP_ALONE_DEATH_RATE,
                           SPR_CSV_GAP_WOMEN_DEATH_RATE, SPR_CSV_CONCENTRATION_DEATH_RATE},
    [SPR_EQUITY_QALYS] = {SPR_CSV_QALYS_PER_1000, SPR_CSV_EFFECT_QALYS_PER_1000, SPR_CSV_GAP_ALONE_QALYS_PER_1000,
                          SPR_CSV_GAP_WOMEN_QALYS_PER_1000, SPR_CSV_CONCENTRATION_QALYS_PER_1000},
};
enum { EQ_LEVEL, EQ_EFFECT, EQ_GAP_ALONE, EQ_GAP_WOMEN, EQ_CONCENTRATION };

spr_csv_measure spr_report_csv_of_equity(int outcome) { return EQUITY[outcome][EQ_LEVEL]; }

/* The columns, in order (draw only when parameters were drawn). */
typedef struct {
    const char *name, *meaning;
} column_info;

enum { COL_DRAW = 2, COLUMNS = 13 };
static const column_info COLUMN[COLUMNS] = {
    {"scenario", "the scenario's name"},
    {"replicate", "the replicate, from 0; empty in a row over all replicates (stat mean, lo, hi) or of the whole run"},
    {"draw", "the parameter draw the replicate ran with, from 0 (replicate / replicates_per_draw); the column is "
             "there only when some scenario drew its parameters (--overlay scenarios/uncertainty.yaml, "
             "calibration draws)"},
    {"year", "the calendar year (projection year from the start year); with `stat`, the last year of the horizon; "
             "empty for a value over the whole projection"},
    {"district", "the district; empty: the whole municipality"},
    {"team", "the link-worker team (a district's rows name its team too)"},
    {"payer", "who pays: patients, first_insured, second_insured, health_insurers, late_elders_support, "
              "late_elders_premiums, national, prefecture, municipality; empty otherwise"},
    {"sex", "female or male; empty: both"},
    {"age", "a 5-year band (75-79), an open band (100+, 65+), or for an expectancy (le, hle, ipe) the age it is "
            "taken at (0, 40, 65); empty: all ages"},
    {"household", "alone or with_others (at the start of each month; residents 65+ of who benefits); empty: both"},
    {"measure", "what the value is (the table below)"},
    {"stat", "empty: the value itself (of one replicate, or of the whole run); mean, lo, hi: the mean over the "
             "replicates and the 95% confidence interval of that mean (Student t)"},
    {"unit", "the value's unit"},
};

/* The abbreviations of measure names and units. */
static const column_info ABBREVIATION[] = {
    {"le", "life expectancy"},
    {"hle", "healthy life expectancy: expected years free of limitation in daily activities (健康寿命)"},
    {"ipe", "average period of independence: expected years without care level 2 or more (平均自立期間)"},
    {"ltc", "long-term care (介護保険)"},
    {"qaly, QALYs", "quality-adjusted life year(s): a year lived weighted by its utility (1 full health, 0 death)"},
    {"icer", "incremental cost-effectiveness ratio: extra cost per extra QALY"},
    {"nmb", "net monetary benefit: QALYs gained valued at the willingness to pay, minus extra cost"},
    {"p_cost_effective", "probability that the policy is cost-effective (positive net monetary benefit)"},
    {"fte, FTE", "full-time equivalent (link workers)"},
    {"65plus, 65+", "aged 65 and over"},
    {"lo, hi", "lower and upper bound of the 95% confidence interval of the mean"},
};

void spr_report_csv_dictionary_markdown(spr_text *t)
{
    spr_text_add(t, "| column | meaning |\n|---|---|\n");
    for (int c = 0; c < COLUMNS; c++) spr_text_add(t, "| `%s` | %s |\n", COLUMN[c].name, COLUMN[c].meaning);
    spr_text_add(t, "\n| measure | unit | meaning |\n|---|---|---|\n");
    for (int m = 0; m < SPR_CSV_MEASURES; m++)
        spr_text_add(t, "| `%s` | %s | %s |\n", DICT[m].name, DICT[m].unit, DICT[m].meaning);
    spr_text_add(t, "\n| abbreviation | meaning |\n|---|---|\n");
    for (size_t a = 0; a < sizeof ABBREVIATION / sizeof ABBREVIATION[0]; a++)
        spr_text_add(t, "| %s | %s |\n", ABBREVIATION[a].name, ABBREVIATION[a].meaning);
}

/* ---- the rows ------------------------------------------------------------------------- */

/* Where rows go, and the columns every row of a scenario shares. */
typedef struct {
    spr_text *t;
    int with_draw;        /* the file's draw column */
    const char *scenario;
    int k;                /* replicates per draw */
    int start_year;
} csv_out;

/* One row; ints < 0 and NULL strings are empty cells. */
typedef struct {
    int replicate, year; /* year: projection year from 0 */
    const char *district, *team, *payer, *age, *household, *stat;
    int sex; /* SPR_SEX_BOTH, SPR_MALE or SPR_FEMALE */
    spr_csv_measure m;
    const char *suffix; /* the calibration table's _j, else NULL */
} csv_row;

/* A row of measure m in replicate r and projection year y (-1: none), every other column empty. */
static csv_row row(spr_csv_measure m, int r, int y)
{
    csv_row w = {0};
    w.m = m, w.replicate = r, w.year = y, w.sex = SPR_SEX_BOTH;
    return w;
}

static const char *cell(const char *s) { return s != NULL ? s : ""; }

static void put(const csv_out *o, const csv_row *w, const char *value_fmt, double v)
{
    char dn[2 * SPR_LABEL_MAX + 3], tn[2 * SPR_LABEL_MAX + 3];
    spr_text *t = o->t;
    spr_text_add(t, "%s,", o->scenario);
    if (w->replicate >= 0) spr_text_add(t, "%d,", w->replicate);
    else spr_text_add(t, ",");
    if (o->with_draw) {
        if (w->replicate >= 0) spr_text_add(t, "%d,", w->replicate / o->k);
        else spr_text_add(t, ",");
    }
    if (w->year >= 0) spr_text_add(t, "%d,", o->start_year + w->year);
    else spr_text_add(t, ",");
    spr_text_add(t, "%s,%s,%s,%s,%s,%s,%s%s,%s,%s,", w->district ? spr_text_csv_cell(w->district, dn, sizeof dn) : "",
                 w->team ? spr_text_csv_cell(w->team, tn, sizeof tn) : "", cell(w->payer),
                 w->sex == SPR_MALE ? "male" : w->sex == SPR_FEMALE ? "female" : "", cell(w->age), cell(w->household),
                 DICT[w->m].name, cell(w->suffix), cell(w->stat), DICT[w->m].unit);
    spr_text_add(t, value_fmt, v);
    spr_text_add(t, "\n");
}

static void put_value(const csv_out *o, const csv_row *w, double v) { put(o, w, "%.10g", v); }

/* The mean, lo and hi rows of an interval (none when it is empty). */
static void put_interval(const csv_out *o, csv_row w, spr_interval iv)
{
    if (iv.n == 0 || isnan(iv.mean)) return;
    w.stat = "mean", put_value(o, &w, iv.mean);
    w.stat = "lo", put_value(o, &w, iv.lo);
    w.stat = "hi", put_value(o, &w, iv.hi);
}

/* The age cell of 5-year bands [lo, hi): "" for all ages, "40" for an expectancy, "65+", "75-79". */
static const char *age_cell(char *out, size_t size, int lo, int hi, int at_age)
{
    if (at_age) snprintf(out, size, "%d", 5 * lo);
    else if (lo == 0 && hi == SPR_AGE_BANDS) snprintf(out, size, "%s", "");
    else if (hi == SPR_AGE_BANDS) snprintf(out, size, "%d+", 5 * lo);
    else snprintf(out, size, "%d-%d", 5 * lo, 5 * hi - 1);
    return out;
}

/* What the intervals cover, as rows without a year: parameter_draws (0: chance only), and with
 * calibration draws their number and each replicate's row. */
static void add_coverage(const csv_out *o, const spr_scenario *sc, const spr_results *res)
{
    csv_row w = row(SPR_CSV_PARAMETER_DRAWS, -1, -1);
    put(o, &w, "%.0f", spr_report_parameter_draws(sc, res));
    /* the first table's measures keep their names; table j > 0's carry _j */
    const spr_calib_draws *cd = &sc->params.calib_draws;
    for (int j = 0; j < cd->n_tables; j++) {
        char suffix[16] = "";
        if (j > 0) snprintf(suffix, sizeof suffix, "_%d", j);
        w = row(SPR_CSV_CALIBRATION_DRAWS, -1, -1), w.suffix = suffix;
        put(o, &w, "%.0f", cd->table[j].n_rows);
        for (int r = 0; r < res->replicates; r++) {
            w = row(SPR_CSV_CALIBRATION_ROW, r, -1), w.suffix = suffix;
            put(o, &w, "%.0f", res->calib_row[(size_t)j * (size_t)res->replicates + (size_t)r]);
        }
    }
}

/* Every yearly measure of replicate r in year y, with its sex and age. */
static void add_measures(const csv_out *o, const spr_params *p, const spr_results *res, int r, int y)
{
    char age[16];
    for (int id = 0; id < SPR_MEASURE_REPORTED; id++) {
        const spr_measure *m = spr_measure_get(id);
        double v = spr_measure_at(id, p, res, r, spr_period_year(y));
        if (isnan(v)) continue;
        csv_row w = row(OF_MEASURE[id], r, y);
        w.sex = m->sex, w.age = age_cell(age, sizeof age, m->band_lo, m->band_hi, DICT[w.m].at_age);
        put_value(o, &w, v);
    }
}

/* Isolation by sex and 5-year age band from 40, where anyone lives. */
static void add_isolation_by_band(const csv_out *o, const spr_params *p, const spr_results *res, int r, int y)
{
    const spr_measure *iso = spr_measure_get(SPR_MEASURE_ISOLATED);
    char age[16];
    for (int s = 0; s < SPR_SEXES; s++)
        for (int b = SPR_BAND_40; b < SPR_AGE_BANDS; b++) {
            spr_selection sel = {spr_period_year(y), s, b, b + 1};
            spr_measure_sum acc = {0, 0};
            iso->add(iso, p, res, r, &sel, &acc);
            if (acc.den <= 0) continue;
            csv_row w = row(SPR_CSV_ISOLATED, r, y);
            w.sex = s, w.age = age_cell(age, sizeof age, b, b + 1, 0);
            put_value(o, &w, spr_measure_finish(iso, &acc));
        }
}

/* Replicate r's isolation by band, and its costs and QALYs discounted at the options' rate, per year
 * and cumulative. */
static void add_bands_and_discounted(const csv_out *o, const spr_params *p, const spr_results *res, int r, double rate)
{
    static const struct {
        spr_measure_id id;
        spr_csv_measure year, cumulative;
    } DISCOUNTED[4] = {
        {SPR_MEASURE_MEDICAL, SPR_CSV_MEDICAL_COST_DISCOUNTED, SPR_CSV_MEDICAL_COST_DISCOUNTED_CUMULATIVE},
        {SPR_MEASURE_LTC, SPR_CSV_LTC_COST_DISCOUNTED, SPR_CSV_LTC_COST_DISCOUNTED_CUMULATIVE},
        {SPR_MEASURE_PROGRAMME, SPR_CSV_PROGRAMME_COST_DISCOUNTED, SPR_CSV_PROGRAMME_COST_DISCOUNTED_CUMULATIVE},
        {SPR_MEASURE_QALY, SPR_CSV_QALYS_DISCOUNTED, SPR_CSV_QALYS_DISCOUNTED_CUMULATIVE},
    };
    double cum[4] = {0, 0, 0, 0};
    for (int y = 0; y < res->months / 12; y++) {
        add_isolation_by_band(o, p, res, r, y);
        double df = spr_econ_discount_factor(rate, y);
        for (int j = 0; j < 4; j++) {
            double v = spr_measure_at(DISCOUNTED[j].id, p, res, r, spr_period_year(y)) * df;
            cum[j] += v;
            csv_row w = row(DISCOUNTED[j].year, r, y);
            put_value(o, &w, v);
            w.m = DISCOUNTED[j].cumulative, put_value(o, &w, cum[j]);
        }
    }
}

/* Every district's and team's columns of replicate r in year y. */
static void add_districts(const csv_out *o, const spr_results *res, int r, int y)
{
    char age[16];
    for (int d = 0; d < res->districts; d++)
        for (int c = 0; c < SPR_DISTRICT_COLUMNS; c++) {
            double v = spr_report_district_value(res, r, d, y, c);
            if (isnan(v)) continue;
            const unit_column *u = &DISTRICT_COLUMN[c];
            csv_row w = row(u->m, r, y);
            w.district = res->district_name[d], w.team = res->team_name[res->district_team[d]];
            w.age = age_cell(age, sizeof age, u->band_lo, SPR_AGE_BANDS, 0);
            put_value(o, &w, v);
        }
    for (int tm = 0; tm < res->teams; tm++)
        for (int c = 0; c < SPR_TEAM_COLUMNS; c++) {
            double v = spr_report_team_value(res, r, tm, y, c);
            if (isnan(v)) continue;
            csv_row w = row(TEAM_COLUMN[c].m, r, y);
            w.team = res->team_name[tm];
            put_value(o, &w, v);
        }
}

/* Who pays: each payer's yen in every year and replicate, and for a scenario that is not a reference
 * its budget impact against the reference (undiscounted, paired by replicate), per year and
 * cumulative, with the municipality's cumulative net position. */
static void add_payers(const csv_out *o, const spr_scenario *sc, spr_results *const *res, int i, const spr_financing *f)
{
    const spr_params *p = &sc[i].params;
    int years = res[i]->months / 12;
    int ref = spr_report_reference_of(sc, i), paired = !spr_report_is_reference(sc, i);
    const spr_results *r0 = res[ref];
    const char *municipality = spr_payer_name(SPR_PAYER_MUNICIPALITY);
    for (int r = 0; r < res[i]->replicates; r++) {
        double cum[SPR_PAYERS] = {0};
        for (int y = 0; y < years; y++) {
            double out[SPR_PAYERS], out0[SPR_PAYERS];
            spr_financing_split(f, p, res[i], r, 12 * y, 12 * (y + 1), out);
            csv_row w = row(SPR_CSV_COST_BORNE, r, y);
            for (int q = 0; q < SPR_PAYERS; q++) w.payer = spr_payer_name((spr_payer)q), put_value(o, &w, out[q]);
            if (!paired || r >= r0->replicates || 12 * (y + 1) > r0->months) continue;
            spr_financing_split(f, &sc[ref].params, r0, r, 12 * y, 12 * (y + 1), out0);
            for (int q = 0; q < SPR_PAYERS; q++) {
                w.payer = spr_payer_name((spr_payer)q);
                cum[q] += out[q] - out0[q];
                w.m = SPR_CSV_BUDGET_IMPACT, put_value(o, &w, out[q] - out0[q]);
                w.m = SPR_CSV_BUDGET_IMPACT_CUMULATIVE, put_value(o, &w, cum[q]);
            }
            w.payer = municipality, w.m = SPR_CSV_NET_POSITION_CUMULATIVE, put_value(o, &w, -cum[SPR_PAYER_MUNICIPALITY]);
        }
    }
}

/* A policy's budget impact at each of the report's horizons (the text's and the page's table):
 * the interval of each payer's cumulative impact and return, and of the municipality's net
 * position, in the horizon's last year. */
static int add_budget_horizons(const csv_out *o, const spr_scenario *sc, spr_results *const *res, int i,
                               const spr_financing *f, spr_error *err)
{
    spr_budget_impact bi[SPR_REPORT_HORIZONS];
    int rc = spr_report_budget_impact(sc, res, i, f, bi, err);
    if (rc != SPR_OK) return rc;
    for (int h = 0; h < SPR_REPORT_HORIZONS; h++) {
        /* a projection shorter than a horizon cuts it: the same rows once */
        if (bi[h].years < 1 || (h > 0 && bi[h].years == bi[h - 1].years)) continue;
        const int y = bi[h].years - 1;
        for (int q = 0; q < SPR_PAYERS; q++) {
            csv_row w = row(SPR_CSV_BUDGET_IMPACT_CUMULATIVE, -1, y);
            w.payer = spr_payer_name((spr_payer)q);
            put_interval(o, w, bi[h].impact[q]);
            w.m = SPR_CSV_RETURN_TO_PAYER;
            if (bi[h].defined[q]) put_interval(o, w, bi[h].ret[q]);
        }
        csv_row w = row(SPR_CSV_NET_POSITION_CUMULATIVE, -1, y);
        w.payer = spr_payer_name(SPR_PAYER_MUNICIPALITY);
        put_interval(o, w, spr_report_net_position(&bi[h]));
    }
    return SPR_OK;
}

/* A policy's cost-effectiveness against its reference over the projection (the text's table). */
static int add_cost_effectiveness(const csv_out *o, const spr_scenario *sc, spr_results *const *res, int i,
                                  const spr_report_options *opt, spr_error *err)
{
    spr_ce_summary s;
    int rc = spr_report_ce_summary(sc, res, i, opt, &s, err);
    if (rc != SPR_OK) return rc;
    put_interval(o, row(SPR_CSV_INCREMENTAL_COST, -1, -1), s.d_cost);
    put_interval(o, row(SPR_CSV_INCREMENTAL_QALYS, -1, -1), s.d_qaly);
    csv_row w = row(SPR_CSV_ICER, -1, -1);
    if (!isnan(s.icer)) put_value(o, &w, s.icer);
    put_interval(o, row(SPR_CSV_NMB, -1, -1), s.nmb);
    put_interval(o, row(SPR_CSV_RETURN_ON_SPENDING, -1, -1), s.roi);
    w.m = SPR_CSV_P_COST_EFFECTIVE;
    if (s.n_draws > 0) put_value(o, &w, s.p_ce);
    return SPR_OK;
}

/* The sex and household of a fixed who-benefits group. */
static csv_row equity_group_row(int g, csv_row w)
{
    w.age = "65+";
    if (g == SPR_EQUITY_MEN) w.sex = SPR_MALE;
    if (g == SPR_EQUITY_WOMEN) w.sex = SPR_FEMALE;
    if (g == SPR_EQUITY_WITH_OTHERS) w.household = "with_others";
    if (g == SPR_EQUITY_ALONE) w.household = "alone";
    return w;
}

/* Who benefits: each fixed group's outcomes per replicate and year (the whole 65+'s taking part,
 * isolated and care need are the yearly measures already written, the same values: not twice),
 * each district's deaths 65+, and for a policy its comparison with the reference. */
static int add_equity(const csv_out *o, const spr_scenario *sc, spr_results *const *res, int i, spr_error *err)
{
    const spr_params *p = &sc[i].params;
    const spr_results *R = res[i];
    for (int r = 0; r < R->replicates; r++)
        for (int y = 0; y < R->months / 12; y++) {
            const spr_selection sel = {spr_period_year(y), SPR_SEX_BOTH, 0, 0};
            for (int g = 0; g < SPR_EQUITY_FIXED_GROUPS; g++)
                for (int oc = 0; oc < SPR_EQUITY_OUTCOMES; oc++) {
                    if (g == SPR_EQUITY_ALL && oc <= SPR_EQUITY_CARE_NEED) continue;
                    double v = spr_equity_value(p, R, r, g, oc, &sel);
                    if (isnan(v)) continue;
                    csv_row w = equity_group_row(g, row(EQUITY[oc][EQ_LEVEL], r, y));
                    put_value(o, &w, v);
                }
            /* the districts' other outcomes are the district table's columns */
            for (int d = 0; spr_results_by_district(R) && d < R->districts; d++) {
                double v = spr_equity_value(p, R, r, SPR_EQUITY_FIXED_GROUPS + d, SPR_EQUITY_DEATHS, &sel);
                if (isnan(v)) continue;
                csv_row w = row(SPR_CSV_DEATH_RATE, r, y);
                w.district = R->district_name[d], w.team = R->team_name[R->district_team[d]], w.age = "65+";
                put_value(o, &w, v);
            }
        }
    if (i == 0 || spr_report_is_reference(sc, i)) return SPR_OK;
    const int ref = spr_report_reference_of(sc, i);
    spr_equity e;
    int rc = spr_equity_compare(p, R, &sc[ref].params, res[ref], spr_period_projection(), &e, err);
    if (rc != SPR_OK) return rc;
    for (int oc = 0; oc < SPR_EQUITY_OUTCOMES; oc++) {
        for (int g = 0; g < e.groups; g++) {
            csv_row w = row(EQUITY[oc][EQ_EFFECT], -1, -1);
            w.age = "65+";
            if (g < SPR_EQUITY_FIXED_GROUPS) w = equity_group_row(g, w);
            else w.district = spr_equity_group_name(R, g);
            put_interval(o, w, e.effect[g * SPR_EQUITY_OUTCOMES + oc]);
        }
        csv_row w = row(EQUITY[oc][EQ_GAP_ALONE], -1, -1);
        w.age = "65+", put_interval(o, w, e.gap[SPR_EQUITY_GAP_ALONE][oc]);
        w.m = EQUITY[oc][EQ_GAP_WOMEN], put_interval(o, w, e.gap[SPR_EQUITY_GAP_WOMEN][oc]);
        w.m = EQUITY[oc][EQ_CONCENTRATION], put_interval(o, w, e.concentration[oc]);
    }
    spr_equity_free(&e);
    return SPR_OK;
}

static void add_header(spr_text *t, int with_draw)
{
    for (int c = 0; c < COLUMNS; c++)
        if (c != COL_DRAW || with_draw) spr_text_add(t, "%s,", COLUMN[c].name);
    spr_text_add(t, "value\n");
}

/* The rows of scenario i. */
static int add_scenario(const csv_out *o, const spr_scenario *sc, spr_results *const *res, int i,
                        const spr_report_options *opt, spr_error *err)
{
    const spr_params *p = &sc[i].params;
    const spr_results *R = res[i];
    const int years = R->months / 12, policy = i > 0 && !spr_report_is_reference(sc, i);
    add_coverage(o, &sc[i], R);
    for (int r = 0; r < R->replicates; r++)
        for (int y = 0; y < years; y++) add_measures(o, p, R, r, y);
    if (opt->financing != NULL) add_payers(o, sc, res, i, opt->financing);
    for (int r = 0; spr_results_by_district(R) && r < R->replicates; r++)
        for (int y = 0; y < years; y++) add_districts(o, R, r, y);
    int rc = add_equity(o, sc, res, i, err);
    for (int r = 0; rc == SPR_OK && r < R->replicates; r++) add_bands_and_discounted(o, p, R, r, opt->discount_rate);
    if (rc == SPR_OK && policy) rc = add_cost_effectiveness(o, sc, res, i, opt, err);
    if (rc == SPR_OK && policy && opt->financing != NULL) rc = add_budget_horizons(o, sc, res, i, opt->financing, err);
    return rc;
}

int spr_report_csv_write(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                         const spr_report_options *o, spr_error *err)
{
    spr_text t = {0};
    int with_draw = 0;
    for (int i = 0; i < n; i++) with_draw |= spr_report_parameter_draws(&sc[i], res[i]) > 0;
    add_header(&t, with_draw);
    for (int i = 0; i < n; i++) {
        const spr_params *p = &sc[i].params;
        const csv_out out = {&t, with_draw, p->name, p->replicates_per_draw > 0 ? p->replicates_per_draw : 1,
                             p->start_year};
        int rc = add_scenario(&out, sc, res, i, o, err);
        if (rc != SPR_OK) {
            spr_text_free(&t);
            return rc;
        }
    }
    return spr_text_write_file(path, &t, err);
}
