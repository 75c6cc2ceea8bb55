"""The data home, the checksum-verified cache, and downloads with pooch.

pooch does the downloading: :func:`pooch.create` makes a :class:`pooch.Pooch` whose registry
holds the download's file name and, where kamlab knows it, its SHA-256; pooch streams the
file into a temporary file, verifies that checksum, moves it into place, and
:class:`pooch.Unzip` extracts the archive member. kamlab adds what pooch does not do:

- mirrors: pooch has one URL per file and no fallback to a second one
  (https://github.com/fatiando/pooch/issues/310), so kamlab tries the sources in order;
- the checksum of what is cached when it is not the download (an archive member, the
  converted Online Retail workbook), and of the cached file every time it is used, with
  messages that name the file and say what to do;
- the Online Retail conversion (:mod:`kamlab.data.datasets.online_retail`);
- originals downloaded by hand: a file as its public source serves it (the ``.zip``, the
  ``.xlsx``), put into the dataset's folder of the data home, is extracted or converted and
  verified on first use, with no network (:func:`from_local_original`);
- a read-only data home: kamlab never writes where the cached file is right, and
  downloads into a temporary folder that is removed whatever happens.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import shutil
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pooch

from kamlab.data.datasets.online_retail import write_csv_gz
from kamlab.data.datasets.registry import (
    REGISTRY,
    DatasetFile,
    Source,
    download_name,
    entry,
    manual_hint,
    original_names,
    pooch_registry,
)
from kamlab.errors import ChecksumError, DatasetError, KamlabError, ParameterError

__all__ = [
    "DATA_HOME_ENV",
    "DEFAULT_DATA_HOME",
    "clear_data_home",
    "download",
    "fetch_file",
    "from_local_original",
    "get_data_home",
    "list_datasets",
    "verified_content",
]

#: Environment variable that sets the data home when no ``data_home`` argument is given.
DATA_HOME_ENV = "KAMLAB_DATA"
#: Data home used when neither the argument nor the environment variable is set.
DEFAULT_DATA_HOME = "~/kamlab_data"

# seconds to wait for a server before giving up on a mirror
_TIMEOUT = 60
# refuse to extract an archive member larger than this (protection against zip bombs)
_MAX_MEMBER_BYTES = 500 * 1024**2


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

    Raises
    ------
    ParameterError
        `data_home` is not a path, or is empty.
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

    Only the files listed in :data:`~kamlab.data.datasets.REGISTRY` are removed (and
    their folders, if they are then empty); nothing else in the data home is touched.

    Parameters
    ----------
    data_home : str or path-like, optional
        See :func:`get_data_home`.

    Returns
    -------
    list of pathlib.Path
        The files that were deleted.

    Raises
    ------
    DatasetError
        A file cannot be deleted.
    """
    home = get_data_home(data_home)
    removed = []
    for e in REGISTRY.values():
        path = home / e.folder / e.filename
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


def _read_content(dataset: DatasetFile, path: Path) -> bytes:
    """The bytes the checksum is computed on: the file, or its decompressed content."""
    data = path.read_bytes()
    if dataset.content == "gzip":
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


def _what_was_hashed(dataset: DatasetFile) -> str:
    return "SHA-256 of the decompressed content" if dataset.content == "gzip" else "SHA-256"


def _not_cached_error(dataset: DatasetFile, path: Path) -> DatasetError:
    return DatasetError(
        f"The dataset file {dataset.filename!r} is not in the data home: looked for {path}.\n"
        "With internet: call the fetch function with download_if_missing=True (downloads it once), "
        f"or point KAMLAB_DATA / data_home at a folder that holds {dataset.relative_path}.\n"
        + manual_hint(dataset, path.parent)
    )


