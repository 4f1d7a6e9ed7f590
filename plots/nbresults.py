"""Reading a nameibench results folder.

A folder holds results.json (every point), context.json (the machine and
the build), reps.json (how many repetitions each point took, when the
sweep ran with --reps auto) and optionally sub-folders of the same kind
(make report puts its writer-rate series in rates/, its long timeline
points in timeline/, the calibrated model in calibrated/ and the
filesystem workloads in fs/).  Points are
grouped by (strategy, workload, threads); the repetitions of a group give
its mean, interval and spread.  Folders written before a key existed
(machine state, reps.json, kernel baselines) read as "not recorded".
"""

import json
import math
import os

import nbstats

# The order and the styling every plot and table uses for a strategy.
STRATEGY_ORDER = ["global", "dlock", "lockref", "rcuwalk", "rcufull", "kernel"]
STRATEGY_COLOR = {
    "global": "#7f7f7f", "dlock": "#d62728", "lockref": "#ff7f0e",
    "rcuwalk": "#1f77b4", "rcufull": "#2ca02c", "kernel": "#000000",
}
STRATEGY_POINT = {"global": 4, "dlock": 8, "lockref": 6, "rcuwalk": 10, "rcufull": 12,
                  "kernel": 2}


# A workload's filesystem when its definition names none (the fs key's
# default, and what every folder written before the key ran on).
PLAIN_FS = "tmpfs"
# What a workload's definition says about its filesystem, and what only names it.
FS_KEYS = ("fs", "dentry_budget")
NAME_KEYS = ("source", "summary")
WRITER_KEYS = ("writers", "writer", "writer_rate")


def strategy_key(name):
    return (STRATEGY_ORDER.index(name) if name in STRATEGY_ORDER else len(STRATEGY_ORDER), name)


def color(name):
    return STRATEGY_COLOR.get(name, "#9467bd")


