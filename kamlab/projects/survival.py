"""Time to decision (*Entscheidungsdauer*) as survival data: Kaplan–Meier curves per group.

Each quote is followed from the day it was sent until the customer decides (won or lost:
the event). A quote still open at the end of the data is *censored* there: we know only
that it took longer than it has been open so far. Dropping open quotes would keep the quick
decisions and lose the slow ones, so the typical time would come out too short; the
Kaplan–Meier estimator (``statsmodels.duration.survfunc.SurvfuncRight``) uses them for as long as
they were observed.

The bands are pointwise log-log ("exponential Greenwood") intervals, computed here from
statsmodels' Greenwood standard errors (``surv_prob_se``; statsmodels has no pointwise interval
of its own). The median is the first day the curve drops to 50 % or below; its interval is
statsmodels' ``quantile_ci`` (Brookmeyer–Crowley, inverting the same log-log test).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlab.errors import EmptyDataError, ParameterError
from kamlab.projects.prepare import check_projects, with_groups
from kamlab.projects.rates import _group_rows, _z

__all__ = ["TimeToDecision", "time_to_decision", "decision_durations"]


@dataclass(frozen=True)
class TimeToDecision:
    """The result of :func:`time_to_decision`.

    Attributes
    ----------
    curves : pandas.DataFrame
        The Kaplan–Meier curves: the ``by`` columns, ``days``, ``still_open`` (the estimated
        share of quotes still undecided ``days`` after they were sent), its pointwise log-log
        confidence band ``low``/``high`` and ``at_risk`` (quotes still open and observed then).
        Each curve starts at day 0 with 1 (less if quotes were decided on the day they were sent).
    summary : pandas.DataFrame
        One row per group: ``n_quotes``, ``n_decided``, ``n_open`` (censored),
        ``median_days`` (the first day the curve is at 50 % or below; NaN while more than half
        are open) with ``median_low``/``median_high`` (NaN for an open end; both NaN when every
        quote of the group was decided on the same day: no variance), and ``open_after_<d>``
        for each horizon ``d``.
    as_of : pandas.Timestamp
        The day the data end: open quotes are censored there.
    by : tuple of str
    horizons : tuple of int
    confidence : float
    """

    curves: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame
    as_of: pd.Timestamp
    by: tuple
    horizons: tuple
    confidence: float


def decision_durations(projects, as_of=None):
    """Days from quote to decision, and whether the decision was seen by ``as_of``.

    Quotes sent after ``as_of`` are left out; a decision after ``as_of`` counts as open.

    Returns
    -------
    (frame, as_of) : the quotes kept with columns ``days`` and ``decided``, and the end date used

    Examples
    --------
    >>> import pandas as pd
    >>> quotes = pd.DataFrame({"outcome": ["won", "open", "lost"],
    ...     "quote_date": pd.to_datetime(["2025-01-01", "2025-01-10", "2025-01-20"]),
    ...     "decision_date": pd.to_datetime(["2025-01-11", None, "2025-02-20"])})
    >>> frame, end = decision_durations(quotes, as_of="2025-01-31")
    >>> frame[["days", "decided"]].values.tolist(), str(end.date())
    ([[10, True], [21, False], [11, False]], '2025-01-31')
    """
    frame = check_projects(projects, need=("outcome", "quote_date", "decision_date"), what="time_to_decision")
    quote = pd.to_datetime(frame["quote_date"])
    decision = pd.to_datetime(frame["decision_date"]).where(frame["outcome"] != "open")
    end = max(quote.max(), decision.max()) if as_of is None else pd.Timestamp(as_of)
    if pd.isna(end):
        raise EmptyDataError("time_to_decision: the quotes have no dates.")
    keep = (quote <= end).to_numpy()
    frame, quote, decision = frame[keep].copy(), quote[keep], decision[keep]
    if len(frame) == 0:
        raise EmptyDataError(f"time_to_decision: no quote was sent by {end:%Y-%m-%d}.")
    decided = (decision.notna() & (decision <= end)).to_numpy()
    stop = decision.where(decided, end)
    frame["days"] = (stop - quote).dt.days.astype("int64")
    frame["decided"] = decided
    return frame, end


def _fit(days, decided):
    """statsmodels' Kaplan–Meier fit of one group: S and its Greenwood standard error at the event days."""
    from statsmodels.duration.survfunc import SurvfuncRight

    return SurvfuncRight(np.asarray(days, dtype=float), np.asarray(decided, dtype=float))


def _step(fit, days):
    """S and its standard error at ``days``: steps at the event days; S = 1, SE = 0 before the first."""
    at = np.searchsorted(fit.surv_times, days, side="right")  # event days <= each day
    prob = np.concatenate([[1.0], fit.surv_prob])
    se = np.concatenate([[0.0], fit.surv_prob_se])
    return prob[at], se[at]


