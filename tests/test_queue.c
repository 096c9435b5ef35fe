/* The referral queue: order of service, caseload limits, priority,
 * removal, and continuous-time waits computed by hand. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "sprsim/queue.h"

static spr_queue_client client(uint32_t id, double t, double service, int priority)
{
    return (spr_queue_client){id, t, service, (uint8_t)priority, 0};
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
    TEST_MAIN_END();
}
