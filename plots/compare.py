#!/usr/bin/env python3
"""A/B comparison of two nameibench results folders.

    nameibench compare OLD_DIR NEW_DIR [--threshold PCT] [--sigma K] [--html FILE]
    python3 plots/compare.py OLD_DIR NEW_DIR ...

Points are matched by (folder, strategy, workload, threads), folder being
the results folder itself or the rates/, timeline/ and fs/ series make
report adds.  Each matched point prints as the kernel test robot prints its
tables: the old mean with its spread across repetitions (%stddev), the
change (%change), the new mean with its spread.  A change is marked when
it is larger than the noise: more than K times the two sides' relative
standard deviations combined (sqrt(old^2 + new^2); K is --sigma, default
3) and more than 1%.  A marked drop beyond --threshold percent (default
5) is a regression, and the exit status is then 1; otherwise 0.  Bad
input exits 2.

The spread is that of single repetitions, not of their mean: drift
between two runs on one machine is usually larger than the spread within
a run, and this keeps it from passing for a change.  A point measured
once (make report's rates/ and timeline/ series) has no spread of its
own and is given the median spread of the two runs' repeated points;
when nothing was repeated, every change beyond 1% is marked.

Counters per operation (the engine's footprint) are compared too and
listed when they move, but they never decide the exit status.  The
kernel strategy's points measure the machine's kernel, not this code.
"""

import argparse
import html
import json
import math
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbresults as nr  # noqa: E402

SERIES = ("", "rates", "timeline", "fs")  # the folder and make report's sub-folders
MIN_CHANGE = 0.01                   # below 1%, nothing is marked however tight the spread


class Row:
    """One matched point."""

    def __init__(self, series, key, old, new, sigma, threshold, pooled):
        self.series, self.key, self.old, self.new = series, key, old, new
        mo, mn = old.mean(), new.mean()
        self.change = (mn - mo) / mo if mo else 0.0
        self.noise = math.sqrt(spread(old, pooled) ** 2 + spread(new, pooled) ** 2)
        self.marked = abs(self.change) > max(sigma * self.noise, MIN_CHANGE)
        self.regression = self.marked and self.change < -threshold
        self.improvement = self.marked and self.change > threshold

    def name(self):
        s, w, t = self.key
        return "%s%s %s t=%d" % (self.series + "/" if self.series else "", s, w, t)

    def verdict(self):
        if self.regression:
            return "REGRESSION"
        if self.improvement:
            return "improvement"
        return "changed" if self.marked else ""


def spread(g, pooled):
    """A point's relative spread; with one repetition, the run's typical one."""
    return g.rel_stddev() if len(g.values()) > 1 else pooled