class Group:
    """The repetitions of one point."""

    def __init__(self, strategy, workload, threads):
        self.strategy, self.workload, self.threads = strategy, workload, threads
        self.points = []

    def values(self, key="ops_per_sec"):
        return [p[key] for p in self.points if p.get(key) is not None]

    def mean(self, key="ops_per_sec"):
        v = self.values(key)
        return sum(v) / len(v) if v else None

    def stddev(self, key="ops_per_sec"):
        v = self.values(key)
        if len(v) < 2:
            return 0.0
        m = sum(v) / len(v)
        return math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))

    def rel_stddev(self, key="ops_per_sec"):
        m = self.mean(key)
        return self.stddev(key) / m if m else 0.0

    def est(self, key="ops_per_sec"):
        """The mean with its 95% interval, or None below two repetitions."""
        return nbstats.mean_ci(self.values(key))

    def cv(self):
        return nbstats.cv(self.values())

    def reps(self):
        return len(self.values())

    def oversubscribed(self):
        """More threads than PUs, or a writer sharing a reader's PU."""
        return any(p.get("oversubscribed") for p in self.points)

    def per_thread(self):
        """Each repetition's operations per second per reader thread."""
        return [p["reader_ops_per_sec"] / p["threads"] for p in self.points
                if p.get("reader_ops_per_sec")]

    def counter_values(self, name):
        return [p["counters_per_op"][name] for p in self.points
                if p.get("counters_per_op") and name in p["counters_per_op"]]

    def counter(self, name):
        """Mean of a counter per operation, or None (the kernel has none)."""
        v = self.counter_values(name)
        return sum(v) / len(v) if v else None

    def kernel_baseline(self, key):
        """Mean of a kernel baseline (getppid_ns, fstat_fd_ns), or None."""
        v = [p["kernel_baseline"][key] for p in self.points
             if isinstance(p.get("kernel_baseline"), dict) and
             p["kernel_baseline"].get(key) is not None]
        return sum(v) / len(v) if v else None

    def latency(self, key):
        v = [p["latency_ns"][key] for p in self.points if p.get("latency_ns")]
        return sorted(v)[len(v) // 2] if v else None

    def share_values(self, name, of):
        """Each repetition's counter @name as a share of counter @of."""
        return [p["counters_per_op"][name] / p["counters_per_op"][of] for p in self.points
                if p.get("counters_per_op") and p["counters_per_op"].get(of)]

    def sum_values(self, *names):
        """Each repetition's counters @names per operation, added."""
        return [sum(p["counters_per_op"][n] for n in names) for p in self.points
                if p.get("counters_per_op") and all(n in p["counters_per_op"] for n in names)]


class Results:
    def __init__(self, folder):
        self.folder = folder
        self.context = load_json(os.path.join(folder, "context.json"), {})
        self.points = load_json(os.path.join(folder, "results.json"), [])
        self.skipped = [p for p in self.points if p.get("skipped")]
        self.measured = [p for p in self.points if not p.get("skipped")]
        self.groups = {}
        for p in self.measured:
            key = (p["strategy"], p["workload"], p["threads"])
            g = self.groups.get(key)
            if g is None:
                g = self.groups[key] = Group(*key)
            g.points.append(p)
        for g in self.groups.values():
            g.points.sort(key=lambda p: p.get("rep", 0))
        reps = load_json(os.path.join(folder, "reps.json"), {})
        self.reps_policy = reps.get("policy") if isinstance(reps, dict) else None
        self.reps = {(e["strategy"], e["workload"], e["threads"]): e
                     for e in (reps.get("points", []) if isinstance(reps, dict) else [])}

    def sub(self, name):
        """A sub-folder's results, if make report wrote one."""
        path = os.path.join(self.folder, name)
        return Results(path) if os.path.exists(os.path.join(path, "results.json")) else None

    def strategies(self):
        return sorted({k[0] for k in self.groups}, key=strategy_key)

    def counter_names(self):
        """The engine's counters, in the order the binary writes them (from
        the points: the plots keep no list of their own)."""
        for p in self.points:
            if p.get("counters_per_op"):
                return [k for k in p["counters_per_op"] if k != "ops"]
        return []

    def rcu_walkers(self):
        """The strategies that walk in RCU mode, as their counters show."""
        return {k[0] for k, g in self.groups.items() if (g.counter("rcu_walks") or 0) > 0}

    def ref_walkers(self):
        """The strategies with counters that never walked in RCU mode."""
        rcu = self.rcu_walkers()
        return {k[0] for k, g in self.groups.items()
                if k[0] not in rcu and g.counter("ref_ops") is not None}

    def workloads(self):
        seen = []
        for p in self.points:
            if p["workload"] not in seen:
                seen.append(p["workload"])
        return seen

    def threads(self, workload=None):
        return sorted({k[2] for k in self.groups if workload is None or k[1] == workload})

    def group(self, strategy, workload, threads):
        return self.groups.get((strategy, workload, threads))

    def spec(self, workload):
        """@workload's definition, as its points recorded it ({} if none did)."""
        return next((p["workload_spec"] for p in self.points if p["workload"] == workload and
                     isinstance(p.get("workload_spec"), dict)), {})

    def fs(self, workload):
        """'disk, at most 512 unused dentries': @workload's filesystem in words."""
        sp = self.spec(workload)
        budget = sp.get("dentry_budget") or 0
        return sp.get("fs", PLAIN_FS) + (", at most %d unused dentries" % budget
                                          if budget else "")

    def fs_pairs(self):
        """(twin, variant): two workloads whose definitions differ in their
        filesystem or dentry budget alone, the variant on another type,
        option or budget; the twin is, where the folder has it, for a
        budget the same filesystem without one, for a type with options
        (nfs,reval=echild) the same type without them, else plain tmpfs
        with no budget.  On a type other than tmpfs, a workload with
        writers (automount-storm's expiries) pairs instead with the same
        one without them (automount-steady): what the writer's churn of
        the filesystem's own state costs its readers."""
        specs = {w: sp for w, sp in ((w, self.spec(w)) for w in self.workloads()) if sp}
        rest = lambda sp, also=(): {k: v for k, v in sp.items()  # noqa: E731
                                    if k not in FS_KEYS + NAME_KEYS + also}
        fs = lambda sp: (sp.get("fs", PLAIN_FS), sp.get("dentry_budget") or 0)  # noqa: E731
        pairs = []
        for v, sv in specs.items():
            kind, budget = fs(sv)
            if sv.get("writers") and kind != PLAIN_FS:
                twin = next((w for w, sw in specs.items() if fs(sw) == fs(sv) and
                             not sw.get("writers") and
                             rest(sw, WRITER_KEYS) == rest(sv, WRITER_KEYS)), None)
            else:
                wants = (([(kind, 0)] if budget else []) +
                         ([(kind.split(",")[0], 0)] if "," in kind else []) + [(PLAIN_FS, 0)])
                twin = next((w for want in wants if want != fs(sv) for w, sw in specs.items()
                             if w != v and fs(sw) == want and rest(sw) == rest(sv)), None)
            if twin:
                pairs.append((twin, v))
        return pairs

    def budgeted(self):
        """The workloads measured under a dentry budget."""
        return [w for w in self.workloads() if self.spec(w).get("dentry_budget")]

    def filesystems(self):
        """Where the filesystem comparisons are: make report's fs/, or the
        folder itself when it holds such pairs (any sweep); None if neither."""
        fs = self.sub("fs")
        if fs:
            return fs
        return self if self.fs_pairs() or self.budgeted() else None

    def machine(self):
        """context.json's machine description, or {} (older folders)."""
        m = self.context.get("machine")
        return m if isinstance(m, dict) else {}

    def missed_target(self, key):
        """'missed ±3% target after 10 reps (±7.2%)' for a point whose
        adaptive repetitions stopped short of the target, else None."""
        e = self.reps.get(key)
        pol = self.reps_policy or {}
        if not e or e.get("reached", True) or e.get("stopped") == "fixed":
            return None
        target = pol.get("target_pct")
        why = {"time-cap": "; stopped by the time cap",
               "running": "; its sweep ended before it did"}.get(e.get("stopped"), "")
        return "missed %s target after %d reps (%s%s)" % (
            "±%g%%" % target if target is not None else "its", e.get("reps", 0),
            "±%.1f%%" % e["ci95_pct"] if e.get("ci95_pct") is not None else "no interval",
            why)

    def caption(self):
        c = self.context
        date = c.get("start_utc", "")[:10]
        return "%s: %s, %s; %s; nameibench %s%s" % (
            c.get("hostname", "?"), c.get("cpu_model", "?"), c.get("topology", "?"), date,
            c.get("git_commit", "?"), " (dirty)" if c.get("git_dirty") else "")


def load_json(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def base_workload(name):
    """rename-churn@200 -> rename-churn"""
    return name.split("@", 1)[0]
