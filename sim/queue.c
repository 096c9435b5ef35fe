#include "sprsim/queue.h"

#include <stdlib.h>
#include <string.h>

/* A first-come-first-served lane as a ring buffer. */
typedef struct {
    spr_queue_client *v;
    size_t head, n, cap;
} lane;

struct spr_queue {
    int servers, priority;
    int *places, *active;     /* per server */
    int total_places, total_active;
    spr_queue_case *cases;    /* active cases, unordered */
    size_t n_cases, cap_cases;
    /* the cases as a binary min-heap by (end_day, client), so that the next to end is found at once:
     * heap[j] is a case's index in cases, pos[i] the heap position of case i (both cap_heap long) */
    size_t *heap, *pos, cap_heap;
    lane lanes[2];            /* [0] priority, [1] others */
};

static int lane_push(lane *l, spr_queue_client c)
{
    if (l->n == l->cap) {
        size_t cap = l->cap * 2 + 16;
        spr_queue_client *v = malloc(cap * sizeof *v);
        if (v == NULL) return -1;
        for (size_t i = 0; i < l->n; i++) v[i] = l->v[(l->head + i) % l->cap];
        free(l->v);
        l->v = v;
        l->head = 0;
        l->cap = cap;
    }
    l->v[(l->head + l->n) % l->cap] = c;
    l->n++;
    return 0;
}

static spr_queue_client lane_pop(lane *l)
{
    spr_queue_client c = l->v[l->head];
    l->head = (l->head + 1) % l->cap;
    l->n--;
    return c;
}

spr_queue *spr_queue_create(int servers, const int *places_per_server, int priority)
{
    spr_queue *q = calloc(1, sizeof *q);
    if (q == NULL) return NULL;
    q->servers = servers;
    q->priority = priority;
    q->places = calloc((size_t)(servers > 0 ? servers : 1), sizeof(int));
    q->active = calloc((size_t)(servers > 0 ? servers : 1), sizeof(int));
    if (!q->places || !q->active) {
        spr_queue_destroy(q);
        return NULL;
    }
    for (int s = 0; s < servers; s++) {
        q->places[s] = places_per_server[s];
        q->total_places += places_per_server[s];
    }
    return q;
}

void spr_queue_destroy(spr_queue *q)
{
    if (q == NULL) return;
    free(q->places);
    free(q->active);
    free(q->cases);
    free(q->heap);
    free(q->pos);
    free(q->lanes[0].v);
    free(q->lanes[1].v);
    free(q);
}

static int push_event(spr_queue_case **v, size_t *n, size_t *cap, spr_queue_case c)
{
    if (*n == *cap) {
        size_t nc = *cap * 2 + 16;
        spr_queue_case *t = realloc(*v, nc * sizeof *t);
        if (t == NULL) return -1;
        *v = t;
        *cap = nc;
    }
    (*v)[(*n)++] = c;
    return 0;
}

/* The link worker with the most free places (ties: lowest index): spreads
 * cases evenly, so no one exceeds their caseload. */
static int free_server(const spr_queue *q)
{
    int best = -1, best_free = 0;
    for (int s = 0; s < q->servers; s++) {
        int f = q->places[s] - q->active[s];
        if (f > best_free) best = s, best_free = f;
    }
    return best;
}

/* Whether case a ends before case b (ties by client, so that the order is total). */
static int ends_before(const spr_queue *q, size_t a, size_t b)
{
    const spr_queue_case *x = &q->cases[a], *y = &q->cases[b];
    return x->end_day < y->end_day || (x->end_day == y->end_day && x->client < y->client);
}

static void heap_place(spr_queue *q, size_t j, size_t i)
{
    q->heap[j] = i;
    q->pos[i] = j;
}

/* Moves the case at heap position j up or down to where the heap order wants it. */
static void heap_fix(spr_queue *q, size_t j)
{
    const size_t i = q->heap[j], n = q->n_cases;
    while (j > 0 && ends_before(q, i, q->heap[(j - 1) / 2])) {
        heap_place(q, j, q->heap[(j - 1) / 2]);
        j = (j - 1) / 2;
    }
    for (;;) {
        size_t c = 2 * j + 1;
        if (c >= n) break;
        if (c + 1 < n && ends_before(q, q->heap[c + 1], q->heap[c])) c++;
        if (!ends_before(q, q->heap[c], i)) break;
        heap_place(q, j, q->heap[c]);
        j = c;
    }
    heap_place(q, j, i);
}

