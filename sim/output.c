#include "sprsim/output.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <yaml.h>

#include "sprsim/h5image.h"
#include "sprsim/municipality.h"
#include "sprsim/version.h"

/* Every HDF5 call that can fail goes through CHECK: on failure the function
 * jumps to its cleanup with a message naming what it was doing. */
/* The layout's version: 2 since issue 12 (subgroup series, the levers' costs, payers), 3 since issue 13
 * (the scenario key title), 4 since issue 14 (the status attribute, /meta/ranks).  A file of another version is refused with the version and commit that
 * wrote it. */
#define FORMAT_VERSION 4
#define CHECK(expr, what)                                                                       \
    do {                                                                                        \
        if ((expr) < 0) {                                                                       \
            rc = spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot %s (writing %s)", what, path); \
            goto out;                                                                           \
        }                                                                                       \
    } while (0)

static herr_t attr_int64(hid_t obj, const char *name, long long v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t st = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_LLONG, &v);
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return st;
}

static herr_t dataset_string(hid_t loc, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    herr_t st = d < 0 ? -1 : H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value);
    if (d >= 0) H5Dclose(d);
    H5Sclose(space);
    H5Tclose(type);
    return st;
}

/* A dataset with units and a description; chunked, shuffled, deflated and
 * checksummed when chunk is given, contiguous otherwise (small coordinates). */
static hid_t dataset_nd(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, int rank, const hsize_t *dims,
                        const hsize_t *chunk, const void *data, const char *units, const char *description)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (chunk != NULL) {
        H5Pset_chunk(dcpl, rank, chunk);
        H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, 4);
        H5Pset_fletcher32(dcpl);
    }
    hid_t d = H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d >= 0 && (H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 ||
                   spr_h5image_attr_string(d, "units", units) < 0 ||
                   spr_h5image_attr_string(d, "description", description) < 0)) {
        H5Dclose(d);
        d = -1;
    }
    H5Pclose(dcpl);
    H5Sclose(space);
    return d;
}

static hid_t dataset_1d_plain(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, hsize_t n,
                              const void *data, const char *units, const char *description)
{
    return dataset_nd(loc, name, file_type, mem_type, 1, &n, NULL, data, units, description);
}

