#!/usr/bin/env python3
"""What makes a run's figures trustworthy (issue 12): a sweep that refuses
to resume over points measured differently, CPU sets respected, adaptive
repetitions, the machine state recorded with every point, the kernel
strategy's filesystem, user and baselines, and result folders that git
ignores.

Like the bench suite, these checks look at what the harness records and
how it behaves, never at how fast anything is (the one share checked is
that of a busy loop this suite starts itself on the same PU).  Prints
"PASS: sweep: ..." / "FAIL: sweep: ..." / "SKIP: sweep: ...".
"""

import glob
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NB = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                     os.path.join(ROOT, "bin", "nameibench"))
QUICK = ["--duration", "0.05", "--warmup", "0"]
sys.path.insert(0, os.path.join(ROOT, "tests"))
import checks  # noqa: E402

check = checks.Checks("sweep")
describe = checks.describe
ALLOWED = sorted(os.sched_getaffinity(0))
TASKSET = shutil.which("taskset")


def nb(*args, prefix=(), **kw):
    return subprocess.run(list(prefix) + [NB] + list(args), capture_output=True, text=True,
                          errors="replace", **kw)


def skip(name, why):
    print("SKIP: sweep: %s: %s" % (name, why))


def one_line_error(p, *words):
    """Exit 2 and one stderr line containing every word."""
    lines = p.stderr.strip().splitlines()
    return p.returncode == 2 and len(lines) == 1 and all(w in lines[0] for w in words)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def parse_list(text):
    """A taskset/hwloc list ("0-3,6") as a set of ints; None if malformed."""
    out = set()
    try:
        for part in str(text).split(","):
            lo, _, hi = part.partition("-")
            out.update(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        return None
    return out


def points(d):
    """DIR/points/*.json: name -> bytes (to tell whether a run touched them)."""
    out = {}
    for p in sorted(glob.glob(os.path.join(d, "points", "*.json"))):
        with open(p, "rb") as f:
            out[os.path.basename(p)] = f.read()
    return out


def point_jsons(d):
    return [load(p) or {} for p in sorted(glob.glob(os.path.join(d, "points", "*.json")))]


def run_point(tmp, name, *args, prefix=()):
    """`run --json` of one point: (process, point dict or None)."""
    path = os.path.join(tmp, name + ".json")
    p = nb("run", "--json", path, *args, prefix=prefix)
    return p, load(path) if p.returncode == 0 else None


# --- 1. resume refusal ------------------------------------------------------

WL = "name = sweep-tiny\ndepth = %d\nfanout = 2\nfiles = 2\npaths = hot\nmix = stat:1\n"
FINGERPRINT_KEYS = {"commit", "dirty", "cflags", "compiler", "duration_s", "warmup_s", "pin",
                    "cpuset", "rcu_flavor", "seed", "injected_delay_ns", "syscall_cost_ns",
                    "workload"}


def test_resume(tmp):
    wl = os.path.join(tmp, "tiny.wl")
    with open(wl, "w") as f:
        f.write(WL % 3)
    base = os.path.join(tmp, "base")

    def sweep(out, *extra):
        return nb("sweep", "--strategies", "rcufull", "--workloads", wl, "--threads", "1",
                  "--reps", "1", *QUICK, "--out", out, *extra)

    p = sweep(base)
    before = points(base)
    if not check("a one-point sweep measures its point", p.returncode == 0 and len(before) == 1,
                 describe(p)):
        return
    pt = point_jsons(base)[0]
    fp = pt.get("fingerprint")
    check("each point records a fingerprint with every key of the spec",
          isinstance(fp, dict) and FINGERPRINT_KEYS <= set(fp), "fingerprint %r" % (fp,))
    check("a fixed-reps point records its policy, its CPU set and no syscall cost",
          pt.get("reps_policy") == {"mode": "fixed", "reps": 1} and
          parse_list(pt.get("cpuset")) == set(ALLOWED) and pt.get("syscall_cost_ns") == 0,
          "reps_policy %r, cpuset %r, syscall_cost_ns %r" % (
              pt.get("reps_policy"), pt.get("cpuset"), pt.get("syscall_cost_ns")))

    p = sweep(base)
    check("the same command again resumes: exit 0, nothing measured, points unchanged",
          p.returncode == 0 and points(base) == before, describe(p))

    def refused(key, *extra, copy=None, label=None):
        d = copy or os.path.join(tmp, "c-" + key)
        if not copy:
            shutil.copytree(base, d)
        kept = points(d)
        p = sweep(d, *extra)
        check("resume with %s changed: exit 2, one line naming %s, points untouched" %
              (label or " ".join(extra), key),
              one_line_error(p, "measured differently", key, " was ", ", now ") and
              points(d) == kept, describe(p))

    refused("duration_s", "--duration", "0.06")
    refused("warmup_s", "--warmup", "0.01")
    refused("pin", "--pin", "compact")
    if len(ALLOWED) > 1:
        refused("cpuset", "--cpus", str(ALLOWED[0]))
    else:
        skip("resume with --cpus changed", "only one PU allowed")
    plain = NB[:-5] if NB.endswith("-qsbr") else NB
    if os.access(plain + "-qsbr", os.X_OK):
        refused("rcu_flavor", "--rcu-flavor", "qsbr")
    else:
        skip("resume with --rcu-flavor qsbr changed", "no QSBR build beside %s (the "
             "sanitized builds have none; test_cli checks the error)" % NB)
    refused("seed", "--seed", "2")
    refused("injected_delay_ns", "--inject-delay", "rcufull=100")
    refused("syscall_cost_ns", "--syscall-cost", "50")

    d = os.path.join(tmp, "c-workload")
    shutil.copytree(base, d)
    try:
        with open(wl, "w") as f:
            f.write(WL % 4)
        refused("workload", copy=d, label="the .wl file's depth")
    finally:
        with open(wl, "w") as f:
            f.write(WL % 3)

    # a filesystem or a budget is part of the workload's definition
    for extra, what in (("fs = disk\n", '"fs": "disk"'),
                        ("dentry_budget = 4\n", '"dentry_budget": 4')):
        d = os.path.join(tmp, "c-fs-%d" % len(extra))
        shutil.copytree(base, d)
        kept = points(d)
        try:
            with open(wl, "w") as f:
                f.write(WL % 3 + extra)
            p = sweep(d)
        finally:
            with open(wl, "w") as f:
                f.write(WL % 3)
        check("resume with the .wl file's %s: exit 2, one line quoting the definition's "
              "difference, points untouched" % extra.strip(),
              one_line_error(p, "measured differently", "definition of workload", what) and
              points(d) == kept, describe(p))

    d = os.path.join(tmp, "c-commit")
    shutil.copytree(base, d)
    edited = False
    for path in glob.glob(os.path.join(d, "points", "*.json")):
        # edit the text, not a re-serialised document: the file stays as the C side wrote it
        with open(path) as f:
            text = f.read()
        text = re.sub(r'("commit"\s*:\s*")[^"]*"', r'\g<1>0123456789ab"', text, count=1)
        with open(path, "w") as f:
            f.write(text)
        fp = (load(path) or {}).get("fingerprint")
        edited = isinstance(fp, dict) and fp.get("commit") == "0123456789ab"
    if edited:
        refused("commit", copy=d, label="a point from another build")
    else:
        check("resume over a point from another build names commit", False,
              "no fingerprint to edit in %s/points" % d)

    d = os.path.join(tmp, "c-new")
    shutil.copytree(base, d)
    kept = points(d)
    p = sweep(d, "--duration", "0.06", "--new-on-change")
    new = point_jsons(d + ".2")
    check("--new-on-change measures into DIR.2 and says so on stderr, DIR untouched",
          p.returncode == 0 and (d + ".2") in p.stderr and "measured differently" in p.stderr and
          points(d) == kept and len(new) == 1 and new[0].get("duration_s") == 0.06,
          describe(p))
    again = points(d + ".2")
    p = sweep(d, "--duration", "0.06", "--new-on-change")
    check("the same --new-on-change command again resumes DIR.2, no DIR.3",
          p.returncode == 0 and "already done there" in p.stderr and
          points(d + ".2") == again and not os.path.exists(d + ".3"), describe(p))
    p = sweep(d, "--duration", "0.07", "--new-on-change")
    check("--new-on-change with yet another difference measures into DIR.3",
          p.returncode == 0 and (d + ".3") in p.stderr and points(d + ".2") == again and
          len(point_jsons(d + ".3")) == 1, describe(p))


# --- 2. CPU sets ------------------------------------------------------------

def test_cpusets(tmp):
    p0 = ALLOWED[0]
    args = ["--strategy", "rcufull", "--workload", "stat-hot", *QUICK]

    p, pt = run_point(tmp, "cpus0", *args, "--threads", "2", "--cpus", str(p0))
    check("--cpus %d: both readers on PU %d, oversubscribed, and stdout says so" % (p0, p0),
          pt is not None and pt.get("placement_pu_os") == [p0, p0] and
          pt.get("oversubscribed") is True and "oversubscribed" in p.stdout, describe(p))
    ctx = (pt or {}).get("context") or {}
    check("--cpus is recorded: the point's and the context's cpuset, cpuset_from --cpus",
          pt is not None and parse_list(pt.get("cpuset")) == {p0} and
          parse_list(ctx.get("cpuset")) == {p0} and ctx.get("cpuset_from") == "--cpus",
          "point cpuset %r, context cpuset %r from %r" % (
              (pt or {}).get("cpuset"), ctx.get("cpuset"), ctx.get("cpuset_from")))

    p, pt = run_point(tmp, "dflt", *args, "--threads", "1")
    ctx = (pt or {}).get("context") or {}
    check("without --cpus the CPU set is the affinity mask's",
          pt is not None and parse_list(pt.get("cpuset")) == set(ALLOWED) and
          parse_list(ctx.get("cpuset")) == set(ALLOWED) and
          ctx.get("cpuset_from") in ("all PUs", "affinity mask"),
          "cpuset %r, context %r from %r" % ((pt or {}).get("cpuset"), ctx.get("cpuset"),
                                             ctx.get("cpuset_from")))

    bad = max(ALLOWED) + 1
    p = nb("run", *args, "--threads", "1", "--cpus", str(bad))
    check("--cpus %d (not allowed here): exit 2, one line naming it" % bad,
          one_line_error(p, str(bad)), describe(p))
    p = nb("run", *args, "--threads", "1", "--cpus", "zero")
    check("--cpus with a malformed list: exit 2, one line naming it",
          one_line_error(p, "--cpus", "zero") and "unknown argument" not in p.stderr,
          describe(p))

    # a writer sharing a PU with a reader: oversubscribed, in run and in a sweep's points
    p, pt = run_point(tmp, "wr", "--strategy", "rcufull", "--workload", "rename-churn",
                      "--threads", "1", "--cpus", str(p0), *QUICK)
    check("rename-churn at threads = PU count (writer shares a reader's PU) is oversubscribed",
          pt is not None and pt.get("oversubscribed") is True, describe(p))
    n = len(ALLOWED)
    if n <= 64:
        p, pt = run_point(tmp, "wr-all", "--strategy", "rcufull", "--workload", "rename-churn",
                          "--threads", str(n), *QUICK)
        check("rename-churn with %d readers on %d allowed PUs is oversubscribed" % (n, n),
              pt is not None and pt.get("oversubscribed") is True, describe(p))
    if 1 < n <= 64:
        p, pt = run_point(tmp, "wr-fits", "--strategy", "rcufull", "--workload", "rename-churn",
                          "--threads", str(n - 1), *QUICK)
        check("rename-churn with %d readers and its writer on %d PUs is not oversubscribed" %
              (n - 1, n), pt is not None and pt.get("oversubscribed") is False, describe(p))
    d = os.path.join(tmp, "sweep-cpus")
    p = nb("sweep", "--strategies", "rcufull", "--workloads", "stat-hot,rename-churn",
           "--threads", "1", "--cpus", str(p0), *QUICK, "--out", d)
    pts = {q.get("workload"): q for q in point_jsons(d)}
    ctx = load(os.path.join(d, "context.json")) or {}
    check("a sweep's points record oversubscribed for the writer's point only",
          p.returncode == 0 and set(pts) == {"stat-hot", "rename-churn"} and
          pts["stat-hot"].get("oversubscribed") is False and
          pts["rename-churn"].get("oversubscribed") is True,
          describe(p) + ", points %r" % {k: v.get("oversubscribed") for k, v in pts.items()})
    check("a sweep's points and context.json record the CPU set",
          pts and all(parse_list(q.get("cpuset")) == {p0} for q in pts.values()) and
          parse_list(ctx.get("cpuset")) == {p0} and ctx.get("cpuset_from") == "--cpus",
          "points %r, context %r" % ([q.get("cpuset") for q in pts.values()],
                                     ctx.get("cpuset")))

    if len(ALLOWED) < 2 or not TASKSET:
        skip("taskset checks", "only one PU allowed" if TASKSET else "no taskset")
        return
    p1 = ALLOWED[1]
    ts = [TASKSET, "-c", str(p1)]
    p, pt = run_point(tmp, "ts2", *args, "--threads", "2", prefix=ts)
    ctx = (pt or {}).get("context") or {}
    check("taskset -c %d, 2 threads: both on PU %d, oversubscribed, and stdout says so" %
          (p1, p1),
          pt is not None and pt.get("placement_pu_os") == [p1, p1] and
          pt.get("oversubscribed") is True and "oversubscribed" in p.stdout, describe(p))
    check("taskset's mask is recorded as the CPU set, from the affinity mask",
          pt is not None and parse_list(pt.get("cpuset")) == {p1} and
          parse_list(ctx.get("cpuset")) == {p1} and ctx.get("cpuset_from") == "affinity mask",
          "cpuset %r, context %r from %r" % ((pt or {}).get("cpuset"), ctx.get("cpuset"),
                                             ctx.get("cpuset_from")))
    p, pt = run_point(tmp, "tsauto", *args, "--threads", "auto", prefix=ts)
    check("taskset -c %d, --threads auto: one reader, on PU %d" % (p1, p1),
          pt is not None and pt.get("threads") == 1 and pt.get("placement_pu_os") == [p1],
          describe(p))
    p = nb("run", *args, "--threads", "1", "--cpus", str(p0), prefix=ts)
    check("taskset -c %d with --cpus %d (outside the mask): exit 2, one line" % (p1, p0),
          one_line_error(p, str(p0)), describe(p))
    d = os.path.join(tmp, "sweep-ts")
    p = nb("sweep", "--strategies", "rcufull", "--workloads", "stat-hot", "--threads", "2",
           *QUICK, "--out", d, prefix=ts)
    pts = point_jsons(d)
    check("a sweep under taskset places on the allowed PU only and says oversubscribed",
          p.returncode == 0 and len(pts) == 1 and pts[0].get("placement_pu_os") == [p1, p1] and
          pts[0].get("oversubscribed") is True, describe(p))
    d = os.path.join(tmp, "sweep-ts-auto")
    p = nb("sweep", "--strategies", "rcufull", "--workloads", "stat-hot", "--threads", "auto",
           *QUICK, "--out", d, prefix=ts)
    pts = point_jsons(d)
    check("a sweep's --threads auto under taskset -c %d counts one PU: threads 1 only" % p1,
          p.returncode == 0 and [q.get("threads") for q in pts] == [1] and
          pts[0].get("placement_pu_os") == [p1], describe(p))


# --- 3. --reps auto ---------------------------------------------------------

T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
       9: 2.262, 10: 2.228, 11: 2.201}


