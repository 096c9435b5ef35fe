/* Shared by the test programs: load a scenario with overrides and run it. */
#ifndef SPRSIM_TEST_HELPERS_H
#define SPRSIM_TEST_HELPERS_H
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sprsim/model.h"
#include "sprsim/scenario.h"
#include "sprsim/simulation.h"

/* spr_scenario_load with plain "key=value" overrides (each a --set). */
static inline int load_with_sets(const char *path, const char *const *sets, int n_sets, spr_scenario *sc, spr_error *err)
{
    spr_override *ov = calloc((size_t)(n_sets > 0 ? n_sets : 1), sizeof *ov);
    if (ov == NULL) return spr_error_set(err, SPR_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n_sets; i++) ov[i].text = sets[i];
    int rc = spr_scenario_load(path, ov, n_sets, sc, err);
    free(ov);
    return rc;
}

/* Runs the scenario at path with overrides on threads threads (0: as set);
 * prints the error and returns NULL on failure.  *out_p gets the parameters. */
static inline spr_results *run_scenario(const char *path, const char *const *sets, int n_sets, int threads, spr_params *out_p)
{
    spr_scenario sc;
    spr_error err;
    if (load_with_sets(path, sets, n_sets, &sc, &err) != SPR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return NULL;
    }
    spr_model *M;
    spr_results *res = NULL;
    if (threads > 0) omp_set_num_threads(threads);
    if (spr_model_create(&sc.params, &M, &err) == SPR_OK) {
        if (spr_simulation_run(&sc.params, M, &res, NULL, NULL, &err) != SPR_OK) fprintf(stderr, "%s\n", err.msg);
        spr_model_destroy(M);
    }
    if (out_p) {
        *out_p = sc.params;
        out_p->municipality = NULL; /* the scenario's tables are freed with it: load the scenario to use them */
    }
    spr_scenario_free(&sc);
    return res;
}

/* A row of a Markdown table in docs/, "| `id` | a | b |": copies it into
 * buf, splits it into trimmed cells (at most max) and returns their number,
 * or -1 when the first cell is not an `id` (copied into id). */
static inline int markdown_row(const char *line, char *buf, size_t size, char **cell, int max, char *id, size_t id_size)
{
    snprintf(buf, size, "%s", line);
    buf[strcspn(buf, "\r\n")] = '\0';
    int n = 0;
    /* split on '|' (the text after the last '|' is empty: no cell) */
    for (char *tok = strtok(buf, "|"); tok && n < max; tok = strtok(NULL, "|")) {
        while (*tok == ' ') tok++;
        for (char *t = tok + strlen(tok) - 1; t >= tok && *t == ' '; t--) *t = '\0';
        cell[n++] = tok;
    }
    if (n == 0 || cell[0][0] != '`') return -1;
    size_t len = strcspn(cell[0] + 1, "`");
    if (cell[0][1 + len] != '`' || len >= id_size) return -1;
    snprintf(id, id_size, "%.*s", (int)len, cell[0] + 1);
    return n;
}
/* A new resident's state drawn by its definition (spr_model_draw_state), written out independently of the
 * model's tables: the mix's states with mass added one by one, the first whose sum exceeds u; the last
 * with mass if none does; state 0 for an empty mix. */
static inline int state_draw_by_definition(const double dist[SPR_STATES], double u)
{
    double alive = 0, cum = 0;
    int last = 0;
    for (int s = 0; s < SPR_STATES; s++) alive += dist[s];
    if (!(alive > 0)) return 0;
    for (int s = 0; s < SPR_STATES; s++) {
        if (dist[s] <= 0) continue;
        cum += dist[s];
        last = s;
        if (u < cum) return s;
    }
    return last;
}
#endif
