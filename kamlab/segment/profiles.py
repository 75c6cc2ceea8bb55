"""What the segments look like: sizes, shares, medians, z-score profiles and descriptive names.

:func:`segment_profiles` describes each segment and names it from its strongest features
(:data:`VOCABULARY`); :func:`segment_agreement` measures how well segments match known groups.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError
from kamlab.segment.preprocessing import _log_columns
from kamlab.segment.validation import _is_number_dtype, _numeric_column

__all__ = ["VOCABULARY", "VOCABULARY_DE", "segment_agreement", "segment_profiles"]

#: Words for the automatic segment names: feature -> (word when high, word when low).
#: Features not listed are named "high <feature>" / "low <feature>".
VOCABULARY = {
    "revenue": ("large", "small"),
    "net_revenue": ("large", "small"),
    "revenue_last_12m": ("large", "small"),
    "monetary": ("large", "small"),
    "orders": ("frequent", "rare"),
    "frequency": ("frequent", "rare"),
    "active_months": ("regular", "sporadic"),
    "lines": ("many lines", "few lines"),
    "recency_days": ("lapsed", "recent"),
    "recency": ("lapsed", "recent"),
    "tenure_days": ("long-standing", "new"),
    "margin_rate": ("high margin", "low margin"),
    "contribution_margin": ("high DB", "low DB"),
    "n_offerings": ("broad", "narrow"),
    "growth": ("growing", "shrinking"),
    "credit_notes": ("many credit notes", "few credit notes"),
    "employees": ("big company", "small company"),
}
#: The German words of :data:`VOCABULARY` (used under ``kamlab.set_language("de")``).
VOCABULARY_DE = {
    "revenue": ("umsatzstark", "umsatzschwach"),
    "net_revenue": ("umsatzstark", "umsatzschwach"),
    "revenue_last_12m": ("umsatzstark", "umsatzschwach"),
    "monetary": ("umsatzstark", "umsatzschwach"),
    "orders": ("häufig bestellend", "selten bestellend"),
    "frequency": ("häufig bestellend", "selten bestellend"),
    "active_months": ("regelmäßig", "sporadisch"),
    "lines": ("viele Positionen", "wenige Positionen"),
    "recency_days": ("lange inaktiv", "kürzlich aktiv"),
    "recency": ("lange inaktiv", "kürzlich aktiv"),
    "tenure_days": ("langjährig", "neu"),
    "margin_rate": ("margenstark", "margenschwach"),
    "contribution_margin": ("hoher DB", "niedriger DB"),
    "n_offerings": ("breites Sortiment", "schmales Sortiment"),
    "growth": ("wachsend", "schrumpfend"),
    "credit_notes": ("viele Gutschriften", "wenige Gutschriften"),
    "employees": ("Großunternehmen", "Kleinunternehmen"),
}
_NAME_TEXTS = {"average": ("average", "durchschnittlich"), "noise": ("noise (no segment)", "Rauschen (kein Segment)"),
               "high": ("high {}", "{} hoch"), "low": ("low {}", "{} niedrig")}


def _name_text(key, german):
    return _NAME_TEXTS[key][1 if german else 0]


def _german():
    from kamlab._util.labels import get_language

    return get_language() == "de"


def _words(feature, vocabulary):
    if feature in vocabulary:
        return vocabulary[feature]
    if re.fullmatch(r"db\d_rate", str(feature)):
        return vocabulary["margin_rate"]
    if re.fullmatch(r"db\d", str(feature)):
        return vocabulary["contribution_margin"]
    # a feature without words of its own: its label ("service_share" -> "service share" / "Serviceanteil")
    from kamlab._util.labels import label

    german = _german()
    name = label(str(feature), "de") if german else label(str(feature), "en").lower()
    return (_name_text("high", german).format(name), _name_text("low", german).format(name))


def _name_segment(z_row, vocabulary, threshold, max_words):
    strong = z_row[z_row.abs() > threshold].dropna()
    strong = strong.reindex(strong.abs().sort_values(ascending=False, kind="mergesort").index)
    words = []
    for feature, z in strong.items():
        high, low = _words(feature, vocabulary)
        word = high if z > 0 else low
        if word not in words:
            words.append(word)
        if len(words) == max_words:
            break
    return ", ".join(words) if words else _name_text("average", _german())


def segment_agreement(labels, groups):
    """Share of accounts whose segment matches their known group, under the best matching.

    Segment numbers are arbitrary, so each segment is matched to one group (one to one,
    the matching that puts the most accounts in their group: the Hungarian method) and
    the accounts in their group's segment are counted. Use it to ask whether a
    segmentation finds groups it was not told about (e.g. the sales channels of the UCI
    Wholesale clients). With more segments than groups, the extra segments count as wrong.

    Parameters
    ----------
    labels : array-like of shape (n_accounts,)
        Segment labels.
    groups : array-like of shape (n_accounts,)
        The known groups.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> segment_agreement([1, 1, 0, 0, 0], ["Retail", "Retail", "Horeca", "Horeca", "Retail"])
    0.8
    """
    from scipy.optimize import linear_sum_assignment

    labels, groups = np.asarray(labels), np.asarray(groups)
    if labels.shape != groups.shape or labels.ndim != 1:
        raise ParameterError(f"labels and groups need one value per account; got shapes {labels.shape} and "
                             f"{groups.shape}.")
    if len(labels) == 0:
        raise ParameterError("segment_agreement needs at least one account.")
    table = pd.crosstab(labels, groups).to_numpy()
    rows, columns = linear_sum_assignment(-table)
    return float(table[rows, columns].sum() / table.sum())


def segment_profiles(
    accounts,
    labels=None,
    *,
    segmenter=None,
    features=None,
    value_columns="auto",
    log_features="auto",
    names=None,
    threshold=0.5,
    max_words=3,
    vocabulary=None,
):
    """What each segment looks like: size, shares, medians, a z-score profile and a name.

    The **z-score profile** is the mean of each standardised feature in the segment:
    +1 means the segment's accounts lie one standard deviation above the average
    account. Skewed money columns are log-transformed first, as for the clustering
    (the segmenter's own choice when ``segmenter`` is given, else ``log_features``),
    so one giant account does not decide the profile.

    The **name** turns the features with ``|z| > threshold`` into words, strongest
    first (at most ``max_words``): revenue "large"/"small", orders
    "frequent"/"rare", margin_rate "high margin"/"low margin", recency_days
    "lapsed"/"recent", n_offerings "broad"/"narrow", growth "growing"/"shrinking"
    (see :data:`VOCABULARY`); other features become "high <feature>"/"low <feature>";
    a segment where nothing stands out is "average". Two segments with the same name
    get their segment number appended. Give ``names`` to use your own. Under
    ``kamlab.set_language("de")`` the words are German (:data:`VOCABULARY_DE`: "umsatzstark,
    häufig bestellend"; "durchschnittlich").

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table the segments were found in (one row per account).
    labels : array-like of shape (n_samples,) or str, optional
        The segment of each account, or the name of a column of ``accounts`` that holds
        it. Default: ``segmenter.labels_``.
    segmenter : AccountSegmenter, optional
        A fitted segmenter: its labels, features and log transform are used.
    features : list of str, optional
        The features to profile. Default: the segmenter's features, else all numeric
        columns except the labels column.
    value_columns : "auto" or list of str, default="auto"
        Columns whose share per segment is reported as ``<column>_share``. ``"auto"``:
        ``revenue`` and the contribution margin (``db4``, else
        ``contribution_margin``), those present.
    log_features : "auto", "all", list or None, default="auto"
        The log transform for the z-scores when no segmenter is given, as in
        :class:`~kamlab.segment.AccountSegmenter`.
    names : dict or list of str, optional
        Your own segment names: a dict from segment number to name (the others keep
        their automatic names) or a list with one name per segment, in segment order.
    threshold : float, default=0.5
        How far from 0 a z-score must be to enter the name.
    max_words : int, default=3
        Most features in a name.
    vocabulary : dict, optional
        More words, ``{feature: (word when high, word when low)}``, added to
        :data:`VOCABULARY`.

    Returns
    -------
    pandas.DataFrame
        One row per segment (index ``segment``, ascending; −1 is HDBSCAN's noise) with
        the columns ``name``, ``size``, ``share_of_accounts``, ``<value>_share``,
        ``median_<feature>`` and ``z_<feature>`` for each feature. ``attrs`` holds
        ``features`` and ``value_columns``. Missing values are left out of medians and
        means.

    Examples
    --------
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({
    ...     "revenue": [900, 1000, 1100, 10, 12, 15],
    ...     "orders": [40, 50, 45, 2, 1, 3],
    ... })
    >>> profiles = segment_profiles(accounts, [0, 0, 0, 1, 1, 1])
    >>> profiles[["name", "size", "revenue_share"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
                        name  size  revenue_share
    segment
    0        large, frequent     3          0.988
    1            small, rare     3          0.012
    >>> segment_profiles(accounts, [0, 0, 0, 1, 1, 1], names={1: "tail"})["name"].tolist()
    ['large, frequent', 'tail']
    """
    if not isinstance(accounts, pd.DataFrame):
        raise ParameterError(f"segment_profiles needs the account table as a DataFrame, not {type(accounts).__name__}.")
    labels, label_column = _profile_labels(accounts, labels, segmenter)
    features = _profile_features(accounts, features, segmenter, label_column)
    value_columns, values = _value_columns(accounts, value_columns)
    vocabulary = {**(VOCABULARY_DE if _german() else VOCABULARY), **(vocabulary or {})}
    data = accounts[features].astype("float64").to_numpy()
    z = _z_scores(data, features, segmenter, log_features)
    profiles = _segment_table(labels, data, z, features, values)
    z_profile = profiles[[f"z_{f}" for f in features]].set_axis(features, axis=1)
    automatic = _automatic_names(z_profile, vocabulary, threshold, max_words)
    profiles.insert(0, "name", pd.array(_own_names(names, automatic, profiles.index), dtype="str"))
    profiles.attrs = {"features": features, "value_columns": value_columns}
    return profiles


def _profile_labels(accounts, labels, segmenter):
    """The segment of every account as an array, and the name of the column it came from (or None)."""
    label_column = None
    if labels is None:
        if segmenter is None:
            raise ParameterError("Give the segment labels (labels=...) or a fitted segmenter (segmenter=...).")
        check_is_fitted(segmenter)
        labels = segmenter.labels_
    elif isinstance(labels, str):
        if labels not in accounts.columns:
            raise MissingColumnError(f"The table has no column {labels!r} with the segments.")
        label_column = labels
        labels = accounts[labels].to_numpy()
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(accounts):
        raise ParameterError(f"labels must have one segment per account: {len(accounts)} accounts, got shape "
                             f"{labels.shape}.")
    if segmenter is not None:
        check_is_fitted(segmenter)
    return labels, label_column


def _profile_features(accounts, features, segmenter, label_column):
    """The features to profile (the segmenter's, else every numeric column but the labels), checked."""
    if features is None:
        if segmenter is not None and hasattr(segmenter, "feature_names_in_"):
            features = list(segmenter.feature_names_in_)
        else:
            features = [c for c in accounts.columns if _is_number_dtype(accounts[c].dtype) and c != label_column]
    else:
        features = [features] if isinstance(features, str) else list(features)
    for column in features:
        _numeric_column(accounts, column, allow_missing=True, what="feature column")
    return features


def _value_columns(accounts, value_columns):
    """The columns whose shares are reported ("auto": revenue and the contribution margin), and their values."""
    if value_columns == "auto":
        value_columns = [c for c in ("revenue",) if c in accounts.columns]
        margin = next((c for c in ("db4", "contribution_margin") if c in accounts.columns), None)
        value_columns += [margin] if margin else []
    else:
        value_columns = [value_columns] if isinstance(value_columns, str) else list(value_columns)
    values = {c: _numeric_column(accounts, c, allow_missing=True, what="value column") for c in value_columns}
    return value_columns, values


def _z_scores(data, features, segmenter, log_features):
    """The standardised features, after the segmenter's log transform (or ``log_features``); NaN stays NaN."""
    if segmenter is not None and hasattr(segmenter, "feature_names_in_") and features == list(
        segmenter.feature_names_in_
    ):
        logged = [features.index(f) for f in segmenter.log_features_]
    else:
        finite = data[np.all(np.isfinite(data), axis=1)]
        logged = list(_log_columns(finite, log_features, features)) if len(finite) else []
    transformed = data.copy()
    if logged:
        block = transformed[:, logged]
        if np.nanmin(block) < 0:
            raise DataFormatError("A log-transformed feature has negative values; choose log_features without it.")
        transformed[:, logged] = np.log1p(block)
    std = np.nanstd(transformed, axis=0)
    return (transformed - np.nanmean(transformed, axis=0)) / np.where(std > 0, std, 1.0)


def _segment_table(labels, data, z, features, values):
    """One row per segment: size, shares, medians and mean z-scores (index ``segment``, ascending)."""
    rows = []
    for segment in np.unique(labels):
        members = labels == segment
        row = {"segment": segment, "size": int(members.sum()), "share_of_accounts": members.mean()}
        for column, series in values.items():
            total = series.sum()
            row[f"{column}_share"] = series[members].sum() / total if total else np.nan
        for i, feature in enumerate(features):
            row[f"median_{feature}"] = float(np.nanmedian(data[members, i])) if np.isfinite(
                data[members, i]).any() else np.nan
        for i, feature in enumerate(features):
            row[f"z_{feature}"] = float(np.nanmean(z[members, i])) if np.isfinite(z[members, i]).any() else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("segment")


def _automatic_names(z_profile, vocabulary, threshold, max_words):
    """A name per segment from its z-profile; equal names get their segment number appended."""
    automatic = []
    for segment in z_profile.index:
        if segment == -1:
            automatic.append(_name_text("noise", _german()))
        else:
            automatic.append(_name_segment(z_profile.loc[segment], vocabulary, threshold, max_words))
    counts = pd.Series(automatic).value_counts()
    return [f"{name} ({segment})" if counts[name] > 1 else name for name, segment in zip(automatic, z_profile.index)]


def _own_names(names, automatic, segments):
    """The user's ``names`` (a dict for some segments, or a list for all) over the automatic ones."""
    if names is None:
        return automatic
    if isinstance(names, dict):
        unknown = [s for s in names if s not in segments]
        if unknown:
            raise ParameterError(f"names has segments {unknown!r} that do not exist; segments: "
                                 f"{segments.tolist()}.")
        return [str(names.get(s, name)) for s, name in zip(segments, automatic)]
    names = [str(n) for n in names]
    if len(names) != len(segments):
        raise ParameterError(f"names must have one name per segment ({len(segments)}); got {len(names)}.")
    return names
