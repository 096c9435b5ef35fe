#include "sprsim/municipality.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sprsim/csv.h"
#include "sprsim/programme.h" /* spr_resource_type_name: the groups' types */
#include "sprsim/scenario.h" /* spr_did_you_mean */

#define MAX_RESIDENTS_PER_CELL 1000000000 /* a band of one sex in one district: far above any real one */
#define FIRST_YEAR 1900
#define LAST_YEAR 2200
#define NAME_RULE "a name of 1 to 47 bytes"
_Static_assert(SPR_MUNI_NAME_MAX == 48, "NAME_RULE states the name length");
_Static_assert(SPR_MUNI_MAX_DISTRICTS <= 255, "a district index fits a byte (spr_district.neighbour, spr_group_record.district)");

typedef struct {
    const spr_params *p;
    spr_municipality *m;
    spr_error *err;
    char *district_list; /* "a, b, c": for messages and hints */
    spr_csv_cell residents_cell[SPR_MUNI_MAX_DISTRICTS]; /* where the residents file names it */
    size_t districts_row[SPR_MUNI_MAX_DISTRICTS]; /* its row in the districts file + 1; 0: none yet */
    int team_line[SPR_MAX_TEAMS]; /* the districts file's line that names the team first */
} loader;

/* ---- names ---- */

/* A district's, team's or group's name: not blank, fits SPR_MUNI_NAME_MAX;
 * a district's has no ';' (it separates the neighbours). */
static int check_name(const spr_csv *t, size_t r, int c, int is_district, spr_error *err)
{
    const char *s = spr_csv_at(t, r, c)->text;
    const char *rule = is_district ? NAME_RULE " without ';'" : NAME_RULE;
    if (s[0] == '\0') return spr_csv_fail(t, r, c, err, "the cell is blank; allowed: %s", rule);
    if (strlen(s) >= SPR_MUNI_NAME_MAX) return spr_csv_fail(t, r, c, err, "'%.100s' is too long; allowed: %s", s, rule);
    if (is_district && strchr(s, ';')) return spr_csv_fail(t, r, c, err, "'%.100s' holds a ';'; allowed: %s", s, rule);
    return SPR_OK;
}

static int district_index(const spr_municipality *m, const char *name)
{
    for (int d = 0; d < m->n_districts; d++)
        if (strcmp(m->district[d].name, name) == 0) return d;
    return -1;
}

static int team_index(const spr_municipality *m, const char *name)
{
    for (int k = 0; k < m->n_teams; k++)
        if (strcmp(m->team[k].name, name) == 0) return k;
    return -1;
}

/* "'NAME' is not a KIND (did you mean 'X'?); allowed: LIST" at the cell. */
static int unknown_name(const spr_csv *t, size_t r, int c, const char *name, const char *kind, const char *list, spr_error *err)
{
    char hint[200];
    spr_did_you_mean(name, list, hint, sizeof hint);
    return spr_csv_fail(t, r, c, err, "'%.100s' is not %s%s; allowed: %s", name, kind, hint, list);
}

/* The district named in cell (r, c), which the residents file must know. */
static int known_district(const loader *L, const spr_csv *t, size_t r, int c, const char *name, int *d)
{
    *d = district_index(L->m, name);
    if (*d >= 0) return SPR_OK;
    char kind[SPR_TEXT_MAX + 40];
    snprintf(kind, sizeof kind, "a district of %s", L->p->muni_residents_file);
    return unknown_name(t, r, c, name, kind, L->district_list, L->err);
}

static int make_district_list(loader *L)
{
    size_t size = (size_t)L->m->n_districts * (SPR_MUNI_NAME_MAX + 2) + 1, used = 0;
    if ((L->district_list = malloc(size)) == NULL) return spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
    L->district_list[0] = '\0';
    for (int d = 0; d < L->m->n_districts; d++)
        used += (size_t)snprintf(L->district_list + used, size - used, "%s%s", d ? ", " : "", L->m->district[d].name);
    return SPR_OK;
}

/* Reads the file at path (named by the setting key), hands it to use and
 * adds its bytes to the municipality's hash. */
const char *const spr_municipality_file_key[SPR_MUNI_FILES] = {
    "municipality.residents_file", "municipality.districts_file", "municipality.groups_file", "municipality.teams_file"};

