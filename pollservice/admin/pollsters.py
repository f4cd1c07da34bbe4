"""Admin pollster management: add a pollster, rename one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..domain.errors import ServiceError
from ..services.pollsters import add_pollster, get_pollster, page_of_pollsters, rename_pollster
from ..web.query import parse_page
from .blueprint import bp
from .forms import PollsterForm, attach_errors

PAGE_SIZE = 50


@bp.get("/pollsters")
@login_required
def pollsters():
    text = request.args.get("q", "").strip()[:200]
    page = parse_page(request.args.get("page"))
    found, total = page_of_pollsters(text, page, PAGE_SIZE)
    return render_template("admin/pollsters.html", pollsters=found, total=total, text=text, page=page,
                           pages=max(-(-total // PAGE_SIZE), 1), form=PollsterForm(formdata=None))


@bp.route("/pollsters/new", methods=["GET", "POST"])
@login_required
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


@bp.route("/pollsters/<slug>/edit", methods=["GET", "POST"])
@login_required
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
    return render_template("admin/pollster_form.html", form=form, pollster=pollster)
