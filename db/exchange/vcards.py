"""Contacts as vCards 4.0 (vobject), for Outlook and phones: the name in Latin script
first and the Urdu name as a second name in the same card."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

Progress = Callable[[int], None]


def contact_card(row: dict) -> str:
    """One contact row (db/exchange/export_rows.py) as a vCard 4.0."""
    import vobject

    card = vobject.vCard()
    card.add("version").value = "4.0"
    name = " ".join(p for p in (row["honorific"], row["given_name"], row["family_name"]) if p)
    latin = card.add("fn")
    latin.value = name
    card.add("n").value = vobject.vcard.Name(
        family=row["family_name"], given=row["given_name"], prefix=row["honorific"]
    )
    if row["name_urdu"]:
        latin.params["ALTID"] = ["1"]
        latin.params["LANGUAGE"] = ["en"]
        urdu = card.add("fn")
        urdu.value = row["name_urdu"]
        urdu.params["ALTID"] = ["1"]
        urdu.params["LANGUAGE"] = ["ur"]
    if row["email"]:
        card.add("email").value = row["email"]
    if row["phone"]:
        card.add("tel").value = row["phone"]
    if row["organization"]:
        card.add("org").value = [row["organization"]]
    if row["role_title"] or row["profession"]:
        card.add("title").value = row["role_title"] or row["profession"]
    if row["city"] or row["region_code"]:
        address = card.add("adr")
        address.value = vobject.vcard.Address(
            city=row["city"], region=(row["region_code"] or "").partition("-")[2]
        )
    tag = language_tag(row["preferred_language"])
    if tag:
        card.add("lang").value = tag
    card.add("uid").value = f"urn:uuid:{row['uid']}"
    return card.serialize()


# How the field spells languages that ISO 639 names otherwise.
_SPELLINGS = {"punjabi": "pa", "pashto": "ps", "balochi": "bal", "baluchi": "bal"}


def language_tag(language: str) -> str | None:
    """A preferred language as the language tag a vCard's LANG holds ("Urdu" is ur,
    "Punjabi" pa, "Saraiki" skr); None when it names no language ISO 639 knows."""
    import pycountry

    text = (language or "").strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered in _SPELLINGS:
        return _SPELLINGS[lowered]
    if len(lowered) == 2:
        found = pycountry.languages.get(alpha_2=lowered)
    elif len(lowered) == 3:
        found = pycountry.languages.get(alpha_3=lowered)
    else:
        found = pycountry.languages.get(name=text.title())
    if found is None:
        return None
    return getattr(found, "alpha_2", None) or found.alpha_3


def write_vcards(path: Path, rows: Iterable[dict], progress: Progress | None = None) -> int:
    """Write one .vcf holding a card per contact; return how many were written."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        for row in rows:
            handle.write(contact_card(row))
            written += 1
            if progress and written % 1000 == 0:
                progress(written)
    return written
