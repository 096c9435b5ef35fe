#!/usr/bin/env python3
"""Writes bench/town10/: the example town's tables (scenarios/town/) scaled
tenfold -- residents x 10, every group ten times, each team's staff x 10 --
so that bench_throughput compares district data with the homogeneous model
(bench/town10_homogeneous.yaml) at a size where the monthly step, not the
fixed cost of a month, dominates.  Run from the repository's top level."""
import csv

HEADER = ("# The example town's tables scaled tenfold (residents, groups, staff) for bench_throughput at 299,870\n"
          "# residents: written by bench/make_town10.py from scenarios/town/.\n")


def data_lines(path):
    return [line for line in open(path, encoding="utf-8") if not line.startswith("#")]


def table(path):
    return list(csv.reader(data_lines(path)))


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(HEADER)
        csv.writer(f, lineterminator="\n").writerows(rows)


residents = table("scenarios/town/residents.csv")
write("bench/town10/residents.csv", [residents[0]] + [r[:2] + [str(int(x) * 10) for x in r[2:]] for r in residents[1:]])
write("bench/town10/districts.csv", table("scenarios/town/districts.csv"))
groups = table("scenarios/town/groups.csv")
write("bench/town10/groups.csv", [groups[0]] + [[g[0] + "-%d" % k] + g[1:] for k in range(10) for g in groups[1:]])
teams = table("scenarios/town/teams.csv")
write("bench/town10/teams.csv", [teams[0]] + [[t[0], "%g" % (float(t[1]) * 10)] for t in teams[1:]])
