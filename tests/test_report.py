#!/usr/bin/env python3
"""The plots and the report, checked as a person would see them.

Measures one small real run through plots/make_report.py (the program
behind 'make report'), then checks: every plot the report promises exists
as a PNG of real size whose pixels carry each measured strategy's colour
(and no colour of a strategy not measured) and as an SVG that parses as
XML; report.md and report.html show every plot; the findings' numbers agree
with efficiencies computed here from results.json; the HTML is one
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
import subprocess
import sys
import tempfile
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
MAKE_REPORT = os.path.join(ROOT, "plots", "make_report.py")
STRATEGIES = ["global", "lockref", "rcufull", "kernel"]
WORKLOADS = ["stat-hot", "rename-churn"]
# the strategies' colours, as every plot draws them (plots/nbresults.py)
COLOURS = {"global": "#7f7f7f", "dlock": "#d62728", "lockref": "#ff7f0e",
           "rcuwalk": "#1f77b4", "rcufull": "#2ca02c", "kernel": "#000000"}
check = checks.Checks("report")




def expected_plots():
    names = ["%s-%s" % (kind, w) for w in WORKLOADS
             for kind in ("throughput", "scaling", "footprint", "latency")]
    return names + ["rcu-outcomes-rename-churn", "timeline", "heatmap"]


def measure(out):
    p = subprocess.run([PY, MAKE_REPORT, "--nameibench", NB, "--out", out,
                        "--strategies", ",".join(STRATEGIES), "--workloads", ",".join(WORKLOADS),
                        "--threads", "1,2", "--reps", "2", "--duration", "0.1", "--warmup",
                        "0.02", "--timeline-duration", "2"], capture_output=True, text=True)
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


def test_findings(out):
    """The scaling findings agree with efficiencies computed here."""
    with open(os.path.join(out, "results.json")) as f:
        pts = [p for p in json.load(f) if not p.get("skipped")]
    with open(os.path.join(out, "report.md")) as f:
        md = f.read()
    line = next((l for l in md.splitlines() if l.startswith("- At 2 threads on stat-hot")), "")
    effs = {}
    for s in STRATEGIES:
        t1 = [p["ops_per_sec"] for p in pts if (p["strategy"], p["workload"], p["threads"]) ==
              (s, "stat-hot", 1)]
        t2 = [p["ops_per_sec"] for p in pts if (p["strategy"], p["workload"], p["threads"]) ==
              (s, "stat-hot", 2)]
        if t1 and t2:
            effs[s] = mean(t2) / (2 * mean(t1))
    said = dict((s, int(v)) for s, v in re.findall(r"(\w+)(?: keeps)? (\d+)%", line))
    want = {s: round(100 * e) for s, e in effs.items()}
    check("the stat-hot scaling finding states each strategy's efficiency from the data",
          len(want) == len(STRATEGIES) and all(abs(said.get(s, -99) - v) <= 1
                                               for s, v in want.items()),
          "report says %s, results.json gives %s" % (said, want))
    order = [s for s, _ in re.findall(r"(\w+)(?: keeps)? (\d+)%", line)]
    check("the finding ranks the strategies by efficiency",
          order == sorted(want, key=lambda s: -effs[s]), "%s" % order)
    check("report.md sets ours beside fxmark MRPH for stat-hot",
          re.search(r"\| stat-hot \| fxmark MRPH[^\n]*\| (the same shape|not the published "
                    r"shape yet|a different shape)", md) is not None)
    for name in expected_plots():
        check("report.md shows %s" % name, "(plots/%s.png)" % name in md)


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


def test_bad_input(tmp):
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    for argv, what in (([PY, MAKE_REPORT, "--results", empty], "make_report --results"),
                       ([PY, os.path.join(ROOT, "plots", "report.py"), empty], "report.py")):
        p = subprocess.run(argv, capture_output=True, text=True)
        check("%s on a folder without results.json: one line, exit 2" % what,
              p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and
              "results.json" in p.stderr, describe(p))


def main():
    tmp = tempfile.mkdtemp(prefix="nameibench-report-")
    try:
        out = os.path.join(tmp, "run")
        if measure(out):
            test_plot_files(out)
            test_findings(out)
            test_html(out)
            test_redraw(out)
        test_bad_input(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
