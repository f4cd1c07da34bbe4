"""Marshmallow schemas: they parse query strings and JSON bodies, every response is dumped
through its schema, and flask-smorest turns them into the OpenAPI document at
``/api/openapi.json``, so the document cannot drift from what the code accepts and
returns. The poll's own schemas are made from its field table (``domain.schemas``)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..domain.methods import DEFAULT_METHOD, METHODS
from ..domain.poll_fields import POPULATIONS
from ..domain.schemas import PollInputSchema, PollPatchSchema, PollSchema, WrittenPollSchema
from ..domain.vocabulary import OFFICES, STAGES, geography_code
from ..services.corrections import report_counts

# the poll's, made from its fields
__all__ = ["PollInputSchema", "PollPatchSchema", "PollSchema", "WrittenPollSchema"]

METHOD = validate.OneOf(list(METHODS))


class ReportCountsSchema(Schema):
    open = fields.Integer(required=True, metadata={"description": "readers' reports not resolved yet"})
    resolved = fields.Integer(required=True, metadata={"description": "reports the editors resolved"})


class PollDetailSchema(PollSchema):  # type: ignore[misc,valid-type]
    """``GET /polls/<id>``: the poll, whether it counts in the averages (the inclusion
    policy) and its readers' reports (``reports``: counted when dumped)."""

    in_averages = fields.Function(
        lambda poll: not poll.pollster.excluded_from_averages, required=True, metadata={
            "type": "boolean", "description": "false when its pollster is excluded from every average "
                                              "(see the pollster's exclusion_reason)"})
    reports = fields.Function(lambda poll: report_counts(poll_id=poll.id), required=True, metadata={
        "type": "object", "description": "readers' reports of a problem with this poll: "
                                         "{open: n, resolved: n}"})


