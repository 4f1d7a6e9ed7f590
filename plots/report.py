#!/usr/bin/env python3
"""The report of a nameibench results folder.

    python3 plots/report.py RESULTS_DIR

Draws the plots (plots/plot.py) and writes RESULTS_DIR/report.html, one
self-contained page (plots inlined as SVG), and RESULTS_DIR/report.md, the
same for terminals and repositories.  Every sentence of findings is
computed from the data; where a workload corresponds to a published result
(shared/REFERENCES.md), the published figure stands beside ours with how the
shapes compare.
"""

import argparse
import base64
import html
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import findings  # noqa: E402
import nbresults as nr  # noqa: E402
import plot  # noqa: E402
import syscalls  # noqa: E402



def mops(x):
    return "%.3g Mops/s" % (x / 1e6)


def pct(x):
    return "%.0f%%" % (100 * x) if x >= 0.01 else "%.2g%%" % (100 * x)


def efficiency(r, s, w, t):
    """Throughput at @t threads as a share of @t times the 1-thread figure."""
    ts = r.threads(w)
    g1, gt = r.group(s, w, ts[0]), r.group(s, w, t)
    if not g1 or not gt or t == ts[0]:
        return None
    return gt.mean() / (g1.mean() * t / ts[0])


def eff_words(r, s, w, t):
    """'98% [95, 101]', or '98% (no interval)' below two repetitions."""
    e = findings.efficiency(r, s, w, t)
    return findings.pct_est(e) if e else "%s (no interval)" % pct(efficiency(r, s, w, t))


# ---------------------------------------------------------------- detailed tables

def rcu_table(r, extra):
    """RCU-walk outcomes at the highest thread count under writers, each
    share with its interval over the repetitions."""
    rows = []
    for res in [r] + extra:
        rcu = res.rcu_walkers()
        for (s, w, t), g in sorted(res.groups.items()):
            if s not in rcu or not g.points[0]["writers"]:
                continue
            if t != res.threads(w)[-1] or not g.counter("rcu_walks"):
                continue
            walks = g.counter_values("rcu_walks")
            rate = g.mean("writer_ops_per_sec") / g.points[0]["writers"]
            row = [s, w, str(t), "%.0f" % rate]
            for name in ("rcu_completed", "unlazy", "echild_restarts"):
                e = nr.nbstats.ratio_ci(g.counter_values(name), walks) \
                    if sum(g.counter_values(name)) > 0 else None
                row.append(share_est(e) if e else pct(g.counter(name) / g.counter("rcu_walks")))
            rows.append(row)
    return (["strategy", "workload", "threads", "writer ops/s each", "completed in RCU",
             "unlazied", "restarted (-ECHILD)"], rows)


def share_est(e):
    return "%s [%s, %s]" % (pct(e.value), pct(e.lo), pct(e.hi))


def lockref_table(r):
    rows = []
    for (s, w, t), g in sorted(r.groups.items()):
        if s != "lockref" or g.counter("cmpxchg_failures") is None:
            continue
        if t != r.threads(w)[-1] or t < 2:
            continue
        row = [w, str(t)]
        for name in ("cmpxchg_failures", "lock_fallbacks"):
            e = nr.nbstats.mean_ci(g.counter_values(name))
            row.append(findings.count_est(e) if e else "%.3g" % g.counter(name))
        rows.append(row)
    return ["workload", "threads", "lost cmpxchg per operation",
            "spinlock fallbacks per operation"], rows


def timeline_table(pts):
    """Each long point's seconds: their mean with its interval, their CV,
    the slowest and the fastest."""
    rows = []
    for p in sorted(pts, key=lambda p: nr.strategy_key(p["strategy"])):
        secs = [sum(row[:p["threads"]]) for row in p.get("timeline") or []]
        e = nr.nbstats.mean_ci(secs)
        if not e:
            continue
        rows.append([p["strategy"], p["workload"], str(p["threads"]), str(len(secs)),
                     findings.mops_est(e), "%.1f%%" % (100 * nr.nbstats.cv(secs)),
                     mops(min(secs)), mops(max(secs))])
    return ["strategy", "workload", "threads", "seconds", "per-second mean", "per-second CV",
            "slowest second", "fastest second"], rows