static int with_table(loader *L, const char *path, int file, int (*use)(loader *, const spr_csv *))
{
    spr_csv t;
    int rc = spr_csv_read(path, spr_municipality_file_key[file], &t, L->err);
    if (rc != SPR_OK) return rc;
    L->m->hash = spr_fnv1a64_bytes(L->m->hash, t.bytes, t.n_bytes);
    L->m->text[file] = malloc(t.n_bytes + 1);
    if (L->m->text[file] == NULL) rc = spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory keeping %s", path);
    else {
        memcpy(L->m->text[file], t.bytes, t.n_bytes);
        L->m->text[file][t.n_bytes] = '\0';
        rc = use(L, &t);
    }
    spr_csv_free(&t);
    return rc;
}

/* ---- residents: district,sex,0-4,...,100+ ---- */

enum { RES_DISTRICT, RES_SEX, RES_BAND0, RES_COLUMNS = RES_BAND0 + SPR_AGE_BANDS };

/* The district of residents row r, added when new. */
static int residents_district(loader *L, const spr_csv *t, size_t r, int *d)
{
    spr_municipality *m = L->m;
    const spr_csv_cell *cell = spr_csv_at(t, r, RES_DISTRICT);
    int rc = check_name(t, r, RES_DISTRICT, 1, L->err);
    if (rc != SPR_OK || (*d = district_index(m, cell->text)) >= 0) return rc;
    if (m->n_districts == SPR_MUNI_MAX_DISTRICTS)
        return spr_csv_fail(t, r, RES_DISTRICT, L->err, "'%.100s' is district %d; allowed: at most %d districts", cell->text,
                            m->n_districts + 1, SPR_MUNI_MAX_DISTRICTS);
    *d = m->n_districts++;
    snprintf(m->district[*d].name, sizeof m->district[*d].name, "%s", cell->text);
    m->district[*d].living_alone_65 = m->district[*d].isolated_65 = NAN; /* until a districts file gives them */
    L->residents_cell[*d] = *cell;
    return SPR_OK;
}

static int residents_row(loader *L, const spr_csv *t, size_t r, size_t seen[][SPR_SEXES])
{
    int d, sex, rc = residents_district(L, t, r, &d);
    if (rc == SPR_OK) rc = spr_csv_choice(t, r, RES_SEX, SPR_SEX_NAMES, &sex, L->err);
    if (rc != SPR_OK) return rc;
    if (seen[d][sex])
        return spr_csv_fail(t, r, RES_SEX, L->err,
                            "a second %s row for district '%s' (the first is line %d); allowed: one row per district and sex",
                            sex == SPR_MALE ? "male" : "female", L->m->district[d].name, spr_csv_at(t, seen[d][sex] - 1, RES_SEX)->line);
    seen[d][sex] = r + 1;
    for (int b = 0; b < SPR_AGE_BANDS && rc == SPR_OK; b++) {
        int64_t *n = &L->m->district[d].residents[sex][b];
        rc = spr_csv_whole(t, r, RES_BAND0 + b, 0, MAX_RESIDENTS_PER_CELL, n, L->err);
        L->m->total += *n;
    }
    return rc;
}

/* Every district has a male and a female row. */
static int check_both_sexes(const loader *L, const spr_csv *t, size_t seen[][SPR_SEXES])
{
    for (int d = 0; d < L->m->n_districts; d++)
        for (int sex = 0; sex < SPR_SEXES; sex++)
            if (!seen[d][sex])
                return spr_csv_fail(t, seen[d][1 - sex] - 1, RES_SEX, L->err,
                                    "district '%s' has this %s row but no %s row; allowed: one row per district and sex (%s)",
                                    L->m->district[d].name, sex == SPR_MALE ? "female" : "male", sex == SPR_MALE ? "male" : "female",
                                    SPR_SEX_NAMES);
    return SPR_OK;
}

