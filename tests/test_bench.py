#!/usr/bin/env python3
"""The benchmark harness: run, sweep (atomic points, resume, interrupts),
topology, list, workload files, and bad input.

These tests check what the harness records and how it behaves, never how
fast anything is: performance lives in the benchmarks, not in tests on a
shared machine.  Prints "PASS: bench: ..." / "FAIL: bench: ...".
"""

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NB = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bin", "nameibench")
QUICK = ["--duration", "0.1", "--warmup", "0.02"]
sys.path.insert(0, os.path.join(ROOT, "tests"))
import checks  # noqa: E402

check = checks.Checks("bench")


def nb(*args, **kw):
    return subprocess.run([NB] + list(args), capture_output=True, text=True, **kw)



def describe(p):
    return "exit %s, stdout %r, stderr %r" % (p.returncode, p.stdout[-400:], p.stderr[-400:])


def wait_for(cond, timeout=60.0):
    """Poll a condition on the filesystem; the timeout only bounds a failure."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False


CONTEXT_KEYS = {"hostname", "cpu_model", "topology", "topology_counts", "kernel", "compiler",
                "cflags", "liburcu_version", "rcu_flavor", "hwloc_version", "git_commit",
                "git_dirty", "command", "start_utc", "pin_policy"}
POINT_KEYS = {"strategy", "workload", "tasks", "threads", "writers", "rep", "seed", "injected_delay_ns",
              "workload_spec",
              "duration_s", "warmup_s", "measured_s", "ops_per_sec", "reader_ops_per_sec",
              "writer_ops_per_sec", "per_thread_min_ops_per_sec", "per_thread_max_ops_per_sec",
              "latency_ns", "counters_per_op", "timeline", "pin", "placement_pu_os",
              "placement_real", "oversubscribed", "context", "skipped"}


def test_run(tmp):
    j, c = os.path.join(tmp, "r.json"), os.path.join(tmp, "r.csv")
    p = nb("run", "--strategy", "rcufull", "--workload", "stat-hot", "--threads", "2",
           "--json", j, "--csv", c, *QUICK)
    check("run prints a summary", p.returncode == 0 and "throughput" in p.stdout and
          "latency" in p.stdout and "per op" in p.stdout, describe(p))
    try:
        d = json.load(open(j))
    except (OSError, ValueError) as e:
        check("run --json writes a JSON point", False, str(e))
        return
    missing = (POINT_KEYS - set(d)) | (CONTEXT_KEYS - set(d.get("context", {})))
    check("the JSON point carries every field and its context", not missing,
          "missing %s" % sorted(missing))
    check("the point's numbers hang together",
          d["threads"] == 2 and d["ops_per_sec"] > 0 and len(d["placement_pu_os"]) == 2 and
          d["latency_ns"]["p50"] <= d["latency_ns"]["p99"] <= d["latency_ns"]["max"] and
          d["counters_per_op"]["ref_ops"] == 0 and len(d["timeline"]) == 1 and
          len(d["timeline"][0]) == 2, json.dumps(d)[:400])
    rows = list(csv.reader(open(c)))
    check("run --csv writes the documented columns and one row",
          len(rows) == 2 and rows[0][:5] == ["strategy", "workload", "threads", "rep",
                                              "ops_per_sec"] and rows[1][0] == "rcufull",
          repr(rows[:1]))


SWEEP = ["sweep", "--strategies", "global,rcufull", "--workloads", "stat-hot,stat-disjoint",
         "--threads", "1,2", "--reps", "1"] + QUICK


def csv_rows(d):
    with open(os.path.join(d, "results.csv")) as f:
        return list(csv.reader(f))


def test_sweep_and_resume(tmp):
    out = os.path.join(tmp, "sweep")
    p = nb(*SWEEP, "--out", out)
    rows = csv_rows(out) if p.returncode == 0 else []
    check("a sweep measures every point and writes one CSV row each",
          p.returncode == 0 and len(rows) == 1 + 8 and
          all(len(r) == len(rows[0]) for r in rows), describe(p))
    keys = {(r[0], r[1], r[2], r[3]) for r in rows[1:]}
    check("the CSV rows are the 8 distinct points", len(keys) == 8, repr(sorted(keys)))
    check("context.json describes the run",
          CONTEXT_KEYS <= set(json.load(open(os.path.join(out, "context.json")))))
    data = json.load(open(os.path.join(out, "results.json")))
    check("results.json holds the same points", len(data) == 8 and
          {(d["strategy"], d["workload"], str(d["threads"]), str(d["rep"])) for d in data} == keys)
    before = {f: os.stat(os.path.join(out, "points", f)).st_mtime_ns
              for f in os.listdir(os.path.join(out, "points"))}
    p = nb(*SWEEP, "--out", out)
    after = {f: os.stat(os.path.join(out, "points", f)).st_mtime_ns
             for f in os.listdir(os.path.join(out, "points"))}
    check("rerunning with the same folder redoes nothing",
          p.returncode == 0 and "8 already done" in p.stderr and before == after, describe(p))


def test_kill_and_interrupt(tmp):
    out = os.path.join(tmp, "killed")
    plan = ["sweep", "--strategies", "global,lockref,rcufull", "--workloads", "stat-hot",
            "--threads", "1,2", "--reps", "4", "--duration", "0.2", "--warmup", "0.02"]
    points = os.path.join(out, "points")

    def njson():
        return len([f for f in os.listdir(points) if f.endswith(".json")]) \
            if os.path.isdir(points) else 0

    proc = subprocess.Popen([NB] + plan + ["--out", out], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    got = wait_for(lambda: njson() >= 3)
    proc.kill()
    proc.wait()
    ok = got
    try:
        rows = csv_rows(out)
        kept = [f for f in os.listdir(points) if f.endswith(".csv") and ".tmp." not in f]
        # every row whole; at most the point being recorded is not in it yet
        ok = ok and len(rows) >= 1 and all(len(r) == len(rows[0]) for r in rows) and \
            all(r[4] for r in rows[1:]) and len(kept) - 1 <= len(rows) - 1 <= len(kept)
    except (OSError, csv.Error):
        ok = False
    check("after kill -9 every finished point is whole in results.csv", ok)
    done = njson()
    proc = subprocess.Popen([NB] + plan + ["--out", out], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    got = wait_for(lambda: njson() > done)
    proc.send_signal(signal.SIGINT)
    err = proc.communicate()[1]
    check("SIGINT stops a sweep, keeps its points and says how to resume",
          got and proc.returncode == 130 and "resume" in err and "already done" in err,
          "exit %s, %r" % (proc.returncode, err[-300:]))
    p = nb(*plan, "--out", out)
    rows = csv_rows(out) if p.returncode == 0 else []
    check("the resumed sweep completes with one row per point",
          p.returncode == 0 and len(rows) == 1 + 24 and
          len({tuple(r[:4]) for r in rows[1:]}) == 24, describe(p))


def test_topology():
    p = nb("topology", "--synthetic", "pack:2 core:16 pu:2", "--pin", "cores", "--threads", "40")
    rows = [l.split() for l in p.stdout.splitlines() if re.match(r"^\s+\d+\s+\d+", l)]
    cores = [(int(r[4]), int(r[3])) for r in rows]
    check("topology places 32 distinct cores first, then SMT siblings",
          p.returncode == 0 and len(rows) == 40 and len(set(cores[:32])) == 32 and
          set(cores[32:]) <= set(cores[:32]) and
          len({int(r[2]) for r in rows}) == 40 and "not bound" in p.stdout, describe(p))
    p = nb("topology", "--synthetic", "pack:2 core:4 pu:2", "--pin", "compact", "--threads", "4")
    rows = [l.split() for l in p.stdout.splitlines() if re.match(r"^\s+\d+\s+\d+", l)]
    check("compact keeps SMT siblings together",
          [r[3] for r in rows] == ["0", "0", "1", "1"], describe(p))
    p = nb("topology", "--synthetic", "pack:2 core:4 pu:2", "--pin", "scatter", "--threads", "2")
    rows = [l.split() for l in p.stdout.splitlines() if re.match(r"^\s+\d+\s+\d+", l)]
    check("scatter spreads over packages", [r[4] for r in rows] == ["0", "1"], describe(p))
    p = nb("run", "--strategy", "global", "--workload", "noop", "--threads",
           str(os.cpu_count() + 1), *QUICK)
    check("a run with more threads than PUs says so", p.returncode == 0 and
          "oversubscribed" in p.stdout, describe(p))
    p = nb("topology", "--threads", "9", "--pin", "compact")
    check("more threads than PUs is allowed and says so",
          p.returncode == 0 and ("oversubscribed" in p.stdout) == (os.cpu_count() < 9),
          describe(p))


def test_list_and_workload_files(tmp):
    p = nb("list")
    names = [l.split()[0] for l in p.stdout.splitlines()]
    want = ["stat-disjoint", "stat-shared", "stat-hot", "stat-negative", "stat-dotdot",
            "stat-symlink", "stat-mountpoint", "rename-churn", "mount-churn", "create-unlink",
            "mixed", "ancestors", "noop", "stat-negative-disk", "path-search",
            "path-search-disk", "miss-one-dir", "miss-one-dir-excl", "stat-shared-disk",
            "stat-budget", "stat-hot-nfs", "stat-hot-nfs-echild", "stat-shared-nfs",
            "stat-shared-nfs-echild", "stat-shared-autofs", "automount-steady",
            "automount-storm"]
    check("list shows every built-in workload", set(want) <= set(names), describe(p))
    p = nb("run", "--strategy", "lockref", "--workload",
           os.path.join(ROOT, "workloads", "example.wl"), "--threads", "1", *QUICK)
    check("a workload file runs, with its writers",
          p.returncode == 0 and "zipf-lstat-churn" in p.stdout and "writers" in p.stdout,
          describe(p))


def parsed(p):
    try:
        return json.loads(p.stdout) if p.returncode == 0 else None
    except ValueError:
        return None


def test_json_facts(tmp):
    """What the Python side asks the binary instead of keeping copies: the
    JSON says what the text says, and hand-worked facts."""
    text = [l.split()[0] for l in nb("strategies").stdout.splitlines() if l.strip()]
    p = nb("strategies", "--json")
    js = parsed(p) or []
    check("strategies --json names what strategies prints, in order",
          [s.get("name") for s in js] == text and len(text) >= 6, describe(p))
    facts = {s["name"]: (s["backend"], s["walk_rcu"], s["stat_under_rcu"], s["one_lock"],
                         s["counters"]) for s in js}
    check("strategies --json: each one's backend and what it does",
          facts.get("global") == ("engine", False, False, True, True) and
          facts.get("lockref") == ("engine", False, False, False, True) and
          facts.get("rcuwalk") == ("engine", True, False, False, True) and
          facts.get("rcufull") == ("engine", True, True, False, True) and
          facts.get("kernel") == ("kernel", True, False, False, False), repr(facts))
    names = [l.split()[0] for l in nb("list").stdout.splitlines()]
    p = nb("list", "--json")
    js = parsed(p) or {}
    check("list --json defines what list names, in order", list(js) == names,
          describe(p))
    hot = js.get("stat-hot", {})
    check("list --json: stat-hot's definition (depth 5, one file: 5 entries)",
          hot.get("entries") == 5 and hot.get("spec", {}).get("depth") == 5 and
          hot.get("spec", {}).get("source") == "built-in", repr(hot))
    wl = os.path.join(tmp, "big.wl")
    with open(wl, "w") as f:
        f.write("name = big\ndepth = 3\nfanout = 32\nfiles = 977\n")
    p = nb("list", "--json", wl)
    # 32 directories, 32 * 32 below them, 977 files in each of those
    check("list --json FILE: a tree's entries, worked out by hand",
          (parsed(p) or {}).get("big", {}).get("entries") == 32 + 32 * 32 + 32 * 32 * 977,
          describe(p))
    p = nb("topology", "--synthetic", "pack:2 core:4 pu:2", "--pin", "scatter", "--threads",
           "2", "--json")
    js = parsed(p) or {}
    check("topology --json: the machine and the placement",
          (js.get("packages"), js.get("cores"), js.get("pus"), js.get("synthetic")) ==
          (2, 8, 16, True) and [t["package"] for t in js.get("placement", [])] == [0, 1],
          describe(p))
    p = nb("topology", "--json")
    js = parsed(p) or {}
    check("topology --json on this machine: as many PUs as this process may use",
          js.get("pus") == len(os.sched_getaffinity(0)), describe(p))
    p = nb("counters", "--json")
    names = [c.get("name") for c in parsed(p) or []]
    j = os.path.join(tmp, "facts.json")
    q = nb("run", "--strategy", "rcufull", "--workload", "stat-hot", "--threads", "1",
           *QUICK, "--json", j)
    try:
        with open(j) as f:
            keys = list(json.load(f)["counters_per_op"])
    except (OSError, ValueError, KeyError):
        keys = None
    check("counters --json names the counters a result has, in its order, each with a "
          "meaning", keys is not None and names[:1] == ["ops"] and names[1:] == keys and
          all(c.get("meaning") for c in parsed(p) or []), "%s; %s" % (describe(p), keys))
    for argv in (["strategies", "--frob"], ["list", "--json", "nosuch"],
                 ["strategies", "--json", "x"], ["counters", "--frob"]):
        p = nb(*argv)
        check("%s: a one-line error, exit 2" % " ".join(argv),
              p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, describe(p))


BAD = [
    (["frob"], ["unknown command"]),
    (["run", "--strategy", "nosuch", "--workload", "stat-hot", "--threads", "1"],
     ["unknown strategy", "nosuch"]),
    (["run", "--strategy", "global", "--workload", "nosuch", "--threads", "1"],
     ["unknown workload", "nosuch"]),
    (["run", "--strategy", "global", "--workload", "stat-hot", "--threads", "0"],
     ["--threads"]),
    (["run", "--strategy", "global", "--workload", "stat-hot", "--threads", "1",
      "--duration", "-1"], ["--duration"]),
    (["run", "--strategy", "global", "--workload", "stat-hot", "--threads", "1",
      "--pin", "diagonal"], ["pin policy", "diagonal"]),
    (["run", "--strategy", "global", "--workload", "stat-hot"], ["required"]),
    (["run", "--strategy", "global", "--workload", "stat-hot", "--threads", "1", "--bogus"],
     ["--bogus"]),
    (["sweep", "--strategies", "global", "--workloads", "stat-hot", "--threads", "1,x",
      "--out", "/tmp/nb-never"], ["--threads", "x"]),
    (["sweep", "--strategies", "global", "--workloads", "stat-hot", "--threads", "1"],
     ["required"]),
    (["topology", "--synthetic", "nonsense:3"], ["synthetic"]),
    (["run", "--strategy", "global", "--workload", "stat-hot", "--threads", "1", "--json"],
     ["--json needs a value"]),
    (["topology", "--pin"], ["--pin needs a value"]),
    (["run", "--strategy", "global", "--workload", "stat-hot", "--threads", "1",
      "--inject-delay", "global"], ["--inject-delay", "STRATEGY=NANOSECONDS"]),
    (["run", "--strategy", "global", "--workload", "stat-hot", "--threads", "1",
      "--inject-delay", "nosuch=10"], ["unknown strategy", "nosuch"]),
    (["run", "--strategy", "global", "--workload", "stat-hot", "--threads", "1",
      "--inject-delay", "global=-5"], ["--inject-delay", "-5"]),
    (["run", "--strategy", "global", "--workload", "stat-hot@100", "--threads", "1"],
     ["stat-hot", "no writers"]),
    (["run", "--strategy", "global", "--workload", "rename-churn@fast", "--threads", "1"],
     ["writer rate", "fast"]),
]

BAD_SPECS = [
    ("depth = 5\n", "no 'name"),
    ("name = x\ndepth = 0\n", ":2: depth"),
    ("name = x\nfanout 8\n", ":2: expected 'key = value'"),
    ("name = x\ncolour = blue\n", ":2: unknown key 'colour'"),
    ("name = x\nmix = stat:70 frob:30\n", ":2: mix"),
    ("name = x\nwriters = 2\n", "writer = none"),
    ("name = x\nwriter = rename\nwriters = 1\ndepth = 2\n", "depth must be at least 3"),
    ("name = x\nwriter = expire\nwriters = 1\n", "writer = expire expires autofs triggers: "
     "it needs fs = autofs"),
    ("name = x\nshape = trigger\ndepth = 1\nfs = autofs\n", "shape = trigger stats the top "
     "directories: depth must be at least 2"),
    ("name = x\nmix = stat:0\n", "weight 0"),
    ("name = x\nfanout = 64\ndepth = 6\n", "more than"),
    ("name = x\nfs = ext4\n", ":2: fs: unknown filesystem type 'ext4' (known: tmpfs"),
    ("name = x\nfs = disk,lookup=frob\n", ":2: fs: disk takes no option 'lookup=frob'"),
    ("name = x\nfs = tmpfs,lookup=exclusive,size=1g\n", ":2: fs: tmpfs takes no option "
     "'size=1g'"),
    ("name = x\ndentry_budget = -1\n", ":2: dentry_budget must be a whole number"),
    ("name = x\nfs = disk\ndentry_budget = lots\n", ":3: dentry_budget must be a whole number"),
    ("name = x\nshape = search\ndepth = 1\n", "depth must be at least 2"),
]


def test_writer_rate(tmp):
    """NAME@RATE keeps the point apart by name and holds the writers to the rate."""
    j = os.path.join(tmp, "rate.json")
    p = nb("run", "--strategy", "rcuwalk", "--workload", "rename-churn@40", "--threads", "1",
           "--duration", "0.5", "--warmup", "0.05", "--json", j)
    try:
        with open(j) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        check("rename-churn@40 runs and writes its point", False, "%s; %s" % (e, describe(p)))
        return
    rate = d["workload_spec"]["writer_rate"]
    # a rate-limited writer runs on an absolute schedule: it can be late, never early
    most = 40 * d["writers"] * (d["measured_s"] + 0.1)
    got = d["writer_ops_per_sec"] * d["measured_s"]
    check("rename-churn@40 is named so and its writers keep to 40 ops/s each",
          d["workload"] == "rename-churn@40" and rate == 40 and 0 < got <= most,
          "workload %r, rate %r, %d writer ops in %.2f s" % (d["workload"], rate, got,
                                                            d["measured_s"]))


def test_bad_input(tmp):
    for args, words in BAD:
        p = nb(*args)
        lines = p.stderr.strip().splitlines()
        check("bad input %r: one line naming the problem, exit 2" % " ".join(args[:3]),
              p.returncode == 2 and len(lines) == 1 and all(w in lines[0] for w in words),
              describe(p))
    for i, (text, words) in enumerate(BAD_SPECS):
        spec = os.path.join(tmp, "bad%d.wl" % i)
        with open(spec, "w") as f:
            f.write(text)
        p = nb("run", "--strategy", "global", "--workload", spec, "--threads", "1")
        lines = p.stderr.strip().splitlines()
        check("malformed workload file #%d: one line, %r" % (i, words),
              p.returncode == 2 and len(lines) == 1 and words in lines[0], describe(p))


def test_kernel(tmp):
    p = nb("run", "--strategy", "kernel", "--workload", "stat-hot", "--threads", "1", *QUICK)
    check("the kernel strategy runs and says where its tree is",
          p.returncode == 0 and "kernel tree" in p.stdout, describe(p))
    # its tree is on a filesystem of its own: no engine type, option or budget
    for w, why in (("stat-negative-disk", "(fs)"), ("miss-one-dir-excl", "(fs)"),
                   ("stat-budget", "(fs)"), ("path-search", None)):
        j = os.path.join(tmp, "kernel-%s.json" % w)
        p = nb("run", "--strategy", "kernel", "--workload", w, "--threads", "1", *QUICK,
               "--json", j)
        d = json.load(open(j)) if p.returncode == 0 and os.path.exists(j) else {}
        if why:
            check("kernel on %s: skipped, saying it cannot take the workload's %s" % (w, why),
                  p.returncode == 0 and "skipped" in p.stdout and why in p.stdout and
                  why in (d.get("skipped") or "") and d.get("ops_per_sec") is None,
                  describe(p))
        else:
            check("kernel on %s (plain tmpfs): measured" % w,
                  p.returncode == 0 and d.get("skipped") is None and d.get("ops_per_sec"),
                  describe(p))
    wl = os.path.join(tmp, "budget-only.wl")
    with open(wl, "w") as f:
        f.write("name = budget-only\ndepth = 2\nfanout = 2\nfiles = 2\ndentry_budget = 10\n")
    p = nb("run", "--strategy", "kernel", "--workload", wl, "--threads", "1", *QUICK)
    check("kernel on a tmpfs workload with a dentry budget: skipped, naming dentry_budget",
          p.returncode == 0 and "skipped" in p.stdout and "dentry_budget" in p.stdout,
          describe(p))


# A point's measured window grows until its readers did some work: a busy
# machine may leave a 0.1 s window with none, which judges nothing.
WINDOWS = (QUICK, ["--duration", "1", "--warmup", "0.05"], ["--duration", "5", "--warmup", "0.1"])


def point_with_work(j, *args):
    """`run ARGS --json J`, the window longer until the readers did any work:
    (the process, the point's dict or {}); a point with none after the
    longest window is "too slow to judge", reported by its caller."""
    for window in WINDOWS:
        p = nb("run", *args, *window, "--json", j)
        try:
            with open(j) as f:
                d = json.load(f)
        except (OSError, ValueError):
            return p, {}
        if p.returncode or d.get("skipped") or d.get("reader_ops", 0) > 0:
            return p, d
    return p, d


def fs_point(tmp, strategy, workload, threads, *extra):
    """`run --json` of one point of @workload: its dict, or {} (with a FAIL)."""
    j = os.path.join(tmp, "fs-%s-%s-%d.json" % (strategy, workload, threads))
    p, d = point_with_work(j, "--strategy", strategy, "--workload", workload, "--threads",
                           str(threads), *extra)
    if d.get("counters_per_op") is not None and d.get("reader_ops", 0) > 0:
        return d
    check("%s on %s runs and writes its counters%s" % (
        strategy, workload, " (too slow to judge: no operation in 5 s)" if d else ""),
        False, describe(p))
    return {}


def per_op(d, name):
    return (d.get("counters_per_op") or {}).get(name, float("nan"))


def errors(d):
    """The share of the readers' operations that answered an error."""
    return d["reader_errors"] / d["reader_ops"] if d.get("reader_ops") else float("nan")


def test_fs_records(tmp):
    """Every point says which filesystem and budget it ran under, in JSON and CSV."""
    j, c = os.path.join(tmp, "rec.json"), os.path.join(tmp, "rec.csv")
    p = nb("run", "--strategy", "rcuwalk", "--workload", "stat-budget", "--threads", "1",
           *QUICK, "--json", j, "--csv", c)
    try:
        spec = json.load(open(j))["workload_spec"]
        rows = list(csv.DictReader(open(c)))
    except (OSError, ValueError, KeyError) as e:
        check("stat-budget writes its point", False, "%s; %s" % (e, describe(p)))
        return
    check("a point records its filesystem and dentry budget (workload_spec and results.csv)",
          spec.get("fs") == "disk" and spec.get("dentry_budget") == 512 and len(rows) == 1 and
          rows[0].get("fs") == "disk" and rows[0].get("dentry_budget") == "512" and
          "filesystem   disk, at most 512" in p.stdout, "%r; %r" % (spec, rows))
    p = nb("list", "--json", "stat-hot", "miss-one-dir-excl")
    js = parsed(p) or {}
    check("list --json: a workload's filesystem is tmpfs unless it says otherwise, options "
          "kept", js.get("stat-hot", {}).get("spec", {}).get("fs") == "tmpfs" and
          js.get("miss-one-dir-excl", {}).get("spec", {}).get("fs") ==
          "tmpfs,lookup=exclusive" and
          js.get("stat-hot", {}).get("spec", {}).get("dentry_budget") == 0, describe(p))


# Per-operation counters are read a moment apart from the operation count,
# one counter at a time, while the readers run: each leads or lags by what
# they did meanwhile, more on a slow machine (make check saw 0.999 and
# 1.0011 for a counter that is exactly 1 per walk, under ASan and under
# load).  1% of slack; every behaviour checked moves a counter by 100%.
SLACK = 1e-2


def test_fs_workloads(tmp):
    """The filesystem workloads do what their names say, by their counters.

    A warm-up of any length may pass before a reader has run its stream
    once (on a busy machine), so a miss that is cached after its first
    time is allowed its first time inside the window: at most each of a
    reader's WL_STREAM (1024) paths missing once, at up to twice what one
    miss costs on tmpfs, where every stat of a missing name is a first
    time."""
    stream = 1024
    # tmpfs: every miss goes to ->lookup, none finishes in RCU mode, and a
    # reader's missing names are its own, so that no lookup waits for another's
    for s in ("rcuwalk", "rcufull"):
        for w in ("miss-one-dir", "miss-one-dir-excl"):
            d = fs_point(tmp, s, w, 2)
            if not d:
                continue
            check("%s on %s: every stat misses and leaves RCU mode for lookup_slow (unlazy "
                  "1 per op), and no reader waits for another's name" % (s, w),
                  errors(d) > 1 - SLACK and per_op(d, "rcu_completed") == 0 and
                  abs(per_op(d, "unlazy") + per_op(d, "echild_restarts") - 1) < SLACK and
                  per_op(d, "inlookup_waits") == 0,
                  "errors %r, per op %s" % (errors(d), json.dumps(d.get("counters_per_op"))))
    cold = fs_point(tmp, "rcufull", "stat-negative", 2)
    for w in ("stat-negative-disk", "path-search-disk"):
        d = fs_point(tmp, "rcufull", w, 2)
        if not d or not cold:
            continue
        ops = d["reader_ops"]
        first = 2 * stream                       # each reader's paths, once each
        stores = per_op(d, "shared_stores") * ops
        check("rcufull on %s: the misses' negative dentries stay cached: after each path's "
              "first time, every stat finishes in RCU mode with no shared write" % w,
              ops > first and per_op(d, "rcu_completed") >= 1 - first / ops and
              stores <= 2 * first * per_op(cold, "shared_stores") and
              per_op(cold, "rcu_completed") == 0,
              "%d ops, rcu_completed %g, %g shared stores (tmpfs misses: %g per op)" % (
                  ops, per_op(d, "rcu_completed"), stores, per_op(cold, "shared_stores")))
    d = fs_point(tmp, "rcuwalk", "path-search", 1)
    if d:
        # the stream's searches end where the name is: 7 of 9 tries miss on average
        check("path-search: most tries miss, and every search ends in a hit",
              0.65 < errors(d) < 0.88 and per_op(d, "rcu_completed") > 0,
              "error fraction %r" % errors(d))
    # nfs: five components revalidated a stat; from cached data in RCU mode
    # (interval 1 s: a dentry past it costs one -ECHILD, at most each of the
    # tree's dentries once a second), or never in RCU mode (reval=echild).
    for s in ("rcuwalk", "rcufull"):
        for w in ("stat-hot-nfs", "stat-shared-nfs"):
            d = fs_point(tmp, s, w, 1)
            if d:
                check("%s on %s: every component revalidated, the walk finishes in RCU mode "
                      "but for dentries past their interval" % (s, w),
                      per_op(d, "revalidations") >= 5 * (1 - SLACK) and
                      per_op(d, "rcu_completed") >= 1 - per_op(d, "fs_echild") - SLACK and
                      per_op(d, "fs_echild") < 0.5 and errors(d) == 0,
                      json.dumps(d.get("counters_per_op")))
            e = fs_point(tmp, s, w + "-echild", 1)
            if e:
                check("%s on %s-echild: the first revalidation answers -ECHILD, every walk "
                      "unlazies and none finishes in RCU mode, and it writes shared lines" %
                      (s, w), abs(per_op(e, "fs_echild") - 1) < SLACK and
                      per_op(e, "rcu_completed") == 0 and per_op(e, "unlazy") > 1 - SLACK and
                      per_op(e, "shared_stores") > 0 and errors(e) == 0,
                      json.dumps(e.get("counters_per_op")))
    # autofs: every stat crosses a trigger the tree's making mounted, and
    # d_manage lets an RCU walk across it without leaving RCU mode
    for s in ("rcuwalk", "rcufull"):
        d = fs_point(tmp, s, "stat-shared-autofs", 1)
        if d:
            check("%s on stat-shared-autofs: every walk crosses a mounted trigger in RCU mode, "
                  "none mounts anything" % s,
                  per_op(d, "rcu_completed") >= 1 - SLACK and per_op(d, "automounts") == 0 and
                  errors(d) == 0, json.dumps(d.get("counters_per_op")))
    # automount-steady: a stat of a mounted trigger answers the mount's root
    # in RCU mode.  automount-storm: the writer expires a trigger and makes
    # it anew in two steps, and each fresh trigger is mounted once, by
    # whichever walk meets it first (the losers of finish_automount's race
    # discard theirs): the window's automounts are at most its remakings
    # and the 8 triggers it may have found unmounted (2 of slack: counters
    # and counts are read a moment apart).  Neither step is ever an error.
    for s in ("lockref", "rcuwalk", "rcufull"):
        d = fs_point(tmp, s, "automount-steady", 1) if s != "lockref" else {}
        if d:
            check("%s on automount-steady: every stat of a trigger finishes in RCU mode, "
                  "none mounts anything" % s,
                  per_op(d, "rcu_completed") >= 1 - SLACK and per_op(d, "automounts") == 0 and
                  errors(d) == 0, json.dumps(d.get("counters_per_op")))
        d = fs_point(tmp, s, "automount-storm", 2)
        if d:
            mounts = per_op(d, "automounts") * d["reader_ops"]
            check("%s on automount-storm: no trigger mounted twice (%d automounts, %d "
                  "remakings), no writer error" % (s, mounts, d["writer_ops"] // 2),
                  mounts <= d["writer_ops"] // 2 + 8 + 2 and d["writer_errors"] == 0 and
                  errors(d) < 1, json.dumps(d.get("counters_per_op")))
    for s in ("lockref", "rcufull"):
        d = fs_point(tmp, s, "stat-budget", 1)
        if d:
            check("%s on stat-budget: the shrinker evicts (evictions per op > 0)" % s,
                  per_op(d, "evictions") > 0 and errors(d) == 0,
                  json.dumps(d.get("counters_per_op")))


# pthread_create for an LD_PRELOAD: the call numbered NB_FAIL_CALL (from 0)
# fails with EAGAIN, and with NB_FAIL_REST=1 every later one too.  Only one
# call fails by default: liburcu starts its call_rcu thread at teardown and
# aborts if it cannot, which is liburcu's behaviour, not the one tested here.
FAIL_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

typedef int create_fn(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static int calls;

int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*f)(void *), void *arg)
{
	create_fn *real = (create_fn *)dlsym(RTLD_NEXT, "pthread_create");
	const char *at = getenv("NB_FAIL_CALL"), *rest = getenv("NB_FAIL_REST");
	int n = __atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);

	if (at && (n == atoi(at) || (rest && n > atoi(at))))
		return EAGAIN;
	return real(t, a, f, arg);
}
"""


def build_fail_shim(tmp):
    """The shim as a shared object in @tmp, or None when no compiler builds it."""
    src, so = os.path.join(tmp, "failshim.c"), os.path.join(tmp, "failshim.so")
    with open(src, "w") as f:
        f.write(FAIL_SHIM)
    try:
        p = subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o", so, src,
                            "-ldl"], capture_output=True, text=True)
    except OSError:
        return None
    return so if p.returncode == 0 else None


HANG_S = 60  # bounds a failure only: a working run ends in a fraction of a second


def run_failing(shim, fail_call, args, rest=False):
    """@args under the shim: the subprocess, or None if it hung."""
    env = dict(os.environ, LD_PRELOAD=shim, NB_FAIL_CALL=str(fail_call))
    if rest:
        env["NB_FAIL_REST"] = "1"
    # an ASan binary must be told that the shim comes first on purpose
    env["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                  "verify_asan_link_order=0"]))
    try:
        return subprocess.run([NB] + args, capture_output=True, text=True, env=env,
                              timeout=HANG_S)
    except subprocess.TimeoutExpired:
        return None


def test_thread_start_fails(tmp):
    """A worker that cannot be started ends the point with one line and exit 1,
    the workers already started released and joined, nothing leaked."""
    shim = build_fail_shim(tmp)
    if not shim:
        print("SKIP: bench: thread creation that fails: no C compiler for the shim")
        return
    run = ["run", "--strategy", "rcufull", "--workload", "stat-hot", "--threads", "4",
           "--duration", "0.1"]
    cases = [(n, run, False, "nameibench run: cannot start thread %d of 4: "
              "Resource temporarily unavailable" % (n + 1)) for n in (0, 1, 3)]
    # every call from the third on fails, as under a real thread limit
    cases.append((2, ["run", "--strategy", "kernel", "--workload", "stat-hot", "--threads",
                      "4", "--duration", "0.1"], True,
                  "nameibench run: cannot start thread 3 of 4: "
                  "Resource temporarily unavailable"))
    cases.append((1, ["sweep", "--strategies", "rcufull", "--workloads", "stat-hot",
                      "--threads", "4", "--reps", "1", "--duration", "0.1", "--out",
                      os.path.join(tmp, "spawn-sweep")], False,
                  "nameibench sweep: rcufull stat-hot threads=4: cannot start thread 2 of "
                  "4: Resource temporarily unavailable"))
    for n, args, rest, want in cases:
        p = run_failing(shim, n, args, rest)
        what = "%s %s, pthread_create #%d fails%s" % (args[0], args[2], n + 1,
                                                       " and every one after" if rest else "")
        if p is None:
            check("%s: the run ends" % what, False, "still running after %d s" % HANG_S)
            continue
        lines = p.stderr.strip().splitlines()
        check("%s: exit 1, the last line of stderr says which thread and why, "
              "nothing leaked" % what,
              p.returncode == 1 and lines and lines[-1] == want and
              (args[0] == "sweep" or len(lines) == 1) and
              "Sanitizer" not in p.stderr and "throughput" not in p.stdout, describe(p))


ENGINE_STRATEGIES = ("global", "dlock", "lockref", "rcuwalk", "rcufull")


def children_of(pid):
    """The processes whose parent is @pid, now."""
    kids = set()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        # "pid (comm) S ppid ...": the fields after the last parenthesis
        if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
            kids.add(int(d))
    return kids


def sanitized():
    """Is the binary under test an ASan build?"""
    with open(NB, "rb") as f:
        return b"__asan_init" in f.read()


def workers_seen(args):
    """Run nameibench @args; the most child processes and threads seen at once while it ran."""
    p = subprocess.Popen([NB] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kids = threads = 0
    while p.poll() is None:
        kids = max(kids, len(children_of(p.pid)))
        try:
            threads = max(threads, len(os.listdir("/proc/%d/task" % p.pid)))
        except OSError:
            pass
        time.sleep(0.01)
    out, err = p.communicate()
    return p.returncode, kids, threads, out, err


def test_wis(tmp):
    """will-it-scale's tests by name: every one runs on every strategy with no
    error, the kernel's in both task models; its output format and runtest's
    CSV hold together."""
    names = [l.split()[0] for l in nb("list").stdout.splitlines()]
    wis = [n for n in names if n.startswith("wis-")]
    check("list has will-it-scale's tests by name",
          set(wis) == {"wis-" + t for t in ("stat1", "stat2", "fstat1", "fstat2", "open1",
                                            "open2", "open3", "access1", "access2", "unlink1",
                                            "unlink2", "getppid1")}, repr(wis))
    runs = [(s, "threads") for s in ENGINE_STRATEGIES] + [("kernel", "threads"),
                                                          ("kernel", "processes")]
    for w in wis + ["ancestors", "ancestors-iter", "getcwd"]:
        bad = []
        for strategy, tasks in runs:
            j = os.path.join(tmp, "wis-%s-%s-%s.json" % (w, strategy, tasks))
            p, d = point_with_work(j, "--strategy", strategy, "--workload", w, "--threads",
                                   "2", "--tasks", tasks)
            if not (p.returncode == 0 and d.get("reader_ops", 0) > 0 and
                    d.get("reader_errors") == 0 and d.get("tasks") == tasks):
                bad.append("%s/%s%s: %s %s" % (strategy, tasks, " (too slow to judge: no "
                                                 "operation in 5 s)" if d and not
                                                 d.get("reader_ops") else "", describe(p),
                                             {k: d.get(k) for k in ("reader_ops",
                                                                    "reader_errors", "tasks")}))
        check("%s runs on every engine strategy and on the kernel as threads and as "
              "processes, every operation answered without error" % w, not bad, "; ".join(bad))
    rc, kids, threads, out, err = workers_seen(
        ["run", "--strategy", "kernel", "--workload", "wis-getppid1", "--threads", "2",
         "--duration", "1", "--warmup", "0.1", "--tasks", "processes"])
    check("--tasks processes: the kernel's workers are two child processes",
          rc == 0 and kids == 2, "exit %d, %d children, stderr %r" % (rc, kids, err))
    rc, kids, threads, out, err = workers_seen(
        ["run", "--strategy", "kernel", "--workload", "wis-getppid1", "--threads", "2",
         "--duration", "1", "--warmup", "0.1"])
    # LeakSanitizer stops the world at exit from a task it clones: under
    # ASan one child may show then, never a worker
    lsan = sanitized()
    check("--tasks threads: no child process%s, the workers are threads" % (
        " but LeakSanitizer's tracer" if lsan else ""),
          rc == 0 and kids <= (1 if lsan else 0) and threads >= 3,
          "exit %d, %d children, %d threads" % (rc, kids, threads))
    p = nb("run", "--strategy", "rcufull", "--workload", "wis-open3", "--threads", "2",
           "--duration", "2", "--warmup", "0.05", "--format", "wis")
    lines = p.stdout.splitlines()
    rows = [tuple(int(x.split(":")[1]) for x in l.split()) for l in lines
            if l.startswith("min:")]
    avg = [int(l.split(":")[1]) for l in lines if l.startswith("average:")]
    check("--format wis: testcase, warmup, measurement, a min/max/total line per second "
          "(two readers: min + max = total) and their mean as the average",
          p.returncode == 0 and lines[0].startswith("testcase:") and
          lines[1:3] == ["warmup", "measurement"] and len(rows) == 2 and
          all(0 < lo <= hi and lo + hi == tot for lo, hi, tot in rows) and
          avg == [sum(r[2] for r in rows) // 2], describe(p))
    base = os.path.join(tmp, "open3")
    p = nb("runtest", "wis-open3", "--counts", "1,2", "--duration", "1", "--warmup", "0.05",
           "--output", base)
    table = list(csv.reader(p.stdout.splitlines()))
    try:
        with open(base + ".csv") as f:
            saved = f.read()
        with open(base + ".title") as f:
            title = f.read()
    except OSError:
        saved = title = ""
    check("runtest on the kernel: runtest.py's header and zero row, then per count the "
          "processes and threads averages, idle shares and linear (the one-task best "
          "times the tasks); the same CSV and the title written for postprocess.py",
          p.returncode == 0 and len(table) == 4 and
          table[0] == ["tasks", "processes", "processes_idle", "threads", "threads_idle",
                       "linear"] and table[1] == ["0", "0", "100", "0", "100", "0"] and
          [r[0] for r in table[2:]] == ["1", "2"] and
          all(int(r[1]) > 0 and int(r[3]) > 0 and 0 <= float(r[2]) <= 100 and
              0 <= float(r[4]) <= 100 for r in table[2:]) and
          [int(r[5]) for r in table[2:]] == [max(int(table[2][1]), int(table[2][3])) * k
                                             for k in (1, 2)] and
          saved == p.stdout and title.startswith("will-it-scale open3:") and
          "'" not in title and "kernel" in title, describe(p))
    p = nb("runtest", "wis-stat1", "--strategy", "lockref", "--counts", "1",
           "--duration", "1", "--warmup", "0.05")
    table = list(csv.reader(p.stdout.splitlines()))
    check("runtest on an engine strategy: its figure in the processes column (private "
          "descriptor tables), threads -1, not measured",
          p.returncode == 0 and len(table) == 3 and int(table[2][1]) > 0 and
          table[2][3] == "-1" and table[2][5] == table[2][1], describe(p))
    for args, words in ((["run", "--strategy", "rcufull", "--workload", "wis-open1",
                          "--threads", "1", "--tasks", "processes"], ("kernel", "rcufull")),
                        (["run", "--strategy", "kernel", "--workload", "wis-open1",
                          "--threads", "1", "--tasks", "forks"], ("--tasks", "forks")),
                        (["run", "--strategy", "kernel", "--workload", "wis-open1",
                          "--threads", "1", "--format", "wis", "--duration", "1.5"],
                         ("whole", "1.5")),
                        (["run", "--strategy", "kernel", "--workload", "wis-open1",
                          "--threads", "1", "--format", "csv"], ("--format", "csv")),
                        (["runtest"], ("workload",)),
                        (["runtest", "wis-open1", "--counts", "0"], ("--counts", "'0'")),
                        (["runtest", "wis-nope"], ("unknown workload", "wis-nope"))):
        p = nb(*args)
        err = p.stderr.strip().splitlines()
        check("%s: one line naming the problem, exit 2" % " ".join(args),
              p.returncode == 2 and len(err) == 1 and all(w in err[0] for w in words),
              describe(p))


def test_bench_depth_rule():
    """make bench's "linear in depth" verdict (measure/bench.py): ns at
    depths 1, 5, 10 and 20."""
    sys.path.insert(0, os.path.join(ROOT, "measure"))
    import bench  # noqa: E402
    verdict = {name: bench.depth_linear(ns)[2] for name, ns in (
        ("linear", [30 + 9 * k for k in bench.DEPTHS]),
        ("cheaper middle stretch", [28.7, 87.3, 118.0, 208.0]),
        ("quadratic", [30 + 0.5 * k * k for k in bench.DEPTHS]),
        ("a jump at depth 20", [30, 66, 111, 260]))}
    check("make bench calls linear and a cheaper middle stretch linear, and quadratic "
          "growth or a jump at the deep end not",
          verdict == {"linear": True, "cheaper middle stretch": True, "quadratic": False,
                      "a jump at depth 20": False}, repr(verdict))


def main():
    if not os.access(NB, os.X_OK):
        print("FAIL: bench: %s is not built" % NB)
        return 1
    tmp = tempfile.mkdtemp(prefix="nameibench-test-")
    try:
        test_run(tmp)
        test_sweep_and_resume(tmp)
        test_kill_and_interrupt(tmp)
        test_topology()
        test_list_and_workload_files(tmp)
        test_json_facts(tmp)
        test_writer_rate(tmp)
        test_bad_input(tmp)
        test_kernel(tmp)
        test_fs_records(tmp)
        test_fs_workloads(tmp)
        test_thread_start_fails(tmp)
        test_wis(tmp)
        test_bench_depth_rule()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
