#!/usr/bin/env python3
"""Run `nameibench sh` scripts against the real Linux kernel.

Each script runs in a forked child that enters a private mount namespace
(directly as root, else inside a new user namespace), mounts a fresh tmpfs,
and chroots into a directory inside it: so "/" is an empty tmpfs directory,
".." at "/" stays there, and mounts are real tmpfs mounts that vanish with
the child.  The answers are printed in the sh language, so they can be
compared line for line with `nameibench sh`.

Standalone use:  python3 tests/conformance/kernelsh.py [SCRIPT]
(prints what Linux answers; exits 3 if this machine cannot run it).
"""

import argparse
import ctypes
import errno
import os
import stat
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shlang  # noqa: E402

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
# Every tmpfs here is mounted noatime: the engine keeps no access times,
# and relatime's update of a symlink's atime, due once a clock tick has
# passed since it was made, is what sends the kernel's RCU-walk out of RCU
# mode in pick_link(), which RESOLVE_CACHED turns into EAGAIN: a symlink's
# age in ticks would decide the answer.
MS_NOATIME = 1 << 10
MNT_DETACH = 2

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                        ctypes.c_ulong, ctypes.c_void_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                            ctypes.c_uint]
_libc.syscall.restype = ctypes.c_long
_libc.readlink.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
_libc.readlink.restype = ctypes.c_ssize_t
_libc.access.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.statx.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint,
                        ctypes.c_void_p]
AT_FDCWD = -100
RENAME_EXCHANGE = 2
SYS_openat2 = 437           # x86_64 and every other architecture since 5.6
CACHED_TRIES = 20           # openat2(RESOLVE_CACHED) asked again on EAGAIN (_openat2)
RESOLVE_IN_ROOT = 0x10
RESOLVE_CACHED = shlang.RESOLVE_FLAGS["cached"]
# getcwd(2) itself: glibc's getcwd refuses a size of 0 and turns
# "(unreachable)" into ENOENT, where the system call answers both
SYS_getcwd = {"x86_64": 79, "aarch64": 17, "riscv64": 17}.get(os.uname().machine, 79)


class OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64),
                ("resolve", ctypes.c_uint64)]


class StatxTimestamp(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_int64), ("tv_nsec", ctypes.c_uint32),
                ("reserved", ctypes.c_int32)]


class Statx(ctypes.Structure):
    """struct statx (include/uapi/linux/stat.h), padded to its 256 bytes."""
    _fields_ = [("mask", ctypes.c_uint32), ("blksize", ctypes.c_uint32),
                ("attributes", ctypes.c_uint64), ("nlink", ctypes.c_uint32),
                ("uid", ctypes.c_uint32), ("gid", ctypes.c_uint32),
                ("mode", ctypes.c_uint16), ("spare0", ctypes.c_uint16),
                ("ino", ctypes.c_uint64), ("size", ctypes.c_uint64),
                ("blocks", ctypes.c_uint64), ("attributes_mask", ctypes.c_uint64),
                ("atime", StatxTimestamp), ("btime", StatxTimestamp),
                ("ctime", StatxTimestamp), ("mtime", StatxTimestamp),
                ("rdev_major", ctypes.c_uint32), ("rdev_minor", ctypes.c_uint32),
                ("dev_major", ctypes.c_uint32), ("dev_minor", ctypes.c_uint32),
                ("spare", ctypes.c_uint64 * 14)]


STATX_BASIC_STATS = 0x7ff


class Descriptors:
    """The script's descriptors under the numbers the engine gives them.

    The engine's context starts with an empty table and hands out the
    lowest free number; this process has its own descriptors already, so
    each real one is kept here under that number instead.
    """

    def __init__(self):
        self.real = []

    def install(self, fd):
        n = self.real.index(None) if None in self.real else len(self.real)
        if n == len(self.real):
            self.real.append(fd)
        else:
            self.real[n] = fd
        return n

    def get(self, word):
        """The real descriptor for a script's word; -1 (EBADF) for none."""
        if word == b"cwd":
            return AT_FDCWD
        n = int(word)
        return self.real[n] if n < len(self.real) and self.real[n] is not None else -1

    def remove(self, word):
        fd = self.get(word)
        if fd >= 0:
            self.real[int(word)] = None
        return fd


_fds = Descriptors()        # one script per forked child: one table each


def _open(dirword, path, flagword):
    flags = shlang.flag_bits(flagword.decode(), shlang.OPEN_FLAGS) if flagword else 0
    dirfd = AT_FDCWD if dirword is None else _fds.get(dirword)
    fd = os.open(path, flags | os.O_CLOEXEC, 0o644,
                 dir_fd=None if dirfd == AT_FDCWD else dirfd)
    return "ok fd=%d" % _fds.install(fd)


