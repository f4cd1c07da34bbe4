"""The robustness band of a question's current averages as ``GET /api/v1/questions/<slug>/
robustness`` and the question page read it: what the recompute stored with the averages
(``jobs.robustness`` computes it; the web process imports no statistics).
"""

from __future__ import annotations

import json
from typing import Any

from ..domain import methods
from ..domain.errors import NotReady
from ..readmodel import QuestionView
from .charts import stored_result

ROBUSTNESS_KEY = "robustness"


def question_robustness(view: QuestionView, wait: bool = True) -> dict[str, Any]:
    """Every choice's robustness band (None for a choice with no current average). Before
    the question's first recompute, and for results stored before this existed (until the
    next recompute), ``NotReady``, or no choices when ``wait`` is false (the page)."""
    stored = stored_result(view, ROBUSTNESS_KEY) if view.state.computed_version else None
    if stored is None and wait:
        raise NotReady("This question's robustness band is computed with its averages; try again "
                       "after its next recompute.", fields={"slug": "not computed yet"}, retry_after=60)
    return {"computed": view.computed(), "question": view.slug, "method": methods.DEFAULT_METHOD,
            "choices": {} if stored is None else json.loads(stored)}
