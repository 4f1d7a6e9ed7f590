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
import nbresults as nr  # noqa: E402
import plot  # noqa: E402

REF_WALK = ("global", "dlock", "lockref")


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


# ---------------------------------------------------------------- findings

def scaling_findings(r):
    out = []
    for w in r.workloads():
        ts = r.threads(w)
        if len(ts) < 2:
            continue
        t = ts[-1]
        effs = [(s, efficiency(r, s, w, t)) for s in r.strategies()]
        effs = [(s, e) for s, e in effs if e is not None]
        if not effs:
            continue
        out.append("At %d threads on %s, %s." % (t, w, ", ".join(
            "%s keeps %s of linear scaling" % (s, pct(e)) if i == 0 else "%s %s" % (s, pct(e))
            for i, (s, e) in enumerate(sorted(effs, key=lambda x: -x[1])))))
        for s, e in effs:
            g1, gt = r.group(s, w, ts[0]), r.group(s, w, t)
            if gt.mean() < g1.mean():
                out.append("%s is slower with %d threads than with %d on %s (%s, then %s): "
                           "adding threads costs it throughput." %
                           (s, t, ts[0], w, mops(g1.mean()), mops(gt.mean())))
    return out


def ranking_findings(r):
    out = []
    for w in r.workloads():
        ts = r.threads(w)
        if not ts:
            continue
        t = ts[-1]
        gs = [(s, r.group(s, w, t)) for s in r.strategies() if r.group(s, w, t)]
        if not gs:
            continue
        best = max(gs, key=lambda x: x[1].mean())
        k = r.group("kernel", w, t)
        line = "On %s at %d thread%s, %s is fastest at %s" % (
            w, t, "" if t == 1 else "s", best[0], mops(best[1].mean()))
        if k and best[0] != "kernel":
            line += ", %.1f times the real kernel (%s)" % (best[1].mean() / k.mean(),
                                                          mops(k.mean()))
        out.append(line + ".")
    return out


def footprint_findings(r):
    out = []
    for w in r.workloads():
        ts = r.threads(w)
        if not ts:
            continue
        parts = []
        for s in r.strategies():
            g = r.group(s, w, ts[0])
            if not g or g.counter("shared_rmw") is None:
                continue
            rmw, st, ref = g.counter("shared_rmw"), g.counter("shared_stores"), g.counter("ref_ops")
            if rmw < 0.01 and st < 0.01:
                parts.append("%s writes nothing shared (%.2g reference changes)" % (s, ref))
            else:
                parts.append("%s %.3g atomic RMWs and %.3g stores" % (s, rmw, st))
        if parts:
            out.append("Per operation on %s: %s." % (w, "; ".join(parts)))
    return out


def rcu_findings(r, extra):
    out = []
    for res in [r] + extra:
        for (s, w, t), g in sorted(res.groups.items()):
            if s not in plot.RCU_STRATEGIES or not g.points[0]["writers"]:
                continue
            if t != res.threads(w)[-1]:
                continue
            walks = g.counter("rcu_walks")
            if not walks:
                continue
            rate = g.mean("writer_ops_per_sec") / g.points[0]["writers"]
            out.append("Under %s (%.0f writer operations/s) at %d threads, %s finishes %s "
                       "of its walks without leaving RCU mode, unlazies %s and restarts %s."
                       % (w, rate, t, s, pct(g.counter("rcu_completed") / walks),
                          pct(g.counter("unlazy") / walks),
                          pct(g.counter("echild_restarts") / walks)))
    return out


def lockref_findings(r):
    out = []
    for (s, w, t), g in sorted(r.groups.items()):
        if s != "lockref" or g.counter("cmpxchg_failures") is None:
            continue
        if t != r.threads(w)[-1] or t < 2:
            continue
        out.append("lockref on %s at %d threads: %.3g lost cmpxchg and %.3g spinlock "
                   "fallbacks per operation." % (w, t, g.counter("cmpxchg_failures"),
                                                 g.counter("lock_fallbacks")))
    return out


def timeline_findings(pts):
    out = []
    for p in sorted(pts, key=lambda p: nr.strategy_key(p["strategy"])):
        if not p.get("timeline"):
            continue
        secs = [sum(row[:p["threads"]]) for row in p["timeline"]]
        if len(secs) < 2:
            continue
        lo, hi = min(secs), max(secs)
        out.append("%s on %s, %d threads, second by second: from %s to %s (the slowest "
                   "second is %s of the fastest)." % (p["strategy"], p["workload"], p["threads"],
                                                      mops(lo), mops(hi), pct(lo / hi)))
    return out


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
        rows.append((w, name, fig, "; ".join("%s %s of linear at %d threads" % (s, pct(x), t)
                                            for s, x in sorted(e.items(), key=lambda y: -y[1])),
                     "the same shape for %s (80%% of linear or better)%s" % (
                         ", ".join(scaling) or "no strategy",
                         "; %s fall short" % ", ".join(sorted(set(e) - set(scaling)))
                         if set(e) - set(scaling) else "")))
    t, e = effs("stat-hot")
    if e:
        ref = {s: x for s, x in e.items() if s in REF_WALK}
        rcu = {s: x for s, x in e.items() if s in plot.RCU_STRATEGIES}
        rows.append(("stat-hot", "fxmark MRPH (USENIX ATC 2016)",
                     "every worker stats one file: stops scaling at about ten cores "
                     "(reference-count contention)",
                     "; ".join("%s %s of linear at %d threads" % (s, pct(x), t)
                               for s, x in sorted(e.items(), key=lambda y: -y[1])),
                     mrph_shape(ref, rcu, t)))
        g_full, g_walk = r.group("rcufull", "stat-hot", t), r.group("rcuwalk", "stat-hot", t)
        if g_full and g_walk:
            rows.append(("stat-hot", "Linux 18a5daf0e497 (2024), 20-way stat of one tmpfs "
                         "file, Sapphire Rapids",
                         "5.04M -> 7.84M ops/s (1.56x) once d_lockref left the cache line "
                         "RCU lookup reads",
                         "rcuwalk %s, rcufull %s at %d threads (%.2fx)" % (
                             mops(g_walk.mean()), mops(g_full.mean()), t,
                             g_full.mean() / g_walk.mean()),
                         "ours keeps d_lockref off the lookup lines in every strategy; what "
                         "is left between rcuwalk and rcufull is the final legitimize "
                         "(lockref get and put on the shared dentry), %.2fx at %d threads"
                         % (g_full.mean() / g_walk.mean(), t)))
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