def ci95_pct(xs):
    """Half-width of the 95% Student t interval of the mean, % of the mean."""
    n = len(xs)
    mean = sum(xs) / n
    if n < 2 or mean <= 0:
        return float("inf")
    sd = (sum((x - mean) ** 2 for x in xs) / (n - 1)) ** 0.5
    return 100 * T95[n - 1] * sd / n ** 0.5 / mean


def stops_by_rule(rates, lo, hi, target):
    """The repetitions the auto rule takes over these rates, rep by rep: the
    first count from lo on whose interval is within target, else hi."""
    for k in range(lo, hi + 1):
        if k > len(rates):
            return None
        if ci95_pct(rates[:k]) <= target:
            return k
    return hi


def test_reps_auto(tmp):
    def sweep(name, *extra, duration="0.1"):
        d = os.path.join(tmp, name)
        p = nb("sweep", "--strategies", "rcufull", "--workloads", "stat-hot", "--threads", "1",
               "--duration", duration, "--warmup", "0", "--out", d, *extra)
        reps = load(os.path.join(d, "reps.json")) or {}
        pts = (reps.get("points") or [{}]) if isinstance(reps, dict) else [{}]
        return p, reps, pts[0], point_jsons(d), len(reps.get("points") or [])

    # a target of +-100% is met by 3 repetitions unless their spread is over 40%
    # (a very busy machine): the check follows the rule over the rates measured
    p, reps, rp, pts, n = sweep("auto-target", "--reps", "auto", "--rep-min", "3",
                                "--rep-max", "10", "--rep-target", "100", duration="0.2")
    pol = reps.get("policy") or {}
    rates = [q.get("ops_per_sec") for q in sorted(pts, key=lambda q: q.get("rep") or 0)]
    want = stops_by_rule(rates, 3, 10, 100) if all(isinstance(r, (int, float)) for r in rates) \
        else None
    check("--reps auto stops at the first repetition whose interval meets the target "
          "(3 on a quiet point): reached, 'target'",
          p.returncode == 0 and n == 1 and want is not None and rp.get("reps") == want and
          rp.get("reached") is True and rp.get("stopped") == "target" and len(pts) == want,
          describe(p) + ", reps.json %r, %d point files, the rule says %r" % (reps, len(pts),
                                                                             want))
    if want is not None and want != 3:
        print("  (the machine is busy: 3 repetitions spread by %.0f%%; took %d)" %
              (ci95_pct(rates[:3]), want))
    check("reps.json's interval is the Student t interval of the points' mean rate",
          rates and isinstance(rp.get("ci95_pct"), (int, float)) and
          abs(rp.get("ci95_pct") - ci95_pct(rates)) <= 0.05 + 0.01 * ci95_pct(rates) and
          isinstance(rp.get("mean"), (int, float)) and
          abs(rp.get("mean") - sum(rates) / len(rates)) <= 1e-3 * rp.get("mean"),
          "reps.json point %r, rates %r (ci %.2f%%)" % (
              rp, rates, ci95_pct(rates) if rates and None not in rates else -1))
    check("reps.json and each point record the auto policy",
          pol.get("mode") == "auto" and pol.get("min") == 3 and pol.get("max") == 10 and
          pol.get("target_pct") == 100 and "time_cap_s" in pol and
          all(q.get("reps_policy") == pol for q in pts) and
          sorted(q.get("rep") for q in pts) == list(range(1, len(pts) + 1)) and
          rp.get("strategy") == "rcufull" and rp.get("workload") == "stat-hot" and
          rp.get("threads") == 1,
          "policy %r, points' %r" % (pol, [(q.get("rep"), q.get("reps_policy")) for q in pts]))

    p, reps, rp, pts, n = sweep("auto-max", "--reps", "auto", "--rep-min", "3",
                                "--rep-max", "4", "--rep-target", "0.0001")
    check("--reps auto with an unreachable target takes --rep-max: 4 reps, not reached, "
          "'max-reps'",
          p.returncode == 0 and n == 1 and rp.get("reps") == 4 and rp.get("reached") is False and
          rp.get("stopped") == "max-reps" and len(pts) == 4,
          describe(p) + ", reps.json %r, %d point files" % (reps, len(pts)))
    p2, _, rp2, pts2, _ = sweep("auto-max", "--reps", "auto", "--rep-min", "3",
                                "--rep-max", "4", "--rep-target", "0.0001")
    check("resuming a finished auto sweep measures no more repetitions",
          p2.returncode == 0 and len(pts2) == 4 and rp2.get("reps") == 4, describe(p2))

    # 10 repetitions of 0.3 s take at least 3 s: a 1 s cap stops them before
    p, reps, rp, pts, n = sweep("auto-cap", "--reps", "auto", "--rep-min", "3",
                                "--rep-max", "10", "--rep-target", "0.0001", "--time-cap", "1",
                                duration="0.3")
    check("--time-cap stops the rounds: fewer than --rep-max, not reached, 'time-cap'",
          p.returncode == 0 and n == 1 and 3 <= (rp.get("reps") or 0) < 10 and
          rp.get("reached") is False and rp.get("stopped") == "time-cap" and
          len(pts) == rp.get("reps") and (reps.get("policy") or {}).get("time_cap_s") == 1,
          describe(p) + ", reps.json %r, %d point files" % (reps, len(pts)))

    p, reps, rp, pts, n = sweep("fixed", "--reps", "2")
    check("fixed --reps 2: reps.json says fixed, 2 reps, one file per repetition",
          p.returncode == 0 and (reps.get("policy") or {}).get("mode") == "fixed" and
          rp.get("reps") == 2 and rp.get("stopped") == "fixed" and len(pts) == 2,
          describe(p) + ", reps.json %r" % (reps,))
    p = nb("sweep", "--strategies", "rcufull", "--workloads", "stat-hot", "--threads", "1",
           "--reps", "auto", "--rep-min", "5", "--rep-max", "3", *QUICK,
           "--out", os.path.join(tmp, "auto-bad"))
    check("--rep-min above --rep-max: exit 2, one line naming them",
          one_line_error(p, "--rep-min", "--rep-max"), describe(p))


