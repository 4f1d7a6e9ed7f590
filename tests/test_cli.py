#!/usr/bin/env python3
"""The nameibench command line: help, bad input, and the sh language's
contract (one result line per operation, malformed lines, exit status).

Prints "PASS: cli: ..." / "FAIL: cli: ..." per check.
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NB = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bin", "nameibench")
sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import checks  # noqa: E402
import kernelsh  # noqa: E402

check = checks.Checks("cli")


def nb(*args, stdin=""):
    return subprocess.run([NB] + list(args), input=stdin, capture_output=True,
                          text=True, errors="replace")



def one_line_error(p, *words):
    """Non-zero exit (2), no crash, and one stderr line naming the problem."""
    lines = p.stderr.strip().splitlines()
    return (p.returncode == 2 and len(lines) == 1 and
            all(w in lines[0] for w in words))


def describe(p):
    return "exit %d, stdout %r, stderr %r" % (p.returncode, p.stdout[:200], p.stderr[:300])


def test_issue_example():
    script = "mkdir /a\nsymlink /a /l\nstat /l/\nrmdir /l\n"
    p = nb("sh", stdin=script)
    out = p.stdout.splitlines()
    shape = (len(out) == 4 and out[0] == "ok" and out[1] == "ok" and
             re.match(r"^ok ino=\d+ dev=\d+ type=dir nlink=2 size=40$", out[2] or "") and
             out[3] == "err ENOTDIR")
    check("the issue's example prints ok, ok, a stat of a directory, err ENOTDIR",
          p.returncode == 0 and shape, describe(p))
    try:
        k = kernelsh.KernelSh()
    except kernelsh.Unavailable as e:
        print("SKIP: cli: the issue's example against the kernel: %s" % e)
        return
    try:
        kout = k.run(script.splitlines())
    finally:
        k.close()
    same = [re.sub(r"ino=\d+ dev=\d+ ", "", l) for l in out] == \
           [re.sub(r"ino=\d+ dev=\d+ ", "", l) for l in kout]
    check("the issue's example answers as Linux does", same, "engine %r, kernel %r" % (out, kout))


def test_help():
    for args in (["--help"], ["help"], ["sh", "--help"]):
        p = nb(*args)
        check("%s prints usage and exits 0" % " ".join(args),
              p.returncode == 0 and p.stdout.startswith("usage: nameibench"), describe(p))
    p = nb()
    check("no command prints usage on stderr and exits 2",
          p.returncode == 2 and "usage: nameibench" in p.stderr, describe(p))
    p = nb("sh", "--help")
    check("sh --help lists the global strategy and every operation",
          "global" in p.stdout and all(op in p.stdout for op in
                                       ("mkdir P", "symlink TARGET P", "umount P [lazy]", "cd P",
                                        "readlink P [SIZE]", "getcwd [SIZE]")),
          describe(p))


def test_bad_invocations():
    p = nb("frobnicate")
    check("unknown command: one line naming it, exit 2",
          one_line_error(p, "unknown command", "frobnicate"), describe(p))
    p = nb("sh", "--strategy", "nosuch")
    check("unknown strategy: one line naming it and the known ones, exit 2",
          one_line_error(p, "unknown strategy", "nosuch", "global"), describe(p))
    p = nb("sh", "--strategy")
    check("--strategy without a name: one line, exit 2", one_line_error(p, "--strategy"), describe(p))
    p = nb("sh", "--bogus")
    check("unknown option: one line naming it, exit 2", one_line_error(p, "--bogus"), describe(p))
    p = nb("sh", "/nonexistent/script")
    check("unreadable file: one line naming it, exit 2",
          one_line_error(p, "/nonexistent/script", "No such file"), describe(p))
    p = nb("sh", ROOT)
    check("a directory as the script: one line, exit 2",
          one_line_error(p, "Is a directory"), describe(p))
    p = nb("sh", "a", "b")
    check("two scripts: one line, exit 2", one_line_error(p, "more than one"), describe(p))


def test_malformed_lines():
    script = ("mkdir /a\n"
              "frob /a\n"
              "mkdir\n"
              "mkdir /a /b\n"
              "umount /a quickly\n"
              "rename /a\n"
              "readlink /a 4097\n"
              "readlink /a -1\n"
              "access /a xr\n"
              "getcwd 4097\n"
              "getcwd 1 2\n"
              "stat /a\n")
    p = nb("sh", stdin=script)
    out = p.stdout.splitlines()
    err = p.stderr.strip().splitlines()
    check("malformed lines print err EINVAL and the run goes on",
          len(out) == 12 and out[0] == "ok" and out[1:11] == ["err EINVAL"] * 10 and
          out[11].startswith("ok ino="), describe(p))
    check("each malformed line is reported on stderr with its line number",
          len(err) == 10 and all("line %d:" % n in e for n, e in zip(range(2, 12), err)),
          describe(p))
    check("a malformed line makes the exit status 2", p.returncode == 2, describe(p))
    p = nb("sh", stdin="stat /\nstat /\x00x\n")
    check("a NUL byte in a line is malformed, not truncated",
          p.returncode == 2 and p.stdout.splitlines()[1:] == ["err EINVAL"] and
          "NUL" in p.stderr, describe(p))


def test_blank_and_comment_lines():
    p = nb("sh", stdin="\n# a comment\n   \n  # indented comment\nmkdir /a # not a comment\n"
                        "mkdir\t/b\r\n\nstat /b\n")
    out = p.stdout.splitlines()
    check("blank and comment lines print nothing; tabs and CRLF separate words",
          p.returncode == 2 and out[0] == "err EINVAL" and out[1] == "ok" and len(out) == 3,
          describe(p))


def test_empty_path_token():
    p = nb("sh", stdin='stat ""\nmkdir ""\nsymlink "" /x\n')
    check('"" is the empty path: ENOENT', p.stdout.splitlines() == ["err ENOENT"] * 3,
          describe(p))


def test_getcwd():
    p = nb("sh", stdin="getcwd\nmkdir /d\ncd /d\ngetcwd\ngetcwd 3\ngetcwd 2\n"
                        "rmdir /d\ngetcwd\ncounters\n")
    out = p.stdout.splitlines()
    check("getcwd prints the path and its length with the NUL; ERANGE, ENOENT",
          p.returncode == 0 and out[:1] + out[3:6] + out[7:8] ==
          ["ok len=2 cwd=/", "ok len=3 cwd=/d", "ok len=3 cwd=/d", "err ERANGE", "err ENOENT"],
          describe(p))
    check("getcwd is counted as its own kind of operation",
          "getcwd.ops=5" in out[-1].split(), describe(p))
    # rcuwalk's lockless pass writes nothing shared; lockref's takes
    # rename_lock and mount_lock for reading, as Linux before 3.12
    for strategy, rmw in (("rcuwalk", "0"), ("lockref", "2")):
        p = nb("sh", "--strategy", strategy, stdin="mkdir /d\ncd /d\ngetcwd\ncounters\n")
        c = counters(p.stdout.splitlines()[-1]) or {}
        check("%s's getcwd: %s shared read-modify-writes, no reference taken" % (strategy, rmw),
              c.get("getcwd.shared_rmw") == rmw and c.get("getcwd.ref_ops") == "0", describe(p))


def test_file_and_stdin_agree():
    script = "mkdir /d\ncd /d\ncreate f\nstat f\nlstat ../d/f/\n"
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write(script)
    try:
        a, b, c = nb("sh", f.name), nb("sh", stdin=script), nb("sh", "-", stdin=script)
    finally:
        os.unlink(f.name)
    check("a script file, standard input and '-' give the same output",
          a.returncode == 0 and a.stdout == b.stdout == c.stdout and
          a.stdout.splitlines()[-1] == "err ENOTDIR", describe(a))


def counters(out_line):
    """The pairs of a counters line, as a dict."""
    words = out_line.split()
    return dict(w.split("=", 1) for w in words[1:]) if words and words[0] == "ok" else None


def test_counters_footprint():
    script = "mkdir /a\nmkdir /a/b\nstat /a/b\ncounters\n"
    full = nb("sh", "--strategy", "rcufull", stdin=script)
    c = counters(full.stdout.splitlines()[-1])
    check("rcufull answers stat with zero reference-count operations and no shared writes",
          c is not None and c.get("stat.ops") == "1" and c.get("stat.ref_ops") == "0" and
          c.get("stat.shared_rmw") == "0" and c.get("stat.shared_stores") == "0" and
          c.get("stat.rcu_completed") == "1", describe(full))
    # readlink too, by the same copy-and-validate scheme; rcuwalk
    # legitimizes the symlink's dentry to read it
    link = ("mkdir /a\nsymlink /a/target /a/l\nreadlink /a/l\ncreate /a/f\naccess /a/f r\n"
            "counters\n")
    for strategy, refs in (("rcufull", "0"), ("rcuwalk", "4")):
        p = nb("sh", "--strategy", strategy, stdin=link)
        out = p.stdout.splitlines()
        c = counters(out[-1]) if out else None
        for op, answer in (("readlink", "ok len=9 target=/a/target"), ("access", "ok")):
            check("%s answers %s in RCU mode with %s reference-count operations" % (
                strategy, op, refs), c is not None and answer in out and
                c.get(op + ".ops") == "1" and c.get(op + ".rcu_completed") == "1" and
                c.get(op + ".ref_ops") == refs and
                (strategy != "rcufull" or c.get(op + ".shared_rmw") == "0"), describe(p))
    lr = nb("sh", "--strategy", "lockref", stdin=script)
    c = counters(lr.stdout.splitlines()[-1])
    check("lockref's stat takes and drops references (a get and a put per step)",
          c is not None and int(c.get("stat.ref_ops", 0)) >= 6 and
          int(c.get("stat.shared_rmw", 0)) > 0 and c.get("stat.rcu_walks") == "0",
          describe(lr))
    rw = nb("sh", "--strategy", "rcuwalk", stdin=script)
    c = counters(rw.stdout.splitlines()[-1])
    check("rcuwalk's stat walks under RCU and legitimizes only the final dentry",
          c is not None and c.get("stat.rcu_walks") == "1" and c.get("stat.unlazy") == "0" and
          c.get("stat.ref_ops") == "4", describe(rw))


def test_descriptors():
    """open/close/fstat: Linux's descriptor rules, and what an open file holds."""
    script = ("mkdir /a\ncreate /a/f\ncreate /a/g\n"
              "open /a/f\nopen /a/g rdwr\nclose 0\nopen /a directory\n"  # lowest free: 0 again
              "unlink /a/g\nfstat 1\n"                                   # unlinked, still open
              "mkdir /m\nmount /m\ncreate /m/h\nopen /m/h\numount /m\n"  # a busy mount
              "umount /m lazy\nfstat 2\nclose 2\nclose 2\n"
              "open /a rdwr\nopen /a/f directory\nopen /a/f path,directory\n")
    for strategy in ("global", "dlock", "lockref", "rcuwalk", "rcufull"):
        p = nb("sh", "--strategy", strategy, stdin=script)
        out = p.stdout.splitlines()
        ok = len(out) == 21 and p.returncode == 0
        check("%s: the lowest free descriptor, also after a close" % strategy,
              ok and out[3:7] == ["ok fd=0", "ok fd=1", "ok", "ok fd=0"], describe(p))
        check("%s: a file unlinked while open still stats, with no links" % strategy,
              ok and out[8].startswith("ok ") and " type=reg nlink=0 " in out[8], describe(p))
        check("%s: an open file keeps its mount busy; a lazy umount leaves it working" % strategy,
              ok and out[12:16] == ["ok fd=2", "err EBUSY", "ok", out[15]] and
              " type=reg nlink=1 " in out[15] and out[16:18] == ["ok", "err EBADF"],
              describe(p))
        check("%s: EISDIR for writing a directory, ENOTDIR for O_DIRECTORY on a file, "
              "O_PATH still checks O_DIRECTORY" % strategy,
              ok and out[18:] == ["err EISDIR", "err ENOTDIR", "err ENOTDIR"], describe(p))
    # open must take references to what it returns (rcufull cannot answer it
    # under RCU alone); fstat of the descriptor walks nothing and takes none
    p = nb("sh", "--strategy", "rcufull",
           stdin="mkdir /a\ncreate /a/f\nopen /a/f\nfstat 0\nclose 0\ncounters\n")
    out = p.stdout.splitlines()
    c = counters(out[-1]) if out else None
    check("rcufull's open walks in RCU mode, then takes the file's references; fstat "
          "takes none; close puts them",
          c is not None and c.get("open.ops") == "1" and c.get("open.rcu_completed") == "1" and
          int(c.get("open.ref_ops", 0)) >= 2 and c.get("fstat.ref_ops") == "0" and
          c.get("fstat.rcu_walks") == "0" and int(c.get("close.ref_ops", 0)) >= 2,
          describe(p))
    # statx of a path is stat: rcufull answers it under RCU, taking nothing
    p = nb("sh", "--strategy", "rcufull",
           stdin="mkdir /a\ncreate /a/f\nstatx cwd /a/f\nstatx cwd /a/f nofollow\ncounters\n")
    out = p.stdout.splitlines()
    c = counters(out[-1]) if out else None
    check("rcufull answers statx of a path under RCU with no reference taken",
          c is not None and c.get("stat.ops") == "2" and c.get("stat.rcu_completed") == "2" and
          c.get("stat.ref_ops") == "0" and c.get("stat.shared_rmw") == "0" and
          all(l.startswith("ok ino=") for l in out[2:4]), describe(p))
    for line, words in (("open /a bogus", ("open's flags", "bogus")),
                        ("close x", ("FD", "'x'")),
                        ("statx cwd /a sideways", ("statx's flags", "sideways")),
                        ("openat nope /a", ("nope",)),
                        ("openat2 cwd /a - sideways", ("resolve words", "sideways")),
                        ("openat2 cwd /a beneath", ("open's flags", "beneath")),
                        ("openat2 cwd /a - cached,", ("resolve words", "cached,"))):
        p = nb("sh", stdin=line + "\n")
        err = p.stderr.strip().splitlines()
        check("sh: '%s' is malformed: err EINVAL and one stderr line naming it" % line,
              p.returncode == 2 and p.stdout == "err EINVAL\n" and len(err) == 1 and
              all(w in err[0] for w in words), describe(p))


