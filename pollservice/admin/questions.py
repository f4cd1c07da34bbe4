"""Admin question management: add a question, edit its wording and choices, mark dated
events on its charts."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.errors import ServiceError
from ..domain.review import DRAFT
from ..services.chart_events import add_event, question_events, remove_event
from ..services.questions import (
    ChoiceEdit,
    add_question,
    find_questions,
    get_question,
    result_counts,
    suggest_questions,
    update_question,
)
from ..web.query import parse_page
from .access import requires
from .blueprint import bp
from .forms import ActionForm, ChartEventForm, QuestionEditForm, QuestionForm, attach_errors

PAGE_SIZE = 50


@bp.get("/questions")
@requires("content.view")
def questions():
    text = request.args.get("q", "").strip()[:200]
    page = parse_page(request.args.get("page"))
    found, total = find_questions(text, page, PAGE_SIZE)
    return render_template("admin/questions.html", questions=found, total=total, text=text, page=page,
                           pages=max(-(-total // PAGE_SIZE), 1), action_form=ActionForm())


@bp.get("/questions/suggest")
@requires("content.view")
def suggest_questions_json():
    """Up to 10 questions matching ``q`` as JSON: what the poll form's question field suggests."""
    text = request.args.get("q", "").strip()[:200]
    return jsonify([{"slug": q.slug, "title": q.title} for q in suggest_questions(text)])


@bp.route("/questions/new", methods=["GET", "POST"])
@requires("questions.write")
def new_question():
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question = add_question(form.title.data, form.choice_names(), slug=form.slug.data or "",
                                    region=form.region.data or "", description=form.description.data or "",
                                    status=DRAFT)
        except ServiceError as error:
            attach_errors(form, error.fields)
        else:
            flash(f"Question “{question.title}” created as a draft: it is public once a reviewer "
                  "publishes it (the review queue).", "success")
            return redirect(url_for("admin.edit_question", slug=question.slug))
    return render_template("admin/question_form.html", form=form, question=None)


@bp.route("/questions/<slug>/edit", methods=["GET", "POST"])
@requires("questions.write")
def edit_question(slug: str):
    question = get_question(slug)
    form = QuestionEditForm() if request.method == "POST" else _filled_form(question)
    if form.validate_on_submit():
        rows = [choice_edit(entry.form) for entry in form.choices]
        added = (form.new_choices.data or "").splitlines()
        rows += [ChoiceEdit(None, line) for line in added if line.strip()]
        try:
            question = update_question(slug, form.title.data, rows, new_slug=form.slug.data or "",
                                       region=form.region.data or "", description=form.description.data or "")
        except ServiceError as error:
            attach_errors(form, error.fields, choice_row_lookup(form))
        else:
            flash(f"Question “{question.title}” saved.", "success")
            if question.status == DRAFT:  # no public page yet
                return redirect(url_for("admin.edit_question", slug=question.slug))
            return redirect(url_for("web.question", slug=question.slug))
    return _edit_page(form, question)


def _edit_page(form, question, event_form=None, status: int = 200):
    return render_template("admin/question_form.html", form=form, question=question,
                           results=result_counts(question), action_form=ActionForm(),
                           events=question_events(question),
                           event_form=event_form or ChartEventForm(formdata=None)), status


@bp.post("/questions/<slug>/events")
@requires("questions.write")
def add_chart_event(slug: str):
    """Mark a dated event on the question's charts, or on every question of its race."""
    question = get_question(slug)
    event_form = ChartEventForm()
    if event_form.validate_on_submit():
        try:
            event = add_event(question, event_form.day.data, event_form.label.data or "",
                              event_form.scope.data or "question", f"user:{current_user.username}")
        except ServiceError as error:
            attach_errors(event_form, error.fields)
        else:
            flash(f"“{event.label}” ({event.day.isoformat()}) added; the charts are being drawn again.",
                  "success")
            return redirect(url_for("admin.edit_question", slug=question.slug) + "#events")
    return _edit_page(_filled_form(question), question, event_form, 422)


@bp.post("/questions/<slug>/events/<int:event_id>/remove")
@requires("questions.write")
def remove_chart_event(slug: str, event_id: int):
    question = get_question(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    event = remove_event(question, event_id, f"user:{current_user.username}")
    flash(f"“{event.label}” removed from the charts.", "success")
    return redirect(url_for("admin.edit_question", slug=question.slug) + "#events")


def _filled_form(question) -> QuestionEditForm:
    """The edit form holding the question as stored."""
    return QuestionEditForm(
        formdata=None, title=question.title, slug=question.slug, region=question.region,
        description=question.description,
        choices=[{"id": str(c.id), "name": c.name, "full_name": c.full_name, "party": c.party or "",
                  "status": c.status, "withdrew_on": c.withdrew_on} for c in question.choices],
    )


def choice_edit(row) -> ChoiceEdit:
    """One row of the choice list as the service takes it."""
    return ChoiceEdit(int(row.id.data) if (row.id.data or "").isdigit() else None,
                      row.name.data or "", bool(row.remove.data), full_name=row.full_name.data or "",
                      party=row.party.data or "", status=row.status.data or "running",
                      withdrew_on=row.withdrew_on.data)


def choice_row_lookup(form):
    """``choices.<i>`` names a row of the choice list (``choices.<i>.<field>`` one of its
    fields); ``choices`` the list as a whole."""
    def lookup(key: str):
        if key == "choices":
            return form.new_choices
        index, _, field = key.removeprefix("choices.").partition(".")
        if key.startswith("choices.") and index.isdigit() and int(index) < len(form.choices.entries):
            return getattr(form.choices.entries[int(index)].form, field or "name", None)
        return None
    return lookup
