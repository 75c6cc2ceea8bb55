"""Deprecated: use :mod:`kamlab._util.labels`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab._util.labels")
