"""The account plan: its numbers equal independent computations, its HTML escapes, its user sections round-trip.

Expected values are computed here from the case's tables with plain pandas (revenue by year,
targets, open quotes) or by calling the analysis function on a table built here (ABC on a
hand-made group-level table), never read back from the plan.
"""

import json

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.errors import ParameterError
from kamlab.plans import AccountPlan, account_plan

ACCOUNT = "K00042"
GROUP = "G001"
CHEAP = ["facts", "history", "abc", "quotes", "targets", "key_account", "relationship", "competitors"]


@pytest.fixture(scope="module")
def plans(case):
    return {unit: account_plan(case, unit, sections=CHEAP) for unit in (ACCOUNT, GROUP)}


def _members(case, unit):
    accounts = case.accounts
    if unit.startswith("G"):
        return sorted(accounts.loc[accounts["group_id"] == unit, "account_id"])
    return [unit]


def _group_level_table(case, year):
    """The year's revenue per planning unit, built here by a plain groupby (groups as one row)."""
    lines = case.transactions[case.transactions["date"].dt.year == year]
    revenue = lines.groupby("account_id")["revenue"].sum()
    costs = case.costs[case.costs["year"] == year]["account_id"].unique()
    ids = revenue.index.union(pd.Index(costs))
    frame = pd.DataFrame({"account_id": ids, "revenue": revenue.reindex(ids, fill_value=0.0).to_numpy()})
    group = frame["account_id"].map(case.accounts.set_index("account_id")["group_id"])
    frame["unit_id"] = group.fillna(frame["account_id"])
    return frame.groupby("unit_id", as_index=False)["revenue"].sum()


@pytest.mark.parametrize("unit", [ACCOUNT, GROUP])
def test_revenue_by_year_equals_the_invoice_lines(case, plans, unit):
    lines = case.transactions[case.transactions["account_id"].isin(_members(case, unit))]
    expected = lines.groupby(lines["date"].dt.year)["revenue"].sum()
    history = plans[unit].sections["history"].tables["by_year"].set_index("year")
    for year, revenue in expected.items():
        assert history.loc[year, "revenue"] == pytest.approx(revenue, abs=0.01)
    margin = (lines["revenue"] - lines["cost"]).groupby(lines["date"].dt.year).sum()
    assert history["contribution_margin"].to_numpy() == pytest.approx(margin.to_numpy(), abs=0.01)
    assert history["margin_rate"].to_numpy() == pytest.approx((margin / expected).to_numpy())


@pytest.mark.parametrize("unit", [ACCOUNT, GROUP])
def test_cascade_of_the_latest_year_equals_revenue_minus_the_costs(case, plans, unit):
    members = _members(case, unit)
    lines = case.transactions[case.transactions["account_id"].isin(members) & (case.transactions["date"].dt.year == 2025)]
    costs = case.costs[case.costs["account_id"].isin(members) & (case.costs["year"] == 2025)]
    cost_to_serve = costs[["discounts_rebates", "marketing", "sales_visits", "order_handling", "logistics",
                           "technical_service"]].sum().sum()
    db4 = lines["revenue"].sum() - lines["cost"].sum() - cost_to_serve
    cascade = plans[unit].sections["history"].tables["cascade"].set_index("level_name")
    assert cascade.loc["db4", "amount"] == pytest.approx(db4, abs=0.01)
    assert plans[unit]["history"]["db4"] == pytest.approx(db4, abs=0.01)


@pytest.mark.parametrize("unit", [ACCOUNT, GROUP])
def test_abc_class_equals_abc_analysis_at_group_level(case, plans, unit):
    table = _group_level_table(case, 2025)
    result = kamlab.abc_analysis(table, value="revenue", thresholds=(0.8, 0.95), rule="cover", id_col="unit_id")
    row = result[result["unit_id"] == unit].iloc[0]
    assert plans[unit]["abc"]["abc"] == str(row["abc"])
    assert plans[unit]["abc"]["rank"] == int(row["rank"])
    assert plans[unit]["abc"]["n_units"] == len(table)


def test_the_group_is_an_a_customer_and_ranked_on_the_group_total(case, plans):
    assert plans[GROUP]["abc"]["abc"] == "A"
    revenue = case.transactions[case.transactions["account_id"].isin(_members(case, GROUP))
                                & (case.transactions["date"].dt.year == 2025)]["revenue"].sum()
    total = _group_level_table(case, 2025)["revenue"].clip(lower=0).sum()
    assert plans[GROUP]["abc"]["share"] == pytest.approx(revenue / total)


