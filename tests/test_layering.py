#!/usr/bin/env python3
"""The layering, checked on the tree and the built objects.

- No call circle between engine objects: from each object's defined and
  undefined symbols (nm), the graph of which engine file calls which has
  no cycle (dcache and inodes below superblocks, the census below all).
- No include circle between engine headers.
- The parts depend one way (README.md, "Architecture"): runners ->
  workloads -> engine, stress -> engine.  Outside engine/, a file reaches
  the engine through its public header only (engine/engine.h, and
  compiler.h, the kernel's compiler.h: no engine state); the engine
  includes nothing of the others; the workloads nothing of runners or
  stress; stress only runners/args.h of the runners (the option helpers,
  which hold no runner state), and the runners only stress/stress.h of it.
- No file outside the kernel backend (engine/kernel.c) asks whether a
  strategy is the kernel (is_kernel, nb_kernel_*, nb_backend_kernel, a
  strcmp with "kernel"): the runners ask the backend what it can do.
- The read side is one RCU flavor's: no engine object of the memb build
  (BUILD_DIR) names a QSBR symbol of liburcu, and none of the QSBR build
  (BUILD_DIR/qsbr, when built) a memb one.
- plots/ reads result files only: no program in it runs anything but
  gnuplot.

usage: test_layering.py [BUILD_DIR]   (default build; its engine/*.o)
Prints "PASS: layering: ...".
"""

import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from checks import Checks  # noqa: E402

check = Checks("layering")
PUBLIC = {"engine.h", "compiler.h"}
# What each part may include from the others, beyond the engine's public
# header; a part's own files are always allowed.  Tests (test_*) may also
# include the unit-test harness.
ALLOWED = {
    "engine": set(),
    "workloads": set(),
    "runners": {"workloads/workload.h", "stress/stress.h"},
    "stress": {"runners/args.h"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def cycle(graph):
    """One cycle of @graph {node: {nodes}} as a list, or None."""
    state, stack = {}, []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if not state.get(w):
                found = visit(w)
                if found:
                    return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if not state.get(v):
            found = visit(v)
            if found:
                return found
    return None


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDBR":
            defined.add(f[2])
        elif len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
    return defined, undefined


def call_graph(build):
    objs = sorted(glob.glob(os.path.join(build, "engine", "*.o")))
    syms = {os.path.basename(o): symbols(o) for o in objs}
    owner = {s: o for o, (d, _) in syms.items() for s in d}
    return {o: {owner[s] for s in u if s in owner and owner[s] != o}
            for o, (_, u) in syms.items()}


def include_graph():
    g = {}
    for h in glob.glob(os.path.join(ROOT, "engine", "*.h")):
        with open(h) as f:
            g[os.path.basename(h)] = {os.path.basename(i) for i in INCLUDE.findall(f.read())
                                      if "/" not in i}
    return g


RUNS = re.compile(r'subprocess\.(?:run|Popen|call|check_output|check_call)\(\s*\[\s*"?([\w.]+)')


ASKS_KERNEL = re.compile(r'\bis_kernel\b|\bnb_kernel_|\bnb_backend_kernel\b|'
                         r'strcmp\([^;]*"kernel"')


def includes(path):
    with open(path) as f:
        return INCLUDE.findall(f.read())


def include_problem(part, path, inc, allowed):
    """Why @path (in @part) may not include @inc, or None."""
    name = os.path.relpath(path, ROOT)
    target = os.path.normpath(os.path.join(os.path.dirname(name), inc))
    if "/" not in inc or target.startswith("build/"):
        return None                    # its own part, or a generated header
    top = target.split("/")[0]
    if top == part:
        return None
    if top == "engine" and os.path.basename(target) in PUBLIC:
        return None
    if target in allowed:
        return None
    if os.path.basename(name).startswith("test_") and target.startswith("tests/unit/"):
        return None
    return "%s includes %s" % (name, target)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    g = call_graph(build)
    check("the built engine objects are there to read (%s/engine)" % build, len(g) >= 10,
          "found %d objects" % len(g))
    c = cycle(g)
    check("no call circle between engine files", c is None, " -> ".join(c or []))
    check("the dcache does not call the superblock code, nor inodes the dcache",
          "super.o" not in g.get("dcache.o", ()) and "dcache.o" not in g.get("inode.o", ()),
          "dcache.o -> %s; inode.o -> %s" % (sorted(g.get("dcache.o", ())),
                                             sorted(g.get("inode.o", ()))))
    c = cycle(include_graph())
    check("no include circle between engine headers", c is None, " -> ".join(c or []))
    bad = []
    for part, allowed in sorted(ALLOWED.items()):
        for path in sorted(glob.glob(os.path.join(ROOT, part, "*.[ch]"))):
            bad += [problem for problem in (include_problem(part, path, inc, allowed)
                                            for inc in includes(path)) if problem]
    check("each part includes only the engine's public header and what the arrows allow",
          not bad, "; ".join(bad))
    check("the include rules see every part's files",
          all(glob.glob(os.path.join(ROOT, part, "*.c")) for part in ALLOWED),
          "a part has no C files: %s" % [p for p in ALLOWED
                                         if not glob.glob(os.path.join(ROOT, p, "*.c"))])
    for objdir, other in ((build, "urcu_qsbr_"), (os.path.join(build, "qsbr"), "urcu_memb_")):
        objs = sorted(glob.glob(os.path.join(objdir, "engine", "*.o")))
        if not objs and objdir != build:
            continue
        mixed = sorted("%s: %s" % (os.path.basename(o), s) for o in objs
                       for s in symbols(o)[1] if s.startswith(other))
        check("the engine in %s calls one RCU flavor (no %s*)" % (os.path.relpath(objdir, ROOT)
                                                                  if objdir.startswith(ROOT)
                                                                  else objdir, other),
              bool(objs) and not mixed, "; ".join(mixed[:6]) or "no objects")
    asks = []
    for part in sorted(ALLOWED):
        for path in sorted(glob.glob(os.path.join(ROOT, part, "*.[ch]"))):
            if os.path.relpath(path, ROOT) == os.path.join("engine", "kernel.c"):
                continue
            with open(path) as f:
                for n, line in enumerate(f, 1):
                    if ASKS_KERNEL.search(line):
                        asks.append("%s:%d" % (os.path.relpath(path, ROOT), n))
    check("only the kernel backend knows it is the kernel", not asks, "; ".join(asks))
    runs = []
    for path in sorted(glob.glob(os.path.join(ROOT, "plots", "*.py"))):
        with open(path) as f:
            for m in RUNS.finditer(f.read()):
                if m.group(1) != "gnuplot":
                    runs.append("%s runs %s" % (os.path.relpath(path, ROOT), m.group(1)))
    check("plots/ runs nothing but gnuplot (it reads result files only)", not runs,
          "; ".join(runs))
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
