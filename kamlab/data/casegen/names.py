"""Fictional company names for the accounts of the case company."""

from __future__ import annotations

from kamlab.data.casegen.parameters import (
    FOREIGN_SURNAMES,
    LEGAL_FORMS,
    PLACES,
    SURNAMES,
    TRADE_WORDS,
    TRADE_WORDS_EN,
)


def _company_names(rng, industry, country):
    """Unique, plausible fictional company names."""
    names, seen = [], set()
    for ind, cc in zip(industry, country, strict=True):
        for _attempt in range(200):
            forms, p = LEGAL_FORMS[cc]
            form = forms[rng.choice(len(forms), p=p)]
            if cc in ("DE", "AT", "CH"):
                words = TRADE_WORDS[ind].split("|")
                word = words[rng.integers(len(words))]
                pool = SURNAMES if cc == "DE" else FOREIGN_SURNAMES[cc] + SURNAMES[:20]
                pattern = rng.random()
                if pattern < 0.55:
                    head = pool[rng.integers(len(pool))]
                elif pattern < 0.75:
                    first, second = rng.choice(len(pool), size=2, replace=False)
                    head = f"{pool[first]} & {pool[second]}"
                elif pattern < 0.9:
                    head = PLACES[rng.integers(len(PLACES))]
                else:
                    head = f"{pool[rng.integers(len(pool))]} & Söhne"
                name = f"{head} {word} {form}"
            else:
                words = TRADE_WORDS_EN[ind].split("|")
                word = words[rng.integers(len(words))]
                pool = FOREIGN_SURNAMES[cc]
                name = f"{pool[rng.integers(len(pool))]} {word} {form}"
            if name not in seen:
                break
        else:  # pragma: no cover - the lists hold far more combinations than accounts
            name = f"{name} ({len(names) + 1})"
        seen.add(name)
        names.append(name)
    return names
