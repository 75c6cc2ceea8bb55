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
so the data home may be read-only. Downloads go to a temporary folder next to the
target and are moved into place only after the checksum matched; a failed download
leaves nothing behind.

Cite the source wherever you use one of these datasets: each table carries its citation
in ``df.attrs["source"]`` and its licence in ``df.attrs["licence"]``.

Examples
--------
>>> from kamlab import datasets
>>> clients = datasets.fetch_wholesale()                      # doctest: +SKIP
>>> clients.groupby("channel", observed=True)["fresh"].sum()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import math
import os
import shutil
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pooch

from kamlab.errors import ChecksumError, DatasetError, KamlabError, ParameterError

__all__ = [
    "REGISTRY",
    "DatasetFile",
    "Source",
    "clear_data_home",
    "fetch_cdnow",
    "fetch_file",
    "fetch_online_retail",
    "fetch_wholesale",
    "get_data_home",
    "list_datasets",
]

#: Environment variable that sets the data home when no ``data_home`` argument is given.
DATA_HOME_ENV = "KAMLAB_DATA"
#: Data home used when neither the argument nor the environment variable is set.
DEFAULT_DATA_HOME = "~/kamlab_data"

# seconds to wait for a server before giving up on a mirror
_TIMEOUT = 60
# refuse to extract an archive member larger than this (protection against zip bombs)
_MAX_MEMBER_BYTES = 500 * 1024**2


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Source:
    """One place a dataset file can be downloaded from.

    Parameters
    ----------
    url : str
        The public address.
    member : str, optional
        If the download is a zip archive: the name of the archive member to take.
        ``None`` means the download is the file itself.
    sha256 : str, optional
        SHA-256 of the download itself, when it is known. The cached file's checksum
        (:attr:`DatasetFile.sha256`) is verified in any case.
    """

    url: str
    member: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class DatasetFile:
    """What kamlab knows about one cached dataset file.

    Parameters
    ----------
    name : str
        Key in :data:`REGISTRY`.
    folder : str
        Sub-folder of the data home.
    filename : str
        File name in that folder.
    sha256 : str
        SHA-256 of the cached file; for ``content="gzip"`` of its *decompressed* bytes
        (gzip headers carry a time stamp, so the compressed file differs between copies).
    sources : tuple of Source
        Mirrors, tried in order until one gives a file with the right checksum.
    rows : int
        Number of data rows.
    description, citation, licence : str
        What the data is, how to cite it, under which terms it may be used.
    content : {"plain", "gzip"}
        How the cached file is stored.
    convert : {"copy", "xlsx_to_csv_gz"}
        How a download becomes the cached file: taken as it is, or an Excel workbook
        converted to a gzip-compressed CSV (see :func:`fetch_online_retail`).
    """

    name: str
    folder: str
    filename: str
    sha256: str
    sources: tuple[Source, ...]
    rows: int
    description: str
    citation: str
    licence: str
    content: str = "plain"
    convert: str = "copy"

    @property
    def relative_path(self) -> str:
        """Path of the cached file relative to the data home, with forward slashes."""
        return f"{self.folder}/{self.filename}"


_UCI_LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
_CDNOW_LICENCE = (
    "distributed by Bruce Hardie for research and teaching; this copy as shipped in the "
    "MIT-licensed `lifetimes` package"
)
_CDNOW_CITATION = (
    "CDNOW 1/10 sample (B. Hardie, brucehardie.com/datasets). Fader, P. S., Hardie, B. G. S. "
    "& Lee, K. L. (2005). Counting your customers the easy way: an alternative to the "
    "Pareto/NBD model. Marketing Science 24(2)."
)
_LIFETIMES_RAW = "https://raw.githubusercontent.com/CamDavidsonPilon/lifetimes/master/lifetimes/datasets/"

