#!/usr/bin/env python3
"""The stress suite in `make check`: a short run of every strategy, the
command's handling of bad input, rounds, and (given the zoo build) that a
violation is reported so that a reader can follow it.

No check depends on the machine's speed: a run demands a number of
lookups checked and changes made (--min-lookups, --min-changes,
--min-rounds) and goes on until it has them, within a cap after which it
says "too slow to judge"; what is asserted is that every lookup was
checked, none was wrong, and the work demanded was done.

usage: test_stress.py NAMEIBENCH [--seconds S] [--zoo NAMEIBENCH_ZOO]
"""

import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "tests"))
from checks import Checks  # noqa: E402

VERDICT = re.compile(r"^stress (\S+): PASS: (\d+) lookups checked \((\d+) unchecked\), "
                     r"(\d+) changes, 0 violations, (\d+) rounds \((\d+) on a tmpfs root, "
                     r"(\d+) on another type\)")
# The work each strategy's run must do, whatever the machine: small enough
# for a ThreadSanitizer build on two busy cores, enough to race.
MIN_LOOKUPS = 10000
MIN_CHANGES = 1000
MAX_SECONDS = 60            # per strategy: past it, "too slow to judge"


def run(argv, timeout=600):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", timeout=timeout)


def verdicts(out):
    """{strategy: (checked, unchecked, changes, rounds, tmpfs rounds, disk
    rounds)} from PASS lines."""
    v = {}
    for line in out.splitlines():
        m = VERDICT.match(line)
        if m:
            v[m.group(1)] = tuple(int(m.group(i)) for i in range(2, 8))
    return v


def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else "(no output)"


def verdict_line(p, strategy):
    """The strategy's verdict line, or why there is none (with the end of
    what the run wrote, a sanitizer's report or an engine BUG line, say)."""
    mine = [l for l in p.stdout.splitlines() if l.startswith("stress %s:" % strategy)]
    if mine:
        return mine[-1]
    tail = " | ".join((p.stdout + p.stderr).strip().splitlines()[-4:])
    return "no verdict line (exit status %d; the run ended with: %s)" % (p.returncode,
                                                                          tail or "nothing")


def shortfall(v, line, demands):
    """None if the verdict @v shows the work @demands {field: least}, with
    no lookup unchecked; else one line: what was required, what was seen."""
    if v is None:
        return "required a PASS verdict, saw: %s" % line
    checked, unchecked, changes, rounds, _, disk = v
    seen = {"lookups checked": checked, "changes": changes, "rounds": rounds,
            "rounds on a disk root": disk}
    if unchecked:
        return "required every lookup checked, saw %d unchecked (of %d checked)" % (
            unchecked, checked)
    for what, least in demands.items():
        if seen[what] < least:
            return "required %d %s, saw %d" % (least, what, seen[what])
    return None


def engine_strategies(nb):
    """The strategies the stress test checks: the engine's, as the binary lists them."""
    out = run([nb, "strategies", "--json"]).stdout
    return [s["name"] for s in json.loads(out) if s["backend"] == "engine"]


def check_strategies(t, nb, seconds):
    """Every strategy passes a run of at least @seconds that did the work
    demanded, every lookup checked."""
    strategies = engine_strategies(nb)
    t("the binary lists the engine's strategies", len(strategies) >= 5,
      "required 5 or more, saw %r" % strategies)
    p = run([nb, "stress", "--strategy", "all", "--duration", str(seconds),
             "--min-lookups", str(MIN_LOOKUPS), "--min-changes", str(MIN_CHANGES),
             "--max-duration", str(MAX_SECONDS), "--quiet"],
            timeout=60 + len(strategies) * (MAX_SECONDS + 15))
    v = verdicts(p.stdout)
    for s in strategies:
        why = shortfall(v.get(s), verdict_line(p, s),
                        {"lookups checked": MIN_LOOKUPS, "changes": MIN_CHANGES})
        t("stress %s: 0 violations, 0 unchecked, at least %d "
          "lookups checked against %d changes" % (s, MIN_LOOKUPS, MIN_CHANGES), why is None,
          why)
    t("stress --strategy all exits 0", p.returncode == 0,
      "required exit status 0, saw %d: %s" % (p.returncode, (p.stdout.strip().splitlines()
                                                              or ["(no output)"])[-1]))


def check_disk_root(t, nb):
    """Every strategy passes on the disk type's root, where negative and
    unused dentries stay cached and the shrinker (the writer's, and
    d_alloc's under --dentry-budget) evicts them under the readers."""
    strategies = engine_strategies(nb)
    p = run([nb, "stress", "--strategy", "all", "--fs", "disk", "--dentry-budget", "16",
             "--duration", "0.5", "--min-lookups", str(MIN_LOOKUPS), "--min-changes",
             str(MIN_CHANGES), "--max-duration", str(MAX_SECONDS), "--quiet"],
            timeout=60 + len(strategies) * (MAX_SECONDS + 15))
    v = verdicts(p.stdout)
    for s in strategies:
        why = shortfall(v.get(s), verdict_line(p, s),
                        {"lookups checked": MIN_LOOKUPS, "changes": MIN_CHANGES,
                         "rounds on a disk root": 1})
        t("stress %s --fs disk: 0 violations, 0 unchecked, with eviction racing the "
          "readers" % s, why is None, why)