def test_ancestors():
    script = ("mkdir /a\nmkdir /a/b\ncreate /a/b/f\nmount /a/b\nmkdir /a/b/x\n"
              "stat /a/b/x\nstat /a\nstat /\nancestors /a/b/x\nancestors /nope\n")
    for strategy in ("global", "rcufull"):
        p = nb("sh", "--strategy", strategy, stdin=script)
        out = p.stdout.splitlines()
        inos = [re.search(r"ino=(\d+)", l).group(1) for l in out[5:8]]
        # x, the mount's root (ino 1 of its own fs), then from the mountpoint's parent up
        check("ancestors crosses a mount upward as '..' does [%s]" % strategy,
              len(out) == 10 and out[8] == "ok %s 1 %s %s" % (inos[0], inos[1], inos[2]) and
              out[9] == "err ENOENT", describe(p))


def qsbr_build(nb):
    """The QSBR build beside @nb, as --rcu-flavor qsbr looks for it (the
    sanitized builds have none), or None."""
    base = nb[:-5] if nb.endswith("-qsbr") else nb
    return base + "-qsbr" if os.access(base + "-qsbr", os.X_OK) else None


def sh_script(strategy, lines):
    """Run @lines through sh: the process, its output lines, and whether it
    printed one line for each and exited 0."""
    p = nb("sh", "--strategy", strategy, stdin="\n".join(lines) + "\n")
    o = p.stdout.splitlines()
    return p, o, p.returncode == 0 and len(o) == len(lines)


