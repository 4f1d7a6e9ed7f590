#!/usr/bin/env python3
"""A sixth strategy is one file and one word in the Makefile.

In a copy of the tree, add engine/strategy/scratch.h (lockref's file with
its own name) and "scratch" to the Makefile's STRATEGIES line, and nothing
else; build; the new binary must list the strategy with its summary,
answer through it in `sh` exactly as lockref does, and pass a stress run
of it (an oracle-checked run, demanded in counts).  Prints
"PASS: strategy: ...".
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from checks import Checks, describe  # noqa: E402

check = Checks("strategy")
SUMMARY = "lockref under another name (tests/test_strategy.py)"
SCRIPT = "mkdir /a\nmkdir /a/b\nsymlink a/b /l\nstat /l/\nlstat /l\nrename /a/b /a/c\n" \
         "stat /l\nancestors /a/c\nrmdir /a/c\nstat /a/c\n"


def copy_tree(dst):
    """The source tree, without what builds and runs leave in it."""
    skip = {".git", "build", "bin", "results", "__pycache__"}
    shutil.copytree(ROOT, dst, ignore=lambda d, names: [n for n in names if n in skip])


def add_strategy(tree):
    """The two edits a new strategy needs; returns the Makefile line changed."""
    with open(os.path.join(tree, "engine", "strategy", "lockref.h")) as f:
        text = f.read()
    text = text.replace('"lockref"', '"scratch"', 1)
    text = text.replace("nb_strategy_lockref", "nb_strategy_scratch", 1)
    text = re.sub(r'(#define STRATEGY_SUMMARY\s+)"[^"]*"', r'\1"%s"' % SUMMARY, text, count=1)
    with open(os.path.join(tree, "engine", "strategy", "scratch.h"), "w") as f:
        f.write(text)
    mk = os.path.join(tree, "Makefile")
    with open(mk) as f:
        lines = f.read().split("\n")
    hits = [i for i, l in enumerate(lines) if re.match(r"STRATEGIES\s*:=", l)]
    if len(hits) != 1:
        return None
    lines[hits[0]] += " scratch"
    with open(mk, "w") as f:
        f.write("\n".join(lines))
    return lines[hits[0]]


def sh(nb, strategy):
    return subprocess.run([nb, "sh", "--strategy", strategy], input=SCRIPT, text=True,
                          capture_output=True)


def main():
    tmp = tempfile.mkdtemp(prefix="nameibench-strategy-")
    try:
        tree = os.path.join(tmp, "tree")
        copy_tree(tree)
        line = add_strategy(tree)
        check("the Makefile has one STRATEGIES line to add the name to", line is not None)
        if line is None:
            return 1
        nb = os.path.join(tmp, "bin", "nameibench")
        p = subprocess.run(["make", "-s", "-j2", "BUILD=" + os.path.join(tmp, "build"),
                            "BIN=" + nb, nb], cwd=tree, capture_output=True, text=True)
        check("the tree builds with the new file and the one word (%s)" % line.strip(),
              p.returncode == 0 and os.access(nb, os.X_OK), describe(p))
        if p.returncode:
            return 1
        p = subprocess.run([nb, "strategies"], capture_output=True, text=True)
        names = [l.split()[0] for l in p.stdout.splitlines() if l.strip()]
        check("'strategies' lists it after the others, with its summary",
              p.returncode == 0 and names[:6] == ["global", "dlock", "lockref", "rcuwalk",
                                                  "rcufull", "scratch"] and SUMMARY in p.stdout,
              describe(p))
        new, old = sh(nb, "scratch"), sh(nb, "lockref")
        check("'sh --strategy scratch' answers as lockref does, line for line",
              new.returncode == 0 and new.stdout == old.stdout and
              len(new.stdout.splitlines()) == len(SCRIPT.splitlines()), describe(new))
        p = subprocess.run([nb, "stress", "--strategy", "scratch", "--duration", "1",
                            "--min-lookups", "5000", "--min-changes", "500",
                            "--max-duration", "120", "--quiet"], capture_output=True,
                           text=True, timeout=300)
        check("a stress run of it passes, every lookup checked",
              p.returncode == 0 and re.search(r"^stress scratch: PASS: \d+ lookups checked "
                                              r"\(0 unchecked\)", p.stdout, re.M) is not None,
              describe(p))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
