"""The queue of readers' reports (``/admin/reports``): open ones oldest first, each with
what the reader wrote and a note field to resolve it (``polls.write``: the editors, who
can correct the poll); the resolved ones with their notes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.errors import ServiceError
from ..services import corrections
from ..web.query import parse_page
from .access import requires
from .blueprint import bp
from .forms import ActionForm

PAGE_SIZE = 50


@bp.get("/reports")
@requires("content.view")
def reports_queue(note_errors: dict[int, str] | None = None):
    status = request.args.get("status", "open")
    if status not in corrections.REPORT_STATUSES:
        status = "open"
    page = parse_page(request.args.get("page"))
    reports, total = corrections.list_reports(status, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("admin/reports.html", reports=reports, total=total, status=status, page=page,
                           pages=max(-(-total // PAGE_SIZE), 1), action_form=ActionForm(),
                           note_errors=note_errors or {})


@bp.post("/reports/<int:report_id>/resolve")
@requires("polls.write")
def resolve_report(report_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        corrections.resolve_report(report_id, request.form.get("note", ""), f"user:{current_user.username}")
    except ServiceError as error:
        if error.status != 422:
            raise
        problem = error.fields.get("note", "is invalid")
        return reports_queue(note_errors={report_id: f"The note {problem}."}), 422
    flash(f"Report #{report_id} resolved.", "success")
    return redirect(url_for("admin.reports_queue"))