def check_rounds(t, nb):
    """Short rounds: each a fresh namespace, each ending with the teardown
    refcount check, all passing."""
    rounds, changes = 3, 1000
    p = run([nb, "stress", "--strategy", "rcuwalk", "--duration", "0.5", "--round",
             str(changes), "--min-rounds", str(rounds), "--max-duration", str(MAX_SECONDS),
             "--quiet"], timeout=MAX_SECONDS + 60)
    v = verdicts(p.stdout).get("rcuwalk")
    why = shortfall(v, verdict_line(p, "rcuwalk"), {"rounds": rounds})
    if why is None and v[2] < changes * (v[3] - 1):
        why = "required %d changes in %d rounds of %d, saw %d" % (
            changes * (v[3] - 1), v[3], changes, v[2])
    t("stress --round %d --min-rounds %d: every round torn down clean" % (changes, rounds),
      p.returncode == 0 and why is None,
      why or "required exit status 0, saw %d" % p.returncode)


def check_too_slow(t, nb):
    """Work that cannot be done in time is a verdict of its own, on one
    line, exit status 3: never a silent pass."""
    p = run([nb, "stress", "--strategy", "global", "--duration", "0.2", "--min-lookups",
             str(1 << 50), "--max-duration", "0.5", "--quiet"], timeout=60)
    lines = p.stdout.strip().splitlines()
    ok = (p.returncode == 3 and len(lines) == 1 and
          re.match(r"^stress global: too slow to judge: \d+ of \d+ lookups checked, "
                   r"\d+ of 0 changes, \d+ of 0 rounds in [\d.]+ s", lines[0]))
    t("stress --max-duration: work not done in time is 'too slow to judge', exit 3", ok,
      "required exit 3 and one 'too slow to judge' line, saw exit %d: %s"
      % (p.returncode, "\n".join(lines[:60]) if p.returncode == 1 else
         repr(lines[-1] if lines else "")))


def check_bad_input(t, nb):
    cases = [
        (["--strategy", "kernel"], "no model"),
        (["--strategy", "nosuch"], "unknown strategy"),
        (["--strategy", "global", "--duration", "0"], "--duration"),
        (["--strategy", "global", "--threads", "x"], "--threads"),
        (["--strategy", "global", "--round", "0"], "--round"),
        (["--strategy", "global", "--min-lookups", "x"], "--min-lookups"),
        (["--strategy", "global", "--min-changes", "-1"], "--min-changes"),
        (["--strategy", "global", "--min-rounds", "x"], "--min-rounds"),
        (["--strategy", "global", "--duration", "5", "--max-duration", "1"], "--max-duration"),
        (["--strategy", "global", "--bogus"], "unknown argument"),
        (["--strategy", "global", "--fs", "ext9"], "unknown filesystem type"),
        (["--strategy", "global", "--dentry-budget", "x"], "--dentry-budget"),
        # last on the line, its value missing: said so, not "unknown argument"
        (["--strategy", "global", "--duration"], "--duration needs a value"),
        (["--strategy", "global", "--inject"], "--inject needs a value"),
        ([], "--strategy is required"),
    ]
    for args, words in cases:
        p = run([nb, "stress"] + args, timeout=30)
        lines = p.stderr.strip().splitlines()
        t("stress %s: a one-line error naming it" % " ".join(args),
                p.returncode == 2 and len(lines) == 1 and words in lines[0] and not p.stdout,
                "required exit 2 and one line naming %r, saw exit %d, stderr %r"
                % (words, p.returncode, p.stderr.strip()[-300:]))


def check_report(t, zoo):
    """A violation names the lookup, its answer, its window, what the log
    allowed, where the answered object has been, and the log itself; exit
    status 1."""
    # caught in well under a second; demanded in work, not time, before a miss
    p = run([zoo, "stress", "--strategy", "rcufull", "--inject", "skip-mount-seq",
             "--duration", "1", "--min-changes", "3000000", "--min-lookups", "3000000",
             "--max-duration", "600", "--quiet"], timeout=700)
    out = p.stdout
    want = ["FAIL (oracle)", "  lookup: ", "  answer: ", "  window: ",
            "the log allows:", "the log from version"]
    missing = [w for w in want if w not in out]
    t("an injected bug's violation report explains itself",
            p.returncode == 1 and not missing,
            "required exit 1 and a report with %r, saw exit %d, missing %r: %s"
            % (want, p.returncode, missing, last_line(out + p.stderr)))
    # it says where the object it answered has been, with the log lines
    a = re.search(r"^  answer: (\d+:\d+) ", out, re.M)
    hist = re.findall(r"^    from version +(\d+): ", out, re.M)
    t("the report says where the answered object has been",
            a is not None and ("  where %s has been" % a.group(1)) in out and len(hist) >= 1,
            "required an answer line and 'where ... has been' with its places, saw answer %r "
            "and %d places" % (a.group(1) if a else None, len(hist)))
    # the log slice is in version order and covers the window it states
    m = re.search(r"began after version (\d+) and ended before version (\d+)", out)
    vers = [int(x) for x in re.findall(r"^ +(\d+)  \S", out, re.M)]
    t("the report's log slice spans the lookup's window",
            m is not None and vers and vers == sorted(vers)
            and vers[0] == int(m.group(1)) and vers[-1] <= int(m.group(2)),
            "required log versions in order from the window's start %s to before its end %s, "
            "saw %s" % (m.group(1) if m else "?", m.group(2) if m else "?",
                        "%d..%d (%d lines, %s)" % (vers[0], vers[-1], len(vers),
                                                 "sorted" if vers == sorted(vers) else "unsorted")
                        if vers else "none"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("nameibench")
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--zoo", help="the zoo build, for the report check")
    args = ap.parse_args()
    t = Checks("stress")
    check_strategies(t, args.nameibench, args.seconds)
    check_disk_root(t, args.nameibench)
    check_rounds(t, args.nameibench)
    check_too_slow(t, args.nameibench)
    check_bad_input(t, args.nameibench)
    if args.zoo:
        check_report(t, args.zoo)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