# ---------------------------------------------------------------- published results

def mrph_shape(ref, rcu, t):
    """How our stat-hot scaling compares with fxmark's MRPH collapse."""
    if not ref or not rcu:
        return "not enough strategies to compare"
    show = lambda d: ", ".join("%s %s" % (s, pct(x)) for s, x in sorted(d.items()))  # noqa
    ref_lose = all(x < 0.8 for x in ref.values())
    rcu_keep = all(x >= 0.8 for x in rcu.values())
    if ref_lose and rcu_keep:
        return ("the same shape: REF-walk (%s) already loses scaling at %d threads while "
                "RCU-walk (%s) keeps it; the contention fxmark saw is on the reference "
                "counts, which RCU-walk does not touch" % (show(ref), t, show(rcu)))
    if not ref_lose:
        return ("not the published shape yet: at %d threads REF-walk still scales (%s), "
                "RCU-walk %s; fxmark's collapse came at about ten cores" % (t, show(ref),
                                                                              show(rcu)))
    return ("a different shape: RCU-walk falls short of linear as well (%s), as REF-walk "
            "does (%s), at %d threads" % (show(rcu), show(ref), t))


def fallback_trend(r, t):
    """lockref's spinlock fallbacks per operation, from 1 thread to @t."""
    g1, gt = r.group("lockref", "stat-hot", r.threads("stat-hot")[0]), r.group(
        "lockref", "stat-hot", t)
    a, b = g1.counter("lock_fallbacks") if g1 else None, gt.counter("lock_fallbacks")
    if a is None or g1 is gt:
        return "fallbacks are %.3g per operation at %d threads" % (b, t)
    trend = "grow" if b > a else "do not grow"
    return ("its spinlock fallbacks %s with threads (%.3g per operation at %d, %.3g at %d), "
            "%s the 2024 'locked-only' report saw" % (
                trend, a, g1.threads, b, t, "as" if b > a else "unlike what"))


def published(r):
    """Rows of (our workload, the published result, its figure, ours, the shapes)."""
    rows = []

    def effs(w):
        ts = r.threads(w)
        if len(ts) < 2:
            return None, {}
        t = ts[-1]
        return t, {s: efficiency(r, s, w, t) for s in r.strategies()
                   if efficiency(r, s, w, t) is not None}

    for w, name, fig in (("stat-disjoint", "fxmark MRPL (USENIX ATC 2016)",
                          "each worker stats its own file: scales"),
                         ("stat-shared", "fxmark MRPM (USENIX ATC 2016)",
                          "random files of one tree: scales")):
        t, e = effs(w)
        if not e:
            continue
        scaling = sorted(s for s, x in e.items() if x >= 0.8)
        rows.append((w, name, fig, "; ".join("%s %s of linear at %d threads" % (
            s, eff_words(r, s, w, t), t) for s, x in sorted(e.items(), key=lambda y: -y[1])),
                     "the same shape for %s (80%% of linear or better)%s" % (
                         ", ".join(scaling) or "no strategy",
                         "; %s fall short" % ", ".join(sorted(set(e) - set(scaling)))
                         if set(e) - set(scaling) else "")))
    t, e = effs("stat-hot")
    if e:
        ref = {s: x for s, x in e.items() if s in r.ref_walkers()}
        rcu = {s: x for s, x in e.items() if s in r.rcu_walkers()}
        rows.append(("stat-hot", "fxmark MRPH (USENIX ATC 2016)",
                     "every worker stats one file: stops scaling at about ten cores "
                     "(reference-count contention)",
                     "; ".join("%s %s of linear at %d threads" % (
                         s, eff_words(r, s, "stat-hot", t), t)
                         for s, x in sorted(e.items(), key=lambda y: -y[1])),
                     mrph_shape(ref, rcu, t)))
        g_full, g_walk = r.group("rcufull", "stat-hot", t), r.group("rcuwalk", "stat-hot", t)
        if g_full and g_walk:
            rr = nr.nbstats.ratio_ci(g_full.values(), g_walk.values())
            rr = findings.x_est(rr) if rr else "%.2fx (no interval)" % (
                g_full.mean() / g_walk.mean())
            rows.append(("stat-hot", "Linux 18a5daf0e497 (2024), 20-way stat of one tmpfs "
                         "file, Sapphire Rapids",
                         "5.04M -> 7.84M ops/s (1.56x) once d_lockref left the cache line "
                         "RCU lookup reads",
                         "rcuwalk %s, rcufull %s at %d threads (%s)" % (
                             mops(g_walk.mean()), mops(g_full.mean()), t, rr),
                         "ours keeps d_lockref off the lookup lines in every strategy; what "
                         "is left between rcuwalk and rcufull is the final legitimize "
                         "(lockref get and put on the shared dentry), %s at %d threads"
                         % (rr, t)))
        g_lr = r.group("lockref", "stat-hot", t)
        if g_lr and g_lr.counter("lock_fallbacks") is not None:
            rows.append(("stat-hot", "Linux f5fe24ef17b5 (2023), will-it-scale fstat2, "
                         "Cascade Lake 2x24x2",
                         "2.24M -> 5.47M ops/s at 24 tasks, 1.27M -> 6.65M at 96, by "
                         "dropping cpu_relax from the cmpxchg loop",
                         "lockref %s at %d threads; %.3g lost cmpxchg and %.3g fallbacks "
                         "per operation" % (mops(g_lr.mean()), t,
                                            g_lr.counter("cmpxchg_failures"),
                                            g_lr.counter("lock_fallbacks")),
                         "our loop has no cpu_relax (the fixed kernel's); " +
                         fallback_trend(r, t)))
    return rows