def _openat2(dirword, path, flagword, resolveword):
    """openat2(2) itself (SYS_openat2, struct open_how), the descriptor
    mapped as openat's is; a mode only with O_CREAT, which openat2 demands."""
    flags = shlang.flag_bits(flagword.decode(), shlang.OPEN_FLAGS) if flagword else 0
    resolve = shlang.flag_bits(resolveword.decode(), shlang.RESOLVE_FLAGS) if resolveword else 0
    how = OpenHow(flags | os.O_CLOEXEC, 0o644 if flags & os.O_CREAT else 0, resolve)
    # RESOLVE_CACHED's EAGAIN also comes from a walk that a mount anywhere
    # on the machine (mount_lock is global: another test's private tmpfs)
    # pushed out of RCU mode; such a failure changes nothing, so it is
    # asked again, as io_uring's callers retry, while a miss stays a miss
    # (the refusal never fills the dcache)
    for _ in range(CACHED_TRIES if resolve & RESOLVE_CACHED else 1):
        fd = _libc.syscall(SYS_openat2, _fds.get(dirword), ctypes.c_char_p(path),
                           ctypes.byref(how), ctypes.c_size_t(ctypes.sizeof(how)))
        err = ctypes.get_errno() if fd < 0 else 0
        if err != errno.EAGAIN:
            break
    if fd < 0:
        return _errname(err)
    return "ok fd=%d" % _fds.install(fd)


def _statx(dirfd, path, flags):
    """statx(2) itself (glibc's wrapper), so AT_EMPTY_PATH is the kernel's."""
    st = Statx()
    if _libc.statx(dirfd, path, flags, STATX_BASIC_STATS, ctypes.byref(st)) != 0:
        return _errname(ctypes.get_errno())
    return "ok ino=%d dev=%d type=%s nlink=%d size=%d" % (
        st.ino, os.makedev(st.dev_major, st.dev_minor), _type(st.mode), st.nlink, st.size)


def _stat_line(st):
    return "ok ino=%d dev=%d type=%s nlink=%d size=%d" % (
        st.st_ino, st.st_dev, _type(st.st_mode), st.st_nlink, st.st_size)


def _readlink(path, size):
    """readlink(2) into a buffer of @size bytes, as `readlink P [SIZE]` prints it."""
    if size == 0:
        return "err EINVAL"     # bufsiz <= 0, before any lookup (the C API takes a size_t)
    buf = ctypes.create_string_buffer(size)
    n = _libc.readlink(path, buf, size)
    if n < 0:
        return _errname(ctypes.get_errno())
    return "ok len=%d target=%s" % (n, buf.raw[:n].decode("utf-8", "surrogateescape"))


def _getcwd(size):
    """getcwd(2) into a buffer of @size bytes, as `getcwd [SIZE]` prints it.

    The child is chrooted into the tree, so the kernel's answer is already
    the engine's path: nothing to translate.
    """
    buf = ctypes.create_string_buffer(max(size, 1))
    n = _libc.syscall(SYS_getcwd, buf, ctypes.c_size_t(size))
    if n < 0:
        return _errname(ctypes.get_errno())
    return "ok len=%d cwd=%s" % (n, buf.raw[:n - 1].decode("utf-8", "surrogateescape"))


def _stat_in_root(root, path):
    """openat2(open(root, O_PATH|O_DIRECTORY), path, RESOLVE_IN_ROOT) and fstat."""
    if not root:
        return "err ENOENT"
    rfd = os.open(root, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        how = OpenHow(os.O_PATH | os.O_CLOEXEC, 0, RESOLVE_IN_ROOT)
        fd = _libc.syscall(SYS_openat2, rfd, ctypes.c_char_p(path), ctypes.byref(how),
                           ctypes.c_size_t(ctypes.sizeof(how)))
        if fd < 0:
            return _errname(ctypes.get_errno())
        try:
            return _stat_line(os.fstat(fd))
        finally:
            os.close(fd)
    finally:
        os.close(rfd)


class Unavailable(Exception):
    """This machine cannot give us a private mount namespace."""


def _check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _enter_private_namespace():
    """Enter a mount namespace of our own, propagating nothing back."""
    uid, gid = os.geteuid(), os.getegid()
    if _libc.unshare(CLONE_NEWNS) != 0:
        # not root: a user namespace gives us the capability inside it
        _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare")
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", "0 %d 1" % uid)
        _write("/proc/self/gid_map", "0 %d 1" % gid)
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None),
           "making / private")


def _sandbox(base):
    """In the child: private namespace, fresh tmpfs, chroot below its top."""
    _enter_private_namespace()
    _check(_libc.mount(b"none", base, b"tmpfs", MS_NOATIME, None), "mounting tmpfs")
    root = os.path.join(base, b"root")
    os.mkdir(root, 0o755)
    os.chroot(root)
    os.chdir(b"/")


def _type(mode):
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        return "lnk"
    return "reg"


def _errname(e):
    return "err " + errno.errorcode.get(e, "EUNKNOWN")


def _mount_result(rc):
    return "ok" if rc == 0 else _errname(ctypes.get_errno())


