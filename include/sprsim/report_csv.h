/* The report as a tidy CSV, and its data dictionary.
 *
 * One row per value, columns
 *     scenario, replicate, [draw,] year, district, team, payer, sex, age, household, measure, stat, unit, value
 * (draw only when some scenario of the file drew its parameters).  A measure's name carries no sex,
 * age, household, payer or statistic: those are columns, so that a row is found by filtering and a
 * table is a pivot.  Every measure name the CSV can hold is an entry of one table (spr_report_csv_dict),
 * which also writes the dictionary of docs/output.md (spr_report_csv_dictionary_markdown; tests keep
 * the two equal and every written name in the table).
 *
 * Rows: every measure the report keeps for each replicate and year; isolation by sex and 5-year band
 * from 40; costs and QALYs discounted at the options' rate, per year and cumulative; with more than
 * one district each district's and team's yearly columns; who benefits (each group's outcomes per
 * replicate and year, and each policy's effects, gaps and concentration over the projection as
 * mean, lo and hi); each policy's cost-effectiveness against its reference; with financing, each
 * payer's yen, its budget impact per year and cumulative, and at each horizon of the report the
 * interval of the cumulative impact, of the municipality's net position and of each payer's return. */
#ifndef SPRSIM_REPORT_CSV_H
#define SPRSIM_REPORT_CSV_H

#include "sprsim/report.h"
#include "sprsim/text.h"

/* Every measure name of the CSV. */
typedef enum {
    /* coverage of the intervals (no year) */
    SPR_CSV_PARAMETER_DRAWS, SPR_CSV_CALIBRATION_DRAWS, SPR_CSV_CALIBRATION_ROW,
    /* the yearly measures (analysis/measures.c) */
    SPR_CSV_POPULATION, SPR_CSV_LE, SPR_CSV_HLE, SPR_CSV_IPE, SPR_CSV_ISOLATED, SPR_CSV_ISOLATED_PERSON_YEARS,
    SPR_CSV_CARE_NEED, SPR_CSV_TAKING_PART, SPR_CSV_MEDICAL_COST, SPR_CSV_LTC_COST, SPR_CSV_PROGRAMME_COST,
    SPR_CSV_QALYS, SPR_CSV_REFERRALS, SPR_CSV_WAIT_MEAN, SPR_CSV_UTILISATION,
    /* discounted at the report's rate */
    SPR_CSV_MEDICAL_COST_DISCOUNTED, SPR_CSV_MEDICAL_COST_DISCOUNTED_CUMULATIVE, SPR_CSV_LTC_COST_DISCOUNTED,
    SPR_CSV_LTC_COST_DISCOUNTED_CUMULATIVE, SPR_CSV_PROGRAMME_COST_DISCOUNTED,
    SPR_CSV_PROGRAMME_COST_DISCOUNTED_CUMULATIVE, SPR_CSV_QALYS_DISCOUNTED, SPR_CSV_QALYS_DISCOUNTED_CUMULATIVE,
    /* by district and team (report.c's columns) */
    SPR_CSV_RESIDENTS, SPR_CSV_SHARE_OF_RESIDENTS, SPR_CSV_FIRST_CONTACTS, SPR_CSV_COST_RESOURCES, SPR_CSV_FTE,
    SPR_CSV_COST_LINK_WORKERS, SPR_CSV_WAITING,
    /* who benefits (analysis/equity.c) */
    SPR_CSV_DEATH_RATE, SPR_CSV_QALYS_PER_1000, SPR_CSV_EFFECT_TAKING_PART, SPR_CSV_EFFECT_ISOLATED,
    SPR_CSV_EFFECT_CARE_NEED, SPR_CSV_EFFECT_DEATH_RATE, SPR_CSV_EFFECT_QALYS_PER_1000, SPR_CSV_GAP_ALONE_TAKING_PART,
    SPR_CSV_GAP_ALONE_ISOLATED, SPR_CSV_GAP_ALONE_CARE_NEED, SPR_CSV_GAP_ALONE_DEATH_RATE,
    SPR_CSV_GAP_ALONE_QALYS_PER_1000, SPR_CSV_GAP_WOMEN_TAKING_PART, SPR_CSV_GAP_WOMEN_ISOLATED,
    SPR_CSV_GAP_WOMEN_CARE_NEED, SPR_CSV_GAP_WOMEN_DEATH_RATE, SPR_CSV_GAP_WOMEN_QALYS_PER_1000,
    SPR_CSV_CONCENTRATION_TAKING_PART, SPR_CSV_CONCENTRATION_ISOLATED, SPR_CSV_CONCENTRATION_CARE_NEED,
    SPR_CSV_CONCENTRATION_DEATH_RATE, SPR_CSV_CONCENTRATION_QALYS_PER_1000,
    /* cost-effectiveness against the reference (report.c's spr_ce_summary) */
    SPR_CSV_INCREMENTAL_COST, SPR_CSV_INCREMENTAL_QALYS, SPR_CSV_ICER, SPR_CSV_NMB, SPR_CSV_RETURN_ON_SPENDING,
    SPR_CSV_P_COST_EFFECTIVE,
    /* who pays (analysis/financing.c) */
    SPR_CSV_COST_BORNE, SPR_CSV_BUDGET_IMPACT, SPR_CSV_BUDGET_IMPACT_CUMULATIVE, SPR_CSV_NET_POSITION_CUMULATIVE,
    SPR_CSV_RETURN_TO_PAYER,
    SPR_CSV_MEASURES
} spr_csv_measure;

typedef struct {
    const char *name;    /* the CSV's measure (stable) */
    const char *unit;
    const char *meaning; /* one sentence; what the sex, age, household and payer columns select */
    int at_age;          /* an expectancy: its age column is the age it is taken at ("40"), not a band */
} spr_csv_measure_info;

const spr_csv_measure_info *spr_report_csv_dict(spr_csv_measure m);

/* The CSV measure of yearly measure id (< SPR_MEASURE_REPORTED), of a district's or a team's
 * column, and of a who-benefits outcome (spr_equity_outcome). */
spr_csv_measure spr_report_csv_of_measure(spr_measure_id id);
spr_csv_measure spr_report_csv_of_unit_column(spr_report_unit kind, int c);
spr_csv_measure spr_report_csv_of_equity(int outcome);

/* The data dictionary in Markdown (the columns, every measure, the abbreviations): the text between
 * the markers of docs/output.md. */
void spr_report_csv_dictionary_markdown(spr_text *t);

int spr_report_csv_write(const char *path, const spr_scenario *sc, spr_results *const *res, int n,
                         const spr_report_options *o, spr_error *err);

#endif
