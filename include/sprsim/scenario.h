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

typedef struct {
    spr_params params;
    char path[1024];       /* the file named by the user */
    char *resolved_yaml;   /* every parameter after extends and overrides (owned) */
    uint64_t hash;         /* FNV-1a 64 of resolved_yaml */
} spr_scenario;

/* Loads path with the given overrides ("key=value"); on success the caller
 * owns sc->resolved_yaml and frees it with spr_scenario_free(). */
int spr_scenario_load(const char *path, const char *const *overrides, int n_overrides, spr_scenario *sc,
                      spr_error *err);
void spr_scenario_free(spr_scenario *sc);

/* FNV-1a 64-bit hash of a string (identifies a resolved scenario). */
uint64_t spr_hash_fnv1a64(const char *s);

#endif
