"""Deprecated: use :mod:`kamlab.data.accounts`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.data.accounts")
