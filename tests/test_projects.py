"""kamlab.projects: reading quote lists, win rates with intervals, time to decision, loss reasons, centres."""

import math
import subprocess
import sys
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError
from kamlab.projects import decision_durations, wilson_interval


# ----------------------------------------------------------------------------- Wilson
def test_wilson_interval_by_hand():
    # 7 of 10, 95 %: z = 1.959964, z² = 3.841459, p = 0.7
    #   denominator 1 + z²/n = 1.3841459
    #   centre = (0.7 + z²/20) / 1.3841459 = (0.7 + 0.1920729) / 1.3841459 = 0.6444934
    #   half   = z / 1.3841459 * sqrt(0.7 * 0.3 / 10 + z² / 400)
    #          = 1.4160097 * sqrt(0.021 + 0.0096036) = 1.4160097 * 0.1749390 = 0.2477153
    #   -> [0.3967781, 0.8922087]
    low, high = wilson_interval(7, 10)
    assert low == pytest.approx(0.3967781, abs=1e-6)
    assert high == pytest.approx(0.8922087, abs=1e-6)
    assert (round(low, 3), round(high, 3)) == (0.397, 0.892)
    # 0 of 5: centre = half = (z²/10) / (1 + z²/5) = 0.3841459 / 1.7682918 = 0.2172412 -> [0, 0.4344825]
    low, high = wilson_interval(0, 5)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(0.4344825, abs=1e-6)
    # 90 %: z = 1.6448536, z² = 2.7055435; 7 of 10 -> centre (0.7 + 0.1352772) / 1.2705543 = 0.6574116,
    # half 1.2945953 * sqrt(0.021 + 0.0067639) = 1.2945953 * 0.1666249 = 0.2157118 -> [0.4416998, 0.8731234]
    low, high = wilson_interval(7, 10, confidence=0.90)
    assert (low, high) == pytest.approx((0.4416998, 0.8731234), abs=1e-6)


def test_wilson_interval_vectorised_and_edge_cases():
    low, high = wilson_interval([7, 70, 0], [10, 100, 0])
    assert np.isnan(low[2]) and np.isnan(high[2])
    assert high[1] - low[1] < high[0] - low[0]  # 70 of 100 is surer than 7 of 10
    with pytest.raises(ParameterError):
        wilson_interval(11, 10)
    with pytest.raises(ParameterError):
        wilson_interval(1, 10, confidence=95)


# ----------------------------------------------------------------------------- win rates
def _quotes():
    return pd.DataFrame({
        "offering": ["A"] * 11 + ["B"] * 4,
        "outcome": ["won"] * 7 + ["lost"] * 3 + ["open"] + ["won", "lost", "lost", "open"],
        "quote_value": [10.0] * 7 + [30.0] * 3 + [99.0] + [100.0, 100.0, 200.0, 5.0],
        "quote_date": pd.to_datetime(["2024-01-15"] * 11 + ["2024-04-02"] * 4),
    })


def test_win_rates_by_hand():
    rates = kamlab.win_rates(_quotes(), by="offering")
    assert rates["offering"].tolist() == ["A", "B"]
    assert rates["n_quotes"].tolist() == [11, 4]
    assert rates["n_open"].tolist() == [1, 1]  # open quotes are counted, not rated
    assert rates["n_decided"].tolist() == [10, 3]
    assert rates["win_rate"].tolist() == pytest.approx([0.7, 1 / 3])
    assert rates[["win_rate_low", "win_rate_high"]].iloc[0].tolist() == pytest.approx([0.3967781, 0.8922087], abs=1e-6)
    # by value: A won 7 x 10 = 70 of 70 + 90 = 160 decided; B won 100 of 400 (the open 99 and 5 left out)
    assert rates["value_decided"].tolist() == [160.0, 400.0]
    assert rates["value_won"].tolist() == [70.0, 100.0]
    assert rates["value_win_rate"].tolist() == pytest.approx([70 / 160, 0.25])
    assert rates.attrs["n_open"] == 2 and rates.attrs["by"] == ("offering",)