# --- 4. machine state -------------------------------------------------------

STATE_KEYS = {"loadavg_before", "loadavg_after", "others_runnable", "steal_share",
              "foreign_share", "foreign_share_max", "machine_foreign_share", "pus", "seconds"}
MACHINE_KEYS = {"hypervisor", "cpufreq_driver", "cpufreq_governor", "cpu_mhz", "smt",
                "smt_active", "vulnerabilities", "thp", "cmdline", "mem_total_kib",
                "mem_available_kib", "loadavg", "user"}


def share(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= 1


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def test_machine_state(tmp):
    p, pt = run_point(tmp, "ms", "--strategy", "rcufull", "--workload", "stat-hot",
                      "--threads", "1", *QUICK)
    ms = (pt or {}).get("machine_state")
    if not check("a run --json point has machine_state with the spec's keys",
                 isinstance(ms, dict) and STATE_KEYS <= set(ms),
                 describe(p) + ", machine_state %r" % (ms,)):
        ms = {}
    pus = ms.get("pus") if isinstance(ms.get("pus"), list) else []
    orun = ms.get("others_runnable") if isinstance(ms.get("others_runnable"), dict) else {}
    check("machine_state's shares are in [0, 1], per PU too",
          all(share(ms.get(k)) for k in ("steal_share", "foreign_share", "foreign_share_max",
                                         "machine_foreign_share")) and pus and
          all(share(u.get(k)) for u in pus for k in ("ours", "foreign", "steal", "idle")),
          "machine_state %r" % (ms,))
    check("machine_state's pus cover the PUs the point used, and the rest is well formed",
          {u.get("pu") for u in pus} >= set((pt or {}).get("placement_pu_os") or [None]) and
          all(k in orun for k in ("before", "after", "mean", "max")) and
          len(ms.get("loadavg_before") or []) == 3 and len(ms.get("loadavg_after") or []) == 3 and
          isinstance(ms.get("seconds"), list),
          "machine_state %r" % (ms,))
    check("run's summary shows the machine state (load or foreign CPU share)",
          p.returncode == 0 and re.search(r"\b(foreign|steal|load)", p.stdout), describe(p))

    m = ((pt or {}).get("context") or {}).get("machine")
    if not check("the context has machine with the spec's keys",
                 isinstance(m, dict) and MACHINE_KEYS <= set(m), "machine %r" % (m,)):
        m = {}
    vdir = "/sys/devices/system/cpu/vulnerabilities"
    vulns = m.get("vulnerabilities")
    want = set(os.listdir(vdir)) if os.path.isdir(vdir) else None
    check("machine.vulnerabilities is a dict of /sys's mitigation files",
          isinstance(vulns, dict) and (want is None or set(vulns) == want) and
          all(vulns.get(k) == read(os.path.join(vdir, k)) for k in (want or ())),
          "vulnerabilities %r" % (vulns,))
    thp = read("/sys/kernel/mm/transparent_hugepage/enabled")
    thp = re.search(r"\[(\w+)\]", thp).group(1) if thp and "[" in thp else None
    meminfo = read("/proc/meminfo") or ""
    total = re.search(r"MemTotal:\s+(\d+)", meminfo)
    check("machine.hypervisor, thp, cmdline, memory and user match the machine",
          isinstance(m.get("hypervisor"), str) and m.get("hypervisor") and
          m.get("thp") == thp and m.get("cmdline") == read("/proc/cmdline") and
          total and m.get("mem_total_kib") == int(total.group(1)) and
          isinstance(m.get("mem_available_kib"), int) and
          "uid %d" % os.getuid() in str(m.get("user")) and len(m.get("loadavg") or []) == 3,
          "machine %r" % ({k: v for k, v in m.items() if k != "vulnerabilities"},))
    d = os.path.join(tmp, "ms-sweep")
    p = nb("sweep", "--strategies", "rcufull", "--workloads", "stat-hot", "--threads", "1",
           *QUICK, "--out", d)
    pts = point_jsons(d)
    ctx = load(os.path.join(d, "context.json")) or {}
    check("a sweep's points and context.json carry machine_state and machine",
          p.returncode == 0 and len(pts) == 1 and
          STATE_KEYS <= set(pts[0].get("machine_state") or {}) and
          MACHINE_KEYS <= set(ctx.get("machine") or {}), describe(p))

    # another process spinning on the same PU takes about half of it
    pu = ALLOWED[0]
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"],
                           preexec_fn=lambda: os.sched_setaffinity(0, {pu}))
    try:
        time.sleep(0.3)
        where = ([], (TASKSET, "-c", str(pu))) if TASKSET else (["--cpus", str(pu)], ())
        p, pt = run_point(tmp, "hog", "--strategy", "rcufull", "--workload", "stat-hot",
                          "--threads", "1", "--duration", "1", "--warmup", "0", *where[0],
                          prefix=where[1])
    finally:
        hog.kill()
        hog.wait()
    ms = (pt or {}).get("machine_state") or {}
    pus = {u.get("pu"): u for u in ms.get("pus") or [] if isinstance(u, dict)}
    fs = ms.get("foreign_share")
    check("a busy loop on the run's PU shows as foreign_share >= 0.2 (PU %d's too)" % pu,
          isinstance(fs, (int, float)) and fs >= 0.2 and
          (pus.get(pu) or {}).get("foreign", 0) >= 0.2 and ms.get("foreign_share_max", 0) >= 0.2,
          describe(p) + ", machine_state %r" % (ms,))
    check("the busy loop shows as another runnable task",
          ((ms.get("others_runnable") or {}).get("max") or 0) >= 1,
          "others_runnable %r" % (ms.get("others_runnable"),))