def verified_content(dataset: DatasetFile, data_home, download_if_missing: bool) -> bytes:
    """Return the cached file's checksum-verified content, downloading it first if needed.

    Parameters
    ----------
    dataset : DatasetFile
        The registry entry.
    data_home : str or path-like or None
        See :func:`get_data_home`.
    download_if_missing : bool
        Download the file if it is not cached; otherwise raise :class:`DatasetError`.

    Returns
    -------
    bytes
        The file's content (decompressed for ``content="gzip"``).

    Raises
    ------
    DatasetError
        The file is missing and may not or cannot be downloaded.
    ChecksumError
        The cached or downloaded file has the wrong checksum; the cached file is left
        alone and the message says to delete it.
    """
    path = get_data_home(data_home) / dataset.folder / dataset.filename
    if path.exists() and not path.is_file():
        raise DatasetError(f"{path} should be the cached file {dataset.filename}, but it is not a file.")
    if not path.is_file() and not from_local_original(dataset, path):
        if not download_if_missing:
            raise _not_cached_error(dataset, path)
        download(dataset, path)
    data = _read_content(dataset, path)
    actual = _sha256(data)
    if actual != dataset.sha256:
        raise ChecksumError(
            f"The cached file {path} is not the file kamlab expects: its {_what_was_hashed(dataset)} is "
            f"{actual}, expected {dataset.sha256}. It may be damaged or edited. Delete it and call the "
            "fetch function again to download a fresh copy."
        )
    return data


def fetch_file(name, data_home=None, *, download_if_missing=True) -> Path:
    """Return the path of a cached, checksum-verified dataset file.

    Parameters
    ----------
    name : str
        A key of :data:`~kamlab.data.datasets.REGISTRY` (see :func:`list_datasets`).
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
    ParameterError
        kamlab knows no file called `name`.
    DatasetError
        The file is missing and may not or cannot be downloaded.
    ChecksumError
        The cached or downloaded file has the wrong checksum.
    """
    dataset = entry(name)
    verified_content(dataset, data_home, download_if_missing)
    return get_data_home(data_home) / dataset.folder / dataset.filename


# --------------------------------------------------------------------------- download


@contextlib.contextmanager
def _quiet_pooch():
    """Silence pooch's info messages (kamlab says what it downloads, in its own words)."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        yield
    finally:
        logger.setLevel(level)


def _say(message: str) -> None:
    from tqdm.auto import tqdm

    tqdm.write(f"kamlab: {message}", file=sys.stderr)  # above any progress bar, not through it


class _BytesBar:
    """The progress bar pooch fills while downloading (pooch takes any truthy object with
    ``total``, ``update``, ``reset`` and ``close``; a tqdm bar without a total is not truthy)."""

    def __init__(self, name: str):
        from tqdm.auto import tqdm

        self._bar = tqdm(total=None, unit="B", unit_scale=True, leave=False, desc=name, position=1)

    def __bool__(self) -> bool:
        return True

    @property
    def total(self):
        return self._bar.total

    @total.setter
    def total(self, value):
        self._bar.total = value or None
        self._bar.refresh()

    def update(self, n):
        self._bar.update(n)

    def reset(self):
        self._bar.reset(total=self._bar.total)

    def close(self):
        self._bar.close()


def download(dataset: DatasetFile, target: Path, *, progress: bool = False) -> None:
    """Download `dataset` into `target`, trying its mirrors in order; verify before keeping.

    Parameters
    ----------
    dataset : DatasetFile
        The registry entry.
    target : pathlib.Path
        Where the cached file goes. Its folder is created if needed (and removed again
        if the download fails); the download happens in a temporary folder beside it,
        which is always removed.
    progress : bool, default=False
        Show pooch's progress bar of the bytes downloaded.

    Raises
    ------
    DatasetError
        No mirror could be downloaded; the message lists each mirror's failure.
    ChecksumError
        At least one mirror gave a file with the wrong checksum, and none the right one.
    """
    folder = target.parent
    created = not folder.exists()
    workdir = _workdir(dataset, folder, "download")
    failures = []
    checksum_failed = False
    try:
        # pooch has no mirror fallback (one URL per registry file; retry_if_failed only
        # repeats the same URL), so kamlab loops over the sources, one Pooch per source.
        for number, source in enumerate(dataset.sources):
            try:
                produced = _fetch_source(dataset, source, workdir / f"attempt{number}", progress)
            except ChecksumError as exc:
                checksum_failed = True
                failures.append(f"  {source.url}: wrong checksum: {exc}")
            except DatasetError as exc:
                failures.append(f"  {source.url}: {exc}")
            else:
                os.replace(produced, target)
                _say(f"saved {target}")
                return
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()  # leave no empty folder behind
    raise _download_error(dataset, target, failures, checksum_failed)


def _download_error(dataset: DatasetFile, target: Path, failures: list[str], checksum_failed: bool):
    error = ChecksumError if checksum_failed else DatasetError
    hint = (
        "The file at the source is not the one kamlab was made for (it may have changed, or the "
        "download was damaged); nothing was saved. Try again later, or report this to kamlab."
        if checksum_failed
        else "Check your internet connection.\n" + manual_hint(dataset, target.parent)
    )
    return error(f"Could not download {dataset.filename!r}:\n" + "\n".join(failures) + "\n" + hint)


def _workdir(dataset: DatasetFile, folder: Path, what: str) -> Path:
    """A new temporary folder inside `folder` (created if needed), for making the cached file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".kamlab-download-", dir=folder))
    except OSError as exc:
        raise DatasetError(
            f"Cannot {what} {dataset.filename!r}: the folder {folder} cannot be written to ({exc}). "
            "Pass data_home= (or set KAMLAB_DATA to) a folder you can write to."
        ) from exc


