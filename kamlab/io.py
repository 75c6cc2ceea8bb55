"""Deprecated: use :mod:`kamlab.data.readers`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.data.readers")
