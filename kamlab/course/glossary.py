"""The course glossary: every KAM and analytics term the course uses, in German and English.

One German and one English term per concept (the course's term list), a short definition in both languages,
and where the course teaches the term (notebook and section). The notebooks link a term to its entry in
``docs/glossary.md`` where they introduce it: ``[key account](../docs/glossary.md#key-account)``.

Examples
--------
>>> import kamlab
>>> table = kamlab.glossary()
>>> table.set_index("term").loc["share-of-wallet", ["english", "german", "notebook"]].tolist()
['share of wallet', 'Lieferanteil (Share of Wallet)', '05_potential']
>>> kamlab.glossary(language="de").set_index("term").loc["net-revenue", "definition"]
'Fakturierter Umsatz minus Erlösschmälerungen.'
"""

from __future__ import annotations

from kamlab._util.labels import has_label, register_labels
from kamlab.config import LANGUAGES, get_language
from kamlab.course.glossary_data import ENTRIES
from kamlab.errors import ParameterError

__all__ = ["glossary", "NOTEBOOKS", "COLUMNS"]

#: The course's notebooks: number -> file name without ``.ipynb``.
NOTEBOOKS = {
    "00": "00_start_here", "01": "01_data", "02": "02_key_accounts", "03": "03_segmentation",
    "04": "04_portfolio", "05": "05_potential", "06": "06_follow_up", "07": "07_account_plan",
}

#: The columns of :func:`glossary`, in order.
COLUMNS = ("term", "english", "german", "definition", "notebook", "section")

_LABELS = {
    "term": ("Term", "Begriff"),
    "english": ("English", "Englisch"),
    "german": ("German", "Deutsch"),
    "definition": ("Definition", "Definition"),
    "notebook": ("Notebook", "Notebook"),
    "section": ("Section", "Abschnitt"),
}
register_labels({key: pair for key, pair in _LABELS.items() if not has_label(key)})


def glossary(notebook=None, *, language=None):
    """The course glossary as a table: one row per concept, in the order the course teaches them.

    Parameters
    ----------
    notebook : str, optional
        Only the terms taught in this notebook: its number (``"02"``) or its name (``"02_key_accounts"``).
        Default: every term.
    language : {"en", "de"}, optional
        The language of ``definition``. Default: the current language (:func:`kamlab.set_language`).

    Returns
    -------
    pandas.DataFrame
        Columns ``term`` (the key, also the entry's anchor in ``docs/glossary.md``), ``english``,
        ``german`` (the one term per language the course uses; other words in brackets), ``definition``
        (a sentence in ``language``), ``notebook`` (the notebook that teaches the term) and ``section``
        (the heading of the section that introduces it). ``kamlab.translate_columns`` gives German headers.

    Raises
    ------
    kamlab.errors.ParameterError
        If ``language`` or ``notebook`` is not one the course has.

    Examples
    --------
    >>> import kamlab
    >>> table = kamlab.glossary("04")
    >>> table.loc[table["term"] == "portfolio-star", "german"].item()
    'Fragezeichenkunde'
    >>> sorted(set(kamlab.glossary()["notebook"]))[:2]
    ['00_start_here', '01_data']
    """
    import pandas as pd

    language = get_language() if language is None else language
    if language not in LANGUAGES:
        raise ParameterError(f"language={language!r} is not available: pass language='en' or language='de'.")
    number = _notebook_number(notebook)
    rows = [
        {"term": term, "english": english, "german": german,
         "definition": definition_en if language == "en" else definition_de,
         "notebook": NOTEBOOKS[nb], "section": section}
        for term, english, german, nb, section, definition_en, definition_de in ENTRIES
        if number is None or nb == number
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _notebook_number(notebook):
    if notebook is None:
        return None
    text = str(notebook).removesuffix(".ipynb")
    for number, name in NOTEBOOKS.items():
        if text in (number, name):
            return number
    raise ParameterError(
        f"notebook={notebook!r} is not a notebook of the course: pass one of "
        f"{', '.join(repr(n) for n in NOTEBOOKS)} or a name such as '02_key_accounts'.")
