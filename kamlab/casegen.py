"""Deprecated: use :mod:`kamlab.data.casegen` (``python -m kamlab.data.casegen``)."""

import sys

from kamlab._util.compat import moved

_module = moved("kamlab.casegen", "kamlab.data.casegen")

if __name__ == "__main__":  # python -m kamlab.casegen, as the case's manifest says
    sys.exit(_module.main())
