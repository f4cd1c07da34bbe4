"""The poll store: typed SQLAlchemy 2 models.

The database itself refuses impossible data (percent outside 0-100, a field period that
ends before it starts, a non-positive sample size, two results for one poll and choice),
so a bug in a view or an importer cannot store a poll no statistician would accept.
"""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    func,
    select,
    true,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from .extensions import Base

# Population codes, as FiveThirtyEight and most pollsters use them.


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Pollster(Base):
    __tablename__ = "pollster"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # FiveThirtyEight's ``pollster_id``: a stable key across 538's files, kept where a file has it.
    fte_pollster_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    # The inclusion policy: a pollster left out of every average (its polls stay listed),
    # with the public reason (services.pollsters.set_inclusion; the methodology page).
    excluded_from_averages: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    exclusion_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    polls: Mapped[list[Poll]] = relationship(back_populates="pollster")
    aliases: Mapped[list[PollsterAlias]] = relationship(
        back_populates="pollster", cascade="all, delete-orphan", order_by="PollsterAlias.name")

    def __repr__(self) -> str:
        return f"<Pollster {self.name!r}>"


class PollsterRating(Base):
    """A pollster's accuracy from results (``stats.ratings``), as the last
    ``flask rate-pollsters`` computed it: its polls of decided races in the last weeks
    before the election, their mean absolute error on the margin, bias toward a party and
    error relative to the other pollsters of the same races, each with a 95% interval."""

    __tablename__ = "pollster_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    pollster_id: Mapped[int] = mapped_column(ForeignKey("pollster.id", ondelete="CASCADE"), unique=True)
    polls: Mapped[int] = mapped_column(Integer)
    races: Mapped[int] = mapped_column(Integer)
    bias_races: Mapped[int] = mapped_column(Integer)
    first_cycle: Mapped[int] = mapped_column(Integer)
    last_cycle: Mapped[int] = mapped_column(Integer)
    # {"abs_error": [mean, lower, upper], "dem_error": [...], "relative": [...]} (None: none)
    metrics: Mapped[dict] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(20))
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    pollster: Mapped[Pollster] = relationship()


class PollsterAlias(Base):
    """Another spelling of a pollster's name (every one an importer met, and the names of
    the pollsters merged into it). ``key`` is the spelling normalised for lookup."""

    __tablename__ = "pollster_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    pollster_id: Mapped[int] = mapped_column(ForeignKey("pollster.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(200), default="")

    pollster: Mapped[Pollster] = relationship(back_populates="aliases")


class PollsterMerge(Base):
    """The record of one merge: the pollster that went away and where its polls went."""

    __tablename__ = "pollster_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("pollster.id", ondelete="CASCADE"), index=True)
    merged_name: Mapped[str] = mapped_column(String(200))
    merged_slug: Mapped[str] = mapped_column(String(120))
    merged_fte_pollster_id: Mapped[int | None] = mapped_column(Integer)
    polls_moved: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(300))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    survivor: Mapped[Pollster] = relationship()