static int use_residents(loader *L, const spr_csv *t)
{
    char band[SPR_AGE_BANDS][8];
    const char *names[RES_COLUMNS] = {"district", "sex"};
    for (int b = 0; b < SPR_AGE_BANDS; b++) {
        if (b + 1 < SPR_AGE_BANDS)
            snprintf(band[b], sizeof band[b], "%d-%d", 5 * b, 5 * b + 4);
        else
            snprintf(band[b], sizeof band[b], "%d+", 5 * b);
        names[RES_BAND0 + b] = band[b];
    }
    int index[RES_COLUMNS];
    int rc = spr_csv_columns(t, names, RES_COLUMNS, RES_COLUMNS, index, L->err);
    if (rc != SPR_OK) return rc;
    /* the columns in their documented order: the cells can then be read by position */
    for (int k = 0; k < RES_COLUMNS; k++)
        if (index[k] != k)
            return spr_error_set(L->err, SPR_ERR_SCENARIO,
                                 "%s:%d:%d: column '%s' is column %d; allowed: the columns in the order %s, %s, %s, ..., %s", t->path,
                                 t->header[index[k]].line, t->header[index[k]].column, names[k], index[k] + 1, names[0], names[1], names[2],
                                 names[RES_COLUMNS - 1]);
    if (t->n_rows == 0) return spr_error_set(L->err, SPR_ERR_SCENARIO, "%s: no district (the table has a header but no row)", t->path);
    size_t(*seen)[SPR_SEXES] = calloc(SPR_MUNI_MAX_DISTRICTS, sizeof *seen); /* row + 1 of each district's row per sex */
    if (seen == NULL) return spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < t->n_rows && rc == SPR_OK; r++) rc = residents_row(L, t, r, seen);
    if (rc == SPR_OK) rc = check_both_sexes(L, t, seen);
    free(seen);
    return rc;
}

static int check_total(const loader *L)
{
    if (L->m->total == L->p->population) return SPR_OK;
    return spr_error_set(
        L->err, SPR_ERR_SCENARIO,
        "%s: the residents total %lld differs from simulation.population = %lld (set simulation.population: %lld in the scenario)",
        L->p->muni_residents_file, (long long)L->m->total, (long long)L->p->population, (long long)L->m->total);
}

/* ---- districts: district,team,neighbours,living_alone_65,isolated_65 ---- */

enum { DIS_DISTRICT, DIS_TEAM, DIS_NEIGHBOURS, DIS_ALONE, DIS_ISOLATED, DIS_COLUMNS };

static int share_or_nan(const spr_csv *t, size_t r, int c, double *out, spr_error *err)
{
    *out = NAN;
    return spr_csv_blank(t, r, c) ? SPR_OK : spr_csv_number(t, r, c, (spr_csv_bounds){0, 1, 0}, out, err);
}

/* The team named in row r (teams numbered in order of first appearance). */
static int district_team(loader *L, const spr_csv *t, size_t r, int c, int *team)
{
    spr_municipality *m = L->m;
    const char *name = spr_csv_at(t, r, c)->text;
    if (spr_csv_blank(t, r, c))
        return spr_csv_fail(t, r, c, L->err, "the cell is blank; allowed: %s (every district needs its team when the column is given)",
                            NAME_RULE);
    int rc = check_name(t, r, c, 0, L->err);
    if (rc != SPR_OK || (*team = team_index(m, name)) >= 0) return rc;
    if (m->n_teams == SPR_MAX_TEAMS)
        return spr_csv_fail(t, r, c, L->err, "'%.100s' is team %d; allowed: at most %d teams", name, m->n_teams + 1, SPR_MAX_TEAMS);
    *team = m->n_teams++;
    snprintf(m->team[*team].name, sizeof m->team[*team].name, "%s", name);
    m->team[*team].fte = NAN;
    L->team_line[*team] = spr_csv_at(t, r, c)->line;
    return SPR_OK;
}

/* One name of a neighbours list: known, not d itself, not listed before. */
static int add_neighbour(loader *L, const spr_csv *t, size_t r, int c, int d, const char *name)
{
    spr_district *D = &L->m->district[d];
    int e;
    if (name[0] == '\0') return spr_csv_fail(t, r, c, L->err, "an empty name in the list; allowed: district names separated by ';'");
    int rc = known_district(L, t, r, c, name, &e);
    if (rc != SPR_OK) return rc;
    if (e == d) return spr_csv_fail(t, r, c, L->err, "district '%s' lists itself; allowed: the other districts", name);
    for (int k = 0; k < D->n_neighbours; k++)
        if (D->neighbour[k] == e) return spr_csv_fail(t, r, c, L->err, "'%s' is listed twice; allowed: each neighbour once", name);
    if (D->n_neighbours == SPR_MAX_NEIGHBOURS)
        return spr_csv_fail(t, r, c, L->err, "more than %d neighbours; allowed: at most %d", SPR_MAX_NEIGHBOURS, SPR_MAX_NEIGHBOURS);
    D->neighbour[D->n_neighbours++] = (uint8_t)e;
    return SPR_OK;
}