static int write_coords(hid_t file, const spr_results *res0, int start_year, int max_districts, const char *path,
                        spr_error *err)
{
    int rc = SPR_OK;
    hid_t g = -1, d = -1;
    int lower[SPR_AGE_BANDS], upper[SPR_AGE_BANDS];
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        lower[b] = 5 * b;
        upper[b] = b == SPR_AGE_BANDS - 1 ? 999 : 5 * b + 4;
    }
    int months = res0->months;
    int *month = malloc(sizeof(int) * (size_t)months);
    double *year = malloc(sizeof(double) * (size_t)months);
    int *district = malloc(sizeof(int) * (size_t)max_districts);
    if (!month || !year || !district) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int m = 0; m < months; m++) {
        month[m] = m;
        year[m] = start_year + m / 12.0;
    }
    for (int k = 0; k < max_districts; k++) district[k] = k;
    CHECK(g = H5Gcreate2(file, "coords", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /coords");
    CHECK(d = dataset_1d_plain(g, "age_band_lower", H5T_STD_I32LE, H5T_NATIVE_INT, SPR_AGE_BANDS, lower, "years",
                               "lowest age of each age band"), "write age_band_lower");
    CHECK(H5DSset_scale(d, "age_band"), "mark age_band scale");
    H5Dclose(d);
    CHECK(d = dataset_1d_plain(g, "age_band_upper", H5T_STD_I32LE, H5T_NATIVE_INT, SPR_AGE_BANDS, upper, "years",
                               "highest age of each age band (999: open)"), "write age_band_upper");
    H5Dclose(d);
    CHECK(d = dataset_1d_plain(g, "month", H5T_STD_I32LE, H5T_NATIVE_INT, (hsize_t)months, month, "months",
                               "months since the start of the projection"), "write month");
    CHECK(H5DSset_scale(d, "month"), "mark month scale");
    H5Dclose(d);
    CHECK(d = dataset_1d_plain(g, "year", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, (hsize_t)months, year, "calendar year",
                               "calendar time at the start of each month"), "write year");
    H5Dclose(d);
    int sex[SPR_SEXES] = {0, 1};
    CHECK(d = dataset_1d_plain(g, "sex", H5T_STD_I32LE, H5T_NATIVE_INT, SPR_SEXES, sex, "code", "0 = male, 1 = female"),
          "write sex");
    CHECK(H5DSset_scale(d, "sex"), "mark sex scale");
    H5Dclose(d);
    CHECK(d = dataset_1d_plain(g, "district", H5T_STD_I32LE, H5T_NATIVE_INT, (hsize_t)max_districts, district, "index",
                               "district number"), "write district");
    CHECK(H5DSset_scale(d, "district"), "mark district scale");
    H5Dclose(d);
    d = -1;
out:
    if (d >= 0) H5Dclose(d);
    if (g >= 0) H5Gclose(g);
    free(month);
    free(year);
    free(district);
    return rc;
}

/* Attaches a dimension scale and labels the dimension with its name. */
static herr_t attach(hid_t file, hid_t d, const char *scale, unsigned idx, const char *label)
{
    hid_t s = H5Dopen2(file, scale, H5P_DEFAULT);
    if (s < 0) return -1;
    herr_t st = H5DSattach_scale(d, s, idx);
    H5Dclose(s);
    return st < 0 ? st : H5DSset_label(d, idx, label);
}

static herr_t attach_monthly_scales(hid_t file, hid_t d, const char *replicate_scale)
{
    return (attach(file, d, replicate_scale, 0, "replicate") < 0 || attach(file, d, "/coords/month", 1, "month") < 0 ||
            attach(file, d, "/coords/sex", 2, "sex") < 0 || attach(file, d, "/coords/age_band_lower", 3, "age_band") < 0)
               ? -1
               : 0;
}

static int write_parameters(hid_t grp, const spr_params *p, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t g = -1, d = -1;
    CHECK(g = H5Gcreate2(grp, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create parameters group");
    size_t n;
    const spr_param_def *t = spr_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        const char *base = (const char *)p + t[i].offset;
        if (t[i].type == SPR_PT_STRING) {
            CHECK(dataset_string(g, t[i].key, base), "write a string parameter");
            continue;
        }
        double v[SPR_LIFE_AGES];
        for (int k = 0; k < t[i].count; k++)
            v[k] = t[i].type == SPR_PT_DOUBLE  ? ((const double *)base)[k]
                   : t[i].type == SPR_PT_INT64 ? (double)((const int64_t *)base)[k]
                                               : (double)((const int *)base)[k];
        CHECK(d = dataset_1d_plain(g, t[i].key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, (hsize_t)t[i].count, v, t[i].unit,
                                   t[i].description), "write a parameter");
        H5Dclose(d);
        d = -1;
    }
out:
    if (d >= 0) H5Dclose(d);
    if (g >= 0) H5Gclose(g);
    return rc;
}

/* ---- the programme's monthly series: one table drives writing and reading -- */

typedef enum { COL_I32, COL_I64, COL_F64 } column_type;

/* One [replicate, month] (or [replicate, month, category]) series: a field
 * of a month record (spr_programme_month; per team spr_team_month, per
 * district spr_district_record, with an entity dimension after the month)
 * of count elements of one type.  A new output is one line here. */
typedef struct {
    const char *name, *units, *description;
    size_t offset, size; /* of the field in the record (size: checked against type and count) */
    column_type type;
    int count;
} programme_series;

#define FIELD(T, name, units, description, field, type, count)                                       \
    {name, units, description, offsetof(T, field), sizeof(((T *)0)->field), type, count}
#define SERIES(name, units, description, field, type, count) FIELD(spr_programme_month, name, units, description, field, type, count)

static const programme_series PROGRAMME_SERIES[] = {
    SERIES("referrals", "persons", "referrals made during the month, by source", referrals, COL_I32,
           SPR_REFERRAL_SOURCES),
    SERIES("referrals_high_risk", "persons",
           "referrals of the high-risk group (isolated and limited or certified, or with dementia) during the month",
           referrals_high_risk, COL_I32, 1),
    SERIES("queue_waiting", "persons", "referred residents waiting for a link worker at the end of the month", waiting,
           COL_I32, 1),
    SERIES("caseload", "persons", "open cases at the end of the month", active, COL_I32, 1),
    SERIES("caseload_places", "persons", "link workers' maximum caseload", places, COL_I32, 1),
    SERIES("first_contacts", "persons", "cases that started (first contact) during the month", first_contacts, COL_I32,
           1),
    SERIES("wait_mean", "days", "mean wait from referral to first contact, cases started this month", wait_mean_days,
           COL_F64, 1),
    SERIES("wait_p90", "days", "90th percentile of that wait", wait_p90_days, COL_F64, 1),
    SERIES("waited_share", "share", "share of cases started this month that had to queue", waited_share, COL_F64, 1),
    SERIES("volunteers", "persons", "participants volunteering in their group", volunteers, COL_I32, 1),
    SERIES("cost_link_workers", "yen", "link workers' salaries and overhead over the month", cost_link_workers_yen,
           COL_F64, 1),
    SERIES("cost_resources", "yen", "public cost of the groups: participants and new groups", cost_resources_yen,
           COL_F64, 1),
    SERIES("cost_outreach", "yen", "outreach events over the month", cost_outreach_yen, COL_F64, 1),
    SERIES("cost_cognitive_checks", "yen", "cognitive checks over the month (checks x cognitive_check.cost_yen)",
           cost_cognitive_checks_yen, COL_F64, 1),
    SERIES("cost_clinic_payments", "yen",
           "incentive payments to clinics over the month: clinic referrals x incentives.clinic_payment_yen",
           cost_clinic_payments_yen, COL_F64, 1),
    SERIES("cost_settled_payments", "yen",
           "incentive payments for clients settled during the month x incentives.settled_payment_yen",
           cost_settled_payments_yen, COL_F64, 1),
    SERIES("cost_interview_support", "yen", "the interview-support tool's licence over the month",
           cost_interview_support_yen, COL_F64, 1),
    SERIES("cost_training", "yen", "link workers' training (professionalisation) over the month", cost_training_yen,
           COL_F64, 1),
    SERIES("cost_resources_by_provider", "yen",
           "cost_resources by who runs the group (municipality, council, residents, company, npo; new groups the "
           "budget opens: municipality)",
           cost_resources_by_provider_yen, COL_F64, SPR_PROVIDERS),
    SERIES("placed_at_risk", "persons",
           "participants placed by link workers whose group was open this month (at risk of dropping out)",
           placed_at_risk, COL_I32, 1),
    SERIES("placed_dropouts", "persons", "of placed_at_risk, those who dropped out this month", placed_dropouts,
           COL_I32, 1),
    SERIES("cost_providers_own", "yen",
           "the own cost of groups companies and NPOs opened (providers.*): not public spending",
           cost_providers_own_yen, COL_F64, 1),
    SERIES("cognitive_checks", "persons",
           "the cognitive check's month: offered (old enough), checked, checked with dementia, flagged, flagged with "
           "dementia, referred to a link worker (also counted in referrals' check-up source), asked to join a group",
           checks, COL_I32, 7),
    SERIES("outcomes", "persons", "referrals by where they are at the end of the month (cumulative)", outcomes, COL_I64,
           SPR_OUTCOMES),
    SERIES("referrals_total", "persons", "referrals since the start", referrals_total, COL_I64, 1),
    SERIES("groups_opened", "groups", "groups opened during the month (budget and volunteers)", groups_opened, COL_I32,
           1),
    SERIES("wait_weeks", "cases", "first contacts during the month by whole weeks waited (0..25, 26+)", wait_weeks,
           COL_I32, SPR_WAIT_WEEKS),
    SERIES("censored_weeks", "cases",
           "waits censored during the month by whole weeks waited (0..25, 26+): referrals who died or moved away "
           "unseen, and in the last month those still waiting",
           censored_weeks, COL_I32, SPR_WAIT_WEEKS),
};

/* Each link-worker team's month, [replicate, month, team(, week)]. */
#define TSERIES(name, units, description, field, type, count) FIELD(spr_team_month, name, units, description, field, type, count)
static const programme_series TEAM_SERIES[] = {
    TSERIES("referrals", "persons", "referrals to the team during the month", referrals, COL_I32, 1),
    TSERIES("first_contacts", "persons", "the team's first contacts during the month", first_contacts, COL_I32, 1),
    TSERIES("queue_waiting", "persons", "waiting for the team at the end of the month", waiting, COL_I32, 1),
    TSERIES("caseload", "persons", "the team's open cases at the end of the month", active, COL_I32, 1),
    TSERIES("caseload_places", "persons", "the team's maximum caseload", places, COL_I32, 1),
    TSERIES("wait_weeks", "cases", "the team's first contacts by whole weeks waited (0..25, 26+)", wait_weeks, COL_I32,
            SPR_WAIT_WEEKS),
    TSERIES("censored_weeks", "cases", "the team's censored waits by whole weeks waited (0..25, 26+)", censored_weeks,
            COL_I32, SPR_WAIT_WEEKS),
    TSERIES("fte", "full-time equivalents", "the team's link workers", fte, COL_F64, 1),
    TSERIES("cost_link_workers", "yen", "the team's salaries and overhead over the month", cost_link_workers_yen,
            COL_F64, 1),
};

/* Each district's month, [replicate, month, district]. */
#define DSERIES(name, units, description, field, type) FIELD(spr_district_record, name, units, description, field, type, 1)
static const programme_series DISTRICT_SERIES[] = {
    DSERIES("population_65", "persons", "residents 65+ at the start of the month", population_65, COL_I32),
    DSERIES("taking_part_65", "persons", "residents 65+ in a community group", taking_part_65, COL_I32),
    DSERIES("isolated_65", "persons", "residents 65+ socially isolated", isolated_65, COL_I32),
    DSERIES("certified_65", "persons", "residents 65+ with certified care need", certified_65, COL_I32),
    DSERIES("deaths_65", "persons", "deaths during the month of residents 65+ at its start", deaths_65, COL_I32),
    DSERIES("referrals", "persons", "referrals of the district's residents during the month", referrals, COL_I32),
    DSERIES("first_contacts", "persons", "first contacts of the district's residents", first_contacts, COL_I32),
    DSERIES("cost_resources", "yen", "public cost of the district's groups over the month", cost_resources_yen, COL_F64),
};

/* Residents 65+ by sex and household, [replicate, month, subgroup(, functional state)]. */
#define GSERIES(name, units, description, field, count) FIELD(spr_subgroup_record, name, units, description, field, COL_I32, count)
static const programme_series SUBGROUP_SERIES[] = {
    GSERIES("population_65", "persons", "residents 65+ at the start of the month", population_65, 1),
    GSERIES("taking_part_65", "persons", "residents 65+ in a community group", taking_part_65, 1),
    GSERIES("isolated_65", "persons", "residents 65+ socially isolated", isolated_65, 1),
    GSERIES("certified_65", "persons", "residents 65+ with certified care need", certified_65, 1),
    GSERIES("dementia_65", "persons", "residents 65+ with dementia", dementia_65, 1),
    GSERIES("deaths_65", "persons", "deaths during the month of residents 65+ at its start", deaths_65, 1),
    GSERIES("function_65", "persons",
            "residents 65+ by functional state (independent, limited, support, care 1-2, care 3-5): person-months "
            "for QALYs",
            function_65, SPR_FUNC_STATES),
};
#define N_SUBGROUP_SERIES (sizeof SUBGROUP_SERIES / sizeof SUBGROUP_SERIES[0])
/* The subgroups in the order of spr_subgroup_of(sex, alone). */
static char SUBGROUP_NAMES[SPR_SUBGROUPS][SPR_LABEL_MAX] = {"men, living with others", "men, living alone",
                                                           "women, living with others", "women, living alone"};

/* Where the records of one table of series are: the array, its record size and entities per month. */
typedef struct {
    void *records;
    size_t stride;
    int entities; /* 0: one record per month (no entity dimension) */
} series_records;
#define N_PROGRAMME_SERIES (sizeof PROGRAMME_SERIES / sizeof PROGRAMME_SERIES[0])

static size_t column_bytes(column_type t) { return t == COL_I32 ? 4 : 8; }
static hid_t column_file_type(column_type t)
{
    return t == COL_I32 ? H5T_STD_I32LE : t == COL_I64 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
}
static hid_t column_memory_type(column_type t)
{
    return t == COL_I32 ? H5T_NATIVE_INT32 : t == COL_I64 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
}

/* The bytes of one month record's field (count elements), or 0 when the
 * table disagrees with the struct (a wrong type or count in a SERIES line). */
static size_t series_bytes(const programme_series *s)
{
    size_t n = column_bytes(s->type) * (size_t)s->count;
    return n == s->size ? n : 0;
}

/* The shape of one series: replicate, month, [entity,] [category]. */
static int series_shape(const spr_results *res, const series_records *sr, const programme_series *s, hsize_t dims[4],
                        hsize_t chunk[4])
{
    int rank = 0;
    dims[rank] = (hsize_t)res->replicates, chunk[rank++] = 1;
    dims[rank] = (hsize_t)res->months, chunk[rank] = dims[rank], rank++;
    if (sr->entities > 0) dims[rank] = (hsize_t)sr->entities, chunk[rank] = dims[rank], rank++;
    if (s->count > 1) dims[rank] = (hsize_t)s->count, chunk[rank] = dims[rank], rank++;
    return rank;
}

static size_t series_records_count(const spr_results *res, const series_records *sr)
{
    return (size_t)res->replicates * (size_t)res->months * (size_t)(sr->entities > 0 ? sr->entities : 1);
}

/* Gathers one series from the month records and writes it. */
static herr_t write_series(hid_t g, const spr_results *res, const series_records *sr, const programme_series *s)
{
    size_t n = series_records_count(res, sr), bytes = series_bytes(s);
    char *buf = bytes ? malloc(n * bytes) : NULL;
    if (buf == NULL) return -1;
    for (size_t k = 0; k < n; k++) memcpy(buf + k * bytes, (const char *)sr->records + k * sr->stride + s->offset, bytes);
    hsize_t dims[4], chunk[4];
    int rank = series_shape(res, sr, s, dims, chunk);
    hid_t d = dataset_nd(g, s->name, column_file_type(s->type), column_memory_type(s->type), rank, dims, chunk, buf,
                         s->units, s->description);
    free(buf);
    if (d < 0) return -1;
    H5Dclose(d);
    return 0;
}

static herr_t write_series_table(hid_t g, const spr_results *res, const series_records *sr, const programme_series *t,
                                 size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (write_series(g, res, sr, &t[k]) < 0) return -1;
    return 0;
}

/* "exercise, hobby, salon, volunteering, culture" */
static void resource_type_names(char *out, size_t outsz)
{
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < SPR_RESOURCE_TYPES && used < outsz; k++)
        used += (size_t)snprintf(out + used, outsz - used, "%s%s", k ? ", " : "",
                                 spr_resource_type_name((spr_resource_type)k));
}

static int write_programme(hid_t grp, const spr_results *res, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t pg = -1, d = -1;
    CHECK(pg = H5Gcreate2(grp, "programme", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the programme group");
    CHECK(spr_h5image_attr_string(pg, "dimensions", "replicate, month[, category]"), "write dimensions");
    CHECK(spr_h5image_attr_string(pg, "referral_sources", "check-up, clinic, public-health nurse, self"), "write sources");
    CHECK(spr_h5image_attr_string(pg, "outcomes", "waiting, active, settled, declined, unplaced, dropped, died or moved"),
          "write outcomes");
    char types[128];
    resource_type_names(types, sizeof types);
    CHECK(spr_h5image_attr_string(pg, "resource_types", types), "write types");
    series_records months = {res->programme, sizeof *res->programme, 0};
    CHECK(write_series_table(pg, res, &months, PROGRAMME_SERIES, N_PROGRAMME_SERIES), "write a programme series");
    const hsize_t dims[4] = {(hsize_t)res->replicates, (hsize_t)res->months, SPR_RESOURCE_TYPES, (hsize_t)res->districts};
    const hsize_t chunk[4] = {1, (hsize_t)res->months, SPR_RESOURCE_TYPES, (hsize_t)res->districts};
    CHECK(d = dataset_nd(pg, "participants", H5T_STD_I32LE, H5T_NATIVE_INT32, 4, dims, chunk, res->group_participants,
                         "persons", "participants by resource type and district at the end of the month"),
          "write participants");
    H5Dclose(d);
    CHECK(d = dataset_nd(pg, "places", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 4, dims, chunk, res->group_places, "places",
                         "places in open groups by resource type and district at the end of the month"),
          "write places");
    H5Dclose(d);
    const hsize_t hdims[2] = {(hsize_t)res->replicates, SPR_WAIT_DAYS};
    CHECK(d = dataset_nd(pg, "wait_histogram", H5T_STD_I32LE, H5T_NATIVE_INT32, 2, hdims, hdims, res->wait_histogram,
                         "cases", "waits from referral to first contact over the run, by whole days 0..364 and 365+"),
          "write wait histogram");
    H5Dclose(d);
    d = -1;
out:
    if (d >= 0) H5Dclose(d);
    if (pg >= 0) H5Gclose(pg);
    return rc;
}

/* The most columns psa/draws can have, and their names, comma-separated
 * (at most 96 characters each). */
#define SPR_DRAW_COLUMNS_MAX (SPR_MAX_UNCERTAIN + SPR_DRAW_TABLES_MAX * SPR_DRAWS_MAX_KEYS)
#define SPR_DRAW_NAMES_MAX (SPR_DRAW_COLUMNS_MAX * 96)

/* The parameter draws of a probabilistic sensitivity analysis. */
/* The name of a psa attribute or dataset of calibration table t: the first
 * table's is `base` (the only one before runs took several tables), table t
 * > 0's base_t. */
static void table_name(char *out, size_t size, const char *base, int t)
{
    if (t == 0) snprintf(out, size, "%s", base);
    else snprintf(out, size, "%s_%d", base, t);
}

/* Table t of the calibration draws: its keys, source, file, rows, and the
 * row each replicate ran with. */
static int write_draw_table(hid_t pg, const spr_calib_draws *cd, int t, const spr_results *res, const char *path,
                            spr_error *err)
{
    int rc = SPR_OK;
    hid_t d = -1;
    const spr_draw_table *tb = &cd->table[t];
    char keys[SPR_DRAWS_MAX_KEYS * 64] = "", name[64];
    size_t n, used = 0;
    const spr_param_def *def = spr_param_table(&n);
    for (int k = 0; k < tb->n_keys; k++)
        used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", k ? "," : "", def[tb->param[k]].key);
    table_name(name, sizeof name, "calibration_keys", t);
    CHECK(spr_h5image_attr_string(pg, name, keys), "write the calibrated keys");
    table_name(name, sizeof name, "calibration_source", t);
    CHECK(spr_h5image_attr_string(pg, name, tb->source), "write the calibration source");
    table_name(name, sizeof name, "calibration_file", t);
    CHECK(spr_h5image_attr_string(pg, name, tb->file), "write the calibration file");
    table_name(name, sizeof name, "calibration_rows", t);
    CHECK(attr_int64(pg, name, tb->n_rows), "write the number of calibration draws");
    table_name(name, sizeof name, "calibration_row", t);
    CHECK(d = dataset_1d_plain(pg, name, H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)res->replicates,
                               res->calib_row + (size_t)t * (size_t)res->replicates, "index",
                               "row (from 0) of the calibration draws each replicate ran with; the replicates of "
                               "one parameter draw share it"),
          "write the calibration rows");
out:
    if (d >= 0) H5Dclose(d);
    return rc;
}

static int write_draws(hid_t grp, const spr_params *p, const spr_results *res, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t pg = -1, d = -1;
    char names[SPR_DRAW_NAMES_MAX] = "";
    size_t used = 0;
    const spr_calib_draws *cd = &p->calib_draws;
    for (int k = 0; k < spr_params_draw_columns(p); k++) {
        char name[96];
        spr_params_draw_column_name(p, k, name, sizeof name);
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? "," : "", name);
    }
    CHECK(pg = H5Gcreate2(grp, "psa", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the psa group");
    CHECK(spr_h5image_attr_string(pg, "parameters", names), "write the names of the uncertain parameters");
    CHECK(attr_int64(pg, "replicates_per_draw", p->replicates_per_draw), "write replicates_per_draw");
    const hsize_t dims[2] = {(hsize_t)res->replicates, (hsize_t)res->n_uncertain};
    CHECK(d = dataset_nd(pg, "draws", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, dims, res->draws, "parameter units",
                         "value of each uncertain parameter (attribute 'parameters') in each replicate"),
          "write the draws");
    H5Dclose(d);
    d = -1;
    for (int t = 0; t < cd->n_tables && rc == SPR_OK; t++) rc = write_draw_table(pg, cd, t, res, path, err);
out:
    if (d >= 0) H5Dclose(d);
    if (pg >= 0) H5Gclose(pg);
    return rc;
}

/* The monthly series of reals by sex and age band, [r][m][s][b]: written
 * and read from this one table. */
typedef struct {
    const char *name, *unit, *description;
    size_t offset; /* of the double * member of spr_results */
} monthly_real;

static const monthly_real MONTHLY_REALS[] = {
    {"medical_cost", "yen", "medical expenditure over the month", offsetof(spr_results, medical_yen)},
    {"ltc_cost", "yen", "long-term-care spending over the month", offsetof(spr_results, ltc_yen)},
    {"expected_deaths", "persons",
     "the sum of residents' monthly probabilities of death, the conditional expectation of deaths",
     offsetof(spr_results, expected_deaths)},
};
#define N_MONTHLY_REALS (sizeof MONTHLY_REALS / sizeof MONTHLY_REALS[0])

static double *monthly_real_data(const monthly_real *f, const spr_results *res)
{
    return *(double *const *)((const char *)res + f->offset);
}

/* The monthly indicators, costs and district populations of a scenario
 * (group grp, open as g), with their dimension scales. */
static int write_monthly(hid_t file, hid_t g, const char *grp, const spr_results *res, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t mg = -1, d = -1;
    CHECK(mg = H5Gcreate2(g, "monthly", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the monthly group");
    CHECK(spr_h5image_attr_string(mg, "dimensions", "replicate, month, sex, age_band"), "write dimensions");

    const hsize_t dims[4] = {(hsize_t)res->replicates, (hsize_t)res->months, SPR_SEXES, SPR_AGE_BANDS};
    const hsize_t chunk[4] = {1, (hsize_t)res->months, SPR_SEXES, SPR_AGE_BANDS};
    size_t cell = (size_t)SPR_SEXES * SPR_AGE_BANDS, per_rm = cell;
    int32_t *buf = malloc(sizeof(int32_t) * (size_t)res->replicates * (size_t)res->months * per_rm);
    if (buf == NULL) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
        goto out;
    }
    char scale_path[160];
    for (int ind = 0; ind < SPR_IND_COUNT; ind++) {
        /* gather [r][m][s][b] of one indicator */
        for (int r = 0; r < res->replicates; r++)
            for (int m = 0; m < res->months; m++)
                memcpy(buf + ((size_t)r * res->months + m) * cell, res->counts + spr_results_index(res, r, m, ind, 0, 0),
                       sizeof(int32_t) * cell);
        const spr_indicator_info *info = spr_indicator_describe(ind);
        d = dataset_nd(mg, info->name, H5T_STD_I32LE, H5T_NATIVE_INT32, 4, dims, chunk, buf, info->unit,
                       info->description);
        if (d < 0) {
            free(buf);
            CHECK(-1, "write an indicator");
        }
        snprintf(scale_path, sizeof scale_path, "%s/replicate", grp);
        if (attach_monthly_scales(file, d, scale_path) < 0) {
            free(buf);
            CHECK(-1, "attach dimension scales");
        }
        H5Dclose(d);
        d = -1;
    }
    free(buf);
    for (size_t k = 0; k < N_MONTHLY_REALS; k++) {
        const monthly_real *f = &MONTHLY_REALS[k];
        CHECK(d = dataset_nd(mg, f->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 4, dims, chunk, monthly_real_data(f, res),
                             f->unit, f->description), "write a monthly series of reals");
        CHECK(attach_monthly_scales(file, d, scale_path), "attach dimension scales");
        H5Dclose(d);
        d = -1;
    }
    const hsize_t ddims[3] = {(hsize_t)res->replicates, (hsize_t)res->months, (hsize_t)res->districts};
    const hsize_t dchunk[3] = {1, (hsize_t)res->months, (hsize_t)res->districts};
    CHECK(d = dataset_nd(mg, "district_population", H5T_STD_I32LE, H5T_NATIVE_INT32, 3, ddims, dchunk,
                         res->district_population, "persons", "residents alive at the start of the month, by district"),
          "write district population");
    H5Dclose(d);
    d = -1;
out:
    if (d >= 0) H5Dclose(d);
    if (mg >= 0) H5Gclose(mg);
    return rc;
}

/* Fixed-length UTF-8 strings of SPR_LABEL_MAX bytes (names of districts and teams). */
static hid_t label_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, SPR_LABEL_MAX);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static herr_t write_labels(hid_t g, const char *name, char (*labels)[SPR_LABEL_MAX], int n, const char *description)
{
    hid_t t = label_type();
    hsize_t dims[1] = {(hsize_t)n};
    hid_t d = dataset_nd(g, name, t, t, 1, dims, NULL, labels, "", description);
    H5Tclose(t);
    if (d < 0) return -1;
    H5Dclose(d);
    return 0;
}

/* /scenarios/NAME/municipality: the municipality's files as they were read (each a string dataset
 * named by its setting), so that the results file alone reproduces the run. */
static int write_municipality(hid_t g, const spr_municipality *m, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t mg = -1;
    char hash[32];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)m->hash);
    CHECK(mg = H5Gcreate2(g, "municipality", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the municipality group");
    CHECK(spr_h5image_attr_string(mg, "files_hash_fnv1a64", hash), "write the files' hash");
    for (int k = 0; k < SPR_MUNI_FILES; k++)
        if (m->text[k] != NULL) CHECK(dataset_string(mg, spr_municipality_file_key[k] + strlen("municipality."), m->text[k]),
                                      "write a municipality file");
out:
    if (mg >= 0) H5Gclose(mg);
    return rc;
}

/* /scenarios/NAME/teams and /districts: each link-worker team's and each district's monthly series,
 * with their names and which team covers which district. */
static int write_teams_and_districts(hid_t g, const spr_results *res, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t tg = -1, dg = -1, d = -1;
    CHECK(tg = H5Gcreate2(g, "teams", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the teams group");
    CHECK(spr_h5image_attr_string(tg, "dimensions", "replicate, month, team[, week]"), "write dimensions");
    CHECK(write_labels(tg, "name", res->team_name, res->teams, "team names"), "write team names");
    series_records teams = {res->team, sizeof *res->team, res->teams};
    CHECK(write_series_table(tg, res, &teams, TEAM_SERIES, sizeof TEAM_SERIES / sizeof TEAM_SERIES[0]),
          "write a team series");
    CHECK(dg = H5Gcreate2(g, "districts", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the districts group");
    CHECK(spr_h5image_attr_string(dg, "dimensions", "replicate, month, district"), "write dimensions");
    CHECK(attr_int64(dg, "from_data", res->districts_from_data), "write from_data");
    CHECK(write_labels(dg, "name", res->district_name, res->districts, "district names"), "write district names");
    CHECK(d = dataset_1d_plain(dg, "team", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)res->districts, res->district_team,
                               "index", "the team covering the district (index into teams/name)"),
          "write the districts' teams");
    H5Dclose(d);
    d = -1;
    series_records districts = {res->district, sizeof *res->district, res->districts};
    CHECK(write_series_table(dg, res, &districts, DISTRICT_SERIES, sizeof DISTRICT_SERIES / sizeof DISTRICT_SERIES[0]),
          "write a district series");
out:
    if (d >= 0) H5Dclose(d);
    if (tg >= 0) H5Gclose(tg);
    if (dg >= 0) H5Gclose(dg);
    return rc;
}

/* /scenarios/NAME/subgroups: residents 65+ by sex and household, month by month. */
static int write_subgroups(hid_t g, const spr_results *res, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t sg = -1;
    CHECK(sg = H5Gcreate2(g, "subgroups", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the subgroups group");
    CHECK(spr_h5image_attr_string(sg, "dimensions", "replicate, month, subgroup[, functional state]"), "write dimensions");
    CHECK(write_labels(sg, "name", SUBGROUP_NAMES, SPR_SUBGROUPS, "subgroups: sex and household at the start of the month"),
          "write subgroup names");
    series_records groups = {res->subgroup, sizeof *res->subgroup, SPR_SUBGROUPS};
    CHECK(write_series_table(sg, res, &groups, SUBGROUP_SERIES, N_SUBGROUP_SERIES), "write a subgroup series");
out:
    if (sg >= 0) H5Gclose(sg);
    return rc;
}

static int write_scenario(hid_t file, const spr_scenario *sc, const spr_results *res, int order, const char *path,
                          spr_error *err)
{
    int rc = SPR_OK;
    hid_t g = -1, d = -1;
    char grp[128], hash[32];
    snprintf(grp, sizeof grp, "/scenarios/%s", sc->params.name);
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)sc->hash);
    CHECK(g = H5Gcreate2(file, grp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the scenario group");
    CHECK(spr_h5image_attr_string(g, "description", sc->params.description), "write description");
    CHECK(spr_h5image_attr_string(g, "source_file", sc->path), "write source_file");
    CHECK(spr_h5image_attr_string(g, "scenario_hash_fnv1a64", hash), "write scenario hash");
    CHECK(attr_int64(g, "seed", (long long)sc->params.seed), "write seed");
    CHECK(attr_int64(g, "replicates", res->replicates), "write replicates");
    CHECK(attr_int64(g, "start_year", sc->params.start_year), "write start_year");
    CHECK(attr_int64(g, "order", order), "write the scenario's order");
    if (sc->sweep_of[0] != '\0') {
        hsize_t two = SPR_SWEEP_MAX_PARAMS;
        hid_t space = H5Screate_simple(1, &two, NULL);
        hid_t a = H5Acreate2(g, "sweep_at", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
        herr_t st = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_DOUBLE, sc->sweep_at);
        if (a >= 0) H5Aclose(a);
        H5Sclose(space);
        CHECK(st, "write the sweep coordinates");
        CHECK(spr_h5image_attr_string(g, "sweep_of", sc->sweep_of), "write the sweep name");
        CHECK(spr_h5image_attr_string(g, "sweep_parameter", sc->sweep_key), "write the swept parameter");
    }
    CHECK(dataset_string(g, "scenario_yaml", sc->resolved_yaml), "write the resolved scenario");
    rc = write_parameters(g, &sc->params, path, err);
    if (rc == SPR_OK && sc->municipality != NULL) rc = write_municipality(g, sc->municipality, path, err);
    if (rc != SPR_OK) goto out;
    int *rep = malloc(sizeof(int) * (size_t)res->replicates);
    if (rep == NULL) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int r = 0; r < res->replicates; r++) rep[r] = r;
    d = dataset_1d_plain(g, "replicate", H5T_STD_I32LE, H5T_NATIVE_INT, (hsize_t)res->replicates, rep, "index",
                         "replicate number");
    free(rep);
    CHECK(d, "write replicate");
    CHECK(H5DSset_scale(d, "replicate"), "mark replicate scale");
    H5Dclose(d);
    d = -1;
    rc = write_monthly(file, g, grp, res, path, err);
    if (rc != SPR_OK) goto out;
    rc = write_programme(g, res, path, err);
    if (rc == SPR_OK) rc = write_teams_and_districts(g, res, path, err);
    if (rc == SPR_OK) rc = write_subgroups(g, res, path, err);
    if (rc == SPR_OK && res->n_uncertain > 0) rc = write_draws(g, &sc->params, res, path, err);
out:
    if (d >= 0) H5Dclose(d);
    if (g >= 0) H5Gclose(g);
    return rc;
}

/* /sweeps/NAME: the grid of each sweep as coordinates, and its points. */
static int write_sweeps(hid_t file, const spr_scenario *sc, int n, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t top = -1, g = -1, d = -1;
    size_t nt;
    const spr_param_def *t = spr_param_table(&nt);
    for (int i = 0; i < n && rc == SPR_OK; i++) {
        if (sc[i].sweep_of[0] == '\0' || (i > 0 && strcmp(sc[i - 1].sweep_of, sc[i].sweep_of) == 0)) continue;
        if (top < 0) CHECK(top = H5Gcreate2(file, "sweeps", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /sweeps");
        CHECK(g = H5Gcreate2(top, sc[i].sweep_of, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create a sweep group");
        int k = i;
        while (k < n && strcmp(sc[k].sweep_of, sc[i].sweep_of) == 0) k++;
        char params[256] = "";
        size_t used = 0, pu = 0, names_size = (size_t)(k - i) * (SPR_NAME_MAX + 1) + 1;
        for (int p = 0; p < sc[i].sweep.n_params; p++)
            pu += (size_t)snprintf(params + pu, sizeof params - pu, "%s%s", p ? "," : "", t[sc[i].sweep.param[p]].key);
        /* every point, however many (a name and a comma each) */
        char *names = malloc(names_size);
        if (names == NULL) {
            rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory listing the points of sweep %s", sc[i].sweep_of);
            goto out;
        }
        names[0] = '\0';
        for (int j = i; j < k; j++)
            used += (size_t)snprintf(names + used, names_size - used, "%s%s", j > i ? "," : "", sc[j].params.name);
        herr_t st_names = spr_h5image_attr_string(g, "points", names);
        free(names);
        CHECK(st_names, "write the sweep's points");
        CHECK(spr_h5image_attr_string(g, "parameters", params), "write the swept parameters");
        /* the grid's axes: the distinct values of each coordinate */
        int n_params = 0;
        for (int p = 0; p < SPR_SWEEP_MAX_PARAMS; p++) {
            double *vals = malloc(sizeof(double) * (size_t)(k - i));
            if (vals == NULL) {
                rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory for the axes of sweep %s", sc[i].sweep_of);
                goto out;
            }
            int nv = 0;
            for (int j = i; j < k; j++) {
                int seen = 0;
                for (int q = 0; q < nv; q++) seen |= vals[q] == sc[j].sweep_at[p];
                if (!seen) vals[nv++] = sc[j].sweep_at[p];
            }
            if (nv > 1 || p == 0) {
                char name[32];
                snprintf(name, sizeof name, "axis_%d", p);
                hsize_t hn = (hsize_t)nv;
                hid_t sp = H5Screate_simple(1, &hn, NULL);
                d = H5Dcreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                herr_t st = d < 0 ? -1 : H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, vals);
                H5Sclose(sp);
                if (d >= 0) H5Dclose(d);
                d = -1;
                free(vals);
                CHECK(st, "write a sweep axis");
                n_params++;
            } else {
                free(vals);
            }
        }
        CHECK(attr_int64(g, "parameters_swept", n_params), "write the number of swept parameters");
        H5Gclose(g);
        g = -1;
    }
out:
    if (d >= 0) H5Dclose(d);
    if (g >= 0) H5Gclose(g);
    if (top >= 0) H5Gclose(top);
    return rc;
}

/* What kind of file st is, for a message ("a directory", ...). */
static const char *file_kind(const struct stat *st)
{
    return S_ISDIR(st->st_mode)    ? "a directory"
           : S_ISFIFO(st->st_mode) ? "a FIFO"
           : S_ISCHR(st->st_mode)  ? "a character device"
           : S_ISBLK(st->st_mode)  ? "a block device"
           : S_ISSOCK(st->st_mode) ? "a socket"
                                   : "not a regular file";
}

int spr_output_check_target(const char *path, spr_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) return SPR_OK; /* a new file */
        return spr_error_set(err, SPR_ERR_USAGE, "%s: cannot write the results there: %s", path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return spr_error_set(err, SPR_ERR_USAGE,
                             "%s is %s, not a regular file: the results file would replace it (name a file with -o)",
                             path, file_kind(&st));
    return SPR_OK;
}

/* Writes the file image to tmp and renames it to path.  HDF5 builds the
 * file in memory (the core driver), so a full disk or a file-size limit
 * fails here, in plain stdio calls, and never inside HDF5: an HDF5 file
 * that cannot be flushed cannot be closed, and the library then crashes at
 * exit (defect 13 of issue 8).  On failure nothing is left behind. */
static int write_image(const void *image, size_t size, const char *tmp, const char *path, spr_error *err)
{
    int rc = spr_h5image_save(image, size, tmp, err);
    /* checked again just before the rename, which would replace a FIFO or a device made meanwhile */
    if (rc == SPR_OK && (rc = spr_output_check_target(path, err)) != SPR_OK) remove(tmp);
    if (rc == SPR_OK) rc = spr_h5image_rename(tmp, path, err);
    return rc;
}

int spr_output_write(const char *path, const spr_scenario *scenarios, spr_results *const *results, int n,
                     const spr_run_info *info, spr_error *err)
{
    int rc = SPR_OK;
    hid_t file = -1, g = -1;
    void *image = NULL;
    size_t image_size = 0;
    char tmp[1200];
    if (spr_output_temp_path(path, tmp, sizeof tmp) != SPR_OK)
        return spr_error_set(err, SPR_ERR_USAGE, "the output path is too long: %s", path);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(scenarios[i].params.name, scenarios[j].params.name) == 0)
                return spr_error_set(err, SPR_ERR_SCENARIO,
                                     "two scenarios are named '%s' (%s and %s): give each a distinct 'name'",
                                     scenarios[i].params.name, scenarios[j].path, scenarios[i].path);
    rc = spr_output_check_target(path, err);
    if (rc != SPR_OK) return rc;
    /* in memory (grown 4 MiB at a time): see write_image */
    file = spr_h5image_create(tmp, (size_t)4 << 20, err);
    if (file < 0) return err->code;
    CHECK(spr_h5image_attr_string(file, "format", "sprsim results"), "write format");
    CHECK(attr_int64(file, "format_version", FORMAT_VERSION), "write format_version");
    /* the file appears (by rename) only once every unit of the run is in it: a run stopped earlier
     * leaves its checkpoint, never a results file; the attribute says so to a reader of the file */
    CHECK(spr_h5image_attr_string(file, "status", "complete"), "write status");
    CHECK(g = H5Gcreate2(file, "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /meta");
    char v[128];
    CHECK(spr_h5image_attr_string(g, "sprsim_version", SPRSIM_VERSION), "write version");
    CHECK(spr_h5image_attr_string(g, "git_commit", SPRSIM_GIT_COMMIT), "write git commit");
    CHECK(spr_h5image_attr_string(g, "gsl_version", gsl_version), "write GSL version");
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    snprintf(v, sizeof v, "%u.%u.%u", maj, min, rel);
    CHECK(spr_h5image_attr_string(g, "hdf5_version", v), "write HDF5 version");
    CHECK(spr_h5image_attr_string(g, "libyaml_version", yaml_get_version_string()), "write libyaml version");
    CHECK(spr_h5image_attr_string(g, "command_line", info->command_line), "write command line");
    CHECK(spr_h5image_attr_string(g, "start_time_utc", info->start_time_utc), "write start time");
    CHECK(attr_int64(g, "threads", info->threads), "write threads");
    CHECK(attr_int64(g, "ranks", info->ranks < 1 ? 1 : info->ranks), "write ranks");
    CHECK(attr_int64(g, "resumed", info->resumed), "write resumed");
    CHECK(spr_h5image_attr_string(g, "rng", "Random123 Philox4x32-10; key = seed; counter = {id, month, replicate<<8|purpose, draw}"),
          "write rng");
    H5Gclose(g);
    g = -1;
    int max_d = 1;
    for (int i = 0; i < n; i++)
        if (results[i]->districts > max_d) max_d = results[i]->districts;
    rc = write_coords(file, results[0], scenarios[0].params.start_year, max_d, path, err);
    if (rc != SPR_OK) goto out;
    CHECK(g = H5Gcreate2(file, "scenarios", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /scenarios");
    H5Gclose(g);
    g = -1;
    for (int i = 0; i < n && rc == SPR_OK; i++) rc = write_scenario(file, &scenarios[i], results[i], i, path, err);
    if (rc == SPR_OK) rc = write_sweeps(file, scenarios, n, path, err);
    if (rc == SPR_OK) rc = spr_h5image_take(file, &image, &image_size, path, err);
out:
    if (g >= 0) H5Gclose(g);
    if (H5Fclose(file) < 0 && rc == SPR_OK) rc = spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot close %s", tmp);
    if (rc == SPR_OK) rc = write_image(image, image_size, tmp, path, err);
    free(image);
    return rc;
}

/* ---- reading a results file back (for sprsim report) --------------------- */

/* Every dataset is checked against the shape the reader expects before it
 * is read, so a well-formed but inconsistent file (edited attributes, a
 * longer dataset, another type) is reported, naming the dataset, instead of
 * overflowing a buffer (defect 12 of issue 8). */
typedef struct {
    const char *path;
    spr_error *err;
} reader;

#define FORMAT_NAME "sprsim results"


static int read_error(const reader *rd, const char *fmt, const char *what)
{
    return spr_error_set(rd->err, SPR_ERR_IO, "%s: %s %s", rd->path, fmt, what);
}

/* "/scenarios/x/monthly/deaths": the full name of loc's child, for messages. */
static void child_name(hid_t loc, const char *name, char *out, size_t outsz)
{
    char parent[400] = "";
    if (H5Iget_name(loc, parent, sizeof parent) < 0) parent[0] = '\0';
    snprintf(out, outsz, "%s/%s", strcmp(parent, "/") == 0 ? "" : parent, name);
}

/* "[3,12,2,21]" */
static void format_shape(int rank, const hsize_t *dims, char *out, size_t outsz)
{
    size_t used = (size_t)snprintf(out, outsz, "[");
    for (int k = 0; k < rank && used < outsz; k++)
        used += (size_t)snprintf(out + used, outsz - used, "%s%llu", k ? "," : "", (unsigned long long)dims[k]);
    if (used < outsz) snprintf(out + used, outsz - used, "]");
}

static const char *class_name(H5T_class_t c)
{
    return c == H5T_INTEGER ? "integer" : c == H5T_FLOAT ? "floating point" : c == H5T_STRING ? "string" : "another type";
}

/* Checks that object obj (a dataset or an attribute, of dataspace space and
 * type type) holds values of class want with the given rank and dims. */
static int check_shape(hid_t type, hid_t space, H5T_class_t want, int rank, const hsize_t *dims, const char *what,
                       const reader *rd)
{
    H5T_class_t have = H5Tget_class(type);
    if (have != want)
        return spr_error_set(rd->err, SPR_ERR_IO, "%s: %s holds %s values, expected %s", rd->path, what,
                             class_name(have), class_name(want));
    hsize_t got[H5S_MAX_RANK];
    int got_rank = H5Sget_simple_extent_ndims(space);
    if (got_rank < 0 || H5Sget_simple_extent_dims(space, got, NULL) < 0)
        return read_error(rd, "cannot read the shape of", what);
    int same = got_rank == rank;
    for (int k = 0; same && k < rank; k++) same = got[k] == dims[k];
    if (!same) {
        char a[200], b[200];
        format_shape(got_rank, got, a, sizeof a);
        format_shape(rank, dims, b, sizeof b);
        return spr_error_set(rd->err, SPR_ERR_IO, "%s: %s has shape %s, expected %s", rd->path, what, a, b);
    }
    return SPR_OK;
}

/* Datasets and attributes are examined the same way. */
typedef struct {
    const char *kind;
    htri_t (*exists)(hid_t loc, const char *name);
    hid_t (*open)(hid_t loc, const char *name);
    hid_t (*get_type)(hid_t obj);
    hid_t (*get_space)(hid_t obj);
    herr_t (*close)(hid_t obj);
    herr_t (*read)(hid_t obj, hid_t mem_type, void *buf); /* the whole object */
} object_kind;

static htri_t dataset_exists(hid_t loc, const char *name) { return H5Lexists(loc, name, H5P_DEFAULT); }
static hid_t dataset_open(hid_t loc, const char *name) { return H5Dopen2(loc, name, H5P_DEFAULT); }
static hid_t attribute_open(hid_t obj, const char *name) { return H5Aopen(obj, name, H5P_DEFAULT); }
static herr_t dataset_read(hid_t d, hid_t mem_type, void *buf)
{
    return H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}
static const object_kind DATASET = {"dataset",   dataset_exists, dataset_open, H5Dget_type,
                                    H5Dget_space, H5Dclose,      dataset_read};
static const object_kind ATTRIBUTE = {"attribute",  H5Aexists, attribute_open, H5Aget_type,
                                      H5Aget_space, H5Aclose,  H5Aread};

/* Opens the dataset or attribute name of loc and checks its class, rank and shape. */
static int open_checked(const object_kind *kind, hid_t loc, const char *name, H5T_class_t want, int rank,
                        const hsize_t *dims, hid_t *out, const reader *rd)
{
    char what[512], full[480];
    child_name(loc, name, full, sizeof full);
    snprintf(what, sizeof what, "%s %s", kind->kind, full);
    *out = -1;
    if (kind->exists(loc, name) <= 0) return spr_error_set(rd->err, SPR_ERR_IO, "%s: %s is missing", rd->path, what);
    hid_t obj = kind->open(loc, name);
    if (obj < 0) return read_error(rd, "cannot open", what);
    hid_t type = kind->get_type(obj), space = kind->get_space(obj);
    int rc = type < 0 || space < 0 ? read_error(rd, "cannot examine", what)
                                   : check_shape(type, space, want, rank, dims, what, rd);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (rc != SPR_OK) kind->close(obj);
    else *out = obj;
    return rc;
}

static int open_dataset(hid_t loc, const char *name, H5T_class_t want, int rank, const hsize_t *dims, hid_t *out,
                        const reader *rd)
{
    return open_checked(&DATASET, loc, name, want, rank, dims, out, rd);
}

static int open_attribute(hid_t obj, const char *name, H5T_class_t want, int rank, const hsize_t *dims, hid_t *out,
                          const reader *rd)
{
    return open_checked(&ATTRIBUTE, obj, name, want, rank, dims, out, rd);
}

/* Reads a whole dataset or attribute of the expected class (that of
 * mem_type) and shape into buf. */
static int read_checked(const object_kind *kind, hid_t loc, const char *name, hid_t mem_type, int rank,
                        const hsize_t *dims, void *buf, const reader *rd)
{
    hid_t obj;
    int rc = open_checked(kind, loc, name, H5Tget_class(mem_type), rank, dims, &obj, rd);
    if (rc != SPR_OK) return rc;
    if (kind->read(obj, mem_type, buf) < 0) {
        char full[480];
        child_name(loc, name, full, sizeof full);
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: cannot read %s %s", rd->path, kind->kind, full);
    }
    kind->close(obj);
    return rc;
}

static int read_dataset(hid_t loc, const char *name, hid_t mem_type, int rank, const hsize_t *dims, void *buf,
                        const reader *rd)
{
    return read_checked(&DATASET, loc, name, mem_type, rank, dims, buf, rd);
}

static int read_attr_int(hid_t obj, const char *name, long long *v, const reader *rd)
{
    return read_checked(&ATTRIBUTE, obj, name, H5T_NATIVE_LLONG, 0, NULL, v, rd);
}

/* A scalar string dataset or attribute, whole, in a new NUL-terminated
 * buffer *out (the caller frees it). */
static int read_text_alloc(const object_kind *kind, hid_t loc, const char *name, char **out, const reader *rd)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char *s = NULL;
    int rc = read_checked(kind, loc, name, type, 0, NULL, &s, rd);
    if (rc == SPR_OK && s == NULL) rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: %s %s is empty", rd->path, kind->kind, name);
    if (rc == SPR_OK && (*out = strdup(s)) == NULL)
        rc = spr_error_set(rd->err, SPR_ERR_NOMEM, "%s: out of memory reading %s %s", rd->path, kind->kind, name);
    if (s != NULL) H5free_memory(s);
    H5Tclose(type);
    return rc;
}

/* The same, into out (truncated to outsz). */
static int read_text(const object_kind *kind, hid_t loc, const char *name, char *out, size_t outsz, const reader *rd)
{
    char *s = NULL;
    int rc = read_text_alloc(kind, loc, name, &s, rd);
    if (rc == SPR_OK) snprintf(out, outsz, "%s", s);
    free(s);
    return rc;
}

static int read_string(hid_t loc, const char *name, char *out, size_t outsz, const reader *rd)
{
    return read_text(&DATASET, loc, name, out, outsz, rd);
}

static int read_spr_h5image_attr_string(hid_t obj, const char *name, char *out, size_t outsz, const reader *rd)
{
    return read_text(&ATTRIBUTE, obj, name, out, outsz, rd);
}

/* The file says it is a sprsim results file of the version this reader knows. */
static int check_format(hid_t file, const reader *rd)
{
    char format[64];
    long long version = 0;
    int rc = read_spr_h5image_attr_string(file, "format", format, sizeof format, rd);
    if (rc == SPR_OK && strcmp(format, FORMAT_NAME) != 0)
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: the format is '%s', not '%s'", rd->path, format, FORMAT_NAME);
    if (rc == SPR_OK) rc = read_attr_int(file, "format_version", &version, rd);
    if (rc == SPR_OK && version != FORMAT_VERSION) {
        /* say which sprsim wrote it, so that the user can re-run its stored scenarios or use that version */
        char commit[64] = "unknown";
        hid_t meta = H5Lexists(file, "meta", H5P_DEFAULT) > 0 ? H5Gopen2(file, "meta", H5P_DEFAULT) : -1;
        if (meta >= 0) {
            spr_error quiet;
            reader silent = {rd->path, &quiet};
            if (read_spr_h5image_attr_string(meta, "git_commit", commit, sizeof commit, &silent) != SPR_OK)
                snprintf(commit, sizeof commit, "unknown");
            H5Gclose(meta);
        }
        rc = spr_error_set(rd->err, SPR_ERR_IO,
                           "%s: format_version %lld (written by sprsim commit %s), this sprsim (%s) reads version %d: "
                           "read it with the version that wrote it, or re-run its scenarios (stored in the file; "
                           "docs/output.md) with this one",
                           rd->path, version, commit, SPRSIM_GIT_COMMIT, FORMAT_VERSION);
    }
    char status[32];
    if (rc == SPR_OK) rc = read_spr_h5image_attr_string(file, "status", status, sizeof status, rd);
    if (rc == SPR_OK && strcmp(status, "complete") != 0)
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: the run that writes it is not finished (status '%s')", rd->path,
                           status);
    return rc;
}

/* The longest string a string parameter holds. */
static size_t string_capacity(const spr_param_def *d)
{
    return d->offset == offsetof(spr_params, name) ? SPR_NAME_MAX : SPR_TEXT_MAX;
}

/* Every parameter, of its table length and within its table bounds (the
 * sizes of the results come from them). */
static int read_params(hid_t g, spr_params *p, const reader *rd)
{
    hid_t pg = -1;
    size_t n;
    const spr_param_def *t = spr_param_table(&n);
    double v[SPR_LIFE_AGES];
    memset(p, 0, sizeof *p);
    if (H5Lexists(g, "parameters", H5P_DEFAULT) <= 0 || (pg = H5Gopen2(g, "parameters", H5P_DEFAULT)) < 0) {
        char full[480];
        child_name(g, "parameters", full, sizeof full);
        return spr_error_set(rd->err, SPR_ERR_IO, "%s: group %s is missing", rd->path, full);
    }
    int rc = SPR_OK;
    for (size_t i = 0; i < n && rc == SPR_OK; i++) {
        char *base = (char *)p + t[i].offset;
        if (t[i].type == SPR_PT_STRING) {
            rc = read_string(pg, t[i].key, base, string_capacity(&t[i]), rd);
            continue;
        }
        if (t[i].count < 1 || t[i].count > SPR_LIFE_AGES || (t[i].count > 1 && t[i].type != SPR_PT_DOUBLE)) {
            rc = spr_error_set(rd->err, SPR_ERR_INTERNAL, "parameter %s: the reader cannot hold %d values of its type",
                               t[i].key, t[i].count);
            break;
        }
        const hsize_t count = (hsize_t)t[i].count;
        rc = read_dataset(pg, t[i].key, H5T_NATIVE_DOUBLE, 1, &count, v, rd);
        for (int k = 0; rc == SPR_OK && k < t[i].count; k++)
            if (!(v[k] >= t[i].min && v[k] <= t[i].max))
                rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: parameter %s%s = %g is outside its bounds [%g, %g]",
                                   rd->path, t[i].key, t[i].count > 1 ? " (an element)" : "", v[k], t[i].min, t[i].max);
        if (rc != SPR_OK) break;
        if (t[i].count > 1) memcpy(base, v, sizeof(double) * (size_t)t[i].count);
        else spr_param_set(p, &t[i], v[0]);
    }
    H5Gclose(pg);
    return rc;
}

/* Scatters one series into the month records. */
static int read_series(hid_t g, spr_results *res, const series_records *sr, const programme_series *s, const reader *rd)
{
    size_t n = series_records_count(res, sr), bytes = series_bytes(s);
    if (bytes == 0) return spr_error_set(rd->err, SPR_ERR_INTERNAL, "programme series %s: the table disagrees with the struct", s->name);
    char *buf = malloc(n * bytes);
    if (buf == NULL) return spr_error_set(rd->err, SPR_ERR_NOMEM, "out of memory reading %s", rd->path);
    hsize_t dims[4], chunk[4];
    int rank = series_shape(res, sr, s, dims, chunk);
    int rc = read_dataset(g, s->name, column_memory_type(s->type), rank, dims, buf, rd);
    for (size_t k = 0; rc == SPR_OK && k < n; k++) memcpy((char *)sr->records + k * sr->stride + s->offset, buf + k * bytes, bytes);
    free(buf);
    return rc;
}

static int read_series_table(hid_t g, spr_results *res, const series_records *sr, const programme_series *t, size_t n,
                             const reader *rd)
{
    int rc = SPR_OK;
    for (size_t k = 0; k < n && rc == SPR_OK; k++) rc = read_series(g, res, sr, &t[k], rd);
    return rc;
}

static int read_labels(hid_t g, const char *name, char (*labels)[SPR_LABEL_MAX], int n, const reader *rd)
{
    hid_t t = label_type();
    hsize_t dims[1] = {(hsize_t)n};
    int rc = read_dataset(g, name, t, 1, dims, labels, rd);
    H5Tclose(t);
    for (int k = 0; k < n; k++) labels[k][SPR_LABEL_MAX - 1] = '\0';
    return rc;
}

static int open_subgroup(hid_t g, const char *name, hid_t *out, const reader *rd)
{
    *out = H5Lexists(g, name, H5P_DEFAULT) > 0 ? H5Gopen2(g, name, H5P_DEFAULT) : -1;
    if (*out >= 0) return SPR_OK;
    char full[480];
    child_name(g, name, full, sizeof full);
    return spr_error_set(rd->err, SPR_ERR_IO, "%s: group %s is missing", rd->path, full);
}

static int read_teams_and_districts(hid_t g, spr_results *res, const reader *rd)
{
    hid_t tg = -1, dg = -1;
    int rc = open_subgroup(g, "teams", &tg, rd);
    if (rc == SPR_OK) rc = open_subgroup(g, "districts", &dg, rd);
    series_records teams = {res->team, sizeof *res->team, res->teams};
    series_records districts = {res->district, sizeof *res->district, res->districts};
    const hsize_t nd[1] = {(hsize_t)res->districts};
    if (rc == SPR_OK) rc = read_labels(tg, "name", res->team_name, res->teams, rd);
    if (rc == SPR_OK) rc = read_series_table(tg, res, &teams, TEAM_SERIES, sizeof TEAM_SERIES / sizeof TEAM_SERIES[0], rd);
    long long from_data = 0;
    if (rc == SPR_OK) rc = read_attr_int(dg, "from_data", &from_data, rd);
    res->districts_from_data = from_data != 0;
    if (rc == SPR_OK) rc = read_labels(dg, "name", res->district_name, res->districts, rd);
    if (rc == SPR_OK) rc = read_dataset(dg, "team", H5T_NATIVE_INT32, 1, nd, res->district_team, rd);
    for (int d = 0; rc == SPR_OK && d < res->districts; d++)
        if (res->district_team[d] < 0 || res->district_team[d] >= res->teams)
            rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: district %d's team %d is not one of the %d teams", rd->path, d,
                               res->district_team[d], res->teams);
    if (rc == SPR_OK)
        rc = read_series_table(dg, res, &districts, DISTRICT_SERIES, sizeof DISTRICT_SERIES / sizeof DISTRICT_SERIES[0], rd);
    if (tg >= 0) H5Gclose(tg);
    if (dg >= 0) H5Gclose(dg);
    return rc;
}

static int read_subgroups(hid_t g, spr_results *res, const reader *rd)
{
    hid_t sg = -1;
    int rc = open_subgroup(g, "subgroups", &sg, rd);
    series_records groups = {res->subgroup, sizeof *res->subgroup, SPR_SUBGROUPS};
    if (rc == SPR_OK) rc = read_series_table(sg, res, &groups, SUBGROUP_SERIES, N_SUBGROUP_SERIES, rd);
    if (sg >= 0) H5Gclose(sg);
    return rc;
}

static int read_programme(hid_t g, spr_results *res, const reader *rd)
{
    hid_t pg = H5Lexists(g, "programme", H5P_DEFAULT) > 0 ? H5Gopen2(g, "programme", H5P_DEFAULT) : -1;
    if (pg < 0) {
        char full[480];
        child_name(g, "programme", full, sizeof full);
        return spr_error_set(rd->err, SPR_ERR_IO, "%s: group %s is missing", rd->path, full);
    }
    int rc = SPR_OK;
    series_records months = {res->programme, sizeof *res->programme, 0};
    rc = read_series_table(pg, res, &months, PROGRAMME_SERIES, N_PROGRAMME_SERIES, rd);
    const hsize_t groups[4] = {(hsize_t)res->replicates, (hsize_t)res->months, SPR_RESOURCE_TYPES, (hsize_t)res->districts};
    const hsize_t waits[2] = {(hsize_t)res->replicates, SPR_WAIT_DAYS};
    if (rc == SPR_OK) rc = read_dataset(pg, "participants", H5T_NATIVE_INT32, 4, groups, res->group_participants, rd);
    if (rc == SPR_OK) rc = read_dataset(pg, "places", H5T_NATIVE_DOUBLE, 4, groups, res->group_places, rd);
    if (rc == SPR_OK) rc = read_dataset(pg, "wait_histogram", H5T_NATIVE_INT32, 2, waits, res->wait_histogram, rd);
    H5Gclose(pg);
    return rc;
}

/* The monthly indicators, costs and district populations. */
static int read_monthly(hid_t mg, spr_results *res, const reader *rd)
{
    const hsize_t dims[4] = {(hsize_t)res->replicates, (hsize_t)res->months, SPR_SEXES, SPR_AGE_BANDS};
    const hsize_t ddims[3] = {(hsize_t)res->replicates, (hsize_t)res->months, (hsize_t)res->districts};
    size_t rm = (size_t)res->replicates * (size_t)res->months, cell = SPR_SEXES * SPR_AGE_BANDS;
    int32_t *buf = malloc(rm * cell * sizeof *buf);
    if (buf == NULL) return spr_error_set(rd->err, SPR_ERR_NOMEM, "out of memory reading %s", rd->path);
    int rc = SPR_OK;
    for (int ind = 0; ind < SPR_IND_COUNT && rc == SPR_OK; ind++) {
        rc = read_dataset(mg, spr_indicator_describe(ind)->name, H5T_NATIVE_INT32, 4, dims, buf, rd);
        for (size_t k = 0; rc == SPR_OK && k < rm; k++)
            memcpy(res->counts + spr_results_index(res, (int)(k / res->months), (int)(k % res->months), ind, 0, 0),
                   buf + k * cell, sizeof(int32_t) * cell);
    }
    free(buf);
    for (size_t k = 0; k < N_MONTHLY_REALS && rc == SPR_OK; k++)
        rc = read_dataset(mg, MONTHLY_REALS[k].name, H5T_NATIVE_DOUBLE, 4, dims,
                          monthly_real_data(&MONTHLY_REALS[k], res), rd);
    if (rc == SPR_OK)
        rc = read_dataset(mg, "district_population", H5T_NATIVE_INT32, 3, ddims, res->district_population, rd);
    return rc;
}

/* The sweep a point belongs to, if any. */
static int read_sweep_point(hid_t g, spr_scenario *sc, const reader *rd)
{
    if (H5Aexists(g, "sweep_of") <= 0) return SPR_OK;
    const hsize_t n_at = SPR_SWEEP_MAX_PARAMS;
    hid_t a;
    int rc = read_spr_h5image_attr_string(g, "sweep_of", sc->sweep_of, sizeof sc->sweep_of, rd);
    if (rc == SPR_OK) rc = read_spr_h5image_attr_string(g, "sweep_parameter", sc->sweep_key, sizeof sc->sweep_key, rd);
    if (rc == SPR_OK) rc = open_attribute(g, "sweep_at", H5T_FLOAT, 1, &n_at, &a, rd);
    if (rc != SPR_OK) return rc;
    if (H5Aread(a, H5T_NATIVE_DOUBLE, sc->sweep_at) < 0) rc = read_error(rd, "cannot read the attribute", "sweep_at");
    H5Aclose(a);
    return rc;
}

/* Which calibration draws a run used (table t), and the row of each
 * replicate: what the report says of its intervals (the tables' values stay
 * in the scenario text, scenario_yaml). */
static int read_calib_rows(hid_t pg, int t, spr_scenario *sc, spr_results *res, const reader *rd)
{
    spr_calib_draws *cd = &sc->params.calib_draws;
    spr_draw_table *tb = &cd->table[t];
    long long rows = 0;
    char keys[SPR_DRAWS_MAX_KEYS * 64], name[64];
    table_name(name, sizeof name, "calibration_rows", t);
    int rc = read_attr_int(pg, name, &rows, rd);
    table_name(name, sizeof name, "calibration_keys", t);
    if (rc == SPR_OK) rc = read_spr_h5image_attr_string(pg, name, keys, sizeof keys, rd);
    table_name(name, sizeof name, "calibration_source", t);
    if (rc == SPR_OK) rc = read_spr_h5image_attr_string(pg, name, tb->source, sizeof tb->source, rd);
    table_name(name, sizeof name, "calibration_file", t);
    if (rc == SPR_OK) rc = read_spr_h5image_attr_string(pg, name, tb->file, sizeof tb->file, rd);
    if (rc == SPR_OK && (rows < 1 || rows > SPR_DRAWS_MAX_VALUES))
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: psa calibration_rows %lld is not between 1 and %d", rd->path, rows,
                           SPR_DRAWS_MAX_VALUES);
    tb->n_keys = 0;
    for (char *k = keys, *next; rc == SPR_OK && *k; k = next) {
        next = k + strcspn(k, ",");
        if (*next) *next++ = '\0';
        const spr_param_def *d = spr_param_find(k);
        size_t nt;
        if (d == NULL || tb->n_keys == SPR_DRAWS_MAX_KEYS)
            rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: psa calibration_keys: '%s' is not a parameter (or too many)",
                               rd->path, k);
        else tb->param[tb->n_keys++] = (int)(d - spr_param_table(&nt));
    }
    const hsize_t n = (hsize_t)res->replicates;
    int32_t *row = res->calib_row + (size_t)t * (size_t)res->replicates;
    table_name(name, sizeof name, "calibration_row", t);
    if (rc == SPR_OK) rc = read_dataset(pg, name, H5T_NATIVE_INT32, 1, &n, row, rd);
    for (int r = 0; rc == SPR_OK && r < res->replicates; r++)
        if (row[r] < 0 || row[r] >= rows)
            rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: psa %s %d is outside the %lld rows", rd->path, name, (int)row[r],
                               rows);
    if (rc == SPR_OK) {
        tb->n_rows = (int)rows;
        cd->n_tables = t + 1;
        cd->n_keys += tb->n_keys;
    }
    return rc;
}

/* Which parameters (elements, whole arrays) a run drew, from the names of
 * psa/draws' columns (spr_params_draw_column_name), so that the analysis
 * finds each replicate's values (QALY weights, say); the calibrated keys,
 * read before, are skipped.  The distributions themselves stay in
 * scenario_yaml: only the columns are needed here. */
static int uncertain_from_names(const char *names, spr_params *p, const reader *rd)
{
    size_t nt;
    const spr_param_def *t = spr_param_table(&nt);
    p->n_uncertain = 0;
    for (const char *c = names, *next; *c; c = next) {
        size_t len = strcspn(c, ",");
        next = c[len] ? c + len + 1 : c + len;
        char name[96], *bracket;
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), c);
        spr_uncertain u = {.element = 0};
        if ((bracket = strchr(name, '[')) != NULL) {
            char *end = NULL;
            if (strcmp(bracket, "[*]") == 0) u.element = SPR_WHOLE_ARRAY;
            else u.element = (int)strtol(bracket + 1, &end, 10);
            *bracket = '\0';
            if (u.element != SPR_WHOLE_ARRAY && (end == bracket + 1 || strcmp(end, "]") != 0)) u.element = -2;
        }
        const spr_param_def *d = spr_param_find(name);
        int calibrated = 0;
        calibrated = d != NULL && spr_params_draw_table_of(p, (int)(d - t), NULL) >= 0;
        if (calibrated) continue;
        if (d == NULL || u.element < SPR_WHOLE_ARRAY || u.element >= d->count || (d->count == 1 && bracket != NULL))
            return spr_error_set(rd->err, SPR_ERR_IO, "%s: psa 'parameters' names '%.*s', not a parameter or element",
                                 rd->path, (int)len, c);
        u.param = (int)(d - t);
        if (spr_params_add_uncertain(p, &u) != SPR_OK)
            return spr_error_set(rd->err, SPR_ERR_IO, "%s: psa 'parameters' names more than %d values", rd->path,
                                 SPR_MAX_UNCERTAIN);
    }
    return SPR_OK;
}

/* Puts the columns of psa/draws in the order of the scenario's drawn values
 * (spr_params_draw_column), matching them by the names of the attribute
 * 'parameters': files written before the columns followed the parameter
 * table kept the order of the overlay's keys. */
static int order_draw_columns(hid_t pg, spr_scenario *sc, spr_results *res, const reader *rd)
{
    const int n = res->n_uncertain;
    char *names = malloc(SPR_DRAW_NAMES_MAX);
    double *row = malloc((size_t)n * sizeof *row);
    int *from = malloc((size_t)n * sizeof *from);
    int rc = names && row && from ? SPR_OK : spr_error_set(rd->err, SPR_ERR_NOMEM, "out of memory reading %s", rd->path);
    if (rc == SPR_OK) rc = read_spr_h5image_attr_string(pg, "parameters", names, SPR_DRAW_NAMES_MAX, rd);
    if (rc == SPR_OK) rc = uncertain_from_names(names, &sc->params, rd);
    if (rc == SPR_OK && spr_params_draw_columns(&sc->params) != n)
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: psa/draws has %d columns, the scenario '%s' draws %d values", rd->path,
                           n, sc->params.name, spr_params_draw_columns(&sc->params));
    for (int k = 0; k < n && rc == SPR_OK; k++) {
        char want[96];
        spr_params_draw_column_name(&sc->params, k, want, sizeof want);
        from[k] = -1;
        int j = 0;
        for (char *c = names, *next; *c && from[k] < 0; c = next, j++) {
            size_t len = strcspn(c, ",");
            next = c[len] ? c + len + 1 : c + len;
            if (len == strlen(want) && strncmp(c, want, len) == 0) from[k] = j;
        }
        if (from[k] < 0)
            rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: psa 'parameters' does not name '%s', which the scenario '%s' draws",
                               rd->path, want, sc->params.name);
    }
    for (int r = 0; r < res->replicates && rc == SPR_OK; r++) {
        double *v = res->draws + (size_t)r * (size_t)n;
        memcpy(row, v, (size_t)n * sizeof *row);
        for (int k = 0; k < n; k++) v[k] = row[from[k]];
    }
    free(names);
    free(row);
    free(from);
    return rc;
}

/* The parameter draws of a probabilistic sensitivity analysis, if any. */
static int read_draws(hid_t g, spr_scenario *sc, spr_results *res, const reader *rd)
{
    if (H5Lexists(g, "psa", H5P_DEFAULT) <= 0) return SPR_OK;
    hid_t pg = H5Gopen2(g, "psa", H5P_DEFAULT), d = -1, space = -1;
    if (pg < 0) return read_error(rd, "cannot open the group", "psa");
    /* the number of uncertain parameters is the dataset's second dimension: examine it first */
    hsize_t dims[2] = {0, 0};
    int rc = SPR_OK;
    if (H5Lexists(pg, "draws", H5P_DEFAULT) <= 0 || (d = H5Dopen2(pg, "draws", H5P_DEFAULT)) < 0 ||
        (space = H5Dget_space(d)) < 0 || H5Sget_simple_extent_ndims(space) != 2 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        rc = read_error(rd, "a two-dimensional dataset is missing:", "psa/draws");
    if (space >= 0) H5Sclose(space);
    if (d >= 0) H5Dclose(d);
    if (rc == SPR_OK && (dims[1] < 1 || dims[1] > SPR_DRAW_COLUMNS_MAX))
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: psa/draws has %llu parameters (1 to %d expected)", rd->path,
                           (unsigned long long)dims[1], SPR_DRAW_COLUMNS_MAX);
    if (rc == SPR_OK) {
        dims[0] = (hsize_t)res->replicates;
        res->n_uncertain = (int)dims[1];
        free(res->draws);
        res->draws = calloc((size_t)res->replicates * ((size_t)dims[1] + 1), sizeof *res->draws);
        rc = res->draws == NULL ? spr_error_set(rd->err, SPR_ERR_NOMEM, "out of memory reading %s", rd->path)
                                : read_dataset(pg, "draws", H5T_NATIVE_DOUBLE, 2, dims, res->draws, rd);
    }
    long long per_draw = 1;
    if (rc == SPR_OK) rc = read_attr_int(pg, "replicates_per_draw", &per_draw, rd);
    if (rc == SPR_OK && (per_draw < 1 || per_draw > res->replicates))
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: psa replicates_per_draw %lld is not between 1 and %d", rd->path,
                           per_draw, res->replicates);
    sc->params.replicates_per_draw = (int)per_draw;
    for (int t = 0; rc == SPR_OK && t < SPR_DRAW_TABLES_MAX; t++) {
        char name[64];
        table_name(name, sizeof name, "calibration_row", t);
        if (H5Lexists(pg, name, H5P_DEFAULT) <= 0) break;
        rc = read_calib_rows(pg, t, sc, res, rd);
    }
    if (rc == SPR_OK) rc = order_draw_columns(pg, sc, res, rd);
    H5Gclose(pg);
    return rc;
}

