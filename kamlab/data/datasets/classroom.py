"""Preparing a room: fetch every dataset at once, and tell whether each one can be had.

:func:`fetch_all` downloads every public dataset file into the data home once (``make
data``), so that a trainer can copy the data home to a USB stick or a shared drive for a
room without internet. :func:`dataset_status` says for each file whether it is there and
verified, can be downloaded (a quick reachability test of its sources), or neither; the
set-up check of the start-here notebook prints it.
"""

from __future__ import annotations

import concurrent.futures
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kamlab.data.datasets.download import (
    download,
    from_local_original,
    get_data_home,
    list_datasets,
    verified_content,
)
from kamlab.data.datasets.registry import REGISTRY, DatasetFile, manual_hint, original_names
from kamlab.errors import DatasetError

__all__ = ["FileStatus", "dataset_status", "fetch_all", "source_reachable"]

#: seconds the reachability test waits for a server
REACH_TIMEOUT = 3.0


def fetch_all(data_home=None, *, progress=True):
    """Fetch every public dataset file once into the data home (for preparing a room).

    Files already there are only verified; missing ones are made from an original put
    into their folder by hand, or downloaded. ``make data`` calls this function; copy the
    filled data home to where the room can read it and set ``KAMLAB_DATA`` to it.

    Parameters
    ----------
    data_home : str or path-like, optional
        See :func:`~kamlab.data.datasets.get_data_home` (``KAMLAB_DATA``, else ``~/kamlab_data``).
    progress : bool, default=True
        Show a progress bar over the files (and pooch's bar of each download's bytes).

    Returns
    -------
    pandas.DataFrame
        :func:`~kamlab.data.datasets.list_datasets` after fetching: one row per file,
        ``cached`` True for each.

    Raises
    ------
    DatasetError
        At least one file could not be fetched; the message lists each failure and what
        to do (the other files are fetched all the same).

    Examples
    --------
    >>> from kamlab import datasets
    >>> table = datasets.fetch_all()             # doctest: +SKIP
    >>> table[["name", "path", "cached"]]        # doctest: +SKIP
    """
    home = get_data_home(data_home)
    entries = list(REGISTRY.values())
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(entries), unit="file", desc="kamlab datasets", position=0)
    failures = []
    try:
        for dataset in entries:
            if bar is not None:
                bar.set_postfix_str(dataset.relative_path)
            try:
                _fetch_one(dataset, home, progress)
            except DatasetError as exc:
                failures.append(f"{dataset.relative_path}: {exc}")
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    if failures:
        raise DatasetError(
            f"{len(failures)} of {len(entries)} dataset files could not be fetched into {home}:\n\n"
            + "\n\n".join(failures)
        )
    return list_datasets(home)


def _fetch_one(dataset: DatasetFile, home: Path, progress: bool) -> None:
    target = home / dataset.folder / dataset.filename
    if not target.is_file() and not from_local_original(dataset, target):
        download(dataset, target, progress=progress)
    verified_content(dataset, home, download_if_missing=False)


def source_reachable(url, timeout=REACH_TIMEOUT):
    """Whether `url` answers, and the size of what it serves; reads at most its first byte.

    Parameters
    ----------
    url : str
        An http(s) address.
    timeout : float, default=3.0
        Seconds to wait for the server.

    Returns
    -------
    (bool, int or None)
        Reachable (the server answered 200 or 206), and the download's size in bytes
        if the server says it.
    """
    if not str(url).startswith(("http://", "https://")):
        return False, None
    request = urllib.request.Request(url, headers={"Range": "bytes=0-0", "User-Agent": "kamlab"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            status = response.status
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            length = response.headers.get("Content-Length")
    except (urllib.error.URLError, OSError, ValueError):
        return False, None
    if status not in (200, 206):
        return False, None
    size = total if status == 206 else length
    return True, int(size) if size and size.isdigit() else None


@dataclass(frozen=True)
class FileStatus:
    """Whether one dataset file can be had.

    Attributes
    ----------
    dataset : DatasetFile
        The registry entry.
    state : {"verified", "damaged", "downloadable", "missing"}
        There with the right checksum (made from an original in its folder if need be);
        there but wrong; not there but a source answers; neither.
    folder : pathlib.Path
        The dataset's folder in the data home.
    url : str or None
        For ``"downloadable"``: the source that answered.
    size : int or None
        For ``"downloadable"``: its size in bytes, if known.
    message : str
        For ``"damaged"``: the error; for ``"missing"``: what to do.
    """

    dataset: DatasetFile
    state: str
    folder: Path
    url: str | None = None
    size: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """Whether a notebook will get this file."""
        return self.state in ("verified", "downloadable")


def dataset_status(data_home=None, *, timeout=REACH_TIMEOUT):
    """Check each dataset file: present and verified, downloadable, or neither.

    A file that is there has its checksum verified; a file that is not there, but whose
    original (:func:`~kamlab.data.datasets.registry.original_names`) is in its folder,
    is made from that original now. For the others, the sources are tested with one quick
    request each (in parallel, `timeout` seconds at most).

    Parameters
    ----------
    data_home : str or path-like, optional
        See :func:`~kamlab.data.datasets.get_data_home`.
    timeout : float, default=3.0
        Seconds the reachability test waits for a server.

    Returns
    -------
    list of FileStatus
        One per registry entry, in the registry's order.
    """
    home = get_data_home(data_home)
    found: dict[str, FileStatus] = {}
    to_reach: list[DatasetFile] = []
    for dataset in REGISTRY.values():
        folder = home / dataset.folder
        has_original = any((folder / name).is_file() for name, _, _ in original_names(dataset))
        if not (folder / dataset.filename).is_file() and not has_original:
            to_reach.append(dataset)
            continue
        try:
            verified_content(dataset, home, download_if_missing=False)
        except DatasetError as exc:
            found[dataset.name] = FileStatus(dataset, "damaged", folder, message=str(exc))
        else:
            found[dataset.name] = FileStatus(dataset, "verified", folder)
    urls = sorted({s.url for d in to_reach for s in d.sources})
    answers = dict.fromkeys(urls, (False, None))
    if urls:
        # in parallel, and bounded: a name lookup that hangs (no network) counts as unreachable
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(8, len(urls)))
        futures = {pool.submit(source_reachable, url, timeout): url for url in urls}
        done, _ = concurrent.futures.wait(futures, timeout=timeout + 1)
        pool.shutdown(wait=False, cancel_futures=True)
        answers.update({futures[f]: f.result() for f in done})
    for dataset in to_reach:
        folder = home / dataset.folder
        reachable = [(s.url, answers[s.url][1]) for s in dataset.sources if answers[s.url][0]]
        if reachable:
            url, size = reachable[0]
            found[dataset.name] = FileStatus(dataset, "downloadable", folder, url=url, size=size)
        else:
            found[dataset.name] = FileStatus(dataset, "missing", folder, message=manual_hint(dataset, folder))
    return [found[name] for name in REGISTRY]


def host(url: str) -> str:
    """The host part of `url`, e.g. ``archive.ics.uci.edu``."""
    return urlsplit(url).hostname or url
