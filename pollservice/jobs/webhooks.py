"""Webhook deliveries: each event (``poll.created``, ``poll.updated``, ``poll.deleted``,
``average.updated``) goes to every active endpoint that takes it, as one Huey job per
endpoint, never from the request that caused it.

A delivery is a POST of the event's JSON body with the headers ``Pollservice-Event``,
``Pollservice-Delivery`` (the event id) and ``Pollservice-Signature: t=<unix time>,v1=<hex>``,
where ``v1`` is HMAC-SHA256 with the endpoint's secret over ``"<t>." + body``. A 2xx answer
is a success; anything else (another status, a timeout, a refused address) is retried
after ``WEBHOOK_RETRY_DELAY`` seconds, doubled before each next try, up to
``WEBHOOK_MAX_ATTEMPTS`` attempts. Every attempt is a ``WebhookDelivery`` row (the
admin's log). ``WEBHOOK_DISABLE_AFTER`` consecutive failed attempts disable the
endpoint, with the reason logged and shown on the admin's webhooks page.

Addresses: only ``http``/``https`` URLs, and (against SSRF) no loopback, private,
link-local or reserved address unless ``WEBHOOK_ALLOW_PRIVATE``; the host is resolved
again before each attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain.errors import ValidationFailed
from ..models import Question, WebhookDelivery, WebhookEndpoint, utcnow
from . import queue

log = logging.getLogger(__name__)

EVENTS = ("poll.created", "poll.updated", "poll.deleted", "average.updated")
SIGNATURE_HEADER = "Pollservice-Signature"
TASK = "pollservice.webhooks.task"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Pollservice-Signature`` header value of ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def check_url(url: str, allow_private: bool) -> None:
    """``ValidationFailed`` naming ``url`` unless it is http(s) to a public address (or any
    address, with ``allow_private``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed("The URL must be http:// or https:// with a host.",
                               fields={"url": "must be an http or https URL"})
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (socket.gaierror, UnicodeError, ValueError):
        raise ValidationFailed(f"The host {parts.hostname!r} does not resolve.",
                               fields={"url": "host does not resolve"}) from None
    private = [a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_global]
    if private and not allow_private:
        raise ValidationFailed(f"{parts.hostname} is a loopback or private address ({private[0]}); "
                               "set WEBHOOK_ALLOW_PRIVATE to allow it.",
                               fields={"url": "loopback or private address"})


def _matches(endpoint: WebhookEndpoint, event: str, question_id: int, race_id: int | None) -> bool:
    if event not in endpoint.events:
        return False
    if not endpoint.question_ids and not endpoint.race_ids:
        return True
    return question_id in endpoint.question_ids or (race_id is not None and race_id in endpoint.race_ids)


def queue_events(bind, events: Iterable[tuple[str, int, dict[str, Any]]], app: Flask | None = None) -> int:
    """Send one delivery job per (event, endpoint that takes it); ``events``: (event type,
    question id, data). Returns the number of jobs sent."""
    events = list(events)
    if not events:
        return 0
    with Session(bind=bind) as session:
        endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))).all()
        if not endpoints:
            return 0
        questions = {q.id: q for q in session.scalars(
            select(Question).where(Question.id.in_({question_id for _e, question_id, _d in events})))}
    sent = 0
    jobs = queue.jobs(app)
    for event, question_id, data in events:
        question = questions.get(question_id)
        if question is None:
            continue
        body = json.dumps({"id": uuid.uuid4().hex, "type": event, "created_at": utcnow().isoformat() + "Z",
                           "data": {"question": question.slug, **data}}, separators=(",", ":"))
        for endpoint in endpoints:
            if _matches(endpoint, event, question_id, question.race_id):
                jobs.extensions[TASK](endpoint.id, event, body, 1)
                sent += 1
    return sent


def _attempt(endpoint: WebhookEndpoint, event_id: str, event: str, body: str) -> tuple[int | None, str]:
    """POST once; (status code, error text: "" on a 2xx)."""
    config = current_app.config
    try:
        check_url(endpoint.url, config["WEBHOOK_ALLOW_PRIVATE"])
        raw = body.encode()
        response = requests.post(endpoint.url, data=raw, timeout=config["WEBHOOK_TIMEOUT_SECONDS"],
                                 allow_redirects=False, headers={
                                     "Content-Type": "application/json", "User-Agent": "pollservice-webhooks",
                                     "Pollservice-Event": event, "Pollservice-Delivery": event_id,
                                     SIGNATURE_HEADER: sign(endpoint.secret, int(time.time()), raw)})
    except ValidationFailed as error:
        return None, error.message
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: {error}"[:2000]
    ok = 200 <= response.status_code < 300
    return response.status_code, "" if ok else f"HTTP {response.status_code}"


def _record(session: Session, endpoint: WebhookEndpoint, event_id: str, event: str, attempt: int,
            status: int | None, error: str) -> bool:
    """Log the attempt and count the endpoint's failures; True when it was disabled now."""
    session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id=event_id, event=event, attempt=attempt,
                                status_code=status, ok=not error, error=error))
    failures = 0 if not error else endpoint.consecutive_failures + 1
    values: dict[str, Any] = {"consecutive_failures": failures}
    limit = current_app.config["WEBHOOK_DISABLE_AFTER"]
    disable = failures >= limit
    if disable:
        values.update(active=False, disabled_at=utcnow(),
                      disabled_reason=f"disabled after {failures} consecutive failed deliveries; "
                                      f"last: {error}")
    session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id).values(**values))
    session.commit()
    return disable


def deliver(endpoint_id: int, event: str, body: str, attempt: int) -> None:
    """One attempt of one delivery (the job); schedules the next attempt on failure."""
    config = current_app.config
    event_id = json.loads(body)["id"]
    with Session(bind=queue._bind()) as session:
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None or not endpoint.active:
            return
        url = endpoint.url
        status, error = _attempt(endpoint, event_id, event, body)
        disabled = _record(session, endpoint, event_id, event, attempt, status, error)
    if disabled:
        log.warning("webhook endpoint %s (%s) disabled after %s consecutive failures",
                    endpoint_id, url, config["WEBHOOK_DISABLE_AFTER"])
    elif error and attempt < config["WEBHOOK_MAX_ATTEMPTS"]:
        delay = config["WEBHOOK_RETRY_DELAY"] * 2 ** (attempt - 1)
        queue.jobs().extensions[TASK].schedule((endpoint_id, event, body, attempt + 1), delay=delay)
    elif error:
        log.warning("webhook %s to endpoint %s failed %s times; given up: %s",
                    event_id, endpoint_id, attempt, error)


def init_app(app: Flask) -> None:
    """Register the delivery task on the app's queue (web processes send it, workers run it)."""
    jobs = queue.jobs(app)

    def run(endpoint_id: int, event: str, body: str, attempt: int) -> None:
        with app.app_context():
            deliver(endpoint_id, event, body, attempt)

    jobs.extensions[TASK] = jobs.huey.task(name="deliver_webhook", priority=queue.RECOMPUTE_PRIORITY)(run)
