#!/usr/bin/env python3
"""The report's intervals, findings and noise verdict, on synthetic folders.

Writes result folders by hand (results.json, context.json, reps.json, a
calibrated/ series), with repetitions built to a chosen spread, and checks
what plots/report.py makes of them: a 2x difference is stated as a finding
from repetitions that spread 0.5% and refused (put in the unresolved table)
from ones that spread 40% around the same means; intervals agree with
Student t and the delta method computed here; the verdict is quiet, noisy
or busy as each folder was built to be, with the warning naming the figure
that made it so; missed adaptive targets, oversubscribed points, the
kernel's filesystem and its getppid baseline are shown; a folder written
before these keys existed still reports.  Needs gnuplot, not the binary.
Prints "PASS: noise: ...".
"""

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "plots"))
import checks  # noqa: E402
import nbstats  # noqa: E402
from checks import describe  # noqa: E402

PY = sys.executable
REPORT = os.path.join(ROOT, "plots", "report.py")
MAKE_REPORT = os.path.join(ROOT, "measure", "make_report.py")
REFERENCE = os.path.join(ROOT, "results", "20261123T134935Z")
check = checks.Checks("noise")

# Means (operations/s) at 1 and 2 threads on stat-hot: rcufull scales
# linearly and is 2x lockref at 2 threads, global loses throughput (0.6x),
# the kernel keeps 80% and rcufull is 5x it.
MEANS = {("rcufull", 1): 10e6, ("rcufull", 2): 20e6, ("lockref", 1): 10e6,
         ("lockref", 2): 10e6, ("global", 1): 10e6, ("global", 2): 6e6,
         ("kernel", 1): 2.5e6, ("kernel", 2): 4e6}
# the t quantiles this file needs, from a table (not from the code under test)
T_975 = {2: 4.303, 4: 2.776}
FOOTPRINT = {"rcufull": (0, 0), "lockref": (14, 0), "global": (16, 10)}


def spread(m, cv):
    """Three repetitions with mean @m and coefficient of variation @cv:
    m(1-cv), m, m(1+cv) has standard deviation cv * m."""
    return [m * (1 - cv), m, m * (1 + cv)]


def point(s, t, rep, v, **extra):
    p = {"strategy": s, "workload": "stat-hot", "threads": t, "rep": rep, "writers": 0,
         "seed": 1, "injected_delay_ns": 0, "syscall_cost_ns": 0, "skipped": None,
         "ops_per_sec": v, "reader_ops_per_sec": v, "writer_ops_per_sec": 0,
         "duration_s": 1.0, "measured_s": 1.0, "warmup_s": 0.1,
         "per_thread_min_ops_per_sec": v / t, "per_thread_max_ops_per_sec": v / t,
         "latency_ns": {"p50": 100, "p90": 120, "p99": 150, "p99_9": 200, "max": 900,
                        "samples": 1000, "sampled_every": 64},
         "counters_per_op": None, "timeline": [[v / t] * t], "pin": "cores",
         "placement_pu_os": list(range(t)), "placement_real": True, "oversubscribed": False}
    if s == "kernel":
        p.update(kernel_fs="ext4", kernel_user="alice (uid 1000)",
                 kernel_baseline={"getppid_ns": 61.0, "fstat_fd_ns": 112.0})
    else:
        rmw, st = FOOTPRINT.get(s, (2, 0))
        p["counters_per_op"] = {n: 0.0 for n in (
            "rcu_walks", "rcu_completed", "unlazy", "echild_restarts", "seq_retries",
            "rename_lock_retries", "cmpxchg_failures", "lock_fallbacks", "ref_ops")}
        p["counters_per_op"].update(shared_rmw=rmw, shared_stores=st)
    p.update(extra)
    return p


