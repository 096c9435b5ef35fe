#!/usr/bin/env python3
"""Generate the example municipality's tables (scenarios/town/).

Every number of residents.csv, districts.csv, groups.csv, teams.csv and
local_targets.yaml is written by this script, which says where each one comes
from.  The town is fictitious: no real person's or real municipality's data.

    python3 scenarios/town/make_town.py          # rewrite the files, print the summary
    python3 scenarios/town/make_town.py --check  # fail if the files differ from what it would write

Derivations (docs/town.md walks a planner through them):

* Residents.  Each district's pyramid is the national pyramid of
  scenarios/baseline.yaml (population.pyramid: Japan, 1 Oct 2022, thousands by
  5-year band and sex; Statistics Bureau 人口推計) tilted towards older ages by
  a factor f per decade of age: band b of midpoint m_b gets weight
  f ** ((m_b - 42.5) / 10), the same for men and women, and f is found by
  bisection so that the district's share 65+ is the stated one.  f > 1 ages a
  district, f < 1 makes it younger.  The counts are then scaled to the
  district's stated total and rounded to whole persons by largest remainder,
  so that each district's total is exact.
* Town-level ageing.  The district shares 65+ are chosen so that the town is
  near a rural prefecture's ageing rate: Akita 38.8% 65+ on 1 July 2022
  (Akita prefecture's 高齢者に関する調査, reported by NHK Akita, 21 Sep 2022;
  the prefecture's youngest municipality, Akita City, 32-33%; five
  municipalities above 50%).  The town's rate comes out a little lower
  (it has a younger centre).  The district totals and shares are assumptions.
* Living alone and isolation (districts.csv): see DISTRICTS below.
* Groups: the town's supply open in 2022 is the national density of
  scenarios/baseline.yaml resources.groups_per_10000 (6.0, 2.0, 2.5, 0.6, 0.6
  per 10,000 residents: exercise, hobby, salon, volunteering, culture; 11.7 in
  all, kayoi-no-ba FY2022) times the town's residents, spread unevenly.
* Teams: 0.75 FTE per 10,000 residents (assumption), split by residents.
* Local targets: see local_targets() below.
"""
import math
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.path.join(HERE, "..", "baseline.yaml")

BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
         "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95-99", "100+"]
BAND_65 = 13
BAND_75 = 15
MIDPOINTS = [5 * b + 2.5 for b in range(len(BANDS))]
TILT_PIVOT_AGE = 42.5  # any pivot gives the same pyramid after scaling; this one keeps f readable

# district: (residents, share 65+, living_alone_65, isolated_65, team, neighbours, what it is)
# living_alone_65: share of residents 65+ living alone.  National: 2020 census
# (国勢調査) one-person households, men 15.0%, women 22.1% of 65+ (baseline.yaml
# population.living_alone), about 19% both sexes; Akita prefecture's survey
# of 1 July 2024: 80,854 one-person elderly households for 357,467 people 65+,
# 22.6% (derived; reported by Akita Asahi Broadcasting).  District values
# are assumptions around those: the estate high (small flats of a public
# housing estate), the farm low (multigenerational farm households).
# station is blank: the model's national default applies.
# isolated_65: share of 65+ with contact outside the household less than once
# a week, as the town's needs survey (介護予防・日常生活圏域ニーズ調査) would
# report by daily-life area.  National about 24% of 60+ and 27% of 70+ (TMIG
# surveys, japan.md section 4).  District values are assumptions: hill and
# estate higher; newtown is blank (the survey's areas followed the old school
# districts and split newtown between two of them, so no district figure).
DISTRICTS = {
    "hill":    (2316, 0.49, 0.24, 0.31, "north", ["farm", "centre"],
                "old hill district, scattered hamlets, few groups"),
    "farm":    (4277, 0.45, 0.12, 0.23, "north", ["hill", "centre", "newtown"],
                "farming district, multigenerational households"),
    "centre":  (7482, 0.25, 0.20, 0.20, "central", ["hill", "farm", "station", "estate"],
                "younger town centre with the town hall, community centre and most groups"),
    "station": (5498, 0.36, None, 0.25, "central", ["centre", "estate", "newtown"],
                "station-front district, old shopping street and new flats"),
    "estate":  (4391, 0.46, 0.36, 0.33, "south", ["centre", "station", "newtown"],
                "public housing estate (1960s-70s) with many older people living alone"),
    "newtown": (6023, 0.43, 0.18, None, "south", ["farm", "station", "estate"],
                "1970s suburban new town, now ageing"),
}
ORDER = ["hill", "farm", "centre", "station", "estate", "newtown"]

