"""Deprecated: use :mod:`kamlab.portfolios.widgets`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.portfolios.widgets")
