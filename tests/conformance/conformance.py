#!/usr/bin/env python3
"""Differential conformance: the engine against the real Linux kernel.

Random operation scripts (trees of directories, files and symlinks, loops
and dangling links, paths with ".", "..", "//", trailing slashes, absolute
and relative symlinks, 255- and 256-byte names, over-long paths, mounts,
unmounts, working-directory changes, opens by descriptor and openat2's
resolve flags) run through `nameibench sh` and
through the kernel on a private tmpfs (kernelsh.py); every result line must
agree: errno names exactly, type, link count and size, and which answers
name the same object.  A mismatch is shrunk to the shortest script that
still shows one, and printed.  RESOLVE_CACHED is compared on tmpfs only:
on the engine's other filesystem types the scripts run without it
(CACHE_AS_TMPFS says why).

Before the random corpus, the hand-written edge cases of edge_cases.txt
run through the engine and, where the kernel is reachable, through the
kernel too, so the table's expectations are themselves checked against
Linux.

Output: one line per check, "PASS: ...", "FAIL: ..." or "SKIP: ...", then a
summary; exit status 1 if anything failed.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import kernelsh  # noqa: E402
import shlang  # noqa: E402


# ---------------------------------------------------------------- engine runs

class EngineFailed(Exception):
    """nameibench sh crashed or reported an internal error (a sanitizer, say)."""


# The filesystem types whose dcache holds what tmpfs's does: no negative
# dentry kept, every positive one pinned (shrink evicts nothing), nothing
# to ask a server.  RESOLVE_CACHED's answer is a statement about exactly
# that (is the name in the dcache, can the filesystem vouch for it without
# blocking), so on the others it differs from tmpfs's as Linux's own does
# on ext4 (a kept negative dentry: ENOENT where tmpfs misses; an evicted
# one: EAGAIN where tmpfs answers) or NFS (a revalidation that must ask
# the server: EAGAIN).
CACHE_AS_TMPFS = ("tmpfs",)


def without_cached(line):
    """@line with openat2's cached resolve word taken out."""
    words = line.split()
    if len(words) != 5 or words[0] != "openat2":
        return line
    rest = [w for w in words[4].split(",") if w != "cached"]
    return " ".join(words[:4] + ([",".join(rest)] if rest else []))


class Engine:
    """One strategy on one filesystem type, whose answers must be the
    kernel's tmpfs's whatever the type (a type changes speed, not answers),
    but for RESOLVE_CACHED on a type whose dcache is not tmpfs's: there the
    scripts run without it (CACHE_AS_TMPFS)."""

    def __init__(self, binary, strategy, fs="tmpfs"):
        self.binary, self.fs = binary, fs
        self.strategy = strategy if fs == "tmpfs" else "%s on %s" % (strategy, fs)
        self.argv = [binary, "sh", "--strategy", strategy, "--fs", fs]
        self.cache_as_tmpfs = fs.split(",")[0] in CACHE_AS_TMPFS

    def script(self, lines):
        """The script as this engine is compared on it."""
        return lines if self.cache_as_tmpfs else [without_cached(l) for l in lines]

    def runs_case(self, steps):
        """Can this engine's answers to an edge case be the kernel's?"""
        return self.cache_as_tmpfs or all(without_cached(op) == op for op, _ in steps)

    def run(self, lines):
        p = subprocess.run(self.argv, input="\n".join(lines) + "\n", capture_output=True,
                           text=True, errors="surrogateescape")
        if p.returncode not in (0, 2):
            tail = " | ".join(p.stderr.strip().splitlines()[:6])
            raise EngineFailed("nameibench sh exited with %d: %s" % (p.returncode, tail))
        # the shrinker's count is the engine's own business: the kernel
        # only resolves the path (kernelsh.py)
        return [re.sub(r"^ok evicted=\d+$", "ok", l) for l in p.stdout.splitlines()]


# ---------------------------------------------------------------- generator

NAMES = ["a", "b", "c", "a", "b", "a"]
ODD_NAMES = ["x.y", ".hid", "-", "..."]
LONG_NAMES = ["n" * 40, "n" * 41, "m" * 255, "m" * 256]


