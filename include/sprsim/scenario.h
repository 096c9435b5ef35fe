/* Scenario files: YAML in, a validated spr_params out.
 *
 * A scenario is a YAML mapping of parameter keys (nested maps or dotted
 * keys, "mortality: {hr_isolation: 1.3}" or "mortality.hr_isolation: 1.3").
 * "extends: FILE" (relative to the file) loads another scenario first, so a
 * policy scenario overrides only what it changes.  Overrides of the form
 * "key=value" (the command line's --set) or "@FILE" (an overlay file, the
 * command line's --overlay, e.g. parameter distributions for every scenario
 * of a run) are applied last, in order, and validated in the same way.
 * Every parameter must end up set; unknown keys are errors,
 * with a "did you mean" suggestion.  Errors name file:line:column and key.
 *
 * A scenario or overlay may hold joint draws of calibrated parameters
 * (written by `sprsim calibrate` with an uncertainty stage):
 *     calibration_draws:
 *       source: "sprsim calibrate FILE (commit C, date D)"
 *       keys: [dementia.onset.at_65, dementia.onset.slope]
 *       values:
 *         - [0.00144, 0.191]
 *         - [0.00151, 0.187]
 * Each parameter draw of a run takes one whole row (spr_params_draw_row).
 * Keys are numeric scalar parameters, each value within the key's bounds;
 * a key may not also have a distribution nor be set by a later file or
 * --set (the rows would override it), nor be swept; every row must pass the
 * checks across parameters.  A key's central value is its column's mean.
 * Several tables (one per calibration file: a section in each overlay, or
 * a list of tables in one section) combine: each parameter draw takes one
 * row of every table, chosen independently; a key may be in one table only.
 *
 * A parameter given as a distribution ({distribution: NAME, ...}, arrays
 * with scale: element or scale: whole) is drawn per parameter draw
 * (spr_params_draw; forms in docs/methods.md, "Uncertainty"). */
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
    struct spr_municipality *municipality; /* the tables params.municipality points to (a reference, owned) */
    uint64_t hash;         /* FNV-1a 64 of resolved_yaml, continued over the municipality's files when it has them */
} spr_scenario;

/* Limits on scenario input (a scenario is a small text file; the
 * reference scenario is about 14 KB, 4 levels deep, some 800 values):
 * larger or deeper input is refused with a message before it is parsed,
 * so hostile input ends promptly. */
#define SPR_SCENARIO_MAX_BYTES (1 << 20) /* a scenario, overlay or extended file */
#define SPR_YAML_MAX_DEPTH 64            /* nested lists and maps */
#define SPR_YAML_MAX_NODES 100000        /* keys, values, lists and maps in one document */

/* One override applied after the scenario's own files, in order:
 *   text  "key=value" (the one-line YAML document "key: value") or "@FILE"
 *         (an overlay file: its keys apply on top, no 'extends');
 *   label the user's own option, named in errors: "--replicates: 'abc' is
 *         not an integer; ..." (the option says which key).  NULL: the
 *         override is the k-th --set and errors say "--set #k:LINE:COLUMN:
 *         key '...'".  Unused for an overlay, whose errors name its file.
 * A rule across parameters that fails names, after the message, the
 * overrides that set the keys it mentions: "(simulation.replicates from
 * --replicates, simulation.replicates_per_draw from uncertainty.yaml)". */
typedef struct {
    const char *text;
    const char *label;
} spr_override;

/* Loads path with the given overrides; every file it extends must be a
 * regular file of at most SPR_SCENARIO_MAX_BYTES, each applied once however
 * many paths lead to it.  On success the caller owns sc->resolved_yaml and
 * sc->sweep and frees them with spr_scenario_free(); on failure nothing is
 * left to free.  The sweep, if any, is not expanded (see below). */
int spr_scenario_load(const char *path, const spr_override *overrides, int n_overrides, spr_scenario *sc,
                      spr_error *err);
void spr_scenario_free(spr_scenario *sc);