def counter(out, kind, name):
    m = re.search(r"\b%s\.%s=(\d+)" % (kind, name), out)
    return int(m.group(1)) if m else None


def test_nfs_second_client():
    """A second nfs client removes names on the server (nfs-server-remove):
    within the interval this client answers from its cache; a walk into a
    directory the server let go of meets -ESTALE at ->lookup and is redone
    with LOOKUP_REVAL, which finds the directory gone (ENOENT, one
    reval_retries); a walk that ends on the stale directory by a jump
    (".") is d_weak_revalidate's to check: -ESTALE once the interval is
    past (interval=0), cached attributes within it."""
    trusting = ["mkdir /n", "mount /n nfs,interval=86400000", "mkdir /n/d", "create /n/d/f",
                "nfs-server-remove /n/d/f", "stat /n/d/f", "nfs-server-remove /n/d",
                "stat /n/d/f", "counters", "stat /n/d/g", "counters", "stat /n/d",
                "mkdir /n/e", "cd /n/e", "nfs-server-remove /n/e", "stat .", "create /n/e/x",
                "counters", "cd /"]
    asking = ["mkdir /m", "mount /m nfs,interval=0", "mkdir /m/e", "cd /m/e",
              "nfs-server-remove /m/e", "stat .", "stat /m/e", "nfs-server-remove /m/e",
              "nfs-server-remove /m/nope", "nfs-server-remove /nope", "nfs-server-remove /m",
              "counters"]
    for s in ("global", "dlock", "lockref", "rcuwalk", "rcufull"):
        p, o, ok = sh_script(s, trusting)
        check("nfs, %s: within the interval a name the server removed still answers from "
              "the cache" % s, ok and o[5].startswith("ok ino=") and o[7].startswith("ok ino="),
              describe(p))
        check("nfs, %s: a lookup in a directory the server let go of is -ESTALE, redone "
              "with LOOKUP_REVAL: ENOENT, one retry" % s,
              ok and o[9] == "err ENOENT" and o[11] == "err ENOENT" and
              counter(o[8], "stat", "reval_retries") == 0 and
              counter(o[10], "stat", "reval_retries") == 1, describe(p))
        check("nfs, %s: '.' in a stale directory within the interval: the cached attributes; "
              "a creation in it is ENOENT after the retry" % s,
              ok and o[15].startswith("ok ino=") and "type=dir" in o[15] and
              o[16] == "err ENOENT" and counter(o[17], "create", "reval_retries") == 1,
              describe(p))
        p, o, ok = sh_script(s, asking)
        check("nfs, %s: past the interval d_weak_revalidate makes '.' in a stale directory "
              "ESTALE, even after the retry; its name is ENOENT" % s,
              ok and o[5] == "err ESTALE" and o[6] == "err ENOENT" and
              counter(o[11], "stat", "reval_retries") == 1, describe(p))
        check("nfs, %s: nfs-server-remove of a name the server does not have is ENOENT; "
              "in a directory not on nfs (a mount's root is its parent's name) EOPNOTSUPP" % s,
              ok and o[7] == "err ENOENT" and o[8] == "err ENOENT" and
              o[9] == "err EOPNOTSUPP" and o[10] == "err EOPNOTSUPP", describe(p))


