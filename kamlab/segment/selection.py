"""Choosing the number of segments: :func:`select_k`, a table of indices by k and a recommended k."""

from __future__ import annotations

from kamlab.errors import ParameterError
from kamlab.segment.clustering import _single_threaded
from kamlab.segment.estimator import AccountSegmenter
from kamlab.segment.sweep import _check_sweep_params, _choose_k
from kamlab.segment.validation import _check_choice

__all__ = ["select_k"]


@_single_threaded
def select_k(
    X,
    k_range=(2, 10),
    *,
    method="kmeans",
    criterion="silhouette",
    features=None,
    log_features="auto",
    scaler="standard",
    sample_size=10_000,
    n_init="auto",
    covariance_type="full",
    minibatch="auto",
    random_state=None,
    progress=True,
):
    """Compare numbers of segments k and recommend one, with the reason in words.

    For each k the accounts are clustered and the result is rated with several indices;
    none is right alone, so the table shows all of them:

    - ``inertia``: the within-segment sum of squares. It always falls as k grows; the
      **elbow** (``elbow`` is True there) is the k after which it falls much more
      slowly, found with the Kneedle method (Satopää et al. 2011).
    - ``silhouette`` (−1 to 1, higher is better): how much closer an account is to its
      own segment than to the next one. It costs time quadratic in the number of
      accounts, so above ``sample_size`` accounts it is computed on a random sample of
      that size (the same sample for every k).
    - ``calinski_harabasz`` (higher is better): between- versus within-segment spread.
    - ``davies_bouldin`` (≥ 0, lower is better): how much segments overlap with their
      most similar neighbour.
    - ``bic`` (method ``"gmm"`` only, lower is better): the Bayesian information
      criterion of the Gaussian mixture.

    **Decision rule** (``criterion="silhouette"``): the k with the highest silhouette;
    when the elbow's silhouette is within 0.01
    (:data:`~kamlab.segment.sweep.SILHOUETTE_TIE`) of the highest, the elbow wins the
    tie. ``table.attrs["reason"]`` says which indices agree and which point elsewhere.

    The features are prepared exactly as :class:`~kamlab.segment.AccountSegmenter` does (same
    parameters, same defaults), so ``AccountSegmenter(n_segments="auto")`` chooses the
    same k. Pass ``log_features=None, scaler=None`` for a matrix that is already prepared.

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        The account table (the ``features`` columns are used) or a numeric matrix.
    k_range : tuple of (int, int) or iterable of int, default=(2, 10)
        ``(smallest, largest)``, both included, or a list/range of the k to try. Values
        of k that are not below the number of accounts are skipped.
    method : {"kmeans", "gmm", "ward"}, default="kmeans"
        The clustering method (HDBSCAN chooses its number of segments itself).
    criterion : {"silhouette", "elbow", "calinski_harabasz", "davies_bouldin", "bic"}, default="silhouette"
        Which index decides (``"bic"`` only with ``"gmm"``).
    features, log_features, scaler
        The preprocessing, as in :class:`~kamlab.segment.AccountSegmenter`.
    sample_size : int, default=10_000
        Largest number of accounts the silhouette is computed on.
    n_init : int or "auto", default="auto"
        Runs with different starting points per k (k-means, Gaussian mixture); the best
        is kept. ``"auto"``: 4 for k-means, 1 for the Gaussian mixture (it starts from
        a k-means solution).
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        Covariance of the Gaussian mixture.
    minibatch : bool or "auto", default="auto"
        Use mini-batch k-means; ``"auto"``: above :data:`~kamlab.segment.MINIBATCH_THRESHOLD` accounts.
    random_state : int, RandomState instance or None, default=None
        Seeds the clusterings and the silhouette sample; an int makes the result repeatable.
    progress : bool, default=True
        Show a progress bar (only when the sweep takes more than a second).

    Returns
    -------
    pandas.DataFrame
        One row per k (index ``k``) with the columns ``inertia``, ``elbow``,
        ``silhouette``, ``calinski_harabasz``, ``davies_bouldin`` and, for
        ``"gmm"``, ``bic``. ``attrs`` holds ``recommended_k``, ``reason``,
        ``criterion``, ``method``, ``n_accounts`` and ``silhouette_sample`` (the number
        of accounts the silhouette was computed on).

    Examples
    --------
    >>> from kamlab.segment import make_segmented_accounts
    >>> accounts, true_segment = make_segmented_accounts(300, n_segments=3, random_state=0)
    >>> table = select_k(accounts, k_range=(2, 6), features=["revenue", "orders", "margin_rate"], random_state=0)
    >>> table.attrs["recommended_k"]
    3
    >>> table.index.tolist()
    [2, 3, 4, 5, 6]
    """
    segmenter = AccountSegmenter(features=features, log_features=log_features, scaler=scaler, method=method)
    _check_sweep_params(method, criterion, n_init)
    if method == "hdbscan":
        raise ParameterError("HDBSCAN chooses the number of segments itself; select_k is for 'kmeans', 'gmm', 'ward'.")
    _check_choice("covariance_type", covariance_type, ("full", "tied", "diag", "spherical"))
    Z = segmenter._fit_preprocessing(X)
    table, _ = _choose_k(
        Z, k_range, criterion=criterion, method=method, sample_size=sample_size, n_init=n_init,
        covariance_type=covariance_type, minibatch=minibatch, random_state=random_state, progress=progress,
    )
    return table