class SlugRedirect(Base):
    """An old slug of a renamed question, race or pollster: links and embeds that use it
    lead (301) to where the row lives now (``services.slug_redirects``). ``kind`` names the
    table; ``target_id`` is the row's id there (its current slug is looked up, so a row
    renamed twice sends both old slugs straight to the newest)."""

    __tablename__ = "slug_redirect"
    __table_args__ = (UniqueConstraint("kind", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "question", "race" or "pollster"
    old_slug: Mapped[str] = mapped_column(String(120))
    target_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Race(Base):
    """One election contest: a cycle, an office, a place (``domain.vocabulary`` codes), a
    stage (with its party for a primary) and, once known, its date and result."""

    __tablename__ = "race"
    __table_args__ = (
        UniqueConstraint("cycle", "office", "geography", "stage", "party", "seat"),
        CheckConstraint("cycle >= 1789 AND cycle <= 2200", name="cycle_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    cycle: Mapped[int] = mapped_column(Integer, index=True)
    office: Mapped[str] = mapped_column(String(20))  # vocabulary.OFFICES
    geography: Mapped[str] = mapped_column(String(10))  # US, PA, PA-07, GB
    stage: Mapped[str] = mapped_column(String(20))  # vocabulary.STAGES
    party: Mapped[str] = mapped_column(String(10), default="")  # a primary's party, else ""
    # Which seat when a state elects two at once (a Senate special): "" otherwise.
    seat: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(300))
    election_date: Mapped[dt.date | None] = mapped_column(Date)
    result_source: Mapped[str] = mapped_column(String(300), default="")
    # "draft" (made in the admin, not shown publicly) or "published" (domain/review.py)
    status: Mapped[str] = mapped_column(String(10), default="published", server_default="published")

    questions: Mapped[list[Question]] = relationship(back_populates="race")
    results: Mapped[list[RaceResult]] = relationship(
        back_populates="race", cascade="all, delete-orphan", order_by="RaceResult.vote_share.desc()")

    def __repr__(self) -> str:
        return f"<Race {self.slug!r}>"


class RaceResult(Base):
    """One candidate's share of the vote in a race, once known."""

    __tablename__ = "race_result"
    __table_args__ = (
        UniqueConstraint("race_id", "candidate"),
        CheckConstraint("vote_share >= 0 AND vote_share <= 100", name="vote_share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("race.id", ondelete="CASCADE"), index=True)
    candidate: Mapped[str] = mapped_column(String(120))  # as the race's choices name them
    party: Mapped[str | None] = mapped_column(String(10))
    vote_share: Mapped[float] = mapped_column(Float)

    race: Mapped[Race] = relationship(back_populates="results")


class Question(Base):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    # The place, as a vocabulary code (US, PA, PA-07): what the region filter lists.
    geography: Mapped[str | None] = mapped_column(String(10), index=True)
    # A horse race's question belongs to its race (its choices are candidates); a topic
    # question (approval, an issue) has a subject instead.
    race_id: Mapped[int | None] = mapped_column(ForeignKey("race.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # A match-up that is not the race as it is run (e.g. Trump vs Sanders in 2020).
    hypothetical: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Kept by the write hook (readmodel.catalogue) with the data version: what lists sort
    # and show without counting polls, and the text full-text search indexes.
    poll_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_poll_end: Mapped[dt.date | None] = mapped_column(Date, index=True)
    search_document: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Bumped (atomically, in SQL) by every write that touches this question's polls: the
    # key of the stored averages and of HTTP caching (ETag / Last-Modified).
    data_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    data_changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, server_default=func.current_timestamp())
    # The data version of the newest complete set of stored results (every method, the
    # default charts), written by the recompute job with them; 0 until the first.
    computed_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    computed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # "draft" (made in the admin, not shown publicly) or "published" (domain/review.py)
    status: Mapped[str] = mapped_column(String(10), default="published", server_default="published")

    choices: Mapped[list[Choice]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )
    polls: Mapped[list[Poll]] = relationship(back_populates="question")
    race: Mapped[Race | None] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<Question {self.slug!r}>"


class Choice(Base):
    """One answer choice of a question (e.g. Support / Oppose), in display order."""

    __tablename__ = "choice"
    __table_args__ = (
        UniqueConstraint("question_id", "name"),
        UniqueConstraint("question_id", "position"),
        CheckConstraint("status IN ('running', 'withdrew', 'hypothetical')", name="status_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))  # the display name ("Bernie Sanders")
    position: Mapped[int] = mapped_column(Integer)
    # A candidate's legal name as files give it ("Bernard Sanders"); "" for other answers.
    full_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    party: Mapped[str | None] = mapped_column(String(10))  # vocabulary.PARTIES
    status: Mapped[str] = mapped_column(String(12), default="running", server_default="running")
    withdrew_on: Mapped[dt.date | None] = mapped_column(Date)

    question: Mapped[Question] = relationship(back_populates="choices")

    def __repr__(self) -> str:
        return f"<Choice {self.name!r}>"


class Poll(Base):
    """One poll asking one question. ``source`` and ``source_id`` say where the record
    came from (``seed``, ``demo``, ``form``, an import file's name) so that loading the
    same data twice adds nothing."""

    __tablename__ = "poll"
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="field_period_order"),
        CheckConstraint("sample_size IS NULL OR sample_size > 0", name="sample_size_positive"),
        CheckConstraint("population IN ('a', 'rv', 'lv', 'v')", name="population_code"),
        UniqueConstraint("question_id", "source", "source_id"),
        # the paginated lists (migration 0004_h2): a question's polls newest first, its
        # pollsters, and a pollster's live polls counted
        Index("ix_poll_question_newest", "question_id", "end_date", "start_date", "id"),
        Index("ix_poll_question_pollster", "question_id", "pollster_id", "deleted_at"),
        Index("ix_poll_pollster_deleted", "pollster_id", "deleted_at"),
        # the Atom feeds (migration 0006): the newest created and updated polls, site-wide,
        # per question and per pollster, read from an index in at most FEED_ENTRIES rows
        Index("ix_poll_created", "created_at"),
        Index("ix_poll_updated", "updated_at"),
        Index("ix_poll_question_created", "question_id", "created_at"),
        Index("ix_poll_question_updated", "question_id", "updated_at"),
        Index("ix_poll_pollster_created", "pollster_id", "created_at"),
        Index("ix_poll_pollster_updated", "pollster_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    pollster_id: Mapped[int] = mapped_column(ForeignKey("pollster.id"), index=True)
    sponsor: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date, index=True)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[str] = mapped_column(String(2))
    mode: Mapped[str] = mapped_column(String(120), default="")
    source_url: Mapped[str] = mapped_column(String(2000), default="")
    partisan: Mapped[bool] = mapped_column(Boolean, default=False)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    # NULL for polls typed in by hand; unique per question and source otherwise.
    source_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Soft delete: a deleted poll stays (with its history) and can be restored; averages,
    # lists and exports ignore it.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # For polls whose election has happened (e.g. 538's raw-polls.csv): the election day;
    # each Result may then carry the actual share.
    election_date: Mapped[dt.date | None] = mapped_column(Date)
    # The day the poll became public (538's ``created_at``), besides its field dates.
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    tracking: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The versions of one poll (adults / registered / likely voters; with and without third
    # parties) share ``version_group`` (e.g. "fivethirtyeight:poll:57012"); all are kept, and
    # one per question is ``counted`` in averages (domain.versions states the rule).
    version_group: Mapped[str | None] = mapped_column(String(200), index=True)
    counted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Review (domain/review.py): "published", "held" (an outlier or a new pollster, waiting
    # for a reviewer: counted in nothing) or "rejected" (with the reviewer's note).
    review_status: Mapped[str] = mapped_column(String(10), default="published", server_default="published",
                                               index=True)
    held_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    question: Mapped[Question] = relationship(back_populates="polls")
    pollster: Mapped[Pollster] = relationship(back_populates="polls")
    results: Mapped[list[Result]] = relationship(
        back_populates="poll", cascade="all, delete-orphan"
    )

    @classmethod
    def public(cls) -> ColumnElement[bool]:
        """Not deleted, published in review, of a published question: the polls that
        averages, exports, feeds and public lists count (a held or rejected poll, and the
        polls of a draft question, are counted in nothing)."""
        published = aliased(Question)  # never correlated with a query's own question
        return and_(cls.deleted_at.is_(None), cls.review_status == "published",
                    cls.question_id.in_(select(published.id).where(published.status == "published")))

    def __repr__(self) -> str:
        return f"<Poll {self.id} {self.start_date}..{self.end_date}>"


class Result(Base):
    """The percent one poll found for one answer choice."""

    __tablename__ = "result"
    __table_args__ = (
        CheckConstraint("pct >= 0 AND pct <= 100", name="pct_range"),
        CheckConstraint("actual_pct IS NULL OR (actual_pct >= 0 AND actual_pct <= 100)",
                        name="actual_pct_range"),
        UniqueConstraint("poll_id", "choice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id"), index=True)
    pct: Mapped[float] = mapped_column(Float)
    # The choice's actual share in the election the poll was about, when known.
    actual_pct: Mapped[float | None] = mapped_column(Float)

    poll: Mapped[Poll] = relationship(back_populates="results")
    choice: Mapped[Choice] = relationship()


class User(UserMixin, Base):
    """A newsroom account: an ``admin``, ``editor`` or ``reviewer`` (``domain/roles.py``
    says what each may do). Only a password hash is stored.

    ``session_epoch`` is the generation of the user's sessions: the session holds it next to
    the user id (``get_id``), the user loader accepts only the current one, and sign-out,
    an admin's "end sessions", a password change and disabling the account bump it, so every
    cookie issued before stops working at once, on every worker (it is one row, read on
    each request anyway)."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'editor', 'reviewer')", name="role_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Accounts made before roles were admins, and stay so.
    role: Mapped[str] = mapped_column(String(20), default="admin", server_default="admin")
    session_epoch: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Set when an admin gave a temporary password: the user must choose their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class UserAudit(Base):
    """One change of an account or a token: created, disabled, enabled, role changed,
    password reset or changed, sessions ended, token created or revoked; who did it."""

    __tablename__ = "user_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # "user:NAME" or "cli"
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(40))
    # the account or token the change was made to ("user:NAME", "token:NAME")
    subject: Mapped[str] = mapped_column(String(200), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class CorrectionReport(Base):
    """A reader's report of a wrong number (no login): about one poll or one question, with
    what they saw and, if they give one, how to reach them; resolved by an editor with a
    note (``services/corrections.py``). Counts of open and resolved reports are public."""

    __tablename__ = "correction_report"
    __table_args__ = (
        CheckConstraint("poll_id IS NOT NULL OR question_id IS NOT NULL", name="has_subject"),
        CheckConstraint("status IN ('open', 'resolved')", name="status_known"),
        Index("ix_correction_report_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str] = mapped_column(String(300), default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    poll: Mapped[Poll | None] = relationship()
    question: Mapped[Question | None] = relationship()


class ChartEvent(Base):
    """A dated event an editor marks on the charts of a question, or of every question of
    a race (a debate, a scandal, a candidate's withdrawal): a dotted line with its label,
    and in the API (``services/chart_events.py``)."""

    __tablename__ = "chart_event"
    __table_args__ = (
        CheckConstraint("(question_id IS NULL) <> (race_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    race_id: Mapped[int | None] = mapped_column(ForeignKey("race.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(80))
    created_by: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CalibrationRun(Base):
    """One run of ``flask evaluate``: every method's final average of each decided race
    against its result (``services/calibration.py``). The newest run is the scoreboard."""

    __tablename__ = "calibration_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    races: Mapped[int] = mapped_column(Integer)  # decided races evaluated
    skipped: Mapped[dict] = mapped_column(JSON)  # reason -> races left out
    # rows of stats.calibration.calibration_table: by method; by method and office; by
    # method, cycle and office
    tables: Mapped[dict] = mapped_column(JSON)


class AuditEntry(Base):
    """One create, update, delete or restore of a poll, or its hold, publish or reject in
    review: when, by whom, old and new values."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        CheckConstraint("action IN ('create', 'update', 'delete', 'restore', 'hold', 'publish', 'reject')",
                        name="action_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    # "user:NAME", "token:NAME", "import:FILE" or "cli"
    actor: Mapped[str] = mapped_column(String(300))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    old_values: Mapped[dict | None] = mapped_column(JSON)
    new_values: Mapped[dict | None] = mapped_column(JSON)

    poll: Mapped[Poll] = relationship()


class ComputedSeries(Base):
    """A stored trend line and current average of one choice by one method, computed from
    one data version of its question by the recompute job (``jobs/compute.py``). Reads
    serve the question's ``computed_version`` and never compute; the job keeps the
    previous complete version too, for reads that started before it finished."""

    __tablename__ = "computed_series"
    __table_args__ = (UniqueConstraint("question_id", "data_version", "method", "realtime", "choice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id", ondelete="CASCADE"))
    # A method's name, or "margin:<method>" for the margin of the question's default pair
    # (jobs/margins.py), stored on the row of the pair's first choice.
    method: Mapped[str] = mapped_column(String(20))
    realtime: Mapped[bool] = mapped_column(Boolean, default=False)
    data_version: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # {"trend": [...], "average": {...}, "polls": {poll_id: [weight, house_adjustment]},
    #  "house_effects": [...]}, or {"empty": True} for a choice no poll reported
    payload: Mapped[dict] = mapped_column(JSON)


class StoredChart(Base):
    """A chart image (or its text alternative) of one data version of a question, drawn by
    a worker: the default charts by the recompute job, other variants on request."""

    __tablename__ = "stored_chart"
    __table_args__ = (UniqueConstraint("question_id", "data_version", "variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    data_version: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(String(200))  # e.g. "png|full|1|kalman|||0"
    mimetype: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class StoredMap(Base):
    """A drawing of a state map (``services.race_map``), drawn by a worker: ``key`` names
    the cycle, office, format, scale, width, theme and a digest of what it shows, so a
    changed margin is another key (a new drawing replaces the older ones of its variant)."""

    __tablename__ = "stored_map"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    mimetype: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RecomputeJob(Base):
    """The recompute of one question's stored results: at most one queued and one running
    per question, so a burst of writes costs one or two recomputes (``jobs/queue.py``).
    ``state``: queued, running, done or failed; ``token`` names the attempt that holds a
    running job, ``heartbeat_at`` shows its worker is alive."""

    __tablename__ = "recompute_job"

    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), index=True)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    token: Mapped[str] = mapped_column(String(32), default="", server_default="")


class ApiToken(Base):
    """A bearer token for API writes. Only its SHA-256 hash is stored; the token itself is
    shown once, when created."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The account the token acts for: it stops working when the account is disabled, and
    # may do no more than the account's role. None: a service token made by the CLI.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # "read" or "write"; tokens made before scopes could write, and still can.
    scope: Mapped[str] = mapped_column(String(10), default="write", server_default="write")
    # [] with race_ids []: every question; else only these questions and the races' questions.
    question_ids: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    race_ids: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    user: Mapped[User | None] = relationship()


class AverageEdition(Base):
    """A question's real-time average as published on one UTC day: the current average of
    the last computed version stored that day (default method, per choice). The recompute
    job writes today's row each time it stores results; once the day is over the row is
    final (the sweep marks it so) and never revised, whatever later corrections change in
    the stored series. ``averages``: choice name -> {estimate, lower, upper, n_polls,
    as_of}, or null for a choice no poll reported."""

    __tablename__ = "average_edition"
    __table_args__ = (UniqueConstraint("question_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    data_version: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    final: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    averages: Mapped[dict] = mapped_column(JSON)


class WebhookEndpoint(Base):
    """An admin's webhook endpoint: the events it takes (``poll.created``,
    ``poll.updated``, ``poll.deleted``, ``average.updated``) for every question, or only
    for the questions and races listed. ``secret`` signs each delivery (HMAC-SHA256); it is
    shown once, when the endpoint is created. After ``WEBHOOK_DISABLE_AFTER`` consecutive
    failed attempts the endpoint is disabled (``disabled_reason`` says why)."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(80))
    events: Mapped[list] = mapped_column(JSON)
    question_ids: Mapped[list] = mapped_column(JSON, default=list)  # [] with race_ids []: all
    race_ids: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), index=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    disabled_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class WebhookDelivery(Base):
    """One attempt to deliver one event to one endpoint: the delivery log."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_endpoint_time", "endpoint_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(40))
    attempt: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str] = mapped_column(Text, default="", server_default="")


class IdempotencyKey(Base):
    """A POST's ``Idempotency-Key``, per owner (the token's actor, ``token:NAME``), kept
    ``IDEMPOTENCY_KEY_HOURS`` (24): the fingerprint of the request it came with and the
    response it got, inserted in the write's own transaction. The unique key makes a
    concurrent request with the same key wait for the first and then answer what it
    answered (``services/idempotency.py``)."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("owner", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON)
    poll_id: Mapped[int | None] = mapped_column(Integer)  # the poll the write made: Location
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
