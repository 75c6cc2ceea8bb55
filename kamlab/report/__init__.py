"""Client deliverables: one analysis (:func:`build`), several formats (Excel, PowerPoint, HTML, CSV).

:mod:`~kamlab.report.model` holds the :class:`Report` every writer renders; :mod:`~kamlab.report.safe`
neutralises spreadsheet formulas, escapes HTML and pseudonymises names. The report sits above the
account plans (:mod:`kamlab.plans`): it imports them, never the reverse.
"""

from kamlab.report.builder import build
from kamlab.report.model import Report, Section

__all__ = ["build", "Report", "Section"]
