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
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import Base

# Population codes, as FiveThirtyEight and most pollsters use them.


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Pollster(Base):
    __tablename__ = "pollster"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    polls: Mapped[list[Poll]] = relationship(back_populates="pollster")

    def __repr__(self) -> str:
        return f"<Pollster {self.name!r}>"


class Question(Base):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Bumped (atomically, in SQL) by every write that touches this question's polls: the
    # key of the stored averages and of HTTP caching (ETag / Last-Modified).
    data_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    data_changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, server_default=func.current_timestamp())

    choices: Mapped[list[Choice]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )
    polls: Mapped[list[Poll]] = relationship(back_populates="question")

    def __repr__(self) -> str:
        return f"<Question {self.slug!r}>"


class Choice(Base):
    """One answer choice of a question (e.g. Support / Oppose), in display order."""

    __tablename__ = "choice"
    __table_args__ = (
        UniqueConstraint("question_id", "name"),
        UniqueConstraint("question_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)

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

    question: Mapped[Question] = relationship(back_populates="polls")
    pollster: Mapped[Pollster] = relationship(back_populates="polls")
    results: Mapped[list[Result]] = relationship(
        back_populates="poll", cascade="all, delete-orphan"
    )

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
    """An administrator who may add and edit polls. Only a password hash is stored."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """One create, update, delete or restore of a poll: when, by whom, old and new values."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        CheckConstraint("action IN ('create', 'update', 'delete', 'restore')", name="action_kind"),
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
    """A stored trend line and current average of one choice by one method, valid for one
    data version of its question: reads never recompute."""

    __tablename__ = "computed_series"
    __table_args__ = (UniqueConstraint("question_id", "choice_id", "method", "realtime"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(20))
    realtime: Mapped[bool] = mapped_column(Boolean, default=False)
    data_version: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # {"trend": [...], "average": {...}, "polls": {poll_id: {"weight", "house_adjustment"}},
    #  "house_effects": [...]}
    payload: Mapped[dict] = mapped_column(JSON)


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
