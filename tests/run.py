#!/usr/bin/env python3
"""Run every test suite and print one total: `make check`.

Each suite is a program that prints one line per check, "PASS: ...",
"FAIL: ..." or "SKIP: ...".  A suite that dies by a signal, or exits
non-zero without a FAIL line (a sanitizer's report, say), counts as one
failure, on a FAIL line that says how it ended, when, why if a sanitizer
said, and its last lines of output.  --only runs part of the suite and
--list names the suites; before each suite a line says how far the run
is and how long the rest should take, from the times of the last run
(build/check-times.json).  The last line is "N passed, N failed" (with
the skips, if any); the exit status is 1 if anything failed.
"""

import argparse
import collections
import fnmatch
import glob
import json
import os
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMES = os.path.join(ROOT, "build", "check-times.json")
TAIL = 12  # lines of a crashed suite's output under its FAIL line
# A suite still running after this long has hung (a test that waits for a
# thread the code under test never lets go): it is killed and counted as
# failed, so that make check ends rather than holding CI until its limit.
# No suite takes a tenth of it on a 2-core guest; it is no speed verdict.
HUNG_S = 900


def suites(variant, build, nameibench, units_only, first, zoo):
    """The suites of one build variant, each named "variant/suite".  The
    report, noise and compare suites test Python and gnuplot more than the binary,
    so only the @first full variant runs them, and the zoo (the @zoo build)
    with it.  A units-only variant runs the unit tests and the stress test,
    the multi-threaded suites."""
    py = sys.executable
    units = sorted(glob.glob(os.path.join(build, "tests", "test_*")))
    units = [u for u in units if os.access(u, os.X_OK) and not u.endswith(".d")]
    out = [(os.path.basename(u), [u]) for u in units]
    stress = [py, os.path.join(ROOT, "stress", "test_stress.py"), nameibench, "--seconds", "3"]
    if first and zoo:
        stress += ["--zoo", zoo]
    out.append(("stress", stress))
    if first and zoo:
        out.append(("zoo", [py, os.path.join(ROOT, "stress", "zoo.py"), "--nameibench", zoo,
                            "--fast", "--check"]))
    if not units_only:
        out.append(("cli", [py, os.path.join(ROOT, "tests", "test_cli.py"), nameibench]))
        out.append(("sweep", [py, os.path.join(ROOT, "tests", "test_sweep.py"), nameibench]))
        out.append(("bench", [py, os.path.join(ROOT, "tests", "test_bench.py"), nameibench]))
        out.append(("conformance", [py, os.path.join(ROOT, "tests", "conformance",
                                                     "conformance.py"),
                                    "--seed", "1", "--ops", "6000", "--strategy", "all",
                                    "--nameibench", nameibench]))
        if first:
            out.append(("report", [py, os.path.join(ROOT, "tests", "test_report.py"),
                                   nameibench]))
            # the report on synthetic folders, and this runner: no binary needed
            out.append(("noise", [py, os.path.join(ROOT, "tests", "test_noise.py")]))
            out.append(("runner", [py, os.path.join(ROOT, "tests", "test_run.py")]))
            # a sixth strategy built in a copy of the tree: one file, one word
            out.append(("strategy", [py, os.path.join(ROOT, "tests", "test_strategy.py")]))
            # the engine's call and include graphs, from its objects
            out.append(("layering", [py, os.path.join(ROOT, "tests", "test_layering.py"),
                                     build]))
            out.append(("compare", [py, os.path.join(ROOT, "tests", "test_compare.py"),
                                    nameibench]))
    return [("%s/%s" % (variant, name), argv) for name, argv in out]


def parse_variant(text):
    """NAME=BUILD_DIR,BINARY[,units]"""
    try:
        name, rest = text.split("=", 1)
        fields = rest.split(",")
        build, binary = fields[0], fields[1]
        units_only = fields[2:] == ["units"]
        if len(fields) > 3 or (len(fields) == 3 and not units_only):
            raise ValueError
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError("expected NAME=BUILD_DIR,BINARY[,units], got %r" % text)
    return name, os.path.abspath(build), os.path.abspath(binary), units_only


def matches(name, only):
    """Whether the suite "variant/suite" @name is one that --only asked for:
    by its whole name, its suite name in any variant, or its variant; shell
    wildcards allowed."""
    variant, suite = name.split("/", 1)
    return any(o == variant or fnmatch.fnmatchcase(name, o) or fnmatch.fnmatchcase(suite, o)
               for o in only)


