"""Intervals and the noise verdict of a nameibench results folder.

Every figure the report states as a finding is an Est: an estimate with a
95% interval computed from the repetitions.

- The mean of n repetitions: Student's t interval, mean +- t(n-1) s / sqrt(n).
- A product of means raised to +-1 (a ratio a/b, a ratio of ratios): the
  delta method on the logarithm.  Each mean m of n values with standard
  deviation s adds the variance s^2 / (n m^2) to the log; the degrees of
  freedom come from Welch-Satterthwaite, (sum v)^2 / sum(v^2 / (n - 1));
  the interval is exp(log estimate +- t(df) sqrt(sum v)).  It is not
  symmetric around the estimate, as a ratio's should not be.
- A difference of two such products (the calibrated model's scaling
  against the kernel's): the same variances, each scaled by its product
  squared, and the same Welch-Satterthwaite degrees of freedom.
- A difference of two means that may be 0 (a counter per operation on
  two filesystems): Welch's interval, mean(a) - mean(b) +- t(df)
  sqrt(sa^2/na + sb^2/nb), df by Welch-Satterthwaite.

A group with fewer than two repetitions has no interval (None), and so
makes no finding.

The noise verdict of a run (verdict()) is "busy" when other work took the
machine, "noisy" when the repetitions disagree or other work took some of
it, and "quiet" otherwise; the thresholds are the constants below (and
README's table).
"""

import math

# Two-sided 95% quantiles of Student's t, for 1..30 degrees of freedom;
# beyond 30 the normal's 1.96.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
Z975 = 1.96

# The verdict's thresholds.  Shares are of the measured PUs' time, mean
# over the points that recorded their machine state.
BUSY_FOREIGN = 0.10     # other processes ran 10% of the time or more
BUSY_STEAL = 0.05       # the hypervisor stole 5% or more
BUSY_RUNNABLE = 0.5     # half an other task runnable on average, or more
# An idle 2-core KVM guest's 'make report QUICK=1' shows a median CV of
# 3-4%, a drift of up to +4% (the first round runs on a colder process),
# and other processes at about 2% of the measured PUs.
NOISY_CV = 0.05         # the median point's coefficient of variation over 5%
NOISY_DRIFT = 0.08      # repetition means moved over 8% from first to last
NOISY_STEAL = 0.01      # 1% stolen
NOISY_FOREIGN = 0.05    # 5% to other processes (an idle 2-core guest shows about 2%)


def t95(df):
    """The t quantile for @df degrees of freedom (fractional df rounds down,
    the safe side)."""
    if df is None or df == math.inf or df > len(T975):
        return Z975
    return T975[max(int(df), 1) - 1]


class Est:
    """An estimate with its 95% interval [lo, hi]."""

    def __init__(self, value, lo, hi):
        self.value, self.lo, self.hi = value, lo, hi

    def excludes(self, x):
        return self.hi < x or self.lo > x

    def below(self, x):
        return self.hi < x

    def above(self, x):
        return self.lo > x

    def scaled(self, k):
        return Est(self.value * k, self.lo * k, self.hi * k)


def mean_sd(values):
    n = len(values)
    m = sum(values) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in values) / (n - 1)) if n > 1 else 0.0
    return m, sd


def cv(values):
    """The coefficient of variation, or None below two values."""
    if len(values) < 2:
        return None
    m, sd = mean_sd(values)
    return sd / m if m else None


def mean_ci(values):
    """The mean with its Student t interval, or None below two values."""
    if len(values) < 2:
        return None
    m, sd = mean_sd(values)
    half = t95(len(values) - 1) * sd / math.sqrt(len(values))
    return Est(m, m - half, m + half)


def _log_terms(terms):
    """(log of the product, [(variance, n)]) for [(values, power)]."""
    log, parts = 0.0, []
    for values, power in terms:
        m, sd = mean_sd(values)
        log += power * math.log(m)
        parts.append((sd * sd / (len(values) * m * m), len(values)))
    return log, parts