def throughput_table(r):
    head = ["workload", "threads"] + r.strategies()
    rows = []
    for w in r.workloads():
        for t in r.threads(w):
            row = [w, str(t)]
            for s in r.strategies():
                g = r.group(s, w, t)
                row.append("%.3g ±%.0f%%" % (g.mean() / 1e6, 100 * g.rel_stddev())
                           if g else "")
            rows.append(row)
    return head, rows


def counters_table(r):
    names = ["rcu_walks", "rcu_completed", "unlazy", "echild_restarts", "seq_retries",
             "rename_lock_retries", "cmpxchg_failures", "lock_fallbacks", "ref_ops",
             "shared_rmw", "shared_stores"]
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
    def __init__(self, folder, timeline=None):
        self.folder = folder
        self.r, self.plots = plot.draw_all(folder, timeline)
        self.extra = [x for x in (self.r.sub("rates"),) if x]
        self.tl = plot.timeline_points(self.r, timeline)
        self.findings = (ranking_findings(self.r) + scaling_findings(self.r) +
                         footprint_findings(self.r) + lockref_findings(self.r) +
                         rcu_findings(self.r, self.extra) + timeline_findings(self.tl))
        self.published = published(self.r)
        sub = self.r.sub("timeline")
        self.warnings = slowed_warnings([self.r] + self.extra + ([sub] if sub else []))

    def title(self):
        return "nameibench: %s" % self.r.caption()


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
    r = rep.r
    lines = ["# %s" % rep.title(), "",
             "%d points measured, %d skipped; every figure below is computed from "
             "results.json." % (len(r.measured), len(r.skipped)), ""]
    lines += ["**Warning:** " + w for w in rep.warnings]
    lines += ["", "## Findings", ""] if rep.warnings else ["## Findings", ""]
    lines += ["- " + f for f in rep.findings]
    if rep.published:
        lines += ["", "## Beside published results", "",
                  md_table(["ours", "published", "their figure", "our figure", "shapes"],
                           [list(x) for x in rep.published])]
    lines += ["", "## Plots", ""]
    for p in rep.plots:
        lines += ["### %s" % p.title, "", "![%s](plots/%s)" % (p.title, os.path.basename(p.png)),
                  "", p.what, ""]
    lines += ["## Throughput (million operations/s, mean ±relative standard deviation over "
              "repetitions)", "", md_table(*throughput_table(r)), "",
              "## Counters per operation", "", md_table(*counters_table(r)), ""]
    head, rows = skipped_table(r)
    if rows:
        lines += ["## Skipped points", "", md_table(head, rows), ""]
    lines += ["## Context", "", md_table(["", ""], context_rows(r)), ""]
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
figcaption{font-size:.9em;color:#555}.findings li{margin:.3em 0}"""

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
    r = rep.r
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title><style>%s"
             "</style></head><body>" % (html.escape(rep.title()), CSS),
             "<h1>%s</h1>" % html.escape(rep.title()),
             "<p>%d points measured, %d skipped; every figure below is computed from "
             "results.json.</p>" % (len(r.measured), len(r.skipped))]
    parts += ["<p style='color:#b00'><b>Warning:</b> %s</p>" % html.escape(w)
              for w in rep.warnings]
    parts += ["<h2>Findings</h2><ul class='findings'>%s</ul>" %
             "".join("<li>%s</li>" % html.escape(f) for f in rep.findings)]
    if rep.published:
        parts.append("<h2>Beside published results</h2>" + h_table(
            ["ours", "published", "their figure", "our figure", "shapes"],
            [list(x) for x in rep.published]))
    parts.append("<h2>Plots</h2>")
    parts += [figure_html(p) for p in rep.plots]
    parts.append("<h2>Throughput</h2><p>million operations/s, mean ±relative standard "
                 "deviation over the repetitions</p>" + h_table(*throughput_table(r)))
    parts.append("<h2>Counters per operation</h2>" + h_table(*counters_table(r)))
    head, rows = skipped_table(r)
    if rows:
        parts.append("<h2>Skipped points</h2>" + h_table(head, rows))
    parts.append("<h2>Context</h2>" + h_table(["", ""], context_rows(r)))
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
