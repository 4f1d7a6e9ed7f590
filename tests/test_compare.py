#!/usr/bin/env python3
"""nameibench compare: A/B comparison of results folders.

A real sweep, a copy of it with each repetition moved by up to 5% (noise
made here, so the verdict does not hang on how steady the machine is), and
a real sweep of one strategy slowed on purpose (--inject-delay: 2 us on an
operation of a few hundred ns) merged with such a copy of the others:
comparing the first two finds no regression; comparing the first with the
slowed one flags exactly the slowed strategy's points and exits 1.  A copy of a run with one strategy's
figures scaled by a known factor checks the printed change against that
factor, and a change under the noise floor is not marked.  Then the HTML
(in headless Chromium when it can be had) and bad input.  Prints
"PASS: compare: ...".
"""

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import browser  # noqa: E402
import checks  # noqa: E402
from checks import describe  # noqa: E402

NB = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bin", "nameibench")
PY = sys.executable
SWEEP = ["--strategies", "global,lockref,rcufull", "--workloads", "stat-hot",
         "--threads", "1,2", "--reps", "3", "--duration", "0.15", "--warmup", "0.03"]
SLOW = "lockref"
# The slowdown below costs lockref far more than 25%, and the copies made
# here move a point by 5% at most; with the noise band left out (--sigma 0)
# only the change decides, however noisy the machine made the real runs
# (on a loaded 2-core VM a slowed point's repetitions spread by 66%).
TOLERANT = ["--threshold", "25", "--sigma", "0"]
check = checks.Checks("compare")




def nb(*args):
    return subprocess.run([NB] + list(args), capture_output=True, text=True)


def rows(out):
    """The table rows of compare's output: {point: (change %, verdict)}."""
    got = {}
    for line in out.splitlines():
        m = re.match(r"\s*\S+\s+\S+(?: rep\))?\s+([+-]\d+\.\d)%\s+\S+\s+\S+(?: rep\))?\s+"
                     r"(\S+ \S+ t=\d+)\s*(\S*)$", line)
        if m:
            got[m.group(2)] = (float(m.group(1)), m.group(3))
    return got


def flagged(out):
    return {k for k, (_, v) in rows(out).items() if v == "REGRESSION"}


def points(run):
    with open(os.path.join(run, "results.json")) as f:
        return json.load(f)


def jittered_copy(src, dst, seed, only=None):
    """@src's points (those of strategies in @only, if given) with each
    repetition's throughput scaled by a factor in [0.95, 1.05], into @dst."""
    rng = random.Random(seed)
    if not os.path.exists(dst):
        shutil.copytree(src, dst)
    pts = [x for x in points(src) if only is None or x["strategy"] in only]
    for x in pts:
        if not x.get("skipped"):
            f = rng.uniform(0.95, 1.05)
            for k in ("ops_per_sec", "reader_ops_per_sec"):
                x[k] *= f
    return pts


def merge_slowed(a, c):
    """The slowed sweep @c (SLOW only) with jittered copies of @a's other points."""
    pts = points(c) + jittered_copy(a, c, 2, {x["strategy"] for x in points(a)} - {SLOW})
    with open(os.path.join(c, "results.json"), "w") as f:
        json.dump(pts, f)


def test_same_build(a, b):
    p = nb("compare", a, a)
    r = rows(p.stdout)
    check("a run against itself: every point +0.0%, nothing marked, exit 0",
          p.returncode == 0 and len(r) == 6 and all(c == 0.0 and not v for c, v in r.values()),
          describe(p))
    p = nb("compare", a, b, *TOLERANT)
    check("a run against a copy moved by noise (up to 5%): no regression, exit 0",
          p.returncode == 0 and len(rows(p.stdout)) == 6 and not flagged(p.stdout) and
          "0 regressions" in p.stdout, describe(p))
    q = subprocess.run([PY, os.path.join(ROOT, "plots", "compare.py"), a, b] + TOLERANT,
                       capture_output=True, text=True)
    check("'nameibench compare' and 'python3 plots/compare.py' are the same program",
          q.returncode == p.returncode and rows(q.stdout) == rows(p.stdout), describe(q))