# ---------------------------------------------------------------- tables

def cell(r, key):
    """One throughput cell: the mean in Mops/s with its 95% interval's
    half-width, the CV and the repetitions, and the marks a reader must see."""
    g = r.group(*key)
    if not g:
        return ""
    e = g.est()
    text = ("%.3g ±%.2g, CV %.1f%%, %d reps" % (e.value / 1e6, (e.hi - e.value) / 1e6,
                                                100 * g.cv(), g.reps()) if e else
            "%.3g, 1 rep, no interval" % (g.mean() / 1e6))
    marks = [m for m in (r.missed_target(key), "oversubscribed" if g.oversubscribed() else None)
             if m]
    return text + "".join("; " + m for m in marks)


def throughput_table(r):
    head = ["workload", "threads"] + r.strategies()
    rows = []
    for w in r.workloads():
        for t in r.threads(w):
            rows.append([w, str(t)] + [cell(r, (s, w, t)) for s in r.strategies()])
    return head, rows


def scaling_table(r):
    """Every strategy's efficiency at each thread count above the lowest."""
    head = ["workload", "threads"] + r.strategies()
    rows = []
    for w in r.workloads():
        for t in r.threads(w)[1:]:
            rows.append([w, str(t)] + [eff_words(r, s, w, t) if r.group(s, w, t) and
                                       r.group(s, w, r.threads(w)[0]) else ""
                                       for s in r.strategies()])
    return head, rows


def reps_words(r):
    """How the adaptive repetitions went, or None for fixed ones."""
    pol = r.reps_policy
    if not pol or pol.get("mode") != "auto":
        return None
    entries = list(r.reps.values())
    missed = [k for k in r.reps if r.missed_target(k)]
    counts = sorted(e.get("reps", 0) for e in entries)
    return ("Repetitions adapted to the noise: from %s to %s per point until the 95%% "
            "interval of the mean was within ±%g%%%s; they took %d to %d; %d of %d points "
            "missed the target (marked in the throughput table)." % (
                pol.get("min"), pol.get("max"), pol.get("target_pct"),
                ", no new round after %g s" % pol["time_cap_s"] if pol.get("time_cap_s")
                else "", counts[0] if counts else 0, counts[-1] if counts else 0,
                len(missed), len(entries)))


def counters_table(r):
    names = r.counter_names()
    head = ["strategy", "workload", "threads"] + names
    rows = []
    for (s, w, t), g in sorted(r.groups.items(), key=lambda kv: (kv[0][1], kv[0][2],
                                                                 nr.strategy_key(kv[0][0]))):
        if g.counter("ops") is None and g.counter("ref_ops") is None:
            continue
        rows.append([s, w, str(t)] + ["%.3g" % g.counter(n) for n in names])
    return head, rows