def pooled_spread(pairs):
    """The median relative spread of every repeated point of both runs: the
    noise a single repetition is assumed to carry (0 when nothing was
    repeated)."""
    v = sorted(g.rel_stddev() for _, o, n in pairs for res in (o, n)
               for g in res.groups.values() if len(g.values()) > 1)
    return v[len(v) // 2] if v else 0.0


def slowed(res):
    """Strategies whose points were slowed on purpose (--inject-delay)."""
    return sorted({p["strategy"] for p in res.measured if p.get("injected_delay_ns")})


def bad_input(msg):
    print("compare: " + msg, file=sys.stderr)
    sys.exit(2)


def load(folder, what):
    if not os.path.exists(os.path.join(folder, "results.json")):
        bad_input("%s (%s) has no results.json" % (folder, what))
    try:
        with open(os.path.join(folder, "results.json")) as f:
            json.load(f)
    except (OSError, ValueError) as e:
        bad_input("%s (%s): cannot read results.json: %s" % (folder, what, e))
    res = nr.Results(folder)
    if not res.measured:
        bad_input("%s (%s) has no measured points" % (folder, what))
    return res


def series_pairs(old, new):
    for s in SERIES:
        o, n = (old, new) if not s else (old.sub(s), new.sub(s))
        if o and n:
            yield s, o, n


def match(old, new, sigma, threshold):
    rows, only_old, only_new = [], [], []
    pairs = list(series_pairs(old, new))
    pooled = pooled_spread(pairs)
    for s, o, n in pairs:
        prefix = s + "/" if s else ""
        for key in sorted(set(o.groups) | set(n.groups),
                          key=lambda k: (k[1], nr.strategy_key(k[0]), k[2])):
            go, gn = o.groups.get(key), n.groups.get(key)
            if go and gn:
                rows.append(Row(s, key, go, gn, sigma, threshold, pooled))
            else:
                (only_old if go else only_new).append(prefix + "%s %s t=%d" % key)
    return rows, only_old, only_new


def counter_moves(rows):
    """Counters per operation that moved by more than 10% and 0.01."""
    out = []
    for r in rows:
        po = r.old.points[0].get("counters_per_op") or {}
        for c in sorted(po):
            a, b = r.old.counter(c), r.new.counter(c)
            if a is None or b is None:
                continue
            if abs(b - a) > 0.01 and abs(b - a) > 0.1 * max(abs(a), abs(b)):
                out.append((r.name(), c, a, b))
    return out


def fmt_ops(x):
    for div, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            return "%.3g%s" % (x / div, unit)
    return "%.3g" % x


def fmt_sd(g):
    return "±%.0f%%" % (100 * g.rel_stddev()) if len(g.values()) > 1 else "(1 rep)"



def table(rows):
    head = ["old ops/s", "%stddev", "%change", "new ops/s", "%stddev", "point", ""]
    body = [[fmt_ops(r.old.mean()), fmt_sd(r.old), "%+.1f%%" % (100 * r.change),
             fmt_ops(r.new.mean()), fmt_sd(r.new), r.name(), r.verdict()] for r in rows]
    return head, body


def describe(res):
    c = res.context
    return "%s (%s, %s, nameibench %s%s, %s)" % (
        res.folder, c.get("hostname", "?"), c.get("cpu_model", "?"), c.get("git_commit", "?"),
        " dirty" if c.get("git_dirty") else "", c.get("start_utc", "?"))


def warnings(old, new):
    out = []
    for side, res in (("OLD", old), ("NEW", new)):
        s = slowed(res)
        if s:
            out.append("%s was slowed on purpose (--inject-delay) for: %s" % (side, ", ".join(s)))
    co, cn = old.context, new.context
    for k in ("hostname", "cpu_model", "topology", "kernel"):
        if co.get(k) != cn.get(k):
            out.append("the runs differ in %s (%s / %s): changes are not the code's alone" %
                       (k, co.get(k), cn.get(k)))
    return out


def print_text(old, new, rows, only_old, only_new, moves, args):
    print("OLD %s" % describe(old))
    print("NEW %s" % describe(new))
    for w in warnings(old, new):
        print("warning: " + w)
    head, body = table(rows)
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    for line in [head] + body:
        print("  ".join(c.rjust(widths[i]) if i < 5 else c.ljust(widths[i])
                        for i, c in enumerate(line)).rstrip())
    for label, keys in (("only in OLD", only_old), ("only in NEW", only_new)):
        if keys:
            print("%s: %s" % (label, ", ".join(keys)))
    if moves:
        print("counters per operation that moved:")
        for name, c, a, b in moves:
            print("  %-40s %-16s %.3g -> %.3g" % (name, c, a, b))
    print(summary(rows, args))


def summary(rows, args):
    reg = [r for r in rows if r.regression]
    marked = [r for r in rows if r.marked]
    line = ("%d points compared, %d changed beyond the noise (%g sigma), %d regression%s "
            "beyond %g%%" % (len(rows), len(marked), args.sigma, len(reg),
                             "" if len(reg) == 1 else "s", args.threshold))
    if reg:
        line += ": " + ", ".join(r.name() for r in reg)
    return line


# ---------------------------------------------------------------- HTML

def overlay_plots(old, new, outdir):
    """Throughput against threads per workload, OLD dashed and NEW solid."""
    import plot
    pl = plot.Plotter(new, outdir)
    pl.caption = "OLD %s  |  NEW %s" % (old.caption(), new.caption())
    plots = []
    for w in new.workloads():
        if w not in old.workloads():
            continue
        threads = sorted(set(old.threads(w)) | set(new.threads(w)))
        strategies = [s for s in new.strategies() if s in old.strategies()]
        blocks, curves, means = [], [], []
        for s in strategies:
            for side, res, dt in (("old", old, 2), ("new", new, 1)):
                rows = plot.throughput_rows(res, s, w, means)
                if not rows:
                    continue
                blocks.append(rows)
                curves.append("%%s index %d using 1:2:3:4 with yerrorlines dt %d lw 2 pt %d "
                              "lc rgb '%s' title '%s %s'" % (len(blocks) - 1, dt,
                                                            nr.STRATEGY_POINT.get(s, 1),
                                                            nr.color(s), s, side))
        if not blocks:
            continue
        path = pl.datafile("compare-" + w, blocks)
        logy = max(means) / max(min(means), 1) > 30
        body = ("set xlabel 'threads'\nset ylabel 'throughput (million operations/s)'\n"
                "set xtics (%s)\nset xrange [%g:%g]\n%sset key outside right top\nplot %s\n"
                % (", ".join(str(t) for t in threads), threads[0] * 0.8, threads[-1] * 1.15,
                   "set logscale y\n" if logy else "set yrange [0:*]\n",
                   ", \\\n  ".join(c % plot.gq(path) for c in curves)))
        plots.append(pl.render("compare-" + w, body, "%s: OLD (dashed) against NEW (solid)" % w,
                               "mean of the repetitions, error bars from the slowest to the "
                               "fastest", width=1000))
    return plots


def write_html(path, old, new, rows, only_old, only_new, moves, args):
    import report
    tmp = tempfile.mkdtemp(prefix="nameibench-compare-")
    try:
        plots = overlay_plots(old, new, tmp)
        title = "nameibench compare"
        parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title>"
                 "<style>%s .REGRESSION{background:#fdd}.improvement{background:#dfd}</style>"
                 "</head><body><h1>%s</h1>" % (title, report.CSS, title),
                 "<p>OLD %s<br>NEW %s</p>" % (html.escape(describe(old)),
                                             html.escape(describe(new)))]
        for w in warnings(old, new):
            parts.append("<p><b>warning:</b> %s</p>" % html.escape(w))
        parts.append("<p><b>%s</b></p>" % html.escape(summary(rows, args)))
        head, body = table(rows)
        parts.append("<table><thead><tr>%s</tr></thead><tbody>" %
                     "".join("<th>%s</th>" % html.escape(h) for h in head))
        for r, line in zip(rows, body):
            parts.append("<tr class='%s'>%s</tr>" % (r.verdict(), "".join(
                "<td>%s</td>" % html.escape(c) for c in line)))
        parts.append("</tbody></table>")
        for label, keys in (("only in OLD", only_old), ("only in NEW", only_new)):
            if keys:
                parts.append("<p>%s: %s</p>" % (label, html.escape(", ".join(keys))))
        if moves:
            parts.append("<h2>Counters per operation that moved</h2>" + report.h_table(
                ["point", "counter", "old", "new"],
                [[n, c, "%.3g" % a, "%.3g" % b] for n, c, a, b in moves]))
        parts.append("<h2>Throughput, overlaid</h2>")
        parts += [report.figure_html(p) for p in plots]
        parts.append(report.SELF_CHECK + "</body></html>")
        report.write_atomic(path, "\n".join(parts))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(prog=os.environ.get("NAMEIBENCH_PROG"),
                                 description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old", metavar="OLD_DIR", help="the baseline results folder")
    ap.add_argument("new", metavar="NEW_DIR", help="the results folder to judge")
    ap.add_argument("--threshold", type=float, default=5.0, metavar="PCT",
                    help="a marked drop larger than this is a regression (default 5)")
    ap.add_argument("--sigma", type=float, default=3.0, metavar="K",
                    help="a change is marked beyond K combined relative standard "
                         "deviations (default 3)")
    ap.add_argument("--html", metavar="FILE", help="also write the comparison as one HTML page "
                                                   "with overlaid plots")
    args = ap.parse_args()
    if args.threshold < 0 or args.sigma < 0:
        ap.error("--threshold and --sigma must not be negative")
    old, new = load(args.old, "OLD"), load(args.new, "NEW")
    rows, only_old, only_new = match(old, new, args.sigma, args.threshold / 100)
    if not rows:
        bad_input("no point of %s matches one of %s" % (args.old, args.new))
    moves = counter_moves(rows)
    print_text(old, new, rows, only_old, only_new, moves, args)
    if args.html:
        write_html(args.html, old, new, rows, only_old, only_new, moves, args)
        print("wrote " + os.path.abspath(args.html))
    return 1 if any(r.regression for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