def test_win_rates_overall_by_quarter_and_from_the_account_table():
    overall = kamlab.win_rates(_quotes())
    assert len(overall) == 1 and overall["win_rate"].iloc[0] == pytest.approx(8 / 13)
    by_quarter = kamlab.win_rates(_quotes(), by="quarter")
    assert by_quarter["quarter"].tolist() == ["2024Q1", "2024Q2"]
    quotes = _quotes().assign(account_id=["K1"] * 11 + ["K2"] * 4)
    managers = pd.DataFrame({"account_id": ["K1", "K2"], "key_account_manager": ["Huber", "Kurz"]})
    by_kam = kamlab.win_rates(quotes, by="key_account_manager", accounts=managers)
    assert by_kam["key_account_manager"].tolist() == ["Huber", "Kurz"]
    assert by_kam["win_rate"].tolist() == pytest.approx([0.7, 1 / 3])
    with pytest.raises(MissingColumnError, match="accounts="):
        kamlab.win_rates(quotes, by="abc")


def test_win_rates_read_german_outcome_words():
    quotes = pd.DataFrame({"outcome": ["gewonnen", "verloren", "offen", "Auftrag"]})
    assert kamlab.win_rates(quotes)["win_rate"].iloc[0] == pytest.approx(2 / 3)
    with pytest.raises(DataFormatError, match="vielleicht"):
        kamlab.win_rates(pd.DataFrame({"outcome": ["won", "vielleicht"]}))


def test_bootstrap_interval_holds_the_estimate_narrows_with_n_and_is_seeded():
    rng = np.random.default_rng(1)
    widths = []
    for n in (10, 100, 1000):
        quotes = pd.DataFrame({"outcome": rng.choice(["won", "lost"], size=n, p=[0.3, 0.7]),
                               "quote_value": rng.lognormal(10, 1, size=n)})
        rates = kamlab.win_rates(quotes, random_state=7).iloc[0]
        assert rates["value_win_rate_low"] <= rates["value_win_rate"] <= rates["value_win_rate_high"]
        widths.append(rates["value_win_rate_high"] - rates["value_win_rate_low"])
    assert widths[0] > widths[1] > widths[2]
    quotes = pd.DataFrame({"outcome": rng.choice(["won", "lost"], size=100), "quote_value": rng.lognormal(size=100)})
    first = kamlab.win_rates(quotes, random_state=3)
    assert first.equals(kamlab.win_rates(quotes, random_state=3))
    assert not first.equals(kamlab.win_rates(quotes, random_state=4))


def test_case_overall_win_rate(case):
    rates = kamlab.win_rates(case.projects).iloc[0]
    outcome = case.projects["outcome"].astype(str)
    won, lost = int((outcome == "won").sum()), int((outcome == "lost").sum())
    assert (rates["n_won"], rates["n_decided"], rates["n_open"]) == (won, won + lost, int((outcome == "open").sum()))
    assert rates["win_rate"] == pytest.approx(won / (won + lost))
    assert (rates["win_rate_low"], rates["win_rate_high"]) == pytest.approx(wilson_interval(won, won + lost))
    by_followups = kamlab.win_rates(case.projects, by="followups")
    assert by_followups["n_quotes"].sum() == len(case.projects)
    # each follow-up count's interval is the Wilson interval of its own counts
    low, high = wilson_interval(by_followups["n_won"].to_numpy(), by_followups["n_decided"].to_numpy())
    assert by_followups["win_rate_low"].to_numpy() == pytest.approx(low)
    assert by_followups["win_rate_high"].to_numpy() == pytest.approx(high)
    # few quotes, wide interval. The width depends on the win rate too (widest at 50 %), so the rarest count need
    # not have the widest interval; but whatever its rate, a Wilson interval of n decided quotes is at least
    # z²/(n + z²) and at most z/sqrt(n + z²) wide, so the rarest count's is wider than the most common count's
    # whenever those bounds say so, as they do here
    z2 = NormalDist().inv_cdf(0.975) ** 2
    width = by_followups["win_rate_high"] - by_followups["win_rate_low"]
    rarest, commonest = by_followups["n_decided"].idxmin(), by_followups["n_decided"].idxmax()
    n_rare, n_common = by_followups.loc[rarest, "n_decided"], by_followups.loc[commonest, "n_decided"]
    assert (width >= z2 / (by_followups["n_decided"] + z2) - 1e-12).all()
    assert (width <= math.sqrt(z2) / np.sqrt(by_followups["n_decided"] + z2) + 1e-12).all()
    assert z2 / (n_rare + z2) > math.sqrt(z2) / math.sqrt(n_common + z2)
    assert width[rarest] > width[commonest]


