/* A municipality as data: its districts (daily-life areas, 日常生活圏域),
 * their residents by sex and 5-year age band, living-alone and isolation
 * shares from its needs survey, which districts neighbour which, the
 * link-worker teams that cover them, and its register of community groups.
 *
 * Four CSV files, named by the scenario (municipality.*_file, relative to
 * the scenario file that names them), read by sprsim/csv.h's reader:
 *
 *   residents (required when any is given): district,sex,0-4,5-9,...,95-99,100+
 *       two rows per district (sex male or female), whole counts >= 0.  The
 *       districts, in the order of their first row, are the municipality's.
 *   districts (optional): district,team,neighbours,living_alone_65,isolated_65
 *       one row per district of the residents file; team and neighbours
 *       (names separated by ';', symmetric) and the shares (0..1, of
 *       residents 65+) may be left blank.
 *   groups (optional): name,type,district,capacity,meetings_per_month,provider,
 *       public_cost_yen_per_year,eligibility,opening_year,closing_year
 *       replaces resources.groups_per_10000 (the initial stock) when given.
 *   teams (optional, needs a districts file with teams): team,fte
 *
 * Every error names FILE:LINE:COLUMN, the column and what is allowed
 * (SPR_ERR_SCENARIO); nothing is half-loaded.  The loaded data are
 * immutable and shared by the copies of a scenario's parameters (each copy
 * of spr_params points to the same spr_municipality; spr_scenario holds the
 * reference and releases it). */
#ifndef SPRSIM_MUNICIPALITY_H
#define SPRSIM_MUNICIPALITY_H

#include <stddef.h>
#include <stdint.h>

#include "sprsim/error.h"
#include "sprsim/params.h"

#define SPR_MAX_NEIGHBOURS 16
#define SPR_MUNI_NAME_MAX SPR_LABEL_MAX /* district, team and group names (UTF-8 bytes, NUL included) */
#define SPR_MUNI_MAX_DISTRICTS 255 /* a resident's district is one byte */

/* Who runs a group (groups file, column provider). */
typedef enum {
    SPR_PROVIDER_MUNICIPALITY, /* the municipality (e.g. its exercise classes)      */
    SPR_PROVIDER_COUNCIL,      /* the social welfare council (社会福祉協議会)       */
    SPR_PROVIDER_RESIDENTS,    /* residents' own groups (most kayoi-no-ba)          */
    SPR_PROVIDER_COMPANY,      /* a private company                                 */
    SPR_PROVIDER_NPO,          /* a non-profit organisation                         */
    SPR_PROVIDERS
} spr_provider;
#define SPR_PROVIDER_NAMES "municipality, council, residents, company, npo"
#define SPR_ELIGIBILITY_NAMES "independent, limited, support, care12, care35" /* spr_func_state order */
#define SPR_SEX_NAMES "male, female"

enum { SPR_MUNI_RESIDENTS, SPR_MUNI_DISTRICTS, SPR_MUNI_GROUPS, SPR_MUNI_TEAMS, SPR_MUNI_FILES };

typedef struct {
    char name[SPR_MUNI_NAME_MAX];
    int team;                                   /* index in spr_municipality.team */
    int64_t residents[SPR_SEXES][SPR_AGE_BANDS];
    double living_alone_65;                     /* share of residents 65+ living alone; NAN: not given */
    double isolated_65;                         /* share of residents 65+ isolated; NAN: not given */
    int n_neighbours;
    uint8_t neighbour[SPR_MAX_NEIGHBOURS];      /* district indices, in the file's order */
} spr_district;

typedef struct {
    char name[SPR_MUNI_NAME_MAX];
    double fte;                                 /* from the teams file; NAN when no teams file */
} spr_team;

typedef struct {
    char name[SPR_MUNI_NAME_MAX];
    uint8_t type;                               /* spr_resource_type */
    uint8_t district;
    uint8_t provider;                           /* spr_provider */
    uint8_t max_function;                       /* eligibility: the most severe spr_func_state admitted */
    double capacity;                            /* open places (> 0) */
    double meetings_per_month;                  /* > 0 */
    double public_cost_yen_per_year;            /* >= 0 */
    int opening_year, closing_year;             /* calendar years; 0: not given (open from before the start,
                                                 * no scheduled closing) */
} spr_group_record;

typedef struct spr_municipality {
    int refs;                                   /* references held (spr_municipality_ref / _release) */
    int n_districts;
    spr_district *district;
    int n_teams;                                /* >= 1 */
    spr_team team[SPR_MAX_TEAMS];
    int teams_from_file;                        /* the districts file has a team column */
    int fte_from_file;                          /* the teams file gave every team's fte */
    size_t n_groups;                            /* 0 when no groups file */
    spr_group_record *group;
    int has_groups;                             /* a groups file was given (it may list no group) */
    int64_t total;                              /* residents over all districts */
    uint64_t hash;                              /* FNV-1a 64 over the four files' bytes, in order */
    char *text[SPR_MUNI_FILES];                 /* each file's bytes as read (NUL-terminated), NULL when not given:
                                                 * the results file keeps them, so a run is reproducible from it */
} spr_municipality;

/* The names of the four files' settings, in spr_municipality.text's order. */
extern const char *const spr_municipality_file_key[SPR_MUNI_FILES];

/* Loads the files named by p->muni_*_file (empty strings: not given).
 * Returns SPR_OK with *out NULL when no file is named.  Checks everything
 * that concerns the files alone and their agreement with p: the residents'
 * total equals simulation.population (the error names both), p->min_age is
 * 0, every name is known, no row or name is duplicated, neighbours are
 * symmetric, teams listed in the teams file are those of the districts
 * file.  Without a team column the teams are one per district when
 * link_workers.per_district is true, else one pooled team ("municipality").
 * The result has one reference. */
int spr_municipality_load(const spr_params *p, spr_municipality **out, spr_error *err);

spr_municipality *spr_municipality_ref(spr_municipality *m);
void spr_municipality_release(spr_municipality *m); /* NULL is fine */

/* Residents 65+ of district d. */
int64_t spr_municipality_residents_65(const spr_municipality *m, int d);

#endif
