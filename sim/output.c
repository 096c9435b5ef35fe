#include "sprsim/output.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <yaml.h>

#include "sprsim/version.h"

/* Every HDF5 call that can fail goes through CHECK: on failure the function
 * jumps to its cleanup with a message naming what it was doing. */
#define CHECK(expr, what)                                                                       \
    do {                                                                                        \
        if ((expr) < 0) {                                                                       \
            rc = spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot %s (writing %s)", what, path); \
            goto out;                                                                           \
        }                                                                                       \
    } while (0)

static herr_t attr_string(hid_t obj, const char *name, const char *value)
{
    /* variable-length UTF-8: read back as str by h5py and as character by R */
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t st = a < 0 ? -1 : H5Awrite(a, type, &value);
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return st;
}

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
    if (d >= 0 && (H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 || attr_string(d, "units", units) < 0 ||
                   attr_string(d, "description", description) < 0)) {
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

/* One [replicate, month] series of the programme, gathered from the month records. */
static int programme_series(hid_t g, const spr_results *res, const char *name, const char *units, const char *desc,
                            size_t offset, int is_int32, int count, int is_int64)
{
    size_t cells = (size_t)res->replicates * (size_t)res->months * (size_t)count;
    void *buf = malloc(cells * 8);
    if (buf == NULL) return -1;
    for (size_t rm = 0; rm < (size_t)res->replicates * (size_t)res->months; rm++)
        for (int k = 0; k < count; k++) {
            const char *src = (const char *)&res->programme[rm] + offset;
            if (is_int32) ((int32_t *)buf)[rm * count + k] = ((const int32_t *)src)[k];
            else if (is_int64) ((int64_t *)buf)[rm * count + k] = ((const int64_t *)src)[k];
            else ((double *)buf)[rm * count + k] = ((const double *)src)[k];
        }
    hsize_t dims[3] = {(hsize_t)res->replicates, (hsize_t)res->months, (hsize_t)count};
    hsize_t chunk[3] = {1, (hsize_t)res->months, (hsize_t)count};
    hid_t ft = is_int32 ? H5T_STD_I32LE : is_int64 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    hid_t mt = is_int32 ? H5T_NATIVE_INT32 : is_int64 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
    hid_t d = dataset_nd(g, name, ft, mt, count > 1 ? 3 : 2, dims, chunk, buf, units, desc);
    free(buf);
    if (d < 0) return -1;
    H5Dclose(d);
    return 0;
}

#define PSERIES(name, units, desc, field, kind, count)                                                          \
    CHECK(programme_series(pg, res, name, units, desc, offsetof(spr_programme_month, field), kind == 1, count,   \
                           kind == 2),                                                                           \
          "write programme series " name)

static int write_programme(hid_t grp, const spr_results *res, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t pg = -1, d = -1;
    CHECK(pg = H5Gcreate2(grp, "programme", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the programme group");
    CHECK(attr_string(pg, "dimensions", "replicate, month[, category]"), "write dimensions");
    CHECK(attr_string(pg, "referral_sources", "check-up, clinic, public-health nurse, self"), "write sources");
    CHECK(attr_string(pg, "outcomes", "waiting, active, settled, declined, unplaced, dropped, died or moved"),
          "write outcomes");
    CHECK(attr_string(pg, "resource_types", "exercise, hobby, salon, volunteering, culture"), "write types");
    PSERIES("referrals", "persons", "referrals made during the month, by source", referrals, 1, SPR_REFERRAL_SOURCES);
    PSERIES("queue_waiting", "persons", "referred residents waiting for a link worker at the end of the month", waiting, 1, 1);
    PSERIES("caseload", "persons", "open cases at the end of the month", active, 1, 1);
    PSERIES("caseload_places", "persons", "link workers' maximum caseload", places, 1, 1);
    PSERIES("first_contacts", "persons", "cases that started (first contact) during the month", first_contacts, 1, 1);
    PSERIES("wait_mean", "days", "mean wait from referral to first contact, cases started this month", wait_mean_days, 0, 1);
    PSERIES("wait_p90", "days", "90th percentile of that wait", wait_p90_days, 0, 1);
    PSERIES("waited_share", "share", "share of cases started this month that had to queue", waited_share, 0, 1);
    PSERIES("volunteers", "persons", "participants volunteering in their group", volunteers, 1, 1);
    PSERIES("cost_link_workers", "yen", "link workers' salaries and overhead over the month", cost_link_workers_yen, 0, 1);
    PSERIES("cost_resources", "yen", "public cost of the groups: participants and new groups", cost_resources_yen, 0, 1);
    PSERIES("cost_outreach", "yen", "outreach events over the month", cost_outreach_yen, 0, 1);
    PSERIES("outcomes", "persons", "referrals by where they are at the end of the month (cumulative)", outcomes, 2,
            SPR_OUTCOMES);
    PSERIES("referrals_total", "persons", "referrals since the start", referrals_total, 2, 1);
    PSERIES("groups_opened", "groups", "groups opened during the month (budget and volunteers)", groups_opened, 1, 1);
    PSERIES("wait_weeks", "cases", "first contacts during the month by whole weeks waited (0..25, 26+)", wait_weeks, 1,
            SPR_WAIT_WEEKS);
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

/* The parameter draws of a probabilistic sensitivity analysis. */
static int write_draws(hid_t grp, const spr_params *p, const spr_results *res, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t pg = -1, d = -1;
    char names[SPR_MAX_UNCERTAIN * 64] = "";
    size_t n, used = 0;
    const spr_param_def *t = spr_param_table(&n);
    for (int k = 0; k < p->n_uncertain; k++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? "," : "", t[p->uncertain[k].param].key);
    CHECK(pg = H5Gcreate2(grp, "psa", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the psa group");
    CHECK(attr_string(pg, "parameters", names), "write the names of the uncertain parameters");
    CHECK(attr_int64(pg, "replicates_per_draw", p->replicates_per_draw), "write replicates_per_draw");
    const hsize_t dims[2] = {(hsize_t)res->replicates, (hsize_t)res->n_uncertain};
    CHECK(d = dataset_nd(pg, "draws", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, dims, res->draws, "parameter units",
                         "value of each uncertain parameter (attribute 'parameters') in each replicate"),
          "write the draws");
    H5Dclose(d);
    d = -1;
out:
    if (d >= 0) H5Dclose(d);
    if (pg >= 0) H5Gclose(pg);
    return rc;
}

static int write_scenario(hid_t file, const spr_scenario *sc, const spr_results *res, int order, const char *path,
                          spr_error *err)
{
    int rc = SPR_OK;
    hid_t g = -1, mg = -1, d = -1;
    char grp[128], hash[32];
    snprintf(grp, sizeof grp, "/scenarios/%s", sc->params.name);
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)sc->hash);
    CHECK(g = H5Gcreate2(file, grp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the scenario group");
    CHECK(attr_string(g, "description", sc->params.description), "write description");
    CHECK(attr_string(g, "source_file", sc->path), "write source_file");
    CHECK(attr_string(g, "scenario_hash_fnv1a64", hash), "write scenario hash");
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
        CHECK(attr_string(g, "sweep_of", sc->sweep_of), "write the sweep name");
        CHECK(attr_string(g, "sweep_parameter", sc->sweep_key), "write the swept parameter");
    }
    CHECK(dataset_string(g, "scenario_yaml", sc->resolved_yaml), "write the resolved scenario");
    rc = write_parameters(g, &sc->params, path, err);
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
    CHECK(mg = H5Gcreate2(g, "monthly", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create the monthly group");
    CHECK(attr_string(mg, "dimensions", "replicate, month, sex, age_band"), "write dimensions");

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
    const double *costs[2] = {res->medical_yen, res->ltc_yen};
    const char *cost_names[2] = {"medical_cost", "ltc_cost"};
    const char *cost_desc[2] = {"medical expenditure over the month", "long-term-care spending over the month"};
    for (int k = 0; k < 2; k++) {
        CHECK(d = dataset_nd(mg, cost_names[k], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 4, dims, chunk, costs[k], "yen",
                             cost_desc[k]), "write costs");
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
    rc = write_programme(g, res, path, err);
    if (rc == SPR_OK && res->n_uncertain > 0) rc = write_draws(g, &sc->params, res, path, err);
out:
    if (d >= 0) H5Dclose(d);
    if (mg >= 0) H5Gclose(mg);
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
        char names[SPR_SWEEP_MAX_POINTS * 8] = "", params[256] = "";
        size_t used = 0, pu = 0;
        for (int p = 0; p < sc[i].sweep.n_params; p++)
            pu += (size_t)snprintf(params + pu, sizeof params - pu, "%s%s", p ? "," : "", t[sc[i].sweep.param[p]].key);
        for (int j = i; j < k && used + SPR_NAME_MAX + 2 < sizeof names; j++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", j > i ? "," : "", sc[j].params.name);
        CHECK(attr_string(g, "points", names), "write the sweep's points");
        CHECK(attr_string(g, "parameters", params), "write the swept parameters");
        /* the grid's axes: the distinct values of each coordinate */
        int n_params = 0;
        for (int p = 0; p < SPR_SWEEP_MAX_PARAMS; p++) {
            double *vals = malloc(sizeof(double) * (size_t)(k - i));
            int nv = 0;
            for (int j = i; vals && j < k; j++) {
                int seen = 0;
                for (int q = 0; q < nv; q++) seen |= vals[q] == sc[j].sweep_at[p];
                if (!seen) vals[nv++] = sc[j].sweep_at[p];
            }
            if (vals && (nv > 1 || p == 0)) {
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

int spr_output_write(const char *path, const spr_scenario *scenarios, spr_results *const *results, int n,
                     const spr_run_info *info, spr_error *err)
{
    int rc = SPR_OK;
    hid_t file = -1, g = -1;
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* the library reports errors through spr_error, never prints */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(scenarios[i].params.name, scenarios[j].params.name) == 0)
                return spr_error_set(err, SPR_ERR_SCENARIO,
                                     "two scenarios are named '%s' (%s and %s): give each a distinct 'name'",
                                     scenarios[i].params.name, scenarios[j].path, scenarios[i].path);
    file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) return spr_error_set(err, SPR_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    CHECK(attr_string(file, "format", "sprsim results"), "write format");
    CHECK(attr_int64(file, "format_version", 1), "write format_version");
    CHECK(g = H5Gcreate2(file, "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create /meta");
    char v[128];
    CHECK(attr_string(g, "sprsim_version", SPRSIM_VERSION), "write version");
    CHECK(attr_string(g, "git_commit", SPRSIM_GIT_COMMIT), "write git commit");
    CHECK(attr_string(g, "gsl_version", gsl_version), "write GSL version");
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    snprintf(v, sizeof v, "%u.%u.%u", maj, min, rel);
    CHECK(attr_string(g, "hdf5_version", v), "write HDF5 version");
    CHECK(attr_string(g, "libyaml_version", yaml_get_version_string()), "write libyaml version");
    CHECK(attr_string(g, "command_line", info->command_line), "write command line");
    CHECK(attr_string(g, "start_time_utc", info->start_time_utc), "write start time");
    CHECK(attr_int64(g, "threads", info->threads), "write threads");
    CHECK(attr_string(g, "rng", "Random123 Philox4x32-10; key = seed; counter = {id, month, replicate<<8|purpose, draw}"),
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
out:
    if (g >= 0) H5Gclose(g);
    if (file >= 0 && H5Fclose(file) < 0 && rc == SPR_OK)
        rc = spr_error_set(err, SPR_ERR_HDF5, "HDF5: cannot close %s", tmp);
    if (rc == SPR_OK && rename(tmp, path) != 0)
        rc = spr_error_set(err, SPR_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (rc != SPR_OK) remove(tmp);
    return rc;
}

/* ---- reading a results file back (for sprsim report) --------------------- */

#define RCHECK(expr, what)                                                                              \
    do {                                                                                                \
        if ((expr) < 0) {                                                                               \
            rc = spr_error_set(err, SPR_ERR_IO, "%s: cannot read %s (is it a sprsim results file?)", path, what); \
            goto out;                                                                                   \
        }                                                                                               \
    } while (0)

static herr_t read_doubles(hid_t loc, const char *name, double *out)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) return -1;
    herr_t st = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    H5Dclose(d);
    return st;
}

static herr_t read_ints(hid_t loc, const char *name, hid_t memtype, void *out)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) return -1;
    herr_t st = H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    H5Dclose(d);
    return st;
}

static herr_t read_string(hid_t loc, const char *name, char *out, size_t outsz)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char *s = NULL;
    herr_t st = H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s);
    if (st >= 0 && s != NULL) {
        snprintf(out, outsz, "%s", s);
        H5free_memory(s);
    }
    H5Tclose(type);
    H5Dclose(d);
    return st;
}

static herr_t read_attr_int(hid_t obj, const char *name, long long *v)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    herr_t st = H5Aread(a, H5T_NATIVE_LLONG, v);
    H5Aclose(a);
    return st;
}

static int read_params(hid_t g, spr_params *p, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t pg = H5Gopen2(g, "parameters", H5P_DEFAULT);
    size_t n;
    const spr_param_def *t = spr_param_table(&n);
    double v[SPR_LIFE_AGES];
    RCHECK(pg, "the parameters");
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        char *base = (char *)p + t[i].offset;
        if (t[i].type == SPR_PT_STRING) {
            RCHECK(read_string(pg, t[i].key, base, i == 0 ? SPR_NAME_MAX : SPR_TEXT_MAX), t[i].key);
            continue;
        }
        RCHECK(read_doubles(pg, t[i].key, v), t[i].key);
        if (t[i].count > 1) memcpy(base, v, sizeof(double) * (size_t)t[i].count);
        else spr_param_set(p, &t[i], v[0]);
    }
out:
    if (pg >= 0) H5Gclose(pg);
    return rc;
}

static int read_programme(hid_t g, spr_results *res, const char *path, spr_error *err)
{
    int rc = SPR_OK;
    hid_t pg = H5Gopen2(g, "programme", H5P_DEFAULT);
    size_t rm = (size_t)res->replicates * (size_t)res->months;
    double *f = malloc(sizeof(double) * rm * SPR_OUTCOMES);
    int32_t *i32 = malloc(sizeof(int32_t) * rm * SPR_WAIT_WEEKS);
    int64_t *i64 = malloc(sizeof(int64_t) * rm * SPR_OUTCOMES);
    RCHECK(pg, "the programme group");
    if (!f || !i32 || !i64) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
        goto out;
    }
#define GET_I32(name, field)                                                               \
    RCHECK(read_ints(pg, name, H5T_NATIVE_INT32, i32), "programme/" name);                 \
    for (size_t k = 0; k < rm; k++) res->programme[k].field = i32[k];
#define GET_F64(name, field)                                                               \
    RCHECK(read_doubles(pg, name, f), "programme/" name);                                  \
    for (size_t k = 0; k < rm; k++) res->programme[k].field = f[k];
    RCHECK(read_ints(pg, "referrals", H5T_NATIVE_INT32, i32), "programme/referrals");
    for (size_t k = 0; k < rm; k++)
        for (int s = 0; s < SPR_REFERRAL_SOURCES; s++) res->programme[k].referrals[s] = i32[k * SPR_REFERRAL_SOURCES + s];
    GET_I32("queue_waiting", waiting);
    GET_I32("caseload", active);
    GET_I32("caseload_places", places);
    GET_I32("first_contacts", first_contacts);
    GET_I32("volunteers", volunteers);
    GET_I32("groups_opened", groups_opened);
    RCHECK(read_ints(pg, "wait_weeks", H5T_NATIVE_INT32, i32), "programme/wait_weeks");
    for (size_t k = 0; k < rm; k++)
        for (int w = 0; w < SPR_WAIT_WEEKS; w++) res->programme[k].wait_weeks[w] = i32[k * SPR_WAIT_WEEKS + w];
    GET_F64("wait_mean", wait_mean_days);
    GET_F64("wait_p90", wait_p90_days);
    GET_F64("waited_share", waited_share);
    GET_F64("cost_link_workers", cost_link_workers_yen);
    GET_F64("cost_resources", cost_resources_yen);
    GET_F64("cost_outreach", cost_outreach_yen);
#undef GET_I32
#undef GET_F64
    RCHECK(read_ints(pg, "outcomes", H5T_NATIVE_INT64, i64), "programme/outcomes");
    for (size_t k = 0; k < rm; k++)
        for (int o = 0; o < SPR_OUTCOMES; o++) res->programme[k].outcomes[o] = i64[k * SPR_OUTCOMES + o];
    RCHECK(read_ints(pg, "referrals_total", H5T_NATIVE_INT64, i64), "programme/referrals_total");
    for (size_t k = 0; k < rm; k++) res->programme[k].referrals_total = i64[k];
    RCHECK(read_ints(pg, "participants", H5T_NATIVE_INT32, res->group_participants), "programme/participants");
    RCHECK(read_doubles(pg, "places", res->group_places), "programme/places");
    RCHECK(read_ints(pg, "wait_histogram", H5T_NATIVE_INT32, res->wait_histogram), "programme/wait_histogram");
out:
    free(f);
    free(i32);
    free(i64);
    if (pg >= 0) H5Gclose(pg);
    return rc;
}

static int read_scenario(hid_t file, const char *name, spr_scenario *sc, spr_results **out, const char *path,
                         spr_error *err)
{
    int rc = SPR_OK;
    char grp[160];
    snprintf(grp, sizeof grp, "/scenarios/%s", name);
    hid_t g = H5Gopen2(file, grp, H5P_DEFAULT), mg = -1;
    spr_results *res = calloc(1, sizeof *res);
    long long reps = 0;
    int32_t *buf = NULL;
    RCHECK(g, grp);
    if (res == NULL) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
        goto out;
    }
    memset(sc, 0, sizeof *sc);
    rc = read_params(g, &sc->params, path, err);
    if (rc != SPR_OK) goto out;
    snprintf(sc->path, sizeof sc->path, "%s", path);
    RCHECK(read_attr_int(g, "replicates", &reps), "replicates");
    if (H5Aexists(g, "sweep_of") > 0) {
        hid_t a = H5Aopen(g, "sweep_of", H5P_DEFAULT), ty = H5Tcopy(H5T_C_S1);
        H5Tset_size(ty, H5T_VARIABLE);
        H5Tset_cset(ty, H5T_CSET_UTF8);
        char *s = NULL;
        if (a >= 0 && H5Aread(a, ty, &s) >= 0 && s) {
            snprintf(sc->sweep_of, sizeof sc->sweep_of, "%s", s);
            H5free_memory(s);
        }
        H5Tclose(ty);
        if (a >= 0) H5Aclose(a);
        a = H5Aopen(g, "sweep_parameter", H5P_DEFAULT);
        s = NULL;
        ty = H5Tcopy(H5T_C_S1);
        H5Tset_size(ty, H5T_VARIABLE);
        H5Tset_cset(ty, H5T_CSET_UTF8);
        if (a >= 0 && H5Aread(a, ty, &s) >= 0 && s) {
            snprintf(sc->sweep_key, sizeof sc->sweep_key, "%s", s);
            H5free_memory(s);
        }
        H5Tclose(ty);
        if (a >= 0) H5Aclose(a);
        a = H5Aopen(g, "sweep_at", H5P_DEFAULT);
        if (a >= 0) {
            H5Aread(a, H5T_NATIVE_DOUBLE, sc->sweep_at);
            H5Aclose(a);
        }
    }
    res->replicates = (int)reps;
    res->months = 12 * sc->params.years;
    res->districts = sc->params.districts;
    size_t rm = (size_t)res->replicates * (size_t)res->months, cells = rm * SPR_SEXES * SPR_AGE_BANDS;
    size_t groups = rm * SPR_RESOURCE_TYPES * (size_t)res->districts;
    res->counts = calloc(cells * SPR_IND_COUNT, sizeof *res->counts);
    res->medical_yen = calloc(cells, sizeof *res->medical_yen);
    res->ltc_yen = calloc(cells, sizeof *res->ltc_yen);
    res->district_population = calloc(rm * (size_t)res->districts, sizeof *res->district_population);
    res->programme = calloc(rm, sizeof *res->programme);
    res->group_participants = calloc(groups, sizeof *res->group_participants);
    res->group_places = calloc(groups, sizeof *res->group_places);
    res->wait_histogram = calloc((size_t)res->replicates * SPR_WAIT_DAYS, sizeof *res->wait_histogram);
    buf = malloc(cells * sizeof *buf);
    if (!res->counts || !res->medical_yen || !res->ltc_yen || !res->district_population || !res->programme ||
        !res->group_participants || !res->group_places || !res->wait_histogram || !buf) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory reading %s", path);
        goto out;
    }
    RCHECK(mg = H5Gopen2(g, "monthly", H5P_DEFAULT), "monthly");
    for (int ind = 0; ind < SPR_IND_COUNT; ind++) {
        RCHECK(read_ints(mg, spr_indicator_describe(ind)->name, H5T_NATIVE_INT32, buf), spr_indicator_describe(ind)->name);
        size_t cell = SPR_SEXES * SPR_AGE_BANDS;
        for (size_t k = 0; k < rm; k++)
            memcpy(res->counts + spr_results_index(res, (int)(k / res->months), (int)(k % res->months), ind, 0, 0),
                   buf + k * cell, sizeof(int32_t) * cell);
    }
    RCHECK(read_doubles(mg, "medical_cost", res->medical_yen), "medical_cost");
    RCHECK(read_doubles(mg, "ltc_cost", res->ltc_yen), "ltc_cost");
    RCHECK(read_ints(mg, "district_population", H5T_NATIVE_INT32, res->district_population), "district_population");
    rc = read_programme(g, res, path, err);
    if (rc != SPR_OK) goto out;
    if (H5Lexists(g, "psa", H5P_DEFAULT) > 0) {
        hid_t pg = H5Gopen2(g, "psa", H5P_DEFAULT);
        hid_t d = pg >= 0 ? H5Dopen2(pg, "draws", H5P_DEFAULT) : -1;
        hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
        hsize_t dims[2] = {0, 0};
        if (sp >= 0) H5Sget_simple_extent_dims(sp, dims, NULL);
        res->n_uncertain = (int)dims[1];
        res->draws = calloc((size_t)res->replicates * (dims[1] + 1), sizeof *res->draws);
        herr_t st = (d >= 0 && res->draws) ? H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, res->draws) : -1;
        long long rpd = 1;
        if (pg >= 0) read_attr_int(pg, "replicates_per_draw", &rpd);
        sc->params.replicates_per_draw = (int)rpd;
        if (sp >= 0) H5Sclose(sp);
        if (d >= 0) H5Dclose(d);
        if (pg >= 0) H5Gclose(pg);
        RCHECK(st, "psa/draws");
    }
out:
    free(buf);
    if (mg >= 0) H5Gclose(mg);
    if (g >= 0) H5Gclose(g);
    if (rc == SPR_OK) *out = res;
    else spr_results_destroy(res);
    return rc;
}

typedef struct {
    char names[64][SPR_NAME_MAX];
    int n;
} name_list;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    name_list *l = data;
    if (l->n < 64) snprintf(l->names[l->n++], SPR_NAME_MAX, "%s", name);
    return 0;
}

int spr_output_read(const char *path, spr_scenario **scenarios, spr_results ***results, int *n, spr_error *err)
{
    int rc = SPR_OK;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), g = -1;
    name_list *names = calloc(1, sizeof *names);
    spr_scenario *sc = NULL;
    spr_results **res = NULL;
    if (file < 0) {
        free(names);
        return spr_error_set(err, SPR_ERR_IO, "%s: cannot open as HDF5", path);
    }
    RCHECK(g = H5Gopen2(file, "scenarios", H5P_DEFAULT), "/scenarios");
    RCHECK(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_name, names), "the scenario names");
    sc = calloc((size_t)names->n + 1, sizeof *sc);
    res = calloc((size_t)names->n + 1, sizeof *res);
    if (!sc || !res) {
        rc = spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* put the scenarios back in the order of the run (the first is the reference) */
    for (int i = 0; i < names->n && rc == SPR_OK; i++) {
        char grp[160];
        long long order = i;
        snprintf(grp, sizeof grp, "/scenarios/%s", names->names[i]);
        hid_t sg = H5Gopen2(file, grp, H5P_DEFAULT);
        if (sg >= 0) {
            read_attr_int(sg, "order", &order);
            H5Gclose(sg);
        }
        if (order < 0 || order >= names->n || res[order] != NULL) {
            rc = spr_error_set(err, SPR_ERR_IO, "%s: scenario '%s' has a bad order attribute", path, names->names[i]);
            break;
        }
        rc = read_scenario(file, names->names[i], &sc[order], &res[order], path, err);
    }
out:
    if (g >= 0) H5Gclose(g);
    H5Fclose(file);
    if (rc == SPR_OK) {
        *scenarios = sc;
        *results = res;
        *n = names->n;
    } else {
        for (int i = 0; res && i < names->n; i++) spr_results_destroy(res[i]);
        free(res);
        free(sc);
    }
    free(names);
    return rc;
}
