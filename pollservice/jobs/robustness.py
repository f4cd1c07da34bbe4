"""The robustness band, computed by the recompute job with the averages (``stats.robustness``
over the stored weights of the current average), stored with the computed version for
``services.robustness`` to read: per choice, the envelope of the current average across
each method's own current average and the default method's average re-weighted without
partisan polls, with one population rule or another, and without each pollster in turn,
with the most influential pollster named."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..domain import methods
from ..readmodel import QuestionView
from ..services.averages import latest_averages, poll_weights
from ..stats.robustness import robustness_variants

VARIANTS_LISTED = 12  # per choice, the variants that move it most


def choice_robustness(frame: pd.DataFrame, weights: dict[int, tuple[float, float]],
                      method_estimates: dict[str, float]) -> dict[str, Any] | None:
    """One choice's band from its poll frame, its polls' (weight, adjustment) in the default
    average and each method's current estimate."""
    if frame.empty or not weights:
        return None
    polls = frame.assign(weight=[weights.get(int(i), (0.0, 0.0))[0] for i in frame["poll_id"]],
                         house_adjustment=[weights.get(int(i), (0.0, 0.0))[1] for i in frame["poll_id"]])
    table = robustness_variants(polls)
    current = float(table["estimate"].iloc[0])
    others = [("method", f"{name} method", value, None) for name, value in method_estimates.items()
              if name != methods.DEFAULT_METHOD]
    methods_rows = pd.DataFrame(others, columns=["kind", "label", "estimate", "pollster"])
    methods_rows["shift"] = methods_rows["estimate"] - current
    every = pd.concat([table, methods_rows], ignore_index=True)
    every = every.dropna(subset=["estimate"])
    leave_outs = every[every["kind"] == "pollster"]
    influential = None
    if not leave_outs.empty:
        top = leave_outs.loc[leave_outs["shift"].abs().idxmax()]
        influential = {"pollster": top["pollster"], "shift": round(float(top["shift"]), 2)}
    moved = every.iloc[1:].reindex(every.iloc[1:]["shift"].abs().sort_values(ascending=False).index)
    return {"estimate": round(current, 2), "low": round(float(every["estimate"].min()), 2),
            "high": round(float(every["estimate"].max()), 2), "variants_tried": len(every) - 1,
            "most_influential": influential,
            "variants": [{"kind": row.kind, "label": row.label, "estimate": round(float(row.estimate), 2),
                          "shift": round(float(row.shift), 2)}
                         for row in moved.head(VARIANTS_LISTED).itertuples(index=False)]}


def question_robustness(view: QuestionView) -> dict[str, dict[str, Any] | None]:
    """Every choice's robustness band (None for a choice with no current average)."""
    weights = poll_weights(view, methods.DEFAULT_METHOD)
    by_method = {method: latest_averages(view, method) for method in methods.METHODS}
    frames = view.frames()
    choices = {}
    for choice in view.question.choices:
        estimates = {}
        for method, found in by_method.items():
            average = found.get(choice.name)
            if average is not None:
                estimates[method] = float(average["estimate"])
        choices[choice.name] = choice_robustness(frames.get(choice.name, pd.DataFrame()),
                                                 weights.get(choice.name, {}), estimates)
    return choices