def machine_state(foreign=0.0, steal=0.0, runnable=0.0):
    return {"loadavg_before": [0.1, 0.1, 0.1], "loadavg_after": [0.2, 0.1, 0.1],
            "others_runnable": {"before": 0, "after": 0, "mean": runnable, "max": 1},
            "steal_share": steal, "foreign_share": foreign, "foreign_share_max": foreign,
            "machine_foreign_share": foreign, "pus": [], "seconds": []}


def write_folder(path, cv, means=MEANS, reps=3, state=None, reps_json=None,
                 oversubscribed=(), strategy_values=None):
    """A results folder whose every group has @reps repetitions spread by
    @cv around @means (or the values in @strategy_values)."""
    os.makedirs(path)
    pts = []
    for (s, t), m in sorted(means.items()):
        values = ((strategy_values or {}).get((s, t)) or spread(m, cv)[:reps]) if reps > 1 else [m]
        for rep, v in enumerate(values, 1):
            extra = {"oversubscribed": (s, t) in oversubscribed}
            if state is not None:
                extra["machine_state"] = state
            pts.append(point(s, t, rep, v, **extra))
    context = {"hostname": "synthetic", "cpu_model": "none", "topology": "2 PUs",
               "start_utc": "2026-12-01T00:00:00Z", "git_commit": "0", "git_dirty": False,
               "cpuset": "0-1", "cpuset_from": "all PUs",
               "machine": {"hypervisor": "KVM", "smt": "off", "smt_active": False,
                           "thp": "madvise", "cmdline": "quiet", "user": "alice (uid 1000)",
                           "vulnerabilities": {"meltdown": "Mitigation: PTI"},
                           "mem_total_kib": 2 ** 20, "mem_available_kib": 2 ** 19,
                           "loadavg": [0.1, 0.1, 0.1], "cpu_mhz": 2400.0,
                           "cpufreq_driver": None, "cpufreq_governor": None}}
    with open(os.path.join(path, "results.json"), "w") as f:
        json.dump(pts, f)
    with open(os.path.join(path, "context.json"), "w") as f:
        json.dump(context, f)
    if reps_json:
        with open(os.path.join(path, "reps.json"), "w") as f:
            json.dump(reps_json, f)
    return pts


def report(path):
    """Run report.py on @path; its report.md, or '' if it failed."""
    p = subprocess.run([PY, REPORT, path], capture_output=True, text=True)
    if p.returncode:
        check("report.py reports on %s" % os.path.basename(path), False, describe(p))
        return ""
    with open(os.path.join(path, "report.md")) as f:
        return f.read()


def section(md, title):
    """The text of one '## title' section."""
    m = re.search(r"^## %s\n(.*?)(?=^## |\Z)" % re.escape(title), md, re.M | re.S)
    return m.group(1) if m else ""


def findings(md):
    return [l for l in section(md, "Findings").splitlines() if l.startswith("- ")]


def table_rows(text):
    return [[c.strip() for c in l.strip("|").split(" | ")] for l in text.splitlines()
            if l.startswith("| ") and not l.startswith("|---")]


def unresolved(md):
    return table_rows(section(md, "Comparisons this run could not resolve"))


def log_ratio_interval(a, b):
    """mean(a) / mean(b) with its 95% interval, computed here from first
    principles: the delta method on the log, Welch-Satterthwaite df."""
    def mv(x):
        m = sum(x) / len(x)
        return m, sum((y - m) ** 2 for y in x) / (len(x) - 1)
    (ma, va), (mb, vb) = mv(a), mv(b)
    ua, ub = va / (len(a) * ma * ma), vb / (len(b) * mb * mb)
    df = (ua + ub) ** 2 / (ua * ua / (len(a) - 1) + ub * ub / (len(b) - 1))
    half = T_975[int(df)] * math.sqrt(ua + ub)
    r = ma / mb
    return r, r * math.exp(-half), r * math.exp(half)


# ---------------------------------------------------------------- the checks