/* The ';'-separated neighbours of district d, in the file's order. */
static int district_neighbours(loader *L, const spr_csv *t, size_t r, int c, int d)
{
    int rc = SPR_OK;
    for (const char *s = spr_csv_at(t, r, c)->text; *s && rc == SPR_OK;) {
        size_t len = strcspn(s, ";");
        char name[SPR_MUNI_NAME_MAX + 1];
        while (len > 0 && (*s == ' ' || *s == '\t')) s++, len--;
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
        if (len >= sizeof name) return unknown_name(t, r, c, s, "a district (too long)", L->district_list, L->err);
        snprintf(name, sizeof name, "%.*s", (int)len, s);
        rc = add_neighbour(L, t, r, c, d, name);
        s += strcspn(s, ";");
        if (*s == ';' && *++s == '\0')
            rc = spr_csv_fail(t, r, c, L->err, "the list ends with ';'; allowed: district names separated by ';'");
    }
    return rc;
}

static int districts_row(loader *L, const spr_csv *t, size_t r, const int *col)
{
    int d;
    const char *name = spr_csv_at(t, r, col[DIS_DISTRICT])->text;
    int rc = known_district(L, t, r, col[DIS_DISTRICT], name, &d);
    if (rc != SPR_OK) return rc;
    if (L->districts_row[d])
        return spr_csv_fail(t, r, col[DIS_DISTRICT], L->err,
                            "district '%s' is given twice (the first is line %d); allowed: one row per district", name,
                            spr_csv_at(t, L->districts_row[d] - 1, col[DIS_DISTRICT])->line);
    L->districts_row[d] = r + 1;
    spr_district *D = &L->m->district[d];
    if (col[DIS_TEAM] >= 0) rc = district_team(L, t, r, col[DIS_TEAM], &D->team);
    if (rc == SPR_OK && col[DIS_NEIGHBOURS] >= 0) rc = district_neighbours(L, t, r, col[DIS_NEIGHBOURS], d);
    if (rc == SPR_OK) rc = share_or_nan(t, r, col[DIS_ALONE], &D->living_alone_65, L->err);
    if (rc == SPR_OK) rc = share_or_nan(t, r, col[DIS_ISOLATED], &D->isolated_65, L->err);
    return rc;
}

static int lists(const spr_district *D, int e)
{
    for (int k = 0; k < D->n_neighbours; k++)
        if (D->neighbour[k] == e) return 1;
    return 0;
}

/* If A lists B then B lists A: a resident may cross the border either way. */
static int check_symmetric(const loader *L, const spr_csv *t, int c)
{
    const spr_municipality *m = L->m;
    for (int d = 0; d < m->n_districts; d++)
        for (int k = 0; k < m->district[d].n_neighbours; k++) {
            int e = m->district[d].neighbour[k];
            if (lists(&m->district[e], d)) continue;
            return spr_csv_fail(t, L->districts_row[d] - 1, c, L->err,
                                "'%s' lists '%s' as a neighbour but the row of '%s' (line %d) does not list '%s'; allowed: "
                                "symmetric neighbours (each pair in both rows)",
                                m->district[d].name, m->district[e].name, m->district[e].name,
                                spr_csv_at(t, L->districts_row[e] - 1, c)->line, m->district[d].name);
        }
    return SPR_OK;
}

static int use_districts(loader *L, const spr_csv *t)
{
    static const char *const names[DIS_COLUMNS] = {"district", "team", "neighbours", "living_alone_65", "isolated_65"};
    int col[DIS_COLUMNS];
    int rc = spr_csv_columns(t, names, DIS_COLUMNS, 1, col, L->err);
    L->m->teams_from_file = col[DIS_TEAM] >= 0;
    for (size_t r = 0; r < t->n_rows && rc == SPR_OK; r++) rc = districts_row(L, t, r, col);
    for (int d = 0; d < L->m->n_districts && rc == SPR_OK; d++)
        if (!L->districts_row[d])
            rc = spr_error_set(
                L->err, SPR_ERR_SCENARIO,
                "%s: no row for district '%s' (named at %s:%d:%d); allowed: one row for every district of the residents file", t->path,
                L->m->district[d].name, L->p->muni_residents_file, L->residents_cell[d].line, L->residents_cell[d].column);
    if (rc == SPR_OK && col[DIS_NEIGHBOURS] >= 0) rc = check_symmetric(L, t, col[DIS_NEIGHBOURS]);
    return rc;
}

