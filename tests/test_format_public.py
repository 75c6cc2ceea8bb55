"""kamlab.format_number / format_percent / format_amount: numbers in sentences follow kamlab's language."""

import pytest

import kamlab


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ("1,753", "1,234,567.89", "55.3 %", "2.1 M", "−312 k")),
    ("de", ("1.753", "1.234.567,89", "55,3 %", "2,1 Mio.", "−312 Tsd.")),
])
def test_numbers_in_the_current_language(language, expected):
    with kamlab.language(language):
        got = (kamlab.format_number(1753), kamlab.format_number(1234567.891, 2), kamlab.format_percent(0.5534),
               kamlab.format_amount(2_140_000), kamlab.format_amount(-312_400))
    assert got == expected
    assert kamlab.get_language() == "en"  # the setting is back


def test_percent_decimals():
    assert kamlab.format_percent(0.738, 0) == "74 %"
    assert kamlab.format_percent(0.7384, 2) == "73.84 %"


def test_days_in_the_current_language():
    from kamlab._util.format import day

    with kamlab.language("de"):
        assert (day("2024-04-01"), day("not a day")) == ("01.04.2024", "not a day")
    assert day("2024-04-01") == "2024-04-01"