def test_interval_arithmetic():
    e = nbstats.mean_ci([10, 12, 11])
    # mean 11, s = 1, t(2) = 4.303: 11 +- 4.303 / sqrt(3) = 11 +- 2.484
    half = 4.303 / math.sqrt(3)
    check("the t interval of [10, 12, 11] is 11 ± 2.48",
          e is not None and abs(e.value - 11) < 1e-9 and abs(e.lo - (11 - half)) < 1e-6 and
          abs(e.hi - (11 + half)) < 1e-6, repr(e and (e.value, e.lo, e.hi)))
    check("one repetition has no interval", nbstats.mean_ci([10]) is None)
    a, b = [19.0, 20.0, 21.0], [9.0, 10.0, 11.0]
    want = log_ratio_interval(a, b)
    got = nbstats.ratio_ci(a, b)
    check("a ratio's interval is the delta method's on the log (Welch df)",
          got is not None and all(abs(x - y) < 1e-9 * y for x, y in zip(
              (got.value, got.lo, got.hi), want)), "%r, want %r" % (
                  got and (got.value, got.lo, got.hi), want))


def test_low_noise(tmp):
    path = os.path.join(tmp, "low")
    pts = write_folder(path, 0.005, state=machine_state())
    md = report(path)
    fs = findings(md)
    win = next((l for l in fs if l.startswith("- **Winner:**") and "stat-hot at 2 threads" in l),
               "")
    m = re.search(r"rcufull is fastest, [^;]*?, ([\d.]+)x \[([\d.]+), ([\d.]+)\] lockref", win)
    def v(s, t):
        return [p["ops_per_sec"] for p in pts if (p["strategy"], p["threads"]) == (s, t)]
    want = log_ratio_interval(v("rcufull", 2), v("lockref", 2))
    check("low noise: the report finds rcufull 2x lockref at 2 threads, with its interval",
          m is not None and list(m.groups()) == ["%.3g" % y for y in want],
          "line %r, want %.3g [%.3g, %.3g]" % ((win,) + want))
    check("low noise: nothing about rcufull against lockref is unresolved",
          not any("rcufull against lockref" in r[0] for r in unresolved(md)), "%s" % unresolved(md))
    col = next((l for l in fs if l.startswith("- **Collapse:**") and " global " in l), "")
    want = log_ratio_interval(v("global", 2), v("global", 1))
    m = re.search(r"stat-hot ([\d.]+)x \[([\d.]+), ([\d.]+)\]", col)
    check("low noise: global's fall to 0.6x of its 1-thread total is a collapse",
          m is not None and list(m.groups()) == ["%.3g" % y for y in want],
          "line %r, want %.3g [%.3g, %.3g]" % ((col,) + want))
    check("low noise: the run is quiet, and the report says so", "this run is quiet" in md and
          "**Warning:**" not in md)
    check("low noise: the kernel comparison names the filesystem, the user and the baselines",
          re.search(r"5(\.00)?x \[[\d.]+, [\d.]+\] the kernel \(the kernel: 400 ns \[", win)
          and "61 ns entering and leaving the kernel (getppid)" in win and
          "112 ns fstat on an open file" in win and "its tree on ext4" in win and
          "unprivileged" in win and "tmpfs" not in md, win)
    ms = section(md, "Machine state")
    check("the machine state part shows the hypervisor, the CPU set and the user",
          "| hypervisor | KVM |" in ms and "| CPU set | 0-1 (all PUs) |" in ms and
          "alice (uid 1000)" in ms, ms[:300])


