"""Corrections of issue 16, section 4: terms, the portfolio vocabularies, chart legibility, printed numbers."""

import kamlab
from kamlab._util.labels import label


# ----------------------------------------------------------------------------- terms (items 2-4)
def test_cascade_terms_in_both_languages():
    with kamlab.language("de"):
        assert label("net_revenue") == "Nettoerlös"  # = fakturierter Umsatz − Erlösschmälerungen
        assert label("discounts_rebates") == "Nachträgliche Erlösschmälerungen (Boni)"
        assert label("cost") == "(Standard-)Herstellkosten"
        german = [label(k) for k in ("net_revenue", "discounts_rebates", "cost", "net_revenue_after_rebates")]
    with kamlab.language("en"):
        assert label("net_revenue") == "Net revenue"
        assert label("discounts_rebates") == "Year-end bonuses"
        assert label("cost") == "Manufacturing cost (standard)"
    # the terms the review found ambiguous or wrong are gone from the labels
    assert not any(word in text for text in german for word in ("Nettoumsatz", "Bruttoumsatz", "Wareneinsatz"))


def test_cascade_docstring_states_the_terms():
    from kamlab.data import cascade

    doc = cascade.contribution_cascade.__doc__
    assert "fakturierter Umsatz" in doc and "Erlösschmälerungen" in doc and "Nettoerlös" in doc
    assert "nachträgliche Erlösschmälerungen (Boni)" in doc
    assert "Wareneinsatz" not in doc and "manufacturing cost" in doc


def test_key_account_definition_names_target_figures():
    from kamlab.identify import abc, keylist

    for text in (abc.__doc__, abc.key_account_candidates.__doc__, keylist.__doc__):
        assert "50–60 %" in text and "target" in text


# ----------------------------------------------------------------------------- the portfolio vocabularies (item 5, 10)
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamlab.portfolios import VOCABULARIES, portfolio  # noqa: E402
from kamlab.portfolios.matrix import FALSE_FRIENDS, vocabulary_table  # noqa: E402

# one account per quadrant: (supplier position, attractiveness) with the split at (5, 5)
_CORNER_SCORES = pd.DataFrame({"account_id": ["AS", "AW", "US", "UW"],
                               "supplier_position": [8.0, 2.0, 8.0, 2.0], "attractiveness": [8.0, 8.0, 2.0, 2.0]})


@pytest.mark.parametrize("vocabulary", ["mcdonald", "dpm", "de"])
def test_each_strategy_says_more_than_its_quadrant_name(vocabulary):
    for name, strategy in VOCABULARIES[vocabulary]:
        assert name.lower() not in strategy.lower(), (name, strategy)
        assert len(strategy.split()) >= 4  # a strategy, not a label


def test_false_friend_mapping_follows_the_quadrants():
    # the same four accounts placed with each vocabulary: the names that share an account are one quadrant
    by = {v: portfolio(_CORNER_SCORES, split=(5, 5), labels=v).set_index("account_id")["quadrant"].astype(str)
          for v in ("mcdonald", "de")}
    assert by["mcdonald"]["AW"] == "Star" and by["de"]["AW"] == "Fragezeichenkunden"
    assert by["de"]["AS"] == "Starkunden" and by["mcdonald"]["AS"] == "Strategic"
    assert FALSE_FRIENDS["Star"] == (by["de"]["AW"], by["de"]["AS"], by["mcdonald"]["AS"])
    table = vocabulary_table("en")
    same_quadrant = dict(zip(table["vocabulary_mcdonald"], table["vocabulary_de"], strict=True))
    assert same_quadrant == {by["mcdonald"][a]: by["de"][a] for a in _CORNER_SCORES["account_id"]}
    flagged = table[table["false_friend"] != ""]
    assert set(flagged["vocabulary_mcdonald"]) == {"Star", "Strategic"}
    assert "Fragezeichenkunde" in table.loc[table["vocabulary_mcdonald"] == "Star", "false_friend"].item()


def test_vocabulary_table_in_both_languages():
    english, german = vocabulary_table("en"), vocabulary_table("de")
    assert list(english.index) == ["attractive, strong position", "attractive, weak position",
                                   "unattractive, strong position", "unattractive, weak position"]
    assert list(german.index) == ["attraktiv, starke Position", "attraktiv, schwache Position",
                                  "unattraktiv, starke Position", "unattraktiv, schwache Position"]
    assert german.loc["attraktiv, schwache Position", "false_friend"].startswith("Falscher Freund")
    assert english.loc["attractive, weak position", "vocabulary_de_strategy"].startswith("Big Step or Out")
    with kamlab.language("de"):
        headings = list(kamlab.translate_columns(german).columns)
    assert "Normstrategie (deutsch)" in headings and "Vorsicht" in headings
    # the DPM's names are strategies: the table gives what to do beside each
    assert (english["vocabulary_dpm"] != english["vocabulary_dpm_strategy"]).all()
    with pytest.raises(kamlab.errors.ParameterError, match="language"):
        vocabulary_table("fr")


def test_dpm_matrix_draws_a_strategy_unlike_its_name():
    from kamlab.portfolios.plots import portfolio_matrix

    fig, ax = plt.subplots()
    portfolio_matrix(portfolio(_CORNER_SCORES, split=(5, 5), labels="dpm"), ax=ax, label_top=0)
    names = [t.get_text() for t in ax.texts if t.get_gid() == "quadrant-name"]
    strategies = [t.get_text().replace("\n", " ") for t in ax.texts if t.get_gid() == "quadrant-strategy"]
    plt.close(fig)
    assert names == [n for n, _ in VOCABULARIES["dpm"]]
    assert all(n.lower() not in s.lower() for n, s in zip(names, strategies, strict=True))