def stat_fields(line):
    m = re.match(r"ok ino=(\d+) dev=(\d+) type=(\w+)", line or "")
    return (int(m.group(1)), int(m.group(2)), m.group(3)) if m else None


def test_autofs():
    """autofs: a directory made in the map's root is a trigger; the first
    walk through it mounts a fresh filesystem of the map's type (ino 1, a
    new device), later walks cross that mount (in RCU mode where the
    strategy walks so: d_manage answers without blocking); expire unmounts
    an idle one and removes the trigger, refuses a busy one."""
    script = ["mkdir /auto", "mount /auto autofs", "mkdir /auto/t", "stat /auto",
              "stat /auto/t", "counters", "stat /auto/t", "counters", "create /auto/t/f",
              "stat /auto/t/f", "lstat /auto/t", "cd /auto/t", "expire /auto/t", "cd /",
              "expire /auto/t", "stat /auto/t", "expire /auto/t", "create /auto/file",
              "expire /auto/file", "mkdir /plain", "expire /plain", "mkdir /auto/u",
              "stat /auto/u/x", "umount /auto", "mount /d autofs,type=disk",
              "mkdir /dd", "mount /dd autofs,type=disk", "mkdir /dd/m", "create /dd/m/g",
              "shrink /dd/m", "mount /plain autofs,type=autofs", "mount /plain autofs,type=nosuch",
              "counters"]
    for s in ("global", "dlock", "lockref", "rcuwalk", "rcufull"):
        p, o, ok = sh_script(s, script)
        root, t1, t2 = (stat_fields(o[i]) if ok else None for i in (3, 4, 6))
        check("autofs, %s: a trigger's first stat mounts a fresh filesystem there (ino 1, a "
              "device of its own), the next crosses the same one" % s,
              ok and root and t1 and t1[0] == 1 and t1[1] != root[1] and t1[2] == "dir" and
              t2 == t1 and counter(o[5], "stat", "automounts") == 1 and
              counter(o[7], "stat", "automounts") == 1, describe(p))
        if s in ("rcuwalk", "rcufull"):
            check("autofs, %s: the walk across a mounted trigger stays in RCU mode "
                  "(d_manage in RCU mode)" % s,
                  ok and counter(o[7], "stat", "rcu_completed") -
                  counter(o[5], "stat", "rcu_completed") == 1, describe(p))
        f = stat_fields(o[9]) if ok else None
        check("autofs, %s: what is made under a trigger is in the mounted filesystem; lstat "
              "of the trigger mounts too" % s,
              ok and f and f[1] == t1[1] and f[2] == "reg" and stat_fields(o[10]) and
              stat_fields(o[10])[:2] == t1[:2], describe(p))
        check("autofs, %s: expire refuses a busy mount (a working directory in it), takes an "
              "idle one and its trigger" % s,
              ok and o[12] == "ok expired=0" and o[14] == "ok expired=1" and
              o[15] == "err ENOENT" and o[16] == "err ENOENT", describe(p))
        check("autofs, %s: expire of a file is EINVAL, off autofs EOPNOTSUPP; a lookup under a "
              "fresh trigger is the empty filesystem's ENOENT; umount of a map with a mounted "
              "trigger is EBUSY" % s,
              ok and o[18] == "err EINVAL" and o[20] == "err EOPNOTSUPP" and
              o[22] == "err ENOENT" and o[23] == "err EBUSY", describe(p))
        check("autofs, %s: type=disk maps mount disk (shrink evicts there), type=autofs and "
              "unknown types are EINVAL" % s,
              ok and o[24] == "err ENOENT" and o[29] == "ok evicted=1" and
              o[30] == "err EINVAL" and o[31] == "err EINVAL", describe(p))


