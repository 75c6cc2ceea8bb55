"""Customer lifetime value: the RFM/BTYD summary, BG/NBD and Gamma-Gamma models, CLV formulas.

Charts (P(alive), CLV distribution and concentration) in :mod:`~kamlab.clv.plots`.
"""

from kamlab.clv._monolith import *  # noqa: F403
from kamlab.clv._monolith import __all__  # noqa: F401
