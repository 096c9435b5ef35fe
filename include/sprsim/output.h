/* HDF5 output: one file per run holding every scenario and replicate.
 * The layout is documented in docs/output.md.  HDF5 builds the file in
 * memory; its image is written under a temporary name (PATH.tmp-PID) and
 * renamed when complete, so a failed run (a full disk included) leaves no
 * file that looks finished and no temporary file. */
#ifndef SPRSIM_OUTPUT_H
#define SPRSIM_OUTPUT_H

#include "sprsim/error.h"
#include "sprsim/municipality.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

typedef struct {
    const char *command_line;
    const char *start_time_utc;  /* ISO 8601 */
    int threads;  /* per process */
    int ranks;    /* MPI processes (1 without MPI) */
    int resumed;  /* units taken from a checkpoint of an interrupted run */
} spr_run_info;

/* Whether path may receive the results: SPR_OK when it does not exist or is
 * a regular file, SPR_ERR_USAGE when it is something the final rename would
 * replace by a regular file (a directory, a FIFO, a device such as
 * /dev/full) or cannot be examined.  spr_output_write checks it too, before
 * it starts and again before the rename; call it before a run as well, so
 * that a bad -o is refused before the simulation. */
int spr_output_check_target(const char *path, spr_error *err);

int spr_output_write(const char *path, const spr_scenario *scenarios, spr_results *const *results, int n,
                     const spr_run_info *info, spr_error *err);

/* Reads a results file back: every scenario's parameters (the central values
 * of any distributions), description and results, in the order of the run.
 * Every dataset's type, rank and shape is checked against what the sizes in
 * the file imply before it is read; a disagreement is SPR_ERR_IO naming the
 * dataset (FILE: dataset /scenarios/x/monthly/deaths has shape [2,12,2,21],
 * expected [3,12,2,21]); a path that does not exist is SPR_ERR_USAGE
 * "FILE: no such file".
 * The caller frees each results with spr_results_destroy and the arrays
 * with free().  (resolved_yaml is not read back: it stays NULL.) */
int spr_output_read(const char *path, spr_scenario **scenarios, spr_results ***results, int *n, spr_error *err);

/* One scenario of a results file as stored to run it again: its resolved
 * scenario (scenario_yaml: every parameter, the seed and replicates
 * included) and, when it used municipality data, each file as it was read
 * (municipality[k] for spr_municipality_file_key[k]; NULL when not given). */
typedef struct {
    char *yaml;
    char *municipality[SPR_MUNI_FILES];
} spr_scenario_text;

/* Reads the stored text of scenario name from the results file at path.
 * SPR_ERR_USAGE when the file does not exist ("no such file") or holds no
 * scenario of that name (the message lists those it holds); SPR_ERR_IO when
 * it is not a results file this version reads.  On success the caller
 * frees *t with spr_scenario_text_free; on failure nothing is left. */
int spr_output_read_scenario_text(const char *path, const char *name, spr_scenario_text *t, spr_error *err);
void spr_scenario_text_free(spr_scenario_text *t);

/* The command line of the run that wrote the results file (/meta/command_line),
 * truncated to size - 1 bytes; SPR_ERR_USAGE for a missing file, SPR_ERR_IO
 * when it is not a results file this version reads. */
int spr_output_read_command_line(const char *path, char *buf, size_t size, spr_error *err);

/* The temporary name spr_output_write uses for path in this process
 * (PATH.tmp-PID), so that a caller can remove it if the process is stopped
 * while writing (sprsim run does, on SIGTERM and SIGINT).  SPR_ERR_USAGE if
 * it does not fit in size bytes. */
int spr_output_temp_path(const char *path, char *buf, size_t size);

#endif
