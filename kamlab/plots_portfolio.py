"""Deprecated: use :mod:`kamlab.portfolios.plots`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.portfolios.plots")
