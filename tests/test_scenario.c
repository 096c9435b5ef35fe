/* Scenario loading: values, extends and overrides, dotted keys, the
 * resolved text read back to the same parameters (a sweep point's too),
 * the options named in errors, and the checks across the scenarios of a run. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sprsim/scenario.h"

/* Writes text to a new temporary file; its name goes to path. */
static int write_temp(const char *text, char *path, size_t size)
{
    snprintf(path, size, "/tmp/sprsim_test_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    FILE *f = fdopen(fd, "w");
    if (f == NULL) return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

/* A scenario's resolved text, loaded again, gives the same parameters and text. */
static void check_reloads(const spr_scenario *sc, const char *what)
{
    char tmp[64];
    spr_scenario again;
    spr_error err = {0};
    CHECK(write_temp(sc->resolved_yaml, tmp, sizeof tmp), "temporary file");
    int rc = spr_scenario_load(tmp, NULL, 0, &again, &err);
    CHECK(rc == SPR_OK, "%s: the resolved text does not load again: %s", what, err.msg);
    if (rc == SPR_OK) {
        CHECK(memcmp(&sc->params, &again.params, sizeof sc->params) == 0, "%s: round trip changes parameters", what);
        CHECK(strcmp(sc->resolved_yaml, again.resolved_yaml) == 0, "%s: round trip changes the text", what);
        spr_scenario_free(&again);
    }
    remove(tmp);
}

/* Sweep points: each validated, its stored text runnable again (defect 6:
 * the name NAME~K failed name validation), and a run whose points differ in
 * length refused after expansion (defect 1). */
static void check_sweeps(const char *src)
{
    char sweep[1024], years[1024], cross[1024];
    snprintf(sweep, sizeof sweep, "%s/tests/data/small_sweep.yaml", src);
    snprintf(years, sizeof years, "%s/tests/bad/sweep_years.yaml", src);
    snprintf(cross, sizeof cross, "%s/tests/bad/sweep_cross_field.yaml", src);
    spr_scenario *pts = NULL;
    int n = 0;
    spr_error err = {0};
    const char *paths[] = {sweep};
    int rc = spr_scenario_load_run(paths, 1, NULL, 0, &pts, &n, &err);
    CHECK(rc == SPR_OK && n == 3, "sweep: %s (%d points)", err.msg, n);
    static const double fte[] = {0, 0.5, 2}; /* as tests/data/small_sweep.yaml lists them */
    for (int k = 0; rc == SPR_OK && k < n; k++) {
        char what[64];
        snprintf(what, sizeof what, "sweep point %d", k);
        CHECK(pts[k].params.lw_fte == fte[k], "%s: fte %g", what, pts[k].params.lw_fte);
        check_reloads(&pts[k], what);
    }
    spr_scenario_list_free(pts, n);

    const char *both[] = {years};
    rc = spr_scenario_load_run(both, 1, NULL, 0, &pts, &n, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "must be the same in every scenario") &&
              strstr(err.msg, "(simulation.years=3)") && pts == NULL && n == 0,
          "a sweep over simulation.years: %s", err.msg);
    const char *bad[] = {cross};
    rc = spr_scenario_load_run(bad, 1, NULL, 0, &pts, &n, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "sweep point 'draws_sweep~1' (simulation.replicates=5)") &&
              strstr(err.msg, "multiple of simulation.replicates_per_draw"),
          "a point breaking a cross-field rule: %s", err.msg);
    /* only NAME~K (K a point's index) is accepted with a '~' */
    char tmp[64], text[1200];
    char *abs_src = realpath(src, NULL); /* the temporary file is elsewhere */
    snprintf(text, sizeof text, "extends: %s/tests/data/small.yaml\nname: small~x\n", abs_src ? abs_src : src);
    free(abs_src);
    CHECK(write_temp(text, tmp, sizeof tmp), "temporary file");
    spr_scenario sc;
    rc = spr_scenario_load(tmp, NULL, 0, &sc, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "may contain only letters"), "name small~x: %s", err.msg);
    remove(tmp);
}

/* An option's value is read whole and checked like the key's (defect 18:
 * --replicates 0000...05abc was cut to 64 bytes and ran 5 replicates). */