class Choice(fields.String):
    """A query value from a fixed vocabulary, read in any case and without surrounding
    spaces (``Kalman``, ``President``); anything else is refused naming the values allowed."""

    def __init__(self, choices, **kwargs) -> None:
        super().__init__(validate=validate.OneOf(list(choices)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip().lower()


class ExistingPollSchema(Schema):
    id = fields.Integer(required=True)
    url = fields.Url(required=True, metadata={"format": "uri"})


class PollsterSuggestionSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"example": "not_found"})
    message = fields.String(required=True)
    existing_poll = fields.Nested(ExistingPollSchema, metadata={
        "description": "a 409 of a poll stored already: the stored poll (also in Location)"})
    suggestions = fields.List(fields.Nested(PollsterSuggestionSchema), metadata={
        "description": "a 422 of an unknown pollster (`create_pollster: false`): the pollsters "
                       "its name may mean, best first"})
    # marshmallow's metaclass moves declared fields off the class, so this does not replace
    # Schema.fields at runtime; the stubs cannot know that.
    fields = fields.Dict(keys=fields.String(), values=fields.String(), required=True,  # type: ignore[assignment]
                         metadata={"description": "field name -> what is wrong with it"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


# --- query strings -------------------------------------------------------------------

class QueryArgs(Schema):
    """Unknown parameters are ignored (documented in the README): caches, proxies and
    analytics add their own (``_=1712``, ``utm_source``), and the read cache's key leaves
    them out so that they cannot fill it."""

    class Meta:
        unknown = EXCLUDE


class DateRangeArgs(QueryArgs):
    """``from`` and ``to``: a range whose start is after its end is refused naming both."""

    @validates_schema
    def from_not_after_to(self, data, **kwargs) -> None:
        start, end = data.get("from_"), data.get("to")
        if start and end and start > end:
            problem = f"from ({start.isoformat()}) is after to ({end.isoformat()})"
            raise ValidationError({"from": [problem], "to": [problem]})


class MethodArgs(QueryArgs):
    method = Choice(METHODS, load_default=DEFAULT_METHOD, metadata={"description": "averaging method"})


class AverageArgs(MethodArgs):
    as_of = fields.Date(load_default=None, metadata={
        "description": "use only polls that ended on or before this day (default: the latest poll)"})


class EditionArgs(QueryArgs):
    date = fields.Date(required=True, metadata={
        "description": "the day (UTC), YYYY-MM-DD: the average as published on it"})


class AveragesExportArgs(QueryArgs):
    as_ = Choice(["published", "revised"], data_key="as", load_default="published", metadata={
        "description": "published: each day's edition as it was published that day (frozen); "
                       "revised: the real-time line of today's data, with every later correction"})


class TrendArgs(MethodArgs, DateRangeArgs):
    from_ = fields.Date(data_key="from", load_default=None, metadata={"description": "first day"})
    to = fields.Date(load_default=None, metadata={"description": "last day"})
    realtime = fields.Boolean(load_default=False, metadata={
        "description": "each day's value uses only polls ended by that day (what the average "
                       "said then); default: the retrospective line"})


class MarginArgs(TrendArgs):
    a = fields.String(load_default=None, metadata={
        "description": "the choice whose share comes first in a - b (default: the question's pair)"})
    b = fields.String(load_default=None, metadata={
        "description": "the choice subtracted; give both a and b or neither"})


class CompareArgs(QueryArgs):
    q = fields.List(fields.String(validate=validate.Length(min=1, max=120)), required=True,
                    validate=validate.Length(min=1, max=6), metadata={
                        "description": "the questions' slugs, 1 to 6 (repeat: ?q=a&q=b)"})
    mode = Choice(("date", "days"), load_default="date", metadata={
        "description": "date: by calendar date; days: by days since each line's start (or start)"})
    start = fields.Date(load_default=None, metadata={
        "description": "with mode=days, the day counted as 0 for every line"})
    method = Choice(METHODS, load_default=DEFAULT_METHOD)


class CompareLineSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    a = fields.String(required=True, metadata={"description": "the choice counted first in a - b"})
    b = fields.String(required=True)
    name = fields.String(required=True)
    origin = fields.Date(required=True, metadata={"description": "day 0 of mode=days"})
    points = fields.List(fields.List(fields.Raw()), required=True, metadata={
        "description": "[x, estimate, lower, upper] per day: x a date (mode=date) or a day number"})


class CompareSchema(Schema):
    mode = fields.String(required=True)
    start = fields.Date(required=True, allow_none=True)
    method = fields.String(required=True)
    lines = fields.List(fields.Nested(CompareLineSchema), required=True, metadata={
        "description": "each question's stored margin line; a race as the Democrat minus the other"})


class ChangesArgs(MethodArgs, DateRangeArgs):
    from_ = fields.Date(data_key="from", load_default=None, metadata={
        "description": "the earlier day (default: a week before to)"})
    to = fields.Date(load_default=None, metadata={
        "description": "the later day (default: the last poll's end)"})


class ChangePollSchema(Schema):
    id = fields.Integer(required=True)
    pollster = fields.String(required=True)
    end_date = fields.String(required=True, metadata={"format": "date"})
    pct = fields.Float(required=True, metadata={"description": "its result (for the margin: a - b)"})
    kind = fields.String(required=True, metadata={"enum": ["new", "old"],
                                                  "description": "new: ended after from"})
    contribution = fields.Float(required=True, metadata={
        "description": "points of the change: a new poll's pull, an older one's fading and house parts"})


class ChoiceChangeSchema(Schema):
    before = fields.Float(required=True, allow_none=True, metadata={
        "description": "the real-time average on from (null: no poll had ended)"})
    after = fields.Float(required=True, allow_none=True)
    change = fields.Float(required=True, allow_none=True)
    new_polls = fields.Integer(required=True)
    parts = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), required=True, metadata={
        "description": "new, fading, house and other: they add up to change"})
    polls = fields.List(fields.Nested(ChangePollSchema), required=True, metadata={
        "description": "the largest contributions, largest first (up to 25)"})
    words = fields.String(required=True)


class MarginChangeSchema(ChoiceChangeSchema):
    a = fields.String(required=True)
    b = fields.String(required=True)
    net = fields.Boolean(required=True)


