#!/usr/bin/env python3
"""Plots of a nameibench results folder, with gnuplot, as PNG and SVG.

    python3 plots/plot.py RESULTS_DIR      # writes RESULTS_DIR/plots/

Every plot carries a caption naming the machine and the date, names the
strategies the same way and in the same colours everywhere, labels its
axes with units, and goes logarithmic where the spread needs it.
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbresults as nr  # noqa: E402
import syscalls  # noqa: E402

WIDTH, HEIGHT = 900, 540
# oversubscribed points are ringed in this (no strategy's) colour, so that
# each strategy keeps its own
RING = "pt 6 ps 3 lw 1.5 lc rgb '#444444'"
OVERSUBSCRIBED = ("; a ringed point was oversubscribed (more threads than PUs, or a writer "
                  "sharing a reader's PU)")


class Plot:
    def __init__(self, name, title, what, png, svg):
        self.name, self.title, self.what, self.png, self.svg = name, title, what, png, svg


class Plotter:
    def __init__(self, results, outdir):
        self.r = results
        self.out = outdir
        self.data = os.path.join(outdir, "data")
        os.makedirs(self.data, exist_ok=True)
        self.caption = results.caption()

    # -- gnuplot --

    def render(self, name, body, title, what, width=WIDTH, height=HEIGHT):
        """Run @body under a PNG and an SVG terminal; return a Plot."""
        png = os.path.join(self.out, name + ".png")
        svg = os.path.join(self.out, name + ".svg")
        common = ("set encoding utf8\nset title %s noenhanced\n"
                  "set label 99 %s at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' "
                  "noenhanced\nset bmargin 6\nset grid lc rgb '#dddddd'\nset key noenhanced\n"
                  % (gq(title), gq(self.caption)))
        script = ("set terminal pngcairo size %d,%d font 'sans,10' noenhanced\n"
                  "set output %s\n%s%s\nunset output\n"
                  "set terminal svg size %d,%d dynamic font 'sans,10' noenhanced\n"
                  "set output %s\n%s%s\nunset output\n"
                  % (width, height, gq(name + ".png"), common, body, width, height,
                     gq(name + ".svg"), common, body))
        with open(os.path.join(self.data, name + ".gp"), "w") as f:
            f.write(script)
        # paths in the script are relative to the plots folder, so that
        # 'cd DIR/plots && gnuplot data/NAME.gp' redraws a plot anywhere
        p = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True,
                           cwd=self.out)
        if p.returncode != 0 or not os.path.exists(png) or not os.path.exists(svg):
            raise RuntimeError("gnuplot failed on %s: %s" % (name, p.stderr.strip()[-500:]))
        return Plot(name, title, what, png, svg)

    def datafile(self, name, blocks):
        """Write gnuplot data blocks (lists of rows), separated for 'index'."""
        path = os.path.join(self.data, name + ".dat")
        rel = os.path.join("data", name + ".dat")
        with open(path, "w") as f:
            for i, rows in enumerate(blocks):
                if i:
                    f.write("\n\n")
                for row in rows:
                    f.write(" ".join(str(x) for x in row) + "\n")
        return rel

    def ring(self, name, strategies, workload, y):
        """The curve that rings @workload's oversubscribed points at
        (threads, @y(group)), or [] when there are none."""
        rows = [(t, y(g)) for s in strategies for t in self.r.threads(workload)
                for g in [self.r.group(s, workload, t)] if g and g.oversubscribed()]
        if not rows:
            return []
        path = self.datafile(name + "-oversubscribed", [rows])
        return ["%s using 1:2 with points %s title 'oversubscribed'" % (gq(path), RING)]

    # -- the plots --

    def throughput(self, workload):
        strategies = [s for s in self.r.strategies()
                      if any(self.r.group(s, workload, t) for t in self.r.threads(workload))]
        threads = self.r.threads(workload)
        if not strategies or not threads:
            return None
        blocks, means = [], []
        for s in strategies:
            blocks.append(throughput_rows(self.r, s, workload, means))
        path = self.datafile("throughput-" + workload, blocks)
        one = [self.r.group(s, workload, threads[0]) for s in strategies]
        best1 = max(g.mean() / threads[0] for g in one if g) / 1e6
        logy = max(means) / max(min(means), 1) > 30
        curves = ["%s index %d using 1:2:3:4 with yerrorlines lw 2 pt %d lc rgb '%s' title '%s'"
                  % (gq(path), i, nr.STRATEGY_POINT.get(s, 1), nr.color(s), s)
                  for i, s in enumerate(strategies)]
        curves.append("%g*x with lines dt 3 lw 1.5 lc rgb '#888888' title 'linear scaling "
                      "(best 1-thread)'" % best1)
        ring = self.ring("throughput-" + workload, strategies, workload,
                         lambda g: g.mean() / 1e6)
        curves += ring
        body = ("set xlabel 'threads'\nset ylabel 'throughput (million operations/s)'\n"
                "set xtics (%s)\nset xrange [%g:%g]\n%s"
                "set key top left\nplot %s\n"
                % (", ".join(str(t) for t in threads), threads[0] * 0.8, threads[-1] * 1.15,
                   "set logscale y\n" if logy else "set yrange [0:*]\n", ", \\\n  ".join(curves)))
        return self.render("throughput-" + workload, body,
                           "%s: throughput against threads" % workload,
                           "mean of the repetitions, error bars from the slowest to the "
                           "fastest; the dotted line is linear scaling from the best "
                           "1-thread figure" + (OVERSUBSCRIBED if ring else ""))

    def scaling(self, workload):
        threads = self.r.threads(workload)
        if len(threads) < 2:
            return None
        strategies, blocks = [], []
        for s in self.r.strategies():
            g1 = self.r.group(s, workload, threads[0])
            if not g1:
                continue
            rows = []
            for t in threads:
                g = self.r.group(s, workload, t)
                if g:
                    sp = g.mean() / g1.mean() * threads[0]
                    rows.append((t, sp, 100.0 * sp / t))
            strategies.append(s)
            blocks.append(rows)
        path = self.datafile("scaling-" + workload, blocks)
        left = ", ".join("%s index %d using 1:2 with linespoints lw 2 pt %d lc rgb '%s' title '%s'"
                         % (gq(path), i, nr.STRATEGY_POINT.get(s, 1), nr.color(s), s)
                         for i, s in enumerate(strategies))
        right = ", ".join("%s index %d using 1:3 with linespoints lw 2 pt %d lc rgb '%s' notitle"
                          % (gq(path), i, nr.STRATEGY_POINT.get(s, 1), nr.color(s))
                          for i, s in enumerate(strategies))
        tics = ", ".join(str(t) for t in threads)
        first = self.r.group
        ring = self.ring("scaling-" + workload, strategies, workload,
                         lambda g: g.mean() / first(g.strategy, workload, threads[0]).mean() *
                         threads[0])
        body = ("set multiplot layout 1,2\nset xlabel 'threads'\nset xtics (%s)\n"
                "set xrange [%g:%g]\nset ylabel 'speedup over 1 thread (x)'\nset key top left\n"
                "plot %s, x with lines dt 3 lc rgb '#888888' title 'linear'%s\n"
                "set ylabel 'parallel efficiency (%% of linear)'\nset yrange [0:*]\n"
                "plot %s, 100 with lines dt 3 lc rgb '#888888' notitle\nunset multiplot\n"
                % (tics, threads[0] * 0.8, threads[-1] * 1.15, left,
                   "".join(", " + c for c in ring), right))
        return self.render("scaling-" + workload, body,
                           "%s: speedup and parallel efficiency" % workload,
                           "speedup = throughput at N threads over throughput at 1; "
                           "efficiency = speedup / N" + (OVERSUBSCRIBED if ring else ""))

    def footprint(self, workload):
        t = self.r.threads(workload)[:1]
        rows = []
        for s in self.r.strategies():
            g = self.r.group(s, workload, t[0]) if t else None
            if g and g.counter("shared_rmw") is not None:
                rows.append((s, round(g.counter("shared_rmw"), 3),
                             round(g.counter("shared_stores"), 3),
                             round(g.counter("ref_ops"), 3)))
        if not rows:
            return None
        path = self.datafile("footprint-" + workload, [rows])
        body = ("set style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
                "set ylabel 'per operation (count)'\nset yrange [0:*]\nset key top right\n"
                "plot %s using 2:xtic(1) title 'atomic read-modify-writes on shared words' "
                "lc rgb '#d62728', '' using 3 title 'stores to shared words' lc rgb '#1f77b4', "
                "'' using 4 title 'reference count changes' lc rgb '#bbbbbb', "
                "'' using ($0-0.3):($2):(sprintf('%%.3g',$2)) with labels offset 0,0.7 "
                "font ',8' notitle\n" % gq(path))
        return self.render("footprint-" + workload, body,
                           "%s: footprint on shared memory, %d thread%s" %
                           (workload, t[0], "" if t[0] == 1 else "s"),
                           "what one operation writes to memory other threads read: the "
                           "engine's counters per operation (the kernel keeps none)")

    def latency(self, workload):
        threads = self.r.threads(workload)
        if not threads:
            return None
        t = threads[-1]
        rows = []
        for s in self.r.strategies():
            g = self.r.group(s, workload, t)
            if g and g.latency("p50") is not None:
                rows.append((s, max(g.latency("p50"), 1), max(g.latency("p90"), 1),
                             max(g.latency("p99"), 1), max(g.latency("p99_9"), 1)))
        if not rows:
            return None
        path = self.datafile("latency-" + workload, [rows])
        body = ("set style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset logscale y\n"
                "set ylabel 'latency (ns, log scale)'\nset key top left\n"
                "plot %s using 2:xtic(1) title 'p50' lc rgb '#a1d99b', '' using 3 title 'p90' "
                "lc rgb '#41ab5d', '' using 4 title 'p99' lc rgb '#006d2c', '' using 5 "
                "title 'p99.9' lc rgb '#00441b'\n" % gq(path))
        return self.render("latency-" + workload, body,
                           "%s: latency percentiles at %d thread%s" %
                           (workload, t, "" if t == 1 else "s"),
                           "every 64th operation timed; the median repetition of each "
                           "percentile")

    def rcu_outcomes(self, family, extra):
        """RCU-walk outcomes against the writers' rate, for one churn family."""
        series = {}
        for res in [self.r] + extra:
            rcu = res.rcu_walkers()
            for (s, w, t), g in res.groups.items():
                if nr.base_workload(w) != family or s not in rcu:
                    continue
                if t != max(res.threads(w)):
                    continue
                walks = g.counter("rcu_walks")
                if not walks:
                    continue
                rate = g.mean("writer_ops_per_sec") / max(g.points[0]["writers"], 1)
                series.setdefault(s, []).append(
                    (rate, 100 * g.counter("rcu_completed") / walks,
                     max(100 * g.counter("unlazy") / walks, 1e-6),
                     max(100 * g.counter("echild_restarts") / walks, 1e-6)))
        if not series:
            return None
        strategies = sorted(series, key=nr.strategy_key)
        path = self.datafile("rcu-outcomes-" + family,
                             [sorted(series[s]) for s in strategies])
        curves = []
        for i, s in enumerate(strategies):
            for col, what, dt in ((2, "completed in RCU", 1), (3, "unlazied", 2),
                                  (4, "restarted (-ECHILD)", 3)):
                curves.append("%s index %d using 1:%d with linespoints dt %d lw 2 pt %d "
                              "lc rgb '%s' title '%s: %s'" % (gq(path), i, col, dt,
                                                             nr.STRATEGY_POINT.get(s, 1),
                                                             nr.color(s), s, what))
        body = ("set logscale x\nset logscale y\nset format y '%%g'\nset yrange [1e-5:150]\n"
                "set xlabel 'writer operations per second (per writer, log scale)'\n"
                "set ylabel 'RCU walks (%%, log scale)'\nset key bottom left font ',8'\n"
                "plot %s\n" % ", \\\n  ".join(curves))
        return self.render("rcu-outcomes-" + family, body,
                           "%s: what becomes of RCU walks as writers speed up" % family,
                           "walks finished without leaving RCU mode, switched to REF-walk "
                           "midway (unlazy), or restarted from the top (-ECHILD), at the "
                           "highest thread count")

    def timeline(self, pts):
        """The per-second timeline of the chosen points (make report's long points)."""
        pts = [p for p in pts if p.get("timeline")]
        if not pts:
            return None
        pts.sort(key=lambda p: nr.strategy_key(p["strategy"]))
        blocks, titles = [], []
        for p in pts:
            rows = []
            for sec, row in enumerate(p["timeline"], 1):
                readers = row[:p["threads"]]
                rows.append([sec, sum(readers) / 1e6] + [v / 1e6 for v in readers])
            blocks.append(rows)
            titles.append((p["strategy"], p["workload"], p["threads"]))
        path = self.datafile("timeline", blocks)
        curves = []
        for i, (s, w, t) in enumerate(titles):
            curves.append("%s index %d using 1:2 with linespoints lw 2.5 pt %d lc rgb '%s' "
                          "title '%s, all %d readers'" % (gq(path), i, nr.STRATEGY_POINT.get(s, 1),
                                                         nr.color(s), s, t))
            for k in range(t):
                curves.append("%s index %d using 1:%d with lines lw 1 dt 2 lc rgb '%s' %s"
                              % (gq(path), i, 3 + k, nr.color(s),
                                 "title '%s, each reader'" % s if k == 0 else "notitle"))
        # the total and each reader differ by the thread count: log scale
        body = ("set xlabel 'second of the measurement'\n"
                "set ylabel 'throughput (million operations/s, log scale)'\nset logscale y\n"
                "set key outside right font ',8'\nplot %s\n" % ", \\\n  ".join(curves))
        w = titles[0][1]
        return self.render("timeline", body, "%s: throughput second by second" % w,
                           "each second of one long point per strategy: a strategy that "
                           "collapses (lockref falling back to locked-only operation) shows "
                           "as a step down", width=WIDTH + 200)

    def fs_pair(self, twin, variant):
        """A workload on another filesystem (type, option or budget) beside
        its twin (nbresults.fs_pairs), at the highest thread count both
        have: throughput, walks that finished in RCU mode, shared writes and
        waits for another lookup of the same name, per strategy."""
        common = sorted(set(self.r.threads(twin)) & set(self.r.threads(variant)))
        if not common:
            return None
        t, rows = common[-1], []
        for s in self.r.strategies():
            a, b = self.r.group(s, twin, t), self.r.group(s, variant, t)
            if not a or not b or a.counter("rcu_walks") is None or \
                    b.counter("rcu_walks") is None:
                continue
            row = [s, round(a.mean() / 1e6, 4), round(b.mean() / 1e6, 4)]
            for g in (a, b):
                walks = g.counter("rcu_walks")
                row.append(round(100 * g.counter("rcu_completed") / walks, 3) if walks else 0)
            row += [round(g.counter("shared_rmw") + g.counter("shared_stores"), 3)
                    for g in (a, b)]
            row += [round(g.counter("inlookup_waits"), 5) for g in (a, b)]
            rows.append(row)
        if not rows:
            return None
        name = "fs-" + variant
        path = self.datafile(name, [rows])
        twin_t = gq("%s (%s)" % (twin, self.r.fs(twin)))
        var_t = gq("%s (%s)" % (variant, self.r.fs(variant)))

        def panel(ylabel, col):
            return ("set ylabel %s\nplot %s using %d:xtic(1) title %s lc rgb '#9ecae1', "
                    "'' using %d title %s lc rgb '#08519c'\n" % (gq(ylabel), gq(path), col,
                                                                 twin_t, col + 1, var_t))
        title = "%s against %s: the filesystem's part, %d thread%s" % (
            variant, twin, t, "" if t == 1 else "s")
        # one title over the panels, and one key under them all
        body = ("set style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset yrange [0:*]\n"
                "set multiplot layout 1,4 title %s noenhanced\nunset title\n"
                "set key at screen 0.5, screen 0.09 center horizontal font ',9'\n" % gq(title) +
                panel("throughput (million operations/s)", 2) + "unset key\n" +
                panel("walks finished in RCU mode (%)", 4) +
                panel("shared writes per operation (RMWs + stores)", 6) +
                panel("waits for another lookup of the name, per operation", 8) +
                "unset multiplot\n")
        return self.render(name, body, title,
            "the same workload on %s and on %s: throughput, the share of walks that "
            "finished without leaving RCU mode (0 for a strategy that never walks in it), "
            "shared atomic read-modify-writes and stores per operation, and slow lookups "
            "that waited for another of the same name (d_alloc_parallel), per operation; "
            "means of the repetitions" % (self.r.fs(twin), self.r.fs(variant)),
            width=WIDTH + 500)

    def evictions(self):
        """What a dentry budget costs: unused dentries the shrinker killed,
        and the walks that left RCU mode, per operation."""
        rows = []
        for w in self.r.budgeted():
            t = self.r.threads(w)[-1]
            for s in self.r.strategies():
                g = self.r.group(s, w, t)
                if not g or g.counter("evictions") is None:
                    continue
                walks = g.counter("rcu_walks")
                rows.append(('"%s %s"' % (w, s), round(g.counter("evictions"), 4),
                             round(g.counter("unlazy") + g.counter("echild_restarts"), 4)
                             if walks else 0))
        if not rows:
            return None
        path = self.datafile("evictions", [rows])
        body = ("set style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset yrange [0:*]\n"
                "set ylabel 'per operation (count)'\nset key top right\n"
                "plot %s using 2:xtic(1) title 'dentries evicted (prune_dcache_sb)' "
                "lc rgb '#d62728', '' using 3 title 'walks that left RCU mode (unlazy or "
                "-ECHILD)' lc rgb '#1f77b4', '' using ($0-0.2):($2):(sprintf('%%.3g',$2)) "
                "with labels offset 0,0.7 font ',8' notitle\n" % gq(path))
        return self.render("evictions", body, "under a dentry budget: what the shrinker "
                           "takes, at the highest thread count",
                           "each workload's unused dentries capped (%s): the dentries the "
                           "allocator's reclaim killed per operation, and the walks that "
                           "had to leave RCU mode to look a name up again" % "; ".join(
                               "%s: %s" % (w, self.r.fs(w)) for w in self.r.budgeted()))

    def heatmap(self):
        workloads = [w for w in self.r.workloads() if self.r.threads(w)]
        strategies = self.r.strategies()
        if not workloads or not strategies:
            return None
        rows, labels = [], []
        for j, s in enumerate(strategies):
            row = []
            for i, w in enumerate(workloads):
                t = self.r.threads(w)[-1]
                g = self.r.group(s, w, t)
                best = max((self.r.group(x, w, t).mean() for x in strategies
                            if self.r.group(x, w, t)), default=0)
                if g and best:
                    row.append(round(g.mean() / best, 4))
                    labels.append((i, j, "%.3g M" % (g.mean() / 1e6), g.mean() / best > 0.6))
                else:
                    row.append("NaN")
            rows.append(row)
        path = self.datafile("heatmap", [rows])
        # light text on the dark cells, dark text on the light ones
        lpath = self.datafile("heatmap-labels", [
            [(i, j, '"%s"' % l) for i, j, l, dark in labels if not dark],
            [(i, j, '"%s"' % l) for i, j, l, dark in labels if dark]])
        body = ("set xtics (%s) rotate by -25\nset ytics (%s)\nset xrange [-0.5:%g]\n"
                "set yrange [%g:-0.5]\nset cbrange [0:1]\nset cblabel 'share of the best "
                "strategy on the workload'\nset palette defined (0 '#fff7ec', 0.5 '#fc8d59', "
                "1 '#7f0000')\nunset grid\nset xlabel 'workload (at its highest thread count)'\n"
                "set bmargin 8\nplot %s matrix with image notitle, "
                "%s index 0 using 1:2:3 with labels font ',9' tc rgb '#000000' notitle, "
                "%s index 1 using 1:2:3 with labels font ',9' tc rgb '#ffffff' notitle\n"
                % (", ".join("'%s' %d" % (w, i) for i, w in enumerate(workloads)),
                   ", ".join("'%s' %d" % (s, j) for j, s in enumerate(strategies)),
                   len(workloads) - 0.5, len(strategies) - 0.5, gq(path), gq(lpath), gq(lpath)))
        return self.render("heatmap", body, "strategies and workloads at the highest thread "
                           "count", "each cell: throughput (million operations/s) and, in "
                           "colour, its share of the best strategy on that workload")


