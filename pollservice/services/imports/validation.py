"""Checking one row against its question: the admin form's rules (``polls.validate_poll``)
and the fields only an import carries, the election's date and the actual results."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...domain.errors import ValidationFailed
from ...domain.validation import PollInput, parse_date
from ...models import Question
from ..polls import validate_poll
from .rows import ImportRow, Reject

MISSING = object()  # the file does not give the field (which is not the same as empty)
# Optional fields a bad value of which does not reject the row: the field is stored empty
# and the summary lists a warning with the line (538 has a url "0\t0\t0..." on one row).
# Sample size is optional too but changes a poll's weight, so a bad one still rejects.
SOFT_FIELDS = {"sponsor": "", "mode": "", "source_url": "", "notes": "", "partisan": False,
               "internal": False}


@dataclass
class CheckedRow:
    """A valid row with its question and its typed values."""

    row: ImportRow
    question: Question
    data: PollInput
    election_date: Any  # a date, None (given empty) or MISSING (not in the file)
    actual: Any  # choice -> actual share, or MISSING (not in the file)


def check_row(row: ImportRow, question: Question, default_source: str,
              reject: Reject) -> CheckedRow | None:
    """The row checked, or None when it has problems (each reported through ``reject``:
    the reader's first, then the form's, then those of the import's own fields; a field
    the reader already reported is not reported again)."""
    reported = {name for name, _message in row.problems}
    for name, message in row.problems:
        reject(row, name, message)
    data = _validated_poll(row, question, default_source, reported, reject)
    errors: dict[str, str] = {}
    election_date = _election_date(row, errors)
    actual: Any = MISSING
    raw_actual = row.values.get("actual_results", MISSING)
    if raw_actual is not MISSING:
        actual = _actual_results(question, raw_actual, errors,
                                 data.results if data is not None else None)
    for name, message in errors.items():
        if name not in reported:
            reject(row, name, message)
    if data is None or errors or row.problems:
        return None
    return CheckedRow(row, question, data, election_date, actual)


def _validated_poll(row: ImportRow, question: Question, default_source: str,
                    reported: set[str], reject: Reject) -> PollInput | None:
    """The row's poll; a bad optional field (``SOFT_FIELDS``) is emptied with a warning
    (``row.warnings``), any other bad field rejects the row."""
    values = {"source": default_source, **row.values}
    for _attempt in range(2):
        try:
            return validate_poll(question, values)
        except ValidationFailed as error:
            soft = {name: message for name, message in error.fields.items()
                    if name in SOFT_FIELDS and name not in reported}
            hard = {name: message for name, message in error.fields.items() if name not in soft}
            if hard or not soft:
                for name, message in hard.items():
                    if name not in reported:
                        reject(row, name, message)
                return None
            for name, message in soft.items():
                row.warnings.append((name, f"{message}; stored empty ({_shown(values[name])})"))
                values[name] = SOFT_FIELDS[name]
    return None


def _shown(value: Any, limit: int = 40) -> str:
    """A bad value as a warning quotes it: ``repr``, shortened."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _election_date(row: ImportRow, errors: dict[str, str]) -> Any:
    """The row's election date: a date, None (empty or invalid) or MISSING."""
    raw_date = row.values.get("election_date", MISSING)
    if raw_date is MISSING:
        return MISSING
    if raw_date in (None, ""):
        return None
    try:
        return parse_date(raw_date)
    except ValueError as exc:
        errors["election_date"] = str(exc)
        return None


def _actual_results(question: Question, raw: Any, errors: dict[str, str],
                    results: dict[str, float] | None) -> dict[str, float]:
    """Actual election shares per choice, validated like poll percents."""
    if not isinstance(raw, Mapping):
        errors["actual_results"] = "must map answer choices to percents"
        return {}
    names = {choice.name for choice in question.choices}
    shares: dict[str, float] = {}
    for name, value in raw.items():
        key = f"actual_results.{name}"
        if value is None or str(value).strip() == "":
            continue
        if name not in names:
            errors[key] = "is not a choice of this question"
            continue
        try:
            share = float(str(value).strip().rstrip("%"))
        except ValueError:
            errors[key] = f"{value!r} is not a number"
            continue
        if not math.isfinite(share):
            errors[key] = "must be a finite number"
            continue
        if not 0 <= share <= 100:
            errors[key] = "must be between 0 and 100"
        elif results is not None and name not in results:
            errors[key] = "needs the poll's own percent for this choice"
        else:
            shares[name] = share
    return shares
