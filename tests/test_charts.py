"""Tests of the trend-chart renderer (pollservice.render)."""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib import dates as mdates
from matplotlib.text import Text

import pollservice.render
from pollservice.render import PALETTE, ChoiceSeries, chart_description, render_trend_chart
from pollservice.render.inputs import _prepare, _prepare_all
from pollservice.render.labels import _spread
from pollservice.render.layout import _draw

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(1)</script>"
METHOD = "Trend: Kalman smoother with house effects; band = 95% interval"
SOURCE = "Data: FiveThirtyEight (ABC News), CC BY 4.0"


def make_series(
    names=("Support", "Oppose"),
    levels=(32.0, 55.0),
    n_polls=60,
    days=90,
    end="2017-03-31",
    seed=0,
) -> list[ChoiceSeries]:
    """Synthetic random-walk trends with noisy, unequally weighted polls."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end=end, periods=days, freq="D")
    series = []
    for name, level in zip(names, levels, strict=True):
        walk = level + np.cumsum(rng.normal(0, 0.2, days))
        walk += level - walk[-1]  # the latest estimate is exactly `level`
        trend = pd.DataFrame(
            {"date": dates, "estimate": walk, "lower": walk - 3.9, "upper": walk + 3.9}
        )
        picked = rng.integers(0, days, n_polls)
        polls = pd.DataFrame(
            {
                "date": dates[picked],
                "pct": walk[picked] + rng.normal(0, 3, n_polls),
                "weight": rng.gamma(2.0, 1.0, n_polls),
            }
        )
        series.append(ChoiceSeries(name, trend, polls))
    return series


def one_poll_series() -> list[ChoiceSeries]:
    day = pd.Timestamp("2017-03-31")
    return [
        ChoiceSeries(
            "Support",
            pd.DataFrame({"date": [day], "estimate": [41.0], "lower": [35.0], "upper": [47.0]}),
            pd.DataFrame({"date": [day], "pct": [41.0], "weight": [1.0]}),
        )
    ]


def png_pixels(data: bytes) -> np.ndarray:
    assert data.startswith(PNG_SIGNATURE)
    return mpimg.imread(BytesIO(data), format="png")


def svg_root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def title_and_desc(data: bytes) -> tuple[str, str]:
    first, second = list(svg_root(data))[:2]
    assert (first.tag, second.tag) == (f"{SVG}title", f"{SVG}desc")
    return first.text, second.text


# ------------------------------------------------------------------------- PNG


def test_png_is_valid_and_sized_width_times_dpi_by_height_times_dpi():
    pixels = png_pixels(render_trend_chart("Approval", make_series(), width=8, height=4.5))
    assert pixels.shape[:2] == (450, 800)


def test_png_at_2x_is_twice_as_wide_and_high():
    one_x = png_pixels(render_trend_chart("Approval", make_series(), scale=1))
    two_x = png_pixels(render_trend_chart("Approval", make_series(), scale=2))
    assert two_x.shape[:2] == (2 * one_x.shape[0], 2 * one_x.shape[1])


def test_png_of_custom_size_matches_inches_times_dpi():
    pixels = png_pixels(render_trend_chart("Approval", make_series(), width=6, height=3))
    assert pixels.shape[:2] == (300, 600)


def test_png_is_deterministic_and_carries_no_software_text():
    first = render_trend_chart("Approval", make_series(), method_label=METHOD)
    assert first == render_trend_chart("Approval", make_series(), method_label=METHOD)
    assert b"Software" not in first and b"Matplotlib" not in first


def test_png_draws_each_choice_in_its_palette_colour():
    pixels = png_pixels(render_trend_chart("Approval", make_series()))
    rgb = (pixels[..., :3] * 255).round().astype(int).reshape(-1, 3)
    for colour in PALETTE[:2]:
        wanted = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(rgb - wanted).sum(axis=1) <= 6).sum() > 200, colour


# ------------------------------------------------------------------------- SVG


def test_svg_is_well_formed_with_title_and_desc_first_children_of_root():
    data = render_trend_chart(
        "Do you support the proposal?",
        make_series(),
        fmt="svg",
        method_label=METHOD,
        source_line=SOURCE,
    )
    root = svg_root(data)
    assert root.tag == f"{SVG}svg"
    title, desc = title_and_desc(data)
    assert title == "Do you support the proposal?"
    assert desc.startswith("Latest estimate on 2017-03-31: Support 32.0% (95% interval")
    assert "; Oppose 55.0% (95% interval 51.1 to 58.9)." in desc


def test_svg_has_no_date_metadata_and_is_byte_identical_across_renders():
    first = render_trend_chart("Approval", make_series(), fmt="svg", source_line=SOURCE)
    second = render_trend_chart("Approval", make_series(), fmt="svg", source_line=SOURCE)
    assert first == second
    assert b"<dc:date>" not in first


def test_svg_escapes_script_in_title_choice_name_source_and_description():
    series = make_series(names=("Support", SCRIPT))
    data = render_trend_chart(
        SCRIPT, series, fmt="svg", method_label=SCRIPT, source_line=f"Data: {SCRIPT} & co"
    )
    assert b"<script" not in data.lower()
    title, desc = title_and_desc(data)  # parses: nothing broke the markup
    assert title == SCRIPT
    assert f"{SCRIPT} 55.0%" in desc

    custom = render_trend_chart("Q", series, fmt="svg", description=f"{SCRIPT} & more")
    assert b"<script" not in custom.lower()
    assert title_and_desc(custom)[1] == f"{SCRIPT} & more"


def test_svg_survives_xml_illegal_control_characters_in_names():
    series = make_series(names=("Sup\x00port", "Op\x1bpose"))
    title, desc = title_and_desc(render_trend_chart("Bad\x07 title", series, fmt="svg"))
    assert title == "Bad title"
    assert "Support 32.0%" in desc and "Oppose 55.0%" in desc


def test_svg_with_many_polls_stays_compact_and_deterministic():
    series = make_series(n_polls=1500, days=700)
    first = render_trend_chart("Many", series, fmt="svg")
    assert first == render_trend_chart("Many", series, fmt="svg")
    assert len(first) < 600_000  # dots go in as one bitmap, not 3,000 paths


# ------------------------------------------------------------------ edge cases


def test_no_series_renders_no_polls_yet():
    png = render_trend_chart("Empty question", [])
    assert png_pixels(png).shape[:2] == (450, 800)
    svg = render_trend_chart("Empty question", [], fmt="svg")
    assert b"No polls yet" in svg  # matplotlib's comment naming the drawn text
    assert title_and_desc(svg) == ("Empty question", "No polls yet.")


def test_series_with_empty_frames_renders_no_polls_yet():
    empty = [
        ChoiceSeries("Support", pd.DataFrame(), pd.DataFrame()),
        ChoiceSeries(
            "Oppose",
            pd.DataFrame(columns=["date", "estimate", "lower", "upper"]),
            pd.DataFrame(columns=["date", "pct", "weight"]),
        ),
    ]
    svg = render_trend_chart("Empty question", empty, fmt="svg")
    assert b"No polls yet" in svg
    assert title_and_desc(svg)[1] == "No polls yet."


def test_one_poll_renders_a_visible_point_and_states_its_estimate():
    series = one_poll_series()
    pixels = png_pixels(render_trend_chart("One", series))
    assert pixels.shape[:2] == (450, 800)
    _, desc = title_and_desc(render_trend_chart("One", series, fmt="svg"))
    assert desc == (
        "Latest estimate on 2017-03-31: Support 41.0% (95% interval 35.0 to 47.0). "
        "Polls from 2017-03-31."
    )


def test_one_point_trend_is_drawn_as_a_marker_with_error_bar():
    figure = _draw("One", [_prepare(one_poll_series()[0], "#0072B2")], "", "", 8.0, 4.5, 100.0)
    axes = figure.axes[0]
    assert axes.containers, "an errorbar container shows the lone trend point"


def test_three_thousand_polls_render_to_png_and_svg():
    series = make_series(n_polls=1500, days=800)  # 2 choices x 1,500 = 3,000 polls
    assert png_pixels(render_trend_chart("Many", series)).shape[:2] == (450, 800)
    title, desc = title_and_desc(render_trend_chart("Many", series, fmt="svg"))
    assert title == "Many" and "Support 32.0%" in desc


def test_polls_on_a_single_day_render():
    series = make_series(days=1, n_polls=5)
    assert png_pixels(render_trend_chart("One day", series)).shape[:2] == (450, 800)


def test_nan_gaps_in_trend_render_without_warnings():
    series = make_series()
    for choice in series:
        choice.trend.loc[10:20, ["estimate", "lower", "upper"]] = np.nan
        choice.trend.loc[30, "estimate"] = np.nan
        choice.trend.loc[40:, ["lower", "upper"]] = np.nan
    _, desc = title_and_desc(render_trend_chart("Gaps", series, fmt="svg"))
    assert "Support 32.0%; Oppose 55.0%. Polls from" in desc  # no band, no interval
    assert png_pixels(render_trend_chart("Gaps", series)).shape[:2] == (450, 800)


def test_equal_weights_missing_weight_column_and_tz_aware_dates_render():
    series = make_series()
    equal = ChoiceSeries("Support", series[0].trend, series[0].polls.assign(weight=1.0))
    unweighted = ChoiceSeries("Oppose", series[1].trend, series[1].polls.drop(columns="weight"))
    aware = ChoiceSeries(
        "Other",
        series[0].trend.assign(date=series[0].trend["date"].dt.tz_localize("US/Eastern")),
        series[0].polls.assign(date=series[0].polls["date"].dt.tz_localize("UTC")),
    )
    data = render_trend_chart("Mixed", [equal, unweighted, aware])
    assert png_pixels(data).shape[:2] == (450, 800)


def test_dollar_signs_and_glyphs_missing_from_the_font_render_without_warnings():
    series = make_series(names=("Spend $5 or $10", "中文 \U0001f600"))
    svg = render_trend_chart("Costs $5 or $10?", series, fmt="svg")
    _, desc = title_and_desc(svg)
    assert "Spend $5 or $10 32.0%" in desc and "中文 \U0001f600 55.0%" in desc


def test_end_labels_that_would_collide_are_spread_at_least_a_gap_apart():
    wanted = np.array([30.0, 30.1, 30.2, 45.0])
    placed = _spread(wanted, gap=1.5, low=0.0, high=100.0)
    assert np.all(np.diff(placed) >= 1.5 - 1e-9)
    assert placed[1] == pytest.approx(30.1)  # a cluster centres on its wanted mean
    assert placed[3] == pytest.approx(45.0)  # a label with room stays put


def test_end_labels_are_kept_inside_the_plot_range():
    placed = _spread(np.array([99.0, 99.5]), gap=2.0, low=1.0, high=99.0)
    assert placed[-1] <= 99.0 and placed[1] - placed[0] == pytest.approx(2.0)


def test_chart_description_states_latest_values_of_each_choice():
    assert chart_description(make_series(n_polls=3, seed=3)).startswith(
        "Latest estimate on 2017-03-31: Support 32.0% (95% interval 28.1 to 35.9); "
        "Oppose 55.0% (95% interval 51.1 to 58.9). Polls from "
    )


def test_chart_description_names_choices_without_an_estimate():
    series = make_series()
    series.append(ChoiceSeries("Undecided", pd.DataFrame(), series[0].polls))
    assert "; no estimate for Undecided." in chart_description(series)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("fmt", ["jpg", "pdf", "", None])
def test_unknown_format_raises_value_error(fmt):
    with pytest.raises(ValueError, match="fmt"):
        render_trend_chart("Q", make_series(), fmt=fmt)


@pytest.mark.parametrize("scale", [0, 0.5, 3.5, float("nan"), "big"])
def test_scale_outside_1_to_3_raises_value_error(scale):
    with pytest.raises(ValueError, match="scale"):
        render_trend_chart("Q", make_series(), scale=scale)


@pytest.mark.parametrize(("name", "value"), [("width", 100.0), ("height", 0.0)])
def test_absurd_figure_size_raises_value_error(name, value):
    with pytest.raises(ValueError, match=name):
        render_trend_chart("Q", make_series(), **{name: value})


def test_frame_missing_a_column_raises_value_error_naming_it():
    trend = make_series()[0].trend.drop(columns="estimate")
    with pytest.raises(ValueError, match="estimate"):
        render_trend_chart("Q", [ChoiceSeries("Support", trend, pd.DataFrame())])


def test_negative_poll_weight_raises_value_error():
    polls = make_series()[0].polls.assign(weight=-1.0)
    with pytest.raises(ValueError, match="negative weight"):
        render_trend_chart("Q", [ChoiceSeries("Support", pd.DataFrame(), polls)])


# ------------------------------------------------------------ concurrency, imports


def test_concurrent_renders_from_threads_match_a_serial_render():
    series = make_series()
    expected = render_trend_chart("Threads", series, fmt="svg")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: render_trend_chart("Threads", series, fmt="svg"), range(8))
        )
    assert all(result == expected for result in results)


def test_importing_the_renderer_loads_no_pyplot():
    code = "import sys, pollservice.render; assert 'matplotlib.pyplot' not in sys.modules"
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_renderer_imports_only_matplotlib_numpy_pandas_stdlib_and_itself():
    files = sorted(Path(pollservice.render.__file__).parent.rglob("*.py"))
    assert files
    allowed = {"matplotlib", "numpy", "pandas", "__future__"} | set(sys.stdlib_module_names)
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    assert node.level == 1, f"{path.name}: no imports from outside pollservice.render"
                    continue
                modules = [node.module]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] in allowed, f"{path.name} imports {module}"


# ------------------------------------------------------------------ legibility


def drawn_axes(series, width=8.0, height=4.5):
    figure = _draw("Title", _prepare_all(series), METHOD, SOURCE,
                   width, height, 100)
    figure.canvas.draw()
    return figure.axes[0]


def y_ticks_in_view(axes) -> np.ndarray:
    low, high = axes.get_ylim()
    ticks = np.asarray(axes.get_yticks())
    return ticks[(ticks >= low - 1e-9) & (ticks <= high + 1e-9)]


def x_labels(axes) -> list[str]:
    low, high = axes.get_xlim()
    return [t.get_text() for t in axes.get_xticklabels()
            if low <= t.get_position()[0] <= high and t.get_text()]


@pytest.mark.parametrize(("levels", "spread"), [((32.0, 68.0), 3.0), ((45.0, 47.0), 1.0),
                                                 ((12.0, 81.0), 6.0), ((3.0, 9.0), 1.5)])
def test_y_ticks_are_5_or_10_points_apart_and_the_data_lie_inside_the_labelled_range(
        levels, spread):
    series = make_series(levels=levels)
    for s in series:
        s.polls["pct"] = s.trend["estimate"].iloc[-1] + np.linspace(-spread, spread, len(s.polls))
    axes = drawn_axes(series)
    ticks = y_ticks_in_view(axes)
    steps = set(np.round(np.diff(ticks), 6))
    assert len(steps) == 1 and steps <= {5.0, 10.0}, ticks
    values = np.clip(np.concatenate([
        np.concatenate([s.polls["pct"], s.trend["lower"], s.trend["upper"]]) for s in series
    ]), 0, 100)  # the axis never goes below 0
    assert ticks[0] <= values.min() and ticks[-1] >= values.max(), (ticks, values.min(),
                                                                    values.max())
    assert len(ticks) >= 3


@pytest.mark.parametrize(("end", "days", "months"), [
    ("2020-11-03", 25, ("Oct", "Nov")),  # October days, then November
    ("2021-01-20", 60, ("Dec", "Jan")),  # across a year
    ("2020-11-03", 400, ()),  # months
])
def test_date_labels_name_the_month_of_every_day_number_across_boundaries(end, days, months):
    axes = drawn_axes(make_series(end=end, days=days))
    labels = x_labels(axes)
    assert len(labels) >= 3, labels
    month_names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                   "Dec")
    # The first label names its month (and year); a bare day number only follows a label
    # of the same month, so no reader takes October's days for November's.
    assert any(m in labels[0] for m in month_names), labels
    assert any(ch.isdigit() and len(w) == 4 for w in labels[0].split() for ch in w[:1]), labels
    for name in months:
        assert any(name in label for label in labels), (name, labels)
    positions = [mdates.num2date(t.get_position()[0]) for t in axes.get_xticklabels()
                 if t.get_text()]
    shown = [t.get_text() for t in axes.get_xticklabels() if t.get_text()]
    for before, after, text in zip(positions, positions[1:], shown[1:], strict=False):
        if after.month != before.month:
            assert month_names[after.month - 1] in text, (text, shown)
        if after.year != before.year:
            assert str(after.year) in text, (text, shown)
    assert not axes.xaxis.get_offset_text().get_text()


PRIMARY = (("Joe Biden", 28.0), ("Bernie Sanders", 24.0), ("Elizabeth Warren", 14.0),
           ("Pete Buttigieg", 9.0), ("Michael Bloomberg", 10.0), ("Amy Klobuchar", 5.0),
           ("Tulsi Gabbard", 2.0), ("Tom Steyer", 2.5), ("Andrew Yang", 3.0))


def test_with_many_candidates_the_leaders_are_drawn_and_the_rest_listed_with_their_values():
    series = make_series(names=[n for n, _ in PRIMARY], levels=[v for _, v in PRIMARY])
    figure = _draw("Primary", _prepare_all(series), METHOD, SOURCE, 8.0, 4.5, 100)
    figure.canvas.draw()
    legend_names = [t.get_text() for t in figure.legends[0].get_texts()]
    leaders = ["Joe Biden", "Bernie Sanders", "Elizabeth Warren", "Michael Bloomberg",
               "Pete Buttigieg"]
    assert sorted(n for n in legend_names if n != "Poll (larger = more weight)") == sorted(leaders)
    others = [t for t in figure.texts if t.get_text().startswith("Also polled:")]
    assert len(others) == 1
    assert others[0].get_text() == ("Also polled: Amy Klobuchar 5.0%, Andrew Yang 3.0%, "
                                    "Tom Steyer 2.5%, Tulsi Gabbard 2.0%")
    lines = figure.axes[0].get_lines()
    drawn_colours = {tuple(line.get_color()) if not isinstance(line.get_color(), str)
                     else line.get_color() for line in lines}
    assert len(drawn_colours) == len(leaders)  # one colour per drawn line, none repeated


def test_end_labels_never_overlap_when_drawn():
    series = make_series(names=("A", "B", "C", "D", "E", "F"), levels=(30.0, 29.5, 29.0, 12.0,
                                                                        11.8, 11.6))
    figure = _draw("Close", _prepare_all(series), METHOD, SOURCE, 8.0, 4.5, 100)
    renderer = figure.canvas.get_renderer()
    figure.canvas.draw()
    # The text's own box (an annotation's extent also holds its leader line).
    boxes = [Text.get_window_extent(t, renderer) for t in figure.axes[0].texts]
    assert len(boxes) == 6
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def test_a_range_near_zero_is_not_stretched_upward_by_the_clip():
    series = make_series(names=("Small",), levels=(3.0,))
    axes = drawn_axes(series)
    low, high = axes.get_ylim()
    assert low == 0 and high <= 15, (low, high)
