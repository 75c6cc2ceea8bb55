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
