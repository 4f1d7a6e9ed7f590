#!/usr/bin/env python3
"""The plots and the report, checked as a person would see them.

Measures one small real run through measure/make_report.py (the program
behind 'make report'), then checks: every plot the report promises exists
as a PNG of real size whose pixels carry each measured strategy's colour
(and no colour of a strategy not measured) and as an SVG that parses as
XML; report.md and report.html show every plot; every finding carries its
interval, and its ratios agree with the means computed here from
results.json; the unresolved comparisons' intervals include no difference;
the throughput table marks what reps.json and the points say; calibrated/
is measured and reported; the HTML is one
self-contained file that headless Chromium renders with all its images and
none broken (and a deliberately broken copy is caught); 'make report
RESULTS=DIR' redraws without measuring.  Prints "PASS: report: ...".
"""

import base64
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import browser  # noqa: E402
import checks  # noqa: E402
import pngread  # noqa: E402
from checks import describe  # noqa: E402

NB = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bin", "nameibench")
PY = sys.executable
MAKE_REPORT = os.path.join(ROOT, "measure", "make_report.py")
STRATEGIES = ["global", "lockref", "rcuwalk", "rcufull", "kernel"]
WORKLOADS = ["stat-hot", "rename-churn"]
# fs/: a variant beside its tmpfs twin, and a workload under a dentry budget
FS_WORKLOADS = ["stat-negative", "stat-negative-disk", "stat-budget"]
# syscalls/: open against access of one shared file, the ancestor walk's two forms
SYSCALL_WORKLOADS = ["wis-open3", "wis-access2", "getcwd", "ancestors", "ancestors-iter"]
# the strategies' colours, as every plot draws them (plots/nbresults.py)
COLOURS = {"global": "#7f7f7f", "dlock": "#d62728", "lockref": "#ff7f0e",
           "rcuwalk": "#1f77b4", "rcufull": "#2ca02c", "kernel": "#000000"}
check = checks.Checks("report")




def expected_plots():
    names = ["%s-%s" % (kind, w) for w in WORKLOADS
             for kind in ("throughput", "scaling", "footprint", "latency")]
    return names + ["rcu-outcomes-rename-churn", "timeline", "heatmap",
                    "fs-stat-negative-disk", "evictions", "syscalls", "ancestor-forms"]


def measure(out):
    p = subprocess.run([PY, MAKE_REPORT, "--nameibench", NB, "--out", out,
                        "--strategies", ",".join(STRATEGIES), "--workloads", ",".join(WORKLOADS),
                        "--threads", "1,2", "--rep-min", "3", "--rep-max", "4", "--duration",
                        "0.1", "--warmup", "0.02", "--time-cap", "20", "--sub-cap", "2",
                        "--timeline-duration", "2", "--fs-workloads", ",".join(FS_WORKLOADS),
                        "--syscall-workloads", ",".join(SYSCALL_WORKLOADS)],
                       capture_output=True, text=True)
    html = os.path.join(out, "report.html")
    check("make_report measures, reports, and prints the path of report.html",
          p.returncode == 0 and p.stdout.strip().splitlines()[-1:] == [os.path.abspath(html)]
          and os.path.exists(html), describe(p))
    return p.returncode == 0


def test_plot_files(out):
    plots = os.path.join(out, "plots")
    for name in expected_plots():
        png, svg = os.path.join(plots, name + ".png"), os.path.join(plots, name + ".svg")
        try:
            w, h, colours = pngread.read(png)
            ok = os.path.getsize(png) > 8000 and w >= 600 and h >= 400 and len(colours) > 50
            check("%s.png is a real picture (%dx%d, %d colours)" % (name, w, h, len(colours)),
                  ok, "%d bytes" % os.path.getsize(png))
        except (OSError, ValueError) as e:
            check("%s.png exists and is a PNG" % name, False, str(e))
            continue
        try:
            root = ET.parse(svg).getroot()
            drawn = sum(1 for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("path", "image"))
            check("%s.svg parses as XML with something drawn" % name,
                  root.tag.endswith("svg") and drawn > 5, "%d paths" % drawn)
        except (OSError, ET.ParseError) as e:
            check("%s.svg parses as XML" % name, False, str(e))
    # one line per strategy, in its colour, and nothing for the rest
    for w in WORKLOADS:
        _, _, colours = pngread.read(os.path.join(plots, "throughput-%s.png" % w))
        present = {s for s, c in COLOURS.items() if pngread.hex_rgb(c) in colours}
        check("throughput-%s.png draws exactly the measured strategies" % w,
              present == set(STRATEGIES), "colours of %s" % sorted(present))


