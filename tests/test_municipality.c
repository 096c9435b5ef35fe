/* The municipality as data: a small valid municipality (tests/data/muni/)
 * loads with its counts, teams, neighbours, shares and groups; the default
 * teams; the agreement with the scenario's settings; and every bad file of
 * tests/bad/muni_*.csv is refused with SPR_ERR_SCENARIO and a message
 * naming the file, the line and column, the column and what is allowed.
 * usage: test_municipality SOURCE_DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sprsim/csv.h"
#include "sprsim/municipality.h"
#include "tempfile.h"

#define TEST_POPULATION 2156 /* the residents of tests/data/muni/residents.csv */

static const char *src;

enum { RESIDENTS, DISTRICTS, GROUPS, TEAMS };

static char *file_of(spr_params *p, int which)
{
    return which == RESIDENTS   ? p->muni_residents_file
           : which == DISTRICTS ? p->muni_districts_file
           : which == GROUPS    ? p->muni_groups_file
                                : p->muni_teams_file;
}

/* The settings the files need, with the four valid files. */
static spr_params valid_params(void)
{
    static const char *const names[] = {"residents", "districts", "groups", "teams"};
    spr_params p;
    memset(&p, 0, sizeof p);
    p.population = TEST_POPULATION;
    p.min_age = 0;
    p.cohort_age = -1;
    for (int k = 0; k < 4; k++) snprintf(file_of(&p, k), SPR_TEXT_MAX, "%s/tests/data/muni/%s.csv", src, names[k]);
    return p;
}

static void test_valid(void)
{
    spr_params p = valid_params();
    spr_municipality *m = NULL;
    spr_error err = {0};
    int rc = spr_municipality_load(&p, &m, &err);
    CHECK(rc == SPR_OK && m != NULL, "the valid municipality: %s", err.msg);
    if (m == NULL) return;
    CHECK(m->n_districts == 3 && strcmp(m->district[0].name, "Kita") == 0 && strcmp(m->district[1].name, "Minami") == 0 &&
              strcmp(m->district[2].name, "Higashi") == 0,
          "districts in the order of the residents file");
    CHECK(m->total == TEST_POPULATION, "total %lld", (long long)m->total);
    CHECK(m->district[0].residents[SPR_MALE][0] == 10 && m->district[0].residents[SPR_FEMALE][20] == 1 &&
              m->district[1].residents[SPR_MALE][6] == 38 && m->district[2].residents[SPR_FEMALE][20] == 0,
          "counts by district, sex and band");
    CHECK(spr_municipality_residents_65(m, 0) == 284, "Kita 65+: %lld (124 men, 160 women)",
          (long long)spr_municipality_residents_65(m, 0));
    /* teams in order of first appearance: North (Kita), South (Minami) */
    CHECK(m->teams_from_file && m->n_teams == 2 && strcmp(m->team[0].name, "North team") == 0 && strcmp(m->team[1].name, "South team") == 0,
          "teams: %d", m->n_teams);
    CHECK(m->district[0].team == 0 && m->district[1].team == 1 && m->district[2].team == 0, "district teams");
    CHECK(m->fte_from_file && m->team[0].fte == 2.5 && m->team[1].fte == 1, "fte from the teams file (in another order): %g %g",
          m->team[0].fte, m->team[1].fte);
    CHECK(m->district[0].n_neighbours == 2 && m->district[0].neighbour[0] == 1 && m->district[0].neighbour[1] == 2, "Kita's neighbours");
    CHECK(m->district[1].n_neighbours == 1 && m->district[1].neighbour[0] == 0 && m->district[2].n_neighbours == 1, "the others'");
    CHECK(m->district[0].living_alone_65 == 0.22 && m->district[0].isolated_65 == 0.08 && m->district[1].living_alone_65 == 0.18 &&
              isnan(m->district[1].isolated_65) && isnan(m->district[2].living_alone_65) && m->district[2].isolated_65 == 0.12,
          "shares, NAN where blank");
    CHECK(m->has_groups && m->n_groups == 5, "groups: %zu", m->n_groups);
    if (m->n_groups == 5) {
        const spr_group_record *g = m->group;
        CHECK(strcmp(g[0].name, "Kita walking club, Tuesdays") == 0 && g[0].type == 0 && g[0].district == 0 && g[0].capacity == 20 &&
                  g[0].meetings_per_month == 4 && g[0].provider == SPR_PROVIDER_RESIDENTS && g[0].public_cost_yen_per_year == 0 &&
                  g[0].max_function == SPR_FUNC_LIMITED && g[0].opening_year == 0 && g[0].closing_year == 0,
              "group 0: %s", g[0].name);
        CHECK(g[1].type == 2 && g[1].district == 1 && g[1].provider == SPR_PROVIDER_COUNCIL && g[1].public_cost_yen_per_year == 120000 &&
                  g[1].max_function == SPR_FUNC_SUPPORT && g[1].opening_year == 2019 && g[1].closing_year == 0,
              "group 1");
        CHECK(strcmp(g[2].name, "Higashi \"Harmony\" choir") == 0 && g[2].type == 4 && g[2].provider == SPR_PROVIDER_NPO &&
                  g[2].closing_year == 2027 && g[2].opening_year == 0,
              "group 2: %s", g[2].name);
        CHECK(g[3].type == 3 && g[3].provider == SPR_PROVIDER_MUNICIPALITY && g[3].max_function == SPR_FUNC_CARE12 &&
                  g[3].opening_year == 2020 && g[3].closing_year == 2030 && g[3].meetings_per_month == 8,
              "group 3");
        CHECK(g[4].type == 1 && g[4].capacity == 12.5 && g[4].provider == SPR_PROVIDER_COMPANY && g[4].max_function == SPR_FUNC_CARE35,
              "group 4");
    }
    /* the hash is FNV-1a over the files' bytes in the order residents, districts, groups, teams */
    uint64_t h = SPR_FNV1A64_BASIS;
    for (int k = 0; k < 4; k++) {
        spr_csv t;
        if (spr_csv_read(file_of(&p, k), NULL, &t, &err) != SPR_OK) break;
        h = spr_fnv1a64_bytes(h, t.bytes, t.n_bytes);
        spr_csv_free(&t);
    }
    CHECK(m->hash == h, "hash %llx, want %llx", (unsigned long long)m->hash, (unsigned long long)h);
    CHECK(spr_municipality_ref(m) == m && m->refs == 2, "a second reference");
    spr_municipality_release(m);
    CHECK(m->refs == 1, "one reference left");
    spr_municipality_release(m); /* freed: the sanitizer build would see a leak or a double free */
    spr_municipality_release(NULL);
}