def test_slowed(a, c):
    slowed = [x for x in points(c) if x["strategy"] == SLOW]
    others = [x for x in points(c) if x["strategy"] != SLOW]
    check("the slowed run records its injected delay on %s's points only" % SLOW,
          slowed and all(x["injected_delay_ns"] == 2000 for x in slowed) and
          all(x["injected_delay_ns"] == 0 for x in others))
    with open(os.path.join(c, "results.csv")) as f:
        head = f.readline().strip().split(",")
    check("results.csv has an injected_delay_ns column", "injected_delay_ns" in head)
    p = nb("compare", a, c, *TOLERANT)
    want = {"%s stat-hot t=%d" % (SLOW, t) for t in (1, 2)}
    check("a run with %s slowed: exactly its points flagged, exit 1" % SLOW,
          p.returncode == 1 and flagged(p.stdout) == want,
          "flagged %s; %s" % (sorted(flagged(p.stdout)), describe(p)))
    check("compare warns that NEW was slowed on purpose",
          re.search(r"warning: NEW was slowed on purpose.*%s" % SLOW, p.stdout) is not None,
          describe(p))
    p = nb("compare", c, a, *TOLERANT)
    r = rows(p.stdout)
    check("the other way round it is an improvement, exit 0",
          p.returncode == 0 and not flagged(p.stdout) and
          all(r[k][1] == "improvement" for k in want), describe(p))


def scaled_copy(src, dst, strategy, factor):
    """@src with @strategy's throughput multiplied by @factor."""
    shutil.copytree(src, dst)
    pts = points(dst)
    for x in pts:
        if x["strategy"] == strategy and not x.get("skipped"):
            for k in ("ops_per_sec", "reader_ops_per_sec"):
                x[k] *= factor
    with open(os.path.join(dst, "results.json"), "w") as f:
        json.dump(pts, f)


def test_known_change(a, tmp):
    d = os.path.join(tmp, "scaled")
    scaled_copy(a, d, "rcufull", 0.6)
    want = {"rcufull stat-hot t=%d" % t for t in (1, 2)}
    # With the noise band taken out, the change alone decides.
    p = nb("compare", a, d, "--sigma", "0")
    r = rows(p.stdout)
    check("a copy with rcufull at 0.6x: -40.0% on its points, only they flagged, exit 1",
          p.returncode == 1 and flagged(p.stdout) == want and
          all(r[k][0] == -40.0 for k in want) and
          all(c == 0.0 for k, (c, _) in r.items() if k not in want), describe(p))
    # At the default 3 sigma a point is flagged only where -40% lies outside
    # its band; the scaled copy keeps the relative spread, so the band is
    # 3 * sqrt(2) * the point's spread, computed here from the raw repetitions.
    s = spreads(a)
    noisy = {k for k in want if 0.4 <= 3 * 2 ** 0.5 * s[k]}
    p = nb("compare", a, d)
    check("at 3 sigma, -40%% is flagged exactly where it is outside the noise band "
          "(outside on %d of 2 points)" % (2 - len(noisy)),
          p.returncode == (1 if want - noisy else 0) and flagged(p.stdout) == want - noisy,
          "spreads %s; %s" % ({k: round(100 * v, 1) for k, v in s.items()}, describe(p)))
    e = os.path.join(tmp, "tiny")
    scaled_copy(a, e, "rcufull", 0.995)
    p = nb("compare", a, e, "--threshold", "0", "--sigma", "0")
    check("a 0.5% change is under the 1% floor: not marked, exit 0",
          p.returncode == 0 and not any(v for _, v in rows(p.stdout).values()), describe(p))
    f = os.path.join(tmp, "one-more")
    shutil.copytree(a, f)
    pts = [x for x in points(f) if x["threads"] == 1]
    with open(os.path.join(f, "results.json"), "w") as fh:
        json.dump(pts, fh)
    p = nb("compare", a, f)
    check("points on one side only are listed as such",
          p.returncode == 0 and "only in OLD: " in p.stdout and "t=2" in p.stdout.split(
              "only in OLD: ")[1].splitlines()[0], describe(p))


def spreads(run):
    """Relative standard deviation of each repeated point, computed here:
    {"strategy workload t=N": spread}."""
    groups = {}
    for x in points(run):
        groups.setdefault("%s %s t=%d" % (x["strategy"], x["workload"], x["threads"]),
                          []).append(x["ops_per_sec"])
    out = {}
    for k, v in groups.items():
        if len(v) > 1:
            m = sum(v) / len(v)
            out[k] = (sum((y - m) ** 2 for y in v) / (len(v) - 1)) ** 0.5 / m
    return out