class ChangesSchema(Schema):
    question = fields.String(required=True)
    method = fields.String(required=True)
    from_ = fields.String(data_key="from", attribute="from", required=True, metadata={"format": "date"})
    to = fields.String(required=True, metadata={"format": "date"})
    data_version = fields.Integer(required=True)
    choices = fields.Dict(keys=fields.String(), values=fields.Nested(ChoiceChangeSchema), required=True)
    margin = fields.Nested(MarginChangeSchema, required=True, allow_none=True, metadata={
        "description": "the same for the margin of the default pair (a - b), in margin points"})


class ChartArgs(TrendArgs):
    scale = fields.Integer(load_default=1, validate=validate.OneOf([1, 2]))


class QuestionListArgs(QueryArgs):
    race = fields.String(load_default=None, validate=validate.Length(min=1, max=200), metadata={
        "description": "only the questions of this race: its slug, in any case (`2020-president-pa`); "
                       "an unknown race is a 404"})


class PollListArgs(DateRangeArgs):
    pollster = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "the pollster's slug (`reuters-ipsos`), name or another spelling of it, in any "
                       "case (`gallup`, `Gallup`); an unknown pollster is a 404"})
    population = Choice(POPULATIONS, load_default=None)
    from_ = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "polls that ended on or after this day"})
    to = fields.Date(load_default=None, metadata={"description": "polls that ended on or before this day"})


# --- resources -----------------------------------------------------------------------

class EstimateSchema(Schema):
    estimate = fields.Float(required=True, metadata={"description": "percent"})
    lower = fields.Float(required=True, metadata={"description": "lower end of the 95% interval"})
    upper = fields.Float(required=True, metadata={"description": "upper end of the 95% interval"})
    n_polls = fields.Integer(required=True)


class LatestSchema(EstimateSchema):
    as_of = fields.Date(required=True)


class QuestionSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    region = fields.String(required=True)
    description = fields.String()
    choices = fields.List(fields.String(), required=True)


class ChartEventSchema(Schema):
    date = fields.Date(required=True)
    label = fields.String(required=True)
    scope = fields.String(required=True, metadata={
        "enum": ["question", "race"], "description": "on this question's charts only, or on every "
                                                     "question of its race"})


class QuestionDetailSchema(QuestionSchema):
    events = fields.List(fields.Nested(ChartEventSchema), required=True, metadata={
        "description": "events an editor marked on its charts (its own and its race's), by date"})


class ComputedSchema(Schema):
    data_version = fields.Integer(required=True, metadata={
        "description": "the question's data version these figures were computed from (0: none "
                       "computed yet; also the Pollservice-Data-Version header)"})
    latest_data_version = fields.Integer(required=True, metadata={
        "description": "the question's newest data version (Pollservice-Latest-Data-Version)"})
    computed_at = fields.DateTime(required=True, allow_none=True, metadata={
        "description": "when a worker finished computing them (UTC)"})
    updating = fields.Boolean(required=True, metadata={
        "description": "newer polls are being computed: these figures are not yet current"})


COMPUTED = fields.Nested(ComputedSchema, required=True, metadata={
    "description": "which data version the figures reflect; reads never compute, a worker does"})


class QuestionSummarySchema(QuestionSchema):
    computed = COMPUTED
    latest = fields.Dict(keys=fields.String(), values=fields.Nested(LatestSchema, allow_none=True),
                         required=True, metadata={
                             "description": "choice -> current average (null: no poll, or a candidate left "
                                            "out of the current average: see the average's excluded)"})


class ExclusionSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(["withdrew", "no_recent_poll"]))
    since = fields.Date(required=True, allow_none=True, metadata={
        "description": "the day the candidate withdrew, or the end of the last poll that included it"})
    message = fields.String(required=True, metadata={"description": "e.g. “withdrew on 2020-03-05”"})