/* Without a team column: one team per district (link_workers.per_district)
 * or one pooled team for the municipality. */
static int default_teams(loader *L)
{
    spr_municipality *m = L->m;
    int per_district = L->p->lw_per_district;
    if (per_district && m->n_districts > SPR_MAX_TEAMS)
        return spr_error_set(L->err, SPR_ERR_SCENARIO,
                             "%s: %d districts, one link-worker team each (link_workers.per_district), but at most %d teams are "
                             "allowed; give the districts a team column in municipality.districts_file",
                             L->p->muni_residents_file, m->n_districts, SPR_MAX_TEAMS);
    m->n_teams = per_district ? m->n_districts : 1;
    for (int k = 0; k < m->n_teams; k++) {
        snprintf(m->team[k].name, sizeof m->team[k].name, "%s", per_district ? m->district[k].name : "municipality");
        m->team[k].fte = NAN;
    }
    for (int d = 0; d < m->n_districts; d++) m->district[d].team = per_district ? d : 0;
    return SPR_OK;
}

/* ---- teams: team,fte ---- */

static int use_teams(loader *L, const spr_csv *t)
{
    static const char *const names[] = {"team", "fte"};
    spr_municipality *m = L->m;
    int col[2];
    size_t row_of[SPR_MAX_TEAMS] = {0}; /* row + 1 */
    char list[SPR_MAX_TEAMS * (SPR_MUNI_NAME_MAX + 2)];
    size_t used = 0;
    for (int k = 0; k < m->n_teams; k++) used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", m->team[k].name);
    int rc = spr_csv_columns(t, names, 2, 2, col, L->err);
    for (size_t r = 0; r < t->n_rows && rc == SPR_OK; r++) {
        const char *name = spr_csv_at(t, r, col[0])->text;
        int k = team_index(m, name);
        if (k < 0) {
            char kind[SPR_TEXT_MAX + 40];
            snprintf(kind, sizeof kind, "a team of %s", L->p->muni_districts_file);
            rc = unknown_name(t, r, col[0], name, kind, list, L->err);
        } else if (row_of[k]) {
            rc = spr_csv_fail(t, r, col[0], L->err, "team '%s' is given twice (the first is line %d); allowed: one row per team", name,
                              spr_csv_at(t, row_of[k] - 1, col[0])->line);
        } else {
            row_of[k] = r + 1;
            rc = spr_csv_number(t, r, col[1], (spr_csv_bounds){0, 10000, 0}, &m->team[k].fte, L->err);
        }
    }
    for (int k = 0; k < m->n_teams && rc == SPR_OK; k++)
        if (!row_of[k])
            rc = spr_error_set(L->err, SPR_ERR_SCENARIO,
                               "%s: no row for team '%s' (named at %s:%d); allowed: one row for every team of the districts file", t->path,
                               m->team[k].name, L->p->muni_districts_file, L->team_line[k]);
    m->fte_from_file = rc == SPR_OK;
    return rc;
}

/* ---- groups ---- */

enum { GR_NAME, GR_TYPE, GR_DISTRICT, GR_CAPACITY, GR_MEETINGS, GR_PROVIDER, GR_COST, GR_ELIGIBILITY, GR_OPENING, GR_CLOSING, GR_COLUMNS };
#define GR_REQUIRED GR_OPENING

/* "exercise, hobby, ...": the programme's own names, so the two never disagree. */
static void type_names(char *buf, size_t size)
{
    size_t used = 0;
    for (int k = 0; k < SPR_RESOURCE_TYPES; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ", " : "", spr_resource_type_name((spr_resource_type)k));
}

/* A year cell: blank (0: not given) or a whole year. */
static int year_or_zero(const spr_csv *t, size_t r, int c, int *year, spr_error *err)
{
    int64_t y = 0;
    int rc = spr_csv_blank(t, r, c) ? SPR_OK : spr_csv_whole(t, r, c, FIRST_YEAR, LAST_YEAR, &y, err);
    *year = (int)y;
    return rc;
}