# --- 5. kernel strategy, syscall cost ---------------------------------------

def mount_fstype(path):
    """The type of the mount holding path, from /proc/self/mounts."""
    path, best, fstype = os.path.realpath(path), -1, None
    for line in (read("/proc/self/mounts") or "").splitlines():
        f = line.split()
        if len(f) < 3:
            continue
        mnt = f[1].replace("\\040", " ")
        if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) > best:
            best, fstype = len(mnt), f[2]
    return fstype


def fs_names(path):
    """What the kernel's tree's filesystem may be called: statfs's name (stat -f)
    or the mount table's."""
    names = {mount_fstype(path)}
    p = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True)
    if p.returncode == 0:
        names.add(p.stdout.strip())
    return names - {None, ""}


def check_kernel_point(p, pt, uid, tmpdir, how):
    tree = str((pt or {}).get("kernel_tree"))
    fs = (pt or {}).get("kernel_fs")
    want = {"tmpfs"} if "a private tmpfs at" in tree else fs_names(tmpdir)
    check("%s: kernel_fs names the tree's filesystem" % how,
          pt is not None and fs in want,
          describe(p) + ", kernel_fs %r, kernel_tree %r, expected one of %r" % (fs, tree, want))
    check("%s: kernel_user names uid %d" % (how, uid),
          pt is not None and "uid %d" % uid in str(pt.get("kernel_user")),
          "kernel_user %r" % ((pt or {}).get("kernel_user"),))
    kb = (pt or {}).get("kernel_baseline") or {}
    check("%s: kernel_baseline has getppid_ns > 0 and fstat_fd_ns > 0" % how,
          all(isinstance(kb.get(k), (int, float)) and kb.get(k) > 0
              for k in ("getppid_ns", "fstat_fd_ns")), "kernel_baseline %r" % (kb,))
    check("%s: run's summary names the kernel's filesystem" % how,
          isinstance(fs, str) and fs and fs in p.stdout, describe(p))