def welch_df(parts):
    """Welch-Satterthwaite: (sum v)^2 / sum(v^2 / (n - 1)); inf when no
    term varies."""
    total = sum(v for v, _ in parts)
    denom = sum(v * v / (n - 1) for v, n in parts)
    return total * total / denom if denom > 0 else math.inf


def product_ci(terms, scale=1.0):
    """@scale times the product of means raised to their powers, e.g.
    [(a, 1), (b, -1)] for a/b, with its interval by the delta method on
    the log; None if a term has fewer than two values or a mean not above 0."""
    if any(len(v) < 2 or sum(v) <= 0 for v, _ in terms):
        return None
    log, parts = _log_terms(terms)
    half = t95(welch_df(parts)) * math.sqrt(sum(v for v, _ in parts))
    return Est(scale * math.exp(log), scale * math.exp(log - half),
               scale * math.exp(log + half))


def ratio_ci(num, den, scale=1.0):
    """@scale * mean(@num) / mean(@den), with its interval."""
    return product_ci([(num, 1), (den, -1)], scale)


def difference_ci(a_terms, a_scale, b_terms, b_scale):
    """product(a) - product(b) (see product_ci), with its interval: each
    term's log variance times its product squared, Welch-Satterthwaite df."""
    if any(len(v) < 2 or sum(v) <= 0 for v, _ in a_terms + b_terms):
        return None
    la, pa = _log_terms(a_terms)
    lb, pb = _log_terms(b_terms)
    ea, eb = a_scale * math.exp(la), b_scale * math.exp(lb)
    parts = [(v * ea * ea, n) for v, n in pa] + [(v * eb * eb, n) for v, n in pb]
    half = t95(welch_df(parts)) * math.sqrt(sum(v for v, _ in parts))
    return Est(ea - eb, ea - eb - half, ea - eb + half)


def mean_difference_ci(a, b):
    """mean(@a) - mean(@b) with Welch's interval; None below two values a
    side.  Means of 0 are allowed (a counter that never moved)."""
    if len(a) < 2 or len(b) < 2:
        return None
    (ma, sa), (mb, sb) = mean_sd(a), mean_sd(b)
    parts = [(sa * sa / len(a), len(a)), (sb * sb / len(b), len(b))]
    half = t95(welch_df(parts)) * math.sqrt(sum(v for v, _ in parts))
    return Est(ma - mb, ma - mb - half, ma - mb + half)


# ---------------------------------------------------------------- noise

def drift(groups):
    """How repetition means move across a run.  For each repetition index
    r, the mean over groups of value_r / the group's mean, for the indexes
    that at least half the groups of two or more repetitions reached (with
    adaptive repetitions, later indexes hold only the noisiest points).
    Returns [(r, level)] or []."""
    groups = [g for g in groups if len(g.values()) >= 2]
    by_rep = {}
    for g in groups:
        m = g.mean()
        for i, p in enumerate(g.points):
            if p.get("ops_per_sec") is not None and m:
                by_rep.setdefault(p.get("rep", i + 1), []).append(p["ops_per_sec"] / m)
    return [(r, sum(v) / len(v)) for r, v in sorted(by_rep.items())
            if 2 * len(v) >= len(groups)]


def machine_summary(points):
    """Means and extremes of the points' recorded machine state, or None
    when no point recorded one."""
    ms = [p["machine_state"] for p in points if isinstance(p.get("machine_state"), dict)]
    if not ms:
        return None

    def mean(key, sub=None):
        v = [m[key][sub] if sub else m[key] for m in ms
             if m.get(key) is not None and (not sub or m[key].get(sub) is not None)]
        return sum(v) / len(v) if v else None

    def top(key, sub=None):
        v = [m[key][sub] if sub else m[key] for m in ms
             if m.get(key) is not None and (not sub or m[key].get(sub) is not None)]
        return max(v) if v else None

    loads = [m[k][0] for m in ms for k in ("loadavg_before", "loadavg_after") if m.get(k)]
    return {"points": len(ms), "foreign_mean": mean("foreign_share"),
            "foreign_max": top("foreign_share_max") if top("foreign_share_max") is not None
            else top("foreign_share"),
            "steal_mean": mean("steal_share"), "steal_max": top("steal_share"),
            "runnable_mean": mean("others_runnable", "mean"),
            "runnable_max": top("others_runnable", "max"),
            "machine_foreign_mean": mean("machine_foreign_share"),
            "load_min": min(loads) if loads else None, "load_max": max(loads) if loads else None}


