"""The words of the field, one vocabulary each: offices, stages, parties (with their colours),
candidate statuses and geography. Every importer and form maps what a file or a person writes
("U.S. Senate", "Sen", "Pennsylvania", "PA", "Maine CD-2") onto these codes, so a race polled in
two files is one race.

Geography codes: ``US`` (national); a U.S. state, D.C. or territory by its postal code (``PA``);
a congressional district as ``PA-07`` (``ME-02``; at-large seats are the state); another
country by its ISO 3166 alpha-2 code (``GB``). U.S. names come from the ``us`` package,
countries from ``pycountry``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pycountry
import us

NATIONAL = "US"

OFFICES = {
    "president": "President",
    "senate": "Senate",
    "house": "House",
    "governor": "Governor",
    "generic-ballot": "Generic ballot",
    "mayor": "Mayor",
    "other": "Other office",
}
_OFFICE_WORDS = {
    "president": "president", "pres": "president", "pres-p": "president", "pres-g": "president",
    "presidential": "president", "u-s-president": "president", "us-president": "president",
    "senate": "senate", "sen": "senate", "u-s-senate": "senate", "us-senate": "senate",
    "house": "house", "u-s-house": "house", "us-house": "house", "congress": "house",
    "governor": "governor", "gov": "governor",
    "generic-ballot": "generic-ballot", "generic": "generic-ballot", "house-g-us": "generic-ballot",
    "mayor": "mayor",
}

STAGES = {
    "general": "General election",
    "primary": "Primary",
    "caucus": "Caucus",
    "runoff": "Runoff",
    "special": "Special election",
    "jungle-primary": "Top-two primary",
}
_STAGE_WORDS = {
    "general": "general", "g": "general", "gen": "general", "general-election": "general",
    "primary": "primary", "p": "primary", "primaries": "primary",
    "caucus": "caucus", "caucuses": "caucus",
    "runoff": "runoff", "r": "runoff", "general-runoff": "runoff", "primary-runoff": "runoff",
    "special": "special", "special-election": "special",
    "jungle-primary": "jungle-primary", "top-two-primary": "jungle-primary",
}


@dataclass(frozen=True)
class Party:
    code: str
    name: str
    colour: str  # a colour-blind-safe hue that also reads in grey scale


PARTIES = {
    "DEM": Party("DEM", "Democratic", "#2166ac"),
    "REP": Party("REP", "Republican", "#b2182b"),
    "LIB": Party("LIB", "Libertarian", "#d9a21b"),
    "GRN": Party("GRN", "Green", "#1b7837"),
    "IND": Party("IND", "Independent", "#762a83"),
    "OTHER": Party("OTHER", "Other", "#666666"),
}
_PARTY_WORDS = {
    "dem": "DEM", "d": "DEM", "democrat": "DEM", "democratic": "DEM", "democrats": "DEM",
    "dfl": "DEM",
    "rep": "REP", "r": "REP", "gop": "REP", "republican": "REP", "republicans": "REP",
    "lib": "LIB", "l": "LIB", "libertarian": "LIB",
    "grn": "GRN", "green": "GRN", "g": "GRN",
    "ind": "IND", "i": "IND", "independent": "IND", "independents": "IND", "npa": "IND",
}

STATUSES = {"running": "Running", "withdrew": "Withdrew", "hypothetical": "Hypothetical"}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").strip().lower()).strip("-")


def office_code(text: str) -> str | None:
    """``"U.S. Senate"`` -> ``senate``; None for a word the vocabulary does not know."""
    key = _key(text)
    return key if key in OFFICES else _OFFICE_WORDS.get(key)


def stage_code(text: str) -> str | None:
    key = _key(text)
    return key if key in STAGES else _STAGE_WORDS.get(key)


def party_code(text: str) -> str | None:
    """``"Dem"``/``"Democratic"`` -> ``DEM``; an unknown party name -> ``OTHER``; blank -> None."""
    key = _key(text)
    if not key:
        return None
    if key.upper() in PARTIES:
        return key.upper()
    return _PARTY_WORDS.get(key, "OTHER")


def party_colour(code: str | None) -> str | None:
    party = PARTIES.get(code or "")
    return party.colour if party else None


def party_colours(choices: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """``(name, party)`` in display order -> the party colour of each choice that gets one:
    the first choice of each party (a primary's front-runner, a nominee before a rival of
    the same party); the others keep their position colours, so no two lines share one."""
    colours: dict[str, str] = {}
    taken: set[str] = set()
    for name, code in choices:
        colour = party_colour(code)
        if colour is not None and code not in taken:
            taken.add(code or "")
            colours[name] = colour
    return colours


# "Maine CD-2", "ME-2", "ME02", "Nebraska District 2": words of a state name (single spaces:
# the text is normalised first), then an optional district word, then the number. No two
# quantifiers can match the same characters, so matching is linear in the text.
_DISTRICT = re.compile(
    r"^(?P<state>[A-Za-z.]+(?: [A-Za-z.]+)*?)(?:[ _-]?(?:cd|district|dist\.?))?[ _-]?(?P<number>\d{1,2})$",
    re.IGNORECASE)
MAX_PLACE_LENGTH = 60  # longer text is no place name
_NATIONAL_WORDS = {"", "us", "usa", "u-s", "u-s-a", "national", "united-states", "nationwide",
                   "united-states-of-america"}


def _state(text: str):
    text = text.strip().rstrip(".")
    return us.states.lookup(text) if text else None


def geography_code(text: str) -> str | None:
    """The geography code of a place as files write it; None when it is not one.

    ``""``, ``"National"``, ``"U.S."`` -> ``US``; ``"Pennsylvania"``/``"pa"`` -> ``PA``;
    ``"Maine CD-2"``, ``"ME-2"``, ``"ME02"`` -> ``ME-02``; ``"France"``/``"FR"`` -> ``FR``.
    """
    raw = " ".join((text or "").split())
    if len(raw) > MAX_PLACE_LENGTH:
        return None
    if _key(raw) in _NATIONAL_WORDS:
        return NATIONAL
    state = _state(raw)
    if state is not None:
        return state.abbr
    match = _DISTRICT.match(raw)
    if match:
        state = _state(match["state"])
        if state is not None:
            number = int(match["number"])
            return f"{state.abbr}-{number:02d}" if number else state.abbr
    try:
        return pycountry.countries.lookup(raw).alpha_2
    except LookupError:
        return None


def state_code(text: str) -> str | None:
    """The postal code of a US state or DC as files write it (``"pa"``, ``"Pennsylvania"``);
    None for anything else (the nation, a district, a territory, another country)."""
    state = _state(" ".join((text or "").split()))
    return state.abbr if state is not None and (state.statehood_year or state.abbr == "DC") else None


def geography_name(code: str) -> str:
    """``PA`` -> ``Pennsylvania``; ``PA-07`` -> ``Pennsylvania's 7th district``; ``US`` ->
    ``United States``."""
    if code == NATIONAL:
        return "United States"
    state_code, _, number = code.partition("-")
    state = us.states.lookup(state_code) if len(state_code) == 2 else None
    if state is not None:
        return f"{state.name}'s {_ordinal(int(number))} district" if number else state.name
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def geography_state_name(code: str) -> str:
    """The name of the state a district lies in (the state itself otherwise)."""
    return geography_name(code.partition("-")[0])


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