def _downloader(url: str, progress: bool = False):
    """pooch's downloader for `url`, with kamlab's timeout and, if asked, a progress bar."""
    if url.startswith(("http://", "https://")):
        bar = _BytesBar(download_name(Source(url))) if progress else False
        return pooch.HTTPDownloader(progressbar=bar, timeout=_TIMEOUT)
    if url.startswith("ftp://"):
        return pooch.FTPDownloader(progressbar=False, timeout=_TIMEOUT)
    raise DatasetError("kamlab downloads only over http, https or ftp")


def _fetch_source(dataset: DatasetFile, source: Source, workdir: Path, progress: bool = False) -> Path:
    """Download one source with pooch into `workdir`; return the verified file to cache."""
    _say(f"downloading {dataset.name} from {source.url}")
    downloader = _downloader(source.url, progress)
    registry = pooch_registry(dataset, source)
    ((fname, known_hash),) = registry.items()
    store = pooch.create(
        path=workdir,
        base_url=source.url.rsplit("/", 1)[0] + "/",
        registry=registry,
        urls={fname: source.url},
        allow_updates=False,
    )
    processor = None if source.member is None else _ArchiveMember(source.member)
    try:
        with _quiet_pooch():
            produced = Path(store.fetch(fname, processor=processor, downloader=downloader))
    except KamlabError:
        raise
    except ValueError as exc:  # pooch: the download's hash is not the one in the registry
        if known_hash is None:
            raise DatasetError(f"download failed ({exc})") from exc
        raise ChecksumError(str(exc)) from exc
    except OSError as exc:  # requests' errors are OSErrors too
        raise DatasetError(f"download failed ({exc})") from exc
    if dataset.is_download(source) and known_hash == f"sha256:{dataset.sha256}":
        return produced  # pooch has verified it
    return _convert_and_verify(dataset, produced, workdir)


def _convert_and_verify(dataset: DatasetFile, produced: Path, workdir: Path) -> Path:
    """Turn a download (an extracted member, or the file itself) into the cached file; verify it."""
    if dataset.convert == "xlsx_to_csv_gz":
        _say(f"converting {produced.name} to CSV (about a minute for the full workbook)")
        produced = write_csv_gz(produced, workdir / dataset.filename)
    elif dataset.convert != "copy":  # pragma: no cover - registry error
        raise DatasetError(f"unknown conversion {dataset.convert!r} for {dataset.name}")
    actual = _sha256(_read_content(dataset, produced))
    if actual != dataset.sha256:
        raise ChecksumError(f"its {_what_was_hashed(dataset)} is {actual}, expected {dataset.sha256}")
    return produced