static int group_row(loader *L, const spr_csv *t, size_t r, const int *col, const char *types, spr_group_record *g)
{
    int d = 0, type = 0, provider = 0, eligibility = 0;
    int rc = check_name(t, r, col[GR_NAME], 0, L->err);
    if (rc == SPR_OK) snprintf(g->name, sizeof g->name, "%s", spr_csv_at(t, r, col[GR_NAME])->text);
    if (rc == SPR_OK) rc = spr_csv_choice(t, r, col[GR_TYPE], types, &type, L->err);
    if (rc == SPR_OK) rc = known_district(L, t, r, col[GR_DISTRICT], spr_csv_at(t, r, col[GR_DISTRICT])->text, &d);
    if (rc == SPR_OK) rc = spr_csv_number(t, r, col[GR_CAPACITY], (spr_csv_bounds){0, 10000, 1}, &g->capacity, L->err);
    if (rc == SPR_OK) rc = spr_csv_number(t, r, col[GR_MEETINGS], (spr_csv_bounds){0, 31, 1}, &g->meetings_per_month, L->err);
    if (rc == SPR_OK) rc = spr_csv_choice(t, r, col[GR_PROVIDER], SPR_PROVIDER_NAMES, &provider, L->err);
    if (rc == SPR_OK) rc = spr_csv_number(t, r, col[GR_COST], (spr_csv_bounds){0, 1e10, 0}, &g->public_cost_yen_per_year, L->err);
    if (rc == SPR_OK) rc = spr_csv_choice(t, r, col[GR_ELIGIBILITY], SPR_ELIGIBILITY_NAMES, &eligibility, L->err);
    if (rc == SPR_OK) rc = year_or_zero(t, r, col[GR_OPENING], &g->opening_year, L->err);
    if (rc == SPR_OK) rc = year_or_zero(t, r, col[GR_CLOSING], &g->closing_year, L->err);
    if (rc == SPR_OK && g->opening_year && g->closing_year && g->closing_year < g->opening_year)
        rc = spr_csv_fail(t, r, col[GR_CLOSING], L->err, "%d is before the opening_year %d; allowed: a year from %d to %d", g->closing_year,
                          g->opening_year, g->opening_year, LAST_YEAR);
    g->type = (uint8_t)type, g->district = (uint8_t)d, g->provider = (uint8_t)provider, g->max_function = (uint8_t)eligibility;
    return rc;
}

static int by_name(const void *a, const void *b)
{
    const spr_group_record *x = *(const spr_group_record *const *)a, *y = *(const spr_group_record *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x > y) - (x < y); /* ties in file order: the first of two is named first */
}

/* No two groups share a name (sorted, so that a register of thousands is
 * checked in n log n). */
static int check_unique_names(loader *L, const spr_csv *t, int c)
{
    spr_municipality *m = L->m;
    if (m->n_groups < 2) return SPR_OK;
    const spr_group_record **sorted = malloc(m->n_groups * sizeof *sorted);
    if (sorted == NULL) return spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < m->n_groups; k++) sorted[k] = &m->group[k];
    qsort(sorted, m->n_groups, sizeof *sorted, by_name);
    int rc = SPR_OK;
    for (size_t k = 1; k < m->n_groups && rc == SPR_OK; k++)
        if (strcmp(sorted[k]->name, sorted[k - 1]->name) == 0)
            rc = spr_csv_fail(t, (size_t)(sorted[k] - m->group), c, L->err,
                              "the group '%s' is given twice (the first is line %d); allowed: one row per group", sorted[k]->name,
                              spr_csv_at(t, (size_t)(sorted[k - 1] - m->group), c)->line);
    free(sorted);
    return rc;
}

static int use_groups(loader *L, const spr_csv *t)
{
    static const char *const columns[GR_COLUMNS] = {
        "name",        "type",         "district",    "capacity", "meetings_per_month", "provider", "public_cost_yen_per_year",
        "eligibility", "opening_year", "closing_year"};
    spr_municipality *m = L->m;
    int col[GR_COLUMNS];
    char types[128];
    type_names(types, sizeof types);
    m->has_groups = 1;
    int rc = spr_csv_columns(t, columns, GR_COLUMNS, GR_REQUIRED, col, L->err);
    if (rc == SPR_OK && t->n_rows > 0 && (m->group = calloc(t->n_rows, sizeof *m->group)) == NULL)
        rc = spr_error_set(L->err, SPR_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < t->n_rows && rc == SPR_OK; r++) rc = group_row(L, t, r, col, types, &m->group[m->n_groups++]);
    if (rc == SPR_OK) rc = check_unique_names(L, t, col[GR_NAME]);
    return rc;
}

