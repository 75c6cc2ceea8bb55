"""Generate the case company: a fictional German maker of drive and automation components.

Public data has no margins, ratings, competitors or customer potential, so kamlab's
course works on its own business-to-business company, *Kesselbach Antriebstechnik
GmbH* (Bielefeld), and on about 2,000 business customers who buy geared motors,
frequency inverters, servo drives, controls, sensors, service and engineering
projects from it. :func:`generate_case` builds the whole company from one seed;
the tables it produced with the default arguments are committed under
``datasets/case`` and read with :func:`kamlab.load_case`, so every notebook shows
the same numbers whatever numpy version runs it.

The generator knows things an analyst never sees (each account's true wallet, its
true share of wallet, its archetype, when it was lost); they are in the ``truth``
and ``wallets`` tables, so a notebook can grade an estimate against the truth.

Generating model
----------------
Each step below draws from its own random stream, a child of
``numpy.random.SeedSequence(seed)`` (:data:`~kamlab.data.casegen.streams.STREAMS`, in a fixed,
documented order; a new table or step gets a new stream appended at the end, so it leaves the
numbers of the existing tables unchanged), with vectorised numpy code. ``i`` is an account,
``o`` an offering, ``t`` the time in years from the middle of the window (2024-07-01 for the
default). Generator version 2.0 (the stream per step, the follow-up model of step 7, the
tables ``contacts`` and ``quote_truth``); 1.0 drew everything from one stream.

1. **Archetype** ``a_i``: one of six kinds of customer (strategic OEM, price-driven
   distributor, project business, maintenance end user, small regular buyer,
   occasional buyer) with fixed shares. The archetype sets the industry mix,
   the size, the buying frequency, the product mix, the discount level and the
   cost to serve; it is never stored in an analyst's table.
2. **Firmographics**: industry drawn given the archetype; country and region
   (Germany by Bundesland, Austria, Switzerland, six other EU countries);
   ``employees_i = exp(N(log m_a, s_a))``; ``plants_i = 1 + Poisson(0.35 * (employees_i / 100) ** 0.45)``
   (at most 12); the key-account manager by sales territory; a unique
   fictional company name built from lists of surnames, places and trade words.
3. **Wallet** (what the account spends per year on offering ``o`` from all
   suppliers) depends on firmographics only::

       wallet_io = c * intensity[industry_i, o] * employees_i ** 0.75 * plants_i ** 0.15
                   * country_factor_i * exp(0.35 z_i + 0.45 z_io - (0.35**2 + 0.45**2) / 2)

   with standard normal ``z``; ``c`` scales the expected revenue of all
   accounts to 60,000 EUR per account and year (120 M EUR for 2,000 accounts).
4. **Share of wallet**: a latent relationship strength ``r_i ~ N(0, 1)``. The
   account buys offering ``o`` from us with probability
   ``logistic(logit(p_buy[a_i, o]) + 0.4 r_i)`` (at least one offering outside
   engineering); if it does, ``share_io = logistic(alpha_a + 0.7 r_i + 0.45 z_io)``,
   otherwise 0 (whitespace). The expected revenue is ``wallet_io * share_io``
   per year at the middle of the window.
5. **Life cycle**: about 8 % of accounts are *new* (acquired between the start of
   the second year and two months before the end), about 8 % are *lost* (a
   dropout date in the window, more likely when ``r_i`` is low and for
   occasional buyers; their revenue declines before they go), the others are
   growing, shrinking or stable. The revenue intensity of an account is
   ``exp(g_i t)`` with an annual log growth rate ``g_i``, so ``wallet * share``
   is the expected revenue per year at ``t = 0``.
6. **Regular orders** (the share ``1 - phi[a_i, o]`` of the expected revenue
   that does not come from quotes): order dates follow a Poisson process with
   rate ``lambda_i * s(d) * exp(g_i t)`` on the account's active days, where
   ``lambda_i`` (orders per year) depends on the archetype and size with
   gamma-distributed heterogeneity and ``s(d)`` is the seasonal business-day
   profile (no orders on weekends and German public holidays, a dip in the
   Easter weeks and in August, a December peak before Christmas, mean 1).
   Each order has ``1 + Binomial(7, mu_a / 7)`` lines; a line's offering is
   drawn with weight ``(revenue_io) ** 0.6`` times an offering frequency; its
   net value is lognormal with the mean that makes the expected revenue per
   offering equal ``wallet * share * (1 - phi)``. The line's product group,
   list price (log-uniform in the group's range, at most the line value),
   quantity (the line value divided by the net price, stochastically rounded)
   and cost of goods (quantity times list price times the group's standard
   cost ratio, with 4 % noise) follow from the value. Lines of one order that
   go to different buying centres are separate invoices.
7. **Quotes and projects** (the share ``phi[a_i, o]``; all of engineering &
   retrofit): quotes arrive as a Poisson process from one year before the
   window until its end, each with ``1 + Binomial(3, p_size)`` competitors, a value and a
   gamma-distributed decision time (open if after the end of the window). What the CRM
   records at the quote date: the relationship level ``L`` (1..10, a yearly noisy measure of
   ``r_i``) and the account's net revenue of the 365 days before (``revenue_12m``, including
   projects won earlier, so the quotes are decided week by week). With ``x_rel = (L - 5.5) / 2``,
   ``x_rev = ln(1 + revenue_12m / 10,000)``, ``x_val = ln(value / typical value of the
   offering)`` and ``c`` competitors, the number of follow-up contacts (*Nachfassen*) is::

       K = min(Poisson(mu_kam * exp(0.35 x_rel + 0.25 (x_rev - 2.5) + 0.3 x_val - 0.2 (c - 2.5))),
               12, business days until the decision)

   (``mu_kam``, the key-account manager's diligence, 1.1 to 3.2) -- it depends on recorded
   covariates only -- and a quote with ``k`` follow-ups is won with probability::

       p_i(k) = logistic(-1.0 + beta_o + 0.55 r_i + 0.15 (x_rev - 2.5) + 0.15 x_val
                         - 0.45 (c - 2) + 0.15 k)

   so managers follow up more where winning is likely anyway and the raw win rate by
   follow-ups overstates the true effect (0.15 log-odds per contact); adjusting for the
   recorded covariates recovers it. ``quote_truth`` stores ``p_i(k)`` for k = 0..12 of
   every decided quote. The contacts fall on distinct business days after the quote, up to
   the decision (``contacts``: date and channel); an open quote shows those so far. A won
   quote is invoiced at 92-100 % of its value after a lead time, large engineering projects
   in two parts (30 % down payment). The quote rate is set so the expected invoiced value
   equals ``wallet * share * phi``. Engineering projects have a cost ratio with 12 % noise,
   so some are invoiced below cost.
8. **Credit notes** (``is_credit_note``, invoice ids ``GS-...``): about 2-4 % of
   regular lines are followed 3 to 45 days later by a return (negative
   quantity, negative revenue and cost) or a price correction (negative unit
   price, no cost).
9. **Cost to serve** per account and year, computed from what happened:
   year-end rebates (a percentage of the year's revenue agreed by archetype and
   size), marketing (catalogue and fairs, co-op marketing for distributors,
   events for key accounts), sales visits (Poisson number times a cost per
   visit by territory), order handling (per invoice and per credit note),
   logistics (per shipment by country, 1 % of revenue for packaging and
   handling, consignment stock) and technical service (unbilled hours of
   application engineering and commissioning support). About one big account
   in six is *over-served* (extra rebates, visits, consignment stock and
   service): these produce the big accounts with thin or negative
   contribution margin IV.
10. **Ratings** on 1..10 scales are noisy measurements of the truth (for
    example ``growth_potential`` of the headroom and the growth rate,
    ``satisfaction`` of the share of wallet and the relationship, ``proximity``
    of the distance from Bielefeld), as the key-account manager saw them at the
    last account review.

``datasets/README.md`` lists every table and column and the measured realism
checks.

Run ``python -m kamlab.casegen datasets/case`` to regenerate the committed
tables (Parquet files and ``manifest.json``).

Modules
-------
``parameters`` the model's constants and tables (offerings, archetypes, industries, regions,
names); ``sampling`` small random helpers and the business-day calendar; ``names`` company
names; ``accounts`` firmographics, wallets, life cycle and terms (steps 1-5); ``centres``
buying centres; ``transactions`` regular orders, pricing, credit notes and the
transactions table (6, 8); ``projects`` quotes and projects (7); ``costs`` cost to serve (9);
``ratings`` ratings (10); ``tables`` the account tables; ``followups`` the follow-up model,
revenue before a quote and the outcomes (7); ``contacts`` the follow-up contacts (7);
``streams`` the named random streams; ``generate`` :func:`generate_case`; ``write``
:func:`write_case`, the manifest and the command line.
"""

from kamlab.data.casegen.generate import generate_case, generate_from_streams
from kamlab.data.casegen.parameters import GENERATOR_VERSION
from kamlab.data.casegen.streams import STREAMS, make_streams
from kamlab.data.casegen.write import main, write_case

__all__ = [
    "generate_case",
    "generate_from_streams",
    "write_case",
    "GENERATOR_VERSION",
    "STREAMS",
    "make_streams",
    "main",
]
