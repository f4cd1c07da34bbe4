"""Election results: setting a race's result, from a poll file's rows or from a file of
results alone.

:func:`apply_results` is the one place a race's result is written (the poll importer calls it
for the files whose rows carry the result: 538's raw-polls and polls pages).
:func:`import_race_results` reads The Economist's ``potus_results_76_16.csv`` (us-potus-model,
MIT; columns ``year``, ``state``, ``total_votes``, ``dem``, ``rep``, ``other``, the shares as
fractions of the vote): each row gives the Democrat's and the Republican's share in that year's
presidential election in that state, set on the race's candidates of those parties (its main
question's choices). Rows of races the store does not hold (1976-2004: the polls files start
in 2008) are counted, not errors. Atomic: one bad row rejects the file and writes nothing
(``ImportRejected``: FILE: line N: field: message).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ...domain import vocabulary
from ...extensions import db
from ...models import Race, RaceResult
from ...readmodel import mark_changed
from ..races import ordered_questions
from ..transaction import transaction
from .formats.common import cell, open_csv
from .rows import ImportRejected, RaceSpec, RowProblem
from .stored import load_races

__all__ = ["RESULTS_COLUMNS", "ResultsSummary", "apply_results", "import_race_results"]

RESULTS_COLUMNS = ("year", "state", "dem", "rep")
PARTY_COLUMNS = {"dem": "DEM", "rep": "REP"}


@dataclass
class ResultsSummary:
    source_name: str
    rows: int = 0
    races: list[str] = field(default_factory=list)  # slugs of the races whose result was set
    changed: int = 0  # results added or changed
    not_held: int = 0  # rows whose race the store does not hold
    no_candidate: list[str] = field(default_factory=list)  # "slug: DEM" with no such choice

    def as_dict(self) -> dict:
        return {"source_name": self.source_name, "rows": self.rows, "races": self.races,
                "changed": self.changed, "not_held": self.not_held, "no_candidate": self.no_candidate}


def apply_results(race: Race, shares: Mapping[str, float], parties: Mapping[str, str | None],
                  source_name: str) -> int:
    """Set ``race``'s result of each candidate in ``shares`` (percent); returns how many
    results were added or changed. The race's result source becomes ``source_name`` when
    there was any result to set (a later file's result wins)."""
    if not shares:
        return 0
    known = {result.candidate: result for result in race.results}
    changed = 0
    for candidate, share in shares.items():
        result = known.get(candidate)
        if result is None:
            race.results.append(RaceResult(candidate=candidate[:120], vote_share=share,
                                           party=parties.get(candidate)))
            changed += 1
        elif result.vote_share != share:
            result.vote_share = share
            changed += 1
    if race.result_source != source_name[:300]:
        race.result_source = source_name[:300]
    return changed


def import_race_results(text: str, source_name: str, *, dry_run: bool = False) -> ResultsSummary:
    """Read a results file (see the module docstring) and set the results of the races it
    names that the store holds; ``dry_run`` reports without writing."""
    summary = ResultsSummary(source_name)
    reader = open_csv(text, source_name, RESULTS_COLUMNS)
    parsed: list[tuple[int, str, dict[str, float]]] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[int, str], int] = {}
    for record in reader:
        summary.rows += 1
        row = _parse(record, reader.line_num, problems)
        if row is None:
            continue
        if (row[0], row[1]) in seen:
            problems.append(RowProblem(reader.line_num, "state", f"{row[1]} in {row[0]} is on line "
                                       f"{seen[(row[0], row[1])]} already"))
            continue
        seen[(row[0], row[1])] = reader.line_num
        parsed.append(row)
    if problems:
        raise ImportRejected(source_name, problems)
    if dry_run:
        try:
            _apply(parsed, summary)
        finally:
            db.session.rollback()
        return summary
    with transaction():
        mark_changed(db.session, _apply(parsed, summary))
    return summary


def _parse(record, line: int, problems: list[RowProblem]) -> tuple[int, str, dict[str, float]] | None:
    before = len(problems)
    year_text, state = cell(record, "year"), cell(record, "state")
    geography = vocabulary.state_code(state)
    if not re.fullmatch(r"\d{4}", year_text, re.ASCII) or not 1788 <= int(year_text) <= 2100:
        problems.append(RowProblem(line, "year", f"{year_text!r} is not a year"))
    if geography is None:
        problems.append(RowProblem(line, "state", f"{state!r} is not a US state or DC"))
    shares: dict[str, float] = {}
    for column, party in PARTY_COLUMNS.items():
        try:
            share = float(cell(record, column))
        except ValueError:
            share = math.nan
        if not 0.0 <= share <= 1.0:  # also NaN
            problems.append(RowProblem(line, column, f"{cell(record, column)!r} is not a share of "
                                                     "the vote between 0 and 1"))
        shares[party] = round(share * 100.0, 2)
    if sum(shares.values()) > 100.0 + 1e-6:
        problems.append(RowProblem(line, "dem", "the shares add up to more than 1"))
    if len(problems) > before or geography is None:
        return None
    return int(year_text), geography, shares


def _apply(rows: list[tuple[int, str, dict[str, float]]], summary: ResultsSummary) -> set[int]:
    """Set the results; the ids of the questions of the races whose result changed."""
    specs = {(year, geography): RaceSpec(year, "president", geography, "general")
             for year, geography, _ in rows}
    races = load_races({spec.key for spec in specs.values()})  # by key: a renamed race too
    touched: set[int] = set()
    for year, geography, shares in rows:
        race = races.get(specs[(year, geography)].key)
        if race is None:
            summary.not_held += 1
            continue
        slug = race.slug
        by_party = _candidates_by_party(race)
        named = {}
        for party, share in shares.items():
            if party in by_party:
                named[by_party[party]] = share
            else:
                summary.no_candidate.append(f"{slug}: {party}")
        changed = apply_results(race, named, {name: party for party, name in by_party.items()},
                                summary.source_name)
        if named:
            summary.races.append(slug)
        summary.changed += changed
        if changed:
            touched.update(question.id for question in race.questions)
    return touched


def _candidates_by_party(race: Race) -> dict[str, str]:
    """Party code -> the candidate's name, from the choices of the race's questions (the
    first choice of a party wins: the main question's, which comes first)."""
    found: dict[str, str] = {}
    for question in ordered_questions(race):
        for choice in question.choices:
            if choice.party and choice.party not in found:
                found[choice.party] = choice.name
    return found
