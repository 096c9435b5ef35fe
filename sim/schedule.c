#include "sprsim/schedule.h"

#include <stdlib.h>

double spr_schedule_unit_work(const spr_params *p) { return 12.0 * p->years * (double)p->population; }

typedef struct {
    double work;
    int index;
} ranked_unit;

/* Decreasing work, then increasing unit number: a total order, so the assignment never depends on qsort. */
static int by_work_descending(const void *a, const void *b)
{
    const ranked_unit *x = a, *y = b;
    if (x->work != y->work) return x->work > y->work ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* A min-heap of processes by (load, rank): the least loaded at the top, found in log(ranks) steps,
 * so that a run of millions of units over thousands of processes is assigned at once. */
typedef struct {
    double load;
    int rank;
} process_load;

static int lighter(process_load a, process_load b) { return a.load < b.load || (a.load == b.load && a.rank < b.rank); }

static void sift_down(process_load *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && lighter(h[l], h[m])) m = l;
        if (r < n && lighter(h[r], h[m])) m = r;
        if (m == i) return;
        process_load t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

int spr_schedule_assign(const spr_unit *units, int n, int ranks, int *owner, spr_error *err)
{
    if (ranks < 1) return spr_error_set(err, SPR_ERR_USAGE, "%d processes: at least 1", ranks);
    ranked_unit *order = malloc(sizeof *order * (size_t)(n > 0 ? n : 1));
    process_load *heap = malloc(sizeof *heap * (size_t)ranks);
    if (order == NULL || heap == NULL) {
        free(order);
        free(heap);
        return spr_error_set(err, SPR_ERR_NOMEM, "out of memory assigning %d work units", n);
    }
    for (int k = 0; k < n; k++) order[k] = (ranked_unit){units[k].work_agent_months, k};
    qsort(order, (size_t)n, sizeof *order, by_work_descending);
    for (int q = 0; q < ranks; q++) heap[q] = (process_load){0.0, q}; /* a valid heap: equal loads, ranks in order */
    for (int k = 0; k < n; k++) {
        owner[order[k].index] = heap[0].rank;
        heap[0].load += order[k].work;
        sift_down(heap, ranks, 0);
    }
    free(order);
    free(heap);
    return SPR_OK;
}