#: Every dataset file kamlab can fetch, by name.
REGISTRY: dict[str, DatasetFile] = {
    "wholesale": DatasetFile(
        name="wholesale",
        folder="wholesale",
        filename="wholesale_customers_data_uci.csv",
        # byte-identical to UCI's "Wholesale customers data.csv" (md5 a77e467b90b10ec157fef6de32feef05)
        sha256="c3d018c643565b85cee733c4a2ac76dd76e080e857cb23f0ccfcc2e15a6c17ef",
        sources=(
            Source(
                "https://archive.ics.uci.edu/static/public/292/wholesale+customers.zip",
                member="Wholesale customers data.csv",
            ),
            Source(
                "https://archive.ics.uci.edu/ml/machine-learning-databases/00292/"
                "Wholesale%20customers%20data.csv"
            ),
        ),
        rows=440,
        description="annual spend of 440 clients of a Portuguese wholesale distributor on 6 product groups",
        citation=(
            'UCI Machine Learning Repository, "Wholesale customers" (dataset 292), '
            "https://doi.org/10.24432/C5030X"
        ),
        licence=_UCI_LICENCE,
    ),
    "online_retail": DatasetFile(
        name="online_retail",
        folder="online_retail",
        filename="online_retail.csv.gz",
        # sha256 of the *decompressed* CSV text
        sha256="c35975c40d0e1e105090fbb11188a409393055f873841bd012915475fc84e69f",
        sources=(
            Source(
                "https://archive.ics.uci.edu/static/public/352/online+retail.zip", member="Online Retail.xlsx"
            ),
            Source("https://archive.ics.uci.edu/ml/machine-learning-databases/00352/Online%20Retail.xlsx"),
        ),
        rows=541_909,
        description="every invoice line of a UK online gift-ware seller, 2010-12-01 to 2011-12-09",
        citation=(
            'UCI Machine Learning Repository, "Online Retail" (dataset 352), '
            "https://doi.org/10.24432/C5BW33. Chen, D., Sain, S. L. & Guo, K. (2012). Data mining for "
            "the online retail industry. Journal of Database Marketing & Customer Strategy "
            "Management 19(3)."
        ),
        licence=_UCI_LICENCE,
        content="gzip",
        convert="xlsx_to_csv_gz",
    ),
    "cdnow": DatasetFile(
        name="cdnow",
        folder="cdnow",
        filename="CDNOW_sample.txt",
        sha256="6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
        sources=(
            Source(_LIFETIMES_RAW + "CDNOW_sample.txt"),
            Source("http://www.brucehardie.com/datasets/CDNOW_sample.zip", member="CDNOW_sample.txt"),
        ),
        rows=6_919,
        description="purchases of 2,357 CDNOW customers, 1997-01 to 1998-06",
        citation=_CDNOW_CITATION,
        licence=_CDNOW_LICENCE,
    ),
    "cdnow_summary": DatasetFile(
        name="cdnow_summary",
        folder="cdnow",
        filename="cdnow_customers_summary.csv",
        sha256="09d92ca80daaabe8be0f997d4c539f9c9606106baa5b199081fe01cbce5fa9f6",
        sources=(Source(_LIFETIMES_RAW + "cdnow_customers_summary.csv"),),
        rows=2_357,
        description="CDNOW per-customer frequency, recency, T (weeks), calibration period to 1997-09-30",
        citation=_CDNOW_CITATION,
        licence=_CDNOW_LICENCE,
    ),
    "cdnow_summary_with_transactions": DatasetFile(
        name="cdnow_summary_with_transactions",
        folder="cdnow",
        filename="cdnow_customers_summary_with_transactions.csv",
        sha256="7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f",
        sources=(Source(_LIFETIMES_RAW + "cdnow_customers_summary_with_transactions.csv"),),
        rows=2_357,
        description="CDNOW per-customer x, t_x, T (weeks) and mean spend zbar, calibration period",
        citation=_CDNOW_CITATION,
        licence=_CDNOW_LICENCE,
    ),
}


# --------------------------------------------------------------------------- data home


