"""One declaration of a poll's fields. The validator, the API's marshmallow schemas, the
admin form, the canonical CSV/JSON columns, the public poll shape and the audit snapshot
are all made from ``POLL_FIELDS``, so a rule written here holds everywhere.

``kind`` says how a value is read and checked:

- ``text``: stripped text, at most ``max_length`` characters ("" when absent);
- ``date``: an ISO date ``YYYY-MM-DD`` from ``EARLIEST_FIELD_YEAR`` to tomorrow (UTC), the
  start on or before the end and at most a year before it;
- ``count``: a whole number from 1 to ``MAX_SAMPLE_SIZE``, or empty when unknown;
- ``population``: one of ``POPULATIONS``;
- ``url``: an http(s) address;
- ``flag``: yes/no in the words of ``TRUE_WORDS`` / ``FALSE_WORDS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

POPULATIONS = {
    "a": "Adults",
    "rv": "Registered voters",
    "lv": "Likely voters",
    "v": "Voters",
}
MAX_SAMPLE_SIZE = 10_000_000
# Field dates a poll may have: none before 1936 (the first scientific polls of a US
# election, Gallup's) and none after tomorrow in UTC (a poll ending "today" somewhere east
# of UTC). Anything else is a typo that would stretch every daily average over centuries.
EARLIEST_FIELD_YEAR = 1936
FUTURE_TOLERANCE_DAYS = 1
# Results of one poll may add up to a little over 100 because each is rounded.
ROUNDING_ALLOWANCE = 1.0

# The one yes/no vocabulary (forms, CSV, JSON, query strings).
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "f", "no", "n", "off"})


def parse_flag(value: object) -> bool:
    """``True``/``False`` from a bool or a yes/no word; ``ValueError`` otherwise."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not yes/no")


@dataclass(frozen=True)
class PollField:
    name: str  # attribute of the model, key of the API and JSON, column of the CSV
    kind: str  # see the module docstring
    label: str  # the admin form's label
    required: bool = False
    max_length: int | None = None
    help: str = ""  # the admin form's help text
    description: str = ""  # the API document's description
    editable: bool = True  # in the form and the validator's field loop (source/source_id are not)
    public: bool = True  # in the API's poll shape and the JSON export
    multiline: bool = False  # a text area in the form


POLL_FIELDS: tuple[PollField, ...] = (
    PollField("pollster", "text", "Pollster", required=True, max_length=200,
              help="Type a few letters of its name or another spelling and pick it; a name no "
                   "pollster has is created only once you confirm it.",
              description="the pollster's name, slug or another spelling of it (any case); one "
                          "that matches none: see `create_pollster`"),
    PollField("sponsor", "text", "Sponsor", max_length=300),
    PollField("start_date", "date", "Field start", required=True),
    PollField("end_date", "date", "Field end", required=True),
    PollField("sample_size", "count", "Sample size", help="Leave empty when the poll did not report it.",
              description="null when unknown"),
    PollField("population", "population", "Population", required=True,
              help="Who the poll's numbers describe, as its release says: all adults, registered "
                   "voters, likely voters (the pollster's screen of who will vote) or people who "
                   "voted. The averages weigh likely and registered voters above adults.",
              description="a adults, rv registered voters, lv likely voters, v voters"),
    PollField("mode", "text", "Mode", max_length=120, help="e.g. Live phone, Online, IVR, IVR/Online"),
    PollField("source_url", "url", "Source URL", max_length=2000),
    PollField("partisan", "flag", "Partisan sponsor"),
    PollField("internal", "flag", "Internal poll"),
    PollField("notes", "text", "Notes", max_length=10000, multiline=True),
    PollField("source", "text", "Source", max_length=200, editable=False,
              description="where the poll came from (default: api); with source_id, its identity"),
    PollField("source_id", "text", "Source id", max_length=200, editable=False,
              description="your id for this poll; a second poll with the same source and id is "
                          "refused (409)"),
)
FIELDS_BY_NAME = {field.name: field for field in POLL_FIELDS}
EDITABLE_FIELDS = tuple(field for field in POLL_FIELDS if field.editable)
# The values stored on the poll row itself (the pollster is a relation, results a table).
SCALAR_FIELDS = tuple(field.name for field in EDITABLE_FIELDS if field.name != "pollster")
# Every field an audit entry records (old and new values), then the results.
AUDITED_FIELDS = tuple(field.name for field in POLL_FIELDS)
PUBLIC_FIELDS = tuple(field.name for field in POLL_FIELDS if field.public)


# The canonical CSV's own columns (services/imports/formats/canonical_csv.py); every other
# column is an answer choice, so no choice may be named like one of these.
CANONICAL_COLUMNS = (
    "question", "question_title", "question_region", "pollster", "sponsor", "start_date",
    "end_date", "sample_size", "population", "mode", "source_url", "partisan", "internal",
    "notes", "source", "source_id", "election_date",
)
ACTUAL_PREFIX = "actual:"  # actual:<choice>, the choice's share in the election
# Export-only columns: the poll's weight and house adjustment by some method, per choice.
DERIVED_COLUMN = re.compile(r"^(weight|house_adjustment)_[a-z]+:")
