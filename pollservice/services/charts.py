"""A question's trend chart as the pages serve it: the drawings a worker stored (the
recompute job draws the default variants; ``pollservice.jobs.charts`` draws), the date
ranges, colours and words that go with them. The web process draws nothing."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.errors import NotReady
from ..domain.methods import DEFAULT_METHOD
from ..domain.vocabulary import party_colours
from ..extensions import SessionArg
from ..jobs.queue import jobs
from ..models import Poll, StoredChart
from ..readmodel import QuestionView

# Credit owed per poll source (the ``source`` column of the polls shown).
ATTRIBUTION = {
    "fivethirtyeight": "Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data",
    "seed": "Polls as published in news reports (linked from each poll)",
}
FORMATS = ("png", "svg")
MIMETYPES = {"png": "image/png", "svg": "image/svg+xml"}
# Chart sizes in inches (width, height): "full" for pages, "small" for phone screens (the
# same text on a narrower plot), "thumb" a text-free sparkline for lists.
SIZES = {"full": (8.0, 4.5), "small": (4.2, 3.8), "thumb": (2.4, 0.8)}
# Date range presets of the question page, counted back from the question's last poll
# (a series that ended years ago still shows its last month, not an empty chart).
# What a chart shows: each choice's share, or the question's margin (its default pair).
SUBJECTS = ("shares", "margin")
# The page a chart is drawn for: the light (default) or the dark colour scheme.
THEMES = ("light", "dark")
RANGES = {"30d": ("Last 30 days", 30), "6m": ("Last 6 months", 183), "all": ("All polls", None)}


def range_dates(view: QuestionView, preset: str) -> tuple[dt.date | None, dt.date | None]:
    """``(from, to)`` for a range preset: ``(None, None)`` for all polls, else the last
    N days up to the question's last poll. A range reaching back before the first poll
    ended is all polls: before the polls there is nothing to draw (and a line there would
    be an extrapolation, not data)."""
    days = RANGES[preset][1]
    if days is None:
        return None, None
    first, last = view.session.execute(
        select(func.min(Poll.end_date), func.max(Poll.end_date))
        .where(Poll.question_id == view.state.id, Poll.public())
    ).one()
    if last is None or last - dt.timedelta(days=days) <= first:
        return None, None
    return last - dt.timedelta(days=days), last


def choice_colours(view: QuestionView) -> dict[str, str]:
    """Per choice with a party, its party's colour (``vocabulary.party_colours``: the
    first choice of each party; the others keep their position colours)."""
    return party_colours((choice.name, choice.party) for choice in view.question.choices)


@dataclass(frozen=True)
class ChartVariant:
    """One drawing of a question's chart: format, size, pixel scale, method, date range
    (``None``: from the first poll / to the last), real-time line, subject (the choices'
    shares, or the margin of the question's pair) and theme (light or dark page). ``key``
    names it in the stored charts: a light shares chart's keeps its seven parts, a margin's
    adds ``|margin``, a dark one's adds the subject and ``|dark``."""

    fmt: str = "png"
    size: str = "full"
    scale: int = 1
    method: str = DEFAULT_METHOD
    start: dt.date | None = None
    end: dt.date | None = None
    realtime: bool = False
    subject: str = SUBJECTS[0]
    theme: str = THEMES[0]

    @property
    def key(self) -> str:
        parts: tuple[str, ...] = (self.fmt, self.size, str(self.scale), self.method,
                                  self.start.isoformat() if self.start else "",
                                  self.end.isoformat() if self.end else "",
                                  "1" if self.realtime else "0")
        if self.theme != THEMES[0]:
            parts = (*parts, self.subject, self.theme)
        elif self.subject != SUBJECTS[0]:
            parts = (*parts, self.subject)
        return "|".join(parts)

    @classmethod
    def from_key(cls, key: str) -> ChartVariant:
        fmt, size, scale, method, start, end, realtime, *rest = key.split("|")
        return cls(fmt, size, int(scale), method, dt.date.fromisoformat(start) if start else None,
                   dt.date.fromisoformat(end) if end else None, realtime == "1",
                   rest[0] if rest else SUBJECTS[0], rest[1] if len(rest) > 1 else THEMES[0])

    @property
    def mimetype(self) -> str:
        return MIMETYPES[self.fmt]


# Drawn by every recompute, for the data version it computes: the images the pages show
# (the question page at 1x and 2x, phones, the sparklines of lists, the SVG download, and
# the margin chart the question page links to), and the PNGs again for dark-mode readers
# (the pages' <picture> sources; the SVG download and the margin link stay light).
_PAGE_PNGS = (("full", 1), ("full", 2), ("small", 1), ("small", 2), ("thumb", 1), ("thumb", 2))
DEFAULT_VARIANTS = (*(ChartVariant("png", size, scale) for size, scale in _PAGE_PNGS),
                    ChartVariant("svg", "full", 1), ChartVariant("svg", "full", 1, subject="margin"),
                    *(ChartVariant("png", size, scale, theme="dark") for size, scale in _PAGE_PNGS))
# How long a reader waits for a worker to draw a chart that is not stored yet.
CHART_WAIT_SECONDS = 10.0


def alt_text_key(method: str) -> str:
    return f"alt|{method}"


def _stored(view: QuestionView, key: str, session=None) -> bytes | None:
    return (session or view.session).execute(
        select(StoredChart.content).where(StoredChart.question_id == view.state.id,
                                          StoredChart.data_version == view.state.computed_version,
                                          StoredChart.variant == key)).scalar_one_or_none()


def stored_result(view: QuestionView, key: str) -> bytes | None:
    """What the recompute stored under ``key`` with the view's computed version besides the
    charts (the alt texts, the robustness band), or None."""
    return _stored(view, key)


def question_chart(view: QuestionView, variant: ChartVariant) -> bytes:
    """The chart's bytes for the view's computed version, drawn by a worker: stored by the
    recompute (the default variants) or drawn now on request (``NotReady`` when no worker
    has drawn it within ``CHART_WAIT_SECONDS``, or before the first recompute)."""
    _require_computed(view)
    image = _stored(view, variant.key)
    if image is not None:
        return image
    jobs(current_app).send_render(view.state.id, view.state.computed_version, variant.key)
    return wait_for_drawing(view.session, lambda session: _stored(view, variant.key, session))


def wait_for_drawing(bound: SessionArg, read: Callable[[Session], bytes | None]) -> bytes:
    """What ``read`` finds once a worker has stored it (each try a new snapshot, in a
    session of its own on ``bound``'s database); ``NotReady`` after ``CHART_WAIT_SECONDS``."""
    deadline = time.monotonic() + CHART_WAIT_SECONDS
    with Session(bind=bound.get_bind()) as session:
        while time.monotonic() < deadline:
            image = read(session)
            session.rollback()
            if image is not None:
                return image
            time.sleep(0.05)
    raise NotReady("The chart is being drawn; try again in a moment.", retry_after=2)


def _require_computed(view: QuestionView) -> None:
    if view.state.computed_version == 0:
        raise NotReady("This question's averages are being computed; try again in a moment.",
                       fields={"slug": "not computed yet"}, retry_after=5)


def chart_alt_text(view: QuestionView, method: str) -> str:
    """The text alternative of the question's chart by ``method`` (what it shows and its
    latest values), stored with the computed version; empty before the first recompute."""
    if view.state.computed_version == 0:
        return f"Trend chart of “{view.question.title}”: the averages are being computed."
    text = _stored(view, alt_text_key(method))
    return text.decode() if text is not None else ""


def source_line(view: QuestionView) -> str:
    """``pollservice`` plus the credit each source of the question's polls asks for."""
    def build() -> set[str]:
        return set(view.session.execute(
            select(Poll.source).where(Poll.question_id == view.state.id, Poll.public())
            .distinct()).scalars())

    sources = view.memo("poll_sources", build)
    parts = ["pollservice"]
    for text in dict.fromkeys(ATTRIBUTION[s] for s in sorted(sources) if s in ATTRIBUTION):
        parts.append(text)
    return " | ".join(parts)
