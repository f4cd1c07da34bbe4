"""The review queue (``/admin/review``): every poll held for review, with its reason, and
every draft question and race. Reviewers and admins publish or reject
(``polls.publish``); editors see the queue (``content.view``) without the buttons."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.errors import ServiceError
from ..models import Question, Race
from ..services import review
from .access import requires
from .blueprint import bp
from .forms import ActionForm


def actor() -> str:
    return f"user:{current_user.username}"


@bp.get("/review")
@requires("content.view")
def review_queue(note_errors: dict[int, str] | None = None):
    return render_template("admin/review.html", polls=review.held_polls(), questions=review.draft_questions(),
                           races=review.draft_races(), threshold=review.hold_threshold(),
                           holds=review.holds_enabled(), action_form=ActionForm(),
                           note_errors=note_errors or {})


def _checked_form() -> ActionForm:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return form


@bp.post("/review/polls/<int:poll_id>/publish")
@requires("polls.publish")
def publish_poll(poll_id: int):
    _checked_form()
    poll = review.publish_poll(poll_id, actor())
    flash(f"Poll #{poll.id} by {poll.pollster.name} published: it is counted from now on.", "success")
    return redirect(url_for("admin.review_queue"))


@bp.post("/review/polls/<int:poll_id>/reject")
@requires("polls.publish")
def reject_poll(poll_id: int):
    _checked_form()
    try:
        poll = review.reject_poll(poll_id, actor(), request.form.get("note", ""))
    except ServiceError as error:
        if error.status != 422:
            raise
        # the queue again, the note's message next to that poll's note field
        return review_queue(note_errors={poll_id: f"The note {error.fields.get('note', 'is invalid')}."}), 422
    flash(f"Poll #{poll.id} by {poll.pollster.name} rejected.", "success")
    return redirect(url_for("admin.review_queue"))


@bp.post("/review/questions/<slug>/publish", defaults={"kind": "question"})
@bp.post("/review/races/<slug>/publish", defaults={"kind": "race"})
@requires("polls.publish")
def publish_draft(kind: str, slug: str):
    _checked_form()
    row = review.publish_draft(Question if kind == "question" else Race, slug, actor())
    flash(f"The {kind} “{row.title}” is published.", "success")
    return redirect(url_for("admin.review_queue"))
