"""Deprecated: use :mod:`kamlab.data.case`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.data.case")