class MarginValueSchema(Schema):
    a = fields.String(required=True, metadata={"description": "the choice whose share comes first"})
    b = fields.String(required=True, metadata={"description": "the choice subtracted"})
    net = fields.Boolean(required=True, metadata={
        "description": "a positive minus a negative answer (approve - disapprove): a net value"})
    label = fields.String(required=True, metadata={"example": "Biden +7.2",
                                                   "description": "the leader and its lead, or “net +3.1”"})
    text = fields.String(required=True, metadata={"example": "Biden +7.2, 95% interval +5.1 to +9.3"})
    estimate = fields.Float(required=True, metadata={"description": "points of a - b, -100 to 100"})
    lower = fields.Float(required=True, metadata={"description": "lower end of the 95% interval"})
    upper = fields.Float(required=True, metadata={"description": "upper end of the 95% interval"})
    n_polls = fields.Integer(metadata={"description": "polls in the current margin"})
    as_of = fields.Date(required=True)


MARGIN = fields.Nested(MarginValueSchema, allow_none=True, metadata={
    "description": "the margin of the question's pair (its two leading choices, or approve - "
                   "disapprove as a net value) with its own 95% interval; null when there is none"})


class AverageSchema(Schema):
    computed = COMPUTED
    question = fields.String(required=True)
    method = fields.String(required=True, validate=METHOD)
    as_of = fields.Date(required=True, allow_none=True)
    choices = fields.Dict(keys=fields.String(), values=fields.Nested(EstimateSchema, allow_none=True),
                          required=True, metadata={
                              "description": "choice -> average (null: no poll, or left out: see excluded)"})
    excluded = fields.Dict(keys=fields.String(), values=fields.Nested(ExclusionSchema), metadata={
        "description": "choices left out of the average and why: a withdrawn candidate, or a "
                       "race's candidate no poll included in the last 60 days of its polling"})
    margin = MARGIN


class EditionAverageSchema(Schema):
    estimate = fields.Float(required=True)
    lower = fields.Float(required=True)
    upper = fields.Float(required=True)
    n_polls = fields.Integer(required=True)
    as_of = fields.String(required=True, metadata={"format": "date",
                                                   "description": "the last poll's end day"})


class EditionSchema(Schema):
    question = fields.String(required=True)
    date = fields.Date(required=True, metadata={"description": "the day asked for"})
    published_on = fields.Date(required=True, metadata={
        "description": "the day this edition was published: the asked day, or the last day before "
                       "it on which the average changed"})
    published_at = fields.DateTime(required=True, format="iso", metadata={
        "description": "when the worker stored it (UTC)"})
    data_version = fields.Integer(required=True, metadata={
        "description": "the question's data version the published average was computed from"})
    method = fields.String(required=True, validate=METHOD)
    final = fields.Boolean(required=True, metadata={
        "description": "true once the day is over: the edition is never revised"})
    averages = fields.Dict(keys=fields.String(), values=fields.Nested(EditionAverageSchema, allow_none=True),
                           required=True, metadata={"description": "choice -> the real-time average as "
                                                                   "published (null: no poll, or left out "
                                                                   "of the average, as on the page)"})


class TrendPointSchema(Schema):
    date = fields.Date(required=True)
    estimate = fields.Float(required=True, allow_none=True)
    lower = fields.Float(required=True, allow_none=True)
    upper = fields.Float(required=True, allow_none=True)
    # Only for a question of a race with an election date: the 95 % election-day interval
    # (the band widened by the historical systematic polling error); null after the election.
    outcome_lower = fields.Float(allow_none=True)
    outcome_upper = fields.Float(allow_none=True)


class _LineSchema(Schema):
    """What a trend and a margin line both say: the question, method, line and range."""

    computed = COMPUTED
    question = fields.String(required=True)
    method = fields.String(required=True, validate=METHOD)
    realtime = fields.Boolean(required=True)
    from_ = fields.Date(data_key="from", required=True, allow_none=True)
    to = fields.Date(required=True, allow_none=True)


class TrendSchema(_LineSchema):
    choices = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(TrendPointSchema)),
                          required=True)


