"""Explorers shown before their cell runs: one readable sentence, not ipywidgets' repr (issue 16)."""

import pytest

pytest.importorskip("ipywidgets")

import kamlab
from kamlab.identify.widgets import ABCExplorer, TopShareExplorer


def _shown(explorer):
    """What the explorer publishes when displayed in a (test) IPython shell: the mime bundles."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        explorer._ipython_display_()
    return [output.data for output in captured.outputs]


@pytest.fixture(scope="module")
def table():
    return kamlab.load_case().account_table(2025)


@pytest.mark.parametrize(("code", "words"), [("en", "run this cell"), ("de", "Zelle ausführen")])
def test_explorers_show_a_sentence_in_place_of_the_widget_repr(table, code, words):
    with kamlab.language(code):
        for explorer in (TopShareExplorer(table, plot=False), ABCExplorer(table)):
            (bundle,) = _shown(explorer)
            text = bundle["text/plain"]
            assert words in text
            assert "VBox" not in text and "children" not in text
            # the widget itself is still what JupyterLab draws
            view = bundle["application/vnd.jupyter.widget-view+json"]
            assert view["model_id"] == explorer.widget.model_id
