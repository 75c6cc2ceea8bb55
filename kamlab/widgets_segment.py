"""Deprecated: use :mod:`kamlab.segment.widgets`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.segment.widgets")
