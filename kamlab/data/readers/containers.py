"""What a file is, by its content rather than its name, and unpacking ``.gz`` and ``.zip``.

``_load`` looks at a file's first bytes: Parquet (``PAR1``), an Excel workbook (a ZIP
archive holding ``xl/workbook.xml``), a ZIP archive holding one data file (or the
``member=`` named), gzip, an old Excel or other Office file (``.xls``), a PDF or a web
page saved under a spreadsheet's name; everything else is text. The name counts only
where the content does not tell (a broken file named ``.parquet``).
"""


from __future__ import annotations

import gzip
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kamlab._util.format import translator
from kamlab.data.readers.report import _display
from kamlab.errors import DataFormatError, ParameterError

_t = translator({
    "old_excel": ("an old Excel file (.xls)", "eine alte Excel-Datei (.xls)"),
    "other_office": ("an Office document but not an Excel workbook", "ein Office-Dokument, aber keine Excel-Arbeitsmappe"),
    "old_office": (
        "{name} is {what}. Open it in Excel and save it as .xlsx or as CSV.",
        "{name} ist {what}. Öffnen Sie die Datei in Excel und speichern Sie sie als .xlsx oder als CSV.",
    ),
    "pdf": (
        "{name} is a PDF document, not a table kamlab can read. Export the data from the system it comes from as "
        "CSV or as Excel (.xlsx) instead.",
        "{name} ist ein PDF-Dokument, keine Tabelle, die kamlab lesen kann. Exportieren Sie die Daten aus dem "
        "System, aus dem sie stammen, stattdessen als CSV oder als Excel (.xlsx).",
    ),
    "html": (
        "{name} is a web page (HTML), as some systems save under an Excel name. Open it in Excel and save it as "
        ".xlsx or CSV.",
        "{name} ist eine Webseite (HTML), wie manche Systeme sie unter einem Excel-Namen speichern. Öffnen Sie "
        "sie in Excel und speichern Sie sie als .xlsx oder CSV.",
    ),
    "not_zip": (
        "member={member!r} names a file inside a ZIP archive, but {name} is not a ZIP archive.",
        "member={member!r} nennt eine Datei in einem ZIP-Archiv, aber {name} ist kein ZIP-Archiv.",
    ),
    "workbook_member": (
        "member={member!r}: {name} is an Excel workbook, not a ZIP archive of files. Pass sheet_name= to choose "
        "a worksheet.",
        "member={member!r}: {name} ist eine Excel-Arbeitsmappe, kein ZIP-Archiv mit Dateien. Wählen Sie das "
        "Tabellenblatt mit sheet_name=.",
    ),
    "gzip": (
        "{name}: the file looks gzip-compressed but cannot be unpacked ({error}). Is the download complete?",
        "{name}: die Datei sieht gzip-komprimiert aus, lässt sich aber nicht entpacken ({error}). Ist der "
        "Download vollständig?",
    ),
    "parquet_inside": (
        "{name} holds a Parquet file. kamlab reads Parquet files only unpacked: extract it and pass the "
        ".parquet file.",
        "{name} enthält eine Parquet-Datei. kamlab liest Parquet-Dateien nur entpackt: entpacken Sie sie und "
        "übergeben Sie die .parquet-Datei.",
    ),
    "zip_inside": (
        "{name} holds another ZIP archive. Extract it and pass the file inside.",
        "{name} enthält ein weiteres ZIP-Archiv. Entpacken Sie es und übergeben Sie die Datei darin.",
    ),
    "in_archive": (" (file {member!r} in the archive)", " (Datei {member!r} im Archiv)"),
    "unpacked": (" (unpacked)", " (entpackt)"),
    "broken_zip": (
        "{name}: cannot open the file as an Excel workbook or ZIP archive ({error}). Is the download complete? "
        "An Excel file: open it in Excel and save it again as .xlsx.",
        "{name}: die Datei lässt sich weder als Excel-Arbeitsmappe noch als ZIP-Archiv öffnen ({error}). Ist der "
        "Download vollständig? Eine Excel-Datei: in Excel öffnen und erneut als .xlsx speichern.",
    ),
    "bad_member": (
        "{name}: cannot unpack {member!r} from the archive ({error}). Is the download complete or the archive "
        "password-protected? Extract it and pass the file.",
        "{name}: {member!r} lässt sich nicht aus dem Archiv entpacken ({error}). Ist der Download vollständig "
        "oder das Archiv passwortgeschützt? Entpacken Sie es und übergeben Sie die Datei.",
    ),
    "read_member": (
        "read the file {member!r} inside the ZIP archive {name}.",
        "die Datei {member!r} im ZIP-Archiv {name} gelesen.",
    ),
    "member_type": (
        "member must be the name of a file inside the archive, not {member!r}.",
        "member muss der Name einer Datei im Archiv sein, nicht {member!r}.",
    ),
    "no_member": ("{name} holds no file {member!r}. It holds: {files}.", "{name} enthält keine Datei {member!r}. Es enthält: {files}."),
    "nothing": ("nothing", "nichts"),
    "empty_zip": ("{name} is an empty ZIP archive: it holds no file.", "{name} ist ein leeres ZIP-Archiv: es enthält keine Datei."),
    "several": (
        "{name} is a ZIP archive with {n} files ({files}). Pass member= with the one to read, e.g. member={first!r}.",
        "{name} ist ein ZIP-Archiv mit {n} Dateien ({files}). Geben Sie mit member= an, welche gelesen werden "
        "soll, z. B. member={first!r}.",
    ),
})
_OLE2 = b"\xd0\xcf\x11\xe0"  # old Office files: .xls, .doc
_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_GZIP = b"\x1f\x8b"
# files in an archive that are never the data: folders and what macOS and Windows add
_IGNORED_MEMBERS = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass
class _Source:
    """A file's content: ``fmt`` ("text", "excel" or "parquet"), its bytes, and where it came from."""

    fmt: str
    data: bytes | None  # None: read the file itself (plain Parquet)
    member: str | None = None  # the ZIP member read
    notes: list = field(default_factory=list)
    stamp: tuple | None = None  # containers._stamp of the file whose bytes ``data`` are, as read

    def excel_source(self, path):
        """What openpyxl opens: the file itself, or the unpacked bytes."""
        return io.BytesIO(self.data) if self.data is not None else path