def from_local_original(dataset: DatasetFile, target: Path) -> bool:
    """Make the cached file from an original a student put into its folder by hand; no network.

    The files looked for are those of :func:`original_names` (what the public sources
    serve, e.g. ``online+retail.zip`` or ``Online Retail.xlsx``) in the folder of `target`.
    The first one found is extracted and converted exactly as a download would be, its
    checksum verified, and the result saved as `target`. The original is left in place.

    Parameters
    ----------
    dataset : DatasetFile
        The registry entry.
    target : pathlib.Path
        Where the cached file goes.

    Returns
    -------
    bool
        ``False`` when no original is in the folder (nothing done), ``True`` when the
        cached file was made.

    Raises
    ------
    ChecksumError
        The original found is not the published one (or not a readable archive or
        workbook); the message names the file. Nothing is saved.
    DatasetError
        The folder cannot be written to, or the archive lacks the member.
    """
    folder = target.parent
    found = [(folder / name, member) for name, _, member in original_names(dataset) if (folder / name).is_file()]
    if not found:
        return False
    workdir = _workdir(dataset, folder, "convert")
    failures, checksum_failed = [], False
    try:
        for number, (original, member) in enumerate(found):
            _say(f"making {dataset.filename} from {original.name}, found in {folder}")
            part = workdir / f"local{number}"
            part.mkdir()
            try:
                raw = original if member is None else _extract(original, member, part)
                if raw == original and dataset.convert == "copy":
                    raw = Path(shutil.copyfile(original, part / dataset.filename))
                produced = _convert_and_verify(dataset, raw, part)
            except ChecksumError as exc:
                checksum_failed = True
                failures.append(f"  {original}: {exc}")
            except DatasetError as exc:
                failures.append(f"  {original}: {exc}")
            else:
                os.replace(produced, target)
                _say(f"saved {target}")
                return True
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    error = ChecksumError if checksum_failed else DatasetError
    raise error(
        f"kamlab found the original of {dataset.filename!r} in {folder} but cannot use it:\n"
        + "\n".join(failures)
        + "\nIt is not the file the public source serves (damaged, changed, or a different file). "
        "Download it again, keep its name, and replace it; or delete it and let kamlab download "
        f"the data. Sources: {', '.join(s.url for s in dataset.sources)}"
    )


def _extract(archive: Path, member: str, workdir: Path) -> Path:
    """Extract `member` of the zip `archive` into `workdir`, with the checks of :class:`_ArchiveMember`."""
    try:
        with zipfile.ZipFile(archive) as zf:
            info = _checked_member(zf, member)
            target = workdir / member.rsplit("/", 1)[-1]
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ChecksumError(f"not a valid zip archive ({exc})") from exc
    return target


def _checked_member(archive: zipfile.ZipFile, member: str) -> zipfile.ZipInfo:
    """The archive's `member`; DatasetError when it is missing or implausibly large."""
    try:
        info = archive.getinfo(member)
    except KeyError:
        names = ", ".join(repr(n) for n in archive.namelist()[:10])
        raise DatasetError(f"the archive has no member {member!r} (it holds {names})") from None
    if info.file_size > _MAX_MEMBER_BYTES:
        raise DatasetError(f"the archive member {member!r} is implausibly large ({info.file_size} bytes)")
    return info


class _ArchiveMember:
    """pooch processor: check a zip archive's member, then extract it with :class:`pooch.Unzip`.

    pooch's ``Unzip`` extracts nothing (and says nothing) when the member is missing, and
    has no size limit; kamlab checks both first, with messages that say what is wrong.

    Parameters
    ----------
    member : str
        The name of the archive member to extract.
    """

    def __init__(self, member: str):
        self.member = member

    def __call__(self, fname: str, action: str, store: pooch.Pooch) -> str:
        """Called by :meth:`pooch.Pooch.fetch` with the downloaded archive; return the member's path.

        Raises
        ------
        DatasetError
            The archive has no such member, or it is implausibly large.
        ChecksumError
            The download is not a valid zip archive.
        """
        try:
            with zipfile.ZipFile(fname) as archive:
                _checked_member(archive, self.member)
            unzip = pooch.Unzip(members=[self.member])  # into <archive>.unzip/
            extracted = [Path(p) for p in unzip(fname, action, store)]
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ChecksumError(f"the download is not a valid zip archive ({exc})") from exc
        wanted = Path(unzip.extract_dir) / self.member
        if wanted not in extracted:  # pragma: no cover - getinfo found it
            raise DatasetError(f"pooch did not extract {self.member!r} from the archive")
        return str(wanted)
