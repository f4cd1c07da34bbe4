"""``question_view(slug)``: what one request reads about one question. The question's
state (its data version and computed version) is read once (from the worker's memory, see
``versions``), and the question row, its poll frames and each stored series are fetched at
most once however many parts of a page or chart ask for them. Every stored series a view
serves is of its one computed version, so one response never mixes versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

import pandas as pd
from flask import g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.errors import NotFound
from ..extensions import SessionArg, db
from ..models import Question
from .frames import poll_frames
from .series import Payloads
from .state import ReadModel, read_model
from .versions import QuestionState


class QuestionView:
    def __init__(self, model: ReadModel, session: SessionArg, state: QuestionState):
        self.model, self.session, self.state = model, session, state
        self._series: dict[tuple[str, bool], Payloads] = {}

    @property
    def slug(self) -> str:
        return self.state.slug

    @cached_property
    def question(self) -> Question:
        question = self.session.execute(
            select(Question).where(Question.id == self.state.id).options(selectinload(Question.choices))
        ).scalar_one_or_none()
        if question is None:
            raise NotFound(f"No question with slug {self.slug!r}.", fields={"slug": "unknown question"})
        return question

    def series(self, method: str, realtime: bool = False) -> Payloads:
        """Per choice, the stored series by ``method`` of this view's computed version
        (``None`` per choice before the first recompute)."""
        key = (method, realtime)
        if key not in self._series:
            self._series[key] = self.model.series.payloads(
                self.session, self.question, method, realtime, self.state.computed_version,
                self.state.computed_at)
        return self._series[key]

    def computed(self) -> dict[str, Any]:
        """Which data version the stored results served reflect: ``data_version`` (0:
        none computed yet), ``latest_data_version``, ``computed_at`` and ``updating``
        (newer polls are being computed)."""
        return {"data_version": self.state.computed_version, "latest_data_version": self.state.version,
                "computed_at": None if self.state.computed_at is None
                else self.state.computed_at.replace(tzinfo=dt.UTC),  # stored as naive UTC
                "updating": self.state.updating}

    def frames(self) -> dict[str, pd.DataFrame]:
        """The question's polls per choice (``pollservice.stats``' frame contract)."""
        return self.memo("poll_frames", lambda: poll_frames(self.session, self.question))

    def memo(self, name: str, build: Callable[[], Any], *key: Any) -> Any:
        """``build()``, kept in the worker's memo under this question's state."""
        return self.model.memo.get(
            (name, self.state.id, self.state.version, self.state.computed_version, *key), build)


def question_view(slug: str, question: Question | None = None, drafts: bool = False) -> QuestionView:
    """The view of ``slug`` for this request (``NotFound`` if there is no such question, or
    if it is a draft and ``drafts`` is false: every public read); ``question``: its row,
    when the caller has loaded it already (lists)."""
    views = g.setdefault("question_views", {})
    view = views.get(slug)
    if view is None:  # the first state a request reads of a question is the one it serves
        model = read_model()
        view = views[slug] = QuestionView(model, db.session, model.versions.state(db.session, slug))
    if view.state.draft and not drafts:
        raise NotFound(f"No question with slug {slug!r}.", fields={"slug": "unknown question"})
    if question is not None and question.id == view.state.id:
        view.__dict__.setdefault("question", question)  # the cached_property, filled
    return view