static void test_nothing_named(void)
{
    spr_params p;
    memset(&p, 0, sizeof p);
    spr_municipality *m = (spr_municipality *)&p; /* must be reset */
    spr_error err = {0};
    CHECK(spr_municipality_load(&p, &m, &err) == SPR_OK && m == NULL, "no file named: no municipality");
}

/* Without a districts file: one pooled team, or one per district with link_workers.per_district. */
static void test_default_teams(void)
{
    for (int per_district = 0; per_district <= 1; per_district++) {
        spr_params p = valid_params();
        p.muni_districts_file[0] = p.muni_teams_file[0] = '\0';
        p.lw_per_district = per_district;
        spr_municipality *m = NULL;
        spr_error err = {0};
        int rc = spr_municipality_load(&p, &m, &err);
        CHECK(rc == SPR_OK && m, "without a districts file: %s", err.msg);
        if (m == NULL) continue;
        CHECK(!m->teams_from_file && !m->fte_from_file && isnan(m->team[0].fte), "no staffing from a file");
        if (per_district)
            CHECK(m->n_teams == 3 && strcmp(m->team[1].name, "Minami") == 0 && m->district[2].team == 2, "a team per district: %d",
                  m->n_teams);
        else
            CHECK(m->n_teams == 1 && strcmp(m->team[0].name, "municipality") == 0 && m->district[2].team == 0, "one pooled team: %d",
                  m->n_teams);
        CHECK(m->district[0].n_neighbours == 0 && isnan(m->district[0].living_alone_65) && isnan(m->district[0].isolated_65),
              "no neighbours, shares not given");
        spr_municipality_release(m);
    }
}

