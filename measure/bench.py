#!/usr/bin/env python3
"""make bench: how close the engine is to the hardware's limit, measured
against the real kernel in the same run.

    python3 measure/bench.py [--nameibench BIN] [--out FILE] [--quick]

Measures, on the machine at hand:
  - single-thread stat of a depth-5 path (stat-hot, 1 thread) for every
    strategy and the kernel, and each one's ratio to the kernel;
  - instructions per path component for every engine strategy, counted by
    valgrind --tool=callgrind in op_stat over a fixed loop of stats;
  - scaling on stat-hot and stat-disjoint at every thread count up to the
    PU count, as speedup over 1 thread;
  - the harness alone (noop): nanoseconds per operation and its scaling;
  - memory: resident bytes per cached file (a dentry and an inode) at a
    million files, and per dentry (less struct inode);
  - cost growth: stat nanoseconds per operation on trees of 10 thousand,
    100 thousand and a million dentries, and on paths of depth 1, 5, 10, 20;
then prints every figure and each target with PASS or FAIL, and writes
everything to results/bench-<UTC timestamp>.json (atomically, when done;
each measurement is also appended to FILE.partial as it finishes, so an
interrupted run keeps what it measured).
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from make_report import ask, top_threads  # the binary's facts; the PU count

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# The strategies, as the binary lists them (main): the engine's, and all.
ENGINE, ALL = [], []

# (name, depth, fanout, files): trees of about 10k, 100k and 1M dentries,
# all with paths of the same depth, so that only the size changes
TREES = [("10k", 3, 10, 100), ("100k", 3, 32, 98), ("1M", 3, 32, 977)]
DEPTHS = [1, 5, 10, 20]


def progress(msg):
    print("make bench: " + msg, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, nb, out, quick):
        self.nb, self.out, self.quick = nb, out, quick
        self.reps = 1 if quick else 3
        self.duration = 0.5 if quick else 1.0
        self.warmup = 0.2 if quick else 0.3
        self.tmp = tempfile.mkdtemp(prefix="nameibench-bench.")
        self.data = {}
        self.partial = out + ".partial"

    def record(self, key, value):
        """Keep a measurement, and append it to the .partial file at once."""
        self.data[key] = value
        with open(self.partial, "a") as f:
            f.write(json.dumps({key: value}) + "\n")

    # ---- one point ----

    def run(self, strategy, workload, threads):
        """ops/s of each repetition of one point."""
        out = []
        for rep in range(self.reps):
            js = os.path.join(self.tmp, "point.json")
            cmd = [self.nb, "run", "--strategy", strategy, "--workload", workload, "--threads",
                   str(threads), "--duration", str(self.duration), "--warmup",
                   str(self.warmup), "--seed", str(rep + 1), "--json", js]
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if p.returncode:
                raise SystemExit("make bench: %s failed: %s" % (" ".join(cmd), p.stderr.strip()))
            with open(js) as f:
                point = json.load(f)
            if "context" not in self.data:
                self.record("context", point.get("context", {}))
            out.append(point["ops_per_sec"])
        return out

    def best(self, strategy, workload, threads):
        """The best repetition: on a shared machine noise only slows things."""
        return max(self.run(strategy, workload, threads))

    def workload_file(self, name, depth, fanout, files, paths="uniform"):
        path = os.path.join(self.tmp, name + ".wl")
        with open(path, "w") as f:
            f.write("name = %s\ndepth = %d\nfanout = %d\nfiles = %d\npaths = %s\n"
                    % (name, depth, fanout, files, paths))
        return path

    # ---- the measurements ----

    def single_thread(self):
        progress("single-thread stat of a depth-5 path, every strategy and the kernel")
        rates = {s: self.best(s, "stat-hot", 1) for s in ALL}
        self.record("single_thread_stat_hot", {
            s: {"ops_per_sec": r, "ns_per_op": 1e9 / r, "vs_kernel": r / rates["kernel"]}
            for s, r in rates.items()})

    def instructions(self):
        """callgrind's count of op_stat's instructions over a fixed loop of
        stats of a depth-5 path, and of a depth-1 path: the difference
        splits a stat into what each component adds and what every stat
        pays once (copying the name, starting and ending the walk, filling
        the answer)."""
        progress("instructions per path component (callgrind)")
        if not shutil.which("valgrind"):
            self.record("instructions_per_component", {"skipped": "valgrind is not installed"})
            return
        loops = 2000 if self.quick else 20000
        setup = "mkdir /d1\nmkdir /d1/d2\nmkdir /d1/d2/d3\nmkdir /d1/d2/d3/d4\n" \
                "create /d1/d2/d3/d4/f\ncreate /f\n"
        res = {}
        for s in ENGINE:
            ir5, top = self.callgrind(s, setup, "/d1/d2/d3/d4/f", loops)	# five components
            ir1, _ = self.callgrind(s, setup, "/f", loops)
            added = (ir5 - ir1) / loops / 4
            res[s] = {"instructions_per_stat": ir5 / loops,
                      "instructions_per_component": ir5 / loops / 5,
                      "instructions_per_stat_depth_1": ir1 / loops,
                      "instructions_per_added_component": added,
                      "instructions_fixed_per_stat": ir1 / loops - added,
                      "top_functions_per_stat": [(f, ir / loops) for f, ir in top]}
        self.record("instructions_per_component", res)

    def callgrind(self, strategy, setup, path, loops):
        """(instructions in op_stat, top functions) over @loops stats of @path."""
        script = os.path.join(self.tmp, "loop.sh")
        with open(script, "w") as f:
            f.write(setup + ("stat %s\n" % path) * loops)
        cg = os.path.join(self.tmp, "callgrind.%s.out" % strategy)
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg,
               "--toggle-collect=op_stat", self.nb, "sh", "--strategy", strategy, script]
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode:
            raise SystemExit("make bench: %s failed: %s" % (" ".join(cmd), p.stderr[-500:]))
        return callgrind_total(cg), callgrind_top(cg, 10)

    def scaling(self, pus):
        progress("scaling on stat-hot and stat-disjoint, 1 to %d threads" % pus)
        res = {}
        for w in ("stat-hot", "stat-disjoint"):
            res[w] = {}
            for s in ALL:
                rates = {t: self.best(s, w, t) for t in range(1, pus + 1)}
                res[w][s] = {str(t): {"ops_per_sec": r, "speedup": r / rates[1]}
                             for t, r in rates.items()}
        self.record("scaling", res)

    def noop(self, pus):
        progress("the harness alone (noop)")
        rates = {t: self.best("rcufull", "noop", t) for t in range(1, pus + 1)}
        self.record("noop", {str(t): {"ops_per_sec": r, "ns_per_op": 1e9 / r * t,
                                      "speedup": r / rates[1]} for t, r in rates.items()})

    def memory(self):
        """Resident bytes per cached file at a million files: nameibench sh
        creates them (it keeps nothing per line, unlike a benchmark run,
        whose readers hold their paths), against a run with the
        directories alone.  A file is a dentry and an inode; the struct
        sizes, from the binary's debug information, split the figure."""
        progress("resident bytes per cached file at a million files")
        big, small = (os.path.join(self.tmp, n) for n in ("mem-1M.sh", "mem-dirs.sh"))
        with open(big, "w") as fb, open(small, "w") as fs:
            for d in range(1000):
                fb.write("mkdir /d%d\n" % d)
                fs.write("mkdir /d%d\n" % d)
                fb.writelines("create /d%d/f%d\n" % (d, i) for i in range(1000))
        rss = {n: max_rss_kb([self.nb, "sh", "--strategy", "rcufull", path])
               for n, path in (("small", small), ("big", big))}
        files = 1000 * 1000
        per_file = (rss["big"] - rss["small"]) * 1024.0 / files
        sizes = struct_sizes(self.nb, ["struct dentry", "struct inode"])
        m = {"files": files, "rss_kb_dirs_only": rss["small"], "rss_kb_1M_files": rss["big"],
             "bytes_per_file": per_file, "struct_sizes": sizes}
        if sizes.get("struct inode"):
            m["bytes_per_dentry"] = per_file - sizes["struct inode"]
        self.record("memory", m)

    def growth(self):
        progress("stat cost against tree size and path depth (rcufull, lockref)")
        res = {"tree_size": {}, "depth": {}}
        for s in ("rcufull", "lockref"):
            res["tree_size"][s] = {}
            for name, d, f, k in TREES:
                wl = self.workload_file("tree-" + name, d, f, k)
                r = self.best(s, wl, 1)
                size = next(iter(ask(self.nb, "list", wl).values()))["entries"]
                res["tree_size"][s][name] = {"dentries": size, "ns_per_op": 1e9 / r}
            res["depth"][s] = {}
            for d in DEPTHS:
                wl = self.workload_file("depth-%d" % d, d, 1, 1)
                r = self.best(s, wl, 1)
                res["depth"][s][str(d)] = {"ns_per_op": 1e9 / r}
                if shutil.which("valgrind"):
                    res["depth"][s][str(d)]["instructions_per_stat"] = self.depth_instructions(s, d)
        self.record("growth", res)

    def depth_instructions(self, strategy, depth):
        """callgrind's count for a stat of the depth workload's path
        (/0/0/.../f0: depth - 1 directories and a file)."""
        loops = 200 if self.quick else 2000
        dirs = ["/0" * k for k in range(1, depth)]
        path = "/0" * (depth - 1) + "/f0"
        setup = "".join("mkdir %s\n" % d for d in dirs) + "create %s\n" % path
        ir, _ = self.callgrind(strategy, setup, path, loops)
        return ir / loops


