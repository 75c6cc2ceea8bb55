"""The attractiveness × supplier-position portfolio: the four-field matrix and its nine-cell variant."""

from __future__ import annotations


import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "NINE_CELL_GROUPS",
    "NINE_CELL_STRATEGIES",
    "portfolio",
    "portfolio_grid",
]

from kamlab.portfolios.scoring import VOCABULARIES

_TOL = 1e-9

# ----------------------------------------------------------------------------- the matrix
def _split_value(series, split, axis):
    if isinstance(split, str):
        if split == "median":
            return float(series.median())
        if split == "mean":
            return float(series.mean())
        raise ParameterError(f"split must be 'median', 'mean' or a pair of numbers, not {split!r}.")
    return float(split[axis])


def portfolio(data, x="supplier_position", y="attractiveness", size=None, split="median", labels="mcdonald"):
    """Place accounts in the attractiveness × supplier-position matrix, with the standard strategies.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the two scores (e.g. the ``total`` of two
        :class:`ScoringModel` s).
    x : str, default="supplier_position"
        The supplier's own position or relative strength with the account (horizontal).
    y : str, default="attractiveness"
        The customer's attractiveness (vertical).
    size : str, optional
        A column to carry along for bubble sizes (revenue, DB, wallet).
    split : {"median", "mean"} or (float, float), default="median"
        Where each axis is split into low and high: the median or mean of the accounts,
        or fixed values ``(x_split, y_split)``. **An account exactly on a split counts as
        high** (attractive, or strong position).
    labels : {"mcdonald", "dpm", "de"}, default="mcdonald"
        The vocabulary of quadrant names and strategies, each listed as (attractive &
        strong, attractive & weak, unattractive & strong, unattractive & weak):

        - ``"mcdonald"`` (McDonald & Woodburn): Strategic, Star, Status, Streamline.
        - ``"dpm"`` (directional policy matrix, Millman & Wilson): Invest for growth,
          Invest selectively, Maintain, Manage for cash / withdraw.
        - ``"de"`` (Kundenportfolio): Starkunden (Position halten und ausbauen),
          Fragezeichenkunden (Big Step or Out), Ertragskunden (Position halten,
          abschöpfen), Mitnahmekunden (selektiver Rückzug).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``attractive`` and ``strong`` (bool), ``quadrant`` (an
        ordered categorical in the vocabulary's order) and ``strategy``;
        ``attrs["split"]`` holds the two split values.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"],
    ...                        "supplier_position": [8, 3, 7, 2], "attractiveness": [9, 8, 2, 3]})
    >>> portfolio(scores, split=(5, 5))["quadrant"].tolist()
    ['Strategic', 'Star', 'Status', 'Streamline']
    """
    if labels not in VOCABULARIES:
        raise ParameterError(f"labels must be one of {', '.join(VOCABULARIES)}, not {labels!r}.")
    columns = [x, y] + ([size] if size else [])
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise MissingColumnError(f"The data have no column {missing[0]!r}; columns: {', '.join(map(str, data.columns))}.")
    if not isinstance(split, str):
        try:
            split = (float(split[0]), float(split[1]))
        except (TypeError, ValueError, IndexError):
            raise ParameterError(f"split must be 'median', 'mean' or a pair (x, y); got {split!r}.") from None
    out = data.copy()
    xs = pd.to_numeric(out[x], errors="coerce")
    ys = pd.to_numeric(out[y], errors="coerce")
    if xs.isna().any() or ys.isna().any():
        raise DataFormatError(f"Every account needs a number in {x!r} and {y!r}; some are missing.")
    x_split, y_split = _split_value(xs, split, 0), _split_value(ys, split, 1)
    out["attractive"] = ys >= y_split - _TOL
    out["strong"] = xs >= x_split - _TOL
    vocabulary = VOCABULARIES[labels]
    index = np.where(out["attractive"], np.where(out["strong"], 0, 1), np.where(out["strong"], 2, 3))
    names = [name for name, _ in vocabulary]
    out["quadrant"] = pd.Categorical(np.asarray(names, dtype=object)[index], categories=names, ordered=True)
    out["strategy"] = np.asarray([s for _, s in vocabulary], dtype=object)[index]
    out.attrs.update({"split": (x_split, y_split), "x": x, "y": y, "labels": labels})
    return out


