#!/usr/bin/env python3
"""tests/run.py itself, on a made-up build whose "unit tests" pass, fail,
die by SIGABRT and SIGSEGV: the crash lines, --only, --list, the progress
lines and their estimate, and the closing line.  Needs no binary.  Prints
"PASS: run: ..." / "FAIL: run: ...".
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import checks  # noqa: E402

check = checks.Checks("run")

# name: the body of a Python "unit test"
UNITS = {
    "test_good": 'print("PASS: good: one")\nprint("PASS: good: two")\n',
    "test_bad": 'print("PASS: bad: one")\nprint("FAIL: bad: two")\nsys.exit(1)\n',
    "test_abort": 'print("PASS: abort: before")\nfor i in range(30):\n'
                  '    print("line %d" % i)\nsys.stdout.flush()\nos.abort()\n',
    "test_segv": 'print("FAIL: segv: first")\nsys.stdout.flush()\n'
                 'os.kill(os.getpid(), signal.SIGSEGV)\n',
    "test_quiet": 'print("some words")\nsys.exit(3)\n',
    # a test waiting for a thread that never lets go (it blocks on a pipe no one writes)
    "test_hang": 'print("PASS: hang: before")\nsys.stdout.flush()\nr, w = os.pipe()\n'
                 'os.read(r, 1)\n',
    "test_asan": 'print("PASS: asan: under AddressSanitizer")\n'
                 'print("==7==ERROR: AddressSanitizer: heap-use-after-free on address 0x60")\n'
                 'print("    #0 0x55 in main")\nsys.exit(1)\n',
}


def make_build(tmp):
    units = os.path.join(tmp, "build", "tests")
    os.makedirs(units)
    for name, body in UNITS.items():
        path = os.path.join(units, name)
        with open(path, "w") as f:
            f.write("#!%s\nimport os, signal, sys\n%s" % (sys.executable, body))
        os.chmod(path, 0o755)
    # the variant's binary: only its being executable matters to the unit-only runs
    binary = os.path.join(tmp, "nameibench")
    shutil.copy(sys.executable, binary)
    return os.path.join(tmp, "build"), binary


def runner(tmp, build, binary, *args):
    argv = [sys.executable, os.path.join(ROOT, "tests", "run.py"),
            "--variant", "fake=%s,%s,units" % (build, binary),
            "--times", os.path.join(tmp, "times.json")] + list(args)
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def test_list(tmp, build, binary):
    p = runner(tmp, build, binary, "--list")
    names = [line.split()[0] for line in p.stdout.splitlines() if line.strip()]
    want = ["fake/%s" % n for n in sorted(UNITS)] + ["fake/stress"]
    check("--list names every suite and runs none", p.returncode == 0 and names == want and
          not os.path.exists(os.path.join(tmp, "times.json")), checks.describe(p))


def test_crashes(tmp, build, binary):
    p = runner(tmp, build, binary, "--only", "test_abort,test_segv,fake/test_quiet")
    out = p.stdout
    m = re.search(r"^FAIL: fake/test_abort: killed by SIGABRT ([0-9.]+)s into the suite; "
                  r"its last output:\n((?:    \| .*\n)+)", out, re.M)
    tail = m.group(2).splitlines() if m else []
    check("a suite killed by SIGABRT: a FAIL line with its name, the signal, the time and "
          "its last lines", m is not None and tail[-1] == "    | line 29" and
          "    | line 0" not in tail, repr(out[-600:]))
    check("a signal after the suite's own FAIL lines is one more failure",
          "FAIL: segv: first" in out and
          re.search(r"^FAIL: fake/test_segv: killed by SIGSEGV [0-9.]+s into the suite",
                    out, re.M) is not None, repr(out[-600:]))
    check("a suite that exits non-zero with no FAIL line: its status and its output",
          re.search(r"^FAIL: fake/test_quiet: exited with status 3 [0-9.]+s into the suite; "
                    r"its last output:\n    \| some words$", out, re.M) is not None,
          repr(out[-600:]))
    check("only the suites asked for ran, and the closing line counts them",
          p.returncode == 1 and "test_good" not in out and "test_bad" not in out and
          out.splitlines()[-1] == "1 passed, 4 failed", checks.describe(p))


def test_sanitizer(tmp, build, binary):
    p = runner(tmp, build, binary, "--only", "test_asan")
    check("a sanitizer's exit: the FAIL line says what it found",
          re.search(r"^FAIL: fake/test_asan: exited with status 1 [0-9.]+s into the suite: "
                    r"==7==ERROR: AddressSanitizer: heap-use-after-free on address 0x60; "
                    r"its last output:$", p.stdout, re.M) is not None, repr(p.stdout[-600:]))


def test_progress(tmp, build, binary):
    times = os.path.join(tmp, "times.json")
    if os.path.exists(times):
        os.unlink(times)
    p = runner(tmp, build, binary, "--only", "fake/test_good", "--only", "test_bad")
    first = [line for line in p.stdout.splitlines() if line.startswith("[")]
    check("without recorded times the progress lines count the suites",
          first == ["[1/2] fake/test_bad", "[2/2] fake/test_good"] and
          p.stdout.splitlines()[-1] == "3 passed, 1 failed", checks.describe(p))
    try:
        with open(times) as f:
            kept = json.load(f)
    except (OSError, ValueError) as e:
        kept = {"error": str(e)}
    check("each suite's time is kept", set(kept) == {"fake/test_bad", "fake/test_good"},
          repr(kept))
    with open(times, "w") as f:
        json.dump({"fake/test_good": 100.0, "fake/test_bad": 20.0}, f)
    p = runner(tmp, build, binary, "--only", "test_good,test_bad,test_quiet")
    lines = [line for line in p.stdout.splitlines() if line.startswith("[")]
    # test_quiet was never timed: it counts as the mean of the others, 60 s
    check("the estimate is the recorded times of what is left",
          lines[:3] == ["[1/3] fake/test_bad, about 3m00s left",
                        "[2/3] fake/test_good, about 2m40s left",
                        "[3/3] fake/test_quiet, about 1m00s left"], repr(lines))
    p = runner(tmp, build, binary, "--list")
    check("--list shows the time each suite took last", re.search(
        r"^fake/test_good +[0-9.]+s last time$", p.stdout, re.M) is not None, repr(p.stdout))


def test_hung(tmp, build, binary):
    p = runner(tmp, build, binary, "--only", "test_hang,test_good", "--hung", "1")
    check("a suite that never ends is killed and counted failed, the others still run",
          re.search(r"^FAIL: fake/test_hang: killed by SIGKILL [0-9.]+s into the suite: "
                    r"still running after 1 s: hung \(killed\); its last output:\n"
                    r"    \| PASS: hang: before$", p.stdout, re.M) is not None and
          p.stdout.splitlines()[-1] == "3 passed, 1 failed", checks.describe(p))


def test_bad_only(tmp, build, binary):
    p = runner(tmp, build, binary, "--only", "nosuch")
    lines = p.stderr.strip().splitlines()
    check("--only with no such suite: one line, exit 2, nothing run",
          p.returncode == 2 and len(lines) == 1 and "nosuch" in lines[0] and not p.stdout,
          checks.describe(p))


def main():
    tmp = tempfile.mkdtemp(prefix="nameibench-run-")
    try:
        build, binary = make_build(tmp)
        test_list(tmp, build, binary)
        test_crashes(tmp, build, binary)
        test_sanitizer(tmp, build, binary)
        test_progress(tmp, build, binary)
        test_hung(tmp, build, binary)
        test_bad_only(tmp, build, binary)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
