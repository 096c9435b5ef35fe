/* Throughput and memory of the monthly step.
 *
 *   bench_throughput SCENARIO.yaml [--sizes 100000,1000000] [--threads 1,2] [--repeats 3] [--years 30]
 *                    [--set KEY=VALUE]...
 *
 * For each size and thread count, runs one replicate of the scenario
 * (repeats times) and prints the median agent-months per second, where an
 * agent-month is one resident simulated for one month (the sum of the
 * monthly population), and the bytes of state per resident. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/model.h"
#include "sprsim/population.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

static int parse_list(const char *s, long *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        char *end;
        out[n++] = strtol(s, &end, 10);
        s = *end == ',' ? end + 1 : end;
        if (*end != ',' && *end != '\0') return -1;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_throughput SCENARIO.yaml [--sizes N,...] [--threads T,...] [--repeats K] [--years Y] "
                        "[--set KEY=VALUE]...\n");
        return 2;
    }
    long sizes[8] = {100000, 1000000}, threads[8] = {1, 2};
    int n_sizes = 2, n_threads = 2, repeats = 3, years = 30, n_ov = 3;
    spr_override ov[16 + 3];
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--sizes") == 0) n_sizes = parse_list(argv[i + 1], sizes, 8);
        else if (strcmp(argv[i], "--set") == 0 && n_ov < 16 + 3) ov[n_ov++] = (spr_override){argv[i + 1], NULL};
        else if (strcmp(argv[i], "--threads") == 0) n_threads = parse_list(argv[i + 1], threads, 8);
        else if (strcmp(argv[i], "--repeats") == 0) repeats = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--years") == 0) years = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (n_sizes < 1 || n_threads < 1 || repeats < 1 || years < 1) return 2;
    printf("# sprsim throughput: %s, %d years, 1 replicate, median of %d runs\n", argv[1], years, repeats);
    printf("# bytes of state per resident: %zu\n", (size_t)SPR_BYTES_PER_RESIDENT);
    printf("%12s %8s %16s %14s %12s %14s\n", "residents", "threads", "agent_months", "seconds", "Magent_m/s",
           "peak_bytes/res");
    for (int si = 0; si < n_sizes; si++) {
        char set_pop[64], set_years[64], set_rep[] = "simulation.replicates=1";
        snprintf(set_pop, sizeof set_pop, "simulation.population=%ld", sizes[si]);
        snprintf(set_years, sizeof set_years, "simulation.years=%d", years);
        ov[0] = (spr_override){set_pop, NULL};
        ov[1] = (spr_override){set_years, NULL};
        ov[2] = (spr_override){set_rep, NULL};
        spr_scenario sc;
        spr_error err;
        if (spr_scenario_load(argv[1], ov, n_ov, &sc, &err) != SPR_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 2;
        }
        spr_model *model;
        if (spr_model_create(&sc.params, &model, &err) != SPR_OK) return 1;
        for (int ti = 0; ti < n_threads; ti++) {
            omp_set_num_threads((int)threads[ti]);
            double *secs = malloc(sizeof(double) * (size_t)repeats);
            double agent_months = 0;
            size_t peak = 0;
            for (int k = 0; k < repeats; k++) {
                spr_results *res;
                double t0 = omp_get_wtime();
                if (spr_simulation_run(&sc.params, model, &res, NULL, NULL, &err) != SPR_OK) {
                    fprintf(stderr, "%s\n", err.msg);
                    return 1;
                }
                secs[k] = omp_get_wtime() - t0;
                agent_months = 0;
                for (int m = 0; m < res->months; m++)
                    agent_months += (double)spr_results_total(res, 0, m, SPR_IND_POPULATION, 0, SPR_AGE_BANDS);
                peak = res->peak_residents;
                spr_results_destroy(res);
            }
            gsl_sort(secs, 1, (size_t)repeats);
            double med = gsl_stats_median_from_sorted_data(secs, 1, (size_t)repeats);
            printf("%12ld %8ld %16.0f %14.3f %12.2f %14.1f\n", sizes[si], threads[ti], agent_months, med,
                   agent_months / med / 1e6, (double)peak * SPR_BYTES_PER_RESIDENT / (double)sizes[si]);
            fflush(stdout);
            free(secs);
        }
        spr_model_destroy(model);
        spr_scenario_free(&sc);
    }
    return 0;
}