FTE_PER_10000 = 0.75   # assumption for the example (see teams.csv)
FTE_STEP = 0.25        # the town staffs in quarter posts

TYPES = ["exercise", "hobby", "salon", "volunteering", "culture"]

# Groups: (name, type, district, capacity, meetings_per_month, provider,
# public_cost_yen_per_year, eligibility, opening_year, closing_year).
# Capacities: kayoi-no-ba average 15.3 participants a site (FY2022, 2,227,658 /
# 145,641), places about 1.3-2 times that; salons 15-20.  Public cost
# (assumptions): residents' kayoi-no-ba 20,000-50,000 yen a year (the
# municipal subsidy for a hall and materials); council salons 60,000-80,000;
# NPO groups 30,000-120,000; municipal or commissioned exercise classes with
# an instructor 240,000-480,000 (about 10,000 yen a session); hobby circles
# without subsidy 0.  Eligibility: most groups admit up to support levels
# (要支援); instructor-led classes only up to "limited" (not certified);
# salons up to care levels 1-2; one commercial class independent only.
GROUPS = [
    # centre: many groups, the town's community centre, gym and welfare council office
    ("centre-exercise-1", "exercise", "centre", 30, 4, "municipality", 480000, "limited", None, None),
    ("centre-exercise-2", "exercise", "centre", 25, 4, "residents", 50000, "support", None, None),
    ("centre-exercise-3", "exercise", "centre", 20, 4, "residents", 40000, "support", None, None),
    ("centre-exercise-4", "exercise", "centre", 20, 4, "company", 360000, "independent", None, None),
    ("centre-exercise-5", "exercise", "centre", 20, 2, "residents", 30000, "support", None, None),
    ("centre-exercise-6", "exercise", "centre", 25, 4, "council", 120000, "support", None, None),
    ("centre-hobby-1", "hobby", "centre", 15, 2, "residents", 20000, "support", None, None),
    ("centre-hobby-2", "hobby", "centre", 20, 2, "residents", 0, "support", None, None),
    ("centre-hobby-3", "hobby", "centre", 15, 2, "npo", 30000, "support", None, None),
    ("centre-salon-1", "salon", "centre", 20, 2, "council", 80000, "care12", None, None),
    ("centre-volunteering-1", "volunteering", "centre", 12, 4, "council", 100000, "limited", None, None),
    ("centre-culture-1", "culture", "centre", 25, 1, "municipality", 150000, "support", None, None),
    ("centre-culture-2", "culture", "centre", 20, 2, "npo", 60000, "support", None, None),
    # hill: one monthly salon in the old village hall; a weekly exercise group
    # starts in 2025 with the municipality's start-up support
    ("hill-salon-1", "salon", "hill", 15, 1, "council", 60000, "care12", None, None),
    ("hill-exercise-1", "exercise", "hill", 15, 4, "residents", 50000, "support", 2025, None),
    # farm
    ("farm-exercise-1", "exercise", "farm", 20, 4, "residents", 40000, "support", None, None),
    ("farm-exercise-2", "exercise", "farm", 25, 2, "municipality", 240000, "limited", None, None),
    ("farm-salon-1", "salon", "farm", 18, 1, "residents", 30000, "care12", None, None),
    ("farm-hobby-1", "hobby", "farm", 15, 1, "residents", 0, "support", None, None),
    # station
    ("station-exercise-1", "exercise", "station", 30, 4, "municipality", 480000, "limited", None, None),
    ("station-exercise-2", "exercise", "station", 20, 4, "residents", 40000, "support", None, None),
    ("station-exercise-3", "exercise", "station", 20, 2, "npo", 90000, "support", None, None),
    ("station-salon-1", "salon", "station", 15, 2, "residents", 40000, "care12", None, None),
    ("station-volunteering-1", "volunteering", "station", 10, 4, "npo", 60000, "limited", None, None),
    # estate: groups in the estate's meeting rooms; an NPO's community cafe opens in 2024
    ("estate-exercise-1", "exercise", "estate", 25, 4, "municipality", 420000, "limited", None, None),
    ("estate-exercise-2", "exercise", "estate", 20, 4, "residents", 40000, "support", None, None),
    ("estate-exercise-3", "exercise", "estate", 15, 2, "residents", 30000, "support", None, None),
    ("estate-salon-1", "salon", "estate", 20, 2, "council", 80000, "care12", None, None),
    ("estate-salon-2", "salon", "estate", 15, 4, "residents", 50000, "care12", None, None),
    ("estate-hobby-1", "hobby", "estate", 15, 2, "residents", 20000, "support", None, None),
    ("estate-salon-3", "salon", "estate", 18, 4, "npo", 120000, "care12", 2024, None),
    # newtown: a hobby circle whose organisers have aged closes in 2025
    ("newtown-exercise-1", "exercise", "newtown", 25, 4, "residents", 50000, "support", None, None),
    ("newtown-exercise-2", "exercise", "newtown", 25, 4, "residents", 50000, "support", None, None),
    ("newtown-exercise-3", "exercise", "newtown", 20, 4, "company", 360000, "limited", None, None),
    ("newtown-exercise-4", "exercise", "newtown", 20, 2, "residents", 30000, "support", None, None),
    ("newtown-hobby-1", "hobby", "newtown", 20, 2, "residents", 20000, "support", None, 2025),
    ("newtown-salon-1", "salon", "newtown", 20, 2, "council", 80000, "care12", None, None),
]
START_YEAR = 2022

