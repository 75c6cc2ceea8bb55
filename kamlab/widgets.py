"""Deprecated: use :mod:`kamlab.identify.widgets`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.identify.widgets")
