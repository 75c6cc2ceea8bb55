"""What kamlab knows about each public dataset file: where it comes from and its checksum.

:data:`REGISTRY` holds one :class:`DatasetFile` per cached file: its place in the data home,
the SHA-256 of its content, its mirrors (:class:`Source`), and its citation and licence.
:func:`pooch_registry` turns one mirror into the registry of a :class:`pooch.Pooch` (the
download's file name and, where it is known, its SHA-256), which pooch verifies itself.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kamlab.errors import ParameterError

__all__ = [
    "REGISTRY",
    "DatasetFile",
    "Source",
    "download_name",
    "entry",
    "manual_hint",
    "original_names",
    "pooch_registry",
]


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
        converted to a gzip-compressed CSV (see :func:`~kamlab.data.datasets.fetch_online_retail`).
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

    def is_download(self, source: Source) -> bool:
        """Whether the download from `source` is, byte for byte, the cached file.

        Parameters
        ----------
        source : Source
            One of :attr:`sources`.

        Returns
        -------
        bool
            ``True`` when nothing is extracted or converted, so that pooch can verify
            the download against :attr:`sha256` itself.
        """
        return source.member is None and self.convert == "copy" and self.content == "plain"


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


def entry(name) -> DatasetFile:
    """Return the registry entry called `name`.

    Parameters
    ----------
    name : str
        A key of :data:`REGISTRY`.

    Returns
    -------
    DatasetFile
        The entry.

    Raises
    ------
    ParameterError
        kamlab knows no file of that name; the message lists the known names.

    Examples
    --------
    >>> entry("cdnow").relative_path
    'cdnow/CDNOW_sample.txt'
    """
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ParameterError(
            f"kamlab knows no dataset file {name!r}. Known: {', '.join(sorted(REGISTRY))}."
        ) from None


def download_name(source: Source) -> str:
    """The file name a download from `source` gets in pooch's cache folder.

    Parameters
    ----------
    source : Source
        The mirror.

    Returns
    -------
    str
        The last part of the URL's path, decoded (``"download"`` if it is not a plain
        file name).

    Examples
    --------
    >>> download_name(Source("https://example.org/a/Wholesale%20customers%20data.csv"))
    'Wholesale customers data.csv'
    """
    name = unquote(posixpath.basename(urlsplit(source.url).path))
    if name in ("", ".", "..") or "/" in name or "\\" in name:
        return "download"
    return name


def pooch_registry(dataset: DatasetFile, source: Source) -> dict[str, str | None]:
    """The registry of the :class:`pooch.Pooch` that downloads `dataset` from `source`.

    Parameters
    ----------
    dataset : DatasetFile
        The file to download.
    source : Source
        The mirror to download it from.

    Returns
    -------
    dict
        One item: the download's file name (:func:`download_name`) and its checksum as
        ``"sha256:<hex>"``: :attr:`Source.sha256` if given, else the cached file's
        checksum when the download is the cached file itself, else ``None`` (pooch then
        verifies nothing, and kamlab verifies the extracted or converted file).

    Examples
    --------
    >>> pooch_registry(REGISTRY["cdnow_summary"], REGISTRY["cdnow_summary"].sources[0])
    {'cdnow_customers_summary.csv': 'sha256:09d92ca80daaabe8be0f997d4c539f9c9606106baa5b199081fe01cbce5fa9f6'}
    >>> pooch_registry(REGISTRY["wholesale"], REGISTRY["wholesale"].sources[0])
    {'wholesale+customers.zip': None}
    """
    known = source.sha256 or (dataset.sha256 if dataset.is_download(source) else None)
    return {download_name(source): None if known is None else f"sha256:{known}"}


def original_names(dataset: DatasetFile) -> list[tuple[str, Source, str | None]]:
    """The files a student may download by hand for `dataset`, as its public sources serve them.

    Parameters
    ----------
    dataset : DatasetFile
        The registry entry.

    Returns
    -------
    list of (str, Source, str or None)
        One item per file name, in the order of the sources: the file name, the source
        it comes from, and the archive member to extract (``None``: the file itself).
        An archive's member is listed too (a student may have unzipped it already); the
        cached file's own name is not.

    Examples
    --------
    >>> [name for name, _, _ in original_names(REGISTRY["online_retail"])]
    ['online+retail.zip', 'Online Retail.xlsx']
    """
    found: dict[str, tuple[str, Source, str | None]] = {}
    for source in dataset.sources:
        candidates = [(download_name(source), source.member)]
        if source.member is not None:
            candidates.append((source.member.rsplit("/", 1)[-1], None))
        for name, member in candidates:
            if name not in found and name not in (dataset.filename, "download"):
                found[name] = (name, source, member)
    return list(found.values())


def manual_hint(dataset: DatasetFile, folder: Path) -> str:
    """What a student without internet can do to get `dataset` into `folder`.

    Parameters
    ----------
    dataset : DatasetFile
        The registry entry.
    folder : pathlib.Path
        The dataset's folder in the data home.

    Returns
    -------
    str
        The ways, with the original file names, their addresses and the folder.

    Examples
    --------
    >>> print(manual_hint(REGISTRY["wholesale"], Path("/data/wholesale")).splitlines()[-3])
        'wholesale+customers.zip' from https://archive.ics.uci.edu/static/public/292/wholesale+customers.zip
    """
    files = "\n".join(f"    {download_name(s)!r} from {s.url}" for s in dataset.sources)
    return (
        "Without internet, either\n"
        "  - run `make data` (or kamlab.datasets.fetch_all()) on a computer with internet, copy the data home "
        "it fills (KAMLAB_DATA, else ~/kamlab_data) to this computer, a USB stick or a shared drive, and set "
        "the environment variable KAMLAB_DATA to that copy; or\n"
        f"  - download one of these files by hand, keep its name, and put it into the folder {folder}:\n"
        f"{files}\n"
        "    kamlab extracts or converts it and checks it the first time the data is used."
    )
