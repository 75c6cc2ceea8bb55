"""The attractiveness × supplier-position portfolio: the four-field matrix and its nine-cell variant."""

from __future__ import annotations


import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "FALSE_FRIENDS",
    "NINE_CELL_GROUPS",
    "NINE_CELL_STRATEGIES",
    "portfolio",
    "portfolio_grid",
    "vocabulary_table",
]

from kamlab._util.labels import register_labels
from kamlab.portfolios.scoring import VOCABULARIES
from kamlab.portfolios.scoring import vocabulary as vocabulary_of

_TOL = 1e-9

#: Names that sound alike in two vocabularies but sit in different quadrants: McDonald's
#: "Star" (attractive, weak position) is the German *Fragezeichenkunde*; the German
#: *Starkunde* (attractive, strong position) is McDonald's "Strategic".
FALSE_FRIENDS = {"Star": ("Fragezeichenkunden", "Starkunden", "Strategic")}

# the four quadrants in the vocabularies' order, and the German norm strategies in English
_QUADRANTS = (
    ("attractive, strong position", "attraktiv, starke Position"),
    ("attractive, weak position", "attraktiv, schwache Position"),
    ("unattractive, strong position", "unattraktiv, starke Position"),
    ("unattractive, weak position", "unattraktiv, schwache Position"),
)
_DE_STRATEGIES_EN = (
    "hold and extend the position",
    "Big Step or Out: invest heavily or withdraw",
    "hold the position, harvest the earnings",
    "selective withdrawal: cut the cost to serve",
)
_FALSE_FRIEND_NOTES = {
    0: ("the German Starkunde is McDonald's Strategic, not his Star",
        "Der deutsche Starkunde ist McDonalds Strategic, nicht sein Star"),
    1: ("false friend: McDonald's Star is the German Fragezeichenkunde, not the Starkunde",
        "Falscher Freund: McDonalds Star ist der deutsche Fragezeichenkunde, nicht der Starkunde"),
}
register_labels({
    "vocabulary_mcdonald": ("McDonald et al. (key-account portfolio)", "McDonald et al. (Key-Account-Portfolio)"),
    "vocabulary_mcdonald_strategy": ("McDonald et al.: strategy", "McDonald et al.: Strategie"),
    "vocabulary_dpm": ("Directional policy matrix (DPM)", "Directional Policy Matrix (DPM)"),
    "vocabulary_dpm_strategy": ("DPM: what to do", "DPM: was zu tun ist"),
    "vocabulary_de": ("German Kundenportfolio", "Deutsches Kundenportfolio"),
    "vocabulary_de_strategy": ("German norm strategy", "Normstrategie (deutsch)"),
    "false_friend": ("Beware", "Vorsicht"),
})


def vocabulary_table(language=None):
    """The three vocabularies of the portfolio side by side: one row per quadrant.

    McDonald et al.'s key-account portfolio (McDonald, Millman & Rogers 1997; McDonald &
    Woodburn 2011: Strategic, Star, Status, Streamline), the directional policy matrix
    (DPM, whose quadrant names are strategies: invest for growth, invest selectively,
    maintain, manage for cash) and the German *Kundenportfolio* (Starkunden,
    Fragezeichenkunden, Ertragskunden, Mitnahmekunden) with its norm strategies. Each
    vocabulary's strategy says what to do, not the quadrant's name again.

    **False friend**: McDonald's "Star" (attractive, weak position) is the German
    *Fragezeichenkunde*; the German *Starkunde* is McDonald's "Strategic"
    (:data:`FALSE_FRIENDS`); the column ``false_friend`` says so in those two rows.

    Parameters
    ----------
    language : {"en", "de"}, optional
        Language of the quadrant descriptions, the German strategies' gloss and the
        warnings; default: the current label language. The names stay as the literature
        has them.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``quadrant`` (in the order attractive & strong, attractive & weak,
        unattractive & strong, unattractive & weak) with the columns
        ``vocabulary_mcdonald``, ``vocabulary_mcdonald_strategy``, ``vocabulary_dpm``,
        ``vocabulary_dpm_strategy``, ``vocabulary_de``, ``vocabulary_de_strategy`` and
        ``false_friend`` (empty where there is nothing to beware of). Show it with
        :func:`kamlab.translate_columns` for headings in the current language.

    Examples
    --------
    >>> table = vocabulary_table("en")
    >>> table.loc["attractive, weak position", ["vocabulary_mcdonald", "vocabulary_de"]].tolist()
    ['Star', 'Fragezeichenkunden']
    >>> table.loc["attractive, strong position", "vocabulary_de"]
    'Starkunden'
    """
    from kamlab._util.labels import get_language

    code = get_language() if language is None else str(language).lower()
    if code not in ("en", "de"):
        raise ParameterError(f"language must be 'en' or 'de', not {language!r}.")
    german = code == "de"
    rows = []
    for i in range(4):
        (mc_name, mc_strategy), (dpm_name, dpm_strategy), (de_name, de_strategy) = (
            vocabulary_of(key, code)[i] for key in ("mcdonald", "dpm", "de"))
        rows.append({
            "quadrant": _QUADRANTS[i][german],
            "vocabulary_mcdonald": mc_name,
            "vocabulary_mcdonald_strategy": mc_strategy,
            "vocabulary_dpm": dpm_name,
            "vocabulary_dpm_strategy": dpm_strategy,
            "vocabulary_de": de_name,
            "vocabulary_de_strategy": de_strategy if german else f"{de_strategy} ({_DE_STRATEGIES_EN[i]})",
            "false_friend": _FALSE_FRIEND_NOTES[i][german] if i in _FALSE_FRIEND_NOTES else "",
        })
    return pd.DataFrame(rows).set_index("quadrant")


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

        - ``"mcdonald"`` (McDonald, Millman & Rogers 1997; McDonald & Woodburn 2011):
          Strategic, Star, Status, Streamline.
        - ``"dpm"`` (the directional policy matrix's strategies as names): Invest for
          growth, Invest selectively, Maintain, Manage for cash; each with what to do.
        - ``"de"`` (Kundenportfolio): Starkunden (Position halten und ausbauen),
          Fragezeichenkunden (Big Step or Out), Ertragskunden (Position halten,
          abschöpfen), Mitnahmekunden (selektiver Rückzug).

        Beware the false friend: McDonald's "Star" (attractive, weak position) is the
        German *Fragezeichenkunde*, the German *Starkunde* is McDonald's "Strategic"
        (see :func:`vocabulary_table`). McDonald's original figure puts the strong
        position on the left; kamlab draws it on the right (strength grows to the right).

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
    vocabulary = vocabulary_of(labels)
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