def test_rcu_flavor_and_strategies():
    p = nb("sh", "--strategy", "rcufull", "--rcu-flavor", "qsbr", stdin="mkdir /a\nstat /a\n")
    if qsbr_build(NB):
        check("--rcu-flavor qsbr runs (the QSBR build)",
              p.returncode == 0 and p.stdout.startswith("ok\nok ino="), describe(p))
    else:
        check("--rcu-flavor qsbr with no QSBR build beside this one: one line saying so, "
              "exit 2", one_line_error(p, "needs the qsbr build"), describe(p))
    p = nb("sh", "--rcu-flavor", "bogus")
    check("unknown RCU flavor: one line naming it, exit 2",
          one_line_error(p, "bogus", "memb", "qsbr"), describe(p))
    p = nb("strategies")
    names = [l.split()[0] for l in p.stdout.splitlines()]
    check("strategies lists the five engine strategies and the kernel",
          names == ["global", "dlock", "lockref", "rcuwalk", "rcufull", "kernel"], describe(p))
    p = nb("sh", "--strategy", "kernel")
    check("sh refuses the kernel strategy with a pointer to kernelsh.py",
          one_line_error(p, "kernelsh.py"), describe(p))


def main():
    if not os.access(NB, os.X_OK):
        print("FAIL: cli: %s is not built" % NB)
        return 1
    test_issue_example()
    test_help()
    test_bad_invocations()
    test_malformed_lines()
    test_blank_and_comment_lines()
    test_empty_path_token()
    test_getcwd()
    test_file_and_stdin_agree()
    test_counters_footprint()
    test_descriptors()
    test_ancestors()
    test_nfs_second_client()
    test_autofs()
    test_rcu_flavor_and_strategies()
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