/* The number of link-worker teams a scenario's results hold (the length of teams/name): the
 * parameters alone do not say, since a municipality's tables name its teams. */
static int count_teams(hid_t g, int *teams, const reader *rd)
{
    hid_t d = H5Lexists(g, "teams", H5P_DEFAULT) > 0 ? H5Dopen2(g, "teams/name", H5P_DEFAULT) : -1;
    hsize_t n = 0;
    if (d >= 0) {
        hid_t space = H5Dget_space(d);
        if (space >= 0 && H5Sget_simple_extent_ndims(space) == 1) H5Sget_simple_extent_dims(space, &n, NULL);
        if (space >= 0) H5Sclose(space);
        H5Dclose(d);
    }
    if (n < 1 || n > SPR_MAX_TEAMS) {
        char full[480];
        child_name(g, "teams/name", full, sizeof full);
        return spr_error_set(rd->err, SPR_ERR_IO, "%s: dataset %s is missing or does not list 1 to %d teams", rd->path,
                             full, SPR_MAX_TEAMS);
    }
    *teams = (int)n;
    return SPR_OK;
}

static int read_scenario(hid_t file, const char *name, spr_scenario *sc, spr_results **out, const reader *rd)
{
    char grp[SPR_NAME_MAX + 16];
    snprintf(grp, sizeof grp, "/scenarios/%s", name);
    hid_t g = H5Gopen2(file, grp, H5P_DEFAULT), mg = -1;
    spr_results *res = NULL;
    long long reps = 0;
    if (g < 0) return read_error(rd, "cannot open the group", grp);
    memset(sc, 0, sizeof *sc);
    int rc = read_params(g, &sc->params, rd);
    snprintf(sc->path, sizeof sc->path, "%s", rd->path);
    if (rc == SPR_OK) rc = read_attr_int(g, "replicates", &reps, rd);
    if (rc == SPR_OK && (reps < 1 || reps > INT_MAX / 2))
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: %s has %lld replicates", rd->path, grp, reps);
    if (rc == SPR_OK) rc = read_sweep_point(g, sc, rd);
    if (rc == SPR_OK && (H5Lexists(g, "monthly", H5P_DEFAULT) <= 0 || (mg = H5Gopen2(g, "monthly", H5P_DEFAULT)) < 0))
        rc = read_error(rd, "a group is missing:", "monthly");
    if (rc == SPR_OK) {
        /* the sizes come from attributes and parameters: the population dataset must agree
         * before anything is allocated from them */
        const hsize_t dims[4] = {(hsize_t)reps, 12 * (hsize_t)sc->params.years, SPR_SEXES, SPR_AGE_BANDS};
        hid_t d;
        rc = open_dataset(mg, spr_indicator_describe(SPR_IND_POPULATION)->name, H5T_INTEGER, 4, dims, &d, rd);
        if (rc == SPR_OK) H5Dclose(d);
    }
    int teams = 0;
    if (rc == SPR_OK) rc = count_teams(g, &teams, rd);
    if (rc == SPR_OK)
        rc = spr_results_create((int)reps, 12 * sc->params.years, sc->params.districts, teams, 0, &res, rd->err);
    if (rc == SPR_OK) rc = read_monthly(mg, res, rd);
    if (rc == SPR_OK) rc = read_programme(g, res, rd);
    if (rc == SPR_OK) rc = read_teams_and_districts(g, res, rd);
    if (rc == SPR_OK) rc = read_subgroups(g, res, rd);
    if (rc == SPR_OK) rc = read_draws(g, sc, res, rd);
    if (mg >= 0) H5Gclose(mg);
    H5Gclose(g);
    if (rc == SPR_OK) *out = res;
    else spr_results_destroy(res);
    return rc;
}