def test_kernel(tmp):
    args = ["--strategy", "kernel", "--workload", "stat-hot", "--threads", "1", *QUICK]
    p, pt = run_point(tmp, "kernel", *args)
    check_kernel_point(p, pt, os.getuid(), os.environ.get("TMPDIR") or "/tmp", "kernel")

    # unprivileged, the tree lives in an ordinary temporary directory
    if os.getuid() != 0:
        skip("kernel as an unprivileged user", "not root, cannot switch user")
        return
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        skip("kernel as an unprivileged user", "no user nobody")
        return
    probe = subprocess.run(["test", "-x", NB], preexec_fn=lambda: os.setuid(nobody.pw_uid))
    if probe.returncode != 0:
        skip("kernel as an unprivileged user", "nobody cannot run %s" % NB)
        return
    udir = os.path.join(tmp, "nobody")
    os.mkdir(udir)
    os.chmod(udir, 0o777)
    os.chmod(tmp, 0o755)
    path = os.path.join(udir, "k.json")
    env = dict(os.environ, TMPDIR=udir)

    def drop():
        os.setgid(nobody.pw_gid)
        os.setgroups([])
        os.setuid(nobody.pw_uid)

    p = subprocess.run([NB, "run", "--json", path] + args, capture_output=True, text=True,
                       errors="replace", env=env, cwd=udir, preexec_fn=drop)
    pt = load(path) if p.returncode == 0 else None
    check_kernel_point(p, pt, nobody.pw_uid, udir, "kernel as nobody")


