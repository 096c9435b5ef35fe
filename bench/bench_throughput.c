/* Throughput and memory of the monthly step.
 *
 *   bench_throughput SCENARIO.yaml [--sizes 100000,1000000] [--threads 1,2] [--repeats 3] [--years 30]
 *                    [--set KEY=VALUE]... [--beside month|run]
 *
 * For each size and thread count, runs one replicate of the scenario
 * (repeats times) and prints the median agent-months per second, where an
 * agent-month is one resident simulated for one month (the sum of the
 * monthly population), and the bytes of state per resident.
 *
 * Beside each run of the model, in the same process, runs the reference
 * loop (issue 14): the same resident arrays streamed once a month by the
 * same OpenMP loop, drawing 2 scalar Philox4x32-10 blocks per
 * resident-month and doing nothing else.  The machine's speed varies by up
 * to 2x within a minute (it is shared), so by default (--beside month) the
 * two alternate month by month: after each of the model's months (its
 * progress callback) the reference loop runs one month, timed apart, and
 * both see the same machine.  --beside run runs the reference loop for the
 * whole run after the model's run instead (the measurement before
 * 2026-11-26). */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sprsim/model.h"
#include "sprsim/population.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

/* The reference loop's residents: as many as the model's, in the model's own arrays (the same bytes per
 * resident), with ids, ages and districts spread like a real population's. */
static spr_population *reference_population(size_t n)
{
    spr_population *pop = spr_population_create(n);
    if (pop == NULL) return NULL;
    for (size_t i = 0; i < n; i++)
        if (spr_population_add(pop, (int)(i & 1), (uint16_t)(i % 1200), (uint8_t)(i % 6), (uint8_t)(i % 64)) < 0) {
            spr_population_destroy(pop);
            return NULL;
        }
    return pop;
}

/* `months` months of the reference loop: every resident reads its 15 bytes, draws the two blocks the
 * model always draws (health and social, block 0) with the scalar spr_rng_block, and writes its state
 * and age.  Returns a checksum of the words, so that nothing can be left out by the compiler. */
static uint64_t reference_months(spr_population *pop, int first_month, int months)
{
    const spr_rng_key key = {20261126, 0};
    uint64_t sum = 0;
    for (int m = first_month; m < first_month + months; m++) {
        const size_t n = pop->n;
#pragma omp parallel for schedule(static) reduction(+ : sum)
        for (size_t i = 0; i < n; i++) {
            uint32_t wh[4], ws[4];
            spr_rng_block(key, pop->id[i], (uint32_t)m, SPR_STREAM_MONTH_HEALTH, 0, wh);
            spr_rng_block(key, pop->id[i], (uint32_t)m, SPR_STREAM_MONTH_SOCIAL, 0, ws);
            const uint32_t x = wh[0] ^ wh[1] ^ wh[2] ^ wh[3] ^ ws[0] ^ ws[1] ^ ws[2] ^ ws[3];
            sum += (x >> 24) + pop->district[i] + pop->flags[i] + pop->sp[i] + pop->sp_months[i] + (pop->resource[i] & 1u);
            pop->state[i] = (uint8_t)((pop->state[i] + (x & 1u)) & 63u);
            pop->age_months[i] = (uint16_t)(pop->age_months[i] + 1u);
        }
    }
    return sum;
}

/* Processor seconds of the process: on a shared machine, a one-thread run's own time. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The reference loop month by month beside the model (--beside month): the wall and processor seconds
 * it took, to be taken off the model's run. */
typedef struct {
    spr_population *ref;
    double seconds, cpu_s;
    uint64_t sum;
} beside_months;

static void reference_month_beside(void *ctx, int replicate, int month)
{
    (void)replicate;
    beside_months *b = ctx;
    const double t0 = omp_get_wtime(), c0 = cpu_seconds();
    b->sum += reference_months(b->ref, month, 1);
    b->seconds += omp_get_wtime() - t0;
    b->cpu_s += cpu_seconds() - c0;
}