def get_data_home(data_home=None) -> Path:
    """Return the folder where kamlab caches public datasets.

    Parameters
    ----------
    data_home : str or path-like, optional
        The folder to use. Without it, the environment variable ``KAMLAB_DATA`` is used,
        and without that ``~/kamlab_data`` (in your home folder, easy to find and delete).

    Returns
    -------
    pathlib.Path
        The folder, with ``~`` expanded. It is not created here: kamlab creates it only
        when it has something to download, so a read-only data home works.
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or DEFAULT_DATA_HOME
    elif not isinstance(data_home, (str, os.PathLike)):
        raise ParameterError(
            f"data_home must be a folder path (a string or pathlib.Path), not {type(data_home).__name__}."
        )
    if str(data_home) == "":
        raise ParameterError("data_home is an empty string; give a folder path, or leave it out.")
    return Path(data_home).expanduser()


def _entry(name) -> DatasetFile:
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ParameterError(
            f"kamlab knows no dataset file {name!r}. Known: {', '.join(sorted(REGISTRY))}."
        ) from None


def list_datasets(data_home=None) -> pd.DataFrame:
    """List the dataset files kamlab can fetch, and whether they are in the cache.

    Parameters
    ----------
    data_home : str or path-like, optional
        See :func:`get_data_home`.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``name``, ``path`` (relative to the data home), ``rows``,
        ``description``, ``licence``, ``source`` (the citation), ``url`` (the first
        mirror), ``sha256`` (of the file, or of its decompressed content for ``.gz``)
        and ``cached`` (whether the file is present; its checksum is checked only when
        it is used).
    """
    home = get_data_home(data_home)
    rows = [
        {
            "name": e.name,
            "path": e.relative_path,
            "rows": e.rows,
            "description": e.description,
            "licence": e.licence,
            "source": e.citation,
            "url": e.sources[0].url,
            "sha256": e.sha256,
            "cached": (home / e.folder / e.filename).is_file(),
        }
        for e in REGISTRY.values()
    ]
    return pd.DataFrame(rows)


def clear_data_home(data_home=None) -> list[Path]:
    """Delete kamlab's cached dataset files, so that they are downloaded again.

    Only the files listed in :data:`REGISTRY` are removed (and their folders, if they
    are then empty); nothing else in the data home is touched.

    Parameters
    ----------
    data_home : str or path-like, optional
        See :func:`get_data_home`.

    Returns
    -------
    list of pathlib.Path
        The files that were deleted.
    """
    home = get_data_home(data_home)
    removed = []
    for entry in REGISTRY.values():
        path = home / entry.folder / entry.filename
        if path.is_file():
            try:
                path.unlink()
            except OSError as exc:
                raise DatasetError(f"Could not delete {path}: {exc}.") from exc
            removed.append(path)
    for folder in {home / e.folder for e in REGISTRY.values()}:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only succeeds when empty
    return removed


# --------------------------------------------------------------------------- checksums and cache


def _read_content(entry: DatasetFile, path: Path) -> bytes:
    """The bytes the checksum is computed on: the file, or its decompressed content."""
    data = path.read_bytes()
    if entry.content == "gzip":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ChecksumError(
                f"The cached file {path} is not a valid gzip file ({exc}). It is damaged. Delete it "
                "and call the fetch function again to download a fresh copy."
            ) from exc
    return data


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _what_was_hashed(entry: DatasetFile) -> str:
    return "SHA-256 of the decompressed content" if entry.content == "gzip" else "SHA-256"


def _verified_content(entry: DatasetFile, data_home, download_if_missing: bool) -> bytes:
    """Return the cached file's checksum-verified content, downloading it first if needed."""
    home = get_data_home(data_home)
    path = home / entry.folder / entry.filename
    if path.exists() and not path.is_file():
        raise DatasetError(f"{path} should be the cached file {entry.filename}, but it is not a file.")
    if not path.is_file():
        if not download_if_missing:
            urls = "\n".join(f"  {s.url}" for s in entry.sources)
            raise DatasetError(
                f"The dataset file {entry.filename!r} is not in the data home: looked for {path}.\n"
                "Call the fetch function with download_if_missing=True (needs internet once), "
                f"or point KAMLAB_DATA / data_home at a folder that holds {entry.relative_path}. "
                f"Its public source:\n{urls}"
            )
        _download(entry, path)
    data = _read_content(entry, path)
    actual = _sha256(data)
    if actual != entry.sha256:
        raise ChecksumError(
            f"The cached file {path} is not the file kamlab expects: its {_what_was_hashed(entry)} is "
            f"{actual}, expected {entry.sha256}. It may be damaged or edited. Delete it and call the "
            "fetch function again to download a fresh copy."
        )
    return data