/* Loading p fails with code and a message holding each fragment. */
static void expect_failure(spr_params *p, int code, const char *what, const char *f1, const char *f2)
{
    spr_municipality *m = (spr_municipality *)p;
    spr_error err = {0};
    int rc = spr_municipality_load(p, &m, &err);
    CHECK(rc == code && m == NULL && strstr(err.msg, f1) && (f2 == NULL || strstr(err.msg, f2)), "%s: rc %d: %s", what, rc, err.msg);
}

static void test_settings(void)
{
    spr_params p = valid_params();
    p.min_age = 65;
    expect_failure(&p, SPR_ERR_SCENARIO, "min_age", "residents.csv gives residents of every age, but simulation.min_age is 65",
                   "allowed: simulation.min_age: 0");
    p = valid_params();
    p.cohort_age = 70;
    expect_failure(&p, SPR_ERR_SCENARIO, "cohort", "simulation.cohort_age is 70", "allowed: simulation.cohort_age: -1");
    p = valid_params();
    p.lw_fte = 3;
    expect_failure(&p, SPR_ERR_SCENARIO, "fte with a teams file", "teams.csv gives the staffing, team by team, but link_workers.fte is 3",
                   "link_workers.fte_per_100000 is 0; allowed: both 0");
    p = valid_params();
    p.muni_residents_file[0] = '\0';
    expect_failure(&p, SPR_ERR_SCENARIO, "no residents file",
                   "municipality.districts_file needs municipality.residents_file: the districts come from it", NULL);
    p.muni_districts_file[0] = p.muni_teams_file[0] = '\0';
    expect_failure(&p, SPR_ERR_SCENARIO, "no residents file",
                   "municipality.groups_file needs municipality.residents_file: the districts come from it", NULL);
    p = valid_params();
    p.muni_districts_file[0] = '\0';
    expect_failure(&p, SPR_ERR_SCENARIO, "teams without districts", "municipality.teams_file (",
                   "needs municipality.districts_file with a team column");
    p = valid_params();
    snprintf(p.muni_groups_file, SPR_TEXT_MAX, "%s/tests/data/muni/no_such.csv", src);
    expect_failure(&p, SPR_ERR_IO, "missing file",
                   "no_such.csv: cannot open: No such file or directory (named by municipality.groups_file)", NULL);

    /* a districts file without a team column cannot go with a teams file */
    char tmp[64];
    const char *no_team = "district,neighbours\nKita,Minami;Higashi\nMinami,Kita\nHigashi,Kita\n";
    p = valid_params();
    if (temp_file_with(no_team, strlen(no_team), tmp, sizeof tmp)) {
        snprintf(p.muni_districts_file, SPR_TEXT_MAX, "%s", tmp);
        expect_failure(&p, SPR_ERR_SCENARIO, "teams without a team column", "needs municipality.districts_file with a team column", NULL);
        p.muni_teams_file[0] = '\0';
        spr_municipality *m = NULL;
        spr_error err = {0};
        CHECK(spr_municipality_load(&p, &m, &err) == SPR_OK && m && m->n_teams == 1 && m->district[0].n_neighbours == 2,
              "no team column: the default team: %s", err.msg);
        spr_municipality_release(m);
        remove(tmp);
    }
}

/* The file at path replaces file `which` of the valid set: refused with
 * SPR_ERR_SCENARIO and a message "FILE:LINE:COL: column 'NAME': " (col_name
 * NULL: "FILE:LINE:COL: "; line 0: "FILE: ") holding what. */
static void expect_refused(const char *bad, int which, int line, int col, const char *col_name, const char *what)
{
    spr_params p = valid_params();
    snprintf(file_of(&p, which), SPR_TEXT_MAX, "%s", bad);
    spr_municipality *m = (spr_municipality *)&p;
    spr_error err = {0};
    int rc = spr_municipality_load(&p, &m, &err);
    char at[SPR_TEXT_MAX + 160];
    if (line > 0 && col_name)
        snprintf(at, sizeof at, "%s:%d:%d: column '%s': ", file_of(&p, which), line, col, col_name);
    else if (line > 0)
        snprintf(at, sizeof at, "%s:%d:%d: ", file_of(&p, which), line, col);
    else
        snprintf(at, sizeof at, "%s: ", file_of(&p, which));
    CHECK(rc == SPR_ERR_SCENARIO && m == NULL && strncmp(err.msg, at, strlen(at)) == 0 && strstr(err.msg, what) != NULL,
          "%s: rc %d: want '%s' ... '%s', got: %s", bad, rc, at, what, err.msg);
    CHECK(line <= 0 || strstr(err.msg, "allowed: ") || strstr(err.msg, "the columns are: "), "%s: says what is allowed: %s", bad, err.msg);
}