def mean(v):
    return sum(v) / len(v)


def load_points(out):
    with open(os.path.join(out, "results.json")) as f:
        return [p for p in json.load(f) if not p.get("skipped")]


def values(pts, s, w, t):
    return [p["ops_per_sec"] for p in pts if (p["strategy"], p["workload"], p["threads"]) ==
            (s, w, t)]


def section(md, title):
    m = re.search(r"^## %s\n(.*?)(?=^## |\Z)" % re.escape(title), md, re.M | re.S)
    return m.group(1) if m else ""


def table_rows(text):
    return [[c.strip() for c in l.strip("|").split(" | ")] for l in text.splitlines()
            if l.startswith("| ") and not l.startswith("|---")]


# a ratio, a share or a throughput, and what follows it
STATED = re.compile(r"(\d[\d.]*)(x|%| Mops/s)( \[[\d.]+, [\d.]+\])?")


def test_findings(out):
    """The findings carry intervals, and agree with results.json."""
    pts = load_points(out)
    with open(os.path.join(out, "report.md")) as f:
        md = f.read()
    items = [l for l in section(md, "Findings").splitlines() if l.startswith("- **")]
    bare = [m.group(0) for l in items for m in STATED.finditer(l) if not m.group(3)]
    check("every ratio, share and throughput stated as a finding carries its interval",
          items and not bare, "without one: %s; findings %s" % (bare, items))
    labels = [(l.split(":**")[0], l.split(":**")[1].split()[0:3]) for l in items]
    check("no two findings say the same kind of thing about the same subject",
          len(set(map(repr, labels))) == len(labels), "%s" % labels)
    # every winner, the ratio of the means here, and an interval above 1
    wins = [l for l in items if l.startswith("- **Winner:**")]
    for l in wins:
        m = re.match(r"- \*\*Winner:\*\* on (\S+) at 2 threads, (\w+) is fastest, [^;]*?, "
                     r"([\d.]+)x \[([\d.]+), [\d.]+\] (\w+)", l)
        if not m or m.group(5) == "the":
            continue
        w, best, ratio, lo, second = m.groups()
        want = mean(values(pts, best, w, 2)) / mean(values(pts, second, w, 2))
        check("%s's winner against %s is their means' ratio (%.3g), resolved" % (w, second, want),
              ratio == "%.3g" % want and float(lo) > 1, l)
    # every collapse's ratio is the 2-thread mean over the 1-thread one, below 1
    for l in (l for l in items if l.startswith("- **Collapse:**")):
        s = l.split()[2]
        for w, ratio, hi in re.findall(r"(\S+) ([\d.]+)x \[[\d.]+, ([\d.]+)\]", l):
            want = mean(values(pts, s, w, 2)) / mean(values(pts, s, w, 1))
            check("%s's collapse on %s is its 2-thread over 1-thread mean (%.3g), below 1"
                  % (s, w, want), ratio == "%.3g" % want and float(hi) < 1, l)
    # the scaling table: every efficiency from the means here
    rows = table_rows(section(md, "Scaling efficiency"))
    head, said = rows[0] if rows else [], {}
    for r in rows[1:]:
        if r[0] == "stat-hot":
            said = {s: c for s, c in zip(head[2:], r[2:])}
    want = {s: round(100 * mean(values(pts, s, "stat-hot", 2)) /
                     (2 * mean(values(pts, s, "stat-hot", 1)))) for s in STRATEGIES}
    check("the scaling table states each strategy's stat-hot efficiency from the data",
          all(re.match(r"(\d+)% \[", said.get(s, "")) and
              abs(int(said[s].split("%")[0]) - v) <= 1 for s, v in want.items()),
          "report says %s, results.json gives %s" % (said, want))
    for r in table_rows(section(md, "Comparisons this run could not resolve"))[1:]:
        m = re.match(r"\[([-+\d.]+), ([-+\d.]+)\]", r[2])
        none = 100 if r[1].endswith("%") else 0 if "points" in r[1] or "per op" in r[1] else 1
        check("unresolved: %s includes no difference" % r[0],
              r[2].startswith("no interval") or (m and float(m.group(1)) <= none <=
                                                 float(m.group(2))), "%s" % r)
    kernel = [l for l in items if "the kernel (" in l]
    fs = next((p["kernel_fs"] for p in pts if p.get("kernel_fs")), None)
    check("where a finding compares the kernel it names its filesystem and getppid baseline",
          kernel and fs and all("its tree on %s" % fs in l and "(getppid)" in l for l in kernel),
          "%s (kernel_fs %s)" % (kernel, fs))
    check("report.md states the noise verdict and the machine state",
          re.search(r"Noise: this run is (quiet|noisy|busy)", md) is not None and
          "| hypervisor |" in section(md, "Machine state"), md[:500])
    check("report.md sets ours beside fxmark MRPH for stat-hot",
          re.search(r"\| stat-hot \| fxmark MRPH[^\n]*\| (the same shape|not the published "
                    r"shape yet|a different shape)", md) is not None)
    for name in expected_plots():
        check("report.md shows %s" % name, "(plots/%s.png)" % name in md)
    test_reps_marks(out, md, pts)
    test_calibrated(out, md)
    test_filesystems(out, md, items)
    test_syscalls(out, md, items)


