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
Everything below is drawn from one ``numpy.random.default_rng(seed)``, in a fixed
order, with vectorised numpy code. ``i`` is an account, ``o`` an offering, ``t``
the time in years from the middle of the window (2024-07-01 for the default).

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
   window until its end. Each quote has a number of competitors
   ``1 + Binomial(3, p_size)`` and of follow-up contacts
   ``min(Poisson(mu_kam * (0.7 + 0.3 * importance)), 8)`` (``mu_kam`` differs by
   key-account manager). It is won with probability::

       logistic(-0.55 + 0.35 (followups - 2) + 0.45 r_i - 0.35 (competitors - 2) + beta_o)

   The decision comes after a gamma-distributed number of days (open if after
   the end of the window); a won quote is invoiced at 92-100 % of its value
   after a lead time, large engineering projects in two parts (30 % down
   payment). The quote rate is set so the expected invoiced value equals
   ``wallet * share * phi``. Engineering projects have a cost ratio with 12 %
   noise, so some are invoiced below cost.
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
``ratings`` ratings (10); ``tables`` the account tables; ``generate`` :func:`generate_case`;
``write`` :func:`write_case`, the manifest and the command line.
"""

from kamlab.data.casegen.generate import generate_case
from kamlab.data.casegen.parameters import GENERATOR_VERSION
from kamlab.data.casegen.write import main, write_case

__all__ = ["generate_case", "write_case", "GENERATOR_VERSION", "main"]
