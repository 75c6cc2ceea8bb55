"""The ``fetch_*`` functions: a verified cached file parsed into a tidy table.

Each loader gets the file's checksum-verified content from
:mod:`kamlab.data.datasets.download`, parses it with the expected types, checks its columns,
and attaches the citation and licence to ``df.attrs``. A file that cannot be parsed gives a
:class:`~kamlab.errors.DatasetError` naming it.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from kamlab.data.datasets.download import verified_content
from kamlab.data.datasets.online_retail import RETAIL_COLUMNS
from kamlab.data.datasets.registry import REGISTRY, DatasetFile
from kamlab.errors import DatasetError, KamlabError, ParameterError

__all__ = ["fetch_cdnow", "fetch_online_retail", "fetch_wholesale"]


def _load(dataset: DatasetFile, data_home, download_if_missing: bool, parse) -> pd.DataFrame:
    """Parse the verified content of `dataset` with ``parse(dataset, data)``; attach its citation.

    Any error but kamlab's own becomes a :class:`DatasetError` that names the file and says
    to fetch it again.
    """
    data = verified_content(dataset, data_home, download_if_missing)
    try:
        frame = parse(dataset, data)
    except KamlabError:
        raise
    except Exception as exc:
        raise DatasetError(
            f"The dataset file {dataset.relative_path} could not be read ({type(exc).__name__}: {exc}). "
            "Delete it from the data home and fetch it again."
        ) from exc
    frame.attrs["source"] = dataset.citation
    frame.attrs["licence"] = dataset.licence
    return frame


def _check_columns(dataset: DatasetFile, frame: pd.DataFrame, expected: list[str]) -> None:
    if list(frame.columns) != expected:
        raise DatasetError(
            f"The dataset file {dataset.relative_path} has the columns {list(frame.columns)}, "
            f"expected {expected}. Delete it from the data home and fetch it again."
        )


# --------------------------------------------------------------------------- wholesale

_WHOLESALE_SPEND = {
    "Fresh": "fresh",
    "Milk": "milk",
    "Grocery": "grocery",
    "Frozen": "frozen",
    "Detergents_Paper": "detergents_paper",
    "Delicassen": "delicatessen",  # misspelt in the original
}


def _parse_wholesale(dataset: DatasetFile, data: bytes) -> pd.DataFrame:
    raw = pd.read_csv(io.BytesIO(data), dtype="int64")
    _check_columns(dataset, raw, ["Channel", "Region", *_WHOLESALE_SPEND])
    channel = raw["Channel"].map({1: "Horeca", 2: "Retail"})
    region = raw["Region"].map({1: "Lisbon", 2: "Oporto", 3: "Other"})
    if channel.isna().any() or region.isna().any():
        raise DatasetError(
            f"The dataset file {dataset.relative_path} has Channel codes other than 1, 2 or Region "
            "codes other than 1, 2, 3. Delete it from the data home and fetch it again."
        )
    frame = pd.DataFrame(
        {
            "client_id": np.arange(1, len(raw) + 1, dtype="int64"),
            "channel": pd.Categorical(channel, categories=["Horeca", "Retail"]),
            "region": pd.Categorical(region, categories=["Lisbon", "Oporto", "Other"]),
        }
    )
    for original, name in _WHOLESALE_SPEND.items():
        frame[name] = raw[original].to_numpy()
    return frame


def fetch_wholesale(data_home=None, *, download_if_missing=True) -> pd.DataFrame:
    """Load the UCI "Wholesale customers" data: annual spend of 440 clients of a wholesaler.

    Real B2B data: the clients of a Portuguese wholesale distributor, with their annual
    spend on six product groups. Source: UCI Machine Learning Repository, dataset 292,
    https://doi.org/10.24432/C5030X, licence CC BY 4.0 (the citation is in
    ``df.attrs["source"]``). Downloaded from
    https://archive.ics.uci.edu/static/public/292/wholesale+customers.zip (member
    ``Wholesale customers data.csv``); the extracted file's SHA-256 is verified.

    Parameters
    ----------
    data_home : str or path-like, optional
        Cache folder, see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the file if it is not cached; otherwise raise :class:`DatasetError`.

    Returns
    -------
    pandas.DataFrame
        440 rows, one per client, in the order of the original file:

        ``client_id`` : int64
            1 to 440, the client's line in the original file.
        ``channel`` : category
            ``"Horeca"`` (hotels, restaurants, cafés; 298 clients) or ``"Retail"`` (142).
        ``region`` : category
            ``"Lisbon"`` (77), ``"Oporto"`` (47) or ``"Other"`` (316).
        ``fresh``, ``milk``, ``grocery``, ``frozen``, ``detergents_paper``, ``delicatessen`` : int64
            Annual spend on the product group in monetary units (m.u.); ``delicatessen``
            is the original's misspelt ``Delicassen``.

    Raises
    ------
    DatasetError
        The file is missing and cannot be downloaded, or cannot be read.
    ChecksumError
        The cached or downloaded file is not the published one.
    """
    return _load(REGISTRY["wholesale"], data_home, download_if_missing, _parse_wholesale)


# --------------------------------------------------------------------------- online retail


def _parse_online_retail(dataset: DatasetFile, data: bytes) -> pd.DataFrame:
    raw = pd.read_csv(
        io.BytesIO(data),
        dtype={
            "InvoiceNo": str,
            "StockCode": str,
            "Description": str,
            "Quantity": "int64",
            "InvoiceDate": str,
            "UnitPrice": "float64",
            "CustomerID": "float64",
            "Country": str,
        },
        keep_default_na=False,
        na_values={"Description": [""], "CustomerID": [""]},
        encoding="utf-8",
    )
    _check_columns(dataset, raw, RETAIL_COLUMNS)
    invoice = raw["InvoiceNo"].astype("string")
    quantity = raw["Quantity"]
    unit_price = raw["UnitPrice"]
    return pd.DataFrame(
        {
            "invoice_id": invoice,
            "product": raw["StockCode"].astype("string"),
            "description": raw["Description"].astype("string"),
            "quantity": quantity,
            "date": pd.to_datetime(raw["InvoiceDate"], format="%Y-%m-%d %H:%M:%S"),
            "unit_price": unit_price,
            "account_id": raw["CustomerID"].astype("Int64").astype("string"),
            "country": raw["Country"].astype("string"),
            "revenue": quantity * unit_price,
            "is_cancellation": invoice.str.startswith("C").astype(bool),
        }
    )


def fetch_online_retail(data_home=None, *, download_if_missing=True) -> pd.DataFrame:
    """Load the UCI "Online Retail" data: every invoice line of a UK online gift-ware seller.

    541,909 invoice lines from 2010-12-01 to 2011-12-09, in the original order; none is
    dropped. Many of the seller's customers are wholesalers. Source: UCI Machine Learning
    Repository, dataset 352, https://doi.org/10.24432/C5BW33, licence CC BY 4.0; Chen,
    Sain & Guo (2012) (the citation is in ``df.attrs["source"]``).

    The public file is an Excel workbook (``Online Retail.xlsx`` in
    https://archive.ics.uci.edu/static/public/352/online+retail.zip). kamlab caches it as
    ``online_retail/online_retail.csv.gz``: the same rows as CSV (columns ``InvoiceNo,
    StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country``).
    *What is verified:* kamlab does not know the checksum of the downloaded archive, so
    it converts the workbook and verifies the SHA-256 of the converted CSV text (the
    decompressed content of the ``.gz``, since gzip headers carry a time stamp). If the
    conversion does not reproduce exactly the known content, a :class:`ChecksumError` is
    raised and nothing is kept. The first download and conversion take about a minute
    (reading a 23 MB workbook); later calls read the cache in about a second.

    Parameters
    ----------
    data_home : str or path-like, optional
        Cache folder, see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the file if it is not cached; otherwise raise :class:`DatasetError`.

    Returns
    -------
    pandas.DataFrame
        One row per invoice line, with kamlab's canonical column names:

        ``invoice_id`` : string
            Invoice number (``InvoiceNo``), e.g. ``"536365"``; cancellations start with ``"C"``.
        ``product`` : string
            Stock code (``StockCode``), e.g. ``"85123A"``; also non-products such as ``"POST"``.
        ``description`` : string
            Product name; ``<NA>`` on 1,454 lines.
        ``quantity`` : int64
            Units; negative on cancellations and stock corrections.
        ``date`` : datetime64
            Invoice date and time (``InvoiceDate``).
        ``unit_price`` : float64
            Price per unit in pounds sterling (``UnitPrice``).
        ``account_id`` : string
            Customer number (``CustomerID``) as text, e.g. ``"17850"``; ``<NA>`` on the
            135,080 lines without a customer.
        ``country`` : string
            The customer's country.
        ``revenue`` : float64
            ``quantity * unit_price``.
        ``is_cancellation`` : bool
            Whether the invoice number starts with ``"C"``.

    Raises
    ------
    DatasetError
        The file is missing and cannot be downloaded, or cannot be read.
    ChecksumError
        The cached file, or the converted download, is not the published data.
    """
    return _load(REGISTRY["online_retail"], data_home, download_if_missing, _parse_online_retail)


# --------------------------------------------------------------------------- CDNOW

_CDNOW_KINDS = {
    "transactions": "cdnow",
    "summary": "cdnow_summary",
    "summary_with_transactions": "cdnow_summary_with_transactions",
}
_CDNOW_MEASURES = {
    "cdnow_summary": {"frequency": "int64", "recency": "float64", "T": "float64"},
    "cdnow_summary_with_transactions": {"x": "int64", "t_x": "float64", "T": "float64", "zbar": "float64"},
}


def _parse_cdnow_transactions(dataset: DatasetFile, data: bytes) -> pd.DataFrame:
    raw = pd.read_csv(
        io.BytesIO(data),
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "quantity", "revenue"],
        dtype={
            "master_id": str,
            "customer_id": "int64",
            "date": str,
            "quantity": "int64",
            "revenue": "float64",
        },
    )
    return pd.DataFrame(
        {
            "account_id": raw["customer_id"].astype("string"),
            "customer_id": raw["customer_id"],
            "master_id": raw["master_id"].astype("string"),
            "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "quantity": raw["quantity"],
            "revenue": raw["revenue"],
        }
    )


def _parse_cdnow_summary(dataset: DatasetFile, data: bytes) -> pd.DataFrame:
    measures = _CDNOW_MEASURES[dataset.name]
    raw = pd.read_csv(io.BytesIO(data), dtype={"ID": "int64", **measures})
    _check_columns(dataset, raw, ["ID", *measures])
    frame = raw.rename(columns={"ID": "customer_id"})
    frame.insert(0, "account_id", frame["customer_id"].astype("string"))
    return frame


def fetch_cdnow(data_home=None, *, download_if_missing=True, kind="transactions") -> pd.DataFrame:
    """Load the CDNOW sample: the standard benchmark for buy-till-you-die models.

    Purchases of a 1/10 sample (2,357 customers) of the customers who first bought at
    the online music shop CDNOW in the first quarter of 1997, to the end of June 1998.
    Real B2C data. The calibration period of the published analyses ends 1997-09-30
    (39 weeks). Source: B. Hardie; Fader, Hardie & Lee (2005), Marketing Science 24(2)
    (the citation is in ``df.attrs["source"]``). Downloaded from the copies in the
    ``lifetimes`` package on GitHub (the transactions also from
    http://www.brucehardie.com/datasets/CDNOW_sample.zip as a second mirror); the file's
    SHA-256 is verified.

    Parameters
    ----------
    data_home : str or path-like, optional
        Cache folder, see :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the file if it is not cached; otherwise raise :class:`DatasetError`.
    kind : {"transactions", "summary", "summary_with_transactions"}, default="transactions"
        Which table to load (each is its own file).

    Returns
    -------
    pandas.DataFrame
        For ``kind="transactions"``, 6,919 rows, one per purchase record (a customer may
        have several on one day), in the file's order:

        ``account_id`` : string
            The sample id as text (``"1"`` to ``"2357"``), for kamlab functions that
            expect an ``account_id``.
        ``customer_id`` : int64
            The sample id, 1 to 2357; the ``customer_id`` of the summary tables.
        ``master_id`` : string
            The customer's id in CDNOW's full customer base, as in the file (``"00004"``).
        ``date`` : datetime64
            Purchase date.
        ``quantity`` : int64
            Number of CDs bought.
        ``revenue`` : float64
            Dollar value of the purchase.

        For ``kind="summary"``, 2,357 rows, one per customer, for the calibration
        period (durations in weeks, i.e. days / 7): ``account_id`` (string),
        ``customer_id`` (int64), ``frequency`` (int64, repeat purchase days),
        ``recency`` (float64, weeks from first to last purchase) and ``T`` (float64,
        weeks from first purchase to the end of calibration).

        For ``kind="summary_with_transactions"``, 2,357 rows: ``account_id``,
        ``customer_id``, ``x`` (int64, repeat purchases), ``t_x`` (float64, weeks to the
        last purchase), ``T`` (float64) and ``zbar`` (float64, mean dollar value of the
        repeat purchases, 0 without any).

    Raises
    ------
    ParameterError
        ``kind`` is not one of the three names.
    DatasetError
        The file is missing and cannot be downloaded, or cannot be read.
    ChecksumError
        The cached or downloaded file is not the published one.
    """
    if not isinstance(kind, str) or kind not in _CDNOW_KINDS:
        raise ParameterError(f"kind must be one of {', '.join(repr(k) for k in _CDNOW_KINDS)}, not {kind!r}.")
    parse = _parse_cdnow_transactions if kind == "transactions" else _parse_cdnow_summary
    return _load(REGISTRY[_CDNOW_KINDS[kind]], data_home, download_if_missing, parse)
