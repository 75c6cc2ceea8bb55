"""Customer lifetime value: the RFM/BTYD summary, BG/NBD and Gamma-Gamma models, CLV formulas.

Two ways to put a value on an account's future:

- **Margin multiples** (:func:`clv_margin_multiple`, :func:`clv_finite`): an account that
  earns a margin ``m`` per period, stays with probability ``r`` from one period to the
  next, and whose money is discounted at ``i`` per period is worth ``m·r/(1+i−r)``
  (Gupta & Lehmann 2005). One retention rate for everybody: a back-of-the-envelope number.
- **Buy-till-you-die models** for repeat-purchase data, fitted per customer base:
  :func:`rfm_summary` turns invoice lines into each account's purchase history
  (frequency, recency, age ``T`` and mean spend), :class:`BetaGeo` (the BG/NBD model of
  Fader, Hardie & Lee 2005) predicts how many purchases each account will still make and
  the probability it is still "alive", :class:`GammaGamma` predicts what each purchase
  will be worth, and :func:`customer_lifetime_value` discounts the product to a value.
  Both models are scikit-learn style estimators and report standard errors
  (``standard_errors_``, ``confidence_intervals_``, ``summary()``).

Time units are always explicit: :func:`rfm_summary` states the unit of its durations
(days or weeks of 7 days, or calendar months when purchases are counted per month), the
models' times are in that unit, and :func:`customer_lifetime_value` takes the length of
the discount rate's period in that unit. There is no hidden 30-day month anywhere.

Modules
-------
- :mod:`~kamlab.clv.summary`: :func:`rfm_summary`, invoice lines → one row per account;
- :mod:`~kamlab.clv.bgnbd`: :class:`BetaGeo`, its likelihood and predictions, :func:`simulate_bg_nbd`;
- :mod:`~kamlab.clv.gammagamma`: :class:`GammaGamma`;
- :mod:`~kamlab.clv.value`: :func:`clv_margin_multiple`, :func:`clv_finite`, :func:`customer_lifetime_value`;
- :mod:`~kamlab.clv.fitting`: the maximum-likelihood machinery the models share (optimiser,
  Hessian, standard errors, :class:`ConvergenceWarning`);
- :mod:`~kamlab.clv.inputs`: checks of summary tables and arguments;
- :mod:`~kamlab.clv.plots`: charts (P(alive), CLV distribution and concentration).

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves
for customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://brucehardie.com/notes/025/

Gupta, S. & Lehmann, D. R. (2005). *Managing Customers as Investments*. Wharton School
Publishing.
"""

from kamlab.clv.bgnbd import BetaGeo, simulate_bg_nbd
from kamlab.clv.fitting import ConvergenceWarning
from kamlab.clv.gammagamma import GammaGamma
from kamlab.clv.summary import rfm_summary
from kamlab.clv.value import clv_finite, clv_margin_multiple, customer_lifetime_value

__all__ = [
    "BetaGeo",
    "ConvergenceWarning",
    "GammaGamma",
    "clv_finite",
    "clv_margin_multiple",
    "customer_lifetime_value",
    "rfm_summary",
    "simulate_bg_nbd",
]