/* The names of the scenarios, as many as the file holds. */
typedef struct {
    char (*names)[SPR_NAME_MAX];
    int n, cap, too_long, oom;
} name_list;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    name_list *l = data;
    if (strlen(name) >= SPR_NAME_MAX) {
        l->too_long = 1;
        return 1; /* stops the iteration */
    }
    if (l->n == l->cap) {
        int cap = l->cap * 2 + 16;
        void *v = realloc(l->names, sizeof *l->names * (size_t)cap);
        if (v == NULL) {
            l->oom = 1;
            return 1;
        }
        l->names = v;
        l->cap = cap;
    }
    snprintf(l->names[l->n++], SPR_NAME_MAX, "%s", name);
    return 0;
}

/* The order attribute of each scenario: where it goes (the first is the reference). */
static int scenario_order(hid_t file, const char *name, int n, long long *order, const reader *rd)
{
    char grp[SPR_NAME_MAX + 16];
    snprintf(grp, sizeof grp, "/scenarios/%s", name);
    hid_t sg = H5Gopen2(file, grp, H5P_DEFAULT);
    if (sg < 0) return read_error(rd, "cannot open the group", grp);
    int rc = read_attr_int(sg, "order", order, rd);
    H5Gclose(sg);
    if (rc == SPR_OK && (*order < 0 || *order >= n))
        rc = spr_error_set(rd->err, SPR_ERR_IO, "%s: scenario '%s' has order %lld, outside 0..%d", rd->path, name,
                           *order, n - 1);
    return rc;
}

