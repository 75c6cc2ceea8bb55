"""What a client report is made of: :class:`Report` and its :class:`Section` objects.

:func:`kamlab.report.build` runs the analysis once and returns a :class:`Report`; every writer
(Excel, PowerPoint, HTML, CSV) renders the same object and computes no business figure of its own.
A section holds tables (DataFrames, with the column names kamlab's analyses give them), figures
(matplotlib figures, drawn by kamlab's chart functions) and short texts in the report's language;
a section whose data are missing is kept with ``skipped`` set to a sentence saying why, so every
format can say so instead of leaving it out silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Report", "Section"]


@dataclass
class Section:
    """One part of the report: a title, texts, tables and figures, or the reason it is missing.

    Attributes
    ----------
    key : str
        Stable identifier (``"key_accounts"``, ``"abc"``, ...): sheet names, slide order and file names
        derive from it.
    title : str
        Heading in the report's language.
    texts : list of str
        Short paragraphs (plain text; writers escape them).
    tables : dict
        Name -> pandas.DataFrame, in display order. The first table is the section's main table.
    figures : dict
        Name -> matplotlib Figure, in display order.
    source : str
        The kamlab call(s) that produced the figures of this section (for the method sheet and the
        footnotes).
    skipped : str or None
        Why the section has no content (e.g. "no ratings given: no portfolio"); None when it has.
    """

    key: str
    title: str
    texts: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    source: str = ""
    skipped: str | None = None

    @property
    def available(self):
        """True when the section has content (``skipped`` is None)."""
        return self.skipped is None


@dataclass
class Report:
    """The standard KAM analysis of one data set, ready for the writers.

    Attributes
    ----------
    title : str
        Report title (the client's or the case company's name and the period).
    lang : {"de", "en"}
        The language of titles, texts and column labels.
    as_of : pandas.Timestamp
        The day the figures are counted to (the data's date, shown on every page and slide).
    sections : list of Section
        In report order; the key-account list comes first.
    method : dict
        What was used: thresholds, shares, definitions, scoring models, kamlab version
        (text -> text); the Excel "Method"/"Methodik" sheet and the HTML appendix show it.
    plans : list
        :class:`kamlab.plans.AccountPlan` objects of the top key accounts (may be empty).
    pseudonymized : bool
        True when names and ids were replaced by pseudonyms (:func:`kamlab.report.safe.pseudonymize`).
    pseudonyms : pandas.DataFrame or None
        The mapping of a pseudonymised report (``column``, ``original``, ``pseudonym``): for the
        consultant's own records, never part of what leaves the client (the CLI writes it to a file
        of its own). None when not pseudonymised.
    """

    title: str
    lang: str
    as_of: object
    sections: list = field(default_factory=list)
    method: dict = field(default_factory=dict)
    plans: list = field(default_factory=list)
    pseudonymized: bool = False
    pseudonyms: object = field(default=None, repr=False)

    def __getitem__(self, key):
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(f"The report has no section {key!r}; it has {', '.join(s.key for s in self.sections)}.")

    def __iter__(self):
        return iter(self.sections)

    # ------------------------------------------------------------------ writers (imported when used)
    def to_excel(self, path, **kwargs):
        """Write the workbook (:func:`kamlab.report.excel.to_excel`)."""
        from kamlab.report.excel import to_excel

        return to_excel(self, path, **kwargs)

    def to_pptx(self, path, template=None, **kwargs):
        """Write the client deck (:func:`kamlab.report.slides.to_pptx`); ``template`` a .pptx design."""
        from kamlab.report.slides import to_pptx

        return to_pptx(self, path, template=template, **kwargs)

    def to_html(self, path=None):
        """The self-contained HTML report (:func:`kamlab.report.html.to_html`), written to ``path`` when given."""
        from kamlab.report.html import to_html

        return to_html(self, path)

    def to_csv(self, folder):
        """One CSV file per table (:func:`kamlab.report.csvout.to_csv`); returns the paths."""
        from kamlab.report.csvout import to_csv

        return to_csv(self, folder)

    def __repr__(self):
        done = [s.key for s in self.sections if s.available]
        skipped = [s.key for s in self.sections if not s.available]
        text = f"Report({self.title!r}, {self.lang}, as of {str(self.as_of)[:10]}: {', '.join(done)}"
        if skipped:
            text += f"; skipped: {', '.join(skipped)}"
        return text + f"; {len(self.plans)} account plans)"