# ----------------------------------------------------------------------------- time to decision
# durations (days) 2, 3, 3+, 5, 6+, 8, 9, 12+ (+ = still open, censored). Product limit:
#   t=2: 8 at risk, 1 decided -> S = 7/8 = 0.875
#   t=3: 7 at risk, 1 decided (the quote censored at 3 still counts) -> 0.875 * 6/7 = 0.75
#   t=5: 5 at risk, 1 decided -> 0.75 * 4/5 = 0.6
#   t=8: 3 at risk (6+ censored), 1 decided -> 0.6 * 2/3 = 0.4
#   t=9: 2 at risk, 1 decided -> 0.4 * 1/2 = 0.2; median = 8 (first day with S <= 0.5)
_DAYS = [2, 3, 3, 5, 6, 8, 9, 12]
_DECIDED = [True, True, False, True, False, True, True, False]
_AS_OF = pd.Timestamp("2025-03-01")


def _hand_quotes():
    quote = [pd.Timestamp("2025-01-01") if d else _AS_OF - pd.Timedelta(days=t) for t, d in zip(_DAYS, _DECIDED)]
    decision = [q + pd.Timedelta(days=t) if d else pd.NaT for q, t, d in zip(quote, _DAYS, _DECIDED)]
    outcome = ["won" if d and i % 2 else "lost" if d else "open" for i, d in enumerate(_DECIDED)]
    return pd.DataFrame({"outcome": outcome, "quote_date": quote, "decision_date": decision})


def _product_limit(days, decided, confidence=0.95):
    """Kaplan-Meier by hand (numpy, no statsmodels) on every distinct day, with day 0 in front.

    At each day t: n = quotes with days >= t (at risk), d = quotes decided on day t;
    S(t) = prod over days <= t of (1 - d/n); Greenwood: Var S(t) = S(t)^2 * sum d / (n (n - d));
    log-log band: sd = sqrt(sum d / (n (n - d))) / |log S|, S ** exp(+z sd) to S ** exp(-z sd).
    """
    days, decided = np.asarray(days, dtype=float), np.asarray(decided, dtype=bool)
    times = np.unique(np.concatenate([[0.0], days]))
    n = np.array([(days >= t).sum() for t in times])
    d = np.array([((days == t) & decided).sum() for t in times])
    surv = np.cumprod(1 - d / n)
    greenwood = np.cumsum(np.where(d > 0, d / (n * np.maximum(n - d, 1)), 0.0))
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(greenwood) / np.abs(np.log(surv))
        low, high = surv ** np.exp(z * sd), surv ** np.exp(-z * sd)
    edge = (surv >= 1 - 1e-12) | (surv <= 0)
    low, high = np.where(edge, surv, low), np.where(edge, surv, high)
    at_half = np.flatnonzero(surv <= 0.5 + 1e-9)
    median = times[at_half[0]] if len(at_half) else np.nan
    return pd.DataFrame({"days": times, "still_open": surv, "low": low, "high": high, "at_risk": n}), median