/* Opens a results file for reading and lists its scenarios (in the order
 * of their names): SPR_ERR_USAGE "no such file" when path does not exist,
 * SPR_ERR_IO when it is not a results file this reader knows.  On success
 * the caller closes *file and frees names->names. */
static int open_results(const char *path, hid_t *file, name_list *names, const reader *rd)
{
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) return spr_error_set(rd->err, SPR_ERR_USAGE, "%s: no such file", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*file < 0) return spr_error_set(rd->err, SPR_ERR_IO, "%s: cannot open as HDF5", path);
    hid_t g = -1;
    int rc = check_format(*file, rd);
    if (rc == SPR_OK && (H5Lexists(*file, "scenarios", H5P_DEFAULT) <= 0 || (g = H5Gopen2(*file, "scenarios", H5P_DEFAULT)) < 0))
        rc = read_error(rd, "a group is missing:", "/scenarios");
    if (rc == SPR_OK && H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_name, names) < 0)
        rc = read_error(rd, "cannot list", "/scenarios");
    if (rc == SPR_OK && (names->oom || names->too_long))
        rc = names->oom ? spr_error_set(rd->err, SPR_ERR_NOMEM, "out of memory listing the scenarios of %s", path)
                        : spr_error_set(rd->err, SPR_ERR_IO, "%s: a scenario name is longer than %d characters", path,
                                        SPR_NAME_MAX - 1);
    if (rc == SPR_OK && names->n == 0) rc = read_error(rd, "no scenarios in", "/scenarios");
    if (g >= 0) H5Gclose(g);
    if (rc != SPR_OK) {
        H5Fclose(*file);
        free(names->names);
        names->names = NULL;
    }
    return rc;
}

