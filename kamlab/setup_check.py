"""Deprecated: use :mod:`kamlab.course.setup_check`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.course.setup_check")