def skipped_table(r):
    seen = {}
    for p in r.skipped:
        seen.setdefault((p["strategy"], p["workload"]), p["skipped"])
    return ["strategy", "workload", "why"], [[s, w, why] for (s, w), why in sorted(seen.items())]


def context_rows(r):
    keys = ["hostname", "cpu_model", "topology", "kernel", "compiler", "cflags",
            "liburcu_version", "rcu_flavor", "hwloc_version", "git_commit", "git_dirty",
            "pin_policy", "start_utc", "command"]
    return [[k, str(r.context.get(k, ""))] for k in keys if k in r.context]


def mitigations(v):
    """/sys/devices/system/cpu/vulnerabilities, summarized."""
    if not isinstance(v, dict) or not v:
        return None
    kinds = {"mitigated": [], "not affected": [], "vulnerable": [], "other": []}
    for name, state in sorted(v.items()):
        k = ("not affected" if state.startswith("Not affected") else
             "mitigated" if state.startswith("Mitigation") else
             "vulnerable" if state.startswith("Vulnerable") else "other")
        kinds[k].append(name)
    out = ["%d mitigated (%s)" % (len(kinds["mitigated"]), ", ".join(kinds["mitigated"]))
           if kinds["mitigated"] else "none mitigated",
           "%d not affected" % len(kinds["not affected"]),
           "vulnerable: %s" % (", ".join("%s (%s)" % (n, v[n]) for n in kinds["vulnerable"])
                               or "none")]
    if kinds["other"]:
        out.append("other: %s" % ", ".join("%s (%s)" % (n, v[n]) for n in kinds["other"]))
    return "; ".join(out)


def shown(x, fmt="%s"):
    return "not readable" if x is None else fmt % x


def gib(kib):
    return "not readable" if kib is None else "%.1f GiB" % (kib / 2 ** 20)


def machine_rows(r):
    """The machine the run had, from context.json."""
    m, c = r.machine(), r.context
    if not m:
        return [["machine state", "not recorded (this folder was written before nameibench "
                                  "recorded it)"]]
    freq = ", ".join(x for x in (m.get("cpufreq_driver"), m.get("cpufreq_governor")) if x)
    rows = [["hypervisor", shown(m.get("hypervisor"))],
            ["SMT", shown(m.get("smt")) + ("" if m.get("smt_active") is None else
                                          ", active" if m["smt_active"] else ", not active")],
            ["transparent huge pages", shown(m.get("thp"))],
            ["CPU frequency", "%s; %s" % (freq or "driver and governor not readable",
                                          shown(m.get("cpu_mhz"), "%.0f MHz now"))],
            ["mitigations", shown(mitigations(m.get("vulnerabilities")))],
            ["kernel command line", shown(m.get("cmdline"))],
            ["memory", "%s total, %s available" % (gib(m.get("mem_total_kib")),
                                                    gib(m.get("mem_available_kib")))],
            ["load average at the start", "not readable" if not m.get("loadavg") else
             " ".join("%.2f" % x for x in m["loadavg"])],
            ["CPU set", "%s (%s)" % (c.get("cpuset", "not recorded"),
                                     c.get("cpuset_from", "source not recorded"))],
            ["user", shown(m.get("user"))]]
    return rows


def run_state_rows(n):
    """What the points' machine state says about the whole run."""
    m = n["machine"]
    if not m:
        return [["machine state during the run", "not recorded for any point"]]
    sh = lambda x: "not recorded" if x is None else "%.1f%%" % (100 * x)  # noqa: E731
    nm = lambda x: "not recorded" if x is None else "%.2f" % x  # noqa: E731
    return [["points with a machine state", str(m["points"])],
            ["other processes' share of the measured PUs", "mean %s, worst PU of any point %s"
             % (sh(m["foreign_mean"]), sh(m["foreign_max"]))],
            ["other processes' share of every allowed PU", "mean %s"
             % sh(m["machine_foreign_mean"])],
            ["stolen by the hypervisor", "mean %s, worst point %s" % (sh(m["steal_mean"]),
                                                                      sh(m["steal_max"]))],
            ["other runnable tasks", "mean %s, most %s" % (nm(m["runnable_mean"]),
                                                           nm(m["runnable_max"]))],
            ["load average (1 min) over the run", "%s to %s" % (nm(m["load_min"]),
                                                               nm(m["load_max"]))]]