def throughput_rows(res, strategy, workload, means):
    """(threads, mean, slowest, fastest) in Mops/s for each thread count
    measured; the means in ops/s are appended to @means."""
    rows = []
    for t in res.threads(workload):
        g = res.group(strategy, workload, t)
        if g:
            v = g.values()
            rows.append((t, g.mean() / 1e6, min(v) / 1e6, max(v) / 1e6))
            means.append(g.mean())
    return rows


def gq(s):
    """A gnuplot string literal."""
    return "'" + str(s).replace("'", "''") + "'"


def parse_timeline(spec):
    """STRATEGY/WORKLOAD/THREADS -> a key"""
    try:
        s, w, t = spec.split("/")
        return (s, w, int(t))
    except ValueError:
        raise argparse.ArgumentTypeError("expected STRATEGY/WORKLOAD/THREADS, e.g. "
                                         "lockref/stat-hot/2, not %r" % spec)


def timeline_points(r, chosen):
    """The points whose timeline to draw: the chosen keys (from the folder
    or its sub-folders), or else everything in timeline/."""
    if not chosen:
        tl = r.sub("timeline")
        return tl.measured if tl else []
    pts = []
    for res in [r] + [x for x in (r.sub("rates"), r.sub("timeline")) if x]:
        pts += [p for p in res.measured if (p["strategy"], p["workload"], p["threads"]) in chosen]
    missing = set(chosen) - {(p["strategy"], p["workload"], p["threads"]) for p in pts}
    if missing:
        raise SystemExit("plot: --timeline: no point %s in %s" % (
            ", ".join("%s/%s/%d" % k for k in sorted(missing)), r.folder))
    if not any(p.get("timeline") for p in pts):
        raise SystemExit("plot: --timeline: the chosen points ran under a second and have "
                         "no timeline")
    return pts


