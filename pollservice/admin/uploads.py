"""Admin upload of a poll file in any format ``import-polls`` reads: a dry-run preview
first (what would be added, updated, skipped and rejected, with line numbers), then an
explicit confirmation.

Between preview and confirmation the file waits in the instance folder
(``instance/uploads/<random>.upload``, next to a ``.json`` with its name and the chosen
options, so the confirmation imports exactly what was previewed); it is deleted once
imported or discarded, and uploads left waiting for a day are removed.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..domain.errors import ServiceError
from ..domain.validation import strip_controls
from ..services.imports import formats, import_text
from ..services.imports.rows import ImportRejected, ImportSummary
from ..services.recomputes import recompute_progress, recompute_targets_if_reachable
from .access import requires
from .blueprint import bp

# Under the app's MAX_CONTENT_LENGTH (16 MiB), which refuses a larger request outright
# (413) before this form could say why; 538's largest poll lists are about 4 MB.
MAX_BYTES = 15 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PREVIEW_ROWS = 300  # rows of each kind listed in a preview
MAX_LINKED = 50  # questions linked from the progress page of an import
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


def upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    if not TOKEN.match(token):  # never a path from the request
        raise ValueError("bad upload token")
    folder = upload_folder()
    return folder / f"{token}.upload", folder / f"{token}.json"


def store_upload(data: bytes, meta: dict) -> str:
    _remove_stale()
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(token)
    data_path.write_bytes(data)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return token


def load_upload(token: str) -> tuple[bytes, dict] | None:
    data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("user") != current_user.get_id():
            return None  # another admin's upload
        return data_path.read_bytes(), meta
    except (OSError, ValueError):
        return None


def discard_upload(token: str) -> None:
    for path in _paths(token):
        path.unlink(missing_ok=True)


def _remove_stale() -> None:
    limit = time.time() - KEEP_SECONDS
    for path in upload_folder().iterdir():
        if path.suffix in (".upload", ".json") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


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
                "skip_invalid": bool(form.skip_invalid.data), "user": current_user.get_id()}
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
    )


@bp.post("/uploads/confirm")
@requires("uploads.write")
def confirm_upload():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The upload could not be confirmed (the form expired); upload the file again.", "error")
        return redirect(url_for("admin.new_upload"))
    token = form.upload.data
    stored = load_upload(token)
    if stored is None:
        flash("That upload is no longer waiting (imported, discarded or expired); upload it again.",
              "error")
        return redirect(url_for("admin.new_upload"))
    data, meta = stored
    try:
        return _confirm(data, meta)
    finally:  # imported, refused or failed: the upload is not kept either way
        discard_upload(token)


def _confirm(data: bytes, meta: dict):
    try:
        summary = import_text(_decode(data), meta["filename"], meta["format"],
                              meta["question"] or None, skip_invalid=meta["skip_invalid"],
                              actor=f"import:{meta['filename']} by user:{current_user.username}")
    except ImportRejected as error:
        # The store changed since the preview (or the file did not pass): nothing was written.
        summary = error.summary or ImportSummary(source_name=meta["filename"],
                                                 problems=error.problems)
        return _preview(summary, meta, None, failed=True), 422
    except (ValueError, ServiceError) as error:
        flash(f"Nothing was imported: {getattr(error, 'message', error)}", "error")
        return redirect(url_for("admin.new_upload"))
    flash(f"Imported {meta['filename']}: added {summary.added}, updated {summary.updated}, "
          f"unchanged {summary.unchanged}, rejected {summary.rejected}, "
          f"skipped {sum(summary.skipped.values())}, warnings {len(summary.warnings)}"
          + "".join(f"; line {w.location}: {w.field} stored empty" for w in summary.warnings[:5])
          + ".", "success")
    targets = recompute_targets_if_reachable(summary.question_ids)
    if targets is None:  # committed: the flash says what was stored; no progress to show
        flash("The database stopped answering after the import was committed: its progress "
              "cannot be shown; the workers' sweep will queue the recomputes within a minute.", "info")
        return redirect(url_for("admin.new_upload"))
    progress = store_progress(meta["filename"], sorted(summary.questions), targets)
    return redirect(url_for("admin.upload_progress", token=progress))


def store_progress(filename: str, slugs: list[str], targets: dict[int, int]) -> str:
    """Keep what an import's recomputes must reach, for its progress page."""
    token = secrets.token_urlsafe(24)
    _paths(token)[1].write_text(json.dumps({
        "user": current_user.get_id(), "filename": filename, "slugs": slugs[:MAX_LINKED],
        "more": max(len(slugs) - MAX_LINKED, 0), "targets": {str(k): v for k, v in targets.items()},
    }), encoding="utf-8")
    return token


@bp.get("/uploads/<token>/progress")
@requires("uploads.write")
def upload_progress(token: str):
    """The workers' recomputes of an import's questions: done, failed, still to do; the
    page reloads itself until they are all done or failed."""
    try:
        kept = json.loads(_paths(token)[1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = None
    if not kept or kept.get("user") != current_user.get_id() or "targets" not in kept:
        flash("That import's progress is no longer kept.", "info")
        return redirect(url_for("admin.new_upload"))
    targets = {int(k): v for k, v in kept["targets"].items()}
    done, failed = recompute_progress(targets)
    return render_template("admin/upload_progress.html", kept=kept, total=len(targets), done=done,
                           failed=failed, finished=done + failed >= len(targets))


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
