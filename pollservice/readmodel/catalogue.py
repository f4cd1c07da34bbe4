"""What lists, the front page and search read about a question without touching its polls:
``poll_count``, ``last_poll_end`` and ``search_document``, kept by the write hook in the
same transaction as the data version (``refresh_catalogue``), and the full-text query over
``search_document`` on each database (``search_ranked``): SQLite's FTS5 table
``question_fts`` or PostgreSQL's ``to_tsvector('english', ...)`` GIN index, both made by
migration 0003.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Float, Integer, Select, func, select, text, update
from sqlalchemy.orm import selectinload

from ..domain.vocabulary import OFFICES, PARTIES, STAGES, geography_name
from ..extensions import SessionArg
from ..models import Poll, Question


def search_document(question: Question) -> str:
    """The words a reader may search a question by: its title, subject, place (code and
    name), race (cycle, office, stage), candidates (display and full names, parties)."""
    parts = [question.title, question.subject, question.region, question.description]
    if question.geography:
        parts += [question.geography, geography_name(question.geography)]
    race = question.race
    if race is not None:
        parts += [race.title, str(race.cycle), OFFICES.get(race.office, race.office),
                  STAGES.get(race.stage, race.stage), race.geography, geography_name(race.geography)]
    for choice in question.choices:
        parts += [choice.name, choice.full_name]
        if choice.party in PARTIES:
            parts.append(PARTIES[choice.party].name)
    seen: set[str] = set()
    words = []
    for part in parts:
        part = (part or "").strip()
        if part and part.casefold() not in seen:
            seen.add(part.casefold())
            words.append(part)
    return " ".join(words)


def refresh_catalogue(session: SessionArg, question_ids: Iterable[int]) -> None:
    """Recount these questions' polls (counted versions, not deleted) and rewrite their
    search text, by SQL statements (the ORM objects are not made dirty)."""
    ids = sorted(set(question_ids))
    if not ids:
        return
    live = (Poll.question_id == Question.id, Poll.public(), Poll.counted.is_(True))
    session.execute(
        update(Question).where(Question.id.in_(ids)).values(
            poll_count=select(func.count(Poll.id)).where(*live).scalar_subquery(),
            last_poll_end=select(func.max(Poll.end_date)).where(*live).scalar_subquery())
        .execution_options(synchronize_session=False))
    questions = session.scalars(
        select(Question).where(Question.id.in_(ids))
        .options(selectinload(Question.choices), selectinload(Question.race))).all()
    changed = [{"id": q.id, "search_document": document} for q in questions
               if (document := search_document(q)) != q.search_document]
    if changed:  # an ORM bulk UPDATE by primary key: no flush, no dirty objects
        session.execute(update(Question), changed)


def questions_of_races(session: SessionArg, race_ids: Iterable[int]) -> set[int]:
    ids = set(race_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Question.id).where(Question.race_id.in_(ids))))


_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(text_: str) -> list[str]:
    """The words of a query, without the operators of either full-text syntax."""
    return _WORD.findall(text_ or "")[:12]


def search_ranked(session: SessionArg, query: str) -> Select | None:
    """``SELECT question.id, rank`` for the questions matching every word of ``query``
    (a prefix match on the last one), best first; None for a query with no words."""
    terms = search_terms(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "sqlite":
        match = " ".join(f'"{term}"' for term in terms[:-1]) + f' "{terms[-1]}"*'
        fts = text("SELECT rowid AS question_id, bm25(question_fts) AS rank FROM question_fts "
                   "WHERE question_fts MATCH :match").bindparams(match=match.strip())
        ranked = fts.columns(question_id=Integer, rank=Float).subquery()
        return (select(ranked.c.question_id, ranked.c.rank)
                .order_by(ranked.c.rank))  # bm25: lower is better
    tsquery = func.to_tsquery("english", " & ".join(terms[:-1] + [terms[-1] + ":*"]))
    vector = func.to_tsvector("english", Question.search_document)
    rank = func.ts_rank_cd(vector, tsquery)
    return (select(Question.id.label("question_id"), (-rank).label("rank"))
            .where(vector.op("@@")(tsquery)).order_by(-rank))

