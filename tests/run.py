#!/usr/bin/env python3
"""Run every test suite and print one total: `make check`.

Each suite is a program that prints one line per check, "PASS: ...",
"FAIL: ..." or "SKIP: ...".  A suite that exits non-zero without a FAIL
line (a crash, say) counts as one failure.  The last line is
"N passed, N failed" (with the skips, if any); the exit status is 1 if
anything failed.
"""

import argparse
import glob
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    stress = [py, os.path.join(ROOT, "tests", "test_stress.py"), nameibench, "--seconds", "3"]
    if first and zoo:
        stress += ["--zoo", zoo]
    out.append(("stress", stress))
    if first and zoo:
        out.append(("zoo", [py, os.path.join(ROOT, "tests", "zoo.py"), "--nameibench", zoo,
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
            # the report on synthetic folders: no binary needed
            out.append(("noise", [py, os.path.join(ROOT, "tests", "test_noise.py")]))
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


def run_suite(name, argv, counts, verbose):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace")
    failed_here = 0
    for line in p.stdout:
        line = line.rstrip("\n")
        kind = line.split(":", 1)[0]
        if kind in ("PASS", "FAIL", "SKIP"):
            counts[kind] += 1
            failed_here += kind == "FAIL"
            if kind != "PASS" or verbose:
                print(line)
        elif line and (failed_here or verbose or line.startswith(" ")):
            print(line)
    rc = p.wait()
    if rc != 0 and not failed_here:
        counts["FAIL"] += 1
        print("FAIL: %s: exited with status %d" % (name, rc))
    print("  %-22s %.1fs" % (name, time.monotonic() - t0))


def main():
    ap = argparse.ArgumentParser(description="Run all nameibench tests.")
    ap.add_argument("--variant", action="append", type=parse_variant, default=[],
                    metavar="NAME=BUILD_DIR,BINARY[,units]",
                    help="a build to test: its unit tests under BUILD_DIR/tests and its "
                         "nameibench binary (with ',units': the unit tests only); repeat "
                         "for several (default: plain=build,bin/nameibench)")
    ap.add_argument("--zoo", metavar="BINARY",
                    help="the zoo build (bin/nameibench-zoo): run the bugs of the zoo that "
                         "are caught fast, with the first full variant")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every PASS line too")
    args = ap.parse_args()
    variants = args.variant or [parse_variant("plain=%s,%s" % (
        os.path.join(ROOT, "build"), os.path.join(ROOT, "bin", "nameibench")))]
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    first = True
    for variant, build, binary, units_only in variants:
        if not os.access(binary, os.X_OK):
            counts["FAIL"] += 1
            print("FAIL: %s: %s is not built" % (variant, binary))
            continue
        for name, argv in suites(variant, build, binary, units_only, first and not units_only,
                                     args.zoo and os.path.abspath(args.zoo)):
            run_suite(name, argv, counts, args.verbose)
        first = first and units_only
    skipped = " (%d skipped)" % counts["SKIP"] if counts["SKIP"] else ""
    print("%d passed, %d failed%s" % (counts["PASS"], counts["FAIL"], skipped))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
