#!/usr/bin/env python3
"""make report: measure the default sweep and write its report.

    python3 measure/make_report.py [--quick] [--results DIR] [--fresh] [--nameibench BIN] [OPTIONS]

Without --results: runs, into results/<UTC timestamp>/ (or --out DIR),
  - the main sweep: every strategy and kernel on stat-disjoint, stat-shared,
    stat-hot, rename-churn and mount-churn, threads auto, repetitions that
    adapt to the noise (--reps auto: at least 3, at most 10, until the 95%
    interval of each point's mean is within +-3%, no new round after the
    time cap);
  - rates/: the churn workloads at two more writer rates, for the RCU-walk
    strategies at the highest thread count (what becomes of RCU walks as
    writers speed up);
  - calibrated/: rcuwalk paying the kernel's measured system-call entry and
    exit on every operation (--syscall-cost auto), on the main workloads
    and threads, to set its scaling beside the kernel's;
  - timeline/: one long stat-hot point for lockref and rcufull at the highest
    thread count, whose per-second timeline shows a collapse if one comes;
  - syscalls/: will-it-scale's loops (getppid, access, fstat, open+close of
    private and of shared files), getcwd quiet and under renames, and the
    ancestor walk's two forms (callback and iterator), every strategy at the
    highest thread count
    (--syscall-workloads);
  - fs/: the filesystem workloads (negative dentries on tmpfs and disk, a
    PATH search on both, misses in one directory under a shared and an
    exclusive i_rwsem, a dentry budget) for rcuwalk and rcufull at the
    highest thread count, each against its twin (--fs-workloads);
then draws the plots, writes report.html and report.md, and prints the
path of report.html, last.  A noisy or busy run's warning goes to stderr
just before it.  --quick does the same with shorter points and fewer
repetitions.  With --results DIR it only redraws DIR: nothing is measured
and the binary is not run.

Resuming: DIR/make-report.json records the arguments and whether the run
finished.  Started again without --out, --results or --fresh, make report
resumes the newest unfinished results/<stamp>/ that was started with the
same arguments and the same binary (every sweep in it resumes point by
point); --fresh always starts a new folder.  The options below narrow the
sweep; the sub-series keep to what the main sweep measures.
"""

import argparse
import datetime
import hashlib
import json
import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "plots"))  # the drawing and the report

STRATEGIES = "all"
WORKLOADS = "stat-disjoint,stat-shared,stat-hot,rename-churn,mount-churn"
RATES = ["rename-churn@100", "rename-churn@10000", "mount-churn@20", "mount-churn@2000"]
RATE_STRATEGIES = ["rcuwalk", "rcufull"]
TIMELINE_STRATEGIES = ["lockref", "rcufull"]
# fs/: each workload on another filesystem type or under a budget beside
# its twin (plots/nbresults.py pairs them by their definitions).
# Measured at the top thread count only, where sharing or not sharing the
# directory lock shows, and for the RCU-walk strategies, whose walks the
# disk type's cached negative dentries and nfs's lockless revalidation
# let finish in RCU mode: 34 points of 3 repetitions.
FS_WORKLOADS = ("stat-negative,stat-negative-disk,path-search,path-search-disk,miss-one-dir,"
                "miss-one-dir-excl,stat-shared,stat-shared-disk,stat-budget,stat-hot,"
                "stat-hot-nfs,stat-hot-nfs-echild,stat-shared-nfs,stat-shared-nfs-echild,"
                "stat-shared-autofs,automount-steady,automount-storm")
FS_STRATEGIES = ["rcuwalk", "rcufull"]
# syscalls/: will-it-scale's loops and the ancestor walk's two forms, every
# strategy at the top thread count: 66 points of 3 repetitions.
SYSCALL_WORKLOADS = ("wis-getppid1,wis-access2,wis-fstat2,wis-open1,wis-open3,getcwd,"
                     "getcwd-rename,ancestors,ancestors-iter,ancestors-rename,"
                     "ancestors-iter-rename")
STATE = "make-report.json"

# Defaults, full and --quick.  time_cap bounds the main sweep's rounds and
# sub_cap each sub-series' (a round in flight finishes, and every point
# gets its rep_min first), so that a noisy machine cannot make the run
# much longer than a quiet one: about 3.5 minutes and 75 s on 2 cores.
FULL = {"duration": 0.5, "warmup": 0.15, "timeline_duration": 6, "reps": "auto",
        "rep_min": 3, "rep_max": 10, "rep_target": 3.0, "time_cap": 150.0, "sub_cap": 15.0}
QUICK = {"duration": 0.2, "warmup": 0.05, "timeline_duration": 2, "reps": "auto",
         "rep_min": 3, "rep_max": 4, "rep_target": 3.0, "time_cap": 30.0, "sub_cap": 4.0}


class Refused(Exception):
    """A sweep exited non-zero (2: the folder was measured differently)."""

    def __init__(self, rc):
        super().__init__(rc)
        self.rc = rc


