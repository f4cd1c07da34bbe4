"""Admin upload of a poll file in any format ``import-polls`` reads: a dry-run preview
first (what would be added, updated, skipped and rejected, with line numbers), then an
explicit confirmation, which queues the import as a job and answers at once with a
redirect to the import's progress page (queued, running with the lines read, done with
the counts and the recomputes of the questions, or failed with the problems by line).

Between preview and confirmation the file waits in the instance folder
(``services.upload_imports``: ``instance/uploads/<random>.upload``, next to a ``.json``
with its name and the chosen options, so the job imports exactly what was previewed).
"""

from __future__ import annotations

from pathlib import Path

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..domain.errors import ServiceError
from ..domain.validation import strip_controls
from ..services import upload_imports
from ..services.imports import formats, import_text
from ..services.imports.rows import ImportRejected, ImportSummary
from ..services.pollster_identity import search_pollsters
from ..services.recomputes import recompute_progress
from ..services.upload_imports import TOKEN, discard_upload, store_upload
from .access import requires
from .blueprint import bp

# Under the app's MAX_CONTENT_LENGTH (16 MiB), which refuses a larger request outright
# (413) before this form could say why; 538's largest poll lists are about 4 MB.
MAX_BYTES = 15 * 1024 * 1024
PREVIEW_ROWS = 300  # rows of each kind listed in a preview
SUGGESTED_NEW_POLLSTERS = 30  # new pollsters the preview looks up "did you mean" for
FORMAT_LABELS = {
    "auto": "Recognise from the file's header",
    "canonical": "pollservice CSV (canonical)",
    "canonical-json": "pollservice JSON export",
    "fte-approval": "FiveThirtyEight approval poll list (approval_polllist.csv)",
    "fte-polls": "FiveThirtyEight polls page (president_polls.csv, ...)",
    "fte-raw-polls": "FiveThirtyEight pollster-ratings raw-polls.csv",
    "fte-impeachment": "FiveThirtyEight impeachment polls (impeachment_polls.csv)",
    "economist-polls": "The Economist's presidential polls 2008-2016 (all_polls.csv)",
}


class UploadForm(FlaskForm):
    file = FileField("Poll file (CSV or JSON)", validators=[
        FileRequired("Choose a file to upload."),
        FileSize(MAX_BYTES, message=f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."),
    ])
    format = SelectField("Format", default="auto", choices=[
        SelectChoice(name, FORMAT_LABELS.get(name, name)) for name in ("auto", *formats.names())])
    question = StringField(
        "Question (optional)", validators=[Optional(), Length(max=120)],
        description="Approval lists: the slug of the question the polls go into (default: "
                    "from the president, e.g. trump-approval). Other formats: import only "
                    "this question's rows.")
    skip_invalid = BooleanField(
        "Skip invalid rows",
        description="Import the valid rows and list the invalid ones. Without it, one invalid "
                    "row stops the whole import.")
    submit = SubmitField("Preview")


class ConfirmForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired(), Regexp(TOKEN)])
    submit = SubmitField("Import these polls")


class DiscardForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired(), Regexp(TOKEN)])
    submit = SubmitField("Discard")


def _owner() -> str:
    """Who owns an upload: the account's id, not ``get_id()`` (which carries the session
    epoch, so a sign-in elsewhere or a password change would orphan every waiting upload)."""
    return str(current_user.id)


def load_upload(token: str) -> tuple[bytes, dict] | None:
    """The current admin's waiting upload (None: unknown, confirmed, discarded, another's)."""
    return upload_imports.load_upload(token, _owner())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ValueError(f"The file is not UTF-8 text (line {line}: {error.reason}).") from None


def _dry_run(text: str, meta: dict) -> ImportSummary:
    return import_text(text, meta["filename"], meta["format"], meta["question"] or None,
                       dry_run=True, skip_invalid=meta["skip_invalid"])


def _file_problem_to_form(form: UploadForm, error: ImportRejected) -> None:
    """A problem with the whole file (format, header) goes next to the field it concerns."""
    for problem in error.problems[:20]:
        text = f"Line {problem.line}: {problem.field}: {problem.message}."
        target = form.format if problem.field == "format" else form.file
        target.errors = [*target.errors, text]