class QuestionMarginSchema(_LineSchema):
    average = fields.Nested(MarginValueSchema, required=True)
    trend = fields.List(fields.Nested(TrendPointSchema), required=True, metadata={
        "description": "the daily margin a - b with its 95% band (points, -100 to 100)"})


class HouseEffectSchema(Schema):
    pollster = fields.String(required=True)
    effect = fields.Float(required=True, metadata={"description": "points relative to the average pollster"})
    lower = fields.Float(required=True)
    upper = fields.Float(required=True)
    n_polls = fields.Integer(required=True)


class HouseEffectsSchema(Schema):
    computed = COMPUTED
    question = fields.String(required=True)
    choices = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(HouseEffectSchema)),
                          required=True)


class HistoryEntrySchema(Schema):
    at = fields.String(required=True, metadata={"description": "UTC timestamp, ISO 8601"})
    action = fields.String(required=True, validate=validate.OneOf(
        ["create", "update", "delete", "restore", "hold", "publish", "reject"]))
    actor = fields.String(required=True)
    old = fields.Dict(allow_none=True, required=True)
    new = fields.Dict(allow_none=True, required=True)


class LivenessSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class JobsHealthSchema(Schema):
    queued = fields.Integer(metadata={"description": "recomputes waiting for a worker"})
    running = fields.Integer()
    failed = fields.Integer(metadata={"description": "recomputes that failed every retry "
                                                     "(the question's next write queues it again)"})
    oldest_queued_seconds = fields.Float(allow_none=True, metadata={
        "description": "age of the oldest queued recompute"})
    questions_updating = fields.Integer(metadata={
        "description": "questions whose stored results are behind their polls"})
    messages = fields.Integer(metadata={"description": "messages in the task queue (-1: unreachable)"})
    error = fields.String()


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)
    migration = fields.String(allow_none=True, required=True)
    jobs = fields.Nested(JobsHealthSchema, allow_none=True, required=True)


# --- races -----------------------------------------------------------------------------

class PartySchema(Schema):
    code = fields.String(required=True, metadata={"description": "DEM, REP, LIB, GRN, IND or OTHER"})
    name = fields.String(required=True)
    colour = fields.String(required=True, metadata={"description": "the colour charts draw the party in"})


class RaceQuestionSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    hypothetical = fields.Boolean(required=True, metadata={
        "description": "a match-up that is not the race as it is run"})
    main = fields.Boolean(required=True, metadata={
        "description": "the race as it is run, with the most polls"})
    poll_count = fields.Integer(required=True)
    last_poll_end = fields.Date(required=True, allow_none=True)


class CandidateSchema(Schema):
    name = fields.String(required=True)
    full_name = fields.String(required=True)
    party = fields.Nested(PartySchema, required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(["running", "withdrew", "hypothetical"]))
    withdrew_on = fields.Date(required=True, allow_none=True)


class CandidateResultSchema(Schema):
    candidate = fields.String(required=True)
    party = fields.Nested(PartySchema, required=True, allow_none=True)
    vote_share = fields.Float(required=True, metadata={"description": "percent of the vote"})
    final_average = fields.Nested(EstimateSchema, required=True, allow_none=True, metadata={
        "description": "the main question's average as of Election Day (polls that ended after it "
                       "never enter it); null if the candidate was left out of it"})
    error = fields.Float(required=True, allow_none=True, metadata={
        "description": "final average minus result, points"})


class MarginSchema(Schema):
    leader = fields.String(required=True)
    runner_up = fields.String(required=True)
    result = fields.Float(required=True, metadata={"description": "leader's share minus the runner-up's"})
    final_average = fields.Float(required=True, allow_none=True)
    lower = fields.Float(required=True, allow_none=True, metadata={
        "description": "the 95% interval of the margin in the final average, from each poll's "
                       "difference (null when the two are not the question's pair)"})
    upper = fields.Float(required=True, allow_none=True)
    error = fields.Float(required=True, allow_none=True, metadata={
        "description": "average margin minus result margin"})


