"""Admin webhooks: register an endpoint (its secret shown once), see each endpoint's
state (a disabled one says why, at the top of the page) and the delivery log."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..domain.errors import ServiceError
from ..jobs.webhooks import EVENTS
from ..services import webhooks
from .access import requires
from .blueprint import bp


def _page(status: int = 200, secret: str | None = None, errors: dict | None = None, form=None):
    endpoints = webhooks.list_endpoints()
    return render_template("admin/webhooks.html", endpoints=endpoints, events=EVENTS,
                           disabled=[e for e in endpoints if not e.active and e.disabled_reason],
                           deliveries=webhooks.deliveries(), secret=secret, errors=errors or {},
                           form=form or {}), status


@bp.get("/webhooks")
@requires("webhooks.manage")
def webhooks_page():
    return _page()


def _slugs(text: str) -> list[str]:
    return [s for s in (part.strip() for part in text.replace("\n", ",").split(",")) if s]


@bp.post("/webhooks")
@requires("webhooks.manage")
def new_webhook():
    form = request.form
    try:
        endpoint, secret = webhooks.register_endpoint(
            form.get("url", ""), form.getlist("events"), _slugs(form.get("questions", "")),
            _slugs(form.get("races", "")))
    except ServiceError as error:
        return _page(422, errors={**error.fields, "_": error.message}, form=form)
    flash(f"Webhook endpoint {endpoint.id} created. Store its secret now: it is not shown again.")
    return _page(201, secret=secret)


@bp.post("/webhooks/<int:endpoint_id>/active")
@requires("webhooks.manage")
def switch_webhook(endpoint_id: int):
    """Enable (``active=1``) or disable (``active=0``) an endpoint."""
    webhooks.set_active(endpoint_id, request.form.get("active") == "1")
    return redirect(url_for("admin.webhooks_page"))
