"""Admin pollster management: add a pollster, rename one, edit its aliases and merge a
duplicate into the pollster that survives (search, confirm, merge)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..domain.errors import ServiceError, ValidationFailed
from ..services.pollster_duplicates import possible_duplicates
from ..services.pollster_identity import (
    add_alias,
    count_polls_of,
    list_aliases,
    merge_pollsters,
    remove_alias,
    resolve_pollsters,
)
from ..services.pollsters import (
    add_pollster,
    get_pollster,
    list_pollsters,
    page_of_pollsters,
    rename_pollster,
)
from ..web.query import parse_page
from .access import requires
from .blueprint import bp
from .forms import ActionForm, AliasForm, MergeForm, PollsterForm, attach_errors
from .polls import actor

MERGE_CANDIDATES = 20  # search results offered on the merge page

PAGE_SIZE = 50


@bp.get("/pollsters")
@requires("content.view")
def pollsters():
    text = request.args.get("q", "").strip()[:200]
    page = parse_page(request.args.get("page"))
    found, total = page_of_pollsters(text, page, PAGE_SIZE)
    return render_template("admin/pollsters.html", pollsters=found, total=total, text=text, page=page,
                           pages=max(-(-total // PAGE_SIZE), 1), form=PollsterForm(formdata=None))


@bp.route("/pollsters/new", methods=["GET", "POST"])
@requires("pollsters.write")
def new_pollster():
    form = PollsterForm()
    if form.validate_on_submit():
        try:
            pollster = add_pollster(form.name.data)
        except ServiceError as error:
            attach_errors(form, error.fields)
        else:
            flash(f"Pollster {pollster.name} added.", "success")
            return redirect(url_for("admin.pollsters"))
    return render_template("admin/pollster_form.html", form=form, pollster=None)


def _edit_page(pollster, form, alias_form=None, status: int = 200):
    return render_template("admin/pollster_form.html", form=form, pollster=pollster,
                           aliases=list_aliases(pollster), alias_form=alias_form or AliasForm(formdata=None),
                           action_form=ActionForm(), polls=count_polls_of(pollster)), status


@bp.route("/pollsters/<slug>/edit", methods=["GET", "POST"])
@requires("pollsters.write")
def edit_pollster(slug: str):
    pollster = get_pollster(slug)
    form = PollsterForm(data={"name": pollster.name} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            pollster = rename_pollster(slug, form.name.data)
        except ServiceError as error:
            attach_errors(form, error.fields)
        else:
            flash(f"Pollster renamed to {pollster.name}.", "success")
            return redirect(url_for("web.pollster", slug=pollster.slug))
    return _edit_page(pollster, form)


@bp.post("/pollsters/<slug>/aliases")
@requires("pollsters.write")
def new_alias(slug: str):
    pollster = get_pollster(slug)
    alias_form = AliasForm()
    if alias_form.validate_on_submit():
        try:
            alias = add_alias(pollster, alias_form.alias.data, source=actor())
        except ServiceError as error:
            attach_errors(alias_form, error.fields)
        else:
            flash(f"Alias “{alias.name}” added.", "success")
            return redirect(url_for("admin.edit_pollster", slug=pollster.slug))
    return _edit_page(pollster, PollsterForm(data={"name": pollster.name}), alias_form, 422)


@bp.post("/pollsters/<slug>/aliases/<int:alias_id>/remove")
@requires("pollsters.write")
def delete_alias(slug: str, alias_id: int):
    pollster = get_pollster(slug)
    if ActionForm().validate_on_submit():
        flash(f"Alias “{remove_alias(pollster, alias_id)}” removed.", "success")
    return redirect(url_for("admin.edit_pollster", slug=pollster.slug))


@bp.get("/pollsters/<slug>/merge")
@requires("pollsters.write")
def merge_pollster(slug: str):
    """Search for the pollster to merge into (``q``), then confirm (``into``)."""
    pollster = get_pollster(slug)
    text = request.args.get("q", "").strip()
    into = request.args.get("into", "").strip()
    survivor, candidates, error = None, [], None
    if into:
        try:
            survivor = resolve_pollsters([into], field="into")[0]
        except ServiceError as problem:
            error = problem.message
    if survivor is None and text:
        candidates = [(p, n) for p, n in list_pollsters(text) if p.id != pollster.id][:MERGE_CANDIDATES]
    if survivor is not None and survivor.id == pollster.id:
        survivor, error = None, f"{pollster.name} cannot be merged into itself."
    form = MergeForm(formdata=None, data={"into": survivor.slug if survivor else ""})
    return render_template("admin/pollster_merge.html", pollster=pollster, text=text, error=error,
                           candidates=candidates, survivor=survivor, form=form,
                           polls=count_polls_of(pollster), aliases=list_aliases(pollster))


@bp.post("/pollsters/<slug>/merge")
@requires("pollsters.write")
def confirm_merge(slug: str):
    pollster = get_pollster(slug)
    form = MergeForm()
    if not form.validate_on_submit():
        raise ValidationFailed("Choose the pollster to merge into.", fields={"into": "is required"})
    survivor = resolve_pollsters([form.into.data], field="into")[0]
    record = merge_pollsters(survivor, pollster, actor())[0]
    flash(f"{record.merged_name} merged into {survivor.name}: {record.polls_moved} "
          f"poll{'s' if record.polls_moved != 1 else ''} moved.", "success")
    return redirect(url_for("admin.edit_pollster", slug=survivor.slug))


@bp.get("/pollsters/duplicates")
@requires("content.view")
def duplicate_pollsters():
    """Pollsters whose names may be one pollster's, each group with a merge suggestion."""
    return render_template("admin/pollster_duplicates.html", groups=possible_duplicates())