@pytest.mark.parametrize("unit", [ACCOUNT, GROUP])
def test_targets_equal_the_targets_table(case, plans, unit):
    targets = case.targets[case.targets["account_id"].isin(_members(case, unit))]
    values = plans[unit]["targets"]
    assert values["target_year"] == 2026
    assert values["target_revenue"] == pytest.approx(targets["target_revenue"].sum())
    assert values["target_contribution_margin"] == pytest.approx(targets["target_contribution_margin"].sum())
    lines = case.transactions[case.transactions["account_id"].isin(_members(case, unit))
                              & (case.transactions["date"].dt.year == 2025)]
    assert values["revenue"] == pytest.approx(lines["revenue"].sum(), abs=0.01)


@pytest.mark.parametrize("unit", [ACCOUNT, GROUP])
def test_open_quotes_equal_the_projects_table(case, plans, unit):
    projects = case.projects
    expected = projects[projects["account_id"].isin(_members(case, unit)) & (projects["outcome"] == "open")]
    table = plans[unit].sections["quotes"].tables["open"]
    assert sorted(table["project_id"]) == sorted(expected["project_id"])
    assert plans[unit]["quotes"]["open_value"] == pytest.approx(expected["quote_value"].sum())
    if len(expected):
        as_of = max(projects["quote_date"].max(), case.contacts["contact_date"].max())
        quote = expected.iloc[0]
        last = case.contacts.loc[case.contacts["project_id"] == quote["project_id"], "contact_date"].max()
        row = table.set_index("project_id").loc[quote["project_id"]]
        assert row["days_since_quote"] == (as_of - quote["quote_date"]).days
        if pd.notna(last):
            assert row["days_since_contact"] == (as_of - last).days


def test_the_group_has_open_quotes(plans):
    assert plans[GROUP]["quotes"]["n_open"] > 0  # else the open-quote test above checks nothing for the group


@pytest.mark.parametrize("unit", [ACCOUNT, GROUP])
def test_key_account_status_equals_key_accounts_at_group_level(case, plans, unit):
    table = _group_level_table(case, 2025)
    targets = case.targets.assign(unit_id=lambda t: t["account_id"].map(
        case.accounts.set_index("account_id")["group_id"]).fillna(t["account_id"]))
    plan_by_unit = targets.groupby("unit_id")["target_revenue"].sum()
    table = table.set_index("unit_id").join(plan_by_unit, how="outer").fillna(0.0).reset_index()
    result = kamlab.key_accounts(table, share=0.6, by=("revenue", "target_revenue"), id_col="unit_id")
    row = result[result["unit_id"] == unit].iloc[0]
    assert plans[unit]["key_account"]["key_account"] == bool(row["key_account"])
    assert plans[unit]["key_account"]["n_key_accounts"] == int(result["key_account"].sum())


def test_facts_of_the_group(case, plans):
    facts = plans[GROUP]["facts"]
    members = case.accounts[case.accounts["group_id"] == GROUP]
    assert facts["entities"] == len(members)
    assert facts["countries"] == ", ".join(sorted(members["country"].unique()))
    assert facts["buying_centres"] == case.centres["account_id"].isin(members["account_id"]).sum()
    touch = case.touchpoints[case.touchpoints["account_id"].isin(members["account_id"])]
    assert facts["people"] == touch["person_id"].nunique()
    assert facts["share_coordinated"] == pytest.approx(touch["coordinated"].mean())
    parent = case.groups.set_index("group_id").loc[GROUP, "parent_account_id"]
    assert facts["account_manager"] == case.accounts.set_index("account_id").loc[parent, "account_manager"]


def test_relationship_of_an_account_is_its_rating(case, plans):
    rating = case.ratings.set_index("account_id").loc[ACCOUNT]
    values = plans[ACCOUNT]["relationship"]
    for column in ("relationship_level", "multiplier_value", "information_value"):
        assert values[column] == rating[column]
    assert plans[ACCOUNT]["competitors"]["n_competitors_max"] == rating["n_competitors"]