def callgrind_total(path):
    """The Ir total of a callgrind output (what --toggle-collect collected)."""
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise SystemExit("make bench: no totals in " + path)


def callgrind_top(path, n):
    """[(function, self Ir)] of the n most expensive functions."""
    p = subprocess.run(["callgrind_annotate", "--threshold=100", path], capture_output=True,
                       text=True)
    rows = []
    for line in p.stdout.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S+)", line) or \
            re.match(r"^\s*([\d,]+)\s+(\S+)", line)
        if m and ":" in m.group(2):
            # "engine/hash.h:link_path_walk": hash.h's code inlined there
            where, fn = m.group(2).split(":", 1)
            rows.append(("%s:%s" % (os.path.basename(where), fn.split(" ")[0]),
                         int(m.group(1).replace(",", ""))))
    return rows[:n]


def max_rss_kb(cmd):
    """The peak resident size of a command, from wait4()."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    if status:
        raise SystemExit("make bench: %s failed (status %d)" % (" ".join(cmd), status))
    return usage.ru_maxrss


def struct_sizes(nb, types):
    """{type: sizeof} from the binary's debug information (gdb), or {}."""
    if not shutil.which("gdb"):
        return {}
    cmd = ["gdb", "-batch", "-nx"] + sum((["-ex", "p sizeof(%s)" % t] for t in types), []) + [nb]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    vals = re.findall(r"^\$\d+ = (\d+)$", out, re.M)
    return {t: int(v) for t, v in zip(types, vals)} if len(vals) == len(types) else {}