@bp.route("/uploads/new", methods=["GET", "POST"])
@requires("uploads.write")
def new_upload():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        # control and bidi characters would disguise the name in lists and audit entries
        filename = strip_controls(Path(upload.filename or "upload.csv").name)[:200] or "upload.csv"
        data = upload.read()
        meta = {"filename": filename, "format": form.format.data,
                "question": (form.question.data or "").strip(),
                "skip_invalid": bool(form.skip_invalid.data), "user": _owner()}
        try:
            summary = _dry_run(_decode(data), meta)
        except ValueError as error:
            form.file.errors = [*form.file.errors, str(error)]
        except ImportRejected as error:
            _file_problem_to_form(form, error)
        except ServiceError as error:
            form.form_errors.append(error.message)
        else:
            token = store_upload(data, meta)
            return _preview(summary, meta, token)
    return render_template("admin/upload.html", form=form, max_mb=MAX_BYTES // (1024 * 1024))


def upload_too_large():
    """The upload form again, the size message under the file field: a body over the
    app's MAX_CONTENT_LENGTH is refused before the form can look at it."""
    form = UploadForm(formdata=None)
    form.file.errors = [f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."]
    return render_template("admin/upload.html", form=form, max_mb=MAX_BYTES // (1024 * 1024)), 413


def _preview(summary: ImportSummary, meta: dict, token: str | None, *, failed: bool = False):
    blocked = bool(summary.problems) and not meta["skip_invalid"]
    listed = [o for o in summary.outcomes if o.action in ("added", "updated")]
    return render_template(
        "admin/upload_preview.html", summary=summary, meta=meta, token=token, blocked=blocked,
        failed=failed, changes=listed[:PREVIEW_ROWS], more_changes=max(len(listed) - PREVIEW_ROWS, 0),
        problems=summary.problems[:PREVIEW_ROWS * 2],
        more_problems=max(len(summary.problems) - PREVIEW_ROWS * 2, 0),
        warnings=summary.warnings[:PREVIEW_ROWS * 2],
        more_warnings=max(len(summary.warnings) - PREVIEW_ROWS * 2, 0),
        format_label=FORMAT_LABELS.get(summary.format, summary.format),
        confirm_form=ConfirmForm(upload=token), discard_form=DiscardForm(upload=token),
        new_pollsters=new_pollster_suggestions(summary),
    )


def new_pollster_suggestions(summary: ImportSummary) -> list[tuple[str, list[str]]]:
    """The pollsters the import would create, by name, each with the stored pollsters its
    name may be a misspelling of (for the first ``SUGGESTED_NEW_POLLSTERS``: a first import
    of a big file creates hundreds, and the rest are listed without suggestions)."""
    names = sorted(summary.created_pollsters.values(), key=str.casefold)
    return [(name, [p.name for p in search_pollsters(name, limit=3)] if i < SUGGESTED_NEW_POLLSTERS else [])
            for i, name in enumerate(names)]


@bp.post("/uploads/confirm")
@requires("uploads.write")
def confirm_upload():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The upload could not be confirmed (the form expired); upload the file again.", "error")
        return redirect(url_for("admin.new_upload"))
    token = form.upload.data
    state = upload_imports.confirm_import(token, _owner(), current_user.username)
    if state == "missing":
        flash("That upload is no longer waiting (imported, discarded or expired); upload it again.",
              "error")
        return redirect(url_for("admin.new_upload"))
    return redirect(url_for("admin.upload_progress", token=token))


@bp.get("/uploads/<token>/progress")
@requires("uploads.write")
def upload_progress(token: str):
    """The import job of a confirmed upload (queued, running, done, failed), then the
    workers' recomputes of its questions; the page reloads itself until all are over.
    ``?format=json`` (or ``Accept: application/json``) gives the same as JSON."""
    kept = upload_imports.job_state(token, _owner()) if TOKEN.match(token) else None
    if kept is None:
        flash("That import's progress is no longer kept.", "info")
        return redirect(url_for("admin.new_upload"))
    job = kept["job"]
    targets = {int(k): v for k, v in job.get("targets", {}).items()}
    done, failed = recompute_progress(targets) if job["state"] == "done" else (0, 0)
    recomputed = {"total": len(targets), "done": done, "failed": failed}
    finished = job["state"] == "failed" or (job["state"] == "done" and done + failed >= len(targets))
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify({"file": kept["filename"], **job, "recomputes": recomputed,
                        "finished": finished})
    return render_template("admin/upload_progress.html", kept=kept, job=job, total=len(targets),
                           done=done, failed=failed, finished=finished)


@bp.post("/uploads/discard")
@requires("uploads.write")
def discard():
    form = DiscardForm()
    if form.validate_on_submit():
        if load_upload(form.upload.data) is None:  # unknown, or another admin's upload
            flash("That upload is no longer waiting (imported, discarded or expired).", "error")
        else:
            discard_upload(form.upload.data)
            flash("The upload was discarded; nothing was imported.", "info")
    return redirect(url_for("admin.new_upload"))