/* Appends case k to the cases and the heap. */
static int case_add(spr_queue *q, spr_queue_case k)
{
    if (push_event(&q->cases, &q->n_cases, &q->cap_cases, k) < 0) return -1;
    if (q->cap_heap < q->cap_cases) {
        size_t *h = realloc(q->heap, q->cap_cases * sizeof *h);
        if (h != NULL) q->heap = h;
        size_t *p = realloc(q->pos, q->cap_cases * sizeof *p);
        if (p != NULL) q->pos = p;
        if (h == NULL || p == NULL) {
            q->n_cases--;
            return -1;
        }
        q->cap_heap = q->cap_cases;
    }
    heap_place(q, q->n_cases - 1, q->n_cases - 1);
    heap_fix(q, q->n_cases - 1);
    return 0;
}

/* Removes case i: the last case takes its index (the cases' order, which spr_queue_visit shows, is the
 * one it always was), and the heap loses its entry. */
static void case_remove(spr_queue *q, size_t i)
{
    const size_t last = q->n_cases - 1, j = q->pos[i];
    q->n_cases--;
    if (j < last) heap_place(q, j, q->heap[last]); /* the heap's last entry fills the hole ... */
    if (i < last) { /* ... and the last case moves to index i */
        q->heap[q->pos[last]] = i;
        q->pos[i] = q->pos[last];
        q->cases[i] = q->cases[last];
    }
    if (j < last) heap_fix(q, j);
}

static int start_case(spr_queue *q, spr_queue_client c, double t, spr_queue_events *ev)
{
    int s = free_server(q);
    spr_queue_case k = {c.client, c.arrival_day, t, t + c.service_days, s, c.source};
    if (case_add(q, k) < 0) return -1;
    q->active[s]++;
    q->total_active++;
    return ev ? push_event(&ev->started, &ev->n_started, &ev->cap_started, k) : 0;
}

static int has_waiting(const spr_queue *q) { return q->lanes[0].n + q->lanes[1].n > 0; }

static spr_queue_client next_waiting(spr_queue *q)
{
    /* priority lane first when priority is on; otherwise the earlier arrival of both lanes */
    if (q->priority) return lane_pop(q->lanes[0].n ? &q->lanes[0] : &q->lanes[1]);
    if (q->lanes[0].n == 0) return lane_pop(&q->lanes[1]);
    if (q->lanes[1].n == 0) return lane_pop(&q->lanes[0]);
    const spr_queue_client *a = &q->lanes[0].v[q->lanes[0].head], *b = &q->lanes[1].v[q->lanes[1].head];
    return lane_pop(a->arrival_day < b->arrival_day || (a->arrival_day == b->arrival_day && a->client < b->client)
                        ? &q->lanes[0]
                        : &q->lanes[1]);
}

/* Ends case i at its end time (or at t when removed early), then serves the line. */
static int end_case(spr_queue *q, size_t i, double t, spr_queue_events *ev)
{
    spr_queue_case k = q->cases[i];
    k.end_day = t;
    case_remove(q, i);
    q->active[k.server]--;
    q->total_active--;
    if (ev && push_event(&ev->ended, &ev->n_ended, &ev->cap_ended, k) < 0) return -1;
    while (has_waiting(q) && q->total_active < q->total_places)
        if (start_case(q, next_waiting(q), t, ev) < 0) return -1;
    return 0;
}

static int cmp_arrival(const void *a, const void *b)
{
    const spr_queue_client *x = a, *y = b;
    if (x->arrival_day != y->arrival_day) return x->arrival_day < y->arrival_day ? -1 : 1;
    return (x->client > y->client) - (x->client < y->client);
}

/* The case that ends first before day `until` (ties: lowest client id), or -1: the heap's first. */
static ptrdiff_t next_end(const spr_queue *q, double until)
{
    return q->n_cases > 0 && q->cases[q->heap[0]].end_day < until ? (ptrdiff_t)q->heap[0] : -1;
}