# ---- targets ----

def targets(d, pus):
    """[(target, measured, PASS/FAIL)]"""
    out = []

    def add(what, measured, ok):
        out.append((what, measured, "PASS" if ok else "FAIL"))

    st = d["single_thread_stat_hot"]
    add("rcufull single-thread stat >= 15x kernel", "%.1fx" % st["rcufull"]["vs_kernel"],
        st["rcufull"]["vs_kernel"] >= 15)
    ipc = d["instructions_per_component"]
    if "rcufull" in ipc:
        v = ipc["rcufull"]["instructions_per_component"]
        add("rcufull <= 60 instructions per component", "%.0f" % v, v <= 60)
    t = str(min(2, pus))
    sc = d["scaling"]
    for w, s in (("stat-disjoint", "rcufull"), ("stat-disjoint", "rcuwalk"),
                 ("stat-hot", "rcufull")):
        v = sc[w][s][t]["speedup"]
        add("%s %s >= 1.9x at %s threads" % (s, w, t), "%.2fx" % v, v >= 1.9)
    v = sc["stat-hot"]["lockref"][t]["speedup"]
    out.append(("lockref stat-hot at %s threads (reported, not a target)" % t, "%.2fx" % v, "-"))
    n1 = d["noop"]["1"]["ns_per_op"]
    add("noop <= 5 ns per operation", "%.2f ns" % n1, n1 <= 5)
    v = d["noop"][t]["speedup"]
    add("noop >= 1.95x at %s threads" % t, "%.2fx" % v, v >= 1.95)
    m = d["memory"]
    if "bytes_per_dentry" in m:
        b = m["bytes_per_dentry"]
        add("<= 192 bytes per dentry (resident per file less struct inode)", "%.0f B" % b,
            b <= 192)
    else:
        b = m["bytes_per_file"]
        add("<= 192 bytes per dentry (no gdb: per file, dentry and inode)", "%.0f B" % b,
            b <= 192)
    g = d["growth"]["tree_size"]["rcufull"]
    v = g["1M"]["ns_per_op"] / g["10k"]["ns_per_op"]
    add("rcufull stat at 1M dentries <= 2x at 10k", "%.2fx" % v, v <= 2)
    dep = d["growth"]["depth"]["rcufull"]
    per, avg, ok = depth_linear([dep[str(k)]["ns_per_op"] for k in DEPTHS])
    add("rcufull linear in depth (ns/level 1-5, 5-10, 10-20 <= 1.2x 1-20 avg)",
        " ".join("%.1f" % p for p in per) + " (average %.1f)" % avg, ok)
    return out


