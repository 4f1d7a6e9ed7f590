"""make report's syscalls/ series: the system calls people measure
(will-it-scale's tests by name) and the ancestor walk's two forms, every
strategy at the highest thread count.

Findings are stated only where the interval excludes "no difference", as
plots/findings.py states its own; the rest go to its unresolved table:

  - the iterator against the callback, per strategy: what a walk costs a
    thread in each form (the throughput ratio), and why (references taken,
    restarts);
  - open against access of one shared file (wis-open3, wis-access2: the
    same walk, one taking the file's references and one not), per
    strategy: the contrast rcufull shows, which answers access under RCU
    and cannot answer open without references;
  - one shared file opened against a private one each (wis-open3,
    wis-open1): the last component's reference, where open contends even
    when the walk scales;
  - getcwd quiet against getcwd under renames (getcwd, getcwd-rename): what
    rename_lock moving under prepend_path's lockless pass costs.
"""

import nbresults as nr
import nbstats as ns
from findings import join, mops_est, x_est

# (the workload, what it stands for) in the tables and the plot, in order
CALLS = [("wis-getppid1", "getppid"), ("wis-stat2", "stat, shared"),
         ("wis-access2", "access, shared"), ("wis-fstat2", "fstat, shared"),
         ("wis-open1", "open+close, private"), ("wis-open3", "open+close, shared"),
         ("wis-unlink1", "create+unlink"), ("getcwd", "getcwd"),
         ("getcwd-rename", "getcwd, renames")]
# the two forms (callback, iterator), quiet and under a rename writer
FORMS = [("ancestors", "ancestors-iter", "quiet"),
         ("ancestors-rename", "ancestors-iter-rename", "under renames")]


def top(sc, w):
    ts = sc.threads(w)
    return ts[-1] if ts else None


def restarts(g):
    """Walks that left RCU mode or began again, per operation (None: no counters)."""
    v = g.sum_values("unlazy", "echild_restarts")
    return sum(v) / len(v) if v else None


# engine operations in one call of a workload's loop: the counters are per
# engine operation, and open+close is two, will-it-scale's unlink loop three
ENGINE_OPS = {"wis-open1": 2, "wis-open2": 2, "wis-open3": 2, "wis-unlink1": 3,
              "wis-unlink2": 3}


def per_op(g, name):
    """Counter @name per call of @g's loop (n/a: the kernel keeps none)."""
    x = g.counter(name)
    return "%.3g" % (x * ENGINE_OPS.get(g.workload, 1)) if x is not None else "n/a"


def pair(sc, s, a, b):
    """Groups of @s on workloads @a and @b at one thread count, or None."""
    t = top(sc, a)
    ga, gb = sc.group(s, a, t), sc.group(s, b, t)
    return (ga, gb, t) if ga and gb and t == top(sc, b) else None


def forms(sc):
    """(strategy, when, callback group, iterator group, threads) measured."""
    for s in sc.strategies():
        for cbw, itw, when in FORMS:
            p = pair(sc, s, cbw, itw)
            if p:
                yield (s, when) + p


class Syscalls:
    """The syscalls/ Results @sc: findings into .items (and @f's unresolved
    table), and the tables the report prints."""

    def __init__(self, sc, f):
        self.sc, self.f = sc, f
        self.calls = [(w, what) for w, what in CALLS if w in sc.workloads()]
        self.items = self.form_items() + self.open_items()

    def pair(self, s, a, b):
        return pair(self.sc, s, a, b)

    def ratio_finding(self, what, num_g, den_g, resolved, out):
        """@num_g's throughput over @den_g's: to @out as resolved(est) if its
        interval excludes 1, else to the unresolved table."""
        e = ns.ratio_ci(num_g.values(), den_g.values())
        if e and (e.below(1) or e.above(1)):
            out.append(resolved(e))
        else:
            self.f.unresolved_row(what, e, x_est)

    def forms(self):
        return forms(self.sc)

    def form_items(self):
        found = []
        for s, when, cb, it, t in self.forms():
            why = ""
            if cb.counter("ref_ops") is not None:
                why = ("; references per walk %s against the callback's %s, restarts %s "
                       "against %s" % (per_op(it, "ref_ops"), per_op(cb, "ref_ops"),
                                       "%.3g" % (restarts(it) or 0),
                                       "%.3g" % (restarts(cb) or 0)))
            self.ratio_finding(
                "%s, %d threads, %s: the ancestor iterator's walks against the callback's" % (
                    s, t, when),
                cb, it, lambda e, s=s, t=t, why=why, when=when: (
                    s, e, "%s, a walk by the iterator costs %s the callback's, at %d "
                    "threads%s" % (when, x_est(e), t, why)),
                found)
        if not found:
            return []
        return [("Ancestor walk: iterator against callback", "%s." % "; ".join(
            "%s: %s" % (s, words) for s, _, words in found))]

    def open_items(self):
        items = []
        for label, a, b, words, counts in (
                ("Open against access", "wis-access2", "wis-open3",
                 "access of one shared file does %s the open+close of it (the same walk)",
                 " (open's reference-count operations per call %s, access's %s)"),
                ("One shared file against private ones", "wis-open1", "wis-open3",
                 "opening a private file each does %s the opens of one shared file (the "
                 "last component's reference)",
                 " (shared writes per open+close %s of the shared file, %s of private "
                 "ones)"),
                ("getcwd under renames", "getcwd", "getcwd-rename",
                 "getcwd with no rename does %s the getcwds under renames (prepend_path's "
                 "lockless pass against rename_lock)",
                 " (rename_lock retries per call %s under renames, %s quiet)")):
            found = []
            for s in self.sc.strategies():
                p = self.pair(s, a, b)
                if not p:
                    continue
                ga, gb, t = p
                counter = {"wis-access2": "ref_ops", "wis-open1": "shared_rmw",
                           "getcwd": "rename_lock_retries"}[a]
                refs = (per_op(gb, counter), per_op(ga, counter))
                why = counts % refs if "n/a" not in refs else ""
                self.ratio_finding("%s, %d threads: %s against %s" % (s, t, a, b), ga, gb,
                                   lambda e, s=s, why=why: "%s: %s%s" % (
                                       s, words % x_est(e), why), found)
            if found:
                items.append((label, "%s; at the highest thread count each measured." %
                              join(found)))
        return items

    def table(self):
        """(head, rows): Mops/s of each call per strategy at its highest thread count."""
        strategies = self.sc.strategies()
        rows = []
        for w, what in self.calls:
            t = top(self.sc, w)
            row = ["%s (%s), %d threads" % (w, what, t)]
            for s in strategies:
                g = self.sc.group(s, w, t)
                e = g.est() if g else None
                row.append(mops_est(e) if e else "%.3g Mops/s" % (g.mean() / 1e6) if g else "")
            rows.append(row)
        return ["workload"] + strategies, rows

    def form_table(self):
        """(head, rows): each form's cost and what it did, per strategy."""
        rows = []
        for s, when, cb, it, t in self.forms():
            cells = [s, when, str(t)]
            for g in (cb, it):
                e = ns.mean_ci([t * 1e9 / v for v in g.values()])
                cells.append("%.0f [%.0f, %.0f]" % (e.value, e.lo, e.hi) if e else
                             "%.0f" % (t * 1e9 / g.mean()))
                cells += [per_op(g, "ref_ops"),
                          "%.3g" % restarts(g) if restarts(g) is not None else "n/a"]
            rows.append(cells)
        return (["strategy", "writer", "threads", "callback ns/walk a thread", "references",
                 "restarts", "iterator ns/walk a thread", "references", "restarts"], rows)