int spr_output_read(const char *path, spr_scenario **scenarios, spr_results ***results, int *n, spr_error *err)
{
    reader rd = {path, err};
    hid_t file = -1;
    name_list names = {NULL, 0, 0, 0, 0};
    spr_scenario *sc = NULL;
    spr_results **res = NULL;
    int rc = open_results(path, &file, &names, &rd);
    if (rc != SPR_OK) return rc;
    if (rc == SPR_OK) {
        sc = calloc((size_t)names.n, sizeof *sc);
        res = calloc((size_t)names.n, sizeof *res);
        if (!sc || !res) rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory reading %s", path);
    }
    /* put the scenarios back in the order of the run (the first is the reference) */
    for (int i = 0; i < names.n && rc == SPR_OK; i++) {
        long long order = 0;
        rc = scenario_order(file, names.names[i], names.n, &order, &rd);
        if (rc == SPR_OK && res[order] != NULL)
            rc = spr_error_set(err, SPR_ERR_IO, "%s: scenarios '%s' and another have the same order %lld", path,
                               names.names[i], order);
        if (rc == SPR_OK) rc = read_scenario(file, names.names[i], &sc[order], &res[order], &rd);
    }
    H5Fclose(file);
    if (rc == SPR_OK) {
        *scenarios = sc;
        *results = res;
        *n = names.n;
    } else {
        for (int i = 0; res && i < names.n; i++) spr_results_destroy(res[i]);
        free(res);
        free(sc);
    }
    free(names.names);
    return rc;
}

