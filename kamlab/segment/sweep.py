"""The sweep over k behind :func:`~kamlab.segment.select_k`: fit every k, rate it, recommend one.

Each k is rated with the inertia (and its elbow, found with Kneedle), the silhouette (all k in
one pass over the pairwise distances), the Calinski–Harabasz and Davies–Bouldin indices and, for
Gaussian mixtures, the BIC; :func:`_recommend` picks k and says why in words. Used by
:func:`~kamlab.segment.select_k` and by ``AccountSegmenter(n_segments="auto")``, so both choose
the same k.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from kamlab.errors import ParameterError
from kamlab.segment.clustering import METHODS, _check_ward_size, _fit_clustering
from kamlab.segment.validation import _check_choice

__all__ = ["SILHOUETTE_TIE"]

#: Two silhouettes closer than this count as a tie in :func:`~kamlab.segment.select_k` (the elbow breaks it).
SILHOUETTE_TIE = 0.01

_CRITERIA = ("silhouette", "elbow", "calinski_harabasz", "davies_bouldin", "bic")
_CRITERION_WORDS = {
    "elbow": "the elbow of the inertia curve",
    "silhouette": "the silhouette",
    "calinski_harabasz": "Calinski–Harabasz",
    "davies_bouldin": "Davies–Bouldin",
    "bic": "the BIC",
}
#: For each index, where its best k lies.
_EXTREME = {"silhouette": "highest", "calinski_harabasz": "highest", "davies_bouldin": "lowest", "bic": "lowest"}
# the reason in German (kamlab.set_language("de")): words, then the sentences' patterns
_CRITERION_WORDS_DE = {
    "elbow": "der Ellbogen der Inertia-Kurve",
    "silhouette": "die Silhouette",
    "calinski_harabasz": "Calinski–Harabasz",
    "davies_bouldin": "Davies–Bouldin",
    "bic": "das BIC",
}
_EXTREME_DE = {"highest": "höchste", "lowest": "niedrigste"}
_AT_EXTREME_DE = {"highest": "am höchsten", "lowest": "am niedrigsten"}
_INDEX_DE = {"calinski_harabasz": "Calinski–Harabasz-Index", "davies_bouldin": "Davies–Bouldin-Index", "bic": "BIC"}


def _german():
    from kamlab._util.labels import get_language

    return get_language() == "de"


def _num(value, spec):
    """``value`` formatted with ``spec``, with the German decimal comma under set_language("de")."""
    from kamlab._util.format import decimal

    return decimal(format(value, spec))


def _parse_k_range(k_range):
    """A 2-tuple is (smallest, largest) k, both included; any other iterable lists the k to try."""
    if isinstance(k_range, tuple) and len(k_range) == 2:
        low, high = k_range
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in (low, high)) or low > high:
            raise ParameterError(f"k_range=(low, high) needs two integers with low ≤ high; got {k_range!r}.")
        ks = list(range(int(low), int(high) + 1))
    else:
        try:
            ks = [int(k) for k in k_range]
        except (TypeError, ValueError):
            raise ParameterError(
                f"k_range must be (smallest, largest) such as (2, 10), or a list/range of k; got {k_range!r}."
            ) from None
        if not ks or any(isinstance(k, bool) for k in k_range):
            raise ParameterError(f"k_range must hold at least one integer k; got {k_range!r}.")
    if min(ks) < 2:
        raise ParameterError(f"Every k must be at least 2 (one segment is no segmentation); k_range gives {min(ks)}.")
    return sorted(set(ks))


def _usable_ks(ks, n_samples):
    usable = [k for k in ks if k < n_samples]
    if not usable:
        raise ParameterError(
            f"There are only {n_samples} accounts (n_samples = {n_samples}): too few for any k in the range "
            f"{ks[0]}..{ks[-1]} (each k must be below the number of accounts)."
        )
    return usable


def _check_sweep_params(method, criterion, n_init):
    _check_choice("method", method, METHODS)
    _check_choice("criterion", criterion, _CRITERIA)
    if criterion == "bic" and method != "gmm":
        raise ParameterError("criterion='bic' needs method='gmm' (only a Gaussian mixture has a likelihood).")
    if n_init != "auto" and (isinstance(n_init, bool) or not isinstance(n_init, numbers.Integral) or n_init < 1):
        raise ParameterError(f"n_init must be a positive integer or 'auto'; got {n_init!r}.")


def _inertia(Z, labels):
    """Within-segment sum of squared distances to the segment means."""
    total = 0.0
    for segment in np.unique(labels):
        members = Z[labels == segment]
        total += float(((members - members.mean(axis=0)) ** 2).sum())
    return total


def _kneedle(ks, inertia):
    """The elbow of a decreasing curve: the maximum of Kneedle's difference curve, or None without an elbow.

    Kneedle (Satopää et al. 2011) scales k and the inertia to [0, 1]; for a decreasing,
    convex curve the *difference curve* is how far each point lies below the straight
    line from the first point (0, 1) to the last (1, 0). Its maximum is the elbow: the
    point after which adding segments buys the least. A curve that never bends below
    that line (a straight or concave one) has no elbow.
    """
    x = np.asarray(ks, dtype=float)
    y = np.asarray(inertia, dtype=float)
    if len(x) < 3 or not np.all(np.isfinite(y)) or y.max() == y.min():
        return None
    x_scaled = (x - x[0]) / (x[-1] - x[0])
    y_scaled = (y - y.min()) / (y.max() - y.min())
    difference = (1 - x_scaled) - y_scaled
    best = int(np.argmax(difference))
    if difference[best] <= 1e-9:
        return None
    return int(ks[best])


def _silhouettes(Z, label_sets):
    """The mean silhouette of each labelling of the same points, with one pass over the pairwise distances.

    ``sklearn.metrics.silhouette_score`` computes all n² distances again for every k.
    Here each block of distances is computed once and multiplied by the one-hot
    membership matrices of all labellings together, giving every point's summed
    distance to every segment of every k. The silhouette of a point is (b − a) / max(a, b),
    with a its mean distance to the other members of its segment and b its mean
    distance to the nearest other segment; 0 for a point alone in its segment.
    Labellings with fewer than 2 or more than n − 1 segments get NaN.
    """
    n = Z.shape[0]
    inverses, offsets = [], [0]
    for labels in label_sets:
        _, inverse = np.unique(labels, return_inverse=True)
        inverses.append(inverse)
        offsets.append(offsets[-1] + int(inverse.max()) + 1)
    membership = np.zeros((n, offsets[-1]))
    for inverse, offset in zip(inverses, offsets):
        membership[np.arange(n), offset + inverse] = 1.0
    sums = np.empty((n, offsets[-1]))
    squared = np.einsum("ij,ij->i", Z, Z)
    step = max(1, 2**23 // n)  # about 64 MB of distances at a time
    for start in range(0, n, step):
        stop = min(n, start + step)
        block = squared[start:stop, None] + squared[None, :] - 2.0 * (Z[start:stop] @ Z.T)
        np.maximum(block, 0.0, out=block)
        block[np.arange(stop - start), np.arange(start, stop)] = 0.0  # exactly 0 to itself
        sums[start:stop] = np.sqrt(block, out=block) @ membership
    scores = []
    rows = np.arange(n)
    for inverse, low, high in zip(inverses, offsets[:-1], offsets[1:]):
        counts = np.bincount(inverse).astype(float)
        if not 2 <= len(counts) <= n - 1:
            scores.append(np.nan)
            continue
        to_segment = sums[:, low:high]
        own_size = counts[inverse]
        with np.errstate(divide="ignore", invalid="ignore"):
            a = to_segment[rows, inverse] / (own_size - 1)
            means = to_segment / counts
            means[rows, inverse] = np.inf
            b = means.min(axis=1)
            silhouette = np.where(own_size > 1, (b - a) / np.maximum(a, b), 0.0)
        scores.append(float(np.nan_to_num(silhouette).mean()))
    return scores


def _sweep(Z, ks, *, method, sample_size, n_init, covariance_type, minibatch, random_state, progress):
    """Fit every k; return the table of indices and the fitted models (k -> (model, raw labels))."""
    from tqdm.auto import tqdm

    n_samples = Z.shape[0]
    rng = check_random_state(random_state)
    sample = _silhouette_sample(n_samples, sample_size, rng)
    ward_tree = _ward_tree(Z) if method == "ward" else None
    rows, models = [], {}
    bar = tqdm(total=len(ks) + 1, desc=f"select_k ({method}, {n_samples:,} accounts)", disable=not progress,
               delay=1.0, leave=False)
    for k in ks:
        if ward_tree is not None:
            from scipy.cluster.hierarchy import fcluster

            model, raw = None, fcluster(ward_tree, k, criterion="maxclust").astype(np.int64) - 1
        else:
            model, raw = _fit_clustering(
                Z, k, method=method, n_init=n_init, covariance_type=covariance_type,
                min_segment_size=None, minibatch=minibatch, random_state=random_state,
            )
        models[k] = (model, raw)
        rows.append(_rate(Z, k, model, raw, method))
        bar.update()
    silhouettes = _silhouettes(Z[sample], [models[k][1][sample] for k in ks])
    bar.update()
    bar.close()
    table = pd.DataFrame(rows).set_index("k")
    table.insert(1, "silhouette", silhouettes)
    elbow = _kneedle(table.index.to_list(), table["inertia"].to_numpy())
    table.insert(1, "elbow", table.index == elbow)
    table.attrs["silhouette_sample"] = int(len(sample))
    return table, models


def _silhouette_sample(n_samples, sample_size, rng):
    """The accounts the silhouette is computed on: all, or a sorted random sample of ``sample_size``."""
    if isinstance(sample_size, bool) or not isinstance(sample_size, numbers.Integral) or sample_size < 10:
        raise ParameterError(f"sample_size must be an integer of at least 10; got {sample_size!r}.")
    if n_samples > sample_size:
        return np.sort(rng.choice(n_samples, size=int(sample_size), replace=False))
    return np.arange(n_samples)


def _ward_tree(Z):
    """Ward's tree of all accounts, cut at every k (what AgglomerativeClustering does for each k)."""
    from scipy.cluster.hierarchy import ward

    _check_ward_size(Z.shape[0])
    return ward(Z)


