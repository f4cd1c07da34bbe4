"""Which margin a question shows, and how a margin reads ("Biden +7.2", "net +3.1").

A question's *default pair* is the margin its pages and ``/average`` show and the workers
store for every method (``jobs.compute``):

- a topic question whose choices include a positive and a negative answer of one kind
  (Approve / Disapprove, Support / Oppose, Favorable / Unfavorable, Yes / No): the positive
  minus the negative, a *net* value;
- any other question (a horse race's candidates, a topic question's answers): its two
  leading choices in the current average, the leader first.

Pure functions of names and averages: the web process and the workers share them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The (positive, negative) answers whose difference is a net value, compared lower-cased.
NET_PAIRS: tuple[tuple[str, str], ...] = (
    ("approve", "disapprove"),
    ("support", "oppose"),
    ("favorable", "unfavorable"),
    ("favourable", "unfavourable"),
    ("yes", "no"),
)

#: Answers that name no choice, compared lower-cased with punctuation as spaces: they are not
#: part of the vote when the undecided are allocated (``jobs.margins.decided_by_date``).
NO_CHOICE_WORDS: tuple[str, ...] = ("undecided", "unsure", "not sure", "don t know", "dont know",
                                    "no opinion", "refused", "no answer", "would not vote")


def names_a_choice(name: str) -> bool:
    """False for an answer such as "Undecided" or "Don't know / Refused"."""
    words = " " + " ".join("".join(c if c.isalnum() else " " for c in name.lower()).split()) + " "
    return not any(f" {word} " in words for word in NO_CHOICE_WORDS)


#: The ``method`` key under which a method's margin is stored in ``computed_series``.
MARGIN_PREFIX = "margin:"


def margin_key(method: str) -> str:
    """The stored series key of ``method``'s margin (``"margin:kalman"``)."""
    return MARGIN_PREFIX + method


@dataclass(frozen=True)
class Pair:
    """The margin ``a - b``; ``net``: a positive minus a negative answer."""

    a: str
    b: str
    net: bool = False


def net_pair(choices: list[str]) -> Pair | None:
    """The net pair among ``choices`` (Approve minus Disapprove, ...), or None."""
    by_lower = {name.strip().lower(): name for name in choices}
    for positive, negative in NET_PAIRS:
        if positive in by_lower and negative in by_lower:
            return Pair(by_lower[positive], by_lower[negative], net=True)
    return None


def default_pair(choices: list[str], estimates: dict[str, float | None],
                 is_race: bool) -> Pair | None:
    """The question's default pair: the net pair of a topic question if it has one, else
    the two choices with the highest ``estimates`` (None: not in the current average), the
    leader first, never an answer that names no choice ("Undecided": ``names_a_choice``); None
    when fewer than two choices have an estimate."""
    if not is_race:
        pair = net_pair(choices)
        if pair is not None:
            return pair
    ranked = sorted((name for name in choices if estimates.get(name) is not None and names_a_choice(name)),
                    key=lambda name: (-float(estimates[name] or 0.0), choices.index(name)))
    return Pair(ranked[0], ranked[1]) if len(ranked) >= 2 else None


def _signed(value: float) -> str:
    text = f"{value:+.1f}"
    return "+0.0" if text == "-0.0" else text


def margin_label(pair: Pair, estimate: float) -> str:
    """How the margin reads: ``"net +3.1"``, or the leader and its lead (``"Biden +7.2"``;
    ``"Tied"`` when it rounds to zero)."""
    if pair.net:
        return f"net {_signed(estimate)}"
    if round(abs(estimate), 1) == 0.0:
        return "Tied"
    leader = pair.a if estimate > 0 else pair.b
    return f"{leader} +{abs(estimate):.1f}"


def interval_text(pair: Pair, estimate: float, lower: float, upper: float) -> str:
    """``"Biden +7.2, 95% interval +5.1 to +9.3"``: the interval in the leader's terms (a
    lead of B is read as B's, so the bounds are negated and swapped)."""
    if not pair.net and estimate < 0 and round(abs(estimate), 1) != 0.0:
        lower, upper = -upper, -lower
    return f"{margin_label(pair, estimate)}, 95% interval {_signed(lower)} to {_signed(upper)}"
