"""Charts of the follow-up effect and the win model: the dose response and the reliability curve.

The seaborn conventions: data first, keyword arguments, ``ax=None``, return the Axes. Every
number drawn is computed by :func:`~kamlab.projects.effect.followup_effect` or
:func:`~kamlab.projects.winmodel.reliability_curve`; the charts only draw it. Artists carry a
``gid`` so tests (and curious students) can find what was drawn.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> curve = pd.DataFrame({"n": [50, 50], "predicted": [0.2, 0.7], "observed": [0.25, 0.66],
...                       "band_low": [0.1, 0.56], "band_high": [0.32, 0.82]})
>>> ax = reliability_chart(curve)
>>> ax.get_xlabel()
'Forecast win probability'
>>> [line.get_gid() for line in ax.lines]
['diagonal', 'reliability']
>>> import matplotlib.pyplot as plt
>>> plt.close(ax.figure)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab._util.format import percent as _percent
from kamlab._util.format import translator
from kamlab._util.plotting import decimal_formatter
from kamlab._util.plotting import axes as _axes
from kamlab._util.plotting import need as _need
from kamlab.errors import ParameterError

__all__ = ["dose_response_chart", "reliability_chart"]

_ADJUSTED_COLOR = "#0072B2"
_NAIVE_COLOR = "#8C8C8C"
_TRUTH_COLOR = "#D55E00"
_TEXT = {
    "followups": ("Follow-ups", "Nachfassaktionen"),
    "treated": ("Treated", "Behandelt"),
    "win_probability": ("Win probability", "Gewinnwahrscheinlichkeit"),
    "adjusted": ("{method}: if every quote had k (95 % interval)", "{method}: wenn jedes Angebot k hätte (95 %-Intervall)"),
    "naive": ("raw win rate", "rohe Erfolgsquote"),
    "truth": ("truth", "Wahrheit"),
    "effect": ("{a} → {b}: {ate} ({low} to {high}); naive {naive}",
               "{a} → {b}: {ate} ({low} bis {high}); naiv {naive}"),
    "forecast": ("Forecast win probability", "Prognostizierte Gewinnwahrscheinlichkeit"),
    "observed": ("Observed win rate", "Beobachtete Erfolgsquote"),
    "diagonal": ("perfectly calibrated", "perfekt kalibriert"),
    "band": ("range of a calibrated model", "Bereich eines kalibrierten Modells"),
    "bins": ("quotes per bin (mean forecast vs win rate)", "Angebote je Klasse (Prognose vs. Quote)"),
}


def _signed(value):
    return ("+" if value >= 0 else "\u2212") + _percent(abs(value), 1).replace(" %", " pp")


def _truth_values(truth, levels):
    if isinstance(truth, dict):
        truth = pd.Series(truth)
    if isinstance(truth, pd.Series):
        return truth.reindex(levels).to_numpy(dtype=float)
    values = np.asarray(truth, dtype=float)
    if values.shape != (len(levels),):
        raise ParameterError(f"truth needs one value per level ({len(levels)}), or a dict/Series level → value.")
    return values


def effect_title(effect):
    """The title of :func:`dose_response_chart`: the contrast, its effect with interval, and the naive one.

    (An explorer that keeps the chart while only the contrast changes sets this title again.)
    """
    t = translator(_TEXT)
    low, high = effect.ci
    return t("effect", a=effect.levels[0], b=effect.levels[1], ate=_signed(effect.ate), low=_signed(low),
             high=_signed(high), naive=_signed(effect.naive))


def dose_response_chart(effect, *, truth=None, naive=True, offset=0.12, ax=None, **kwargs):
    """μ(k), the win probability had every decided quote received k follow-ups, with intervals.

    Parameters
    ----------
    effect : FollowupEffect
        From :func:`~kamlab.projects.effect.followup_effect`; its ``dose_response`` table is drawn.
    truth : dict, pandas.Series or array-like, optional
        The true μ(k) (simulated data): drawn as a line.
    naive : bool, default=True
        Draw the raw win rates (with their intervals) beside the adjusted estimates.
    offset : float, default=0.12
        Horizontal shift of the raw rates, so the intervals do not hide each other.
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to the errorbar of the adjusted estimates.

    Returns
    -------
    matplotlib.axes.Axes
        Artists: the adjusted estimates ``gid="dose-response"`` (line), their interval bars
        ``"dose-response-interval"``, the raw rates ``"naive"`` and ``"naive-interval"``, the truth ``"truth"``.
    """
    table = getattr(effect, "dose_response", None)
    _need(table, ["level", "mu", "ci_low", "ci_high", "naive", "naive_low", "naive_high"], "dose_response_chart")
    t = translator(_TEXT)
    ax = _axes(ax)
    k = table["level"].to_numpy(dtype=float)
    style = {"color": _ADJUSTED_COLOR, "marker": "o", "capsize": 3, "lw": 1.5, **kwargs}
    bars = ax.errorbar(k, table["mu"], yerr=[table["mu"] - table["ci_low"], table["ci_high"] - table["mu"]],
                       label=t("adjusted", method=effect.method), **style)
    bars.lines[0].set_gid("dose-response")
    for collection in bars.lines[2]:
        collection.set_gid("dose-response-interval")
    if naive:
        raw = ax.errorbar(k + offset, table["naive"], yerr=[table["naive"] - table["naive_low"],
                                                             table["naive_high"] - table["naive"]],
                          color=_NAIVE_COLOR, marker="s", ls="none", capsize=2, label=t("naive"))
        raw.lines[0].set_gid("naive")
        for collection in raw.lines[2]:
            collection.set_gid("naive-interval")
    if truth is not None:
        (line,) = ax.plot(k, _truth_values(truth, table["level"].tolist()), color=_TRUTH_COLOR, ls="--", lw=1.2,
                          label=t("truth"))
        line.set_gid("truth")
    ax.set_title(effect_title(effect), fontsize=9)
    ax.set_xlabel(t("followups") if effect.kind == "count" else t("treated"))
    ax.set_ylabel(t("win_probability"))
    ax.set_xticks(k)
    ax.yaxis.set_major_formatter(decimal_formatter())
    ax.legend(fontsize=8, frameon=False)
    return ax


def reliability_chart(curve, *, band=True, ax=None, **kwargs):
    """The reliability (calibration) curve: forecast against observed win rate, with the diagonal and a band.

    Parameters
    ----------
    curve : pandas.DataFrame or WinValidation
        :func:`~kamlab.projects.winmodel.reliability_curve` (``predicted``, ``observed``,
        ``band_low``, ``band_high``), or the result of :func:`~kamlab.projects.winmodel.validate_win_model`.
    band : bool, default=True
        Shade the consistency band: where a calibrated model's observed rates would fall (95 %).
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to the curve's line.

    Returns
    -------
    matplotlib.axes.Axes
        Artists: ``gid="diagonal"``, ``"reliability"`` (line) and ``"band"`` (PolyCollection).
    """
    curve = getattr(curve, "reliability", curve)
    _need(curve, ["predicted", "observed", "band_low", "band_high"], "reliability_chart")
    t = translator(_TEXT)
    ax = _axes(ax)
    (diagonal,) = ax.plot([0, 1], [0, 1], color=_NAIVE_COLOR, ls=":", lw=1, label=t("diagonal"))
    diagonal.set_gid("diagonal")
    if band:
        shade = ax.fill_between(curve["predicted"], curve["band_low"], curve["band_high"], color=_ADJUSTED_COLOR,
                                alpha=0.15, lw=0, label=t("band"))
        shade.set_gid("band")
    style = {"color": _ADJUSTED_COLOR, "marker": "o", "lw": 1.5, **kwargs}
    (line,) = ax.plot(curve["predicted"], curve["observed"], label=t("bins"), **style)
    line.set_gid("reliability")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(t("forecast"))
    ax.set_ylabel(t("observed"))
    ax.xaxis.set_major_formatter(decimal_formatter())
    ax.yaxis.set_major_formatter(decimal_formatter())
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return ax