def depth_linear(ns):
    """(cost per added level of each stretch between DEPTHS, the average
    over the whole range, linear?).  Linear: the deepest stretch costs at
    most 1.2x per level the average.  Superlinear growth is exactly a
    deepest stretch dearer than the average (cost ~ depth^2 gives 1.43x);
    a middle stretch that is cheaper (short walks overlap less with what
    surrounds them in the out-of-order core, as measured) is not growth."""
    per = [(ns[i + 1] - ns[i]) / (DEPTHS[i + 1] - DEPTHS[i]) for i in range(len(DEPTHS) - 1)]
    avg = (ns[-1] - ns[0]) / (DEPTHS[-1] - DEPTHS[0])
    return per, avg, per[-1] <= 1.2 * avg


def print_table(d, pus):
    st = d["single_thread_stat_hot"]
    print("single-thread stat, depth-5 path (stat-hot, 1 thread)")
    print("  %-9s %12s %9s %10s" % ("strategy", "Mops/s", "ns/op", "x kernel"))
    for s in ALL:
        print("  %-9s %12.2f %9.1f %10.2f" % (s, st[s]["ops_per_sec"] / 1e6, st[s]["ns_per_op"],
                                             st[s]["vs_kernel"]))
    ipc = d["instructions_per_component"]
    print("instructions per stat and per path component (callgrind, op_stat)")
    if "skipped" in ipc:
        print("  skipped: " + ipc["skipped"])
    for s in ENGINE:
        if s in ipc:
            print("  %-9s %8.0f per stat %8.1f per component  (%.0f per added component, "
                  "%.0f once per stat)" %
                  (s, ipc[s]["instructions_per_stat"], ipc[s]["instructions_per_component"],
                   ipc[s]["instructions_per_added_component"],
                   ipc[s]["instructions_fixed_per_stat"]))
    for w in ("stat-hot", "stat-disjoint"):
        print("scaling, %s (speedup over 1 thread)" % w)
        for s in ALL:
            row = d["scaling"][w][s]
            print("  %-9s " % s + " ".join("%d: %.2fx" % (int(t), row[t]["speedup"])
                                           for t in sorted(row, key=int)))
    print("noop: " + ", ".join("%s threads %.2f ns/op (%.2fx)" %
                               (t, v["ns_per_op"], v["speedup"]) for t, v in d["noop"].items()))
    m = d["memory"]
    print("memory: %.0f resident bytes per cached file at %d files (RSS %d KiB, %d KiB with the "
          "directories alone); sizes: %s" %
          (m["bytes_per_file"], m["files"], m["rss_kb_1M_files"], m["rss_kb_dirs_only"],
           ", ".join("%s %d" % kv for kv in m["struct_sizes"].items()) or "unknown (no gdb)"))
    for s, g in d["growth"]["tree_size"].items():
        print("tree size, %s: " % s + ", ".join("%s %.1f ns" % (k, v["ns_per_op"])
                                                for k, v in g.items()))
    for s, g in d["growth"]["depth"].items():
        print("depth, %s: " % s + ", ".join("%s %.1f ns" % (k, v["ns_per_op"]) +
                                            (" (%.0f instructions)" % v["instructions_per_stat"]
                                             if "instructions_per_stat" in v else "")
                                            for k, v in g.items()))
    print("targets")
    rows = targets(d, pus)
    for what, measured, verdict in rows:
        print("  %-4s %-68s %s" % (verdict, what, measured))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nameibench", default=os.path.join(ROOT, "bin", "nameibench"))
    ap.add_argument("--out", help="the result file (default results/bench-<UTC time>.json)")
    ap.add_argument("--quick", action="store_true", help="one repetition, shorter points")
    args = ap.parse_args()
    if not os.access(args.nameibench, os.X_OK):
        sys.exit("make bench: %s is not built (make)" % args.nameibench)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or os.path.join(ROOT, "results", "bench-%s.json" % stamp)
    b = Bench(args.nameibench, out, args.quick)
    for s in ask(args.nameibench, "strategies"):
        ALL.append(s["name"])
        if s["backend"] == "engine":
            ENGINE.append(s["name"])
    pus = top_threads(args.nameibench, "auto")
    b.record("start_utc", stamp)
    b.record("pus", pus)
    b.single_thread()
    b.instructions()
    b.scaling(pus)
    b.noop(pus)
    b.memory()
    b.growth()
    rows = print_table(b.data, pus)
    b.data["targets"] = [{"target": w, "measured": m, "verdict": v} for w, m, v in rows]
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(b.data, f, indent=1)
    os.replace(tmp, out)
    os.unlink(b.partial)
    shutil.rmtree(b.tmp, ignore_errors=True)
    print("make bench: wrote " + os.path.relpath(out, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