int spr_queue_advance(spr_queue *q, spr_queue_client *arrivals, size_t n, double until_day, spr_queue_events *ev)
{
    qsort(arrivals, n, sizeof *arrivals, cmp_arrival);
    size_t a = 0;
    for (;;) {
        ptrdiff_t e = next_end(q, until_day);
        int arrival_first = a < n && (e < 0 || arrivals[a].arrival_day < q->cases[e].end_day);
        if (arrival_first) {
            spr_queue_client c = arrivals[a++];
            if (q->total_active < q->total_places && !has_waiting(q)) {
                if (start_case(q, c, c.arrival_day, ev) < 0) return -1;
            } else if (lane_push(&q->lanes[c.priority && q->priority ? 0 : 1], c) < 0) {
                return -1;
            }
        } else if (e >= 0) {
            if (end_case(q, (size_t)e, q->cases[e].end_day, ev) < 0) return -1;
        } else {
            break;
        }
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int in_sorted(const uint32_t *ids, size_t n, uint32_t id)
{
    return n > 0 && bsearch(&id, ids, n, sizeof *ids, cmp_u32) != NULL;
}

/* Keeps the clients of a lane that are not in ids, in order. */
static void lane_filter(lane *l, const uint32_t *ids, size_t n, const uint32_t *all, uint8_t *where,
                        double *arrival_day)
{
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        spr_queue_client c = l->v[(l->head + i) % l->cap];
        if (in_sorted(ids, n, c.client)) {
            size_t k = (size_t)((const uint32_t *)bsearch(&c.client, all, n, sizeof *all, cmp_u32) - all);
            where[k] = 1;
            if (arrival_day != NULL) arrival_day[k] = c.arrival_day;
            continue;
        }
        l->v[(l->head + kept) % l->cap] = c;
        kept++;
    }
    l->n = kept;
}

int spr_queue_remove_batch(spr_queue *q, const uint32_t *ids, size_t n, double t, spr_queue_events *ev, uint8_t *where,
                           double *arrival_day)
{
    memset(where, 0, n);
    if (n == 0) return 0;
    lane_filter(&q->lanes[0], ids, n, ids, where, arrival_day);
    lane_filter(&q->lanes[1], ids, n, ids, where, arrival_day);
    for (size_t i = 0; i < q->n_cases;) {
        if (!in_sorted(ids, n, q->cases[i].client)) {
            i++;
            continue;
        }
        where[(const uint32_t *)bsearch(&q->cases[i].client, ids, n, sizeof *ids, cmp_u32) - ids] = 2;
        q->active[q->cases[i].server]--;
        q->total_active--;
        case_remove(q, i);
    }
    while (has_waiting(q) && q->total_active < q->total_places)
        if (start_case(q, next_waiting(q), t, ev) < 0) return -1;
    return 0;
}

int spr_queue_remove(spr_queue *q, uint32_t client, double t, spr_queue_events *ev)
{
    uint8_t where;
    if (spr_queue_remove_batch(q, &client, 1, t, ev, &where, NULL) < 0) return -1;
    return where;
}

size_t spr_queue_waiting(const spr_queue *q) { return q->lanes[0].n + q->lanes[1].n; }
size_t spr_queue_active(const spr_queue *q) { return (size_t)q->total_active; }
int spr_queue_servers(const spr_queue *q) { return q->servers; }
int spr_queue_server_active(const spr_queue *q, int s) { return q->active[s]; }
int spr_queue_server_places(const spr_queue *q, int s) { return q->places[s]; }

void spr_queue_visit_waiting(const spr_queue *q, void (*fn)(void *ctx, const spr_queue_client *c), void *ctx)
{
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < q->lanes[l].n; i++) fn(ctx, &q->lanes[l].v[(q->lanes[l].head + i) % q->lanes[l].cap]);
}

void spr_queue_visit(const spr_queue *q, void (*fn)(void *ctx, uint32_t client, int waiting, int server), void *ctx)
{
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < q->lanes[l].n; i++) fn(ctx, q->lanes[l].v[(q->lanes[l].head + i) % q->lanes[l].cap].client, 1, -1);
    for (size_t i = 0; i < q->n_cases; i++) fn(ctx, q->cases[i].client, 0, q->cases[i].server);
}

void spr_queue_events_clear(spr_queue_events *ev)
{
    ev->n_started = 0;
    ev->n_ended = 0;
}

void spr_queue_events_free(spr_queue_events *ev)
{
    free(ev->started);
    free(ev->ended);
    memset(ev, 0, sizeof *ev);
}