def noise_rows(n):
    rows = [["verdict", nr.nbstats.verdict(n)]]
    if n["cv_median"] is None:
        rows.append(["coefficient of variation", "no point has 2 repetitions"])
    else:
        rows.append(["coefficient of variation per point", "median %.1f%%, largest %.1f%% "
                     "(%d points of 2 repetitions or more)" % (100 * n["cv_median"],
                                                               100 * n["cv_max"], n["cvs"])])
    if n["drift"] is None:
        rows.append(["drift", "fewer than 2 repetitions to compare"])
    else:
        rows.append(["drift, first repetition to last", "%+.1f%% (repetition means from "
                     "%+.1f%% to %+.1f%% of the point means)" % (
                         100 * n["drift"], 100 * n["drift_min"], 100 * n["drift_max"])])
        rows.append(["repetition means", ", ".join("rep %s %.1f%%" % (rep, 100 * lvl)
                                                   for rep, lvl in n["drift_levels"])])
    return rows


def threshold_rows():
    st = nr.nbstats
    return [["busy", "other processes' mean share >= %.0f%%, or steal >= %.0f%%, or other "
             "runnable tasks >= %.1f on average" % (100 * st.BUSY_FOREIGN, 100 * st.BUSY_STEAL,
                                                    st.BUSY_RUNNABLE)],
            ["noisy", "not busy, and median CV > %.0f%%, or |drift| > %.0f%%, or steal >= "
             "%.0f%%, or other processes' share >= %.0f%%" % (
                 100 * st.NOISY_CV, 100 * st.NOISY_DRIFT, 100 * st.NOISY_STEAL,
                 100 * st.NOISY_FOREIGN)],
            ["quiet", "neither"]]


def slowed_warnings(results):
    """Points slowed on purpose (--inject-delay) must not pass for measurements."""
    out = []
    for res in results:
        for p in res.measured:
            if p.get("injected_delay_ns"):
                out.append("%s %s at %d threads was slowed on purpose: its readers spun %d ns "
                           "after every operation (--inject-delay)." %
                           (p["strategy"], p["workload"], p["threads"], p["injected_delay_ns"]))
    return sorted(set(out))


# ---------------------------------------------------------------- output