/* ---- the whole ---- */

/* What the files need of the scenario's other settings. */
static int check_params(const spr_params *p, spr_error *err)
{
    const char *other = p->muni_districts_file[0] ? "districts_file" : p->muni_groups_file[0] ? "groups_file" : "teams_file";
    if (!p->muni_residents_file[0])
        return spr_error_set(err, SPR_ERR_SCENARIO, "municipality.%s needs municipality.residents_file: the districts come from it", other);
    if (p->min_age != 0)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "%s gives residents of every age, but simulation.min_age is %d; allowed: simulation.min_age: 0 with "
                             "municipality.residents_file",
                             p->muni_residents_file, p->min_age);
    if (p->cohort_age >= 0)
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "%s gives a population by district, but simulation.cohort_age is %d (a closed cohort); allowed: "
                             "simulation.cohort_age: -1 with municipality.residents_file",
                             p->muni_residents_file, p->cohort_age);
    if (p->muni_teams_file[0] && (p->lw_fte != 0 || p->lw_fte_per_100000 != 0))
        return spr_error_set(err, SPR_ERR_SCENARIO,
                             "%s gives the staffing, team by team, but link_workers.fte is %g and link_workers.fte_per_100000 is %g; "
                             "allowed: both 0 with municipality.teams_file",
                             p->muni_teams_file, p->lw_fte, p->lw_fte_per_100000);
    return SPR_OK;
}

static int load_files(loader *L)
{
    const spr_params *p = L->p;
    spr_municipality *m = L->m;
    int rc = with_table(L, p->muni_residents_file, SPR_MUNI_RESIDENTS, use_residents);
    if (rc == SPR_OK) rc = check_total(L);
    if (rc == SPR_OK) rc = make_district_list(L);
    if (rc == SPR_OK && p->muni_districts_file[0]) rc = with_table(L, p->muni_districts_file, SPR_MUNI_DISTRICTS, use_districts);
    if (rc == SPR_OK && !m->teams_from_file) rc = default_teams(L);
    if (rc == SPR_OK && p->muni_groups_file[0]) rc = with_table(L, p->muni_groups_file, SPR_MUNI_GROUPS, use_groups);
    if (rc == SPR_OK && p->muni_teams_file[0] && !m->teams_from_file)
        rc = spr_error_set(L->err, SPR_ERR_SCENARIO,
                           "municipality.teams_file (%s) needs municipality.districts_file with a team column: the teams come from it",
                           p->muni_teams_file);
    if (rc == SPR_OK && p->muni_teams_file[0]) rc = with_table(L, p->muni_teams_file, SPR_MUNI_TEAMS, use_teams);
    return rc;
}

int spr_municipality_load(const spr_params *p, spr_municipality **out, spr_error *err)
{
    *out = NULL;
    if (!p->muni_residents_file[0] && !p->muni_districts_file[0] && !p->muni_groups_file[0] && !p->muni_teams_file[0]) return SPR_OK;
    int rc = check_params(p, err);
    if (rc != SPR_OK) return rc;
    loader *L = calloc(1, sizeof *L);
    spr_municipality *m = calloc(1, sizeof *m);
    spr_district *district = calloc(SPR_MUNI_MAX_DISTRICTS, sizeof *district);
    if (L == NULL || m == NULL || district == NULL) {
        free(L), free(m), free(district);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    }
    *L = (loader){.p = p, .m = m, .err = err};
    *m = (spr_municipality){.refs = 1, .district = district, .hash = SPR_FNV1A64_BASIS};
    rc = load_files(L);
    free(L->district_list);
    free(L);
    if (rc != SPR_OK)
        spr_municipality_release(m);
    else
        *out = m;
    return rc;
}

spr_municipality *spr_municipality_ref(spr_municipality *m)
{
    if (m) m->refs++;
    return m;
}

void spr_municipality_release(spr_municipality *m)
{
    if (m == NULL || --m->refs > 0) return;
    free(m->district);
    free(m->group);
    for (int k = 0; k < SPR_MUNI_FILES; k++) free(m->text[k]);
    free(m);
}

int64_t spr_municipality_residents_65(const spr_municipality *m, int d)
{
    int64_t n = 0;
    for (int sex = 0; sex < SPR_SEXES; sex++)
        for (int b = spr_age_band(65); b < SPR_AGE_BANDS; b++) n += m->district[d].residents[sex][b];
    return n;
}
