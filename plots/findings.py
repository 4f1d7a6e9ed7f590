"""The findings of a results folder: a short ranked list, each with its
95% interval, and the comparisons the run could not resolve.

A finding is stated only when its interval (plots/nbstats.py) excludes
"no difference"; otherwise the comparison goes to the unresolved table with
its estimate and interval, and a group with fewer than two repetitions
goes there too, having no interval.  In order:

  (a) collapses: a strategy whose total throughput at the top thread count
      is below its 1-thread figure (the ratio's interval entirely below 1),
      or which keeps under half of linear scaling (the efficiency's
      interval entirely below 50%);
  (b) the winner on each workload at the top thread count, against the
      runner-up and against the kernel, with what the kernel spends
      outside the path walk and the filesystem its tree was on;
  (c) strategies that get slower per thread (efficiency entirely below
      100%) without collapsing;
  (d) what the footprints (shared atomic read-modify-writes and stores per
      operation) explain about (a).

Scaling efficiency at t threads = mean(t) / (t / t1 * mean(t1)), the ratio
interval scaled by t1 / t.
"""

import nbresults as nr
import nbstats as ns

COLLAPSE_EFFICIENCY = 0.5   # under half of linear scaling is a collapse


def pct_est(e):
    """The estimate whole; its interval's ends as pct_shown() keeps them."""
    return "%.0f%% [%s, %s]" % (100 * e.value, pct_shown(100 * e.lo), pct_shown(100 * e.hi))


def x_est(e):
    return "%sx [%s, %s]" % (plain(e.value), num(e.lo), num(e.hi))


def plain(x):
    return "%.3g" % x if x < 100 else "%.0f" % x


def pct_shown(x):
    """A percentage, whole unless rounding would put it on 50 or 100, the
    lines a finding is drawn at: an interval that excludes them must not
    print as touching them."""
    for decimals in range(0, 5):
        s = "%.*f" % (decimals, x)
        if not any(float(s) == ref != x for ref in (50.0, 100.0)):
            return s
    return s


def num(x):
    """Three significant figures, more where rounding would put an
    interval's end on 1 (a ratio excluding 1 must not print as touching it)."""
    if x >= 100:
        return "%.0f" % x
    for sig in range(3, 8):
        s = "%.*g" % (sig, x)
        if not float(s) == 1.0 != x:
            return s
    return s


def mops_est(e):
    return "%.3g Mops/s [%.3g, %.3g]" % (e.value / 1e6, e.lo / 1e6, e.hi / 1e6)


def count_est(e):
    return "%.3g [%.3g, %.3g]" % (e.value, e.lo, e.hi)


def join(words):
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def efficiency(r, s, w, t):
    """The efficiency at @t threads with its interval, None without two
    repetitions on both sides, or False when there is nothing to compare."""
    ts = r.threads(w)
    g1, gt = r.group(s, w, ts[0]), r.group(s, w, t)
    if not g1 or not gt or t == ts[0]:
        return False
    return ns.ratio_ci(gt.values(), g1.values(), ts[0] / t)


def kernel_words(r, w):
    """What the kernel's figure on @w holds: its time per operation at the
    lowest thread count, the baselines outside any path walk, and where its
    tree was."""
    ts = r.threads(w)
    g = r.group("kernel", w, ts[0]) if ts else None
    if not g:
        return ""
    parts = []
    per_op = ns.product_ci([(g.per_thread(), -1)], 1e9) if len(g.per_thread()) >= 2 else None
    if per_op:
        parts.append("%.0f ns [%.0f, %.0f] per operation at %d thread%s" % (
            per_op.value, per_op.lo, per_op.hi, ts[0], "" if ts[0] == 1 else "s"))
    gp, fs = g.kernel_baseline("getppid_ns"), g.kernel_baseline("fstat_fd_ns")
    if gp is not None and fs is not None:
        parts.append("of which %.0f ns entering and leaving the kernel (getppid) and %.0f ns "
                     "fstat on an open file, no path walked" % (gp, fs))
    else:
        parts.append("the cost of entering the kernel not recorded")
    parts.append(tree_words(g.points))
    return "the kernel: " + ", ".join(parts)