class Report:
    """The report as a list of blocks, rendered once as Markdown and once
    as HTML: ("h2", text), ("p", text), ("warn", text), ("list", [(label,
    text)]), ("table", head, rows), ("plots",)."""

    def __init__(self, folder, timeline=None):
        self.folder = folder
        self.r, self.plots = plot.draw_all(folder, timeline)
        r = self.r
        self.extra = [x for x in (r.sub("rates"),) if x]
        subs = [x for x in (r.sub(n) for n in ("rates", "timeline", "calibrated", "fs",
                                                  "syscalls")) if x]
        self.tl = plot.timeline_points(r, timeline)
        self.noise = nr.nbstats.noise([g for res in [r] + subs for g in res.groups.values()],
                                      list(r.groups.values()),
                                      [p for res in [r] + subs for p in res.measured])
        self.findings = findings.Findings(r)
        cal = r.sub("calibrated")
        self.calibrated = findings.calibrated_rows(r, cal, self.findings) if cal else None
        fs = r.filesystems()
        self.fs = findings.Filesystems(fs, self.findings) if fs else None
        sc = r.sub("syscalls")
        self.sys = syscalls.Syscalls(sc, self.findings) if sc else None
        if self.sys:
            self.findings.items += self.sys.items
        self.published = published(r)
        w = nr.nbstats.warning(self.noise)
        self.warnings = ([w] if w else []) + slowed_warnings([r] + subs)
        self.blocks = self.build()

    def title(self):
        return "nameibench: %s" % self.r.caption()

    def build(self):
        r, f = self.r, self.findings
        b = [("warn", w) for w in self.warnings]
        b += [("p", "%d points measured, %d skipped; every figure below is computed from "
                    "results.json.  Noise: %s." % (len(r.measured), len(r.skipped),
                                                 nr.nbstats.verdict_text(self.noise)))]
        b += [("h2", "Findings"),
              ("p", "Each with its 95% interval from the repetitions; a comparison whose "
                    "interval includes no difference is in the next table instead.")]
        b += [("list", f.items)] if f.items else [("p", "No comparison was resolved.")]
        if f.unresolved:
            b += [("h2", "Comparisons this run could not resolve"),
                  ("table", ["what", "estimate", "95% interval"], f.unresolved)]
        b += [("h2", "Machine state"), ("table", ["", ""], machine_rows(r)),
              ("p", "During the run (over every point, sub-series included):"),
              ("table", ["", ""], run_state_rows(self.noise)),
              ("h2", "Noise"), ("table", ["", ""], noise_rows(self.noise)),
              ("p", "The verdict's thresholds:"),
              ("table", ["verdict", "when"], threshold_rows())]
        words = reps_words(r)
        if words:
            b.append(("p", words))
        if self.calibrated is not None:
            b += [("h2", "Calibrated model"),
                  ("p", "rcuwalk with every operation paying the kernel's measured entry "
                        "and exit (--syscall-cost auto, calibrated/), against the kernel of "
                        "the main sweep: parallel efficiency at the top thread count, and the "
                        "model's minus the kernel's."),
                  ("table", ["workload", "threads", "added per operation",
                             "calibrated rcuwalk", "kernel", "difference", ""],
                   self.calibrated)]
        if self.fs and (self.fs.pair_rows or self.fs.budget_rows):
            b += [("h2", "Filesystem types"),
                  ("p", "Each workload on another filesystem type, option or dentry "
                        "budget beside its twin (the same definition but for fs and "
                        "dentry_budget: on plain tmpfs, or for a budget on the same type "
                        "without one), per strategy at the highest thread count both have; "
                        "twin's mean -> variant's.  Findings above state what resolved.")]
            if self.fs.pair_rows:
                b.append(("table", findings.PAIR_HEAD, self.fs.pair_rows))
            if self.fs.budget_rows:
                b += [("p", "Under a dentry budget, with intervals:"),
                      ("table", findings.BUDGET_HEAD, self.fs.budget_rows)]
        if self.sys and self.sys.calls:
            b += [("h2", "System calls"),
                  ("p", "will-it-scale's loops (the wis-* workloads, syscalls/) on every "
                        "strategy at the highest thread count, million operations/s with "
                        "their 95% intervals.  open must take the file's references (rcufull "
                        "cannot answer it under RCU alone); access, stat and fstat need not."),
                  ("table",) + self.sys.table()]
        if self.sys and self.sys.form_table()[1]:
            b += [("h2", "The ancestor walk's two forms"),
                  ("p", "ancestors, the callback under RCU with a REF-walk fallback, "
                        "against ancestors-iter, the iterator taking a reference on each "
                        "ancestor in turn (syscalls/): what a walk costs a thread (threads "
                        "over throughput, with its 95% interval), and per walk the "
                        "reference-count operations and the restarts (unlazy or -ECHILD).  "
                        "The kernel has neither call: its figures are d_path and an O_PATH "
                        "descriptor a step at a time, and it keeps no counters."),
                  ("table",) + self.sys.form_table()]
        if self.published:
            b += [("h2", "Beside published results"),
                  ("table", ["ours", "published", "their figure", "our figure", "shapes"],
                   [list(x) for x in self.published])]
        b += [("h2", "Plots"), ("plots",),
              ("h2", "Throughput"),
              ("p", "Million operations/s: mean ±half its 95% interval, the coefficient of "
                    "variation and the repetitions; marked where a point missed the "
                    "adaptive target or was oversubscribed (more threads than PUs, or a "
                    "writer sharing a reader's PU)."),
              ("table",) + throughput_table(r),
              ("h2", "Scaling efficiency"),
              ("p", "Throughput at N threads over N times the lowest thread count's, with "
                    "its 95% interval."),
              ("table",) + scaling_table(r),
              ("h2", "Counters per operation"), ("table",) + counters_table(r)]
        for title, (head, rows) in (("lockref under contention", lockref_table(r)),
                                    ("RCU-walk outcomes", rcu_table(r, self.extra)),
                                    ("Timeline", timeline_table(self.tl)),
                                    ("Skipped points", skipped_table(r))):
            if rows:
                b += [("h2", title), ("table", head, rows)]
        b += [("h2", "Context"), ("table", ["", ""], context_rows(r))]
        return b


