"""The contribution-margin cascade per account (*Kundendeckungsbeitragsrechnung*).

It belongs to the data layer: it is how the account table's profit levels (DB I to DB IV)
are defined from invoiced revenue, sales deductions and cost to serve, and the case company's account
table is built with it. ABC analysis and the charts of :mod:`kamlab.identify` read its levels.
"""

from __future__ import annotations

import pandas as pd

from kamlab._util.validation import numeric
from kamlab.errors import MissingColumnError, ParameterError

__all__ = ["DEFAULT_LEVELS", "contribution_cascade"]

#: The default levels of the contribution-margin cascade (Kundendeckungsbeitragsrechnung):
#: each level's name and the cost columns it subtracts from the level before. DB I subtracts the
#: (standard) manufacturing cost (*(Standard-)Herstellkosten*; the case company manufactures, so
#: not *Wareneinsatz*, the cost of goods bought for resale of a trader).
DEFAULT_LEVELS = (
    ("db1", ("cost",)),
    ("db2", ("marketing",)),
    ("db3", ("sales_visits", "order_handling")),
    ("db4", ("logistics", "technical_service")),
)


def contribution_cascade(data, levels=None, *, revenue="revenue", deductions=("discounts_rebates",),
                         id_col="account_id"):
    """Contribution-margin cascade per account (*Kundendeckungsbeitragsrechnung*).

    Invoiced revenue (*fakturierter Umsatz*: all invoice lines, credit notes included)
    minus the sales deductions (*Erlösschmälerungen*) is the net revenue (*Nettoerlös*).
    In the case company the only deduction outside the invoices is ``discounts_rebates``:
    the year-end bonuses (*nachträgliche Erlösschmälerungen (Boni)*), paid back after the
    year on the year's revenue; price discounts are already in the invoiced prices. Each
    level subtracts its cost columns from the level before. The default levels:

    ========  ======================================================================
    level     computed as
    ========  ======================================================================
    db1       DB I = net revenue − (standard) manufacturing cost (``cost``)
    db2       DB II = DB I − marketing (``marketing``)
    db3       DB III = DB II − sales costs (``sales_visits``, ``order_handling``)
    db4       DB IV = DB III − logistics and service (``logistics``, ``technical_service``)
    ========  ======================================================================

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the revenue, deduction and cost columns (all in the same
        currency and period), e.g. :meth:`kamlab.data.case.Case.account_table`.
    levels : sequence of (str, sequence of str), optional
        Your own levels: each a name and the cost columns it subtracts. Default:
        :data:`DEFAULT_LEVELS`.
    revenue : str, default="revenue"
        The invoiced revenue column (*fakturierter Umsatz*, credit notes included).
    deductions : sequence of str, default=("discounts_rebates",)
        The sales deductions (*Erlösschmälerungen*) subtracted from invoiced revenue to get net
        revenue (*Nettoerlös*): by default the year-end bonuses; ``()`` when revenue is net already.
    id_col : str, default="account_id"

    Returns
    -------
    pandas.DataFrame
        ``id_col``, ``revenue``, the deductions, ``net_revenue``, then for each level its
        cost columns and the level itself, then ``<level>_rate`` for each level (the level
        as a share of net revenue; NaN unless net revenue > 0).

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"account_id": ["K1"], "revenue": [1000.0], "discounts_rebates": [50.0],
    ...                      "cost": [600.0], "marketing": [20.0], "sales_visits": [80.0],
    ...                      "order_handling": [10.0], "logistics": [30.0], "technical_service": [40.0]})
    >>> cascade = contribution_cascade(data)
    >>> cascade[["net_revenue", "db1", "db2", "db3", "db4"]].iloc[0].tolist()
    [950.0, 350.0, 330.0, 240.0, 170.0]
    >>> round(float(cascade["db4_rate"].iloc[0]), 4)
    0.1789
    """
    levels = DEFAULT_LEVELS if levels is None else levels
    try:
        levels = [(str(name), tuple(columns) if not isinstance(columns, str) else (columns,))
                  for name, columns in levels]
    except (TypeError, ValueError):
        raise ParameterError("levels must be pairs (name, cost columns), e.g. [('db1', ['cost'])].") from None
    names = [name for name, _ in levels]
    if len(set(names)) != len(names) or not names:
        raise ParameterError(f"Each level needs its own name; got {names!r}.")
    needed = [revenue, *deductions, *[c for _, cols in levels for c in cols]]
    missing = [c for c in dict.fromkeys(needed) if c not in data.columns]
    if missing:
        raise MissingColumnError(
            f"The cascade needs the column(s) {', '.join(map(repr, missing))}. Columns found: "
            f"{', '.join(map(str, data.columns))}. Pass levels=[...] or deductions=() to match your data."
        )
    out = pd.DataFrame({id_col: data[id_col].to_numpy()} if id_col in data.columns else {}, index=data.index)
    out[revenue] = numeric(data[revenue], revenue)
    net = out[revenue].copy()
    for column in deductions:
        out[column] = numeric(data[column], column)
        net = net - out[column]
    out["net_revenue"] = net
    current = net
    for name, columns in levels:
        for column in columns:
            if column not in out.columns:
                out[column] = numeric(data[column], column)
            current = current - out[column]
        out[name] = current
    positive = out["net_revenue"] > 0
    for name in names:
        out[f"{name}_rate"] = (out[name] / out["net_revenue"]).where(positive)
    out.attrs["levels"] = levels
    return out
