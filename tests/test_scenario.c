/* Scenario loading: values, extends and overrides, dotted keys, and the
 * resolved text read back to the same parameters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sprsim/scenario.h"

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    char base[1024], over[1024];
    snprintf(base, sizeof base, "%s/scenarios/baseline.yaml", argv[1]);
    snprintf(over, sizeof over, "%s/tests/data/extends_override.yaml", argv[1]);
    spr_scenario a, b, c;
    spr_error err = {0};
    int rc = spr_scenario_load(base, NULL, 0, &a, &err);
    CHECK(rc == SPR_OK, "baseline: %s", err.msg);
    CHECK(strcmp(a.params.name, "baseline") == 0, "name '%s'", a.params.name);
    CHECK(a.params.population == 100000 && a.params.years == 30, "simulation values");
    CHECK(a.params.hr_death_isolation == 1.34, "hr_isolation %g", a.params.hr_death_isolation);
    CHECK(a.params.qx[SPR_MALE][110] == 1.0 && a.params.qx[SPR_FEMALE][0] == 0.0017, "life table ends");
    CHECK(a.params.pyramid[SPR_FEMALE][20] == 77, "pyramid last band %g", a.params.pyramid[SPR_FEMALE][20]);

    const char *sets[] = {"simulation.seed=99", "certification.onset.at_65=0.004"};
    rc = spr_scenario_load(over, sets, 2, &b, &err);
    CHECK(rc == SPR_OK, "override: %s", err.msg);
    CHECK(strcmp(b.params.name, "test_override") == 0, "child name");
    CHECK(b.params.hr_death_isolation == 1.5, "nested override %g", b.params.hr_death_isolation);
    CHECK(b.params.years == 7, "dotted override %d", b.params.years);
    CHECK(b.params.seed == 99 && b.params.certification_onset.at_65 == 0.004, "--set overrides");
    CHECK(b.params.population == a.params.population, "inherited value");
    CHECK(b.hash != a.hash, "different scenarios hash differently");

    /* the resolved text is a complete scenario: loading it gives the same parameters */
    char tmp[] = "/tmp/sprsim_resolved_XXXXXX";
    int fd = mkstemp(tmp);
    FILE *f = fdopen(fd, "w");
    fputs(b.resolved_yaml, f);
    fclose(f);
    rc = spr_scenario_load(tmp, NULL, 0, &c, &err);
    CHECK(rc == SPR_OK, "resolved text reloads: %s", err.msg);
    CHECK(memcmp(&b.params, &c.params, sizeof b.params) == 0, "round trip changes parameters");
    CHECK(strcmp(b.resolved_yaml, c.resolved_yaml) == 0 && b.hash == c.hash, "round trip changes the text");
    remove(tmp);

    /* errors through --set carry the same checks */
    const char *bad[] = {"simulation.years=0"};
    spr_scenario d;
    rc = spr_scenario_load(base, bad, 1, &d, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "--set #1:1:") && strstr(err.msg, "simulation.years") &&
              strstr(err.msg, "out of range"),
          "bad --set: %s", err.msg);
    const char *noeq[] = {"simulation.years"};
    rc = spr_scenario_load(base, noeq, 1, &d, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "key=value"), "no '=': %s", err.msg);

    /* extends: [high_risk.yaml, population.yaml]: both parents' changes survive, their
     * shared ancestor (the baseline) is applied once, and the child's keys win */
    char dual[1024];
    snprintf(dual, sizeof dual, "%s/scenarios/dual_cycle.yaml", argv[1]);
    spr_scenario e;
    rc = spr_scenario_load(dual, NULL, 0, &e, &err);
    CHECK(rc == SPR_OK, "dual cycle: %s", err.msg);
    CHECK(e.params.lw_fte == 8 && e.params.referral_multiplier[1] == 2, "high_risk's keys kept (fte %g)", e.params.lw_fte);
    CHECK(e.params.pa_budget_yen_per_year == 1e7 && e.params.pa_outreach_events_per_year == 24, "population's keys kept");
    CHECK(e.params.loop1_enabled && e.params.loop2_enabled && strcmp(e.params.name, "dual_cycle") == 0, "own keys win");
    spr_scenario_free(&e);

    spr_scenario_free(&a);
    spr_scenario_free(&b);
    spr_scenario_free(&c);
    TEST_MAIN_END();
}