/* The scenarios of one run: each path loaded with the overrides, every sweep
 * replaced by its points (each validated), and the checks across scenarios
 * (the same simulation.years and start_year in all, after expansion).  The
 * caller frees *out with spr_scenario_list_free(*out, *n_out). */
int spr_scenario_load_run(const char *const *paths, int n_paths, const spr_override *overrides, int n_overrides,
                          spr_scenario **out, int *n_out, spr_error *err);
/* Frees n scenarios and the array (NULL is fine). */
void spr_scenario_list_free(spr_scenario *sc, int n);

/* Expands a scenario with a sweep into its points (row-major over the
 * grid), each a scenario named NAME~K with the swept values set and
 * validated like any scenario (a point can break a rule across parameters).
 * A point's resolved_yaml, name NAME~K included, loads again to the same
 * parameters: spr_scenario_load accepts that one form of name with '~'.
 * The caller frees the points with spr_scenario_list_free(points, n). */
int spr_scenario_expand_sweep(const spr_scenario *sc, spr_scenario **points, int *n, spr_error *err);

/* Another YAML input file (a calibration file) read with the scenario's
 * limits and messages: a regular file of at most SPR_SCENARIO_MAX_BYTES,
 * SPR_YAML_MAX_DEPTH and SPR_YAML_MAX_NODES, syntax errors as
 * FILE:LINE:COLUMN.  kind names the file in messages ("calibration file").
 * On success *doc is loaded (free it with yaml_document_delete) and *text
 * holds the file's bytes, NUL-terminated (the caller frees it). */
struct yaml_document_s;
int spr_yaml_file_load(const char *path, const char *kind, struct yaml_document_s *doc, char **text,
                       spr_error *err);

/* The text of a scalar node, or NULL for a map or list. */
struct yaml_node_s;
const char *spr_yaml_scalar(const struct yaml_node_s *n);

/* An error in another YAML input file: "PATH:LINE:COLUMN: key 'KEY': WHAT"
 * at node (SPR_ERR_SCENARIO, returned). */
int spr_yaml_error_at(spr_error *err, const char *path, const struct yaml_node_s *node, const char *key,
                      const char *what);

/* Walks a map of another YAML input file (path, loaded into doc): every key must be one of allowed
 * (comma-separated names; at most 32), given at most once, and with required every one of them given;
 * calls f(reader, obj, ...) in the file's order with each key's index among allowed, its dotted name
 * (where, "" at the top, then the key) and its nodes, and stops at the first error f returns.  The
 * errors are spr_yaml_error_at's: not a map, a key that is not a plain name, an unknown key (with "did
 * you mean"), a key given twice, a missing key.  One walker for the input files that are not scenarios
 * (calibration, financing). */
typedef int (*spr_yaml_pair_fn)(void *reader, void *obj, int index, const char *key, struct yaml_node_s *key_node,
                                struct yaml_node_s *value);
int spr_yaml_map_walk(spr_error *err, const char *path, struct yaml_document_s *doc, struct yaml_node_s *map,
                      const char *where, const char *allowed, int required, spr_yaml_pair_fn f, void *reader,
                      void *obj);

/* The same for YAML text already in memory (a table built into the binary),
 * named in messages as name. */
int spr_yaml_text_load(const char *name, const unsigned char *text, size_t len, struct yaml_document_s *doc,
                       spr_error *err);

/* hint = " (did you mean 'X'?)" when X, one of the comma-separated names
 * in allowed, is close to name; else "".  The scenario loader's rule, for
 * the other input files' unknown keys. */
void spr_did_you_mean(const char *name, const char *allowed, char *hint, size_t size);

/* The position of name in allowed (comma-separated names), or -1: the one
 * rule for a value from a list, in scenarios and in CSV tables. */
int spr_choice_index(const char *name, const char *allowed);

/* FNV-1a 64-bit hash of a string (identifies a resolved scenario). */
uint64_t spr_hash_fnv1a64(const char *s);

#endif