def run_op(line):
    """Run one operation line in the current (sandboxed) process."""
    try:
        op, p = shlang.parse_op(line)
    except ValueError:
        return "err EINVAL"
    try:
        if op == "mkdir":
            os.mkdir(p[0], 0o755)
        elif op == "create":
            os.close(os.open(p[0], os.O_CREAT | os.O_EXCL | os.O_RDONLY, 0o644))
        elif op == "symlink":
            os.symlink(p[0], p[1])
        elif op == "unlink":
            os.unlink(p[0])
        elif op == "rmdir":
            os.rmdir(p[0])
        elif op == "rename":
            os.rename(p[0], p[1])
        elif op == "exchange":
            if _libc.renameat2(AT_FDCWD, p[0], AT_FDCWD, p[1], RENAME_EXCHANGE) != 0:
                return _errname(ctypes.get_errno())
        elif op == "mount":
            return _mount_result(_libc.mount(b"none", p[0], b"tmpfs", MS_NOATIME, None))
        elif op == "umount":
            return _mount_result(_libc.umount2(p[0], MNT_DETACH if len(p) == 2 else 0))
        elif op == "shrink":
            os.stat(p[0])       # the engine's shrinker: here only the lookup
        elif op in ("stat", "lstat"):
            return _stat_line(os.stat(p[0]) if op == "stat" else os.lstat(p[0]))
        elif op == "stat_in_root":
            return _stat_in_root(p[0], p[1])
        elif op == "access":
            # os.access() answers a bool, not the errno: the C call
            m = p[1].decode()
            mode = 0 if m == "f" else ((os.R_OK if "r" in m else 0) |
                                       (os.W_OK if "w" in m else 0) |
                                       (os.X_OK if "x" in m else 0))
            if _libc.access(p[0], mode) != 0:
                return _errname(ctypes.get_errno())
        elif op == "readlink":
            return _readlink(p[0], int(p[1]) if len(p) == 2 else shlang.PATH_MAX)
        elif op == "open":
            return _open(None, p[0], p[1] if len(p) == 2 else None)
        elif op == "openat":
            return _open(p[0], p[1], p[2] if len(p) == 3 else None)
        elif op == "openat2":
            return _openat2(p[0], p[1], p[2] if len(p) >= 3 else None,
                            p[3] if len(p) == 4 else None)
        elif op == "close":
            fd = _fds.remove(p[0])
            if fd < 0:
                return _errname(errno.EBADF)
            os.close(fd)
        elif op == "fstat":
            return _statx(_fds.get(p[0]), b"", 0x1000)      # fstat is statx(fd, "", AT_EMPTY_PATH)
        elif op == "statx":
            flags = shlang.flag_bits(p[2].decode(), shlang.STATX_FLAGS) if len(p) == 3 else 0
            return _statx(_fds.get(p[0]), p[1], flags)
        elif op == "cd":
            os.chdir(p[0])
        elif op == "getcwd":
            return _getcwd(int(p[0]) if p else shlang.PATH_MAX)
    except OSError as e:
        return _errname(e.errno)
    return "ok"


class KernelSh:
    """Runs scripts on the real kernel, one sandboxed child per script."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="nameibench-kernel-").encode()
        ok, why = self._probe()
        if not ok:
            self.close()
            raise Unavailable(why)

    def close(self):
        try:
            os.rmdir(self.base)
        except OSError:
            pass

    def _fork(self, body):
        """Run body() in a sandboxed child; return (ok, text it wrote)."""
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            status = 0
            try:
                _sandbox(self.base)
                out = body()
            except Exception as e:  # report anything, never return into the caller
                out, status = "%s" % e, 1
            os.write(w, out.encode("utf-8", "surrogateescape"))
            os._exit(status)
        os.close(w)
        chunks = []
        while True:
            b = os.read(r, 1 << 16)
            if not b:
                break
            chunks.append(b)
        os.close(r)
        _, status = os.waitpid(pid, 0)
        text = b"".join(chunks).decode("utf-8", "surrogateescape")
        return os.waitstatus_to_exitcode(status) == 0, text

    def _probe(self):
        return self._fork(lambda: "")

    def run(self, lines):
        """Run a script (list of lines); return its result lines."""
        ops = [l for l in lines if shlang.is_op_line(l)]

        def body():
            return "".join(run_op(l) + "\n" for l in ops)

        ok, text = self._fork(body)
        if not ok:
            raise RuntimeError("kernel runner failed: " + text)
        return text.splitlines()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("script", nargs="?", help="script file (default: standard input)")
    args = ap.parse_args()
    text = open(args.script).read() if args.script else sys.stdin.read()
    try:
        k = KernelSh()
    except Unavailable as e:
        print("kernelsh: cannot run scripts on this kernel here: %s" % e, file=sys.stderr)
        return 3
    try:
        for line in k.run(text.splitlines()):
            print(line)
    finally:
        k.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
