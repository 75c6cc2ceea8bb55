"""The set-up check of the start-here notebook: is everything the course needs installed and at hand?

It checks kamlab's dependencies, the case company, and each public dataset file: there and
checksum-verified, or downloadable on first use (a quick reachability test of its source),
or neither, with exactly what to do. It says "All set" only when every later notebook can
get its data.
"""

from __future__ import annotations

import importlib
import re
from importlib import metadata

__all__ = ["check_setup"]

# distribution name -> module name, where they differ
_MODULES = {"scikit-learn": "sklearn", "pyyaml": "yaml", "ipython": "IPython", "python-pptx": "pptx", "ibis-framework": "ibis"}


def _import(module):
    """Import ``module`` as a check that it works, leaving matplotlib's backend as it was.

    ``import ipympl`` makes ipympl matplotlib's backend: after the set-up check every
    ``plt.show()`` of the notebook would give a widget instead of a picture.
    """
    if module == "ipympl":
        from kamlab._util.live import ipympl_canvas

        ipympl_canvas()  # imports ipympl's backend and restores the previous one
        return
    importlib.import_module(module)


def _requirements():
    """(name, minimum version) of kamlab's own dependencies, read from its metadata."""
    try:
        requires = metadata.requires("kamlab") or []
    except metadata.PackageNotFoundError:  # running from a source folder without installing
        return []
    found = []
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(?:>=\s*([\w.]+))?", requirement)
        if match:
            found.append((match.group(1).lower(), match.group(2)))
    return found


def _version_tuple(text):
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


# (English, German) texts of the dataset lines, by kamlab.set_language
_TEXTS = {
    "verified": ("✔ dataset {path}: here, checksum verified", "✔ Datensatz {path}: vorhanden, Prüfsumme geprüft"),
    "downloadable": (
        "✔ dataset {path}: not here yet, downloaded on first use{size} from {host}",
        "✔ Datensatz {path}: noch nicht vorhanden, wird bei der ersten Verwendung{size} von {host} geladen",
    ),
    "damaged": ("✘ dataset {path}: {message}", "✘ Datensatz {path}: {message}"),
    "missing": (
        "✘ dataset {path}: not in the data home and its source cannot be reached (no internet?).\n"
        "  Download one of these files by hand, keep its name, and put it into the folder {folder}\n"
        "  (kamlab extracts or converts it and checks it the first time the data is used):\n{files}",
        "✘ Datensatz {path}: nicht im Datenordner, und die Quelle ist nicht erreichbar (kein Internet?).\n"
        "  Eine dieser Dateien von Hand herunterladen, ihren Namen lassen und in den Ordner {folder} legen\n"
        "  (kamlab entpackt oder wandelt sie bei der ersten Verwendung um und prüft sie):\n{files}",
    ),
    "make_data": (
        "Or prepare the data where there is internet: run `make data` there, copy the data home it fills "
        "(KAMLAB_DATA, else ~/kamlab_data) to this computer, a USB stick or a shared drive, set the "
        "environment variable KAMLAB_DATA to that copy, and restart the kernel. Data home now: {home}",
        "Oder die Daten dort vorbereiten, wo es Internet gibt: dort `make data` ausführen, den damit gefüllten "
        "Datenordner (KAMLAB_DATA, sonst ~/kamlab_data) auf diesen Rechner, einen USB-Stick oder ein "
        "Netzlaufwerk kopieren, die Umgebungsvariable KAMLAB_DATA auf diese Kopie setzen und den Kernel neu "
        "starten. Datenordner jetzt: {home}",
    ),
    "file": ("    {name!r} from {url}", "    {name!r} von {url}"),
    "not_installed": ("✘ {name}: not installed. Run `make lab` again (or pip install {name}).",
                      "✘ {name}: nicht installiert. `make lab` noch einmal ausführen (oder pip install {name})."),
    "too_old": ("✘ {name}: version {installed} is too old, kamlab needs {minimum} or newer.",
                "✘ {name}: Version {installed} ist zu alt, kamlab braucht {minimum} oder neuer."),
    "case": ("✔ case company data: {accounts} accounts, {lines} invoice lines",
             "✔ Daten der Fallstudie: {accounts} Kunden, {lines} Rechnungspositionen"),
    "case_failed": ("✘ case company data: {error}", "✘ Daten der Fallstudie: {error}"),
    "datasets_failed": ("✘ datasets: {error}", "✘ Datensätze: {error}"),
    "all_set": ("All set: the course is ready.", "Alles bereit: der Kurs kann beginnen."),
    "missing_any": (
        "Something is missing: see the ✘ lines above.",
        "Etwas fehlt: siehe die Zeilen mit ✘ oben.",
    ),
}


