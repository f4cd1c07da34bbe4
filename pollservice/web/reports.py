"""Corrections from readers: ``/report?poll=<id>`` (or ``?question=<slug>``), a form for
anyone, no login, that queues a report for the editors (``services/corrections.py``).

Against abuse: the CSRF token (the form must come from this site), a limit per address
(``REPORT_RATE_LIMIT``, 5 per hour by default: a 429 with the form's message), and a field
hidden from people (``website``) that bots fill in: such a report is thanked for and
dropped. The page is never cached (it carries a session for its token).
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from ..domain.errors import BadRequest, ServiceError
from ..extensions import limiter
from ..models import Poll
from ..services import corrections
from .blueprint import bp


class ReportForm(FlaskForm):
    message = TextAreaField(
        "What is wrong?", validators=[DataRequired(message="Say what is wrong.")],
        description="The number you think is wrong, what it should be, and where you saw the right one "
                    "(a link to the pollster's release helps most).")
    # their lengths and characters: corrections.submit_report, whose messages are shown
    contact = StringField("Your email (optional)", validators=[Optional()],
                          description="Only if you would like an answer; never shown publicly.")
    # The trap: hidden from people by CSS and aria-hidden; a bot fills every field in.
    website = StringField("Leave this empty", validators=[Optional()])
    submit = SubmitField("Send the report")


def report_rate_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


def _subject():
    poll, question = request.args.get("poll", "").strip(), request.args.get("question", "").strip()
    if poll and not (poll.isascii() and poll.isdigit()):
        raise BadRequest(f"poll must be a poll's number, not {poll!r}.", fields={"poll": "must be a number"})
    return corrections.report_subject(int(poll) if poll else None, question or None)


@bp.route("/report", methods=["GET", "POST"])
@limiter.limit(report_rate_limit, methods=["POST"])  # per address
def report():
    subject = _subject()
    form = ReportForm()
    if form.validate_on_submit():
        if form.website.data:  # a bot: thanked, not stored
            return redirect(url_for("web.report_sent", **request.args))
        try:
            corrections.submit_report(subject, form.message.data or "", form.contact.data or "")
        except ServiceError as error:
            for key, problem in error.fields.items():
                field = getattr(form, key, None)
                if field is not None:
                    field.errors = [*field.errors, problem[:1].upper() + problem[1:] + "."]
        else:
            return redirect(url_for("web.report_sent", **request.args))
    status = 422 if form.errors else 200
    response = current_app.make_response((render_template(
        "report.html", form=form, subject=subject, is_poll=isinstance(subject, Poll)), status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/report/sent")
def report_sent():
    subject = _subject()
    return render_template("report_sent.html", subject=subject, is_poll=isinstance(subject, Poll))