def load_times(path):
    """Seconds each suite took when it last ran, by name; {} if unknown."""
    try:
        with open(path) as f:
            d = json.load(f)
        return {str(k): float(v) for k, v in d.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_times(path, times):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(tmp, "w") as f:
            json.dump(times, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(tmp, path)
    except OSError as e:
        print("  (suite times not kept: %s: %s)" % (path, e.strerror))


def seconds(t):
    t = int(t + 0.5)
    return "%dm%02ds" % (t // 60, t % 60) if t >= 60 else "%ds" % t


def progress(k, names, times):
    """The line before suite @k (from 0) of @names: its place and, when the
    last run timed any suite (@times, as the run found them), about how long
    this one and the rest take (a suite never timed counts as the mean of
    those that were)."""
    line = "[%d/%d] %s" % (k + 1, len(names), names[k])
    if times:
        mean = sum(times.values()) / len(times)
        left = sum(times.get(n, mean) for n in names[k:])
        line += ", about %s left" % seconds(left) if left >= 0.5 else ", under 1s left"
    return line


def sanitizer_line(line):
    """A line of a sanitizer's report that names what it found."""
    return "Sanitizer" in line or "runtime error:" in line


def how_it_ended(rc):
    if rc >= 0:
        return "exited with status %d" % rc
    try:
        return "killed by %s" % signal.Signals(-rc).name
    except ValueError:
        return "killed by signal %d" % -rc


def run_suite(name, argv, counts, verbose, hung_s=HUNG_S):
    """Run one suite, count its lines and print all but the PASS lines;
    returns how long it took."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace")
    failed_here, tail, cause = 0, collections.deque(maxlen=TAIL), None
    hung = threading.Timer(hung_s, p.kill)
    hung.daemon = True
    hung.start()
    for line in p.stdout:
        line = line.rstrip("\n")
        if line.strip():
            tail.append(line)
        kind = line.split(":", 1)[0]
        if cause is None and kind not in ("PASS", "FAIL", "SKIP") and sanitizer_line(line):
            cause = line.strip()
        if kind in ("PASS", "FAIL", "SKIP"):
            counts[kind] += 1
            failed_here += kind == "FAIL"
            if kind != "PASS" or verbose:
                print(line)
        elif line and (failed_here or verbose or line.startswith(" ")):
            print(line)
    rc = p.wait()
    spent = time.monotonic() - t0
    if not hung.is_alive() and rc < 0:
        cause = "still running after %g s: hung (killed)" % hung_s
    hung.cancel()
    # a signal is a failure of its own even after FAIL lines: they do not say it crashed
    if rc < 0 or (rc != 0 and not failed_here):
        counts["FAIL"] += 1
        print("FAIL: %s: %s %.1fs into the suite%s; %s" % (
            name, how_it_ended(rc), spent, ": " + cause if cause else "",
            "its last output:" if tail else "no output"))
        for line in tail:
            print("    | " + line)
    print("  %-22s %.1fs" % (name, spent), flush=True)
    return spent


def plan(variants, zoo):
    """Every variant's suites, in order: (variant, binary, built, [(name, argv)])."""
    out, first = [], True
    for variant, build, binary, units_only in variants:
        built = os.access(binary, os.X_OK)
        out.append((variant, binary, built,
                    suites(variant, build, binary, units_only, first and not units_only, zoo)))
        if built:
            first = first and units_only
    return out


def list_suites(todo, times):
    for variant, binary, built, entries in todo:
        for name, _ in entries:
            note = "" if built else "  (%s is not built)" % binary
            if built and name in times:
                note = "  %.1fs last time" % times[name]
            print(("%-24s%s" % (name, note)).rstrip())
    return 0


def main():
    ap = argparse.ArgumentParser(description="Run all nameibench tests, or some (--only).")
    ap.add_argument("--variant", action="append", type=parse_variant, default=[],
                    metavar="NAME=BUILD_DIR,BINARY[,units]",
                    help="a build to test: its unit tests under BUILD_DIR/tests and its "
                         "nameibench binary (with ',units': the unit tests only); repeat "
                         "for several (default: plain=build,bin/nameibench)")
    ap.add_argument("--zoo", metavar="BINARY",
                    help="the zoo build (bin/nameibench-zoo): run the bugs of the zoo that "
                         "are caught fast, with the first full variant")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only the suites named so: VARIANT/SUITE (plain/cli), SUITE in "
                         "every variant (cli), or a VARIANT (asan); wildcards allowed "
                         "(test_*); comma-separated or repeated")
    ap.add_argument("--list", action="store_true",
                    help="print the suites' names (and how long each took last time), "
                         "run nothing")
    ap.add_argument("--times", default=TIMES, metavar="FILE",
                    help="where each suite's time is kept for the next run's estimate "
                         "(default: build/check-times.json)")
    ap.add_argument("--hung", type=float, default=HUNG_S, metavar="SECONDS",
                    help="kill a suite still running after this long and count it failed "
                         "(default %d)" % HUNG_S)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every PASS line too")
    args = ap.parse_args()
    if args.hung <= 0:
        ap.error("--hung: %g is not a positive number of seconds" % args.hung)
    variants = args.variant or [parse_variant("plain=%s,%s" % (
        os.path.join(ROOT, "build"), os.path.join(ROOT, "bin", "nameibench")))]
    only = [o for arg in args.only for o in arg.split(",") if o]
    times = load_times(args.times)
    todo = plan(variants, args.zoo and os.path.abspath(args.zoo))
    if args.list:
        return list_suites(todo, times)
    every = [name for _, _, _, entries in todo for name, _ in entries]
    for o in only:
        if not any(matches(name, [o]) for name in every):
            print("tests/run.py: --only %s: no suite of that name (--list names them)" % o,
                  file=sys.stderr)
            return 2
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    runs = []
    for variant, binary, built, entries in todo:
        entries = [e for e in entries if not only or matches(e[0], only)]
        if entries and not built:
            counts["FAIL"] += 1
            print("FAIL: %s: %s is not built" % (variant, binary))
        elif built:
            runs += entries
    names, last = [name for name, _ in runs], dict(times)
    try:
        for k, (name, argv) in enumerate(runs):
            print(progress(k, names, last), flush=True)
            times[name] = round(run_suite(name, argv, counts, args.verbose, args.hung), 2)
    finally:
        save_times(args.times, times)
    skipped = " (%d skipped)" % counts["SKIP"] if counts["SKIP"] else ""
    print("%d passed, %d failed%s" % (counts["PASS"], counts["FAIL"], skipped))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
