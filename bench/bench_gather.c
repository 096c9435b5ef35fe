/* What gathering a work unit costs rank 0 (bench/README.md, the weak-scaling estimate).
 *
 *   bench_gather SCENARIO.yaml [--years 30] [--replicates 16] [--repeats 5] [--population 2000]
 *                [--set KEY=VALUE]...
 *
 * A unit's results do not grow with the residents (they are counts by month, sex, age band,
 * district and team), so the scenario runs with 2,000 residents (--population 0: the scenario's own,
 * as a municipality's tables require); then, for one unit:
 *   bytes        what a rank sends to rank 0 (spr_results_unit_bytes);
 *   pack+unpack  the two copies around the message (median over the units);
 *   checkpoint   rank 0 keeping it: an HDF5 file written whole, forced to the disk, renamed (median);
 *   write        the results file, per unit: spr_output_write of every unit, divided by their number
 *                (median of repeats), and the file's bytes per unit (deflated).
 * The message itself is left to the network's bandwidth (stated with the estimate). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/checkpoint.h"
#include "sprsim/model.h"
#include "sprsim/output.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

static double median(double *x, int n)
{
    gsl_sort(x, 1, (size_t)n);
    return gsl_stats_median_from_sorted_data(x, 1, (size_t)n);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_gather SCENARIO.yaml [--years Y] [--replicates R] [--repeats K] [--set KEY=VALUE]...\n");
        return 2;
    }
    int years = 30, replicates = 16, repeats = 5, n_ov = 3;
    long population = 2000;
    spr_override ov[16 + 3];
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--years") == 0) years = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--replicates") == 0) replicates = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--repeats") == 0) repeats = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--population") == 0) population = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--set") == 0 && n_ov < 16 + 3) ov[n_ov++] = (spr_override){argv[i + 1], NULL};
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (years < 1 || replicates < 1 || repeats < 1 || population < 0) return 2;
    char set_years[64], set_rep[64], set_pop[64];
    snprintf(set_pop, sizeof set_pop, "simulation.population=%ld", population);
    snprintf(set_years, sizeof set_years, "simulation.years=%d", years);
    snprintf(set_rep, sizeof set_rep, "simulation.replicates=%d", replicates);
    ov[0] = (spr_override){set_years, NULL};
    ov[1] = (spr_override){set_rep, NULL};
    ov[2] = (spr_override){set_pop, NULL};
    if (population == 0) n_ov--, memmove(&ov[2], &ov[3], sizeof *ov * (size_t)(n_ov - 2));
    spr_scenario sc;
    spr_error err;
    spr_model *model = NULL;
    spr_results *res = NULL;
    if (spr_scenario_load(argv[1], ov, n_ov, &sc, &err) != SPR_OK || spr_model_create(&sc.params, &model, &err) != SPR_OK ||
        spr_simulation_run(&sc.params, model, &res, NULL, NULL, &err) != SPR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    const size_t bytes = spr_results_unit_bytes(res);
    void *buf = malloc(bytes);
    spr_results *copy = NULL;
    double *t = malloc(sizeof *t * (size_t)(replicates > repeats ? replicates : repeats));
    if (buf == NULL || t == NULL || spr_results_create_for(&sc.params, replicates, &copy, &err) != SPR_OK) return 1;
    for (int r = 0; r < replicates; r++) {
        double t0 = omp_get_wtime();
        spr_results_unit_pack(res, r, buf);
        spr_results_unit_unpack(copy, r, buf);
        t[r] = omp_get_wtime() - t0;
    }
    const double pack_s = median(t, replicates);

    char dir[] = "/tmp/sprsim_gather_XXXXXX", out[128];
    if (mkdtemp(dir) == NULL) return 1;
    snprintf(out, sizeof out, "%s/results.h5", dir);
    spr_checkpoint *c = NULL;
    if (spr_checkpoint_start(out, &sc, 1, "bench_gather", &c, &err) != SPR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    for (int r = 0; r < replicates; r++) {
        double t0 = omp_get_wtime();
        if (spr_checkpoint_save(c, 0, res, r, &err) != SPR_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        t[r] = omp_get_wtime() - t0;
    }
    const double save_s = median(t, replicates);
    spr_checkpoint_finish(c, &err);

    spr_run_info info = {"bench_gather", "2026-01-01T00:00:00Z", 1, 1, 0};
    struct stat st = {0};
    for (int k = 0; k < repeats; k++) {
        double t0 = omp_get_wtime();
        if (spr_output_write(out, &sc, &res, 1, &info, &err) != SPR_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        t[k] = (omp_get_wtime() - t0) / replicates;
        stat(out, &st);
        remove(out);
    }
    const double write_s = median(t, repeats);
    rmdir(dir);
    printf("# sprsim gather cost of one work unit: %s, %d years, %d districts, %d teams; %d units\n", argv[1], years,
           res->districts, res->teams, replicates);
    printf("%-34s %14zu\n", "unit bytes (message)", bytes);
    printf("%-34s %14.6f\n", "pack+unpack seconds", pack_s);
    printf("%-34s %14.6f\n", "checkpoint seconds", save_s);
    printf("%-34s %14.6f\n", "results file seconds per unit", write_s);
    printf("%-34s %14.0f\n", "results file bytes per unit", (double)st.st_size / replicates);
    free(buf);
    free(t);
    spr_results_destroy(copy);
    spr_results_destroy(res);
    spr_model_destroy(model);
    spr_scenario_free(&sc);
    return 0;
}
