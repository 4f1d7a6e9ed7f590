"""The `nameibench sh` language, as the Python tools read and compare it.

A script is a list of lines; each non-blank, non-comment line is one
operation and produces exactly one result line.  This module parses
operations (for the kernel runner) and result lines (for comparison), and
nothing else: it is deliberately independent of the C implementation.
"""

import re

ARITY = {
    "mkdir": (1, 1), "create": (1, 1), "symlink": (2, 2), "unlink": (1, 1),
    "rmdir": (1, 1), "rename": (2, 2), "exchange": (2, 2), "mount": (1, 1), "umount": (1, 2),
    "stat": (1, 1), "lstat": (1, 1), "stat_in_root": (2, 2), "cd": (1, 1), "shrink": (1, 1),
    "readlink": (1, 2), "access": (2, 2), "open": (1, 2), "openat": (2, 3), "openat2": (2, 4),
    "close": (1, 1), "fstat": (1, 1), "statx": (2, 3), "getcwd": (0, 1),
}
# open's and statx's flag words, and the O_/AT_ bits each stands for
OPEN_FLAGS = {"rdonly": 0o0, "wronly": 0o1, "rdwr": 0o2, "creat": 0o100, "excl": 0o200,
              "trunc": 0o1000, "directory": 0o200000, "nofollow": 0o400000,
              "path": 0o10000000}
STATX_FLAGS = {"nofollow": 0x100, "empty_path": 0x1000}
# openat2's resolve words, and the RESOLVE_ bits (linux/openat2.h) each stands for
RESOLVE_FLAGS = {"no_xdev": 0x01, "no_magiclinks": 0x02, "no_symlinks": 0x04,
                 "beneath": 0x08, "in_root": 0x10, "cached": 0x20}
FD_RE = re.compile(r"^(cwd|\d{1,6})$")
ACCESS_RE = re.compile(r"^(f|r?w?x?)$")
PATH_MAX = 4096

# open: the descriptor, compared as text (both sides hand out the lowest free)
OPEN_RE = re.compile(r"^ok fd=(\d+)$")
# readlink: the body's first N bytes, compared as text
READLINK_RE = re.compile(r"^ok len=(\d+) target=(.*)$")
# getcwd: the length with its NUL and the path, compared as text
GETCWD_RE = re.compile(r"^ok len=(\d+) cwd=(.*)$")
STAT_RE = re.compile(
    r"^ok ino=(\d+) dev=(\d+) type=(dir|reg|lnk) nlink=(\d+) size=(-?\d+)$")


def is_op_line(line):
    """True if the line is an operation (prints a result), not blank/comment."""
    words = line.split()
    return bool(words) and not words[0].startswith("#")


def parse_op(line):
    """Return (op, [args as bytes]) or raise ValueError for a malformed line."""
    words = line.split()
    op, args = words[0], words[1:]
    if op not in ARITY:
        raise ValueError("unknown operation %r" % op)
    lo, hi = ARITY[op]
    if not lo <= len(args) <= hi:
        raise ValueError("wrong number of arguments for %s" % op)
    if op == "umount" and len(args) == 2 and args[1] != "lazy":
        raise ValueError("umount takes 'lazy' or nothing after the path")
    if op == "access" and not (ACCESS_RE.match(args[1]) and args[1]):
        raise ValueError("access's MODE is f, or r, w and x in that order")
    if op in ("readlink", "getcwd") and len(args) == ARITY[op][1] and not (
            args[-1].isdigit() and len(args[-1]) <= 4 and int(args[-1]) <= PATH_MAX):
        raise ValueError("%s's SIZE is a whole number from 0 to %d" % (op, PATH_MAX))
    if op in ("open", "openat", "openat2", "statx"):
        table = STATX_FLAGS if op == "statx" else OPEN_FLAGS
        nargs = 1 if op == "open" else 2
        if len(args) > nargs:
            flag_bits(args[nargs], table)      # raises ValueError
    if op == "openat2" and len(args) == 4:
        flag_bits(args[3], RESOLVE_FLAGS)
    if op in ("openat", "openat2", "statx", "close", "fstat"):
        if not FD_RE.match(args[0]) or (op in ("close", "fstat") and args[0] == "cwd"):
            raise ValueError("%s's descriptor is a number%s" % (
                op, " or cwd" if op in ("openat", "openat2", "statx") else ""))
    paths = [b"" if a == '""' else a.encode("utf-8", "surrogateescape") for a in args]
    return op, paths


def flag_bits(word, table):
    """The bits of a comma-separated flag list ('-': none); ValueError if bad."""
    if word == "-":
        return 0
    bits = 0
    for name in word.split(","):
        if name not in table:
            raise ValueError("unknown flag %r" % name)
        bits |= table[name]
    return bits


class Result:
    """One result line: ok, err NAME, or a stat answer."""

    __slots__ = ("text", "err", "stat")

    def __init__(self, text):
        self.text = text
        self.err = None
        self.stat = None
        if text.startswith("err "):
            self.err = text[4:]
            return
        m = STAT_RE.match(text)
        if m:
            ino, dev, typ, nlink, size = m.groups()
            self.stat = {"ino": int(ino), "dev": int(dev), "type": typ,
                         "nlink": int(nlink), "size": int(size)}
        elif text != "ok" and not any(r.match(text) for r in (READLINK_RE, GETCWD_RE,
                                                              OPEN_RE)):
            raise ValueError("not a result line: %r" % text)

    @property
    def ident(self):
        return (self.stat["dev"], self.stat["ino"]) if self.stat else None

    def shape(self):
        """What must match exactly: everything but the identity numbers."""
        if self.stat:
            s = self.stat
            return "ok type=%s nlink=%d size=%d" % (s["type"], s["nlink"], s["size"])
        return self.text


class IdentityMap:
    """Checks that (dev, ino) identities correspond one-to-one.

    The engine and the kernel number objects differently; what must agree
    is which answers name the same object (and the same filesystem).
    """

    def __init__(self):
        self.fwd, self.back = {}, {}
        self.dev_fwd, self.dev_back = {}, {}

    @staticmethod
    def _bind(fwd, back, a, b):
        if fwd.get(a, b) != b or back.get(b, a) != a:
            return False
        fwd[a], back[b] = b, a
        return True

    def check(self, a, b):
        """Bind identity a to b; False if that contradicts an earlier binding."""
        ok_dev = self._bind(self.dev_fwd, self.dev_back, a[0], b[0])
        return self._bind(self.fwd, self.back, a, b) and ok_dev


def compare(ops, left, right):
    """Compare two runs of the same ops.  Returns None, or (index, reason)."""
    ids = IdentityMap()
    if len(left) != len(right):
        return (min(len(left), len(right)),
                "%d result lines against %d" % (len(left), len(right)))
    for i, (a, b) in enumerate(zip(left, right)):
        ra, rb = Result(a), Result(b)
        if ra.shape() != rb.shape():
            return i, "different answers"
        if ra.ident and not ids.check(ra.ident, rb.ident):
            return i, ("object identity differs: this object is the same as, or "
                       "different from, an earlier one on one side only")
    return None
