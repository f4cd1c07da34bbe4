"""Which version of a poll an average counts.

A pollster often reports one poll several ways: among adults, registered voters and likely
voters, or with and without the third-party candidates. FiveThirtyEight lists each as its
own question under one ``poll_id``. pollservice keeps every version (``Poll.version_group``
links them) and counts exactly one per question and group in averages (``Poll.counted``),
so that no poll is counted twice. The rule, as 538 applied it:

1. the preferred population: for a race, likely voters, then registered voters, then
   voters, then adults (``RACE_PREFERENCE``); for a topic such as presidential approval,
   adults first, then registered, likely, voters (``TOPIC_PREFERENCE``);
2. then the version with more answers (the full field of candidates);
3. then the lowest source id (538's ``question_id``, compared as a number when it is one).

``version_rank`` gives the sort key: the version with the smallest key is counted.
"""

from __future__ import annotations

import math

RACE_PREFERENCE = ("lv", "rv", "v", "a")
TOPIC_PREFERENCE = ("a", "rv", "lv", "v")


def preference(is_race: bool) -> tuple[str, ...]:
    """The population order of a race's question (True) or a topic question (False)."""
    return RACE_PREFERENCE if is_race else TOPIC_PREFERENCE


def version_rank(population: str, answers: int, source_id: str | None,
                 is_race: bool) -> tuple:
    """The sort key of one version: the smallest is the version averages count.

    Parameters
    ----------
    population
        ``a``, ``rv``, ``lv`` or ``v``; an unknown code sorts last.
    answers
        how many answer choices the version reports.
    source_id
        the version's id at its source (538's ``question_id``).
    is_race
        whether the question is a race's (its choices are candidates) or a topic's.
    """
    order = preference(is_race)
    code = (population or "").strip().lower()
    rank = order.index(code) if code in order else len(order)
    text = source_id or ""
    number = int(text) if text.isdigit() else math.inf
    return (rank, -answers, number, text)


def target_population(populations, is_race: bool) -> str | None:
    """The population a question's averages stand for: the first of its preference order
    (``preference``) that its counted polls hold; None without polls. Polls of the other
    populations are adjusted to it (``stats.populations``)."""
    held = {(code or "").strip().lower() for code in populations}
    return next((code for code in preference(is_race) if code in held), None)
