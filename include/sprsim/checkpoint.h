/* Checkpoints: a run's finished work units, kept on disk as they finish, so
 * that a run stopped by kill -9 or a power loss resumes where it stopped
 * (sprsim run --resume) instead of starting again.
 *
 * The checkpoint of results file PATH is the directory PATH.checkpoint:
 *   run.h5                       what run it belongs to (status "partial")
 *   unit-SCENARIO-REPLICATE.h5   one finished unit: the replicate's share of
 *                                every array of the results (spr_results_unit_slices)
 * Every file is written whole under a temporary name, forced to the disk and
 * renamed into place, so a unit is either all there or absent.  A run
 * that resumes must be the same run: the same scenarios (their hashes cover
 * every parameter, the seed, the replicates and the municipality's files)
 * and the same build of sprsim; anything else is refused.  The results file
 * itself is written only when every unit is done, and the checkpoint is then
 * removed.  While a run uses a checkpoint it holds a lock on it, so two runs
 * cannot fill one checkpoint. */
#ifndef SPRSIM_CHECKPOINT_H
#define SPRSIM_CHECKPOINT_H

#include "sprsim/error.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

typedef struct spr_checkpoint spr_checkpoint;

/* The checkpoint directory of results file out_path (PATH.checkpoint);
 * SPR_ERR_USAGE if it does not fit in size bytes. */
int spr_checkpoint_dir(const char *out_path, char *buf, size_t size);
/* Whether a checkpoint of out_path exists. */
int spr_checkpoint_exists(const char *out_path);

/* Starts a new checkpoint for the n scenarios (SPR_ERR_USAGE if one exists:
 * resume it or discard it).  command_line is recorded for the user. */
int spr_checkpoint_start(const char *out_path, const spr_scenario *sc, int n, const char *command_line,
                         spr_checkpoint **out, spr_error *err);
/* Opens the existing checkpoint of out_path for the same run: SPR_ERR_USAGE
 * if there is none, if it belongs to other scenarios or another build (the
 * message says which), or if another run holds it. */
int spr_checkpoint_resume(const char *out_path, const spr_scenario *sc, int n, spr_checkpoint **out,
                          spr_error *err);
/* Removes the checkpoint of out_path (its own files only); SPR_OK if there is none. */
int spr_checkpoint_discard(const char *out_path, spr_error *err);

/* Whether unit (scenario, replicate) is done. */
int spr_checkpoint_has(const spr_checkpoint *c, int scenario, int replicate);
/* Keeps slot r of res as unit (scenario, r), durably. */
int spr_checkpoint_save(spr_checkpoint *c, int scenario, spr_results *res, int r, spr_error *err);
/* Reads unit (scenario, r) into slot r of res (sized for the scenario): SPR_ERR_IO naming the file
 * and array if the unit does not fit the results. */
int spr_checkpoint_load(const spr_checkpoint *c, int scenario, spr_results *res, int r, spr_error *err);
/* The number of units done. */
int spr_checkpoint_units_done(const spr_checkpoint *c);

/* Closes the checkpoint, keeping it on disk (the run stopped). */
void spr_checkpoint_close(spr_checkpoint *c);
/* Closes and removes it (the results file is complete). */
int spr_checkpoint_finish(spr_checkpoint *c, spr_error *err);

#endif