class Sweeper:
    def __init__(self, args):
        self.args = args

    def reps_options(self, cap):
        a = self.args
        if a.reps != "auto":
            return ["--reps", a.reps]
        return ["--reps", "auto", "--rep-min", str(a.rep_min), "--rep-max", str(a.rep_max),
                "--rep-target", "%g" % a.rep_target] + (
                    ["--time-cap", "%g" % cap] if cap else [])

    def sweep(self, out, strategies, workloads, threads, cap, duration=None, reps=None,
              extra=()):
        a = self.args
        cmd = [a.nameibench, "sweep", "--strategies", ",".join(strategies), "--workloads",
               ",".join(workloads), "--threads", threads] + (
                   ["--reps", str(reps)] if reps else self.reps_options(cap)) + [
               "--duration", "%g" % (duration or a.duration), "--warmup", "%g" % a.warmup,
               "--out", out] + list(extra)
        print("make report: " + " ".join(cmd), file=sys.stderr)
        p = subprocess.Popen(cmd)
        try:
            rc = p.wait()
        except KeyboardInterrupt:
            # the sweep has the ^C too: let it abandon its point and exit
            try:
                p.wait(timeout=10)
            except (KeyboardInterrupt, subprocess.TimeoutExpired):
                p.kill()
                p.wait()
            raise
        if rc:
            raise Refused(rc)


def top_threads(nb, threads):
    """The highest thread count the main sweep measures."""
    if threads != "auto":
        return max(int(t) for t in threads.split(","))
    return ask(nb, "topology")["pus"]


def ask(nb, *what):
    """What the binary says about itself, as JSON (`nameibench WHAT --json`):
    the Python side keeps no copy of its strategies, workloads or topology."""
    out = subprocess.run([nb, what[0], "--json"] + list(what[1:]), capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def all_strategies(nb):
    return [s["name"] for s in ask(nb, "strategies")]


def measure(args, out):
    nb = args.nameibench
    strategies = all_strategies(nb) if args.strategies == "all" else args.strategies.split(",")
    workloads = args.workloads.split(",")
    top = str(top_threads(nb, args.threads))
    s = Sweeper(args)
    s.sweep(out, strategies, workloads, args.threads, args.time_cap)
    rs = [x for x in RATE_STRATEGIES if x in strategies]
    rates = [r for r in RATES if r.split("@")[0] in workloads]
    if rs and rates:
        s.sweep(os.path.join(out, "rates"), rs, rates, top, args.sub_cap)
    if "rcuwalk" in strategies and "kernel" in strategies:
        s.sweep(os.path.join(out, "calibrated"), ["rcuwalk"], workloads, args.threads,
                args.sub_cap, extra=["--syscall-cost", "auto"])
    fs = [x for x in FS_STRATEGIES if x in strategies]
    if fs and args.fs_workloads:
        s.sweep(os.path.join(out, "fs"), fs, args.fs_workloads.split(","), top, args.sub_cap)
    if args.syscall_workloads:
        s.sweep(os.path.join(out, "syscalls"), strategies, args.syscall_workloads.split(","),
                top, args.sub_cap)
    ts = [x for x in TIMELINE_STRATEGIES if x in strategies]
    if ts and "stat-hot" in workloads:
        # one repetition: its seconds are the samples its interval comes from
        s.sweep(os.path.join(out, "timeline"), ts, ["stat-hot"], top, None,
                args.timeline_duration, reps=1)


# ---------------------------------------------------------------- resuming

def arguments(args):
    """What shapes the measurement, as make-report.json records it."""
    keys = ("quick", "strategies", "workloads", "threads", "duration", "warmup",
            "timeline_duration", "reps", "rep_min", "rep_max", "rep_target", "time_cap",
            "sub_cap", "fs_workloads", "syscall_workloads")
    return {k: getattr(args, k) for k in keys}


def binary_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_state(out, state):
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, STATE)
    with open(path + ".tmp", "w") as f:
        json.dump(state, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


def read_state(out):
    try:
        with open(os.path.join(out, STATE)) as f:
            state = json.load(f)
        return state if isinstance(state, dict) else None
    except (OSError, ValueError):
        return None


def last_written(out):
    """(the UTC time of the newest point file under @out, how many points)."""
    newest, count = 0, 0
    for base, _, files in os.walk(out):
        if os.path.basename(base) != "points":
            continue
        for name in (n for n in files if n.endswith(".json")):
            count += 1
            newest = max(newest, os.path.getmtime(os.path.join(base, name)))
    when = (datetime.datetime.fromtimestamp(newest, datetime.timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%SZ") if newest else "before the first point")
    return when, count


def shown_path(path):
    """@path relative to the current directory when it is below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def resumable(results, state):
    """The newest unfinished @results/<stamp>/ started like @state, or None."""
    try:
        names = sorted(os.listdir(results), reverse=True)
    except OSError:
        return None
    for name in names:
        old = read_state(os.path.join(results, name))
        if old and not old.get("finished") and all(
                old.get(k) == state[k] for k in ("arguments", "nameibench_sha256")):
            return os.path.join(results, name)
    return None


def choose_folder(args, state):
    """Where to measure: --out, a run to resume, or a new results/<stamp>/."""
    if args.out:
        return args.out
    if not args.fresh:
        old = resumable(args.runs, state)
        if old:
            when, count = last_written(old)
            print("make report: resuming %s (interrupted at %s, %d points measured; "
                  "FRESH=1 starts a new run)" % (shown_path(old), when, count),
                  file=sys.stderr)
            return old
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return os.path.join(args.runs, stamp)


# ---------------------------------------------------------------- main

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", metavar="DIR", help="redraw this results folder, measure nothing")
    ap.add_argument("--quick", action="store_true",
                    help="0.2 s points, 3 or 4 repetitions, a 2 s timeline (about 75 s on 2 "
                         "cores)")
    ap.add_argument("--fresh", action="store_true",
                    help="start a new results folder even if an interrupted one could resume")
    ap.add_argument("--nameibench", default=os.path.join(ROOT, "bin", "nameibench"))
    ap.add_argument("--out", metavar="DIR", help="measure into DIR (resuming what is there) "
                                                 "instead of results/<UTC timestamp>")
    ap.add_argument("--runs", metavar="DIR", default=os.path.join(ROOT, "results"),
                    help="where the <UTC timestamp> folders go and are resumed from "
                         "(default: results/)")
    ap.add_argument("--strategies", default=STRATEGIES, help="default: all")
    ap.add_argument("--workloads", default=WORKLOADS, help="default: " + WORKLOADS)
    ap.add_argument("--threads", default="auto", help="default: auto")
    ap.add_argument("--fs-workloads", default=FS_WORKLOADS, metavar="LIST",
                    help="the fs/ series' workloads ('' for none; default: %s)" % FS_WORKLOADS)
    ap.add_argument("--syscall-workloads", default=SYSCALL_WORKLOADS, metavar="LIST",
                    help="the syscalls/ series' workloads ('' for none; default: %s)" %
                    SYSCALL_WORKLOADS)
    ap.add_argument("--reps", help="N, or auto (the default): repeat each point until its "
                                   "95%% interval is within --rep-target")
    ap.add_argument("--rep-min", type=int, help="auto: at least (default 3)")
    ap.add_argument("--rep-max", type=int, help="auto: at most (default 10, --quick 4)")
    ap.add_argument("--rep-target", type=float, help="auto: percent of the mean (default 3)")
    ap.add_argument("--time-cap", type=float, help="auto: no new round of the main sweep after "
                                                   "this many seconds (default 150, --quick 30)")
    ap.add_argument("--sub-cap", type=float, help="auto: the same for each sub-series "
                                                  "(default 15, --quick 4)")
    ap.add_argument("--duration", type=float, help="seconds per point (default 0.5, --quick 0.2)")
    ap.add_argument("--warmup", type=float, help="seconds (default 0.15, --quick 0.05)")
    ap.add_argument("--timeline-duration", type=float,
                    help="seconds of the timeline points (default 6, --quick 2)")
    import plot
    plot.add_timeline_option(ap)
    args = ap.parse_args()
    for k, v in (QUICK if args.quick else FULL).items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    if args.reps != "auto" and not args.reps.isdigit():
        ap.error("--reps: expected a number or auto, not %r" % args.reps)
    return args


def report(out, timeline):
    import nbstats
    import report as rp
    rep = rp.Report(out, timeline)
    rp.write_md(rep, os.path.join(out, "report.md"))
    rp.write_html(rep, os.path.join(out, "report.html"))
    w = nbstats.warning(rep.noise)
    if w:
        print("make report: warning: " + w, file=sys.stderr)
    sys.stderr.flush()
    print(os.path.abspath(os.path.join(out, "report.html")))


def run(args):
    out = args.results
    state = None
    if not out:
        state = {"arguments": arguments(args),
                 "nameibench_sha256": binary_digest(args.nameibench),
                 "started_utc": datetime.datetime.now(datetime.timezone.utc)
                 .strftime("%Y-%m-%dT%H:%M:%SZ"), "finished": False}
        out = choose_folder(args, state)
        old = read_state(out)
        if old and old.get("started_utc"):
            state["started_utc"] = old["started_utc"]
        write_state(out, state)
        try:
            measure(args, out)
        except (KeyboardInterrupt, Refused) as e:
            # the sweep may see the ^C first and exit 130 before we do
            if isinstance(e, KeyboardInterrupt) or e.rc in (130, -signal.SIGINT):
                print("make report: interrupted; make report again (the same arguments) "
                      "resumes %s" % shown_path(out), file=sys.stderr)
                return 130
            if e.rc == 2:
                print("make report: the sweep refused %s (above); make report FRESH=1 "
                      "(make_report.py --fresh) measures into a new folder" % out,
                      file=sys.stderr)
            return e.rc
    elif not os.path.exists(os.path.join(out, "results.json")):
        print("make report: %s has no results.json" % out, file=sys.stderr)
        return 2
    else:
        print("make report: redrawing %s (nothing measured)" % out, file=sys.stderr)
    report(out, args.timeline)
    if state:
        state["finished"] = True
        write_state(out, state)
    return 0


def main():
    try:
        return run(parse_args())
    except KeyboardInterrupt:
        print("make report: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
