"""Webhook endpoints as admins manage them (admin page, ``flask webhooks`` commands):
register one (its secret shown once), list them with their state, read the delivery log.
The deliveries themselves are jobs (``jobs.webhooks``)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import select

from ..domain.errors import NotFound, ValidationFailed
from ..extensions import db
from ..jobs.webhooks import EVENTS, check_url

__all__ = ["EVENTS", "deliveries", "get_endpoint", "list_endpoints", "register_endpoint", "set_active"]
from ..models import Question, Race, WebhookDelivery, WebhookEndpoint
from .transaction import transaction

LOG_ROWS = 100


def _ids(model, slugs: Sequence[str], field: str) -> list[int]:
    rows = db.session.execute(select(model.slug, model.id).where(model.slug.in_(slugs))).all()
    found: dict[str, int] = {slug: id_ for slug, id_ in rows}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationFailed(f"Unknown {field}: {', '.join(unknown)}.", fields={field: "unknown slug"})
    return [found[s] for s in slugs]


def register_endpoint(url: str, events: Sequence[str], questions: Sequence[str] = (),
                      races: Sequence[str] = ()) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret (shown once). ``events``: a subset of
    ``EVENTS``; ``questions``/``races``: slugs (none: every question)."""
    url = url.strip()
    check_url(url, current_app.config["WEBHOOK_ALLOW_PRIVATE"])
    bad = [e for e in events if e not in EVENTS]
    if not events or bad:
        raise ValidationFailed(f"Events must be among {', '.join(EVENTS)}.",
                               fields={"events": "choose one or more of " + ", ".join(EVENTS)})
    secret = "whsec_" + secrets.token_hex(24)
    with transaction():
        endpoint = WebhookEndpoint(url=url, secret=secret, events=list(dict.fromkeys(events)),
                                   question_ids=_ids(Question, questions, "questions"),
                                   race_ids=_ids(Race, races, "races"))
        db.session.add(endpoint)
    return endpoint, secret


def list_endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def get_endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}.", fields={"endpoint": "unknown"})
    return endpoint


def set_active(endpoint_id: int, active: bool) -> WebhookEndpoint:
    """Enable (failures counted from zero again) or disable an endpoint by hand."""
    endpoint = get_endpoint(endpoint_id)
    with transaction():
        endpoint.active = active
        endpoint.consecutive_failures = 0
        endpoint.disabled_at = None if active else endpoint.disabled_at
        endpoint.disabled_reason = "" if active else (endpoint.disabled_reason or "disabled by an admin")
    return endpoint


def deliveries(endpoint_id: int | None = None, limit: int = LOG_ROWS) -> list[WebhookDelivery]:
    """The newest delivery attempts (of one endpoint, or all), newest first."""
    query = select(WebhookDelivery).order_by(WebhookDelivery.attempted_at.desc(), WebhookDelivery.id.desc())
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return list(db.session.scalars(query.limit(limit)))
