"""Interactive explorers: thin ipywidgets layers over kamlab's functions and plots.

Each explorer keeps its controls as attributes and its latest computed result in
``result``, so its logic can be tested without a browser: set a control's ``value``
and look at ``result``.
"""

from __future__ import annotations

import ipywidgets as widgets

from .identify import top_share
from .labels import get_language, label

__all__ = ["TopShareExplorer"]


class TopShareExplorer:
    """Slider over the share of top accounts; shows the share of value they hold.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table (one row per account).
    value : str, default="revenue"
        The column to rank and add up.
    percent : int, default=20
        The starting position of the slider (top ``percent`` % of accounts).
    plot : bool, default=True
        Draw the Pareto curve under the sentence.

    Attributes
    ----------
    slider : ipywidgets.IntSlider
        The share of top accounts in percent (1 to 100).
    output : ipywidgets.Output
        Where the sentence and the chart appear.
    result : kamlab.identify.TopShare
        The latest result.
    text : str
        The latest sentence.
    """

    def __init__(self, accounts, value="revenue", percent=20, plot=True):
        self.accounts = accounts
        self.value = value
        self.plot = plot
        description = "Top-Kunden %" if get_language() == "de" else "Top accounts %"
        self.slider = widgets.IntSlider(
            value=percent, min=1, max=100, step=1, description=description, continuous_update=False,
            style={"description_width": "initial"},
        )
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.slider, self.output])
        self.slider.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, change):
        self.update()

    def update(self):
        """Recompute the result for the slider's value and redraw the output."""
        self.result = top_share(self.accounts, self.slider.value / 100, value=self.value)
        self.text = self.result.describe(self.value)
        self.output.clear_output(wait=True)
        with self.output:
            print(self.text)
            if self.plot:
                import matplotlib.pyplot as plt

                from .plots import pareto_curve

                fig, ax = plt.subplots(figsize=(5, 3.2))
                pareto_curve(self.accounts, value=self.value, mark=self.result.fraction, ax=ax)
                ax.set_title(label("key_accounts"))
                plt.show()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