def test_syscalls(out, md, items):
    """syscalls/ measured every strategy at the top thread count, and its
    tables and findings are what its points say."""
    pts = load_points(os.path.join(out, "syscalls"))
    check("syscalls/ measured its workloads for every strategy at the top thread count",
          pts and {p["workload"] for p in pts} == set(SYSCALL_WORKLOADS) and
          {p["strategy"] for p in pts} == set(STRATEGIES) and {p["threads"] for p in pts} == {2},
          "%s" % sorted({(p["strategy"], p["workload"], p["threads"]) for p in pts}))

    def vals(s, w, key=lambda p: p["ops_per_sec"]):
        return [key(p) for p in pts if (p["strategy"], p["workload"]) == (s, w)]
    rows = table_rows(section(md, "System calls"))
    head = rows[0] if rows else []
    cells = {(r[0].split()[0], s): c for r in rows[1:] for s, c in zip(head[1:], r[1:])}
    bad = [(k, c) for k, c in cells.items()
           if not c.startswith("%.3g Mops/s" % (mean(vals(k[1], k[0])) / 1e6))]
    check("the system calls table gives each strategy's mean on wis-open3, wis-access2 and "
          "getcwd",
          {w for w, _ in cells} == {"wis-open3", "wis-access2", "getcwd"} and
          {s for _, s in cells} == set(STRATEGIES) and not bad, "%s; %s" % (bad, rows))
    rows = table_rows(section(md, "The ancestor walk's two forms"))
    forms = {r[0]: r for r in rows[1:]}
    bad = []
    for s, r in forms.items():
        for col, w in ((3, "ancestors"), (6, "ancestors-iter")):
            want = mean(vals(s, w, lambda p: 2e9 / p["ops_per_sec"]))
            if not r[col].startswith("%.0f" % want):
                bad.append((s, w, r[col], want))
    check("the forms table gives each strategy's ns per walk a thread from the points",
          set(forms) == set(STRATEGIES) and not bad, "%s; %s" % (bad, rows))
    refs = {s: (mean(vals(s, "ancestors", lambda p: p["counters_per_op"]["ref_ops"])),
                mean(vals(s, "ancestors-iter", lambda p: p["counters_per_op"]["ref_ops"])))
            for s in ("rcuwalk", "rcufull")}
    check("the iterator takes more references per walk than the RCU callback (a counted "
          "step per ancestor against the start's alone), as the forms table says",
          all(it > cb and forms[s][4] == "%.3g" % cb and forms[s][7] == "%.3g" % it
              for s, (cb, it) in refs.items()), "%s; %s" % (refs, rows))
    for l in (l for l in items if l.startswith("- **Ancestor walk")):
        for s, ratio, lo, hi in re.findall(r"(\w+): quiet, a walk by the iterator costs "
                                           r"([\d.]+)x \[([\d.]+), ([\d.]+)\]", l):
            want = mean(vals(s, "ancestors")) / mean(vals(s, "ancestors-iter"))
            check("%s: the iterator's stated cost is the means' ratio (%.3g), resolved" % (
                s, want), ratio == "%.3g" % want and not float(lo) <= 1 <= float(hi), l)