def test_single_repetition(a, tmp):
    """A point measured once borrows the runs' median spread."""
    old = os.path.join(tmp, "once-old")
    shutil.copytree(a, old)
    pts = [x for x in points(old) if x["strategy"] != "rcufull" or x["rep"] == 1]
    with open(os.path.join(old, "results.json"), "w") as f:
        json.dump(pts, f)
    v = sorted(list(spreads(old).values()) * 2)
    pooled = v[len(v) // 2]
    band = 3 * (2 ** 0.5) * pooled      # --sigma 3, both sides borrowing
    # The marked case is a change well outside the band: 40%, more on a noisy run.
    big = min(0.98, max(0.4, 1.5 * band))
    for factor, marked in ((1 - max(band / 2, 0.011), False), (1 - big, True)):
        new = os.path.join(tmp, "once-%g" % factor)
        scaled_copy(old, new, "rcufull", factor)
        p = nb("compare", old, new, "--threshold", "0.5")
        r = rows(p.stdout)
        got = {k for k, (_, verdict) in r.items() if verdict}
        want = {"rcufull stat-hot t=%d" % t for t in (1, 2)} if marked else set()
        if not marked and band / 2 <= 0.011:
            print("SKIP: compare: the runs were too steady (band %.2f%%) to leave room for a "
                  "change under the noise band and over the 1%% floor" % (100 * band))
            continue
        if marked and big <= band:
            print("SKIP: compare: the runs were too noisy (band %.2f%%) for any slowdown to "
                  "lie outside it" % (100 * band))
            continue
        check("once-measured points at %.1f%% against a borrowed noise band of %.1f%%: %s"
              % (100 * (factor - 1), 100 * band, "marked" if marked else "not marked"),
              got == want, "marked %s; %s" % (sorted(got), describe(p)))


def test_html(a, c, tmp):
    html = os.path.join(tmp, "cmp.html")
    p = nb("compare", a, c, *TOLERANT, "--html", html)
    try:
        with open(html) as f:
            page = f.read()
    except OSError as e:
        check("--html writes the page", False, "%s; %s" % (e, describe(p)))
        return
    check("the HTML marks exactly the slowed points as regressions",
          page.count("<tr class='REGRESSION'>") == 2 and p.returncode == 1, describe(p))
    imgs = re.findall(r"<img [^>]*src='data:image/svg\+xml;base64,", page)
    check("the HTML has the overlaid throughput plot inlined", len(imgs) == 1 and
          "compare-stat-hot" in page)
    browser.check_rendered(check, html, 1, "the comparison")


def test_report_warns(c):
    p = subprocess.run([PY, os.path.join(ROOT, "plots", "report.py"), c], capture_output=True,
                       text=True)
    with open(os.path.join(c, "report.md")) as f:
        md = f.read()
    check("the report of a slowed run says so", p.returncode == 0 and
          re.search(r"Warning:\*\* %s stat-hot at \d threads was slowed on purpose" % SLOW, md)
          is not None, describe(p))


def test_bad_input(a, tmp):
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    with open(os.path.join(bad, "results.json"), "w") as f:
        f.write("[{\"strategy\": ")
    other = os.path.join(tmp, "other")
    shutil.copytree(a, other)
    pts = points(other)
    for x in pts:
        x["workload"] = "stat-disjoint"
    with open(os.path.join(other, "results.json"), "w") as f:
        json.dump(pts, f)
    for args, what in (((a, os.path.join(tmp, "nowhere")), "a missing folder"),
                       ((a, bad), "a truncated results.json"),
                       ((a, other), "folders with no point in common")):
        p = nb("compare", *args)
        check("compare with %s: one line, exit 2" % what,
              p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and not p.stdout,
              describe(p))
    p = nb("compare", a)
    check("compare with one folder: usage, exit 2", p.returncode == 2 and "usage" in p.stderr,
          describe(p))
    p = nb("compare", "--help")
    check("compare --help describes it", p.returncode == 0 and "%stddev" in p.stdout and
          "--threshold" in p.stdout, describe(p))


def main():
    tmp = tempfile.mkdtemp(prefix="nameibench-compare-")
    try:
        a, b, c = (os.path.join(tmp, x) for x in ("a", "b", "slowed"))
        slow = SWEEP[:]
        slow[slow.index("--strategies") + 1] = SLOW
        for out, extra in ((a, SWEEP), (c, slow + ["--inject-delay", SLOW + "=2000"])):
            p = nb("sweep", *extra, "--out", out)
            if p.returncode:
                check("sweep into %s" % out, False, describe(p))
                return 1
        pts = jittered_copy(a, b, 1)
        with open(os.path.join(b, "results.json"), "w") as f:
            json.dump(pts, f)
        merge_slowed(a, c)
        test_same_build(a, b)
        test_slowed(a, c)
        test_known_change(a, tmp)
        test_single_repetition(a, tmp)
        test_html(a, c, tmp)
        test_report_warns(c)
        test_bad_input(a, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
