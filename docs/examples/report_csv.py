#!/usr/bin/env python3
"""Loading the CSV of `sprsim report` with pandas (docs/output.md, "The report's CSV").

usage: report_csv.py REPORT.csv [--plot FILE.png]

Reads the tidy CSV, pivots the yearly measures of the whole municipality to a wide table (one
column per measure, sex and age), and prints each policy's difference from the reference in
isolation of residents 65+ with its 95% interval (the report's own figures: rows with stat mean,
lo, hi) and, computed here from the wide table, the paired difference in women's healthy life
expectancy at 65 in the last year.  With --plot, draws the yearly paired difference in isolation
65+ with its interval (needs matplotlib).  tests/test_report_csv.sh runs it.
"""
import sys

import numpy as np
import pandas as pd


def load(path):
    # every column as text ("" for an empty cell), then the values as numbers
    csv = pd.read_csv(path, dtype=str, keep_default_na=False)
    csv["value"] = csv["value"].astype(float)
    return csv


def yearly_wide(csv):
    """The municipality's yearly measures, one row per scenario, replicate and year."""
    rows = csv[(csv.replicate != "") & (csv.year != "") & (csv.stat == "") & (csv.district == "")
               & (csv.team == "") & (csv.payer == "") & (csv.household == "")]
    wide = rows.pivot_table(index=["scenario", "replicate", "year"], columns=["measure", "sex", "age"],
                            values="value", aggfunc="first")
    return wide


def paired_difference(wide, column, reference):
    """Each scenario minus the reference, replicate by replicate: mean and 95% interval by year."""
    x = wide[column].unstack("scenario")                      # [replicate, year] x scenario
    out = []
    for s in x.columns:
        if s == reference:
            continue
        d = (x[s] - x[reference]).unstack("year")             # replicate x year
        n = d.count()
        half = 1.96 * d.std(ddof=1) / np.sqrt(n)              # 1.96: the normal quantile, close to the report's t
        out.append(pd.DataFrame({"scenario": s, "year": d.columns.astype(int), "mean": d.mean().values,
                                 "lo": (d.mean() - half).values, "hi": (d.mean() + half).values}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    csv = load(argv[1])
    scenarios = list(dict.fromkeys(csv.scenario))            # in the file's order: the first is the reference
    wide = yearly_wide(csv)
    print("draw column:", "draw" in csv.columns)
    print("measures:", ", ".join(sorted(wide.columns.get_level_values("measure").unique())))
    # the report's own who-benefits effect, mean [lo, hi]
    effect = csv[(csv.measure == "effect_isolated") & (csv.sex == "") & (csv.household == "") & (csv.district == "")]
    table = effect.pivot_table(index="scenario", columns="stat", values="value", aggfunc="first")
    for s, r in table.iterrows():
        print(f"isolated 65+, {s} - {scenarios[0]}: {r['mean']:+.3f} [{r['lo']:+.3f}, {r['hi']:+.3f}] points")
    ce = csv[csv.measure.isin(["incremental_cost", "incremental_qalys", "nmb"]) & (csv.stat != "")]
    if len(ce):
        print(ce.pivot_table(index=["scenario", "measure"], columns="stat", values="value", aggfunc="first")
              [["mean", "lo", "hi"]])
    hle = paired_difference(wide, ("hle", "female", "65"), scenarios[0])
    if len(hle):
        last = hle[hle.year == hle.year.max()]
        for _, r in last.iterrows():
            print(f"hle at 65, women, {int(r.year)}, {r.scenario} - {scenarios[0]}: "
                  f"{r['mean']:+.3f} [{r['lo']:+.3f}, {r['hi']:+.3f}] years")
    if "--plot" in argv:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        iso = paired_difference(wide, ("isolated", "", "65+"), scenarios[0])
        fig, ax = plt.subplots(figsize=(7, 4))
        for s, g in iso.groupby("scenario"):
            ax.plot(g.year, g["mean"], label=s)
            ax.fill_between(g.year, g["lo"], g["hi"], alpha=0.2)
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xlabel("year")
        ax.set_ylabel(f"isolated 65+, difference from {scenarios[0]} (points)")
        ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
        fig.tight_layout()
        fig.savefig(argv[argv.index("--plot") + 1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
