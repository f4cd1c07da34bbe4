"""Time trend-chart rendering: ms per render for PNG 1x, PNG 2x and SVG, light and dark.

Two choices with 300 and 6,000 polls in all, over about two years of daily trend; and the
margin chart of the same polls (one series, each poll's margin, ``values="margin"``); and
the state map (``render_state_map``: 51 tiles, 45 with a lead, 6 without polls, the legend);
and the comparison chart (``render_comparison``: six margin lines of 730 days, by date).
Prints the median and the fastest of several renders after one warm-up render
(the first render in a process also loads fonts).

    .venv/bin/python bench/bench_charts.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pollservice.domain.state_map import NO_POLLS, TILES, legend_bins, margin_bin  # noqa: E402
from pollservice.render import (  # noqa: E402
    ChoiceSeries,
    render_comparison,
    render_state_map,
    render_trend_chart,
)

CASES = {
    "PNG 1x": {"fmt": "png", "scale": 1},
    "PNG 2x": {"fmt": "png", "scale": 2},
    "SVG": {"fmt": "svg"},
    "dark PNG 1x": {"fmt": "png", "scale": 1, "theme": "dark"},
    "dark PNG 2x": {"fmt": "png", "scale": 2, "theme": "dark"},
}


def synthetic_series(total_polls: int, days: int = 730, seed: int = 0) -> list[ChoiceSeries]:
    """Two choices, each a random-walk trend with +-4 point band and weighted polls."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end="2017-03-31", periods=days, freq="D")
    series = []
    for name, level in (("Support", 42.0), ("Oppose", 51.0)):
        walk = level + np.cumsum(rng.normal(0, 0.15, days))
        trend = pd.DataFrame(
            {"date": dates, "estimate": walk, "lower": walk - 4.0, "upper": walk + 4.0}
        )
        n = total_polls // 2
        picked = rng.integers(0, days, n)
        polls = pd.DataFrame(
            {
                "date": dates[picked],
                "pct": walk[picked] + rng.normal(0, 3.0, n),
                "weight": rng.gamma(2.0, 1.0, n),
            }
        )
        series.append(ChoiceSeries(name, trend, polls))
    return series


def margin_series(total_polls: int, days: int = 730, seed: int = 0) -> list[ChoiceSeries]:
    """The margin of the two choices: one trend with its band, one dot per poll."""
    support, oppose = synthetic_series(total_polls, days, seed)
    estimate = support.trend["estimate"] - oppose.trend["estimate"]
    trend = pd.DataFrame({"date": support.trend["date"], "estimate": estimate,
                          "lower": estimate - 6.0, "upper": estimate + 6.0})
    polls = pd.DataFrame({"date": support.polls["date"],
                          "pct": support.polls["pct"].to_numpy() - oppose.polls["pct"].to_numpy()})
    return [ChoiceSeries("Support \u2212 Oppose", trend, polls)]


def time_renders(series, repeat: int, **options) -> tuple[float, float, int]:
    render_trend_chart("Benchmark", series, **options)  # warm-up
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(
            render_trend_chart(
                "Benchmark",
                series,
                method_label="Trend: benchmark; band = 95% interval",
                source_line="Data: synthetic",
                **options,
            )
        )
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), min(times), size


def map_tiles(seed: int = 0) -> pd.DataFrame:
    """Every state and D.C., a random lead of either party (six without polls)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, (code, (row, col)) in enumerate(TILES.items()):
        if i % 9 == 8:
            rows.append(dict(code=code, row=row, col=col, fill=None, ink=NO_POLLS.ink, text=""))
            continue
        party, lead = ("DEM", "REP")[int(rng.integers(0, 2))], float(rng.gamma(2.0, 4.0))
        colour = margin_bin(party, lead)
        rows.append(dict(code=code, row=row, col=col, fill=colour.fill, ink=colour.ink,
                         text=f"{party[0]}+{lead:.1f}"))
    return pd.DataFrame(rows)


def time_map_renders(repeat: int, **options) -> tuple[float, float, int]:
    tiles = map_tiles()
    legend = [(b.label, b.fill if b.side else "") for b in legend_bins()]
    render_state_map(tiles, title="Benchmark", legend=legend, **options)  # warm-up
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(render_state_map(tiles, title="Benchmark", subtitle="Leader's margin", legend=legend,
                                    source_line="Data: synthetic", **options))
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), min(times), size


def time_comparison_renders(repeat: int, **options) -> tuple[float, float, int]:
    lines = []
    for seed in range(6):
        trend = margin_series(300, seed=seed)[0].trend
        lines.append((f"Question {seed}", trend.rename(columns={"date": "x"})))
    render_comparison(lines, title="Benchmark", **options)  # warm-up
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(render_comparison(lines, title="Benchmark", source_line="Data: synthetic", **options))
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"{'polls':>6}  {'output':<11} {'median ms':>9} {'best ms':>8} {'bytes':>9}")
    for total in (300, 6000):
        series = synthetic_series(total)
        for label, options in CASES.items():
            median, best, size = time_renders(series, args.repeat, **options)
            print(f"{total:>6}  {label:<11} {median:>9.1f} {best:>8.1f} {size:>9,}")
        for label, options in CASES.items():
            median, best, size = time_renders(margin_series(total), args.repeat, values="margin", **options)
            print(f"{total:>6}  {'margin ' + label:<11} {median:>9.1f} {best:>8.1f} {size:>9,}")
    for label, options in CASES.items():
        median, best, size = time_map_renders(args.repeat, **options)
        print(f"{'51':>6}  {'map ' + label:<11} {median:>9.1f} {best:>8.1f} {size:>9,}")
    for label, options in CASES.items():
        median, best, size = time_comparison_renders(args.repeat, **options)
        print(f"{'6x730':>6}  {'compare ' + label:<11} {median:>9.1f} {best:>8.1f} {size:>9,}")


if __name__ == "__main__":
    main()