/* A file of tests/bad/ */
static void expect_bad(const char *bad, int which, int line, int col, const char *col_name, const char *what)
{
    char path[SPR_TEXT_MAX];
    snprintf(path, sizeof path, "%s/tests/bad/%s", src, bad);
    expect_refused(path, which, line, col, col_name, what);
}

/* Each bad file of tests/bad/, the file it replaces, where the message
 * points and what it says. */
static const struct {
    const char *file;
    int which, line, col;
    const char *column, *what;
} bad_files[] = {
    {"muni_missing_column.csv", RESIDENTS, 2, 1, NULL,
     "missing column '95-99'; the columns are: district, sex, 0-4, 5-9, 10-14, 15-19, 20-24, 25-29, 30-34, 35-39, 40-44, 45-49, "
     "50-54, 55-59, 60-64, 65-69, 70-74, 75-79, 80-84, 85-89, 90-94, 95-99, 100+"},
    {"muni_negative_count.csv", RESIDENTS, 8, 16, "0-4", "'-14' is out of range; allowed: a whole number from 0 to 1000000000"},
    {"muni_not_a_number.csv", RESIDENTS, 5, 31, "30-34", "'3x8' is not a whole number; allowed: a whole number from 0 to"},
    {"muni_fractional_count.csv", RESIDENTS, 4, 71, "100+", "'1.5' is not a whole number; allowed: a whole number from 0 to"},
    {"muni_duplicate_row.csv", RESIDENTS, 9, 6, "sex",
     "a second male row for district 'Kita' (the first is line 3); allowed: one row per district and sex"},
    {"muni_missing_sex_row.csv", RESIDENTS, 5, 8, "sex",
     "district 'Minami' has this male row but no female row; allowed: one row per district and sex (male, female)"},
    {"muni_total_mismatch.csv", RESIDENTS, 0, 0, NULL,
     "the residents total 2157 differs from simulation.population = 2156 (set simulation.population: 2157 in the scenario)"},
    {"muni_unknown_column.csv", DISTRICTS, 2, 42, NULL,
     "unknown column 'isolated65' (did you mean 'isolated_65'?); allowed: district, team, neighbours, living_alone_65, isolated_65"},
    {"muni_asymmetric_neighbours.csv", DISTRICTS, 3, 17, "neighbours",
     "'Kita' lists 'Higashi' as a neighbour but the row of 'Higashi' (line 5) does not list 'Kita'; allowed: symmetric neighbours"},
    {"muni_bad_share.csv", DISTRICTS, 4, 24, "living_alone_65", "'1.2' is out of range; allowed: a number from 0 to 1"},
    {"muni_ragged_row.csv", DISTRICTS, 4, 28, NULL,
     "the row has 4 cells, the header (line 2) has 5; allowed: one cell per column: district, team, neighbours, living_alone_65, "
     "isolated_65"},
    {"muni_unknown_team.csv", TEAMS, 4, 1, "team", "'Nroth team' is not a team of "},
    {"muni_unknown_team.csv", TEAMS, 4, 1, "team", "districts.csv (did you mean 'North team'?); allowed: North team, South team"},
    {"muni_unknown_district.csv", GROUPS, 4, 20, "district", "'Minamii' is not a district of "},
    {"muni_unknown_district.csv", GROUPS, 4, 20, "district", "residents.csv (did you mean 'Minami'?); allowed: Kita, Minami, Higashi"},
    {"muni_unknown_type.csv", GROUPS, 7, 18, "type",
     "'hobbby' is not allowed (did you mean 'hobby'?); allowed: exercise, hobby, salon, volunteering, culture"},
    {"muni_bad_eligibility.csv", GROUPS, 6, 55, "eligibility",
     "'care3' is not allowed (did you mean 'care35'?); allowed: independent, limited, support, care12, care35"},
    {"muni_duplicate_group.csv", GROUPS, 7, 1, "name",
     "the group 'Minami salon' is given twice (the first is line 4); allowed: one row per group"},
};

