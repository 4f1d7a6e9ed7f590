#!/usr/bin/env python3
"""make soak: the stress test over and over until the time is up or an
answer is wrong.

    python3 stress/soak.py --hours H [--run-seconds S] [--out DIR]
                          [--build NAME=BINARY ...]

Each run is one `nameibench stress` of one strategy, with its own seed, in
one build (plain, ASan, TSan: whichever are given), with a number of
readers that cycles through 1, 2, the PU count and four times the PU count
(more readers than PUs makes lookups' windows long, which is where a
checker's history runs short).  The first run with a wrong answer or a
crash stops the soak: its whole output is kept in DIR/failure-<run>.txt
and the exit status is 1.  A run that left a lookup unchecked fails the
soak too (exit status 1, its output kept the same way), but the soak goes
on, since no answer was wrong.  Every run's verdict goes to DIR/runs.jsonl as it finishes, and
DIR/soak.json sums them: runs, CPU-hours (the children's user and system
time), lookups checked, lookups left unchecked, changes, violations.
"""

import argparse
import datetime
import itertools
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
STRATEGIES = ["global", "dlock", "lockref", "rcuwalk", "rcufull"]
# a pass, or a run with no wrong answer that left some lookups unjudged
VERDICT = re.compile(r"^stress (\S+): (?:PASS|FAIL \(unchecked\) after [0-9.]+ s): "
                     r"(\d+) lookups checked \((\d+) unchecked\), (\d+) changes")


def parse_build(text):
    name, _, binary = text.partition("=")
    if not name or not binary:
        raise argparse.ArgumentTypeError("expected NAME=BINARY, got %r" % text)
    return name, os.path.abspath(binary)


def plan(builds, pus):
    """(build, binary, strategy, readers, root filesystem type), round-robin
    over all five, forever."""
    readers = sorted({1, 2, pus, 4 * pus})
    for i in itertools.count():
        name, binary = builds[i % len(builds)]
        yield (name, binary, STRATEGIES[(i // len(builds)) % len(STRATEGIES)],
               readers[(i // (len(builds) * len(STRATEGIES))) % len(readers)],
               FS_TYPES[(i // (len(builds) * len(STRATEGIES) * len(readers))) % len(FS_TYPES)])


FS_TYPES = ["tmpfs", "disk"]


def one_run(binary, strategy, readers, fs, seed, seconds):
    """The run's verdict: (passed, counts, cpu seconds, output)."""
    env = dict(os.environ)
    env.setdefault("TSAN_OPTIONS", "suppressions=%s halt_on_error=1" %
                   os.path.join(ROOT, "tests", "tsan.supp"))
    before = os.times()
    p = subprocess.run([binary, "stress", "--strategy", strategy, "--threads", str(readers),
                        "--fs", fs, "--duration", str(seconds), "--seed", str(seed), "--quiet"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", env=env, timeout=seconds * 20 + 300)
    after = os.times()
    cpu = (after.children_user - before.children_user) + \
        (after.children_system - before.children_system)
    m = next((VERDICT.match(l) for l in p.stdout.splitlines() if VERDICT.match(l)), None)
    counts = tuple(int(m.group(i)) for i in (2, 3, 4)) if m else (0, 0, 0)
    # a lookup the oracle could not judge is a failure of the soak too
    return p.returncode == 0 and m is not None and counts[1] == 0, counts, cpu, p.stdout


def pus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hours", type=float, required=True, help="how long to soak")
    ap.add_argument("--run-seconds", type=int, default=20, help="each run's --duration (20)")
    ap.add_argument("--seed", type=int, default=1, help="the first run's seed; then +1 (1)")
    ap.add_argument("--build", type=parse_build, action="append", default=[],
                    metavar="NAME=BINARY", help="a build to soak (repeat; default: "
                    "plain=bin/nameibench)")
    ap.add_argument("--out", help="where the records go (default results/soak-<UTC time>)")
    args = ap.parse_args()
    if args.hours <= 0 or args.run_seconds <= 0:
        print("soak: --hours and --run-seconds must be more than 0", file=sys.stderr)
        return 2
    builds = args.build or [("plain", os.path.join(ROOT, "bin", "nameibench"))]
    for name, binary in builds:
        if not os.access(binary, os.X_OK):
            print("soak: %s (%s) is not built" % (binary, name), file=sys.stderr)
            return 2
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or os.path.join(ROOT, "results", "soak-" + stamp)
    os.makedirs(out, exist_ok=True)
    t0, end = time.monotonic(), time.monotonic() + args.hours * 3600
    total = {"runs": 0, "cpu_hours": 0.0, "lookups_checked": 0, "unchecked": 0,
             "changes": 0, "violations": 0, "failed_unchecked": 0, "builds": [b[0] for b in builds],
             "hours": args.hours, "run_seconds": args.run_seconds}
    status = 0
    for i, (name, binary, strategy, readers, fs) in enumerate(plan(builds, pus())):
        if time.monotonic() + args.run_seconds > end:
            break
        seed = args.seed + i
        ok, (checked, unchecked, changes), cpu, text = one_run(binary, strategy, readers, fs, seed,
                                                               args.run_seconds)
        total["runs"] += 1
        total["cpu_hours"] += cpu / 3600
        total["lookups_checked"] += checked
        total["unchecked"] += unchecked
        total["changes"] += changes
        rec = {"run": i + 1, "build": name, "strategy": strategy, "readers": readers, "fs": fs,
               "seed": seed, "passed": ok, "lookups_checked": checked, "unchecked": unchecked,
               "changes": changes, "cpu_s": round(cpu, 1)}
        with open(os.path.join(out, "runs.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")
        left = max(0, end - time.monotonic())
        print("soak: run %d, %s %s, %d readers, seed %d: %s, %d checked, %d unchecked "
              "(%.0f min left)" % (i + 1, name, strategy, readers, seed,
                                  "PASS" if ok else "FAIL", checked, unchecked, left / 60),
              file=sys.stderr, flush=True)
        if not ok:
            # a wrong answer (or a crash) stops the soak; a lookup the
            # checker gave up on fails it too, but the soak goes on
            passed_oracle = any(VERDICT.match(l) for l in text.splitlines())
            total["failed_unchecked" if passed_oracle else "violations"] += 1
            path = os.path.join(out, "failure-%d.txt" % (i + 1))
            with open(path, "w") as f:
                f.write("%s stress --strategy %s --threads %d --fs %s --duration %d --seed %d"
                        "\n\n%s" % (binary, strategy, readers, fs, args.run_seconds, seed, text))
            status = 1
            if passed_oracle:
                print("soak: a lookup left unchecked (no wrong answer); its report: %s; "
                      "going on" % path, file=sys.stderr)
                continue
            print("soak: stopped at the first failure; its report: %s" % path,
                  file=sys.stderr)
            break
    total["wall_hours"] = (time.monotonic() - t0) / 3600
    with open(os.path.join(out, "soak.json"), "w") as f:
        json.dump(total, f, indent=1)
    print("soak: %d runs, %.2f CPU-hours in %.2f hours, %d lookups checked, %d unchecked, "
          "%d changes, %d violations or crashes, %d runs failed for an unchecked lookup; %s" % (
              total["runs"], total["cpu_hours"], total["wall_hours"], total["lookups_checked"],
              total["unchecked"], total["changes"], total["violations"],
              total["failed_unchecked"],
              os.path.join(out, "soak.json")))
    return status


if __name__ == "__main__":
    sys.exit(main())
