"""The poll's marshmallow schemas, made from ``POLL_FIELDS``: ``PollSchema`` dumps a
stored poll to its public shape (the API's responses and the JSON export), and
``PollInputSchema`` / ``PollPatchSchema`` read a poll sent to the API. flask-smorest
documents them in the OpenAPI document, so the document, the parser and the validator
share one set of rules."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from .poll_fields import EDITABLE_FIELDS, MAX_SAMPLE_SIZE, POLL_FIELDS, POPULATIONS, PollField

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


PollSchema = Schema.from_dict({
    "id": fields.Integer(required=True),
    **{field.name: _shown(field) for field in POLL_FIELDS if field.public},
    "results": fields.Function(_results, required=True, metadata={
        "type": "object", "additionalProperties": {"type": "number"},
        "description": "answer choice -> percent"}),
}, name="PollSchema")


def _accepted(field: PollField) -> fields.Field:
    meta = {"description": field.description} if field.description else {}
    if field.kind == "date":
        return fields.Date(required=field.required, metadata=meta)
    if field.kind == "count":
        return fields.Integer(allow_none=True, strict=True, metadata=meta,
                              validate=validate.Range(min=1, max=MAX_SAMPLE_SIZE))
    if field.kind == "flag":
        return fields.Boolean(metadata=meta)
    if field.kind == "population":
        return fields.String(required=True, validate=POPULATION, metadata=meta)
    length = validate.Length(min=1, max=field.max_length) if field.required else validate.Length(
        max=field.max_length)
    return fields.String(required=field.required, allow_none=not field.required, validate=length,
                         metadata=meta)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


PollInputSchema = _Strict.from_dict({
    **{field.name: _accepted(field) for field in EDITABLE_FIELDS},
    "results": fields.Dict(keys=fields.String(), values=fields.Float(validate=PERCENT, allow_nan=False),
                           required=True),
    "source_id": fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "your id for this poll; a second poll with the same id is refused (409)"}),
}, name="PollInputSchema")
PollInputSchema.__doc__ = "A poll to store: the shape of a poll in ``GET .../polls`` without ``id``."


class PollPatchSchema(PollInputSchema):  # type: ignore[misc,valid-type]
    """Some of a poll's values; the rest stay as they are. ``source_id`` is the poll's
    identity and is not among them: a body naming it is refused (422), not ignored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        kwargs.setdefault("exclude", ("source_id",))
        super().__init__(*args, **kwargs)

    @pre_load
    def _identity_stays(self, data: Any, **_kwargs) -> Any:
        if isinstance(data, dict) and "source_id" in data:
            raise ValidationError("cannot be changed: it identifies the poll (delete the poll "
                                  "and add it again)", field_name="source_id")
        return data