def test_filesystems(out, md, items):
    """fs/ measured the RCU-walk strategies at the top thread count, and
    the report's filesystem findings are the means of its points."""
    pts = load_points(os.path.join(out, "fs"))
    check("fs/ measured its workloads for rcuwalk and rcufull at the top thread count",
          pts and {p["workload"] for p in pts} == set(FS_WORKLOADS) and
          {p["strategy"] for p in pts} == {"rcuwalk", "rcufull"} and
          {p["threads"] for p in pts} == {2}, "%s" % sorted({(p["strategy"], p["workload"],
                                                               p["threads"]) for p in pts}))

    def vals(s, w, key):
        return [key(p) for p in pts if (p["strategy"], p["workload"]) == (s, w)]
    rows = table_rows(section(md, "Filesystem types"))
    pairs = {(r[0], r[1], r[2]) for r in rows[1:]}
    check("the report sets stat-negative-disk beside its tmpfs twin for each strategy",
          {("stat-negative-disk", "stat-negative", s) for s in ("rcuwalk", "rcufull")} <= pairs,
          "%s" % rows)
    said = 0
    for l in items:
        m = re.match(r"- \*\*Filesystem:\*\* (\w+) on (\S+) \(disk\) against (\S+) \(tmpfs\) "
                     r"at 2 threads: ([\d.]+)x \[([\d.]+), ([\d.]+)\] the throughput", l)
        if m:
            s, v, t, ratio, lo, hi = m.groups()
            want = mean(vals(s, v, lambda p: p["ops_per_sec"])) / mean(
                vals(s, t, lambda p: p["ops_per_sec"]))
            said += 1
            check("%s on %s: the stated throughput ratio is the means' (%.3g), resolved" % (
                s, v, want), ratio == "%.3g" % want and not float(lo) <= 1 <= float(hi), l)
        m = re.match(r"- \*\*Eviction:\*\* (\w+) on (\S+) .* evicts ([\d.]+) \[", l)
        if m:
            s, w, ev = m.groups()
            want = mean(vals(s, w, lambda p: p["counters_per_op"]["evictions"]))
            said += 1
            check("%s on %s: the stated evictions per operation are the mean (%.3g), above 0"
                  % (s, w, want), ev == "%.3g" % want and want > 0, l)
    check("the findings state the filesystem comparisons and the evictions that resolved",
          said >= 2, "%s" % [l for l in items if "Filesystem" in l or "Eviction" in l])


def test_reps_marks(out, md, pts):
    """The throughput table gives each point's repetitions and marks the
    ones reps.json says missed the target, and the oversubscribed ones."""
    with open(os.path.join(out, "reps.json")) as f:
        reps = json.load(f)["points"]
    rows = table_rows(section(md, "Throughput"))
    head = rows[0] if rows else []
    cells = {(s, r[0], int(r[1])): c for r in rows[1:] for s, c in zip(head[2:], r[2:])}
    bad = []
    for e in reps:
        key = (e["strategy"], e["workload"], e["threads"])
        c = cells.get(key, "")
        n = len(values(pts, *key))
        over = any(p["oversubscribed"] for p in pts
                   if (p["strategy"], p["workload"], p["threads"]) == key)
        if ("%d reps" % n not in c or ("missed" in c) != (not e["reached"]) or
                ("oversubscribed" in c) != over):
            bad.append((key, c, n, e["reached"], over))
    check("the throughput table gives every point's repetitions and marks missed targets and "
          "oversubscription as reps.json and results.json say", reps and not bad, "%s" % bad[:3])


def test_calibrated(out, md):
    """calibrated/ holds rcuwalk with a system call's cost, set beside the
    kernel in the report."""
    pts = load_points(os.path.join(out, "calibrated"))
    rows = table_rows(section(md, "Calibrated model"))
    check("calibrated/ measured rcuwalk paying a system call's cost on every operation",
          pts and all(p["strategy"] == "rcuwalk" and p["syscall_cost_ns"] > 0 for p in pts),
          "%s" % {(p["strategy"], p.get("syscall_cost_ns")) for p in pts})
    check("the report sets the calibrated model beside the kernel on every workload",
          sorted(r[0] for r in rows[1:]) == sorted(WORKLOADS), "%s" % rows)