def _text(key, **values):
    from kamlab.config import get_language

    english, german = _TEXTS[key]
    return (german if get_language() == "de" else english).format(**values)


def _megabytes(size):
    """`size` bytes in MB with one decimal, with the decimal mark of the language ("23.7" / "23,7")."""
    from kamlab.config import get_language

    text = f"{size / 1e6:.1f}"
    return text.replace(".", ",") if get_language() == "de" else text


def _dataset_lines(data_home, timeout):
    """(lines, ok) for the public dataset files."""
    from kamlab.data.datasets.classroom import dataset_status, host
    from kamlab.data.datasets.download import get_data_home
    from kamlab.data.datasets.registry import download_name

    lines, ok, missing = [], True, False
    for status in dataset_status(data_home, timeout=timeout):
        path = status.dataset.relative_path
        if status.state == "verified":
            lines.append(_text("verified", path=path))
        elif status.state == "downloadable":
            size = "" if status.size is None else f" ({_megabytes(status.size)} MB)"
            lines.append(_text("downloadable", path=path, size=size, host=host(status.url)))
        elif status.state == "damaged":
            ok = False
            lines.append(_text("damaged", path=path, message=status.message))
        else:
            ok, missing = False, True
            files = "\n".join(_text("file", name=download_name(s), url=s.url) for s in status.dataset.sources)
            lines.append(_text("missing", path=path, folder=status.folder, files=files))
    if missing:
        lines.append(_text("make_data", home=get_data_home(data_home)))
    return lines, ok


def check_setup(verbose=True, *, data_home=None, timeout=3.0):
    """Check kamlab's dependencies, the case company, and that every public dataset can be had.

    Prints one line per check (without version numbers or paths when all is well, so the
    output stays the same across upgrades and computers) and returns True when everything
    is in order. A dataset file is in order when it is in the data home with the right
    checksum (made first from an original put into its folder by hand, if there is one),
    or when it is not there but its source answers a quick request (it is downloaded on
    first use). Otherwise its ✘ line says what to do without internet.

    Parameters
    ----------
    verbose : bool, default=True
        Print the lines; with False only the return value tells.
    data_home : str or path-like, optional
        The data home to check (default: ``KAMLAB_DATA``, else ``~/kamlab_data``).
    timeout : float, default=3.0
        Seconds the reachability test waits for a dataset's source.

    Returns
    -------
    bool
        True when every check passed ("All set").
    """
    lines, ok = [], True
    for name, minimum in _requirements():
        try:
            installed = metadata.version(name)
            _import(_MODULES.get(name, name.replace("-", "_")))
        except (metadata.PackageNotFoundError, ImportError):
            ok = False
            lines.append(_text("not_installed", name=name))
            continue
        if minimum and _version_tuple(installed) < _version_tuple(minimum):
            ok = False
            lines.append(_text("too_old", name=name, installed=installed, minimum=minimum))
        else:
            lines.append(f"✔ {name}")
    try:
        from kamlab.data.case import load_case

        case = load_case()
        from kamlab._util.format import count

        lines.append(_text("case", accounts=count(len(case.accounts)), lines=count(len(case.transactions))))
    except Exception as exc:  # the check reports, it does not fail the notebook
        ok = False
        lines.append(_text("case_failed", error=exc))
    try:
        dataset_lines, datasets_ok = _dataset_lines(data_home, timeout)
    except Exception as exc:  # e.g. a data_home that is not a path
        dataset_lines, datasets_ok = [_text("datasets_failed", error=exc)], False
    lines.extend(dataset_lines)
    ok = ok and datasets_ok
    lines.append(_text("all_set") if ok else _text("missing_any"))
    if verbose:
        print("\n".join(lines))
    return ok
