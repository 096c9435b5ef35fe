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

#endif
