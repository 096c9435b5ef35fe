/* Processes of a distributed run (MPI), for `sprsim run` only: the program
 * links it, the library does not.  Built with the CMake option SPRSIM_MPI
 * (Open MPI); without it, or when sprsim was not started by an MPI launcher
 * (mpirun, mpiexec, srun), a run is one process of rank 0 of 1 and every
 * function below is a no-op.
 *
 * Rank 0 reads the checkpoint, writes it and writes the results file; every
 * rank runs the units assigned to it (spr_schedule_assign) and sends each
 * finished unit to rank 0 as a message: its scenario and replicate, then its
 * packed slices (spr_results_unit_pack).  Rank 0 takes them in whatever order
 * they come and puts each in its slot, so the results do not depend on the
 * number of ranks. */
#ifndef SPRSIM_DISTRIBUTE_H
#define SPRSIM_DISTRIBUTE_H

#include <stddef.h>

/* Starts MPI when built with it and started by an MPI launcher; 0, -1 if MPI fails to start, -2 if
 * started by a launcher as one of several processes without MPI built in. */
int spr_dist_init(int *argc, char ***argv);
/* Ends MPI (if started). */
void spr_dist_finalize(void);
/* Ends every process of the run at once (a rank's runtime error; rank 0 keeps the checkpoint). */
void spr_dist_abort(int status);
int spr_dist_rank(void);
int spr_dist_size(void);

/* The largest *v over the ranks, on every rank; 0, or -1 if MPI fails. */
int spr_dist_max(int *v);
/* Rank 0's bytes of v to every rank; 0, or -1 if MPI fails. */
int spr_dist_broadcast(void *v, size_t bytes);

/* A finished unit, sent to rank 0 (blocks until rank 0 takes it). */
int spr_dist_send_unit(int scenario, int replicate, const void *packed, size_t bytes);
/* Rank 0: a unit sent by another rank, if one is waiting (block = 0) or when one comes (block = 1).
 * Returns 1 with *scenario, *replicate and *buf (malloc'd; the caller frees it) and *bytes set, 0 when
 * none is waiting, -1 on failure. */
int spr_dist_receive_unit(int block, int *scenario, int *replicate, void **buf, size_t *bytes);

#endif
