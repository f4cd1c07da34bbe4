"""The rules a poll must meet, whichever way it arrives (admin form, CSV or JSON import,
JSON API): one validator made from ``POLL_FIELDS``, so a rule holds everywhere or nowhere.
Errors name the field: ``sample_size``, ``results.Support`` and so on."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from slugify import slugify

from .errors import ValidationFailed
from .poll_fields import (
    ACTUAL_PREFIX,
    CANONICAL_COLUMNS,
    DERIVED_COLUMN,
    EARLIEST_FIELD_YEAR,
    EDITABLE_FIELDS,
    FUTURE_TOLERANCE_DAYS,
    MAX_SAMPLE_SIZE,
    POPULATIONS,
    ROUNDING_ALLOWANCE,
    PollField,
    parse_flag,
)


@dataclass
class PollInput:
    """A validated poll, ready to be stored."""

    pollster: str
    start_date: dt.date
    end_date: dt.date
    population: str
    results: dict[str, float]
    sponsor: str = ""
    sample_size: int | None = None
    mode: str = ""
    source_url: str = ""
    partisan: bool = False
    internal: bool = False
    notes: str = ""
    source: str = "form"
    source_id: str | None = None


def pollster_slug(name: str) -> str:
    """The one way a pollster's slug is made (the column holds 120 characters)."""
    return slugify(name, max_length=120)


def pollster_alias_key(name: str) -> str:
    """A spelling of a pollster's name normalised for lookup (``PollsterAlias.key``): case,
    accents and punctuation do not matter ("Siena College" = "siena college.")."""
    return slugify(name or "", max_length=200)


def parse_date(value: Any) -> dt.date:
    """An ISO date (``YYYY-MM-DD``) or a ``date``; raises ``ValueError`` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValueError("is required")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def parse_field_date(value: Any) -> dt.date:
    """A poll's field date: ``parse_date``, in ``EARLIEST_FIELD_YEAR`` or later and at most
    ``FUTURE_TOLERANCE_DAYS`` after today in UTC."""
    date = parse_date(value)
    if date.year < EARLIEST_FIELD_YEAR:
        raise ValueError(f"must be in {EARLIEST_FIELD_YEAR} or later")
    latest = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=FUTURE_TOLERANCE_DAYS)
    if date > latest:
        raise ValueError(f"must not be in the future (at most {latest.isoformat()}, tomorrow in UTC)")
    return date


def parse_number(value: Any) -> float:
    """A finite number from a number or a text (a trailing ``%`` is allowed)."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    return number


# C0 control characters and DEL: PostgreSQL refuses NUL in text and the others are never
# meant (a terminal escape, a bell). Free text (notes) may hold tabs and line breaks.
CONTROL_CHARACTERS = frozenset(chr(code) for code in (*range(0x20), 0x7F))
LINE_CHARACTERS = frozenset("\t\n\r")
# Bidirectional controls (right-to-left override and friends) reorder how a name is shown:
# "Evil\u202eTxet" displays as another name (CVE-2021-42574's "trojan source").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
MULTILINE_FIELDS = frozenset({"notes", "description"})


def text_problem(text: str, multiline: bool = False) -> str | None:
    """Why a text may not be stored (a control or bidi character), or None when it may.
    The one check of every text field: poll fields, names, titles, file names."""
    allowed = LINE_CHARACTERS if multiline else frozenset()
    for char in text:
        if (char in CONTROL_CHARACTERS and char not in allowed) or char in BIDI_CONTROLS:
            kind = "control" if char in CONTROL_CHARACTERS else "bidirectional control"
            return f"must not contain the {kind} character U+{ord(char):04X}"
    return None


# Scripts whose letters look alike ("Rеuters" with a Cyrillic е): a name mixing them is a
# look-alike of another name, not a name of its own.
CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def name_problem(name: str) -> str | None:
    """Why a pollster's name may not be stored: a control character, or letters of more
    than one of ``CONFUSABLE_SCRIPTS`` (a name in one script, Cyrillic or Greek, is fine)."""
    problem = text_problem(name)
    if problem:
        return problem
    scripts = {unicodedata.name(char, "").split(" ")[0] for char in name if char.isalpha()}
    mixed = [script.title() for script in CONFUSABLE_SCRIPTS if script in scripts]
    if len(mixed) > 1:
        return f"mixes {' and '.join(mixed)} letters (a look-alike of another name); write it in one script"
    return None


def choice_name_problem(name: str) -> str | None:
    """Why an answer choice may not have this name, or None: a control character, or a
    name the canonical CSV reads as one of its own columns (``notes``, ``actual:X``), which
    would break the export's re-import."""
    if name in CANONICAL_COLUMNS or name.startswith(ACTUAL_PREFIX) or DERIVED_COLUMN.match(name):
        return f"“{name}” is a canonical CSV column name; choose another name"
    return text_problem(name)


def strip_controls(text: str) -> str:
    """``text`` without its control and bidi characters (for names the user does not type,
    such as an uploaded file's name)."""
    return "".join(char for char in text if char not in CONTROL_CHARACTERS and char not in BIDI_CONTROLS)


def check_text(text: str, multiline: bool = False) -> str:
    """``text`` unchanged, or ``ValueError`` naming the character it may not hold."""
    problem = text_problem(text, multiline)
    if problem:
        raise ValueError(problem)
    return text