def draw(plotter):
    """The two plots of a syscalls/ folder's Results (plotter.r)."""
    return [x for x in (calls_plot(plotter), forms_plot(plotter)) if x]


def calls_plot(p):
    sc = p.r
    calls = [(w, what) for w, what in CALLS if w in sc.workloads()]
    strategies = sc.strategies()
    if not calls or not strategies:
        return None
    rows = []
    for w, what in calls:
        t = top(sc, w)
        row = ['"%s"' % what]
        for s in strategies:
            g = sc.group(s, w, t)
            row.append(round(g.mean() / 1e6, 4) if g else "NaN")
        rows.append(row)
    path = p.datafile("syscalls", [rows])
    bars = ", ".join("%s using %d%s title '%s' lc rgb '%s'" % (
        "'%s'" % path if i == 0 else "''", i + 2, ":xtic(1)" if i == 0 else "", s, nr.color(s))
        for i, s in enumerate(strategies))
    body = ("set style data histograms\nset style histogram clustered gap 1\n"
            "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset logscale y\n"
            "set ylabel 'throughput (million operations/s, log)'\nset xtics rotate by -20\n"
            "set key top right\nplot %s\n" % bars)
    t = max(top(sc, w) for w, _ in calls)
    return p.render("syscalls", body, "the system calls will-it-scale measures, by strategy, "
                    "at %d threads" % t,
                    "each bar the mean of its repetitions at the highest thread count "
                    "measured (will-it-scale's loops: wis-* workloads); open must take the "
                    "file's references, access and stat need not")


def forms_plot(p):
    sc = p.r
    rows = []
    for s, when, cb, it, t in forms(sc):
        rows.append(['"%s, %s"' % (s, when), round(t * 1e9 / cb.mean(), 1),
                     round(t * 1e9 / it.mean(), 1),
                     round(restarts(cb), 4) if restarts(cb) is not None else "NaN",
                     round(restarts(it), 4) if restarts(it) is not None else "NaN",
                     round(cb.counter("ref_ops"), 3) if cb.counter("ref_ops") is not None
                     else "NaN",
                     round(it.counter("ref_ops"), 3) if it.counter("ref_ops") is not None
                     else "NaN"])
    if not rows:
        return None
    path = p.datafile("ancestor-forms", [rows])
    hist = ("set style data histograms\nset style histogram clustered gap 1\n"
            "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset yrange [0:*]\n"
            "set xtics rotate by -20\nset key top left\n")
    body = ("set multiplot layout 1,3\n" + hist +
            "set title 'cost' noenhanced\nset ylabel 'ns per walk, per thread'\n"
            "plot '%s' using 2:xtic(1) title 'callback' lc rgb '#1f77b4', '' using 3 "
            "title 'iterator' lc rgb '#ff7f0e'\n"
            "set title 'restarts' noenhanced\nset ylabel 'left RCU mode or began again, "
            "per walk'\nplot '%s' using 4:xtic(1) title 'callback' lc rgb '#1f77b4', '' "
            "using 5 title 'iterator' lc rgb '#ff7f0e'\n"
            "set title 'references' noenhanced\nset ylabel 'reference-count operations per "
            "walk'\nplot '%s' using 6:xtic(1) title 'callback' lc rgb '#1f77b4', '' using 7 "
            "title 'iterator' lc rgb '#ff7f0e'\nunset multiplot\n" % (path, path, path))
    return p.render("ancestor-forms", body, "the ancestor walk's two forms, at the highest "
                    "thread count, quiet and under renames",
                    "ancestors (a callback under RCU, hand over hand, REF-walk on a restart) "
                    "against ancestors-iter (a reference taken on each ancestor in turn): "
                    "what a walk costs a thread, how often it restarted, and the references "
                    "it took; the kernel keeps no counters (its forms are d_path and an "
                    "O_PATH descriptor a step at a time)", width=1200)
