"""Admin poll management: the list with search, add, edit, delete and undo."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..domain.errors import PollExists, ServiceError, UnknownPollster
from ..domain.validation import name_problem, pollster_alias_key, pollster_slug
from ..models import Question
from ..services.polls import (
    DEFAULT_POLL_SORT,
    POLL_SORTS,
    POLL_STATUSES,
    add_poll,
    delete_poll,
    get_poll,
    list_pollster_names,
    require_pollster,
    restore_poll,
    search_polls,
    update_poll,
    validate_poll,
)
from ..services.questions import latest_question, question_by_slug_or_title
from ..web.query import parse_order, parse_page
from .access import requires
from .auth import safe_next
from .blueprint import bp
from .forms import ActionForm, attach_errors, poll_form_data, poll_form_for

# Service field names that have a form field of the same name.
FORM_FIELDS = ("pollster", "sponsor", "start_date", "end_date", "sample_size", "population",
               "mode", "source_url", "partisan", "internal", "notes")
PAGE_SIZE = 50


def actor() -> str:
    return f"user:{current_user.username}"


def poll_label(poll) -> str:
    return f"Poll by {poll.pollster.name} ({poll.end_date:%Y-%m-%d})"


@bp.get("/")
@requires("content.view")
def home():
    return redirect(url_for("admin.polls"))


@bp.get("/polls")
@requires("content.view")
def polls():
    text = request.args.get("q", "").strip()
    typed = request.args.get("question", "").strip()
    status = request.args.get("status", "active")
    if status not in POLL_STATUSES:
        status = "active"
    page = parse_page(request.args.get("page"))
    sort, descending = parse_order(request.args.get("sort"), request.args.get("dir"), POLL_SORTS,
                                   DEFAULT_POLL_SORT)
    question = question_by_slug_or_title(typed) if typed else None
    problem = NO_SUCH_QUESTION if typed and not question else ""
    found, total = search_polls(text, question.slug if question else None, status, limit=PAGE_SIZE,
                                offset=(page - 1) * PAGE_SIZE, sort=sort,
                                descending=descending) if not problem else ([], 0)
    return render_template(
        "admin/polls.html", polls=found, total=total, page=page, pages=max(-(-total // PAGE_SIZE), 1),
        text=text, question=question.slug if question else typed, question_error=problem, status=status,
        sort=sort, descending=descending, sort_columns=POLL_SORT_COLUMNS, action_form=ActionForm(),
    )


# The list's columns, in order: (label, sort key or None, cell class).
POLL_SORT_COLUMNS = (("Id", "id", "num"), ("Question", "question", ""), ("Pollster", "pollster", ""),
                     ("Field dates", "dates", ""), ("Sample", "sample", "num"), ("Results", None, ""),
                     ("Actions", None, ""))


NO_SUCH_QUESTION = "No question has this slug or title; type a few words and pick one of the suggestions."


def chosen_question() -> tuple[Question | None, str]:
    """The question the poll form is for: the typed slug or title, else the one its fields
    were drawn for, else the most recently polled; and the problem with what was typed."""
    typed = (request.form.get("question") or request.args.get("question") or "").strip()
    question = question_by_slug_or_title(typed) if typed else None
    if question is not None:
        return question, ""
    drawn = request.form.get("drawn_for", "")
    fallback = (question_by_slug_or_title(drawn) if drawn else None) or latest_question()
    return fallback, NO_SUCH_QUESTION if typed else ""


@bp.route("/polls/new", methods=["GET", "POST"])
@requires("polls.write")
def new_poll():
    question, problem = chosen_question()
    if question is None:
        flash("Create a question first.", "error")
        return redirect(url_for("admin.new_question"))
    form = poll_form_for(question, question=question.slug)
    if problem:
        form.question.errors = [problem]
    # A question switch only redraws: the "Show fields" button, or a form whose percent
    # fields were drawn for another question (the question changed without JavaScript and
    # "Save" pressed): their percents belong to other choices.
    drawn_for = request.form.get("drawn_for", question.slug)
    if drawn_for != question.slug:
        for _name, field in form.choice_fields():
            field.data, field.raw_data = None, []
        flash("These are the new question's answer fields: enter its percents, then save.", "info")
    switching = "switch_question" in request.form or drawn_for != question.slug or bool(problem)
    unknown = None
    if request.method == "POST" and not switching:
        unknown = unknown_pollster(form)
        if checked(form, question) and not refused(form, unknown):
            try:
                poll = add_poll(question.slug, form_values(form), source="form", actor=actor(),
                                create_pollster=confirmed(form))
            except PollExists as error:
                form.form_errors.append(stored_poll_message(error))
            except ServiceError as error:
                attach_errors(form, error.fields, choice_lookup(form))
            else:
                if poll.review_status == "held":
                    flash(f"{poll_label(poll)} saved and held for review: {poll.held_reason}. It is "
                          "counted in nothing until a reviewer publishes it.", "info")
                    return redirect(url_for("admin.review_queue") + f"#held-{poll.id}")
                flash(f"{poll_label(poll)} saved.", "success")
                return redirect(url_for("web.question", slug=question.slug) + f"#poll-{poll.id}")
        refused(form, unknown)  # validate() cleared the message
    if problem:
        form.question.errors = [problem]  # validate() cleared it
    return render_template("admin/poll_form.html", form=form, question=question, poll=None,
                           pollsters=list_pollster_names(), unknown_pollster=unknown)


@bp.route("/polls/<int:poll_id>/edit", methods=["GET", "POST"])
@requires("polls.write")
def edit_poll(poll_id: int):
    poll = get_poll(poll_id)
    question = poll.question
    data = {} if request.method == "POST" else poll_form_data(poll)
    form = poll_form_for(question, data=data)
    del form.question  # a poll stays with its question
    unknown = unknown_pollster(form) if request.method == "POST" else None
    if request.method == "POST" and checked(form, question) and not refused(form, unknown):
        try:
            poll = update_poll(poll.id, form_values(form), actor=actor(), create_pollster=confirmed(form))
        except ServiceError as error:
            attach_errors(form, error.fields, choice_lookup(form))
        else:
            flash(f"{poll_label(poll)} updated.", "success")
            return redirect(url_for("web.question", slug=question.slug) + f"#poll-{poll.id}")
    refused(form, unknown)
    return render_template("admin/poll_form.html", form=form, question=question, poll=poll,
                           pollsters=list_pollster_names(), action_form=ActionForm(),
                           unknown_pollster=unknown)


def unknown_pollster(form) -> UnknownPollster | None:
    """The refusal of the form's pollster when no pollster has that name or alias (with
    the pollsters it may mean), else None. A suggestion's button (``pollster_pick``)
    puts that pollster in the field first."""
    picked = request.form.get("pollster_pick", "").strip()
    if picked:
        form.pollster.data = picked
        form.create_pollster.data = False
    name = " ".join((form.pollster.data or "").split())
    if not pollster_slug(name) or name_problem(name):  # the poll's rules say what is wrong
        return None
    try:
        require_pollster(name, create=False)
    except UnknownPollster as refusal:
        return refusal
    return None


def confirmed(form) -> bool:
    """Whether the box "Create ... as a new pollster" was ticked for the name in the field
    (not for another one typed since)."""
    return bool(form.create_pollster.data) and bool(pollster_alias_key(form.pollster.data or "")) and (
        pollster_alias_key(form.confirmed_pollster.data or "") == pollster_alias_key(form.pollster.data))


def refused(form, unknown: UnknownPollster | None) -> bool:
    """Whether the unknown pollster stops the save (not confirmed); if so its message goes
    next to the field and the confirmation box is offered for this name."""
    if unknown is None or confirmed(form):
        return False
    form.create_pollster.data = False
    form.confirmed_pollster.data = unknown.name
    message = f"No pollster called “{unknown.name}”."
    if message not in form.pollster.errors:
        form.pollster.errors = [*form.pollster.errors, message]
    return True


@bp.post("/polls/<int:poll_id>/delete", endpoint="delete_poll")
@requires("polls.write")
def delete(poll_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    poll = delete_poll(poll_id, actor=actor())
    # A dict message (text + undo button) the template reads; flash stores any JSON value,
    # the stubs say str.
    flash({"text": f"{poll_label(poll)} deleted.", "undo_poll": poll.id}, "success")  # type: ignore[arg-type]
    return redirect(safe_next(form.next.data) or url_for("admin.polls"))


@bp.post("/polls/<int:poll_id>/restore", endpoint="restore_poll")
@requires("polls.write")
def restore(poll_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    poll = restore_poll(poll_id, actor=actor())
    flash(f"{poll_label(poll)} restored.", "success")
    return redirect(safe_next(form.next.data) or url_for("web.poll", poll_id=poll.id))


def stored_poll_message(error: PollExists) -> Markup:
    """The form's message for a poll stored already, with a link to the stored one."""
    return Markup('This poll is stored already: an identical poll (same pollster, field dates, '
                  'population, sample size and results) is <a href="{url}">poll #{id}</a>; '
                  'nothing was saved.').format(url=url_for("web.poll", poll_id=error.poll_id),
                                                id=error.poll_id)


def checked(form, question) -> bool:
    """The form's own field checks and, when any fails, the poll service's rules as well
    (end after start, percents adding up, ...), so that every invalid field gets its
    message in one round rather than the second one after the first is fixed."""
    if form.validate():
        return True
    try:
        validate_poll(question, form_values(form))
    except ServiceError as error:
        lookup = choice_lookup(form)
        for key, message in (error.fields or {}).items():
            field = lookup(key) or getattr(form, key, None)
            if field is None or not getattr(field, "errors", None):  # not said already
                attach_errors(form, {key: message}, lookup)
    return False


def form_values(form) -> dict:
    raw = {name: getattr(form, name).data for name in FORM_FIELDS}
    raw["results"] = {name: field.data for name, field in form.choice_fields()}
    return raw


def choice_lookup(form):
    """``results.<choice>`` keys of the poll service name the choice's percent field;
    ``results`` (their sum) names them all (``form.results_group``)."""
    by_choice = dict(form.choice_fields())

    def lookup(key: str):
        if key == "results":
            return form.results_group
        return by_choice.get(key.removeprefix("results.")) if key.startswith("results.") else None
    return lookup
