/* The link-worker referral queue: a multi-server queue in continuous time.
 *
 * Servers are caseload places (link workers x maximum active caseload).  A
 * client arrives at a time (days since the start of the projection), waits
 * if every place is taken, and holds a place for its service time (the
 * case).  Two first-come-first-served lanes: the priority lane is served
 * first when priority is on.  The health model steps in months; within a
 * month the queue resolves arrivals and case ends in the order of their
 * times, so waits are measured in days, not rounded to months.  With
 * Poisson arrivals and exponential service this is the M/M/c queue
 * (tests/test_queue.c checks it against the Erlang C formula). */
#ifndef SPRSIM_QUEUE_H
#define SPRSIM_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t client;        /* resident id */
    double arrival_day;     /* time of referral */
    double service_days;    /* how long the case holds a place */
    uint8_t priority;       /* 1: served first when priority is on */
    uint8_t source;         /* referral source (for accounting) */
} spr_queue_client;

typedef struct {
    uint32_t client;
    double arrival_day, start_day, end_day;
    int server;             /* link worker holding the case */
    uint8_t source;
} spr_queue_case;

/* What happened in one call of spr_queue_advance. */
typedef struct {
    spr_queue_case *started;  /* cases that started (first contact) */
    size_t n_started, cap_started;
    spr_queue_case *ended;    /* cases that ended (closed) */
    size_t n_ended, cap_ended;
} spr_queue_events;

typedef struct spr_queue spr_queue;

/* servers: number of link workers; places_per_server: caseload of each. */
spr_queue *spr_queue_create(int servers, const int *places_per_server, int priority);
void spr_queue_destroy(spr_queue *q);

/* Adds this period's arrivals (any order: they are sorted by time, ties by
 * client id) and resolves every event up to until_day.  Returns 0 or -1 (no memory). */
int spr_queue_advance(spr_queue *q, spr_queue_client *arrivals, size_t n, double until_day, spr_queue_events *ev);

/* Removes clients (died or moved) at day t: ids sorted ascending.  All leave
 * the line and their cases first; then the freed places go to the next in
 * line (cases started at t, in ev).  where[k] becomes 1 if ids[k] was
 * waiting, 2 if it held a case, 0 if unknown; arrival_day[k] (when not NULL)
 * the time of referral of those who were waiting (their wait is censored
 * there).  Returns 0 or -1 (no memory).  One pass over the line and the
 * cases, however many leave. */
int spr_queue_remove_batch(spr_queue *q, const uint32_t *ids, size_t n, double t, spr_queue_events *ev, uint8_t *where,
                           double *arrival_day);

/* The same for one client; returns its 'where' (or -1). */
int spr_queue_remove(spr_queue *q, uint32_t client, double t, spr_queue_events *ev);

size_t spr_queue_waiting(const spr_queue *q);
size_t spr_queue_active(const spr_queue *q);
int spr_queue_servers(const spr_queue *q);
/* Active cases and places of one link worker. */
int spr_queue_server_active(const spr_queue *q, int server);
int spr_queue_server_places(const spr_queue *q, int server);
/* Visits every waiting client and every active case (for invariant checks). */
void spr_queue_visit(const spr_queue *q, void (*fn)(void *ctx, uint32_t client, int waiting, int server), void *ctx);

/* Visits every waiting client, in line order (the waits still open at the end of a run). */
void spr_queue_visit_waiting(const spr_queue *q, void (*fn)(void *ctx, const spr_queue_client *c), void *ctx);

void spr_queue_events_clear(spr_queue_events *ev);
void spr_queue_events_free(spr_queue_events *ev);

#endif