static void check_option_labels(const char *base)
{
    char long_bad[200], long_ok[200];
    snprintf(long_bad, sizeof long_bad, "simulation.replicates=%0120d5abc", 0);
    snprintf(long_ok, sizeof long_ok, "simulation.replicates=%0120d5", 0);
    spr_scenario sc;
    spr_error err = {0};
    spr_override bad[] = {{long_bad, "--replicates"}};
    int rc = spr_scenario_load(base, bad, 1, &sc, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strncmp(err.msg, "--replicates: '", 15) == 0 &&
              strstr(err.msg, "5abc' is not an integer; allowed: an integer from 1 to"),
          "--replicates 000...5abc: %s", err.msg);
    spr_override ok[] = {{long_ok, "--replicates"}, {"simulation.seed=x", NULL}};
    rc = spr_scenario_load(base, ok, 1, &sc, &err);
    CHECK(rc == SPR_OK && sc.params.replicates == 5, "--replicates 000...5: %s", err.msg);
    if (rc == SPR_OK) spr_scenario_free(&sc);
    /* an unlabelled override is the k-th --set, counted among the --set alone */
    rc = spr_scenario_load(base, ok, 2, &sc, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "--set #1:1:18: key 'simulation.seed': 'x' is not an integer"),
          "--set after --replicates: %s", err.msg);
    spr_override seed[] = {{"simulation.seed={distribution: normal, mean: 1, sd: 1}", "--seed"}};
    rc = spr_scenario_load(base, seed, 1, &sc, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strncmp(err.msg, "--seed: ", 8) == 0, "--seed as a map: %s", err.msg);
}

/* libyaml's own error kind and position, not "malformed" at 1:1 (defect 17). */
static void check_yaml_errors(void)
{
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"simulation: {years: [1, 2\n", "YAML syntax error (libyaml parser error): did not find expected ',' or ']'"},
        {"name: \"open\n", ":2:1: YAML syntax error (libyaml scanner error): found unexpected end of stream"},
        {"name: *nowhere\n", ":1:7: YAML syntax error (libyaml composer error): found undefined alias"},
        {"name: \xff\xfe\xfd\n", "YAML reader error at byte 6: invalid leading UTF-8 octet"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char tmp[64];
        spr_scenario sc;
        spr_error err = {0};
        CHECK(write_temp(cases[i].text, tmp, sizeof tmp), "temporary file");
        int rc = spr_scenario_load(tmp, NULL, 0, &sc, &err);
        CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, cases[i].expect), "case %zu: %s", i, err.msg);
        remove(tmp);
    }
}

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

    spr_override sets[] = {{"simulation.seed=99", NULL}, {"certification.onset.at_65=0.004", NULL}};
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
    spr_override bad[] = {{"simulation.years=0", NULL}};
    spr_scenario d;
    rc = spr_scenario_load(base, bad, 1, &d, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "--set #1:1:") && strstr(err.msg, "simulation.years") &&
              strstr(err.msg, "out of range"),
          "bad --set: %s", err.msg);
    spr_override noeq[] = {{"simulation.years", NULL}};
    rc = spr_scenario_load(base, noeq, 1, &d, &err);
    CHECK(rc == SPR_ERR_SCENARIO && strstr(err.msg, "key=value"), "no '=': %s", err.msg);

    /* extends: [high_risk.yaml, population.yaml]: both parents' changes survive, their
     * shared ancestor (the baseline) is applied once, and the child's keys win */
    char dual[1024];
    snprintf(dual, sizeof dual, "%s/scenarios/dual_cycle.yaml", argv[1]);
    spr_scenario e;
    rc = spr_scenario_load(dual, NULL, 0, &e, &err);
    CHECK(rc == SPR_OK, "dual cycle: %s", err.msg);
    CHECK(e.params.lw_fte_per_100000 == 2.5 && e.params.referral_multiplier[1] == 2,
          "high_risk's keys kept (fte per 100,000 %g)", e.params.lw_fte_per_100000);
    CHECK(e.params.pa_budget_yen_per_year == 1e7 && e.params.pa_outreach_events_per_year == 24, "population's keys kept");
    CHECK(e.params.loop1_enabled && e.params.loop2_enabled && strcmp(e.params.name, "dual_cycle") == 0, "own keys win");
    spr_scenario_free(&e);

    check_sweeps(argv[1]);
    check_option_labels(base);
    check_yaml_errors();

    spr_scenario_free(&a);
    spr_scenario_free(&b);
    spr_scenario_free(&c);
    TEST_MAIN_END();
}