class Generator:
    """Random scripts that keep coming back to the same few names, so that
    trees grow, renames land on existing targets and lookups mostly find
    something: paths are often reused from earlier operations (the
    generator does not know which of them succeeded, and need not)."""

    WEIGHTS = [("mkdir", 18), ("create", 8), ("symlink", 10), ("unlink", 6),
               ("rmdir", 6), ("rename", 12), ("exchange", 5), ("mount", 3), ("umount", 4),
               ("stat", 18), ("lstat", 8), ("stat_in_root", 6), ("cd", 5), ("shrink", 3),
               ("readlink", 5), ("access", 5), ("open", 7), ("openat", 3), ("openat2", 9),
               ("close", 4), ("fstat", 5), ("statx", 4), ("getcwd", 6)]
    OPEN_FLAGS = [("creat", 0.25), ("excl", 0.08), ("trunc", 0.1), ("directory", 0.15),
                  ("nofollow", 0.15), ("path", 0.15)]
    # openat2's resolve words, each on its own chance: together now and
    # then (beneath with in_root is EINVAL), cached the most, since its
    # answer turns on what the dcache holds (on tmpfs, every miss)
    RESOLVE = [("beneath", 0.2), ("in_root", 0.2), ("no_xdev", 0.2), ("no_symlinks", 0.2),
               ("no_magiclinks", 0.08), ("cached", 0.3)]
    MAX_KNOWN = 64

    def __init__(self, rng):
        self.rng = rng
        self.ops = [op for op, w in self.WEIGHTS for _ in range(w)]
        self.known, self.mounted, self.links = [], [], []
        self.opened = 0

    def fd(self, dirfd=False):
        """A descriptor: mostly one that may be open (the generator does not
        know which opens succeeded), sometimes none that can be."""
        r = self.rng.random()
        if dirfd and r < 0.3:
            return "cwd"
        if r > 0.95:
            return self.rng.choice(["99", "65536"])
        return str(self.rng.randint(0, min(self.opened, 8)))

    def open_flags(self):
        rng = self.rng
        words = [rng.choice(["rdonly"] * 4 + ["wronly", "rdwr"])]
        words += [w for w, p in self.OPEN_FLAGS if rng.random() < p]
        rng.shuffle(words)
        return ",".join(words) if words != ["rdonly"] or rng.random() < 0.5 else None

    def resolve(self):
        """openat2's resolve words, or None for none."""
        words = [w for w, p in self.RESOLVE if self.rng.random() < p]
        return ",".join(words) if words else None

    def openat2_path(self):
        """What makes each resolve flag count: '..' out of the start,
        absolute paths, symlinks (followed last or not), mounts to cross
        and names no dcache holds."""
        rng = self.rng
        r = rng.random()
        if r < 0.15 and self.mounted:
            p = rng.choice(self.mounted)
            return p + rng.choice(["", "/a", "/..", "/../a"])
        if r < 0.35 and self.links:
            p = rng.choice(self.links)
            return p + rng.choice(["", "", "/", "/a", "/.."])
        if r < 0.5:
            return "/".join([".."] * rng.randint(1, 3) + [self.component()])
        return self.path(0.8)

    def openat2_flags(self):
        """Mostly plain opens and O_PATH, so that the walk decides."""
        r = self.rng.random()
        if r < 0.45:
            return "-"
        if r < 0.6:
            return "path"
        if r < 0.7:
            return self.rng.choice(["directory", "nofollow", "path,nofollow"])
        return self.open_flags() or "-"

    def open_op(self, op):
        """open/openat/openat2/close/fstat/statx: descriptors the script may hold."""
        rng = self.rng
        if op in ("close", "fstat"):
            return "%s %s" % (op, self.fd())
        if op == "statx":
            flags = rng.choice(["-", "nofollow", "empty_path", "nofollow,empty_path"])
            p = '""' if "empty" in flags and rng.random() < 0.6 else self.path(0.8)
            return "statx %s %s %s" % (self.fd(True), p, flags)
        self.opened += 1
        p = self.openat2_path() if op == "openat2" else self.path(0.8)
        flags = self.openat2_flags() if op == "openat2" else self.open_flags()
        if flags and "creat" in flags:
            self.remember(p)
        if op == "openat2":
            resolve = self.resolve()
            fd = "cwd" if rng.random() < 0.4 else self.fd(True)
            return "openat2 %s %s %s%s" % (fd, p, flags, " " + resolve if resolve else "")
        head = "openat %s " % self.fd(True) if op == "openat" else "open "
        return head + p + (" " + flags if flags else "")

    def component(self):
        r = self.rng.random()
        if r < 0.08:
            return ".."
        if r < 0.13:
            return "."
        if r < 0.16:
            return self.rng.choice(LONG_NAMES)
        if r < 0.20:
            return self.rng.choice(ODD_NAMES)
        return self.rng.choice(NAMES)

    def remember(self, path, where=None):
        """Keep absolute paths for reuse (relative ones move with cd)."""
        where = self.known if where is None else where
        if path.startswith("/") and len(path) < 1024 and path not in where:
            where.append(path)
            if len(where) > self.MAX_KNOWN:
                where.pop(self.rng.randrange(len(where)))

    def fresh_path(self, max_depth=4):
        rng = self.rng
        r = rng.random()
        if r < 0.01:
            return self.long_path()
        if r < 0.02:
            return '""'
        n = rng.randint(0, max_depth) if rng.random() < 0.5 else rng.randint(1, 2)
        absolute = rng.random() < 0.55
        if n == 0:
            return "/" if absolute else "."
        sep = lambda: "//" if rng.random() < 0.05 else "/"  # noqa: E731
        p = "/" if absolute else ""
        if absolute and rng.random() < 0.05:
            p = "//"
        p += sep().join(self.component() for _ in range(n))
        if rng.random() < 0.10:
            p += rng.choice(["/", "//"])
        return p

    def path(self, reuse=0.5):
        """A path: often one used before, perhaps one level deeper."""
        rng = self.rng
        if not self.known or rng.random() >= reuse:
            return self.fresh_path()
        p = rng.choice(self.known)
        r = rng.random()
        if r < 0.25 and p not in ("/", '""'):
            p = p.rstrip("/") + "/" + self.component()
        elif r < 0.30:
            p += "/"
        elif r < 0.33:
            p = p.rstrip("/") + "/."
        return p

    def long_path(self):
        """Paths at and around PATH_MAX (4096 bytes with the terminator)."""
        length = self.rng.choice([4094, 4095, 4096, 5000])
        body = "./" * ((length - 1) // 2)
        p = ("/" if self.rng.random() < 0.5 else "") + body
        return (p + "a" * length)[:length]

    def target(self):
        """A symlink target: any path, or one of a few classic shapes."""
        r = self.rng.random()
        if r < 0.08:
            return self.rng.choice(NAMES)          # often a loop to itself
        if r < 0.12:
            return self.rng.choice(["/", ".", "..", "../..", "a/"])
        return self.path()

    def op(self):
        rng = self.rng
        op = rng.choice(self.ops)
        if op == "symlink":
            p = self.path()
            self.remember(p)
            self.remember(p, self.links)
            return "symlink %s %s" % (self.target(), p)
        if op in ("rename", "exchange"):
            old, new = self.path(0.85), self.path(0.85 if op == "exchange" else 0.5)
            self.remember(new)
            return "%s %s %s" % (op, old, new)
        if op in ("open", "openat", "openat2", "close", "fstat", "statx"):
            return self.open_op(op)
        if op == "stat_in_root":
            return "stat_in_root %s %s" % (self.path(0.8), self.path(0.5))
        if op == "umount":
            p = rng.choice(self.mounted) if self.mounted and rng.random() < 0.7 else self.path()
            return "umount %s%s" % (p, " lazy" if rng.random() < 0.4 else "")
        if op == "cd" and rng.random() < 0.3:
            return "cd /"
        if op == "access":
            return "access %s %s" % (self.path(0.8), rng.choice(["f", "r", "w", "x", "rx",
                                                                "rwx", "wx"]))
        if op == "getcwd":
            # a buffer too short for the path, or for its NUL: ERANGE
            return "getcwd" + (" %d" % rng.choice([0, 1, 2, 3, 5, 8, 4096])
                               if rng.random() < 0.3 else "")
        if op == "readlink" and rng.random() < 0.2:
            # a buffer shorter than the body: readlink_copy() truncates, no NUL
            return "readlink %s %d" % (self.path(0.8), rng.choice([0, 1, 2, 3, 4096]))
        p = self.path(0.8 if op in ("unlink", "rmdir", "stat", "lstat", "cd", "shrink",
                                    "readlink")
                      else 0.5)
        if op in ("mkdir", "create"):
            self.remember(p)
        elif op == "mount":
            self.remember(p, self.mounted)
        return "%s %s" % (op, p)

    def ladder(self):
        """A chain of symlinks around MAXSYMLINKS (40 per lookup)."""
        d = "/L%d" % self.rng.randint(0, 9)
        lines = ["mkdir " + d, "symlink . %s/s0" % d]
        lines += ["symlink s%d %s/s%d" % (i - 1, d, i) for i in range(1, 42)]
        for i in (38, 39, 40, 41):
            lines.append("stat %s/s%d" % (d, i))
            lines.append("stat %s/s%d/" % (d, i))
        return lines

    def cwd_story(self):
        """getcwd where it has something to say: after cd into a directory,
        after a rename of one of its ancestors (or of itself) and after an
        rmdir of it (ENOENT).  The generator does not know which steps
        succeed; the kernel and the engine must agree either way."""
        rng = self.rng
        dirs = [k for k in self.known if k.strip("/")]
        d = rng.choice(dirs) if dirs and rng.random() < 0.85 else self.fresh_path()
        lines = ["cd " + d, "getcwd"]
        parts = [x for x in d.split("/") if x not in ("", ".")]
        if d.startswith("/") and parts and ".." not in parts and rng.random() < 0.6:
            cut = rng.randint(1, len(parts))
            new = "/" + rng.choice(NAMES) + rng.choice(["", "2", "x"])
            lines += ["rename /%s %s" % ("/".join(parts[:cut]), new), "getcwd"]
            self.remember(new)
            d = "/".join([new] + parts[cut:])
        if rng.random() < 0.3:
            lines += ["cd ..", "getcwd", "cd " + d]
        if rng.random() < 0.4:
            lines += ["rmdir " + d, "getcwd", "getcwd 1"]
        return lines

    def prelude(self):
        """A few directories and files to start from."""
        lines = []
        for _ in range(self.rng.randint(3, 10)):
            parent = self.rng.choice(["/"] + [k + "/" for k in self.known])
            p = parent + self.rng.choice(NAMES)
            lines.append("%s %s" % ("mkdir" if self.rng.random() < 0.7 else "create", p))
            self.remember(p)
        return lines

    def script(self, length):
        self.known, self.mounted, self.links = [], [], []
        self.opened = 0
        lines = self.prelude()
        while len(lines) < length:
            r = self.rng.random()
            if r < 0.004:
                lines += self.ladder()
            elif r < 0.03:
                lines += self.cwd_story()
            else:
                lines.append(self.op())
        return lines


# ---------------------------------------------------------------- comparing

def mismatch(engine, kernel, lines, k=None):
    """None if engine and kernel agree on @lines, else (index, reason, e, k).
    @k: the kernel's answers, if already known (to engine.script(@lines))."""
    lines = engine.script(lines)
    if k is None:
        k = kernel.run(lines)
    try:
        e = engine.run(lines)
    except EngineFailed as err:
        return len(lines) - 1, str(err), [], k
    d = shlang.compare(lines, e, k)
    return None if d is None else (d[0], d[1], e, k)


def shrink(engine, kernel, lines):
    """Delta debugging (ddmin) on operation lines: a shortest failing script
    (the whole script if the mismatch does not come back when run again)."""
    d = mismatch(engine, kernel, lines)
    if not d:
        return lines
    lines = lines[:d[0] + 1]           # nothing after the first mismatch matters
    n = 2
    while len(lines) >= 2:
        chunk = max(1, len(lines) // n)
        reduced = False
        for start in range(0, len(lines), chunk):
            trial = lines[:start] + lines[start + chunk:]
            if trial and mismatch(engine, kernel, trial):
                lines, n, reduced = trial, max(n - 1, 2), True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(lines), 2 * n)
    return lines


def report(engine, kernel, lines, out):
    d = mismatch(engine, kernel, lines)
    if not d:
        # it disagreed once and not when run again: an answer that hangs on
        # timing (a clock tick, another process's mount), itself a finding
        print("    the script (%d operations) disagreed once but not when run again: an "
              "answer that depends on timing; the script:" % len(lines), file=out)
        for line in lines:
            print("       %s" % line, file=out)
        return
    idx, reason, e, k = d
    print("    shortest script that still disagrees (%d operations):" % len(lines), file=out)
    for i, line in enumerate(lines):
        mark = ">>" if i == idx else "  "
        ea = e[i] if i < len(e) else "(nothing)"
        ka = k[i] if i < len(k) else "(nothing)"
        print("    %s %-40s engine: %-45s kernel: %s" % (mark, line, ea, ka), file=out)
    print("    %s" % reason, file=out)


# ---------------------------------------------------------------- edge cases

def parse_edge_cases(path):
    """Cases of (title, [(op line, expectation)]) from edge_cases.txt."""
    cases, cur = [], None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("== "):
                cur = (line[3:].strip(), [])
                cases.append(cur)
                continue
            if not shlang.is_op_line(line):
                continue
            if cur is None or "=>" not in line:
                raise SystemExit("%s:%d: expected '== title' or 'OP ARGS => RESULT'" % (path, n))
            op, want = line.split("=>", 1)
            cur[1].append((op.strip(), want.strip()))
    return cases


def check_expectation(want, got, binds):
    """Does result line @got satisfy @want?  Returns an error text or None."""
    if want == "*":
        return None
    r = shlang.Result(got)
    words = want.split()
    if words[0] == "err":
        return None if got == want else "expected %r" % want
    if words[0] != "ok" or r.err:
        return "expected %r" % want
    if any(r.match(want) or r.match(got)
           for r in (shlang.READLINK_RE, shlang.GETCWD_RE, shlang.OPEN_RE)):
        # a body, a path, a descriptor: exactly
        return None if got == want else "expected %r" % want
    for w in words[1:]:
        key, _, val = w.partition("=")
        if key in ("id", "dev"):
            actual = r.ident if key == "id" else r.stat["dev"]
            names = binds.setdefault(key, {})
            if names.setdefault(val, actual) != actual:
                return "%s=%s is not what it was earlier in the case" % (key, val)
            if any(v == actual for n, v in names.items() if n != val):
                return "%s=%s is the same as another %s" % (key, val, key)
        elif str(r.stat.get(key)) != val:
            return "expected %s=%s" % (key, val)
    return None


def run_edge_case(runner, steps):
    try:
        got = runner.run([op for op, _ in steps])
    except EngineFailed as err:
        return str(err)
    binds = {}
    for i, (op, want) in enumerate(steps):
        if i >= len(got):
            return "%s: no result" % op
        err = check_expectation(want, got[i], binds)
        if err:
            return "%s => %s (%s)" % (op, got[i], err)
    return None


# ---------------------------------------------------------------- main

def strategies_of(binary, spec):
    """The strategies named by --strategy: a comma list, or "all" (the
    engine's: the kernel strategy is what they are compared with)."""
    if spec != "all":
        return spec.split(",")
    out = subprocess.run([binary, "strategies"], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in out.stdout.splitlines() if line.strip()]
    return [n for n in names if n != "kernel"]


def main():
    ap = argparse.ArgumentParser(
        description="Check nameibench's path resolution against the real kernel.")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--ops", type=int, default=5000,
                    help="operations in the random corpus (default 5000)")
    ap.add_argument("--script-len", type=int, default=150,
                    help="operations per random script (default 150)")
    ap.add_argument("--strategy", default="global",
                    help="engine strategies to check: NAME, A,B,... or all (default global)")
    ap.add_argument("--fs", default="tmpfs:disk:nfs,interval=0:casefold",
                    help="engine filesystem types to check, each against the kernel's tmpfs: "
                         "a colon list of TYPE[,OPTION...] (default tmpfs:disk:nfs,interval=0:casefold)")
    ap.add_argument("--nameibench", default=os.path.join(ROOT, "bin", "nameibench"),
                    help="the binary to test")
    ap.add_argument("--edge-cases", default=os.path.join(HERE, "edge_cases.txt"))
    ap.add_argument("--no-edge-cases", action="store_true")
    ap.add_argument("--max-reports", type=int, default=3,
                    help="mismatches to shrink and print, per strategy (default 3)")
    args = ap.parse_args()

    if not os.access(args.nameibench, os.X_OK):
        print("conformance: %s is not built (run make)" % args.nameibench, file=sys.stderr)
        return 2
    engines = [Engine(args.nameibench, s, fs) for fs in args.fs.split(":")
               for s in strategies_of(args.nameibench, args.strategy)]
    try:
        kernel = kernelsh.KernelSh()
    except kernelsh.Unavailable as e:
        kernel = None
        print("SKIP: kernel comparison: no private mount namespace here (%s); "
              "only the engine's answers to the edge-case table are checked" % e)

    failed = 0
    if not args.no_edge_cases:
        runners = [(e.strategy, e) for e in engines] + ([("kernel", kernel)] if kernel else [])
        for title, steps in parse_edge_cases(args.edge_cases):
            for name, runner in runners:
                if runner is not kernel and not runner.runs_case(steps):
                    print("SKIP: edge case: %s [%s]: RESOLVE_CACHED answers by what the "
                          "filesystem type caches (CACHE_AS_TMPFS)" % (title, name))
                    continue
                err = run_edge_case(runner, steps)
                if err:
                    failed += 1
                    print("FAIL: edge case: %s [%s]: %s" % (title, name, err))
                else:
                    print("PASS: edge case: %s [%s]" % (title, name))

    if kernel is not None:
        failed += run_corpus(args, engines, kernel)
        kernel.close()
    return 1 if failed else 0


