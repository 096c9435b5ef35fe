/* HDF5 output: one file per run holding every scenario and replicate.
 * The layout is documented in docs/output.md.  The file is written under a
 * temporary name and renamed when complete, so a failed run leaves no file
 * that looks finished. */
#ifndef SPRSIM_OUTPUT_H
#define SPRSIM_OUTPUT_H

#include "sprsim/error.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

typedef struct {
    const char *command_line;
    const char *start_time_utc;  /* ISO 8601 */
    int threads;
} spr_run_info;

int spr_output_write(const char *path, const spr_scenario *scenarios, spr_results *const *results, int n,
                     const spr_run_info *info, spr_error *err);

/* Reads a results file back: every scenario's parameters (the central values
 * of any distributions), description and results, in the order of the run.
 * The caller frees each results with spr_results_destroy and the arrays
 * with free().  (resolved_yaml is not read back: it stays NULL.) */
int spr_output_read(const char *path, spr_scenario **scenarios, spr_results ***results, int *n, spr_error *err);

#endif
