"""Exceptions raised by kamlab.

Every error kamlab raises on bad input is a :class:`KamlabError`, a subclass of
:class:`ValueError`, so ``except ValueError`` keeps working for callers who do not
know kamlab. Messages are written for a student: they say what is wrong, where, and
what to do next.
"""

from __future__ import annotations

__all__ = [
    "KamlabError",
    "DataFormatError",
    "MissingColumnError",
    "EmptyDataError",
    "DatasetError",
    "ChecksumError",
    "ParameterError",
]


class KamlabError(ValueError):
    """Base class of every error kamlab raises on bad input or bad parameters."""


class DataFormatError(KamlabError):
    """A value in a file or table cannot be read.

    Parameters
    ----------
    message : str
        The full message shown to the user.
    path : str, optional
        The file the value comes from.
    line : int, optional
        The line number as a text editor shows it (1-based, counting preamble and
        header lines); for Excel files the spreadsheet row number.
    column : str, optional
        The column as it is named in the file.
    value : object, optional
        The value that could not be read.
    n_more : int, default=0
        How many further rows have the same kind of problem.
    """

    def __init__(self, message, *, path=None, line=None, column=None, value=None, n_more=0):
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.value = value
        self.n_more = n_more


class MissingColumnError(KamlabError):
    """A column the analysis needs is not in the data."""


class EmptyDataError(KamlabError):
    """A file or table holds no data rows."""


class DatasetError(KamlabError):
    """A public dataset cannot be fetched, found in the cache or parsed.

    In Jupyter, IPython shows this error as its message alone (the message already says
    which file and what to do), not as a traceback through kamlab's download code.
    """

    def _render_traceback_(self):
        r"""IPython's hook: the lines it shows in place of the traceback.

        Returns
        -------
        list of str
            ``"<ErrorName>: <first line>"`` and the message's further lines.

        Examples
        --------
        >>> DatasetError("The file is missing.\nPut it into /data.")._render_traceback_()
        ['DatasetError: The file is missing.', 'Put it into /data.']
        """
        lines = str(self).splitlines() or [""]
        return [f"{type(self).__name__}: {lines[0]}", *lines[1:]]


class ChecksumError(DatasetError):
    """A downloaded or cached file does not have the checksum it must have."""


class ParameterError(KamlabError):
    """A parameter has a value kamlab cannot work with."""