void spr_scenario_text_free(spr_scenario_text *t)
{
    free(t->yaml);
    for (int k = 0; k < SPR_MUNI_FILES; k++) free(t->municipality[k]);
    memset(t, 0, sizeof *t);
}

/* "a, b, c": the scenarios a file holds, for a message naming a missing one. */
static void join_names(const name_list *names, char *out, size_t size)
{
    out[0] = '\0';
    for (int i = 0; i < names->n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i ? ", " : "", names->names[i]);
    }
}

int spr_output_read_command_line(const char *path, char *buf, size_t size, spr_error *err)
{
    reader rd = {path, err};
    hid_t file = -1, meta = -1;
    name_list names = {NULL, 0, 0, 0, 0};
    int rc = open_results(path, &file, &names, &rd); /* on failure it has closed the file */
    if (rc != SPR_OK) return rc;
    free(names.names);
    if (H5Lexists(file, "meta", H5P_DEFAULT) <= 0 || (meta = H5Gopen2(file, "meta", H5P_DEFAULT)) < 0)
        rc = read_error(&rd, "a group is missing:", "/meta");
    if (rc == SPR_OK) rc = read_spr_h5image_attr_string(meta, "command_line", buf, size, &rd);
    if (meta >= 0) H5Gclose(meta);
    H5Fclose(file);
    return rc;
}