def tree_words(points):
    """Where the kernel strategy's tree lived: 'its tree on ext4, as an
    unprivileged user (alice, uid 1000)'."""
    fs = next((p["kernel_fs"] for p in points if p.get("kernel_fs")), None)
    user = next((p["kernel_user"] for p in points if p.get("kernel_user")), None)
    where = next((p["kernel_tree"] for p in points if p.get("kernel_tree")), None)
    if fs:
        text = "its tree on %s" % fs
    elif where:
        text = "its tree in %s" % where
    else:
        text = "its tree's filesystem not recorded"
    if user:
        text += ", as root" if "uid 0)" in user or user == "root" else (
            ", as an unprivileged user (%s)" % user)
    return text


class Findings:
    """The ranked findings of Results @r and the unresolved comparisons."""

    def __init__(self, r):
        self.r = r
        self.unresolved = []        # [what, estimate, interval]
        self.collapsed = {}         # strategy -> {workload: (kind, Est, t, t1)}
        self.slower = {}            # strategy -> {workload: Est}
        self.scaling()
        self.items = (self.collapse_items() + self.winner_items() + self.slower_items() +
                      self.footprint_items())

    def unresolved_row(self, what, est, fmt):
        """@est formatted by @fmt as 'VALUE [LO, HI]', or None (no interval)."""
        if est is None:
            self.unresolved.append([what, "", "no interval: fewer than 2 repetitions"])
        else:
            value, interval = fmt(est).split(" [", 1)
            self.unresolved.append([what, value, "[" + interval])

    # -- (a) and (c): how each strategy scales

    def scaling(self):
        r = self.r
        for w in r.workloads():
            ts = r.threads(w)
            if len(ts) < 2:
                continue
            t, t1 = ts[-1], ts[0]
            for s in r.strategies():
                e = efficiency(r, s, w, t)
                if e is False:
                    continue
                what = "%s on %s: %d threads against linear scaling from %d" % (s, w, t, t1)
                if e is None:
                    self.unresolved_row(what, None, pct_est)
                    continue
                total = e.scaled(t / t1)
                if total.below(1):
                    self.collapsed.setdefault(s, {})[w] = ("total", total, t, t1)
                elif e.below(COLLAPSE_EFFICIENCY):
                    self.collapsed.setdefault(s, {})[w] = ("efficiency", e, t, t1)
                elif e.below(1):
                    self.slower.setdefault(s, {})[w] = e
                elif not e.above(1):
                    self.unresolved_row(what, e, pct_est)
                if total.value < 1 and not total.below(1):
                    self.unresolved_row("%s on %s: total throughput at %d threads against %d"
                                        % (s, w, t, t1), total, x_est)

    def collapse_items(self):
        items = []
        for s, ws in self.collapsed.items():
            t = max(x[2] for x in ws.values())
            t1 = min(x[3] for x in ws.values())
            falls = [(w, e) for w, (k, e, _, _) in ws.items() if k == "total"]
            half = [(w, e) for w, (k, e, _, _) in ws.items() if k == "efficiency"]
            parts = []
            if falls:
                parts.append("does less in total than with %d thread%s on %s (the %d-thread "
                             "figure over the %d-thread one)" % (
                                 t1, "" if t1 == 1 else "s", join(
                                     "%s %s" % (w, x_est(e))
                                     for w, e in sorted(falls, key=lambda x: x[1].value)),
                                 t, t1))
            if half:
                parts.append("keeps under half of linear scaling on %s" % join(
                    "%s %s" % (w, pct_est(e)) for w, e in sorted(half, key=lambda x: x[1].value)))
            # rank by the deepest fall in total throughput
            worst = min(e.value * (1 if k == "total" else tt / tt1)
                        for k, e, tt, tt1 in ws.values())
            items.append((worst, ("Collapse", "%s at %d threads %s." % (
                s, t, "; it ".join(parts)))))
        return [item for _, item in sorted(items, key=lambda x: x[0])]

    def slower_items(self):
        out = []
        for s in sorted(self.slower, key=nr.strategy_key):
            ws = self.slower[s]
            t = max(self.r.threads(w)[-1] for w in ws)
            kept = join("%s on %s" % (pct_est(e), w)
                        for w, e in sorted(ws.items(), key=lambda x: x[1].value))
            out.append(("Slower per thread", "%s at %d threads keeps this share of linear "
                        "scaling: %s." % (s, t, kept)))
        return out

    # -- (b) the winners

    def winner_items(self):
        out = []
        r = self.r
        for w in r.workloads():
            ts = r.threads(w)
            if not ts:
                continue
            t = ts[-1]
            gs = sorted((r.group(s, w, t) for s in r.strategies() if r.group(s, w, t)),
                        key=lambda g: -g.mean())
            if not gs:
                continue
            line = self.winner_line(w, t, gs)
            if line:
                out.append(line)
        return out

    def winner_line(self, w, t, gs):
        """The fastest strategy on @w at @t threads against the runner-up
        and the kernel, each only where its interval excludes 1."""
        best, where = gs[0], "%s at %d thread%s" % (w, t, "" if t == 1 else "s")
        second = gs[1] if len(gs) > 1 else None
        k = self.r.group("kernel", w, t)
        against_kernel = None
        if k and best is not k:
            kr = ns.ratio_ci(best.values(), k.values())
            if kr and kr.excludes(1):
                against_kernel = "%s the kernel (%s)" % (x_est(kr), kernel_words(self.r, w))
            else:
                self.unresolved_row("%s: %s against the kernel%s" % (
                    where, best.strategy, " (the runner-up)" if second is k else ""), kr, x_est)
        if second is None:
            return None
        if second is k:
            if not against_kernel:
                return None
            return ("Winner", "on %s, %s is fastest, %s, %s." % (
                where, best.strategy, mops_est(best.est()), against_kernel))
        rr = ns.ratio_ci(best.values(), second.values())
        if rr and rr.above(1):
            head = "%s is fastest, %s, %s %s" % (best.strategy, mops_est(best.est()),
                                                 x_est(rr), second.strategy)
            return ("Winner", "on %s, %s%s." % (
                where, head, "; it is " + against_kernel if against_kernel else ""))
        self.unresolved_row("%s: %s against %s (the runner-up)" % (
            where, best.strategy, second.strategy), rr, x_est)
        if not against_kernel:
            return None
        return ("Winner", "on %s, %s leads but is not told apart from %s; it is %s." % (
            where, best.strategy, second.strategy, against_kernel))

    # -- (d) the footprints

    def footprint_items(self):
        r = self.r
        ws = [w for w in r.workloads() if any(
            g.counter("shared_rmw") is not None for (s, ww, t), g in r.groups.items() if ww == w)]
        if not ws:
            return []
        w = "stat-hot" if "stat-hot" in ws else ws[0]
        t1 = r.threads(w)[0]
        prints = {}
        for s in r.strategies():
            g = r.group(s, w, t1)
            if not g or g.counter("shared_rmw") is None:
                continue
            rmw, st = ns.mean_ci(g.counter_values("shared_rmw")), ns.mean_ci(
                g.counter_values("shared_stores"))
            if rmw and st:
                prints[s] = (rmw, st)
        if not prints:
            return []
        words = lambda ss: join("%s %s atomic RMWs and %s stores" % (  # noqa: E731
            s, count_est(prints[s][0]), count_est(prints[s][1])) for s in ss)
        where = "per operation on %s at %d thread%s" % (w, t1, "" if t1 == 1 else "s")
        down = [s for s in prints if s in self.collapsed]
        up = [s for s in prints if s not in self.collapsed]
        if not down or not up:
            return [("Footprint", "shared writes %s: %s." % (where, words(prints)))]
        fewest = min(down, key=lambda s: prints[s][0].value + prints[s][1].value)
        most = max(up, key=lambda s: prints[s][0].value + prints[s][1].value)
        sep = prints[fewest][0].lo + prints[fewest][1].lo > prints[most][0].hi + prints[most][1].hi
        why = ("what they write, other threads must fetch again: the fewest shared writes "
               "of a strategy that collapses (%s) are more than the most of one that does not "
               "(%s)" % (fewest, most) if sep else
               "the footprints do not separate them: %s collapses with fewer shared writes "
               "than %s, which does not" % (fewest, most))
        return [("Footprint", "the strategies that collapse write shared memory %s: %s; "
                 "the others: %s; %s." % (where, words(down), words(up), why))]