def _rate(Z, k, model, raw, method):
    """The row of the table for one k: inertia, Calinski–Harabasz, Davies–Bouldin and (mixture) BIC."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

    n_found = len(np.unique(raw))
    row = {"k": k, "inertia": _inertia(Z, raw)}
    valid = 2 <= n_found <= Z.shape[0] - 1
    row["calinski_harabasz"] = float(calinski_harabasz_score(Z, raw)) if valid else np.nan
    row["davies_bouldin"] = float(davies_bouldin_score(Z, raw)) if valid else np.nan
    if method == "gmm":
        row["bic"] = float(model.bic(Z))
    return row


def _best(table, column, lowest=False):
    values = table[column].dropna()
    if values.empty:
        return None
    return int(values.idxmin() if lowest else values.idxmax())


def _recommend(table, criterion):
    """The recommended k and the reason in words."""
    elbow = next((int(k) for k in table.index[table["elbow"]]), None)
    best = {
        "elbow": elbow,
        "silhouette": _best(table, "silhouette"),
        "calinski_harabasz": _best(table, "calinski_harabasz"),
        "davies_bouldin": _best(table, "davies_bouldin", lowest=True),
    }
    if "bic" in table:
        best["bic"] = _best(table, "bic", lowest=True)
    chosen, main, elbow_decided = _decide(table, criterion, best, elbow)
    agree, differ = _other_indices(best, criterion, chosen, elbow_decided=elbow_decided)
    parts = [main]
    if agree:
        if _german():
            parts.append(f"{_join(agree)} {'zeigt' if len(agree) == 1 else 'zeigen'} auf dasselbe k")
        else:
            parts.append(f"{_join(agree)} {'agrees' if len(agree) == 1 else 'agree'}")
    if differ:
        parts.append(_join(differ))
    return int(chosen), "; ".join(parts) + "."


def _decide(table, criterion, best, elbow):
    """The k the criterion chooses (the elbow breaks silhouette ties; a fallback without the index), why,
    and whether the elbow decided."""
    german = _german()
    chosen = best.get(criterion)
    elbow_decided = False
    if criterion == "silhouette" and chosen is not None:
        silhouette = table["silhouette"]
        near = silhouette.index[silhouette >= silhouette.max() - SILHOUETTE_TIE]
        if elbow is not None and elbow != chosen and elbow in near:
            values = {"k": elbow, "s": _num(silhouette[elbow], ".2f"), "best": _num(silhouette.max(), ".2f"),
                      "at": chosen, "tie": _num(SILHOUETTE_TIE, "g")}
            main = ("k = {k}: der Ellbogen der Inertia-Kurve, mit einer Silhouette ({s}), die bis auf {tie} so gut "
                    "ist wie die höchste ({best} bei k = {at})" if german else
                    "k = {k}: the elbow of the inertia curve, with a silhouette ({s}) as good as the highest "
                    "({best} at k = {at}) within {tie}").format(**values)
            chosen, elbow_decided = elbow, True
        else:
            main = (f"k = {chosen}: die höchste Silhouette ({_num(silhouette[chosen], '.2f')})" if german else
                    f"k = {chosen}: the highest silhouette ({_num(silhouette[chosen], '.2f')})")
    elif chosen is not None:
        if criterion == "elbow":
            main = f"k = {chosen}: der Ellbogen der Inertia-Kurve" if german else \
                f"k = {chosen}: the elbow of the inertia curve"
            elbow_decided = True
        else:
            value = _num(table.at[chosen, criterion], ".4g")
            if german:
                main = f"k = {chosen}: der {_EXTREME_DE[_EXTREME[criterion]]} {_INDEX_DE[criterion]} ({value})"
            else:
                index = {"calinski_harabasz": "Calinski–Harabasz index", "davies_bouldin": "Davies–Bouldin index",
                         "bic": "BIC"}[criterion]
                main = f"k = {chosen}: the {_EXTREME[criterion]} {index} ({value})"
    else:
        fallback = best["silhouette"] if best["silhouette"] is not None else int(table.index[0])
        if german:
            missing = "keinen Ellbogen" if criterion == "elbow" else f"keinen brauchbaren Wert für {_CRITERION_WORDS_DE[criterion]}"
            main = f"k = {fallback}: die Inertia-Kurve hat {missing}, daher entscheidet die höchste Silhouette"
            if best["silhouette"] is None:
                main = f"k = {fallback}: kein Index ließ sich berechnen, daher gilt das kleinste k"
        else:
            missing = "no elbow" if criterion == "elbow" else f"no usable {_CRITERION_WORDS[criterion]}"
            main = f"k = {fallback}: the inertia curve has {missing}, so the highest silhouette decides"
            if best["silhouette"] is None:
                main = f"k = {fallback}: no index could be computed, so the smallest k is taken"
        chosen = fallback
    return chosen, main, elbow_decided


def _other_indices(best, criterion, chosen, *, elbow_decided):
    """What the other indices say: those that agree with the chosen k, and where the others point."""
    german = _german()
    words_of = _CRITERION_WORDS_DE if german else _CRITERION_WORDS
    agree, differ = [], []
    for name, k in best.items():
        if name == criterion or (name == "elbow" and elbow_decided):
            continue
        if k is None:
            if name == "elbow":
                differ.append("die Inertia-Kurve hat keinen klaren Ellbogen" if german
                              else "the inertia curve has no clear elbow")
            continue
        words = words_of[name]
        if k == chosen:
            agree.append(words)
        elif name == "elbow":
            differ.append(f"der Ellbogen der Inertia-Kurve liegt bei k = {k}" if german
                          else f"the elbow of the inertia curve is at k = {k}")
        elif german:
            differ.append(f"{words} ist bei k = {k} {_AT_EXTREME_DE[_EXTREME[name]]}")
        else:
            differ.append(f"{words} is {_EXTREME[name]} at k = {k}")
    return agree, differ


def _join(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + (" und " if _german() else " and ") + words[-1]


def _choose_k(Z, k_range, *, criterion, method, sample_size, n_init, covariance_type, minibatch, random_state,
              progress):
    """Sweep the usable k of ``k_range`` and recommend one: the table and the models (k -> (model, raw labels)).

    The table's ``attrs`` hold ``recommended_k``, ``reason``, ``criterion``, ``method`` and
    ``n_accounts`` besides the sweep's ``silhouette_sample``. :func:`~kamlab.segment.select_k`
    and ``AccountSegmenter(n_segments="auto")`` both choose k here.
    """
    ks = _usable_ks(_parse_k_range(k_range), Z.shape[0])
    table, models = _sweep(
        Z, ks, method=method, sample_size=sample_size, n_init=n_init, covariance_type=covariance_type,
        minibatch=minibatch, random_state=random_state, progress=progress,
    )
    k, reason = _recommend(table, criterion)
    table.attrs.update(
        recommended_k=k, reason=reason, criterion=criterion, method=method, n_accounts=int(Z.shape[0])
    )
    return table, models