def test_html(out):
    path = os.path.join(out, "report.html")
    with open(path) as f:
        page = f.read()
    srcs = re.findall(r"<img [^>]*src='([^']*)'", page)
    external = [s for s in srcs if not s.startswith("data:image/svg+xml;base64,")]
    check("report.html is self-contained (every image inlined as SVG)",
          srcs and not external and "<link" not in page, "%s" % external[:3])
    bad = []
    for s in srcs:
        try:
            ET.fromstring(base64.b64decode(s.split(",", 1)[1]))
        except (ValueError, ET.ParseError) as e:
            bad.append(str(e))
    check("every inlined SVG parses", srcs and not bad, "; ".join(bad[:3]))
    ids = set(re.findall(r"<figure id='([^']*)'", page))
    check("report.html has a figure for every plot", ids == set(expected_plots()),
          "missing %s, extra %s" % (sorted(set(expected_plots()) - ids),
                                    sorted(ids - set(expected_plots()))))
    for s in STRATEGIES:
        check("report.html's throughput table has a column for %s" % s,
              re.search(r"<th>%s</th>" % s, page) is not None)

    chromium = browser.check_rendered(check, path, len(expected_plots()), "report.html")
    if not chromium:
        return
    # the page's self-check must see a broken image when there is one
    broken = os.path.join(out, "broken.html")
    with open(broken, "w") as f:
        f.write(page.replace("data:image/svg+xml;base64,", "data:image/svg+xml;base64,AAAA", 1))
    try:
        attrs = browser.body_attributes(chromium, broken)
        check("Chromium's check catches a broken image", attrs.get("data-broken") == "1",
              "%s" % attrs)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        check("Chromium renders the broken copy", False, str(e))


def tree_digest(folder):
    """A digest of every measured file: points, results and context."""
    h = hashlib.sha256()
    for base, dirs, files in sorted(os.walk(folder)):
        dirs.sort()
        if "plots" in base.split(os.sep) or base.endswith("plots"):
            continue
        for name in sorted(files):
            if name.startswith("report.") or name == "broken.html":
                continue
            with open(os.path.join(base, name), "rb") as f:
                h.update(name.encode() + f.read())
    return h.hexdigest()


def test_redraw(out):
    before = tree_digest(out)
    os.unlink(os.path.join(out, "report.html"))
    shutil.rmtree(os.path.join(out, "plots"))
    # a binary that fails if run: redrawing must not need it
    p = subprocess.run([PY, MAKE_REPORT, "--results", out, "--nameibench", "/bin/false"],
                       capture_output=True, text=True)
    check("make_report --results redraws without running the binary",
          p.returncode == 0 and os.path.exists(os.path.join(out, "report.html")) and
          os.path.exists(os.path.join(out, "plots", "heatmap.svg")), describe(p))
    results_dir = os.path.join(ROOT, "results")
    runs = set(os.listdir(results_dir)) if os.path.isdir(results_dir) else set()
    os.unlink(os.path.join(out, "report.html"))
    p = subprocess.run(["make", "-s", "-C", ROOT, "report", "RESULTS=" + out],
                       capture_output=True, text=True)
    after = set(os.listdir(results_dir)) if os.path.isdir(results_dir) else set()
    check("make report RESULTS=DIR redraws DIR and prints its report.html",
          p.returncode == 0 and p.stdout.strip().splitlines()[-1:] ==
          [os.path.abspath(os.path.join(out, "report.html"))], describe(p))
    check("make report RESULTS=DIR measures nothing (no new run, the points untouched)",
          after == runs and tree_digest(out) == before, "new runs %s" % sorted(after - runs))


def point_files(folder):
    return {os.path.join(base, n): os.stat(os.path.join(base, n)).st_mtime_ns
            for base, _, files in os.walk(folder) if os.path.basename(base) == "points"
            for n in files if n.endswith(".json")}


