"""Webhooks: endpoints registered by an admin (page and CLI) receive signed deliveries of
poll and average events as jobs, retried with exponential backoff, logged, and a failing
endpoint is disabled and the admin told. A tiny HTTP server in the test receives them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.jobs import queue
from pollservice.jobs.webhooks import TASK, sign
from pollservice.models import WebhookDelivery, WebhookEndpoint
from pollservice.services.polls import add_poll, delete_poll, update_poll
from pollservice.services.webhooks import register_endpoint


class Receiver:
    """An HTTP server on 127.0.0.1 that answers ``status`` and keeps what it was sent."""

    def __init__(self, status: int = 200):
        self.status, self.received = status, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[str]:
        return [json.loads(body)["type"] for _headers, body in self.received]


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def hooked_app(demo_app):
    demo_app.config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_DELAY=0.0)
    return demo_app


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """The README's verification, as a receiver writes it."""
    fields = dict(part.split("=", 1) for part in headers["Pollservice-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def run_retries(app) -> None:
    """Run the delivery retries scheduled for later now (the test does not wait them out)."""
    huey = queue.jobs(app).huey
    while True:
        due = huey.read_schedule(dt.datetime(9999, 1, 1))
        if not due:
            return
        for task in due:
            task.eta = None
            huey.enqueue(task)
        queue.jobs(app).run_in_process()


POLL = {"pollster": "Hooked", "start_date": "2017-05-01", "end_date": "2017-05-02",
        "sample_size": "900", "population": "a", "results": {"Support": "41", "Oppose": "50"}}


def test_poll_events_are_delivered_signed_to_an_endpoint_that_takes_them(hooked_app, receiver):
    with hooked_app.app_context():
        _endpoint, secret = register_endpoint(receiver.url, ["poll.created", "poll.updated", "poll.deleted"])
        poll_id = add_poll("calexit", POLL).id
        update_poll(poll_id, {"results": {"Support": "43", "Oppose": "50"}}, actor="test", partial=True)
        delete_poll(poll_id, actor="test")
    assert receiver.events() == ["poll.created", "poll.updated", "poll.deleted"]
    for headers, body in receiver.received:
        assert verify(secret, headers, body)
        assert not verify("whsec_wrong", headers, body)
        data = json.loads(body)
        assert data["data"] == {"question": "calexit", "poll_id": poll_id}
        assert headers["Pollservice-Event"] == data["type"] and headers["Pollservice-Delivery"] == data["id"]
    with hooked_app.app_context():
        log = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        assert [(d.event, d.attempt, d.status_code, d.ok) for d in log] == [
            ("poll.created", 1, 200, True), ("poll.updated", 1, 200, True), ("poll.deleted", 1, 200, True)]


def test_a_held_poll_is_announced_only_when_a_reviewer_publishes_it(hooked_app, receiver):
    from pollservice.services.review import publish_poll

    hooked_app.config["REVIEW_HOLDS"] = True  # "Hooked" is a pollster seen for the first time
    with hooked_app.app_context():
        register_endpoint(receiver.url, ["poll.created", "poll.updated", "poll.deleted"])
        poll = add_poll("calexit", POLL)
        assert poll.review_status == "held"
        poll_id = poll.id
    assert receiver.events() == []
    with hooked_app.app_context():
        publish_poll(poll_id, actor="user:reviewer")
    assert receiver.events() == ["poll.created"]


def test_average_updated_is_sent_after_the_recompute_and_filters_hold(hooked_app, receiver):
    other = Receiver()
    try:
        with hooked_app.app_context():
            register_endpoint(receiver.url, ["average.updated"], questions=["calexit"])
            register_endpoint(other.url, ["poll.created"], questions=["trump-approval"])
            add_poll("calexit", POLL)
        assert receiver.events() == ["average.updated"]
        data = json.loads(receiver.received[0][1])["data"]
        assert data["question"] == "calexit" and data["data_version"] > 0 and "Support" in data["averages"]
        assert other.received == []  # another question's endpoint hears nothing
    finally:
        other.close()


def test_a_failing_delivery_is_retried_with_backoff_then_the_endpoint_disabled(hooked_app, receiver,
                                                                               logged_in, client, caplog):
    receiver.status = 500
    hooked_app.config.update(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_DISABLE_AFTER=5, WEBHOOK_RETRY_DELAY=1.0)
    delays = []
    # The delay each retry is scheduled with, as asked of Huey (measuring eta - now when
    # Huey stores it failed on a loaded machine: a 1 s retry could be due by then).
    task = queue.jobs(hooked_app).extensions[TASK]
    original = task.schedule

    def schedule(*args, **kwargs):
        delays.append(kwargs["delay"])
        return original(*args, **kwargs)

    task.schedule = schedule
    with hooked_app.app_context():
        register_endpoint(receiver.url, ["poll.created"])
        add_poll("calexit", POLL)
    run_retries(hooked_app)
    assert len(receiver.received) == 3  # one event, three attempts
    assert delays == [1.0, 2.0]  # exponential backoff
    with hooked_app.app_context():
        add_poll("calexit", {**POLL, "pollster": "Hooked again"})
    run_retries(hooked_app)
    with hooked_app.app_context():
        endpoint = db.session.scalars(select(WebhookEndpoint)).one()
        assert endpoint.active is False and "5 consecutive failed" in endpoint.disabled_reason
        attempts = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        assert [(d.attempt, d.status_code, d.error) for d in attempts] == [
            (1, 500, "HTTP 500"), (2, 500, "HTTP 500"), (3, 500, "HTTP 500"), (1, 500, "HTTP 500"),
            (2, 500, "HTTP 500")]
        add_poll("calexit", {**POLL, "pollster": "Hooked a third time"})
    assert len(receiver.received) == 5  # a disabled endpoint is sent nothing
    assert any("disabled after 5" in r.getMessage() for r in caplog.records)
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert "is disabled: disabled after 5 consecutive failed deliveries" in page
    assert "HTTP 500" in page  # the delivery log
    assert client.post("/admin/webhooks/1/active", data={"active": "1"}).status_code == 302
    with hooked_app.app_context():
        endpoint = db.session.scalars(select(WebhookEndpoint)).one()
        assert endpoint.active is True and endpoint.consecutive_failures == 0


def test_endpoint_urls_must_be_http_and_public_unless_allowed(demo_app, logged_in, client):
    for url, problem in (("ftp://example.org/x", "http or https"), ("javascript:alert(1)", "http or https"),
                         ("http://127.0.0.1:9/x", "loopback or private"),
                         ("http://10.0.0.5/x", "loopback or private"),
                         ("http://[::1]/x", "loopback or private")):
        response = client.post("/admin/webhooks", data={"url": url, "events": ["poll.created"]})
        assert response.status_code == 422, url
        assert problem in response.get_data(as_text=True), url
    with demo_app.app_context():
        assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_the_admin_page_shows_the_secret_once(demo_app, logged_in, client, receiver):
    demo_app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    response = client.post("/admin/webhooks", data={"url": receiver.url, "events": ["poll.created"],
                                                    "questions": "calexit"})
    assert response.status_code == 201
    with demo_app.app_context():
        secret = db.session.scalars(select(WebhookEndpoint.secret)).one()
    assert secret in response.get_data(as_text=True)
    assert secret not in client.get("/admin/webhooks").get_data(as_text=True)
    bad = client.post("/admin/webhooks", data={"url": receiver.url, "events": ["poll.created"],
                                               "questions": "no-such-question"})
    assert bad.status_code == 422 and "Unknown questions: no-such-question" in bad.get_data(as_text=True)


def test_the_cli_registers_an_endpoint_and_prints_its_secret_once(demo_app, runner, receiver):
    demo_app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    result = runner.invoke(args=["add-webhook", receiver.url, "--event", "poll.deleted",
                                 "--question", "calexit"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    with demo_app.app_context():
        endpoint = db.session.scalars(select(WebhookEndpoint)).one()
        assert endpoint.secret == secret and endpoint.events == ["poll.deleted"]
    listed = runner.invoke(args=["list-webhooks", "--log"])
    assert receiver.url in listed.output and secret not in listed.output
    refused = runner.invoke(args=["add-webhook", "file:///etc/passwd"])
    assert refused.exit_code == 1 and "url: must be an http or https URL" in refused.output


def test_the_signature_is_hmac_sha256_over_timestamp_and_body():
    body = b'{"type":"poll.created"}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("s3cret", 1700000000, body) == f"t=1700000000,v1={expected}"
