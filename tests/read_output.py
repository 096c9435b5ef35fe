"""Reads a sprsim results file with h5py, as docs/output.md shows, and checks
its layout: provenance, coordinates, units, the resolved scenario, the
parameters, and that the counts obey the balance of residents."""
import sys

import h5py
import numpy as np

path, expected_scenarios = sys.argv[1], sys.argv[2].split(",")
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


with h5py.File(path, "r") as f:
    check(f.attrs["format"] == "sprsim results", "format attribute")
    meta = f["meta"].attrs
    for key in ("sprsim_version", "git_commit", "gsl_version", "hdf5_version", "libyaml_version", "start_time_utc",
                "command_line", "rng"):
        check(key in meta and len(meta[key]) > 0, f"/meta has {key}")
    check(list(f["coords/age_band_lower"][:5]) == [0, 5, 10, 15, 20], "age bands")
    months = f["coords/month"].shape[0]
    check(sorted(f["scenarios"].keys()) == sorted(expected_scenarios), "scenario groups")
    for name in expected_scenarios:
        g = f["scenarios"][name]
        text = g["scenario_yaml"][()].decode()
        check("mortality.hr_isolation:" in text, "resolved scenario text")
        check(g["parameters/simulation.seed"][0] == g.attrs["seed"], "seed parameter matches attribute")
        check(g["parameters/mortality.life_table.male"].shape == (111,), "life table parameter")
        pop = g["monthly/population"][:]
        R = g.attrs["replicates"]
        check(pop.shape == (R, months, 2, 21), f"population shape {pop.shape}")
        check(g["monthly/population"].attrs["units"] == "persons", "units attribute")
        check(g["monthly/medical_cost"].attrs["units"] == "yen", "cost units")
        expected = g["monthly/expected_deaths"]
        check(expected.shape == pop.shape and expected.attrs["units"] == "persons", "expected deaths shape and units")
        # the deaths drawn are independent Bernoulli draws with these probabilities: within 4 SD of their sum
        e, d = expected[:].sum(), g["monthly/deaths"][:].sum()
        check(e > 0 and abs(d - e) <= 4 * np.sqrt(e), f"deaths {d} against expected deaths {e:.1f}")
        dims = [d.label for d in g["monthly/deaths"].dims]
        check(dims == ["replicate", "month", "sex", "age_band"], f"dimension scales {dims}")
        tot = lambda k: g["monthly/" + k][:].sum(axis=(2, 3))
        flow = tot("births") + tot("in_migrants") + tot("entrants") - tot("deaths") - tot("out_migrants")
        check(np.array_equal(tot("population")[:, 1:], tot("population")[:, :-1] + flow[:, :-1]), "balance")
        states = sum(tot(k) for k in ("independent", "limited", "support", "care12", "care35"))
        check(np.array_equal(states, tot("population")), "functional states add up")
        check(np.array_equal(g["monthly/district_population"][:].sum(axis=2), tot("population")), "districts add up")
        prog = g["programme"]
        check(prog["referrals"].shape == (R, months, 4), "referrals by source")
        check(np.array_equal(prog["outcomes"][:].sum(axis=2), prog["referrals_total"][:]), "every referral accounted for")
        check(np.all(prog["caseload"][:] <= prog["caseload_places"][:]), "caseload within places")
        check(prog["participants"].shape[2] == 5 and np.all(prog["participants"][:] <= prog["places"][:]),
              "participants within places, by type and district")
        check(prog["wait_histogram"].shape == (R, 366), "wait histogram by day")
        check(prog["wait_mean"].attrs["units"] == "days", "wait units")

for f in failures:
    print("FAIL", f)
print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