def test_resume(tmp):
    """^C, then make report again: the same folder, its points kept."""
    runs = os.path.join(tmp, "runs")
    argv = [PY, MAKE_REPORT, "--nameibench", NB, "--runs", runs, "--strategies", "rcufull",
            "--workloads", "stat-hot", "--threads", "1", "--reps", "3", "--duration", "0.3",
            "--warmup", "0.02", "--timeline-duration", "0.5", "--fs-workloads", "",
            "--syscall-workloads", ""]
    # like ^C at a terminal: SIGINT to the whole process group, once a point is in
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    while p.poll() is None and not point_files(runs):
        time.sleep(0.02)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGINT)
    out, err = p.communicate()
    folders = os.listdir(runs) if os.path.isdir(runs) else []
    check("^C stops make_report without a traceback, exit 130, saying how to resume",
          p.returncode == 130 and "Traceback" not in err and len(folders) == 1 and
          err.strip().splitlines()[-1].startswith("make report: interrupted; make report "
                                                   "again"),
          "exit %s, stderr %r" % (p.returncode, err[-400:]))
    if len(folders) != 1:
        return
    run = os.path.join(runs, folders[0])
    with open(os.path.join(run, "make-report.json")) as f:
        check("make-report.json says the run did not finish", json.load(f)["finished"] is False)
    before = point_files(run)
    p = subprocess.run(argv, capture_output=True, text=True)
    after = point_files(run)
    check("make report again resumes the interrupted folder and finishes it",
          p.returncode == 0 and ("make report: resuming %s (interrupted at " % run)
          in p.stderr and
          p.stdout.strip().splitlines()[-1:] == [os.path.abspath(os.path.join(
              run, "report.html"))] and os.listdir(runs) == folders, describe(p))
    check("the resumed run keeps every point measured before the ^C, and adds the rest",
          before and all(after.get(k) == v for k, v in before.items()) and
          len([k for k in after if os.sep + "timeline" + os.sep not in k]) == 3,
          "%d before, %d after" % (len(before), len(after)))
    with open(os.path.join(run, "make-report.json")) as f:
        check("make-report.json says the run finished", json.load(f)["finished"] is True)
    p = subprocess.run(argv, capture_output=True, text=True)
    check("a finished run is not resumed: make report measures a new folder",
          p.returncode == 0 and "resuming" not in p.stderr and len(os.listdir(runs)) == 2,
          describe(p))
    # a sweep that refuses a folder measured differently: exit 2 and a hint
    p = subprocess.run(argv[:argv.index("--duration") + 1] + ["0.2"] +
                       argv[argv.index("--duration") + 2:] + ["--out", run],
                       capture_output=True, text=True)
    check("a folder measured differently: make_report exits 2 with the sweep's line and a "
          "hint to use FRESH=1", p.returncode == 2 and "measured differently" in p.stderr and
          "FRESH=1" in p.stderr.strip().splitlines()[-1], describe(p))


def test_bad_input(tmp):
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    for argv, what in (([PY, MAKE_REPORT, "--results", empty], "make_report --results"),
                       ([PY, os.path.join(ROOT, "plots", "report.py"), empty], "report.py")):
        p = subprocess.run(argv, capture_output=True, text=True)
        check("%s on a folder without results.json: one line, exit 2" % what,
              p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and
              "results.json" in p.stderr, describe(p))


def test_fs_pairs(tmp):
    """Which workloads the report sets side by side, from their definitions
    (nameibench list --json): a type, option or budget against its twin, and
    on a type other than tmpfs a workload with writers against the same one
    without them; on tmpfs a writer is no filesystem's part (rename-churn
    pairs with nothing).  The pairs expected are written out here."""
    sys.path.insert(0, os.path.join(ROOT, "plots"))
    import nbresults
    names = ["stat-shared", "stat-shared-disk", "stat-budget", "stat-shared-autofs",
             "automount-steady", "automount-storm", "rename-churn", "stat-hot-nfs",
             "stat-hot-nfs-echild", "stat-hot"]
    p = subprocess.run([NB, "list", "--json"] + names, capture_output=True, text=True)
    try:
        specs = {w: d["spec"] for w, d in json.loads(p.stdout).items()}
    except (ValueError, KeyError, TypeError):
        check("list --json gives the definitions the pairs are made from", False, describe(p))
        return
    folder = os.path.join(tmp, "pairs")
    os.makedirs(folder)
    with open(os.path.join(folder, "results.json"), "w") as f:
        json.dump([{"strategy": "rcufull", "workload": w, "threads": 1, "rep": 1,
                    "ops_per_sec": 1.0, "skipped": None, "workload_spec": specs[w]}
                   for w in names], f)
    got = set(nbresults.Results(folder).fs_pairs())
    want = {("stat-shared", "stat-shared-disk"), ("stat-shared-disk", "stat-budget"),
            ("stat-shared", "stat-shared-autofs"), ("automount-steady", "automount-storm"),
            ("stat-hot-nfs", "stat-hot-nfs-echild"), ("stat-hot", "stat-hot-nfs")}
    check("fs pairs: each variant with its twin, automount-storm with automount-steady, "
          "rename-churn with none", got == want,
          "got %s, want %s" % (sorted(got), sorted(want)))


def main():
    tmp = tempfile.mkdtemp(prefix="nameibench-report-")
    try:
        test_fs_pairs(tmp)
        out = os.path.join(tmp, "run")
        if measure(out):
            test_plot_files(out)
            test_findings(out)
            test_html(out)
            test_redraw(out)
        test_resume(tmp)
        test_bad_input(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