def _text(value: Any, field: PollField) -> str:
    text = check_text("" if value is None else str(value).strip(), field.name in MULTILINE_FIELDS)
    if field.max_length is not None and len(text) > field.max_length:
        raise ValueError(f"must be at most {field.max_length} characters")
    if field.required and not text:
        raise ValueError("is required")
    return text


def _count(value: Any, _field: PollField) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    number = parse_number(value)
    if number != int(number):
        raise ValueError("must be a whole number")
    if number <= 0:
        raise ValueError("must be greater than 0")
    if number > MAX_SAMPLE_SIZE:
        raise ValueError("is implausibly large")
    return int(number)


def _population(value: Any, _field: PollField) -> str:
    code = str(value or "").strip().lower()
    if code not in POPULATIONS:
        raise ValueError("must be one of " + ", ".join(
            f"{key} ({label.lower()})" for key, label in POPULATIONS.items()))
    return code


def _url(value: Any, field: PollField) -> str:
    text = "" if value is None else str(value).strip()
    try:
        parsed = urlparse(text)
        valid = parsed.scheme in ("http", "https") and bool(parsed.hostname)
    except ValueError:  # a bracketed host that is no IP address: "https://[::1", "http://[zz]/"
        valid = False
    if text and (not valid or text_problem(text)):
        raise ValueError("must be an http(s) URL")
    return _text(text, field)


READERS: dict[str, Callable[[Any, PollField], Any]] = {
    "text": _text,
    "date": lambda value, _field: parse_field_date(value),
    "count": _count,
    "population": _population,
    "url": _url,
    "flag": lambda value, _field: parse_flag(value),
}


def validate_poll(choice_names: Sequence[str], raw: Mapping[str, Any],
                  known: Mapping[str, str] | None = None) -> PollInput:
    """Check one poll's raw values (strings from a form or CSV, or JSON types) against
    the rules and the question's answer choices.

    Parameters
    ----------
    known
        problems found already (the API's schema: ``{"sample_size": "must be a whole JSON
        number, ..."}``): those fields are not read again, and the error lists them with
        the validator's own, so that a client learns every problem in one response.

    Raises
    ------
    ValidationFailed
        with one message per offending field, e.g. ``{"results.Support": "must be between
        0 and 100"}``; nothing is stored.
    """
    errors: dict[str, str] = dict(known or {})
    values: dict[str, Any] = {}
    for field in EDITABLE_FIELDS:
        if field.name in errors:
            continue
        try:
            values[field.name] = READERS[field.kind](raw.get(field.name), field)
        except ValueError as exc:
            errors[field.name] = str(exc)
    if "pollster" in values and not pollster_slug(values["pollster"]):
        errors["pollster"] = "must contain at least one letter or digit"
    elif "pollster" in values and (problem := name_problem(values["pollster"])):
        errors["pollster"] = problem
    if "start_date" in values and "end_date" in values:
        _check_field_period(values["start_date"], values["end_date"], errors)
    values["results"] = _validate_results(choice_names, raw.get("results"), errors)
    source_id = _identity_text(raw, "source_id", errors)
    source = _identity_text(raw, "source", errors) or "form"
    if errors:
        raise ValidationFailed("The poll has invalid fields.", fields=errors)
    return PollInput(source=source, source_id=source_id, **values)


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February: the 28th)."""
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


def _check_field_period(start: dt.date, end: dt.date, errors: dict[str, str]) -> None:
    """The end on or after the start, and the start at most a year before the end (no
    poll is in the field for longer: such a start is a typo of the year)."""
    if end < start:
        errors["end_date"] = "must be on or after the start date"
    elif start < year_before(end):
        errors["start_date"] = (f"must be at most a year before the end date "
                                f"({year_before(end).isoformat()} or later)")


def _identity_text(raw: Mapping[str, Any], name: str, errors: dict[str, str]) -> str | None:
    """``source`` or ``source_id``: stripped text of at most 200 characters, or None."""
    if name in errors or not raw.get(name):
        return None
    text = str(raw[name]).strip() or None
    if text is not None and len(text) > 200:
        errors[name] = "must be at most 200 characters"
    elif text is not None and (problem := text_problem(text)):
        errors[name] = problem
    return text


def _validate_results(choice_names: Sequence[str], results: Any, errors: dict[str, str]) -> dict[str, float]:
    if "results" in errors:  # known already (the whole map is of the wrong type)
        return {}
    if not isinstance(results, Mapping):
        errors["results"] = "must map each answer choice to a percent"
        return {}
    valid: dict[str, float] = {}
    for name, value in results.items():
        key = f"results.{name}"
        if key in errors:
            continue
        if name not in choice_names:
            errors[key] = f"is not a choice of this question ({', '.join(choice_names)})"
            continue
        if value is None or str(value).strip() == "":
            continue  # this poll did not report that choice
        try:
            pct = parse_number(value)
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        if not 0 <= pct <= 100:
            errors[key] = "must be between 0 and 100"
            continue
        valid[name] = pct
    if not valid and not any(key.startswith("results") for key in errors):
        errors["results"] = "at least one answer choice needs a percent"
    elif sum(valid.values()) > 100 + ROUNDING_ALLOWANCE:
        errors["results"] = (
            f"the percents add up to {sum(valid.values()):g}, more than 100 "
            f"(plus {ROUNDING_ALLOWANCE:g} for rounding)"
        )
    return valid
