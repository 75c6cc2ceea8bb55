"""The KAM dashboard without code (Voilà): data source, four explorers in tabs, the report to download.

A thin ipywidgets layer over kamlab's explorers -- :class:`~kamlab.identify.widgets.ABCExplorer`
(key accounts), :class:`~kamlab.portfolios.widgets.PortfolioExplorer` (weight sliders),
:class:`~kamlab.potential.widgets.PotentialExplorer` (wallet and headroom) and
:class:`~kamlab.projects.widgets.PipelineExplorer` (follow-up) -- on the case company or on the
client's own export (an upload, or a path on the server for a file bigger than an upload may be),
read with :func:`kamlab.read_transactions`; its load report is shown, bad input is a message, never a
traceback. The download button builds the report of what is on screen (:func:`kamlab.report.build`
with the data, the language and the portfolio weights shown) and offers the Excel workbook or the
PowerPoint deck as a link (a ``data:`` URI, which works in Voilà and JupyterLab alike).
``dashboards/kam_dashboard.ipynb`` shows a :class:`Dashboard`; ``make dashboard`` serves it.

Like the explorers it keeps its controls and results as attributes, so its logic is tested by
setting values, without a browser.
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
from pathlib import Path

import ipywidgets as widgets

from kamlab._util.format import translator
from kamlab._util.live import show_widget
from kamlab.config import get_language, language, set_language
from kamlab.errors import KamlabError

__all__ = ["Dashboard", "upload_limit", "upload_guard", "TABS", "MIME"]

#: The tabs, in order.
TABS = ("key_accounts", "portfolio", "potential", "followup")
#: Download formats: file ending -> MIME type.
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
_DEFAULT_LIMIT_MB = 10  # tornado's websocket_max_message_size when nothing is configured

_TEXT = {
    "title": ("Key-account dashboard", "Key-Account-Dashboard"),
    "key_accounts": ("Key accounts", "Key Accounts"),
    "portfolio": ("Portfolio", "Portfolio"),
    "potential": ("Potential", "Potenzial"),
    "followup": ("Follow-up", "Nachfassen"),
    "source_case": ("Data: the case company Kesselbach Antriebstechnik GmbH (invoice lines 2023-2025, ratings, "
                    "firmographics, quotes).",
                    "Daten: die Fallstudie Kesselbach Antriebstechnik GmbH (Rechnungspositionen 2023-2025, "
                    "Bewertungen, Firmendaten, Angebote)."),
    "source_file": ("Data: your export {name} ({n} accounts).", "Daten: Ihr Export {name} ({n} Kunden)."),
    "upload": ("Upload export (CSV/XLSX)", "Export hochladen (CSV/XLSX)"),
    "use_case": ("Back to the case company", "Zurück zur Fallstudie"),
    "path": ("File on the server", "Datei auf dem Server"),
    "load_path": ("Load", "Laden"),
    "limit": ("Uploads up to {mb} MB. For a bigger file, put it on the server and enter its path below, or use "
              "the command line: <code>kamlab report FILE --out FOLDER</code>.",
              "Hochladen bis {mb} MB. Eine größere Datei legen Sie auf den Server und geben unten ihren Pfad an, "
              "oder Sie nutzen die Kommandozeile: <code>kamlab report DATEI --out ORDNER</code>."),
    "too_big": ("{name} has {size} MB, more than the {mb} MB an upload may have. Put the file on the server and "
                "enter its path in “File on the server”, or use the command line: kamlab report {name} --out FOLDER.",
                "{name} hat {size} MB, mehr als die {mb} MB, die ein Upload haben darf. Legen Sie die Datei auf den "
                "Server und geben Sie ihren Pfad unter „Datei auf dem Server“ an, oder nutzen Sie die "
                "Kommandozeile: kamlab report {name} --out ORDNER."),
    "no_path": ("There is no file {path} on the server.", "Die Datei {path} gibt es auf dem Server nicht."),
    "loaded": ("Loaded", "Geladen"),
    "not_loaded": ("Not loaded: the dashboard keeps the data it had.",
                   "Nicht geladen: das Dashboard behält die bisherigen Daten."),
    "needs_ratings": ("The portfolio needs ratings of the accounts (criteria on 1-10 scales), which an export of "
                      "invoice lines does not have. Use the command line with --ratings FILE, or Python: "
                      "kamlab.report.build(lines, ratings=...).",
                      "Das Portfolio braucht Bewertungen der Kunden (Kriterien auf Skalen 1-10), die ein Export "
                      "von Rechnungspositionen nicht hat. Nutzen Sie die Kommandozeile mit --ratings DATEI oder "
                      "Python: kamlab.report.build(lines, ratings=...)."),
    "needs_firmographics": ("The potential (wallet and headroom) needs firmographics of every account (employees, "
                            "plants, industry, region), which an export of invoice lines does not have. Use "
                            "the command line with --accounts FILE, or Python.",
                            "Das Potenzial (Kundenpotenzial und ungenutztes Potenzial) braucht Firmendaten jedes Kunden "
                            "(Mitarbeiter, Werke, Branche, Region), die ein Export von Rechnungspositionen nicht "
                            "hat. Nutzen Sie die Kommandozeile mit --accounts DATEI oder Python."),
    "needs_projects": ("The follow-up needs the quotes (a CRM export). Use the command line with --projects FILE.",
                       "Das Nachfassen braucht die Angebote (einen CRM-Export). Nutzen Sie die Kommandozeile mit "
                       "--projects DATEI."),
    "format": ("Report as", "Bericht als"),
    "make": ("Create report", "Bericht erstellen"),
    "making": ("Creating the report ...", "Bericht wird erstellt ..."),
    "download": ("Download {file} ({kb} KB)", "{file} herunterladen ({kb} KB)"),
    "failed": ("The report could not be created: {error}", "Der Bericht konnte nicht erstellt werden: {error}"),
    "language": ("Language", "Sprache"),
}
_t = translator(_TEXT)


def upload_limit():
    """The largest upload in MB: ``KAMLAB_UPLOAD_LIMIT_MB`` (``make dashboard`` sets it with the server's
    websocket limit), else tornado's default of 10.

    Examples
    --------
    >>> import os
    >>> os.environ.pop("KAMLAB_UPLOAD_LIMIT_MB", None) and None
    >>> upload_limit()
    10.0
    """
    value = os.environ.get("KAMLAB_UPLOAD_LIMIT_MB", "")
    try:
        return float(value) if value.strip() else float(_DEFAULT_LIMIT_MB)
    except ValueError:
        return float(_DEFAULT_LIMIT_MB)


_GUARD_JS = """
(function () {
  if (window.__kamlabUploadGuard) { window.__kamlabUploadGuard.limit = %(limit)d; return; }
  const guard = window.__kamlabUploadGuard = {limit: %(limit)d, texts: %(texts)s};
  // the upload widget reads the chosen file with a FileReader and sends it through the websocket (a message
  // over the server's limit closes the connection): a file over the limit is not read, and the status says why
  const read = FileReader.prototype.readAsArrayBuffer;
  FileReader.prototype.readAsArrayBuffer = function (blob) {
    if (!(blob instanceof File) || blob.size <= guard.limit) return read.call(this, blob);
    const active = document.querySelector('.kamlab-language .mod-active');
    const de = active && /Deutsch/.test(active.textContent);
    const text = guard.texts[de ? 1 : 0].replace(/{name}/g, blob.name)
      .replace('{size}', (blob.size / 1048576).toFixed(1)).replace('{mb}', String(%(mb)s));
    // inside the HTML widget's content node, which the widget's own updates keep using
    const box = document.querySelector('.kamlab-status .widget-html-content') ||
      document.querySelector('.kamlab-status');
    if (box) {
      const div = document.createElement('div');
      div.className = 'kamlab-message kamlab-error';
      div.style.cssText = 'border-left:4px solid #b00020;padding:4px 8px;margin:4px 0;white-space:pre-wrap';
      div.textContent = text;
      box.replaceChildren(div);
    } else { window.alert(text); }
  };
})();
"""


def upload_guard(limit_mb=None):
    """The browser-side check of uploads: a :class:`IPython.display.Javascript` to display once.

    A file bigger than ``limit_mb`` (default :func:`upload_limit`) is stopped in the browser, before it is
    sent, and the dashboard's status says what to do instead (a path on the server, or the command line).
    """
    import json

    from IPython.display import Javascript

    limit_mb = upload_limit() if limit_mb is None else float(limit_mb)
    # a little under the limit: the widget's message carries the file plus a few hundred bytes of JSON
    limit = int(limit_mb * 1024 * 1024) - 64 * 1024
    texts = json.dumps(list(_TEXT["too_big"]), ensure_ascii=False)
    return Javascript(_GUARD_JS % {"limit": limit, "texts": texts, "mb": json.dumps(f"{limit_mb:g}")})


def _message(text, kind="info"):
    colour = {"error": "#b00020", "info": "#1a4f8b", "ok": "#1b6e2d"}[kind]
    return (f'<div class="kamlab-message kamlab-{kind}" style="border-left:4px solid {colour};padding:4px 8px;'
            f'margin:4px 0;white-space:pre-wrap">{html.escape(str(text))}</div>')


class Dashboard:
    """Data source, tabs with kamlab's explorers, a report to download, German/English.

    Parameters
    ----------
    case : kamlab Case, optional
        The data shown first; default :func:`kamlab.load_case`.
    lang : {"en", "de"}, optional
        Starting language; default kamlab's current one. The switch sets kamlab's language
        (:func:`kamlab.set_language`): a dashboard has its kernel to itself.
    upload_limit_mb : float, optional
        The largest upload; default :func:`upload_limit`.
    plot : bool, default=True
        Passed to the explorers (``False``: compute only, for tests).

    Attributes
    ----------
    language : ipywidgets.ToggleButtons
    upload : ipywidgets.FileUpload
    path, load_path, use_case : the server-path text, its button, the button back to the case company
    status : ipywidgets.HTML
        The load report, or the message why a file was not loaded.
    tabs : ipywidgets.Tab
        One tab per :data:`TABS`; a tab's explorer is made the first time the tab is shown.
    explorers : dict
        Tab -> its explorer, or a message (str) when the data do not allow it.
    format, make : the download format (``"xlsx"``, ``"pptx"``) and the button that builds the report
    link : ipywidgets.HTML
        The download link (``data:`` URI) after :meth:`make_report`.
    lines : pandas.DataFrame or None
        The uploaded invoice lines (None while the case company is shown).
    report, payload : the latest :class:`~kamlab.report.Report` and the bytes of its file

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # outside a notebook the explorers print their tables
    ...     dash = Dashboard(lang="en", plot=False)
    >>> dash.tabs.titles
    ('Key accounts', 'Portfolio', 'Potential', 'Follow-up')
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     dash.language.value = "de"
    >>> dash.tabs.titles[3], type(dash.explorers["key_accounts"]).__name__
    ('Nachfassen', 'ABCExplorer')
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     dash.language.value = "en"
    """

    def __init__(self, case=None, *, lang=None, upload_limit_mb=None, plot=True):
        import kamlab

        self.case = kamlab.load_case() if case is None else case
        self.plot = plot
        self.limit_mb = float(upload_limit() if upload_limit_mb is None else upload_limit_mb)
        self.lines = None
        self.name = None
        self.report = self.payload = None
        self.explorers = {}
        self._tables = {}
        lang = get_language() if lang is None else lang
        set_language(lang)

        self.title = widgets.HTML()
        self.language = widgets.ToggleButtons(options=[("English", "en"), ("Deutsch", "de")], value=lang,
                                              style={"button_width": "80px"})
        self.upload = widgets.FileUpload(accept=".csv,.txt,.tsv,.xlsx,.gz,.zip", multiple=False)
        self.use_case = widgets.Button(icon="building", layout=widgets.Layout(width="220px"))
        self.path = widgets.Text(layout=widgets.Layout(width="420px"), placeholder="/srv/data/umsatz_2025.csv")
        self.load_path = widgets.Button(icon="folder-open", layout=widgets.Layout(width="100px"))
        self.limit_note = widgets.HTML()
        self.source = widgets.HTML()
        self.status = widgets.HTML()
        self.tabs = widgets.Tab(children=[widgets.VBox() for _ in TABS])
        self.format = widgets.ToggleButtons(options=[("Excel", "xlsx"), ("PowerPoint", "pptx")], value="xlsx",
                                            style={"button_width": "100px"})
        self.make = widgets.Button(icon="download", button_style="primary", layout=widgets.Layout(width="200px"))
        self.link = widgets.HTML()
        self.widget = widgets.VBox([
            widgets.HBox([self.title, self.language]),
            widgets.HBox([self.upload, self.use_case]),
            widgets.HBox([self.path, self.load_path]),
            self.limit_note, self.source, self.status, self.tabs,
            widgets.HBox([self.format, self.make]), self.link,
        ])
        self.widget.add_class("kamlab-dashboard")
        self.status.add_class("kamlab-status")
        self.language.add_class("kamlab-language")
        self.language.observe(self._on_language, names="value")
        self.upload.observe(self._on_upload, names="value")
        self.use_case.on_click(lambda _: self.show_case())
        self.load_path.on_click(lambda _: self.load_file(self.path.value.strip()))
        self.tabs.observe(self._on_tab, names="selected_index")
        self.make.on_click(lambda _: self.make_report())
        self._relabel()
        self.show_case()

    # ------------------------------------------------------------------ data
    def show_case(self):
        """Show the case company (the default data)."""
        self.lines = self.name = None
        self.status.value = ""
        self._reset()

    def load_file(self, path, name=None):
        """Read an export at ``path`` (CSV/XLSX) with :func:`kamlab.read_transactions`; show the load report
        or the reason it could not be read. Returns True when the data were loaded."""
        import kamlab
        from kamlab.report.cli import error_text, load_report_text

        name = name or os.path.basename(str(path))
        if not path or not Path(path).is_file():
            self.status.value = _message(_t("no_path", path=path) + "\n" + _t("not_loaded"), "error")
            return False
        try:
            lines, report = kamlab.read_transactions(path, report=True)
        except KamlabError as error:
            self.status.value = _message(error_text(error) + "\n" + _t("not_loaded"), "error")
            return False
        self.lines, self.name = lines, name
        self.status.value = _message(f"{_t('loaded')}: {name}\n{load_report_text(report)}", "ok")
        self._reset()
        return True

    def _on_upload(self, change):
        files = change["new"]
        if not files:
            return
        item = files[0]
        name, content = item["name"], item["content"]
        size = len(content)
        if size > self.limit_mb * 1024 * 1024:  # the browser-side check stops most; this one never fails silently
            self.status.value = _message(_t("too_big", name=name, size=f"{size / 2**20:.1f}",
                                            mb=f"{self.limit_mb:g}"), "error")
            return
        safe = "".join(ch for ch in Path(str(name).replace("\\", "/")).name if ch not in '<>:"|?*') or "upload.csv"
        with tempfile.TemporaryDirectory(prefix="kamlab-upload-") as folder:
            path = Path(folder) / safe  # under its own name: the loader's messages name the user's file
            path.write_bytes(bytes(content))
            self.load_file(path, name=name)

    # ------------------------------------------------------------------ tabs
    def _reset(self, keep=None):
        self.explorers = dict(keep or {})
        self._tables = {}
        self.report = self.payload = self._built_key = None
        self.link.value = ""
        self._relabel()
        for index in range(len(TABS)):
            self.tabs.children[index].children = ()
        self._show_tab(self.tabs.selected_index or 0)

    def _on_tab(self, change):
        if change["new"] is not None:
            self._show_tab(change["new"])

    def _show_tab(self, index):
        key = TABS[index]
        if key not in self.explorers:
            try:
                self.explorers[key] = getattr(self, f"_make_{key}")()
            except KamlabError as error:  # data that do not fit an explorer: a message in the tab
                self.explorers[key] = str(error)
        explorer = self.explorers[key]
        box = self.tabs.children[index]
        box.children = ((widgets.HTML(_message(explorer)),) if isinstance(explorer, str) else (explorer.widget,))

    def table(self, year):
        """The account table shown: the case's of ``year``, or the upload's (``year=None``)."""
        if year not in self._tables:
            import kamlab

            if self.lines is None:
                self._tables[year] = self.case.account_table(year)
            else:
                self._tables[year] = kamlab.accounts_from_transactions(self.lines)
        return self._tables[year]

    def _make_key_accounts(self):
        from kamlab.identify.widgets import ABCExplorer

        if self.lines is None:
            return ABCExplorer({2024: self.table(2024), 2025: self.table(2025)}, plot=self.plot)
        return ABCExplorer({self.name: self.table(None)}, values=("revenue", "contribution_margin"),
                           plot=self.plot)

    def _make_portfolio(self):
        if self.lines is not None:
            return _t("needs_ratings")
        import kamlab
        from kamlab.plans.sections import ATTRACTIVENESS, POSITION
        from kamlab.portfolios.widgets import PortfolioExplorer

        t25 = self.table(2025)
        rated = t25[t25["revenue"] > 0].merge(self.case.ratings, on="account_id", how="left")
        return PortfolioExplorer(rated, kamlab.ScoringModel(ATTRACTIVENESS), kamlab.ScoringModel(POSITION),
                                 size="revenue", label_col="name", lang=self.language.value, plot=self.plot)

    def _abc(self, table):
        import kamlab

        return kamlab.abc_analysis(table, value="revenue", thresholds=(0.8, 0.95), rule="cover")[["account_id", "abc"]]

    def _make_potential(self):
        if self.lines is not None:
            return _t("needs_firmographics")
        from kamlab.potential.widgets import PotentialExplorer

        t25 = self.table(2025)
        accounts = t25[t25["revenue"] > 0].reset_index(drop=True)
        accounts = accounts.merge(self._abc(accounts), on="account_id")
        return PotentialExplorer(accounts, ["employees", "plants", "industry", "region", "country"], groups="abc",
                                 label_col="name", top=8, lang=self.language.value, plot=self.plot)

    def _make_followup(self):
        if self.lines is not None:
            return _t("needs_projects")
        import numpy as np

        from kamlab.projects.widgets import PipelineExplorer

        quotes = self.case.projects.copy()
        quotes["log_revenue_12m"] = np.log1p(quotes["revenue_12m"].clip(lower=0) / 10_000)
        quotes["log_quote_value"] = np.log(quotes["quote_value"])
        covariates = ["log_revenue_12m", "log_quote_value", "competitors", "offering", "relationship_at_quote"]
        info = self.case.accounts[["account_id", "key_account", "account_manager"]].merge(
            self._abc(self.table(2025)), on="account_id", how="left")
        return PipelineExplorer(quotes, info, covariates, lang=self.language.value, plot=self.plot)

    # ------------------------------------------------------------------ language
    def _on_language(self, change):
        """Everything in the new language; the portfolio explorer is kept (its weights too) and relabelled."""
        set_language(change["new"])
        portfolio = self.explorers.get("portfolio")
        self._reset(keep={"portfolio": portfolio} if portfolio is not None and not isinstance(portfolio, str) else {})
        if "portfolio" in self.explorers:
            portfolio.language.value = change["new"]

    def _relabel(self):
        with language(self.language.value):
            self.title.value = f"<h2 style='margin:0 24px 0 0'>{html.escape(_t('title'))}</h2>"
            self.tabs.titles = tuple(_t(key) for key in TABS)
            self.upload.description = _t("upload")
            self.use_case.description = _t("use_case")
            self.path.description = _t("path")
            self.path.style = {"description_width": "initial"}
            self.load_path.description = _t("load_path")
            self.limit_note.value = f"<small>{_t('limit', mb=f'{self.limit_mb:g}')}</small>"
            self.format.description = _t("format")
            self.format.style.description_width = "initial"
            self.make.description = _t("make")
            if self.lines is None:
                self.source.value = f"<i>{html.escape(_t('source_case'))}</i>"
            else:
                n = f"{self.lines['account_id'].nunique():,}"
                self.source.value = f"<i>{html.escape(_t('source_file', name=self.name, n=n))}</i>"

    # ------------------------------------------------------------------ the report
    def weights(self):
        """The portfolio weights on screen, ``{"attractiveness": {...}, "position": {...}}``, or None when the
        portfolio tab was not opened (the report then uses kamlab's default models)."""
        explorer = self.explorers.get("portfolio")
        if explorer is None or isinstance(explorer, str):
            return None
        attractiveness, position = explorer.models
        return {"attractiveness": dict(attractiveness.weights), "position": dict(position.weights)}

    def build(self):
        """The :class:`~kamlab.report.Report` of what is on screen: the data, the language, the weights."""
        import json

        from kamlab.report import build

        data = self.case if self.lines is None else self.lines
        key = (id(data), self.language.value, json.dumps(self.weights(), sort_keys=True))
        if getattr(self, "_built_key", None) != key:  # the analysis runs once per setting, not per format
            self.report = build(data, weights=self.weights(), lang=self.language.value)
            self._built_key = key
        return self.report

    def make_report(self):
        """Build the report, write it in the chosen format and offer it as a download link."""
        fmt = self.format.value
        with language(self.language.value):
            self.link.value = _message(_t("making"))
            try:
                self.report = self.build()
                self.payload = _render(self.report, fmt)
            except KamlabError as error:
                self.link.value = _message(_t("failed", error=error), "error")
                return None
            filename = f"kam_report_{self.language.value}.{fmt}"
            data = base64.b64encode(self.payload).decode("ascii")
            text = html.escape(_t("download", file=filename, kb=f"{len(self.payload) / 1024:,.0f}"))
            self.link.value = (f'<a class="kamlab-download" download="{filename}" href="data:{MIME[fmt]};base64,'
                               f'{data}" style="font-weight:bold">⬇ {text}</a>')
        return self.payload

    def _ipython_display_(self):
        show_widget(self.widget)


def _render(report, fmt):
    """The bytes of ``report`` written as ``fmt`` by its writer (the Report's method, else the writer module)."""
    import importlib

    method, module = {"xlsx": ("to_excel", "excel"), "pptx": ("to_pptx", "slides")}[fmt]
    with tempfile.TemporaryDirectory(prefix="kamlab-report-") as folder:
        path = Path(folder) / f"report.{fmt}"
        writer = getattr(report, method, None)
        if writer is not None:
            writer(path)
        else:
            getattr(importlib.import_module(f"kamlab.report.{module}"), method)(report, path)
        return path.read_bytes()
