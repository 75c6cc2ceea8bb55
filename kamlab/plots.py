"""Deprecated: use :mod:`kamlab.identify.plots`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.identify.plots")
