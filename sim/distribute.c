#include "sprsim/distribute.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Started by an MPI launcher: Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE, PMIx launchers PMIX_RANK,
 * MPICH's Hydra and Slurm's srun PMI_SIZE.  A plain `sprsim run` does not start MPI (a singleton
 * MPI_Init would start Open MPI's runtime for nothing). */
static int under_launcher(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMIX_RANK") != NULL || getenv("PMI_SIZE") != NULL;
}

#ifdef SPRSIM_HAVE_MPI
#include <mpi.h>

static int started; /* MPI_Init was called */

int spr_dist_init(int *argc, char ***argv)
{
    if (!under_launcher()) return 0;
    int provided = 0;
    /* the OpenMP threads never call MPI: only the main thread does, between months */
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return -1;
    started = 1;
    if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        started = 0;
        return -1;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    return 0;
}

void spr_dist_finalize(void)
{
    if (started) MPI_Finalize();
    started = 0;
}

void spr_dist_abort(int status)
{
    if (started) MPI_Abort(MPI_COMM_WORLD, status);
}

int spr_dist_rank(void)
{
    int r = 0;
    if (started) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int spr_dist_size(void)
{
    int n = 1;
    if (started) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

/* Messages are sent in pieces of at most this many bytes (an MPI count is an int). */
#define PIECE_BYTES ((size_t)1 << 30)

int spr_dist_max(int *v)
{
    if (!started) return 0;
    return MPI_Allreduce(MPI_IN_PLACE, v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

int spr_dist_broadcast(void *v, size_t bytes)
{
    if (!started) return 0;
    for (size_t off = 0; off < bytes; off += PIECE_BYTES) {
        size_t n = bytes - off < PIECE_BYTES ? bytes - off : PIECE_BYTES;
        if (MPI_Bcast((char *)v + off, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS) return -1;
    }
    return 0;
}

enum { TAG_HEADER = 1, TAG_BODY = 2 };

int spr_dist_send_unit(int scenario, int replicate, const void *packed, size_t bytes)
{
    if (!started) return -1;
    int64_t header[3] = {scenario, replicate, (int64_t)bytes};
    if (MPI_Send(header, 3, MPI_INT64_T, 0, TAG_HEADER, MPI_COMM_WORLD) != MPI_SUCCESS) return -1;
    for (size_t off = 0; off < bytes; off += PIECE_BYTES) {
        size_t n = bytes - off < PIECE_BYTES ? bytes - off : PIECE_BYTES;
        if (MPI_Send((const char *)packed + off, (int)n, MPI_BYTE, 0, TAG_BODY, MPI_COMM_WORLD) != MPI_SUCCESS)
            return -1;
    }
    return 0;
}

int spr_dist_receive_unit(int block, int *scenario, int *replicate, void **buf, size_t *bytes)
{
    *buf = NULL;
    if (!started) return 0;
    MPI_Status st;
    if (!block) {
        int waiting = 0;
        if (MPI_Iprobe(MPI_ANY_SOURCE, TAG_HEADER, MPI_COMM_WORLD, &waiting, &st) != MPI_SUCCESS) return -1;
        if (!waiting) return 0;
    }
    int64_t header[3];
    if (MPI_Recv(header, 3, MPI_INT64_T, MPI_ANY_SOURCE, TAG_HEADER, MPI_COMM_WORLD, &st) != MPI_SUCCESS) return -1;
    const int from = st.MPI_SOURCE; /* the body follows from the same rank (messages between two ranks keep their order) */
    *scenario = (int)header[0];
    *replicate = (int)header[1];
    *bytes = (size_t)header[2];
    *buf = malloc(*bytes > 0 ? *bytes : 1);
    if (*buf == NULL) return -1;
    for (size_t off = 0; off < *bytes; off += PIECE_BYTES) {
        size_t n = *bytes - off < PIECE_BYTES ? *bytes - off : PIECE_BYTES;
        if (MPI_Recv((char *)*buf + off, (int)n, MPI_BYTE, from, TAG_BODY, MPI_COMM_WORLD, MPI_STATUS_IGNORE) !=
            MPI_SUCCESS) {
            free(*buf);
            *buf = NULL;
            return -1;
        }
    }
    return 1;
}

#else /* one process */

int spr_dist_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* several copies started by mpirun would each run the whole run into the same file */
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    if (size == NULL) size = getenv("PMI_SIZE");
    return under_launcher() && size != NULL && atoi(size) > 1 ? -2 : 0;
}
void spr_dist_finalize(void) {}
void spr_dist_abort(int status) { (void)status; }
int spr_dist_rank(void) { return 0; }
int spr_dist_size(void) { return 1; }
int spr_dist_broadcast(void *v, size_t bytes)
{
    (void)v;
    (void)bytes;
    return 0;
}
int spr_dist_max(int *v)
{
    (void)v;
    return 0;
}
int spr_dist_send_unit(int scenario, int replicate, const void *packed, size_t bytes)
{
    (void)scenario;
    (void)replicate;
    (void)packed;
    (void)bytes;
    return -1; /* never called: rank 0 runs every unit itself */
}
int spr_dist_receive_unit(int block, int *scenario, int *replicate, void **buf, size_t *bytes)
{
    (void)block;
    (void)scenario;
    (void)replicate;
    (void)bytes;
    *buf = NULL;
    return 0;
}

#endif
