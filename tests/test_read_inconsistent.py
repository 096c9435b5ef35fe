"""sprsim report on a file of 70 scenarios, more than the 64 the reader once
held (defect 3 of issue 8: "bad order attribute"), made by copying a tiny
run's scenario (a sweep of 70 points takes half a minute to run).

sprsim report on results files that are well formed HDF5 but inconsistent
(defect 12 of issue 8): the reader sized its buffers from attributes and
parameters and read whole datasets into them, so a longer parameter dataset
overflowed a stack array and a raised replicates attribute or changed years
read past the heap.  Each file here is a valid tiny run with one thing
changed; report must name what disagrees and exit with status 1 or 2, never
crash (the sanitizer build runs this test too).

usage: test_read_inconsistent.py SPRSIM SOURCE_DIR WORK_DIR"""
import os
import shutil
import subprocess
import sys

try:
    import h5py
    import numpy as np
except ImportError:
    print("SKIP: h5py is not installed")
    sys.exit(77)

sprsim, src, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
valid = os.path.join(work, "valid.h5")
subprocess.run([sprsim, "run", os.path.join(src, "tests/data/tiny.yaml"), "-o", valid, "--quiet"], check=True,
               stdout=subprocess.DEVNULL)
S = "/scenarios/tiny"


def replace(f, path, data):
    """Replaces dataset path by data, keeping its attributes."""
    attrs = dict(f[path].attrs)
    del f[path]
    d = f.create_dataset(path, data=data)
    for k, v in attrs.items():
        d.attrs[k] = v


def longer_parameter(f):
    replace(f, S + "/parameters/simulation.years", np.ones(5000))


def shorter_array_parameter(f):
    replace(f, S + "/parameters/resources.capacity", np.ones(3))


def more_replicates(f):
    f[S].attrs["replicates"] = np.int64(3)


def more_years(f):
    replace(f, S + "/parameters/simulation.years", np.array([2.0]))


def more_districts(f):
    replace(f, S + "/parameters/simulation.districts", np.array([4.0]))


def years_out_of_bounds(f):
    replace(f, S + "/parameters/simulation.years", np.array([1e9]))


def missing_dataset(f):
    del f[S + "/monthly/deaths"]


def missing_programme_series(f):
    del f[S + "/programme/wait_weeks"]


def format_version(f):
    f.attrs["format_version"] = np.int64(1)


def partial_status(f):
    f.attrs["status"] = "partial"


def missing_status(f):
    del f.attrs["status"]


def wrong_type(f):
    replace(f, S + "/programme/caseload", f[S + "/programme/caseload"][()].astype(np.float64))


def wrong_rank(f):
    replace(f, S + "/monthly/ltc_cost", np.zeros((1, 12)))


def longer_series(f):
    replace(f, S + "/programme/outcomes", np.zeros((1, 12, 9), dtype=np.int64))


def bad_order(f):
    f[S].attrs["order"] = np.int64(5)


def order_as_string(f):
    f[S].attrs["order"] = "first"


cases = [
    (longer_parameter, "dataset /scenarios/tiny/parameters/simulation.years has shape [5000], expected [1]"),
    (shorter_array_parameter, "dataset /scenarios/tiny/parameters/resources.capacity has shape [3], expected [5]"),
    (more_replicates, "dataset /scenarios/tiny/monthly/population has shape [1,12,2,21], expected [3,12,2,21]"),
    (more_years, "dataset /scenarios/tiny/monthly/population has shape [1,12,2,21], expected [1,24,2,21]"),
    (more_districts, "dataset /scenarios/tiny/monthly/district_population has shape [1,12,10], expected [1,12,4]"),
    (years_out_of_bounds, "parameter simulation.years = 1e+09 is outside its bounds"),
    (missing_dataset, "dataset /scenarios/tiny/monthly/deaths is missing"),
    (missing_programme_series, "dataset /scenarios/tiny/programme/wait_weeks is missing"),
    (format_version, "format_version 1 (written by sprsim commit"),
    (partial_status, "the run that writes it is not finished (status 'partial')"),
    (missing_status, "attribute /status is missing"),
    (wrong_type, "dataset /scenarios/tiny/programme/caseload holds floating point values, expected integer"),
    (wrong_rank, "dataset /scenarios/tiny/monthly/ltc_cost has shape [1,12], expected [1,12,2,21]"),
    (longer_series, "dataset /scenarios/tiny/programme/outcomes has shape [1,12,9], expected [1,12,7]"),
    (bad_order, "scenario 'tiny' has order 5, outside 0..0"),
    (order_as_string, "attribute /scenarios/tiny/order holds string values, expected integer"),
]

failures, passed = [], 0

def clone(src, dst):
    """Copies group src into dst dataset by dataset (values, types and
    attributes; not the dimension-scale references, which the reader does not
    use).  HDF5 1.10's H5Ocopy of these groups failed with "can't insert
    duplicate key" once datasets had been replaced, for some layouts."""
    for key, value in src.attrs.items():
        dst.attrs[key] = value
    for name, obj in src.items():
        if isinstance(obj, h5py.Group):
            clone(obj, dst.create_group(name))
            continue
        d = dst.create_dataset(name, data=obj[()], dtype=obj.dtype)
        for key, value in obj.attrs.items():
            if key not in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME"):
                d.attrs[key] = value


many = os.path.join(work, "many.h5")
shutil.copy(valid, many)
with h5py.File(many, "r+") as f:
    for k in range(1, 70):
        clone(f[S], f.create_group(f"/scenarios/tiny_{k:02d}"))
        f[f"/scenarios/tiny_{k:02d}"].attrs["order"] = np.int64(k)
        replace(f, f"/scenarios/tiny_{k:02d}/parameters/name", f"tiny_{k:02d}")
r = subprocess.run([sprsim, "report", many, "-o", os.path.join(work, "many")], capture_output=True, text=True)
if r.returncode == 0 and "70 scenarios" in r.stdout:
    passed += 1
else:
    failures.append(f"report on 70 scenarios: status {r.returncode}: {r.stderr.strip()}")
ok = subprocess.run([sprsim, "report", valid, "-o", os.path.join(work, "valid")], capture_output=True, text=True)
if ok.returncode == 0:
    passed += 1
else:
    failures.append(f"the valid file: status {ok.returncode}: {ok.stderr.strip()}")
for craft, expected in cases:
    path = os.path.join(work, craft.__name__ + ".h5")
    shutil.copy(valid, path)
    with h5py.File(path, "r+") as f:
        craft(f)
    r = subprocess.run([sprsim, "report", path, "-o", os.path.join(work, craft.__name__)], capture_output=True,
                       text=True)
    message = r.stderr.strip()
    # first: a sanitizer's report also exits with status 1
    if "ERROR: AddressSanitizer" in message or "runtime error" in message:
        failures.append(f"{craft.__name__}: sanitizer report: {message}")
    elif r.returncode not in (1, 2):
        failures.append(f"{craft.__name__}: status {r.returncode} (1 or 2 expected): {message}")
    elif f"{path}: {expected}" not in message:
        failures.append(f"{craft.__name__}: message '{message}' lacks '{path}: {expected}'")
    else:
        passed += 1
for f in failures:
    print("FAIL", f)
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
