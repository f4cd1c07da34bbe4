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


@bp.app_template_global()
def page_url(page: int) -> str:
    """The current address at another page: its path arguments and every query argument
    kept, except those ``url_for`` would read as its own (``_external``, ``_anchor``, ...,
    ``endpoint``), which a visitor could otherwise use to break the link."""
    args = {key: value for key, value in request.args.items()
            if not key.startswith("_") and key != "endpoint"}
    return url_for(request.endpoint or "web.index", **{**args, **(request.view_args or {}), "page": page})
