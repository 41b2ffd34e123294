"""Countries by their ISO 3166-1 codes (pycountry): a host country or a mission's
country is chosen by its name and stored as its two-letter code."""

from __future__ import annotations

from functools import cache


@cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, by name: "United Kingdom" is GB."""
    import pycountry

    return tuple(
        sorted(
            (
                (country.alpha_2, getattr(country, "common_name", country.name))
                for country in pycountry.countries
            ),
            key=lambda pair: pair[1],
        )
    )


def country_name(code: str) -> str | None:
    """The name of the country with this two-letter code; None when there is none."""
    return dict(country_choices()).get((code or "").upper())