def _loglog_band(prob, se, confidence):
    """The pointwise log-log ("exponential Greenwood") interval of S, computed from Greenwood's SE.

    With sd = se / (S |log S|), the delta-method SE of log(-log S), the band is
    ``S ** exp(+z sd)`` (low) to ``S ** exp(-z sd)`` (high); it stays within [0, 1]. Where S = 1
    (before the first decision) and S = 0 (all decided) it collapses to S.
    """
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = se / (prob * -np.log(prob))
        low, high = prob ** np.exp(z * sd), prob ** np.exp(-z * sd)
    edge = (prob >= 1) | (prob <= 0)
    return np.where(edge, prob, low), np.where(edge, prob, high)


def _curve(fit, days, confidence):
    times = np.union1d([0.0], np.asarray(days, dtype=float))  # day 0 and every day a quote was decided or censored
    prob, se = _step(fit, times)
    low, high = _loglog_band(prob, se, confidence)
    ordered = np.sort(np.asarray(days, dtype=float))
    at_risk = len(ordered) - np.searchsorted(ordered, times, side="left")  # still open and observed on that day
    return pd.DataFrame({"days": times, "still_open": prob, "low": low, "high": high,
                         "at_risk": at_risk.astype("int64")})


def _median(fit):
    """The first day S drops to 50 % or below (NaN while it stays above)."""
    below = np.flatnonzero(fit.surv_prob <= 0.5 + 1e-12)  # <= up to rounding: S = 1/2 exactly counts
    return float(fit.surv_times[below[0]]) if len(below) else np.nan


def _median_interval(fit, confidence):
    """statsmodels' ``quantile_ci`` (Brookmeyer–Crowley, log-log transform): NaN for an open end."""
    with np.errstate(divide="ignore", invalid="ignore"):
        bounds = fit.quantile_ci(0.5, alpha=1 - confidence, method="cloglog")
    return [float(v) if np.isfinite(v) else np.nan for v in bounds]


def time_to_decision(projects, by=None, as_of=None, *, accounts=None, horizons=(30, 60, 90), confidence=0.95):
    """Kaplan–Meier curves of the time from quote to decision, open quotes censored.

    Parameters
    ----------
    projects : pandas.DataFrame
        The quotes: ``outcome``, ``quote_date``, ``decision_date`` (empty while open).
    by : str or list of str, optional
        Grouping column(s), as in :func:`kamlab.win_rates` (``"offering"``, ``"quarter"``, ...).
    as_of : date-like, optional
        The day the data end. Default: the latest quote or decision date. Quotes sent later
        are left out; quotes undecided then (also those decided later) are censored there.
    accounts : DataFrame or list of DataFrames, optional
        Tables by ``account_id`` holding grouping columns the quotes lack.
    horizons : tuple of int, default=(30, 60, 90)
        Days at which the share of quotes still open is reported.
    confidence : float, default=0.95
        Of the bands (pointwise log-log, i.e. exponential Greenwood) and the median's interval
        (statsmodels' ``quantile_ci``, log-log).

    Returns
    -------
    TimeToDecision

    Examples
    --------
    >>> import pandas as pd
    >>> quotes = pd.DataFrame({"outcome": ["won", "lost", "open", "won", "lost"],
    ...     "quote_date": pd.to_datetime(["2025-01-01"] * 5),
    ...     "decision_date": pd.to_datetime(["2025-01-11", "2025-01-21", None, "2025-02-10", "2025-01-21"])})
    >>> result = time_to_decision(quotes, as_of="2025-01-31")
    >>> result.curves[["days", "still_open"]].values.tolist()
    [[0.0, 1.0], [10.0, 0.8], [20.0, 0.4], [30.0, 0.4]]
    >>> float(result.summary["median_days"].iloc[0]), int(result.summary["n_open"].iloc[0])
    (20.0, 2)
    """
    horizons = tuple(int(h) for h in horizons)
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1 (0.95 for 95 %), not {confidence!r}.")
    frame, end = decision_durations(projects, as_of)
    frame, by = with_groups(frame, by, accounts, what="time_to_decision")
    curves, rows = [], []
    for key, group in _group_rows(frame, by):
        days = group["days"].to_numpy()
        fit = _fit(days, group["decided"].to_numpy())
        labels = dict(zip(by, key))
        curves.append(_curve(fit, days, confidence).assign(**labels))
        row = {**labels, "n_quotes": len(group), "n_decided": int(group["decided"].sum()),
               "n_open": int((~group["decided"]).sum()), "median_days": _median(fit)}
        row["median_low"], row["median_high"] = _median_interval(fit, confidence)
        last_value = float(_step(fit, [days.max()])[0][0])
        for h in horizons:
            # beyond the longest duration the curve is known only when it has reached 0 (all decided);
            # after an open (censored) longest quote it is unknown
            known = h <= days.max() or last_value == 0.0
            row[f"open_after_{h}"] = float(_step(fit, [min(h, days.max())])[0][0]) if known else np.nan
        rows.append(row)
    curves = pd.concat(curves, ignore_index=True)[[*by, "days", "still_open", "low", "high", "at_risk"]]
    return TimeToDecision(curves, pd.DataFrame(rows), end, tuple(by), horizons, confidence)
