"""Deprecated: use :mod:`kamlab.course.exercises`."""

from kamlab._util.compat import moved

moved(__name__, "kamlab.course.exercises")