class RaceResultSchema(Schema):
    source = fields.String(required=True)
    as_of = fields.Date(required=True, allow_none=True, metadata={
        "description": "the day of the final average"})
    method = fields.String(required=True, validate=METHOD)
    candidates = fields.List(fields.Nested(CandidateResultSchema), required=True)
    excluded = fields.Dict(keys=fields.String(), values=fields.Nested(ExclusionSchema), required=True)
    margin = fields.Nested(MarginSchema, required=True, allow_none=True)


class RaceDetailSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    cycle = fields.Integer(required=True)
    office = fields.String(required=True, metadata={"description": "vocabulary code, e.g. president"})
    office_name = fields.String(required=True)
    geography = fields.String(required=True, metadata={
        "description": "US, a state's postal code, PA-07, or an ISO country"})
    geography_name = fields.String(required=True)
    stage = fields.String(required=True)
    stage_name = fields.String(required=True)
    party = fields.Nested(PartySchema, required=True, allow_none=True, metadata={
        "description": "a primary's party"})
    seat = fields.String(required=True)
    election_date = fields.Date(required=True, allow_none=True)
    questions = fields.List(fields.Nested(RaceQuestionSchema), required=True)
    candidates = fields.List(fields.Nested(CandidateSchema), required=True,
                             metadata={"description": "the main question's candidates"})
    result = fields.Nested(RaceResultSchema, required=True, allow_none=True, metadata={
        "description": "once known: the result beside the final pre-election average"})
    events = fields.List(fields.Nested(ChartEventSchema), required=True, metadata={
        "description": "events marked on the charts of every question of the race, by date"})


# --- races, search, pollsters ---------------------------------------------------------