# Local targets (assumptions for the example, built from national tables):
# certification: the national rates by age (MHLW, September 2020, japan.md
# section 2) applied to the town's 65+ age mix, times CERT_LOCAL_FACTOR
CERT_RATE_PCT = {13: 2.8, 14: 5.5, 15: 12.4, 16: 26.4, 17: 48.1, 18: 72.7, 19: 72.7, 20: 72.7}
CERT_LOCAL_FACTOR = 0.95
CERT_SE_SHARE = 0.05
# isolation: the needs survey's whole-town share and its respondents
SURVEY_ISOLATED = 0.26
SURVEY_MAILED = 3000
SURVEY_RESPONDENTS = 2130
# medical cost: the baseline's yen per person by band (65-69 ... 90-94 医療保険
# portion FY2019; 95+ as 90-94) on the town's 65+ mix, times MED_LOCAL_FACTOR
MED_LOCAL_FACTOR = 0.95
MED_SE_SHARE = 0.05


def load_baseline():
    with open(BASELINE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def national_pyramid(base):
    p = base["population"]["pyramid"]
    return {"male": [float(x) for x in p["male"]], "female": [float(x) for x in p["female"]]}


def tilted(pyr, f):
    w = [f ** ((m - TILT_PIVOT_AGE) / 10.0) for m in MIDPOINTS]
    return {s: [pyr[s][b] * w[b] for b in range(len(BANDS))] for s in pyr}


def share_65(pyr):
    old = sum(sum(pyr[s][BAND_65:]) for s in pyr)
    return old / sum(sum(pyr[s]) for s in pyr)


def tilt_factor(pyr, target):
    """f per decade of age such that the tilted pyramid's 65+ share is target (bisection on log f)."""
    lo, hi = math.log(0.2), math.log(5.0)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if share_65(tilted(pyr, math.exp(mid))) < target:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def whole_persons(pyr, total):
    """Scale to total and round by largest remainder so the cells add up to total exactly."""
    cells = [(s, b) for s in ("male", "female") for b in range(len(BANDS))]
    scale = total / sum(pyr[s][b] for s, b in cells)
    exact = {c: pyr[c[0]][c[1]] * scale for c in cells}
    out = {c: int(math.floor(exact[c])) for c in cells}
    short = total - sum(out.values())
    # ties broken by the cell's order, so the output is deterministic
    for c in sorted(cells, key=lambda c: (-(exact[c] - out[c]), cells.index(c)))[:short]:
        out[c] += 1
    return {s: [out[(s, b)] for b in range(len(BANDS))] for s in ("male", "female")}


def build_residents(nat):
    res, factors = {}, {}
    for d in ORDER:
        total, target = DISTRICTS[d][0], DISTRICTS[d][1]
        f = tilt_factor(nat, target)
        factors[d] = f
        res[d] = whole_persons(tilted(nat, f), total)
    return res, factors


def cell(x):
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def residents_csv(res, factors, nat):
    nat65 = share_65(nat)
    lines = [
        "# Residents of the example town by district, sex and 5-year age band, 1 Oct 2022 (fictitious).",
        "# Each district: the national pyramid of scenarios/baseline.yaml (Japan 1 Oct 2022, 人口推計;",
        f"# 65+ {100 * nat65:.1f}%) tilted by a factor f per decade of age, band weight f^((midpoint-42.5)/10),",
        "# f chosen so that the district's 65+ share is the stated one; rounded to whole persons",
        "# (largest remainder) so that the district total is exact.  Generated by make_town.py.",
        "# district: residents, 65+ share, tilt factor f per decade",
    ]
    for d in ORDER:
        tot = sum(res[d]["male"]) + sum(res[d]["female"])
        lines.append(f"#   {d}: {tot}, {100 * share_65(res[d]):.1f}%, f = {factors[d]:.4f}")
    lines.append("district,sex," + ",".join(BANDS))
    for d in ORDER:
        for s in ("male", "female"):
            lines.append(f"{d},{s}," + ",".join(str(x) for x in res[d][s]))
    return "\n".join(lines) + "\n"


def districts_csv():
    lines = [
        "# Daily-life areas (日常生活圏域) of the example town (fictitious).  Generated by make_town.py.",
        "# team: the community general support centre (地域包括支援センター) whose link workers cover it.",
        "# neighbours: districts whose groups a resident may also join (symmetric).",
        "# living_alone_65: share of 65+ living alone; national 2020 census about 0.19 (men 0.150, women",
        "#   0.221); Akita prefecture 2024 about 0.23 (derived).  District values are assumptions;",
        "#   blank (station) = the model's national default.",
        "# isolated_65: share of 65+ in contact with people outside the household less than once a week,",
        "#   as the town's needs survey (介護予防・日常生活圏域ニーズ調査) would report it; national about 0.24",
        "#   of 60+ and 0.27 of 70+ (TMIG).  Assumptions; blank (newtown): no district figure in the survey.",
    ]
    for d in ORDER:
        lines.append(f"#   {d}: {DISTRICTS[d][6]}")
    lines.append("district,team,neighbours,living_alone_65,isolated_65")
    for d in ORDER:
        _, _, alone, iso, team, nb, _ = DISTRICTS[d]
        lines.append(f"{d},{team},{';'.join(nb)},{cell(alone)},{cell(iso)}")
    return "\n".join(lines) + "\n"


def open_in(g, year):
    return (g[8] is None or g[8] <= year) and (g[9] is None or g[9] > year)


def groups_csv(total):
    per10k = [6.0, 2.0, 2.5, 0.6, 0.6]
    expect = [x * total / 10000 for x in per10k]
    lines = [
        "# Registry of the example town's community groups (fictitious; the kind of list a municipality",
        "# keeps of its kayoi-no-ba 通いの場 and other groups).  Generated by make_town.py.",
        f"# Supply open in {START_YEAR}: the national densities of scenarios/baseline.yaml",
        "# (resources.groups_per_10000: 6.0 exercise, 2.0 hobby, 2.5 salon, 0.6 volunteering, 0.6 culture;",
        f"# kayoi-no-ba FY2022) for {total} residents give "
        + ", ".join(f"{t} {e:.1f}" for t, e in zip(TYPES, expect)) + f" ({sum(expect):.1f});",
        "# here " + ", ".join(f"{t} {sum(1 for g in GROUPS if g[1] == t and open_in(g, START_YEAR))}" for t in TYPES)
        + f" ({sum(1 for g in GROUPS if open_in(g, START_YEAR))}), spread unevenly: the centre well above its",
        "# share of residents, the hill district well below.  Capacities, costs and eligibility: assumptions",
        "# (see make_town.py).  opening_year/closing_year blank: open before 2022 / no closing planned.",
        "name,type,district,capacity,meetings_per_month,provider,public_cost_yen_per_year,eligibility,"
        "opening_year,closing_year",
    ]
    for g in GROUPS:
        lines.append(",".join(cell(x) for x in g))
    return "\n".join(lines) + "\n"


def team_members():
    teams = {}
    for d in ORDER:
        teams.setdefault(DISTRICTS[d][4], []).append(d)
    return teams


def team_fte(res):
    total = sum(district_total(res, d) for d in ORDER)
    out = {}
    for t, ds in team_members().items():
        pop = sum(district_total(res, d) for d in ds)
        out[t] = round(FTE_PER_10000 * pop / 10000 / FTE_STEP) * FTE_STEP
    return out, FTE_PER_10000 * total / 10000


def teams_csv(res):
    fte, exact = team_fte(res)
    lines = [
        "# Link-worker teams of the example town, one per community general support centre",
        "# (地域包括支援センター), with their staff in full-time equivalents.  Generated by make_town.py.",
        f"# Assumption for the example: the town employs {FTE_PER_10000} FTE per 10,000 residents",
        f"# ({exact:.3f} FTE), split over the teams by residents and rounded to quarter posts.",
        "# (The NHS norm, one link worker per 30,000-50,000 patients, would give 0.6-1.0 FTE for the town.)",
    ]
    for t, ds in team_members().items():
        lines.append(f"#   {t}: {' + '.join(ds)}, {sum(district_total(res, d) for d in ds)} residents")
    lines.append("team,fte")
    for t in team_members():
        lines.append(f"{t},{fte[t]:g}")
    return "\n".join(lines) + "\n"


def district_total(res, d):
    return sum(res[d]["male"]) + sum(res[d]["female"])


def town_band_totals(res):
    return [sum(res[d][s][b] for d in ORDER for s in ("male", "female")) for b in range(len(BANDS))]


def local_targets(res, base):
    bands = town_band_totals(res)
    total = sum(bands)
    old = sum(bands[BAND_65:])
    old75 = sum(bands[BAND_75:])
    cert65 = sum(bands[b] * CERT_RATE_PCT[b] for b in range(BAND_65, len(BANDS))) / old
    cert75 = sum(bands[b] * CERT_RATE_PCT[b] for b in range(BAND_75, len(BANDS))) / old75
    t65 = round(CERT_LOCAL_FACTOR * cert65, 1)
    t75 = round(CERT_LOCAL_FACTOR * cert75, 1)
    med_bands = base["costs"]["medical"]["yen_per_year"]
    med = sum(bands[b] * med_bands[b] for b in range(BAND_65, len(BANDS))) / old
    tmed = round(MED_LOCAL_FACTOR * med, -3)
    p = SURVEY_ISOLATED
    se_iso = 100 * math.sqrt(p * (1 - p) / SURVEY_RESPONDENTS)
    # the district figures of districts.csv and the whole-town figure imply newtown's (not published)
    given = [(d, DISTRICTS[d][3]) for d in ORDER if DISTRICTS[d][3] is not None]
    old_d = {d: sum(res[d][s][b] for s in ("male", "female") for b in range(BAND_65, len(BANDS))) for d in ORDER}
    rest = [d for d in ORDER if DISTRICTS[d][3] is None]
    implied = (p * old - sum(old_d[d] * v for d, v in given)) / sum(old_d[d] for d in rest)
    text = f"""\
# Local targets of the example town: fit three local adjustment factors on top
# of the national calibration (scenarios/calibration/*.yaml), so that the town's
# model reproduces the town's own figures for 2022.  Generated by make_town.py;
# the town is fictitious and every target is an assumption for the example,
# built from national tables as each comment says.
#   sprsim calibrate scenarios/town/local_targets.yaml -o town-local
# Town: {total} residents, {old} aged 65+ ({100 * old / total:.1f}%), {old75} aged 75+.
scenario: town.yaml
run: {{population: {total}, years: 1, replicates: 4, seed: 20221001}}
fit: {{tolerance: 0.001, max_iterations: 300}}
parameters:
  # multipliers of the national hazards and costs; 1 = the town is like the
  # nation once its age mix, living alone and isolation are accounted for
  - {{key: local.hr_certification, lower: 0.5, upper: 2, start: 1, transform: log}}
  - {{key: local.hr_isolation_onset, lower: 0.5, upper: 2, start: 1, transform: log}}
  - {{key: local.medical_multiplier, lower: 0.5, upper: 2, start: 1, transform: log}}
targets:
  # Certification rate (認定率) from the town's LTC insurance register: the
  # national rates by age (MHLW, Sep 2020: 2.8, 5.5, 12.4, 26.4, 48.1, 72.7%
  # for 65-69 ... 90+; japan.md section 2) on the town's age mix give
  # {cert65:.2f}% of 65+ and {cert75:.2f}% of 75+; the town's register is
  # assumed {100 * (1 - CERT_LOCAL_FACTOR):.0f}% lower (assumption for the example: prefectures
  # differ by up to 1.6 times in the share of 65+ certified, MHLW figures
  # reported by the Shikoku Shimbun).
  # Administrative counts, no sampling error: SE {100 * CERT_SE_SHARE:.0f}% of the value for the
  # definitional margin (an end-of-September count against the model's
  # person-months over the year; second-insured and out-of-town placements).
  - {{measure: care_need, ages: {{from: 65}}, year: 2022, value: {t65}, se: {round(CERT_SE_SHARE * t65, 2)}, source: "town LTC register 2022 (example: national 2020 rates by age on the town's mix x {CERT_LOCAL_FACTOR})"}}
  - {{measure: care_need, ages: {{from: 75}}, year: 2022, value: {t75}, se: {round(CERT_SE_SHARE * t75, 2)}, source: "town LTC register 2022, 75+ (example: as above)"}}
  # Isolated share of 65+ (contact outside the household less than once a
  # week) from the town's needs survey (介護予防・日常生活圏域ニーズ調査,
  # 2022): {SURVEY_MAILED} mailed, {SURVEY_RESPONDENTS} answered (assumption); {100 * p:.0f}% isolated
  # (assumption for the example, between the national 24% of 60+ and 27%
  # of 70+, TMIG surveys, japan.md section 4).  SE = sqrt(p(1-p)/n) for n = {SURVEY_RESPONDENTS}
  # = {se_iso:.2f} points.  The district figures of districts.csv imply
  # {100 * implied:.1f}% for newtown, which the survey does not report.  (The
  # survey leaves out people certified at care levels 1-5; the model's
  # measure counts all residents 65+.)
  - {{measure: isolated_65plus, ages: {{from: 65}}, year: 2022, value: {100 * p:.1f}, se: {se_iso:.2f}, source: "town needs survey 2022, n = {SURVEY_RESPONDENTS} (example)"}}
  # Medical cost per person 65+ (yen a year) from the town's National Health
  # Insurance and late-elders' medical claims: the model's national costs by
  # band (baseline.yaml costs.medical: 医療保険 portion FY2019, 65-69 ¥472k
  # ... 90-94 ¥1,155k) on the town's 65+ mix give ¥{med:,.0f}; the town is
  # assumed {100 * (1 - MED_LOCAL_FACTOR):.0f}% lower (assumption for the example, informed by
  # MHLW's 医療費の地域差分析 FY2022, where Akita's age-adjusted outpatient
  # cost per person is in the lower half of the prefectures).  SE {100 * MED_SE_SHARE:.0f}% of the value: coverage (residents 65-74 in
  # employees' insurance are outside the town's claims and imputed at the
  # NHI average) and the fiscal year against the calendar year.
  - {{measure: medical_cost_per_person, ages: {{from: 65}}, year: 2022, value: {tmed:.0f}, se: {round(MED_SE_SHARE * tmed, -2):.0f}, source: "town NHI and late-elders' claims FY2022, yen/person/year (example)"}}
# Stage 2 (sprsim calibrate writes PREFIX-draws.yaml for a PSA run's --overlay):
# sampling-importance-resampling around the fit (docs/methods.md)
uncertainty: {{method: sir, proposals: 200, draws: 50, inflation: 1.5}}
"""
    return text, {"cert65_national": cert65, "cert75_national": cert75, "cert65": t65, "cert75": t75,
                  "isolated": p, "se_isolated": se_iso, "implied_newtown": implied,
                  "medical_national": med, "medical": tmed}


def summary(res, factors, info):
    total = sum(district_total(res, d) for d in ORDER)
    old = sum(town_band_totals(res)[BAND_65:])
    fte, exact = team_fte(res)
    out = [f"town: {total} residents, 65+ {old} ({100 * old / total:.2f}%)", "",
           "| district | team | residents | 65+ | 65+ share | 75+ share | living alone 65+ | isolated 65+ "
           "| groups 2022 | per 10,000 | places 2022 | tilt f |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for d in ORDER:
        tot = district_total(res, d)
        o = sum(res[d][s][b] for s in ("male", "female") for b in range(BAND_65, len(BANDS)))
        o75 = sum(res[d][s][b] for s in ("male", "female") for b in range(BAND_75, len(BANDS)))
        gs = [g for g in GROUPS if g[2] == d and open_in(g, START_YEAR)]
        alone, iso = DISTRICTS[d][2], DISTRICTS[d][3]
        out.append(f"| {d} | {DISTRICTS[d][4]} | {tot:,} | {o:,} | {100 * o / tot:.1f}% | {100 * o75 / tot:.1f}% | "
                   f"{'' if alone is None else f'{100 * alone:.0f}%'} | {'' if iso is None else f'{100 * iso:.0f}%'} | "
                   f"{len(gs)} | {1e4 * len(gs) / tot:.1f} | {sum(g[3] for g in gs)} | {factors[d]:.3f} |")
    out.append("")
    out.append("groups open in 2022 by district and type:")
    out.append("district " + " ".join(TYPES))
    for d in ORDER:
        out.append(d + " " + " ".join(str(sum(1 for g in GROUPS if g[2] == d and g[1] == t and open_in(g, START_YEAR)))
                                      for t in TYPES))
    out.append("town " + " ".join(str(sum(1 for g in GROUPS if g[1] == t and open_in(g, START_YEAR))) for t in TYPES))
    out.append("registry rows: %d (opening later: %s; closing: %s)" % (
        len(GROUPS), ", ".join(f"{g[0]} {g[8]}" for g in GROUPS if g[8]),
        ", ".join(f"{g[0]} {g[9]}" for g in GROUPS if g[9])))
    for y in (2022, 2024, 2025, 2026):
        out.append(f"groups open in {y}: {sum(1 for g in GROUPS if open_in(g, y))}")
    out.append("teams: " + ", ".join(f"{t} {f:g}" for t, f in fte.items()) + f" (total {sum(fte.values()):g}; exact {exact:.3f})")
    out.append("targets: " + ", ".join(f"{k} {v:.4g}" for k, v in info.items()))
    return "\n".join(out)


def main():
    check = "--check" in sys.argv[1:]
    base = load_baseline()
    nat = national_pyramid(base)
    res, factors = build_residents(nat)
    total = sum(district_total(res, d) for d in ORDER)
    for t, ds in team_members().items():
        assert len(ds) == 2, t
    for d in ORDER:
        for n in DISTRICTS[d][5]:
            assert d in DISTRICTS[n][5], (d, n)  # neighbours are symmetric
        assert any(g[2] == d and open_in(g, START_YEAR) for g in GROUPS), d
    assert len({g[0] for g in GROUPS}) == len(GROUPS)
    targets, info = local_targets(res, base)
    files = {
        "residents.csv": residents_csv(res, factors, nat),
        "districts.csv": districts_csv(),
        "groups.csv": groups_csv(total),
        "teams.csv": teams_csv(res),
        "local_targets.yaml": targets,
    }
    stale = []
    for name, text in files.items():
        path = os.path.join(HERE, name)
        if check:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    stale.append(name)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    print(summary(res, factors, info))
    if stale:
        print("differs from make_town.py's output: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
