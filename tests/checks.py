"""What every Python test suite shares: the PASS/FAIL lines tests/run.py
counts, and a description of a finished process for failure details."""


class Checks:
    """check(name, cond, detail) prints "PASS: SUITE: name" or "FAIL: ...";
    .failed counts the failures, for the suite's exit status."""

    def __init__(self, suite):
        self.suite, self.failed = suite, 0

    def __call__(self, name, cond, detail=""):
        if cond:
            print("PASS: %s: %s" % (self.suite, name))
        else:
            self.failed += 1
            print("FAIL: %s: %s%s" % (self.suite, name, (": " + detail) if detail else ""))
        return bool(cond)


def describe(p, out=400, err=400):
    """A finished subprocess, for a failure's detail."""
    return "exit %s, stdout %r, stderr %r" % (p.returncode, p.stdout[-out:], p.stderr[-err:])