def fetch_file(name, data_home=None, *, download_if_missing=True) -> Path:
    """Return the path of a cached, checksum-verified dataset file.

    Parameters
    ----------
    name : str
        A key of :data:`REGISTRY` (see :func:`list_datasets`).
    data_home : str or path-like, optional
        See :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the file if it is not cached; otherwise raise :class:`DatasetError`.

    Returns
    -------
    pathlib.Path
        The cached file.

    Raises
    ------
    DatasetError
        The file is missing and may not or cannot be downloaded.
    ChecksumError
        The cached or downloaded file has the wrong checksum.
    """
    entry = _entry(name)
    _verified_content(entry, data_home, download_if_missing)
    return get_data_home(data_home) / entry.folder / entry.filename


# --------------------------------------------------------------------------- download


@contextlib.contextmanager
def _quiet_pooch():
    """Silence pooch's info messages (it suggests a `known_hash` we verify differently)."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        yield
    finally:
        logger.setLevel(level)


def _say(message: str) -> None:
    print(f"kamlab: {message}", file=sys.stderr, flush=True)


def _download(entry: DatasetFile, target: Path) -> None:
    """Download `entry` into `target`, trying its mirrors in order; verify before keeping."""
    folder = target.parent
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=".kamlab-download-", dir=folder))
    except OSError as exc:
        raise DatasetError(
            f"Cannot download {entry.filename!r}: the folder {folder} cannot be written to ({exc}). "
            "Pass data_home= (or set KAMLAB_DATA to) a folder you can write to."
        ) from exc
    failures = []
    checksum_failed = False
    try:
        for source in entry.sources:
            attempt = workdir / f"attempt{len(failures)}"
            attempt.mkdir()
            try:
                produced = _fetch_source(entry, source, attempt)
                actual = _sha256(_read_content(entry, produced))
                if actual != entry.sha256:
                    raise ChecksumError(f"its {_what_was_hashed(entry)} is {actual}, expected {entry.sha256}")
            except ChecksumError as exc:
                checksum_failed = True
                failures.append(f"  {source.url}: wrong checksum: {exc}")
                continue
            except DatasetError as exc:
                failures.append(f"  {source.url}: {exc}")
                continue
            os.replace(produced, target)
            _say(f"saved {target}")
            return
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()  # leave no empty folder behind
    error = ChecksumError if checksum_failed else DatasetError
    hint = (
        "The file at the source is not the one kamlab was made for (it may have changed, or the "
        "download was damaged); nothing was saved. Try again later, or report this to kamlab."
        if checksum_failed
        else f"Check your internet connection, or download the file by hand and put it at {target}."
    )
    raise error(f"Could not download {entry.filename!r}:\n" + "\n".join(failures) + "\n" + hint)


def _fetch_source(entry: DatasetFile, source: Source, workdir: Path) -> Path:
    """Download one source into `workdir` and turn it into the cached file's format there."""
    _say(f"downloading {entry.name} from {source.url}")
    if not source.url.startswith(("http://", "https://", "ftp://")):
        raise DatasetError("kamlab downloads only over http, https or ftp")
    downloader = None
    if source.url.startswith(("http://", "https://")):
        downloader = pooch.HTTPDownloader(progressbar=False, timeout=_TIMEOUT)
    try:
        with _quiet_pooch():
            downloaded = Path(
                pooch.retrieve(
                    source.url,
                    known_hash=None,  # verified below, with kamlab's own message
                    fname="download",
                    path=workdir,
                    downloader=downloader,
                    progressbar=False,
                )
            )
    except (OSError, ValueError) as exc:  # requests' errors are OSErrors too
        raise DatasetError(f"download failed ({exc})") from exc
    if source.sha256 is not None:
        actual = _sha256(downloaded.read_bytes())
        if actual != source.sha256:
            raise ChecksumError(f"the download's SHA-256 is {actual}, expected {source.sha256}")

    if source.member is not None:
        downloaded = _extract_member(downloaded, source.member, workdir)
    target = workdir / entry.filename
    if entry.convert == "copy":
        downloaded.replace(target)
    elif entry.convert == "xlsx_to_csv_gz":
        _say(f"converting {downloaded.name} to CSV (about a minute for the full workbook)")
        csv_bytes = _xlsx_to_csv_bytes(downloaded)
        target.write_bytes(gzip.compress(csv_bytes, compresslevel=6, mtime=0))
    else:  # pragma: no cover - registry error
        raise DatasetError(f"unknown conversion {entry.convert!r} for {entry.name}")
    return target