def run_corpus(args, engines, kernel):
    """The random corpus: each script once on the kernel, then on every engine."""
    rng = random.Random(args.seed)
    gen = Generator(rng)
    done = scripts = 0
    bad = {e.strategy: 0 for e in engines}
    t0 = last = time.monotonic()
    while done < args.ops:
        lines = gen.script(min(args.script_len, args.ops - done))
        scripts += 1
        done += len(lines)
        ks = {tuple(lines): kernel.run(lines)}
        for engine in engines:
            own = tuple(engine.script(lines))
            if own not in ks:
                ks[own] = kernel.run(list(own))
            d = mismatch(engine, kernel, lines, ks[own])
            if not d:
                continue
            bad[engine.strategy] += 1
            if bad[engine.strategy] <= args.max_reports:
                what = ("makes nameibench fail" if d[1].startswith("nameibench sh exited")
                        else "disagrees with the kernel")
                print("FAIL: conformance: script %d (seed %d) %s [%s]"
                      % (scripts, args.seed, what, engine.strategy))
                report(engine, kernel, shrink(engine, kernel, lines), sys.stdout)
                sys.stdout.flush()
        now = time.monotonic()
        if now - last > 5:
            last = now
            print("conformance: %d/%d operations, %d mismatching scripts, %.0fs"
                  % (done, args.ops, sum(bad.values()), now - t0), file=sys.stderr)
    for engine in engines:
        n = bad[engine.strategy]
        print("%s: conformance: %d random operations in %d scripts (seed %d, strategy %s): "
              "%d mismatching scripts" % ("FAIL" if n else "PASS", done, scripts, args.seed,
                                          engine.strategy, n))
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