def test_kaplan_meier_by_hand():
    # 2, 3, 3+, 5, 6+, 8, 9, 12+ days (+: open, censored)
    #   day 2: 8 at risk, 1 decided -> S = 7/8             = 0.875
    #   day 3: 7 at risk (3+ still counts on day 3), 1     -> S = 0.875 * 6/7 = 0.75
    #   day 5: 5 at risk, 1                                -> S = 0.75 * 4/5  = 0.6
    #   day 6: censored, S stays 0.6; day 8: 3 at risk, 1  -> S = 0.6 * 2/3   = 0.4
    #   day 9: 2 at risk, 1                                -> S = 0.4 * 1/2   = 0.2 (day 12: censored)
    #   median: the first day S <= 0.5 -> 8
    result = kamlab.time_to_decision(_hand_quotes(), as_of=_AS_OF)
    curve = result.curves.set_index("days")
    assert curve.index.tolist() == [0, 2, 3, 5, 6, 8, 9, 12]
    assert curve["still_open"].tolist() == pytest.approx([1, 0.875, 0.75, 0.6, 0.6, 0.4, 0.2, 0.2])
    assert curve["at_risk"].tolist() == [8, 8, 7, 5, 4, 3, 2, 1]
    summary = result.summary.iloc[0]
    assert (summary["n_quotes"], summary["n_decided"], summary["n_open"]) == (8, 5, 3)
    assert summary["median_days"] == 8
    assert summary["open_after_30"] != summary["open_after_30"]  # beyond the last day observed: NaN
    # Greenwood on day 5: Var S = S^2 * sum d / (n (n - d)) = 0.6^2 * (1/(8*7) + 1/(7*6) + 1/(5*4))
    #   = 0.36 * 11/120 = 0.033, SE = 0.1816590; log-log: sd = sqrt(11/120) / |ln 0.6|
    #   = 0.3027650 / 0.5108256 = 0.5926974, z sd = 1.9599640 * 0.5926974 = 1.1616656
    #   -> low = 0.6 ** exp(1.1616656) = 0.6 ** 3.1952509 = 0.1954959,
    #      high = 0.6 ** exp(-1.1616656) = 0.6 ** 0.3129645 = 0.8522543
    assert curve.loc[5, "low"] == pytest.approx(0.1954959, abs=1e-6)
    assert curve.loc[5, "high"] == pytest.approx(0.8522543, abs=1e-6)
    assert curve.loc[6, ["low", "high"]].tolist() == curve.loc[5, ["low", "high"]].tolist()  # censoring: no step
    assert curve.loc[0, ["low", "high"]].tolist() == [1, 1]
    # every curve point against the product-limit computation above
    mine, median = _product_limit(_DAYS, _DECIDED)
    assert median == 8
    for column in ("days", "still_open", "low", "high", "at_risk"):
        assert result.curves[column].to_numpy() == pytest.approx(mine[column].to_numpy(), abs=1e-12), column
    # the median's interval (inverting the log-log test): days whose band holds 50 %: 2, 3, 5, 8 and 9 (day 9:
    # 0.2 ** exp(+-z sd), sd = sqrt(0.7583333) / |ln 0.2| = 0.5410730 -> 0.0095838 to 0.5727365), so from the
    # first, day 2, to the decision after the last, which is none: open (NaN)
    assert summary["median_low"] == 2
    assert summary["median_high"] != summary["median_high"]
    narrow = kamlab.time_to_decision(_hand_quotes(), as_of=_AS_OF, confidence=0.5).curves.set_index("days")
    assert curve.loc[5, "low"] < narrow.loc[5, "low"] < 0.6 < narrow.loc[5, "high"] < curve.loc[5, "high"]


def test_as_of_censors_later_decisions_and_leaves_out_later_quotes():
    frame, end = decision_durations(_hand_quotes(), as_of="2025-01-06")
    assert end == pd.Timestamp("2025-01-06")
    # quotes sent by 6 January: the five decided ones of 1 January; decided by then: after 2, 3 and 5 days
    # (6 January itself counts); the ones decided after 8 and 9 days are open on 6 January, censored at 5
    assert len(frame) == 5
    assert frame["decided"].tolist() == [True, True, True, False, False]
    assert frame["days"].tolist() == [2, 3, 5, 5, 5]


