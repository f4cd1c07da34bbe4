"""Possible duplicate pollsters, for an editor to review and merge: names that come to
the same thing once the words every pollster uses are set aside ("Siena College",
"Siena College/The New York Times Upshot" and "Siena Research Institute" are all
*siena*; "Ipsos" and "Reuters/Ipsos" share *ipsos*).

A name is split into its partners at "/" ("Reuters/Ipsos": Reuters and Ipsos); each
partner loses its generic words (college, research, reports, the, ...) and what is left
is its *core*. Pollsters sharing a core, or two cores that differ by a typo (RapidFuzz
ratio of at least ``SIMILARITY``), are listed together. Nothing is merged automatically:
a co-branded poll ("CNN/SSRS", "CNN/Opinion Research Corp.") shares a core with its
partner and is a different pollster.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from slugify import slugify

from ..models import Pollster
from .pollsters import list_pollsters

SIMILARITY = 92
MIN_CORE = 3  # shorter cores ("abc"?) are kept only when identical
GENERIC_WORDS = frozenset("""
    the a an of and at for in on inc llc ltd co corp corporation company
    college university univ institute research researchers reports report polling poll polls
    pollsters group associates partners strategies strategy analytics analysis consulting
    consultants communications opinion public affairs survey surveys center centre news
    media marketing insights data services international global national usa us
    school state community
""".split())


@dataclass(frozen=True)
class DuplicateGroup:
    core: str
    pollsters: list[tuple[Pollster, int]]  # (pollster, polls), most polls first

    @property
    def survivor(self) -> Pollster:
        """The suggested survivor: the pollster with the most polls."""
        return self.pollsters[0][0]


def name_cores(name: str) -> set[str]:
    """The cores of a pollster's name: ``"Siena College/The New York Times Upshot"`` ->
    ``{"siena", "new york times upshot"}``."""
    cores = set()
    for partner in re.split(r"\s*/\s*", name):
        words = [w for w in slugify(partner, separator=" ").split() if w not in GENERIC_WORDS]
        if words:
            cores.add(" ".join(words))
    return cores


def _canonical_cores(cores: list[str]) -> dict[str, str]:
    """Each core mapped to a representative: itself, or an earlier core it nearly equals."""
    representatives: list[str] = []
    mapping = {}
    for core in sorted(cores, key=lambda c: (-len(c), c)):
        match = None
        if len(core) >= MIN_CORE and representatives:
            match = process.extractOne(core, representatives, scorer=fuzz.ratio, score_cutoff=SIMILARITY)
        if match is None:
            representatives.append(core)
            mapping[core] = core
        else:
            mapping[core] = match[0]
    return mapping


def possible_duplicates() -> list[DuplicateGroup]:
    """Groups of two or more pollsters that may be one, biggest groups first."""
    pollsters = list_pollsters()
    cores_of = {pollster.id: name_cores(pollster.name) for pollster, _ in pollsters}
    mapping = _canonical_cores(sorted({core for cores in cores_of.values() for core in cores}))
    members: dict[str, dict[int, tuple[Pollster, int]]] = defaultdict(dict)
    for pollster, count in pollsters:
        for core in cores_of[pollster.id]:
            members[mapping[core]][pollster.id] = (pollster, count)
    groups = [DuplicateGroup(core, sorted(found.values(), key=lambda pc: (-pc[1], pc[0].name.lower())))
              for core, found in members.items() if len(found) > 1]
    return sorted(groups, key=lambda g: (-len(g.pollsters), g.core))