def test_high_noise(tmp):
    path = os.path.join(tmp, "high")
    write_folder(path, 0.40)
    md = report(path)
    fs = findings(md)
    said = [l for l in fs if re.search(r"rcufull is fastest[^;]*lockref", l)]
    check("high noise: the same 2x is not stated as a finding", not said, "%s" % said)
    row = next((r for r in unresolved(md) if r[0] ==
                "stat-hot at 2 threads: rcufull against lockref (the runner-up)"), None)
    check("high noise: it is in the unresolved table with an interval that includes 1",
          row is not None and re.match(r"\[([\d.]+), ([\d.]+)\]", row[2]) and
          float(row[2][1:].split(",")[0]) < 1 < float(row[2].split(", ")[1].rstrip("]")),
          "%s" % unresolved(md))
    check("high noise: global's 0.6x is not stated as a collapse",
          not any(l.startswith("- **Collapse:**") and " global " in l for l in fs), "%s" % fs)
    check("high noise: the verdict is noisy and the warning names the spread",
          re.search(r"\*\*Warning:\*\* this run is noisy: repetitions spread up to ±40% "
                    r"\(median CV 40\.0%\)", md) is not None, md[:600])


def test_verdicts(tmp):
    cases = (("busy", machine_state(foreign=0.5), r"this run is busy: other processes took "
              r"50% of the measured PUs' time"),
             ("busy", machine_state(runnable=1.0), r"this run is busy: 1\.0 other task "
              r"runnable on average"),
             ("noisy", machine_state(steal=0.02), r"this run is noisy: the hypervisor stole "
              r"2% of the measured PUs' time"),
             ("noisy", machine_state(foreign=0.07), r"this run is noisy: other processes "
              r"took 7% of the measured PUs' time"),
             ("quiet", machine_state(foreign=0.005), r"this run is quiet"))
    for i, (want, state, words) in enumerate(cases):
        path = os.path.join(tmp, "verdict-%d" % i)
        write_folder(path, 0.005, state=state)
        md = report(path)
        top = md.split("## Findings")[0]
        warned = "**Warning:**" in top
        check("a folder built %s (%s) is reported %s, at the top" % (
            want, ", ".join("%s %s" % kv for kv in sorted(state.items())
                            if kv[0] in ("steal_share", "foreign_share")) +
            " runnable %s" % state["others_runnable"]["mean"], want),
            re.search(words, top) is not None and warned == (want != "quiet"), top[:500])
    # drift: every group's first repetition 10% high, its last 10% low
    path = os.path.join(tmp, "drift")
    write_folder(path, 0, strategy_values={k: [m * 1.1, m, m * 0.9] for k, m in MEANS.items()})
    md = report(path)
    check("repetition means falling from 110% to 90% are a drift of -18%, and noisy",
          re.search(r"\*\*Warning:\*\* this run is noisy: [^\n]*drift -18% from the first "
                    r"repetition to the last", md) is not None, md[:600])
    busy = os.path.join(tmp, "verdict-0")
    p = subprocess.run([PY, MAKE_REPORT, "--results", busy], capture_output=True, text=True)
    err = p.stderr.strip().splitlines()
    check("make_report prints a busy run's warning last on stderr, the report's path last on "
          "stdout", p.returncode == 0 and err and err[-1].startswith(
              "make report: warning: this run is busy: other processes took 50%") and
          p.stdout.strip().splitlines()[-1:] == [os.path.abspath(os.path.join(
              busy, "report.html"))], describe(p))