def noise(groups, main_groups, points):
    """The noise figures of a run: per-point CVs (over @groups), the drift
    (over @main_groups, the main sweep's), the machine state (over @points)."""
    cvs = sorted(c for c in (cv(g.values()) for g in groups) if c is not None)
    levels = drift(main_groups)
    out = {"cvs": len(cvs), "cv_median": cvs[len(cvs) // 2] if cvs else None,
           "cv_max": cvs[-1] if cvs else None, "drift_levels": levels,
           "drift": levels[-1][1] / levels[0][1] - 1 if len(levels) >= 2 else None,
           "drift_min": min(l for _, l in levels) - 1 if levels else None,
           "drift_max": max(l for _, l in levels) - 1 if levels else None,
           "machine": machine_summary(points)}
    return out


def _share(x):
    return "%.0f%%" % (100 * x) if x >= 0.01 or x == 0 else "%.1f%%" % (100 * x)


def _machine_reasons(n):
    """([busy figures], [noisy figures]) from the recorded machine state."""
    m = n["machine"] or {}
    busy, noisy = [], []
    fm, st, rn = m.get("foreign_mean"), m.get("steal_mean"), m.get("runnable_mean")
    if fm is not None:
        text = ("other processes took %s of the measured PUs' time (mean over points)"
                % _share(fm))
        (busy if fm >= BUSY_FOREIGN else noisy if fm >= NOISY_FOREIGN else []).append(text)
    if st is not None:
        text = "the hypervisor stole %s of the measured PUs' time" % _share(st)
        (busy if st >= BUSY_STEAL else noisy if st >= NOISY_STEAL else []).append(text)
    if rn is not None and rn >= BUSY_RUNNABLE:
        busy.append("%.1f other task%s runnable on average" % (
            rn, "" if "%.1f" % rn == "1.0" else "s"))
    return busy, noisy


def _spread(n):
    """The spread and the drift as words, and whether either is over its
    threshold."""
    parts, over = [], False
    if n["cv_median"] is not None:
        parts.append("repetitions spread up to ±%.0f%% (median CV %.1f%%)" %
                     (100 * n["cv_max"], 100 * n["cv_median"]))
        over = n["cv_median"] > NOISY_CV
    if n["drift"] is not None:
        parts.append("drift %+.0f%% from the first repetition to the last" % (100 * n["drift"]))
        over = over or abs(n["drift"]) > NOISY_DRIFT
    return parts, over


def verdict(n):
    """'quiet', 'noisy' or 'busy' for the figures of noise()."""
    busy, noisy = _machine_reasons(n)
    if busy:
        return "busy"
    return "noisy" if noisy or _spread(n)[1] else "quiet"


def verdict_text(n):
    """The verdict with the figures behind it: the machine's that crossed a
    threshold, then the spread and drift, always."""
    busy, noisy = _machine_reasons(n)
    parts = busy + noisy
    spread, _ = _spread(n)
    said = "; ".join(x for x in (", ".join(parts), ", ".join(spread)) if x)
    if not n["machine"]:
        said += "%smachine state not recorded, so judged from the spread and drift alone" % (
            "; " if said else "")
    return "this run is %s%s" % (verdict(n), ": " + said if said else "")


def warning(n):
    """The warning a noisy or busy run opens with, or None for a quiet one."""
    if verdict(n) == "quiet":
        return None
    return verdict_text(n) + ". Figures below are less certain than they look."
