"""Query-string parsing shared by the pages, charts and API: each parameter checked once,
a bad one answered with ``BadRequest`` naming it."""

from __future__ import annotations

import datetime as dt

from flask import request, url_for

from ..domain import methods
from ..domain.errors import BadRequest
from ..services.charts import RANGES, SIZES, SUBJECTS, THEMES
from .blueprint import bp


def _one_of(value: str | None, name: str, allowed, default: str) -> str:
    text = (value or default).strip().lower()
    if text not in allowed:
        raise BadRequest(f"Unknown {name} {value!r}; use one of {', '.join(allowed)}.",
                         fields={name: f"must be one of {', '.join(allowed)}"})
    return text


def parse_method(value: str | None) -> str:
    return _one_of(value, "method", methods.METHODS, methods.DEFAULT_METHOD)


def parse_range(value: str | None) -> str:
    return _one_of(value, "range", RANGES, "all")


def parse_size(value: str | None) -> str:
    return _one_of(value, "size", SIZES, "full")


def parse_subject(value: str | None) -> str:
    """What a chart shows: ``shares`` (each choice's line, the default) or ``margin``."""
    return _one_of(value, "subject", SUBJECTS, SUBJECTS[0])


def parse_theme(value: str | None) -> str:
    """The page a chart is drawn for: ``light`` (the default) or ``dark``."""
    return _one_of(value, "theme", THEMES, THEMES[0])


def parse_date(value: str | None, name: str) -> dt.date | None:
    if value is None or value.strip() == "":
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(
            f"{name} must be a date in the form YYYY-MM-DD, not {value!r}.",
            fields={name: "must be a date in the form YYYY-MM-DD"},
        ) from None


def parse_flag(value: str | None, name: str) -> bool:
    if value is None or value.strip() == "":
        return False
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise BadRequest(f"{name} must be true or false, not {value!r}.", fields={name: "must be true or false"})


MAX_PAGE = 100_000


def parse_page(value: str | None) -> int:
    """A 1-based page number; ``BadRequest`` naming ``page`` for anything else."""
    if value is None or value.strip() == "":
        return 1
    text = value.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise BadRequest(f"page must be a whole number from 1 to {MAX_PAGE}, not {value!r}.",
                         fields={"page": f"must be a whole number from 1 to {MAX_PAGE}"})
    return int(text)


def parse_order(sort: str | None, direction: str | None, sorts, default: str) -> tuple[str, bool]:
    """A list's ``sort`` (one of ``sorts``) and ``dir`` (``asc`` or ``desc``; by default
    descending for dates and numbers, ascending for names) as ``(key, descending)``;
    ``BadRequest`` naming ``sort`` or ``dir``."""
    key = _one_of(sort, "sort", sorts, default)
    natural = "desc" if key in ("dates", "id", "sample") else "asc"
    return key, _one_of(direction, "dir", ("asc", "desc"), natural) == "desc"


def _current_args() -> dict:
    """This request's path and query arguments, without those ``url_for`` would read as its
    own (``_external``, ``_anchor``, ..., ``endpoint``), which a visitor could otherwise use
    to break a link."""
    args = {key: value for key, value in request.args.items()
            if not key.startswith("_") and key != "endpoint"}
    return {**args, **(request.view_args or {})}


@bp.app_template_global()
def url_with(**changes) -> str:
    """The current address with some query arguments changed (``None`` drops one)."""
    args = {key: value for key, value in {**_current_args(), **changes}.items() if value is not None}
    return url_for(request.endpoint or "web.index", **args)


@bp.app_template_global()
def page_url(page: int) -> str:
    """The current address at another page, every other argument kept."""
    return url_with(page=page)


@bp.app_template_global()
def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last, and ``around`` either side of
    ``page``; ``None`` where numbers are left out (a gap of one is shown as its number)."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) == 2:
            numbers.append(number - 1)
        elif numbers and number - (numbers[-1] or 0) > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers
