#!/usr/bin/env python3
"""make report: measure the default sweep and write its report.

    python3 plots/make_report.py [--quick] [--results DIR] [--nameibench BIN] [OPTIONS]

Without --results: runs, into results/<UTC timestamp>/ (or --out DIR),
  - the main sweep: every strategy and kernel on stat-disjoint, stat-shared,
    stat-hot, rename-churn and mount-churn, threads auto, 3 repetitions;
  - rates/: the churn workloads at two more writer rates, for the RCU-walk
    strategies at the highest thread count (what becomes of RCU walks as
    writers speed up);
  - timeline/: one long stat-hot point for lockref and rcufull at the highest
    thread count, whose per-second timeline shows a collapse if one comes;
then draws the plots, writes report.html and report.md, and prints the
path of report.html.  --quick does the same with one repetition and
shorter points.  With --results DIR it only redraws DIR: nothing is
measured and the binary is not run.  The options below narrow the sweep;
the rates/ and timeline/ series keep to what the main sweep measures.
"""

import argparse
import datetime
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

STRATEGIES = "all"
WORKLOADS = "stat-disjoint,stat-shared,stat-hot,rename-churn,mount-churn"
RATES = ["rename-churn@100", "rename-churn@10000", "mount-churn@20", "mount-churn@2000"]
RATE_STRATEGIES = ["rcuwalk", "rcufull"]
TIMELINE_STRATEGIES = ["lockref", "rcufull"]


def sweep(nb, out, strategies, workloads, threads, reps, duration, warmup):
    cmd = [nb, "sweep", "--strategies", ",".join(strategies), "--workloads",
           ",".join(workloads), "--threads", threads, "--reps", str(reps), "--duration",
           str(duration), "--warmup", str(warmup), "--out", out]
    print("make report: " + " ".join(cmd), file=sys.stderr)
    p = subprocess.run(cmd)
    if p.returncode:
        raise SystemExit(p.returncode)


def top_threads(nb, threads):
    """The highest thread count the main sweep measures."""
    if threads != "auto":
        return max(int(t) for t in threads.split(","))
    out = subprocess.run([nb, "topology"], capture_output=True, text=True, check=True).stdout
    return int(out.split(" PU")[0].rsplit(" ", 1)[1])


def all_strategies(nb):
    out = subprocess.run([nb, "strategies"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def measure(args, out):
    nb = args.nameibench
    strategies = all_strategies(nb) if args.strategies == "all" else args.strategies.split(",")
    workloads = args.workloads.split(",")
    top = str(top_threads(nb, args.threads))
    sweep(nb, out, strategies, workloads, args.threads, args.reps, args.duration, args.warmup)
    rs = [s for s in RATE_STRATEGIES if s in strategies]
    rates = [r for r in RATES if r.split("@")[0] in workloads]
    if rs and rates:
        sweep(nb, os.path.join(out, "rates"), rs, rates, top, 1, args.duration, args.warmup)
    ts = [s for s in TIMELINE_STRATEGIES if s in strategies]
    if ts and "stat-hot" in workloads:
        sweep(nb, os.path.join(out, "timeline"), ts, ["stat-hot"], top, 1,
              args.timeline_duration, args.warmup)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", metavar="DIR", help="redraw this results folder, measure nothing")
    ap.add_argument("--quick", action="store_true",
                    help="one repetition, 0.3 s points, a 3 s timeline (under a minute on 2 "
                         "cores)")
    ap.add_argument("--nameibench", default=os.path.join(ROOT, "bin", "nameibench"))
    ap.add_argument("--out", metavar="DIR", help="measure into DIR instead of "
                                                 "results/<UTC timestamp>")
    ap.add_argument("--strategies", default=STRATEGIES, help="default: all")
    ap.add_argument("--workloads", default=WORKLOADS, help="default: " + WORKLOADS)
    ap.add_argument("--threads", default="auto", help="default: auto")
    ap.add_argument("--reps", type=int, help="repetitions (default 3, --quick 1)")
    ap.add_argument("--duration", type=float, help="seconds per point (default 0.8, --quick 0.3)")
    ap.add_argument("--warmup", type=float, help="seconds (default 0.2, --quick 0.05)")
    ap.add_argument("--timeline-duration", type=float,
                    help="seconds of the timeline points (default 6, --quick 3)")
    import plot
    plot.add_timeline_option(ap)
    args = ap.parse_args()
    for k, full, quick in (("reps", 3, 1), ("duration", 0.8, 0.3), ("warmup", 0.2, 0.05),
                           ("timeline_duration", 6, 3)):
        if getattr(args, k) is None:
            setattr(args, k, quick if args.quick else full)

    out = args.results
    if not out:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        out = args.out or os.path.join(ROOT, "results", stamp)
        measure(args, out)
    elif not os.path.exists(os.path.join(out, "results.json")):
        print("make report: %s has no results.json" % out, file=sys.stderr)
        return 2
    else:
        print("make report: redrawing %s (nothing measured)" % out, file=sys.stderr)

    import report
    rep = report.Report(out, args.timeline)
    report.write_md(rep, os.path.join(out, "report.md"))
    report.write_html(rep, os.path.join(out, "report.html"))
    print(os.path.abspath(os.path.join(out, "report.html")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
