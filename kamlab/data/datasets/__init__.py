"""Public datasets for the course: download once, verify, cache, load as tidy tables.

Three public datasets are used in the notebooks:

- :func:`fetch_wholesale`: UCI "Wholesale customers", annual spend of 440 clients of a
  Portuguese wholesale distributor on six product groups (real B2B data).
- :func:`fetch_online_retail`: UCI "Online Retail", all 541,909 invoice lines of a UK
  online gift-ware seller, 2010-12-01 to 2011-12-09.
- :func:`fetch_cdnow`: CDNOW, 6,919 purchases of a 1/10 sample (2,357 customers) of the
  customers who first bought at CDNOW in Q1 1997 (the buy-till-you-die benchmark), and
  its per-customer summaries.

The first call downloads a file from its public source into the *data home* (see
:func:`get_data_home`); later calls read the cached file and need no internet. Every
time a file is used, its SHA-256 checksum is compared with the one kamlab knows, so a
damaged or changed file is never analysed silently: it raises :class:`ChecksumError`
and says which file to delete to download it again.

Cache layout (the same as the shared read-only folder that tests and CI use)::

    <data home>/wholesale/wholesale_customers_data_uci.csv
    <data home>/online_retail/online_retail.csv.gz
    <data home>/cdnow/CDNOW_sample.txt
    <data home>/cdnow/cdnow_customers_summary.csv
    <data home>/cdnow/cdnow_customers_summary_with_transactions.csv

kamlab never writes to the data home when a file is there and its checksum is right,
so the data home may be read-only. Downloads are made with pooch (:func:`pooch.create`,
:class:`pooch.Unzip`) in a temporary folder next to the target and moved into place only
after the checksum matched; a failed download leaves nothing behind.

Cite the source wherever you use one of these datasets: each table carries its citation
in ``df.attrs["source"]`` and its licence in ``df.attrs["licence"]``.

Examples
--------
>>> from kamlab import datasets
>>> clients = datasets.fetch_wholesale()                      # doctest: +SKIP
>>> clients.groupby("channel", observed=True)["fresh"].sum()  # doctest: +SKIP

The package's modules: :mod:`~kamlab.data.datasets.registry` (sources and checksums),
:mod:`~kamlab.data.datasets.download` (data home, cache, pooch downloads, verification),
:mod:`~kamlab.data.datasets.online_retail` (the xlsx → CSV conversion),
:mod:`~kamlab.data.datasets.loaders` (the ``fetch_*`` functions) and
:mod:`~kamlab.data.datasets.classroom` (:func:`fetch_all` for ``make data``, and the
status of each file for the set-up check).

*Without internet* (a classroom, a train): run ``make data`` (or :func:`fetch_all`) where
there is internet, copy the data home to a USB stick or shared drive, and set
``KAMLAB_DATA`` to it. Or download a source's original file by hand (e.g. UCI's
``online+retail.zip`` or ``Online Retail.xlsx``) and put it, with its name, into the
dataset's folder of the data home (``<data home>/online_retail/``): kamlab extracts or
converts it and verifies its checksum the first time the data is used.
"""

from kamlab.data.datasets.classroom import dataset_status, fetch_all
from kamlab.data.datasets.download import (
    DATA_HOME_ENV,
    DEFAULT_DATA_HOME,
    clear_data_home,
    fetch_file,
    get_data_home,
    list_datasets,
)
from kamlab.data.datasets.loaders import fetch_cdnow, fetch_online_retail, fetch_wholesale
from kamlab.data.datasets.registry import REGISTRY, DatasetFile, Source

__all__ = [
    "DATA_HOME_ENV",
    "DEFAULT_DATA_HOME",
    "REGISTRY",
    "DatasetFile",
    "Source",
    "clear_data_home",
    "dataset_status",
    "fetch_all",
    "fetch_cdnow",
    "fetch_file",
    "fetch_online_retail",
    "fetch_wholesale",
    "get_data_home",
    "list_datasets",
]