def test_marks(tmp):
    path = os.path.join(tmp, "marks")
    entry = lambda s, t, reached, n, ci: {  # noqa: E731
        "strategy": s, "workload": "stat-hot", "threads": t, "reps": n, "mean": MEANS[(s, t)],
        "ci95_pct": ci, "reached": reached, "stopped": "target" if reached else "max-reps"}
    reps = {"policy": {"mode": "auto", "target_pct": 3, "min": 3, "max": 10, "time_cap_s": None},
            "points": [entry(s, t, (s, t) != ("lockref", 2), 10 if (s, t) == ("lockref", 2)
                             else 3, 7.2 if (s, t) == ("lockref", 2) else 1.0)
                       for (s, t) in MEANS]}
    write_folder(path, 0.005, reps_json=reps, oversubscribed=[("rcufull", 2)])
    md = report(path)
    rows = table_rows(section(md, "Throughput"))
    head = rows[0] if rows else []
    cells = {}
    for r in rows[1:]:
        for s, c in zip(head[2:], r[2:]):
            cells[(s, int(r[1]))] = c
    check("the throughput table marks the point that missed its adaptive target",
          "missed ±3% target after 10 reps (±7.2%)" in cells.get(("lockref", 2), "") and
          sum("missed" in c for c in cells.values()) == 1, "%s" % cells)
    check("the throughput table marks the oversubscribed point",
          "oversubscribed" in cells.get(("rcufull", 2), "") and
          sum("oversubscribed" in c for c in cells.values()) == 1, "%s" % cells)
    check("the throughput table gives mean ±CI, CV and repetitions",
          re.match(r"10 ±0\.12, CV 0\.5%, 3 reps", cells.get(("lockref", 1), "")) is not None,
          cells.get(("lockref", 1), ""))
    gp = os.path.join(path, "plots", "data", "throughput-stat-hot.gp")
    ring = os.path.join(path, "plots", "data", "throughput-stat-hot-oversubscribed.dat")
    with open(gp) as f:
        script = f.read()
    try:
        with open(ring) as f:
            ringed = [l.split() for l in f if l.strip()]
    except OSError:
        ringed = []
    check("the throughput plot rings the oversubscribed point, in the key too",
          "title 'oversubscribed'" in script and ringed == [["2", "20.0"]], "%s" % ringed)
    check("the plot's caption says what a ring means",
          "a ringed point was oversubscribed" in md)


def test_one_rep(tmp):
    path = os.path.join(tmp, "one")
    write_folder(path, 0.0, reps=1)
    md = report(path)
    fs = findings(md)
    check("a run of single repetitions states no finding",
          not any(l.startswith(("- **Winner", "- **Collapse", "- **Slower")) for l in fs),
          "%s" % fs)
    check("and says in the unresolved table that its groups have no interval",
          any(r[2] == "no interval: fewer than 2 repetitions" for r in unresolved(md)),
          "%s" % unresolved(md))


def test_calibrated(tmp):
    path = os.path.join(tmp, "cal")
    write_folder(path, 0.005)
    cal = os.path.join(path, "calibrated")
    write_folder(cal, 0.005, means={("rcuwalk", 1): 5e6, ("rcuwalk", 2): 9e6})
    with open(os.path.join(cal, "results.json")) as f:
        pts = json.load(f)
    for p in pts:
        p["syscall_cost_ns"] = 61.0
    with open(os.path.join(cal, "results.json"), "w") as f:
        json.dump(pts, f)
    md = report(path)
    rows = table_rows(section(md, "Calibrated model"))
    row = next((r for r in rows if r[0] == "stat-hot"), [])
    # calibrated rcuwalk keeps 9/(2*5) = 90%, the kernel 4/(2*2.5) = 80%
    check("the calibrated model's efficiency is set beside the kernel's, with the difference",
          row[:3] == ["stat-hot", "2", "61 ns"] and row[3].startswith("90% [") and
          row[4].startswith("80% [") and row[5].startswith("+10 points [") and
          row[6] == "differs", "%s" % rows)


def test_old_folder(tmp):
    if not os.path.isdir(REFERENCE):
        check("the reference run is there", False, REFERENCE)
        return
    path = os.path.join(tmp, "old")
    shutil.copytree(REFERENCE, path, ignore=shutil.ignore_patterns("plots", "report.*"))
    md = report(path)
    check("a folder from before machine state and baselines still reports, saying so",
          "not recorded (this folder was written before nameibench recorded it)" in md and
          re.search(r"Noise: this run is (quiet|noisy|busy)", md) is not None and
          "the cost of entering the kernel not recorded" in md, md[:400])


def main():
    tmp = tempfile.mkdtemp(prefix="nameibench-noise-")
    try:
        test_interval_arithmetic()
        test_low_noise(tmp)
        test_high_noise(tmp)
        test_verdicts(tmp)
        test_marks(tmp)
        test_one_rep(tmp)
        test_calibrated(tmp)
        test_old_folder(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