# ----------------------------------------------------------------------------- the nine-cell variant
#: The nine-cell matrix (GE/McKinsey): each (attractiveness level, position level) belongs to one strategy group.
NINE_CELL_GROUPS = {
    ("high", "strong"): "invest", ("high", "medium"): "invest", ("medium", "strong"): "invest",
    ("high", "weak"): "selective", ("medium", "medium"): "selective", ("low", "strong"): "selective",
    ("medium", "weak"): "harvest", ("low", "medium"): "harvest", ("low", "weak"): "harvest",
}
NINE_CELL_STRATEGIES = {
    "invest": ("Invest and grow", "Investieren und wachsen"),
    "selective": ("Selective: invest where the position can be won, else manage for earnings",
                  "Selektiv: investieren, wo die Position zu gewinnen ist, sonst Erträge sichern"),
    "harvest": ("Harvest or withdraw", "Abschöpfen oder zurückziehen"),
}


def _cuts(series, cuts, axis):
    if isinstance(cuts, str):
        if cuts != "tertile":
            raise ParameterError(f"cuts must be 'tertile' or two pairs ((x_low, x_high), (y_low, y_high)); got {cuts!r}.")
        return float(series.quantile(1 / 3)), float(series.quantile(2 / 3))
    try:
        low, high = (float(v) for v in cuts[axis])
    except (TypeError, ValueError, IndexError):
        raise ParameterError(f"cuts must be 'tertile' or ((x_low, x_high), (y_low, y_high)); got {cuts!r}.") from None
    if not low < high:
        raise ParameterError(f"Each pair of cuts must increase; got {cuts!r}.")
    return low, high


def portfolio_grid(data, x="supplier_position", y="attractiveness", cuts="tertile", *, language=None):
    """The 3 × 3 variant of the portfolio: the nine-cell matrix (GE/McKinsey) with its three strategy groups.

    Each axis is cut twice into low/medium/high attractiveness and weak/medium/strong
    position. An account exactly on a cut counts as the upper level (as in
    :func:`portfolio`). The nine cells fall into three groups:

    - **invest** (high/strong, high/medium, medium/strong): invest and grow;
    - **selective** (the diagonal high/weak, medium/medium, low/strong): invest where the
      position can be won, otherwise manage for earnings;
    - **harvest** (medium/weak, low/medium, low/weak): harvest or withdraw.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the two scores.
    x, y : str
        Supplier position (horizontal) and customer attractiveness (vertical).
    cuts : "tertile" or ((float, float), (float, float)), default="tertile"
        The two cuts of each axis: the accounts' tertiles, or fixed values
        ``((x_low, x_high), (y_low, y_high))``.
    language : {"en", "de"}, optional
        Language of the ``strategy`` text; default: the current label language.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``attractiveness_level`` (low < medium < high),
        ``position_level`` (weak < medium < strong), ``cell`` (e.g. ``"high / strong"``),
        ``strategy_group`` and ``strategy``; ``attrs["cuts"]`` holds the cuts.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"supplier_position": [9, 2, 5], "attractiveness": [9, 9, 2]})
    >>> portfolio_grid(scores, cuts=((4, 7), (4, 7)))["strategy_group"].tolist()
    ['invest', 'selective', 'harvest']
    """
    from kamlab._util.labels import get_language

    missing = [c for c in (x, y) if c not in data.columns]
    if missing:
        raise MissingColumnError(f"The data have no column {missing[0]!r}; columns: {', '.join(map(str, data.columns))}.")
    code = get_language() if language is None else str(language).lower()
    if code not in ("en", "de"):
        raise ParameterError(f"language must be 'en' or 'de', not {language!r}.")
    out = data.copy()
    xs = pd.to_numeric(out[x], errors="coerce")
    ys = pd.to_numeric(out[y], errors="coerce")
    if xs.isna().any() or ys.isna().any():
        raise DataFormatError(f"Every account needs a number in {x!r} and {y!r}; some are missing.")
    x_cuts, y_cuts = _cuts(xs, cuts, 0), _cuts(ys, cuts, 1)

    def level(values, bounds, names):
        index = (values >= bounds[0] - _TOL).astype(int) + (values >= bounds[1] - _TOL).astype(int)
        return pd.Categorical(np.asarray(names, dtype=object)[index], categories=names, ordered=True)

    out["attractiveness_level"] = level(ys, y_cuts, ["low", "medium", "high"])
    out["position_level"] = level(xs, x_cuts, ["weak", "medium", "strong"])
    pairs = list(zip(out["attractiveness_level"].astype(str), out["position_level"].astype(str)))
    out["cell"] = [f"{a} / {p}" for a, p in pairs]
    out["strategy_group"] = [NINE_CELL_GROUPS[pair] for pair in pairs]
    position = 1 if code == "de" else 0
    out["strategy"] = [NINE_CELL_STRATEGIES[group][position] for group in out["strategy_group"]]
    out.attrs.update({"cuts": (x_cuts, y_cuts), "x": x, "y": y})
    return out