def test_case_time_to_decision_against_a_product_limit_by_hand(case):
    projects = case.projects
    result = kamlab.time_to_decision(projects, by="offering")
    end = max(projects["quote_date"].max(), projects["decision_date"].max())
    assert result.as_of == end == pd.Timestamp("2025-12-31")
    open_ = projects["outcome"].astype(str) == "open"
    days = projects["days_to_decision"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    days[open_.to_numpy()] = (end - projects["quote_date"][open_]).dt.days.to_numpy()  # censored on 31 Dec
    assert not np.isnan(days).any()
    for offering, row in result.summary.set_index("offering").iterrows():
        mine = (projects["offering"] == offering).to_numpy()
        by_hand, median = _product_limit(days[mine], ~open_.to_numpy()[mine])
        curve = result.curves[result.curves["offering"] == offering]
        for column in ("days", "still_open", "low", "high", "at_risk"):
            assert curve[column].to_numpy() == pytest.approx(by_hand[column].to_numpy(), abs=1e-9), column
        assert row["median_days"] == median
        assert row["median_low"] <= row["median_days"] <= row["median_high"]
        assert row["n_open"] == int(open_[mine].sum())
        at_60 = by_hand["still_open"][by_hand["days"] <= 60].iloc[-1]
        assert row["open_after_60"] == pytest.approx(at_60, abs=1e-9)
    overall = kamlab.time_to_decision(projects).summary.iloc[0]
    assert overall["n_open"] == int(open_.sum()) > 0  # censored, not dropped
    decided_only = float(np.median(days[~open_.to_numpy()]))
    assert overall["median_days"] >= decided_only  # dropping the open quotes would make decisions look quicker
    medians = result.summary.set_index("offering")["median_days"]
    assert medians.idxmax() == "Engineering & retrofit"


# ----------------------------------------------------------------------------- loss reasons, centres
def test_loss_reasons_by_hand_and_on_the_case(case):
    quotes = pd.DataFrame({"outcome": ["lost", "lost", "lost", "won", "lost"], "competitors": [1, 1, 3, 3, 3],
                           "loss_reason": ["price", "price", "technology", None, None]})
    table = kamlab.loss_reasons(quotes)
    assert table.values.tolist() == [[1, "price", 2, 2, 1.0], [3, "technology", 1, 2, 0.5], [3, "unknown", 1, 2, 0.5]]
    by_level = kamlab.loss_reasons(case.projects, by="relationship_level", accounts=case.ratings)
    assert by_level["n"].sum() == int((case.projects["outcome"].astype(str) == "lost").sum())
    assert by_level.groupby("relationship_level")["share"].sum().to_numpy() == pytest.approx(1.0)
    by_competitors = kamlab.loss_reasons(case.projects)
    assert set(by_competitors["competitors"]) == set(case.projects["competitors"])


def test_quotes_by_centre(case):
    centres = pd.DataFrame({"centre_id": ["K1-01", "K1-02", "K2-01"], "role": ["headquarters", "plant", "headquarters"],
                            "country": ["Germany", "Germany", "Austria"]})
    quotes = pd.DataFrame({"centre_id": ["K1-01", "K1-02", "K1-02", "K2-01", "K2-01"],
                           "outcome": ["won", "lost", "won", "lost", "open"]})
    table = kamlab.quotes_by_centre(quotes, centres, by=["country", "role"])
    assert table[["country", "role", "n_quotes", "n_decided", "win_rate", "n_centres"]].values.tolist() == [
        ["Austria", "headquarters", 2, 1, 0.0, 1], ["Germany", "headquarters", 1, 1, 1.0, 1],
        ["Germany", "plant", 2, 2, 0.5, 1]]
    with pytest.raises(DataFormatError, match="K9-01"):
        kamlab.quotes_by_centre(quotes.assign(centre_id="K9-01"), centres)
    by_role = kamlab.quotes_by_centre(case.projects, case.centres)
    assert by_role["n_quotes"].sum() == len(case.projects)
    assert set(by_role["role"]) <= set(case.centres["role"].astype(str))


# ----------------------------------------------------------------------------- the reader
_GERMAN = (
    "Angebotsnr.;Kundennr.;Angebotsdatum;Angebotswert;Wettbewerber;Nachfassaktionen;Entscheidungsdatum;Status;"
    "Auftragswert;Verlustgrund\n"
    "A-1;K1;03.02.2025;12.500,00;2;1;10.03.2025;gewonnen;12.000,00;\n"
    "A-2;K2;04.02.2025;8.000,00;3;0;;offen;;\n"
    "A-3;K1;05.02.2025;1.250,50;1;2;20.02.2025;kein Auftrag;;Preis\n"
)
_ENGLISH = (
    "Quote ID,Customer ID,Quote date,Quote value,Competitors,Follow-ups,Decision date,Outcome,Order value,"
    "Loss reason\n"
    "Q-7,C9,2025-02-03,\"12,500.00\",2,1,2025-03-10,Closed Won,\"12,000.00\",\n"
    "Q-8,C8,2025-02-04,800.5,4,3,2025-02-28,lost,,price\n"
)


def test_read_projects_german_and_english(tmp_path):
    path = tmp_path / "angebote.csv"
    path.write_text(_GERMAN, encoding="cp1252")
    df = kamlab.read_projects(path)
    assert list(df.columns) == ["project_id", "account_id", "quote_date", "quote_value", "competitors", "followups",
                                "decision_date", "outcome", "order_value", "loss_reason"]
    assert df["project_id"].tolist() == ["A-1", "A-2", "A-3"]
    assert df["quote_value"].tolist() == [12500.0, 8000.0, 1250.5]
    assert df["outcome"].astype(str).tolist() == ["won", "open", "lost"]
    assert df["quote_date"].tolist() == list(pd.to_datetime(["2025-02-03", "2025-02-04", "2025-02-05"]))
    assert df["decision_date"].isna().tolist() == [False, True, False]
    assert df["competitors"].tolist() == [2, 3, 1] and str(df["competitors"].dtype) == "Int64"
    assert df["order_value"].iloc[0] == 12000.0 and df["loss_reason"].iloc[2] == "Preis"
    english = tmp_path / "quotes.csv"
    english.write_text(_ENGLISH, encoding="utf-8")
    df = kamlab.read_projects(english)
    assert df["project_id"].tolist() == ["Q-7", "Q-8"] and df["account_id"].tolist() == ["C9", "C8"]
    assert df["quote_value"].tolist() == [12500.0, 800.5]
    assert df["outcome"].astype(str).tolist() == ["won", "lost"]
    assert df["followups"].tolist() == [1, 3]


def test_read_projects_unknown_outcome_names_line_and_column(tmp_path):
    path = tmp_path / "angebote.csv"
    path.write_text(_GERMAN.replace("kein Auftrag", "storniert"), encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        kamlab.read_projects(path)
    err = info.value
    assert (err.line, err.column, err.value) == (4, "Status", "storniert")
    assert "line 4" in str(err) and "gewonnen" in str(err) and "kein auftrag" in str(err)
    with pytest.warns(kamlab.data.readers.RowsSetAsideWarning):
        kept = kamlab.read_projects(path, errors="drop")
    assert kept["project_id"].tolist() == ["A-1", "A-2"]
    df = kamlab.read_projects(path, outcomes={"Storniert": "lost"})
    assert df["outcome"].astype(str).tolist() == ["won", "open", "lost"]
    with pytest.raises(ParameterError):
        kamlab.read_projects(path, outcomes={"storniert": "cancelled"})


def test_read_projects_duplicates_and_dates(tmp_path):
    path = tmp_path / "angebote.csv"
    path.write_text(_GERMAN.replace("A-3", "A-1"), encoding="utf-8")
    with pytest.raises(DataFormatError, match="project id 'A-1' appears more than once"):
        kamlab.read_projects(path)
    path.write_text(_GERMAN.replace("10.03.2025", "10.01.2025"), encoding="utf-8")
    with pytest.raises(DataFormatError, match="A-1.*before"):
        kamlab.read_projects(path)
    path.write_text(_GERMAN.replace("Status", "Stand"), encoding="utf-8")
    with pytest.raises(MissingColumnError, match="outcome"):
        kamlab.read_projects(path)


def test_read_transactions_does_not_take_the_quote_columns(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("Kundennr.;Datum;Umsatz;Status\nK1;01.02.2025;10,50;gewonnen\n", encoding="utf-8")
    df = kamlab.read_transactions(path)
    assert "outcome" not in df.columns and df["Status"].tolist() == ["gewonnen"]
    with pytest.raises(ParameterError):
        kamlab.read_transactions(path, columns={"Status": "outcome"})


# ----------------------------------------------------------------------------- labels, API, light import
def test_labels_in_german():
    assert kamlab.label("win_rate", "de") == "Erfolgsquote"
    assert kamlab.label("loss_reason", "de") == "Verlustgrund"
    assert kamlab.label("competitors", "de") == "Wettbewerber"
    assert kamlab.label("time_to_decision", "de") == "Entscheidungsdauer"
    assert kamlab.label("quote", "de") == "Angebot"
    assert kamlab.label("outcome_won", "de") == "Auftrag gewonnen"
    assert kamlab.label("outcome_lost", "de") == "Auftrag verloren"
    assert "Nachfassen" in kamlab.label("followups", "de")


def test_public_api_and_statsmodels_imported_late():
    for name in ("read_projects", "win_rates", "wilson_interval", "time_to_decision", "loss_reasons",
                 "quotes_by_centre"):
        assert getattr(kamlab, name) is getattr(kamlab.projects, name)
    assert "projects" in kamlab.SUBPACKAGES
    code = "import sys, kamlab.projects; print('statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert math.isnan(kamlab.win_rates(pd.DataFrame({"outcome": ["open"]}))["win_rate"].iloc[0])
