"""Deprecated: use :mod:`kamlab.potential.widgets`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.potential.widgets")
