/* The referral queue: order of service, caseload limits, priority,
 * removal, and continuous-time waits computed by hand; and, over a long
 * random run, that cases end in the order of their end days, none late. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "check.h"
#include "sprsim/queue.h"

static spr_queue_client client(uint32_t id, double t, double service, int priority)
{
    return (spr_queue_client){id, t, service, (uint8_t)priority, 0};
}

/* The end day of each client's open case (clients 0..n-1), or -1: the test's own record, from the
 * started and ended events. */
typedef struct {
    double *end_day;
    int late, out_of_order, wrong_end, unknown_end, mismatch;
    double until;
} case_book;

/* Takes one advance's or removal's events into the book: the starts (a case may start and end in the
 * same period), then the ends, in order of (end day, client), each at the end day its start gave, none
 * after the period's end. */
static void book_events(case_book *b, const spr_queue_events *ev, double until)
{
    for (size_t k = 0; k < ev->n_started; k++) b->end_day[ev->started[k].client] = ev->started[k].end_day;
    for (size_t k = 0; k < ev->n_ended; k++) {
        const spr_queue_case *c = &ev->ended[k];
        if (k > 0) {
            const spr_queue_case *p = &ev->ended[k - 1];
            b->out_of_order += c->end_day < p->end_day || (c->end_day == p->end_day && c->client < p->client);
        }
        if (b->end_day[c->client] < 0) b->unknown_end++;
        else b->wrong_end += c->end_day != b->end_day[c->client];
        b->late += c->end_day >= until;
        b->end_day[c->client] = -1;
    }
}

static void check_open_case(void *ctx, uint32_t client, int waiting, int server)
{
    case_book *b = ctx;
    (void)server;
    if (waiting) return;
    if (b->end_day[client] < 0) b->mismatch++;
    else b->late += b->end_day[client] < b->until; /* should have ended in the period */
}

/* Many clients over many periods, with ties in times and service (whole days), some removed while
 * waiting or in a case: the queue's choice of the next case to end (its heap) against the test's own
 * book of every open case. */