int spr_output_read_scenario_text(const char *path, const char *name, spr_scenario_text *t, spr_error *err)
{
    memset(t, 0, sizeof *t);
    reader rd = {path, err};
    hid_t file = -1, sg = -1, mg = -1;
    name_list names = {NULL, 0, 0, 0, 0};
    int rc = open_results(path, &file, &names, &rd);
    if (rc != SPR_OK) return rc;
    int found = 0;
    for (int i = 0; i < names.n; i++) found |= strcmp(names.names[i], name) == 0;
    if (!found) {
        char list[1024];
        join_names(&names, list, sizeof list);
        rc = spr_error_set(err, SPR_ERR_USAGE, "%s: no scenario '%s' (the file holds: %s)", path, name, list);
    }
    char grp[SPR_NAME_MAX + 16];
    snprintf(grp, sizeof grp, "/scenarios/%s", name);
    if (rc == SPR_OK && (sg = H5Gopen2(file, grp, H5P_DEFAULT)) < 0) rc = read_error(&rd, "cannot open the group", grp);
    if (rc == SPR_OK) rc = read_text_alloc(&DATASET, sg, "scenario_yaml", &t->yaml, &rd);
    if (rc == SPR_OK && H5Lexists(sg, "municipality", H5P_DEFAULT) > 0) {
        if ((mg = H5Gopen2(sg, "municipality", H5P_DEFAULT)) < 0) rc = read_error(&rd, "cannot open the group", "municipality");
        for (int k = 0; k < SPR_MUNI_FILES && rc == SPR_OK; k++) {
            const char *file_name = spr_municipality_file_key[k] + strlen("municipality.");
            if (H5Lexists(mg, file_name, H5P_DEFAULT) > 0)
                rc = read_text_alloc(&DATASET, mg, file_name, &t->municipality[k], &rd);
        }
    }
    if (mg >= 0) H5Gclose(mg);
    if (sg >= 0) H5Gclose(sg);
    H5Fclose(file);
    free(names.names);
    if (rc != SPR_OK) spr_scenario_text_free(t);
    return rc;
}

/* ---- the temporary file's name (shared with sprsim run's signal handlers) -- */

int spr_output_temp_path(const char *path, char *buf, size_t size)
{
    int len = snprintf(buf, size, "%s.tmp-%ld", path, (long)getpid());
    return len >= 0 && (size_t)len < size ? SPR_OK : SPR_ERR_USAGE;
}
