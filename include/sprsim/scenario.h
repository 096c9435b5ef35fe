/* Scenario files: YAML in, a validated spr_params out.
 *
 * A scenario is a YAML mapping of parameter keys (nested maps or dotted
 * keys, "mortality: {hr_isolation: 1.3}" or "mortality.hr_isolation: 1.3").
 * "extends: FILE" (relative to the file) loads another scenario first, so a
 * policy scenario overrides only what it changes.  Overrides of the form
 * "key=value" (the command line's --set) or "@FILE" (an overlay file, the
 * command line's --overlay, e.g. parameter distributions for every scenario
 * of a run) are applied last, in order, and validated in the same way.  Every parameter must end up set; unknown keys are errors,
 * with a "did you mean" suggestion.  Errors name file:line:column and key. */
#ifndef SPRSIM_SCENARIO_H
#define SPRSIM_SCENARIO_H

#include <stdint.h>

#include "sprsim/error.h"
#include "sprsim/params.h"

#define SPR_SWEEP_MAX_PARAMS 2
#define SPR_SWEEP_MAX_POINTS 1000

/* A sweep: a grid over one or two parameters, declared in the scenario as
 *     sweep:
 *       link_workers.fte: {from: 0, to: 20, step: 2}   # or a list [0, 4, 8]
 * `sprsim run` runs every point (common random numbers). */
typedef struct {
    int n_params;
    int param[SPR_SWEEP_MAX_PARAMS];      /* indices in the parameter table */
    int n_values[SPR_SWEEP_MAX_PARAMS];
    double *values[SPR_SWEEP_MAX_PARAMS]; /* owned */
} spr_sweep;

typedef struct {
    spr_params params;
    char path[1024];       /* the file named by the user */
    spr_sweep sweep;       /* n_params = 0: no sweep */
    char sweep_of[SPR_NAME_MAX];         /* a point of a sweep: the swept scenario's name */
    char sweep_key[96];                  /* ... its (first) swept parameter */
    double sweep_at[SPR_SWEEP_MAX_PARAMS]; /* ... and its coordinates */
    char *resolved_yaml;   /* every parameter after extends and overrides (owned) */
    uint64_t hash;         /* FNV-1a 64 of resolved_yaml */
} spr_scenario;

/* Loads path with the given overrides ("key=value"); on success the caller
 * owns sc->resolved_yaml and frees it with spr_scenario_free(). */
int spr_scenario_load(const char *path, const char *const *overrides, int n_overrides, spr_scenario *sc,
                      spr_error *err);
void spr_scenario_free(spr_scenario *sc);

/* Expands a scenario with a sweep into its points (row-major over the
 * grid), each a scenario named NAME~K with the swept values set; the caller
 * frees them with spr_scenario_free and the array with free(). */
int spr_scenario_expand_sweep(const spr_scenario *sc, spr_scenario **points, int *n, spr_error *err);

/* FNV-1a 64-bit hash of a string (identifies a resolved scenario). */
uint64_t spr_hash_fnv1a64(const char *s);

#endif