static void random_periods(void)
{
    enum { CLIENTS = 20000, PERIODS = 400 };
    const int places[3] = {7, 5, 9};
    spr_queue *q = spr_queue_create(3, places, 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    case_book b = {calloc(CLIENTS, sizeof(double)), 0, 0, 0, 0, 0, 0};
    spr_queue_client *arrivals = malloc(CLIENTS * sizeof *arrivals);
    uint32_t *gone = malloc(CLIENTS * sizeof *gone);
    uint8_t *where = malloc(CLIENTS);
    CHECK(q && rng && b.end_day && arrivals && gone && where, "out of memory");
    if (!(q && rng && b.end_day && arrivals && gone && where)) return;
    gsl_rng_set(rng, 20261126);
    for (int c = 0; c < CLIENTS; c++) b.end_day[c] = -1;
    spr_queue_events ev = {0};
    uint32_t next = 0;
    size_t ended = 0, removed_in_case = 0;
    for (int m = 0; m < PERIODS && next < CLIENTS; m++) {
        const double t0 = 30.0 * m, t1 = t0 + 30.0;
        size_t n = 0;
        for (unsigned k = gsl_rng_uniform_int(rng, 60); k > 0 && next < CLIENTS; k--)
            arrivals[n++] = client(next++, t0 + (double)gsl_rng_uniform_int(rng, 30),
                                   1.0 + (double)gsl_rng_uniform_int(rng, 90), gsl_rng_uniform(rng) < 0.3);
        spr_queue_events_clear(&ev);
        CHECK(spr_queue_advance(q, arrivals, n, t1, &ev) == 0, "advance");
        book_events(&b, &ev, t1);
        ended += ev.n_ended;
        /* some of the recent clients (waiting, in a case, or done) leave at the end of the period, sorted
         * ascending */
        size_t n_gone = 0;
        for (uint32_t c = next > 1500 ? next - 1500 : 0; c < next; c++)
            if (gsl_rng_uniform(rng) < 0.01) gone[n_gone++] = c;
        spr_queue_events_clear(&ev);
        CHECK(spr_queue_remove_batch(q, gone, n_gone, t1, &ev, where, NULL) == 0, "remove");
        for (size_t k = 0; k < n_gone; k++)
            if (where[k] == 2) {
                b.end_day[gone[k]] = -1;
                removed_in_case++;
            }
        book_events(&b, &ev, INFINITY);
        b.until = t1;
        spr_queue_visit(q, check_open_case, &b);
    }
    CHECK(ended > 5000 && removed_in_case > 50, "a run with few events: %zu ended, %zu removed in a case", ended,
          removed_in_case);
    CHECK(b.out_of_order == 0, "%d cases ended out of the order of (end day, client)", b.out_of_order);
    CHECK(b.late == 0, "%d cases ended late or were still open after their end day", b.late);
    CHECK(b.wrong_end == 0 && b.unknown_end == 0, "%d ended on another day than their start gave, %d never started",
          b.wrong_end, b.unknown_end);
    CHECK(b.mismatch == 0, "%d open cases the events never started", b.mismatch);
    spr_queue_events_free(&ev);
    spr_queue_destroy(q);
    gsl_rng_free(rng);
    free(b.end_day);
    free(arrivals);
    free(gone);
    free(where);
}

int main(void)
{
    /* one link worker with 2 places; three clients at days 1, 2, 3 with 10-day cases:
     * the third waits until the first case ends at day 11 (a wait of 8 days) */
    int places[2] = {2, 1};
    spr_queue *q = spr_queue_create(1, places, 0);
    spr_queue_events ev = {0};
    spr_queue_client a[3] = {client(7, 3, 10, 0), client(5, 1, 10, 0), client(6, 2, 10, 0)};
    CHECK(spr_queue_advance(q, a, 3, 30.0, &ev) == 0, "advance");
    CHECK(ev.n_started == 3 && ev.n_ended == 3, "started %zu ended %zu", ev.n_started, ev.n_ended);
    CHECK(ev.started[0].client == 5 && ev.started[1].client == 6 && ev.started[2].client == 7, "first come first served");
    CHECK(fabs(ev.started[2].start_day - 11.0) < 1e-12, "third starts at day %g", ev.started[2].start_day);
    CHECK(fabs(ev.ended[2].end_day - 21.0) < 1e-12, "third ends at day %g", ev.ended[2].end_day);
    CHECK(spr_queue_active(q) == 0 && spr_queue_waiting(q) == 0, "empty at the end");
    spr_queue_destroy(q);

    /* cases carry over between calls; never more cases than places */
    q = spr_queue_create(2, places, 0);
    spr_queue_events_clear(&ev);
    spr_queue_client b[5];
    for (int i = 0; i < 5; i++) b[i] = client((uint32_t)(10 + i), 0.5 * i, 40, 0);
    spr_queue_advance(q, b, 5, 30.0, &ev);
    CHECK(spr_queue_active(q) == 3 && spr_queue_waiting(q) == 2, "3 places: %zu active, %zu waiting", spr_queue_active(q),
          spr_queue_waiting(q));
    for (int s = 0; s < 2; s++)
        CHECK(spr_queue_server_active(q, s) <= spr_queue_server_places(q, s), "link worker %d over caseload", s);
    /* removing a waiting client and one with a case: the freed place goes to the next in line */
    spr_queue_events_clear(&ev);
    CHECK(spr_queue_remove(q, 13, 31.0, &ev) == 1, "13 was waiting");
    CHECK(spr_queue_remove(q, 10, 31.0, &ev) == 2, "10 had a case");
    CHECK(ev.n_started == 1 && ev.started[0].client == 14 && ev.started[0].start_day == 31.0, "14 takes the place");
    CHECK(spr_queue_remove(q, 99, 31.0, &ev) == 0, "unknown client");
    spr_queue_destroy(q);

    /* priority: a high-risk client who arrives later is served first */
    q = spr_queue_create(1, places, 1);
    spr_queue_events_clear(&ev);
    spr_queue_client c[4] = {client(1, 0, 10, 0), client(2, 1, 10, 0), client(3, 2, 10, 0), client(4, 3, 10, 1)};
    spr_queue_advance(q, c, 4, 100.0, &ev);
    CHECK(ev.n_started == 4 && ev.started[2].client == 4 && ev.started[3].client == 3, "priority served first");
    spr_queue_destroy(q);

    /* without priority the same arrivals are served in order */
    q = spr_queue_create(1, places, 0);
    spr_queue_events_clear(&ev);
    spr_queue_client d[4] = {client(1, 0, 10, 0), client(2, 1, 10, 0), client(3, 2, 10, 0), client(4, 3, 10, 1)};
    spr_queue_advance(q, d, 4, 100.0, &ev);
    CHECK(ev.n_started == 4 && ev.started[2].client == 3 && ev.started[3].client == 4, "no priority: arrival order");
    spr_queue_destroy(q);
    spr_queue_events_free(&ev);
    random_periods();
    TEST_MAIN_END();
}
