"""Deprecated: use :mod:`kamlab.data.casegen` (``python -m kamlab.data.casegen``)."""

from kamlab._util.compat import moved

_module = moved(__name__, "kamlab.data.casegen")

if __name__ == "__main__":  # python -m kamlab.casegen, as the case's manifest says
    _module.main()
