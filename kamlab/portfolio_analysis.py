"""Deprecated: use :mod:`kamlab.portfolios`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.portfolios")