static double median(double *x, int n)
{
    gsl_sort(x, 1, (size_t)n);
    return gsl_stats_median_from_sorted_data(x, 1, (size_t)n);
}

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
                        "[--set KEY=VALUE]... [--beside month|run]\n");
        return 2;
    }
    long sizes[8] = {100000, 1000000}, threads[8] = {1, 2};
    int n_sizes = 2, n_threads = 2, repeats = 3, years = 30, n_ov = 3, by_month = 1;
    spr_override ov[16 + 3];
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--sizes") == 0) n_sizes = parse_list(argv[i + 1], sizes, 8);
        else if (strcmp(argv[i], "--set") == 0 && n_ov < 16 + 3) ov[n_ov++] = (spr_override){argv[i + 1], NULL};
        else if (strcmp(argv[i], "--threads") == 0) n_threads = parse_list(argv[i + 1], threads, 8);
        else if (strcmp(argv[i], "--repeats") == 0) repeats = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--years") == 0) years = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--beside") == 0 && (strcmp(argv[i + 1], "month") == 0 || strcmp(argv[i + 1], "run") == 0))
            by_month = strcmp(argv[i + 1], "month") == 0;
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (n_sizes < 1 || n_threads < 1 || repeats < 1 || years < 1) return 2;
    printf("# sprsim throughput: %s, %d years, 1 replicate, median of %d runs\n", argv[1], years, repeats);
    printf("# bytes of state per resident: %zu\n", (size_t)SPR_BYTES_PER_RESIDENT);
    printf("# reference: the same arrays streamed with 2 scalar Philox4x32-10 blocks per resident-month, run beside\n"
           "# each repeat of the model, %s; ratio = model / reference (medians)\n",
           by_month ? "a month of it after each of the model's months (--beside month), timed apart"
                    : "for the whole run after the model's (--beside run)");
    printf("# cpu_s: the model's processor seconds (all threads; on one thread, the time it ran, whatever else ran)\n");
    printf("%12s %8s %16s %14s %12s %14s %12s %8s %10s\n", "residents", "threads", "agent_months", "seconds", "Magent_m/s",
           "peak_bytes/res", "ref_Mam/s", "ratio", "cpu_s");
    volatile uint64_t sink = 0;
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
        spr_population *ref = reference_population((size_t)sizes[si]);
        if (ref == NULL) {
            fprintf(stderr, "out of memory for the reference loop's %ld residents\n", sizes[si]);
            return 1;
        }
        for (int ti = 0; ti < n_threads; ti++) {
            omp_set_num_threads((int)threads[ti]);
            double *secs = malloc(sizeof(double) * (size_t)repeats), *ref_secs = malloc(sizeof(double) * (size_t)repeats);
            double *cpu = malloc(sizeof(double) * (size_t)repeats);
            if (secs == NULL || ref_secs == NULL || cpu == NULL) return 1;
            double agent_months = 0;
            size_t peak = 0;
            for (int k = 0; k < repeats; k++) {
                spr_results *res;
                beside_months beside = {ref, 0, 0, 0};
                double t0 = omp_get_wtime(), c0 = cpu_seconds();
                if (spr_simulation_run(&sc.params, model, &res, by_month ? reference_month_beside : NULL, &beside,
                                       &err) != SPR_OK) {
                    fprintf(stderr, "%s\n", err.msg);
                    return 1;
                }
                secs[k] = omp_get_wtime() - t0 - beside.seconds;
                cpu[k] = cpu_seconds() - c0 - beside.cpu_s;
                agent_months = 0;
                for (int m = 0; m < res->months; m++)
                    agent_months += (double)spr_results_total(res, 0, m, SPR_IND_POPULATION, 0, SPR_AGE_BANDS);
                peak = res->peak_residents;
                spr_results_destroy(res);
                if (by_month) {
                    sink += beside.sum;
                    ref_secs[k] = beside.seconds;
                } else {
                    t0 = omp_get_wtime();
                    sink += reference_months(ref, 0, 12 * years);
                    ref_secs[k] = omp_get_wtime() - t0;
                }
            }
            const double med = median(secs, repeats), ref_med = median(ref_secs, repeats), cpu_med = median(cpu, repeats);
            const double model_rate = agent_months / med, ref_rate = (double)sizes[si] * 12.0 * years / ref_med;
            printf("%12ld %8ld %16.0f %14.3f %12.2f %14.1f %12.2f %8.3f %10.3f\n", sizes[si], threads[ti], agent_months, med,
                   model_rate / 1e6, (double)peak * SPR_BYTES_PER_RESIDENT / (double)sizes[si], ref_rate / 1e6,
                   model_rate / ref_rate, cpu_med);
            fflush(stdout);
            free(secs);
            free(ref_secs);
            free(cpu);
        }
        spr_population_destroy(ref);
        spr_model_destroy(model);
        spr_scenario_free(&sc);
    }
    printf("# checksum of the reference loop: %llu\n", (unsigned long long)sink);
    return 0;
}