def write_atomic(path, text):
    """A reader (or a browser) never sees half a report."""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(out)


def write_md(rep, path):
    lines = ["# %s" % rep.title(), ""]
    for blk in rep.blocks:
        kind = blk[0]
        if kind == "warn":
            lines += ["**Warning:** " + blk[1], ""]
        elif kind == "h2":
            lines += ["## " + blk[1], ""]
        elif kind == "p":
            lines += [blk[1], ""]
        elif kind == "list":
            lines += ["- **%s:** %s" % item for item in blk[1]] + [""]
        elif kind == "table":
            lines += [md_table(blk[1], blk[2]), ""]
        elif kind == "plots":
            for p in rep.plots:
                lines += ["### %s" % p.title, "",
                          "![%s](plots/%s)" % (p.title, os.path.basename(p.png)), "", p.what, ""]
    write_atomic(path, "\n".join(lines))


def h_table(head, rows):
    out = ["<table><thead><tr>%s</tr></thead><tbody>" %
           "".join("<th>%s</th>" % html.escape(h) for h in head)]
    for row in rows:
        out.append("<tr>%s</tr>" % "".join("<td>%s</td>" % html.escape(c) for c in row))
    out.append("</tbody></table>")
    return "\n".join(out)


CSS = """body{font-family:sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left}th{background:#f4f4f4}
figure{margin:1.5em 0}figure img{width:100%;max-width:1100px;border:1px solid #eee}
figcaption{font-size:.9em;color:#555}.findings li{margin:.3em 0}
.warning{color:#b00;border:1px solid #b00;padding:.5em}"""

# The page checks itself once loaded: how many images, how many broken.
SELF_CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = document.images, broken = 0;
  for (var i = 0; i < imgs.length; i++)
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) broken++;
  document.body.setAttribute('data-images', imgs.length);
  document.body.setAttribute('data-broken', broken);
});
</script>"""


def figure_html(p):
    """A plot as a <figure>, its SVG inlined so that the page stands alone."""
    with open(p.svg, "rb") as f:
        data = base64.b64encode(f.read()).decode()
    return ("<figure id='%s'><img alt='%s' src='data:image/svg+xml;base64,%s'>"
            "<figcaption><b>%s.</b> %s</figcaption></figure>" %
            (html.escape(p.name), html.escape(p.title), data, html.escape(p.title),
             html.escape(p.what)))


def write_html(rep, path):
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title><style>%s"
             "</style></head><body>" % (html.escape(rep.title()), CSS),
             "<h1>%s</h1>" % html.escape(rep.title())]
    for blk in rep.blocks:
        kind = blk[0]
        if kind == "warn":
            parts.append("<p class='warning'><b>Warning:</b> %s</p>" % html.escape(blk[1]))
        elif kind == "h2":
            parts.append("<h2>%s</h2>" % html.escape(blk[1]))
        elif kind == "p":
            parts.append("<p>%s</p>" % html.escape(blk[1]))
        elif kind == "list":
            parts.append("<ul class='findings'>%s</ul>" % "".join(
                "<li><b>%s:</b> %s</li>" % (html.escape(a), html.escape(t)) for a, t in blk[1]))
        elif kind == "table":
            parts.append(h_table(blk[1], blk[2]))
        elif kind == "plots":
            parts += [figure_html(p) for p in rep.plots]
    parts.append(SELF_CHECK + "</body></html>")
    write_atomic(path, "\n".join(parts))


def main():
    ap = argparse.ArgumentParser(description="Write report.html and report.md for a "
                                             "nameibench results folder.")
    ap.add_argument("results", help="a folder written by 'nameibench sweep' or 'make report'")
    plot.add_timeline_option(ap)
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.results, "results.json")):
        print("report: %s has no results.json" % args.results, file=sys.stderr)
        return 2
    rep = Report(args.results, args.timeline)
    write_md(rep, os.path.join(args.results, "report.md"))
    write_html(rep, os.path.join(args.results, "report.html"))
    print(os.path.abspath(os.path.join(args.results, "report.html")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
