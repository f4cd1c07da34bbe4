"""The poll's marshmallow schemas, made from ``POLL_FIELDS``: ``PollSchema`` dumps a
stored poll to its public shape (the API's responses and the JSON export), and
``PollInputSchema`` / ``PollPatchSchema`` read a poll sent to the API. flask-smorest
documents them in the OpenAPI document, so the document, the parser and the validator
share one set of rules."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from .poll_fields import (
    EDITABLE_FIELDS,
    FIELDS_BY_NAME,
    MAX_SAMPLE_SIZE,
    POLL_FIELDS,
    POPULATIONS,
    PollField,
)

POPULATION = validate.OneOf(list(POPULATIONS))
PERCENT = validate.Range(min=0, max=100)


class NullableText(fields.String):
    """A text stored as ``""`` when absent, shown as ``null``."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs):
        return None if value in ("", None) else super()._serialize(value, attr, obj, **kwargs)


def _shown(field: PollField) -> fields.Field:
    meta = {"description": field.description} if field.description else {}
    if field.name == "pollster":
        return fields.Function(lambda poll: poll.pollster.name, required=True,
                               metadata={"type": "string"})
    if field.kind == "date":
        return fields.Date(required=True, metadata=meta)
    if field.kind == "count":
        return fields.Integer(required=True, allow_none=True, metadata=meta)
    if field.kind == "flag":
        return fields.Boolean(required=True, metadata=meta)
    if field.kind == "population":
        return fields.String(required=True, validate=POPULATION, metadata=meta)
    return NullableText(required=True, allow_none=True, metadata=meta)


def _results(poll) -> dict[str, float]:
    by_choice = {result.choice_id: result.pct for result in poll.results}
    return {c.name: by_choice[c.id] for c in poll.question.choices if c.id in by_choice}


SHOWN_FIELDS = {
    "id": fields.Integer(required=True),
    **{field.name: _shown(field) for field in POLL_FIELDS if field.public},
    "results": fields.Function(_results, required=True, metadata={
        "type": "object", "additionalProperties": {"type": "number"},
        "description": "answer choice -> percent"}),
}
PollSchema = Schema.from_dict(SHOWN_FIELDS, name="PollSchema")

# What a writer (a token that may write polls) is answered: the poll and its review state
# (domain/review.py). A held poll is counted in nothing and shown to no reader.
WrittenPollSchema = Schema.from_dict({
    **SHOWN_FIELDS,
    "status": fields.String(attribute="review_status", required=True, metadata={
        "enum": ["published", "held", "rejected"],
        "description": "published (counted), held for review (counted in nothing until a "
                       "reviewer publishes it) or rejected"}),
    "held_reason": fields.Function(lambda poll: poll.held_reason or None, required=True, metadata={
        "type": "string", "nullable": True, "description": "why the poll is held for review"}),
    "review_note": fields.Function(lambda poll: poll.review_note or None, required=True, metadata={
        "type": "string", "nullable": True, "description": "the reviewer's note of a rejection"}),
}, name="WrittenPollSchema")


class JsonNumber(fields.Float):
    """A JSON number and nothing else: ``"30"`` (a string) and ``true`` are refused, so the
    API's input has one type per field whatever the field (the form and CSV readers, which
    only ever see text, parse numbers themselves)."""

    default_error_messages = {"invalid": "must be a JSON number, not {kind}"}

    def _validated(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid", kind=json_kind(value))
        return super()._validated(value)


class JsonInteger(fields.Integer):
    """A whole JSON number: ``"800"``, ``true`` and ``800.5`` are refused."""

    default_error_messages = {"invalid": "must be a whole JSON number, not {kind}"}

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid", kind=json_kind(value))
        return super()._validated(value)


class JsonBoolean(fields.Boolean):
    """``true`` or ``false``: ``"yes"``, ``1`` and ``"true"`` are refused."""

    default_error_messages = {"invalid": "must be true or false, not {kind}"}

    def _deserialize(self, value: Any, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", kind=json_kind(value))
        return value


def json_kind(value: Any) -> str:
    """How a JSON value is called in an error message: ``a string ("800")``."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, int | float):
        return f"a number with a fraction ({value!r})"
    return {dict: "an object", list: "an array", type(None): "null"}.get(type(value), "another type")


def _accepted(field: PollField, patch: bool = False) -> fields.Field:
    """The input field of one poll field; in a patch nothing is required (a required field
    may be left out, not set to null)."""
    meta = {"description": field.description} if field.description else {}
    required = field.required and not patch
    if field.kind == "date":
        return fields.Date(required=required, metadata=meta)
    if field.kind == "count":
        return JsonInteger(allow_none=True, metadata=meta,
                           validate=validate.Range(min=1, max=MAX_SAMPLE_SIZE))
    if field.kind == "flag":
        return JsonBoolean(metadata=meta)
    if field.kind == "population":
        return fields.String(required=required, validate=POPULATION, metadata=meta)
    length = validate.Length(min=1, max=field.max_length) if field.required else validate.Length(
        max=field.max_length)
    return fields.String(required=required, allow_none=not field.required, validate=length, metadata=meta)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def _identity(name: str) -> fields.Field:
    field = FIELDS_BY_NAME[name]
    return fields.String(validate=validate.Length(min=1, max=field.max_length),
                         metadata={"description": field.description})


def _results_input(nullable: bool) -> fields.Field:
    description = ("answer choice -> percent; a choice set to null is removed, the others "
                   "are kept (JSON Merge Patch)" if nullable else "answer choice -> percent")
    return fields.Dict(keys=fields.String(), required=not nullable, metadata={"description": description},
                       values=JsonNumber(validate=PERCENT, allow_nan=False, allow_none=nullable))


def _create_pollster() -> fields.Field:
    return JsonBoolean(metadata={"description": (
        "what to do when no pollster has the name, slug or alias given in `pollster`: `true` "
        "creates it; `false` refuses the poll with a 422 naming `pollster` whose `suggestions` "
        "list the pollsters it may mean. Left out, it is created (as in 1.4); deprecated: "
        "send `false`, or `true` on purpose")})


PollInputSchema = _Strict.from_dict({
    **{field.name: _accepted(field) for field in EDITABLE_FIELDS},
    "results": _results_input(nullable=False),
    "source": _identity("source"),
    "source_id": _identity("source_id"),
    "create_pollster": _create_pollster(),
}, name="PollInputSchema")
PollInputSchema.__doc__ = "A poll to store: the shape of a poll in ``GET .../polls`` without ``id``."

PollPatchSchema = _Strict.from_dict({
    **{field.name: _accepted(field, patch=True) for field in EDITABLE_FIELDS},
    "results": _results_input(nullable=True),
    "source": _identity("source"),
    "source_id": _identity("source_id"),
    "create_pollster": _create_pollster(),
}, name="PollPatchSchema")
PollPatchSchema.__doc__ = (
    "Some of a poll's values, as a JSON Merge Patch (RFC 7396): the members named replace the "
    "stored ones, the rest stay; in ``results`` a choice set to null is removed. ``source`` "
    "and ``source_id`` identify the poll: they may be repeated, not changed (422).")