def _extract_member(archive: Path, member: str, workdir: Path) -> Path:
    """Extract one named member of a zip archive (by name only: no paths from the archive are used)."""
    out = workdir / "member"
    try:
        with zipfile.ZipFile(archive) as zf:
            try:
                info = zf.getinfo(member)
            except KeyError:
                names = ", ".join(repr(n) for n in zf.namelist()[:10])
                raise DatasetError(f"the archive has no member {member!r} (it holds {names})") from None
            if info.file_size > _MAX_MEMBER_BYTES:
                raise DatasetError(
                    f"the archive member {member!r} is implausibly large ({info.file_size} bytes)"
                )
            with zf.open(info) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ChecksumError(f"the download is not a valid zip archive ({exc})") from exc
    return out


# --------------------------------------------------------------------------- Online Retail conversion

_RETAIL_COLUMNS = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]


def _is_missing(value) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def _as_text(value) -> str:
    """A cell as text, the way pandas writes an object column to CSV (integral floats as ints,
    since Excel stores every number as a float and pandas reads integral ones as int)."""
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _as_float_text(value) -> str:
    """A number as pandas writes a float64 column: shortest round-trip repr, '' when missing."""
    if _is_missing(value) or (isinstance(value, str) and value == ""):
        return ""
    return repr(float(value))


def _as_int_text(value) -> str:
    number = float(value)
    if not number.is_integer():
        raise DatasetError(f"quantity {value!r} is not a whole number")
    return str(int(number))


def _excel_dates(column: pd.Series) -> pd.Series:
    """Dates from the workbook (datetimes, or Excel serial numbers), rounded to the second.

    openpyxl converts Excel's day fractions to times rounded to the millisecond; rounding
    to the second removes that float noise (all invoice times are whole minutes).
    """
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        dates = pd.Timestamp("1899-12-30") + pd.to_timedelta(column.astype("float64"), unit="D")
    else:
        dates = pd.to_datetime(column)
    if dates.isna().any():
        raise DatasetError(f"{int(dates.isna().sum())} invoice lines have no InvoiceDate")
    return dates.dt.round("s")


def _format_online_retail(frame: pd.DataFrame) -> bytes:
    """Turn the workbook's table into the CSV text kamlab caches (UTF-8, ``\\n`` line ends).

    The format is the one of ``frame.to_csv(index=False)`` for a frame read with
    ``pandas.read_excel``: ids and text as they are, ``Quantity`` as an integer,
    ``InvoiceDate`` as ``2010-12-01 08:26:00``, ``UnitPrice`` and ``CustomerID`` as floats
    (``2.55``, ``17850.0``), missing values as empty fields, minimal quoting.
    """
    if list(frame.columns) != _RETAIL_COLUMNS:
        raise DatasetError(f"the workbook has the columns {list(frame.columns)}, expected {_RETAIL_COLUMNS}")
    try:
        dates = _excel_dates(frame["InvoiceDate"])
        date_text = np.datetime_as_string(dates.to_numpy().astype("datetime64[s]"), unit="s")
        columns = [
            [_as_text(v) for v in frame["InvoiceNo"]],
            [_as_text(v) for v in frame["StockCode"]],
            [_as_text(v) for v in frame["Description"]],
            [_as_int_text(v) for v in frame["Quantity"]],
            [d.replace("T", " ") for d in date_text],
            [_as_float_text(v) for v in frame["UnitPrice"]],
            [_as_float_text(v) for v in frame["CustomerID"]],
            [_as_text(v) for v in frame["Country"]],
        ]
    except KamlabError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise DatasetError(f"the workbook holds a value kamlab cannot convert ({exc})") from exc
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_RETAIL_COLUMNS)
    writer.writerows(zip(*columns))
    return out.getvalue().encode("utf-8")


