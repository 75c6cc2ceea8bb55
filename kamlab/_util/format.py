"""Numbers and short texts in the current label language (private helpers of charts and widgets).

German writes 1.234,5 where English writes 1,234.5; amounts are compact (1.2 M, 312 k;
German 1,2 Mio., 312 Tsd.). Texts come in (English, German) pairs.
"""

from __future__ import annotations

import re

from kamlab._util.labels import get_language

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

MINUS = "\u2212"


def decimal(text):
    """English number text in the current language (German: 1.234,5)."""
    if get_language() != "de":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def day(text):
    """An ISO day ("2024-04-01") in the current language (German: 01.04.2024); other text unchanged."""
    text = str(text)
    if get_language() != "de" or not _ISO_DAY.fullmatch(text):
        return text
    return ".".join(reversed(text.split("-")))


def amount(value):
    """A compact amount: 1.2 M, 300 k, 950, with a true minus sign (German: 1,2 Mio., 300 Tsd.)."""
    german = get_language() == "de"
    size = abs(value)
    if size >= 1e6:
        text = decimal(f"{size / 1e6:.1f}") + (" Mio." if german else " M")
    elif size >= 1e3:
        text = decimal(f"{size / 1e3:.0f}") + (" Tsd." if german else " k")
    else:
        text = f"{size:.0f}"
    return (MINUS if value < 0 else "") + text


def small_amount(value):
    """As :func:`amount`, but amounts between 0 and 1 with two significant digits (0.12)."""
    return decimal(f"{value:.2g}") if 0 < abs(value) < 1 else amount(value)


def percent(share, decimals=0):
    """A share as a percentage: 0.123 -> '12 %' (German decimal comma)."""
    return decimal(f"{share * 100:.{decimals}f} %")


def count(n):
    """A whole number with thousands separators: 1,234 (German 1.234)."""
    return decimal(f"{int(n):,}")


def short(name, max_chars):
    """``name`` cut to ``max_chars`` characters with an ellipsis (no cut when ``max_chars`` is falsy)."""
    name = str(name)
    return name if not max_chars or len(name) <= max_chars else name[: max_chars - 1].rstrip() + "…"


def translator(texts):
    """A function ``t(key, **values)`` that formats ``texts[key]``, a pair (English, German), in the current language."""

    def t(key, **kwargs):
        english, german = texts[key]
        return (german if get_language() == "de" else english).format(**kwargs)

    return t


def format_number(value, decimals=0):
    """A number for a sentence in the current language: ``1,234.5`` (German ``1.234,5``).

    For notebooks and reports that print numbers in text: under ``kamlab.set_language("de")``
    the same code writes German numbers.

    >>> import kamlab
    >>> format_number(1234.5, 1)
    '1,234.5'
    >>> with kamlab.language("de"):
    ...     format_number(1234.5, 1), format_percent(0.5534, 1), format_amount(2_140_000)
    ('1.234,5', '55,3 %', '2,1 Mio.')
    """
    return decimal(f"{value:,.{int(decimals)}f}")


def format_percent(share, decimals=1):
    """A share (0.553) as a percentage in the current language: ``55.3 %`` (German ``55,3 %``)."""
    return percent(share, int(decimals))


def format_amount(value):
    """A compact amount in the current language: ``2.1 M``, ``312 k`` (German ``2,1 Mio.``, ``312 Tsd.``)."""
    return amount(value)
