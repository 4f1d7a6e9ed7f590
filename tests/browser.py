"""Open a page in headless Chromium, as a person would, and read what the
page's own self-check found (report.SELF_CHECK sets data-images and
data-broken on <body> once every image has loaded or failed).

Debian's chromium is installed when absent (as root, or through sudo);
find() says why when it cannot be had, and the caller skips with that.
"""

import os
import re
import shutil
import subprocess

NAMES = ("chromium", "chromium-browser", "google-chrome")


def _which():
    for n in NAMES:
        path = shutil.which(n)
        if path:
            return path
    return None


def find():
    """(path to chromium, None) or (None, why it cannot be had)."""
    path = _which()
    if path:
        return path, None
    if not shutil.which("apt-get"):
        return None, "no chromium and no apt-get to install it"
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        return None, "no chromium, and not root to install it"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = sudo + ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    p = subprocess.run(install, capture_output=True, text=True, env=env)
    if p.returncode:
        # a fresh machine may have no package lists yet
        subprocess.run(sudo + ["apt-get", "update"], capture_output=True, text=True, env=env)
        p = subprocess.run(install, capture_output=True, text=True, env=env)
    path = _which()
    if not path:
        return None, "chromium could not be installed: %s" % (p.stderr.strip()[-300:] or
                                                             "apt-get failed")
    return path, None


def body_attributes(chromium, html_path, timeout=120):
    """The <body> attributes of the page after load, as a dict; raises on failure."""
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--disable-background-networking", "--disable-extensions", "--no-first-run",
           "--mute-audio", "--virtual-time-budget=10000", "--dump-dom",
           "file://" + os.path.abspath(html_path)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    m = re.search(r"<body([^>]*)>", p.stdout)
    if p.returncode or not m:
        raise RuntimeError("chromium exit %d: %s" % (p.returncode, p.stderr.strip()[-400:]))
    return dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))


def check_rendered(check, html_path, images, what):
    """Check (with a checks.Checks) that Chromium renders @html_path with
    @images images and none broken; print a SKIP saying why when Chromium
    cannot be had.  Returns the chromium path, or None."""
    chromium, why = find()
    if not chromium:
        print("SKIP: %s: headless Chromium check: %s" % (check.suite, why))
        return None
    try:
        attrs = body_attributes(chromium, html_path)
        check("Chromium renders %s with its %d plot%s and no broken image" %
              (what, images, "" if images == 1 else "s"),
              attrs.get("data-images") == str(images) and attrs.get("data-broken") == "0",
              "%s" % attrs)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        check("Chromium renders %s" % what, False, str(e))
        return None
    return chromium