def test_wallet_and_whitespace_of_the_group(case):
    plan = account_plan(case, GROUP, sections=["wallet", "whitespace", "portfolio"])
    wallet = plan["wallet"]
    assert wallet["share_of_wallet"] == pytest.approx(min(wallet["revenue"] / wallet["wallet"], 1.0))
    entities = plan.sections["wallet"].tables["entities"]
    assert wallet["headroom"] == pytest.approx(entities["headroom"].sum())
    offerings = plan.sections["whitespace"].tables["offerings"]
    lines = case.transactions[case.transactions["account_id"].isin(_members(case, GROUP))
                              & (case.transactions["date"].dt.year == 2025)]
    bought = lines.groupby("offering", observed=True)["revenue"].sum()
    assert plan["whitespace"]["offerings_bought"] == int((bought > 0).sum())
    served = offerings.set_index("offering")["revenue"]
    assert served.reindex(bought.index).to_numpy() == pytest.approx(bought.to_numpy(), abs=0.01)
    reasons = plan.sections["portfolio"].tables["reasons"]
    for axis, column in (("attractiveness", "attractiveness"), ("supplier_position", "supplier_position")):
        assert reasons.loc[reasons["axis"] == axis, "contribution"].sum() == pytest.approx(plan["portfolio"][column])
    assert "truth" not in json.dumps(plan.sources)


def test_wallets_passed_are_used_as_they_are(case):
    t25 = case.account_table(2025)
    buyers = t25[t25["revenue"] > 0].reset_index(drop=True)
    wallets = buyers[["account_id", "revenue"]].assign(wallet=buyers["revenue"] * 4)
    plan = account_plan(case, ACCOUNT, sections=["wallet"], wallets=wallets)
    assert plan["wallet"]["share_of_wallet"] == pytest.approx(0.25)


def test_every_section_names_its_source(plans):
    for plan in plans.values():
        assert set(plan.sources) == set(CHEAP)
        assert plan.sources["abc"].startswith("kamlab.abc_analysis(")
        assert plan.sources["key_account"].startswith("kamlab.key_accounts(")


def test_html_escapes_user_text_and_names_from_data(case):
    tables = dict(case.tables)
    accounts = tables["accounts"].copy()
    accounts.loc[accounts["account_id"] == ACCOUNT, "name"] = "<b>Evil & Co</b>"
    tables["accounts"] = accounts
    user = {"objectives": ["<script>alert(1)</script>"], "strategy": "A & B",
            "actions": [{"what": "<img src=x>", "who": "Me", "by_when": "2026-03"}]}
    plan = account_plan(tables, ACCOUNT, sections=["facts", "abc"], user=user)
    html = plan.to_html()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x&gt;" in html
    assert "<b>Evil" not in html and "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in html
    assert "A &amp; B" in html
    assert "<script" not in plan.summary()._repr_html_()


def test_headings_in_german_and_english(plans):
    plan = plans[GROUP]
    english, german = plan.to_html(lang="en"), plan.to_html(lang="de")
    assert "Account plan" in english and "Key-account status" in english and "Objectives" in english
    assert "Kundenplan" in german and "Umsatz und Deckungsbeitrag" in german and "Maßnahmen" in german
    assert "Kundensteckbrief" in plan.to_html(brief=True, lang="de")
    with kamlab.language("de"):
        assert "Kundenplan" in plan._repr_html_()
    assert "Kundenplan" in account_plan(kamlab.load_case(), ACCOUNT, sections=["facts"], lang="de")._repr_html_()


def test_the_brief_is_shorter_and_keeps_the_key_figures(plans):
    plan = plans[GROUP]
    brief = plan.to_html(brief=True)
    assert len(brief) < len(plan.to_html())
    assert "ABC class" in brief and "Open quotes" not in brief


def test_user_sections_round_trip_as_dict_and_file(case, tmp_path, plans):
    user = {"objectives": ["Grow the Czech plant to 300 k"], "strategy": "Partnership",
            "actions": [{"what": "Visit the Brno plant", "who": "K. Albers", "by_when": "2026-02-15"}]}
    plan = plans[GROUP].with_user(user)
    assert plan.user == user
    for suffix in (".json", ".yaml"):
        path = plan.save_user(tmp_path / f"plan{suffix}")
        assert account_plan(case, GROUP, sections=["facts"], user=path).user == user
    assert json.loads(json.dumps(plan.to_dict()))["user"] == user


def test_template_is_the_structure_to_fill(tmp_path):
    empty = AccountPlan.template()
    assert set(empty) == {"objectives", "strategy", "actions"}
    path = AccountPlan.template(tmp_path / "mine.json")
    assert json.loads(path.read_text()) == empty


