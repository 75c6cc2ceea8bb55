"""Deprecated: use :mod:`kamlab.segment.plots`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.segment.plots")