def _xlsx_to_csv_bytes(path: Path) -> bytes:
    """Read the Online Retail workbook (first sheet) and return the CSV text kamlab caches."""
    try:
        frame = pd.read_excel(path, sheet_name=0, engine="openpyxl", dtype=object)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken workbook
        raise ChecksumError(
            f"the download is not a readable Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc
    return _format_online_retail(frame)


# --------------------------------------------------------------------------- parsing


def _parse_error(entry: DatasetFile, exc: Exception) -> DatasetError:
    return DatasetError(
        f"The dataset file {entry.relative_path} could not be read ({type(exc).__name__}: {exc}). "
        "Delete it from the data home and fetch it again."
    )


def _with_attrs(frame: pd.DataFrame, entry: DatasetFile) -> pd.DataFrame:
    frame.attrs["source"] = entry.citation
    frame.attrs["licence"] = entry.licence
    return frame


def _check_columns(entry: DatasetFile, frame: pd.DataFrame, expected: list[str]) -> None:
    if list(frame.columns) != expected:
        raise DatasetError(
            f"The dataset file {entry.relative_path} has the columns {list(frame.columns)}, "
            f"expected {expected}. Delete it from the data home and fetch it again."
        )


_WHOLESALE_SPEND = {
    "Fresh": "fresh",
    "Milk": "milk",
    "Grocery": "grocery",
    "Frozen": "frozen",
    "Detergents_Paper": "detergents_paper",
    "Delicassen": "delicatessen",  # misspelt in the original
}


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
    entry = REGISTRY["wholesale"]
    data = _verified_content(entry, data_home, download_if_missing)
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype="int64")
        _check_columns(entry, raw, ["Channel", "Region", *_WHOLESALE_SPEND])
        channel = raw["Channel"].map({1: "Horeca", 2: "Retail"})
        region = raw["Region"].map({1: "Lisbon", 2: "Oporto", 3: "Other"})
        if channel.isna().any() or region.isna().any():
            raise DatasetError(
                f"The dataset file {entry.relative_path} has Channel codes other than 1, 2 or Region "
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
    except KamlabError:
        raise
    except Exception as exc:
        raise _parse_error(entry, exc) from exc
    return _with_attrs(frame, entry)


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
    entry = REGISTRY["online_retail"]
    data = _verified_content(entry, data_home, download_if_missing)
    try:
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
        _check_columns(entry, raw, _RETAIL_COLUMNS)
        invoice = raw["InvoiceNo"].astype("string")
        quantity = raw["Quantity"]
        unit_price = raw["UnitPrice"]
        frame = pd.DataFrame(
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
    except KamlabError:
        raise
    except Exception as exc:
        raise _parse_error(entry, exc) from exc
    return _with_attrs(frame, entry)


_CDNOW_KINDS = {
    "transactions": "cdnow",
    "summary": "cdnow_summary",
    "summary_with_transactions": "cdnow_summary_with_transactions",
}


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
    entry = REGISTRY[_CDNOW_KINDS[kind]]
    data = _verified_content(entry, data_home, download_if_missing)
    try:
        if kind == "transactions":
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
            frame = pd.DataFrame(
                {
                    "account_id": raw["customer_id"].astype("string"),
                    "customer_id": raw["customer_id"],
                    "master_id": raw["master_id"].astype("string"),
                    "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
                    "quantity": raw["quantity"],
                    "revenue": raw["revenue"],
                }
            )
        else:
            measures = (
                {"frequency": "int64", "recency": "float64", "T": "float64"}
                if kind == "summary"
                else {"x": "int64", "t_x": "float64", "T": "float64", "zbar": "float64"}
            )
            raw = pd.read_csv(io.BytesIO(data), dtype={"ID": "int64", **measures})
            _check_columns(entry, raw, ["ID", *measures])
            frame = raw.rename(columns={"ID": "customer_id"})
            frame.insert(0, "account_id", frame["customer_id"].astype("string"))
    except KamlabError:
        raise
    except Exception as exc:
        raise _parse_error(entry, exc) from exc
    return _with_attrs(frame, entry)