def test_to_dict_is_plain_python(plans):
    data = plans[GROUP].to_dict()
    text = json.dumps(data)  # raises on numpy or pandas values
    assert data["sections"]["abc"]["values"]["abc"] == "A"
    assert "NaN" not in text
    assert data["account_ids"] == plans[GROUP].account_ids


def test_unknown_id_names_the_argument(case):
    with pytest.raises(ParameterError, match="account_or_group_id"):
        account_plan(case, "K99999")


def test_a_required_table_missing_is_an_error_naming_it(case):
    tables = {k: v for k, v in case.tables.items() if k != "costs"}
    with pytest.raises(ParameterError, match="case_or_tables has no table 'costs'"):
        account_plan(tables, ACCOUNT)


def test_an_optional_table_missing_marks_its_section_unavailable(case):
    tables = {k: v for k, v in case.tables.items() if k not in ("targets", "ratings")}
    plan = account_plan(tables, GROUP, sections=["targets", "relationship", "abc"])
    assert not plan.sections["targets"].available
    assert "targets" in plan.sources["targets"] and plan.sources["targets"].startswith("unavailable")
    assert not plan.sections["relationship"].available
    assert plan.sections["abc"].available
    assert "Not available" in plan.to_html()


def test_bad_arguments(case):
    with pytest.raises(ParameterError, match="year=1999"):
        account_plan(case, ACCOUNT, year=1999)
    with pytest.raises(ParameterError, match="sections"):
        account_plan(case, ACCOUNT, sections=["nope"])
    with pytest.raises(ParameterError, match="unknown section 'goals'"):
        account_plan(case, ACCOUNT, user={"goals": []})
    with pytest.raises(ParameterError, match="case_or_tables"):
        account_plan([1, 2], ACCOUNT)


def test_an_earlier_year(case):
    plan = account_plan(case, ACCOUNT, year=2024, sections=["history"])
    assert plan.year == 2024
    assert plan.sections["history"].tables["by_year"]["year"].tolist() == [2023, 2024]
    assert np.isfinite(plan["history"]["revenue"])


@pytest.mark.parametrize("unit", [ACCOUNT, GROUP])
def test_customer_value_equals_customer_value_on_units_built_here(case, unit):
    customer_value = pytest.importorskip("kamlab.portfolios.customer_value").customer_value
    lines = case.transactions[case.transactions["date"].dt.year == 2025]
    group = case.accounts.set_index("account_id")["group_id"]
    components = ["reference_value", "multiplier_value", "information_value", "cooperation_potential"]
    per_account = lines.groupby("account_id").agg(revenue=("revenue", "sum"), cost=("cost", "sum"))
    per_account = per_account.join(case.ratings.set_index("account_id"))
    per_account["unit"] = group.reindex(per_account.index).fillna(pd.Series(per_account.index, per_account.index))
    rows = []
    for name, part in per_account.groupby("unit"):
        buyers = part[part["revenue"] > 0]
        if buyers.empty:
            continue
        weights = buyers["revenue"].to_numpy()
        row = {"account_id": name, "contribution_margin": (part["revenue"] - part["cost"]).sum(),
               "reference_customer": bool(case.ratings.set_index("account_id").loc[
                   per_account.index[per_account["unit"] == name], "reference_customer"].any())}
        row.update({c: np.average(buyers[c], weights=weights) for c in components})
        rows.append(row)
    expected = customer_value(pd.DataFrame(rows), monetary="contribution_margin",
                              reference_customer="reference_customer").set_index("account_id").loc[unit]
    values = account_plan(case, unit, sections=["relationship"])["relationship"]
    assert values["customer_value"] == pytest.approx(expected["customer_value"])
    assert values["customer_value_rank"] == expected["customer_value_rank"]


def test_plan_html_in_german_names_its_tables_and_writes_german_days():
    # issue 17: "Centres", "Open", "Loss reasons" and ISO days ("Betreut seit 2024-04-01") in the German plan
    from kamlab.plans.html import fmt

    with kamlab.language("de"):
        assert fmt("managed_since", "2024-04-01") == "01.04.2024"
        assert fmt("days_since_contact", 15.0) == "15"
        from kamlab.plans.texts import register

        register()
        assert [kamlab.label(k) for k in ("table_centres", "table_open", "table_loss_reasons")] == [
            "Buying Center", "Offene Angebote", "Verlustgründe"]
    assert fmt("managed_since", "2024-04-01") == "2024-04-01"