def calibrated_rows(r, cal, f):
    """Per workload: the calibrated rcuwalk's efficiency at the top thread
    count, the kernel's from the main folder, and the difference, each with
    its interval; differences that include 0 also go to @f's unresolved."""
    rows = []
    for w in cal.workloads():
        ts, kts = cal.threads(w), r.threads(w)
        if len(ts) < 2 or ts != kts or not r.group("kernel", w, ts[0]):
            continue
        t, t1 = ts[-1], ts[0]
        gc1, gct = cal.group("rcuwalk", w, t1), cal.group("rcuwalk", w, t)
        gk1, gkt = r.group("kernel", w, t1), r.group("kernel", w, t)
        if not (gc1 and gct and gk1 and gkt):
            continue
        ec, ek = efficiency(cal, "rcuwalk", w, t), efficiency(r, "kernel", w, t)
        d = ns.difference_ci([(gct.values(), 1), (gc1.values(), -1)], t1 / t,
                             [(gkt.values(), 1), (gk1.values(), -1)], t1 / t)
        cost = [p.get("syscall_cost_ns", 0) for p in gct.points + gc1.points]
        pts = lambda e: "%+.0f points [%+.0f, %+.0f]" % (  # noqa: E731
            100 * e.value, 100 * e.lo, 100 * e.hi)
        if d and d.excludes(0):
            verdict = "differs"
        elif d:
            verdict = "not told apart"
            f.unresolved_row("%s, %d threads: calibrated rcuwalk's scaling against the "
                             "kernel's" % (w, t), d, pts)
        else:
            verdict = "no interval"
        rows.append([w, str(t), "%.0f ns" % (sum(cost) / len(cost)),
                     pct_est(ec) if ec else "no interval", pct_est(ek) if ek else "no interval",
                     pts(d) if d else "", verdict])
    return rows