class GeographyField(fields.String):
    """A place as the vocabulary codes it: ``US``, ``PA``, ``PA-07``, ``GB``; names
    (``Pennsylvania``) are read too."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        code = geography_code(text)
        if not code:
            raise ValidationError("must be a place: US, a state (PA or Pennsylvania), a district (PA-07) "
                                  "or a country code")
        return code


class RaceListArgs(QueryArgs):
    cycle = fields.Integer(load_default=None, validate=validate.Range(1789, 2200),
                           metadata={"description": "election year, e.g. 2020"})
    office = Choice(OFFICES, load_default=None)
    geography = GeographyField(load_default=None, metadata={
        "description": "US, a state (PA), a district (PA-07) or a country (GB); "
                       "a state takes in its districts"})
    stage = Choice(STAGES, load_default=None)


class RaceSummarySchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    cycle = fields.Integer(required=True)
    office = fields.String(required=True, metadata={"description": "one of " + ", ".join(OFFICES)})
    geography = fields.String(required=True, metadata={"description": "vocabulary code: US, PA, PA-07, GB"})
    geography_name = fields.String(required=True)
    stage = fields.String(required=True, metadata={"description": "one of " + ", ".join(STAGES)})
    party = fields.String(required=True, metadata={"description": "a primary's party, else empty"})
    seat = fields.String(required=True)
    election_date = fields.Date(required=True, allow_none=True)
    questions = fields.List(fields.String(), required=True, metadata={"description": "its questions' slugs"})


class MapTileSchema(Schema):
    code = fields.String(required=True, metadata={"description": "the state's postal code (DC for D.C.)"})
    name = fields.String(required=True)
    row = fields.Integer(required=True, metadata={"description": "tile-grid row, 0 at the top"})
    col = fields.Integer(required=True, metadata={"description": "tile-grid column, 0 at the left"})
    race = fields.String(required=True, allow_none=True, metadata={"description": "its race's slug"})
    question = fields.String(required=True, allow_none=True, metadata={
        "description": "the race's main question, whose margin colours the tile"})
    poll_count = fields.Integer(required=True)
    leader = fields.String(required=True, allow_none=True)
    leader_party = fields.String(required=True, allow_none=True)
    runner_up = fields.String(required=True, allow_none=True)
    lead = fields.Float(required=True, allow_none=True, metadata={
        "description": "the leader's margin over the runner-up in the average, points"})
    label = fields.String(required=True, metadata={"description": '"Biden +1.2", "Tied", "No polls"'})
    bin = fields.String(required=True, metadata={
        "description": 'the legend entry: "DEM:1–5", "REP:10+", "none"'})
    fill = fields.String(required=True, allow_none=True, metadata={"description": "#rrggbb; null: no polls"})
    ink = fields.String(required=True, metadata={"description": "the colour of text on the tile"})
    text = fields.String(required=True, metadata={"description": 'the short margin on the tile: "D+1.2"'})
    accessible_name = fields.String(required=True,
                                    metadata={"description": '"Pennsylvania: Biden +1.2 (12 polls)"'})


class MapLegendSchema(Schema):
    key = fields.String(required=True)
    side = fields.String(required=True, metadata={"description": 'DEM, REP, OTHER or "" (no polls)'})
    label = fields.String(required=True)
    fill = fields.String(required=True, allow_none=True)


class RaceMapSchema(Schema):
    cycle = fields.Integer(required=True)
    office = fields.String(required=True)
    office_name = fields.String(required=True)
    method = fields.String(required=True)
    title = fields.String(required=True)
    polled_states = fields.Integer(required=True, metadata={"description": "tiles with a margin"})
    tiles = fields.List(fields.Nested(MapTileSchema), required=True,
                        metadata={"description": "the 50 states and D.C., in the grid's order"})
    legend = fields.List(fields.Nested(MapLegendSchema), required=True)


class SearchArgs(QueryArgs):
    q = fields.String(required=True, validate=validate.Length(min=1, max=200),
                      metadata={"description": "words; every one must match, the last may be a prefix"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class SearchQuestionSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    race = fields.String(required=True, allow_none=True, metadata={"description": "its race's slug"})
    geography = fields.String(required=True, allow_none=True)
    subject = fields.String(required=True)
    hypothetical = fields.Boolean(required=True)
    poll_count = fields.Integer(required=True)
    last_poll_end = fields.Date(required=True, allow_none=True)


class SearchSchema(Schema):
    query = fields.String(required=True)
    total = fields.Integer(required=True, metadata={"description": "questions matching in all"})
    questions = fields.List(fields.Nested(SearchQuestionSchema), required=True,
                            metadata={"description": "best first"})
    races = fields.List(fields.Nested(RaceSummarySchema), required=True,
                        metadata={"description": "the races of the best-ranked questions, best first"})


class PollsterListArgs(QueryArgs):
    q = fields.String(load_default="", validate=validate.Length(max=200),
                      metadata={"description": "part of the name or of another spelling of it"})


class PollsterSummarySchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    fte_pollster_id = fields.Integer(required=True, allow_none=True,
                                     metadata={"description": "FiveThirtyEight's pollster_id"})
    aliases = fields.List(fields.String(), required=True, metadata={"description": "other spellings met"})
    polls = fields.Integer(required=True, metadata={"description": "its polls (not deleted)"})
    excluded_from_averages = fields.Boolean(required=True, metadata={
        "description": "true: its polls are listed but counted in no average (the inclusion policy)"})
    exclusion_reason = fields.String(required=True, allow_none=True, metadata={
        "description": "the public reason it is excluded (null when it is not)"})



class IntervalSchema(Schema):
    mean = fields.Float(required=True, allow_none=True)
    lower = fields.Float(required=True, allow_none=True, metadata={"description": "95% interval, over races"})
    upper = fields.Float(required=True, allow_none=True)


class PollsterRatingSchema(Schema):
    polls = fields.Integer(required=True, metadata={"description": "polls of decided races judged"})
    races = fields.Integer(required=True)
    bias_races = fields.Integer(required=True, metadata={
        "description": "races between a Democrat and a Republican (those the bias is measured on)"})
    cycles = fields.List(fields.Integer(), required=True, metadata={"description": "[first, last]"})
    window_days = fields.Integer(required=True, metadata={
        "description": "a poll counts when it ended this many days before the election or fewer"})
    mean_absolute_error = fields.Nested(IntervalSchema, required=True, metadata={
        "description": "points of margin between the poll and the result (first minus second finisher)"})
    bias = fields.Nested(IntervalSchema, required=True, metadata={
        "description": "mean error on the Democrat-minus-Republican margin: positive, too Democratic"})
    relative_error = fields.Nested(IntervalSchema, required=True, metadata={
        "description": "its absolute error minus that of the other pollsters of the same races: "
                       "negative is better than the field"})
    verdict = fields.String(required=True, metadata={
        "enum": ["better", "worse", "indistinguishable"],
        "description": "what the relative error's interval allows: below 0, above 0, or neither"})
    computed_at = fields.DateTime(required=True)


class PollsterDetailSchema(PollsterSummarySchema):
    questions = fields.Integer(required=True, metadata={"description": "questions it polled"})
    rating = fields.Nested(PollsterRatingSchema, required=True, allow_none=True, metadata={
        "description": "its accuracy from decided races (null: too few polls of decided races)"})


class CalibrationRowSchema(Schema):
    method = fields.String(required=True)
    cycle = fields.Integer(metadata={"description": "in by_cycle"})
    office = fields.String(metadata={"description": "in by_office and by_cycle"})
    races = fields.Integer(required=True)
    mean_abs_error = fields.Float(required=True, metadata={
        "description": "points between the final average's margin and the result's"})
    median_abs_error = fields.Float(required=True)
    band_coverage = fields.Float(required=True, metadata={
        "description": "share of races whose result was inside the final average's 95% band"})
    outcome_coverage = fields.Float(required=True, metadata={
        "description": "share inside the 95% election-day interval (systematic error estimated "
                       "without the race's cycle)"})
    outcome_held = fields.Integer(required=True, metadata={"description": "races inside it"})
    mean_band_width = fields.Float(metadata={
        "description": "mean width of the band, points (older runs lack it)"})
    mean_outcome_width = fields.Float(metadata={
        "description": "mean width of the election-day interval, points (older runs lack it)"})


class CalibrationSchema(Schema):
    computed_at = fields.DateTime(required=True, allow_none=True, metadata={
        "description": "when `flask evaluate` ran (null: never yet)"})
    races = fields.Integer(required=True)
    skipped = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "decided races left out, by reason"})
    by_method = fields.List(fields.Nested(CalibrationRowSchema), required=True)
    by_office = fields.List(fields.Nested(CalibrationRowSchema), required=True)
    by_cycle = fields.List(fields.Nested(CalibrationRowSchema), required=True)


class RobustnessVariantSchema(Schema):
    kind = fields.String(required=True, metadata={"enum": ["method", "polls", "population", "pollster"]})
    label = fields.String(required=True)
    estimate = fields.Float(required=True)
    shift = fields.Float(required=True, metadata={"description": "from the current average, points"})


class InfluenceSchema(Schema):
    pollster = fields.String(required=True)
    shift = fields.Float(required=True, metadata={"description": "how far leaving it out moves the average"})


class ChoiceRobustnessSchema(Schema):
    estimate = fields.Float(required=True, metadata={"description": "the current average (default method)"})
    low = fields.Float(required=True, metadata={
        "description": "the lowest of the variants: not a statistical bound"})
    high = fields.Float(required=True)
    variants_tried = fields.Integer(required=True)
    most_influential = fields.Nested(InfluenceSchema, required=True, allow_none=True)
    variants = fields.List(fields.Nested(RobustnessVariantSchema), required=True, metadata={
        "description": "those that move it most, largest first (up to 12)"})


class RobustnessSchema(Schema):
    computed = COMPUTED
    question = fields.String(required=True)
    method = fields.String(required=True)
    choices = fields.Dict(keys=fields.String(), values=fields.Nested(ChoiceRobustnessSchema, allow_none=True),
                          required=True, metadata={"description": "null: no current average"})