def draw_all(folder, timeline=None):
    """Every plot for a results folder; returns the Plots, in report order.
    @timeline: (strategy, workload, threads) keys whose timeline to draw."""
    r = nr.Results(folder)
    if not r.measured:
        raise SystemExit("plot: no measured points in %s/results.json" % folder)
    p = Plotter(r, os.path.join(folder, "plots"))
    extra = [x for x in (r.sub("rates"),) if x]
    plots = []
    for w in r.workloads():
        for fn in (p.throughput, p.scaling, p.footprint, p.latency):
            plots.append(fn(w))
    families = sorted({nr.base_workload(w) for res in [r] + extra for w in res.workloads()
                       if any(g.points[0]["writers"] for (s, ww, t), g in res.groups.items()
                              if ww == w)})
    for fam in families:
        plots.append(p.rcu_outcomes(fam, extra))
    plots.append(p.timeline(timeline_points(r, timeline)))
    plots.append(p.heatmap())
    fs = r.filesystems()
    if fs:
        pf = Plotter(fs, p.out)
        plots += [pf.fs_pair(twin, variant) for twin, variant in fs.fs_pairs()]
        plots.append(pf.evictions())
    sc = r.sub("syscalls")
    if sc:
        plots += syscalls.draw(Plotter(sc, p.out))
    return r, [x for x in plots if x]


def add_timeline_option(ap):
    ap.add_argument("--timeline", action="append", type=parse_timeline,
                    metavar="STRATEGY/WORKLOAD/THREADS",
                    help="draw this point's per-second timeline (repeatable; default: the "
                         "points in the folder's timeline/); a point needs a duration of 2 "
                         "seconds or more to have one worth drawing")


def main():
    ap = argparse.ArgumentParser(description="Draw a nameibench results folder's plots.")
    ap.add_argument("results", help="a folder written by 'nameibench sweep'")
    add_timeline_option(ap)
    args = ap.parse_args()
    _, plots = draw_all(args.results, args.timeline)
    for x in plots:
        print(x.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