# -- (e) filesystem types: fs/, each workload beside its twin

def share_est(values):
    """A share's mean and interval, the interval kept within [0, 1]."""
    e = ns.mean_ci(values)
    return e and ns.Est(e.value, max(e.lo, 0.0), min(e.hi, 1.0))


def points_est(e):
    return "%+.3g points [%+.3g, %+.3g]" % (100 * e.value, 100 * e.lo, 100 * e.hi)


def per_op_est(e):
    return "%+.3g per op [%+.3g, %+.3g]" % (e.value, e.lo, e.hi)


# what a pair is compared on besides throughput: (words, each repetition's
# values, how a side reads, how a difference reads, how a mean reads in
# the table)
def per_op_side(words, counter):
    """A FS_SIDES row for a counter compared per operation."""
    return (words, lambda g: g.counter_values(counter), lambda v: count_est(ns.mean_ci(v)),
            per_op_est, lambda x: "%.3g" % x)


FS_SIDES = (
    ("walks finished in RCU mode", lambda g: g.share_values("rcu_completed", "rcu_walks"),
     lambda v: pct_est(share_est(v)), points_est, lambda x: "%.3g%%" % (100 * x)),
    ("shared writes per operation", lambda g: g.sum_values("shared_rmw", "shared_stores"),
     lambda v: count_est(ns.mean_ci(v)), per_op_est, lambda x: "%.3g" % x),
    per_op_side("waits for another lookup of the name per operation", "inlookup_waits"),
    per_op_side("-ECHILD from the filesystem's operations per operation", "fs_echild"),
    per_op_side("automounts per operation", "automounts"),
)


