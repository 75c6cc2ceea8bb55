"""The win-rate chart's title in German orthography (issue 17): 95-%-Konfidenzintervall."""

import matplotlib.pyplot as plt
import pandas as pd

import kamlab
from kamlab.projects.plots import win_rate_chart


def test_confidence_interval_title_is_one_german_compound():
    quotes = pd.DataFrame({"offering": ["A"] * 6 + ["B"] * 6,
                           "outcome": ["won", "lost", "won", "won", "lost", "won"] * 2})
    rates = kamlab.win_rates(quotes, by="offering")
    with kamlab.language("de"):
        german = win_rate_chart(rates, ax=plt.subplots()[1]).get_title()
    english = win_rate_chart(rates, ax=plt.subplots()[1]).get_title()
    assert "(95-%-Konfidenzintervall)" in german
    assert "(95 % confidence interval)" in english
    plt.close("all")