static void test_bad_files(void)
{
    for (size_t k = 0; k < sizeof bad_files / sizeof *bad_files; k++)
        expect_bad(bad_files[k].file, bad_files[k].which, bad_files[k].line, bad_files[k].col, bad_files[k].column, bad_files[k].what);
}

/* Checks that need no file of their own: written to a temporary file
 * standing in for file `which`. */
static void expect_bad_text(const char *text, int which, int line, int col, const char *col_name, const char *what)
{
    char tmp[64];
    int written = temp_file_with(text, strlen(text), tmp, sizeof tmp);
    CHECK(written, "temporary file");
    if (written) expect_refused(tmp, which, line, col, col_name, what);
    remove(tmp);
}

static void test_more_rules(void)
{
    const char *groups_header =
        "name,type,district,capacity,meetings_per_month,provider,public_cost_yen_per_year,eligibility,opening_year,closing_year\n";
    char text[1024];
    snprintf(text, sizeof text, "%sA,salon,Kita,0,4,npo,0,support,,\n", groups_header);
    expect_bad_text(text, GROUPS, 2, 14, "capacity", "'0' is out of range; allowed: a number above 0 and at most 10000");
    snprintf(text, sizeof text, "%sA,salon,Kita,10,32,npo,0,support,,\n", groups_header);
    expect_bad_text(text, GROUPS, 2, 17, "meetings_per_month", "'32' is out of range; allowed: a number above 0 and at most 31");
    snprintf(text, sizeof text, "%sA,salon,Kita,10,4,city,0,support,,\n", groups_header);
    expect_bad_text(text, GROUPS, 2, 19, "provider", "'city' is not allowed; allowed: municipality, council, residents, company, npo");
    snprintf(text, sizeof text, "%sA,salon,Kita,10,4,npo,-1,support,,\n", groups_header);
    expect_bad_text(text, GROUPS, 2, 23, "public_cost_yen_per_year", "'-1' is out of range; allowed: a number from 0 to 10000000000");
    snprintf(text, sizeof text, "%sA,salon,Kita,10,4,npo,0,support,2020,2019\n", groups_header);
    expect_bad_text(text, GROUPS, 2, 38, "closing_year", "2019 is before the opening_year 2020; allowed: a year from 2020 to 2200");
    snprintf(text, sizeof text, "%sA,salon,Kita,10,4,npo,0,support,1850,\n", groups_header);
    expect_bad_text(text, GROUPS, 2, 33, "opening_year", "'1850' is out of range; allowed: a whole number from 1900 to 2200");
    snprintf(text, sizeof text, "%s,salon,Kita,10,4,npo,0,support,,\n", groups_header);
    expect_bad_text(text, GROUPS, 2, 1, "name", "the cell is blank; allowed: a name of 1 to 47 bytes");
    snprintf(text, sizeof text, "%sA,salon,Kita,10,4,npo,0,support\n",
             "name,type,district,capacity,meetings_per_month,provider,public_cost_yen_per_year,eligibility\n");
    spr_params p = valid_params();
    char tmp[64];
    if (temp_file_with(text, strlen(text), tmp, sizeof tmp)) { /* the optional year columns may be left out */
        snprintf(p.muni_groups_file, SPR_TEXT_MAX, "%s", tmp);
        spr_municipality *m = NULL;
        spr_error err = {0};
        CHECK(spr_municipality_load(&p, &m, &err) == SPR_OK && m && m->n_groups == 1 && m->group[0].opening_year == 0,
              "groups without year columns: %s", err.msg);
        spr_municipality_release(m);
        remove(tmp);
    }
    /* an empty register: groups named, none listed */
    p = valid_params();
    if (temp_file_with(groups_header, strlen(groups_header), tmp, sizeof tmp)) {
        snprintf(p.muni_groups_file, SPR_TEXT_MAX, "%s", tmp);
        spr_municipality *m = NULL;
        spr_error err = {0};
        CHECK(spr_municipality_load(&p, &m, &err) == SPR_OK && m && m->has_groups && m->n_groups == 0, "an empty register: %s", err.msg);
        spr_municipality_release(m);
        remove(tmp);
    }

    const char *dh = "district,team,neighbours\n";
    snprintf(text, sizeof text, "%sKita,N,Minami;Minami\nMinami,S,Kita\nHigashi,N,\n", dh);
    expect_bad_text(text, DISTRICTS, 2, 8, "neighbours", "'Minami' is listed twice; allowed: each neighbour once");
    snprintf(text, sizeof text, "%sKita,N,Kita\nMinami,S,\nHigashi,N,\n", dh);
    expect_bad_text(text, DISTRICTS, 2, 8, "neighbours", "district 'Kita' lists itself; allowed: the other districts");
    snprintf(text, sizeof text, "%sKita,N,Minami;\nMinami,S,Kita\nHigashi,N,\n", dh);
    expect_bad_text(text, DISTRICTS, 2, 8, "neighbours", "the list ends with ';'; allowed: district names separated by ';'");
    snprintf(text, sizeof text, "%sKita,N,Minami;;Higashi\nMinami,S,Kita\nHigashi,N,Kita\n", dh);
    expect_bad_text(text, DISTRICTS, 2, 8, "neighbours", "an empty name in the list; allowed: district names separated by ';'");
    snprintf(text, sizeof text, "%sKita,N,Minamy\nMinami,S,Kita\nHigashi,N,\n", dh);
    expect_bad_text(text, DISTRICTS, 2, 8, "neighbours", "'Minamy' is not a district of ");
    snprintf(text, sizeof text, "%sKita,N,\nMinami,,\nHigashi,N,\n", dh);
    expect_bad_text(text, DISTRICTS, 3, 8, "team", "the cell is blank; allowed: a name of 1 to 47 bytes (every district needs its team");
    snprintf(text, sizeof text, "%sKita,N,\nMinami,S,\nHigashi,N,\nKita,S,\n", dh);
    expect_bad_text(text, DISTRICTS, 5, 1, "district",
                    "district 'Kita' is given twice (the first is line 2); allowed: one row per district");
    snprintf(text, sizeof text, "%sKita,N,\nHigashi,N,\n", dh);
    expect_bad_text(text, DISTRICTS, 0, 0, NULL, "no row for district 'Minami' (named at ");
    expect_bad_text("team,fte\nNorth team,2\n", TEAMS, 0, 0, NULL, "no row for team 'South team' (named at ");
    expect_bad_text("team,fte\nNorth team,2\nSouth team,1\nNorth team,3\n", TEAMS, 4, 1, "team",
                    "team 'North team' is given twice (the first is line 2); allowed: one row per team");
    expect_bad_text("team,fte\nNorth team,2\nSouth team,10001\n", TEAMS, 3, 12, "fte",
                    "'10001' is out of range; allowed: a number from 0 to 10000");

    char big[8192];
    size_t used = (size_t)snprintf(big, sizeof big,
                                   "district,sex,0-4,5-9,10-14,15-19,20-24,25-29,30-34,35-39,40-44,45-49,50-54,55-59,60-64,"
                                   "65-69,70-74,75-79,80-84,85-89,90-94,95-99,100+\n");
    snprintf(big + used, sizeof big - used, "Kita;Minami,male,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n");
    expect_bad_text(big, RESIDENTS, 2, 1, "district", "'Kita;Minami' holds a ';'; allowed: a name of 1 to 47 bytes without ';'");
    snprintf(big + used, sizeof big - used, "Kita,man,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n");
    expect_bad_text(big, RESIDENTS, 2, 6, "sex", "'man' is not allowed (did you mean 'male'?); allowed: male, female");
    snprintf(big, sizeof big,
             "sex,district,0-4,5-9,10-14,15-19,20-24,25-29,30-34,35-39,40-44,45-49,50-54,55-59,60-64,"
             "65-69,70-74,75-79,80-84,85-89,90-94,95-99,100+\n");
    expect_bad_text(big, RESIDENTS, 1, 5, NULL,
                    "column 'district' is column 2; allowed: the columns in the order district, sex, 0-4, ..., 100+");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOURCE_DIR\n", argv[0]);
        return 2;
    }
    src = argv[1];
    test_valid();
    test_nothing_named();
    test_default_teams();
    test_settings();
    test_bad_files();
    test_more_rules();
    TEST_MAIN_END();
}