def mean(values):
    return sum(values) / len(values)


class Filesystems:
    """fs/'s comparisons: each variant (another type, option or budget)
    against its twin (nbresults.fs_pairs) per strategy at the top thread count both have,
    and what a dentry budget evicts.  What resolves is a finding (appended
    to @f's items); what does not goes to @f's unresolved table."""

    def __init__(self, fs, f):
        self.fs, self.f = fs, f
        self.items, self.pair_rows, self.budget_rows = [], [], []
        for twin, variant in fs.fs_pairs():
            self.pair(twin, variant)
        for w in fs.budgeted():
            self.budget(w)
        f.items += self.items

    def pair(self, twin, variant):
        fs = self.fs
        common = sorted(set(fs.threads(twin)) & set(fs.threads(variant)))
        if not common:
            return
        t = common[-1]
        for s in fs.strategies():
            a, b = fs.group(s, twin, t), fs.group(s, variant, t)
            if not a or not b:
                continue
            where = "%s on %s (%s) against %s (%s) at %d thread%s" % (
                s, variant, fs.fs(variant), twin, fs.fs(twin), t, "" if t == 1 else "s")
            parts, cells = [], []
            rr = ns.ratio_ci(b.values(), a.values())
            if rr and rr.excludes(1):
                parts.append("%s the throughput" % x_est(rr))
            else:
                self.f.unresolved_row("%s: throughput" % where, rr, x_est)
            cells.append(x_est(rr) if rr else "%.3gx (no interval)" % (b.mean() / a.mean()))
            for words, values, side, diff, shown in FS_SIDES:
                va, vb = values(a), values(b)
                if not va or not vb:
                    cells.append("")
                    continue
                cells.append("%s -> %s" % (shown(mean(va)), shown(mean(vb))))
                d = ns.mean_difference_ci(vb, va)
                if d and d.excludes(0):
                    parts.append("%s %s against %s" % (words, side(vb), side(va)))
                elif d is None or d.value != 0 or d.lo != d.hi:
                    self.f.unresolved_row("%s: %s" % (where, words), d, diff)
            self.pair_rows.append([variant, twin, s, str(t)] + cells)
            if parts:
                self.items.append(("Filesystem", "%s: %s." % (where, "; ".join(parts))))

    def budget(self, w):
        fs = self.fs
        t = fs.threads(w)[-1]
        for s in fs.strategies():
            g = fs.group(s, w, t)
            if not g or g.counter("evictions") is None:
                continue
            ev = ns.mean_ci(g.counter_values("evictions"))
            rcu = g.share_values("rcu_completed", "rcu_walks")
            done = pct_est(share_est(rcu)) if len(rcu) >= 2 else ""
            self.budget_rows.append([w, fs.fs(w), s, str(t),
                                     count_est(ev) if ev else "%.3g" % g.counter("evictions"),
                                     done, mops_est(g.est()) if g.est() else ""])
            where = "%s on %s (%s) at %d thread%s" % (s, w, fs.fs(w), t, "" if t == 1 else "s")
            if ev and ev.above(0):
                self.items.append(("Eviction", "%s: the shrinker evicts %s dentries per "
                                   "operation%s." % (where, count_est(ev), (
                                       "; %s of its walks finish in RCU mode" % done)
                                       if done else "")))
            else:
                self.f.unresolved_row("%s: evictions per operation" % where, ev, per_op_est)


PAIR_HEAD = ["variant", "twin", "strategy", "threads", "throughput, variant over twin",
             "walks finished in RCU mode (share)", "shared writes per op",
             "waits for another lookup per op", "-ECHILD from the filesystem per op",
             "automounts per op"]
BUDGET_HEAD = ["workload", "filesystem", "strategy", "threads", "evictions per op",
               "walks finished in RCU mode", "throughput"]