def test_syscall_cost(tmp):
    args = ["--strategy", "rcufull", "--workload", "stat-hot", "--threads", "1", *QUICK]
    p, pt = run_point(tmp, "sc50", *args, "--syscall-cost", "50")
    check("--syscall-cost 50 is recorded as syscall_cost_ns 50",
          pt is not None and pt.get("syscall_cost_ns") == 50, describe(p))
    p, pt = run_point(tmp, "scauto", *args, "--syscall-cost", "auto")
    sc = (pt or {}).get("syscall_cost_ns")
    check("--syscall-cost auto records the measured cost (> 0)",
          isinstance(sc, (int, float)) and sc > 0, describe(p) + ", syscall_cost_ns %r" % (sc,))
    p = nb("run", *args, "--syscall-cost", "lots")
    check("--syscall-cost with a bad value: exit 2, one line", one_line_error(p, "lots"),
          describe(p))


# --- 6. result folders and git ----------------------------------------------

def test_git_ignore():
    git = shutil.which("git")
    if not git or subprocess.run([git, "-C", ROOT, "rev-parse", "--git-dir"],
                                 capture_output=True).returncode != 0:
        skip("result folders and git", "not a git checkout")
        return
    p = subprocess.run([git, "-C", ROOT, "check-ignore", "-q",
                        "results/29990101T000000Z/points/x.json"], capture_output=True)
    check("a new run folder under results/ is ignored by git", p.returncode == 0,
          "git check-ignore exit %d" % p.returncode)
    p = subprocess.run([git, "-C", ROOT, "ls-files", "results/20261123T134935Z"],
                       capture_output=True, text=True)
    check("the reference run results/20261123T134935Z stays tracked",
          p.returncode == 0 and p.stdout.strip() != "", "git ls-files: %r" % p.stdout[:200])


def main():
    if not os.access(NB, os.X_OK):
        print("FAIL: sweep: %s is not built" % NB)
        return 1
    tmp = tempfile.mkdtemp(prefix="nameibench-sweep-")
    try:
        test_resume(tmp)
        test_cpusets(tmp)
        test_reps_auto(tmp)
        test_machine_state(tmp)
        test_kernel(tmp)
        test_syscall_cost(tmp)
        test_git_ignore()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for d in glob.glob(tmp + ".*"):
            shutil.rmtree(d, ignore_errors=True)
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