def _old_office_error(path, what="old_excel"):
    return ParameterError(_t("old_office", name=_display(path), what=_t(what)))


def _refuse_other_formats(data, path, inner=""):
    """Raise for content kamlab cannot read (.xls, PDF, a web page) with what to do instead."""
    name = _display(path) + inner
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data[:4] == _OLE2:
        raise _old_office_error(name)
    if head.startswith(b"%pdf-"):
        raise ParameterError(_t("pdf", name=name))
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        raise ParameterError(_t("html", name=name))


def _load(path, member=None):
    """Find what ``path`` holds and return it as a :class:`_Source`; unpack ``.gz`` and ``.zip``."""
    p = Path(path)
    with open(p, "rb") as fh:
        magic = fh.read(8)
    if magic[:4] == b"PAR1":
        _no_member(member, path)
        return _Source("parquet", None)
    if magic[:4] in (_ZIP, _EMPTY_ZIP) or (magic[:2] == b"PK" and p.name.lower().endswith((".xlsx", ".xlsm"))):
        data = p.read_bytes()
        return _from_zip(data, path, member)
    if p.name.lower().endswith((".parquet", ".pq")) and magic[:2] != _GZIP:
        _no_member(member, path)
        return _Source("parquet", None)
    stamp = _stamp(p)
    data = p.read_bytes()
    if data[:2] == _GZIP:
        _no_member(member, path)
        data = _gunzip(data, path)
        return _classify(data, path, inner=_t("unpacked"))
    _no_member(member, path)
    source = _classify(data, path)
    if stamp == _stamp(p) and stamp[0] == len(data):  # the bytes are the file's, unchanged while read
        source.stamp = stamp
    return source


def _stamp(path):
    """``(size, modification and change time in ns, inode)`` of the file ``path``: it changed if they did (the
    change time moves with every write, and no program can set it back)."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _no_member(member, path):
    if member is not None:
        raise ParameterError(_t("not_zip", member=member, name=_display(path)))


def _gunzip(data, path):
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DataFormatError(_t("gzip", name=_display(path), error=exc), path=str(path)) from None


def _classify(data, path, inner="", member=None):
    """The format of unpacked ``data``: Excel (a workbook inside), Parquet or text."""
    _refuse_other_formats(data, path, inner)
    if data[:4] == b"PAR1":
        raise ParameterError(_t("parquet_inside", name=_display(path) + inner))
    if data[:4] == _ZIP:
        if member is not None or inner:
            if _is_workbook(data):
                return _Source("excel", data, member)
            raise ParameterError(_t("zip_inside", name=_display(path) + inner))
    return _Source("text", data, member)


def _is_workbook(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _from_zip(data, path, member):
    """An Excel workbook, or the data file inside a ZIP archive."""
    name = _display(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataFormatError(_t("broken_zip", name=name, error=type(exc).__name__), path=str(path)) from None
    with archive:
        if "xl/workbook.xml" in names:
            if member is not None:
                raise ParameterError(_t("workbook_member", member=member, name=name))
            return _Source("excel", data)
        if "[Content_Types].xml" in names:
            raise _old_office_error(path, "other_office")
        chosen = _choose_member(names, member, name)
        try:
            inner = archive.read(chosen)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise DataFormatError(_t("bad_member", name=name, member=chosen, error=error), path=str(path)) from None
    if inner[:2] == _GZIP:
        inner = _gunzip(inner, path)
    source = _classify(inner, path, inner=_t("in_archive", member=chosen), member=chosen)
    source.notes.append(_t("read_member", member=chosen, name=name))
    return source


def _choose_member(names, member, name):
    """The archive member to read: ``member``, or the only data file in the archive."""
    files = [n for n in names if not n.endswith("/") and not any(s in n for s in _IGNORED_MEMBERS)]
    if member is not None:
        if not isinstance(member, str):
            raise ParameterError(_t("member_type", member=member))
        if member in files:
            return member
        by_base = [n for n in files if n.rsplit("/", 1)[-1] == member]
        if len(by_base) == 1:
            return by_base[0]
        raise ParameterError(_t("no_member", name=name, member=member, files=", ".join(map(repr, files)) or _t("nothing")))
    if not files:
        raise DataFormatError(_t("empty_zip", name=name), path=name)
    if len(files) > 1:
        listed = ", ".join(map(repr, files[:10])) + (", ..." if len(files) > 10 else "")
        raise ParameterError(_t("several", name=name, n=len(files), files=listed, first=files[0]))
    return files[0]
