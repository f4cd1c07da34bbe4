"""Admin pollster management: add a pollster, rename one, edit its aliases, merge a
duplicate into the pollster that survives (search, confirm, merge), delete one with no
polls; and the poll form's pollster search (JSON)."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for

from ..domain.errors import ServiceError, ValidationFailed
from ..domain.validation import pollster_alias_key
from ..services.pollster_duplicates import possible_duplicates
from ..services.pollster_identity import (
    add_alias,
    count_polls_of,
    list_aliases,
    merge_pollsters,
    remove_alias,
    resolve_pollsters,
    search_pollsters,
)
from ..services.pollsters import (
    add_pollster,
    delete_pollster,
    get_pollster,
    page_of_pollsters,
    rename_pollster,
    set_inclusion,
)
from ..web.query import parse_page
from .access import requires
from .blueprint import bp
from .forms import ActionForm, AliasForm, InclusionForm, MergeForm, PollsterForm, attach_errors
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


@bp.get("/pollsters/search")
@requires("content.view")
def search_pollsters_json():
    """Up to 10 pollsters ``q`` may mean, as JSON (what the poll form's pollster field
    suggests): by name or alias, in any case, with or without accents, or spelled alike.
    ``label`` is the name, with the alias that matched when the name did not."""
    text = request.args.get("q", "").strip()[:200]
    key = pollster_alias_key(text)
    found = []
    for pollster in search_pollsters(text):
        matched = [a.name for a in pollster.aliases if key in a.key] if key not in pollster.slug else []
        alias = matched[0] if matched else None
        label = f"{pollster.name} (also “{alias}”)" if alias and alias != pollster.name else pollster.name
        found.append({"slug": pollster.slug, "name": pollster.name, "label": label})
    return jsonify(found)


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


def _edit_page(pollster, form, alias_form=None, status: int = 200, inclusion_form=None):
    inclusion_form = inclusion_form or InclusionForm(formdata=None, data={
        "excluded": pollster.excluded_from_averages, "reason": pollster.exclusion_reason})
    return render_template("admin/pollster_form.html", form=form, pollster=pollster,
                           aliases=list_aliases(pollster), alias_form=alias_form or AliasForm(formdata=None),
                           inclusion_form=inclusion_form, action_form=ActionForm(),
                           polls=count_polls_of(pollster)), status


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


@bp.post("/pollsters/<slug>/inclusion")
@requires("pollsters.write")
def set_pollster_inclusion(slug: str):
    """Exclude a pollster from the averages (with its public reason), or include it again."""
    pollster = get_pollster(slug)
    inclusion_form = InclusionForm()
    if inclusion_form.validate_on_submit():
        try:
            pollster = set_inclusion(slug, bool(inclusion_form.excluded.data),
                                     inclusion_form.reason.data or "", actor())
        except ServiceError as error:
            attach_errors(inclusion_form, error.fields)
        else:
            flash(f"{pollster.name} is excluded from the averages: they are being recomputed."
                  if pollster.excluded_from_averages else f"{pollster.name} counts in the averages.",
                  "success")
            return redirect(url_for("admin.edit_pollster", slug=pollster.slug))
    return _edit_page(pollster, PollsterForm(data={"name": pollster.name}), status=422,
                      inclusion_form=inclusion_form)


@bp.post("/pollsters/<slug>/aliases/<int:alias_id>/remove")
@requires("pollsters.write")
def delete_alias(slug: str, alias_id: int):
    pollster = get_pollster(slug)
    if ActionForm().validate_on_submit():
        flash(f"Alias “{remove_alias(pollster, alias_id)}” removed.", "success")
    return redirect(url_for("admin.edit_pollster", slug=pollster.slug))


@bp.post("/pollsters/<slug>/delete")
@requires("pollsters.write")
def remove_pollster(slug: str):
    """Delete a pollster with no polls; one with polls is a 409 saying so (merge it)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    flash(f"Pollster {delete_pollster(slug)} deleted.", "success")
    return redirect(url_for("admin.pollsters"))


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
        # by name or alias, any case or accent, or spelled alike (as the poll form's picker)
        candidates = [(p, count_polls_of(p)) for p in search_pollsters(text, MERGE_CANDIDATES + 1)
                      if p.id != pollster.id][:MERGE_CANDIDATES]
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
