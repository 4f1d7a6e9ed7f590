#!/usr/bin/env python3
"""The stress suite in `make check`: a short run of every strategy, the
command's handling of bad input, rounds, and (given the zoo build) that a
violation is reported so that a reader can follow it.

usage: test_stress.py NAMEIBENCH [--seconds S] [--zoo NAMEIBENCH_ZOO]
"""

import argparse
import re
import subprocess
import sys

from checks import Checks

STRATEGIES = ["global", "dlock", "lockref", "rcuwalk", "rcufull"]
VERDICT = re.compile(r"^stress (\S+): PASS: (\d+) lookups checked \((\d+) unchecked\), "
                     r"(\d+) changes, 0 violations, (\d+) rounds")


def run(argv, timeout=600):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", timeout=timeout)


def verdicts(out):
    """{strategy: (checked, unchecked, changes, rounds)} from PASS lines."""
    v = {}
    for line in out.splitlines():
        m = VERDICT.match(line)
        if m:
            v[m.group(1)] = tuple(int(m.group(i)) for i in range(2, 6))
    return v


def check_strategies(t, nb, seconds):
    """Every strategy passes a short run, having checked real work."""
    p = run([nb, "stress", "--strategy", "all", "--duration", str(seconds), "--quiet"],
            timeout=60 + 5 * seconds)
    v = verdicts(p.stdout)
    for s in STRATEGIES:
        checked, unchecked, changes, _ = v.get(s, (0, 0, 0, 0))
        mine = [l for l in p.stdout.splitlines() if l.startswith("stress %s:" % s)]
        t("stress %s: %d s, 0 violations, %d lookups checked against %d changes"
          % (s, seconds, checked, changes),
          s in v and checked > 1000 and changes > 100 and unchecked < checked / 10,
          "\n".join(mine) or "no verdict (an earlier strategy stopped the run)")
    t("stress --strategy all exits 0", p.returncode == 0,
      "exit %d\n%s%s" % (p.returncode, p.stdout[-3000:], p.stderr[-1000:]))


def check_rounds(t, nb):
    """Short rounds: each a fresh namespace, each ending with the teardown
    refcount check, all passing."""
    p = run([nb, "stress", "--strategy", "rcuwalk", "--duration", "2", "--round", "3000",
             "--quiet"])
    v = verdicts(p.stdout).get("rcuwalk")
    t("stress --round 3000: several rounds, each torn down clean",
            p.returncode == 0 and v is not None and v[3] >= 2 and v[2] >= 3000 * (v[3] - 1),
            p.stdout + p.stderr)


def check_bad_input(t, nb):
    cases = [
        (["--strategy", "kernel"], "no model"),
        (["--strategy", "nosuch"], "unknown strategy"),
        (["--strategy", "global", "--duration", "0"], "--duration"),
        (["--strategy", "global", "--threads", "x"], "--threads"),
        (["--strategy", "global", "--round", "0"], "--round"),
        (["--strategy", "global", "--bogus"], "unknown argument"),
        ([], "--strategy is required"),
    ]
    for args, words in cases:
        p = run([nb, "stress"] + args, timeout=30)
        lines = p.stderr.strip().splitlines()
        t("stress %s: a one-line error naming it" % " ".join(args),
                p.returncode == 2 and len(lines) == 1 and words in lines[0] and not p.stdout,
                "exit %d, stderr %r" % (p.returncode, p.stderr))


def check_report(t, zoo):
    """A violation names the lookup, its answer, its window, what the log
    allowed, where the answered object has been, and the log itself; exit
    status 1."""
    p = run([zoo, "stress", "--strategy", "rcufull", "--inject", "skip-mount-seq",
             "--duration", "30", "--quiet"], timeout=120)
    out = p.stdout
    want = ["FAIL (oracle)", "  lookup: ", "  answer: ", "  window: ",
            "the log allows:", "the log from version"]
    t("an injected bug's violation report explains itself",
            p.returncode == 1 and all(w in out for w in want), out[-3000:] + p.stderr[-1000:])
    # it says where the object it answered has been, with the log lines
    a = re.search(r"^  answer: (\d+:\d+) ", out, re.M)
    hist = re.findall(r"^    from version +(\d+): ", out, re.M)
    t("the report says where the answered object has been",
            a is not None and ("  where %s has been" % a.group(1)) in out and len(hist) >= 1,
            out[-3000:])
    # the log slice is in version order and covers the window it states
    m = re.search(r"began after version (\d+) and ended before version (\d+)", out)
    vers = [int(x) for x in re.findall(r"^ +(\d+)  \S", out, re.M)]
    t("the report's log slice spans the lookup's window",
            m is not None and vers and vers == sorted(vers)
            and vers[0] == int(m.group(1)) and vers[-1] <= int(m.group(2)),
            out[-3000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("nameibench")
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--zoo", help="the zoo build, for the report check")
    args = ap.parse_args()
    t = Checks("stress")
    check_strategies(t, args.nameibench, args.seconds)
    check_rounds(t, args.nameibench)
    check_bad_input(t, args.nameibench)
    if args.zoo:
        check_report(t, args.zoo)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
